"""Git as the team's first engine: generated repositories merge the results log line by
line (`merge=union`), so two branches that both logged runs merge without a conflict, and
`starter status` warns, with the fix, where the rule is missing."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from starter.papers.catalog import get as load_entry
from starter.scaffold.create import create
from starter.track.merging import RULE, union_rule_missing
from starter.track.results import log_path


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=check)


@pytest.fixture
def origin(tmp_path: Path) -> Path:
    """A repository made by `starter new` from a catalog paper, with its first commit."""
    return create(load_entry("lecun1989"), tmp_path / "origin").path


def clone(origin: Path, where: Path, branch: str) -> Path:
    git(origin.parent, "clone", "-q", str(origin), str(where))
    git(where, "switch", "-q", "-c", branch)
    return where


def log_runs(cli, repo: Path, values: list[float]) -> None:
    for seed, value in enumerate(values):
        result = cli("log", "test-error", str(value), "--seed", str(seed), "-C", repo)
        assert result.exit_code == 0, result.stderr
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", f"Log {len(values)} runs")


def test_two_clones_logging_on_their_branches_merge_without_conflict(cli, origin, tmp_path):
    alice = clone(origin, tmp_path / "alice", "alice")
    bob = clone(origin, tmp_path / "bob", "bob")
    log_runs(cli, alice, [5.1, 5.3])
    log_runs(cli, bob, [5.0, 5.4, 5.2])

    git(alice, "fetch", "-q", str(bob), "bob")
    merged = git(alice, "merge", "--no-edit", "FETCH_HEAD", check=False)

    assert merged.returncode == 0, merged.stdout + merged.stderr
    lines = log_path(alice).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and "<<<<<<<" not in "".join(lines)
    status = cli("status", "--json", "-C", alice)
    assert status.exit_code == 0, status.stderr
    claim = next(c for c in json.loads(status.stdout)["claims"] if c["id"] == "test-error")
    assert claim["n"] == 5
    assert "merge=union" not in status.stderr  # the generated repository has the rule


def test_a_run_a_merge_repeats_is_counted_once(cli, origin, tmp_path):
    # Bob cherry-picks Alice's first run under his own; Alice logs another. The union
    # merge then holds her first run's line twice, and status counts that run once.
    alice = clone(origin, tmp_path / "alice", "alice")
    bob = clone(origin, tmp_path / "bob", "bob")
    log_runs(cli, alice, [5.1])
    log_runs(cli, bob, [5.0])
    git(bob, "fetch", "-q", str(alice), "alice")
    picked = git(bob, "cherry-pick", "FETCH_HEAD", check=False)
    assert picked.returncode == 0, picked.stdout + picked.stderr
    log_runs(cli, alice, [5.3])

    git(alice, "fetch", "-q", str(bob), "bob")
    merged = git(alice, "merge", "--no-edit", "FETCH_HEAD", check=False)

    assert merged.returncode == 0, merged.stdout + merged.stderr
    ids = [json.loads(line)["id"] for line in log_path(alice).read_text().splitlines()]
    assert len(ids) == 4 and len(set(ids)) == 3  # one line repeated by the merge
    claim = next(
        c
        for c in json.loads(cli("status", "--json", "-C", alice).stdout)["claims"]
        if c["id"] == "test-error"
    )
    assert claim["n"] == 3


def test_without_the_union_rule_the_same_merge_conflicts(cli, origin, tmp_path):
    # What the rule is for: the same two branches, with the rule removed, do not merge.
    (origin / ".gitattributes").unlink()
    git(origin, "commit", "-qam", "Drop .gitattributes")
    alice = clone(origin, tmp_path / "alice", "alice")
    bob = clone(origin, tmp_path / "bob", "bob")
    log_runs(cli, alice, [5.1])
    log_runs(cli, bob, [5.0])

    git(alice, "fetch", "-q", str(bob), "bob")
    merged = git(alice, "merge", "--no-edit", "FETCH_HEAD", check=False)

    assert merged.returncode != 0
    assert "CONFLICT" in merged.stdout


def test_status_warns_with_the_fix_where_gitattributes_lacks_the_rule(cli, origin):
    (origin / ".gitattributes").write_text("*.png binary\n", encoding="utf-8")

    result = cli("status", "-C", origin)

    assert result.exit_code == 0
    assert f"echo '{RULE}' >> .gitattributes" in result.stderr
    assert json.loads(cli("status", "--json", "-C", origin).stdout)["warnings"] == [
        union_rule_missing(origin)
    ]


def test_the_rule_holds_for_a_repository_made_inside_an_existing_one(cli, tmp_path):
    # `starter new --no-git` in a folder of a larger repository: the generated
    # .gitattributes applies to its own results log, relative to its folder.
    outer = tmp_path / "lab"
    outer.mkdir()
    git(outer, "init", "-q")
    made = create(load_entry("lecun1989"), outer / "papers" / "lecun1989", git=False).path

    assert union_rule_missing(made) is None
    (made / ".gitattributes").unlink()
    assert "merge=union" in (union_rule_missing(made) or "")


def test_no_warning_outside_git(tmp_path):
    made = create(load_entry("lecun1989"), tmp_path / "plain", git=False).path
    assert union_rule_missing(made) is None
