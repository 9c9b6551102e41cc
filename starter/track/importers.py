"""Metrics from files and training output (`starter log --from`, `starter run --pattern`):
JSON, JSON Lines, CSV and text logs read with presets or a user pattern."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from starter.errors import InputError, NotFoundError
from starter.models import number_problem, shorten

FORMATS = ("auto", "json", "jsonl", "csv", "text")
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# Keys are single tokens ("val_acc", "test/error", "top-1"), so "Epoch 3: loss: 0.5" reads
# as loss = 0.5 and never as "Epoch 3" = something.
_KEY = r"[A-Za-z_][\w\-./@]*"
PRESETS = {
    "colon": re.compile(rf"(?P<key>{_KEY})\s*:\s*(?P<value>{_NUM})%?(?![\w.])"),
    "equals": re.compile(rf"(?P<key>{_KEY})\s*=\s*(?P<value>{_NUM})%?(?![\w.])"),
}
SEED_KEYS = ("seed", "random_seed")


@dataclass(frozen=True)
class Imported:
    """What a file held: one metrics dict per run, with seeds, and notes for the user."""

    runs: list[dict[str, float]]
    seeds: list[int | None]
    notes: list[str] = field(default_factory=list)


def parse_map(items: Iterable[str]) -> dict[str, str]:
    """`--map LOGKEY=CLAIM_ID` options as a dict."""
    mapping: dict[str, str] = {}
    for item in items or ():
        key, sep, claim_id = item.partition("=")
        if not sep or not key.strip() or not claim_id.strip():
            raise InputError(f"--map {item!r}: expected LOGKEY=CLAIM_ID, e.g. val_acc=top1-acc")
        mapping[key.strip()] = claim_id.strip()
    return mapping


def compile_pattern(pattern: str) -> re.Pattern[str]:
    try:
        regex = re.compile(pattern)
    except re.error as exc:
        raise InputError(
            f"--pattern {pattern!r} is not a valid regular expression: {exc}"
        ) from None
    if not regex.groupindex:
        raise InputError(
            f"--pattern {pattern!r} has no named group; write e.g. 'acc (?P<acc>[0-9.]+)' "
            "or '(?P<key>\\w+)=(?P<value>[0-9.]+)'"
        )
    return regex


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().rstrip("%"))
    except ValueError:
        return None
    return value


def scan_text(lines: Iterable[str], regexes: list[re.Pattern[str]]) -> list[tuple[str, float]]:
    """(key, value) pairs in order of appearance. A regex with groups `key` and `value`
    names the metric in the text; otherwise each named group is a metric of that name."""
    found: list[tuple[str, float]] = []
    for line in lines:
        for regex in regexes:
            pairwise = "key" in regex.groupindex and "value" in regex.groupindex
            for match in regex.finditer(line):
                if pairwise:
                    items = [(match.group("key"), match.group("value"))]
                else:
                    items = [(k, v) for k, v in match.groupdict().items() if v is not None]
                for key, raw in items:
                    value = _number(raw)
                    if value is not None:
                        found.append((key, value))
    return found


def regexes_for(preset: str | None, pattern: str | None) -> list[re.Pattern[str]]:
    if pattern:
        return [compile_pattern(pattern)]
    if preset in (None, "auto"):
        return list(PRESETS.values())
    if preset not in PRESETS:
        raise InputError(
            f"unknown --preset {preset!r}; use colon (key: value) or equals (key=value)"
        )
    return [PRESETS[preset]]


def _one_run(pairs: list[tuple[str, float]], notes: list[str]) -> dict[str, float]:
    """Several values of one file form one run; a key seen many times (one value per epoch)
    keeps its last value, and the user is told."""
    metrics: dict[str, float] = {}
    counts: dict[str, int] = {}
    for key, value in pairs:
        metrics[key] = value
        counts[key] = counts.get(key, 0) + 1
    repeated = [f"{k} (last of {n})" for k, n in counts.items() if n > 1]
    if repeated:
        notes.append("kept the last value of " + ", ".join(repeated))
    return metrics


def _numeric_items(record: dict, where: str) -> list[tuple[str, float]]:
    items = []
    for key, value in record.items():
        if isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            if problem := number_problem(value):
                raise InputError(f"{where}: {shorten(str(key))} is {problem}")
            items.append((str(key), float(value)))
        elif isinstance(value, str):
            number = _number(value)
            if number is not None:
                items.append((str(key), number))
    return items


def _split_seed(metrics: dict[str, float]) -> tuple[dict[str, float], int | None]:
    for key in SEED_KEYS:
        if key in metrics and float(metrics[key]).is_integer():
            seed = int(metrics.pop(key))
            return metrics, seed
    return metrics, None


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    return {
        ".json": "json",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".csv": "csv",
        ".tsv": "csv",
    }.get(suffix, "text")


def read_file(
    path: Path,
    fmt: str = "auto",
    preset: str | None = None,
    pattern: str | None = None,
    rows: bool = False,
) -> Imported:
    """Read metrics from `path`: one run for the whole file, or with `rows` one run per JSON
    list item, JSON Lines line or CSV row."""
    if fmt not in FORMATS:
        raise InputError(f"unknown --format {fmt!r}; use {', '.join(FORMATS)}")
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise NotFoundError(f"no file {path}; check the path given to --from") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if fmt == "auto":
        fmt = "text" if pattern or preset else detect_format(path)
    notes: list[str] = []
    records: list[list[tuple[str, float]]]
    if fmt == "json":
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            reason = shorten(str(exc), 80) if isinstance(exc, ValueError) else "nested too deep"
            raise InputError(
                f"{path} is not valid JSON ({reason}); fix it or pick --format"
            ) from None
        items = data if isinstance(data, list) else [data]
        if not all(isinstance(item, dict) for item in items):
            raise InputError(f"{path}: expected a JSON object of metric names to numbers")
        records = [_numeric_items(item, str(path)) for item in items]
    elif fmt == "jsonl":
        records = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except (ValueError, RecursionError):
                raise InputError(f"{path} line {number}: not valid JSON") from None
            if isinstance(item, dict):
                records.append(_numeric_items(item, f"{path} line {number}"))
    elif fmt == "csv":
        import csv

        dialect = "excel-tab" if path.suffix.lower() == ".tsv" else "excel"
        reader = csv.DictReader(text.splitlines(), dialect=dialect)
        records = [_numeric_items({k: v for k, v in row.items() if k}, str(path)) for row in reader]
    else:
        records = [scan_text(text.splitlines(), regexes_for(preset, pattern))]
        rows = False  # a text log is one run
    if rows:
        runs, seeds = [], []
        for items in records:
            metrics, seed = _split_seed(dict(items))
            if metrics:
                runs.append(metrics)
                seeds.append(seed)
    else:
        metrics, seed = _split_seed(_one_run([p for items in records for p in items], notes))
        runs, seeds = ([metrics], [seed]) if metrics else ([], [])
    if not runs:
        raise InputError(
            f"found no numbers in {path}; for a text log try --preset colon, --preset equals "
            "or --pattern REGEX with named groups"
        )
    for metrics in runs:
        for key, value in metrics.items():
            if problem := number_problem(value):
                raise InputError(f"{path}: {shorten(key)} = {shorten(str(value))} is {problem}")
    return Imported(runs=runs, seeds=seeds, notes=notes)


def apply_map(metrics: dict[str, float], mapping: dict[str, str]) -> dict[str, float]:
    """Rename log keys to claim ids; keys without a mapping keep their names."""
    return {mapping.get(key, key): value for key, value in metrics.items()}
