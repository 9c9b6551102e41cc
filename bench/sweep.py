"""`starter sweep`'s local executor against plain `starter run` in a loop: 8 short runs on this
machine's cores, timed as whole processes, interleaved, with the bare command as the floor."""

# usage: python bench/sweep.py [--runs N] [--warmup W] [--jobs J] [--work-ms 0,200] [--write]
#
# Target (issue 17): a sweep of 8 short runs on 2 cores finishes in at most 0.6x the time of
# the same 8 runs made one by one with `starter run`. The training command is `python -c`
# writing $STARTER_METRICS_FILE after WORK ms of CPU-bound work: with 0 (the short runs of
# the target) the times are starter's own; with more they show how much of the machine the
# two workers got (no target: that depends on what else runs).

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sandbox  # noqa: E402
from sections import write_section  # noqa: E402
from timing import Command, Timings, markdown, measure  # noqa: E402

SEEDS = 8
TARGET = 0.6
TRAIN = (
    "import json, os, time\n"
    "end = time.process_time() + {work} / 1000\n"
    "while time.process_time() < end: pass\n"
    "seed = int(os.environ['STARTER_SEED'])\n"
    "json.dump({{'test-error': 5.0 + seed / 10}}, open(os.environ['STARTER_METRICS_FILE'], 'w'))\n"
)


def scenario(work: Path, env: dict[str, str], repo: Path, work_ms: int, jobs: int, runs: int,
             warmup: int) -> tuple[Timings, str]:  # fmt: skip
    python, starter = sys.executable, sandbox.tool("starter")
    code = TRAIN.format(work=work_ms)
    seeds = " ".join(str(s) for s in range(1, SEEDS + 1))
    loop = (
        f"for s in {seeds}; do {shlex.quote(starter)} run --seed $s -- "
        f"{shlex.quote(python)} -c {shlex.quote(code)} || exit 1; done"
    )
    metrics = shlex.quote(str(work / "m.json"))
    bare = (
        f"for s in {seeds}; do STARTER_SEED=$s STARTER_METRICS_FILE={metrics} "
        f"{shlex.quote(python)} -c {shlex.quote(code)} || exit 1; done"
    )
    sweep = [
        starter,
        "sweep",
        "--seeds",
        f"1..{SEEDS}",
        "--jobs",
        str(jobs),
        "--",
        python,
        "-c",
        code,
    ]
    commands = [
        Command("8 x `starter run` in a loop", ["bash", "-c", loop], repo, env),
        Command(f"`starter sweep --seeds 1..8 --jobs {jobs}`", sweep, repo, env),
        Command("8 x the bare command in a loop", ["bash", "-c", bare], repo, env),
    ]
    what = f"{work_ms} ms of CPU work" if work_ms else "no work"
    title = f"8 runs: Python starts, does {what}, writes its metrics"
    timings = measure(title, commands, runs, warmup)
    loop_label, sweep_label, bare_label = (c.label for c in commands)
    ratio = timings.ratio(sweep_label, loop_label)
    cpu_ratio = timings.ratio(sweep_label, loop_label, cpu=True)
    floor = timings.median_wall(bare_label)
    per_loop = (timings.median_wall(loop_label) - floor) / SEEDS

    def cpu(label: str) -> float:
        return statistics.median(s.cpu for s in timings.samples[label])

    cpu_loop = (cpu(loop_label) - cpu(bare_label)) / SEEDS
    cpu_sweep = (cpu(sweep_label) - cpu(bare_label)) / SEEDS
    if work_ms == 0:  # the target is about short runs: starter's own cost per run
        verdict = f"target <= {TARGET}x: " + ("met" if ratio <= TARGET else "MISSED")
    else:  # with real work the wall time depends on two cores being free
        verdict = "no target: the gain depends on two cores being free (see the load average)"
    notes = (
        f"- sweep / loop: **{ratio:.2f}x** wall ({verdict}), {cpu_ratio:.2f}x CPU\n"
        f"- overhead per run beyond the bare command: CPU, `starter run` "
        f"{cpu_loop * 1000:.0f} ms and the sweep {cpu_sweep * 1000:.0f} ms; wall, "
        f"`starter run` {per_loop * 1000:.0f} ms (the sweep's wall time per run depends on "
        "the cores it gets)\n"
    )
    return timings, notes


def machine() -> str:
    import platform

    cpu = platform.processor() or platform.machine()
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def load() -> str:
    """The load average: with other work on the machine the sweep's two workers do not get
    two cores, and its wall-time ratio says more about the neighbours than about starter."""
    try:
        one, five, _ = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.1f} (1 min), {five:.1f} (5 min)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="counted rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="uncounted rounds (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="the sweep's workers (default 2)")
    parser.add_argument("--work-ms", default="0,200", help="CPU work per run, ms (default 0,200)")
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="starter-bench-sweep-") as scratch:
        work = Path(scratch)
        env = sandbox.isolated(work)
        repo = work / "repo"
        subprocess.run(
            [sandbox.tool("starter"), "new", "lecun1989", str(repo), "--offline"],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        parts = [
            "## `starter sweep` against `starter run` in a loop (`bench/sweep.py`)\n",
            f"{machine()}; {args.runs} interleaved rounds after {args.warmup} warm-up. "
            "Each round runs the 8 seeds three ways in the same repository: `starter run` "
            "once per seed, one `starter sweep`, and the bare command alone (the floor).\n",
        ]
        parts.append(f"Load average before: {load()}.\n")
        ok = True
        for work_ms in (int(w) for w in args.work_ms.split(",")):
            timings, notes = scenario(work, env, repo, work_ms, args.jobs, args.runs, args.warmup)
            labels = [c.label for c in timings.commands]
            parts += [markdown(timings, refs=[labels[0]]), notes]
            ok = ok and timings.ok()
            if work_ms == 0 and statistics.median(timings.ratios(labels[1], labels[0])) > TARGET:
                ok = False
        parts.append(f"Load average after: {load()}.\n")
    section = "\n".join(parts)
    print(section)
    if args.write:
        write_section("sweep", section)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
