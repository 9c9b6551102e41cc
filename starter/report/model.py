"""The contribution report as plain data: one model built from `starter status`'s numbers,
git history and the checklist, which the JSON holds and the templates show (write.py)."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import UTC, datetime
from typing import Any

from starter.models import Paper, to_plain
from starter.report.wording import (
    VERDICT_WORDS,
    display,
    number,
    places_of,
    sentence,
    tolerance_text,
)
from starter.safetext import safe_link
from starter.track.values import ClaimStatus, Run

SCHEMA = 1

# Sections of the claims table, in this order: what was not reproduced comes first and gets
# the same kind of heading and table as what was.
GROUPS = (
    ("Not reproduced", ("not-reproduced",)),
    ("Better than the paper: a finding to explain", ("exceeds",)),
    ("Inconclusive", ("inconclusive",)),
    ("Reproduced", ("reproduced",)),
    ("Indicative: one run, never a verdict", ("indicative",)),
    ("Not comparable: the runs depart from the paper's protocol", ("not-comparable",)),
    ("Waiting for a tolerance", ("needs-tolerance",)),
    ("No runs yet", ("pending",)),
    ("Not judged: qualitative claims and facts", ("not-judged",)),
)
VERDICT_ORDER = tuple(v for _, verdicts in GROUPS for v in verdicts)
OUTSIDE = ("not-reproduced", "exceeds")
# The runs tables list the most recent runs only, in all three formats: a report over a
# million runs stays a page (and a second), and every run stays in results/runs.jsonl.
RUNS_SHOWN = 200
# Extension and deviating values listed in a claim's notes (all of them are plotted).
NOTE_VALUES = 50
VALUE_FIELDS = ("values", "run_ids", "extension_values", "deviating_values")
# More claims than this without runs are listed on one line instead of a table.
FOLD = 3


# ----------------------------------------------------------------------------- the model


def build(
    status: Any,
    history: Any,
    checklist: Sequence[Any],
    *,
    bibtex: str | None = None,
    reimplementation_bibtex: str | None = None,
    citation_cff: str | None = None,
    notes: Sequence[str] = (),
    generated: datetime | None = None,
) -> dict[str, Any]:
    """The report as plain data: what the JSON holds and both templates show."""
    from starter import __version__
    from starter.report import overview
    from starter.track.digest import RunDigest

    claims = list(status.claims)
    # A status computed with recent=N holds the latest runs and a digest of all of them;
    # one computed with keep_runs holds every run.
    digest = getattr(status, "digest", None) or RunDigest.of(list(status.runs))
    runs: list[Run] = list(status.runs)[-RUNS_SHOWN:]
    first_result = digest.first_result
    later_run = _later_runs(status, digest is not getattr(status, "digest", None))
    claim_rows = [_claim_row(c, history, later_run, first_result) for c in claims]
    counts = {v: status.counts.get(v, 0) for v in VERDICT_ORDER if status.counts.get(v, 0)}
    counts.update({v: n for v, n in status.counts.items() if v not in counts and n})
    # Judged against a tolerance by an interval: exact facts are judged by equality, so
    # "outside the tolerance" and chance say nothing about them.
    interval = ("reproduced", "exceeds", "not-reproduced", "inconclusive")
    judged = sum(1 for c in claims if c.verdict in interval and not c.exact)
    outside = sum(1 for c in claims if c.verdict in OUTSIDE and not c.exact)
    by_key = {row["key"]: row for row in claim_rows}
    groups = []
    for title, verdicts in GROUPS:
        rows = [by_key[c.key] for c in claims if c.verdict in verdicts]
        if rows:
            groups.append(
                {
                    "title": title,
                    "verdicts": list(verdicts),
                    "claims": [r["key"] for r in rows],
                    "notes": [line for r in rows for line in r.pop("_notes")],
                }
            )
    for row in claim_rows:
        row.pop("_notes", None)
    for group in groups:
        _fold(group, by_key)
    details = dict(getattr(status, "details", {}) or {})
    words = {v: VERDICT_WORDS.get(v, v) for v in counts}
    if details and "indicative" in words:
        split = ", ".join(f"{n} {detail}" for detail, n in details.items())
        words["indicative"] = f"{words['indicative']} ({split})"
    reproductions = list(getattr(status, "groups", []) or [])
    headline = {
        "central": [sentence(c) for c in claims if c.central],
        "counts": counts,
        "indicative": details,
        "count_list": [{"verdict": v, "n": n, "words": words[v]} for v, n in counts.items()],
        "counts_text": ", ".join(f"{n} {words[v]}" for v, n in counts.items()),
        "claims": len({c.id for c in claims}),
        "rows": len(claims),
        "groups": reproductions,
        "judged": judged,
        "outside": outside,
        "expected_outside": round(float(status.expected_outside), 2),
        "runs": digest.total,
        "no_runs": digest.total == digest.failed,
    }
    return {
        "schema": SCHEMA,
        "generated": generated_at(generated),
        "starter_version": __version__,
        "paper": _paper(status.paper),
        "headline": headline,
        "overview": overview.data(
            claims, VERDICT_ORDER, {row["key"]: row["display"]["verdict"] for row in claim_rows}
        ),
        "claims": claim_rows,
        "groups": groups,
        "tolerance_events": _tolerance_events(
            status.tolerance_events, history, later_run, first_result
        ),
        "runs": _runs(runs, digest, getattr(history, "commit_url", None)),
        "environment": environment(digest),
        "work": history.to_json(),
        "checklist": [to_plain(item) for item in checklist],
        "bibtex": bibtex,
        "reimplementation_bibtex": reimplementation_bibtex,
        "citation_cff": citation_cff,
        "problems": list(status.problems),
        "notes": list(notes),
    }


def _fold(group: dict[str, Any], by_key: dict[str, dict[str, Any]]) -> None:
    """Many claims without runs take one line, not a table of empty rows."""
    group["folded"] = None
    if group["verdicts"] != ["pending"] or len(group["claims"]) <= FOLD:
        return
    shown = []
    for claim_id in group["claims"]:
        row = by_key[claim_id]
        unit = row["unit"] or ""
        value = row["display"]["reported"] + (f" {unit}" if unit and len(unit) <= 12 else "")
        shown.append(f"{claim_id}{' (central)' if row['central'] else ''}: {value}")
    group["folded"] = "; ".join(shown)


def generated_at(moment: datetime | None) -> str:
    # SOURCE_DATE_EPOCH is the reproducible-builds convention for a fixed "now".
    if moment is None and (epoch := os.environ.get("SOURCE_DATE_EPOCH", "").strip()).isdigit():
        moment = datetime.fromtimestamp(int(epoch), tz=UTC)
    moment = moment or datetime.now(tz=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _paper(paper: Paper) -> dict[str, Any]:
    venue = paper.venue.citation() if paper.venue else ""
    authors = ", ".join(paper.authors) or "Unknown authors"
    citation = f"{authors} ({paper.year or 'n.d.'}). {paper.title}."
    if venue:
        citation += f" {venue}."
    return {
        "key": paper.key,
        "title": paper.title,
        "authors": list(paper.authors),
        "short_authors": paper.short_authors(),
        "year": paper.year,
        "venue": venue or None,
        "doi": paper.doi,
        "arxiv_id": paper.arxiv_id,
        # Only http(s) is ever a link in a report (a `javascript:` one would run when clicked).
        "link": safe_link(paper.link),
        "code_url": safe_link(paper.code_url),
        "citation": citation,
    }


def _claim_notes(claim: ClaimStatus) -> list[str]:
    """What the table cannot hold: status's notes and the runs shown apart, with their
    numbers (each deviation labelled) and values."""
    from starter.report.wording import apart_text

    key = claim.key
    lines = [f"{key}: {note}" for note in claim.notes]
    if claim.verdict == "not-comparable" and claim.deviation:
        lines.append(
            f"{key}: every run declares a deviation (the numbers above): {claim.deviation}"
        )
    for item in claim.apart:
        if item.kind != "extension" and not (
            claim.verdict == "not-comparable" and item.label == claim.deviation
        ):
            lines.append(f"{key}: {apart_text(claim, item)}")
    for values, what in (
        (claim.extension_values, "extension values (never counted)"),
        (claim.deviating_values, "deviating values (never pooled)"),
        (
            claim.checkpoint_values,
            "checkpoint evaluations (the target)"
            if claim.target == "checkpoint"
            else "checkpoint evaluations (never counted)",
        ),
    ):
        if values:
            places = places_of(claim)
            text = ", ".join(number(v, places) for v in values[:NOTE_VALUES])
            if len(values) > NOTE_VALUES:
                text += f" and {len(values) - NOTE_VALUES:,} more (all are in the plot)"
            lines.append(f"{key}: {what}: {text}")
    return lines


def _later_runs(status: Any, every_run: bool) -> Callable[[str], tuple[str, str] | None]:
    """time -> (id, commit) of the first run at or after it that records a commit. From
    the runs at hand when they are all there, else from one more pass over the log, made
    only if asked (when paper.toml's history does not say where a tolerance change landed)."""
    found: dict[str, tuple[str, str]] | None = None

    def later(time: str) -> tuple[str, str] | None:
        nonlocal found
        if found is None:
            times = [str(e.get("time")) for e in status.tolerance_events if e.get("time")]
            times += [c.tolerance_changed_at for c in status.claims if c.tolerance_changed_at]
            if time not in times:
                times.append(time)
            if every_run:
                found = {}
                ordered = sorted(status.runs, key=lambda r: r.time)
                for moment in times:
                    run = next(
                        (r for r in ordered if r.time >= moment and r.git.get("commit")), None
                    )
                    if run is not None:
                        found[moment] = (run.id, run.git["commit"])
            else:
                from starter.track.status import first_committed_runs

                found = first_committed_runs(status.root, times)
        return found.get(time)

    return later


def _commit_near(
    time: str, history: Any, later_run: Callable[[str], tuple[str, str] | None]
) -> dict[str, str] | None:
    """Where a tolerance change landed: the paper.toml commit after it, else the next run's."""
    sha = history.commit_after(time) if history.available else None
    if sha:
        return {"commit": sha, "via": "paper.toml"}
    later = later_run(time)
    if later:
        return {"commit": later[1], "via": f"run {later[0]}"}
    return None


def _claim_row(
    claim: ClaimStatus,
    history: Any,
    later_run: Callable[[str], tuple[str, str] | None],
    first_result: dict[str, str],
) -> dict[str, Any]:
    from starter.report.plots import MAX_POINTS, drawn, file_name

    row: dict[str, Any] = {}
    capped = {}
    for item in fields(claim):
        value = getattr(claim, item.name)
        if item.name in VALUE_FIELDS:
            # Tools get what the plot shows: every value up to MAX_POINTS, else a sample.
            if item.name != "run_ids" and len(value) > MAX_POINTS:
                capped[item.name] = len(value)
            row[item.name] = list(drawn(value)) if item.name != "run_ids" else list(value)
        else:
            row[item.name] = to_plain(value)
    if "values" in capped:
        row["run_ids"] = []
    row["key"] = claim.key
    row["anchor"] = file_name(claim.key)
    row["qualitative"] = claim.reported is None
    row["display"] = display(claim)
    row["sentence"] = sentence(claim)
    row["tolerance_commit"] = None
    if claim.tolerance_set_late and claim.tolerance_changed_at:
        row["tolerance_commit"] = _commit_near(claim.tolerance_changed_at, history, later_run)
    row["first_result"] = first_result.get(claim.id)
    if capped:
        from starter.report.plots import drawn_note

        row["values_drawn"] = {name: {"drawn": MAX_POINTS, "of": n} for name, n in capped.items()}
        row["plot_note"] = drawn_note(claim)
    row["_notes"] = _claim_notes(claim)
    return row


def _tolerance_events(
    events: Sequence[dict[str, Any]],
    history: Any,
    later_run: Callable[[str], tuple[str, str] | None],
    first: dict[str, str],
) -> list[dict[str, Any]]:
    rows = []
    for event in events:
        time = str(event.get("time") or "")
        claim_id = event.get("claim")
        late = bool(time and claim_id in first and first[claim_id] < time)
        rows.append(
            {
                **event,
                "late": late,
                "value_display": tolerance_text(event.get("value")),
                "commit": _commit_near(time, history, later_run) if time else None,
            }
        )
    return rows


def short_sha(sha: str | None) -> str:
    return sha[:8] if sha else "–"


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 60:
        return f"{seconds:.1f} s"
    seconds = round(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _run_row(run: Run, commit_url: str | None = None) -> dict[str, Any]:
    row = to_plain(run)
    if isinstance(run.deviation, dict):  # scoped to claims: "acc: CIFAR-10.1"
        row["deviation"] = "; ".join(f"{k}: {v}" for k, v in run.deviation.items())
    sha = run.git.get("commit")
    commit = short_sha(sha)
    if run.git.get("dirty"):
        commit += " (dirty)"
    env = run.env or {}
    row["display"] = {
        "commit": commit,
        "seed": "–" if run.seed is None else str(run.seed),
        "params": ", ".join(f"{k}={v}" for k, v in sorted(run.params.items())) or "–",
        "metrics": ", ".join(f"{k}={v!r}" for k, v in run.metrics.items()) or "–",
        "duration": _duration(run.duration),
        "environment": " · ".join(_env_text(env[k]) for k in ("python", "os", "gpu") if env.get(k))
        or "–",
        "status": ("failed" if run.failed else "ok")
        + (f", group: {run.group}" if run.group else ""),
        "commit_url": commit_url.format(sha=sha) if commit_url and sha else None,
    }
    return row


def _runs(shown: list[Run], digest: Any, commit_url: str | None = None) -> dict[str, Any]:
    """The rows of the `shown` runs (the most recent ones), and counts over every run."""
    reproduction = [_run_row(r, commit_url) for r in shown if r.kind == "reproduction"]
    extension = [_run_row(r, commit_url) for r in shown if r.kind == "extension"]
    checkpoint = [_run_row(r, commit_url) for r in shown if r.kind == "checkpoint"]
    out: dict[str, Any] = {
        "total": digest.total,
        "reproduction": reproduction,
        "extension": extension,
        "failed": digest.failed,
        "dirty": digest.dirty,
    }
    if checkpoint or getattr(digest, "checkpoint", None):
        # Only when there are some, so a report without them keeps its exact shape.
        out["checkpoint"] = checkpoint
        out["checkpoint_total"] = digest.checkpoint
    if digest.total > len(shown):
        # Only in a report that leaves runs out, so a small report keeps its exact shape.
        out.update(
            shown=len(shown),
            reproduction_total=digest.total - digest.extension - digest.checkpoint,
            extension_total=digest.extension,
            shown_note=f"the {len(shown):,} most recent of {digest.total:,} runs are listed; "
            "all are in results/runs.jsonl",
        )
    return out


def _env_text(value: Any) -> str:
    from starter.track.digest import env_text

    return env_text(value)


def environment(runs: Any) -> dict[str, Any]:
    """What the runs ran on, each value with how many runs, and where runs disagree.
    `runs`: a list of Run, or the status.RunDigest that counted them."""
    from starter.track.digest import ENV_KEYS, RunDigest

    digest = runs if isinstance(runs, RunDigest) else RunDigest.of(list(runs))
    keys = ENV_KEYS
    values, packages = digest.env, digest.packages
    rows: list[dict[str, Any]] = [{"name": k, "values": values[k]} for k in keys if values[k]]
    rows += [{"name": name, "values": packages[name]} for name in sorted(packages)]
    for row in rows:
        row["disagree"] = len(row["values"]) > 1
        row["display"] = "; ".join(
            f"{value} ({count} run{'s' if count != 1 else ''})" if row["disagree"] else value
            for value, count in sorted(row["values"].items())
        )
    return {
        "runs_with_environment": digest.with_env,
        "hosts": len(digest.hosts),  # how many machines, never their names
        "entries": rows,
        "disagreements": [row["name"] for row in rows if row["disagree"]],
    }
