"""What a run was made with, captured without asking: git state (with the patch of any
uncommitted change saved under results/patches/), machine, Python and key packages."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any, NamedTuple

from starter.track.results import PATCHES_DIR, RESULTS_DIR, patches_dir

# Read from package metadata, never imported: importing torch alone takes seconds.
KEY_PACKAGES = ("numpy", "torch", "jax", "tensorflow", "scikit-learn")
# starter's own files never make a tree dirty (they change with every logged run).
# What starter itself writes: the card, the results log and its patches, and the report
# (regenerated from those). None of it is code, so none of it makes a run's tree dirty.
OWN_PATHS = ("paper.toml", RESULTS_DIR, "report")
# Untracked files bigger than this (checkpoints, data) are named in the provenance but
# left out of the saved patch.
MAX_UNTRACKED_BYTES = 1 << 20
MAX_UNTRACKED_FILES = 50


# NamedTuples, not dataclasses, on the path of `starter log`: a dataclass costs about a
# millisecond to define (its methods are compiled from source at import), a NamedTuple a tenth.
class Provenance(NamedTuple):
    git: dict[str, Any]
    env: dict[str, Any]
    warnings: tuple[str, ...] = ()


def capture(root: Path) -> Provenance:
    """Git state and environment for a run logged in the repository at `root`."""
    warnings: list[str] = []
    git = git_state(Path(root), warnings)
    return Provenance(git=git, env=environment(), warnings=tuple(warnings))


# ----------------------------------------------------------------------------- git


def _git(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes] | None:
    try:
        done = subprocess.run(
            ["git", "--no-optional-locks", *args],
            cwd=root,
            capture_output=True,
            stdin=subprocess.DEVNULL,
        )
    except OSError:
        return None
    if check and done.returncode != 0:
        return None
    return done


def _pathspec() -> list[str]:
    # ":/" is the whole work tree (the card may sit in a subfolder of a larger repository);
    # the excludes are relative to the card's folder, where git runs.
    return ["--", ":/", *(f":(exclude){p}" for p in OWN_PATHS)]


def git_state(root: Path, warnings: list[str]) -> dict[str, Any]:
    """{commit, branch, dirty, diff_hash, patch, untracked_skipped} from two or three `git`
    calls (no gitpython: `starter log` must stay close to the cost of starting Python)."""
    status = _git(
        root, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all", *_pathspec()
    )
    if status is None:
        warnings.append(
            "not in a git repository (or git is missing): the run is logged without a commit"
        )
        return {}
    commit = branch = None
    changed: list[str] = []
    untracked: list[str] = []
    entries = status.stdout.decode("utf-8", "surrogateescape").split("\0")
    skip_next = False
    for entry in entries:
        if skip_next:  # the original path of a rename
            skip_next = False
            continue
        if entry.startswith("# branch.oid "):
            oid = entry.split(" ", 2)[2]
            commit = None if oid == "(initial)" else oid
        elif entry.startswith("# branch.head "):
            head = entry.split(" ", 2)[2]
            branch = None if head == "(detached)" else head
        elif entry.startswith("? "):
            untracked.append(entry[2:])
        elif entry[:2] in ("1 ", "2 ", "u "):
            changed.append(entry)
            skip_next = entry.startswith("2 ")
    dirty = bool(changed or untracked)
    state: dict[str, Any] = {"commit": commit, "branch": branch, "dirty": dirty}
    if commit is None:
        warnings.append("the repository has no commit yet: the run is logged without one")
    if not dirty:
        return state
    patch, skipped = _patch(root, commit, bool(changed), untracked)
    import hashlib

    digest = hashlib.sha256(patch).hexdigest()[:16]
    target = patches_dir(root) / f"{digest}.patch"
    if not target.exists():
        from starter.fsutil import atomic_write_bytes

        atomic_write_bytes(target, patch)
    state["diff_hash"] = digest
    state["patch"] = f"{RESULTS_DIR}/{PATCHES_DIR}/{digest}.patch"
    if skipped:
        # Name a few; a long list would weigh on every line of the log.
        state["untracked_skipped"] = len(skipped)
        state["untracked_skipped_names"] = skipped[:5]
    count = len(changed) + len(untracked)
    warnings.append(
        f"uncommitted changes in {count} file{'s' if count != 1 else ''}: the run is logged "
        f"with their patch ({state['patch']}); commit first for a clean record"
    )
    return state


def head(root: Path) -> dict[str, Any]:
    """{commit, branch, dirty} of the repository, without saving a patch: where a record
    made from another tool's files was written (`logged_at`), not what made the run."""
    status = _git(root, "status", "--porcelain=v2", "--branch", "-z", *_pathspec())
    if status is None:
        return {}
    state: dict[str, Any] = {"commit": None, "branch": None, "dirty": False}
    for entry in status.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if entry.startswith("# branch.oid "):
            oid = entry.split(" ", 2)[2]
            state["commit"] = None if oid == "(initial)" else oid
        elif entry.startswith("# branch.head "):
            name = entry.split(" ", 2)[2]
            state["branch"] = None if name == "(detached)" else name
        elif entry[:2] in ("1 ", "2 ", "u ", "? "):
            state["dirty"] = True
    return state


def _patch(
    root: Path, commit: str | None, has_changes: bool, untracked: list[str]
) -> tuple[bytes, list[str]]:
    parts: list[bytes] = []
    if has_changes:
        against = [commit] if commit else ["--cached"]
        done = _git(root, "diff", "--binary", *against, *_pathspec())
        if done is not None:
            parts.append(done.stdout)
    skipped: list[str] = []
    included = 0
    top = _git(root, "rev-parse", "--show-toplevel")
    toplevel = Path(top.stdout.decode().strip()) if top else root
    for name in untracked:
        path = toplevel / name
        try:
            too_big = path.stat().st_size > MAX_UNTRACKED_BYTES
        except OSError:
            continue
        if too_big or included >= MAX_UNTRACKED_FILES:
            skipped.append(name)
            continue
        included += 1
        # --no-index exits 1 when the files differ, which they always do here.
        done = _git(toplevel, "diff", "--no-index", "--binary", "--", os.devnull, name, check=False)
        if done is not None and done.returncode in (0, 1):
            parts.append(done.stdout)
    return b"".join(parts), skipped


# ----------------------------------------------------------------------------- machine


def _normal(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


def package_versions() -> dict[str, str]:
    """Versions of KEY_PACKAGES from the names of their metadata folders on sys.path
    (`numpy-2.1.0.dist-info`): one listdir per path entry, where importlib.metadata.version
    would scan every entry once per package (~30 ms for five, most of `starter log`)."""
    import sys

    wanted = {_normal(name): name for name in KEY_PACKAGES}
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if not folder.endswith((".dist-info", ".egg-info")):
                continue
            stem = folder.rsplit(".", 1)[0]
            name, _, version = stem.partition("-")
            key = _normal(name)
            if key in wanted and version and wanted[key] not in found:
                found[wanted[key]] = version.split("-")[0]
        if len(found) == len(wanted):
            break
    return dict(sorted(found.items()))


def cpu_name() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.startswith(("model name", "Hardware", "cpu model")):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or None


def gpus() -> list[str]:
    """GPU names from nvidia-smi, when it is on PATH (it is the one reliable source)."""
    import shutil

    exe = shutil.which("nvidia-smi")
    if exe is None:
        return []
    try:
        done = subprocess.run(
            [exe, "--query-gpu=name,driver_version", "--format=csv,noheader"],
            capture_output=True,
            text=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if done.returncode != 0:
        return []
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def os_name() -> str:
    """What platform.platform() says ("Linux-6.8.0-x86_64-with-glibc2.39"), without its
    reading of the Python executable to find the C library (a few ms of every `starter log`)."""
    import platform

    try:
        uname, libc = os.uname(), os.confstr("CS_GNU_LIBC_VERSION")
    except (AttributeError, ValueError, OSError):
        return platform.platform()  # not glibc Linux: macOS, Windows, musl
    if uname.sysname != "Linux" or not libc:
        return platform.platform()
    return f"{uname.sysname}-{uname.release}-{uname.machine}-with-{libc.replace(' ', '')}"


def environment() -> dict[str, Any]:
    import platform

    return {
        "host": platform.node() or None,
        "os": os_name(),
        "python": platform.python_version(),
        "packages": package_versions(),
        "cpu": cpu_name(),
        "cpu_count": os.cpu_count(),
        "gpu": gpus(),
    }
