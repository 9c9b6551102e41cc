"""Putting a rendered repository in place: the target folder's checks (a history and a results
log are never replaced, `--force` included), and moving the template's files into an existing
folder without touching anything else, undone if any move fails."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from starter.errors import ConflictError

RESULTS_LOG = Path("results") / "runs.jsonl"


def check_target(target: Path, force: bool, paper_key: str) -> None:
    """Refuse a target that holds work starter must never replace, or (without --force) any
    non-empty folder; a home folder, the file system's root and the current folder with
    what is above it are never written into."""
    if target.exists() and not target.is_dir():
        raise ConflictError(f"{target} exists and is not a folder; choose another DIRECTORY")
    if not target.exists() or not any(target.iterdir()):
        return
    held = _held_work(target)
    if held:
        raise ConflictError(
            f"{target} holds {held}, which starter never replaces; "
            f"start elsewhere: starter new {paper_key} OTHER_DIR"
        )
    if not force:
        raise ConflictError(
            f"folder {target} exists and is not empty; choose another DIRECTORY, or pass "
            "--force to write the template's files into it (your other files are kept)"
        )
    cwd = Path.cwd().resolve()
    resolved = target.resolve()
    if (
        resolved == Path.home().resolve()
        or resolved == resolved.parent
        or resolved
        in (
            cwd,
            *cwd.parents,
        )
    ):
        raise ConflictError(
            f"refusing to write into {target}: it holds your home or current folder; "
            "choose another DIRECTORY"
        )


def _held_work(target: Path) -> str:
    """What a folder holds that must never be replaced: "a git history (.git) and a results
    log (results/runs.jsonl, 12 runs)", or ""."""
    found = []
    if (target / ".git").exists():
        found.append("a git history (.git)")
    log = target / RESULTS_LOG
    if log.exists() or log.is_symlink():
        try:
            with open(log, "rb") as handle:
                runs = sum(1 for line in handle if b'"type": "run"' in line)
            found.append(f"a results log ({RESULTS_LOG}, {runs} run{'s' if runs != 1 else ''})")
        except OSError:
            found.append(f"a results log ({RESULTS_LOG})")
    return " and ".join(found)


def merge_into(staging: Path, target: Path) -> None:
    """Move every file of `staging` into `target`, replacing only files of the same name;
    nothing else in `target` is touched. A folder where a file goes (or the reverse) is a
    conflict found before anything moves; a failure midway puts every file back."""
    moves: list[tuple[Path, Path]] = []
    _plan(staging, target, moves)
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    placed: list[Path] = []  # paths created in target
    kept: list[tuple[Path, Path]] = []  # (path in target, its old content set aside)
    try:
        for number, (source, dest) in enumerate(moves):
            if dest.exists() or dest.is_symlink():
                backup = aside / str(number)
                os.replace(dest, backup)
                kept.append((dest, backup))
            else:
                placed.append(dest)
            os.replace(source, dest)
    except BaseException:
        for path in reversed(placed):
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
        for dest, backup in reversed(kept):
            dest.unlink(missing_ok=True)
            os.replace(backup, dest)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _plan(source: Path, dest: Path, moves: list[tuple[Path, Path]]) -> None:
    for entry in sorted(source.iterdir()):
        there = dest / entry.name
        is_folder = entry.is_dir() and not entry.is_symlink()
        if is_folder and there.is_dir() and not there.is_symlink():
            _plan(entry, there, moves)  # both folders: merge what is inside
        elif (there.exists() or there.is_symlink()) and (
            is_folder or (there.is_dir() and not there.is_symlink())
        ):
            kind = "folder" if is_folder else "file"
            raise ConflictError(
                f"{there} stands where the template writes a {kind}; move it away or choose "
                "another DIRECTORY (nothing was changed)"
            )
        else:
            moves.append((entry, there))
