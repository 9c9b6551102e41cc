"""Nothing is lost when the results log cannot be written or `starter run` is stopped: the
metrics of a finished run survive in a recovery file, an append is a whole line or nothing,
and a signal reaches the training process, whose run is recorded as interrupted."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import committed_repo

from starter.models import Claim
from starter.track.results import log_path, read_runs

TOP1 = Claim(
    id="top1", metric="top-1 accuracy", value=76.2, value_text="76.2", unit="%",
    direction="higher", central=True,
)  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_repo(tmp_path / "repo", (TOP1,))


def error_lines(stderr: str) -> list[str]:
    assert "Traceback" not in stderr, stderr
    return [line for line in stderr.splitlines() if line.startswith("starter: error:")]


# A file-size limit makes every write past it fail (EFBIG) as a full disk does (ENOSPC):
# the bytes before the limit are written, the rest is refused. Python ignores SIGXFSZ.
LIMITED = textwrap.dedent(
    """
    import resource, sys
    limit = int(sys.argv[1])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
    sys.argv = ["starter", *sys.argv[2:]]
    from starter.cli import main
    main()
    """
)


def limited_starter(limit: int, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", LIMITED, str(limit), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _seed_log(repo: Path, cli) -> int:
    assert cli("log", "top1", "76.0", "-C", repo).exit_code == 0
    return log_path(repo).stat().st_size


# ----------------------------------------------------------------------------- point 4


def test_a_failed_append_leaves_no_partial_line(cli, repo: Path) -> None:
    size = _seed_log(repo, cli)
    before = log_path(repo).read_bytes()
    done = limited_starter(size + 5, "log", "top1", "75.9", cwd=repo)
    assert done.returncode == 6
    (line,) = error_lines(done.stderr)
    assert "results log" in line and "nothing was written" in line
    assert log_path(repo).read_bytes() == before  # not even `{"sch`
    status = cli("status", "-C", repo)
    assert "line 2" not in status.stderr and "not valid JSON" not in status.stderr


# ----------------------------------------------------------------------------- point 3

TRAIN = 'import json, os; json.dump({"top1": 75.5}, open(os.environ["STARTER_METRICS_FILE"], "w"))'


def test_run_keeps_the_metrics_when_the_log_cannot_be_written(cli, repo: Path) -> None:
    size = _seed_log(repo, cli)
    done = limited_starter(
        size + 5, "run", "--seed", "3", "--", sys.executable, "-c", TRAIN, cwd=repo
    )
    assert done.returncode == 6
    (line,) = error_lines(done.stderr)
    assert "top1 = 75.5" in line  # printed, whatever else fails
    recovery = Path(line.split("kept in ", 1)[1].split(";", 1)[0].split(" ", 1)[0])
    assert recovery.is_file()
    assert json.loads(recovery.read_text()) == {"top1": 75.5, "seed": 3}
    assert "starter log --from" in line
    # Later, with room again, the file records the run.
    assert cli("log", "--from", recovery, "-C", repo).exit_code == 0
    runs, problems = read_runs(repo)
    assert problems == []
    assert [(r.metrics, r.seed) for r in runs][-1] == ({"top1": 75.5}, 3)


def test_run_keeps_the_metrics_when_the_results_folder_is_unusable(cli, repo: Path) -> None:
    (repo / "results").write_text("not a folder")  # mkdir results/ fails
    code = TRAIN.replace("75.5", "75.25")
    result = cli("run", "--", sys.executable, "-c", code, "-C", repo, cwd=repo)
    assert result.exit_code == 6
    (line,) = error_lines(result.stderr)
    recovery = Path(line.split("kept in ", 1)[1].split(";", 1)[0].split(" ", 1)[0])
    assert json.loads(recovery.read_text()) == {"top1": 75.25}
    assert "top1 = 75.25" in line


# ----------------------------------------------------------------------------- point 5

CHILD = textwrap.dedent(
    """
    import json, os, signal, sys, time
    def stop(signum, frame):
        with open(sys.argv[1] + ".got", "w") as f:
            f.write(signal.Signals(signum).name)
        json.dump({"top1": 70.0}, open(os.environ["STARTER_METRICS_FILE"], "w"))
        sys.exit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(sys.argv[1], "w") as f:
        f.write(str(os.getpid()))
    time.sleep(60)
    """
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_reaches_the_training_and_the_run_is_recorded_as_interrupted(
    repo: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    pid_file = tmp_path / "child.pid"
    proc = subprocess.Popen(
        [sys.executable, "-m", "starter", "run", "--", sys.executable, "-c", CHILD, str(pid_file)],
        cwd=repo,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # No controlling terminal, as under a scheduler: a terminal's Ctrl-C would reach
        # the child itself, and starter then does not send a second SIGINT.
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not pid_file.exists() or not pid_file.read_text():
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    child = int(pid_file.read_text())
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + sig
    assert (tmp_path / "child.pid.got").read_text() == sig.name  # forwarded
    assert not _alive(child)  # no orphan
    assert "Traceback" not in err
    assert f"interrupted by {sig.name}" in err
    (record,) = [json.loads(line) for line in log_path(repo).read_text().splitlines()]
    assert record["failed"] is True and record["interrupted"] == sig.name
    assert record["metrics"] == {"top1": 70.0}
    keys = list(record)
    assert keys.index("seed") < keys.index("interrupted") < keys.index("git")
    assert keys[-1] == "starter_version"


# ----------------------------------------------------------------------------- point 16


def test_the_tests_use_a_private_temporary_folder(tmp_path_factory) -> None:
    import tempfile

    base = Path(tmp_path_factory.getbasetemp()).resolve()
    assert base in Path(tempfile.gettempdir()).resolve().parents
    assert Path(os.environ["TMPDIR"]).resolve() == Path(tempfile.gettempdir()).resolve()


def test_run_leaves_no_scratch_folder_behind(cli, repo: Path) -> None:
    import tempfile

    scratch = Path(tempfile.gettempdir())
    assert cli("run", "--", sys.executable, "-c", TRAIN, "-C", repo, cwd=repo).exit_code == 0
    assert cli("run", "--", sys.executable, "-c", "raise SystemExit(3)", cwd=repo).exit_code == 3
    assert not list(scratch.glob("starter-run-*"))
