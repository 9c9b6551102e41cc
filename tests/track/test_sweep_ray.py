"""`starter sweep --executor ray` through Ray's task API, on a real Ray started by the sweep
on this machine: results come back through Ray's object store. (A cluster reached with
--address also gets the repository and starter in its runtime env, checked below; a
`ray start --head` costs ~7 s to start and ~20 s to stop, too slow for the suite.)"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from starter.models import Claim, Paper
from starter.papers.card_write import write_card
from starter.track.recorder import open_repo
from starter.track.results import log_path
from starter.track.sweep import ray_tasks, sweeper

ray = pytest.importorskip("ray")

ACC = Claim(id="acc", metric="accuracy", value=70.0, direction="higher")
TRAIN = """
import json, os, sys
seed = int(os.environ["STARTER_SEED"])
print("training seed", seed, "in", os.path.basename(os.getcwd()), flush=True)
if seed == 2:
    sys.exit("exploded")
json.dump({"acc": 70 + seed / 10}, open(os.environ["STARTER_METRICS_FILE"], "w"))
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    write_card(root / "paper.toml", Paper(key="demo", title="Demo", claims=(ACC,)))
    (root / "train.py").write_text(TRAIN, encoding="utf-8")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "start"]):
        subprocess.run(["git", *args], cwd=root, capture_output=True, check=True)
    monkeypatch.chdir(root)
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")  # no token written for a test cluster
    # Ray then binds its servers to the loopback address, not the machine's own.
    monkeypatch.setenv("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
    return root


def records(root: Path) -> list[dict]:
    return [json.loads(line) for line in log_path(root).read_text().splitlines()]


def check_sweep(root: Path, report: sweeper.SweepReport) -> None:
    runs = sorted(records(root), key=lambda r: r["seed"])
    assert [r["seed"] for r in runs] == [1, 2, 3] and len({r["id"] for r in runs}) == 3
    assert report.counts == {"done": 2, "failed": 1}
    ok, bad, _ = runs
    assert ok["metrics"] == {"acc": 70.1} and ok["sweep"]["executor"] == "ray"
    assert ok["sweep"]["job"] == report.sweep.runs[0].job  # the Ray task id
    assert ok["git"]["commit"]  # the node's own repository, or the submitted state
    assert bad["failed"] and "exploded" in bad["sweep"]["log_tail"]


@pytest.mark.slow  # ~6 s: Ray starts its own servers and stops them
def test_a_sweep_on_a_ray_started_here(repo: Path) -> None:
    report = sweeper.start(
        open_repo(repo),
        sweeper.Request(argv=[sys.executable, "train.py"], seeds="1..3", executor="ray"),
    )
    check_sweep(repo, report)


def test_a_remote_cluster_gets_the_repository_without_git_and_starter_itself(
    tmp_path: Path,
) -> None:
    import starter

    env = ray_tasks.runtime_env(tmp_path, "ray://head:10001")
    assert env is not None and env["working_dir"] == str(tmp_path)
    assert ".git" in env["excludes"] and "results/sweeps" in env["excludes"]
    assert env["py_modules"] == [str(Path(starter.__file__).parent)]
    assert ray_tasks.runtime_env(tmp_path, None) is None
