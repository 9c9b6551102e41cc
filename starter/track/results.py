"""The append-only results log (`results/runs.jsonl`): locked single-write appends, and
streaming reads that report torn or hand-edited lines by number instead of failing."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from starter.errors import InputError, SetupError
from starter.fsutil import file_lock
from starter.models import MAX_MAGNITUDE, number_problem, shorten

if TYPE_CHECKING:
    from starter.track.values import Run

LOG_SCHEMA = 1
RESULTS_DIR = "results"
LOG_NAME = "runs.jsonl"
PATCHES_DIR = "patches"
RECORD_TYPES = ("run", "tolerance")
ORIGINS = ("captured", "imported", "recorded")
RUN_KINDS = ("reproduction", "extension", "checkpoint")

# A log that is mostly garbage should not cost memory per bad line: name the first ones.
MAX_PROBLEMS = 100


def log_path(root: Path) -> Path:
    return Path(root) / RESULTS_DIR / LOG_NAME


def patches_dir(root: Path) -> Path:
    return Path(root) / RESULTS_DIR / PATCHES_DIR


def now() -> str:
    """The current time in UTC, ISO 8601 with milliseconds and a Z (sorts as text)."""
    # time, not datetime: importing datetime costs `starter log` more than writing the line.
    import time

    moment = time.time()
    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))
    return f"{whole}.{int(moment * 1000) % 1000:03d}Z"


def new_run_id() -> str:
    return os.urandom(6).hex()


# ----------------------------------------------------------------------------- records


def run_record(
    metrics: dict[str, float],
    *,
    kind: str = "reproduction",
    failed: bool = False,
    seed: int | None = None,
    params: dict[str, str] | None = None,
    note: str | None = None,
    deviation: str | dict[str, str] | None = None,
    group: str | None = None,
    origin: str = "captured",
    source: dict[str, Any] | None = None,
    command: str | None = None,
    duration: float | None = None,
    logged_at: dict[str, Any] | None = None,
    git: dict[str, Any] | None = None,
    env: dict[str, Any] | None = None,
    starter_version: str | None = None,
    time: str | None = None,
    run_id: str | None = None,
    interrupted: str | None = None,
) -> dict[str, Any]:
    """One "run" line of the log. The fields status reads come first, up to "metrics", so a
    person (or jq) sees what matters before the provenance, and status decodes only those
    (see read_records). `origin` says how starter got the run: "captured" (starter ran or
    logged it here, and the provenance is this machine's), "imported" (read from another
    tool's files; `source` names the tool and the run's id there, which makes importing
    again idempotent) or "recorded" (typed in, with provenance given by hand). `group`
    keeps independent reproductions of a claim apart. `deviation` is a text for every claim
    of the run or {claim: text}. `trial` (see trials.trial_key) lets status count a repeated
    trial once without decoding the provenance. For a run made elsewhere (imported or
    recorded), `time`, `git` and `env` are the run's own, and `logged_at` says when and
    from which commit of this repository starter wrote the record ({time, commit, branch,
    dirty, host}). `interrupted` names the signal that stopped a `starter run` (such a run
    is also failed). Both are written only when set, between "duration" and "git"."""
    for name, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(f"metric {name!r}: expected a number, got {value!r}")
        if problem := number_problem(value):
            raise InputError(f"metric {name!r}: the value is {problem}")
    if kind not in RUN_KINDS:
        raise InputError(f"unknown run kind {kind!r}; use {', '.join(RUN_KINDS)}")
    if isinstance(deviation, dict) and not all(
        isinstance(k, str) and isinstance(v, str) for k, v in deviation.items()
    ):
        raise InputError("a scoped deviation maps claim ids to texts")
    if origin not in ORIGINS:
        raise InputError(f"unknown run origin {origin!r}; use {', '.join(ORIGINS)}")
    if starter_version is None:
        from starter import __version__ as starter_version
    from starter.track.trials import trial_key

    run_id = run_id or new_run_id()
    own = None  # without a seed, an executed or imported run is a trial of its own
    if seed is None and (duration is not None or source is not None):
        from starter.track.trials import source_key

        own = source_key(source) or run_id
    record = {
        "schema": LOG_SCHEMA,
        "type": "run",
        "id": run_id,
        "time": time or now(),
        "kind": kind,
        "failed": failed,
        "deviation": deviation,
        "group": group,
        "origin": origin,
        "source": source,
        "trial": trial_key(seed, params or {}, git or {}, env or {}, own),
        "metrics": dict(metrics),
        "seed": seed,
        "params": dict(params or {}),
        "note": note,
        "command": command,
        "duration": duration,
        "git": git or {},
        "env": env or {},
        "starter_version": starter_version,
    }
    if logged_at is not None or interrupted is not None:
        # Between "duration" and "git", only where they say something (CONVENTIONS.md):
        # status reads neither ("failed" says an interrupted run does not count).
        record = {k: v for k, v in record.items() if k not in ("git", "env", "starter_version")}
        if logged_at is not None:
            record["logged_at"] = logged_at
        if interrupted is not None:
            record["interrupted"] = interrupted
        record.update(git=git or {}, env=env or {}, starter_version=starter_version)
    return record


def tolerance_record(claim_id: str, value: float, origin: str, time: str | None = None) -> dict:
    return {
        "schema": LOG_SCHEMA,
        "type": "tolerance",
        "time": time or now(),
        "claim": claim_id,
        "value": value,
        "origin": origin,
    }


# ----------------------------------------------------------------------------- writing


def append(root: Path, records: Iterable[dict[str, Any]]) -> None:
    """Append records to the log as one locked write, then fsync: a whole line or nothing.

    The lock (fcntl on the log itself) keeps concurrent writers from interleaving bytes;
    O_APPEND plus a single write() keeps each record whole. A torn last line left by a
    crash gets a newline first, so the new record starts on a line of its own. A write
    that fails midway (a full disk) is cut back to where it started, under the lock.
    """
    records = list(records)
    if not records:
        return
    fd, path = _open(root)
    try:
        with _locked(fd, path):
            _write_locked(fd, records, path)
    finally:
        os.close(fd)


def _open(root: Path) -> tuple[int, Path]:
    path = log_path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o666), path
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise SetupError(
            f"cannot write the results log {path}: {reason}; nothing was written"
        ) from None


def _write_locked(fd: int, records: list[dict[str, Any]], path: Path | None = None) -> None:
    """Append `records` to the locked log: a whole line each, or nothing (a write that fails
    midway, on a full disk, is cut back to where it started)."""
    data = "".join(json.dumps(r, ensure_ascii=False, allow_nan=False) + "\n" for r in records)
    if not data:
        return
    size = os.fstat(fd).st_size
    try:
        payload = data.encode("utf-8")
        if size and os.pread(fd, 1, size - 1) != b"\n":
            payload = b"\n" + payload
        written = os.write(fd, payload)
        while written < len(payload):  # only on full disks and the like
            written += os.write(fd, payload[written:])
        os.fsync(fd)
    except OSError as exc:
        try:
            os.ftruncate(fd, size)
            os.fsync(fd)
        except OSError:
            pass  # the reader reports a torn line by number and skips it
        raise SetupError(
            f"cannot write the results log {path or Path(RESULTS_DIR, LOG_NAME)}: "
            f"{(exc.strerror or str(exc)).lower()}; nothing was written"
            + ("; free some disk space" if exc.errno in (27, 28, 122) else "")
        ) from None


_locked = file_lock  # the log's lock (fsutil.file_lock), as idempotent.py takes it


# ----------------------------------------------------------------------------- reading


class Problem(NamedTuple):  # not a dataclass: see provenance.Provenance
    line: int
    message: str

    def __str__(self) -> str:
        return f"{RESULTS_DIR}/{LOG_NAME} line {self.line}: {self.message}"


# The fields status needs come first on every line starter writes, up to "metrics"; the
# next field is "seed". Decoding just that head is ~2x faster than the whole line (the
# provenance is most of it), which keeps `status` on 100,000 runs near half a second.
# A JSON string never holds an unescaped quote, so the markers cannot occur inside one,
# and a line cut short by a crash never ends with its last field, which is checked.
_HEAD_END = b', "seed": '
_TAIL = b', "starter_version": '
_TAIL_END = rb'(?:null|"[^"\\]*")\}\r?\n?\Z'


def read_records(
    path: Path,
    problems: list[Problem],
    head_only: bool = False,
    span: tuple[int, int] | None = None,
    lines_read: list[int] | None = None,
    keep_raw: bool = False,
) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) for each valid line, streaming; bad lines go to `problems`.

    With head_only, run records written by starter hold only the fields status reads
    (schema, type, id, time, kind, failed, deviation, group, origin, source, trial,
    metrics); a line without "trial" (written before it existed) is read whole. With
    span=(start, end), only the lines that start in that byte range are read (both ends
    on line starts, see line_spans), numbered from 1 within it. `lines_read`, when given,
    gets the number of lines read appended once the reading ends (where the next span's
    numbers start). With keep_raw, a record that holds only the head has its whole line
    (bytes) under the key 0
    (never a JSON key), for a reader that wants more of it.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 -- closed below, when the generator ends
    except FileNotFoundError:
        return
    except OSError as exc:
        raise SetupError(f"cannot read the results log {path}: {exc.strerror}") from None
    # The C scanner behind json.loads, called directly: json.loads adds ~50% per short line.
    # The ignore: typeshed types its argument as a make_scanner (a TODO there); the stdlib
    # itself passes a JSONDecoder.
    import json.scanner

    scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
    head_end, tail, tail_end = _HEAD_END, _TAIL, re.compile(_TAIL_END)
    low, top = -MAX_MAGNITUDE, MAX_MAGNITUDE
    start = len(problems)
    more, last_bad, number = 0, 0, 0
    with handle:
        lines: Iterable[bytes] = handle if span is None else _lines_in(handle, *span)
        for number, raw in enumerate(lines, start=1):
            record = None
            if head_only:
                cut = raw.find(head_end)
                if cut > 0:
                    end = raw.rfind(tail)
                    if end > cut and tail_end.match(raw, end + len(tail)):
                        text = raw[:cut].decode("utf-8", "replace") + "}"
                        try:  # inlined _scan_whole: this is the loop of `starter status`
                            record, stop = scan(text, 0)
                        except (ValueError, StopIteration, RecursionError):
                            record = None
                        else:
                            # A line from before `trial`, or in another key order (seed
                            # before metrics), is read whole.
                            if (
                                stop != len(text)
                                or type(record) is not dict
                                or "trial" not in record
                                or "metrics" not in record
                                or "failed" not in record
                            ):
                                record = None
                            elif keep_raw and type(record) is dict:
                                record[0] = raw
            if record is None:
                # "replace": a line cut inside a multi-byte character is one bad line.
                text = raw.decode("utf-8", "replace").strip()
                if not text:
                    continue
                record = _scan_whole(scan, text)
                if record is None:
                    if len(problems) - start >= MAX_PROBLEMS:
                        more, last_bad = more + 1, number
                        continue
                    cut_short = "" if raw.endswith(b"\n") else " (cut short)"
                    problems.append(Problem(number, f"not valid JSON{cut_short}; skipped"))
                    continue
            if type(record) is dict and record.get("type") == "run" and record.get("schema") == 1:
                metrics = record.get("metrics")
                message = None
                if type(metrics) is dict:
                    for value in metrics.values():
                        kind = type(value)
                        if (kind is not float and kind is not int) or not low <= value <= top:
                            message = _check_run(record)  # the slow path names the problem
                            break
                else:
                    message = _check_run(record)
            else:
                message = _check(record)
            if message:
                if len(problems) - start >= MAX_PROBLEMS:
                    more, last_bad = more + 1, number
                    continue
                problems.append(Problem(number, message + "; skipped"))
                continue
            yield number, record
    if lines_read is not None:
        lines_read.append(number)
    if more:
        problems.append(Problem(last_bad, f"and {more} more bad lines up to this one; skipped"))


def _lines_in(handle: Any, start: int, end: int) -> Iterator[bytes]:
    handle.seek(start)
    remaining = end - start
    for raw in handle:
        if remaining <= 0:
            return
        remaining -= len(raw)
        yield raw


def line_spans(path: Path, parts: int) -> list[tuple[int, int]]:
    """`parts` byte ranges covering the file, each starting at the beginning of a line."""
    size = path.stat().st_size
    cuts = [0]
    with open(path, "rb") as handle:
        for i in range(1, parts):
            handle.seek(max(size * i // parts, cuts[-1]))
            handle.readline()  # to the start of the next line
            cuts.append(min(handle.tell(), size))
    cuts.append(size)
    return [(a, b) for a, b in pairwise(cuts) if b > a] or [(0, size)]


def _scan_whole(scan: Any, text: str) -> Any:
    """The JSON value that is the whole of `text`, or None (nested too deep included)."""
    try:
        value, end = scan(text, 0)
    except (ValueError, StopIteration, RecursionError):
        return None
    return value if end == len(text) else None


def _check(record: Any) -> str | None:
    if not isinstance(record, dict):
        return "not a JSON object"
    schema = record.get("schema")
    if schema != LOG_SCHEMA:
        if isinstance(schema, int) and schema > LOG_SCHEMA:
            return f"schema {schema} is newer than this starter reads; upgrade starter"
        return f"missing or unknown schema {schema!r}"
    kind = record.get("type")
    if kind == "run":
        return _check_run(record)
    if kind == "tolerance":
        value = record.get("value")
        if not isinstance(record.get("claim"), str) or isinstance(value, bool):
            return "tolerance line without a claim"
        if number_problem(value) or not value > 0:  # type: ignore[operator]
            return "tolerance line without a positive value"
        return None
    return f"unknown type {kind!r}"


def _check_run(record: dict[str, Any]) -> str | None:
    metrics = record.get("metrics")
    if type(metrics) is not dict:
        return "run without a metrics object"
    for name, value in metrics.items():
        problem = number_problem(value)
        if problem:
            return f"metric {shorten(name, 40)!r} is {problem.split(' (')[0]}"
    return None


def run_from_record(record: dict[str, Any], line: int | None = None) -> Run:
    """A Run from a checked "run" record (track/runs.py)."""
    from starter.track.runs import run_from_record as read

    return read(record, line)


def plain_git(git: Any) -> dict[str, Any]:
    """A run's git provenance with the types the report reads: a commit, branch or patch
    that is not text (a hand-edited line) is left out."""
    texts = ("commit", "branch", "diff_hash", "patch")
    return {
        k: v
        for k, v in (git.items() if isinstance(git, dict) else ())
        if (type(v) is bool if k == "dirty" else k not in texts or type(v) is str)
    }


def read_runs(root: Path) -> tuple[list[Run], list[Problem]]:
    """Every run in the log, each once (track/runs.py)."""
    from starter.track.runs import read_runs as read

    return read(root)
