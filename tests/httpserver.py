"""A real HTTP server on loopback that plays recorded responses to starter's metadata
clients and records the requests it got; the `services` fixture points starter at it."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

FIXTURES = Path(__file__).resolve().parent / "data" / "fixtures"

# Where each service lives on the test server; the env var points starter there.
PREFIXES = {
    "STARTER_ARXIV_API": "/arxiv/api/query",
    "STARTER_ARXIV_EPRINT": "/arxiv/e-print",
    "STARTER_CROSSREF_API": "/crossref",
    "STARTER_DOI_RESOLVER": "/doi",
    "STARTER_S2_API": "/s2/graph/v1",
    "STARTER_OPENALEX_API": "/openalex",
    "STARTER_HF_API": "/hf/api",
}


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (to test timeouts)
    drip: float = 0.0  # seconds between bytes: the body sent one byte at a time
    drip_head: bool = False  # the status line and headers dripped too


@dataclass
class Seen:
    """One request the server got."""

    path: str  # decoded path
    raw_path: str  # as sent, with its %-escapes
    query: dict[str, str]
    headers: dict[str, str]
    at: float = 0.0  # time.monotonic() when it arrived


class Server:
    """Routes (decoded path, optional query subset) -> a list of replies, the last repeated."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, dict[str, str], list[Reply]]] = []
        self.requests: list[Seen] = []
        self.answered: list[float] = []  # time.monotonic() of each answer sent in full
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the name http.server calls
                reply = server._answer(self.path, dict(self.headers.items()))
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drip:
                    self._drip(reply)
                    return
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(reply.body)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value.replace("{base}", server.base))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    server.answered.append(time.monotonic())
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def _drip(self, reply: Reply) -> None:
                head = (
                    f"HTTP/1.1 {reply.status} OK\r\nContent-Type: {reply.content_type}\r\n"
                    f"Content-Length: {len(reply.body)}\r\nConnection: close\r\n\r\n"
                )
                self.close_connection = True
                data = head.encode() + reply.body
                start = 0 if reply.drip_head else len(head)
                try:
                    self.wfile.write(data[:start])
                    for byte in data[start:]:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        time.sleep(reply.drip)
                except OSError:
                    pass  # the client gave up: what the test wants

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    # -- routes --------------------------------------------------------------------------

    def route(self, path: str, *replies: Reply, query: dict[str, str] | None = None) -> None:
        """Answer GET `path` (decoded) whose query holds `query` with `replies` in turn."""
        with self._lock:
            self.routes.insert(0, (path, query or {}, list(replies)))

    def file(
        self,
        path: str,
        name: str,
        *,
        status: int = 200,
        content_type: str | None = None,
        query: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """Answer with a file of tests/data/fixtures/."""
        if content_type is None:
            content_type = {
                ".xml": "application/atom+xml; charset=utf-8",
                ".json": "application/json",
                ".html": "text/html; charset=utf-8",
                ".bib": "application/x-bibtex",
            }.get(Path(name).suffix, "text/plain")
        body = (FIXTURES / name).read_bytes()
        self.route(path, Reply(status, body, content_type, headers or {}), query=query)

    def _answer(self, raw: str, headers: dict[str, str]) -> Reply:
        parts = urlsplit(raw)
        path = unquote(parts.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        with self._lock:
            self.requests.append(Seen(path, parts.path, query, headers, time.monotonic()))
            for route_path, wanted, replies in self.routes:
                if route_path == path and all(query.get(k) == v for k, v in wanted.items()):
                    return replies.pop(0) if len(replies) > 1 else replies[0]
        return Reply(404, b'{"error": "Not found"}', "application/json")

    # -- helpers for tests ---------------------------------------------------------------

    def seen(self, prefix: str = "") -> list[Seen]:
        return [r for r in self.requests if r.path.startswith(prefix)]


@pytest.fixture
def services(monkeypatch: pytest.MonkeyPatch):
    """A loopback server standing in for every metadata service, and quick network
    settings (no 3 s arXiv pause, no backoff) so tests stay fast."""
    server = Server()
    for env, prefix in PREFIXES.items():
        monkeypatch.setenv(env, server.base + prefix)
    monkeypatch.setenv("STARTER_ARXIV_INTERVAL", "0")
    monkeypatch.setenv("STARTER_HTTP_BACKOFF", "0")
    monkeypatch.setenv("STARTER_HTTP_RETRIES", "1")
    monkeypatch.setenv("STARTER_HTTP_TIMEOUT", "2")
    yield server
    server.close()


def arxiv_route(server: Server, id_list: str, name: str, status: int = 200) -> None:
    server.file(PREFIXES["STARTER_ARXIV_API"], name, status=status, query={"id_list": id_list})
