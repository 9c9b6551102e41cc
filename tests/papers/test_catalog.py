"""The built-in catalog: complete, faithful to the verified facts, and round-tripping."""

from __future__ import annotations

import json

import pytest
from conftest import DATA

from starter.errors import NotFoundError
from starter.papers import catalog
from starter.papers.card import load_card
from starter.papers.card_write import render_card

# The verified facts (a copy of the shared catalog facts) and the claims this project verified
# itself from public sources, with their evidence (tools/build_catalog.py --additions).
FACTS = json.loads((DATA / "catalog-facts.json").read_text(encoding="utf-8"))
for _extra in json.loads((DATA / "catalog-additions.json").read_text(encoding="utf-8")):
    _paper = next(fact for fact in FACTS if fact["key"] == _extra["key"])
    _paper["claims"] = [*_paper["claims"], *_extra["claims"]]


def test_catalog_has_one_card_per_verified_paper():
    assert sorted(catalog.keys()) == sorted(fact["key"] for fact in FACTS)


@pytest.mark.parametrize("path", catalog.card_paths(), ids=lambda p: p.stem)
def test_every_card_round_trips_unchanged(path):
    assert render_card(load_card(path)) == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("fact", FACTS, ids=lambda f: f["key"])
def test_every_claim_is_in_its_card_as_verified(fact):
    paper = catalog.get(fact["key"])
    assert paper.title == fact["title"]
    assert list(paper.authors) == fact["authors"]
    assert paper.year == fact["year"]
    assert paper.doi == fact["doi"] and paper.arxiv_id == fact["arxiv_id"]
    assert [c.id for c in paper.claims] == [c["id"] for c in fact["claims"]]
    for claim, expected in zip(paper.claims, fact["claims"], strict=True):
        value = expected["value"]
        assert claim.value == (tuple(value) if isinstance(value, list) else value)
        assert claim.value_text == expected.get("value_text")
        assert claim.evidence == expected["evidence"]
        assert claim.confidence == expected["confidence"]
        assert claim.source == expected["source"]
        assert claim.direction == expected["direction"]
        assert claim.unit == expected["unit"]
        agg = expected.get("aggregation")
        if agg:
            assert (claim.aggregation.kind, claim.aggregation.n, claim.aggregation.spread) == (
                agg["kind"],
                agg["n"],
                agg["spread"],
            )


def test_unknown_key_suggests_close_ones():
    with pytest.raises(NotFoundError, match="did you mean lenet5"):
        catalog.get("lenet")


def test_search_filters_on_every_word():
    assert [p.key for p in catalog.search("lecun gradient")] == ["lenet5"]


def test_find_by_id_matches_doi_case_insensitively_and_arxiv_versions():
    assert catalog.find_by_id(doi="10.1109/cvpr.2016.90").key == "resnet"
    assert catalog.find_by_id(arxiv_id="1706.03762v7").key == "transformer"
    assert catalog.find_by_id(doi="10.1/none") is None


def test_the_quick_id_index_agrees_with_the_parsed_cards():
    assert [(path.stem, doi, arxiv) for path, doi, arxiv in catalog._ids()] == [
        (paper.key, paper.doi, paper.arxiv_id) for paper in catalog.papers()
    ]
