"""`starter sweep --executor slurm` through submitit, on submitit's own local executor
(`cluster = "local"`: real job processes, result pickles and logs, no cluster): submission
returns at once, `--status` records the jobs as they end (each once, whoever looks), a
cancelled job is recorded as failed with its log's tail, and `--resume` submits only what
was never submitted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from starter.models import Claim, Paper
from starter.papers.card_write import write_card
from starter.track.recorder import open_repo
from starter.track.results import log_path
from starter.track.sweep import state, sweeper

pytest.importorskip("submitit")

ACC = Claim(id="acc", metric="accuracy", value=70.0, direction="higher")
# seed 2 fails; seed 3 waits (at most 30 s) while a file named `hold` exists.
TRAIN = """
import json, os, pathlib, sys, time
seed = int(os.environ["STARTER_SEED"])
print("training seed", seed, flush=True)
deadline = time.time() + 30
while seed == 3 and pathlib.Path("hold").exists() and time.time() < deadline:
    time.sleep(0.05)
if seed == 2:
    sys.exit("loss is nan")
json.dump({"acc": 70 + seed / 10}, open(os.environ["STARTER_METRICS_FILE"], "w"))
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    write_card(root / "paper.toml", Paper(key="demo", title="Demo", claims=(ACC,)))
    with open(root / "paper.toml", "a", encoding="utf-8") as card:
        card.write('\n[sweep.slurm]\ncluster = "local"\n')
    (root / "train.py").write_text(TRAIN, encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)
    monkeypatch.chdir(root)
    yield root
    (root / "hold").unlink(missing_ok=True)  # lets a held job end


def records(root: Path) -> list[dict]:
    path = log_path(root)
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def settle(root: Path, sweep_id: str, count: int, timeout: float = 60) -> sweeper.SweepReport:
    """Look at the sweep (as `--status` does) until `count` runs are recorded."""
    deadline = time.time() + timeout
    while True:
        report = sweeper.status(root, sweep_id)
        recorded = sum(1 for r in report.sweep.runs if r.state in state.RECORDED)
        if recorded >= count or time.time() > deadline:
            return report
        time.sleep(0.2)


def test_jobs_are_submitted_and_recorded_as_they_end_even_cancelled_ones(
    repo: Path, starter_proc
) -> None:
    (repo / "hold").touch()
    report = sweeper.start(
        open_repo(repo),
        sweeper.Request(argv=[sys.executable, "train.py"], seeds="1..3", executor="slurm"),
    )
    # returns after submission (seed 3 holds), every run with its job id
    assert all(r.state != state.PLANNED and r.job for r in report.sweep.runs)
    assert report.open and report.live[3] in ("queued", "running")
    report = settle(repo, report.sweep.id, 2)
    by_seed = {r.seed: r for r in report.sweep.runs}
    assert (by_seed[1].state, by_seed[2].state) == ("done", "failed")
    assert report.live == {3: "running"}
    # cancel seed 3 once its command runs (submitit's own cancel of a local job), then look
    # twice at once
    out = state.work_dir(repo, report.sweep.id) / "submitit" / f"{by_seed[3].job}_0_log.out"
    deadline = time.time() + 30
    while "training seed 3" not in (out.read_text() if out.exists() else ""):
        assert time.time() < deadline, "seed 3 never started"
        time.sleep(0.1)
    os.kill(int(by_seed[3].job or 0), signal.SIGINT)
    looks = [
        subprocess.Popen([sys.executable, "-m", "starter", "sweep", "--status"], cwd=repo,
                         stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    for look in looks:
        look.communicate(timeout=60)
    report = settle(repo, report.sweep.id, 3)
    runs = records(repo)
    assert sorted(r["seed"] for r in runs) == [1, 2, 3]  # each job recorded once
    jobs = {r["seed"]: r["sweep"]["job"] for r in runs}
    assert jobs == {r.seed: r.job for r in report.sweep.runs}  # job ids with each run
    ok, nan, cancelled = sorted(runs, key=lambda r: r["seed"])
    assert ok["metrics"] == {"acc": 70.1} and ok["env"]["python"] and ok["git"]["commit"]
    assert nan["failed"] and "loss is nan" in nan["sweep"]["log_tail"]
    assert cancelled["failed"] and cancelled["metrics"] == {}
    # the job's `starter run` passed the SIGINT on to the training and recorded it (issue 10)
    assert cancelled["sweep"]["outcome"] == "interrupted by SIGINT"
    assert cancelled["interrupted"] == "SIGINT"
    assert "training seed 3" in cancelled["sweep"]["log_tail"]
    shown = starter_proc("sweep", "--status", cwd=repo).stdout
    assert "failed (interrupted by SIGINT" in shown and "1 done, 2 failed" in shown


def test_resume_submits_only_runs_never_submitted_and_waits(repo: Path) -> None:
    report = sweeper.start(
        open_repo(repo),
        sweeper.Request(
            argv=[sys.executable, "train.py"], seeds="1,4", executor="slurm", wait=True
        ),
    )
    assert report.counts == {"done": 2} and len(records(repo)) == 2
    # a sweep stopped between planning and submission: one more run, never submitted
    with state.locked(repo, report.sweep.id):
        saved = state.load(repo, report.sweep.id)
        saved.runs.append(state.RunState(3, 5, {}, [sys.executable, "train.py"], "feedc0ffee00"))
        state.save(repo, saved)
    resumed = sweeper.resume(repo, wait=True)
    assert [item.record["id"] for item in resumed.recorded] == ["feedc0ffee00"]
    assert [r["seed"] for r in records(repo)] == [1, 4, 5]
    assert resumed.counts == {"done": 3}
    assert sweeper.resume(repo, wait=True).recorded == []
