"""Track: `starter status`, where each claim stands, as a table or as JSON."""

from __future__ import annotations

from pathlib import Path

import typer

from starter.commands import complete
from starter.commands.claim import NO_CLAIMS
from starter.commands.common import DIRECTORY, open_repo
from starter.commands.render import print_json, warn


def status(
    as_json: bool = typer.Option(False, "--json", help="Print JSON (documented fields)."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Exit 3 if a central claim (all, if none is central) is not reproduced.",
    ),
    require: str | None = typer.Option(
        None,
        "--require",
        help="With --check, also exit 3 unless every central claim is reproduced (or better: "
        "'reproduced'), or none is pending, needs a tolerance or is inconclusive ('judged').",
        metavar="reproduced|judged",
    ),
    claim_id: str | None = typer.Option(
        None, "--claim", help="Only this claim.", autocompletion=complete.claim_ids
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Where each claim stands: runs, mean ± sd, 95% interval of the gap, and the verdict;
    one row per claim and group."""
    from starter.errors import InputError
    from starter.track import status as core

    if require is not None and require not in core.REQUIREMENTS:
        raise InputError(f"--require {require!r}: use reproduced or judged")
    if require is not None and not check:
        check = True  # --require says what the check requires: it implies --check
    repo = open_repo(directory)
    report = core.compute(repo.root, keep_runs=False)
    for problem in [*report.problems, *report.warnings]:
        warn(problem)
    claims = report.claims
    if claim_id is not None:
        from starter.track.recorder import claim_of

        claim_of(report.paper, claim_id)
        claims = [c for c in claims if c.id == claim_id]
    if as_json:
        data = core.report_to_json(report)
        data["claims"] = [core.status_to_json(c) for c in claims]
        print_json(data)
    else:
        from starter.commands.status_view import render, width

        if not claims:
            typer.echo(f"{report.paper.key}: {report.paper.title}")
            warn(NO_CLAIMS)
        else:
            typer.echo("\n".join(render(report, claims, width())))
    if check:
        core.check(report, require)


def register(app: typer.Typer) -> None:
    app.command("status", rich_help_panel="Track")(status)
