"""Where every claim stands: one streaming pass over the results log, judged by the verdict
rule; `compute(root)` serves both `starter status` and `starter report`."""

from __future__ import annotations

import os
from array import array
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from starter.models import Claim, ClaimStatus, Paper, Run

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
    runs: list[Run]  # every run read (failed and extension ones included); [] with keep_runs=False
    problems: list[str]  # e.g. "results/runs.jsonl line 12: not valid JSON; skipped"
    counts: dict[str, int]  # verdict -> number of claims, in VERDICT_ORDER
    expected_outside: float  # "outside" verdicts chance alone would give among judged claims
    tolerance_events: list[dict[str, Any]] = field(
        default_factory=list
    )  # claim, value, origin, time
    unclaimed_metrics: dict[str, int] = field(default_factory=dict)  # logged name -> runs
    failed_runs: int = 0


class _Tally:
    """What the log says about one claim, gathered line by line in bounded memory."""

    __slots__ = ("dev", "ext", "first_time", "ids", "values")

    def __init__(self) -> None:
        # array('d') holds 8 bytes a value: a million runs cost 8 MB, not 32 as floats.
        self.values, self.dev, self.ext = array("d"), array("d"), array("d")
        self.ids: list[str] = []
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


# Below this size one process reads the log faster than two can start; above it, each core
# reads its own part (a million runs: ~4.5 s on one core of this kind of machine).
PARALLEL_MIN_BYTES = 32 * 1024 * 1024


def compute(root: Path, *, keep_runs: bool = True, workers: int | None = None) -> StatusReport:
    """Read the card at `root` and stream `results/runs.jsonl` once. With keep_runs=False
    (what `starter status` uses) neither Run objects nor per-claim value tuples are kept
    (`runs` is empty, `values` and `run_ids` are ()), so a million runs fit in ~100 MiB,
    and a large log is read by one process per core (`workers`: None = decide by size)."""
    from starter.card import CARD_NAME, load_card
    from starter.results import log_path
    from starter.verdicts import Summary, expected_outside, judge

    root = Path(root)
    paper = load_card(root / CARD_NAME)
    claim_ids = [claim.id for claim in paper.claims]
    path = log_path(root)
    if keep_runs:
        workers = 1
    elif workers is None:
        size = path.stat().st_size if path.exists() else 0
        workers = min(os.cpu_count() or 1, 4) if size >= PARALLEL_MIN_BYTES else 1
    read = _read_parallel(path, claim_ids, workers) if workers > 1 else None
    if read is None:
        read = _read(path, claim_ids, keep_runs, None)
    tallies, runs, events = read.tallies, read.runs, read.events
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
        statuses.append(_with_log(status, claim, tally, events, keep_runs))
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
    )


def _read(path: Path, claim_ids: list[str], keep_runs: bool, span: tuple[int, int] | None) -> _Pass:
    """One streaming pass over the log (or the lines starting in `span`)."""
    from starter.results import read_records, run_from_record

    tallies = {claim_id: _Tally() for claim_id in claim_ids}
    out = _Pass(tallies)
    runs, events, unclaimed = out.runs, out.events, out.unclaimed
    for number, record in read_records(path, out.problems, head_only=not keep_runs, span=span):
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
                if keep_runs:
                    tally.ids.append(run_id if isinstance(run_id, str) else f"line-{number}")
                if isinstance(time, str) and (tally.first_time is None or time < tally.first_time):
                    tally.first_time = time
    return out


def _read_span(args: tuple[Path, list[str], tuple[int, int]]) -> _Pass:
    path, claim_ids, span = args
    return _read(path, claim_ids, False, span)


def _read_parallel(path: Path, claim_ids: list[str], workers: int) -> _Pass | None:
    """The log read by `workers` processes, one part each, merged in log order; None when
    processes cannot be forked here (then one process reads it all)."""
    import multiprocessing

    from starter.results import line_spans

    spans = line_spans(path, workers)
    if len(spans) < 2:
        return None
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(len(spans)) as pool:
            parts = pool.map(_read_span, [(path, claim_ids, span) for span in spans])
    except (OSError, ValueError):
        return None
    merged = _Pass({claim_id: _Tally() for claim_id in claim_ids})
    for (start, _), part in zip(spans, parts, strict=True):
        if part.problems:  # rare: only then count the lines before this part
            offset = _lines_before(path, start)
            merged.problems += [replace(p, line=p.line + offset) for p in part.problems]
        merged.events += part.events
        merged.failed += part.failed
        for name, count in part.unclaimed.items():
            merged.unclaimed[name] = merged.unclaimed.get(name, 0) + count
        for claim_id, tally in part.tallies.items():
            into = merged.tallies[claim_id]
            into.values.extend(tally.values)
            into.dev.extend(tally.dev)
            into.ext.extend(tally.ext)
            if tally.first_time is not None and (
                into.first_time is None or tally.first_time < into.first_time
            ):
                into.first_time = tally.first_time
    return merged


def _lines_before(path: Path, offset: int) -> int:
    count = 0
    with open(path, "rb") as handle:
        while offset > 0:
            block = handle.read(min(offset, 1 << 20))
            if not block:
                break
            count += block.count(b"\n")
            offset -= len(block)
    return count


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
        run_ids=tuple(tally.ids),
        extension_values=tuple(tally.ext),
        deviating_values=tuple(tally.dev),
        tolerance_set_late=late,
        tolerance_changed_at=latest,
    )


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
