"""What keeps `starter run` from losing a run: SIGTERM and SIGINT passed on to the training
process (waited for, then recorded as interrupted), and a finished run's metrics kept in a
recovery file when the results log cannot take them."""

from __future__ import annotations

import json
import os
import signal
import threading
from pathlib import Path
from typing import Any

FORWARDED = (signal.SIGTERM, signal.SIGINT)


class Forwarding:
    """While active, SIGTERM and SIGINT sent to starter go on to the child instead of
    stopping starter, so it can wait for the child and record the run. A Ctrl-C typed on
    the terminal already reached the child (same foreground process group), so SIGINT is
    passed on only when starter is not the terminal's foreground job; a second SIGINT
    from `kill` does reach it again. Signals caught before the child starts are passed on
    once it has."""

    def __init__(self) -> None:
        self.caught: int | None = None  # the first signal caught
        self.process: Any = None
        self._pending: list[int] = []
        self._old: dict[int, Any] = {}

    def __enter__(self) -> Forwarding:
        if threading.current_thread() is threading.main_thread():
            for sig in FORWARDED:
                self._old[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for sig, old in self._old.items():
            signal.signal(sig, old)
        self._old.clear()

    def attach(self, process: Any) -> None:
        self.process = process
        for sig in self._pending:
            self._send(sig)
        self._pending.clear()

    @property
    def signal_name(self) -> str | None:
        return signal.Signals(self.caught).name if self.caught else None

    def _handle(self, signum: int, frame: Any) -> None:
        if self.caught is None:
            self.caught = signum
        if signum == signal.SIGINT and _terminal_foreground():
            return  # the child got the same Ctrl-C
        if self.process is None:
            self._pending.append(signum)
        else:
            self._send(signum)

    def _send(self, signum: int) -> None:
        try:
            if self.process.poll() is None:
                self.process.send_signal(signum)
        except (OSError, ValueError):
            pass  # it has just ended


def _terminal_foreground() -> bool:
    """Whether this process is the foreground job of its controlling terminal (then the
    terminal's Ctrl-C went to the whole job, the child included)."""
    try:
        fd = os.open("/dev/tty", os.O_RDONLY | os.O_NOCTTY)
    except OSError:
        return False  # no controlling terminal: the signal came from kill, a scheduler...
    try:
        return os.tcgetpgrp(fd) == os.getpgrp()
    except OSError:
        return False
    finally:
        os.close(fd)


def exit_code(code: int, caught: int | None) -> int:
    """The code `starter run` exits with: the command's own, or 128 + the signal when it
    was interrupted and exited 0 anyway (a graceful stop is still not a finished run)."""
    if caught and code == 0:
        return 128 + caught
    return code


# ----------------------------------------------------------------------------- recovery


def save_recovery(root: Path, run_id: str, metrics: dict[str, float], seed: int | None) -> Path:
    """Write the metrics (and seed) as a file `starter log --from` reads, in the first place
    that takes it: the repository's results/ folder (where a file makes no run's tree dirty),
    the repository, the temporary folder, the home folder. Raises OSError when none does."""
    import tempfile

    data = dict(metrics)
    if seed is not None:
        data["seed"] = seed
    text = json.dumps(data, ensure_ascii=False, allow_nan=False) + "\n"
    name = f"starter-recovered-{run_id}.json"
    error: OSError | None = None
    for folder in (Path(root) / "results", Path(root), Path(tempfile.gettempdir()), Path.home()):
        path = folder / name
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError as exc:
            error = exc
            continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            error = exc
            path.unlink(missing_ok=True)  # ours, half-written (a full disk)
            continue
        return path
    assert error is not None
    raise error
