"""Exact facts (a network's parameter count, a data-set size): judged by equality with the
value as printed, never by an interval, and never "reproduced" from a deviating run."""

from __future__ import annotations

import pytest

from starter.errors import InputError
from starter.models import Claim
from starter.papers.card import parse_card
from starter.papers.card_write import render_card
from starter.track.stats import Summary
from starter.track.verdicts import judge

PARAMS = Claim(
    id="independent-parameters",
    metric="independent parameters",
    value=9760,
    value_text="9760",
    unit="parameters",
    exact=True,
)
CONNECTIONS = Claim(
    id="connections", metric="connections", value=64660, value_text="64,660", exact=True
)


def test_every_run_giving_the_printed_value_reproduces_an_exact_fact():
    status = judge(PARAMS, Summary([9760.0, 9760.0, 9760.0]))
    assert status.verdict == "reproduced"
    assert status.exact and status.ci95 is None
    assert "exact: every run gives 9760" in status.notes


def test_one_run_suffices_and_a_printed_thousands_separator_is_read():
    assert judge(CONNECTIONS, Summary([64660.0])).verdict == "reproduced"


def test_one_differing_run_means_not_reproduced_whatever_the_others():
    status = judge(PARAMS, Summary([9760.0, 9760.0, 3612.0]))
    assert status.verdict == "not-reproduced"
    assert "exact: runs give 3612 to 9760, not 9760" in status.notes


def test_equality_is_at_the_printed_precision():
    size = Claim(id="rate", metric="rate", value=0.5, value_text="0.50", exact=True)
    assert judge(size, Summary([0.501])).verdict == "reproduced"  # 0.50 as printed
    assert judge(size, Summary([0.51])).verdict == "not-reproduced"
    assert judge(PARAMS, Summary([1e300])).verdict == "not-reproduced"


def test_runs_that_declare_a_deviation_make_an_exact_fact_not_comparable():
    status = judge(PARAMS, Summary(), [("proxy data", Summary([1198.0]))])
    assert status.verdict == "not-comparable"
    assert status.deviation == "proxy data" and status.n == 1


def test_a_fact_not_marked_exact_stays_not_judged():
    plain = Claim(id="passes", metric="training passes", value=23, value_text="23")
    assert judge(plain, Summary([23.0])).verdict == "not-judged"


def test_the_card_keeps_the_mark_and_refuses_it_where_it_cannot_hold():
    head = 'schema = 1\n[paper]\nkey = "toy"\ntitle = "Toy"\n[[claims]]\nid = "n"\nmetric = "n"\n'
    card = parse_card(head + "value = 9760\nexact = true\n")
    assert card.claims[0].exact
    assert parse_card(render_card(card)) == card
    with pytest.raises(InputError, match="exact"):
        parse_card(head + 'value = 5.0\ndirection = "lower"\nexact = true\n')
    with pytest.raises(InputError, match="exact"):
        parse_card(head + "value = [1, 2]\nexact = true\n")


def test_two_deviations_of_one_claim_are_both_kept():
    from starter.papers.catalog import get
    from starter.track.recorder import parse_deviation

    paper = get("lecun1989")
    both = parse_deviation(["test-error=proxy data", "test-error=plain SGD", "shorter"], paper)
    assert both == {"test-error": "proxy data; plain SGD", "*": "shorter"}
