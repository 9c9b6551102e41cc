"""Track: `starter log` and `starter run`, which record results in the results log."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from starter.commands import complete
from starter.commands.common import DIRECTORY, NEGATIVE_OK, open_repo
from starter.commands.render import warn
from starter.errors import UsageError

PARAMS = typer.Option(None, "--param", help="A setting KEY=VALUE (repeatable).")
NOTE = typer.Option(None, "--note", help="A note for the record.")


def _report_recorded(recorded: Any, to_stderr: bool = False) -> None:
    for message in recorded.warnings:
        warn(message)
    for record in recorded.records:
        items = list(record["metrics"].items())
        shown = ", ".join(f"{k} = {v:g}" for k, v in items[:8]) or "no metrics"
        if len(items) > 8:
            shown += f" and {len(items) - 8} more"
        state = " (failed)" if record["failed"] else ""
        origin = "imported" if record.get("origin") == "imported" else "logged"
        line = f"{origin} run {record['id']}{state}: {shown}"
        if to_stderr:
            sys.stderr.write(f"starter: {line}\n")
        else:
            typer.echo(line)


PRESET_HELP = (
    "What wrote the file: lightning, hf-trainer, lm-eval, tensorboard, wandb, mlflow, llmc, "
    "nanogpt, keyvalue, colon (key: value) or equals (key=value) [default: detected]."
)
GROUP = typer.Option(
    None,
    "--group",
    help="An independent reproduction these runs belong to (another codebase, person or "
    "protocol): judged on its own, never pooled with other groups.",
)
KIND = typer.Option(
    "reproduction",
    "--kind",
    help="reproduction; extension (a deliberate change: shown apart, never counted); or "
    "checkpoint (an evaluation of released weights: shown apart, never a trial).",
)
DEVIATION = typer.Option(
    None,
    "--deviation",
    help="How this run departs from the paper (never pooled): TEXT for every claim, or "
    "CLAIM=TEXT for one (repeatable).",
)
UNIT = typer.Option(
    None, "--unit", help="The unit of the values given: % or fraction (converted to the claim's)."
)


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
    from_files: list[Path] | None = typer.Option(
        None,
        "--from",
        help="Read the runs from a file or folder: a tool's output (see --preset), JSON, JSON "
        "Lines, CSV or a text log. Repeat it for a log continued in another file.",
    ),
    fmt: str = typer.Option("auto", "--format", help="auto, json, jsonl, csv or text."),
    preset: str | None = typer.Option(
        None,
        "--preset",
        help=PRESET_HELP,
        show_default=False,
        autocompletion=complete.presets,
    ),
    pattern: str | None = typer.Option(
        None, "--pattern", help="Text logs: a regex with named groups, e.g. 'acc (?P<acc>[0-9.]+)'."
    ),
    maps: list[str] | None = typer.Option(
        None,
        "--map",
        help="Tie a source's name to a claim: NAME=CLAIM_ID, e.g. eval_accuracy=top1 "
        "(repeatable; a name may feed several claims).",
    ),
    select: str | None = typer.Option(
        None,
        "--select",
        help="Which point of a run's curve: last, best (by the claim's direction), epoch=N or "
        "step=N [default: last].",
        show_default=False,
    ),
    rows: bool = typer.Option(
        False, "--rows", help="One run per JSON item, JSON Lines line or CSV row."
    ),
    tracking_uri: str | None = typer.Option(
        None,
        "--tracking-uri",
        help="MLflow: a server (http://...) or a file store; $MLFLOW_TRACKING_URI.",
        envvar="MLFLOW_TRACKING_URI",
        show_envvar=False,
    ),
    experiment: str | None = typer.Option(
        None, "--experiment", help="MLflow: the experiment's name or id [default: all]."
    ),
    seed: int | None = typer.Option(None, "--seed", help="The run's random seed."),
    params: list[str] | None = PARAMS,
    note: str | None = NOTE,
    kind: str = KIND,
    deviation: list[str] | None = DEVIATION,
    group: str | None = GROUP,
    unit: str | None = UNIT,
    commit: str | None = typer.Option(
        None, "--commit", help="A run made elsewhere: the commit it was made with."
    ),
    date: str | None = typer.Option(
        None, "--date", help="A run made elsewhere: when (2024-05-01 or 2024-05-01T14:30, UTC)."
    ),
    by: str | None = typer.Option(None, "--by", help="A run made elsewhere: who made it."),
    source_url: str | None = typer.Option(
        None, "--source", help="A run made elsewhere: where it is published (a URL)."
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Record a result: `starter log CLAIM_ID VALUE` or `starter log --from FILE`."""
    from starter.track import recorder

    # `log` takes unknown options as arguments (for negative values): refuse them here.
    for given in (claim_id, value):
        if given is not None and given.startswith("--") and given != "--":
            raise UsageError(f"no such option: {given[:60]}; see `starter log --help`")
    from_source = bool(from_files or tracking_uri or preset == "mlflow")
    if not from_source and (claim_id is None or value is None):
        raise UsageError(
            f"missing argument '{'VALUE' if claim_id else 'CLAIM_ID'}' (e.g. starter log "
            "top1-acc 76.3, or --from FILE); see `starter log --help`"
        )
    if from_source and claim_id is not None:
        raise UsageError(
            "give either CLAIM_ID VALUE or --from FILE, not both; see `starter log --help`"
        )
    repo = open_repo(directory)
    common: dict[str, Any] = dict(
        seed=seed,
        params=params,
        note=note,
        kind=kind,
        deviation=deviation,
        group=group,
        unit=unit,
        commit=commit,
        date=date,
        by=by,
        source_url=source_url,
    )
    if from_source:
        outcome = recorder.log_file(
            repo,
            list(from_files or []),
            fmt=fmt,
            preset=preset,
            pattern=pattern,
            maps=maps,
            rows=rows,
            select=select,
            tracking_uri=tracking_uri,
            experiment=experiment,
            **common,
        )
        for line in outcome.read[:5]:
            sys.stderr.write(f"starter: read {line}\n")
        if len(outcome.read) > 5:
            sys.stderr.write(f"starter: read {len(outcome.read) - 5} more files\n")
        for line in outcome.notes:
            sys.stderr.write(f"starter: {line}\n")
        _report_recorded(outcome)
        return
    assert claim_id is not None and value is not None
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
    kind: str = KIND,
    deviation: list[str] | None = DEVIATION,
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
    group: str | None = GROUP,
    no_detect: bool = typer.Option(
        False,
        "--no-detect",
        help="Do not look for the outputs of Lightning, the HF Trainer or lm-eval written "
        "during the run.",
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Run a training command, collect the metrics it writes to $STARTER_METRICS_FILE (or,
    without it, what Lightning, the Hugging Face Trainer or lm-eval wrote in this folder
    while it ran), and record one run. Exits with the command's exit code (127 if it does
    not exist)."""
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
        detect=not no_detect,
        group=group,
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
