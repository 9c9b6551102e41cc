"""Metrics from files with no tool behind them (`starter log --from`, `starter run --pattern`):
JSON, JSON Lines, CSV, `key = value` blocks and text logs read with presets or a user pattern."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from pathlib import Path

from starter.errors import InputError
from starter.models import number_problem, shorten
from starter.track.importers.base import (
    Imported,
    ImportedRun,
    content_id,
    read_text,
    shown,
)

FORMATS = ("auto", "json", "jsonl", "csv", "text")
_NUM = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# A key is one to four words ("val_acc", "test/error", "validation loss", "HellaSwag
# accuracy"); a word starts with a letter, so "Epoch 3: loss: 0.5" reads as loss = 0.5 and
# never as "Epoch 3" = something, and "step 5 | loss: 3.01" as loss, not "step 5 | loss".
_WORD = r"[A-Za-z_][\w\-./@]*"
_KEY = rf"(?<![\w.\-/@]){_WORD}(?: {_WORD}){{0,3}}"
# "2710/10042=0.2699" is the fraction's value 0.2699; a bare "15.8/23.5GB" or "125/6200"
# is no single number and is skipped; "16,384" is not 16.
_VALUE = rf"(?:{_NUM}\s*/\s*{_NUM}\s*=\s*)?(?P<value>{_NUM})%?(?![\w.]|/\d|,\d)"
PRESETS = {
    "colon": re.compile(rf"(?P<key>{_KEY})\s*:\s*{_VALUE}"),
    "equals": re.compile(rf"(?P<key>{_KEY.replace('{0,3}', '{0,0}')})\s*=\s*{_VALUE}"),
}
# BERT's eval_results.txt and the Hugging Face scripts' *_results.txt: one `key = value` a line.
KEYVALUE = re.compile(r"^\s*(?P<key>[A-Za-z_][\w\-./@]*)\s*=\s*(?P<value>\S+)\s*$")
SEED_KEYS = ("seed", "random_seed")
_NUMBER = re.compile(_NUM)
_SPACES = re.compile(r"\s+")


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


class Scanner:
    """Reads (key, value) pairs line by line, remembering in which kind of line each key was
    seen: the same key in two kinds of line ("train | loss: 0.5", "valid | loss: 0.6") is
    an error naming both lines rather than a silent choice of one."""

    def __init__(self, regexes: list[re.Pattern[str]], check_contexts: bool = True) -> None:
        self.regexes = regexes
        self.check = check_contexts
        self.found: list[tuple[str, float]] = []
        self.seen: dict[str, tuple[str, int, str]] = {}  # key -> (context, line no, line)
        self.number = 0

    def feed(self, line: str) -> None:
        self.number += 1
        for regex in self.regexes:
            pairwise = "key" in regex.groupindex and "value" in regex.groupindex
            end = 0
            for match in regex.finditer(line):
                if pairwise:
                    items = [(match.group("key"), match.group("value"))]
                    if self.check:
                        self._context(match.group("key"), line[end : match.start()], line)
                    end = match.end()
                else:
                    items = [(k, v) for k, v in match.groupdict().items() if v is not None]
                for key, raw in items:
                    value = _number(raw)
                    if value is not None:
                        self.found.append((key, value))

    def _context(self, key: str, before: str, line: str) -> None:
        context = _SPACES.sub(" ", _NUMBER.sub("#", before)).strip(" |,;")
        known = self.seen.get(key)
        if known is None:
            self.seen[key] = (context, self.number, line)
        elif known[0] != context:
            raise InputError(
                f"{key!r} appears in two kinds of line: line {known[1]} "
                f"{known[2].strip()[:80]!r} and line {self.number} {line.strip()[:80]!r}; "
                "name them apart with --pattern, or pick the --preset made for this log"
            )


def scan_text(lines: Iterable[str], regexes: list[re.Pattern[str]]) -> list[tuple[str, float]]:
    """(key, value) pairs in order of appearance. A regex with groups `key` and `value`
    names the metric in the text; otherwise each named group is a metric of that name."""
    scanner = Scanner(regexes, check_contexts=False)
    for line in lines:
        scanner.feed(line)
    return scanner.found


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


def _numeric_items(record: dict, where: str = "the file") -> list[tuple[str, float]]:
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
    suffix = (path.with_suffix("") if path.suffix == ".gz" else path).suffix.lower()
    return {
        ".json": "json",
        ".jsonl": "jsonl",
        ".ndjson": "jsonl",
        ".csv": "csv",
        ".tsv": "csv",
    }.get(suffix, "text")


def is_keyvalue(text: str) -> bool:
    """Every line is `key = value` (BERT's eval_results.txt and the like)."""
    lines = [line for line in text.splitlines() if line.strip()]
    return bool(lines) and all(KEYVALUE.match(line) for line in lines)


def read_keyvalue(path: Path) -> Imported:
    """`key = value` lines: one run; a value that is not a finite number is skipped, said."""
    text = read_text(path)
    metrics: dict[str, float] = {}
    skipped: list[str] = []
    for line in text.splitlines():
        match = KEYVALUE.match(line)
        if not match:
            continue
        value = _number(match.group("value"))
        if value is None:
            continue
        if not math.isfinite(value):
            skipped.append(f"{match.group('key')} = {match.group('value')}")
            continue
        metrics[match.group("key")] = value
    notes = [f"skipped values that are not finite numbers: {', '.join(skipped)}"] if skipped else []
    if not metrics:
        raise InputError(f"found no `key = value` numbers in {path}")
    metrics, seed = _split_seed(metrics)
    run = ImportedRun(
        metrics=metrics,
        seed=seed,
        source={"tool": "keyvalue", "id": content_id(path), "path": shown(path)},
    )
    return Imported(tool="keyvalue", runs=[run], notes=notes, read=[shown(path)])


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
    text = read_text(path)
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
        records = [_numeric_items({k: v for k, v in row.items() if k}) for row in reader]
    else:
        scanner = Scanner(regexes_for(preset, pattern), check_contexts=not pattern)
        for line in text.splitlines():
            scanner.feed(line)
        records = [scanner.found]
        rows = False  # a text log is one run
    tool = preset or ("pattern" if pattern else fmt)
    file_id = content_id(path)
    runs: list[ImportedRun] = []
    if rows:
        for index, items in enumerate(records, start=1):
            metrics, seed = _split_seed(dict(items))
            if metrics:
                source = {"tool": tool, "id": f"{file_id}#{index}", "path": shown(path)}
                runs.append(ImportedRun(metrics=metrics, seed=seed, source=source))
    else:
        metrics, seed = _split_seed(_one_run([p for items in records for p in items], notes))
        if metrics:
            source = {"tool": tool, "id": file_id, "path": shown(path)}
            runs.append(ImportedRun(metrics=metrics, seed=seed, source=source))
    if not runs:
        raise InputError(
            f"found no numbers in {path}; for a text log try --preset colon, --preset equals "
            "or --pattern REGEX with named groups"
        )
    for run in runs:
        for key, value in run.metrics.items():
            if problem := number_problem(value):
                raise InputError(f"{path}: {shorten(key)} = {shorten(str(value))} is {problem}")
    return Imported(tool=tool, runs=runs, notes=notes, read=[shown(path)])
