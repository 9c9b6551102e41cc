"""Units of logged values (track/units.py): fraction <-> percent, and values about 100 times
off their claim caught wherever values enter."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starter.errors import InputError
from starter.models import Claim, Paper
from starter.track import units

PERCENT = Claim(id="acc", metric="accuracy", value=88.9, unit="%", direction="higher")
FRACTION = Claim(id="f1", metric="F1 accuracy", value=0.889, direction="higher")
MSE = Claim(id="mse", metric="test MSE", value=0.0025, direction="lower")
PAPER = Paper(key="p", title="P", claims=(PERCENT, FRACTION, MSE))


@given(st.floats(min_value=1.0, max_value=100.0))
def test_a_fraction_of_a_percent_claim_is_caught_and_the_percent_itself_never(c: float) -> None:
    claim = Claim(id="c", metric="accuracy", value=c, unit="%", direction="higher")
    assert units.off_by_100(c / 100, claim) == "fraction"
    for near in (c / 2.9, c, c * 0.97, min(c * 1.5, 100.0)):
        assert units.off_by_100(near, claim) is None


@given(st.floats(min_value=0.01, max_value=1.0))
def test_a_percentage_for_a_fraction_claim_is_caught(c: float) -> None:
    claim = Claim(id="c", metric="top-1 accuracy", value=c, direction="higher")
    assert units.off_by_100(c * 100, claim) == "percent"
    assert units.off_by_100(c, claim) is None


def test_no_scale_is_guessed_for_what_is_no_rate() -> None:
    assert units.off_by_100(0.25, MSE) is None  # 100x off, but an MSE has no percent form
    error = Claim(id="e", metric="error", value=5.0, unit="%", direction="lower")
    assert units.off_by_100(0.5, error) is None  # a tenth: a real, if large, gap


def test_values_are_converted_to_the_claims_unit_and_said_so() -> None:
    metrics = {"acc": 0.845588, "f1": 85.0, "loss": 0.3}
    converted, notes = units.to_claim_units(metrics, PAPER, "fraction")
    assert converted["acc"] == pytest.approx(84.5588) and converted["loss"] == 0.3
    assert converted["f1"] == 85.0  # already a fraction: nothing to convert
    assert notes == ["read acc = 0.845588 (fraction) as 84.5588 (%)"]
    assert units.to_claim_units({"f1": 85.0}, PAPER, "%")[0] == {"f1": pytest.approx(0.85)}


def test_a_value_100_times_off_is_refused_with_the_command_that_fixes_it() -> None:
    with pytest.raises(InputError) as info:
        units.to_claim_units({"acc": 0.845588}, PAPER, fix="starter log --from m.json")
    message = str(info.value)
    assert "acc = 0.845588 looks like a fraction of 1 but claim acc is in % (88.9 %)" in message
    assert "starter log --from m.json --unit fraction" in message
    assert "nothing was recorded" in message


def test_a_unit_starter_cannot_convert_is_refused() -> None:
    with pytest.raises(InputError, match="converts only between fraction and %"):
        units.to_claim_unit(3.0, "BLEU", PERCENT)


def test_a_run_that_measured_fractions_is_warned_about() -> None:
    (warning,) = units.scale_warnings({"acc": 0.85, "loss": 0.3}, PAPER)
    assert "acc = 0.85 looks like a fraction of 1" in warning
    assert "`starter status` sets it apart" in warning
