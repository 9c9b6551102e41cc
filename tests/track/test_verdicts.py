"""The statistics and the verdict rule, checked against independent computations (SciPy) and
the worked example of the verdict rule (copied here as numbers)."""

from __future__ import annotations

import math
import statistics
from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from starter.models import Aggregation, Claim
from starter.track.stats import Summary, t_quantile
from starter.track.suggest import binomial_tolerance, size_in_text, suggest_tolerance
from starter.track.verdicts import (
    classify,
    interval,
    judge,
    rounding_unit,
    runs_to_settle,
)

# The worked example: top-1 accuracy 76.2 (u = 0.1), higher is better, no spread, delta 0.4.
TOP1 = Claim(
    id="top1",
    metric="top-1 accuracy",
    value=76.2,
    value_text="76.2",
    unit="%",
    direction="higher",
    tolerance=0.4,
    tolerance_origin="2 binomial SE on 50,000 images",
)
RUNS = [75.9, 76.3, 76.1, 76.4]


# ----------------------------------------------------------------------------- Student t


@pytest.mark.parametrize("df", [1, 2, 3, 4, 5, 7, 10, 29, 30, 100, 999, 1000, 10**6])
@pytest.mark.parametrize("p", [0.975, 0.95, 0.6, 0.999, 0.025])
def test_t_quantile_matches_scipy_for_whole_df(df: int, p: float) -> None:
    assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(df=st.floats(min_value=0.05, max_value=5e5), p=st.floats(min_value=0.51, max_value=0.9999))
def test_t_quantile_matches_scipy_for_fractional_df(df: float, p: float) -> None:
    assert t_quantile(p, df) == pytest.approx(sps.t.ppf(p, df), rel=1e-8)


def test_t_quantile_refuses_impossible_arguments() -> None:
    for p, df in ((0.0, 3), (1.0, 3), (0.975, 0), (0.975, -1), (0.975, math.nan)):
        with pytest.raises(ValueError):
            t_quantile(p, df)


# ----------------------------------------------------------------------------- inputs


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("6.43", 0.01),
        ("2.5e-3", 0.0001),
        ("90", 1.0),
        ("76.2", 0.1),
        ("76.2 ± 0.3", 0.1),
        ("1,000", 1.0),
        ("−0.5", 0.1),
        ("3E2", 100.0),
        ("", 0.0),
        ("n/a", 0.0),
    ],
)
def test_rounding_unit_follows_the_printed_decimals(text: str, unit: float) -> None:
    assert rounding_unit(text) == pytest.approx(unit)


def test_summary_matches_statistics_module() -> None:
    values = [75.9, 76.3, 76.1, 76.4]
    streamed, whole = Summary(values), Summary.of(values)
    for s in (streamed, whole):
        assert s.n == 4
        assert s.mean == pytest.approx(statistics.fmean(values))
        assert s.sd == pytest.approx(statistics.stdev(values))
        assert (s.low, s.high) == (75.9, 76.4)


def test_summary_of_one_value_has_no_sd() -> None:
    assert Summary([3.0]).sd is None
    assert Summary.of([3.0]).sd is None
    assert Summary.of([]).n == 0


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), min_size=2, max_size=50)
)
def test_summary_streaming_and_whole_agree(values: list[float]) -> None:
    a, b = Summary(values), Summary.of(values)
    # Both round at the scale of the largest value: [0, 1e12, -1e12 + 1] has a mean of about
    # 0.33 that no float sum gets to better than ~1e-4.
    scale = max(abs(v) for v in values)
    assert a.mean == pytest.approx(b.mean, rel=1e-9, abs=1e-12 * scale + 1e-9)
    assert a.sd == pytest.approx(b.sd, rel=1e-6, abs=1e-9 * scale + 1e-9)


# ----------------------------------------------------------------------------- the worked example


def test_worked_example_is_reproduced_with_delta_04() -> None:
    status = judge(TOP1, Summary(RUNS))
    assert status.verdict == "reproduced"
    assert status.n == 4
    assert status.mean == pytest.approx(76.175)
    assert status.sd == pytest.approx(0.2217, abs=1e-4)
    assert status.gap == pytest.approx(-0.025)
    low, high = status.ci95
    assert low == pytest.approx(-0.390, abs=1e-3)
    assert high == pytest.approx(0.340, abs=1e-3)
    assert status.best == 76.4


def test_worked_example_interval_matches_an_independent_computation() -> None:
    n, mean, sd = len(RUNS), statistics.fmean(RUNS), statistics.stdev(RUNS)
    se = math.sqrt(sd**2 / n + 0.1**2 / 12)
    half = sps.t.ppf(0.975, n - 1) * se
    iv = interval(TOP1, n, mean, sd)
    assert iv.se == pytest.approx(0.1146, abs=1e-4)
    assert iv.df == 3
    assert (iv.low, iv.high) == pytest.approx((mean - 76.2 - half, mean - 76.2 + half))


def test_worked_example_is_inconclusive_with_delta_03() -> None:
    status = judge(replace(TOP1, tolerance=0.3), Summary(RUNS))
    assert status.verdict == "inconclusive"
    assert status.runs_to_settle is not None and status.runs_to_settle > 4


def test_single_run_without_paper_spread_is_indicative_consistent() -> None:
    status = judge(TOP1, Summary([76.0]))
    assert status.verdict == "indicative"
    assert status.detail == "consistent"
    assert "1 run" in status.notes
    assert status.ci95 is None


def test_single_run_with_paper_spread_uses_assumed_noise_and_is_inconclusive() -> None:
    claim = replace(TOP1, aggregation=Aggregation(kind="mean", n=3, spread=0.3))
    status = judge(claim, Summary([76.0]))
    assert status.verdict == "inconclusive"
    assert "assumed noise" in status.notes
    iv = interval(claim, 1, 76.0, None)
    # a = 0.09 (nu 2), b = 0.03 (nu 2): df = 0.0144 / (0.00405 + 0.00045) = 3.2
    assert iv.df == pytest.approx(3.2)
    assert iv.gap == pytest.approx(-0.2)
    half = (iv.high - iv.low) / 2
    se = math.sqrt(0.09 + 0.03 + 0.1**2 / 12)
    assert half == pytest.approx(sps.t.ppf(0.975, 3.2) * se)
    assert half == pytest.approx(1.1, abs=0.05)


def test_welch_df_when_paper_gives_spread_and_runs() -> None:
    claim = replace(TOP1, aggregation=Aggregation(kind="mean", n=5, spread=0.16))
    values = [76.0, 76.3, 76.1]
    sd = statistics.stdev(values)
    a, b = sd**2 / 3, 0.16**2 / 5
    iv = interval(claim, 3, statistics.fmean(values), sd)
    assert iv.df == pytest.approx((a + b) ** 2 / (a**2 / 2 + b**2 / 4))
    assert iv.se == pytest.approx(math.sqrt(a + b + 0.01 / 12))


# ----------------------------------------------------------------------------- every verdict


def test_no_run_is_pending() -> None:
    assert judge(TOP1, Summary()).verdict == "pending"


def test_qualitative_claim_is_not_judged() -> None:
    claim = Claim(id="q", metric="learns edge detectors")
    assert judge(claim, Summary()).verdict == "not-judged"


def test_fact_without_direction_is_not_judged() -> None:
    claim = Claim(id="size", metric="training images", value=60000, value_text="60,000")
    assert judge(claim, Summary([60000.0])).verdict == "not-judged"


def test_only_deviating_runs_are_not_comparable_but_shown() -> None:
    status = judge(TOP1, Summary(), Summary([70.0, 71.0]))
    assert status.verdict == "not-comparable"
    assert status.n == 2
    assert status.mean == pytest.approx(70.5)


def test_deviating_runs_are_never_pooled_with_the_others() -> None:
    status = judge(TOP1, Summary(RUNS), Summary([50.0, 51.0]))
    assert status.verdict == "reproduced"
    assert status.n == 4
    assert any("deviating" in note for note in status.notes)


def test_missing_tolerance_needs_tolerance_with_a_suggestion() -> None:
    claim = replace(TOP1, tolerance=None, tolerance_origin=None, split="val (50,000)")
    status = judge(claim, Summary(RUNS))
    assert status.verdict == "needs-tolerance"
    suggestion = status.suggested_tolerance
    assert suggestion["value"] == pytest.approx(2 * math.sqrt(0.762 * 0.238 / 50000) * 100)
    assert "50,000" in suggestion["origin"]
    assert suggestion["command"].startswith("starter claim tolerance top1 ")
    assert status.ci95 is not None  # the numbers are still shown


def test_needs_tolerance_suggests_the_papers_sd_first() -> None:
    claim = replace(TOP1, tolerance=None, aggregation=Aggregation("mean", 5, 0.16))
    suggestion = judge(claim, Summary(RUNS)).suggested_tolerance
    assert suggestion["value"] == 0.16
    assert "sd" in suggestion["origin"]


def test_needs_tolerance_says_what_is_missing() -> None:
    claim = Claim(id="elbo", metric="ELBO", value=-103.2, direction="higher")
    suggestion = suggest_tolerance(claim)
    assert suggestion["value"] is None
    assert "choose a value" in suggestion["origin"]
    rate = replace(TOP1, tolerance=None)
    assert "--test-size" in suggest_tolerance(rate)["origin"]
    assert suggest_tolerance(rate, test_size=10000)["value"] == pytest.approx(
        2 * math.sqrt(0.762 * 0.238 / 10000) * 100
    )


@pytest.mark.parametrize(
    ("value", "detail"), [(76.0, "consistent"), (76.7, "better"), (75.7, "worse")]
)
def test_single_run_indicative_details(value: float, detail: str) -> None:
    status = judge(TOP1, Summary([value]))
    assert (status.verdict, status.detail) == ("indicative", detail)


def test_clearly_better_runs_exceed() -> None:
    assert judge(TOP1, Summary([78.0, 78.1, 78.05, 77.95])).verdict == "exceeds"


def test_clearly_worse_runs_are_not_reproduced() -> None:
    assert judge(TOP1, Summary([74.0, 74.1, 74.05, 73.95])).verdict == "not-reproduced"


def test_lower_is_better_flips_the_gap() -> None:
    claim = replace(TOP1, metric="top-1 error", value=23.8, value_text="23.8", direction="lower")
    status = judge(claim, Summary([22.0, 22.1, 21.9]))
    assert status.gap == pytest.approx(1.8)
    assert status.verdict == "exceeds"
    assert status.best == 21.9


def test_range_claim_has_zero_gap_inside_and_distance_outside() -> None:
    claim = Claim(
        id="r", metric="accuracy", value=(1.2, 1.5), value_text="1.2-1.5",
        direction="higher", tolerance=0.05, tolerance_origin="t",
    )  # fmt: skip
    inside = judge(claim, Summary([1.3, 1.35, 1.4, 1.32]))
    assert inside.gap == 0.0
    assert inside.verdict == "reproduced"
    below = judge(claim, Summary([1.0, 1.01, 0.99, 1.0]))
    assert below.gap == pytest.approx(-0.2)
    assert below.verdict == "not-reproduced"


def test_best_of_n_claim_carries_a_biased_comparison_note() -> None:
    claim = replace(TOP1, aggregation=Aggregation(kind="best", n=5))
    assert "biased comparison: best of n" in judge(claim, Summary(RUNS)).notes


def test_runs_to_settle_is_the_first_count_that_settles() -> None:
    claim = replace(TOP1, tolerance=0.3)
    n = runs_to_settle(claim, 4, statistics.fmean(RUNS), statistics.stdev(RUNS), 0.3)
    sd = statistics.stdev(RUNS)

    def half(m: int) -> float:
        return sps.t.ppf(0.975, m - 1) * math.sqrt(sd**2 / m + 0.01 / 12)

    assert -0.025 - half(n) >= -0.3 and -0.025 + half(n) <= 0.3
    assert not (-0.025 - half(n - 1) >= -0.3)


def test_runs_cannot_settle_when_the_papers_spread_dominates() -> None:
    claim = replace(TOP1, aggregation=Aggregation("mean", 3, 0.3))
    status = judge(claim, Summary([76.0]))
    assert status.runs_to_settle is None
    assert "more runs cannot settle it" in status.notes


def test_binomial_tolerance_and_test_size() -> None:
    claim = replace(TOP1, split="test (10,000)")
    assert size_in_text(claim) == 10000
    assert size_in_text(replace(TOP1, dataset="ImageNet 50000 images")) == 50000
    assert size_in_text(replace(TOP1, split="test (10k)")) == 10000
    assert size_in_text(replace(TOP1, split="ResNet-110 test")) is None
    assert size_in_text(replace(TOP1, split="test", dataset="CIFAR-10")) is None
    assert binomial_tolerance(claim, 10000) == pytest.approx(0.8518, abs=1e-4)
    assert binomial_tolerance(replace(TOP1, value=150.0), 100) is None


# ----------------------------------------------------------------------------- properties

finite = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)


@settings(max_examples=150, deadline=None)
@given(
    value=finite,
    runs=st.lists(finite, min_size=1, max_size=12),
    delta=st.floats(min_value=1e-9, max_value=1e9),
    direction=st.sampled_from(["higher", "lower"]),
)
def test_judge_always_gives_a_known_verdict(
    value: float, runs: list[float], delta: float, direction: str
) -> None:
    claim = Claim(
        id="c", metric="m", value=value, value_text=repr(value), direction=direction,
        tolerance=delta, tolerance_origin="t",
    )  # fmt: skip
    status = judge(claim, Summary(runs))
    assert status.verdict in {
        "indicative",
        "reproduced",
        "exceeds",
        "not-reproduced",
        "inconclusive",
    }
    if len(runs) == 1:
        assert status.verdict == "indicative"
    else:
        low, high = status.ci95
        assert low <= status.gap + 1e-6 * max(1, abs(status.gap))
        assert high >= status.gap - 1e-6 * max(1, abs(status.gap))


@settings(max_examples=100, deadline=None)
@given(x=finite, n=st.integers(min_value=2, max_value=20))
def test_identical_runs_equal_to_an_exact_claim_are_reproduced(x: float, n: int) -> None:
    claim = Claim(
        id="c", metric="m", value=x, value_text=None, direction="higher",
        tolerance=1.0, tolerance_origin="t",
    )  # fmt: skip
    assume(abs(x) < 1e6)  # repr() of larger values prints fewer decimals than 1.0 tolerates
    status = judge(claim, Summary([x] * n))
    assert status.sd == pytest.approx(0.0, abs=1e-6 * max(1, abs(x)))
    assert status.verdict == "reproduced"


@pytest.mark.parametrize("scale", [1e-12, 1e-6, 1.0, 1e6, 1e12])
def test_verdicts_do_not_depend_on_the_scale_of_the_numbers(scale: float) -> None:
    claim = Claim(
        id="c", metric="m", value=76.2 * scale, value_text=None, direction="higher",
        tolerance=0.4 * scale, tolerance_origin="t",
    )  # fmt: skip
    values = [x * scale for x in RUNS]
    status = judge(claim, Summary(values))
    assert status.verdict == "reproduced"
    # Without value_text the stored number stands for the printed one.
    u = rounding_unit(repr(76.2 * scale))
    se = math.sqrt(statistics.variance(values) / 4 + u * u / 12)
    assert status.ci95[1] - status.ci95[0] == pytest.approx(2 * sps.t.ppf(0.975, 3) * se, rel=1e-6)


# ----------------------------------------------------------------------------- ties (point 1)


def _claim(value: str, delta: str, direction: str = "higher") -> Claim:
    return Claim(
        id="c", metric="m", value=float(value), value_text=value, direction=direction,
        tolerance=float(delta), tolerance_origin="t",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("value", "run", "delta", "direction"),
    [
        ("0.53", "0.51", "0.02", "higher"),  # -0.020000000000000018 in binary
        ("0.58", "0.60", "0.02", "higher"),  # +0.020000000000000018 in binary
        ("0.93", "0.94", "0.01", "higher"),
        ("0.96", "0.97", "0.01", "higher"),
        ("88.9", "88.7", "0.2", "lower"),
    ],
)
def test_a_single_run_at_exactly_the_tolerance_is_consistent(
    value: str, run: str, delta: str, direction: str
) -> None:
    status = judge(_claim(value, delta, direction), Summary([float(run)]))
    assert (status.verdict, status.detail) == ("indicative", "consistent")
    assert abs(status.gap) == float(delta)  # the gap is shown as printed, not 0.0200...18


def test_interval_ends_at_the_tolerance_are_inside_whatever_the_binary_noise() -> None:
    # 0.51 - 0.53 and 0.60 - 0.58 are 0.02 plus or minus about 2e-17 in binary.
    assert classify(0.51 - 0.53, 0.0, 0.02) == "reproduced"
    assert classify(0.0, 0.60 - 0.58, 0.02) == "reproduced"
    assert classify(0.60 - 0.58 + 1e-9, 0.1, 0.02) == "exceeds"
    assert classify(-0.1, 0.51 - 0.53 - 1e-9, 0.02) == "not-reproduced"


decimals = st.integers(min_value=0, max_value=4)


@st.composite
def decimal_text(draw, low: int = -(10**6), high: int = 10**6, places=None) -> str:
    places = draw(decimals) if places is None else places
    digits = draw(st.integers(min_value=low, max_value=high))
    return str(Decimal(digits).scaleb(-places))


@settings(max_examples=200, deadline=None)
@given(
    data=st.data(),
    places=decimals,
    direction=st.sampled_from(["higher", "lower"]),
    side=st.sampled_from([-1, 1]),
)
def test_no_single_run_verdict_depends_on_binary_representation(
    data, places: int, direction: str, side: int
) -> None:
    value = data.draw(decimal_text(places=places))
    delta = data.draw(decimal_text(low=1, high=10**5, places=places))
    step = Decimal(1).scaleb(-places)
    claim = _claim(value, delta, direction)
    sign = 1 if direction == "higher" else -1
    for extra, detail in ((0, "consistent"), (step, "better" if side > 0 else "worse")):
        run = Decimal(value) + sign * side * (Decimal(delta) + extra)
        status = judge(claim, Summary([float(str(run))]))
        assert status.detail == detail, (value, str(run), delta)


@settings(max_examples=60, deadline=None)
@given(data=st.data(), places=decimals, n=st.integers(min_value=2, max_value=6))
def test_a_decimal_shift_of_claim_and_runs_never_changes_the_verdict(
    data, places: int, n: int
) -> None:
    value = data.draw(decimal_text(places=places))
    shift = data.draw(decimal_text(places=places))
    delta = data.draw(decimal_text(low=1, high=10**4, places=places))
    runs = [data.draw(decimal_text(places=places)) for _ in range(n)]

    def verdict(offset: Decimal) -> str:
        moved = str(Decimal(value) + offset)
        claim = _claim(moved, delta)
        return judge(claim, Summary([float(str(Decimal(r) + offset)) for r in runs])).verdict

    assume(max(abs(Decimal(r)) for r in runs) < 10**5)
    assert verdict(Decimal(0)) == verdict(Decimal(shift))


# ----------------------------------------------------------------------------- approximate


def test_an_approximate_value_widens_the_rounding_term() -> None:
    exact = replace(TOP1, value=2.85, value_text="2.85")
    approximate = replace(exact, approximate=True)
    plain = interval(exact, 4, 2.8, 0.05)
    wide = interval(approximate, 4, 2.8, 0.05)
    # ±u/2 uniform: u²/12; ±u uniform: u²/3 (u = 0.01)
    assert plain.se == pytest.approx(math.sqrt(0.05**2 / 4 + 0.01**2 / 12))
    assert wide.se == pytest.approx(math.sqrt(0.05**2 / 4 + 0.01**2 / 3))
    assert judge(approximate, Summary([2.8, 2.9])).reported_text == "~2.85"


# ----------------------------------------------------------------------------- suggestions


@pytest.mark.parametrize(
    "metric", ["MSE", "mean squared error", "validation loss", "perplexity", "BLEU", "FID"]
)
def test_no_binomial_default_for_losses_errors_of_regression_and_scores(metric: str) -> None:
    claim = Claim(
        id="m", metric=metric, value=0.018, direction="lower", split="test (2,007)", unit="%"
    )
    suggestion = suggest_tolerance(claim, test_size=2007)
    assert suggestion["value"] is None
    assert "no default applies" in suggestion["origin"]
    assert suggestion["command"].startswith("starter claim tolerance m VALUE --origin")


def test_rates_get_two_binomial_standard_errors() -> None:
    error = Claim(id="e", metric="test error", value=5.0, unit="%", direction="lower")
    assert suggest_tolerance(error, 2007)["value"] == pytest.approx(
        2 * math.sqrt(0.05 * 0.95 / 2007) * 100
    )
    fraction = Claim(id="a", metric="accuracy", value=0.889, direction="higher")
    assert suggest_tolerance(fraction, 10000)["value"] == pytest.approx(
        2 * math.sqrt(0.889 * 0.111 / 10000)
    )


def test_a_draft_claim_is_shown_but_never_judged() -> None:
    draft = Claim("bleu", "BLEU", 28.4, "28.4", direction="higher", tolerance=0.3,
                  confidence="draft")  # fmt: skip
    status = judge(draft, Summary.of([28.3, 28.5, 28.4]))
    assert status.verdict == "not-judged"
    assert status.notes == ("draft: review it with starter claim review",)
    assert status.n == 3  # the runs are still shown
    assert judge(replace(draft, confidence=None), Summary.of([28.3, 28.5, 28.4])).verdict in (
        "reproduced", "inconclusive")  # fmt: skip
