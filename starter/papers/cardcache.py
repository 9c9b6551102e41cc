"""The TOML tables of paper cards, kept as JSON in the user's cache folder under the file's
identity (size, modification time, inode), so that `starter log` and `starter show` read a
card without importing and running a TOML parser: together about 2 ms of every call. Only
the parsing is skipped: every read is validated as a fresh one (card.paper_from_dict)."""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

SCHEMA = 1


def table(path: Path, text_of: Any, parse: Any) -> dict[str, Any]:
    """The parsed table of the card at `path`: from the cache when the file is the one that
    was cached, else `parse(text_of(path))`, cached for next time when possible."""
    try:
        st = os.stat(path)
    except OSError:
        return parse(text_of(path))  # text_of says what is wrong
    identity = [st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev]
    where = _where(st)
    if where is not None:
        try:
            kept = json.loads(where.read_bytes())
            if kept.get("schema") == SCHEMA and kept.get("identity") == identity:
                return kept["table"]
        except (OSError, ValueError, AttributeError, KeyError, TypeError):
            pass  # no entry, or one this version cannot read: parse
    data = parse(text_of(path))
    if where is not None:
        _keep(where, {"schema": SCHEMA, "identity": identity, "table": data})
    return data


def _where(st: os.stat_result) -> Path | None:
    """The entry of the file with this device and inode (a file, whatever path names it)."""
    from starter.config import cache_dir

    try:
        return cache_dir() / "cards" / f"{st.st_dev:x}-{st.st_ino:x}.json"
    except (OSError, ValueError):
        return None


def _keep(where: Path, entry: dict[str, Any]) -> None:
    """Write the entry atomically, or not at all: a card TOML cannot say in JSON (a date)
    or a cache folder that cannot be written only costs the next call a parse."""
    try:
        text = json.dumps(entry, ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError):
        return
    from starter.fsutil import atomic_write_text

    with contextlib.suppress(OSError):
        atomic_write_text(where, text)
