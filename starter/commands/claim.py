"""Track: `starter claim add|list|tolerance|remove|import` (extract and review: drafts.py),
the claims of the paper card."""

from __future__ import annotations

from pathlib import Path

import typer

from starter.commands import complete
from starter.commands.common import DIRECTORY, NEGATIVE_OK, open_repo, unit_suffix
from starter.commands.render import print_json, warn

claim_app = typer.Typer(
    help="Add, list, change and remove the paper's claims; draft them from its LaTeX source.",
    no_args_is_help=True,
)

NO_CLAIMS = 'no claims yet; add one: starter claim add "top-1 error" 23.6 --unit %'


@claim_app.command("add", context_settings=NEGATIVE_OK)
def claim_add(
    metric: str = typer.Argument(
        ..., help='What is measured, e.g. "top-1 error".', metavar="METRIC"
    ),
    value: str | None = typer.Argument(
        None,
        help="The number as printed: 76.2, 95%, a range 1.2..1.5, an approximate ~2.85 or "
        "'about 3%', or a best of n with the mean ± sd '6.43 (6.61±0.16)' (two linked "
        "claims); leave out for a qualitative claim.",
        show_default=False,
        metavar="VALUE",
    ),
    claim_id: str | None = typer.Option(
        None, "--id", help="Short id [default: from metric and split]."
    ),
    unit: str | None = typer.Option(None, "--unit", help='Unit, e.g. "%", "BLEU", "nats".'),
    higher: bool | None = typer.Option(
        None,
        "--higher-is-better/--lower-is-better",
        help="Direction [default: from the metric's name, else none (a fact)].",
        show_default=False,
    ),
    dataset: str | None = typer.Option(None, "--dataset", help="Dataset, e.g. ImageNet."),
    split: str | None = typer.Option(None, "--split", help='Split, e.g. "test (10,000)".'),
    protocol: str | None = typer.Option(
        None, "--protocol", help="Setting or protocol of the number."
    ),
    source: str | None = typer.Option(None, "--source", help='Where the paper says it: "Table 2".'),
    spread: float | None = typer.Option(None, "--spread", help="The paper's sd over --runs runs."),
    runs: int | None = typer.Option(None, "--runs", help="How many runs the paper aggregated."),
    aggregation: str | None = typer.Option(
        None, "--aggregation", help="single, best or mean [default: mean with --spread]."
    ),
    tolerance: float | None = typer.Option(
        None, "--tolerance", help="Tolerance, in the claim's unit."
    ),
    tolerance_origin: str | None = typer.Option(
        None, "--tolerance-origin", help="Why this tolerance (required with --tolerance)."
    ),
    central: bool = typer.Option(False, "--central", help="The paper's conclusion rests on it."),
    target: str | None = typer.Option(
        None,
        "--target",
        help="Where the value comes from: paper [default], 'other paper', or checkpoint "
        "(judge against the released weights, evaluated with --kind checkpoint runs).",
    ),
    mean_of: list[str] | None = typer.Option(
        None,
        "--mean-of",
        help="A derived claim: the paper's mean over these claims (ids, comma-separated), "
        "recomputed from their runs.",
        metavar="ID,ID,...",
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Add a claim (a number the paper reports) to paper.toml."""
    from starter.papers.claims import new_claim
    from starter.track import tolerance as core

    repo = open_repo(directory)
    claims, said = new_claim(
        metric,
        value,
        claim_id=claim_id,
        unit=unit,
        higher=higher,
        dataset=dataset,
        split=split,
        setting=protocol,
        source=source,
        spread=spread,
        runs=runs,
        aggregation=aggregation,
        tolerance=tolerance,
        tolerance_origin=tolerance_origin,
        central=central,
        target=target,
        mean_of=mean_of,
    )
    stored = core.add_claims(repo, claims)
    for line in said:
        warn(line)
    for claim in stored:
        shown = f"{claim.metric} {claim.display_value}{unit_suffix(claim)}"
        typer.echo(f"added claim {claim.id}: {shown}")


@claim_app.command("list")
def claim_list(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    directory: Path | None = DIRECTORY,
) -> None:
    """List the claims in paper.toml."""
    repo = open_repo(directory)
    if as_json:
        from starter.papers.card_write import paper_to_json

        print_json(paper_to_json(repo.paper)["claims"])
        return
    if not repo.paper.claims:
        warn(NO_CLAIMS)
        return
    from rich.table import Table

    from starter.commands.render import console

    # Ids, values and tolerances never wrap; metric and source fold (`starter show` has the
    # rest: dataset, split, setting, evidence). Tolerance origins follow the table.
    table = Table(box=None, pad_edge=False, header_style="bold", collapse_padding=True)
    for column, wrap in (("id", False), ("value", False), ("better", False), ("tol.", False),
                         ("metric", True), ("source", True)):  # fmt: skip
        table.add_column(column, overflow="fold", no_wrap=not wrap)
    for c in repo.paper.claims:
        short_unit = unit_suffix(c) if c.unit and len(c.unit) <= 6 else ""
        table.add_row(
            c.id + (" *" if c.central else ""),
            c.display_value + short_unit if c.value is not None else "(qualitative)",
            c.direction or "",
            "" if c.tolerance is None else f"±{c.tolerance:g}",
            c.metric,
            c.source or "",
        )
    out = console()
    out.print(table)
    for c in repo.paper.claims:
        if c.tolerance is not None:
            out.print(
                f"  {c.id}: tolerance ±{c.tolerance:g}: {c.tolerance_origin or '(no origin)'}",
                markup=False,
            )
    if any(c.central for c in repo.paper.claims):
        out.print("(* central)")


@claim_app.command("tolerance")
def claim_tolerance(
    claim_id: str = typer.Argument(
        ..., help="The claim's id.", metavar="CLAIM_ID", autocompletion=complete.claim_ids
    ),
    value: float | None = typer.Argument(
        None, help="The tolerance, in the claim's unit.", show_default=False, metavar="VALUE"
    ),
    origin: str | None = typer.Option(
        None, "--origin", help='Why this value (required), e.g. "2 binomial SE on 10,000".'
    ),
    test_size: int | None = typer.Option(
        None,
        "--test-size",
        help="Compute 2 binomial SE of a rate on a test set of this many items instead.",
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Set how far a result may be from a claim and still reproduce it (recorded in the log)."""
    from starter.track import tolerance as core

    repo = open_repo(directory)
    stored = core.set_tolerance(repo, claim_id, value, origin, test_size)
    shown = f"{stored.tolerance:g}{unit_suffix(stored)}"
    typer.echo(f"tolerance of {claim_id}: {shown} ({stored.tolerance_origin})")


@claim_app.command("remove")
def claim_remove(
    claim_id: str = typer.Argument(
        ..., help="The claim's id.", metavar="CLAIM_ID", autocompletion=complete.claim_ids
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Remove a claim from paper.toml (its logged runs stay in the results log)."""
    from starter.papers import edit

    repo = open_repo(directory)
    removed = edit.remove_claim(repo.card_path, claim_id)
    typer.echo(f"removed claim {removed.id} (its logged values stay in results/runs.jsonl)")


@claim_app.command("import")
def claim_import(
    card: Path = typer.Argument(
        ...,
        help="A model card: its README.md, or the folder holding it (and .eval_results/).",
        metavar="CARD",
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Add the results of a Hugging Face model card (model-index or .eval_results/) to
    paper.toml as draft claims, for you to check against the paper."""
    from starter.papers.modelcard import import_claims

    repo = open_repo(directory)
    added, kept, read = import_claims(card, repo.card_path)
    for problem in read.skipped:
        warn(f"not imported: {problem}")
    if kept:
        warn(f"already in paper.toml, left as they are: {', '.join(kept)}")
    for c in added:
        typer.echo(f"added draft claim {c.id}: {c.metric} {c.display_value}{unit_suffix(c)}")
    typer.echo(
        f"{len(added)} draft claim{'s' * (len(added) != 1)} from the model card of {read.name}; "
        "check each against the paper (value, source, direction) before you rely on it"
    )


def register(app: typer.Typer) -> None:
    from starter.commands import drafts

    claim_app.command("extract")(drafts.claim_extract)
    claim_app.command("review")(drafts.claim_review)
    app.add_typer(claim_app, name="claim", rich_help_panel="Track")
