"""Track: `starter log` and `starter run`, which record results in the results log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from starter.commands import complete
from starter.commands.common import DIRECTORY, NEGATIVE_OK, open_repo
from starter.commands.render import warn
from starter.errors import InputError

PARAMS = typer.Option(None, "--param", help="A setting KEY=VALUE (repeatable).")
NOTE = typer.Option(None, "--note", help="A note for the record.")


def _report_recorded(recorded: Any, to_stderr: bool = False) -> None:
    for message in recorded.warnings:
        warn(message)
    for record in recorded.records:
        shown = ", ".join(f"{k} = {v:g}" for k, v in record["metrics"].items()) or "no metrics"
        state = " (failed)" if record["failed"] else ""
        line = f"logged run {record['id']}{state}: {shown}"
        if to_stderr:
            sys.stderr.write(f"starter: {line}\n")
        else:
            typer.echo(line)


def log(
    claim_id: str | None = typer.Argument(
        None,
        help="The claim's id.",
        show_default=False,
        metavar="CLAIM_ID",
        autocompletion=complete.claim_ids,
    ),
    value: str | None = typer.Argument(
        None, help="The value (negative ones too: -103.2).", show_default=False, metavar="VALUE"
    ),
    from_file: Path | None = typer.Option(
        None, "--from", help="Read the values from a JSON, JSON Lines, CSV or text log file."
    ),
    fmt: str = typer.Option("auto", "--format", help="auto, json, jsonl, csv or text."),
    preset: str | None = typer.Option(
        None,
        "--preset",
        help="Text logs: colon (key: value) or equals (key=value) [default: both].",
        autocompletion=complete.presets,
    ),
    pattern: str | None = typer.Option(
        None, "--pattern", help="Text logs: a regex with named groups, e.g. 'acc (?P<acc>[0-9.]+)'."
    ),
    maps: list[str] | None = typer.Option(
        None, "--map", help="Tie a log key to a claim: LOGKEY=CLAIM_ID (repeatable)."
    ),
    rows: bool = typer.Option(
        False, "--rows", help="One run per JSON item, JSON Lines line or CSV row."
    ),
    seed: int | None = typer.Option(None, "--seed", help="The run's random seed."),
    params: list[str] | None = PARAMS,
    note: str | None = NOTE,
    kind: str = typer.Option(
        "reproduction", "--kind", help="reproduction, or extension (shown apart, never counted)."
    ),
    deviation: str | None = typer.Option(
        None, "--deviation", help="How this run departs from the paper (never pooled)."
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Record a result: `starter log CLAIM_ID VALUE` or `starter log --from FILE`."""
    from starter.track import recorder

    repo = open_repo(directory)
    common: dict[str, Any] = dict(
        seed=seed, params=params, note=note, kind=kind, deviation=deviation
    )
    if from_file is not None:
        if claim_id is not None:
            raise InputError("give either CLAIM_ID VALUE or --from FILE, not both")
        recorded = recorder.log_file(
            repo,
            from_file,
            fmt=fmt,
            preset=preset,
            pattern=pattern,
            maps=maps,
            rows=rows,
            **common,
        )
    else:
        if claim_id is None or value is None:
            raise InputError("give CLAIM_ID VALUE (e.g. starter log top1-acc 76.3) or --from FILE")
        recorded = recorder.log_value(repo, claim_id, value, **common)
    _report_recorded(recorded)


def run(
    command: list[str] | None = typer.Argument(
        None, help="The command to run, after --.", show_default=False, metavar="CMD ARGS..."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed, passed as STARTER_SEED and recorded."
    ),
    params: list[str] | None = PARAMS,
    pattern: str | None = typer.Option(
        None, "--pattern", help="Also read metrics from the output: a regex with named groups."
    ),
    preset: str | None = typer.Option(
        None,
        "--preset",
        help="Also read metrics from the output: colon or equals.",
        autocompletion=complete.presets,
    ),
    maps: list[str] | None = typer.Option(
        None, "--map", help="Tie a metric name to a claim: NAME=CLAIM_ID (repeatable)."
    ),
    note: str | None = NOTE,
    kind: str = typer.Option("reproduction", "--kind", help="reproduction or extension."),
    deviation: str | None = typer.Option(
        None, "--deviation", help="How this run departs from the paper."
    ),
    to: str | None = typer.Option(
        None,
        "--to",
        help="Where the run is recorded: log (results/runs.jsonl) or mlflow (the MLflow "
        "server, for a cluster node; `starter pull mlflow` brings it in) "
        "[env: STARTER_RUN_TO; default: log].",
        show_default=False,
    ),
    tracking_uri: str | None = typer.Option(
        None,
        "--tracking-uri",
        help="With --to mlflow: the server [env: STARTER_MLFLOW_URI].",
        show_default=False,
    ),
    experiment: str | None = typer.Option(
        None,
        "--experiment",
        help="With --to mlflow: the experiment [env: STARTER_MLFLOW_EXPERIMENT; default: "
        "the paper's key].",
        show_default=False,
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Run a training command, collect the metrics it writes to $STARTER_METRICS_FILE, and
    record one run. Exits with the command's exit code (127 if it does not exist)."""
    from starter.track import runner

    repo = open_repo(directory)

    def echo(line: str) -> None:
        sys.stdout.write(line)
        sys.stdout.flush()

    outcome = runner.run_command(
        repo,
        list(command or []),
        seed=seed,
        params=params,
        pattern=pattern,
        preset=preset,
        maps=maps,
        kind=kind,
        note=note,
        deviation=deviation,
        echo=echo,
        to=to,
        tracking_uri=tracking_uri,
        experiment=experiment,
    )
    _report_recorded(outcome.recorded, to_stderr=True)
    if outcome.exit_code:
        raise typer.Exit(outcome.exit_code if outcome.exit_code > 0 else 128 - outcome.exit_code)


def register(app: typer.Typer) -> None:
    app.command("log", rich_help_panel="Track", context_settings=NEGATIVE_OK)(log)
    app.command(
        "run",
        rich_help_panel="Track",
        context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
    )(run)
