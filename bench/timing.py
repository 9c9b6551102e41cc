"""Whole-process timing: interleaved runs, wall and CPU time, peak memory, paired ratios."""

# Same design as the anchors' timing harness (standard library only): every command runs
# once per round, A B C A B C ..., so drift in machine speed hits all of them alike; wall
# time is perf_counter around start and reaping, CPU and peak RSS come from os.wait4 for
# that child; ratios are taken run by run against a reference timed in the same round.

from __future__ import annotations

import os
import statistics
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Command:
    """One command to time: a label, its argv, and where and how it runs."""

    label: str
    argv: Sequence[str]
    cwd: Path | None = None
    env: dict[str, str] | None = None


@dataclass(frozen=True)
class Sample:
    wall: float  # seconds
    cpu: float  # seconds, user + system
    rss_mib: float  # peak resident set size of the child
    code: int


@dataclass
class Timings:
    """The samples of one group of commands timed together."""

    title: str
    commands: list[Command]
    samples: dict[str, list[Sample]] = field(default_factory=dict)

    def median_wall(self, label: str) -> float:
        return statistics.median(s.wall for s in self.samples[label])

    def ratio(self, label: str, ref: str, cpu: bool = False) -> float:
        """Median of the round-by-round wall-time (or CPU-time) ratio label/ref."""
        pairs = zip(self.samples[label], self.samples[ref], strict=True)
        if cpu:
            return statistics.median(a.cpu / b.cpu for a, b in pairs)
        return statistics.median(a.wall / b.wall for a, b in pairs)

    def ratios(self, label: str, ref: str) -> list[float]:
        pairs = zip(self.samples[label], self.samples[ref], strict=True)
        return [a.wall / b.wall for a, b in pairs]

    def ok(self) -> bool:
        return all(s.code == 0 for rows in self.samples.values() for s in rows)


def run_once(cmd: Command) -> Sample:
    start = time.perf_counter()
    proc = subprocess.Popen(
        list(cmd.argv),
        cwd=cmd.cwd,
        env=cmd.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, proc.returncode)


def measure(title: str, commands: list[Command], runs: int, warmup: int) -> Timings:
    """Time `commands` interleaved: `warmup` uncounted rounds, then `runs` counted ones."""
    for _ in range(warmup):
        for cmd in commands:
            run_once(cmd)
    timings = Timings(title, commands, {c.label: [] for c in commands})
    for _ in range(runs):
        for cmd in commands:
            timings.samples[cmd.label].append(run_once(cmd))
    return timings


def spread(values: Sequence[float], scale: float = 1000.0, digits: int = 0) -> str:
    """`median (min-max)`, scaled (ms by default)."""
    med = statistics.median(values) * scale
    return f"{med:.{digits}f} ({min(values) * scale:.{digits}f}-{max(values) * scale:.{digits}f})"


def markdown(timings: Timings, refs: Sequence[str] = ()) -> str:
    """The group as a Markdown table: wall, CPU, peak RSS, exit codes, ratios to `refs`."""
    refs = [r for r in refs if r in timings.samples]
    runs = len(next(iter(timings.samples.values()), []))
    lines = [
        f"### {timings.title}",
        "",
        f"{runs} interleaved runs per command; wall and CPU in ms, median (min-max); "
        "ratios are medians of round-by-round ratios (below 1 = faster).",
        "",
        "| command | wall ms | cpu ms | peak RSS MiB | exit |" + "".join(f" × {r} |" for r in refs),
        "|---|---|---|---|---|" + "---|" * len(refs),
    ]
    for cmd in timings.commands:
        rows = timings.samples[cmd.label]
        codes = ",".join(str(c) for c in sorted({s.code for s in rows}))
        cells = [
            cmd.label,
            spread([s.wall for s in rows]),
            spread([s.cpu for s in rows]),
            f"{statistics.median(s.rss_mib for s in rows):.0f}",
            codes,
        ]
        cells += [spread(timings.ratios(cmd.label, r), scale=1.0, digits=2) for r in refs]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
