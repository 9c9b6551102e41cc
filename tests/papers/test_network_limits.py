"""A slow, dripping, huge or absent network fails fast and cleanly: every request has a total
deadline and a lookup has one too, a refused connection is not retried, the fill-in services
are asked together, and an answer is read only up to a size (real loopback servers: one that
drips one byte at a time, one on a closed port, one with a delay)."""

from __future__ import annotations

import json
import socket
import time

import pytest
from httpserver import FIXTURES, PREFIXES, Reply, arxiv_route

from starter.errors import NetworkError
from starter.papers.http import Client
from starter.papers.sources import crossref

ARXIV_ID = "2401.00001"
DOI = "10.5555/lernraten.2024.7"


def crossref_body() -> bytes:
    return FIXTURES.joinpath("crossref_works_latin1.json").read_bytes()


def closed_port() -> int:
    with socket.socket() as sock:  # free a moment ago: nothing listens there now
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def error_line(result) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("starter: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


# ----------------------------------------------------------------------------- point 17


@pytest.mark.parametrize("whole", [False, True])
def test_a_dripping_server_cannot_outlast_the_requests_deadline(services, monkeypatch, whole):
    """The answer would take 60 s to drip in: the request ends at its 1.5 s deadline."""
    body = crossref_body()
    monkeypatch.setenv("STARTER_HTTP_DEADLINE", "1.5")
    # 120 bytes at 0.5 s each (with the headers too: some 200 bytes)
    services.route(f"/crossref/works/{DOI}", Reply(200, body[:120], drip=0.5, drip_head=whole))
    started = time.monotonic()
    with pytest.raises(NetworkError, match=r"Crossref did not answer in full within 1\.5 s"):
        crossref.lookup(Client(), DOI)
    assert time.monotonic() - started < 20  # the drip alone takes 60 s


def test_show_against_a_dripping_primary_is_exit_5_in_a_real_process(services, starter_proc):
    services.route(f"/crossref/works/{DOI}", Reply(200, crossref_body()[:120], drip=0.5))
    started = time.monotonic()
    done = starter_proc(
        "show",
        DOI,
        env={"STARTER_HTTP_TIMEOUT": "3", "STARTER_HTTP_CONNECT_TIMEOUT": "1"},
        timeout=60,
    )
    assert done.returncode == 5, done.stderr
    assert "did not answer in full within 4 s" in done.stderr
    assert time.monotonic() - started < 30  # the 120-byte drip takes 60 s


def test_a_slow_fill_in_cannot_outlast_the_lookups_deadline(cli, services, monkeypatch):
    arxiv_route(services, ARXIV_ID, "arxiv_2401.00001v2_unicode.xml")
    services.route(f"/crossref/works/{DOI}", Reply(200, crossref_body(), delay=30))
    monkeypatch.setenv("STARTER_LOOKUP_DEADLINE", "1")
    result = cli("show", ARXIV_ID, "--json")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["title"] == "Über Lernraten: A Study of Step Sizes"  # arXiv answered
    # the request's own deadline (the lookup's) or the lookup's, whichever fires first
    assert data["sources"]["crossref"].startswith("failed: ")
    assert "could not fill in from Crossref" in result.stderr


# ----------------------------------------------------------------------------- point 18


def test_a_dead_network_fails_fast_without_retries(cli, monkeypatch):
    port = closed_port()
    for env in PREFIXES:
        monkeypatch.setenv(env, f"http://127.0.0.1:{port}/gone")
    monkeypatch.setenv("STARTER_HTTP_RETRIES", "5")
    monkeypatch.setenv("STARTER_HTTP_BACKOFF", "2")  # with retries: 2+4+8+16+32 s a request
    monkeypatch.setenv("STARTER_ARXIV_INTERVAL", "0")
    started = time.monotonic()
    show = cli("show", ARXIV_ID)
    search = cli("search", "lernraten")
    assert show.exit_code == 5 and "connection refused" in error_line(show)
    assert search.exit_code in (0, 5) and "Traceback" not in search.stderr
    assert time.monotonic() - started < 30  # one retry alone would cost 2 s a service


def test_refused_and_unresolvable_are_not_worth_retrying_but_a_reset_is():
    import requests

    from starter.papers.transport import not_worth_retrying

    port = closed_port()
    with pytest.raises(requests.exceptions.ConnectionError) as refused:
        requests.get(f"http://127.0.0.1:{port}/", timeout=2)
    assert not_worth_retrying(refused.value)
    unresolvable = requests.exceptions.ConnectionError(socket.gaierror(-2, "Name not known"))
    assert not_worth_retrying(unresolvable)
    assert not not_worth_retrying(requests.exceptions.ConnectionError(ConnectionResetError()))


def test_the_fill_in_services_are_asked_together(cli, services):
    """Each fill-in answers after 1.5 s: asked one after another, the second would arrive
    after the first had answered; asked together, all arrive before any answers."""
    arxiv_route(services, ARXIV_ID, "arxiv_2401.00001v2_unicode.xml")
    services.route(f"/crossref/works/{DOI}", Reply(200, crossref_body(), delay=1.5))
    services.route(
        f"/s2/graph/v1/paper/ARXIV:{ARXIV_ID}",
        Reply(404, FIXTURES.joinpath("s2_404.json").read_bytes(), delay=1.5),
    )
    services.route(f"/hf/api/papers/{ARXIV_ID}", Reply(404, b'{"error": "no"}', delay=1.5))
    result = cli("show", ARXIV_ID, "--json")
    assert result.exit_code == 0, result.stderr
    fills = [r for r in services.requests if not r.path.startswith("/arxiv")]
    assert sorted(r.path.split("/")[1] for r in fills) == ["crossref", "hf", "s2"]
    first_fill_answered = sorted(services.answered)[1]  # [0] is arXiv's answer
    assert max(r.at for r in fills) < first_fill_answered
    assert json.loads(result.stdout)["sources"] == {
        "arxiv": "ok", "crossref": "ok", "semanticscholar": "not found",
        "huggingface": "not found",
    }  # fmt: skip


def test_search_asks_its_services_together(cli, services):
    services.route(
        PREFIXES["STARTER_ARXIV_API"],
        Reply(200, FIXTURES.joinpath("arxiv_empty_feed.xml").read_bytes(), delay=1.5),
    )
    services.route("/s2/graph/v1/paper/search", Reply(200, b'{"data": []}', delay=1.5))
    services.route("/openalex/works", Reply(200, b'{"results": []}', delay=1.5))
    assert cli("search", "lernraten").exit_code == 0
    assert len(services.requests) == 3
    assert max(r.at for r in services.requests) < min(services.answered)


# ----------------------------------------------------------------------------- point 19


def test_a_huge_answer_is_refused_without_being_read_whole(cli, services, monkeypatch):
    monkeypatch.setenv("STARTER_HTTP_MAX_BYTES", str(1024 * 1024))
    data = json.loads(crossref_body().decode("latin-1"))
    data["message"]["abstract"] = "x" * (3 * 1024 * 1024)
    services.route(f"/crossref/works/{DOI}", Reply(200, json.dumps(data).encode()))
    result = cli("show", DOI)
    assert result.exit_code == 5
    assert "Crossref answered more than" in error_line(result)


def test_a_long_abstract_is_shown_in_linear_time(monkeypatch):
    """textwrap breaks a word longer than a line by slicing the rest of it again and again
    (quadratic: a 7 MB word took 18 s); no such word reaches it."""
    import textwrap

    from starter.commands.showcard import card_text
    from starter.models import Paper

    longest: list[int] = [0]
    original = textwrap.TextWrapper._handle_long_word

    def watched(self, chunks, line, length, width):  # type: ignore[no-untyped-def]
        longest[0] = max(longest[0], len(chunks[-1]))
        return original(self, chunks, line, length, width)

    monkeypatch.setattr(textwrap.TextWrapper, "_handle_long_word", watched)
    text = card_text(Paper(key="k", title="T", abstract="x" * 3_000_000), width=100)
    assert longest[0] <= 100
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert sum(len(line) for line in lines) >= 3_000_000
