"""One row of `starter status` per claim and group: the runs that count, the runs shown
apart (deviations, checkpoint evaluations, extensions, values 100x off), derived claims
recomputed from their parts and checkpoint targets, judged by the verdict rule."""

from __future__ import annotations

from array import array
from dataclasses import replace
from typing import Any

from starter.models import Aggregation, Claim, Paper
from starter.track.scan import Tallies, Tally
from starter.track.stats import MeanOfParts, Summary
from starter.track.values import ClaimStatus

EMPTY = Tally()


def groups_of(claim: Claim, tallies: Tallies) -> list[str | None]:
    """The groups a claim has runs in (None: runs without a group), each judged apart; a
    derived claim has the groups of its parts. A claim without runs has one row."""
    names = [claim.id, *(claim.derived.parts if claim.derived else ())]
    found: set[str | None] = set()
    for name in names:
        for group, tally in tallies.get(name, {}).items():
            if tally.values or tally.dev or tally.ext:
                found.add(group)
    return sorted(found, key=lambda g: (g is not None, g or "")) or [None]


def split_scale(claim: Claim, values: array[float]) -> tuple[array[float], array[float]]:
    """(values on the claim's scale, values about 100 times off it: units.off_by_100). The
    common case costs a look at the smallest and largest value."""
    from starter.track.units import off_by_100

    if not values or not _range_meets(claim, min(values), max(values)):
        return values, array("d")
    kept, off = array("d"), array("d")
    for value in values:
        (off if off_by_100(value, claim) is not None else kept).append(value)
    return kept, off


def _range_meets(claim: Claim, low: float, high: float) -> bool:
    """Whether [low, high] meets the values units.off_by_100 flags for the claim (those
    form one interval)."""
    from starter.track.units import FRACTION, PERCENT, claim_unit

    value = claim.value
    c = (value[0] + value[1]) / 2 if isinstance(value, tuple) else value
    if not isinstance(c, int | float) or c == 0 or claim.direction is None:
        return False
    unit = claim_unit(claim)
    if unit == PERCENT:
        ends = sorted((c / 300, c * 3 / 100))
    elif unit == FRACTION:
        ends = sorted((c * 100 / 3, c * 300))
    else:
        return False
    return low <= ends[1] and high >= ends[0]


def _scale_label(claim: Claim) -> str:
    from starter.track.units import PERCENT, claim_unit

    if claim_unit(claim) == PERCENT:
        return "values that look like fractions of 1 (claim in %): log them with --unit fraction"
    return "values that look like percentages (claim is a fraction): log them with --unit %"


def judge_row(
    claim: Claim,
    group: str | None,
    paper: Paper,
    tallies: Tallies,
) -> ClaimStatus:
    """The status of one claim in one group, from the tallies of the log."""
    from starter.track.verdicts import apart, judge

    tally = tallies.get(claim.id, {}).get(group, EMPTY)
    values, off = split_scale(claim, tally.values)
    deviating: list[tuple[str, Summary]] = [
        (label, Summary.of(v)) for label, v in sorted(tally.dev.items())
    ]
    if off:
        deviating.append((_scale_label(claim), Summary.of(off)))
    checkpoint = _checkpoint(claim, tallies)
    notes: list[str] = []
    counted: Any = Summary.of(values)
    if claim.derived is not None:
        counted, said = _parts(claim, group, paper, tallies)
        notes += said
    compared = _compared(claim, paper)
    if claim.target_kind == "checkpoint" and claim.value is not None:
        compared, said = _checkpoint_target(compared or claim, checkpoint)
        notes += said
        if compared is None:  # nothing to compare with yet: the runs are shown, not judged
            status = judge(claim, Summary())
            status = replace(status, n=counted.n, mean=counted.mean if counted.n else None)
            status = replace(status, sd=counted.sd)
    if compared is not None or claim.target_kind != "checkpoint" or claim.value is None:
        status = judge(compared or claim, counted, deviating)
    if compared is not None and compared.id != claim.id:
        kept = tuple(n for n in status.notes if not n.startswith("biased comparison"))
        note = f"compared with the paper's mean ({compared.id}), not its best of n"
        status = replace(status, id=claim.id, notes=(*kept, note))
    elif compared is not None:
        status = replace(status, reported=compared.value, reported_text=_shown(compared))
    shown_apart = list(status.apart)
    if off:
        shown_apart[-1] = replace(shown_apart[-1], kind="scale")
    if checkpoint.n and claim.target_kind != "checkpoint":
        label = "evaluations of the released weights (never counted)"
        shown_apart.append(apart(claim, "checkpoint", label, checkpoint))
    if tally.ext:
        ext = Summary.of(tally.ext)
        shown_apart.append(apart(claim, "extension", "extension runs (never counted)", ext))
    trials = tally.trials.notes(status.n) if claim.derived is None else []
    ids = tally.ids if len(tally.ids) == len(values) and not off else []
    return replace(
        status,
        values=tuple(values) if claim.derived is None else (),
        # The ids behind the values, while there is one for every value (scan.IDS_KEPT).
        run_ids=tuple(i if type(i) is str else f"line-{i}" for i in ids),
        group=group,
        notes=(*status.notes, *notes, *trials),
        apart=tuple(shown_apart),
        repeated_trials=tally.trials.repeated,
        parts=claim.derived.parts if claim.derived else (),
        checkpoint_values=tuple(_checkpoint_values(claim, tallies)),
        deviating_values=tuple(v for vs in tally.dev.values() for v in vs) + tuple(off),
        extension_values=tuple(tally.ext),
    )


def _shown(claim: Claim) -> str | None:
    return None if claim.value is None else claim.display_value


def _compared(claim: Claim, paper: Paper) -> Claim | None:
    """A best-of-n claim compared with our mean is biased; when the paper also reports the
    mean of the same runs (the claim `linked` to it, else one with the same metric, unit,
    dataset, split, source and n), judge against that mean instead."""
    if claim.aggregation is None or claim.aggregation.kind != "best":
        return None
    candidates = [paper.claim(claim.linked)] if claim.linked else []
    candidates += [
        other
        for other in paper.claims
        if (other.metric, other.unit, other.dataset, other.split, other.source)
        == (claim.metric, claim.unit, claim.dataset, claim.split, claim.source)
        and (
            other.aggregation is not None
            and (other.aggregation.n == claim.aggregation.n
                 or None in (other.aggregation.n, claim.aggregation.n))
        )
    ]  # fmt: skip
    for other in candidates:
        if (
            other is not None
            and other.id != claim.id
            and other.aggregation is not None
            and other.aggregation.kind == "mean"
            and isinstance(other.value, int | float)
        ):
            return replace(
                claim,
                id=other.id,
                value=other.value,
                value_text=other.value_text,
                approximate=other.approximate,
                aggregation=other.aggregation,
            )
    return None


def _checkpoint_values(claim: Claim, tallies: Tallies) -> list[float]:
    """The evaluations of the released weights, from every group: the same weights."""
    return [v for tally in tallies.get(claim.id, {}).values() for v in tally.ckpt]


def _checkpoint(claim: Claim, tallies: Tallies) -> Summary:
    return Summary.of(_checkpoint_values(claim, tallies))


def _checkpoint_target(claim: Claim, checkpoint: Summary) -> tuple[Claim | None, list[str]]:
    """The claim to judge when its target is the released weights' evaluation: their mean,
    measured (no rounding term), with their spread over n when there are several."""
    paper = f"the paper prints {claim.display_value}{' ' + claim.unit if claim.unit else ''}"
    if not checkpoint.n:
        return None, [
            f"target: the released checkpoint, not evaluated yet ({paper}): "
            f"starter log {claim.id} VALUE --kind checkpoint"
        ]
    sd = checkpoint.sd
    aggregation = Aggregation("mean", checkpoint.n, sd) if sd else None
    target = replace(
        claim,
        id=claim.id,
        value=checkpoint.mean,
        value_text=None,
        approximate=False,
        aggregation=aggregation,
    )
    plural = "s" if checkpoint.n != 1 else ""
    return target, [f"target: the released checkpoint ({checkpoint.n} evaluation{plural}; {paper})"]


def _parts(
    claim: Claim, group: str | None, paper: Paper, tallies: Tallies
) -> tuple[Any, list[str]]:
    """The sample of a derived claim: the mean over its parts' runs in this group."""
    assert claim.derived is not None
    parts = claim.derived.parts
    summaries = []
    for part in parts:
        tally = tallies.get(part, {}).get(group, EMPTY)
        part_claim = paper.claim(part)
        values = split_scale(part_claim, tally.values)[0] if part_claim else tally.values
        summaries.append(Summary.of(values))
    waiting = [part for part, s in zip(parts, summaries, strict=True) if s.n == 0]
    runs = sorted({s.n for s in summaries})
    shown = f"{runs[0]}" if len(runs) == 1 else f"{runs[0]}-{runs[-1]}"
    note = f"recomputed as the mean of {len(parts)} claims ({', '.join(parts)}), {shown} runs each"
    if waiting:
        return Summary(), [f"derived: waiting for runs of {', '.join(waiting)}"]
    return MeanOfParts(summaries), [note]
