"""How fast `starter log --from` reads big training outputs: a 1,000-epoch Lightning
metrics.csv and a 100 MB llm.c log (main.log and stdout), built by repeating real recorded
lines (tests/data/importers) with their epochs and steps renumbered. Prints seconds per
10 MB against the target of issue 12 (well under a second per 10 MB).

    python bench/importers.py [--mb 100] [--runs 3]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "importers"
sys.path.insert(0, str(ROOT))


def lightning_csv(target: Path, epochs: int) -> None:
    """The 700-epoch run's rows, repeated and renumbered up to `epochs` epochs."""
    lines = (DATA / "lightning/gmnn/lightning_logs/version_0/metrics.csv").read_text().splitlines()
    header, rows = lines[0], [line.split(",") for line in lines[1:]]
    per_epoch = max(int(r[0]) for r in rows) + 1
    out = [header]
    for block in range(-(-epochs // per_epoch)):
        for row in rows:
            epoch = int(row[0]) + block * per_epoch
            if epoch >= epochs:
                break
            out.append(",".join([str(epoch), str(int(row[1]) + block * per_epoch * 10), *row[2:]]))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("\n".join(out) + "\n")


def llmc_log(target: Path, megabytes: int, name: str, stdout: bool) -> None:
    """A real llm.c log's lines repeated, steps shifted so that they keep increasing."""
    import re

    text = gzip.decompress((DATA / name).read_bytes()).decode()
    lines = text.splitlines(keepends=True)
    pattern = re.compile(r"^(step\s+)(\d+)(/\d+)" if stdout else r"^s:(\d+)")
    last = 0
    for line in lines:
        match = pattern.match(line)
        if match:
            last = max(last, int(match.group(2 if stdout else 1)))
    size, block = 0, 0
    with open(target, "w") as handle:
        while size < megabytes * 1_000_000:
            offset = block * (last + 1)
            for line in lines:
                match = pattern.match(line)
                if match and stdout:
                    step = int(match.group(2)) + offset
                    line = f"{match.group(1)}{step}{match.group(3)}{line[match.end() :]}"
                elif match:
                    line = f"s:{int(match.group(1)) + offset}{line[match.end() :]}"
                handle.write(line)
                size += len(line)
            block += 1


def timed(paths: list[Path], preset: str, runs: int) -> tuple[float, int]:
    from starter.track import importers

    times = []
    for _ in range(runs):
        started = time.perf_counter()
        found = importers.read(paths, preset=preset)
        times.append(time.perf_counter() - started)
    assert found.runs and found.runs[0].metrics
    return statistics.median(times), sum(p.stat().st_size for p in paths)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=100, help="size of the llm.c logs")
    parser.add_argument("--epochs", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        csv = work / "lightning_logs/version_0/metrics.csv"
        lightning_csv(csv, args.epochs)
        main_log = work / "main.log"
        llmc_log(main_log, args.mb, "llmc/gpt2-124m-cuda/log124M/main.log.gz", stdout=False)
        stdout_log = work / "train.log"
        llmc_log(stdout_log, args.mb, "llmc/llm.c-slurm/gpt2_train.11685414.log.gz", stdout=True)
        print("| input | size | median time | seconds per 10 MB | target |")
        print("|---|---|---|---|---|")
        for label, path, preset in (
            (f"Lightning metrics.csv, {args.epochs} epochs", csv, "lightning"),
            ("llm.c main.log", main_log, "llmc"),
            ("llm.c stdout", stdout_log, "llmc"),
        ):
            seconds, size = timed([path], preset, args.runs)
            per10 = seconds / (size / 10_000_000)
            if size < 10_000_000:  # a small file: the whole import is what counts
                verdict = "met" if seconds < 1 else "MISSED"
                print(f"| {label} | {size / 1e6:.2f} MB | {seconds:.3f} s | - | "
                      f"well under 1 s: {verdict} |")  # fmt: skip
                continue
            verdict = "met" if per10 < 1 else "MISSED"
            print(f"| {label} | {size / 1e6:.1f} MB | {seconds:.3f} s | {per10:.3f} s | "
                  f"< 1 s per 10 MB: {verdict} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
