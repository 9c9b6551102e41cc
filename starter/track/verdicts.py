"""The statistics and the verdict rule of VERDICTS.md: pure functions, no I/O."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from starter.models import Claim
from starter.track.stats import Summary, t_quantile
from starter.track.suggest import suggest_tolerance
from starter.track.values import Apart, ClaimStatus

CONFIDENCE = 0.95
# Runs beyond this are not worth suggesting: "it would take a million runs" means "never".
MAX_RUNS_TO_SETTLE = 1_000_000
# Verdicts are decided on numbers rounded this many significant digits below the largest
# number compared: far below any printed digit and far above binary floating-point noise
# (about 16 digits), so 0.51 - 0.53 is -0.02 and a gap equal to the tolerance is inside it.
SETTLE_DIGITS = 12


_NUMBER = re.compile(r"[-+]?(?P<int>\d[\d,]*)?(?:\.(?P<frac>\d*))?(?:[eE](?P<exp>[-+]?\d+))?")


def rounding_unit(text: str | None) -> float:
    """The rounding step of a number as printed: "6.43" -> 0.01, "2.5e-3" -> 1e-4, "90" -> 1.

    The first number in the text counts ("76.2 ± 0.3" -> 0.1); no number -> 0.
    """
    if not text:
        return 0.0
    for match in _NUMBER.finditer(text.replace("−", "-")):
        if match.group("int") is None and not match.group("frac"):
            continue
        decimals = len(match.group("frac") or "")
        exponent = int(match.group("exp") or 0)
        return 10.0 ** max(-300, min(300, exponent - decimals))  # "5.0e400" cannot overflow
    return 0.0


def _printed(claim: Claim) -> str | None:
    if claim.target == "checkpoint":
        return None  # judged against the released weights' evaluation: measured, not printed
    if claim.value_text:
        return claim.value_text
    if isinstance(claim.value, int | float):
        return repr(claim.value)  # the shortest text that reads back as the stored number
    if isinstance(claim.value, tuple):
        return repr(claim.value[0])
    return None


def rounding_variance(claim: Claim) -> float:
    """The variance the printing of the claim adds: a value printed to a step u is anywhere
    within ±u/2 of it (u²/12); an approximate one ("~2.85") within ±u (u²/3)."""
    u = rounding_unit(_printed(claim))
    return u * u / (3.0 if claim.approximate else 12.0)


def paper_spread(claim: Claim) -> tuple[float, int] | None:
    """(s_c, n_c) when the paper gives an sd over n_c >= 2 runs; a bare sd enters no formula."""
    agg = claim.aggregation
    if agg is None or agg.spread is None or agg.n is None or agg.n < 2:
        return None
    return float(agg.spread), int(agg.n)


def _sign(claim: Claim) -> int:
    return -1 if claim.direction == "lower" else 1


def _gap_of(claim: Claim, mean: float) -> float:
    """d = g * (mean - c), measured to the nearer end of a range and 0 inside it."""
    value = claim.value
    if isinstance(value, tuple):
        lo, hi = value
        raw = mean - hi if mean > hi else (mean - lo if mean < lo else 0.0)
    else:
        raw = mean - float(value)  # type: ignore[arg-type]
    return _sign(claim) * raw + 0.0  # + 0.0 turns -0.0 into 0.0 for display and JSON


# ----------------------------------------------------------------------------- decimals


def decimal(x: float) -> Decimal:
    """A float as the decimal it was written as: the shortest text that reads back as it."""
    return Decimal(repr(float(x)))


def exact_gap(claim: Claim, value: float) -> Decimal:
    """d of a single value, in decimal arithmetic: 0.51 against 0.53 is exactly -0.02."""
    x = decimal(value)
    if isinstance(claim.value, tuple):
        lo, hi = (decimal(v) for v in claim.value)
        raw = x - hi if x > hi else (x - lo if x < lo else Decimal(0))
    else:
        raw = x - decimal(claim.value)  # type: ignore[arg-type]
    return raw if _sign(claim) > 0 else -raw


def settled(x: float, scale: float) -> Decimal:
    """x rounded SETTLE_DIGITS significant digits below `scale` (the largest number in the
    comparison): what a verdict compares, so none depends on binary representation."""
    if not (scale > 0 and math.isfinite(scale)):
        return decimal(x)
    exponent = math.floor(math.log10(scale)) - SETTLE_DIGITS
    return decimal(x).quantize(Decimal(1).scaleb(exponent))


def _scale(claim: Claim, *numbers: float | None) -> float:
    values = claim.value if isinstance(claim.value, tuple) else (claim.value,)
    found = [abs(float(v)) for v in (*values, *numbers) if isinstance(v, int | float)]
    return max(found, default=0.0)


# ----------------------------------------------------------------------------- interval


@dataclass(frozen=True)
class Interval:
    """The 95% interval of the gap and what went into it."""

    gap: float
    low: float
    high: float
    se: float
    df: float | None  # None when the interval rests on the rounding term alone
    assumed_noise: bool


def _terms(
    n: int,
    sd: float | None,
    spread: tuple[float, int] | None,
    mean_variance: tuple[float, float] | None = None,
) -> tuple[float, float | None, float, float | None, bool] | None:
    """(a, nu_a, b, nu_b, assumed_noise) or None when no interval can be formed."""
    b, nu_b = (spread[0] ** 2 / spread[1], spread[1] - 1.0) if spread else (0.0, None)
    if mean_variance is not None:  # a mean over the parts of a derived claim
        return mean_variance[0], mean_variance[1], b, nu_b, False
    if n >= 2 and sd is not None:
        return sd * sd / n, n - 1.0, b, nu_b, False
    if n == 1 and spread:
        return spread[0] ** 2, spread[1] - 1.0, b, nu_b, True
    return None


def interval(
    claim: Claim,
    n: int,
    mean: float,
    sd: float | None,
    mean_variance: tuple[float, float] | None = None,
) -> Interval | None:
    """The two-sided 95% Student-t interval of the gap d (VERDICTS.md, "Computation")."""
    terms = _terms(n, sd, paper_spread(claim), mean_variance)
    if terms is None:
        return None
    a, nu_a, b, nu_b, assumed = terms
    return _interval_from(claim, mean, a, nu_a, b, nu_b, assumed)


def _interval_from(
    claim: Claim,
    mean: float,
    a: float,
    nu_a: float | None,
    b: float,
    nu_b: float | None,
    assumed: bool,
) -> Interval:
    se = math.sqrt(a + b + rounding_variance(claim))
    if b == 0.0:
        df = nu_a
    elif a == 0.0:
        df = nu_b
    else:  # Welch-Satterthwaite, on a and b scaled to at most 1 so no square overflows
        top = max(a, b)
        a_, b_ = a / top, b / top
        df = (a_ + b_) ** 2 / (a_ * a_ / nu_a + b_ * b_ / nu_b)  # type: ignore[operator]
    half = 0.0 if se == 0.0 else t_quantile(0.5 + CONFIDENCE / 2, df) * se  # type: ignore[arg-type]
    gap = _gap_of(claim, mean)
    if isinstance(claim.value, tuple):
        # d is a monotone function of the mean: map the mean's interval through it.
        ends = sorted((_gap_of(claim, mean - half), _gap_of(claim, mean + half)))
        low, high = ends
    else:
        low, high = gap - half, gap + half
    return Interval(gap=gap, low=low, high=high, se=se, df=df, assumed_noise=assumed)


def classify(low: float, high: float, delta: float, scale: float = 0.0) -> str:
    """The verdict of an interval of the gap against ±delta, decided at SETTLE_DIGITS below
    the largest number involved (`scale`, or the ends and delta themselves)."""
    scale = max(scale, abs(low), abs(high), delta)
    lo, hi, d = settled(low, scale), settled(high, scale), settled(delta, scale)
    if -d <= lo and hi <= d:
        return "reproduced"
    if lo > d:
        return "exceeds"
    if hi < -d:
        return "not-reproduced"
    return "inconclusive"


def runs_to_settle(claim: Claim, n: int, mean: float, sd: float | None, delta: float) -> int | None:
    """How many runs would likely settle an inconclusive claim if mean and sd stayed as they
    are; None when no number of runs would (the paper's spread or its rounding dominates)."""
    spread = paper_spread(claim)
    run_sd = sd if n >= 2 else (spread[0] if spread else None)
    if run_sd is None:
        return None
    scale = _scale(claim, mean)

    def settles(m: int) -> bool:
        a = run_sd * run_sd / m
        b, nu_b = (spread[0] ** 2 / spread[1], spread[1] - 1.0) if spread else (0.0, None)
        iv = _interval_from(claim, mean, a, m - 1.0, b, nu_b, False)
        return classify(iv.low, iv.high, delta, scale) != "inconclusive"

    if not settles(MAX_RUNS_TO_SETTLE):
        return None
    lo, hi = max(n, 1), MAX_RUNS_TO_SETTLE  # settles(hi) holds; the half-width shrinks with m
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if settles(mid):
            hi = mid
        else:
            lo = mid
    return hi


# ----------------------------------------------------------------------------- the verdict


def _measured(claim: Claim, sample: Any) -> tuple[float, Interval | None]:
    """The gap of a sample's mean (decimal-exact for one run) and its interval."""
    mean_variance = getattr(sample, "mean_variance", None)
    iv = interval(claim, sample.n, sample.mean, sample.sd, mean_variance)
    if sample.n == 1 and mean_variance is None:
        gap = float(exact_gap(claim, sample.mean))
    else:
        gap = float(settled(_gap_of(claim, sample.mean), _scale(claim, sample.mean)))
    return gap + 0.0, iv


def apart(claim: Claim, kind: Any, label: str, sample: Summary, judged: bool = True) -> Apart:
    """Runs of a claim shown apart (a deviation, checkpoint evaluations, extension runs,
    values 100x off): n, mean ± sd, and, for a numeric claim, the gap and its interval."""
    gap = ci = None
    if sample.n and judged and claim.value is not None and claim.direction is not None:
        gap, iv = _measured(claim, sample)
        ci = (iv.low, iv.high) if iv is not None else None
    return Apart(
        kind=kind,
        label=label,
        n=sample.n,
        mean=sample.mean if sample.n else None,
        sd=sample.sd,
        gap=gap,
        ci95=ci,
    )


def judge(
    claim: Claim,
    counted: Any,
    deviating: Summary | Sequence[tuple[str, Summary]] | None = None,
    test_size: int | None = None,
) -> ClaimStatus:
    """The verdict of VERDICTS.md for one claim: the first rule that applies. `counted` is a
    stats.Summary of the runs that count, or a stats.MeanOfParts for a derived claim;
    `deviating` the runs declaring a deviation, one Summary per deviation (label, Summary)."""
    if isinstance(deviating, Summary):
        deviating = [("declared", deviating)] if deviating.n else []
    samples = [(label, s) for label, s in deviating or () if s.n]
    notes: list[str] = []
    base: dict[str, Any] = {
        "id": claim.id,
        "metric": claim.metric,
        "reported": claim.value,
        "reported_text": None if claim.value is None else claim.display_value,
        "unit": claim.unit,
        "direction": claim.direction,
        "tolerance": claim.tolerance,
        "tolerance_origin": claim.tolerance_origin,
        "central": claim.central,
        "source": claim.source,
        "target": claim.target_kind,
        "ci95": None,
    }
    if claim.confidence == "draft":
        # Proposed by `starter claim extract` and not yet reviewed: never judged.
        return _status(base, counted, "not-judged", ["draft: review it with starter claim review"])
    if claim.is_qualitative:
        # A qualitative claim can never receive a number, so "pending" would never end.
        return _status(base, counted, "not-judged", notes)
    if counted.n == 0 and not samples:
        return _status(base, counted, "pending", notes)
    shown_apart = tuple(apart(claim, "deviation", label, s) for label, s in samples)
    base["apart"] = shown_apart
    if claim.is_fact and claim.exact:
        return _exact(claim, base, counted, samples, notes)
    if claim.is_fact:
        largest = max(samples, key=lambda p: p[1].n)[1] if counted.n == 0 else counted
        return _status(base, largest, "not-judged", notes)
    if counted.n == 0:
        # Every run departs from the paper: the numbers are shown, labelled, never judged.
        label, largest = max(samples, key=lambda p: (p[1].n, p[0]))
        gap, iv = _measured(claim, largest)
        base["ci95"] = (iv.low, iv.high) if iv is not None else None
        base["deviation"] = label
        if len(samples) > 1:
            notes.append(f"{len(samples) - 1} other deviation{'s' if len(samples) > 2 else ''}")
        return _status(base, largest, "not-comparable", notes, gap=gap)
    if claim.aggregation is not None and claim.aggregation.kind == "best":
        notes.append("biased comparison: best of n")
    deviating_runs = sum(s.n for _, s in samples)
    if deviating_runs:
        plural = "s" if deviating_runs != 1 else ""
        notes.append(f"{deviating_runs} deviating run{plural} shown apart")
    gap, iv = _measured(claim, counted)
    derived = hasattr(counted, "parts")  # a stats.MeanOfParts
    if iv is not None and iv.assumed_noise:
        notes.append("assumed noise")
    if counted.n == 1:
        notes.insert(0, "1 run")
    extra: dict[str, Any] = {"gap": gap}
    if iv is not None:
        base["ci95"] = (iv.low, iv.high)
    delta = claim.tolerance
    if delta is None:
        extra["suggested_tolerance"] = suggest_tolerance(claim, test_size)
        return _status(base, counted, "needs-tolerance", notes, **extra)
    if iv is None:  # a single run (of some part) and no spread in the paper
        d, tolerance = Decimal(repr(gap)), decimal(delta)
        detail = "consistent" if abs(d) <= tolerance else ("better" if d > 0 else "worse")
        return _status(base, counted, "indicative", notes, detail=detail, **extra)
    scale = _scale(claim, counted.mean)
    verdict = classify(iv.low, iv.high, delta, scale)
    if verdict == "inconclusive" and not derived:
        extra["runs_to_settle"] = runs_to_settle(claim, counted.n, counted.mean, counted.sd, delta)
        if extra["runs_to_settle"] is None:
            notes.append("more runs cannot settle it")
    return _status(base, counted, verdict, notes, **extra)


def _exact(
    claim: Claim,
    base: dict[str, Any],
    counted: Any,
    samples: list[tuple[str, Summary]],
    notes: list[str],
) -> ClaimStatus:
    """An exact fact (a count, a size): reproduced when every counted run gives the value
    as printed, not reproduced when one does not; runs that declare a deviation are shown,
    not comparable. No interval: the quantity is deterministic, so one differing run is a
    difference, not noise (VERDICTS.md, "Exact facts")."""
    base["exact"] = True
    if counted.n == 0:
        label, largest = max(samples, key=lambda p: (p[1].n, p[0]))
        base["deviation"] = label
        return _status(base, largest, "not-comparable", notes)
    value = float(claim.value)  # type: ignore[arg-type]
    gap = counted.mean - value + 0.0
    if _as_printed(claim, counted.low) and _as_printed(claim, counted.high):
        notes.append(f"exact: every run gives {claim.display_value}")
        return _status(base, counted, "reproduced", notes, gap=gap)
    shown = (
        f"{counted.low:g}"
        if counted.low == counted.high
        else f"{counted.low:g} to {counted.high:g}"
    )
    notes.append(f"exact: runs give {shown}, not {claim.display_value}")
    return _status(base, counted, "not-reproduced", notes, gap=gap)


def _as_printed(claim: Claim, x: float) -> bool:
    """`x` equals the claim's value at the precision the paper printed it ("64,660": units)."""
    text = (claim.value_text or repr(claim.value)).replace(",", "").replace("−", "-").strip()
    try:
        printed = Decimal(text)
    except ArithmeticError:
        printed = Decimal(repr(float(claim.value)))  # type: ignore[arg-type]
    exponent = printed.as_tuple().exponent
    if not isinstance(exponent, int) or not math.isfinite(x):
        return False
    try:
        return decimal(x).quantize(Decimal(1).scaleb(exponent)) == printed
    except ArithmeticError:  # more digits than decimal's context holds: not this value
        return False


def _status(
    base: dict[str, Any], stats: Any, verdict: str, notes: list[str], **extra: Any
) -> ClaimStatus:
    best = None
    if stats.n and base["direction"] and stats.low is not None:
        best = stats.low if base["direction"] == "lower" else stats.high
    return ClaimStatus(
        **base,
        n=stats.n,
        mean=stats.mean if stats.n else None,
        sd=stats.sd,
        best=best,
        verdict=verdict,  # type: ignore[arg-type]
        notes=tuple(notes),
        **extra,
    )


def expected_outside(judged: int) -> float:
    """How many of `judged` 95% intervals would miss by chance alone."""
    return judged * (1.0 - CONFIDENCE)
