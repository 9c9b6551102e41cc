"""Track: `starter claim extract` and `starter claim review`, draft claims read from the
paper's LaTeX source and their review."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from starter.commands.common import DIRECTORY, unit_suffix
from starter.commands.render import print_json, waiting, warn


def claim_extract(
    paper: str | None = typer.Argument(
        None,
        help="An arXiv id or URL [default: the repository's paper].",
        show_default=False,
        metavar="PAPER",
    ),
    limit: int = typer.Option(15, "--limit", "-n", help="How many drafts to propose.", min=1),
    every: bool = typer.Option(False, "--all", help="Propose every number found."),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Show the drafts without writing paper.toml."
    ),
    offline: bool = typer.Option(False, "--offline", help="Never use the network (cache only)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text."),
    directory: Path | None = DIRECTORY,
) -> None:
    """Draft the paper's claims from its LaTeX source on arXiv (its tables and abstract).

    Inside a repository the drafts are added to paper.toml, marked confidence = "draft":
    `starter status` shows them but never judges them until `starter claim review`
    accepts them. Outside one, give PAPER to see the drafts without writing anything.
    The e-print is fetched once and cached (STARTER_ARXIV_EPRINT points elsewhere).

    Example: starter claim extract            (in the repository of an arXiv paper)
    """
    from starter.papers.latex.workflow import extract_claims

    card, known = _card(directory, paper)
    with waiting("reading the paper's LaTeX source", quiet=as_json):
        outcome = extract_claims(
            paper,
            paper=known,
            card=None if dry_run else card,
            offline=offline,
            limit=None if every else limit,
        )
    if as_json:
        print_json(_outcome_json(outcome))
        return
    _print_outcome(outcome, card is not None and not dry_run)


def _card(directory: Path | None, paper: str | None) -> tuple[Path | None, Any]:
    """The repository's card, or (None, None) outside one when PAPER is given."""
    from starter.errors import NotFoundError
    from starter.papers.card import find_card, load_card

    try:
        path = find_card(directory or Path.cwd())
    except NotFoundError:
        if directory is not None or paper is None:
            raise
        return None, None
    return path, load_card(path)


def _outcome_json(outcome: Any) -> dict[str, Any]:
    from starter.models import to_plain

    ex = outcome.extraction
    return {
        "arxiv_id": outcome.arxiv_id,
        "source": ex.kind,
        "main_file": ex.main,
        "method_names": list(ex.names),
        "tables": ex.tables,
        "numbers_found": len(ex.candidates),
        "message": ex.message,
        "written": outcome.written,
        "drafts": [
            {
                **to_plain(d.claim),
                "file": d.file,
                "line": d.line,
                "notes": list(d.notes),
                "skipped": d.skipped,
            }
            for d in outcome.drafts
        ],
    }


def _print_outcome(outcome: Any, into_card: bool) -> None:
    ex = outcome.extraction
    if ex.message:
        typer.echo(f"arXiv:{outcome.arxiv_id}: {ex.message}; nothing drafted")
        return
    method = ", ".join(ex.names[:3]) or "not named"
    typer.echo(
        f"read arXiv:{outcome.arxiv_id} ({ex.main}, {ex.tables} tables, "
        f"{len(ex.candidates)} numbers; method: {method}) in {ex.seconds:.2f} s"
    )
    added = outcome.added
    skipped = [d for d in outcome.drafts if d.skipped]
    where = "into paper.toml" if into_card else "(not written)"
    typer.echo(f"drafted {len(added)} claims {where}:")
    for d in added:
        c = d.claim
        better = f", {c.direction} is better" if c.direction else ""
        typer.echo(f"  {c.id}: {c.metric} {c.display_value}{unit_suffix(c)}{better}")
        typer.echo(f"      {c.source}")
        typer.echo(f"      {d.file} line {d.line}; {'; '.join(d.notes)}")
    for d in skipped:
        warn(f"{d.claim.value_text} ({d.claim.source}): {d.skipped}")
    if added and into_card:
        typer.echo("review them: starter claim review (accept, edit or reject each)")


def claim_review(
    accept: list[str] | None = typer.Option(
        None, "--accept", help="Accept these drafts (repeat, or ID,ID; 'all' for every one)."
    ),
    reject: list[str] | None = typer.Option(
        None, "--reject", help="Reject (remove) these drafts (repeat, or ID,ID)."
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Review the draft claims: accept, edit or reject each (asks, one by one), or pass
    --accept/--reject for scripts. An accepted claim loses its draft mark and is judged."""
    from starter.commands.common import open_repo

    repo = open_repo(directory)
    drafts = [c for c in repo.paper.claims if c.confidence == "draft"]
    if not drafts:
        warn("no draft claims; draft some with `starter claim extract`")
        return
    if accept or reject:
        _review_given(repo.card_path, drafts, _ids(accept), _ids(reject))
        return
    _review_each(repo.card_path, drafts)


def _ids(values: list[str] | None) -> list[str]:
    return [part.strip() for v in values or [] for part in v.split(",") if part.strip()]


def _review_given(card: Path, drafts: list[Any], accept: list[str], reject: list[str]) -> None:
    from starter.errors import InputError
    from starter.papers import edit

    known = {c.id for c in drafts}
    if "all" in accept:
        accept = [c.id for c in drafts if c.id not in reject]
    both = set(accept) & set(reject)
    if both:
        raise InputError(f"{', '.join(sorted(both))}: both accepted and rejected; choose one")
    unknown = [i for i in [*accept, *reject] if i not in known]
    if unknown:
        raise InputError(f"no draft claim {unknown[0]!r}; drafts: {', '.join(sorted(known))}")
    for claim_id in accept:
        edit.accept_claim(card, claim_id)
        typer.echo(f"accepted {claim_id}")
    for claim_id in reject:
        edit.remove_claim(card, claim_id)
        typer.echo(f"rejected {claim_id} (removed from paper.toml)")


def _review_each(card: Path, drafts: list[Any]) -> None:
    from starter.papers import edit

    done = 0
    for index, c in enumerate(drafts, 1):
        better = f" ({c.direction} is better)" if c.direction else " (no direction)"
        typer.echo(f"\n[{index}/{len(drafts)}] {c.id}: {c.metric} {c.display_value}"
                   f"{unit_suffix(c)}{better}")  # fmt: skip
        typer.echo(f"  source:   {c.source or ''}")
        typer.echo(f"  evidence: {c.evidence or ''}")
        try:
            choice = (
                typer.prompt("accept, edit, reject, skip or quit? [a/e/r/s/q]", default="a")
                .strip()
                .lower()[:1]
            )
            if choice == "q":
                break
            if choice == "r":
                edit.remove_claim(card, c.id)
                typer.echo(f"rejected {c.id}")
            elif choice == "e":
                changes = {
                    "metric": typer.prompt("metric", default=c.metric),
                    "value": typer.prompt("value as printed", default=c.display_value),
                    "unit": typer.prompt("unit (empty for none)", default=c.unit or ""),
                    "direction": typer.prompt(
                        "better: higher, lower or none", default=c.direction or "none"
                    ),
                }
                stored = edit.accept_claim(card, c.id, changes)
                typer.echo(f"accepted {stored.id}: {stored.metric} {stored.display_value}")
            elif choice == "a":
                edit.accept_claim(card, c.id)
                typer.echo(f"accepted {c.id}")
            else:
                continue
        except typer.Abort:
            break
        done += 1
    left = len(drafts) - done
    typer.echo(f"\nreviewed {done} of {len(drafts)} drafts" + (f"; {left} left" if left else ""))
