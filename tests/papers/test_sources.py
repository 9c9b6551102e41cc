"""The metadata sources: pure parsers on recorded responses, merging, and the HTTP session
(cache, offline, retries, keys, faults) against a real server on loopback."""

from __future__ import annotations

import json

import pytest
from httpserver import FIXTURES, PREFIXES, Reply, arxiv_route

from starter.errors import InputError, NetworkError, NotFoundError
from starter.papers.http import Client, NotCached, RateLimited
from starter.papers.sources import (
    Record,
    arxiv,
    crossref,
    doi,
    huggingface,
    openalex,
    semanticscholar,
)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def fixture_json(name: str):
    return json.loads(fixture(name))


# ----------------------------------------------------------------------------- arXiv


def test_arxiv_current_feed_layout_parses_by_namespace():
    [record] = arxiv.parse(fixture("arxiv_hep-ex_0406020v1.xml"))
    assert record.title == "Sparticle Reconstruction at LHC"
    assert record.authors == ("Alessia Tricomi",)
    assert record.extra["affiliations"] == [["for the ATLAS and CMS Collaborations"]]
    assert record.arxiv_id == "hep-ex/0406020" and record.extra["version"] == 1
    assert record.year == 2004 and record.doi is None
    assert record.extra["categories"] == ["hep-ex"]
    assert record.extra["pdf_url"] == "https://arxiv.org/pdf/hep-ex/0406020v1"
    assert record.extra["comment"].startswith("Presented at XXXIX Rencontres de Moriond")
    assert record.abstract.startswith("In this report a review of recent studies")


def test_arxiv_older_feed_layout_with_doi_and_journal_ref():
    [record] = arxiv.parse(fixture("arxiv_search_delmaestro_checkerboard.xml"))
    assert record.title == (
        "From stripe to checkerboard order on the square lattice in the presence "
        "of quenched disorder"
    )
    assert record.authors == ("Adrian Del Maestro", "Bernd Rosenow", "Subir Sachdev")
    assert record.arxiv_id == "cond-mat/0603029"
    assert record.doi == "10.1103/PhysRevB.74.024520"
    assert record.venue.name == "Phys. Rev. B 74, 024520 (2006)"
    assert record.extra["primary_category"] == "cond-mat.str-el"
    assert record.extra["categories"] == ["cond-mat.str-el", "cond-mat.supr-con"]
    assert "\n" not in record.abstract


def test_arxiv_error_feed_is_an_invalid_id_error_never_a_paper_called_error():
    with pytest.raises(InputError, match="invalid arXiv id: arXiv says 'incorrect id format"):
        arxiv.parse(fixture("arxiv_error_id_abc.xml"))


def test_arxiv_empty_feed_has_no_papers():
    assert arxiv.parse(fixture("arxiv_empty_feed.xml")) == []


@pytest.mark.parametrize("body", [b"<feed", b"Rate exceeded.", b"<html><body>x</body></html>"])
def test_arxiv_malformed_answers_are_network_errors(body):
    with pytest.raises(NetworkError):
        arxiv.parse(body)


def test_arxiv_keeps_unicode_names_and_finds_the_code_in_the_comment():
    [record] = arxiv.parse(fixture("arxiv_2401.00001v2_unicode.xml"))
    assert record.authors == ("Dirk Wübben", "Zoë Ångström", "李 雷")
    assert record.title == "Über Lernraten: A Study of Step Sizes"
    assert record.code_url == "https://github.com/wuebben-lab/lernraten"
    assert record.extra["affiliations"][0] == ["Universität Bremen"]


def test_arxiv_reports_ids_dropped_from_a_multi_id_answer():
    records = arxiv.parse(fixture("arxiv_1706.03762v7.xml"))
    assert arxiv.missing_ids(["1706.03762", "1706.0376x", "1706.03762v7"], records) == [
        "1706.0376x"
    ]


# ----------------------------------------------------------------------------- Crossref


def test_crossref_work_fields():
    record = crossref.parse(fixture_json("crossref_works_10.1103_physrevb.89.140501.json"))
    assert record.title == (
        "Particle entanglement in continuum many-body systems via quantum Monte Carlo"
    )
    assert record.authors == ("C. M. Herdman", "P.-N. Roy", "R. G. Melko", "A. Del Maestro")
    assert record.families[-1] == "Del Maestro"
    assert record.year == 2014
    assert record.venue.name == "Physical Review B"
    assert (record.venue.volume, record.venue.number, record.venue.pages) == ("89", "14", "140501")
    assert record.doi == "10.1103/physrevb.89.140501"
    assert record.publisher == "American Physical Society (APS)"
    assert record.kind == "journal-article"


def test_crossref_without_authors_dates_or_container():
    record = crossref.parse(fixture_json("crossref_works_sparse.json"))
    assert record.title == "A Report: Without Authors or Dates"
    assert record.authors == () and record.year is None
    assert record.venue.name is None and record.publisher == "Example Press"


def test_crossref_particles_stay_with_the_family_name():
    work = {
        "title": ["T"],
        "author": [{"given": "Ludwig", "family": "Beethoven", "non-dropping-particle": "van"}],
    }
    record = crossref.parse({"message": work})
    assert record.authors == ("Ludwig van Beethoven",)
    assert record.families == ("van Beethoven",)


def test_crossref_year_only_date_and_csl_json_strings():
    csl = {
        "title": "A CSL title",
        "container-title": "Some Journal",
        "issued": {"date-parts": [[1999]]},
    }
    record = crossref.parse(csl)
    assert (record.title, record.venue.name, record.year) == ("A CSL title", "Some Journal", 1999)


def test_crossref_answer_without_a_work_is_a_network_error():
    with pytest.raises(NetworkError):
        crossref.parse(["not", "a", "work"])


# ----------------------------------------------------------------------------- others


def test_semantic_scholar_paper():
    record = semanticscholar.parse(fixture_json("s2_paper_DOI_10.1101_2024.04.01.587366.json"))
    assert (
        record.title
        == "High-throughput screening of human genetic variants by pooled prime editing"
    )
    assert record.authors[0] == "Michael Herger" and len(record.authors) == 6
    assert record.ids == {"s2": "7e5d4466c8b85f93775fe183e1a318a3e65ac8e4", "corpus": "268890006"}
    assert record.doi == "10.1101/2024.04.01.587366" and record.year == 2024
    assert record.venue.name == "bioRxiv"


def test_semantic_scholar_prefers_the_venue_over_the_arxiv_journal():
    record = semanticscholar.parse(fixture_json("s2_paper_ARXIV_1706.03762.json"))
    assert record.venue.name == "Neural Information Processing Systems"
    assert record.venue.volume is None and record.arxiv_id == "1706.03762"


def test_openalex_work_with_abstract_rebuilt_from_the_inverted_index():
    record = openalex.parse(fixture_json("openalex_work_doi_10.1021_acs.jctc.5b00178.json"))
    assert record.title == (
        "Designing Free Energy Surfaces That Match Experimental Data with Metadynamics"
    )
    assert record.authors[0] == "Andrew Dickson White"
    assert record.doi == "10.1021/acs.jctc.5b00178" and record.year == 2015
    assert record.venue.name == "Journal of Chemical Theory and Computation"
    assert (record.venue.volume, record.venue.number, record.venue.pages) == (
        "11",
        "6",
        "2451-2460",
    )
    assert record.ids == {"openalex": "W2325998682"}
    assert record.abstract.startswith(
        "Creating models that are consistent with experimental data is essential in molecular "
        "modeling."
    )


def test_openalex_abstract_rebuilding_orders_words_by_position():
    index = {"world": [1], "hello": [0, 2]}
    assert openalex.rebuild_abstract(index) == "hello world hello"
    assert openalex.rebuild_abstract(None) is None


def test_hugging_face_gives_the_official_code():
    record = huggingface.parse(fixture_json("hf_paper_1706.03762.json"))
    assert record.code_url == "https://github.com/tensorflow/tensor2tensor"
    assert record.project_url is None


def test_registry_bibtex_is_tidied_and_parses_with_unicode_kept():
    import bibtexparser

    text = doi.parse_bibtex(fixture("bibtex_10.1126_science.169.3946.635.bib").decode("utf-8"))
    assert text.startswith("@article{Frank_1970,")
    [entry] = bibtexparser.parse_string(text).entries
    assert entry["pages"] == "635–641"
    assert doi.parse_bibtex("<html>not bibtex</html>") is None


# ----------------------------------------------------------------------------- merging


def test_merge_prefers_the_published_version_for_venue_year_and_doi():
    from starter.papers.merge import merge

    [preprint] = arxiv.parse(fixture("arxiv_2401.00001v2_unicode.xml"))
    raw = fixture("crossref_works_latin1.json").decode("iso-8859-1")
    published = crossref.parse(json.loads(raw))
    paper = merge([preprint, published], primary="arxiv")
    assert paper.title == "Über Lernraten: A Study of Step Sizes"  # the primary's
    assert paper.venue.name == "Journal of Step Sizes" and paper.venue.volume == "3"
    assert paper.doi == "10.5555/lernraten.2024.7" and paper.arxiv_id == "2401.00001"
    assert paper.abstract.startswith("We study step sizes.")  # arXiv's
    assert paper.code_url == "https://github.com/wuebben-lab/lernraten"
    assert paper.key == "wubben2024uber"
    assert paper.claims == ()


def test_merge_ignores_preprint_venues_and_arxiv_dois():
    from starter.papers.merge import merge

    record = Record(
        source="semanticscholar",
        title="T",
        authors=("Ann Lee",),
        year=2020,
        venue=__import__("starter.models").models.Venue(name="arXiv.org"),
        doi="10.48550/arXiv.2001.00001",
    )
    paper = merge([record], primary="semanticscholar")
    assert paper.venue.name is None and paper.doi is None
    assert paper.key == "lee2020t"


def test_a_catalog_paper_matched_by_arxiv_id_keeps_its_key_and_claims():
    from starter.papers.merge import merge, with_catalog

    records = arxiv.parse(fixture("arxiv_1706.03762v7.xml"))
    paper, in_catalog = with_catalog(merge(records, primary="arxiv"))
    assert in_catalog and paper.key == "transformer" and paper.claims
    assert paper.abstract.startswith("The dominant sequence transduction models")


# ----------------------------------------------------------------------------- HTTP


def test_user_agent_names_starter_and_the_mailto_and_crossref_gets_mailto(services, monkeypatch):
    from starter import __version__

    services.file(
        "/crossref/works/10.1103/physrevb.89.140501",
        "crossref_works_10.1103_physrevb.89.140501.json",
    )
    client = Client(mailto="ada@example.org")
    crossref.lookup(client, "10.1103/physrevb.89.140501")
    [seen] = services.seen("/crossref")
    assert seen.headers["User-Agent"] == f"starter/{__version__} (+mailto:ada@example.org)"
    assert seen.query["mailto"] == "ada@example.org"
    assert seen.raw_path == "/crossref/works/10.1103%2Fphysrevb.89.140501"  # URL-encoded DOI


def test_api_keys_go_where_each_service_wants_them(services, monkeypatch):
    monkeypatch.setenv("STARTER_S2_API_KEY", "s2-secret")
    monkeypatch.setenv("STARTER_OPENALEX_API_KEY", "oa-secret")
    services.file(
        "/s2/graph/v1/paper/DOI:10.1101/2024.04.01.587366",
        "s2_paper_DOI_10.1101_2024.04.01.587366.json",
    )
    services.file("/openalex/works/W2325998682", "openalex_work_doi_10.1021_acs.jctc.5b00178.json")
    client = Client()
    semanticscholar.lookup(client, "DOI:10.1101/2024.04.01.587366")
    openalex.lookup(client, "W2325998682")
    [s2] = services.seen("/s2")
    [oa] = services.seen("/openalex")
    assert s2.headers["x-api-key"] == "s2-secret" and "api_key" not in s2.query
    assert oa.query["api_key"] == "oa-secret" and "x-api-key" not in oa.headers


def test_keys_are_not_stored_in_the_cache(services, monkeypatch, isolated_env):
    monkeypatch.setenv("STARTER_OPENALEX_API_KEY", "oa-secret")
    services.file("/openalex/works/W2325998682", "openalex_work_doi_10.1021_acs.jctc.5b00178.json")
    client = Client()
    openalex.lookup(client, "W2325998682")
    client.close()
    assert b"oa-secret" not in client.cache_path.read_bytes()


def test_a_second_lookup_is_served_by_the_cache_and_refresh_asks_again(services):
    services.file("/hf/api/papers/1706.03762", "hf_paper_1706.03762.json")
    huggingface.lookup(Client(), "1706.03762")
    cached = Client()
    huggingface.lookup(cached, "1706.03762")
    assert len(services.requests) == 1 and cached.network_requests == 0
    huggingface.lookup(Client(refresh=True), "1706.03762")
    assert len(services.requests) == 2


def test_offline_never_touches_the_network_and_says_what_to_do(services):
    with pytest.raises(NotCached, match="not in the cache; run without --offline once"):
        huggingface.lookup(Client(offline=True), "1706.03762")
    assert services.requests == []


def test_429_is_retried_after_retry_after_then_succeeds(services):
    services.route(
        "/hf/api/papers/1706.03762",
        Reply(429, b"Rate exceeded.", "text/plain", {"Retry-After": "0"}),
        Reply(200, fixture("hf_paper_1706.03762.json")),
    )
    record = huggingface.lookup(Client(), "1706.03762")
    assert record.code_url and len(services.requests) == 2


@pytest.mark.parametrize(
    ("service", "path", "hint"),
    [
        ("semanticscholar", "/s2/graph/v1/paper/CorpusId:1", "STARTER_S2_API_KEY"),
        ("crossref", "/crossref/works/10.1/x", "STARTER_MAILTO"),
        ("openalex", "/openalex/works/W1", "STARTER_OPENALEX_API_KEY"),
    ],
)
def test_persistent_429_says_which_key_or_mailto_would_help(services, service, path, hint):
    services.route(path, Reply(429, b"Rate exceeded.", "text/plain"))
    call = {
        "semanticscholar": lambda c: semanticscholar.lookup(c, "CorpusId:1"),
        "crossref": lambda c: crossref.lookup(c, "10.1/x"),
        "openalex": lambda c: openalex.lookup(c, "W1"),
    }[service]
    with pytest.raises(RateLimited, match=hint):
        call(Client())
    assert len(services.requests) == 2  # the first try and one retry (STARTER_HTTP_RETRIES=1)


def test_server_errors_html_pages_and_bad_json_are_network_errors(services):
    services.route(
        "/crossref/works/10.1/down", Reply(503, fixture("html_error_page.html"), "text/html")
    )
    services.route(
        "/crossref/works/10.1/html", Reply(200, fixture("html_error_page.html"), "text/html")
    )
    services.route("/crossref/works/10.1/bad", Reply(200, b'{"message": {', "application/json"))
    client = Client()
    with pytest.raises(NetworkError, match=r"Crossref answered 503 \(a problem on its side\)"):
        crossref.lookup(client, "10.1/down")
    with pytest.raises(NetworkError, match="an HTML page where JSON was expected"):
        crossref.lookup(client, "10.1/html")
    with pytest.raises(NetworkError, match="malformed JSON"):
        crossref.lookup(client, "10.1/bad")


def test_not_found_as_json_or_html_is_not_found(services):
    services.file("/s2/graph/v1/paper/DOI:10.9999/nothing.here", "s2_404.json", status=404)
    services.file("/openalex/works/W404", "openalex_404.html", status=404)
    client = Client()
    with pytest.raises(
        NotFoundError, match=r"no paper DOI:10\.9999/nothing\.here on Semantic Scholar"
    ):
        semanticscholar.lookup(client, "DOI:10.9999/nothing.here")
    with pytest.raises(NotFoundError, match="no work W404 on OpenAlex"):
        openalex.lookup(client, "W404")


def test_a_slow_service_times_out_with_a_clear_message(services, monkeypatch):
    monkeypatch.setenv("STARTER_HTTP_TIMEOUT", "0.2")
    services.route("/hf/api/papers/1706.03762", Reply(200, b"{}", delay=1.0))
    with pytest.raises(NetworkError, match=r"Hugging Face did not answer within 0\.2 s"):
        huggingface.lookup(Client(), "1706.03762")


def test_an_unreachable_service_is_a_network_error(monkeypatch):
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("STARTER_HF_API", f"http://127.0.0.1:{port}/api")
    monkeypatch.setenv("STARTER_HTTP_BACKOFF", "0")
    with pytest.raises(NetworkError, match=r"cannot reach Hugging Face at 127\.0\.0\.1"):
        huggingface.lookup(Client(), "1706.03762")


def test_json_is_decoded_by_its_declared_charset(services):
    services.file(
        "/crossref/works/10.5555/lernraten.2024.7",
        "crossref_works_latin1.json",
        content_type="application/json; charset=iso-8859-1",
    )
    record = crossref.lookup(Client(), "10.5555/lernraten.2024.7")
    assert record.authors[0] == "Dirk Wübben" and record.publisher == "Verlag Wübben"
    assert record.title == "Über Lernraten: A Study of Step Sizes"


def test_json_without_a_declared_charset_is_utf8_or_else_latin1(services):
    body = fixture("crossref_works_latin1.json")
    services.route("/crossref/works/10.5555/latin1", Reply(200, body, "application/json"))
    services.route("/crossref/works/10.5555/utf8", Reply(200, body.decode("latin-1").encode()))
    client = Client()
    for doi_ in ("10.5555/latin1", "10.5555/utf8"):
        assert crossref.lookup(client, doi_).authors[0] == "Dirk Wübben"


def test_arxiv_reports_ids_it_silently_dropped(services):
    arxiv_route(services, "1706.03762,1706.99999", "arxiv_1706.03762v7.xml")
    records, missing = arxiv.lookup_many(Client(), ["1706.03762", "1706.99999"])
    assert [r.arxiv_id for r in records] == ["1706.03762"]
    assert missing == ["1706.99999"]


def test_arxiv_lookups_keep_to_the_interval(services, monkeypatch):
    import starter.papers.http

    waits = []
    monkeypatch.setattr(starter.papers.http.time, "sleep", waits.append)
    monkeypatch.setenv("STARTER_ARXIV_INTERVAL", "30")
    arxiv_route(services, "1706.03762", "arxiv_1706.03762v7.xml")
    arxiv.lookup(Client(), "1706.03762", "arXiv:1706.03762")
    arxiv.lookup(Client(refresh=True), "1706.03762", "arXiv:1706.03762")
    assert len(waits) == 1 and 0 < waits[0] <= 30
    assert len(services.requests) == 2


def test_a_last_request_stamped_in_the_future_still_waits_the_interval(monkeypatch):
    # the wall clock went back after the last request: wait the interval, not the gap
    import time

    import starter.papers.transport as transport
    from starter.config import cache_dir

    waits = []
    monkeypatch.setattr(transport.time, "sleep", waits.append)
    monkeypatch.setenv("STARTER_ARXIV_INTERVAL", "3")
    cache_dir().mkdir(parents=True, exist_ok=True)
    (cache_dir() / "arxiv-last-request").write_text(f"{time.time() + 3600:.3f}")
    transport._arxiv_pace()
    assert waits == [3.0]


def test_arxiv_lookup_errors(services):
    arxiv_route(services, "0712.1234", "arxiv_error_id_abc.xml", status=400)
    arxiv_route(services, "1501.99999", "arxiv_empty_feed.xml")
    client = Client()
    with pytest.raises(InputError, match="invalid arXiv id"):
        arxiv.lookup(client, "0712.1234", "arXiv:0712.1234")
    with pytest.raises(NotFoundError, match=r"no paper arXiv:1501\.99999 on arXiv"):
        arxiv.lookup(client, "1501.99999", "arXiv:1501.99999")


def test_doi_bibtex_follows_the_redirect_with_the_accept_header(services):
    doi_path = "/doi/10.1126/science.169.3946.635"
    target = "/crossref/v1/works/10.1126/science.169.3946.635/transform"
    location = "{base}/crossref/v1/works/10.1126%2Fscience.169.3946.635/transform"
    body = fixture("doi_redirect_10.1126_science.169.3946.635.html")
    services.route(doi_path, Reply(302, body, "text/html;charset=utf-8", {"Location": location}))
    services.file(target, "bibtex_10.1126_science.169.3946.635.bib")
    text = doi.bibtex(Client(), "10.1126/science.169.3946.635")
    assert text is not None and "635–641" in text
    assert [r.path for r in services.requests] == [doi_path, target]
    assert {r.headers["Accept"] for r in services.requests} == {"application/x-bibtex"}


def test_service_addresses_default_to_the_real_services(monkeypatch):
    from starter.papers.http import base_url

    for env in PREFIXES:
        monkeypatch.delenv(env, raising=False)
    assert base_url("arxiv") == "https://export.arxiv.org/api/query"
    assert base_url("crossref") == "https://api.crossref.org"
    assert base_url("doi") == "https://doi.org"
    assert base_url("semanticscholar") == "https://api.semanticscholar.org/graph/v1"
    assert base_url("openalex") == "https://api.openalex.org"
    assert base_url("huggingface") == "https://huggingface.co/api"


def test_retry_delay_honours_retry_after_in_seconds_or_as_a_date():
    import email.utils
    import time

    from starter.papers.http import retry_delay

    assert retry_delay({"Retry-After": "7"}, attempt=0, backoff=1.0) == 7.0
    later = email.utils.formatdate(time.time() + 120, usegmt=True)
    assert 100 < retry_delay({"Retry-After": later}, attempt=0, backoff=1.0) <= 120
    assert retry_delay({}, attempt=2, backoff=0.5) == 2.0  # exponential backoff without it
