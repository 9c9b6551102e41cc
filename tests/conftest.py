"""Test isolation: no test sees the user's home, git config, starter config or cache."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True)


def committed_repo(root: Path, claims: tuple, files: dict[str, str] | None = None) -> Path:
    """A reimplementation repository at `root`: a card with `claims`, `files` beside it, and
    one commit of all of it (so runs logged there are clean)."""
    from starter.models import Paper
    from starter.papers.card_write import write_card

    root.mkdir()
    write_card(root / "paper.toml", Paper(key="demo", title="Demo", claims=tuple(claims)))
    for name, text in (files or {}).items():
        (root / name).write_text(text, encoding="utf-8")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start")
    return root


DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    return isolate(monkeypatch, tmp_path_factory)


def isolate(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home, git identity, config, cache and temporary folder of the test's own; a fixture
    wider than one test (which runs before the autouse one) calls it in its own
    `pytest.MonkeyPatch.context()`."""
    home = tmp_path_factory.mktemp("home")
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Ada Tester\n\temail = ada@example.org\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    for name in list(os.environ):
        if name.startswith(("STARTER_", "GIT_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("STARTER_CONFIG_DIR", str(home / ".config" / "starter"))
    monkeypatch.setenv("STARTER_CACHE_DIR", str(home / ".cache" / "starter"))
    # Temporary files (starter run's scratch folder, a kept metrics file) stay under pytest's
    # own folder, in this process and in the processes it starts: nothing is left in /tmp.
    scratch = tmp_path_factory.mktemp("tmp")
    monkeypatch.setenv("TMPDIR", str(scratch))
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("COLUMNS", "120")
    monkeypatch.setenv("NO_COLOR", "1")
    # settings() caches the config file; each test starts from its own.
    from starter import config

    config._file_values.cache_clear()
    return home


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli():
    """Run starter in-process: cli("show", "lenet5") -> Result(exit_code, stdout, stderr)."""
    from typer.testing import CliRunner

    from starter.cli import app

    def run(*args: str, input: str | None = None, cwd: Path | None = None) -> Result:
        runner = CliRunner()
        old = Path.cwd()
        if cwd is not None:
            os.chdir(cwd)
        try:
            result = runner.invoke(
                app,
                [str(a) for a in args],
                input=input,
                catch_exceptions=False,
                prog_name="starter",
            )
        finally:
            os.chdir(old)
        return Result(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def starter_proc():
    """Run starter as a real process (python -m starter), for end-to-end checks."""

    def run(
        *args: str,
        cwd: Path | None = None,
        env: dict[str, str] | None = None,
        input: str | None = None,
        timeout: float = 120,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "starter", *map(str, args)],
            cwd=cwd,
            env={**os.environ, **(env or {})},
            input=input,
            text=True,
            capture_output=True,
            timeout=timeout,
        )

    return run


# The loopback server standing in for the metadata services (fixture `services`), and a
# real MLflow tracking server (fixtures `mlflow_server`, `mlflow_postgres_server`).
pytest_plugins = ["httpserver", "mlflowserver"]
