"""Scale benchmark: `starter status` and `starter report --format json` over large results logs."""

# usage: python bench/scale.py [--sizes 1000,100000,1000000] [--runs N] [--work DIR]
#
# The log is synthesized from lines that the real `starter log` wrote in the same
# repository, so it has exactly starter's format (schema, provenance fields, line size):
# each synthetic run copies one of those lines with a fresh id, time, seed and value. Each
# is a trial of its own (its own seed, and the trial key that goes with it), as in a sweep:
# status counts a value repeated with the same seed, commit and parameters once.

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import itertools

import sandbox as benchenv
from timing import Command, Sample, run_once, spread

PAPER = "lecun1989"
LOG = Path("results") / "runs.jsonl"
# Placeholders for whole JSON values in a template line: a raw NUL never occurs in JSON text.
ID, TIME, SEED, VALUE = "\x00id\x00", "\x00time\x00", "\x00seed\x00", "\x00value\x00"
TRIAL = "\x00trial\x00"


@dataclass(frozen=True)
class Point:
    """The measurements of one command over one log size."""

    command: str
    runs: int
    samples: list[Sample]
    log_mib: float

    @property
    def wall(self) -> float:
        return statistics.median(s.wall for s in self.samples)

    @property
    def cpu(self) -> float:
        return statistics.median(s.cpu for s in self.samples)

    @property
    def rss(self) -> float:
        return max(s.rss_mib for s in self.samples)


def numeric_claims(card: Path) -> dict[str, float]:
    """Claim id -> reported value for the claims with a number and a better direction."""
    data = tomllib.loads(card.read_text(encoding="utf-8"))
    found = {}
    for claim in data.get("claims", []):
        value = claim.get("value")
        if isinstance(value, list):
            value = sum(value) / 2
        if isinstance(value, int | float) and claim.get("direction") in ("higher", "lower"):
            found[claim["id"]] = float(value)
    return found


def make_repo(root: Path, starter: str, env: dict[str, str]) -> Path:
    """A reimplementation repository of the benchmark paper, made by `starter new`."""
    repo = root / PAPER
    if repo.exists():
        shutil.rmtree(repo)
    root.mkdir(parents=True, exist_ok=True)
    benchenv.check([starter, "new", PAPER, str(repo), "--offline"], cwd=root, env=env)
    return repo


def seed_lines(
    repo: Path, starter: str, env: dict[str, str], claims: dict[str, float]
) -> list[str]:
    """Log one real run per claim with `starter log` and return the lines it wrote."""
    for i, (claim, value) in enumerate(claims.items()):
        benchenv.check([starter, "log", claim, repr(value), "--seed", str(i)], cwd=repo, env=env)
    lines = (repo / LOG).read_text(encoding="utf-8").splitlines()
    runs = [line for line in lines if _metric_claim(json.loads(line), claims)]
    if not runs:
        raise RuntimeError(f"`starter log` wrote no run line naming a claim in {repo / LOG}")
    return runs


def _metric_claim(obj: dict, claims: dict[str, float]) -> str | None:
    metrics = obj.get("metrics")
    if isinstance(metrics, dict) and len(metrics) == 1:
        (name,) = metrics
        return name if name in claims else None
    return None


def _time_format(sample: str) -> tuple[str, bool]:
    """isoformat timespec and whether the sample ends in Z, to write times alike."""
    fraction = re.search(r"T[\d:]+\.(\d+)", sample)
    spec = "seconds"
    if fraction:
        spec = "milliseconds" if len(fraction.group(1)) == 3 else "microseconds"
    return spec, sample.endswith("Z")


def _template(line: str, claims: dict[str, float]) -> tuple[str, str, str, tuple[str, bool], str]:
    """The line as a template with placeholders; also its claim, id, time format and the
    end of its trial key (after the seed)."""
    obj = json.loads(line)
    claim = _metric_claim(obj, claims)
    # Keep the writer's own layout of the JSON (separators, non-ASCII) if it is a stock one.
    layout = {"separators": (",", ":"), "ensure_ascii": False}
    for separators in ((",", ":"), (", ", ": ")):
        for ensure_ascii in (False, True):
            if json.dumps(obj, separators=separators, ensure_ascii=ensure_ascii) == line:
                layout = {"separators": separators, "ensure_ascii": ensure_ascii}
    run_id = str(obj.get("id", ""))
    spec, zulu = _time_format(str(obj.get("time", "")))
    if "id" in obj:
        obj["id"] = ID
    if "time" in obj:
        obj["time"] = TIME
    if "seed" in obj:
        obj["seed"] = SEED
    trial = str(obj.get("trial", ""))
    tail = trial[trial.index("-") :] if "-" in trial else ""
    if "trial" in obj:
        obj["trial"] = TRIAL
    obj["metrics"] = {claim: VALUE}
    text = json.dumps(obj, **layout)
    for marker in (ID, TIME, SEED, VALUE):
        text = text.replace(json.dumps(marker, ensure_ascii=layout["ensure_ascii"]), marker)
    text = text.replace(json.dumps(TRIAL, ensure_ascii=layout["ensure_ascii"]), '"' + TRIAL + '"')
    return text, claim, run_id, (spec, zulu), tail


def synthesize(path: Path, lines: list[str], claims: dict[str, float], n: int) -> None:
    """Write `n` runs to `path`, each a copy of one of `lines` with fresh id/time/seed/value."""
    templates = [_template(line, claims) for line in lines]
    rng = random.Random(20261125)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    with path.open("w", encoding="utf-8") as fh:
        buffer = []
        for i in range(n):
            text, claim, sample_id, (spec, zulu), tail = templates[i % len(templates)]
            hexlike = re.fullmatch(r"[0-9a-f]+", sample_id) is not None
            width = max(len(sample_id), 8)
            run_id = f"{i:0{width}x}"[-width:] if hexlike else f"bench-{i:07d}"
            when = (start + timedelta(seconds=37 * i)).isoformat(timespec=spec)
            if zulu:
                when = when.replace("+00:00", "Z")
            reported = claims[claim]
            value = reported * (1 + rng.gauss(0.0, 0.05))
            # The placeholders stand for whole JSON values: strings quoted, numbers bare.
            buffer.append(
                text.replace(ID, json.dumps(run_id))
                .replace(TIME, json.dumps(when))
                .replace(SEED, str(i))
                .replace(TRIAL, f"s{i}{tail}")
                .replace(VALUE, repr(round(value, 6)))
                + "\n"
            )
            if len(buffer) >= 10_000:
                fh.write("".join(buffer))
                buffer.clear()
        fh.write("".join(buffer))


def counted_runs(repo: Path, starter: str, env: dict[str, str]) -> tuple[int, int]:
    """Runs that `starter status --json` counted for the claims, and problems it reported."""
    proc = subprocess.run(
        [starter, "status", "--json"], cwd=repo, env=env, capture_output=True, text=True
    )
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        return -1, -1
    claims = data.get("claims", []) if isinstance(data, dict) else []
    total = sum(int(c.get("n") or 0) for c in claims)
    return total, len(data.get("problems", []) if isinstance(data, dict) else [])


def measure(
    sizes: list[int], runs: int, work: Path, starter: str, env: dict[str, str]
) -> tuple[dict[int, list[Point]], list[str]]:
    """Time status and report over each size; return the points and notes for the reader."""
    notes: list[str] = []
    repo = make_repo(work, starter, env)
    claims = numeric_claims(repo / "paper.toml")
    lines = seed_lines(repo, starter, env, claims)
    commands = [("status", [starter, "status"]), ("report --format json", None)]
    report_ok = benchenv.works([starter, "report", "--format", "json"], cwd=repo, env=env)
    if report_ok:
        commands[1] = ("report --format json", [starter, "report", "--format", "json"])
    else:
        notes.append(f"`starter report --format json` is not available: {report_ok.why}")
    points: dict[int, list[Point]] = {}
    for n in sizes:
        synthesize(repo / LOG, lines, claims, n)
        mib = (repo / LOG).stat().st_size / 2**20
        counted, problems = counted_runs(repo, starter, env)
        notes.append(
            f"{n:,} runs ({mib:,.0f} MiB): `status --json` counted {counted:,} runs "
            f"and reported {problems} problems"
        )
        size_runs = runs if n < 1_000_000 else max(1, min(runs, 3))
        points[n] = []
        for label, argv in commands:
            if argv is None:
                continue
            too_big = _too_big(points, label, n)
            if too_big:
                notes.append(f"`{label}` not run over {n:,} runs: {too_big}")
                continue
            cmd = Command(label, argv, cwd=repo, env=env)
            first = run_once(cmd)  # also warms the page cache and bytecode
            # A command that takes minutes is timed once: the figure is clear enough.
            count = size_runs if first.wall < 20 else 1
            samples = [run_once(cmd) for _ in range(count)] if count > 1 else [first]
            points[n].append(Point(label, count, samples, mib))
    return points, notes


# A command whose last size extrapolates past these is not run at the next size: the
# benchmark must finish, and must not push the machine into swapping or the OOM killer.
MAX_SECONDS = 180.0
MAX_RSS_MIB = 6 * 1024.0


def _too_big(points: dict[int, list[Point]], label: str, n: int) -> str:
    """Why `label` should not run over `n` runs, judging by the largest size run so far."""
    done = [(m, p) for m, pts in points.items() if m < n for p in pts if p.command == label]
    if not done:
        return ""
    m, last = max(done, key=lambda mp: mp[0])
    seconds, rss = last.wall * n / m, last.rss * n / m
    if seconds <= MAX_SECONDS and rss <= MAX_RSS_MIB:
        return ""
    return (
        f"over {m:,} runs it took {last.wall:.1f} s and {last.rss:,.0f} MiB; growing linearly "
        f"that is {seconds:,.0f} s and {rss:,.0f} MiB here"
    )


def growth(points: dict[int, list[Point]], command: str) -> list[tuple[int, int, float]]:
    """(n_a, n_b, exponent k) with time ∝ n^k between consecutive sizes (1 = linear)."""
    sizes = sorted(points)
    out = []
    for a, b in itertools.pairwise(sizes):
        ta = next((p.wall for p in points[a] if p.command == command), None)
        tb = next((p.wall for p in points[b] if p.command == command), None)
        if ta and tb:
            out.append((a, b, math.log(tb / ta) / math.log(b / a)))
    return out


def markdown(points: dict[int, list[Point]], notes: list[str]) -> str:
    lines = [
        "### Scale: status and report over large results logs",
        "",
        "wall and CPU in ms, median (min-max); peak RSS is the largest over the runs, of one "
        "process (worker processes a command forks are measured one by one, not summed).",
        "",
        "| runs logged | log MiB | command | runs | wall ms | cpu ms | peak RSS MiB "
        "| µs per added run |",
        "|---|---|---|---|---|---|---|---|",
    ]
    smallest = min(points, default=0)
    for n in sorted(points):
        for p in points[n]:
            walls = [s.wall for s in p.samples]
            cpus = [s.cpu for s in p.samples]
            # The cost of each run beyond the smallest log: start-up cancels out.
            base = next((q for q in points[smallest] if q.command == p.command), None)
            marginal = "—"
            if n != smallest and base is not None:
                marginal = f"{(p.wall - base.wall) / (n - smallest) * 1e6:.2f}"
            lines.append(
                f"| {n:,} | {p.log_mib:,.0f} | {p.command} | {p.runs} | {spread(walls)} | "
                f"{spread(cpus)} | {p.rss:.0f} | {marginal} |"
            )
    commands = sorted({p.command for pts in points.values() for p in pts})
    lines.append("")
    for command in commands:
        for a, b, k in growth(points, command):
            lines.append(f"- `{command}` from {a:,} to {b:,} runs: time grows as n^{k:.2f}")
    lines += [f"- {note}" for note in notes]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="1000,100000,1000000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    work = args.work or Path(tempfile.mkdtemp(prefix="starter-bench-scale-"))
    env = benchenv.isolated(work)
    starter = benchenv.tool("starter")
    try:
        points, notes = measure(sizes, args.runs, work / "scale", starter, env)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    print(markdown(points, notes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
