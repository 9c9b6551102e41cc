"""One streaming pass over the results log, gathering per claim and group what the verdicts
need, counting every run and trial once (trials.py); a large log is read by one process per
core and the parts merged in order."""

from __future__ import annotations

import json
import json.scanner
import os
from array import array
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starter.track.digest import RunDigest
from starter.track.trials import Trials, source_key, trial_of
from starter.track.values import Run

# The report lists the ids behind a claim's values only while they are few enough to draw
# every one (report.plots.MAX_POINTS); beyond that the ids would cost ~60 bytes a run for nothing.
IDS_KEPT = 1000


class Tally:
    """What the log says about one claim in one group, gathered line by line."""

    __slots__ = ("ckpt", "dev", "ext", "first_time", "ids", "trials", "values")

    def __init__(self) -> None:
        # array('d') holds 8 bytes a value: a million runs cost 8 MB, not 32 as floats.
        self.values, self.ext, self.ckpt = array("d"), array("d"), array("d")
        self.dev: dict[str, array[float]] = {}  # deviation as declared -> its values
        self.ids: list[str | int] = []  # a run's id, or its line number when it has none
        self.first_time: str | None = None
        self.trials = Trials()

    def merge(self, other: Tally, offset: int) -> None:
        """Add a later part's tally (`offset`: lines before that part)."""
        self.values.extend(other.values)
        if len(self.ids) <= IDS_KEPT:
            self.ids += [i + offset if type(i) is int else i for i in other.ids]
        for label, values in other.dev.items():
            self.dev.setdefault(label, array("d")).extend(values)
        self.ext.extend(other.ext)
        self.ckpt.extend(other.ckpt)
        self.trials.merge(other.trials)
        if other.first_time is not None and (
            self.first_time is None or other.first_time < self.first_time
        ):
            self.first_time = other.first_time


Tallies = dict[str, dict[str | None, Tally]]  # claim id -> group (None: no group) -> tally


@dataclass
class Pass:
    """What one read of (part of) the log gathered."""

    tallies: Tallies
    runs: list[Run] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    unclaimed: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    digest: RunDigest | None = None
    # (line, record, raw line or None) of the latest runs: the record may be a head only
    recent: deque[tuple[int, dict[str, Any], bytes | None]] | None = None
    lines: int = 0  # lines read: where the next part's line numbers start
    repeated_runs: int = 0  # lines repeating a run already read (same id or source run)
    # A part read by a worker: what it saw, as hashes, to check no run or trial of it
    # repeats one of another part (which only a reading of the whole log can settle).
    fingerprints: list[array[int]] | None = None  # by bucket (hash % workers)


# Below this size one process reads the log faster than two can start; above it, each core
# reads its own part (a million runs: ~4.5 s on one core of this kind of machine).
PARALLEL_MIN_BYTES = 32 * 1024 * 1024


def read_log(
    path: Path,
    claim_ids: list[str],
    keep_runs: bool,
    workers: int | None = None,
    recent: int | None = None,
) -> Pass:
    """The whole log read once: by one process, or by one per core (`workers`: None decides
    by size) unless every Run is kept."""
    if keep_runs:
        workers = 1
    elif workers is None:
        size = path.stat().st_size if path.exists() else 0
        workers = min(os.cpu_count() or 1, 4) if size >= PARALLEL_MIN_BYTES else 1
    read = _read_parallel(path, claim_ids, workers, recent) if workers > 1 else None
    return read if read is not None else _read(path, claim_ids, keep_runs, None, recent)


def recent_runs(read: Pass) -> list[Run]:
    """The most recent runs a pass kept (with recent=N), decoded whole."""
    from starter.track.results import run_from_record

    # typeshed wants a make_scanner, the stdlib passes a JSONDecoder (see read_records)
    scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
    return [
        run_from_record(record if raw is None else _decode(raw, scan) or record, line)
        for line, record, raw in read.recent or ()
    ]


def _read(
    path: Path,
    claim_ids: list[str],
    keep_runs: bool,
    span: tuple[int, int] | None,
    recent: int | None = None,
    fingerprint: int = 0,
) -> Pass:
    """One streaming pass over the log (or the lines starting in `span`); with
    `fingerprint` (a number of buckets), what it saw is summed up in `fingerprints`."""
    from starter.track.results import Problem, read_records, run_from_record

    tallies: Tallies = {claim_id: {} for claim_id in claim_ids}
    out = Pass(tallies)
    ids: set[str] = set()  # every run id read: a copied line counts once (trials.py)
    add_id = ids.add
    sources: set[str] = set()  # every source run imported: a re-import counts once
    events_seen: set[str] = set()
    places: dict[str, str] = {}  # one text per distinct "commit.environment" of the trials
    loose: list[str] = []  # with `fingerprint`: ids of runs that leave no trial behind
    runs, events, unclaimed = out.runs, out.events, out.unclaimed
    keep_values = keep_runs or recent is not None
    ids_kept = None if keep_runs else IDS_KEPT
    digest: RunDigest | None = None
    latest: deque[tuple[int, dict[str, Any], bytes | None]] | None = None
    if recent is not None:
        out.digest = digest = RunDigest()
        out.recent = latest = deque(maxlen=recent)
    counter: list[int] = []
    # The report reads a line written by starter in three parts: the head as status does,
    # the middle (seed .. duration) for the command, and the provenance (git, env), which
    # most runs share byte for byte: decoded once per distinct text, counted otherwise.
    # About twice as fast as decoding every whole line.
    shared: dict[bytes, list[Any]] = {}  # provenance text -> [git, env, runs]
    # typeshed wants a make_scanner, the stdlib passes a JSONDecoder (see read_records)
    scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
    # With keep_raw, a head-only record holds its whole line (bytes) under the int key 0.
    records: Iterator[tuple[int, dict[Any, Any]]] = read_records(
        path,
        out.problems,
        head_only=keep_values is False or digest is not None,
        span=span,
        lines_read=counter,
        keep_raw=digest is not None,
    )
    for number, record in records:
        if record["type"] == "tolerance":
            # The same change twice (a line copied by a merge) is one event: by its content.
            event = repr(
                (record.get("time"), record["claim"], record["value"], record.get("origin"))
            )
            if event in events_seen:
                continue
            events_seen.add(event)
            events.append(
                {
                    "claim": record["claim"],
                    "value": record["value"],
                    "origin": record.get("origin"),
                    "time": record.get("time"),
                }
            )
            continue
        run_id = record.get("id")
        if type(run_id) is str:
            known = len(ids)
            add_id(run_id)
            if len(ids) == known:  # one set operation: cheaper than `in` then add
                out.repeated_runs += 1
                continue
        source = record.get("source")
        if source is not None:
            key = source_key(source)
            if key is not None:
                if key in sources:
                    out.repeated_runs += 1
                    continue
                sources.add(key)
        if digest is not None:
            raw = record.pop(0, None)
            parts = _split(raw, scan, shared) if raw is not None else None
            if parts is None and raw is not None:  # a line starter did not write as usual
                whole = _decode(raw, scan)
                if whole is None:
                    out.problems.append(Problem(number, "not valid JSON; skipped"))
                    continue
                record, raw = whole, None
            if len(shared) > SHARED_MAX:
                _flush(shared, digest)
            if parts is not None:
                command, provenance = parts
                provenance[2] += 1
            else:
                _flush(shared, digest)  # counted in log order: the report lists values so
                git, env, command = (record.get(k) for k in ("git", "env", "command"))
                digest.add_provenance(
                    git if type(git) is dict else {}, env if type(env) is dict else {}
                )
            time = record.get("time")
            digest.add_run(
                record.get("kind"),
                record.get("failed") is True,
                time if type(time) is str else "",
                record["metrics"],
                command if type(command) is str else None,
            )
            latest.append((number, record, raw))  # type: ignore[union-attr]
        if keep_runs:
            runs.append(run_from_record(record, number))
        if record.get("failed") is True:
            out.failed += 1
            if fingerprint and type(run_id) is str:
                loose.append(run_id)
            continue
        kind = record.get("kind")
        deviation = record.get("deviation")
        group = record.get("group")
        if group is not None and (type(group) is not str or not group):
            group = None
        trial = record.get("trial")
        setup, _, place = trial.partition(".") if type(trial) is str else ("", "", "")
        if not place:  # no trial key written: computed from the whole record
            setup, _, place = trial_of(record).partition(".")
        time = record.get("time")
        # Most runs are plain reproductions: they skip the questions below.
        special = (kind is not None and kind != "reproduction") or bool(deviation)
        if fingerprint and special and type(run_id) is str:
            loose.append(run_id)  # no trial of it is kept: its id tells the parts apart
        for name, value in record["metrics"].items():
            by_group = tallies.get(name)
            if by_group is None:
                unclaimed[name] = unclaimed.get(name, 0) + 1
                continue
            tally = by_group.get(group)
            if tally is None:
                tally = by_group[group] = Tally()
            if special:
                declared = deviation.get(name) if type(deviation) is dict else deviation
                if kind == "extension":
                    tally.ext.append(value)
                    continue
                if type(declared) is str and declared:
                    label = f"checkpoint: {declared}" if kind == "checkpoint" else declared
                    tally.dev.setdefault(label, array("d")).append(value)
                    continue
                if kind == "checkpoint":
                    tally.ckpt.append(value)
                    continue
            trials = tally.trials
            first = trials.first.get(setup)
            if first is None:  # inlined Trials.add: the first trial of its setup
                if place == trials.place:
                    trials.first[setup] = value
                else:
                    trials.first[setup] = (places.setdefault(place, place), value)
                    if trials.place is None:
                        trials.place = place
            elif not trials.again(setup, place, value, first):
                continue
            tally.values.append(value)
            if keep_values and (ids_kept is None or len(tally.ids) <= ids_kept):
                tally.ids.append(run_id if isinstance(run_id, str) else number)
            if isinstance(time, str) and (tally.first_time is None or time < tally.first_time):
                tally.first_time = time
    out.lines = counter[0] if counter else 0
    if digest is not None:
        _flush(shared, digest)
    if fingerprint:
        ids.clear()  # the ids are done with: free them before the fingerprints take room
        out.fingerprints = _fingerprints(loose, sources, tallies, fingerprint)
    return out


# Distinct provenance texts held at once before they are counted into the digest.
SHARED_MAX = 4096
_GIT = b', "git": '


def _split(raw: bytes, scan: Any, shared: dict[bytes, list[Any]]) -> tuple[Any, list[Any]] | None:
    """(command, [git, env, runs]) of a line starter wrote, or None to decode it whole."""
    cut = raw.find(b', "seed": ')
    split = raw.find(_GIT, cut)
    if cut < 0 or split < 0:
        return None
    try:  # "seed" .. "duration": one line's own fields (a nested "git" key fails here)
        middle, end = scan("{" + raw[cut + 2 : split].decode("utf-8") + "}", 0)
    except (ValueError, StopIteration, UnicodeDecodeError):
        return None
    if type(middle) is not dict:
        return None
    key = raw[split:].rstrip(b"\r\n")
    provenance = shared.get(key)
    if provenance is None:
        text = "{" + key[2:].decode("utf-8", "replace")
        try:
            tail, end = scan(text, 0)
        except (ValueError, StopIteration):
            return None
        if end != len(text) or type(tail) is not dict:
            return None
        git, env = tail.get("git"), tail.get("env")
        provenance = [git if type(git) is dict else {}, env if type(env) is dict else {}, 0]
        shared[key] = provenance
    return middle.get("command"), provenance


def _decode(raw: bytes, scan: Any) -> dict[str, Any] | None:
    text = raw.decode("utf-8", "replace").strip()
    try:
        record, end = scan(text, 0)
    except (ValueError, StopIteration):
        return None
    return record if end == len(text) and type(record) is dict else None


def _flush(shared: dict[bytes, list[Any]], digest: RunDigest) -> None:
    for git, env, runs in shared.values():
        if runs:
            digest.add_provenance(git, env, runs)
    shared.clear()


def _read_span(args: tuple[Path, list[str], tuple[int, int], int | None, int]) -> Pass:
    path, claim_ids, span, recent, buckets = args
    part = _read(path, claim_ids, False, span, recent, fingerprint=buckets)
    for by_group in part.tallies.values():
        for tally in by_group.values():
            tally.trials.forget()  # the parent needs only the counts and the notes
    return part


def _fingerprints(
    loose: list[str], sources: set[str], tallies: Tallies, buckets: int
) -> list[array[int]]:
    """Hashes of what a part saw that another part may see again: the (claim, group, setup)
    of its trials (a copied line, or a repeated trial, has the same), the source runs, and
    the ids of runs that leave no trial (failed, extension, checkpoint, deviating runs); in
    `buckets` arrays by hash, so that the parts are compared bucket by bucket, one bucket
    per process. A worker is forked from the parent, so str hashes agree across the parts."""
    out = [array("q") for _ in range(buckets)]
    appends = [bucket.append for bucket in out]
    for h in map(hash, loose):
        appends[h % buckets](h)
    for h in map(hash, sources):
        appends[h % buckets](h)
    for claim_id, by_group in tallies.items():
        for group, tally in by_group.items():
            salt = hash((claim_id, group))
            for setup in tally.trials.first:
                h = hash(setup) ^ salt
                appends[h % buckets](h)
    return out


def _overlap(arrays: list[array[int]]) -> bool:
    """Whether one part's bucket shares a hash with another's (then a run or a trial may
    repeat across parts, which only a reading of the whole log can settle)."""
    seen: set[int] = set()
    for index, hashes in enumerate(arrays):
        if not seen.isdisjoint(hashes):
            return True
        if index < len(arrays) - 1:
            seen.update(hashes)
    return False


def _read_parallel(
    path: Path, claim_ids: list[str], workers: int, recent: int | None = None
) -> Pass | None:
    """The log read by `workers` processes, one part each, merged in log order; None when
    processes cannot be forked here (then one process reads it all)."""
    import multiprocessing

    from starter.track.results import line_spans

    spans = line_spans(path, workers)
    if len(spans) < 2:
        return None
    width = len(spans)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(width) as pool:
            tasks = [(path, claim_ids, span, recent, width) for span in spans]
            parts = pool.map(_read_span, tasks)
            buckets = [[p.fingerprints[b] for p in parts if p.fingerprints] for b in range(width)]
            overlap = any(pool.map(_overlap, buckets))
    except (OSError, ValueError):
        return None
    if overlap:
        return None  # a run or trial repeats across parts: read the whole log at once
    for part in parts:
        part.fingerprints = None
    merged = Pass({claim_id: {} for claim_id in claim_ids})
    if recent is not None:
        merged.digest, merged.recent = RunDigest(), deque(maxlen=recent)
    offset = 0  # lines before this part
    for part in parts:
        merged.problems += [p._replace(line=p.line + offset) for p in part.problems]
        if merged.digest is not None and part.digest is not None:
            merged.digest.merge(part.digest)
            merged.recent.extend((line + offset, r, raw) for line, r, raw in part.recent or ())  # type: ignore[union-attr]
        merged.events += [e for e in part.events if e not in merged.events]
        merged.failed += part.failed
        merged.repeated_runs += part.repeated_runs
        for name, count in part.unclaimed.items():
            merged.unclaimed[name] = merged.unclaimed.get(name, 0) + count
        for claim_id, by_group in part.tallies.items():
            for group, tally in by_group.items():
                into = merged.tallies[claim_id].setdefault(group, Tally())
                into.merge(tally, offset)
        offset += part.lines
    return merged
