"""A sweep's own record, `results/sweeps/<id>.json`: what it runs, on which engine, each
run's job id and state; rewritten atomically after every change, so `--status` and
`--resume` work from any later process."""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from starter.errors import InputError, NotFoundError
from starter.track.results import RESULTS_DIR

STATE_SCHEMA = 1
SWEEPS_DIR = "sweeps"
# Run states kept in the file. "planned": not yet handed to the engine; "submitted": the
# engine has it (queued or running); "done" / "failed": its record is in the results log.
PLANNED, SUBMITTED, DONE, FAILED = "planned", "submitted", "done", "failed"
RECORDED = (DONE, FAILED)
_ID = re.compile(r"^\d{8}-\d{6}-[0-9a-f]{4}$")
# Logs, engine files and locks stay out of git; the sweeps' own .json files may be committed.
GITIGNORE = (
    "# starter sweep: run logs, engine files and locks (the .json files may be committed)\n"
    "*/\n*.lock\n"
)


@dataclass
class RunState:
    number: int
    seed: int | None
    params: dict[str, str]
    argv: list[str]
    run_id: str  # the id the run's record gets: a run is never recorded twice
    state: str = PLANNED
    job: str | None = None  # the engine's job or task id
    outcome: str | None = None  # e.g. "exit 1", "CANCELLED", "TIMEOUT"

    @property
    def label(self) -> str:
        parts = [] if self.seed is None else [f"seed {self.seed}"]
        parts.extend(f"{k}={v}" for k, v in self.params.items())
        return ", ".join(parts) or f"run {self.number}"


@dataclass
class Sweep:
    id: str
    created: str
    executor: str
    command: list[str]  # the command as given, with its {seed}/{KEY} placeholders
    cwd: str  # where the command runs, relative to the repository
    runs: list[RunState]
    group: str | None = None
    # what `starter run` takes besides seed and params: kind, note, deviation, maps, ...
    run_options: dict[str, Any] = field(default_factory=dict)
    engine: dict[str, Any] = field(default_factory=dict)  # jobs, slurm knobs, ray address
    git: dict[str, Any] = field(default_factory=dict)  # the repository when submitted
    owner: dict[str, Any] | None = None  # {host, pid} of the process running it, if any


def runs_overlap(sweep: Sweep) -> bool:
    """Whether the sweep's runs may run at the same time in the same folder: then what a
    framework writes there (lightning_logs/, an output_dir) could be another run's, and
    `starter run`'s detection of it is off."""
    if len(sweep.runs) <= 1:
        return False
    if sweep.executor != "local":
        return True
    jobs = sweep.engine.get("jobs")
    if jobs is None:
        from starter.track.sweep.local_pool import cores

        jobs = cores()
    return bool(jobs > 1)


def sweeps_dir(root: Path) -> Path:
    return Path(root) / RESULTS_DIR / SWEEPS_DIR


def state_path(root: Path, sweep_id: str) -> Path:
    return sweeps_dir(root) / f"{sweep_id}.json"


def work_dir(root: Path, sweep_id: str) -> Path:
    """The sweep's folder of run logs and engine files (kept out of git)."""
    return sweeps_dir(root) / sweep_id


def new_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + os.urandom(2).hex()


def save(root: Path, sweep: Sweep) -> None:
    from starter.fsutil import atomic_write_text

    folder = sweeps_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        atomic_write_text(ignore, GITIGNORE)
    data = {"schema": STATE_SCHEMA, **asdict(sweep)}
    runs = data.pop("runs")
    # One run a line: a thousand runs stay a thousand lines, and a diff shows which changed.
    head = json.dumps(data, indent=1, ensure_ascii=False)[:-2]
    lines = ",\n  ".join(json.dumps(run, ensure_ascii=False) for run in runs)
    text = f'{head},\n "runs": [\n  {lines}\n ]\n}}\n' if runs else f'{head},\n "runs": []\n}}\n'
    atomic_write_text(state_path(root, sweep.id), text)


def load(root: Path, sweep_id: str | None = None) -> Sweep:
    """The sweep `sweep_id` (a unique prefix will do), or the latest one."""
    path = _find(root, sweep_id)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != STATE_SCHEMA:
            raise InputError(
                f"{path}: schema {data.get('schema')!r} is not one this starter reads; "
                "upgrade starter"
            )
        data.pop("schema")
        runs = [RunState(**run) for run in data.pop("runs")]
        return Sweep(runs=runs, **data)
    except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(f"cannot read the sweep's state {path}: {exc}") from None


def all_ids(root: Path) -> list[str]:
    folder = sweeps_dir(root)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if _ID.match(p.stem))


def _find(root: Path, sweep_id: str | None) -> Path:
    ids = all_ids(root)
    if not ids:
        raise NotFoundError(
            "no sweep in this repository yet; start one with "
            "starter sweep --seeds 1..6 -- python train.py"
        )
    if sweep_id is None:
        return state_path(root, ids[-1])
    matches = [i for i in ids if i.startswith(sweep_id)]
    if len(matches) != 1:
        known = ", ".join(ids[-5:])
        what = "no sweep" if not matches else "more than one sweep"
        raise NotFoundError(f"{what} matches {sweep_id!r}; recent sweeps: {known}")
    return state_path(root, matches[0])


@contextmanager
def locked(root: Path, sweep_id: str) -> Iterator[None]:
    """One process at a time records a sweep's results and rewrites its state (a `--wait`
    and a `--status` may run at once)."""
    from filelock import FileLock

    folder = sweeps_dir(root)
    folder.mkdir(parents=True, exist_ok=True)
    with FileLock(str(folder / f"{sweep_id}.lock")):
        yield


def owner_alive(sweep: Sweep) -> bool:
    """Whether the process that runs this sweep (local pool, Ray driver) still runs here."""
    import platform

    owner = sweep.owner
    if not owner or owner.get("host") != platform.node():
        return False
    pid = owner.get("pid")
    return isinstance(pid, int) and pid != os.getpid() and pid_alive(pid)


def pid_alive(pid: int) -> bool:
    """A process with this id exists and is not a zombie waiting to be reaped."""
    if os.name == "nt":  # os.kill(pid, 0) would end the process there
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def _windows_pid_alive(pid: int) -> bool:
    import ctypes

    kernel = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return False
    code = ctypes.c_ulong()
    try:
        # 259 is STILL_ACTIVE
        return bool(kernel.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == 259
    finally:
        kernel.CloseHandle(handle)
