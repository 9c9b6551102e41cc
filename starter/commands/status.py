"""Track: `starter status`, where each claim stands, as a table or as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from starter.commands import complete
from starter.commands.claim import NO_CLAIMS
from starter.commands.common import DIRECTORY, fmt, open_repo
from starter.commands.render import print_json, warn


def status(
    as_json: bool = typer.Option(False, "--json", help="Print JSON (documented fields)."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Exit 3 if a central claim (all, if none is central) is not reproduced.",
    ),
    claim_id: str | None = typer.Option(
        None, "--claim", help="Only this claim.", autocompletion=complete.claim_ids
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Where each claim stands: runs, mean ± sd, 95% interval of the gap, and the verdict."""
    from starter.track import status as core

    repo = open_repo(directory)
    report = core.compute(repo.root, keep_runs=False)
    for problem in report.problems:
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
        _print_status(report, claims)
    if check:
        core.check(report)


def _verdict_text(c: Any) -> str:
    text = c.verdict.replace("-", " ")
    if c.detail:
        text += f": {c.detail}"
    if "1 run" in c.notes and c.verdict == "indicative":
        text += " (1 run)"
    return text


def _details(c: Any) -> list[str]:
    """What a verdict needs said beyond its name: suggestions, notes, runs to settle."""
    lines = []
    if c.verdict == "inconclusive" and c.runs_to_settle:
        lines.append(f"about {c.runs_to_settle} runs would likely settle it")
    if c.suggested_tolerance:
        s = c.suggested_tolerance
        if s.get("value") is not None:
            lines.append(f"suggested tolerance {s['value']:.3g} ({s['origin']}): {s['command']}")
        else:
            lines.append(f"{s['origin']}: {s['command']}")
    notes = [n for n in c.notes if not (n == "1 run" and c.verdict == "indicative")]
    lines.extend(notes)
    if c.extension_values:
        lines.append(f"extension runs (never counted): {_spread(c.extension_values)}")
    if c.deviating_values and c.verdict != "not-comparable":
        lines.append(f"deviating runs (never pooled): {_spread(c.deviating_values)}")
    return lines


def _spread(values: tuple[float, ...]) -> str:
    from starter.track.stats import Summary

    s = Summary.of(values)
    sd = f" ± {fmt(s.sd, 3)}" if s.sd is not None else ""
    return f"n = {s.n}, mean {fmt(s.mean)}{sd}"


def _print_status(report: Any, claims: list[Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from starter.commands.render import console

    out = console()
    title = f"{report.paper.key}: {report.paper.title}"
    if not claims:
        out.print(escape(title))
        warn(NO_CLAIMS)
        return
    table = Table(
        title=escape(title), box=None, pad_edge=False, header_style="bold", collapse_padding=True
    )
    for column, justify in (
        ("claim", "left"),
        ("verdict", "left"),
        ("paper", "right"),
        ("n", "right"),
        ("mean ± sd", "right"),
        ("gap, 95% CI", "right"),
        ("best", "right"),
        ("tol.", "right"),
    ):
        # Numbers never wrap; the claim id folds when the terminal is narrow.
        table.add_column(
            column,
            justify=justify,  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=column not in ("claim", "verdict", "paper"),
            min_width=min(12, max(len(c.id) + 2 for c in claims)) if column == "claim" else None,
        )
    for c in claims:
        # Long units ("MSE (paper's normalization; see evidence)") stay in `starter show`.
        unit = "" if not c.unit or len(c.unit) > 6 else (c.unit if c.unit == "%" else f" {c.unit}")
        reported = "(qualitative)" if c.reported is None else f"{c.reported_text}{unit}"
        spread = f" ± {fmt(c.sd, 3)}" if c.sd is not None else ""
        mean = f"{fmt(c.mean)}{spread}" if c.mean is not None else ""
        if c.ci95:
            gap = f"[{c.ci95[0]:+.3g}, {c.ci95[1]:+.3g}]"  # the point estimate is the mean
        else:
            gap = f"{c.gap:+.3g}" if c.gap is not None else ""
        tol = "" if c.tolerance is None else f"±{c.tolerance:g}"
        table.add_row(
            escape(f"{c.id} *" if c.central else c.id),
            escape(_verdict_text(c)),
            escape(reported),
            str(c.n) if c.n else "",
            mean,
            gap,
            fmt(c.best),
            tol,
        )
    out.print(table)
    for c in claims:
        lines = _details(c)
        if c.tolerance is not None and c.tolerance_origin:
            lines.insert(0, f"tolerance: {c.tolerance_origin}")
        for line in lines:
            out.print(escape(f"  {c.id}: {line}"))
    counts = ", ".join(f"{n} {v.replace('-', ' ')}" for v, n in report.counts.items())
    judged = round(report.expected_outside / 0.05)
    line = f"{len(report.claims)} claims: {counts}."
    if judged:
        line += (
            f" By chance alone about {report.expected_outside:.2g} of the {judged} judged "
            "claims would fall outside at 95%."
        )
    if any(c.central for c in report.claims):
        line += " (* central)"
    if report.failed_runs:
        plural = "s" if report.failed_runs != 1 else ""
        line += f" {report.failed_runs} failed run{plural} not counted."
    out.print(escape(line))


def register(app: typer.Typer) -> None:
    app.command("status", rich_help_panel="Track")(status)
