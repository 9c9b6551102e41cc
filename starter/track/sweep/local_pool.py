"""The local executor: a process pool on this machine (one worker a core, or --jobs), each
worker running one run at a time through worker.execute."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from typing import Any

from starter.track.sweep.collect import Outcome

# Set in a pool worker while it runs a run: Ctrl-C then interrupts that run (and its
# command, which gets the signal too). An idle worker does not die of it with a traceback:
# it remembers it, and runs nothing more (a run handed over just after the Ctrl-C would
# start a command that never got the signal).
_busy = False
_stopping = False


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def run_all(
    tasks: list[tuple[int, dict[str, Any]]],
    jobs: int | None,
    on_result: Callable[[int, Outcome], None],
) -> None:
    """Run (number, task) pairs, calling on_result(number, outcome) as each finishes.

    Ctrl-C stops the sweep: the running commands get the signal, what they return is not
    recorded, and KeyboardInterrupt goes on up (their runs stay open for --resume)."""
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    if not tasks:
        return
    workers = min(jobs or cores(), len(tasks))
    # fork: a worker starts in about a millisecond with starter already imported. The pool
    # forks all its workers at once, before its own thread starts (Python 3.11+).
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_started)
    # A task is handed over only when a worker is free: the pool would otherwise queue some
    # in advance, and those would still start after a Ctrl-C.
    waiting = iter(tasks)
    futures: dict[Future[dict[str, Any]], int] = {}

    broken: list[int] = []

    def hand_over() -> None:
        for number, task in waiting:
            try:
                futures[pool.submit(_run, task)] = number
            except BrokenProcessPool:
                broken.append(number)
            return

    try:
        for _ in range(workers):
            hand_over()
        while futures:
            finished, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in finished:
                number = futures.pop(future)
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken.append(number)
                    continue
                if result.get("interrupted"):
                    raise KeyboardInterrupt
                hand_over()
                on_result(number, Outcome(result))
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    broken.extend(number for number, _ in waiting)
    if broken:
        from starter.errors import SetupError

        raise SetupError(
            f"a worker process died (killed, or out of memory?): {len(broken)} runs were not "
            "recorded; run them with starter sweep --resume"
        )


def _worker_started() -> None:
    signal.signal(signal.SIGINT, _on_interrupt)


def _on_interrupt(signum: int, frame: Any) -> None:
    global _stopping
    _stopping = True
    if _busy:
        raise KeyboardInterrupt


def _run(task: dict[str, Any]) -> dict[str, Any]:
    global _busy
    from starter.track.sweep.worker import execute

    _busy = True  # first: a Ctrl-C from here on raises, one before it set _stopping
    try:
        if _stopping:
            return {"interrupted": True}
        return execute(task)
    except KeyboardInterrupt:
        return {"interrupted": True}
    finally:
        _busy = False
