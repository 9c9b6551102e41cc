"""BibTeX entries for papers: checked by parsing them back with a real BibTeX parser."""

from __future__ import annotations

import bibtexparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from starter.models import Paper, Venue
from starter.papers import catalog
from starter.papers.bibtex import (
    citation_key,
    paper_bibtex,
    software_bibtex,
    split_name,
    venue_kind,
)


def parse_one(text: str):
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks, text
    assert len(library.entries) == 1, text
    entry = library.entries[0]
    return entry, {name: field.value for name, field in entry.fields_dict.items()}


def test_lecun1989_entry_has_every_field_of_the_journal_article():
    entry, fields = parse_one(paper_bibtex(catalog.get("lecun1989")))
    assert entry.entry_type == "article"
    assert entry.key == "lecun1989backpropagation"
    assert fields == {
        "author": "LeCun, Yann and Boser, Bernhard and Denker, John S. and Henderson, Donnie"
        " and Howard, R. E. and Hubbard, Wayne and Jackel, Lawrence D.",
        "title": "Backpropagation Applied to Handwritten Zip Code Recognition",
        "journal": "Neural Computation",
        "volume": "1",
        "number": "4",
        "pages": "541--551",
        "year": "1989",
        "doi": "10.1162/neco.1989.1.4.541",
    }


def test_non_ascii_names_and_latex_specials_survive_a_round_trip():
    paper = Paper(
        key="wubben",
        title="Über LeNet & MNIST: 50% of {unbalanced braces",
        authors=("Dirk Wübben", "Ludwig van Beethoven", "Léon Bottou"),
        year=2001,
        venue=Venue(name="Journal of Things", pages="10 – 20"),
    )
    entry, fields = parse_one(paper_bibtex(paper))
    assert entry.key == "wubben2001uber"
    assert fields["author"] == "Wübben, Dirk and van Beethoven, Ludwig and Bottou, Léon"
    assert fields["title"] == r"Über {LeNet} \& {MNIST}: 50\% of unbalanced braces"
    assert fields["pages"] == "10--20"


def test_arxiv_paper_without_venue_is_misc_with_eprint():
    paper = Paper(key="x", title="A Preprint", authors=("Ada Lovelace",), year=2020)
    paper = Paper(**{**paper.__dict__, "arxiv_id": "2001.01234"})
    entry, fields = parse_one(paper_bibtex(paper))
    assert entry.entry_type == "misc"
    assert fields["eprint"] == "2001.01234"
    assert fields["archivePrefix"] == "arXiv"


@pytest.mark.parametrize(
    ("venue", "kind"),
    [
        ("Neural Computation", "article"),
        ("Proceedings of the IEEE", "article"),
        (
            "Proceedings of the IEEE Conference on Computer Vision and Pattern Recognition",
            "inproceedings",
        ),
        ("Advances in Neural Information Processing Systems 30 (NIPS 2017)", "inproceedings"),
        ("3rd International Conference on Learning Representations (ICLR 2015)", "inproceedings"),
        ("MIT Press, Cambridge, MA", "book"),
        ("OpenAI technical report (not peer-reviewed; no journal/conference)", "misc"),
        (None, "misc"),
    ],
)
def test_entry_type_follows_the_venue(venue: str | None, kind: str):
    assert venue_kind(Paper(key="k", title="T", venue=Venue(name=venue))) == kind


@pytest.mark.parametrize(
    ("name", "parts"),
    [
        ("Yann LeCun", ("Yann", "LeCun")),
        ("R. E. Howard", ("R. E.", "Howard")),
        ("Ludwig van Beethoven", ("Ludwig", "van Beethoven")),
        ("Hinton, Geoffrey E.", ("Geoffrey E.", "Hinton")),
        ("Plato", ("", "Plato")),
    ],
)
def test_names_split_into_given_and_family(name: str, parts: tuple[str, str]):
    assert split_name(name) == parts


def test_every_catalog_paper_gives_a_parseable_entry_with_its_title():
    for paper in catalog.papers():
        entry, fields = parse_one(paper_bibtex(paper))
        assert entry.key == citation_key(paper)
        assert fields["year"] == str(paper.year)
        assert fields["title"].replace("{", "").replace("}", "") == paper.title


def test_software_entry_parses():
    text = software_bibtex(
        "tester2026lenet5", title="lenet5: a reimplementation", authors=["Ada Tester"], year=2026
    )
    entry, fields = parse_one(text)
    assert entry.entry_type == "software"
    assert fields["author"] == "Tester, Ada"


@settings(max_examples=150, deadline=None)
@given(
    title=st.text(min_size=1, max_size=60),
    authors=st.lists(st.text(min_size=1, max_size=20).filter(str.strip), max_size=3),
    venue=st.one_of(st.none(), st.text(min_size=1, max_size=30)),
)
def test_any_text_gives_exactly_one_parseable_entry(title, authors, venue):
    paper = Paper(key="k", title=title, authors=tuple(authors), year=1999, venue=Venue(name=venue))
    parse_one(paper_bibtex(paper))
