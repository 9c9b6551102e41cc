"""`starter show`, `starter search` and `starter new` for any paper, against recorded
responses on a loopback server (the real request path, pointed there by STARTER_*_API)."""

from __future__ import annotations

import json
import socket

import pytest
from httpserver import PREFIXES, Reply, arxiv_route

UNICODE_ID = "2401.00001"
UNICODE_DOI = "10.5555/lernraten.2024.7"


def serve_unicode_paper(server) -> None:
    """An arXiv paper with unicode names, a published DOI and a GitHub link in its comment;
    Semantic Scholar and Hugging Face do not know it."""
    arxiv_route(server, UNICODE_ID, "arxiv_2401.00001v2_unicode.xml")
    arxiv_route(server, UNICODE_ID + "v2", "arxiv_2401.00001v2_unicode.xml")
    server.file(
        f"/crossref/works/{UNICODE_DOI}",
        "crossref_works_latin1.json",
        content_type="application/json; charset=iso-8859-1",
    )
    server.file(f"/s2/graph/v1/paper/ARXIV:{UNICODE_ID}", "s2_404.json", status=404)


def serve_physrevb(server) -> None:
    server.file(
        "/crossref/works/10.1103/physrevb.89.140501",
        "crossref_works_10.1103_physrevb.89.140501.json",
    )


def dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def cut_network(monkeypatch) -> None:
    """Point every service at a port where nothing listens."""
    port = dead_port()
    for env in PREFIXES:
        monkeypatch.setenv(env, f"http://127.0.0.1:{port}/gone")


# ----------------------------------------------------------------------------- show


def test_show_json_for_an_arxiv_paper_merges_the_sources(cli, services):
    serve_unicode_paper(services)
    result = cli("show", f"https://arxiv.org/abs/{UNICODE_ID}v2", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["key"] == "wubben2024uber"
    assert data["title"] == "Über Lernraten: A Study of Step Sizes"
    assert data["authors"] == ["Dirk Wübben", "Zoë Ångström", "李 雷"]
    assert data["year"] == 2024 and data["doi"] == UNICODE_DOI and data["arxiv_id"] == UNICODE_ID
    assert data["venue"]["name"] == "Journal of Step Sizes"
    assert data["code_url"] == "https://github.com/wuebben-lab/lernraten"
    assert data["claims"] == [] and data["confidence"] is None
    assert data["sources"] == {
        "arxiv": "ok",
        "crossref": "ok",
        "semanticscholar": "not found",
        "huggingface": "not found",
    }
    assert result.stderr == ""  # no spinner or warning in a pipe


def test_show_json_for_a_doi(cli, services):
    serve_physrevb(services)
    result = cli("show", "https://doi.org/10.1103/PhysRevB.89.140501", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"].startswith("Particle entanglement in continuum many-body systems")
    assert data["authors"][-1] == "A. Del Maestro"
    assert data["venue"] == {
        "name": "Physical Review B",
        "volume": "89",
        "number": "14",
        "pages": "140501",
    }
    assert data["abstract"] is None and data["arxiv_id"] is None
    assert data["key"] == "herdman2014particle"
    assert data["sources"]["crossref"] == "ok"
    assert data["sources"]["semanticscholar"] == "not found"


def test_show_text_prints_a_readable_card(cli, services):
    serve_unicode_paper(services)
    result = cli("show", UNICODE_ID)
    assert result.exit_code == 0, result.stderr
    assert "Über Lernraten" in result.stdout and "Dirk Wübben" in result.stdout
    assert "No claims in this card yet" in result.stdout


def test_show_catalog_paper_by_arxiv_id_has_the_catalog_key_and_claims(cli, services):
    arxiv_route(services, "1706.03762", "arxiv_1706.03762v7.xml")
    services.file("/s2/graph/v1/paper/ARXIV:1706.03762", "s2_paper_ARXIV_1706.03762.json")
    services.file("/hf/api/papers/1706.03762", "hf_paper_1706.03762.json")
    data = json.loads(cli("show", "arXiv:1706.03762", "--json").stdout)
    assert data["key"] == "transformer" and len(data["claims"]) > 0
    assert data["code_url"] == "https://github.com/tensorflow/tensor2tensor"


def test_a_fill_in_source_that_fails_never_fails_the_command(cli, services):
    serve_unicode_paper(services)
    services.route(f"/s2/graph/v1/paper/ARXIV:{UNICODE_ID}", Reply(429, b"Too Many Requests"))
    services.route(f"/hf/api/papers/{UNICODE_ID}", Reply(200, b"<html>oops</html>", "text/html"))
    result = cli("show", UNICODE_ID, "--json")
    assert result.exit_code == 0
    sources = json.loads(result.stdout)["sources"]
    assert sources["semanticscholar"].startswith("failed: Semantic Scholar is rate-limiting")
    assert sources["huggingface"].startswith("failed: Hugging Face answered an HTML page")
    assert "STARTER_S2_API_KEY" in result.stderr
    assert result.stderr.count("starter: warning: could not fill in from") == 2


def test_a_cached_paper_shows_with_the_network_gone(cli, services, monkeypatch):
    serve_unicode_paper(services)
    first = cli("show", UNICODE_ID, "--json")
    cut_network(monkeypatch)
    again = cli("show", UNICODE_ID, "--json")
    offline = cli("show", f"arXiv:{UNICODE_ID}", "--json", "--offline")
    assert again.exit_code == 0 and offline.exit_code == 0, again.stderr + offline.stderr
    for result in (again, offline):
        data = json.loads(result.stdout)
        assert {k: v for k, v in data.items() if k != "sources"} == {
            k: v for k, v in json.loads(first.stdout).items() if k != "sources"
        }
        assert data["sources"]["arxiv"] == "cached"


def test_offline_uses_the_http_cache_when_the_paper_cache_is_gone(cli, services, isolated_env):
    import shutil

    serve_unicode_paper(services)
    assert cli("show", UNICODE_ID, "--json").exit_code == 0
    shutil.rmtree(isolated_env / ".cache" / "starter" / "papers")
    count = len(services.requests)
    result = cli("show", UNICODE_ID, "--json", "--offline")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["sources"]["arxiv"] == "cached"
    assert len(services.requests) == count


def test_offline_without_a_cache_makes_no_request_and_says_so(cli, services):
    result = cli("show", "1512.03385v1", "--offline")
    # resnet is in the catalog: its card stands in for what cannot be fetched, and has all
    # a repository needs, so --offline is no reason for a warning
    assert result.exit_code == 0 and "Deep Residual Learning" in result.stdout
    assert result.stderr == ""
    result = cli("show", UNICODE_ID, "--offline")
    assert result.exit_code == 5
    assert result.stderr == "starter: error: arXiv: not in the cache; run without --offline once\n"
    assert services.requests == []


def test_refresh_asks_the_services_again(cli, services):
    serve_physrevb(services)
    cli("show", "10.1103/physrevb.89.140501", "--json")
    count = len(services.seen("/crossref"))
    cli("show", "10.1103/physrevb.89.140501", "--json")
    assert len(services.seen("/crossref")) == count
    cli("show", "10.1103/physrevb.89.140501", "--json", "--refresh")
    assert len(services.seen("/crossref")) == count + 1


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["abc"], 1, "'abc' is not a paper identifier; accepted: an arXiv id"),
        (["0712.1234"], 1, "invalid arXiv id: arXiv says 'incorrect id format for abc'"),
        (["1501.99999"], 4, "no paper arXiv:1501.99999 on arXiv; check the id"),
        (["2402.00002"], 5, "arXiv answered 503 (a problem on its side); try again later"),
        (["2404.00004"], 5, "arXiv is rate-limiting requests (429); arXiv allows one request"),
        (["2405.00005"], 5, "arXiv answered malformed XML; try again later"),
        (["10.9999/nothing.here"], 4, "no paper with DOI 10.9999/nothing.here on Crossref"),
        (["10.1234/html"], 5, "Crossref answered an HTML page where JSON was expected"),
        (["W4040404"], 4, "no work W4040404 on OpenAlex; check the id"),
        (
            ["CorpusId:9"],
            5,
            "Semantic Scholar is rate-limiting requests (429); set STARTER_S2_API_KEY",
        ),
    ],
)
def test_primary_source_faults_are_one_line_with_a_documented_exit_code(
    cli, services, args, code, message
):
    arxiv_route(services, "0712.1234", "arxiv_error_id_abc.xml", status=400)
    arxiv_route(services, "1501.99999", "arxiv_empty_feed.xml")
    services.file(
        "/arxiv/api/query", "html_error_page.html", status=503, query={"id_list": "2402.00002"}
    )
    services.route(
        "/arxiv/api/query",
        Reply(429, b"Rate exceeded.", "text/plain"),
        query={"id_list": "2404.00004"},
    )
    services.route(
        "/arxiv/api/query",
        Reply(200, b"<feed><entry>", "application/atom+xml"),
        query={"id_list": "2405.00005"},
    )
    services.route("/crossref/works/10.1234/html", Reply(200, b"<html>hi</html>", "text/html"))
    services.file("/openalex/works/W4040404", "openalex_404.html", status=404)
    services.route("/s2/graph/v1/paper/CorpusId:9", Reply(429, b"Too Many Requests"))
    result = cli("show", *args)
    assert result.exit_code == code
    assert result.stderr.startswith(f"starter: error: {message}")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_unreachable_primary_is_exit_5(cli, monkeypatch):
    cut_network(monkeypatch)
    monkeypatch.setenv("STARTER_HTTP_BACKOFF", "0")
    monkeypatch.setenv("STARTER_ARXIV_INTERVAL", "0")
    result = cli("show", UNICODE_ID)
    assert result.exit_code == 5
    assert result.stderr.startswith("starter: error: cannot reach arXiv at 127.0.0.1")


# ----------------------------------------------------------------------------- bibtex


def test_show_bibtex_uses_doi_content_negotiation(cli, services):
    import bibtexparser

    doi = "10.1126/science.169.3946.635"
    work = {
        "DOI": doi,
        "title": ["The Structure of Ordinary Water"],
        "issued": {"date-parts": [[1970]]},
        "author": [{"given": "Henry S.", "family": "Frank"}],
        "container-title": ["Science"],
    }
    services.route(f"/crossref/works/{doi}", Reply(200, json.dumps({"message": work}).encode()))
    location = "{base}/crossref/v1/works/10.1126%2Fscience.169.3946.635/transform"
    services.route(
        f"/doi/{doi}", Reply(302, b"<html>redirect</html>", "text/html", {"Location": location})
    )
    services.file(f"/crossref/v1/works/{doi}/transform", "bibtex_10.1126_science.169.3946.635.bib")
    result = cli("show", f"doi:{doi}", "--bibtex")
    assert result.exit_code == 0, result.stderr
    [entry] = bibtexparser.parse_string(result.stdout).entries
    assert entry.key == "Frank_1970" and entry["pages"] == "635–641"


def test_show_bibtex_without_a_doi_is_starters_own_and_keeps_unicode(cli, services):
    import bibtexparser

    serve_unicode_paper(services)  # the DOI resolver does not know its DOI: 404
    result = cli("show", UNICODE_ID, "--bibtex")
    assert result.exit_code == 0, result.stderr
    [entry] = bibtexparser.parse_string(result.stdout).entries
    assert "Wübben" in entry["author"]


# ----------------------------------------------------------------------------- search


def test_search_lists_catalog_and_service_candidates_with_their_ids(cli, services):
    services.file(
        "/arxiv/api/query",
        "arxiv_search_delmaestro_checkerboard.xml",
        query={"search_query": "all:checkerboard"},
    )
    services.route(
        "/s2/graph/v1/paper/search",
        Reply(
            200,
            json.dumps(
                {
                    "total": 1,
                    "data": [
                        {
                            "paperId": "a" * 40,
                            "title": "From stripe to checkerboard order",
                            "year": 2006,
                            "authors": [{"name": "Adrian Del Maestro"}],
                            "externalIds": {
                                "ArXiv": "cond-mat/0603029",
                                "DOI": "10.1103/PhysRevB.74.024520",
                            },
                        },
                        {
                            "paperId": "b" * 40,
                            "title": "Checkerboards everywhere",
                            "year": 2020,
                            "authors": [],
                            "externalIds": {},
                        },
                    ],
                }
            ).encode(),
        ),
    )
    services.route("/openalex/works", Reply(200, b'{"results": []}'))
    result = cli("search", "checkerboard", "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    refs = {r["ref"]: r for r in data["results"]}
    assert refs["cond-mat/0603029"]["found_in"] == ["arxiv", "semanticscholar"], (
        data,
        result.stderr,
    )
    assert refs["cond-mat/0603029"]["doi"] == "10.1103/PhysRevB.74.024520"
    assert refs["b" * 40]["title"] == "Checkerboards everywhere"
    assert data["sources"] == {"arxiv": "ok", "semanticscholar": "ok", "openalex": "ok"}, data[
        "sources"
    ]


def test_search_finds_catalog_papers_when_the_services_fail(cli, services):
    services.route("/arxiv/api/query", Reply(503, b"<html>down</html>", "text/html"))
    result = cli("search", "attention")
    assert result.exit_code == 0
    assert "transformer" in result.stdout
    assert "starter: warning: could not fill in from arXiv" in result.stderr


# ----------------------------------------------------------------------------- new


NEW_FORMS = [
    ("1706.03762", "transformer"),
    ("https://arxiv.org/pdf/1706.03762v7.pdf", "transformer"),
    ("10.48550/arXiv.1706.03762", "transformer"),
    (UNICODE_ID, "wubben2024uber"),
    (f"https://arxiv.org/abs/{UNICODE_ID}v2/", "wubben2024uber"),
    (f"doi:{UNICODE_DOI.upper()}", "wubben2024uber"),
    ("https://dx.doi.org/10.1103/PhysRevB.89.140501", "herdman2014particle"),
    ("CorpusId:268890006", "herger2024high"),
    (
        "https://www.semanticscholar.org/paper/x/7e5d4466c8b85f93775fe183e1a318a3e65ac8e4",
        "herger2024high",
    ),
    ("https://openalex.org/W2325998682", "white2015designing"),
    ("W2325998682", "white2015designing"),
    ("7e5d4466c8b85f93775fe183e1a318a3e65ac8e4", "herger2024high"),
    ("hep-ex/0406020v1", "tricomi2004sparticle"),
    ("http://arxiv.org/abs/hep-ex/0406020v1", "tricomi2004sparticle"),
]


@pytest.mark.parametrize(("form", "key"), NEW_FORMS)
def test_new_works_for_every_identifier_form(cli, services, tmp_path, form, key):
    from starter.papers.card import load_card

    arxiv_route(services, "1706.03762", "arxiv_1706.03762v7.xml")
    arxiv_route(services, "1706.03762v7", "arxiv_1706.03762v7.xml")
    serve_unicode_paper(services)
    services.file(
        f"/crossref/works/{UNICODE_DOI.lower()}",
        "crossref_works_latin1.json",
        content_type="application/json; charset=iso-8859-1",
    )
    serve_physrevb(services)
    arxiv_route(services, "hep-ex/0406020v1", "arxiv_hep-ex_0406020v1.xml")
    s2 = "s2_paper_DOI_10.1101_2024.04.01.587366.json"
    services.file("/s2/graph/v1/paper/CorpusId:268890006", s2)
    services.file("/s2/graph/v1/paper/7e5d4466c8b85f93775fe183e1a318a3e65ac8e4", s2)
    services.file("/openalex/works/W2325998682", "openalex_work_doi_10.1021_acs.jctc.5b00178.json")
    result = cli("new", form, "--no-git", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    paper = load_card(tmp_path / key / "paper.toml")
    assert paper.key == key
    if key == "transformer":
        assert paper.claims  # the catalog's claims
    else:
        assert paper.claims == ()
        assert "# No claims yet" in (tmp_path / key / "paper.toml").read_text(encoding="utf-8")
    if key == "wubben2024uber":
        assert paper.authors[0] == "Dirk Wübben" and paper.doi == UNICODE_DOI


def test_cached_show_does_not_import_requests(starter_proc, services, tmp_path):
    import subprocess
    import sys

    serve_unicode_paper(services)
    assert starter_proc("show", UNICODE_ID, "--json").returncode == 0
    code = (
        "import sys\n"
        "from starter.cli import main\n"
        f"sys.argv = ['starter', 'show', '{UNICODE_ID}', '--json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('requests' in sys.modules, 'requests_cache' in sys.modules, file=sys.stderr)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert json.loads(proc.stdout)["title"].startswith("Über Lernraten")
    assert proc.stderr.strip().endswith("False False")


def test_an_unusable_cache_folder_is_a_setup_error(cli, services, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("STARTER_CACHE_DIR", str(blocker / "cache"))
    result = cli("show", UNICODE_ID)
    assert result.exit_code == 6
    assert result.stderr.startswith("starter: error: cannot use the HTTP cache")
    assert "STARTER_CACHE_DIR" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "  "], "give some words to search for"),
        (["show", UNICODE_ID, "--offline", "--refresh"], "--refresh and --offline contradict"),
    ],
)
def test_contradictory_or_empty_input_is_exit_1(cli, services, args, message):
    result = cli(*args)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"starter: error: {message}")
    assert services.requests == []


def test_resolve_hands_fill_in_warnings_to_the_caller(services):
    from starter.papers.metadata import resolve

    serve_unicode_paper(services)
    services.route(f"/s2/graph/v1/paper/ARXIV:{UNICODE_ID}", Reply(503, b"<html>down</html>"))
    warnings: list[str] = []
    paper = resolve(UNICODE_ID, on_warning=warnings.append)
    assert paper.title.startswith("Über Lernraten")
    assert warnings == [
        "could not fill in from Semantic Scholar: Semantic Scholar answered 503 "
        "(a problem on its side); try again later"
    ]


def test_new_offline_for_a_catalog_paper_by_its_arxiv_id_warns_of_nothing(cli, services, tmp_path):
    result = cli("new", "1706.03762", "--offline", cwd=tmp_path)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert services.requests == []


def test_offline_names_what_a_catalog_card_lacks_and_how_to_fill_it_in(cli, services, monkeypatch):
    from dataclasses import replace

    from starter.models import Venue
    from starter.papers import catalog, metadata

    bare = replace(catalog.get("transformer"), year=None, venue=Venue())
    monkeypatch.setattr(metadata, "_catalog_fallback", lambda ref: bare)

    result = cli("show", "1706.03762", "--offline")

    assert result.exit_code == 0
    assert result.stderr == (
        "starter: warning: the catalog card has no year, venue; run without --offline once "
        "to fill it in\n"
    )


def test_a_service_down_still_says_the_catalog_card_stands_in(cli, services, monkeypatch):
    monkeypatch.setenv("STARTER_ARXIV_API", f"http://127.0.0.1:{dead_port()}/api/query")

    result = cli("show", "1706.03762")

    assert result.exit_code == 0 and "Attention Is All You Need" in result.stdout
    assert "showing the catalog card" in result.stderr
