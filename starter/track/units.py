"""Units of logged values: a value given as a fraction or in percent is converted to its
claim's unit, and a value about 100 times off its claim (0.8456 for a claim of 88.9 %) is
caught wherever values enter (`starter log`, importers, `starter run`) and where they are
judged (`starter status`), never judged silently."""

from __future__ import annotations

from typing import Any

from starter.errors import InputError
from starter.models import Claim, Paper
from starter.track.suggest import is_rate

PERCENT = "%"
FRACTION = "fraction"
_ALIASES = {
    "%": PERCENT,
    "percent": PERCENT,
    "pct": PERCENT,
    "fraction": FRACTION,
    "frac": FRACTION,
    "ratio": FRACTION,
    "proportion": FRACTION,
}
# A value is "about 100 times off" when 100x (or 1/100 of) it lies within a factor of 3 of
# the claim while the value itself does not: 0.8456 against 88.9 (ratio 0.0095) is; 0.5
# against 5.0 (a tenth, a real if large gap) is not.
_NEAR = 3.0


def normalize(unit: str) -> str:
    """ "percent" -> "%", "frac" -> "fraction"; any other unit is kept as given."""
    return _ALIASES.get(unit.strip().lower(), unit.strip())


def claim_unit(claim: Claim) -> str | None:
    """The claim's unit as conversions see it: %, fraction (a number in [0, 1] without a
    unit), another unit, or None (a number without a unit that is no fraction)."""
    if claim.unit:
        return normalize(claim.unit)
    value = claim.value
    numbers = value if isinstance(value, tuple) else (value,)
    if all(isinstance(v, int | float) and 0.0 <= v <= 1.0 for v in numbers):
        return FRACTION
    return None


def to_claim_unit(value: float, unit: str | None, claim: Claim) -> float:
    """`value`, given in `unit` (None: already in the claim's unit), in the claim's unit."""
    if unit is None:
        return value
    given, wanted = normalize(unit), claim_unit(claim)
    if given == wanted:
        return value
    if (given, wanted) == (FRACTION, PERCENT):
        return value * 100.0
    if (given, wanted) == (PERCENT, FRACTION):
        return value / 100.0
    shown = f"in {claim.unit}" if claim.unit else "without a unit"
    raise InputError(
        f"--unit {unit}: cannot convert to claim {claim.id!r}, which is {shown}; starter "
        "converts only between fraction and %; give the value in the claim's unit"
    )


def _reference(claim: Claim) -> float | None:
    value = claim.value
    if isinstance(value, tuple):
        return (value[0] + value[1]) / 2.0
    return float(value) if isinstance(value, int | float) else None


def off_by_100(value: float, claim: Claim) -> str | None:
    """What `value` looks like when it is about 100 times off its claim: "fraction" (a
    fraction of 1 for a claim in %) or "percent" (a percentage for a fraction); else None."""
    c = _reference(claim)
    if c is None or c == 0.0 or value == 0.0 or claim.direction is None:
        return None
    ratio = value / c
    unit = claim_unit(claim)
    if unit == PERCENT and abs(value) <= 1.0 and 1 / (100 * _NEAR) <= ratio <= _NEAR / 100:
        return FRACTION
    if (
        unit == FRACTION
        and is_rate(claim)  # an MSE of 0.25 against 0.0025 is far off, but no percentage
        and abs(value) <= 100.0
        and 100 / _NEAR <= ratio <= 100 * _NEAR
    ):
        return "percent"
    return None


def scale_problem(name: str, value: float, claim: Claim, fix: str | None = None) -> str | None:
    """A message for a value about 100 times off its claim, with the option that fixes it."""
    looks = off_by_100(value, claim)
    if looks is None:
        return None
    shown = f"{claim.display_value}{' %' if claim_unit(claim) == PERCENT else ''}"
    if looks == FRACTION:
        what = f"a fraction of 1 but claim {claim.id} is in % ({shown})"
        right, other = FRACTION, PERCENT
    else:
        what = f"a percentage but claim {claim.id} is a fraction ({shown})"
        right, other = PERCENT, FRACTION
    again = f"{fix} --unit {right}" if fix else f"the same command with --unit {right}"
    return (
        f"{name} = {value:g} looks like {what}; if it is one, log it with {again} "
        f"(converted for you); if it really is {value:g} in the claim's unit, add --unit {other}"
    )


def to_claim_units(
    metrics: dict[str, float],
    paper: Paper,
    unit: str | None = None,
    fix: str | None = None,
) -> tuple[dict[str, float], list[str]]:
    """Values by claim id in their claims' units, and notes saying what was converted.

    For every reader of values (`starter log`, the importers): with `unit`, each value tied
    to a numeric claim is converted from it (fraction <-> %); without, a value about 100
    times off its claim is refused (InputError naming `fix`, the command to run again with
    --unit). Names that are no claim pass unchanged."""
    out: dict[str, float] = {}
    notes: list[str] = []
    for name, value in metrics.items():
        claim = paper.claim(name)
        if claim is None or claim.value is None:
            out[name] = value
            continue
        if unit is not None:
            converted = to_claim_unit(value, unit, claim)
            if converted != value:
                target = "%" if claim_unit(claim) == PERCENT else "a fraction"
                notes.append(
                    f"read {name} = {value:g} ({normalize(unit)}) as {converted:g} ({target})"
                )
            out[name] = converted
            continue
        problem = scale_problem(name, value, claim, fix)
        if problem is not None:
            raise InputError(problem + "; nothing was recorded")
        out[name] = value
    return out, notes


def scale_warnings(metrics: dict[str, Any], paper: Paper) -> list[str]:
    """For values already measured (`starter run`): what looks 100 times off, as warnings."""
    warnings = []
    for name, value in metrics.items():
        claim = paper.claim(name)
        if claim is not None and isinstance(value, int | float):
            problem = off_by_100(value, claim)
            if problem is not None:
                warnings.append(
                    f"{name} = {value:g} looks like a "
                    f"{'fraction of 1' if problem == FRACTION else 'percentage'} next to claim "
                    f"{claim.id} ({claim.display_value}{' %' if claim.unit == '%' else ''}): "
                    "it is recorded, but `starter status` sets it apart and never counts it; "
                    "have the program write values in the claim's unit"
                )
    return warnings
