"""End to end: `starter new` gives repositories that install, pass their own tests and train.

Each repository is installed (editable, as its README says) into a throwaway virtual
environment that sees this environment's packages (numpy, pytest, torch, setuptools)
through a .pth file, so nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

# Read before the autouse fixture clears STARTER_* from the environment.
REQUIRE_TORCH = os.environ.get("STARTER_REQUIRE_TORCH") == "1"

pytestmark = pytest.mark.slow


def make_venv(folder: Path) -> Path:
    """A virtual environment without pip of its own, seeing this one's site-packages."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True)
    python = folder / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "_parent_env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{args} failed:\n{proc.stdout}\n{proc.stderr}"
    return proc.stdout


def check_generated_repo(starter_proc, tmp_path: Path, key: str, template: str) -> None:
    created = starter_proc("new", key, "--template", template, "--offline", "--json", cwd=tmp_path)
    assert created.returncode == 0, created.stderr
    info = json.loads(created.stdout)
    repo, package, project = Path(info["path"]), info["package"], info["project"]

    assert run("git", "rev-list", "--count", "HEAD", cwd=repo).strip() == "1"
    assert run("git", "status", "--porcelain", cwd=repo) == ""

    python = make_venv(tmp_path / "venv")
    run(
        python,
        "-m",
        "pip",
        "install",
        "-q",
        "--no-deps",
        "--no-build-isolation",
        "-e",
        ".",
        cwd=repo,
    )
    report = run(python, "-m", "pytest", "-q", cwd=repo)
    assert " passed" in report and "failed" not in report
    if template == "default":  # mypy --strict, as the repository's CI runs it (a few
        # seconds; over PyTorch it takes over half a minute, so the pytorch one is left out)
        run(python, "-m", "mypy", cwd=repo)

    metrics_file = tmp_path / "metrics.json"
    train_args = ["--epochs", "2"] + (["--device", "cpu"] if template == "pytorch" else [])
    run(
        tmp_path / "venv" / "bin" / f"{project}-train",
        *train_args,
        cwd=repo,
        env={"STARTER_METRICS_FILE": str(metrics_file)},
    )
    metrics = json.loads(metrics_file.read_text())
    assert metrics and all(isinstance(v, float) for v in metrics.values())
    # Synthetic data must not pose as a result for the paper's claims.
    claim_ids = {c["id"] for c in json.loads(starter_proc("show", key, "--json").stdout)["claims"]}
    assert not claim_ids & set(metrics)
    if template == "default":  # the pytorch repository's own tests run its evaluate
        run(python, "-m", f"{package}.evaluate", cwd=repo)

    # The task runner's sessions are there (nox itself is not a test dependency: its
    # sessions run the commands above).
    noxfile = (repo / "noxfile.py").read_text()
    for session in ("lint", "tests", "data", "train", "evaluate", "report"):
        assert f"def {session}(session: nox.Session)" in noxfile
    # Installing, testing and training leave the working tree clean: .gitignore covers
    # egg-info, caches and checkpoints.
    assert run("git", "status", "--porcelain", cwd=repo) == ""


def test_default_template_repository_installs_passes_its_tests_and_trains(starter_proc, tmp_path):
    check_generated_repo(starter_proc, tmp_path, "lecun1989", "default")


def test_pytorch_template_repository_installs_passes_its_tests_and_trains(starter_proc, tmp_path):
    if importlib.util.find_spec("torch") is None:
        if REQUIRE_TORCH:
            pytest.fail("STARTER_REQUIRE_TORCH=1 but torch is not installed (pip install torch)")
        pytest.skip("torch is not installed; set STARTER_REQUIRE_TORCH=1 to make this a failure")
    check_generated_repo(starter_proc, tmp_path, "lenet5", "pytorch")
