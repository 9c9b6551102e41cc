"""Provenance captured without asking: git state with a restorable patch of uncommitted
changes, and the machine, from real git repositories in tmp_path."""

from __future__ import annotations

import contextlib
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from starter.track import provenance


def git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q")
    (root / "paper.toml").write_text("schema = 1\n", encoding="utf-8")
    (root / "train.py").write_text("print('v1')\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "first")
    return root


def test_clean_tree_records_commit_and_branch(repo: Path) -> None:
    prov = provenance.capture(repo)
    assert prov.git == {"commit": git(repo, "rev-parse", "HEAD"), "branch": "main", "dirty": False}
    assert prov.warnings == ()


def test_starters_own_files_do_not_make_the_tree_dirty(repo: Path) -> None:
    (repo / "paper.toml").write_text("schema = 1\n# edited by starter claim\n", encoding="utf-8")
    (repo / "results" / "patches").mkdir(parents=True)
    (repo / "results" / "runs.jsonl").write_text("{}\n", encoding="utf-8")
    (repo / "results" / "patches" / "x.patch").write_text("", encoding="utf-8")
    (repo / "report" / "plots").mkdir(parents=True)
    (repo / "report" / "REPORT.md").write_text("# report\n", encoding="utf-8")
    (repo / "report" / "plots" / "acc.svg").write_text("<svg/>", encoding="utf-8")
    prov = provenance.capture(repo)
    assert prov.git["dirty"] is False
    assert prov.warnings == ()


def test_dirty_tree_saves_a_patch_that_restores_the_exact_code(repo: Path, tmp_path: Path) -> None:
    (repo / "train.py").write_text("print('v2')\n", encoding="utf-8")
    (repo / "model.py").write_text("LAYERS = 3\n", encoding="utf-8")
    prov = provenance.capture(repo)
    assert prov.git["dirty"] is True
    patch = repo / prov.git["patch"]
    assert patch.is_file() and prov.git["patch"].endswith(prov.git["diff_hash"] + ".patch")
    assert any("uncommitted changes in 2 files" in w for w in prov.warnings)
    # Restore: a clean checkout of the commit plus the patch is the code that ran.
    copy = tmp_path / "restored"
    git(tmp_path, "clone", "-q", str(repo), str(copy))
    git(copy, "checkout", "-q", prov.git["commit"])
    git(copy, "apply", str(patch))
    assert (copy / "train.py").read_text(encoding="utf-8") == "print('v2')\n"
    assert (copy / "model.py").read_text(encoding="utf-8") == "LAYERS = 3\n"


def test_the_same_changes_give_the_same_diff_hash(repo: Path) -> None:
    (repo / "train.py").write_text("print('v3')\n", encoding="utf-8")
    first = provenance.capture(repo).git["diff_hash"]
    assert provenance.capture(repo).git["diff_hash"] == first
    assert len(list((repo / "results" / "patches").iterdir())) == 1


def test_big_untracked_files_are_named_not_copied(repo: Path) -> None:
    (repo / "checkpoint.bin").write_bytes(b"\0" * (provenance.MAX_UNTRACKED_BYTES + 1))
    prov = provenance.capture(repo)
    assert prov.git["untracked_skipped"] == 1
    assert prov.git["untracked_skipped_names"] == ["checkpoint.bin"]


def test_outside_git_there_is_a_warning_and_no_commit(tmp_path: Path) -> None:
    prov = provenance.capture(tmp_path)
    assert prov.git == {}
    assert any("not in a git repository" in w for w in prov.warnings)


def test_repository_without_a_commit_is_recorded_without_one(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q")
    (tmp_path / "train.py").write_text("x = 1\n", encoding="utf-8")
    prov = provenance.capture(tmp_path)
    assert prov.git["commit"] is None and prov.git["dirty"] is True
    assert any("no commit yet" in w for w in prov.warnings)


def test_environment_names_machine_python_and_packages() -> None:
    env = provenance.environment()
    assert env["python"] == platform.python_version()
    assert env["os"] and env["cpu_count"]
    assert isinstance(env["gpu"], list)
    for name, version in env["packages"].items():
        assert metadata.version(name) == version


def test_package_versions_agree_with_importlib_metadata() -> None:
    expected = {}
    for name in provenance.KEY_PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            expected[name] = metadata.version(name)
    assert provenance.package_versions() == expected


def test_capturing_never_imports_the_packages_it_names(repo: Path) -> None:
    code = (
        "import sys; from pathlib import Path; from starter.track import provenance; "
        f"provenance.capture(Path({str(repo)!r})); "
        "print(sorted(m for m in ('numpy', 'torch', 'jax', 'tensorflow', 'sklearn') "
        "if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_os_name_says_what_platform_says() -> None:
    # The fast path must not change what a run records about its system.
    assert provenance.os_name() == platform.platform()
