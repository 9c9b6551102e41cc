"""The statistics and the verdict rule of VERDICTS.md: pure functions, no I/O."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from starter.models import Claim
from starter.track.stats import Summary, t_quantile
from starter.track.values import ClaimStatus

CONFIDENCE = 0.95
# Runs beyond this are not worth suggesting: "it would take a million runs" means "never".
MAX_RUNS_TO_SETTLE = 1_000_000


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
        return 10.0 ** (exponent - decimals)
    return 0.0


def _printed(claim: Claim) -> str | None:
    if claim.value_text:
        return claim.value_text
    if isinstance(claim.value, int | float):
        return repr(claim.value)  # the shortest text that reads back as the stored number
    if isinstance(claim.value, tuple):
        return repr(claim.value[0])
    return None


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
    n: int, sd: float | None, spread: tuple[float, int] | None
) -> tuple[float, float | None, float, float | None, bool] | None:
    """(a, nu_a, b, nu_b, assumed_noise) or None when no interval can be formed."""
    b, nu_b = (spread[0] ** 2 / spread[1], spread[1] - 1.0) if spread else (0.0, None)
    if n >= 2 and sd is not None:
        return sd * sd / n, n - 1.0, b, nu_b, False
    if n == 1 and spread:
        return spread[0] ** 2, spread[1] - 1.0, b, nu_b, True
    return None


def interval(claim: Claim, n: int, mean: float, sd: float | None) -> Interval | None:
    """The two-sided 95% Student-t interval of the gap d (VERDICTS.md, "Computation")."""
    spread = paper_spread(claim)
    terms = _terms(n, sd, spread)
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
    u = rounding_unit(_printed(claim))
    se = math.sqrt(a + b + u * u / 12.0)
    if b == 0.0:
        df = nu_a
    elif a == 0.0:
        df = nu_b
    else:
        df = (a + b) ** 2 / (a * a / nu_a + b * b / nu_b)  # type: ignore[operator]
    half = 0.0 if se == 0.0 else t_quantile(0.5 + CONFIDENCE / 2, df) * se  # type: ignore[arg-type]
    gap = _gap_of(claim, mean)
    if isinstance(claim.value, tuple):
        # d is a monotone function of the mean: map the mean's interval through it.
        ends = sorted((_gap_of(claim, mean - half), _gap_of(claim, mean + half)))
        low, high = ends
    else:
        low, high = gap - half, gap + half
    return Interval(gap=gap, low=low, high=high, se=se, df=df, assumed_noise=assumed)


def _classify(low: float, high: float, delta: float) -> str:
    if -delta <= low and high <= delta:
        return "reproduced"
    if low > delta:
        return "exceeds"
    if high < -delta:
        return "not-reproduced"
    return "inconclusive"


def runs_to_settle(claim: Claim, n: int, mean: float, sd: float | None, delta: float) -> int | None:
    """How many runs would likely settle an inconclusive claim if mean and sd stayed as they
    are; None when no number of runs would (the paper's spread or its rounding dominates)."""
    spread = paper_spread(claim)
    run_sd = sd if n >= 2 else (spread[0] if spread else None)
    if run_sd is None:
        return None

    def settles(m: int) -> bool:
        a = run_sd * run_sd / m
        b, nu_b = (spread[0] ** 2 / spread[1], spread[1] - 1.0) if spread else (0.0, None)
        iv = _interval_from(claim, mean, a, m - 1.0, b, nu_b, False)
        return _classify(iv.low, iv.high, delta) != "inconclusive"

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


# ----------------------------------------------------------------------------- tolerance

_ACCURACY_WORDS = ("accuracy", "error", "acc", "err", "top-1", "top-5", "precision", "recall")
# A test-set size is read only where the text plainly gives one: "test (10,000)", "(10k)",
# "50,000 images". A bare number could be anything ("ResNet-110").
_SIZE = re.compile(
    r"(?:\(\s*(?P<paren>\d[\d,]*(?:\.\d+)?)\s*(?P<k1>k)?\s*\))"
    r"|(?:(?<![\w.,-])(?P<count>\d[\d,]*(?:\.\d+)?)\s*(?P<k2>k)?\s+"
    r"(?:images|items|examples|samples|sentences|pairs|digits|words|utterances|documents|"
    r"questions|clips|videos)\b)",
    re.IGNORECASE,
)


def size_in_text(claim: Claim) -> int | None:
    """A test-set size printed in the claim's split or dataset, e.g. "test (10,000)"."""
    for text in (claim.split, claim.dataset):
        for match in _SIZE.finditer(text or ""):
            number = (match.group("paren") or match.group("count")).replace(",", "")
            size = float(number) * (1000 if match.group("k1") or match.group("k2") else 1)
            if size >= 1 and size.is_integer():
                return int(size)
    return None


def binomial_tolerance(claim: Claim, size: int) -> float | None:
    """Twice the binomial standard error of a rate, in the claim's unit (points when in %)."""
    if not isinstance(claim.value, int | float) or size < 1:
        return None
    scale = 100.0 if claim.unit == "%" else 1.0
    p = float(claim.value) / scale
    if not 0.0 <= p <= 1.0:
        return None
    return 2.0 * math.sqrt(p * (1.0 - p) / size) * scale


def suggest_tolerance(claim: Claim, test_size: int | None = None) -> dict[str, Any]:
    """A suggested delta with its origin, or value None and what is missing; and the command."""
    command = f'starter claim tolerance {claim.id} VALUE --origin "why this value"'
    agg = claim.aggregation
    if agg is not None and agg.spread:
        runs = f" over {agg.n} runs" if agg.n else ""
        value = float(agg.spread)
        origin = f"the paper's sd{runs}"
        return _suggestion(claim, value, origin)
    is_rate = claim.unit == "%" or any(w in claim.metric.lower() for w in _ACCURACY_WORDS)
    size = test_size or size_in_text(claim)
    if is_rate and size:
        binomial = binomial_tolerance(claim, size)
        if binomial is not None and binomial > 0:
            return _suggestion(claim, binomial, f"2 binomial SE on {size:,} items")
    if is_rate:
        missing = (
            "no sd in the paper and no test-set size: give one with "
            f"`starter claim tolerance {claim.id} --test-size N`, or choose a value"
        )
    else:
        missing = "no sd in the paper and not a rate: choose a value and say why"
    return {"value": None, "origin": missing, "command": command}


def _suggestion(claim: Claim, value: float, origin: str) -> dict[str, Any]:
    shown = f"{value:.3g}"
    return {
        "value": value,
        "origin": origin,
        "command": f'starter claim tolerance {claim.id} {shown} --origin "{origin}"',
    }


# ----------------------------------------------------------------------------- the verdict


def judge(
    claim: Claim,
    counted: Summary,
    deviating: Summary | None = None,
    test_size: int | None = None,
) -> ClaimStatus:
    """The verdict of VERDICTS.md for one claim: the first rule that applies."""
    deviating = deviating or Summary()
    notes: list[str] = []
    base: dict[str, Any] = {
        "id": claim.id,
        "metric": claim.metric,
        "reported": claim.value,
        "reported_text": claim.value_text or (None if claim.value is None else claim.display_value),
        "unit": claim.unit,
        "direction": claim.direction,
        "tolerance": claim.tolerance,
        "tolerance_origin": claim.tolerance_origin,
        "central": claim.central,
        "source": claim.source,
        "ci95": None,
    }
    if claim.confidence == "draft":
        # Proposed by `starter claim extract` and not yet reviewed: never judged.
        return _status(base, counted, "not-judged", ["draft: review it with starter claim review"])
    if claim.is_qualitative:
        # A qualitative claim can never receive a number, so "pending" would never end.
        return _status(base, counted, "not-judged", notes)
    if counted.n == 0 and deviating.n == 0:
        return _status(base, counted, "pending", notes)
    if claim.is_fact:
        return _status(base, counted if counted.n else deviating, "not-judged", notes)
    if counted.n == 0:
        return _status(base, deviating, "not-comparable", notes)
    if claim.aggregation is not None and claim.aggregation.kind == "best":
        notes.append("biased comparison: best of n")
    if deviating.n:
        notes.append(f"{deviating.n} deviating run{'s' if deviating.n != 1 else ''} shown apart")
    mean, sd = counted.mean, counted.sd
    iv = interval(claim, counted.n, mean, sd)
    gap = _gap_of(claim, mean)
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
    if iv is None:  # a single run and no spread in the paper
        detail = "consistent" if abs(gap) <= delta else ("better" if gap > 0 else "worse")
        return _status(base, counted, "indicative", notes, detail=detail, **extra)
    verdict = _classify(iv.low, iv.high, delta)
    if verdict == "inconclusive":
        extra["runs_to_settle"] = runs_to_settle(claim, counted.n, mean, sd, delta)
        if extra["runs_to_settle"] is None:
            notes.append("more runs cannot settle it")
    return _status(base, counted, verdict, notes, **extra)


def _status(
    base: dict[str, Any], stats: Summary, verdict: str, notes: list[str], **extra: Any
) -> ClaimStatus:
    best = None
    if stats.n and base["direction"]:
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
