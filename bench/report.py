"""`starter report` over a repository of 28 claims, timed as whole processes, and the two
ways of drawing its charts side by side: starter's own SVG (starter/report/svg.py, plots.py,
overview.py) against matplotlib (bench/plots_matplotlib.py, the renderer starter used
before): the report's time with each, the charts alone, the import and the install size.

    python bench/report.py [--runs 9] [--warmup 2] [--work DIR] [--keep]

matplotlib comes with the `bench` extra (pip install -e '.[bench]'); without it only
starter's own renderer is measured. Prints Markdown; exit 1 when the report of 28 claims
takes 2 s or more."""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from sandbox import isolated, tool  # noqa: E402
from timing import Command, markdown, measure  # noqa: E402

CLAIMS = 28
SEEDS = 5
TARGET = 2.0  # seconds for `starter report` of 28 claims with its plots
OWN = "starter's SVG"

# `starter report` with the charts drawn by matplotlib instead: the same command, the same
# model and templates, only the two drawing functions swapped.
WITH_MATPLOTLIB = """
import sys
sys.path.insert(0, {bench!r})
import plots_matplotlib
from starter.report import overview, plots
plots.claim_figure = plots_matplotlib.claim_figure
overview.figure = plots_matplotlib.overview_figure
sys.argv = ["starter", *sys.argv[1:]]
from starter.cli import main
main()
"""


def card(claims: int) -> str:
    """A paper card of `claims` claims: most with a tolerance, a few without, two facts."""
    lines = ['schema = 1\n\n[paper]\nkey = "bench28"\ntitle = "A Paper With Many Claims"',
             'authors = ["Ada Lovelace", "Alan Turing"]\nyear = 2024\n']  # fmt: skip
    for i in range(claims):
        fact = i >= claims - 2
        lines.append(
            f'[[claims]]\nid = "claim-{i:02d}"\nmetric = "error rate on task {i}"\n'
            f'value = {5 + i / 4}\nvalue_text = "{5 + i / 4:.2f}"\n'
            f'unit = "{"items" if fact else "%"}"\ndirection = "{"none" if fact else "lower"}"\n'
            f'source = "Table {1 + i // 7}"\n'
            + ('tolerance = 0.5\ntolerance_origin = "2 binomial SE"\n' if i < claims - 6 else "")
            + ("central = true\n" if i < 3 else "")
        )
    return "\n".join(lines)


def make_repo(root: Path, env: dict[str, str]) -> Path:
    """28 claims, 5 seeded runs logging 22 of them (some far from the paper), one extension
    run, a git history and a GitHub remote, as a user's repository would have."""
    from starter.track import results

    root.mkdir(parents=True)
    (root / "paper.toml").write_text(card(CLAIMS), encoding="utf-8")
    (root / "train.py").write_text("print('train')\n", encoding="utf-8")
    (root / "CITATION.cff").write_text(
        'cff-version: 1.2.0\ntitle: "bench28: a reimplementation"\nauthors:\n'
        '  - family-names: "Runner"\n    given-names: "Bench"\n',
        encoding="utf-8",
    )
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "Start"],
                 ["remote", "add", "origin", "git@github.com:bench/bench28.git"]):  # fmt: skip
        subprocess.run(["git", *args], cwd=root, env=env, check=True)
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=root, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    environment = {
        "host": "bench",
        "os": "Linux-6.1-x86_64",
        "python": "3.11.9",
        "packages": {"numpy": "2.1.0", "torch": "2.5.1"},
        "gpu": ["Example GPU"],
    }
    records = []
    for seed in range(SEEDS + 1):
        metrics = {}
        for i in range(CLAIMS - 6):
            # Most near the paper, some clearly off, one far off (clipped in the overview).
            offset = {3: -1.2, 7: 0.9, 11: -6.0}.get(i, 0.0)
            metrics[f"claim-{i:02d}"] = 5 + i / 4 + offset + ((seed * 7 + i) % 5 - 2) / 20
        records.append(
            results.run_record(
                metrics,
                seed=seed,
                kind="extension" if seed == SEEDS else "reproduction",
                command=f"python train.py --seed {seed} --epochs 90 --lr 0.1",
                duration=3600.0 + seed,
                git={"commit": commit, "branch": "main", "dirty": False},
                env=environment,
                starter_version="bench",
                time=f"2026-03-0{seed + 1}T10:00:00.000Z",
                run_id=f"run-{seed}",
            )
        )
    results.append(root, records)
    return root


def charts_in_process(repo: Path, rounds: int) -> dict[str, float]:
    """Seconds to draw the overview and every claim chart of the report, best of `rounds`,
    with each renderer (matplotlib's import not included: it is timed apart)."""
    from starter.report import model, overview, plots
    from starter.report.history import History
    from starter.track import status

    computed = status.compute(repo)
    data = model.build(computed, History(available=False), [])["overview"]
    drawable = plots.plottable(computed.claims)
    renderers = {OWN: (plots.claim_figure, overview.figure)}
    try:
        import plots_matplotlib

        renderers["matplotlib"] = (plots_matplotlib.claim_figure, plots_matplotlib.overview_figure)
        plots_matplotlib.claim_figure(drawable[0])  # the import and font cache, once
    except ImportError:
        pass
    best = {}
    for name, (claim_figure, overview_figure) in renderers.items():
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            overview_figure(data)
            for claim in drawable:
                claim_figure(claim)
            times.append(time.perf_counter() - start)
        best[name] = min(times)
    best["charts"] = len(drawable) + 1
    return best


def install_size() -> list[tuple[str, float]]:
    """MiB installed by matplotlib and what it brings that starter does not already need."""

    def closure(name: str) -> set[str]:
        seen: set[str] = set()
        todo = [name]
        while todo:
            dist = re.sub(r"[-_.]+", "-", todo.pop()).lower()
            if dist in seen:
                continue
            try:
                requires = metadata.requires(dist) or []
            except metadata.PackageNotFoundError:
                continue
            seen.add(dist)
            todo += [
                re.split(r"[ ;<>=!~\[(]", r, maxsplit=1)[0] for r in requires if "extra ==" not in r
            ]
        return seen

    own = metadata.packages_distributions().get("starter", ["starter"])[0]
    extra = sorted(closure("matplotlib") - closure(own))
    sizes = []
    for name in extra:
        files = metadata.distribution(name).files or []
        sizes.append((name, sum(f.size or 0 for f in files) / 2**20))
    return sizes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--work", type=Path)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="starter-bench-report-"))
    work.mkdir(parents=True, exist_ok=True)
    env = isolated(work)
    env["SOURCE_DATE_EPOCH"] = "1775000000"
    os.environ.update({k: env[k] for k in ("HOME", "GIT_CONFIG_GLOBAL", "STARTER_CACHE_DIR")})
    try:
        repo = make_repo(work / "bench28", env)
        starter, python = tool("starter"), sys.executable
        has_matplotlib = _importable("matplotlib")
        out = work / "out"
        runner = [python, "-c", WITH_MATPLOTLIB.format(bench=str(HERE))]

        def report(label: str, head: list[str], *options: str) -> Command:
            return Command(label, [*head, "report", "-C", str(repo), *options], env=env)

        ours = "import starter.report.plots, starter.report.overview"
        theirs = "import matplotlib.figure, matplotlib.backends.backend_svg"
        commands = [
            Command("python -c pass", [python, "-c", "pass"], env=env),
            report("report md", [starter], "-o", f"{out}/md/REPORT.md"),
            report("report html", [starter], "-f", "html", "-o", f"{out}/report.html"),
            Command("import starter's charts", [python, "-c", ours], env=env),
        ]
        if has_matplotlib:
            commands += [
                report("report md, matplotlib", runner, "-o", f"{out}/mpl/REPORT.md"),
                report("report html, matplotlib", runner, "-f", "html", "-o", f"{out}/mpl.html"),
                Command("import matplotlib", [python, "-c", theirs], env=env),
            ]
        timings = measure(f"`starter report`, {CLAIMS} claims", commands, args.runs, args.warmup)
        charts = charts_in_process(repo, max(args.runs, 3))
        print(markdown(timings, ["python -c pass"]))
        floor = timings.median_wall("python -c pass")
        print(f"\n### The charts alone ({charts['charts']:.0f}: the overview and every claim's)\n")
        print("| renderer | draw every chart, in process (best) | import (process − python) |")
        print("|---|---|---|")
        for name, label in ((OWN, "import starter's charts"), ("matplotlib", "import matplotlib")):
            if name in charts:
                imported = (timings.median_wall(label) - floor) * 1000
                print(f"| {name} | {charts[name] * 1000:.0f} ms | {imported:.0f} ms |")
        source = HERE.parent / "starter" / "report"
        own = sum((source / f).stat().st_size for f in ("svg.py", "plots.py", "overview.py"))
        print(f"\nInstall size: starter's renderer is {own / 1024:.0f} KiB of source in starter.")
        if has_matplotlib:
            sizes = install_size()
            total = sum(size for _, size in sizes)
            listed = ", ".join(f"{name} {size:.1f}" for name, size in sizes)
            print(f"matplotlib would add {total:.0f} MiB ({listed}; MiB as installed here).")
        md, html = timings.median_wall("report md"), timings.median_wall("report html")
        verdict = "met" if max(md, html) < TARGET else "MISSED"
        print(f"\nTarget: a report of {CLAIMS} claims with its plots in under {TARGET:.0f} s: "
              f"md {md:.2f} s, html {html:.2f} s: {verdict}.")  # fmt: skip
        return 0 if verdict == "met" and timings.ok() else 1
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    raise SystemExit(main())
