"""The `starter sweep` command that would settle an inconclusive claim, built from the
training command its most recent runs used (read from the end of the results log)."""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

# The log is read backwards in blocks of this size until a run of the claim made by a
# training command turns up.
BLOCK = 1 << 20
_SEED_FLAG = re.compile(r"^(-{1,2}[\w-]*seed)(=)(-?\d+)$", re.IGNORECASE)


def command_template(record: dict[str, Any]) -> str | None:
    """The command a run was made with, its seed written {seed}: a sweep's own template
    when the run came from one, else the recorded command with the value after a --seed
    flag (or in --seed=N) replaced. None for runs no training command made."""
    sweep = record.get("sweep")
    if isinstance(sweep, dict) and isinstance(sweep.get("command"), str):
        return str(sweep["command"])
    command = record.get("command")
    if (
        not isinstance(command, str)
        or not command
        or record.get("origin", "captured") != "captured"
    ):
        return None
    try:
        argv = shlex.split(command)
    except ValueError:
        return None
    if not argv or argv[0] == "starter":  # `starter log` records its own invocation
        return None
    seed = record.get("seed")
    if isinstance(seed, int) and not isinstance(seed, bool):
        text = str(seed)
        for i, arg in enumerate(argv):
            flag = _SEED_FLAG.match(arg)
            if flag and flag.group(3) == text:
                argv[i] = f"{flag.group(1)}={{seed}}"
            elif arg == text and i > 0 and argv[i - 1].lower().endswith("seed"):
                argv[i] = "{seed}"
    return shlex.join(argv)


def settle_command(root: Path, claim_id: str, runs: int, group: str | None = None) -> str:
    """`starter sweep --runs N [--param K=V ...] [--group G] -- CMD`, CMD being the command
    of the most recent run of the claim (in `group`, a row of its own) made by one; CMD is a
    placeholder when there is none."""
    record = _latest_trained(root, claim_id, group)
    parts = ["starter", "sweep", "--runs", str(runs)]
    command = "CMD"
    if record is not None:
        command = command_template(record) or command
        params = record.get("params")
        if isinstance(params, dict):
            for key, value in params.items():
                parts += ["--param", f"{key}={value}"]
    if group:
        parts += ["--group", group]
    return shlex.join(parts) + " -- " + command


def _latest_trained(root: Path, claim_id: str, group: str | None) -> dict[str, Any] | None:
    """The last counted run of `group` in the log with a value for `claim_id` and a
    training command."""
    from starter.track.results import log_path

    path = log_path(root)
    needle = json.dumps(claim_id).encode("utf-8") + b": "
    try:
        handle = open(path, "rb")  # noqa: SIM115 -- closed below
    except OSError:
        return None
    with handle:
        end = handle.seek(0, os.SEEK_END)
        rest = b""
        while end > 0:
            start = max(0, end - BLOCK)
            handle.seek(start)
            block = handle.read(end - start) + rest
            lines = block.split(b"\n")
            # The first piece may be the end of a line that starts in the block before.
            rest = lines.pop(0) if start > 0 else b""
            for raw in reversed(lines):
                record = _candidate(raw, needle, claim_id, group)
                if record is not None:
                    return record
            end = start
        if rest:
            return _candidate(rest, needle, claim_id, group)
    return None


def _candidate(
    raw: bytes, needle: bytes, claim_id: str, group: str | None
) -> dict[str, Any] | None:
    if needle not in raw:
        return None
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(record, dict) or record.get("type") != "run":
        return None
    metrics = record.get("metrics")
    if not isinstance(metrics, dict) or claim_id not in metrics:
        return None
    if record.get("failed") is True or record.get("deviation") or record.get("kind") == "extension":
        return None
    if (record.get("group") or None) != group:
        return None
    return record if command_template(record) is not None else None
