"""Editing paper.toml in place keeps the user's comments and order and never writes a card
that would not read back."""

from __future__ import annotations

from pathlib import Path

import pytest

from starter.errors import ConflictError, InputError, NotFoundError
from starter.models import Aggregation, Claim, Paper
from starter.papers import edit as card_edit
from starter.papers.card import load_card, parse_card
from starter.papers.card_write import render_card
from starter.resources import papers_dir

USER_CARD = """\
# My notes on this paper: keep them!
schema = 1

[paper]
key = "demo"   # short name
title = "A Demo Paper"
authors = ["Ada Tester"]

# The central result.
[[claims]]
id = "acc"
metric = "top-1 accuracy"
value = 76.2
value_text = "76.2"
unit = "%"
direction = "higher"
# checked twice against Table 2
source = "Table 2"

[[claims]]
id = "loss"
metric = "loss"
value = 0.5
direction = "lower"
"""


@pytest.fixture
def card(tmp_path: Path) -> Path:
    path = tmp_path / "paper.toml"
    path.write_text(USER_CARD, encoding="utf-8")
    return path


def test_add_claim_appends_and_keeps_comments_and_order(card: Path) -> None:
    stored = card_edit.add_claim(
        card,
        Claim(
            id="", metric="test error", value=6.43, value_text="6.43", unit="%",
            direction="lower", split="test", aggregation=Aggregation("mean", 5, 0.16),
        ),
    )  # fmt: skip
    text = card.read_text(encoding="utf-8")
    assert text.startswith(USER_CARD)  # nothing before the new claim moved or changed
    assert stored.id == "test-error-test"
    assert '\n\n[[claims]]\nid = "test-error-test"' in text
    assert 'aggregation = { kind = "mean", n = 5, spread = 0.16 }' in text
    paper = load_card(card)
    assert [c.id for c in paper.claims] == ["acc", "loss", "test-error-test"]
    assert paper.claim("test-error-test").aggregation == Aggregation("mean", 5, 0.16)


def test_add_claim_derives_a_unique_id(card: Path) -> None:
    first = card_edit.add_claim(card, Claim(id="", metric="loss", value=0.4, direction="lower"))
    second = card_edit.add_claim(card, Claim(id="", metric="loss", value=0.3, direction="lower"))
    assert (first.id, second.id) == ("loss-2", "loss-3")


def test_add_claim_with_a_taken_id_conflicts_and_writes_nothing(card: Path) -> None:
    with pytest.raises(ConflictError, match="already exists"):
        card_edit.add_claim(card, Claim(id="acc", metric="m", value=1.0))
    assert card.read_text(encoding="utf-8") == USER_CARD


def test_add_claim_to_a_card_without_claims(tmp_path: Path) -> None:
    path = tmp_path / "paper.toml"
    path.write_text(render_card(Paper(key="k", title="T")), encoding="utf-8")
    card_edit.add_claim(path, Claim(id="q", metric="learns edges"))
    assert [c.id for c in load_card(path).claims] == ["q"]


def test_set_tolerance_changes_only_that_claim(card: Path) -> None:
    card_edit.set_tolerance(card, "acc", 0.4, "2 binomial SE on 50,000")
    text = card.read_text(encoding="utf-8")
    assert "# checked twice against Table 2" in text and "# short name" in text
    paper = load_card(card)
    assert (paper.claim("acc").tolerance, paper.claim("acc").tolerance_origin) == (
        0.4,
        "2 binomial SE on 50,000",
    )
    assert paper.claim("loss").tolerance is None
    card_edit.set_tolerance(card, "acc", 0.3, "paper sd")
    assert load_card(card).claim("acc").tolerance == 0.3
    assert card.read_text(encoding="utf-8").count("tolerance =") == 1


@pytest.mark.parametrize(
    ("value", "origin", "message"),
    [(0.0, "x", "positive"), (-1.0, "x", "positive"), (float("nan"), "x", "positive"),
     (0.4, "  ", "--origin")],
)  # fmt: skip
def test_set_tolerance_refuses_bad_values(
    card: Path, value: float, origin: str, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        card_edit.set_tolerance(card, "acc", value, origin)
    assert card.read_text(encoding="utf-8") == USER_CARD


def test_unknown_claim_lists_the_known_ones(card: Path) -> None:
    with pytest.raises(NotFoundError, match="known claims: acc, loss"):
        card_edit.set_tolerance(card, "nope", 0.4, "x")
    with pytest.raises(NotFoundError):
        card_edit.remove_claim(card, "nope")


def test_remove_claim_keeps_the_rest(card: Path) -> None:
    removed = card_edit.remove_claim(card, "loss")
    assert removed.id == "loss"
    text = card.read_text(encoding="utf-8")
    assert "# checked twice against Table 2" in text
    assert [c.id for c in parse_card(text).claims] == ["acc"]
    card_edit.remove_claim(card, "acc")
    assert load_card(card).claims == ()


def test_editing_a_card_starter_cannot_read_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "paper.toml"
    path.write_text("schema = 1\n[paper]\ntitle = 'no key'\n", encoding="utf-8")
    with pytest.raises(InputError, match="key"):
        card_edit.add_claim(path, Claim(id="a", metric="m", value=1.0))


@pytest.mark.parametrize("name", ["resnet.toml", "lenet5.toml", "transformer.toml"])
def test_edits_of_catalog_cards_read_back(tmp_path: Path, name: str) -> None:
    path = tmp_path / "paper.toml"
    original = (papers_dir() / name).read_text(encoding="utf-8")
    path.write_text(original, encoding="utf-8")
    first = load_card(path).claims[0]
    card_edit.set_tolerance(path, first.id, 0.5, "stated")
    card_edit.add_claim(path, Claim(id="mine", metric="my metric", value=-1.5, direction="lower"))
    paper = load_card(path)
    assert paper.claim(first.id).tolerance == 0.5
    assert paper.claims[-1].id == "mine"
    card_edit.remove_claim(path, "mine")
    assert len(load_card(path).claims) == len(parse_card(original).claims)
