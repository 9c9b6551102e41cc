"""The paper card: reading, validation messages, canonical writing and round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starter.errors import InputError, NotFoundError
from starter.models import Aggregation, Claim, Derivation, Paper, Venue
from starter.papers.card import find_card, load_card, parse_card
from starter.papers.card_write import render_card

MINIMAL = 'schema = 1\n[paper]\nkey = "toy"\ntitle = "A toy paper"\n'
MINIMAL_WITH_CLAIM = MINIMAL + '[[claims]]\nid = "acc"\nmetric = "accuracy"\nvalue = 76.1\n'


def test_minimal_card_reads_with_defaults():
    paper = parse_card(MINIMAL)
    assert paper.key == "toy"
    assert paper.authors == ()
    assert paper.claims == ()


def test_claim_without_id_gets_one_from_metric_and_split():
    text = (
        MINIMAL + '[[claims]]\nmetric = "Top-1 error"\nsplit = "val"\nvalue = 23.6\n'
        '[[claims]]\nmetric = "Top-1 error"\nsplit = "val"\nvalue = 23.0\n'
    )
    ids = [c.id for c in parse_card(text).claims]
    assert ids == ["top-1-error-val", "top-1-error-val-2"]


def test_range_and_qualitative_claims_are_legal():
    text = (
        MINIMAL + '[[claims]]\nid = "size"\nmetric = "page size"\nvalue = [40, 60]\n'
        '[[claims]]\nid = "idea"\nmetric = "qualitative"\nsetting = "it works"\n'
    )
    size, idea = parse_card(text).claims
    assert size.value == (40, 60) and size.is_range
    assert idea.value is None and idea.is_qualitative


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            '[[claims]]\nid = "a"\nmetric = "m"\nvalue = "high"\n',
            "card.toml: claims[0] (a).value: expected a number, got text 'high'",
        ),
        (
            '[[claims]]\nid = "a"\nmetric = "m"\ndirection = "up"\n',
            "claims[0] (a).direction: expected one of 'higher', 'lower', 'none', got 'up'",
        ),
        ('[[claims]]\nid = "a"\nvalue = 1.0\n', "claims[0] (a).metric: missing; it is required"),
        (
            '[[claims]]\nid = "a"\nmetric = "m"\n[[claims]]\nid = "a"\nmetric = "n"\n',
            "claims[1] (a).id: 'a' is used by an earlier claim",
        ),
        ('[[claims]]\nid = "a"\nmetric = "m"\nvalue = [3, 1]\n', "a range is written [low, high]"),
        (
            '[[claims]]\nid = "a"\nmetric = "m"\ntolerance = -1\n',
            "claims[0] (a).tolerance: expected a positive number",
        ),
        ('[[claims]]\nid = "a"\nmetric = "m"\nvalu = 1\n', "claims[0] (a).valu: unknown field"),
        (
            '[[claims]]\nid = "a"\nmetric = "m"\nvalue = 1\ntarget = "blog"\n',
            "claims[0] (a).target: expected one of 'paper', 'other paper', 'checkpoint'",
        ),
        (
            '[[claims]]\nid = "a"\nmetric = "m"\nvalue = 1\nlinked = "b"\n',
            "claims[0] (a).linked: no other claim 'b' in this card",
        ),
        (
            '[[claims]]\nid = "a"\nmetric = "m"\nvalue = 1\nderived = { of = ["b"] }\n',
            "claims[0] (a).derived.of: expected the ids of two or more claims",
        ),
        (
            '[[claims]]\nid = "a"\nmetric = "m"\nvalue = 1\nderived = { of = ["a", "b"] }\n'
            '[[claims]]\nid = "b"\nmetric = "m"\nvalue = 1\n',
            "claims[0] (a).derived.of: no other claim 'a' in this card",
        ),
        (
            '[[claims]]\nid = "a"\nmetric = "m"\nvalue = 1\n'
            'derived = { how = "median", of = ["b", "c"] }\n',
            "claims[0] (a).derived.how: expected one of 'mean', got 'median'",
        ),
        ('[[claims]]\nid = "a"\nmetric = "m"\napproximate = true\n', "approximate: needs a value"),
    ],
)
def test_invalid_claim_names_file_field_and_expectation(extra: str, expected: str):
    with pytest.raises(InputError) as info:
        parse_card(MINIMAL + extra, "card.toml")
    assert expected in str(info.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[paper]\nkey = "x"\ntitle = "t"\n', "schema: missing"),
        ("schema = 9\n[paper]\nkey = 'x'\ntitle = 't'\n", "newer than this starter reads"),
        ("schema = 1\n", "paper: missing [paper] table"),
        ('schema = 1\n[paper]\nkey = "x"\n', "paper.title: missing"),
        ('schema = 1\n[paper]\nkey = "a b"\ntitle = "t"\n', "paper.key: expected a short name"),
        ('schema = 1\n[paper]\nkey = "x"\ntitle = "t"\nauthors = "Me"\n', "paper.authors"),
        ('schema = 1\n[paper]\nkey = "x"\ntitle = "t"\nyear = "1989"\n', "paper.year"),
        ("schema = 1\n[paper\n", "not valid TOML"),
    ],
)
def test_invalid_paper_table_is_reported(text: str, expected: str):
    with pytest.raises(InputError, match=r"card\.toml") as info:
        parse_card(text, "card.toml")
    assert expected in str(info.value)


def test_find_card_walks_up_like_git(tmp_path: Path):
    (tmp_path / "paper.toml").write_text(MINIMAL, encoding="utf-8")
    deep = tmp_path / "src" / "pkg"
    deep.mkdir(parents=True)
    assert find_card(deep) == tmp_path / "paper.toml"


def test_find_card_outside_a_repository_says_what_to_do(tmp_path: Path):
    with pytest.raises(NotFoundError, match="-C DIR"):
        find_card(tmp_path)


def test_load_card_missing_file(tmp_path: Path):
    with pytest.raises(NotFoundError):
        load_card(tmp_path / "nope.toml")


# Control characters (Cc) are dropped on reading (tests/papers/test_hostile_metadata.py).
text_st = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\n\t"),
    min_size=1,
    max_size=30,
)
opt_text = st.none() | text_st
# Cards take numbers up to 1e100 in size (tests/track/test_numbers.py).
finite = st.floats(min_value=-1e100, max_value=1e100, allow_nan=False, width=64)
ident = st.from_regex(r"[a-z][a-z0-9\-]{0,12}", fullmatch=True)


@st.composite
def claims(draw):
    ids = draw(st.lists(ident, unique=True, max_size=4))
    out = []
    numeric: list[str] = []  # earlier claims with a number: parts a derived claim may name
    for claim_id in ids:
        value = draw(
            st.none()
            | finite
            | st.integers(-(10**9), 10**9)
            | st.tuples(finite, finite).map(lambda t: tuple(sorted(t)))
        )
        direction = None if value is None else draw(st.sampled_from([None, "higher", "lower"]))
        agg = draw(
            st.none()
            | st.builds(
                Aggregation,
                kind=st.sampled_from(["single", "best", "mean"]),
                n=st.none() | st.integers(1, 100),
                spread=st.none() | st.floats(0, 100),
            )
        )
        derived = None
        if value is not None and len(numeric) >= 2 and draw(st.booleans()):
            parts = draw(st.lists(st.sampled_from(numeric), min_size=2, unique=True))
            derived = Derivation(parts=tuple(parts))
        linked = draw(st.none() | st.sampled_from(numeric)) if numeric else None
        out.append(
            Claim(
                id=claim_id,
                metric=draw(text_st.filter(str.strip)),
                value=value,
                # value_text says the value as printed (a card where they disagree is refused)
                value_text=draw(opt_text)
                if value is None
                else draw(st.none() | st.just(repr(value)))
                if not isinstance(value, tuple)
                else None,
                printed=draw(opt_text),
                approximate=value is not None and draw(st.booleans()),
                unit=draw(opt_text),
                direction=direction,
                dataset=draw(opt_text),
                split=draw(opt_text),
                source=draw(opt_text),
                target=draw(st.none() | st.sampled_from(["paper", "other paper", "checkpoint"])),
                aggregation=agg,
                linked=linked,
                derived=derived,
                tolerance=draw(st.none() | st.floats(1e-9, 1e9)),
                tolerance_origin=draw(opt_text),
                central=draw(st.booleans()),
                confidence=draw(st.none() | st.sampled_from(["high", "medium", "low"])),
                import_names=draw(
                    st.lists(text_st.map(str.strip).filter(bool), unique=True, max_size=3).map(
                        tuple
                    )
                ),
            )
        )
        if value is not None and derived is None:
            numeric.append(claim_id)
    return tuple(out)


@given(
    title=text_st.filter(str.strip),
    authors=st.lists(text_st.filter(str.strip), max_size=4).map(tuple),
    year=st.none() | st.integers(1, 3000),
    venue=st.builds(Venue, name=opt_text, volume=opt_text, number=opt_text, pages=opt_text),
    doi=opt_text,
    abstract=opt_text,
    claim_list=claims(),
)
def test_render_then_parse_gives_the_same_paper(
    title, authors, year, venue, doi, abstract, claim_list
):
    paper = Paper(
        key="k",
        title=title,
        authors=authors,
        year=year,
        venue=venue,
        doi=doi,
        abstract=abstract,
        claims=claim_list,
    )
    again = parse_card(render_card(paper))
    assert again == paper
    assert render_card(again) == render_card(paper)


def test_import_names_are_read_as_a_list_and_written_back():
    text = MINIMAL_WITH_CLAIM.replace(
        'metric = "accuracy"', 'metric = "accuracy"\nimport_names = ["eval_accuracy", "val_acc"]'
    )
    paper = parse_card(text)
    assert paper.claims[0].import_names == ("eval_accuracy", "val_acc")
    assert 'import_names = ["eval_accuracy", "val_acc"]' in render_card(paper)
    assert parse_card(render_card(paper)) == paper


@pytest.mark.parametrize("value", ["[1, 2]", '[""]', "3"])
def test_bad_import_names_name_the_field(value: str):
    text = MINIMAL_WITH_CLAIM.replace(
        'metric = "accuracy"', f'metric = "accuracy"\nimport_names = {value}'
    )
    with pytest.raises(InputError, match="import_names: expected a list of names"):
        parse_card(text)
