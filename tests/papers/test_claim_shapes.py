"""Claim values as papers print them (papers/claims.py): best and mean ± sd in one print,
approximate values, and anything else refused with one clear error."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starter.errors import InputError
from starter.papers.claims import new_claim, parse_printed

number_text = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False).map(str)
positive_text = st.decimals(min_value=0, max_value=50, places=2, allow_nan=False).map(str)


@given(best=number_text, mean=number_text, sd=positive_text, plus=st.sampled_from(["±", "+/-"]))
def test_best_and_mean_in_one_print_keep_every_number_as_printed(best, mean, sd, plus) -> None:
    printed = parse_printed(f"{best} ({mean} {plus} {sd})")
    assert printed.value == pytest.approx(float(Decimal(best)))
    assert printed.value_text == best
    assert printed.mean == (pytest.approx(float(Decimal(mean))), mean, pytest.approx(float(sd)))


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("~2.85", 2.85, None),
        ("≈ 2.85", 2.85, None),
        ("about 3%", 3, "%"),
        ("approx. 0.7", 0.7, None),
    ],
)
def test_approximate_values_are_marked(text: str, value: float, unit: str | None) -> None:
    printed = parse_printed(text)
    assert (printed.value, printed.unit, printed.approximate) == (value, unit, True)


@given(st.text(max_size=30))
def test_any_printed_text_is_a_value_or_one_clear_error(text: str) -> None:
    try:
        parse_printed(text)
    except InputError as exc:
        assert str(exc)


def test_best_and_mean_become_two_linked_claims_judged_against_the_mean() -> None:
    claims, said = new_claim(
        "test error", "6.43 (6.61±0.16)", claim_id="c10", runs=5, unit="%", higher=False
    )
    best, mean = claims
    assert (best.id, best.aggregation.kind, best.linked) == ("c10", "best", "c10-mean")
    assert (mean.id, mean.value, mean.aggregation.spread, mean.linked) == (
        "c10-mean", 6.61, 0.16, "c10",
    )  # fmt: skip
    assert "status compares your mean with the mean" in said[-1]
    with pytest.raises(InputError, match="leave out --spread"):
        new_claim("test error", "6.43 (6.61±0.16)", spread=0.2)
