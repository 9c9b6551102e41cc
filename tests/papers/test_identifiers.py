"""The identifier parser: every form a user pastes becomes one PaperRef, or a clear error."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from starter.errors import InputError, NotFoundError, StarterError
from starter.papers.identifiers import PaperRef, parse

ATTENTION = PaperRef("arxiv", "1706.03762")


@pytest.mark.parametrize(
    "text",
    [
        "1706.03762",
        "1706.03762v7",
        "arXiv:1706.03762",
        "arxiv:1706.03762v7",
        "  1706.03762\n",
        "https://arxiv.org/abs/1706.03762",
        "https://arxiv.org/abs/1706.03762v7",
        "http://arxiv.org/abs/1706.03762/",
        "https://arxiv.org/pdf/1706.03762",
        "https://arxiv.org/pdf/1706.03762v7.pdf",
        "https://arxiv.org/html/1706.03762v7",
        "https://export.arxiv.org/abs/1706.03762",
        "arxiv.org/abs/1706.03762",
        "https://www.arxiv.org/abs/1706.03762v2/",
        "10.48550/arXiv.1706.03762",
        "https://doi.org/10.48550/arXiv.1706.03762",
        "doi:10.48550/ARXIV.1706.03762",
    ],
)
def test_every_form_of_an_arxiv_paper_gives_the_same_reference(text):
    assert parse(text) == ATTENTION


def test_arxiv_version_is_kept_but_does_not_change_the_paper():
    ref = parse("https://arxiv.org/pdf/1706.03762v7.pdf")
    assert ref.version == 7 and ref.versioned == "1706.03762v7"
    assert parse("1706.03762").version is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1412.6980", "1412.6980"),  # 4-digit number (2007-2014)
        ("2401.00001", "2401.00001"),  # 5-digit number (2015 on)
        ("hep-th/9901001", "hep-th/9901001"),
        ("hep-th/9901001v2", "hep-th/9901001"),
        ("arXiv:hep-th/9901001", "hep-th/9901001"),
        ("math.GT/0309136", "math.GT/0309136"),
        ("math.gt/0309136v1", "math.GT/0309136"),
        ("https://arxiv.org/abs/cond-mat/0603029v1", "cond-mat/0603029"),
        ("http://arxiv.org/pdf/hep-ex/0406020v1", "hep-ex/0406020"),
    ],
)
def test_arxiv_ids_new_and_old_style(text, value):
    assert parse(text) == PaperRef("arxiv", value)


@pytest.mark.parametrize(
    "text",
    [
        "10.1109/5.726791",
        "doi:10.1109/5.726791",
        "DOI: 10.1109/5.726791",
        "https://doi.org/10.1109/5.726791",
        "http://dx.doi.org/10.1109/5.726791",
        "doi.org/10.1109/5.726791",
        "https://doi.org/10.1109%2F5.726791",
        "10.1109/5.726791 ",
    ],
)
def test_every_form_of_a_doi_gives_the_same_reference(text):
    assert parse(text) == PaperRef("doi", "10.1109/5.726791")


def test_dois_compare_case_insensitively():
    assert parse("10.1103/PhysRevB.89.140501") == parse("10.1103/physrevb.89.140501")


def test_sici_doi_with_parentheses_and_angle_brackets():
    sici = "10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-0"
    assert parse(sici) == PaperRef("doi", sici.lower())
    assert parse("https://doi.org/" + sici) == parse(sici)


@pytest.mark.parametrize(
    ("text", "ref"),
    [
        (
            "204e3073870fae3d05bcbc2f6a8e263d9b72e776",
            PaperRef("s2", "204e3073870fae3d05bcbc2f6a8e263d9b72e776"),
        ),
        (
            "https://www.semanticscholar.org/paper/Attention-is-All-you-Need-Vaswani-Shazeer/"
            "204E3073870FAE3D05BCBC2F6A8E263D9B72E776",
            PaperRef("s2", "204e3073870fae3d05bcbc2f6a8e263d9b72e776"),
        ),
        ("CorpusId:13756489", PaperRef("corpus", "13756489")),
        ("corpusid:13756489", PaperRef("corpus", "13756489")),
        ("https://api.semanticscholar.org/CorpusID:13756489", PaperRef("corpus", "13756489")),
        ("W2741809807", PaperRef("openalex", "W2741809807")),
        ("w2741809807", PaperRef("openalex", "W2741809807")),
        ("https://openalex.org/W2741809807", PaperRef("openalex", "W2741809807")),
        ("https://api.openalex.org/works/W2741809807", PaperRef("openalex", "W2741809807")),
    ],
)
def test_semantic_scholar_and_openalex_ids_and_urls(text, ref):
    assert parse(text) == ref


def test_catalog_keys_and_card_paths(tmp_path, monkeypatch):
    assert parse("lenet5") == PaperRef("catalog", "lenet5")
    card = tmp_path / "mine.toml"
    assert parse(str(card)) == PaperRef("card", str(card))  # a .toml path, even if missing
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "paper.toml").write_text("", encoding="utf-8")
    assert parse(str(tmp_path / "repo")).kind == "card"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "https://example.org/abs/1706.03762",
        "https://arxiv.org/list/cs.LG/recent",
        "10.1109",
        "doi:",
        "hello world",
    ],
)
def test_anything_else_is_an_input_error_listing_the_accepted_forms(text):
    with pytest.raises(InputError) as caught:
        parse(text)
    assert "arXiv id" in caught.value.message and "DOI" in caught.value.message
    assert "\n" not in caught.value.message


@pytest.mark.parametrize("text", ["1713.00001", "1706.037", "arXiv:1706.037v2"])
def test_a_malformed_arxiv_id_says_what_arxiv_ids_look_like(text):
    with pytest.raises(
        InputError, match=r"not a valid arXiv id; new-style ids look like 1706\.03762"
    ):
        parse(text)


def test_a_mistyped_catalog_key_suggests_the_close_keys():
    with pytest.raises(NotFoundError, match="did you mean lenet5"):
        parse("lenet")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_parser_never_raises_anything_but_starter_errors(text):
    try:
        ref = parse(text)
    except StarterError:
        return
    assert ref.kind in ("arxiv", "doi", "s2", "corpus", "openalex", "catalog", "card")


# Real new-style ids: 4 digits a month up to 1412, 5 from 1501 on.
ids = st.from_regex(r"\A[0-9]{2}(0[1-9]|1[0-2])\.[0-9]{4,5}\Z").filter(
    lambda i: len(i.split(".")[1]) == (5 if int(i.split(".")[0]) >= 1501 else 4)
)


@settings(max_examples=100, deadline=None)
@given(ids, st.integers(min_value=1, max_value=20), st.sampled_from(["http", "https"]))
def test_every_written_form_of_an_arxiv_id_gives_the_same_reference(ident, version, scheme):
    forms = [
        ident,
        f"{ident}v{version}",
        f"arXiv:{ident}",
        f"{scheme}://arxiv.org/abs/{ident}v{version}",
        f"{scheme}://arxiv.org/pdf/{ident}.pdf",
        f"{scheme}://export.arxiv.org/abs/{ident}/",
        f"10.48550/arXiv.{ident}",
        f"https://doi.org/10.48550/arXiv.{ident}",
    ]
    assert {parse(form) for form in forms} == {PaperRef("arxiv", ident)}


dois = st.from_regex(r"\A10\.[0-9]{4,6}/[A-Za-z0-9.();:<>_-]{1,30}\Z")


@settings(max_examples=100, deadline=None)
@given(dois)
def test_every_written_form_of_a_doi_gives_the_same_reference(doi):
    forms = [doi, doi.upper(), f"doi:{doi}", f"https://doi.org/{doi}", f"http://dx.doi.org/{doi}"]
    refs = {parse(form) for form in forms}
    assert len(refs) == 1
    assert refs.pop().kind in ("doi", "arxiv")


@pytest.mark.parametrize("text", ["1706.0376", "1706.037621", "1412.12345", "0704.00011"])
def test_new_style_id_with_the_wrong_number_of_digits_for_its_month_is_invalid(text):
    with pytest.raises(InputError, match="not a valid arXiv id"):
        parse(text)
