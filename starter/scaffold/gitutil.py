"""The few git calls starter makes to scaffold: the user's identity, init + first commit
(`starter new`), and a three-way merge and a status of chosen paths (`starter update`)."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from starter.errors import SetupError

IDENTITY_HINT = (
    'set it with `git config --global user.name "Your Name"` and '
    '`git config --global user.email "you@example.org"`, or pass --author and --email'
)


@dataclass(frozen=True)
class GitConfig:
    """What starter reads from the user's git configuration."""

    name: str | None = None
    email: str | None = None
    default_branch: str | None = None


def git_executable() -> str:
    """The path of `git`, or a SetupError saying how to do without it."""
    found = shutil.which("git")
    if found is None:
        raise SetupError(
            "git is not on PATH; install git (https://git-scm.com) or pass --no-git "
            "to create the repository without version control"
        )
    return found


def read_config(git: str) -> GitConfig:
    """user.name, user.email and init.defaultBranch in one call (each call costs ~3 ms)."""
    proc = subprocess.run(
        [git, "config", "-z", "--get-regexp", r"^(user\.name|user\.email|init\.defaultbranch)$"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    values: dict[str, str] = {}
    # Exit 1 means "none set"; anything else (a broken config file) leaves them unknown too.
    for record in proc.stdout.split("\0"):
        key, _, value = record.partition("\n")
        if key and value.strip():
            values[key.lower()] = value.strip()
    # git itself takes the identity from its environment first (GIT_AUTHOR_*, then
    # GIT_COMMITTER_*), and EMAIL when no address is configured; so does starter.
    env = {k: v.strip() for k, v in os.environ.items() if k.startswith("GIT_") or k == "EMAIL"}
    name = env.get("GIT_AUTHOR_NAME") or env.get("GIT_COMMITTER_NAME") or values.get("user.name")
    email = (
        env.get("GIT_AUTHOR_EMAIL")
        or env.get("GIT_COMMITTER_EMAIL")
        or values.get("user.email")
        or env.get("EMAIL")
    )
    return GitConfig(
        name=name or None,
        email=email or None,
        default_branch=values.get("init.defaultbranch"),
    )


def init_and_commit(
    git: str, folder: Path, *, message: str, name: str, email: str, branch: str
) -> str:
    """`git init`, add everything and make one commit by name <email>; returns its hash."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(var, None)  # set by a surrounding git hook, they would point elsewhere
    _run(git, ["init", "-q", "-b", branch], folder, env)
    _run(git, ["add", "-A"], folder, env)
    _run(git, ["commit", "-q", "-m", message], folder, env)
    return _head(folder, branch)


def _head(folder: Path, branch: str) -> str:
    """HEAD's hash read from the ref file, saving a `git rev-parse` process."""
    ref = folder / ".git" / "refs" / "heads" / branch
    try:
        return ref.read_text(encoding="ascii").strip()
    except OSError:
        return ""


def _run(git: str, args: list[str], folder: Path, env: dict[str, str]) -> None:
    proc = subprocess.run(
        [git, *args], cwd=folder, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if proc.returncode != 0:
        detail = " ".join((proc.stderr or proc.stdout).split())[:300]
        raise SetupError(
            f"`git {args[0]}` failed: {detail or f'exit {proc.returncode}'}; "
            "fix git or pass --no-git"
        )


# ----------------------------------------------------------------------------- starter update


def merge_file(
    git: str, ours: str, base: str, theirs: str, labels: tuple[str, str, str]
) -> tuple[str, int]:
    """git's own three-way merge of three texts (`git merge-file -p`): the merged text, with
    conflict markers as git writes them, and the number of conflicts."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="starter-merge-") as folder:
        paths = []
        for name, text in (("ours", ours), ("base", base), ("theirs", theirs)):
            path = Path(folder) / name
            path.write_bytes(text.encode("utf-8"))
            paths.append(str(path))
        proc = subprocess.run(
            [git, "merge-file", "-p", "-L", labels[0], "-L", labels[1], "-L", labels[2], *paths],
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
    # The exit code is the number of conflicts (capped at 127); a negative one is an error.
    if not 0 <= proc.returncode < 128:
        detail = " ".join(proc.stderr.decode("utf-8", "replace").split())[:300]
        raise SetupError(f"`git merge-file` failed: {detail or f'exit {proc.returncode}'}")
    return proc.stdout.decode("utf-8"), proc.returncode


def uncommitted(git: str, root: Path, paths: list[str]) -> list[str] | None:
    """Which of `paths` (relative to `root`) have changes git has not committed, untracked
    files included; None when `root` is not in a git repository."""
    if not paths:
        return []
    proc = subprocess.run(
        [git, "status", "--porcelain", "-z", "--untracked-files=all", "--", *paths],
        cwd=root,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        return None
    # Records are "XY path" (renames add a second, NUL-separated path, skipped below).
    found, records = [], proc.stdout.decode("utf-8", "replace").split("\0")
    skip = False
    for record in records:
        if skip or len(record) < 4:
            skip = False
            continue
        skip = record[0] in "RC"
        found.append(record[3:])
    return found
