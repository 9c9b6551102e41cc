"""`starter sweep` on this machine's cores: real runs of a tiny training command, each
recorded once as `starter run` records one, a failing run recorded as failed with its
output's tail, and a sweep interrupted half-way resumed without rerunning what finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from conftest import committed_repo

from starter.models import Claim
from starter.track.recorder import open_repo
from starter.track.results import log_path
from starter.track.sweep import collect, state, sweeper

ACC = Claim(id="acc", metric="accuracy", value=70.0, direction="higher")

# Writes acc = 70 + seed/10 (and lr when given); seed 3 fails; with a file named `hold` in
# the folder, seeds from 2 wait for it to go (at most 20 s).
TRAIN = """
import json, os, pathlib, sys, time
seed = int(os.environ["STARTER_SEED"])
print("training seed", seed, *sys.argv[1:], flush=True)
hold = pathlib.Path("hold")
deadline = time.time() + 20
while seed >= 2 and hold.exists() and time.time() < deadline:
    time.sleep(0.05)
if seed == 3:
    sys.exit("diverged at step 12")
metrics = {"acc": 70 + seed / 10}
if len(sys.argv) > 2:
    metrics["lr"] = float(sys.argv[2])
json.dump(metrics, open(os.environ["STARTER_METRICS_FILE"], "w"))
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_repo(tmp_path / "repo", (ACC,), {"train.py": TRAIN})


def records(root: Path) -> list[dict]:
    path = log_path(root)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def request(**fields) -> sweeper.Request:
    return sweeper.Request(argv=[sys.executable, "train.py"], **fields)


def test_a_local_sweep_records_every_run_once_as_starter_run_would(repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    argv = [sys.executable, "train.py", "--lr", "{lr}"]
    events: list[sweeper.Event] = []
    report = sweeper.start(
        open_repo(repo),
        sweeper.Request(argv=argv, seeds="1..4", params=["lr=0.1,0.2"], jobs=2, group="g1"),
        progress=events.append,
    )
    runs = records(repo)
    assert len(runs) == 8 and len({r["id"] for r in runs}) == 8
    assert report.counts == {"done": 6, "failed": 2}
    assert sorted(e.run.number for e in events if e.kind == "recorded") == list(range(1, 9))
    ok = next(r for r in runs if r["seed"] == 2 and r["params"] == {"lr": "0.2"})
    assert ok["metrics"] == {"acc": 70.2, "lr": 0.2}  # the value reached the command
    assert ok["command"] == f"{sys.executable} train.py --lr 0.2"
    assert ok["group"] == "g1" and ok["origin"] == "captured" and ok["failed"] is False
    assert ok["git"]["commit"] and ok["env"]["python"]  # provenance captured by the run
    assert ok["sweep"]["id"] == report.sweep.id and ok["sweep"]["executor"] == "local"
    assert list(ok)[-3:] == ["git", "env", "starter_version"] and list(ok).index("sweep") > 10
    failed = [r for r in runs if r["failed"]]
    assert {r["seed"] for r in failed} == {3}
    assert "diverged at step 12" in failed[0]["sweep"]["log_tail"]
    assert failed[0]["sweep"]["outcome"] == "exit 1"
    # the state file agrees, and says which record each run got
    saved = state.load(repo, report.sweep.id)
    assert {r.run_id for r in saved.runs} == {r["id"] for r in runs}
    assert saved.owner is None


def test_the_pool_runs_as_many_at_once_as_jobs(repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    script = repo / "stamp.py"
    script.write_text(
        "import json, os, time\nstart = time.time(); time.sleep(0.5)\n"
        "json.dump({'acc': 70, 'start': start, 'end': time.time()}, "
        "open(os.environ['STARTER_METRICS_FILE'], 'w'))\n",
        encoding="utf-8",
    )
    sweeper.start(
        open_repo(repo),
        sweeper.Request(argv=[sys.executable, "stamp.py"], seeds="1..4", jobs=2),
    )
    spans = sorted((r["metrics"]["start"], r["metrics"]["end"]) for r in records(repo))
    overlapping = max(sum(1 for s, e in spans if s <= t < e) for t, _ in spans)
    assert overlapping == 2


def test_resume_runs_only_what_an_interrupted_sweep_did_not_record(starter_proc, repo: Path):
    (repo / "hold").touch()
    proc = subprocess.Popen(
        [sys.executable, "-m", "starter", "sweep", "--seeds", "1..4", "-j", "2", "--",
         sys.executable, "train.py"],
        cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )  # fmt: skip
    try:
        deadline = time.time() + 30
        while len(records(repo)) < 1 and time.time() < deadline:
            time.sleep(0.05)
        assert len(records(repo)) == 1  # seed 1 finished; seed 2 holds the other worker
        os.killpg(proc.pid, signal.SIGINT)  # what Ctrl-C does
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "starter sweep --resume" in err and "Traceback" not in err
    (first,) = records(repo)
    assert first["seed"] == 1
    (repo / "hold").unlink()
    status = starter_proc("sweep", "--status", cwd=repo)
    assert "interrupted" in status.stdout and "1 done" in status.stdout
    resumed = starter_proc("sweep", "--resume", cwd=repo)
    assert resumed.returncode == 1  # seed 3 fails
    runs = records(repo)
    assert Counter(r["seed"] for r in runs) == {1: 1, 2: 1, 3: 1, 4: 1}
    assert runs[0] == first  # never run again
    again = starter_proc("sweep", "--resume", cwd=repo)
    assert again.returncode == 0 and len(records(repo)) == 4


def test_a_run_appended_before_a_crash_is_not_run_again(repo: Path, monkeypatch) -> None:
    monkeypatch.chdir(repo)
    report = sweeper.start(open_repo(repo), request(seeds="1,2"))
    # A crash between the append and the state's rewrite: the state still says "submitted".
    with state.locked(repo, report.sweep.id):
        saved = state.load(repo, report.sweep.id)
        saved.runs[0].state = state.SUBMITTED
        state.save(repo, saved)
    again = sweeper.resume(repo)
    assert again.recorded == [] and again.counts == {"done": 2}
    assert len(records(repo)) == 2


def test_sweep_cli_pretends_runs_and_reports_progress(starter_proc, repo: Path) -> None:
    listed = starter_proc(
        "sweep", "--seeds", "1,2", "--param", "lr=0.1,0.2", "--pretend", "--",
        "python", "train.py", "--lr", "{lr}", cwd=repo,
    )  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    assert "seed 2, lr=0.2: python train.py --lr 0.2" in listed.stdout
    assert "4 runs on local; nothing was run" in listed.stdout
    assert records(repo) == [] and not state.sweeps_dir(repo).exists()
    done = starter_proc("sweep", "--seeds", "1..3", "--", sys.executable, "train.py", cwd=repo)
    assert done.returncode == 1  # one run failed
    assert "seed 3: failed (exit 1)" in done.stdout and "| diverged at step 12" in done.stdout
    assert "3 runs: 2 done, 1 failed" in done.stdout
    status = starter_proc("sweep", "--status", "--json", cwd=repo)
    data = json.loads(status.stdout)
    assert [r["where"] for r in data["runs"]] == ["done", "done", "failed"]


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--seeds", "1..3"], 1, "give the training command after --"),
        (["--seeds", "5..1", "--", "python", "t.py"], 1, "counts down"),
        (["--executor", "grid", "--", "python", "t.py"], 1, "--executor 'grid'"),
        (["--seeds", "1", "--", "no-such-command-for-starter"], 127, "command not found"),
        (["--status"], 4, "no sweep in this repository yet"),
        (["--resume", "--", "python", "t.py"], 1, "take no command"),
        (["--seeds", "1", "--partition", "gpu", "--", "python", "t.py"], 1, "another executor"),
        (["--seeds", "1", "--runs", "2", "--", "python", "t.py"], 1, "not both"),
    ],
)
def test_sweep_errors_are_one_line_and_run_nothing(
    cli, repo: Path, args: list[str], code: int, message: str
) -> None:
    result = cli("sweep", *args, cwd=repo)
    assert result.exit_code == code, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("starter: error:")]
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert records(repo) == []


def test_a_missing_engine_says_which_extra_to_install(cli, repo: Path, monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "submitit", None)  # as if it were not installed
    result = cli("sweep", "--executor", "slurm", "--seeds", "1", "--", "python", "t.py", cwd=repo)
    assert result.exit_code == 6
    assert "pip install 'starter[slurm]'" in result.stderr


def test_runs_sharing_a_folder_at_once_do_not_read_what_a_framework_wrote(
    repo: Path, monkeypatch
) -> None:
    monkeypatch.chdir(repo)
    (repo / "quiet.py").write_text("print('no metrics')\n", encoding="utf-8")
    report = sweeper.start(
        open_repo(repo), sweeper.Request(argv=[sys.executable, "quiet.py"], seeds="1,2", jobs=2)
    )
    assert state.runs_overlap(report.sweep)
    assert all(collect.NOT_DETECTED in item.warnings for item in report.recorded)
    one_at_a_time = sweeper.start(
        open_repo(repo), sweeper.Request(argv=[sys.executable, "quiet.py"], seeds="3,4", jobs=1)
    )
    assert not state.runs_overlap(one_at_a_time.sweep)
    assert all(collect.NOT_DETECTED not in item.warnings for item in one_at_a_time.recorded)
