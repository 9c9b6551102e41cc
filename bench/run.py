"""The benchmark: starter beside cookiecutter, copier, a bare Typer app and MLflow, in one run."""

# usage: python bench/run.py [--quick] [--only startup,scaffold,log,metadata,network,scale]
#                            [--runs N] [--warmup W] [--sizes 1000,100000] [--work DIR] [--keep]
#
# Run it with the interpreter of an environment that has `pip install -e '.[bench]'`
# (bench/run.sh makes one). Every number comes from whole processes timed in this run,
# interleaved with their anchors; the output is Markdown on stdout.

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import os
import platform
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import network  # noqa: E402
import sandbox  # noqa: E402
import scale  # noqa: E402
import update  # noqa: E402
import where  # noqa: E402
from timing import Command, Timings, markdown, measure  # noqa: E402

ANCHORS = HERE / "anchors"
ADAPTERS = ANCHORS / "adapters"
PAPER = "lecun1989"  # a catalog paper: `starter new` needs no network for it
CLAIM = "test-error"
ARXIV_ID = "hep-ex/0406020v1"  # served from fixtures/ by the loopback server
SCENARIOS = ("startup", "scaffold", "update", "log", "metadata", "network", "scale")


@dataclass(frozen=True)
class Target:
    """One target of issue 6 and how this run measured against it."""

    name: str
    limit: str
    measured: str
    verdict: str  # pass, miss or n/a


@dataclass
class Bench:
    """What every scenario needs: where to work, the tools, and the run's settings."""

    work: Path
    env: dict[str, str]
    runs: int
    warmup: int
    python: str = sys.executable
    starter: str = ""
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    small_repo: Path | None = None

    def cmd(self, label: str, argv: list[str], cwd: Path | None = None, **env: str) -> Command:
        return Command(label, argv, cwd=cwd or self.work, env={**self.env, **env})

    def time(self, title: str, commands: list[Command], refs: list[str]) -> Timings:
        timings = measure(title, commands, self.runs, self.warmup)
        print(markdown(timings, refs), flush=True)
        return timings

    def target(
        self, name: str, limit: float, value: float | None, unit: str = "×", also: str = ""
    ) -> None:
        """Record a target met when `value` <= `limit`; `also` is shown beside the value
        (the same figure in CPU time, which other work on the machine moves less)."""

        def shown(x: float, digits: int) -> str:
            number = f"{x:.{digits}f}" if digits else f"{x:g}"
            return f"{number}{unit}" if unit in ("×", "") else f"{number} {unit}"

        limit_text = f"≤ {shown(limit, 0)}"
        if value is None:
            self.targets.append(Target(name, limit_text, "not measured", "n/a"))
            return
        measured = shown(value, 2) + (f" ({also})" if also else "")
        self.targets.append(
            Target(name, limit_text, measured, "pass" if value <= limit else "miss")
        )

    def available(self, label: str, argv: list[str], cwd: Path | None = None) -> bool:
        """Whether `argv` runs cleanly once; if not, a note says why it is not timed."""
        return self.usable(label, self.cmd(label, argv, cwd))

    def usable(self, label: str, cmd: Command) -> bool:
        result = sandbox.works(list(cmd.argv), cwd=cmd.cwd, env=cmd.env)
        if not result:
            self.notes.append(f"{label}: not timed, it does not work yet ({result.why})")
        return bool(result)


# ----------------------------------------------------------------------------- header


def version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> str:
    cpu = "unknown CPU"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPUs ({cpu}), {platform.system()} {platform.release()}"


def load() -> str:
    """The 1-minute load average and what it means for wall times."""
    one = os.getloadavg()[0]
    cpus = os.cpu_count() or 1
    # The benchmark itself keeps about one CPU busy; more than that is someone else.
    if one > max(1.25, cpus * 0.75):
        return (
            f"{one:.2f} on {cpus} CPUs: other work shared the machine, so wall times are "
            "inflated and noisy; CPU times and CPU ratios are the steadier figures"
        )
    return f"{one:.2f} on {cpus} CPUs"


def header(bench: Bench, quick: bool) -> str:
    git = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(
        ["git", "-C", str(HERE.parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    dists = ["paper-starter", "typer", "click", "cookiecutter", "copier", "mlflow", "pyinstrument"]
    return "\n".join(
        [
            "## starter benchmark",
            "",
            f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}"
            + (" (quick mode)" if quick else ""),
            f"- machine: {machine()}",
            f"- Python {platform.python_version()} ({bench.python}); {git}",
            f"- starter checkout: {commit or 'unknown'} (working tree as it is)",
            "- " + ", ".join(f"{d} {version(d)}" for d in dists),
            f"- {bench.runs} counted runs after {bench.warmup} warm-up runs per command",
            f"- load average at start: {load()}",
            "",
        ]
    )


# ----------------------------------------------------------------------------- scenarios


def small_repo(bench: Bench) -> Path | None:
    """A repository made by `starter new` with five logged runs, for status and log."""
    repo = bench.work / "small" / PAPER
    if not bench.available("`starter new`", [bench.starter, "new", PAPER, str(repo), "--offline"]):
        return None
    for seed, value in enumerate((5.1, 4.9, 5.3, 5.0, 4.8)):
        if not bench.available(
            "`starter log`",
            [bench.starter, "log", CLAIM, str(value), "--seed", str(seed)],
            cwd=repo,
        ):
            break
    return repo


def startup(bench: Bench) -> None:
    floor = str(HERE / "typer_floor.py")
    commands = [
        bench.cmd("python -c pass", [bench.python, "-c", "pass"]),
        bench.cmd("typer app --help", [bench.python, floor, "--help"]),
        bench.cmd("typer app log", [bench.python, floor, "log", CLAIM, "5.1"]),
        bench.cmd("cookiecutter --help", [sandbox.tool("cookiecutter"), "--help"]),
        bench.cmd("copier --help", [sandbox.tool("copier"), "--help"]),
        bench.cmd("starter --help", [bench.starter, "--help"]),
    ]
    repo = bench.small_repo
    if repo and bench.available("`starter status`", [bench.starter, "status"], cwd=repo):
        commands.append(bench.cmd("starter status (5 runs)", [bench.starter, "status"], cwd=repo))
    timings = bench.time(
        "Start-up", commands, ["typer app --help", "typer app log", "cookiecutter --help"]
    )
    bench.target(
        "`starter --help` vs bare Typer app `--help`",
        1.15,
        timings.ratio("starter --help", "typer app --help"),
        also=f"CPU {timings.ratio('starter --help', 'typer app --help', cpu=True):.2f}×",
    )


def stage_templates(bench: Bench) -> dict[str, Path]:
    """The anchor template for copier and cookiecutter, outside any git work tree (copier
    renders a git-tracked template from its last commit, not from the files on disk)."""
    staged = bench.work / "templates"
    shutil.rmtree(staged, ignore_errors=True)
    (staged / "copier").mkdir(parents=True)
    shutil.copytree(ANCHORS / "template", staged / "copier" / "template")
    shutil.copy(ANCHORS / "copier" / "copier.yml", staged / "copier" / "copier.yml")
    sandbox.check(
        [
            bench.python,
            str(ANCHORS / "tools" / "to_cookiecutter.py"),
            str(ANCHORS / "template"),
            str(ANCHORS / "cookiecutter" / "cookiecutter.json"),
            str(staged / "cookiecutter"),
        ]
    )
    return {"copier": staged / "copier", "cookiecutter": staged / "cookiecutter"}


def count_files(folder: Path) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() and ".git" not in p.parts)


def scaffold(bench: Bench) -> None:
    templates = stage_templates(bench)
    answers = ANCHORS / "answers.yaml"
    slug = next(
        line.split(":", 1)[1].strip().strip('"')
        for line in answers.read_text().splitlines()
        if line.startswith("project_slug:")
    )
    rc = bench.work / "cookiecutterrc"
    cache, replay = bench.work / "cc-cache", bench.work / "cc-replay"
    rc.write_text(f'cookiecutters_dir: "{cache}"\nreplay_dir: "{replay}"\n')
    common = {
        "COOKIECUTTER": sandbox.tool("cookiecutter"),
        "COPIER": sandbox.tool("copier"),
        "GIT": shutil.which("git") or "git",
        "BENCH_ANSWERS": str(answers),
        "BENCH_CC_CONFIG": str(rc),
        "BENCH_SLUG": slug,
        "BENCH_CMD": bench.starter,
    }
    out = bench.work / "out"
    cc = {**common, "BENCH_TEMPLATE": str(templates["cookiecutter"])}
    cp = {**common, "BENCH_TEMPLATE": str(templates["copier"])}
    git = str(ADAPTERS / "with_git.sh")
    commands = [
        bench.cmd("cookiecutter", [str(ADAPTERS / "cookiecutter.sh"), str(out / "cc")], **cc),
        bench.cmd("copier", [str(ADAPTERS / "copier.sh"), str(out / "cp")], **cp),
        bench.cmd(
            "cookiecutter + git",
            [git, str(ADAPTERS / "cookiecutter.sh"), str(out / "cc-git")],
            **cc,
        ),
        bench.cmd("copier + git", [git, str(ADAPTERS / "copier.sh"), str(out / "cp-git")], **cp),
    ]
    # The git part alone: copy an already generated tree, then init/add/commit it.
    sandbox.check(
        [str(ADAPTERS / "cookiecutter.sh"), str(out / "rendered")], env={**bench.env, **cc}
    )
    rendered = {**common, "BENCH_RENDERED": str(out / "rendered" / slug)}
    commands.append(
        bench.cmd(
            "copy + git (git alone)",
            [git, str(ADAPTERS / "copy.sh"), str(out / "copy-git")],
            **rendered,
        )
    )
    starter_rows = {
        "starter new --no-git": f"new {PAPER} {{project}} --offline --no-git",
        "starter new (with commit)": f"new {PAPER} {{project}} --offline",
    }
    made: dict[str, int] = {}
    for label, gen_args in starter_rows.items():
        target = out / ("starter-no-git" if "--no-git" in gen_args else "starter-git")
        argv = [str(ADAPTERS / "command.sh"), str(target)]
        cmd = bench.cmd(label, argv, BENCH_GEN_ARGS=gen_args, **common)
        if bench.usable(f"`starter {gen_args}`", cmd):
            commands.append(cmd)
            made[label] = count_files(target / slug)
    timings = bench.time(
        f"Scaffolding: `starter new --offline {PAPER}` vs the 15-file anchor template",
        commands,
        ["cookiecutter + git", "cookiecutter"],
    )
    anchor_files = count_files(out / "cc" / slug)
    for label, n in made.items():
        bench.notes.append(f"{label} wrote {n} files; the anchor template has {anchor_files}")
    ratio, cpu = None, ""
    if "starter new (with commit)" in timings.samples:
        ratio = timings.ratio("starter new (with commit)", "cookiecutter + git")
        cpu = (
            f"CPU {timings.ratio('starter new (with commit)', 'cookiecutter + git', cpu=True):.2f}×"
        )
    bench.target("`starter new --offline` with commit vs cookiecutter + git", 0.8, ratio, also=cpu)


def update_scenario(bench: Bench) -> None:
    """`starter update` vs `cruft update` and `copier update` (bench/update.py)."""
    try:
        prepared = update.prepare(bench.work, bench.env, bench.starter)
    except RuntimeError as exc:
        bench.notes.append(f"update: not timed ({exc})")
        bench.target("`starter update` vs `cruft update`", 0.5, None)
        return
    commands = [bench.cmd(label, argv) for label, argv in prepared["wrappers"].items()]
    timings = bench.time(
        "Updating a committed, user-edited project from template v1 to v2 "
        "(each run resets the project first)",
        commands,
        ["cruft update", "copier update"],
    )
    print(update.merge_report(prepared["projects"]), flush=True)
    bench.notes.append(
        "update: `starter update` exits 7 on purpose (the expected conflict); copier and "
        "cruft exit 0 with a conflict"
    )
    bench.target(
        "`starter update` vs `cruft update`",
        0.5,
        timings.ratio("starter update", "cruft update"),
        also=f"CPU {timings.ratio('starter update', 'cruft update', cpu=True):.2f}×",
    )


MLFLOW_STORE_NOTE = "MLflow logs to its default local store (nothing configured)"


def logging(bench: Bench) -> None:
    floor = str(HERE / "typer_floor.py")
    commands = [
        bench.cmd("python -c pass", [bench.python, "-c", "pass"]),
        bench.cmd("typer app log", [bench.python, floor, "log", CLAIM, "5.1"]),
    ]
    repo = bench.small_repo
    log_argv = [bench.starter, "log", CLAIM, "5.2", "--seed", "7"]
    if repo and bench.available("`starter log`", log_argv, cwd=repo):
        commands.append(bench.cmd("starter log", log_argv, cwd=repo))
    metrics = (
        "import json, os; "
        f"json.dump({{{CLAIM!r}: 5.2}}, open(os.environ['STARTER_METRICS_FILE'], 'w'))"
    )
    run_argv = [bench.starter, "run", "--seed", "7", "--", bench.python, "-c", metrics]
    if repo and bench.available("`starter run`", run_argv, cwd=repo):
        commands.append(
            bench.cmd(
                "python writing metrics (no starter)",
                [bench.python, "-c", metrics],
                STARTER_METRICS_FILE=str(bench.work / "metrics.json"),
            )
        )
        commands.append(bench.cmd("starter run -- python writing metrics", run_argv, cwd=repo))
    mlflow_dir = bench.work / "mlflow"
    mlflow_dir.mkdir(exist_ok=True)
    mlflow_argv = [bench.python, str(HERE / "mlflow_log.py"), CLAIM, "5.2", "7"]
    if bench.available("MLflow", mlflow_argv, cwd=mlflow_dir):
        commands.append(bench.cmd("mlflow: log one run", mlflow_argv, cwd=mlflow_dir))
        bench.notes.append(
            f"{MLFLOW_STORE_NOTE}: {', '.join(sorted(p.name for p in mlflow_dir.iterdir()))}"
        )
    timings = bench.time("Logging one result", commands, ["typer app log", "python -c pass"])
    ratio, cpu = None, ""
    if "starter log" in timings.samples:
        ratio = timings.ratio("starter log", "typer app log")
        cpu = f"CPU {timings.ratio('starter log', 'typer app log', cpu=True):.2f}×"
    bench.target("`starter log` vs bare Typer app running a command", 1.3, ratio, also=cpu)


class FixtureServer:
    """A loopback HTTP server answering arXiv with a recorded response, other services 404."""

    def __init__(self, arxiv_body: bytes) -> None:
        self.hits: dict[str, int] = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                service = self.path.strip("/").split("/", 1)[0].split("?", 1)[0]
                owner.hits[service] = owner.hits.get(service, 0) + 1
                if service == "arxiv":
                    body, status, kind = arxiv_body, 200, "application/atom+xml; charset=utf-8"
                else:
                    body, status, kind = b'{"error": "Not Found"}', 404, "application/json"
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def env(self) -> dict[str, str]:
        return {
            "STARTER_ARXIV_API": f"{self.url}/arxiv/api/query",
            "STARTER_CROSSREF_API": f"{self.url}/crossref",
            "STARTER_DOI_RESOLVER": f"{self.url}/doi",
            "STARTER_S2_API": f"{self.url}/s2",
            "STARTER_OPENALEX_API": f"{self.url}/openalex",
            "STARTER_HF_API": f"{self.url}/hf",
            # arXiv's 3-second pacing is for arXiv itself; this server is on loopback.
            "STARTER_ARXIV_INTERVAL": "0",
        }

    @contextlib.contextmanager
    def running(self) -> Iterator[FixtureServer]:
        self.thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


def metadata(bench: Bench) -> None:
    floor = str(HERE / "typer_floor.py")
    server = FixtureServer((HERE / "fixtures" / "arxiv_hep-ex_0406020v1.xml").read_bytes())
    with server.running():
        env = server.env()
        bench.env.update(env)
        try:
            commands = [bench.cmd("typer app log", [bench.python, floor, "log", CLAIM, "5.1"])]
            if bench.available("`starter show` (catalog)", [bench.starter, "show", PAPER]):
                commands.append(
                    bench.cmd("starter show (catalog paper)", [bench.starter, "show", PAPER])
                )
            show = [bench.starter, "show", ARXIV_ID]
            if bench.available("`starter show` (arXiv, first fetch)", show):
                commands.append(bench.cmd("starter show (cached arXiv paper)", show))
                cold_cache = bench.work / "cold-cache"
                wrapper = f"rm -rf {shlex.quote(str(cold_cache))} && exec {shlex.join(show)}"
                commands.append(
                    bench.cmd(
                        "starter show (uncached, loopback server)",
                        ["sh", "-c", wrapper],
                        STARTER_CACHE_DIR=str(cold_cache),
                    )
                )
            before = dict(server.hits)
            timings = bench.time("Metadata: `starter show`", commands, ["typer app log"])
            hits = {k: v - before.get(k, 0) for k, v in server.hits.items()}
            bench.notes.append(
                "loopback server requests during the timed `show` runs: "
                + (", ".join(f"{k} {v}" for k, v in sorted(hits.items())) or "none")
                + f" (uncached runs: {bench.runs + bench.warmup})"
            )
        finally:
            for name in env:
                bench.env.pop(name, None)
    ratio, cpu = None, ""
    cached = "starter show (cached arXiv paper)"
    if cached in timings.samples:
        ratio = timings.ratio(cached, "typer app log")
        cpu = f"CPU {timings.ratio(cached, 'typer app log', cpu=True):.2f}×"
    bench.target("cached `starter show` vs bare Typer app running a command", 1.3, ratio, also=cpu)


def network_scenario(bench: Bench) -> None:
    """An uncached `show` against services answering after set delays (issue 10)."""
    timings, facts = network.measure_network(
        bench.starter, bench.work / "network", bench.env, bench.runs, bench.warmup
    )
    print(markdown(timings, ["show, services instant"]), flush=True)
    print(network.summary(facts), flush=True)
    bench.target(
        "uncached `show`: what slow services add, in units of the slowest one",
        1.2,
        facts["ratio"],
    )


def scale_scenario(bench: Bench, sizes: list[int]) -> None:
    try:
        points, notes = scale.measure(
            sizes, max(3, bench.runs // 3), bench.work / "scale", bench.starter, bench.env
        )
    except RuntimeError as exc:
        bench.notes.append(f"scale: not timed ({exc})")
        for name in ("status over 100,000 runs", "status over 1,000,000 runs"):
            bench.target(name, 0.5 if "100," in name else 3.0, None, unit="s")
        return
    print(scale.markdown(points, notes), flush=True)

    def status_at(n: int) -> scale.Point | None:
        return next((p for p in points.get(n, []) if p.command == "status"), None)

    p100k, p1m = status_at(100_000), status_at(1_000_000)
    for n, point, limit in ((100_000, p100k, 0.5), (1_000_000, p1m, 3.0)):
        cpu = f"CPU {point.cpu:.2f} s" if point else ""
        bench.target(
            f"`starter status` over {n:,} runs", limit, point and point.wall, unit="s", also=cpu
        )
    bench.target("peak memory of status over 1,000,000 runs", 150, p1m and p1m.rss, unit="MiB")
    # Start-up dominates below 100,000 runs; the exponent is read where the log matters.
    exponents = [k for a, b, k in scale.growth(points, "status") if a >= 100_000]
    bench.target(
        "growth of status time with runs (exponent k in n^k)",
        1.1,
        exponents[-1] if exponents else None,
        unit="",
    )


# ----------------------------------------------------------------------------- report


def targets_table(bench: Bench) -> str:
    lines = [
        "### Targets (issue 6)",
        "",
        "| target | limit | measured | result |",
        "|---|---|---|---|",
    ]
    for t in bench.targets:
        lines.append(f"| {t.name} | {t.limit} | {t.measured} | {t.verdict} |")
    return "\n".join(lines) + "\n"


def where_section(bench: Bench) -> str:
    """The slowest top-level imports of a few commands, from `python -X importtime`."""
    repo = bench.small_repo
    cases = [("--help", ["--help"], bench.work)]
    if repo:
        cases += [("log", ["log", CLAIM, "5.0"], repo), ("status", ["status"], repo)]
    cases.append(("show (catalog)", ["show", PAPER], bench.work))
    lines = [
        "### Where start-up time goes (`python -X importtime`, median of 3)",
        "",
        "Import time by package (each package's own modules), in ms.",
        "",
    ]
    for label, args, cwd in cases:
        if not sandbox.works([bench.starter, *args], cwd=cwd, env=bench.env):
            continue
        kw = {"cwd": cwd, "env": bench.env, "python": bench.python}
        top = where.top_imports(args, limit=7, by_package=True, **kw)
        total = where.total_import_ms(args, **kw)
        shown = ", ".join(f"{name} {ms:.0f}" for name, ms in top)
        lines.append(f"- `starter {label}`: {total:.0f} ms of imports; {shown}")
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="fewer runs, no 1,000,000-run log")
    ap.add_argument("--only", default=",".join(SCENARIOS), help="comma-separated scenarios")
    ap.add_argument("--runs", type=int, default=None, help="counted runs per command")
    ap.add_argument("--warmup", type=int, default=None)
    ap.add_argument("--sizes", default=None, help="log sizes for scale, e.g. 1000,100000")
    ap.add_argument("--work", type=Path, default=None, help="scratch folder (default: temp)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    args = ap.parse_args()
    chosen = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        ap.error(f"unknown scenario {unknown[0]!r}; choose from {', '.join(SCENARIOS)}")
    runs = args.runs or (5 if args.quick else 15)
    warmup = args.warmup if args.warmup is not None else (1 if args.quick else 2)
    sizes_text = args.sizes or ("1000,100000" if args.quick else "1000,100000,1000000")
    sizes = [int(s.replace("_", "")) for s in sizes_text.split(",")]

    work = args.work or Path(tempfile.mkdtemp(prefix="starter-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(work=work, env=sandbox.isolated(work), runs=runs, warmup=warmup)
    bench.starter = sandbox.tool("starter")
    print(header(bench, args.quick), flush=True)
    try:
        if {"startup", "log", "scale"} & set(chosen):
            bench.small_repo = small_repo(bench)
        steps = {
            "startup": lambda: startup(bench),
            "scaffold": lambda: scaffold(bench),
            "update": lambda: update_scenario(bench),
            "log": lambda: logging(bench),
            "metadata": lambda: metadata(bench),
            "network": lambda: network_scenario(bench),
            "scale": lambda: scale_scenario(bench, sizes),
        }
        for name in chosen:
            steps[name]()
        print(targets_table(bench), flush=True)
        bench.notes.append(f"load average at the end: {load()}")
        if bench.notes:
            print("### Notes\n")
            print("\n".join(f"- {n}" for n in bench.notes) + "\n", flush=True)
        print(where_section(bench), flush=True)
    finally:
        if args.keep or args.work:
            print(f"(scratch files kept in {work})", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    missed = [t for t in bench.targets if t.verdict == "miss"]
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
