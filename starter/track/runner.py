"""`starter run`: run the training command with live output, collect the metrics it writes
to $STARTER_METRICS_FILE (or prints), and record one run."""

from __future__ import annotations

import os
import shlex
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from starter.errors import InputError, SetupError, StarterError
from starter.models import number_problem, shorten
from starter.track.recorder import (
    Recorded,
    Repo,
    check_group,
    check_kind,
    parse_deviation,
    parse_params,
    record_runs,
)

COMMAND_NOT_FOUND = 127  # what a shell returns for a command it cannot find


class CommandNotFound(StarterError):
    """`starter run` was given a command that does not exist (exit 127, like a shell)."""

    exit_code = COMMAND_NOT_FOUND


@dataclass(frozen=True)
class RunOutcome:
    exit_code: int
    recorded: Recorded
    metrics: dict[str, float]


def read_metrics_file(path: Path) -> dict[str, float] | None:
    """The metrics a program wrote to STARTER_METRICS_FILE; None when it wrote none."""
    import json

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the metrics file {path}: {exc}") from None
    if not text.strip():
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        reason = shorten(str(exc), 80) if isinstance(exc, ValueError) else "nested too deep"
        raise InputError(
            f"the metrics file is not JSON ({reason}); the program must write an object such as "
            '{"test-error": 5.1}; it is kept at ' + str(path)
        ) from None
    if not isinstance(data, dict):
        raise InputError(
            'the metrics file must hold a JSON object such as {"test-error": 5.1}; '
            f"it is kept at {path}"
        )
    metrics: dict[str, float] = {}
    for name, value in data.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(
                f"the metrics file maps {shorten(repr(name))} to {shorten(repr(value))}, "
                f"not a number; kept at {path}"
            )
        if problem := number_problem(value):
            raise InputError(
                f"the metrics file gives {shorten(name)} = {shorten(str(value))}, which is "
                f"{problem}; kept at {path}"
            )
        metrics[str(name)] = float(value)
    return metrics


def run_command(
    repo: Repo,
    argv: list[str],
    *,
    seed: int | None = None,
    params: list[str] | None = None,
    pattern: str | None = None,
    preset: str | None = None,
    maps: list[str] | None = None,
    kind: str = "reproduction",
    note: str | None = None,
    deviation: list[str] | str | None = None,
    echo: Callable[[str], None] | None = None,
    to: str | None = None,
    tracking_uri: str | None = None,
    experiment: str | None = None,
    detect: bool = True,
    group: str | None = None,
    append: bool = True,
) -> RunOutcome:
    """Run `argv` with live output, collect its metrics, and record one run (append=False:
    see run_for_record).

    Without a pattern the command inherits the terminal (progress bars keep working);
    with --pattern/--preset its output is read line by line, echoed and matched.
    With `to` "mlflow" (or STARTER_RUN_TO / run_to in the config) the run goes straight to
    the MLflow server instead of the results log (for a node whose folder is shared: file
    locks over NFS are unreliable); `starter pull mlflow` brings it into the log. When the
    server cannot be reached, the run is appended to the log after all, and said so.
    """
    import shutil
    import tempfile

    from starter.track import importers, safeguard
    from starter.track.importers import names

    if not argv:
        raise InputError("give the command to run after --, e.g. starter run -- python train.py")
    check_kind(kind)
    check_group(group)
    param_values = parse_params(params)
    declared = parse_deviation(deviation, repo.paper)
    mapping = names.parse_map(maps)
    if shutil.which(argv[0]) is None and not Path(argv[0]).is_file():
        raise CommandNotFound(f"command not found: {argv[0]}; nothing was run or recorded")
    regexes = importers.regexes_for(preset, pattern) if (pattern or preset) else None
    server = _destination(repo, to, tracking_uri, experiment)  # checked before training
    scratch = Path(tempfile.mkdtemp(prefix="starter-run-"))
    metrics_file = scratch / "metrics.json"
    env = {**os.environ, "STARTER_METRICS_FILE": str(metrics_file)}
    if seed is not None:
        env["STARTER_SEED"] = str(seed)
    started_at = time.time() - 1  # file times may be rounded down to the second
    started = time.monotonic()
    pairs: list[tuple[str, float]] = []
    process: subprocess.Popen[bytes] | subprocess.Popen[str]  # text only when scanned
    # SIGTERM/SIGINT go on to the command, which is waited for and recorded as interrupted.
    forwarding = safeguard.Forwarding()
    try:
        with forwarding:
            if regexes is None:
                process = subprocess.Popen(argv, env=env)
                forwarding.attach(process)
                code = process.wait()
            else:
                process = subprocess.Popen(
                    argv,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    errors="replace",
                    bufsize=1,
                )
                forwarding.attach(process)
                assert process.stdout is not None
                with process.stdout:
                    for line in process.stdout:
                        if echo is not None:
                            echo(line)
                        pairs.extend(importers.scan_text([line], regexes))
                code = process.wait()
    except FileNotFoundError:
        shutil.rmtree(scratch, ignore_errors=True)
        raise CommandNotFound(
            f"command not found: {argv[0]}; nothing was run or recorded"
        ) from None
    except PermissionError:
        shutil.rmtree(scratch, ignore_errors=True)
        raise CommandNotFound(f"cannot execute {argv[0]} (permission denied)") from None
    except KeyboardInterrupt:
        process.wait()
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    duration = round(time.monotonic() - started, 3)
    warnings: list[str] = []
    interrupted = forwarding.signal_name
    failed = code != 0 or interrupted is not None
    try:
        from_file = read_metrics_file(metrics_file)
    except InputError as exc:
        if not failed:
            # Nothing is recorded, and the file is left where it is for the user to fix.
            raise InputError(f"{exc.message}; nothing was recorded") from None
        from_file = None
        warnings.append("ignored the metrics file of the failed run: not a JSON object of numbers")
    shutil.rmtree(scratch, ignore_errors=True)
    metrics: dict[str, float] = {}
    for key, value in pairs:
        if number_problem(value) is None:
            metrics[key] = value
    metrics.update(from_file or {})
    program_seed = metrics.pop("seed", None)
    source = None
    if not from_file and detect:
        found = detected(repo, started_at, maps, code != 0)
        if found is not None:
            metrics.update(found.metrics)
            source = found.source
            warnings.extend(found.warnings)
            failed = failed or found.failed
            if found.seed is not None and program_seed is None:
                program_seed = float(found.seed)
    metrics = names.apply_map(metrics, mapping)
    if program_seed is not None and float(program_seed).is_integer():
        used = int(program_seed)
        if seed is not None and used != seed:
            warnings.append(
                f"starter run --seed {seed}, but the program reports seed {used}: recorded "
                f"{used}, the seed it used (does it read STARTER_SEED or --seed?)"
            )
        seed = used
    if interrupted:
        warnings.append(
            f"interrupted by {interrupted}: the run is recorded as failed (interrupted) and "
            "none of its metrics count"
        )
    elif failed:
        warnings.append(
            f"the command failed (exit code {code}): the run is recorded as failed and "
            "none of its metrics count"
        )
    else:
        from starter.track.units import scale_warnings

        warnings.extend(scale_warnings(metrics, repo.paper))
    if not failed and not metrics:
        warnings.append(
            "the command reported no metrics: write a JSON object to $STARTER_METRICS_FILE "
            "(or use --pattern), or let a framework write its outputs in this folder "
            "(Lightning's lightning_logs/, a Trainer's output_dir, lm-eval's --output_path); "
            "the run is recorded without any"
        )
    try:
        recorded = record_runs(
            repo,
            [metrics],
            seeds=[seed],
            failed=failed,
            kind=kind,
            params=param_values,
            note=note,
            deviation=declared,
            command=shlex.join(argv),
            duration=duration,
            warnings=warnings,
            group=group,
            source=source,
            interrupted=interrupted,
            append=append and server is None,
        )
        if server is not None:
            _send(repo, server, recorded)
    except (StarterError, OSError) as exc:
        later = _Later(param_values, note, kind, deviation, group)
        raise _kept(exc, repo, metrics, seed, failed, later) from None
    return RunOutcome(
        exit_code=safeguard.exit_code(code, forwarding.caught), recorded=recorded, metrics=metrics
    )


class _Later(NamedTuple):
    """What `starter log --from` needs besides the file to record a kept run as it was."""

    params: dict[str, str]
    note: str | None
    kind: str
    deviation: list[str] | str | None
    group: str | None


def _kept(
    exc: StarterError | OSError,
    repo: Repo,
    metrics: dict[str, float],
    seed: int | None,
    failed: bool,
    later_args: _Later,
) -> StarterError:
    """The error of a run that finished but could not be recorded, with its metrics printed
    and kept in a recovery file that `starter log --from` records later."""
    from starter.track import results, safeguard

    if isinstance(exc, StarterError):
        message, error = exc.message, exc
    else:
        reason = (exc.strerror or str(exc)).lower()
        message, error = f"cannot record the run: {reason}", SetupError("")
    if not metrics:
        error.message = f"{message}; the run reported no metrics"
        return error
    shown = ", ".join(f"{k} = {v:g}" for k, v in metrics.items())
    try:
        kept = safeguard.save_recovery(repo.root, results.new_run_id(), metrics, seed)
    except OSError as save_error:
        reason = (save_error.strerror or str(save_error)).lower()
        error.message = (
            f"{message}; the run's metrics ({shown}) could not be saved to a file either "
            f"({reason}): note them down"
        )
        return error
    command = ["starter", "log", "--from", str(kept)]
    if Path.cwd().resolve() != repo.root.resolve():
        command += ["-C", str(repo.root)]
    for key, value in later_args.params.items():
        command += ["--param", f"{key}={value}"]
    deviations = later_args.deviation
    for text in [deviations] if isinstance(deviations, str) else deviations or []:
        command += ["--deviation", text]
    for flag, given in (("--note", later_args.note), ("--group", later_args.group)):
        if given:
            command += [flag, given]
    if later_args.kind != "reproduction":
        command += ["--kind", later_args.kind]
    later = (
        "the run failed, so they would not count"
        if failed
        else f"record them later with: {shlex.join(command)}"
    )
    error.message = f"{message}; the run's metrics ({shown}) are kept in {kept}; {later}"
    return error


def _destination(repo: Repo, to: str | None, uri: str | None, experiment: str | None) -> Any:
    """The MLflow target a run goes to, or None for the results log."""
    from starter.config import settings

    where = settings(run_to=to).run_to
    if where not in ("log", "mlflow"):
        raise InputError(f"--to {where!r}: use log (results/runs.jsonl) or mlflow")
    if where == "log":
        return None
    from starter.track.mlflow_sync import target

    return target(uri, experiment, repo.paper.key)


def _send(repo: Repo, server: Any, recorded: Recorded) -> None:
    from starter.errors import NetworkError
    from starter.track import mlflow_sync, results

    try:
        pushed = mlflow_sync.push_records(server, recorded.records, repo.paper.key)
    except (NetworkError, InputError) as exc:
        results.append(repo.root, recorded.records)
        recorded.warnings.append(
            f"not sent to MLflow ({exc.message}); recorded in results/runs.jsonl instead: "
            "`starter push mlflow` sends it later"
        )
        return
    recorded.warnings.extend(pushed.warnings)
    recorded.warnings.append(
        f"sent to MLflow ({server.uri}, experiment {server.experiment!r}), not to the "
        "results log: `starter pull mlflow` brings it into results/runs.jsonl"
    )


class Detected(NamedTuple):
    metrics: dict[str, float]
    source: dict[str, Any]
    warnings: list[str]
    failed: bool
    seed: int | None


def detected(repo: Repo, since: float, maps: list[str] | None, failed: bool) -> Detected | None:
    """What a framework wrote in the working folder during the run (the newest output),
    named by claim where a name feeds one; None when nothing was written."""
    from starter.track import detect, importers, importing

    outputs = detect.find(Path.cwd(), since)
    if not outputs:
        return None
    chosen = outputs[0]
    warnings = [f"read {chosen.path} ({chosen.preset}), written during the run"]
    if len(outputs) > 1:
        others = ", ".join(str(o.path) for o in outputs[1:4])
        warnings.append(f"also written during the run, not read: {others}")
    try:
        imported = importers.read([chosen.path], preset=chosen.preset)
        prepared, notes = importing.prepare(repo.paper, imported, maps=maps, require_claim=False)
    except StarterError as exc:
        if failed:
            return None
        raise InputError(f"{exc.message}; nothing was recorded (--no-detect skips it)") from None
    run, values = prepared[0]
    warnings.extend(notes)
    return Detected(
        metrics={k: v for k, v in values.items() if number_problem(v) is None},
        source=run.source,
        warnings=warnings,
        failed=run.failed,
        seed=run.seed,
    )


def run_for_record(repo: Repo, argv: list[str], **options: Any) -> RunOutcome:
    """Run exactly as `starter run` does (same metrics, provenance and STARTER_SEED) but
    hand the record back instead of appending it: a sweep's runs come back from other
    machines through their engine and are appended on the machine that submitted them,
    never through a lock on a shared file system."""
    return run_command(repo, argv, append=False, **options)
