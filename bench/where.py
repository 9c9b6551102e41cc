"""Where a starter command spends its time: top imports (-X importtime) and a profile."""

# usage: python bench/where.py [--cwd DIR] [--top N] [--profile] -- ARGS...
#   e.g. python bench/where.py --cwd my-repro -- status
#        python bench/where.py --profile --cwd my-repro -- status   (needs pyinstrument)

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

LINE = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \| ( *)(\S+)")


def import_times(
    args: list[str],
    cwd: Path | None,
    env: dict[str, str] | None,
    python: str,
    by_package: bool = False,
) -> dict[str, float]:
    """Top-level import -> cumulative ms, for one run of `starter ARGS`; with `by_package`,
    distribution package (first part of the module name) -> ms of its own module code."""
    proc = subprocess.run(
        [python, "-X", "importtime", "-m", "starter", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    found: dict[str, float] = {}
    for line in proc.stderr.splitlines():
        m = LINE.match(line)
        # No indent marks an import that no other import triggered: either the
        # interpreter's own start-up or an import a command made while it ran.
        if m and by_package:
            package = m.group(4).split(".")[0]
            found[package] = found.get(package, 0.0) + int(m.group(1)) / 1000.0
        elif m and not m.group(3):
            found[m.group(4)] = found.get(m.group(4), 0.0) + int(m.group(2)) / 1000.0
    return found


def _median_times(
    args: list[str],
    cwd: Path | None,
    env: dict[str, str] | None,
    python: str,
    repeat: int,
    by_package: bool = False,
) -> dict[str, float]:
    runs = [import_times(args, cwd, env, python, by_package) for _ in range(repeat)]
    names = set().union(*runs)
    return {n: statistics.median(r.get(n, 0.0) for r in runs) for n in names}


def top_imports(
    args: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    python: str = sys.executable,
    limit: int = 10,
    repeat: int = 3,
    by_package: bool = False,
) -> list[tuple[str, float]]:
    """The `limit` slowest top-level imports of `starter ARGS` (median over `repeat` runs),
    or with `by_package` the packages whose modules take longest to import."""
    times = _median_times(args, cwd, env, python, repeat, by_package)
    return sorted(times.items(), key=lambda kv: -kv[1])[:limit]


def total_import_ms(
    args: list[str],
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
    python: str = sys.executable,
    repeat: int = 3,
) -> float:
    """Milliseconds of `starter ARGS` spent importing, all top-level imports together."""
    return sum(_median_times(args, cwd, env, python, repeat).values())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--cwd", type=Path, default=None)
    ap.add_argument("--top", type=int, default=15)
    ap.add_argument("--profile", action="store_true", help="also profile with pyinstrument")
    ap.add_argument("args", nargs=argparse.REMAINDER)
    ns = ap.parse_args()
    args = ns.args[1:] if ns.args[:1] == ["--"] else ns.args
    env = dict(os.environ)
    top = top_imports(args, ns.cwd, env, limit=ns.top)
    total = total_import_ms(args, ns.cwd, env)
    print(f"starter {' '.join(args)}: {total:.0f} ms of imports; slowest top-level imports:")
    for name, ms in top:
        print(f"  {ms:8.1f} ms  {name}")
    print("import time by package (own module code, nested imports counted apart):")
    for name, ms in top_imports(args, ns.cwd, env, limit=ns.top, by_package=True):
        print(f"  {ms:8.1f} ms  {name}")
    if ns.profile:
        subprocess.run(
            [sys.executable, "-m", "pyinstrument", "-r", "text", "-m", "starter", *args],
            cwd=ns.cwd,
            env=env,
            check=False,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
