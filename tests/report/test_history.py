"""The work from git history: commits, contributors, dates, lines and files, and the cases
where there is no history to read (no repository, no commits, a shallow clone)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from starter.report import history


def git(cwd: Path, *args: str, date: str | None = None, author: str | None = None) -> str:
    env = dict(os.environ)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    if author:
        name, email = author.split("<")
        env["GIT_AUTHOR_NAME"] = name.strip()
        env["GIT_AUTHOR_EMAIL"] = email.rstrip(">")
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_repo(root: Path) -> Path:
    root.mkdir()
    git(root, "init", "-q")
    write(root / "paper.toml", "schema = 1\n")
    write(root / "train.py", "a\nb\nc\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "start", date="2026-01-02T10:00:00+00:00")
    write(root / "train.py", "a\nB\nc\nd\n")
    write(root / "results" / "runs.jsonl", "{}\n" * 50)  # starter's own output: not the work
    write(root / "report" / "REPORT.md", "x\n" * 20)
    git(root, "add", "-A")
    git(
        root,
        "commit",
        "-qm",
        "fix",
        date="2026-01-05T09:30:00+00:00",
        author="Grace Hopper <grace@example.org>",
    )
    write(root / "paper.toml", "schema = 1\n# tolerance\n")
    git(root, "commit", "-qam", "tolerance", date="2026-01-07T08:00:00+00:00")
    return root


def test_history_counts_commits_contributors_dates_and_lines(tmp_path: Path) -> None:
    work = history.collect(make_repo(tmp_path / "repo"))

    assert work.available and work.note is None
    assert work.commits == 3
    assert [(c.name, c.commits) for c in work.contributors] == [
        ("Ada Tester", 2),
        ("Grace Hopper", 1),
    ]
    assert work.first.startswith("2026-01-02") and work.last.startswith("2026-01-07")
    # 4 lines at first, then +2/-1 in train.py and +1 in paper.toml; results/ and report/
    # hold 70 lines that must not count.
    assert (work.added, work.removed) == (7, 1)
    assert work.files == ("paper.toml", "train.py")
    assert work.branch == "main"
    assert work.head is not None and len(work.head) == 40


def test_history_finds_the_paper_card_commit_after_a_tolerance_change(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    work = history.collect(root)
    last = git(root, "rev-parse", "HEAD")
    first = git(root, "rev-list", "--max-parents=0", "HEAD")

    assert work.commit_after("2026-01-06T00:00:00Z") == last
    assert work.commit_after("2026-01-01T00:00:00Z") == first
    assert work.commit_after("2026-02-01T00:00:00Z") is None
    assert work.commit_after("not a time") is None


def test_history_of_a_folder_outside_git_says_so(tmp_path: Path) -> None:
    work = history.collect(tmp_path)

    assert not work.available
    assert "not a git repository" in work.note
    assert work.to_json()["commits"] == 0


def test_history_of_a_repository_without_commits_says_so(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")

    work = history.collect(tmp_path)

    assert not work.available
    assert work.note == "the repository has no commits yet"


def test_history_of_a_shallow_clone_is_marked_and_says_how_to_fetch_the_rest(
    tmp_path: Path,
) -> None:
    origin = make_repo(tmp_path / "origin")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", origin.as_uri(), str(clone))

    work = history.collect(clone)

    assert work.available and work.shallow
    assert work.commits == 1
    assert "git fetch --unshallow" in work.note
    assert work.files == ("paper.toml", "train.py")


def test_history_of_a_subfolder_counts_only_that_folder(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    write(root / "sub" / "paper.toml", "schema = 1\n")
    write(root / "sub" / "model.py", "x\ny\n")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "sub", date="2026-01-08T08:00:00+00:00")

    work = history.collect(root / "sub")

    assert work.files == ("model.py", "paper.toml")
    assert work.commits == 1
    assert (work.added, work.removed) == (3, 0)
