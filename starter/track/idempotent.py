"""Importing the same source again adds nothing: a run read from another tool is appended
only when its source (tool and run id) is not in the results log yet, checked under the
log's lock so that two imports of one source cannot both write it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from starter.track import results


def source_key(record: dict[str, Any]) -> tuple[str, str] | None:
    """(tool, id) of a run read from another tool, which importing again must not repeat."""
    source = record.get("source")
    if isinstance(source, dict):
        tool, run_id = source.get("tool"), source.get("id")
        if isinstance(tool, str) and isinstance(run_id, str | int) and not isinstance(run_id, bool):
            return tool, str(run_id)
    return None


def append_new(root: Path, records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    """Append the records whose source (tool and run id) is not in the log yet, under the
    log's lock so that two imports of the same source cannot both write it; returns the
    records written and how many were skipped."""
    keyed = [(source_key(r), r) for r in records]
    if not any(key for key, _ in keyed):
        results.append(root, records)
        return records, 0
    fd, path = results._open(root)
    try:
        with results._locked(fd, path):
            seen: set[tuple[str, str]] = set()
            problems: list[results.Problem] = []
            for _, old in results.read_records(path, problems, head_only=True):
                key = source_key(old)
                if key is not None:
                    seen.add(key)
            fresh = []
            for key, record in keyed:
                if key is not None and key in seen:
                    continue
                if key is not None:
                    seen.add(key)
                fresh.append(record)
            results._write_locked(fd, fresh)
    finally:
        os.close(fd)
    return fresh, len(records) - len(fresh)
