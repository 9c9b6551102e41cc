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
    web_url: str | None = None  # the repository's page on GitHub or GitLab
    commit_url: str | None = None  # a commit's page, with "{sha}" in place of its hash
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
            "web_url": self.web_url,
            "commit_url": self.commit_url,
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
        web_url, commit_url = _remote_urls(repo)
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
            web_url=web_url,
            commit_url=commit_url,
            paper_commits=paper_commits,  # type: ignore[arg-type]
            **history,
        )


def _remote_urls(repo: Any) -> tuple[str | None, str | None]:
    """The web pages of the repository and of its commits, from the remote `origin` (else
    the first remote) when it is on GitHub or GitLab; (None, None) otherwise."""
    try:
        remotes = {r.name: r for r in repo.remotes}
        remote = remotes.get("origin") or next(iter(remotes.values()), None)
        url = next(iter(remote.urls), None) if remote is not None else None
    except Exception:  # a broken remote entry costs the links, never the report
        return None, None
    return web_urls(url) if url else (None, None)


def web_urls(remote: str) -> tuple[str | None, str | None]:
    """("https://github.com/o/r", "https://github.com/o/r/commit/{sha}") for a GitHub or
    GitLab remote in any of git's forms (https, ssh://, scp-like user@host:path, git://);
    user names and tokens in the URL are dropped, never copied into a report."""
    import re

    text = remote.strip()
    found = re.fullmatch(
        r"(?:https?|ssh|git|git\+ssh)://(?:[^@/]*@)?([^/:]+)(?::(\d+))?/(.+)", text
    )
    port = None
    if found:
        host, port, path = found.groups()
        if not text.startswith("http"):
            port = None  # an ssh port is not the web server's
    else:
        scp = re.fullmatch(r"(?:[^@/]+@)?([^/:]+):(?!/)(.+)", text)
        if not scp:
            return None, None
        host, path = scp.groups()
    host = host.lower()
    path = re.sub(r"(\.git)?/*$", "", path.strip("/"))
    if path.count("/") < 1 or not re.fullmatch(r"[\w.~/-]+", path):
        return None, None
    base = f"https://{host}{':' + port if port else ''}/{path}"
    if host in ("github.com", "www.github.com"):
        return f"https://github.com/{path}", f"https://github.com/{path}/commit/{{sha}}"
    if host == "gitlab.com" or host.startswith("gitlab."):
        return base, base + "/-/commit/{sha}"
    return None, None


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
