"""Where every claim stands, one row per claim and group: one streaming pass over the
results log, judged by the verdict rule; `compute(root)` serves both `starter status` and
`starter report`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from starter.models import Claim, Paper, to_plain
from starter.track.digest import RunDigest
from starter.track.values import ClaimStatus, Run

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
# The version of `status --json`'s format (docs/schema/status.schema.json describes it).
STATUS_SCHEMA = 1
# Verdicts that rest on a 95% interval: each could land "outside" by chance alone.
INTERVAL_VERDICTS = ("reproduced", "exceeds", "not-reproduced", "inconclusive")


@dataclass(frozen=True)
class StatusReport:
    root: Path
    paper: Paper
    claims: list[ClaimStatus]  # one per claim and group: central claims first, card order
    # every run read (failed and extension ones too); [] with keep_runs=False; with recent=N
    # the N most recent ones (`digest` counts them all)
    runs: list[Run]
    problems: list[str]  # e.g. "results/runs.jsonl line 12: not valid JSON; skipped"
    counts: dict[str, int]  # verdict -> number of rows, in VERDICT_ORDER
    expected_outside: float  # "outside" verdicts chance alone would give among judged claims
    tolerance_events: list[dict[str, Any]] = field(
        default_factory=list
    )  # claim, value, origin, time
    unclaimed_metrics: dict[str, int] = field(default_factory=dict)  # logged name -> runs
    failed_runs: int = 0
    # With recent=N (what `starter report` uses): what the report shows of every run, while
    # `runs` holds only the N most recent; None otherwise.
    digest: RunDigest | None = None
    repeated_runs: int = 0  # lines repeating a run (same id or source run), counted once
    details: dict[str, int] = field(default_factory=dict)  # indicative: consistent, ...
    groups: list[str] = field(default_factory=list)  # the groups runs were logged in
    # About the repository rather than the runs: e.g. a .gitattributes without the rule that
    # merges the results log line by line (track/merging.py).
    warnings: list[str] = field(default_factory=list)


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
    from starter.track import scan
    from starter.track.results import log_path
    from starter.track.rows import groups_of, judge_row
    from starter.track.verdicts import expected_outside

    root = Path(root)
    paper = load_card(root / CARD_NAME)
    if recent is not None:
        keep_runs = False
    read = scan.read_log(
        log_path(root), [claim.id for claim in paper.claims], keep_runs, workers, recent
    )
    tallies, events = read.tallies, read.events
    runs = scan.recent_runs(read) if read.recent is not None else read.runs
    statuses = []
    ordered = sorted(paper.claims, key=lambda c: not c.central)  # stable: card order kept
    keep_values = keep_runs or recent is not None
    for claim in ordered:
        for group in groups_of(claim, tallies):
            status = judge_row(claim, group, paper, tallies)
            tally = tallies[claim.id].get(group)
            status = _with_log(status, claim, tally, events, keep_values)
            statuses.append(_with_settle_command(root, status))
    counts: dict[str, int] = {}
    for verdict in VERDICT_ORDER:
        number = sum(1 for s in statuses if s.verdict == verdict)
        if number:
            counts[verdict] = number
    details: dict[str, int] = {}
    for detail in ("consistent", "better", "worse"):
        number = sum(1 for s in statuses if s.verdict == "indicative" and s.detail == detail)
        if number:
            details[detail] = number
    judged = sum(1 for s in statuses if s.verdict in INTERVAL_VERDICTS and s.ci95 is not None)
    from starter.track.merging import union_rule_missing

    missing_rule = union_rule_missing(root)
    return StatusReport(
        root=root,
        paper=paper,
        claims=statuses,
        runs=runs,
        problems=[str(p) for p in read.problems],
        counts=counts,
        expected_outside=expected_outside(judged),
        tolerance_events=events,
        unclaimed_metrics=read.unclaimed,
        failed_runs=read.failed,
        digest=read.digest,
        repeated_runs=read.repeated_runs,
        details=details,
        groups=sorted({s.group for s in statuses if s.group is not None}),
        warnings=[missing_rule] if missing_rule else [],
    )


def _with_settle_command(root: Path, status: ClaimStatus) -> ClaimStatus:
    """An inconclusive claim gets the `starter sweep` that would make its missing runs."""
    if status.verdict != "inconclusive" or not status.runs_to_settle:
        return status
    from starter.track.sweep.suggest import settle_command

    more = max(status.runs_to_settle - status.n, 1)
    return replace(status, settle_command=settle_command(root, status.id, more, status.group))


def _with_log(
    status: ClaimStatus,
    claim: Claim,
    tally: Any,
    events: list[dict[str, Any]],
    keep_values: bool,
) -> ClaimStatus:
    changes = [e for e in events if e["claim"] == claim.id and isinstance(e["time"], str)]
    latest = max((e["time"] for e in changes), default=None)
    first_time = tally.first_time if tally is not None else None
    late = bool(first_time is not None and any(e["time"] > first_time for e in changes))
    notes = status.notes
    if tally is not None and tally.ext:
        plural = "s" if len(tally.ext) != 1 else ""
        notes = (*notes, f"{len(tally.ext)} extension run{plural} shown apart")
    if late:
        notes = (*notes, "tolerance set after the first result")
    return replace(
        status,
        notes=notes,
        # As Python floats a million values take 32 MB a claim; `status` needs only counts.
        values=status.values if keep_values else (),
        run_ids=status.run_ids if keep_values else (),
        tolerance_set_late=late,
        tolerance_changed_at=latest,
    )


REQUIREMENTS = {
    # --require reproduced: every central claim reproduced (or better than the paper)
    "reproduced": ("reproduced", "exceeds"),
    # --require judged: no central claim waiting for runs, a tolerance or more runs
    "judged": None,
}
NOT_JUDGED = ("pending", "needs-tolerance", "inconclusive")


def check(report: StatusReport, require: str | None = None) -> None:
    """`status --check`: raise CheckFailed naming the central claims (every claim, if none is
    central) that were not reproduced; with `require`, also those that are not reproduced
    (or better) ("reproduced"), or still pending, needing a tolerance or inconclusive
    ("judged"). Rows name their group."""
    from starter.errors import CheckFailed, InputError

    if require is not None and require not in REQUIREMENTS:
        raise InputError(f"--require {require!r}: use reproduced or judged")
    central = [c for c in report.claims if c.central] or report.claims
    failing = [c for c in central if c.verdict == "not-reproduced"]
    if require == "reproduced":
        allowed = REQUIREMENTS["reproduced"] or ()
        failing += [c for c in central if c.verdict not in allowed and c not in failing]
        failing = [c for c in failing if c.verdict != "not-judged"]
    elif require == "judged":
        failing += [c for c in central if c.verdict in NOT_JUDGED]
    if failing:
        names = ", ".join(f"{c.key} ({c.verdict.replace('-', ' ')})" for c in failing)
        which = "central claims" if any(c.central for c in report.claims) else "claims"
        wanted = {
            None: "not reproduced",
            "reproduced": "not reproduced or better",
            "judged": "not reproduced or not yet judged",
        }[require]
        raise CheckFailed(f"{which} {wanted}: {names}")


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
        "settle_command": status.settle_command,
        "central": status.central,
        "gap": status.gap,
        "extension_runs": len(status.extension_values),
        "deviating_runs": len(status.deviating_values),
        "tolerance_set_late": status.tolerance_set_late,
        "group": status.group,
        "target": status.target,
        "deviation": status.deviation,
        "repeated_trials": status.repeated_trials,
        "exact": status.exact,
        "parts": list(status.parts),
        "apart": [to_plain(a) for a in status.apart],
    }


def report_to_json(report: StatusReport) -> dict[str, Any]:
    return {
        "schema": STATUS_SCHEMA,
        "paper": report.paper.key,
        "claims": [status_to_json(s) for s in report.claims],
        "counts": report.counts,
        "indicative": report.details,
        "groups": report.groups,
        "expected_outside": report.expected_outside,
        "problems": report.problems,
        "failed_runs": report.failed_runs,
        "repeated_runs": report.repeated_runs,
        "warnings": report.warnings,
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
        if record["type"] != "run" or type(git) is not dict or type(git.get("commit")) is not str:
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
