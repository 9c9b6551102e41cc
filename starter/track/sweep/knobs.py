"""A sweep's engine settings: each flag over the card's `[sweep.slurm]` / `[sweep.ray]`
table, over the same table in the user's config file, checked and put in the engine's terms."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from starter.errors import InputError

# key -> what it takes, for the message when it is wrong
SLURM_KEYS = {
    "cluster": "slurm, or local (submitit's local executor: try the set-up on this machine)",
    "partition": "a partition name",
    "time": 'minutes or [D-]HH:MM[:SS], e.g. 120 or "2:00:00"',
    "gpus_per_task": "a whole number",
    "cpus_per_task": "a whole number",
    "mem": 'memory per node, e.g. "16G" or "500M"',
    "account": "an account name",
    "qos": "a quality of service",
    "constraint": "a node feature constraint",
    "array_parallelism": "how many runs at once, a whole number",
    "setup": 'shell lines run before each job, e.g. ["module load cuda"]',
    "additional": 'a table of other sbatch options, e.g. { mail-type = "END" }',
}
RAY_KEYS = {
    "address": 'the cluster, e.g. "ray://head:10001" or "auto" (default: a Ray on this machine)',
    "cpus_per_task": "CPUs each run needs, a whole number",
    "gpus_per_task": "GPUs each run needs, a number",
}
_MEM = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)B?\s*$", re.IGNORECASE)


def resolve(root: Path, engine: str, flags: dict[str, Any]) -> dict[str, Any]:
    """The settings in force for `engine` ("slurm" or "ray"), checked."""
    keys = SLURM_KEYS if engine == "slurm" else RAY_KEYS
    merged: dict[str, Any] = {}
    for where, table in (
        ("config file", _config_table(engine)),
        ("paper.toml", _card_table(root, engine)),
    ):
        unknown = sorted(set(table) - set(keys))
        if unknown:
            raise InputError(
                f"{where}: [sweep.{engine}] {unknown[0]}: unknown setting; known: {', '.join(keys)}"
            )
        merged.update(table)
    merged.update({k: v for k, v in flags.items() if v is not None})
    return _check(engine, merged)


def _card_table(root: Path, engine: str) -> dict[str, Any]:
    import tomllib

    path = Path(root) / "paper.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}  # the card was read when the repository was opened; nothing more here
    return _table(data, engine, str(path))


def _config_table(engine: str) -> dict[str, Any]:
    from starter.config import file_table

    return _table({"sweep": file_table("sweep")}, engine, "the config file")


def _table(data: dict[str, Any], engine: str, where: str) -> dict[str, Any]:
    sweep = data.get("sweep") or {}
    table = sweep.get(engine, {}) if isinstance(sweep, dict) else None
    if not isinstance(table, dict):
        raise InputError(f"{where}: [sweep.{engine}] must be a table, e.g. [sweep.{engine}]")
    return table


def _check(engine: str, values: dict[str, Any]) -> dict[str, Any]:
    keys = SLURM_KEYS if engine == "slurm" else RAY_KEYS
    out: dict[str, Any] = {}
    for key, value in values.items():
        wanted = keys[key]
        if key == "time":
            out[key] = minutes(value)
        elif key == "mem":
            out["mem_gb"] = gigabytes(value)
        elif key == "cluster":
            if value not in ("slurm", "local"):
                raise InputError(f"[sweep.slurm] cluster = {value!r}: use {wanted}")
            out[key] = value
        elif key in ("gpus_per_task", "cpus_per_task", "array_parallelism"):
            number = _number(
                key, value, wanted, whole=not (engine == "ray" and key == "gpus_per_task")
            )
            out[key] = number
        elif key == "setup":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise InputError(f"[sweep.slurm] setup: expected {wanted}")
            out[key] = list(value)
        elif key == "additional":
            if not isinstance(value, dict):
                raise InputError(f"[sweep.slurm] additional: expected {wanted}")
            out[key] = dict(value)
        else:
            if not isinstance(value, str) or not value.strip():
                raise InputError(f"sweep {engine} setting {key}: expected {wanted}")
            out[key] = value.strip()
    return out


def _number(key: str, value: Any, wanted: str, whole: bool = True) -> float | int:
    try:
        number = float(value) if not isinstance(value, bool) else None
    except (TypeError, ValueError):
        number = None
    if number is None or number < 0 or (whole and number != int(number)):
        raise InputError(f"{key.replace('_', '-')} {value!r}: expected {wanted}")
    return int(number) if number == int(number) else number


def minutes(value: Any) -> int:
    """Slurm's --time as whole minutes, read as Slurm reads it: "90" (minutes), "90:30"
    (minutes:seconds), "1:30:00", "2-00" (days-hours), "2-12:30", "2-12:30:00"."""
    text = str(value).strip()
    days, dash, rest = text.rpartition("-") if "-" in text else ("0", "", text)
    parts = rest.split(":")
    try:
        numbers = [int(p) for p in parts] if all(p.isdigit() for p in parts) else []
        day_count = int(days) if days.isdigit() else -1
    except ValueError:
        numbers, day_count = [], -1
    if numbers and day_count >= 0 and len(numbers) <= 3:
        if dash:  # days-hours[:minutes[:seconds]]
            numbers += [0] * (3 - len(numbers))
            seconds = day_count * 86400 + numbers[0] * 3600 + numbers[1] * 60 + numbers[2]
        elif len(numbers) == 1:
            seconds = numbers[0] * 60
        elif len(numbers) == 2:
            seconds = numbers[0] * 60 + numbers[1]
        else:
            seconds = numbers[0] * 3600 + numbers[1] * 60 + numbers[2]
        if seconds > 0:
            return -(-seconds // 60)
    raise InputError(f"--time {value!r}: expected {SLURM_KEYS['time']}")


def gigabytes(value: Any) -> float:
    """Memory as GB for submitit: 16 (GB), "16G", "500M", "1.5T"."""
    if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
        return float(value)
    match = _MEM.match(str(value))
    if match and float(match.group(1)) > 0:
        scale = {"K": 1 / 1024**2, "M": 1 / 1024, "G": 1.0, "T": 1024.0, "": 1.0}
        return float(match.group(1)) * scale[match.group(2).upper()]
    raise InputError(f"--mem {value!r}: expected {SLURM_KEYS['mem']}")
