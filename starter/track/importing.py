"""`starter log --from` with a tool's files: read them, pick the point of a curve
(`--select`), tie names to claims, convert units, and record each run with its own
provenance, once (importing the same source again skips it, with a count)."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any, NamedTuple

from starter.errors import InputError
from starter.models import Claim, Paper
from starter.track.importers.base import Imported, ImportedRun, Point
from starter.track.recorder import (
    Repo,
    check_group,
    check_kind,
    deviation_of,
    parse_deviation,
    parse_params,
)

UNITS = {"%": "%", "percent": "%", "fraction": "fraction"}


class Prepared(NamedTuple):
    run: ImportedRun
    metrics: dict[str, float]  # claim ids (and unclaimed names) -> values


class Outcome(NamedTuple):
    records: list[dict[str, Any]]
    warnings: list[str]
    notes: list[str]
    skipped: int
    read: list[str]


# ----------------------------------------------------------------------------- --select


def parse_select(text: str | None) -> tuple[str, int | None]:
    if text in (None, "", "last"):
        return "last", None
    if text == "best":
        return "best", None
    kind, sep, raw = (text or "").partition("=")
    if sep and kind in ("epoch", "step") and raw.strip().lstrip("-").isdigit():
        return kind, int(raw)
    raise InputError(f"--select {text!r}: use last, best, epoch=N or step=N")


def select_point(
    run: ImportedRun, select: str, value: int | None, order: list[tuple[str, list[str]]],
    paper: Paper, tool: str,
) -> tuple[dict[str, float], str | None]:  # fmt: skip
    """The run's values at the chosen point of its curve, and a note saying which."""
    if select == "last":
        return run.metrics, None
    if not run.curve:
        raise InputError(
            f"--select {select}: {tool} gives this run no curve of values to pick from; "
            "leave --select out to record its final values"
        )
    if select in ("epoch", "step"):
        found = [p for p in run.curve if getattr(p, select) == value]
        if not found:
            have = sorted({getattr(p, select) for p in run.curve} - {None})
            span = f"{have[0]}..{have[-1]}" if have else "none"
            raise InputError(f"--select {select}={value}: no such {select} (found {span})")
        return found[-1].metrics, f"selected {found[-1].label}"
    point, why = _best(run.curve, order, paper)
    return point.metrics, f"selected {point.label}: {why}"


def _best(
    curve: list[Point], order: list[tuple[str, list[str]]], paper: Paper
) -> tuple[Point, str]:
    claims = sorted(paper.claims, key=lambda c: not c.central)
    names_of = dict(order)
    for claim in claims:
        if claim.direction is None:
            continue
        for name in names_of.get(claim.id, []):
            points = [p for p in curve if name in p.metrics]
            if not points:
                continue
            sign = 1 if claim.direction == "higher" else -1
            best = max(points, key=lambda p: sign * p.metrics[name])
            word = "highest" if sign > 0 else "lowest"
            return best, f"the {word} {name} ({best.metrics[name]:g}), for claim {claim.id}"
    names = sorted({n for p in curve for n in p.metrics})
    raise InputError(
        "--select best needs a claim with a direction tied to a value of the curve "
        f"(the curve has: {', '.join(names[:10])}); tie one with --map NAME=CLAIM_ID"
    )


# ----------------------------------------------------------------------------- units


def convert(value: float, unit: str | None, claim: Claim | None, fix: str | None = None) -> float:
    """A value given in `unit` (--unit: % or fraction) in its claim's unit (track/units.py);
    without a unit, a value about 100 times off its claim is refused, naming `fix` (the
    command to run again with --unit)."""
    from starter.track import units

    if claim is None or claim.value is None:
        return value
    if unit is None:
        problem = units.scale_problem(claim.id, value, claim, fix)
        if problem:
            raise InputError(problem + "; nothing was recorded")
        return value
    return units.to_claim_unit(value, unit, claim)


def parse_unit(text: str | None) -> str | None:
    if text is None:
        return None
    if text not in UNITS:
        raise InputError(f"--unit {text!r}: use % (or percent) or fraction")
    return UNITS[text]


# ----------------------------------------------------------------------------- preparing


def prepare(
    paper: Paper,
    imported: Imported,
    *,
    maps: list[str] | None = None,
    select: str | None = None,
    unit: str | None = None,
    require_claim: bool = True,
    fix: str | None = None,
) -> tuple[list[Prepared], list[str]]:
    """Each run's values named by claim id (where a name feeds a claim), at the selected
    point, in the claims' units; and the warnings for the user."""
    from starter.track.importers import names

    mapping = names.parse_map(maps)
    order = names.plan(paper, mapping, imported.aliases)
    mapped = {name for name, _ in mapping} | {imported.aliases.get(n, n) for n, _ in mapping}
    kind, value = parse_select(select)
    chosen_unit = parse_unit(unit)
    warnings: list[str] = []
    prepared: list[Prepared] = []
    unclaimed: dict[str, None] = {}
    any_claimed = False
    for run in imported.runs:
        values, picked = select_point(run, kind, value, order, paper, imported.tool)
        if picked:
            warnings.append(picked)
        resolved = names.resolve(values, order, mapped)
        metrics = dict(resolved.metrics)
        for claim_id in resolved.used:
            claim = paper.claim(claim_id)
            metrics[claim_id] = convert(metrics[claim_id], chosen_unit, claim, fix)
        any_claimed = any_claimed or bool(resolved.used) or run.failed
        unclaimed.update(dict.fromkeys(resolved.unclaimed))
        prepared.append(Prepared(run, metrics))
    for name, target in mapping:
        if not any(
            name in r.metrics or imported.aliases.get(name) in r.metrics for r in imported.runs
        ):
            have = sorted({n for r in imported.runs for n in r.metrics})
            near = names.closest(name, have)
            hint = f" (closest: {', '.join(near)})" if near else ""
            warnings.append(f"--map {name}={target}: no value named {name!r} in the source{hint}")
    if not any_claimed and require_claim:
        raise InputError(
            f"no name in {', '.join(imported.read[:2]) or 'the source'} is a claim id or tied "
            f"to one (found: {names.listing(list(unclaimed), paper)}); {names.HOW}"
        )
    message = names.unclaimed_message(list(unclaimed), paper)
    if message:
        warnings.append(message)
    return prepared, warnings


# ----------------------------------------------------------------------------- recording


def iso_date(text: str) -> str:
    """--date as the log writes times: `2024-05-01` or `2024-05-01T12:00` (UTC)."""
    from starter.track.importers.base import iso_from_text

    found = iso_from_text(text.strip() + ("T00:00:00" if len(text.strip()) == 10 else ""))
    if found is None:
        raise InputError(f"--date {text!r}: expected a date such as 2024-05-01 or 2024-05-01T14:30")
    return found


def log_import(
    repo: Repo,
    paths: list[Path],
    *,
    preset: str | None = None,
    fmt: str = "auto",
    pattern: str | None = None,
    rows: bool = False,
    maps: list[str] | None = None,
    select: str | None = None,
    unit: str | None = None,
    tracking_uri: str | None = None,
    experiment: str | None = None,
    seed: int | None = None,
    params: list[str] | None = None,
    note: str | None = None,
    kind: str = "reproduction",
    deviation: list[str] | str | None = None,
    group: str | None = None,
    commit: str | None = None,
    date: str | None = None,
    by: str | None = None,
    source_url: str | None = None,
) -> Outcome:
    """Read `paths` (or an MLflow server), and append each run not imported before."""
    import platform

    from starter.track import idempotent, importers, provenance, results
    from starter.track.recorder import check_metrics

    check_kind(kind)
    group = check_group(group)
    extra_params = parse_params(params)
    declared = parse_deviation(deviation, repo.paper)
    when = iso_date(date) if date else None
    imported = importers.read(
        paths, preset=preset, fmt=fmt, pattern=pattern, rows=rows,
        tracking_uri=tracking_uri, experiment=experiment,
    )  # fmt: skip
    fix = "starter log " + " ".join(f"--from {p}" for p in paths) if paths else None
    prepared, warnings = prepare(repo.paper, imported, maps=maps, select=select, unit=unit, fix=fix)
    logged_at = {"time": results.now(), **provenance.head(repo.root), "host": platform.node()}
    records = []
    for run, metrics in prepared:
        metrics = {k: v for k, v in metrics.items() if math.isfinite(v)}
        check_metrics(repo.paper, metrics)
        if seed is not None and run.seed is not None and seed != run.seed:
            warnings.append(
                f"--seed {seed}, but the source says the run used seed {run.seed}: "
                f"recorded {run.seed}"
            )
        if run.failed:
            warnings.append(
                f"run {run.source.get('id')} is recorded as failed ({run.failure}); "
                "none of its values count"
            )
        source = dict(run.source)
        if run.stderr:
            source["stderr"] = run.stderr
        if source_url:
            source["url"] = source_url
        git = dict(run.git)
        if commit:
            git["commit"] = commit
        env = dict(run.env)
        if by:
            env["user"] = by
        records.append(
            results.run_record(
                metrics,
                kind=kind,
                failed=run.failed,
                seed=run.seed if run.seed is not None else seed,
                params={**run.params, **extra_params},
                note=note,
                deviation=deviation_of(declared, metrics),
                group=group,
                origin="imported",
                source=source,
                command=run.command,
                duration=run.duration,
                logged_at=logged_at,
                git=git,
                env=env,
                time=when or run.time,
            )
        )
    written, skipped = idempotent.append_new(repo.root, records)
    if skipped:
        warnings.append(
            f"skipped {skipped} run{'s' if skipped != 1 else ''} already in the log "
            f"(same {imported.tool} run id): importing again adds nothing"
        )
    return Outcome(written, warnings, imported.notes, skipped, imported.read)
