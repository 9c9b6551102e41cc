"""The statistics behind the verdict rule: Student's t quantiles without SciPy, and a running
summary (count, mean, sd, min, max) of a stream of values in O(1) memory."""

from __future__ import annotations

import math
from typing import Any

# ----------------------------------------------------------------------------- Student t
# Why not SciPy: `import scipy.special` alone costs ~0.25 s (scipy.stats ~0.65 s), twice what
# a whole `starter --help` costs, and `status` needs one quantile per claim. This routine is
# the textbook one (the t tail through the regularized incomplete beta function, by a
# continued fraction, inverted by safeguarded Newton steps); tests/track/test_verdicts.py checks it
# against scipy.stats.t.ppf for integer and fractional degrees of freedom.


def _betacf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    tiny = 1e-300
    c, d = 1.0, 1.0 - (a + b) * x / (a + 1.0)
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 10_000):
        m2 = 2 * m
        for aa in (
            m * (b - m) * x / ((a - 1.0 + m2) * (a + m2)),
            -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1.0 + m2)),
        ):
            d = 1.0 + aa * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + aa / c
            c = c if abs(c) > tiny else tiny
            step = d * c
            h *= step
        if abs(step - 1.0) < 1e-15:
            break
    return h


def _betainc(a: float, b: float, x: float, one_minus_x: float) -> float:
    """The regularized incomplete beta I_x(a, b); 1 - x is passed to avoid cancellation."""
    if x <= 0.0:
        return 0.0
    if one_minus_x <= 0.0:
        return 1.0
    log_front = (
        math.lgamma(a + b)
        - math.lgamma(a)
        - math.lgamma(b)
        + a * math.log(x)
        + b * math.log(one_minus_x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _betacf(a, b, x) / a
    return 1.0 - math.exp(log_front) * _betacf(b, a, one_minus_x) / b


def t_sf(t: float, df: float) -> float:
    """P(T > t) for Student's t with `df` degrees of freedom (t >= 0)."""
    x = df / (df + t * t)
    return 0.5 * _betainc(df / 2.0, 0.5, x, t * t / (df + t * t))


def _t_pdf(t: float, df: float) -> float:
    return math.exp(
        math.lgamma((df + 1) / 2)
        - math.lgamma(df / 2)
        - 0.5 * math.log(df * math.pi)
        - (df + 1) / 2 * math.log1p(t * t / df)
    )


def _cornish_fisher(z: float, df: float) -> float:
    """The asymptotic expansion of the t quantile in 1/df (Abramowitz & Stegun 26.7.5)."""
    z2 = z * z
    g1 = (z2 + 1) * z / 4
    g2 = ((5 * z2 + 16) * z2 + 3) * z / 96
    g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384
    g4 = ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) * z / 92160
    return z + g1 / df + g2 / df**2 + g3 / df**3 + g4 / df**4


def t_quantile(p: float, df: float) -> float:
    """The p-quantile of Student's t with `df` (> 0, not necessarily whole) degrees of freedom."""
    if not (0.0 < p < 1.0) or not (df > 0) or math.isnan(df):
        raise ValueError(f"t_quantile needs 0 < p < 1 and df > 0, got p={p}, df={df}")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    if p == 0.5:
        return 0.0
    if df == 1:
        return math.tan(math.pi * (p - 0.5))
    if df == 2:
        return (2 * p - 1) / math.sqrt(2 * p * (1 - p))
    from statistics import NormalDist

    z = NormalDist().inv_cdf(p)
    if math.isinf(df) or df >= 1000:  # the expansion's next term is below 1e-14 there
        return _cornish_fisher(z, df) if math.isfinite(df) else z
    target = 1.0 - p
    guess = _cornish_fisher(z, df) if df >= 3 else z * 2
    lo, hi = 0.0, max(guess, 1.0)
    while t_sf(hi, df) > target:
        lo, hi = hi, hi * 2
    t = min(max(guess, lo), hi)
    for _ in range(200):
        excess = t_sf(t, df) - target  # decreasing in t
        if excess > 0:
            lo = t
        else:
            hi = t
        step = excess / _t_pdf(t, df)
        new = t + step
        if not (lo < new < hi):
            new = (lo + hi) / 2
        if abs(new - t) <= 1e-14 * max(1.0, t):
            return new
        t = new
    return t


class Summary:
    """Running count, mean, sd, min and max of a stream of values (Welford), in O(1) memory.

    Robust to any finite values: sums and squares are taken of the values divided by a
    power of two near the largest of them, so 1e308 twice or 1e-308 thrice neither
    overflows nor underflows; an sd too large for a float is inf, never an error."""

    __slots__ = ("_m2", "_scale", "high", "low", "mean", "n")

    def __init__(self, values: Any = ()) -> None:
        self.n = 0
        self.mean = 0.0
        self._m2 = 0.0  # the sum of squared deviations, divided by _scale**2
        self._scale = 1.0
        self.low = math.inf
        self.high = -math.inf
        for value in values:
            self.add(value)

    @classmethod
    def of(cls, values: Any) -> Summary:
        """The summary of a sequence (an array of a million values in well under a second)."""
        summary = cls()
        n = len(values)
        if n:
            low, high = min(values), max(values)
            summary.low, summary.high = low, high
            if low == high:  # equal values: no spread, not 1e-15 of rounding noise
                summary.n, summary.mean = n, float(low)
                return summary
            scale = _scale_for(max(-low, high))
            if scale == 1.0:  # the usual case: no division per value
                mean = math.fsum(values) / n
                m2 = math.fsum((x - mean) ** 2 for x in values)
            else:
                mean = math.fsum(x / scale for x in values) / n
                m2 = math.fsum((x / scale - mean) ** 2 for x in values)
                mean *= scale
            summary.n, summary.mean, summary._m2, summary._scale = n, mean, m2, scale
        return summary

    def add(self, x: float) -> None:
        self.n += 1
        if x < self.low:
            self.low = x
        if x > self.high:
            self.high = x
        scale = _scale_for(max(-self.low, self.high))
        if scale != self._scale:  # the values grew past 1e100 (or all are below 1e-100)
            if self._m2:  # nonzero only when the scale grows: the ratio is below 1
                ratio = self._scale / scale
                self._m2 *= ratio * ratio
            self._scale = scale
        mean = self.mean / scale
        delta = x / scale - mean
        mean += delta / self.n
        self._m2 += delta * (x / scale - mean)
        self.mean = mean * scale

    @property
    def sd(self) -> float | None:
        """The sample standard deviation (n - 1), or None below two values."""
        if self.n < 2:
            return None
        root = math.sqrt(max(self._m2, 0.0) / (self.n - 1))
        try:
            return root * self._scale
        except OverflowError:  # pragma: no cover - float * float gives inf, kept for clarity
            return math.inf


def _scale_for(largest: float) -> float:
    """1.0 for values whose squares and sums stay finite and exact enough (1e-100 to 1e100
    in size), else a power of two at most the largest value, to divide by before squaring."""
    if largest == 0.0 or 1e-100 <= largest <= 1e100:
        return 1.0
    return math.ldexp(1.0, math.frexp(largest)[1] - 1)


class MeanOfParts:
    """The mean over k claims' means (a paper's mean over games, its GLUE average), with the
    variance of that mean from the parts' own spreads, (1/k²)·Σ s_i²/n_i, and its degrees of
    freedom by Welch–Satterthwaite. Without two runs of every part there is no variance."""

    __slots__ = ("high", "low", "mean", "mean_variance", "n", "parts")

    def __init__(self, parts: list[Summary]) -> None:
        k = len(parts)
        self.parts = k
        self.n = min((p.n for p in parts), default=0)
        self.mean = math.fsum(p.mean for p in parts) / k if self.n else 0.0
        self.low = self.high = None  # no single run is the best of a mean over claims
        self.mean_variance: tuple[float, float] | None = None
        if self.n >= 2:
            terms = [((p.sd or 0.0) ** 2 / p.n / (k * k), p.n - 1.0) for p in parts]
            a = math.fsum(t for t, _ in terms)
            # Welch-Satterthwaite on the terms scaled to at most 1: no square overflows
            top = max((t for t, _ in terms), default=0.0)
            denominator = math.fsum((t / top) ** 2 / nu for t, nu in terms if t > 0)
            df = (
                (a / top) ** 2 / denominator
                if denominator > 0
                else math.fsum(nu for _, nu in terms)
            )
            self.mean_variance = (a, df)

    @property
    def sd(self) -> None:
        """No run-to-run sd: the runs of different claims are no sample of one quantity."""
        return None
