"""File writes that never leave a half-written file behind, and the locks that keep
concurrent writers apart."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    """Write `text` to `path` via a temporary file in the same folder and an atomic rename."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    import tempfile  # here: the results log's writers import this module only for its lock

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class folder_lock:
    """An exclusive lock on a folder, held by concurrent editors of a file in it that is
    replaced atomically (a lock on the file itself would stay with its old inode). flock on
    the folder leaves no lock file behind; without fcntl (Windows), filelock on a file in
    the temporary folder named after the folder's path."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.fd: int | None = None
        self.other: object = None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows
            import hashlib
            import tempfile

            from filelock import FileLock

            digest = hashlib.sha256(str(self.folder.resolve()).encode()).hexdigest()[:16]
            lock = FileLock(str(Path(tempfile.gettempdir()) / f"starter-{digest}.lock"))
            lock.acquire()
            self.other = lock
            return
        self.fd = os.open(self.folder, os.O_RDONLY)
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(self.fd)
            raise

    def __exit__(self, *exc: object) -> None:
        if self.other is not None:
            self.other.release()  # type: ignore[attr-defined]
            return
        if self.fd is not None:
            os.close(self.fd)  # closing the last descriptor releases the flock
            self.fd = None


class file_lock:
    """An exclusive lock on an open file (the results log): fcntl where there is one, else
    filelock on a `.lock` file beside it."""

    def __init__(self, fd: int, path: Path) -> None:
        self.fd, self.path = fd, path
        self.other: Any = None

    def __enter__(self) -> None:
        try:
            import fcntl
        except ImportError:  # Windows
            from filelock import FileLock

            self.other = FileLock(str(self.path) + ".lock")
            self.other.acquire()
            return
        fcntl.flock(self.fd, fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        if self.other is not None:
            self.other.release()
            return
        import fcntl

        fcntl.flock(self.fd, fcntl.LOCK_UN)
