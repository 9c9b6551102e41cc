"""Recording runs: values checked against the paper card, provenance captured, one line
appended to the results log; and `starter run`, which runs the training command itself."""

from __future__ import annotations

import math
import os
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starter.errors import InputError, NotFoundError, StarterError
from starter.models import Claim, Paper

COMMAND_NOT_FOUND = 127  # what a shell returns for a command it cannot find


class CommandNotFound(StarterError):
    """`starter run` was given a command that does not exist (exit 127, like a shell)."""

    exit_code = COMMAND_NOT_FOUND


@dataclass(frozen=True)
class Repo:
    root: Path
    paper: Paper

    @property
    def card_path(self) -> Path:
        return self.root / "paper.toml"


def open_repo(directory: Path | None) -> Repo:
    """The reimplementation repository at or above `directory` (default: the current one)."""
    from starter.papers.card import find_card, load_card

    start = Path(directory) if directory is not None else Path.cwd()
    if directory is not None and not start.is_dir():
        raise NotFoundError(f"-C {directory}: no such folder")
    card = find_card(start)
    return Repo(root=card.parent, paper=load_card(card))


def known_ids(paper: Paper) -> str:
    return ", ".join(c.id for c in paper.claims) or "none yet (add one with `starter claim add`)"


def claim_of(paper: Paper, claim_id: str) -> Claim:
    claim = paper.claim(claim_id)
    if claim is None:
        raise NotFoundError(
            f"no claim {claim_id!r} in paper.toml; known claims: {known_ids(paper)}"
        )
    return claim


def parse_number(text: str, what: str = "value") -> float:
    """A finite number from the command line; refuse anything else with what to type."""
    cleaned = text.strip().replace("−", "-")  # the minus sign PDFs print
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a number; type the number alone, e.g. 76.2 or -103.2"
        ) from None
    if not math.isfinite(value):
        raise InputError(
            f"{what} {text!r} is not a finite number; log only real results "
            "(a run that diverged is a failed run: `starter run` records it as one)"
        )
    return value


def parse_value(text: str, claim: Claim) -> tuple[float, str | None]:
    """A logged value for `claim`; "95%" is accepted (and said so) only for a claim in %."""
    stripped = text.strip()
    if stripped.endswith("%"):
        number = stripped[:-1].strip()
        if claim.unit == "%":
            value = parse_number(number)
            return value, f"read {text!r} as {value:g} (claim {claim.id} is in %)"
        unit = f"in {claim.unit}" if claim.unit else "without a unit"
        raise InputError(
            f"value {text!r} has a % sign but claim {claim.id!r} is {unit}; "
            f"type the number alone, in the claim's unit"
        )
    return parse_number(stripped), None


def parse_params(items: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {item!r}: expected KEY=VALUE, e.g. --param lr=0.1")
        params[key.strip()] = value.strip()
    return params


def check_kind(kind: str) -> str:
    if kind not in ("reproduction", "extension"):
        raise InputError(f"--kind {kind!r}: use reproduction or extension")
    return kind


def unclaimed_warning(paper: Paper, metrics: dict[str, float]) -> str | None:
    """Metrics whose names are no claim id are recorded but count for no claim: say so."""
    ids = {c.id for c in paper.claims}
    unclaimed = [name for name in metrics if name not in ids]
    if not unclaimed:
        return None
    return (
        f"recorded but counted for no claim: {', '.join(unclaimed)} "
        f"(known claims: {known_ids(paper)}; tie a name to a claim with --map NAME=CLAIM_ID)"
    )


def check_some_claimed(paper: Paper, runs: list[dict[str, float]], source: Path) -> None:
    """A file none of whose names is a claim is most likely the wrong file, or needs --map:
    refuse rather than fill the log with runs that count for nothing."""
    ids = {c.id for c in paper.claims}
    names = sorted({name for metrics in runs for name in metrics})
    if names and not ids.intersection(names):
        shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
        raise InputError(
            f"no name in {source} is a claim id (found: {shown}; known claims: "
            f"{known_ids(paper)}); tie them with --map NAME=CLAIM_ID"
        )


def check_metrics(paper: Paper, metrics: dict[str, float]) -> None:
    for name, value in metrics.items():
        claim = paper.claim(name)
        if claim is not None and claim.is_qualitative:
            raise InputError(
                f"claim {name!r} is qualitative (no number in the paper): there is nothing "
                "to compare a value with"
            )
        if not math.isfinite(value):
            raise InputError(f"{name} = {value} is not a finite number")


@dataclass(frozen=True)
class Recorded:
    records: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


def record_runs(
    repo: Repo,
    runs: list[dict[str, float]],
    *,
    seeds: list[int | None] | None = None,
    failed: bool = False,
    kind: str = "reproduction",
    params: dict[str, str] | None = None,
    note: str | None = None,
    deviation: str | None = None,
    command: str | None = None,
    duration: float | None = None,
    warnings: list[str] | None = None,
) -> Recorded:
    """Check, capture provenance once, and append all runs in one locked write."""
    from starter.track import provenance, results

    check_kind(kind)
    warnings = list(warnings or [])
    for metrics in runs:
        check_metrics(repo.paper, metrics)
    merged: dict[str, float] = {}
    for metrics in runs:
        merged.update(metrics)
    message = None if failed else unclaimed_warning(repo.paper, merged)
    if message:
        warnings.append(message)
    prov = provenance.capture(repo.root)
    warnings.extend(prov.warnings)
    seeds = seeds or [None] * len(runs)
    records = [
        results.run_record(
            metrics,
            kind=kind,
            failed=failed,
            seed=seed,
            params=params,
            note=note,
            deviation=deviation or None,
            command=command,
            duration=duration,
            git=prov.git,
            env=prov.env,
        )
        for metrics, seed in zip(runs, seeds, strict=True)
    ]
    results.append(repo.root, records)
    return Recorded(records=records, warnings=warnings)


def invocation() -> str:
    """The starter command line being run, for the provenance of `starter log`."""
    return shlex.join(["starter", *sys.argv[1:]])


# ----------------------------------------------------------------------------- starter run


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
    except ValueError as exc:
        raise InputError(
            f"the metrics file is not JSON ({exc}); the program must write an object such as "
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
                f"the metrics file maps {name!r} to {value!r}, not a number; kept at {path}"
            )
        if not math.isfinite(value):
            raise InputError(f"the metrics file gives {name} = {value}; kept at {path}")
        metrics[str(name)] = float(value)
    return metrics


def run_command(
    repo: Repo,
    argv: list[str],
    *,
    seed: int | None = None,
    params: dict[str, str] | None = None,
    pattern: str | None = None,
    preset: str | None = None,
    mapping: dict[str, str] | None = None,
    kind: str = "reproduction",
    note: str | None = None,
    deviation: str | None = None,
    echo: Callable[[str], None] | None = None,
) -> RunOutcome:
    """Run `argv` with live output, collect its metrics, and record one run.

    Without a pattern the command inherits the terminal (progress bars keep working);
    with --pattern/--preset its output is read line by line, echoed and matched.
    """
    import shutil
    import tempfile

    from starter.track import importers

    if not argv:
        raise InputError("give the command to run after --, e.g. starter run -- python train.py")
    check_kind(kind)
    if shutil.which(argv[0]) is None and not Path(argv[0]).is_file():
        raise CommandNotFound(f"command not found: {argv[0]}; nothing was run or recorded")
    regexes = importers.regexes_for(preset, pattern) if (pattern or preset) else None
    scratch = Path(tempfile.mkdtemp(prefix="starter-run-"))
    metrics_file = scratch / "metrics.json"
    env = {**os.environ, "STARTER_METRICS_FILE": str(metrics_file)}
    if seed is not None:
        env["STARTER_SEED"] = str(seed)
    started = time.monotonic()
    pairs: list[tuple[str, float]] = []
    process: subprocess.Popen[bytes] | subprocess.Popen[str]  # text only when scanned
    try:
        if regexes is None:
            process = subprocess.Popen(argv, env=env)
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
    failed = code != 0
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
        if math.isfinite(value):
            metrics[key] = value
    metrics.update(from_file or {})
    metrics = importers.apply_map(metrics, mapping or {})
    if failed:
        warnings.append(
            f"the command failed (exit code {code}): the run is recorded as failed and "
            "none of its metrics count"
        )
    elif not metrics:
        warnings.append(
            "the command reported no metrics: write a JSON object to $STARTER_METRICS_FILE "
            "(or use --pattern); the run is recorded without any"
        )
    recorded = record_runs(
        repo,
        [metrics],
        seeds=[seed],
        failed=failed,
        kind=kind,
        params=params,
        note=note,
        deviation=deviation,
        command=shlex.join(argv),
        duration=duration,
        warnings=warnings,
    )
    return RunOutcome(exit_code=code, recorded=recorded, metrics=metrics)
