"""The git history of a reimplementation repository, as the report's "The work" section."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

# starter's own output: never counted as the work, never listed as the reimplementation.
GENERATED = ("results/", "report/")


@dataclass(frozen=True)
class Contributor:
    name: str
    commits: int
    added: int
    removed: int


@dataclass(frozen=True)
class History:
    """What git says about the work; `note` explains anything missing (no git, shallow...)."""

    available: bool
    note: str | None = None
    commits: int = 0
    contributors: tuple[Contributor, ...] = ()
    first: str | None = None  # ISO 8601 author date of the oldest commit
    last: str | None = None
    added: int = 0
    removed: int = 0
    files: tuple[str, ...] = ()
    shallow: bool = False
    head: str | None = None
    branch: str | None = None
    paper_commits: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # (sha, time)

    def to_json(self) -> dict[str, Any]:
        return {
            "available": self.available,
            "note": self.note,
            "commits": self.commits,
            "contributors": [c.__dict__ for c in self.contributors],
            "first": self.first,
            "last": self.last,
            "added": self.added,
            "removed": self.removed,
            "files": list(self.files),
            "shallow": self.shallow,
            "head": self.head,
            "branch": self.branch,
        }

    def commit_after(self, time: str) -> str | None:
        """The first commit of paper.toml at or after `time`: where a tolerance change landed."""
        moment = _parse_time(time)
        if moment is None:
            return None
        for sha, when in reversed(self.paper_commits):  # oldest first
            commit_time = _parse_time(when)
            if commit_time is not None and commit_time >= moment:
                return sha
        return None


def collect(root: Path) -> History:
    """Read the history of the git repository at `root`; never raises for a missing repo."""
    try:
        import git
    except ImportError:  # gitpython raises this when no git executable is found
        return History(available=False, note="git is not installed; no history in this report")

    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return History(available=False, note="not a git repository; no history in this report")

    with repo:
        if not repo.head.is_valid():
            return History(available=False, note="the repository has no commits yet")
        shallow = Path(repo.git_dir, "shallow").exists()
        prefix = _prefix(repo, root)
        history = _read_log(repo, prefix)
        files = _files(repo, prefix)
        try:
            branch: str | None = repo.active_branch.name
        except TypeError:  # detached HEAD
            branch = None
        paper = repo.git.log("--format=%H %cI", "--", f"{prefix}paper.toml")
        paper_commits = tuple(
            tuple(line.split(" ", 1)) for line in paper.splitlines() if " " in line
        )
        note = None
        if shallow:
            note = (
                "shallow clone: the history starts at the oldest fetched commit, which counts "
                "every line it holds as added; run `git fetch --unshallow` for the whole history"
            )
        return History(
            available=True,
            note=note,
            files=files,
            shallow=shallow,
            head=repo.head.commit.hexsha,
            branch=branch,
            paper_commits=paper_commits,  # type: ignore[arg-type]
            **history,
        )


def _prefix(repo: Any, root: Path) -> str:
    """`sub/` when the reimplementation lives in a subfolder of the git work tree."""
    try:
        relative = Path(root).resolve().relative_to(Path(repo.working_tree_dir).resolve())
    except ValueError:
        return ""
    text = relative.as_posix()
    return "" if text == "." else text + "/"


def _counted(path: str, prefix: str) -> bool:
    if not path.startswith(prefix):
        return False
    return not path[len(prefix) :].startswith(GENERATED)


def _read_log(repo: Any, prefix: str) -> dict[str, Any]:
    # One `git log --numstat` pass: \x1e starts a commit, \x1f separates its fields.
    raw = repo.git.log(
        "--format=\x1e%H\x1f%an\x1f%aI", "--numstat", "--no-renames", "--", prefix or "."
    )
    authors: dict[str, list[int]] = {}
    dates: list[str] = []
    added = removed = 0
    for block in raw.split("\x1e")[1:]:
        header, _, body = block.partition("\n")
        _sha, name, date = header.split("\x1f")
        dates.append(date)
        tally = authors.setdefault(name, [0, 0, 0])
        tally[0] += 1
        for line in body.splitlines():
            parts = line.split("\t")
            if len(parts) != 3 or not _counted(parts[2], prefix):
                continue
            plus, minus = (int(p) if p.isdigit() else 0 for p in parts[:2])  # "-" = binary
            tally[1] += plus
            tally[2] += minus
            added += plus
            removed += minus
    contributors = tuple(
        Contributor(name, *tally)
        for name, tally in sorted(authors.items(), key=lambda kv: (-kv[1][0], kv[0]))
    )
    ordered = sorted(dates, key=lambda d: _parse_time(d) or datetime.min)
    return {
        "commits": len(dates),
        "contributors": contributors,
        "first": ordered[0] if ordered else None,
        "last": ordered[-1] if ordered else None,
        "added": added,
        "removed": removed,
    }


def _files(repo: Any, prefix: str) -> tuple[str, ...]:
    listed = repo.git.ls_files("--", prefix or ".").splitlines()
    return tuple(p[len(prefix) :] for p in sorted(listed) if _counted(p, prefix))


def _parse_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        from datetime import UTC

        moment = moment.replace(tzinfo=UTC)
    return moment
