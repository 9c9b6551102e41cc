"""Track: `starter claim`, `starter log`, `starter run`, `starter status`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from starter.commands.render import print_json, warn
from starter.errors import InputError

claim_app = typer.Typer(
    help="Add, list, change and remove the paper's claims.", no_args_is_help=True
)

# `starter log elbo -103.2`: without this, click reads -103.2 as an unknown option.
NEGATIVE_OK = {"ignore_unknown_options": True}

DIRECTORY = typer.Option(
    None,
    "-C",
    "--directory",
    help="Run as if in DIR (the repository is found by walking up to paper.toml).",
    show_default=False,
)

_LOWER_WORDS = ("error", "loss", "perplexity", "ppl", "wer", "cer", "time", "latency", "fid")
_HIGHER_WORDS = ("accuracy", "acc", "bleu", "f1", "auc", "map", "rouge", "precision", "recall")


def _repo(directory: Path | None) -> Any:
    from starter.track.recorder import open_repo

    return open_repo(directory)


def _fmt(value: float | None, digits: int = 4) -> str:
    if value is None:
        return ""
    return f"{value:.{digits}g}"


# ----------------------------------------------------------------------------- claim


def _claim_value(text: str | None) -> tuple[Any, str | None, str | None]:
    """(value, value_text, unit understood) from VALUE: 76.2, 95%, [1.2, 1.5] or 1.2..1.5."""
    from starter.track.recorder import parse_number

    if text is None:
        return None, None, None
    raw = text.strip()
    unit = None
    if raw.endswith("%"):
        raw, unit = raw[:-1].strip(), "%"
    inner = raw.strip("[]()")
    for sep in ("..", ",", ";"):
        if sep in inner:
            lo_text, hi_text = (part.strip() for part in inner.split(sep, 1))
            lo, hi = parse_number(lo_text), parse_number(hi_text)
            if lo > hi:
                raise InputError(f"range {text!r}: write the low end first, e.g. 1.2..1.5")
            return (lo, hi), f"{lo_text}-{hi_text}", unit
    value = parse_number(raw)
    return (
        (int(value) if value.is_integer() and "." not in raw and "e" not in raw.lower() else value),
        raw,
        unit,
    )


def _direction(metric: str, higher: bool | None) -> tuple[str | None, str | None]:
    """The direction given, or one read from the metric's name (and a line saying so)."""
    if higher is not None:
        return ("higher" if higher else "lower"), None
    words = metric.lower().replace("-", " ").replace("_", " ").split()
    if any(w in _LOWER_WORDS for w in words):
        return "lower", "took lower as better from the metric's name (--higher-is-better to change)"
    if any(w in _HIGHER_WORDS for w in words):
        return (
            "higher",
            "took higher as better from the metric's name (--lower-is-better to change)",
        )
    return None, (
        "no direction: the claim is a fact, shown but never judged "
        "(add --higher-is-better or --lower-is-better to judge it)"
    )


@claim_app.command("add", context_settings=NEGATIVE_OK)
def claim_add(
    metric: str = typer.Argument(
        ..., help='What is measured, e.g. "top-1 error".', metavar="METRIC"
    ),
    value: str = typer.Argument(
        None,
        help="The number as printed (76.2, 95%, a range 1.2..1.5); leave out for a "
        "qualitative claim.",
        show_default=False,
        metavar="VALUE",
    ),
    claim_id: str = typer.Option(None, "--id", help="Short id [default: from metric and split]."),
    unit: str | None = typer.Option(None, "--unit", help='Unit, e.g. "%", "BLEU", "nats".'),
    higher: bool = typer.Option(
        None,
        "--higher-is-better/--lower-is-better",
        help="Direction [default: from the metric's name, else none (a fact)].",
        show_default=False,
    ),
    dataset: str = typer.Option(None, "--dataset", help="Dataset, e.g. ImageNet."),
    split: str = typer.Option(None, "--split", help='Split, e.g. "test (10,000)".'),
    protocol: str = typer.Option(None, "--protocol", help="Setting or protocol of the number."),
    source: str = typer.Option(None, "--source", help='Where the paper says it: "Table 2".'),
    spread: float = typer.Option(None, "--spread", help="The paper's sd over --runs runs."),
    runs: int = typer.Option(None, "--runs", help="How many runs the paper aggregated."),
    aggregation: str = typer.Option(
        None, "--aggregation", help="single, best or mean [default: mean with --spread]."
    ),
    tolerance: float = typer.Option(None, "--tolerance", help="Tolerance, in the claim's unit."),
    tolerance_origin: str = typer.Option(
        None, "--tolerance-origin", help="Why this tolerance (required with --tolerance)."
    ),
    central: bool = typer.Option(False, "--central", help="The paper's conclusion rests on it."),
    directory: Path = DIRECTORY,
) -> None:
    """Add a claim (a number the paper reports) to paper.toml."""
    from starter.models import Aggregation, Claim
    from starter.papers import edit as card_edit

    repo = _repo(directory)
    number, value_text, understood_unit = _claim_value(value)
    if understood_unit and unit and unit != understood_unit:
        raise InputError(f"VALUE {value!r} says % but --unit says {unit!r}; give one unit")
    unit = unit or understood_unit
    if aggregation is not None and aggregation not in ("single", "best", "mean"):
        raise InputError(f"--aggregation {aggregation!r}: use single, best or mean")
    if spread is not None and (spread < 0 or spread != spread):
        raise InputError("--spread is a standard deviation: zero or more")
    if runs is not None and runs < 1:
        raise InputError("--runs must be 1 or more")
    if tolerance is not None and not tolerance_origin:
        raise InputError('--tolerance needs --tolerance-origin "why", e.g. "2 binomial SE"')
    if tolerance is not None and not (tolerance > 0 and tolerance != float("inf")):
        raise InputError("--tolerance must be a positive number")
    agg = None
    if aggregation or spread is not None or runs is not None:
        agg = Aggregation(
            kind=aggregation or ("mean" if spread is not None else "single"),  # type: ignore[arg-type]
            n=runs,
            spread=spread,
        )
    direction, said = (None, None) if number is None else _direction(metric, higher)
    claim = Claim(
        id=claim_id or "",
        metric=metric,
        value=number,
        value_text=value_text,
        unit=unit,
        direction=direction,  # type: ignore[arg-type]
        dataset=dataset,
        split=split,
        setting=protocol,
        source=source,
        aggregation=agg,
        tolerance=tolerance,
        tolerance_origin=tolerance_origin,
        central=central,
    )
    stored = card_edit.add_claim(repo.card_path, claim)
    if tolerance is not None:
        from starter.track.results import append, tolerance_record

        append(repo.root, [tolerance_record(stored.id, tolerance, tolerance_origin)])
    if understood_unit and value:
        warn(f"read {value!r} as {number} with unit %")
    if said:
        warn(said)
    typer.echo(f"added claim {stored.id}: {stored.metric} {stored.display_value}{_unit(stored)}")


def _unit(claim: Any) -> str:
    if not claim.unit:
        return ""
    return claim.unit if claim.unit == "%" else f" {claim.unit}"


@claim_app.command("list")
def claim_list(
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    directory: Path = DIRECTORY,
) -> None:
    """List the claims in paper.toml."""
    repo = _repo(directory)
    if as_json:
        from starter.papers.card import paper_to_json

        print_json(paper_to_json(repo.paper)["claims"])
        return
    if not repo.paper.claims:
        warn('no claims yet; add one: starter claim add "top-1 error" 23.6 --unit %')
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
        short_unit = _unit(c) if c.unit and len(c.unit) <= 6 else ""
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
    claim_id: str = typer.Argument(..., help="The claim's id.", metavar="CLAIM_ID"),
    value: float = typer.Argument(
        None, help="The tolerance, in the claim's unit.", show_default=False, metavar="VALUE"
    ),
    origin: str = typer.Option(
        None, "--origin", help='Why this value (required), e.g. "2 binomial SE on 10,000".'
    ),
    test_size: int = typer.Option(
        None,
        "--test-size",
        help="Compute 2 binomial SE of a rate on a test set of this many items instead.",
    ),
    directory: Path = DIRECTORY,
) -> None:
    """Set how far a result may be from a claim and still reproduce it (recorded in the log)."""
    from starter.papers import edit as card_edit
    from starter.track.recorder import claim_of
    from starter.track.results import append, tolerance_record

    repo = _repo(directory)
    claim = claim_of(repo.paper, claim_id)
    if test_size is not None:
        from starter.track.verdicts import binomial_tolerance

        if value is not None:
            raise InputError("give either VALUE --origin TEXT or --test-size N, not both")
        computed = binomial_tolerance(claim, test_size) if test_size > 0 else None
        if computed is None or computed <= 0:
            raise InputError(
                f"cannot compute a binomial SE for {claim_id!r}: it needs a rate between 0 and 1 "
                "(or 0-100 with unit %) and a test size of 1 or more"
            )
        # Three significant digits: the binomial SE is itself an estimate.
        value = float(f"{computed:.3g}")
        origin = origin or f"2 binomial SE on {test_size:,} items"
    if value is None:
        raise InputError(
            f'give the tolerance: starter claim tolerance {claim_id} VALUE --origin "why"'
        )
    if not origin:
        raise InputError('say where the tolerance comes from: --origin "2 binomial SE on 10,000"')
    stored = card_edit.set_tolerance(repo.card_path, claim_id, value, origin)
    append(repo.root, [tolerance_record(claim_id, float(value), origin)])
    typer.echo(f"tolerance of {claim_id}: {stored.tolerance:g}{_unit(stored)} ({origin})")


@claim_app.command("remove")
def claim_remove(
    claim_id: str = typer.Argument(..., help="The claim's id.", metavar="CLAIM_ID"),
    directory: Path = DIRECTORY,
) -> None:
    """Remove a claim from paper.toml (its logged runs stay in the results log)."""
    from starter.papers import edit as card_edit

    repo = _repo(directory)
    removed = card_edit.remove_claim(repo.card_path, claim_id)
    typer.echo(f"removed claim {removed.id} (its logged values stay in results/runs.jsonl)")


# ----------------------------------------------------------------------------- log / run


def _report_recorded(recorded: Any, to_stderr: bool = False) -> None:
    for message in recorded.warnings:
        warn(message)
    for record in recorded.records:
        shown = ", ".join(f"{k} = {v:g}" for k, v in record["metrics"].items()) or "no metrics"
        state = " (failed)" if record["failed"] else ""
        line = f"logged run {record['id']}{state}: {shown}"
        if to_stderr:
            import sys

            sys.stderr.write(f"starter: {line}\n")
        else:
            typer.echo(line)


def log(
    claim_id: str = typer.Argument(
        None, help="The claim's id.", show_default=False, metavar="CLAIM_ID"
    ),
    value: str = typer.Argument(
        None, help="The value (negative ones too: -103.2).", show_default=False, metavar="VALUE"
    ),
    from_file: Path = typer.Option(
        None, "--from", help="Read the values from a JSON, JSON Lines, CSV or text log file."
    ),
    fmt: str = typer.Option("auto", "--format", help="auto, json, jsonl, csv or text."),
    preset: str = typer.Option(
        None,
        "--preset",
        help="Text logs: colon (key: value) or equals (key=value) [default: both].",
    ),
    pattern: str = typer.Option(
        None, "--pattern", help="Text logs: a regex with named groups, e.g. 'acc (?P<acc>[0-9.]+)'."
    ),
    maps: list[str] = typer.Option(
        None, "--map", help="Tie a log key to a claim: LOGKEY=CLAIM_ID (repeatable)."
    ),
    rows: bool = typer.Option(
        False, "--rows", help="One run per JSON item, JSON Lines line or CSV row."
    ),
    seed: int = typer.Option(None, "--seed", help="The run's random seed."),
    params: list[str] = typer.Option(None, "--param", help="A setting KEY=VALUE (repeatable)."),
    note: str = typer.Option(None, "--note", help="A note for the record."),
    kind: str = typer.Option(
        "reproduction", "--kind", help="reproduction, or extension (shown apart, never counted)."
    ),
    deviation: str = typer.Option(
        None, "--deviation", help="How this run departs from the paper (never pooled)."
    ),
    directory: Path = DIRECTORY,
) -> None:
    """Record a result: `starter log CLAIM_ID VALUE` or `starter log --from FILE`."""
    from starter.track import recorder

    repo = _repo(directory)
    recorder.check_kind(kind)
    param_values = recorder.parse_params(params)
    notes: list[str] = []
    if from_file is not None:
        if claim_id is not None:
            raise InputError("give either CLAIM_ID VALUE or --from FILE, not both")
        from starter.track import importers

        imported = importers.read_file(from_file, fmt, preset, pattern, rows)
        mapping = importers.parse_map(maps)
        runs = [importers.apply_map(m, mapping) for m in imported.runs]
        seeds = [s if s is not None else seed for s in imported.seeds]
        notes.extend(imported.notes)
        recorder.check_some_claimed(repo.paper, runs, from_file)
    else:
        if claim_id is None or value is None:
            raise InputError("give CLAIM_ID VALUE (e.g. starter log top1-acc 76.3) or --from FILE")
        if value.startswith("--") and value != "--":
            raise InputError(f"unknown option {value!r}; see `starter log --help`")
        claim = recorder.claim_of(repo.paper, claim_id)
        number, understood = recorder.parse_value(value, claim)
        if understood:
            notes.append(understood)
        runs, seeds = [{claim_id: number}], [seed]
    recorded = recorder.record_runs(
        repo,
        runs,
        seeds=seeds,
        kind=kind,
        params=param_values,
        note=note,
        deviation=deviation,
        command=recorder.invocation(),
        warnings=notes,
    )
    _report_recorded(recorded)


def run(
    command: list[str] = typer.Argument(
        None, help="The command to run, after --.", show_default=False, metavar="CMD ARGS..."
    ),
    seed: int = typer.Option(None, "--seed", help="Seed, passed as STARTER_SEED and recorded."),
    params: list[str] = typer.Option(None, "--param", help="A setting KEY=VALUE (repeatable)."),
    pattern: str = typer.Option(
        None, "--pattern", help="Also read metrics from the output: a regex with named groups."
    ),
    preset: str = typer.Option(
        None, "--preset", help="Also read metrics from the output: colon or equals."
    ),
    maps: list[str] = typer.Option(
        None, "--map", help="Tie a metric name to a claim: NAME=CLAIM_ID (repeatable)."
    ),
    note: str = typer.Option(None, "--note", help="A note for the record."),
    kind: str = typer.Option("reproduction", "--kind", help="reproduction or extension."),
    deviation: str = typer.Option(None, "--deviation", help="How this run departs from the paper."),
    directory: Path = DIRECTORY,
) -> None:
    """Run a training command, collect the metrics it writes to $STARTER_METRICS_FILE, and
    record one run. Exits with the command's exit code (127 if it does not exist)."""
    import sys

    from starter.track import importers, recorder

    repo = _repo(directory)
    mapping = importers.parse_map(maps)
    param_values = recorder.parse_params(params)

    def echo(line: str) -> None:
        sys.stdout.write(line)
        sys.stdout.flush()

    outcome = recorder.run_command(
        repo,
        list(command or []),
        seed=seed,
        params=param_values,
        pattern=pattern,
        preset=preset,
        mapping=mapping,
        kind=kind,
        note=note,
        deviation=deviation,
        echo=echo,
    )
    _report_recorded(outcome.recorded, to_stderr=True)
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code if outcome.exit_code > 0 else 128 - outcome.exit_code)


# ----------------------------------------------------------------------------- status


def status(
    as_json: bool = typer.Option(False, "--json", help="Print JSON (documented fields)."),
    check: bool = typer.Option(
        False,
        "--check",
        help="Exit 3 if a central claim (all, if none is central) is not reproduced.",
    ),
    claim_id: str = typer.Option(None, "--claim", help="Only this claim."),
    directory: Path = DIRECTORY,
) -> None:
    """Where each claim stands: runs, mean ± sd, 95% interval of the gap, and the verdict."""
    from starter.track import status as core
    from starter.track.recorder import open_repo

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
        central = [c for c in report.claims if c.central] or report.claims
        failing = [c.id for c in central if c.verdict == "not-reproduced"]
        if failing:
            from starter.errors import CheckFailed

            raise CheckFailed(f"not reproduced: {', '.join(failing)}")


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
    from starter.track.verdicts import Summary

    s = Summary.of(values)
    sd = f" ± {_fmt(s.sd, 3)}" if s.sd is not None else ""
    return f"n = {s.n}, mean {_fmt(s.mean)}{sd}"


def _print_status(report: Any, claims: list[Any]) -> None:
    from rich.markup import escape
    from rich.table import Table

    from starter.commands.render import console

    out = console()
    title = f"{report.paper.key}: {report.paper.title}"
    if not claims:
        out.print(escape(title))
        warn('no claims yet; add one: starter claim add "top-1 error" 23.6 --unit %')
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
        spread = f" ± {_fmt(c.sd, 3)}" if c.sd is not None else ""
        mean = f"{_fmt(c.mean)}{spread}" if c.mean is not None else ""
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
            _fmt(c.best),
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
    app.add_typer(claim_app, name="claim", rich_help_panel="Track")
    app.command("log", rich_help_panel="Track", context_settings=NEGATIVE_OK)(log)
    app.command(
        "run",
        rich_help_panel="Track",
        context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
    )(run)
    app.command("status", rich_help_panel="Track")(status)
