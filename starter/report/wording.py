"""How the report words a claim's numbers: a result one decimal finer than the paper printed
it (a spread too small for that in significant figures), the verdict in words, and one
sentence with the numbers behind the verdict."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from starter.track.values import ClaimStatus

VERDICT_WORDS = {
    "not-reproduced": "not reproduced",
    "exceeds": "exceeds the paper",
    "inconclusive": "inconclusive",
    "reproduced": "reproduced",
    "needs-tolerance": "needs a tolerance",
    "indicative": "indicative",
    "not-comparable": "not comparable",
    "pending": "no runs yet",
    "not-judged": "not judged",
}


def _decimals(text: str | None) -> int | None:
    """Decimals as printed: "5.0" -> 1, "2.5e-3" -> 4, "90" -> 0; None when unknown."""
    if not text:
        return None
    try:
        exponent = Decimal(text.strip().replace("%", "").replace(",", "")).as_tuple().exponent
    except InvalidOperation:
        return None
    return max(0, -exponent) if isinstance(exponent, int) else None


def number(value: float | None, decimals: int | None, sign: bool = False) -> str:
    """A result shown one decimal finer than the paper printed it (full precision in JSON);
    a number that would show as zero there, in two significant figures (2.1e-05)."""
    if value is None:
        return "–"
    plus = "+" if sign else ""
    if decimals is None:
        text = f"{value:{plus}.4g}"
    elif value != 0 and abs(value) < 0.5 * 10.0 ** -(decimals + 1):
        text = f"{value:{plus}.2g}"
    else:
        text = f"{value:{plus}.{decimals + 1}f}"
    return text.replace("-", "−")


def places_of(claim: ClaimStatus) -> int | None:
    places = _decimals((claim.reported_text or "").lstrip("~"))
    if places is None and isinstance(claim.reported, int | float):
        places = _decimals(repr(float(claim.reported)))
    if places is not None and claim.target == "checkpoint":
        places = min(places, 3)  # a measured target has all its digits: show a few
    return places


def display(claim: ClaimStatus, unit_suffix: bool = False) -> dict[str, str]:
    places = places_of(claim)
    unit = f" {claim.unit}" if unit_suffix and claim.unit else ""
    if claim.reported is None:
        reported = "(qualitative)"
    elif claim.reported_text:
        reported = claim.reported_text
    elif isinstance(claim.reported, tuple):
        reported = f"{claim.reported[0]:g}–{claim.reported[1]:g}"
    else:
        reported = f"{claim.reported:g}"
    ours = "–"
    if claim.mean is not None and claim.exact and claim.sd in (None, 0.0):
        # An exact fact is a count: every run gave the same number, shown as printed.
        ours = f"{claim.mean:,.{places or 0}f}" + (" in every run" if claim.n > 1 else "")
    elif claim.mean is not None:
        ours = number(claim.mean, places)
        if claim.sd is not None and claim.n > 1:
            ours += f" ± {number(claim.sd, places)}"
    gap = "–"
    if claim.exact and claim.gap is not None:
        gap = "0 (equal)" if claim.verdict == "reproduced" else "not equal"
    elif claim.ci95 is not None:
        gap = f"[{number(claim.ci95[0], places, True)}, {number(claim.ci95[1], places, True)}]"
    elif claim.gap is not None and claim.verdict not in ("pending", "not-judged"):
        gap = number(claim.gap, places, True) + (" (1 run)" if "1 run" in claim.notes else "")
    tolerance = tolerance_text(claim.tolerance)
    verdict = VERDICT_WORDS.get(claim.verdict, claim.verdict)
    if claim.detail and claim.verdict == "indicative":
        verdict = f"indicative: {claim.detail} (1 run)"
    return {
        "reported": reported + unit,
        "target": "" if claim.target == "paper" else claim.target,
        "ours": ours,
        "gap_ci": gap,
        "best": number(claim.best, places),
        "tolerance": tolerance,
        "verdict": verdict,
    }


def apart_text(claim: ClaimStatus, item: Any) -> str:
    """Runs shown apart in words, with their numbers: "deviating runs (CIFAR-10.1), never
    pooled: n=2, 87.10 ± 0.14, gap 95% interval [−3.12, −0.48]"."""
    places = places_of(claim)
    what = {
        "deviation": f"deviating runs ({item.label}), never pooled",
        "scale": f"{item.label}, never counted",
        "checkpoint": "evaluations of the released weights, never counted",
        "extension": "extension runs, never counted",
    }.get(item.kind, item.label)
    text = f"{what}: n={item.n:,}: {number(item.mean, places)}"
    if item.sd is not None:
        text += f" ± {number(item.sd, places)}"
    if item.ci95 is not None:
        low, high = (number(end, places, True) for end in item.ci95)
        text += f", gap 95% interval [{low}, {high}]"
    elif item.gap is not None:
        text += f", gap {number(item.gap, places, True)}"
    return text


def sentence(claim: ClaimStatus) -> str:
    """One sentence saying where a claim stands, with the numbers behind the verdict."""
    shown = display(claim)
    source = "paper" if claim.target == "paper" else claim.target
    paper = f"{source}: {shown['reported']}{' ' + claim.unit if claim.unit else ''}"
    if claim.reported is None:
        paper = "qualitative"
    if claim.source:
        paper += f", {claim.source}"
    group = f" in group {claim.group}" if claim.group else ""
    what = f"{claim.metric}{group} ({paper})"
    runs = f"{claim.n:,} run{'s' if claim.n != 1 else ''} give{'s' if claim.n == 1 else ''}"
    measured = f"{runs} {shown['ours']}"
    verdict = claim.verdict
    if verdict == "pending":
        return f"{claim.id}, {what}: no runs yet."
    if verdict == "not-judged":
        kind = "a qualitative claim" if claim.reported is None else "a fact with no better or worse"
        return f"{claim.id}, {what}: not judged, {kind}."
    if verdict == "not-comparable":
        label = f" ({claim.deviation})" if claim.deviation else ""
        shown_runs = f"; {measured}" if claim.n else ""
        if claim.ci95 is not None:
            shown_runs += f", the 95% interval of the gap {shown['gap_ci']}"
        return (
            f"{claim.id}, {what}: not comparable; every run declares a deviation{label}"
            f"{shown_runs}."
        )
    if verdict == "needs-tolerance":
        hint = ""
        suggested = (claim.suggested_tolerance or {}).get("value")
        if isinstance(suggested, int | float):
            hint = f" (suggested ±{suggested:.2g})"
        return f"{claim.id}, {what}: needs a tolerance{hint}; {measured}."
    if verdict == "indicative":
        gap = f", a gap of {shown['gap_ci']}" if claim.gap is not None else ""
        return f"{claim.id}, {what}: indicative, {claim.detail or 'one run'}; {measured}{gap}."
    if claim.exact and verdict in ("reproduced", "not-reproduced"):
        said = next((n for n in claim.notes if n.startswith("exact: ")), "")[len("exact: ") :]
        done = "reproduced exactly" if verdict == "reproduced" else "not reproduced"
        runs = f"{claim.n:,} run{'s' if claim.n != 1 else ''}"
        return f"{claim.id}, {what}: {done}, an exact fact; {runs}: {said}."
    band = f"the tolerance {shown['tolerance']}"
    interval = f"the 95% interval of the gap, {shown['gap_ci']}"
    if verdict == "reproduced":
        return f"{claim.id}, {what}: reproduced; {measured}, and {interval}, lies inside {band}."
    if verdict == "not-reproduced":
        return (
            f"{claim.id}, {what}: not reproduced; {measured}, worse than the paper: "
            f"{interval}, lies below {band}."
        )
    if verdict == "exceeds":
        return (
            f"{claim.id}, {what}: exceeds the paper; {measured}, and {interval}, lies above "
            f"{band}: a difference to explain, not a success."
        )
    settle = ""
    if claim.runs_to_settle:
        settle = f"; about {claim.runs_to_settle} runs would likely settle it"
    return f"{claim.id}, {what}: inconclusive; {measured}, and {interval}, crosses {band}{settle}."


def tolerance_text(value: Any) -> str:
    return f"±{value:.4g}" if isinstance(value, int | float) else "–"
