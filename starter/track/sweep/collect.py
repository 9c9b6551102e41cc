"""Gathering a sweep's results on the machine that submitted it: each run's record given
its pre-assigned id, group and sweep provenance, or a failed record with its log's tail
when the engine lost it, appended once to the results log (results.append) under the
sweep's lock, and the sweep's state rewritten to match."""

from __future__ import annotations

import mmap
import shlex
from pathlib import Path
from typing import Any, NamedTuple

from starter.track.sweep.state import DONE, FAILED, RECORDED, RunState, Sweep

NOT_DETECTED = (
    "a sweep whose runs share a folder at the same time does not read what a framework "
    "wrote there (it could be another run's): write $STARTER_METRICS_FILE, use --pattern, "
    "or run them one at a time with --jobs 1"
)


class Outcome(NamedTuple):
    """What came back for one run: the worker's result, or the engine's word on why none did."""

    result: dict[str, Any] | None  # worker.execute's dict
    failure: str | None = None  # "CANCELLED", "TIMEOUT", "the worker process died", ...
    tail: str | None = None  # the end of the run's log, when the engine keeps it


class Recorded(NamedTuple):
    run: RunState
    record: dict[str, Any]
    warnings: list[str]  # what `starter run` would have warned about


def record_for(sweep: Sweep, run: RunState, outcome: Outcome) -> dict[str, Any]:
    """The log record of one finished run (failed when no record came back)."""
    from starter.track import results

    result = outcome.result or {}
    record = result.get("record")
    info: dict[str, Any] = {
        "id": sweep.id,
        "executor": sweep.executor,
        "job": run.job,
        "command": shlex.join(sweep.command),
    }
    if record is None:
        options = sweep.run_options
        record = results.run_record(
            {},
            kind=options.get("kind", "reproduction"),
            failed=True,
            seed=run.seed,
            params=run.params,
            note=options.get("note"),
            deviation=options.get("deviation"),
            command=shlex.join(run.argv),
            group=sweep.group,
            git=sweep.git,
            run_id=run.run_id,
        )
        info["outcome"] = outcome.failure or result.get("error") or "no result came back"
    else:
        record = dict(record)
        record["id"] = run.run_id
        if not record.get("git") and sweep.git:
            # The engine ran a copy without git (Ray's working_dir): the submitted state.
            record["git"] = sweep.git
        if record.get("failed"):
            stopped = record.get("interrupted")  # a signal passed on by `starter run`
            info["outcome"] = (
                f"interrupted by {stopped}" if stopped else f"exit {result.get('exit_code')}"
            )
    if result.get("host") and not record.get("env"):
        record["env"] = {"host": result["host"]}
    if record.get("failed"):
        log_tail = result.get("tail") or outcome.tail
        if log_tail:
            info["log_tail"] = log_tail
    return _insert_before(record, "git", "sweep", info)


def _insert_before(record: dict[str, Any], before: str, key: str, value: Any) -> dict[str, Any]:
    """The record with `key` placed just before `before`: between "seed" and "git", where
    the log's fields that status never reads belong."""
    out: dict[str, Any] = {}
    for name, item in record.items():
        if name == before:
            out[key] = value
        if name != key:
            out[name] = item
    out.setdefault(key, value)
    return out


def ids_in_log(root: Path, ids: list[str]) -> dict[str, bool]:
    """Those of `ids` some run record of the results log already has, each with whether
    that run failed."""
    import json

    from starter.track.results import log_path

    if not ids:
        return {}
    path = log_path(root)
    try:
        handle = open(path, "rb")  # noqa: SIM115 -- closed below
    except OSError:
        return {}
    found: dict[str, bool] = {}
    with handle:
        if handle.seek(0, 2) == 0:
            return {}
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            for run_id in ids:
                at = data.find(f'"id": "{run_id}"'.encode())
                if at < 0:
                    continue
                start = data.rfind(b"\n", 0, at) + 1
                end = data.find(b"\n", at)
                try:
                    record = json.loads(data[start : end if end >= 0 else len(data)])
                except ValueError:
                    record = {}
                found[run_id] = isinstance(record, dict) and record.get("failed") is True
    return found


def record_outcomes(
    root: Path, sweep_id: str, outcomes: list[tuple[int, Outcome]]
) -> tuple[Sweep, list[Recorded]]:
    """Append the records of finished runs (by run number) that are not in the log yet, and
    mark them done or failed in the sweep's state; returns the state as now saved."""
    from starter.track import results
    from starter.track.sweep import state

    with state.locked(root, sweep_id):
        sweep = state.load(root, sweep_id)
        by_number = {run.number: run for run in sweep.runs}
        pending = [(by_number[n], o) for n, o in outcomes if by_number[n].state not in RECORDED]
        present = ids_in_log(root, [run.run_id for run, _ in pending])
        new: list[Recorded] = []
        for run, outcome in pending:
            if run.run_id in present:  # appended before a crash kept the state from saying so
                run.state = FAILED if present[run.run_id] else DONE
                continue
            record = record_for(sweep, run, outcome)
            warnings = [str(w) for w in (outcome.result or {}).get("warnings") or []]
            if not record["metrics"] and not record["failed"] and state.runs_overlap(sweep):
                warnings.append(NOT_DETECTED)
            new.append(Recorded(run, record, warnings))
            run.state = FAILED if record["failed"] else DONE
            run.outcome = record["sweep"].get("outcome")
        if new:
            results.append(root, [item.record for item in new])
        state.save(root, sweep)
    return sweep, new


def settle_from_log(root: Path, sweep: Sweep) -> list[RunState]:
    """Runs the state does not mark recorded but whose record is in the log (a crash between
    the append and the state's rewrite): marked recorded now, never run again."""
    open_runs = [run for run in sweep.runs if run.state not in RECORDED]
    present = ids_in_log(root, [run.run_id for run in open_runs])
    settled = [run for run in open_runs if run.run_id in present]
    for run in settled:
        run.state = FAILED if present[run.run_id] else DONE
    return settled
