"""Hostile or broken answers from the metadata services are harmless: no live `javascript:`
link, no terminal escape, no raw HTML, no key sent to another host, no identifier from one
answer steering another request, a malformed answer is exit 5 naming the service, and an
impossible year is dropped with a warning. The answers are the recorded ones of
tests/data/fixtures/ with one field changed, as a hostile or broken service would send them."""

from __future__ import annotations

import json

import pytest
from httpserver import FIXTURES, PREFIXES, Reply, Server

ARXIV_ID = "2401.00001"
DOI = "10.5555/lernraten.2024.7"
ESC_TITLE = "Über Lernraten\x1b]0;pwned\x07 \x9b31m<script>alert(1)</script>"


def arxiv_xml(title: str = "Über Lernraten: A Study of Step Sizes") -> bytes:
    text = (FIXTURES / "arxiv_2401.00001v2_unicode.xml").read_text(encoding="utf-8")
    text = text.replace(
        "<title>Über Lernraten: A Study of Step Sizes</title>", f"<title>{title}</title>"
    )
    return text.encode("utf-8")


def crossref_work(**changes) -> bytes:
    data = json.loads((FIXTURES / "crossref_works_latin1.json").read_bytes().decode("latin-1"))
    data["message"].update(changes)
    return json.dumps(data).encode("utf-8")


def serve(server: Server, *, title: str | None = None, crossref: bytes | None = None,
          s2: dict | None = None, hf: dict | None = None) -> None:  # fmt: skip
    body = arxiv_xml(title) if title is not None else arxiv_xml()
    for ident in (ARXIV_ID, ARXIV_ID + "v2"):
        server.route(
            PREFIXES["STARTER_ARXIV_API"],
            Reply(200, body, "application/atom+xml; charset=utf-8"),
            query={"id_list": ident},
        )
    server.route(f"/crossref/works/{DOI}", Reply(200, crossref or crossref_work()))
    s2_path = f"/s2/graph/v1/paper/ARXIV:{ARXIV_ID}"
    if s2 is None:
        server.file(s2_path, "s2_404.json", status=404)
    else:
        server.route(s2_path, Reply(200, json.dumps(s2).encode()))
    if hf is not None:
        server.route(f"/hf/api/papers/{ARXIV_ID}", Reply(200, json.dumps(hf).encode()))


def s2_answer(**changes) -> dict:
    data = json.loads((FIXTURES / "s2_paper_ARXIV_1706.03762.json").read_text())
    data["externalIds"]["ArXiv"] = ARXIV_ID
    data.update(changes)
    return data


def hf_answer(**changes) -> dict:
    data = json.loads((FIXTURES / "hf_paper_1706.03762.json").read_text())
    data["id"] = ARXIV_ID
    data.update(changes)
    return data


def error_line(result) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("starter: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


CONTROL = [chr(c) for c in range(32) if chr(c) not in "\n\t"] + [chr(c) for c in range(0x7F, 0xA0)]


def has_control(text: str, allow: str = "\n\t") -> bool:
    return any(ch in text for ch in CONTROL if ch not in allow)


# ----------------------------------------------------------------------------- point 6


def test_javascript_links_from_the_services_never_become_links(cli, services, tmp_path):
    serve(
        services,
        s2=s2_answer(url="javascript:alert(document.cookie)"),
        hf=hf_answer(githubRepo="javascript:alert(1)//github.com/x/y"),
    )
    shown = json.loads(cli("show", ARXIV_ID, "--json").stdout)
    assert "javascript" not in json.dumps(shown)
    assert shown["code_url"] == "https://github.com/wuebben-lab/lernraten"  # the arXiv one
    assert cli("new", ARXIV_ID, "--no-git", cwd=tmp_path).exit_code == 0
    (repo,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert cli("report", "--format", "html", "-C", repo).exit_code == 0
    assert (repo / "report" / "report.html").is_file()
    for path in repo.rglob("*"):
        if path.is_file():
            assert "javascript:" not in path.read_text(encoding="utf-8", errors="replace")


# ----------------------------------------------------------------------------- point 7


def test_control_characters_and_html_from_a_title_never_reach_outputs(cli, services, tmp_path):
    # JSON can carry ESC and BEL (XML cannot): Crossref's title, the primary for a DOI.
    serve(services, crossref=crossref_work(title=[ESC_TITLE]))
    shown = cli("show", DOI)
    assert shown.exit_code == 0, shown.stderr
    assert not has_control(shown.stdout) and not has_control(shown.stderr)
    assert "pwned" in shown.stdout  # the text stays, the escape goes
    assert cli("new", DOI, "--no-git", cwd=tmp_path).exit_code == 0
    (repo,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    for path in repo.rglob("*"):
        if path.is_file() and path.suffix in (".md", ".py", ".toml", ".cff"):
            assert not has_control(path.read_text(encoding="utf-8")), path
    status = cli("status", "-C", repo)
    assert not has_control(status.stdout + status.stderr)
    assert cli("report", "-C", repo).exit_code == 0
    assert not has_control((repo / "report" / "REPORT.md").read_text(encoding="utf-8"))


def test_raw_html_in_a_title_is_escaped_in_markdown_outputs(cli, services, tmp_path):
    serve(services, title="Über &lt;script&gt;alert(1)&lt;/script&gt; Lernraten")
    assert cli("new", ARXIV_ID, "--no-git", cwd=tmp_path).exit_code == 0
    (repo,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert "<script>" in (repo / "paper.toml").read_text(encoding="utf-8")  # the data stays
    readme = outside_code((repo / "README.md").read_text(encoding="utf-8"))
    assert "<script>" not in readme and "&lt;script&gt;" in readme
    assert cli("report", "-C", repo).exit_code == 0
    report = outside_code((repo / "report" / "REPORT.md").read_text(encoding="utf-8"))
    assert "<script>" not in report and "&lt;script&gt;" in report


def outside_code(markdown: str) -> str:
    """Markdown without its fenced code blocks, where HTML is only text."""
    import re

    return re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", markdown)


def test_c1_controls_in_an_arxiv_title_are_dropped(cli, services):
    serve(services, title="Über\x9b31m Lernraten\x85 &lt;b&gt;")
    shown = json.loads(cli("show", ARXIV_ID, "--json").stdout)
    assert shown["title"] == "Über31m Lernraten <b>"


def test_a_card_with_escapes_in_its_strings_is_read_without_them(tmp_path):
    from starter.papers.card import load_card

    card = tmp_path / "paper.toml"
    card.write_text(
        'schema = 1\n[paper]\nkey = "k"\ntitle = "A\\u001b[2Jtitle\\u0007"\n'
        '[[claims]]\nid = "c"\nmetric = "err\\u009bor"\nsource = "Table\\t1"\n',
        encoding="utf-8",
    )
    paper = load_card(card)
    assert paper.title == "A[2Jtitle"
    assert paper.claims[0].metric == "error" and paper.claims[0].source == "Table\t1"


# ----------------------------------------------------------------------------- point 8


def test_the_s2_key_is_not_sent_to_another_host_after_a_redirect(cli, services, monkeypatch):
    other = Server()
    try:
        other.file("/elsewhere", "s2_paper_ARXIV_1706.03762.json")
        serve(services)
        services.route(
            f"/s2/graph/v1/paper/ARXIV:{ARXIV_ID}",
            Reply(302, b"", "text/plain", {"Location": f"{other.base}/elsewhere"}),
        )
        monkeypatch.setenv("STARTER_S2_API_KEY", "secret-key")
        assert cli("show", ARXIV_ID, "--json").exit_code == 0
        (first,) = services.seen("/s2/")
        assert first.headers.get("x-api-key") == "secret-key"  # the service itself gets it
        (second,) = other.seen("/elsewhere")
        assert "x-api-key" not in {k.lower() for k in second.headers}
    finally:
        other.close()


# ----------------------------------------------------------------------------- point 9


def test_an_identifier_from_one_answer_cannot_steer_another_request(cli, services):
    serve(services)
    hostile = s2_answer(externalIds={"ArXiv": "../../../x?y=1", "CorpusId": 1})
    services.route(f"/s2/graph/v1/paper/DOI:{DOI}", Reply(200, json.dumps(hostile).encode()))
    services.route("/x", Reply(200, b'{"title": "gotcha"}'))
    result = cli("show", DOI, "--json")
    assert result.exit_code == 0, result.stderr
    assert services.seen("/x") == []
    assert all("?y=1" not in r.raw_path and "/../" not in r.raw_path for r in services.requests)


def test_path_segments_are_quoted_for_every_service():
    from starter.papers.http import path_segments

    assert path_segments("10.1000/a b?c#d") == "10.1000/a%20b%3Fc%23d"
    assert path_segments("../../x?y=1") == "%2E%2E/%2E%2E/x%3Fy%3D1"
    assert path_segments("DOI:10.1/x", safe=":") == "DOI:10.1/x"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1706.03762", "1706.03762"),
        ("hep-th/9901001", "hep-th/9901001"),
        ("../../../x?y=1", None),
        ("1706.03762?x=1", None),
        ("", None),
    ],
)
def test_arxiv_ids_in_answers_are_read_by_the_users_parser(given, expected):
    from starter.papers.identifiers import checked_arxiv_id

    assert checked_arxiv_id(given) == expected


# ----------------------------------------------------------------------------- point 13


@pytest.mark.parametrize(
    "changes",
    [{"title": 5}, {"volume": {"x": 1}}, {"title": [["nested"]]}],
)
def test_odd_types_in_a_crossref_answer_are_read_as_missing(cli, services, changes):
    serve(services, crossref=crossref_work(**changes))
    result = cli("show", DOI, "--json")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr


def test_a_deeply_nested_answer_is_a_network_error_naming_the_service(cli, services):
    serve(services, crossref=b'{"message": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    result = cli("show", DOI)
    assert result.exit_code == 5
    assert "Crossref" in error_line(result)


@pytest.mark.parametrize(
    ("path", "ref", "body"),
    [
        (
            "/s2/graph/v1/paper/CorpusId:13756489",
            "CorpusId:13756489",
            b'{"paperId": "a", "title": 5}',
        ),
        ("/openalex/works/W2741809807", "W2741809807", b'{"id": "W1", "title": {"t": 1}}'),
        ("/openalex/works/W2741809807", "W2741809807", b'{"id": "W1", "biblio": {"volume": [3]}}'),
        ("/s2/graph/v1/paper/CorpusId:13756489", "CorpusId:13756489", b"[1, 2]"),
        (f"/crossref/works/{DOI}", DOI, b'"just text"'),
    ],
)
def test_a_malformed_primary_answer_is_exit_5_naming_the_service(cli, services, path, ref, body):
    services.route(path, Reply(200, body))
    result = cli("show", ref)
    assert result.exit_code == 5, result.stderr
    name = {"/s2": "Semantic Scholar", "/openalex": "OpenAlex", "/crossref": "Crossref"}
    assert name["/" + path.split("/")[1]] in error_line(result)


def test_malformed_fill_in_answers_are_warnings_naming_the_service(cli, services):
    serve(
        services,
        s2=s2_answer(title=["x"], authors=[{"name": 5}]),
        hf=hf_answer(githubRepo=["x"], title={"a": 1}),
    )
    result = cli("show", ARXIV_ID, "--json")
    assert result.exit_code == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "could not fill in from Semantic Scholar" in result.stderr


# ----------------------------------------------------------------------------- point 15


@pytest.mark.parametrize("year", [-5, 0, 99999, 10**30])
def test_an_impossible_year_is_dropped_with_a_warning(cli, services, tmp_path, year):
    serve(services, crossref=crossref_work(issued={"date-parts": [[year]]}))
    result = cli("new", ARXIV_ID, "--no-git", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "year" in result.stderr and "warning" in result.stderr
    (repo,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    assert f"year = {year}" not in (repo / "paper.toml").read_text()
    assert cli("status", "-C", repo).exit_code == 0  # the card it wrote reads back
    assert "year = 2024" in (repo / "paper.toml").read_text()  # arXiv's year


# ----------------------------------------------------------------------------- point 20


def test_the_full_journal_name_wins_over_its_abbreviation(cli, services):
    serve(
        services,
        crossref=crossref_work(**{"container-title": ["ApJ", "The Astrophysical Journal"]}),
    )
    data = json.loads(cli("show", DOI, "--json").stdout)
    assert data["venue"]["name"] == "The Astrophysical Journal"


def test_a_single_container_title_is_kept(cli, services):
    serve(
        services,
        crossref=crossref_work(**{"container-title": ["ApJ"], "short-container-title": ["ApJ"]}),
    )
    data = json.loads(cli("show", DOI, "--json").stdout)
    assert data["venue"]["name"] == "ApJ"


def test_the_short_title_names_the_abbreviation(cli, services):
    serve(services, crossref=crossref_work(**{
        "container-title": ["Phys. Rev. B", "Physical Review B"],
        "short-container-title": ["Phys. Rev. B"],
    }))  # fmt: skip
    data = json.loads(cli("show", DOI, "--json").stdout)
    assert data["venue"]["name"] == "Physical Review B"
