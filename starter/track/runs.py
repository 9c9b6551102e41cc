"""Runs as read back from the results log: a Run from each record, and every run of a log
once (a line repeating a run id or an imported source run is left out, as status does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starter.models import number_problem
from starter.track.results import ORIGINS, RUN_KINDS, Problem, log_path, plain_git, read_records
from starter.track.values import Run


def run_from_record(record: dict[str, Any], line: int | None = None) -> Run:
    """A Run from a checked "run" record."""

    def text(name: str) -> str | None:
        value = record.get(name)
        return value if isinstance(value, str) else None

    seed = record.get("seed")
    kind = record.get("kind")
    deviation = record.get("deviation")
    if isinstance(deviation, dict):
        deviation = {str(k): str(v) for k, v in deviation.items()} or None
    elif not isinstance(deviation, str) or not deviation:
        deviation = None
    duration = record.get("duration")
    source = record.get("source")
    origin = record.get("origin")
    params = record.get("params")
    git = record.get("git")
    env = record.get("env")
    return Run(
        id=text("id") or f"line-{line}",
        time=text("time") or "",
        metrics=record["metrics"],
        kind=kind if kind in RUN_KINDS else "reproduction",  # type: ignore[arg-type]
        failed=record.get("failed") is True,
        seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        params={str(k): str(v) for k, v in params.items()} if isinstance(params, dict) else {},
        note=text("note"),
        deviation=deviation,
        group=text("group"),
        origin=origin if origin in ORIGINS else "captured",
        source=source if isinstance(source, dict) else None,
        command=text("command"),
        # NaN, a 400-digit number, a commit that is not text: a hand-edited line
        duration=float(duration) if number_problem(duration) is None else None,  # type: ignore[arg-type]
        git=plain_git(git),
        env=env if isinstance(env, dict) else {},
        starter_version=text("starter_version"),
        line=line,
    )


def read_runs(root: Path) -> tuple[list[Run], list[Problem]]:
    """Every run in the log, each once (a line repeating a run id or an imported source run
    is left out, as status does); small logs and tests: status streams instead."""
    from starter.track.trials import source_key

    problems: list[Problem] = []
    runs: list[Run] = []
    seen: set[tuple[str, Any]] = set()
    for number, record in read_records(log_path(root), problems):
        if record["type"] != "run":
            continue
        keys = {("id", record.get("id")), ("source", source_key(record.get("source")))}
        keys = {key for key in keys if isinstance(key[1], str)}
        if keys & seen:
            continue
        seen |= keys
        runs.append(run_from_record(record, number))
    return runs, problems
