"""One run of a sweep, on whatever machine the engine chose: `starter run`'s own path
(runner.run_for_record), its output sent to a log, and its record handed back to the engine
(a process pool's pipe, submitit's result pickle, Ray's object store) instead of appended."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# The last lines of a failed run's output kept with its record.
TAIL_LINES = 30
TAIL_CHARS = 3000


def execute(task: dict[str, Any]) -> dict[str, Any]:
    """Run one planned run; returns {record, exit_code, warnings, error, tail, host}.

    `task` holds plain values only (it is pickled to other machines): root, cwd (relative),
    argv, seed, params, options (run_command's other keywords), log (a file for the output,
    or None to leave it where the engine puts it) and capture (a temporary log whose tail
    comes back)."""
    import platform
    import tempfile

    from starter.errors import StarterError
    from starter.papers.card import CARD_NAME, load_card
    from starter.track.recorder import Repo
    from starter.track.runner import run_for_record

    root = Path(task["root"])
    if not (root / CARD_NAME).is_file():
        root = Path.cwd()  # not on this machine's file system: the engine's copy (Ray)
    log = task.get("log")
    scratch = None
    if log is None and task.get("capture"):
        handle, scratch = tempfile.mkstemp(prefix="starter-sweep-", suffix=".log")
        os.close(handle)
        log = scratch
    result: dict[str, Any] = {
        "record": None,
        "exit_code": None,
        "warnings": [],
        "error": None,
        "tail": None,
        "host": platform.node() or None,
    }
    try:
        with _output_to(log), _inside(root / task.get("cwd", ".")):
            try:
                repo = Repo(root=root, paper=load_card(root / CARD_NAME))
                outcome = run_for_record(
                    repo,
                    list(task["argv"]),
                    seed=task.get("seed"),
                    params=[f"{k}={v}" for k, v in task.get("params", {}).items()],
                    echo=_echo,
                    **task.get("options", {}),
                )
            except StarterError as exc:
                sys.stderr.write(f"starter: error: {exc.message}\n")
                result.update(exit_code=exc.exit_code, error=exc.message)
            else:
                result.update(
                    record=outcome.recorded.records[0],
                    exit_code=outcome.exit_code,
                    warnings=list(outcome.recorded.warnings),
                )
        if log is not None and (result["error"] or result["exit_code"]):
            result["tail"] = tail(Path(log))
    finally:
        if scratch is not None:
            Path(scratch).unlink(missing_ok=True)
    return result


def _echo(line: str) -> None:
    sys.stdout.write(line)
    sys.stdout.flush()


@contextmanager
def _output_to(path: str | None) -> Iterator[None]:
    """Send this process's stdout and stderr (and so the command's) to `path`."""
    if path is None:
        yield
        return
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
    try:
        os.dup2(target, 1)
        os.dup2(target, 2)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        for fd in (target, *saved):
            os.close(fd)


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = os.getcwd()
    if folder.is_dir():  # else (a copy without that subfolder) where the engine started us
        os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def tail(path: Path, lines: int = TAIL_LINES, chars: int = TAIL_CHARS) -> str | None:
    """The last lines of a log (None when there is none)."""
    try:
        with open(path, "rb") as handle:
            size = handle.seek(0, os.SEEK_END)
            handle.seek(max(0, size - chars * 2))
            data = handle.read().decode("utf-8", "replace")
    except OSError:
        return None
    text = "\n".join(data.splitlines()[-lines:])
    return text[-chars:] or None
