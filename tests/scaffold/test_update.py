"""`starter update`: a repository made by an earlier version of its template gets the
template's later changes, keeping the user's, with git's conflict markers where both
changed the same lines."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starter.errors import ConflictError, NotFoundError
from starter.papers import catalog
from starter.resources import templates_dir
from starter.scaffold import create as scaffold
from starter.scaffold import record, templating
from starter.scaffold.update import update

VENV_LINE = "python -m venv --upgrade-deps .venv && . .venv/bin/activate"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout


def previous_version(tmp_path: Path) -> Path:
    """The built-in default template as it was one version ago: no docs/notes.md, shorter
    lines, another venv command, another CONTRIBUTING and results/README.md."""
    old = tmp_path / "default-v1"
    shutil.copytree(templates_dir() / "project" / "default", old)
    (old / "docs" / "notes.md.jinja").unlink()
    edit(old / "pyproject.toml.jinja", "line-length = 100", "line-length = 88")
    edit(old / "README.md.jinja", VENV_LINE, "python -m venv .venv && . .venv/bin/activate")
    edit(old / "CONTRIBUTING.md.jinja", "# Contributing", "# How to contribute")
    edit(old / "results" / "README.md.jinja", "# results/", "# Results")
    (old / "OLD.md").write_text("Dropped in the next version.\n")
    (old / "OLD-EDITED.md").write_text("Dropped in the next version.\n")
    return old


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository made from the previous version, then edited and committed by its user."""
    made = scaffold.create(
        catalog.get("lecun1989"), tmp_path / "repo", template=str(previous_version(tmp_path))
    ).path
    edit(made / "README.md", "python -m venv .venv && . .venv/bin/activate", "uv venv")
    edit(made / "src/lecun1989/train.py", "lr: float = 0.5", "lr: float = 0.25")
    edit(made / "OLD-EDITED.md", "Dropped", "Kept by me, dropped")
    (made / "CONTRIBUTING.md").unlink()
    (made / "results" / "runs.jsonl").write_text('{"schema": 1}\n')
    git(made, "add", "-A")
    git(made, "commit", "-qm", "My edits")
    return made


def actions(result) -> dict[str, str]:
    return {c.path: c.action for c in result.changes}


def test_update_keeps_user_edits_brings_template_changes_and_marks_the_conflict(repo: Path):
    card = (repo / "paper.toml").read_bytes()
    result = update(repo, template="default")

    assert actions(result) == {
        "OLD.md": "removed",
        "OLD-EDITED.md": "kept",
        "CONTRIBUTING.md": "deleted",
        "README.md": "conflict",
        "docs/notes.md": "added",
        "pyproject.toml": "updated",
    }
    assert result.conflicts == ["README.md"]
    readme = (repo / "README.md").read_text()
    assert "<<<<<<< yours\nuv venv\n=======\n" + VENV_LINE + "\n>>>>>>> template default" in readme
    assert readme.count("<<<<<<<") == 1
    assert "lr: float = 0.25" in (repo / "src/lecun1989/train.py").read_text()  # kept
    assert "line-length = 100" in (repo / "pyproject.toml").read_text()
    assert (repo / "docs/notes.md").is_file()
    assert not (repo / "OLD.md").exists() and (repo / "OLD-EDITED.md").exists()
    assert not (repo / "CONTRIBUTING.md").exists()  # deleted by the user: stays deleted
    # paper.toml and results/ are never touched, whatever the template did to them.
    assert (repo / "paper.toml").read_bytes() == card
    assert (repo / "results/README.md").read_text().startswith("# Results")
    assert (repo / "results/runs.jsonl").read_text() == '{"schema": 1}\n'
    # The record now names the current template, so the next update starts from here.
    now = record.load_record(repo)
    assert (now.template, now.hash) == (
        "default",
        templating.content_hash(templating.find_template("default")),
    )
    assert record.load_base(repo).files["README.md"].text.count(VENV_LINE) == 1


def test_a_second_update_finds_nothing_to_do(repo: Path):
    update(repo, template="default")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "Update the template")
    again = update(repo)
    assert again.changes == () and again.up_to_date
    assert git(repo, "status", "--porcelain") == ""


def test_pretend_says_what_would_change_and_writes_nothing(repo: Path):
    before = {p: p.stat().st_mtime_ns for p in repo.rglob("*") if ".git" not in p.parts}
    result = update(repo, template="default", pretend=True)
    assert result.pretend and actions(result)["README.md"] == "conflict"
    assert git(repo, "status", "--porcelain") == ""
    assert before == {p: p.stat().st_mtime_ns for p in repo.rglob("*") if ".git" not in p.parts}


def test_edits_on_other_lines_merge_without_conflict(repo: Path):
    edit(repo / "pyproject.toml", 'version = "0.1.0"', 'version = "0.2.0"')
    git(repo, "commit", "-qam", "Bump")
    result = update(repo, template="default")
    assert actions(result)["pyproject.toml"] == "merged"
    text = (repo / "pyproject.toml").read_text()
    assert 'version = "0.2.0"' in text and "line-length = 100" in text


def test_uncommitted_changes_in_a_file_it_would_write_stop_it_before_any_write(repo: Path):
    edit(repo / "pyproject.toml", 'version = "0.1.0"', 'version = "0.3.0"')
    with pytest.raises(ConflictError, match=r"pyproject\.toml: uncommitted changes.*git stash"):
        update(repo, template="default")
    assert not (repo / "docs/notes.md").exists()
    assert record.load_record(repo).template.endswith("default-v1")


def test_uncommitted_changes_elsewhere_do_not_stop_it(repo: Path):
    (repo / "results" / "runs.jsonl").write_text('{"schema": 1}\n{"schema": 1}\n')
    (repo / "scratch.txt").write_text("notes\n")
    assert update(repo, template="default").conflicts == ["README.md"]


def test_same_template_and_starter_is_up_to_date_without_rendering(tmp_path: Path):
    made = scaffold.create(catalog.get("lenet5"), tmp_path / "r", template="pytorch").path
    result = update(made)
    assert result.up_to_date and result.template == "pytorch"
    assert git(made, "status", "--porcelain") == ""


def test_executable_bit_follows_the_template_unless_the_user_changed_it(tmp_path: Path):
    old = previous_version(tmp_path)
    (old / "run.sh").write_text("#!/bin/sh\necho one\n")
    made = scaffold.create(catalog.get("lecun1989"), tmp_path / "r", template=str(old)).path
    new = tmp_path / "v2"
    shutil.copytree(old, new)
    (new / "run.sh").write_text("#!/bin/sh\necho two\n")
    (new / "run.sh").chmod(0o755)
    assert actions(update(made, template=str(new)))["run.sh"] == "updated"
    assert os.access(made / "run.sh", os.X_OK)
    assert "echo two" in (made / "run.sh").read_text()


def test_a_repository_without_the_record_cannot_be_updated(tmp_path: Path):
    with pytest.raises(NotFoundError, match=r"template\.toml is missing"):
        update(tmp_path)


def test_a_folder_template_that_moved_is_named(tmp_path: Path):
    old = previous_version(tmp_path)
    made = scaffold.create(catalog.get("lecun1989"), tmp_path / "r", template=str(old)).path
    shutil.rmtree(old)
    with pytest.raises(NotFoundError, match="pass --template"):
        update(made)


@given(st.text())
def test_any_text_survives_the_base_file(text: str):
    import tomllib

    assert tomllib.loads(f"x = {record.toml_text(text)}\n")["x"] == text


# ----------------------------------------------------------------------------- the command


def test_update_command_prints_each_file_and_exits_7_on_a_conflict(cli, repo: Path):
    result = cli("update", "--template", "default", "-C", str(repo))
    assert result.exit_code == 7
    assert "conflict  README.md (1 conflict)" in result.stdout
    assert "added     docs/notes.md" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines == [
        "starter: error: 1 file with conflicts (README.md); resolve the <<<<<<< markers, "
        "then commit"
    ]


def test_update_command_diff_and_json_write_nothing(cli, repo: Path):
    diff = cli("update", "--template", "default", "--diff", "-C", str(repo))
    assert diff.exit_code == 0, diff.stderr
    assert "+++ b/docs/notes.md" in diff.stdout and "-line-length = 88" in diff.stdout
    data = json.loads(cli("update", "-t", "default", "--pretend", "--json", "-C", str(repo)).stdout)
    assert data["pretend"] is True and data["conflicts"] == ["README.md"]
    changes = {c["path"]: c for c in data["changes"]}
    assert changes["OLD.md"]["action"] == "removed"
    assert changes["OLD.md"]["detail"] == "dropped by the template, unchanged by you"
    assert git(repo, "status", "--porcelain") == ""


def test_update_command_in_a_repository_without_its_record_is_one_line(cli, tmp_path: Path):
    made = scaffold.create(catalog.get("lenet5"), tmp_path / "r", git=False).path
    shutil.rmtree(made / ".starter")
    result = cli("update", "-C", str(made))
    assert result.exit_code == 4
    assert result.stderr.startswith("starter: error: ")
    assert result.stderr.count("\n") == 1


def test_a_changed_answer_is_merged_in_even_without_a_new_template(tmp_path: Path):
    made = scaffold.create(catalog.get("lenet5"), tmp_path / "r", email="ada@example.org").path
    edit(made / ".starter/template.toml", 'email = "ada@example.org"', 'email = "ada@new.org"')
    git(made, "commit", "-qam", "New address")
    result = update(made)
    assert actions(result) == {"CITATION.cff": "updated", "pyproject.toml": "updated"}
    assert "ada@new.org" in (made / "pyproject.toml").read_text()
    assert update(made).up_to_date
