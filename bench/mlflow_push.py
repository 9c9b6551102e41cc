"""`starter push mlflow` and `starter pull mlflow` of 1,000 runs against a real MLflow
server, beside MLflow's own client logging the same runs, interleaved, printing Markdown.

usage: python bench/mlflow_push.py [--runs-in-log 1000] [--rounds 3] [--work DIR] [--keep]

Starts `mlflow server` (SQLite backend store in the scratch folder, loopback port), makes a
repository whose results log holds N runs (two claims, three params, a seed, the provenance
`starter log` captures), and times as whole processes, each round on fresh experiments:
  starter push        every run to a new experiment (create, log-batch, update per run)
  starter push again  the same experiment: nothing to send (one search)
  mlflow client       MlflowClient: create_run, log_batch, set_terminated per run
  mlflow fluent       mlflow.start_run / log_params / log_metrics / set_tags per run
  starter pull        the N runs into an empty repository
Needs mlflow (`pip install -e '.[bench]'`); the server takes about 15 s to start.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from sandbox import isolated  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(work: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = free_port()
    uri = f"http://127.0.0.1:{port}"
    log = open(work / "mlflow-server.log", "wb")  # noqa: SIM115 -- lives as long as the server
    server = subprocess.Popen(
        [sys.executable, "-m", "mlflow", "server", "--backend-store-uri",
         f"sqlite:///{work / 'mlflow.db'}", "--default-artifact-root", str(work / "artifacts"),
         "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{uri}/health", timeout=2):
                return server, uri
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.25)
    server.kill()
    raise SystemExit(f"mlflow server did not start; see {work / 'mlflow-server.log'}")


def make_repo(work: Path, env: dict[str, str], n: int) -> Path:
    """A repository whose log holds n runs shaped like the line `starter log` writes."""
    repo = work / "repo"
    subprocess.run(["starter", "new", "lecun1989", str(repo), "--offline"], env=env,
                   check=True, capture_output=True)  # fmt: skip
    subprocess.run(["starter", "log", "test-error", "5.2", "--seed", "1", "--param", "lr=0.1"],
                   cwd=repo, env=env, check=True, capture_output=True)  # fmt: skip
    log = repo / "results" / "runs.jsonl"
    model = json.loads(log.read_text(encoding="utf-8").splitlines()[0])
    lines = []
    for i in range(n):
        record = dict(model)
        record.update(
            id=os.urandom(6).hex(),
            time=f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
            metrics={"test-error": 5.0 + (i % 37) / 100, "train-error": 0.1 + (i % 11) / 100},
            seed=i,
            params={"lr": "0.1", "batch": "64", "epochs": str(20 + i % 3)},
            duration=60.0 + i % 7,
        )
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    log.write_text("".join(lines), encoding="utf-8")
    return repo


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr[-2000:]}")
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs-in-log", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work", type=Path, default=None)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="starter-bench-mlflow-"))
    work.mkdir(parents=True, exist_ok=True)
    env = isolated(work)
    server, uri = start_server(work, env)
    times: dict[str, list[float]] = {}
    try:
        repo = make_repo(work, env, args.runs_in_log)
        log = repo / "results" / "runs.jsonl"
        anchor = [sys.executable, str(HERE / "mlflow_client_log.py"), str(log), uri]
        starter = ["starter"]
        for r in range(args.rounds):
            steps = {
                "starter push": [*starter, "push", "mlflow", "--tracking-uri", uri,
                                 "--experiment", f"starter-{r}"],
                "starter push again (nothing new)": [*starter, "push", "mlflow",
                                                     "--tracking-uri", uri,
                                                     "--experiment", f"starter-{r}"],
                "mlflow client (create_run, log_batch, set_terminated)":
                    [*anchor, f"client-{r}", "client"],
                "mlflow fluent (start_run, log_params, log_metrics, set_tags)":
                    [*anchor, f"fluent-{r}", "fluent"],
            }  # fmt: skip
            for label, argv in steps.items():
                times.setdefault(label, []).append(timed(argv, repo, env))
            empty = work / f"empty-{r}"
            shutil.copytree(repo, empty, ignore=shutil.ignore_patterns("runs.jsonl", ".git"))
            pull = [*starter, "pull", "mlflow", "--tracking-uri", uri, "--experiment",
                    f"starter-{r}"]  # fmt: skip
            times.setdefault("starter pull", []).append(timed(pull, empty, env))
            pulled = (empty / "results" / "runs.jsonl").read_text(encoding="utf-8")
            assert pulled.count("\n") == args.runs_in_log, "pull lost or doubled runs"
    finally:
        server.terminate()
        server.wait(timeout=30)
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    ref = statistics.median(times["starter push"])
    n = args.runs_in_log
    print(f"### MLflow: {n:,} runs, {args.rounds} rounds, medians (SQLite backend store)\n")
    print("| what | median | min-max | per run | ratio to starter push |")
    print("|---|---|---|---|---|")
    for label, values in times.items():
        med = statistics.median(values)
        print(f"| {label} | {med:.2f} s | {min(values):.2f}-{max(values):.2f} s | "
              f"{med / n * 1000:.1f} ms | {med / ref:.2f}x |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
