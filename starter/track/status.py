"""Where every claim stands: one streaming pass over the results log, judged by the verdict
rule; `compute(root)` serves both `starter status` and `starter report`."""

from __future__ import annotations

import json
import json.scanner
import os
from array import array
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from starter.models import Claim, ClaimStatus, Paper, Run
from starter.track.digest import RunDigest

VERDICT_ORDER = (
    "reproduced",
    "exceeds",
    "not-reproduced",
    "inconclusive",
    "indicative",
    "needs-tolerance",
    "not-comparable",
    "pending",
    "not-judged",
)
# Verdicts that rest on a 95% interval: each could land "outside" by chance alone.
INTERVAL_VERDICTS = ("reproduced", "exceeds", "not-reproduced", "inconclusive")


@dataclass(frozen=True)
class StatusReport:
    root: Path
    paper: Paper
    claims: list[ClaimStatus]  # central claims first, then card order
    # every run read (failed and extension ones too); [] with keep_runs=False; with recent=N
    # the N most recent ones (`digest` counts them all)
    runs: list[Run]
    problems: list[str]  # e.g. "results/runs.jsonl line 12: not valid JSON; skipped"
    counts: dict[str, int]  # verdict -> number of claims, in VERDICT_ORDER
    expected_outside: float  # "outside" verdicts chance alone would give among judged claims
    tolerance_events: list[dict[str, Any]] = field(
        default_factory=list
    )  # claim, value, origin, time
    unclaimed_metrics: dict[str, int] = field(default_factory=dict)  # logged name -> runs
    failed_runs: int = 0
    # With recent=N (what `starter report` uses): what the report shows of every run, while
    # `runs` holds only the N most recent; None otherwise.
    digest: RunDigest | None = None


# The report lists the ids behind a claim's values only while they are few enough to draw
# every one (plots.MAX_POINTS); beyond that the ids would cost ~60 bytes a run for nothing.
IDS_KEPT = 1000


class _Tally:
    """What the log says about one claim, gathered line by line in bounded memory."""

    __slots__ = ("dev", "ext", "first_time", "ids", "values")

    def __init__(self) -> None:
        # array('d') holds 8 bytes a value: a million runs cost 8 MB, not 32 as floats.
        self.values, self.dev, self.ext = array("d"), array("d"), array("d")
        self.ids: list[str | int] = []  # a run's id, or its line number when it has none
        self.first_time: str | None = None


@dataclass
class _Pass:
    """What one read of (part of) the log gathered."""

    tallies: dict[str, _Tally]
    runs: list[Run] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    unclaimed: dict[str, int] = field(default_factory=dict)
    failed: int = 0
    digest: RunDigest | None = None
    # (line, record, raw line or None) of the latest runs: the record may be a head only
    recent: deque[tuple[int, dict[str, Any], bytes | None]] | None = None
    lines: int = 0  # lines read: where the next part's line numbers start


# Below this size one process reads the log faster than two can start; above it, each core
# reads its own part (a million runs: ~4.5 s on one core of this kind of machine).
PARALLEL_MIN_BYTES = 32 * 1024 * 1024


def compute(
    root: Path, *, keep_runs: bool = True, workers: int | None = None, recent: int | None = None
) -> StatusReport:
    """Read the card at `root` and stream `results/runs.jsonl` once. With keep_runs=False
    (what `starter status` uses) neither Run objects nor per-claim value tuples are kept
    (`runs` is empty, `values` and `run_ids` are ()), so a million runs fit in ~100 MiB,
    and a large log is read by one process per core (`workers`: None = decide by size).
    With recent=N (what `starter report` uses, whatever keep_runs says) the values are kept,
    `runs` holds the N most recent runs, `digest` sums up all of them, and a large log is
    read by one process per core too."""
    from starter.papers.card import CARD_NAME, load_card
    from starter.track.results import log_path, run_from_record
    from starter.track.verdicts import Summary, expected_outside, judge

    # typeshed wants a make_scanner, the stdlib passes a JSONDecoder (see read_records)
    scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]
    root = Path(root)
    paper = load_card(root / CARD_NAME)
    claim_ids = [claim.id for claim in paper.claims]
    path = log_path(root)
    if recent is not None:
        keep_runs = False
    if keep_runs:
        workers = 1
    elif workers is None:
        size = path.stat().st_size if path.exists() else 0
        workers = min(os.cpu_count() or 1, 4) if size >= PARALLEL_MIN_BYTES else 1
    read = _read_parallel(path, claim_ids, workers, recent) if workers > 1 else None
    if read is None:
        read = _read(path, claim_ids, keep_runs, None, recent)
    tallies, runs, events = read.tallies, read.runs, read.events
    if read.recent is not None:
        runs = [
            run_from_record(record if raw is None else _decode(raw, scan) or record, line)
            for line, record, raw in read.recent
        ]
    problem_list, unclaimed, failed = read.problems, read.unclaimed, read.failed
    statuses = []
    ordered = sorted(paper.claims, key=lambda c: not c.central)  # stable: card order kept
    for claim in ordered:
        tally = tallies[claim.id]
        compared = _mean_instead_of_best(claim, paper)
        status = judge(compared or claim, Summary.of(tally.values), Summary.of(tally.dev))
        if compared is not None:
            notes = tuple(n for n in status.notes if not n.startswith("biased comparison"))
            note = f"compared with the paper's mean ({compared.id}), not its best of n"
            status = replace(status, id=claim.id, notes=(*notes, note))
        statuses.append(_with_log(status, claim, tally, events, keep_runs or recent is not None))
    counts: dict[str, int] = {}
    for verdict in VERDICT_ORDER:
        number = sum(1 for s in statuses if s.verdict == verdict)
        if number:
            counts[verdict] = number
    judged = sum(1 for s in statuses if s.verdict in INTERVAL_VERDICTS and s.ci95 is not None)
    return StatusReport(
        root=root,
        paper=paper,
        claims=statuses,
        runs=runs,
        problems=[str(p) for p in problem_list],
        counts=counts,
        expected_outside=expected_outside(judged),
        tolerance_events=events,
        unclaimed_metrics=unclaimed,
        failed_runs=failed,
        digest=read.digest,
    )


def _read(
    path: Path,
    claim_ids: list[str],
    keep_runs: bool,
    span: tuple[int, int] | None,
    recent: int | None = None,
) -> _Pass:
    """One streaming pass over the log (or the lines starting in `span`)."""
    from starter.track.results import Problem, read_records, run_from_record

    tallies = {claim_id: _Tally() for claim_id in claim_ids}
    out = _Pass(tallies)
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
        if digest is not None and record["type"] == "run":
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
                record.get("kind") == "extension",
                record.get("failed") is True,
                time if type(time) is str else "",
                record["metrics"],
                command if type(command) is str else None,
            )
            latest.append((number, record, raw))  # type: ignore[union-attr]
        if record["type"] == "tolerance":
            events.append(
                {
                    "claim": record["claim"],
                    "value": record["value"],
                    "origin": record.get("origin"),
                    "time": record.get("time"),
                }
            )
            continue
        if keep_runs:
            runs.append(run_from_record(record, number))
        if record.get("failed") is True:
            out.failed += 1
            continue
        extension = record.get("kind") == "extension"
        deviation = record.get("deviation")
        time = record.get("time")
        run_id = record.get("id")
        for name, value in record["metrics"].items():
            tally = tallies.get(name)
            if tally is None:
                unclaimed[name] = unclaimed.get(name, 0) + 1
                continue
            if extension:
                tally.ext.append(value)
            elif deviation:
                tally.dev.append(value)
            else:
                tally.values.append(value)
                if keep_values and (ids_kept is None or len(tally.ids) <= ids_kept):
                    tally.ids.append(run_id if isinstance(run_id, str) else number)
                if isinstance(time, str) and (tally.first_time is None or time < tally.first_time):
                    tally.first_time = time
    out.lines = counter[0] if counter else 0
    if digest is not None:
        _flush(shared, digest)
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


def _read_span(args: tuple[Path, list[str], tuple[int, int], int | None]) -> _Pass:
    path, claim_ids, span, recent = args
    return _read(path, claim_ids, False, span, recent)


def _read_parallel(
    path: Path, claim_ids: list[str], workers: int, recent: int | None = None
) -> _Pass | None:
    """The log read by `workers` processes, one part each, merged in log order; None when
    processes cannot be forked here (then one process reads it all)."""
    import multiprocessing

    from starter.track.results import line_spans

    spans = line_spans(path, workers)
    if len(spans) < 2:
        return None
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(len(spans)) as pool:
            parts = pool.map(_read_span, [(path, claim_ids, span, recent) for span in spans])
    except (OSError, ValueError):
        return None
    merged = _Pass({claim_id: _Tally() for claim_id in claim_ids})
    if recent is not None:
        merged.digest, merged.recent = RunDigest(), deque(maxlen=recent)
    offset = 0  # lines before this part
    for part in parts:
        merged.problems += [replace(p, line=p.line + offset) for p in part.problems]
        if merged.digest is not None and part.digest is not None:
            merged.digest.merge(part.digest)
            merged.recent.extend((line + offset, r, raw) for line, r, raw in part.recent or ())  # type: ignore[union-attr]
        merged.events += part.events
        merged.failed += part.failed
        for name, count in part.unclaimed.items():
            merged.unclaimed[name] = merged.unclaimed.get(name, 0) + count
        for claim_id, tally in part.tallies.items():
            into = merged.tallies[claim_id]
            into.values.extend(tally.values)
            if len(into.ids) <= IDS_KEPT:
                into.ids += [i + offset if type(i) is int else i for i in tally.ids]
            into.dev.extend(tally.dev)
            into.ext.extend(tally.ext)
            if tally.first_time is not None and (
                into.first_time is None or tally.first_time < into.first_time
            ):
                into.first_time = tally.first_time
        offset += part.lines
    return merged


def _mean_instead_of_best(claim: Claim, paper: Paper) -> Claim | None:
    """A best-of-n claim compared with our mean is biased; when the paper also reports the
    mean of the same runs (same metric, unit, dataset, split, source and n), judge
    against that mean instead. Returns the claim to judge with, keeping the mean's id."""
    if claim.aggregation is None or claim.aggregation.kind != "best":
        return None
    for other in paper.claims:
        if (
            other.id != claim.id
            and other.aggregation is not None
            and other.aggregation.kind == "mean"
            and isinstance(other.value, int | float)
            and (other.metric, other.unit, other.dataset, other.split, other.source)
            == (claim.metric, claim.unit, claim.dataset, claim.split, claim.source)
            and (
                other.aggregation.n == claim.aggregation.n
                or None in (other.aggregation.n, claim.aggregation.n)
            )
        ):
            return replace(
                claim,
                id=other.id,
                value=other.value,
                value_text=other.value_text,
                aggregation=other.aggregation,
            )
    return None


def _with_log(
    status: ClaimStatus,
    claim: Claim,
    tally: _Tally,
    events: list[dict[str, Any]],
    keep_values: bool,
) -> ClaimStatus:
    changes = [e for e in events if e["claim"] == claim.id and isinstance(e["time"], str)]
    latest = max((e["time"] for e in changes), default=None)
    late = bool(tally.first_time is not None and any(e["time"] > tally.first_time for e in changes))
    notes = status.notes
    if tally.ext:
        plural = "s" if len(tally.ext) != 1 else ""
        notes = (*notes, f"{len(tally.ext)} extension run{plural} shown apart")
    if late:
        notes = (*notes, "tolerance set after the first result")
    return replace(
        status,
        notes=notes,
        # As Python floats a million values take 32 MB a claim; `status` needs only counts.
        values=tuple(tally.values) if keep_values else (),
        # The ids only while there is one for every value (see IDS_KEPT).
        run_ids=tuple(i if type(i) is str else f"line-{i}" for i in tally.ids)
        if len(tally.ids) == len(tally.values)
        else (),
        extension_values=tuple(tally.ext),
        deviating_values=tuple(tally.dev),
        tolerance_set_late=late,
        tolerance_changed_at=latest,
    )


def check(report: StatusReport) -> None:
    """`status --check`: raise CheckFailed naming the central claims (every claim, if none is
    central) that were not reproduced."""
    from starter.errors import CheckFailed

    central = [c for c in report.claims if c.central] or report.claims
    failing = [c.id for c in central if c.verdict == "not-reproduced"]
    if failing:
        raise CheckFailed(f"not reproduced: {', '.join(failing)}")


def status_to_json(status: ClaimStatus) -> dict[str, Any]:
    """The documented `status --json` fields of one claim, plus a few for tools."""
    reported = status.reported
    return {
        "id": status.id,
        "metric": status.metric,
        "reported": list(reported) if isinstance(reported, tuple) else reported,
        "reported_text": status.reported_text,
        "unit": status.unit,
        "direction": status.direction or ("none" if reported is not None else None),
        "tolerance": status.tolerance,
        "tolerance_origin": status.tolerance_origin,
        "n": status.n,
        "mean": status.mean,
        "sd": status.sd,
        "ci95": list(status.ci95) if status.ci95 else None,
        "best": status.best,
        "verdict": status.verdict,
        "detail": status.detail,
        "notes": list(status.notes),
        "suggested_tolerance": status.suggested_tolerance,
        "runs_to_settle": status.runs_to_settle,
        "central": status.central,
        "gap": status.gap,
        "extension_runs": len(status.extension_values),
        "deviating_runs": len(status.deviating_values),
        "tolerance_set_late": status.tolerance_set_late,
    }


def report_to_json(report: StatusReport) -> dict[str, Any]:
    return {
        "paper": report.paper.key,
        "claims": [status_to_json(s) for s in report.claims],
        "counts": report.counts,
        "expected_outside": report.expected_outside,
        "problems": report.problems,
        "failed_runs": report.failed_runs,
    }


def first_committed_runs(root: Path, times: list[str]) -> dict[str, tuple[str, str]]:
    """For each time, the earliest run (by time, then log order) at or after it that records
    a commit, as (run id, commit): where a tolerance change not found in paper.toml's
    history landed. A second pass over the log, made only when the report needs it."""
    from starter.track.results import log_path, read_records

    found: dict[str, tuple[str, str, str]] = {}  # time -> (run time, id, commit)
    queries = sorted(set(times))
    for number, record in read_records(log_path(root), []):
        git = record.get("git")
        if record["type"] != "run" or type(git) is not dict or not git.get("commit"):
            continue
        when, run_id = record.get("time"), record.get("id")
        when = when if isinstance(when, str) and when else ""
        for time in queries:
            if time > when:
                break
            best = found.get(time)
            if best is None or when < best[0]:
                run = run_id if isinstance(run_id, str) and run_id else f"line-{number}"
                found[time] = (when, run, git["commit"])
    return {time: (run, commit) for time, (_, run, commit) in found.items()}
