"""From a paper to draft claims in its card: which e-print to read, which numbers are new
to the card, and writing them (`starter claim extract`, `starter new --extract`)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from starter.errors import InputError
from starter.models import Paper
from starter.papers.latex.drafts import DEFAULT_LIMIT, Draft, Extraction


@dataclass(frozen=True)
class Outcome:
    """What `claim extract` found and did: the e-print read, the drafts (added, or
    skipped as already in the card), and whether the card was written."""

    arxiv_id: str
    extraction: Extraction
    drafts: tuple[Draft, ...]
    written: bool

    @property
    def added(self) -> list[Draft]:
        return [d for d in self.drafts if d.skipped is None]

    @property
    def message(self) -> str | None:
        return self.extraction.message


def arxiv_id_of(ref: str | None, paper: Paper | None) -> str:
    """The arXiv id to read: the one given (an id or URL), else the card's."""
    from starter.papers.identifiers import parse

    if ref:
        parsed = parse(ref)
        if parsed.kind != "arxiv":
            raise InputError(
                f"{ref!r} is not an arXiv id; claims are drafted from arXiv's LaTeX source, "
                "e.g. starter claim extract 1706.03762"
            )
        if paper is not None and paper.arxiv_id and parse(paper.arxiv_id).value != parsed.value:
            raise InputError(
                f"paper.toml is for arXiv:{paper.arxiv_id}, not {parsed.value}; run this in "
                "that paper's repository, or leave out the id"
            )
        return parsed.versioned
    if paper is None or not paper.arxiv_id:
        raise InputError(
            "the paper card has no arxiv_id; give the paper's arXiv id: "
            "starter claim extract 1706.03762"
        )
    return paper.arxiv_id


def extract_claims(
    ref: str | None,
    *,
    paper: Paper | None = None,
    card: Path | None = None,
    offline: bool = False,
    limit: int | None = DEFAULT_LIMIT,
    dry_run: bool = False,
) -> Outcome:
    """Draft the paper's claims from its e-print; with `card`, add the new ones to it."""
    from starter.papers.latex.drafts import drafts, extract

    arxiv_id = arxiv_id_of(ref, paper)
    extraction = extract(arxiv_id, offline=offline, title=paper.title if paper else "")
    found = drafts(extraction, paper, limit) if extraction.message is None else []
    written = False
    if card is not None and not dry_run and any(d.skipped is None for d in found):
        from starter.papers import edit

        stored = edit.add_claims(card, [d.claim for d in found if d.skipped is None])
        by_source = {(c.source, c.value_text): c for c in stored}
        found = [
            replace(d, claim=by_source.get((d.claim.source, d.claim.value_text), d.claim))
            if d.skipped is None
            else d
            for d in found
        ]
        written = True
    return Outcome(arxiv_id, extraction, tuple(found), written)


def with_drafts(
    paper: Paper, *, offline: bool = False, limit: int | None = DEFAULT_LIMIT
) -> tuple[Paper, Outcome]:
    """`paper` with draft claims added from its e-print (for `starter new --extract`)."""
    outcome = extract_claims(None, paper=paper, offline=offline, limit=limit)
    added = tuple(d.claim for d in outcome.added)
    return replace(paper, claims=(*paper.claims, *added)), outcome
