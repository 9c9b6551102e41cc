"""`scaffold.create`: names, the git commit, and never leaving a partial repository behind."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from starter.errors import ConflictError, InputError, SetupError
from starter.models import Paper
from starter.papers import catalog
from starter.resources import papers_dir
from starter.scaffold import create as scaffold


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, check=True, capture_output=True, text=True
    ).stdout.strip()


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ----------------------------------------------------------------------------- names


@pytest.mark.parametrize(
    ("key", "title", "package", "slug"),
    [
        ("lecun1989", "Backpropagation", "lecun1989", "lecun1989"),
        ("1706.03762", "Attention Is All You Need", "paper_1706_03762", "1706-03762"),
        ("class", "A Title", "class_", "class"),
        ("match", "A Title", "match_", "match"),
        ("json", "A Title", "json_repro", "json"),
        ("tests", "A Title", "tests_repro", "tests"),
        ("Ünïcode-Pa'per.\"", "Title", "unicode_pa_per", "unicode-pa-per"),
        ("日本語", "Über Attention: a/b", "uber_attention_a_b", "uber-attention-a-b"),
        ("日本語", "日本語", "paper", "paper"),
    ],
)
def test_package_and_folder_names_are_safe_whatever_the_key(key, title, package, slug):
    paper = Paper(key=key, title=title)
    assert scaffold.package_name(paper) == package
    assert package.isidentifier()
    assert scaffold.project_slug(paper) == slug


@settings(max_examples=200, deadline=None)
@given(key=st.text(max_size=30), title=st.text(max_size=60))
def test_any_key_or_title_gives_an_importable_package_and_a_plain_folder_name(key, title):
    import keyword
    import sys

    paper = Paper(key=key, title=title)
    package = scaffold.package_name(paper)
    assert package.isidentifier() and package.isascii() and not keyword.iskeyword(package)
    assert package not in sys.stdlib_module_names
    slug = scaffold.project_slug(paper)
    assert slug and all(ch.isalnum() or ch == "-" for ch in slug) and slug.isascii()


def test_licence_names_are_matched_without_case():
    assert scaffold.normalize_license("apache-2.0") == "Apache-2.0"
    assert scaffold.normalize_license(None) == "MIT"


# ----------------------------------------------------------------------------- creating


def test_new_repository_has_one_commit_by_the_user_and_a_clean_tree(tmp_path: Path):
    result = scaffold.create(catalog.get("lecun1989"), tmp_path / "repo")
    repo = result.path
    assert git(repo, "rev-list", "--count", "HEAD") == "1"
    assert (
        git(repo, "log", "-1", "--format=%an <%ae>|%cn")
        == "Ada Tester <ada@example.org>|Ada Tester"
    )
    assert git(repo, "log", "-1", "--format=%s") == (
        "Start reimplementation of LeCun et al. (1989), "
        "Backpropagation Applied to Handwritten Zip Code Recognition"
    )
    assert git(repo, "status", "--porcelain", "--ignored") == ""
    assert git(repo, "rev-parse", "HEAD") == result.commit
    assert git(repo, "branch", "--show-current") == result.branch == "main"
    assert sorted(git(repo, "ls-files").splitlines()) == list(result.files)
    assert (repo / "paper.toml").read_bytes() == (papers_dir() / "lecun1989.toml").read_bytes()


def test_branch_follows_the_users_default_branch(tmp_path: Path):
    config = Path(os.environ["GIT_CONFIG_GLOBAL"])
    config.write_text(config.read_text().replace("defaultBranch = main", "defaultBranch = trunk"))
    result = scaffold.create(catalog.get("lenet5"), tmp_path / "repo")
    assert result.branch == "trunk"
    assert git(result.path, "branch", "--show-current") == "trunk"


def test_author_and_email_options_win_over_git_config(tmp_path: Path):
    result = scaffold.create(
        catalog.get("lenet5"), tmp_path / "repo", author="Grace Hopper", email="grace@example.org"
    )
    assert git(result.path, "log", "-1", "--format=%an <%ae>") == "Grace Hopper <grace@example.org>"
    assert "Copyright (c) " in (result.path / "LICENSE").read_text()
    assert "Grace Hopper" in (result.path / "LICENSE").read_text()


def test_no_git_writes_files_without_a_repository(tmp_path: Path):
    result = scaffold.create(catalog.get("lenet5"), tmp_path / "repo", git=False)
    assert result.commit is None and result.branch is None
    assert not (result.path / ".git").exists()
    assert (result.path / "src" / "lenet5" / "train.py").is_file()


def test_new_folder_gets_the_usual_permissions_not_a_private_temporary_folders(tmp_path: Path):
    old = os.umask(0o022)
    try:
        result = scaffold.create(catalog.get("lenet5"), tmp_path / "repo", git=False)
    finally:
        os.umask(old)
    assert result.path.stat().st_mode & 0o777 == 0o755


def test_default_folder_is_the_paper_key_under_the_current_folder(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = scaffold.create(catalog.get("lenet5"), None, git=False)
    assert result.path == tmp_path / "lenet5"


def test_an_empty_existing_folder_is_used(tmp_path: Path):
    (tmp_path / "repo").mkdir()
    scaffold.create(catalog.get("lenet5"), tmp_path / "repo", git=False)
    assert (tmp_path / "repo" / "paper.toml").is_file()


def test_non_empty_folder_without_force_is_left_untouched(tmp_path: Path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "mine.txt").write_text("my work")
    with pytest.raises(ConflictError, match=r"folder .*repo exists and is not empty; .*--force"):
        scaffold.create(catalog.get("lenet5"), tmp_path / "repo")
    assert entries(tmp_path / "repo") == ["mine.txt"]
    assert entries(tmp_path) == ["repo"]


def test_force_writes_the_template_into_the_folder_and_leaves_nothing_else(tmp_path: Path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "old.txt").write_text("old")
    scaffold.create(catalog.get("lenet5"), tmp_path / "repo", force=True)
    assert (tmp_path / "repo" / "old.txt").read_text() == "old"  # never deleted (issue 10)
    assert (tmp_path / "repo" / "paper.toml").is_file()
    assert entries(tmp_path) == ["repo"]


def test_force_refuses_to_replace_the_current_folder(tmp_path: Path, monkeypatch):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "old.txt").write_text("old")
    monkeypatch.chdir(tmp_path / "repo")
    with pytest.raises(ConflictError, match="refusing to write into"):
        scaffold.create(catalog.get("lenet5"), Path("."), force=True)
    assert entries(tmp_path / "repo") == ["old.txt"]


def test_template_error_midway_leaves_no_folder_and_no_temporary_files(tmp_path: Path):
    template = tmp_path / "tmpl"
    (template / "zzz").mkdir(parents=True)
    (template / "template.toml").write_text('name = "broken"\n')
    (template / "a.txt.jinja").write_text("{{ paper.title }}\n")
    (template / "zzz" / "last.txt.jinja").write_text("{{ undefined_thing }}\n")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(
        InputError, match=r"zzz/last\.txt\.jinja: undefined variable .*undefined_thing"
    ):
        scaffold.create(catalog.get("lenet5"), out / "deep" / "repo", template=str(template))
    assert entries(out) == []


def test_git_failure_midway_keeps_the_old_folder_under_force(tmp_path: Path):
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "pre-commit").write_text("#!/bin/sh\necho 'hook says no' >&2\nexit 1\n")
    (hooks / "pre-commit").chmod(0o755)
    config = Path(os.environ["GIT_CONFIG_GLOBAL"])
    config.write_text(config.read_text() + f"[core]\n\thooksPath = {hooks}\n")
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "old.txt").write_text("old")
    with pytest.raises(SetupError, match="`git commit` failed: hook says no"):
        scaffold.create(catalog.get("lenet5"), tmp_path / "repo", force=True)
    assert entries(tmp_path / "repo") == ["old.txt"]
    assert entries(tmp_path) == ["hooks", "repo"]


def test_no_git_on_path_says_how_to_do_without(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))
    with pytest.raises(SetupError, match=r"git is not on PATH; .*--no-git"):
        scaffold.create(catalog.get("lenet5"), tmp_path / "repo")
    assert not (tmp_path / "repo").exists()
    # Without git, --author is all it needs.
    result = scaffold.create(catalog.get("lenet5"), tmp_path / "repo", git=False, author="Ada")
    assert result.author == "Ada"


def test_no_git_identity_says_how_to_set_it(tmp_path: Path, monkeypatch):
    empty = tmp_path / "empty.gitconfig"
    empty.write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(empty))
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    with pytest.raises(SetupError, match=r'git config --global user\.name "Your Name"'):
        scaffold.create(catalog.get("lenet5"), tmp_path / "repo")
    assert not (tmp_path / "repo").exists()
    result = scaffold.create(
        catalog.get("lenet5"), tmp_path / "repo", author="Ada", email="ada@example.org"
    )
    assert git(result.path, "log", "-1", "--format=%an") == "Ada"
