"""`starter new --force` never deletes a history, a results log or a file the template does not
write; and a git identity given only through git's own variables is enough."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from starter.errors import ConflictError
from starter.papers import catalog
from starter.scaffold import create as scaffold


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("starter: error: ")
    return lines[0]


def _repository_with_runs(cli, tmp_path: Path, runs: int = 12) -> Path:
    assert cli("new", "lecun1989", "--offline", cwd=tmp_path).exit_code == 0
    repo = tmp_path / "lecun1989"
    for seed in range(runs):
        assert cli("log", "test-error", "5.1", "--seed", str(seed), cwd=repo).exit_code == 0
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "runs"], cwd=repo, check=True)
    return repo


def test_force_refuses_an_existing_repository_and_keeps_its_runs_and_history(cli, tmp_path: Path):
    repo = _repository_with_runs(cli, tmp_path)
    log = (repo / "results" / "runs.jsonl").read_bytes()
    head = git(repo, "rev-parse", "HEAD")
    result = cli("new", "lecun1989", "--force", "--offline", cwd=tmp_path)
    assert result.exit_code == 7
    line = error_line(result)
    assert "git history" in line and "results log" in line and "12 runs" in line
    assert "starter new lecun1989 OTHER_DIR" in line
    assert (repo / "results" / "runs.jsonl").read_bytes() == log
    assert git(repo, "rev-parse", "HEAD") == head


def test_the_conflict_message_never_suggests_force_into_a_repository(cli, tmp_path: Path):
    repo = _repository_with_runs(cli, tmp_path, runs=1)
    result = cli("new", "lecun1989", "--offline", cwd=tmp_path)
    assert result.exit_code == 7
    assert "--force" not in result.stderr
    assert "1 run" in error_line(result)
    assert (repo / ".git").is_dir()


@pytest.mark.parametrize("what", [".git", "results/runs.jsonl"])
def test_either_a_history_or_a_results_log_alone_is_refused(tmp_path: Path, what: str):
    target = tmp_path / "repo"
    (target / what).parent.mkdir(parents=True, exist_ok=True)
    if what == ".git":
        subprocess.run(["git", "init", "-q", str(target)], check=True)
    else:
        (target / what).write_text(json.dumps({"schema": 1, "type": "run"}) + "\n")
    before = sorted(str(p.relative_to(target)) for p in target.rglob("*"))
    with pytest.raises(ConflictError, match="starter never replaces"):
        scaffold.create(catalog.get("lenet5"), target, force=True)
    assert sorted(str(p.relative_to(target)) for p in target.rglob("*")) == before


def test_force_writes_only_the_templates_files_and_keeps_the_others(tmp_path: Path):
    target = tmp_path / "repo"
    (target / "data").mkdir(parents=True)
    (target / "data" / "mnist.npz").write_bytes(b"precious")
    (target / "notes.txt").write_text("mine")
    (target / "README.md").write_text("my old readme")
    result = scaffold.create(catalog.get("lenet5"), target, force=True)
    assert (target / "data" / "mnist.npz").read_bytes() == b"precious"
    assert (target / "notes.txt").read_text() == "mine"
    assert (target / "README.md").read_text() != "my old readme"  # the template writes it
    assert (target / "paper.toml").is_file()
    # The first commit holds exactly the template's files; the user's stay untracked.
    tracked = set(git(target, "ls-files").splitlines())
    assert "notes.txt" not in tracked and "data/mnist.npz" not in tracked
    assert set(result.files) == tracked
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]  # no temporary folder left


def test_force_keeps_everything_when_a_folder_stands_where_a_file_goes(tmp_path: Path):
    target = tmp_path / "repo"
    (target / "README.md").mkdir(parents=True)
    (target / "README.md" / "inside.txt").write_text("mine")
    (target / "LICENSE").write_text("my licence")
    with pytest.raises(ConflictError, match=r"README\.md"):
        scaffold.create(catalog.get("lenet5"), target, git=False, force=True)
    assert (target / "README.md" / "inside.txt").read_text() == "mine"
    assert (target / "LICENSE").read_text() == "my licence"
    assert sorted(p.name for p in target.iterdir()) == ["LICENSE", "README.md"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo"]


def test_identity_from_git_environment_variables_is_accepted(tmp_path: Path, monkeypatch):
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_AUTHOR_NAME", "Grace Hopper")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "grace@example.org")
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Grace Hopper")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "grace@example.org")
    result = scaffold.create(catalog.get("lenet5"), tmp_path / "repo")
    assert result.author == "Grace Hopper" and result.email == "grace@example.org"
    assert git(tmp_path / "repo", "log", "-1", "--format=%an <%ae>") == (
        "Grace Hopper <grace@example.org>"
    )


def test_committer_variables_alone_are_enough(tmp_path: Path, monkeypatch):
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("GIT_COMMITTER_NAME", "Grace Hopper")
    monkeypatch.setenv("GIT_COMMITTER_EMAIL", "grace@example.org")
    assert os.environ.get("GIT_AUTHOR_NAME") is None
    result = scaffold.create(catalog.get("lenet5"), tmp_path / "repo")
    assert result.author == "Grace Hopper"
