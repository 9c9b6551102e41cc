"""The HTTP client starter uses: User-Agent, timeouts and deadlines, API keys, and a persistent
cache (requests-cache) that serves `--offline` and is skipped by `--refresh`; what happens
on the wire (retries, arXiv's pace, the byte limit) is in transport.py."""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starter import __version__
from starter.errors import NetworkError
from starter.papers.transport import float_env as _float_env
from starter.papers.transport import retry_delay  # noqa: F401 -- part of this module's API

# Service addresses; each can point elsewhere (a mirror, or a test server on loopback).
SERVICES: dict[str, tuple[str, str, str]] = {
    # name -> (environment variable, default address, name shown to the user)
    "arxiv": ("STARTER_ARXIV_API", "https://export.arxiv.org/api/query", "arXiv"),
    "arxiv_eprint": ("STARTER_ARXIV_EPRINT", "https://arxiv.org/e-print", "arXiv's e-prints"),
    "crossref": ("STARTER_CROSSREF_API", "https://api.crossref.org", "Crossref"),
    "doi": ("STARTER_DOI_RESOLVER", "https://doi.org", "the DOI resolver"),
    "semanticscholar": (
        "STARTER_S2_API",
        "https://api.semanticscholar.org/graph/v1",
        "Semantic Scholar",
    ),
    "openalex": ("STARTER_OPENALEX_API", "https://api.openalex.org", "OpenAlex"),
    "huggingface": ("STARTER_HF_API", "https://huggingface.co/api", "Hugging Face"),
}

# What would help when a service rate-limits us.
RATE_LIMIT_HINTS = {
    "arxiv": "arXiv allows one request every 3 seconds; wait a minute and retry",
    "arxiv_eprint": "arXiv allows one request every 3 seconds; wait a minute and retry",
    "crossref": "set STARTER_MAILTO (or `mailto` in the config file) to join Crossref's "
    "polite pool, or wait and retry",
    "doi": "wait a minute and retry",
    "semanticscholar": "set STARTER_S2_API_KEY to a Semantic Scholar API key, or wait and retry",
    "openalex": "set STARTER_OPENALEX_API_KEY to an OpenAlex API key, or wait and retry",
    "huggingface": "wait a minute and retry",
}

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 20.0
RETRIES = 2  # after the first attempt, for timeouts, 429 and 5xx (transport.py)
CACHE_DAYS = 7
# A whole lookup (`show`, `new`, `search`: the services asked together) ends by this; each
# request by STARTER_HTTP_DEADLINE, by default its connect and read timeouts together.
LOOKUP_DEADLINE = 60.0
# No answer of a metadata service is larger; a bigger one is refused, never read whole.
MAX_BYTES = 8 * 1024 * 1024
# What is no metadata record gets more room: (largest answer, least total deadline in s).
# An e-print is a paper's LaTeX source (arXiv takes up to 50 MB); a tracking server's
# answer (send()) may hold a long run's history.
BIG_ANSWERS = {"arxiv_eprint": (100 * 1024 * 1024, 300.0), "tracking": (1 << 30, 300.0)}


def base_url(service: str) -> str:
    env, default, _ = SERVICES[service]
    return (os.environ.get(env) or default).rstrip("/")


def service_name(service: str) -> str:
    return SERVICES[service][2]


def path_segments(text: str, safe: str = "") -> str:
    """`text` as URL path segments: each segment percent-encoded (`?`, `#`, `%` and spaces
    included), `/` kept between them, and a `.` or `..` segment encoded so that no one
    normalizes it away: an identifier can never leave the path it is put in."""
    from urllib.parse import quote

    parts = []
    for part in text.split("/"):
        if part in (".", ".."):
            parts.append(part.replace(".", "%2E"))
        else:
            parts.append(quote(part, safe=safe))
    return "/".join(parts)


@dataclass(frozen=True)
class Reply:
    """A response reduced to what the parsers need; `text` decodes by the declared charset."""

    status: int
    content: bytes
    content_type: str
    charset: str | None
    url: str
    from_cache: bool
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, response: Any, from_cache: bool) -> Reply:
        """The Reply of a `requests` response."""
        content_type = response.headers.get("Content-Type", "")
        return cls(
            status=response.status_code,
            content=response.content,
            content_type=content_type.split(";")[0].strip().lower(),
            charset=_charset(content_type),
            url=response.url,
            from_cache=from_cache,
            headers=dict(response.headers.items()),
        )

    @property
    def text(self) -> str:
        """The body decoded by its declared charset; undeclared, UTF-8 (what JSON must be),
        and Windows-1252 for the servers that send Latin-1 without saying so."""
        import codecs

        if self.charset:
            try:
                codecs.lookup(self.charset)
                return self.content.decode(self.charset, errors="replace")
            except LookupError:
                pass  # an unknown charset name: guess as if none was declared
        try:
            return self.content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return self.content.decode("cp1252", errors="replace")

    @property
    def is_html(self) -> bool:
        head = self.content[:200].lstrip().lower()
        return "html" in self.content_type or head.startswith((b"<!doctype html", b"<html"))


class Client:
    """Fetches through one cached session; `offline` never sends, `refresh` never reads."""

    def __init__(
        self,
        *,
        offline: bool = False,
        refresh: bool = False,
        mailto: str | None = None,
        cache_path: Path | None = None,
        deadline: float | None = None,
    ) -> None:
        from starter.config import cache_dir

        self.offline = offline
        self.refresh = refresh
        self.mailto = mailto
        self.cache_path = cache_path or cache_dir() / "http-cache.sqlite"
        self.network_requests = 0  # requests that really went out (for callers' reports)
        # time.monotonic() by which everything this client asks must be answered
        self.deadline = deadline
        self._lock = threading.Lock()
        self._local = threading.local()  # per thread: its session and its requests
        self._sessions: list[Any] = []

    # -- the session ---------------------------------------------------------------------

    @property
    def session(self) -> Any:
        """This thread's session (requests sessions are not safe to share among threads)."""
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = self._make_session()
            with self._lock:
                self._sessions.append(session)
        return session

    def requests_here(self) -> int:
        """Requests that went out from the calling thread (a fill-in counts its own)."""
        return getattr(self._local, "requests", 0)

    def _make_session(self, deadline: float | None = None, max_bytes: int | None = None) -> Any:
        from datetime import timedelta

        import requests_cache

        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        from starter.papers.transport import session_class

        session = session_class(requests_cache.CachedSession)(
            str(self.cache_path),
            backend="sqlite",
            # Write-ahead logging: cheaper commits, and parallel starter processes do not
            # block each other's reads.
            wal=True,
            expire_after=timedelta(days=CACHE_DAYS),
            allowable_codes=(200, 404),
            # A stale answer beats none when offline or when the service is down.
            stale_if_error=True,
            # The Accept header picks BibTeX or CSL-JSON from the DOI resolver.
            match_headers=["Accept"],
            # Keys and contact addresses are not part of what a response means,
            # and requests-cache keeps ignored parameters out of the stored request.
            ignored_parameters=["api_key", "mailto", "x-api-key", "User-Agent"],
        )
        # Services ask clients to name themselves, and a contact address for Crossref's
        # and OpenAlex's polite pools.
        agent = f"starter/{__version__}"
        session.headers["User-Agent"] = agent + (f" (+mailto:{self.mailto})" if self.mailto else "")

        session.mount("http://", _adapter(deadline, max_bytes))
        session.mount("https://", _adapter(deadline, max_bytes))
        return session

    def close(self) -> None:
        with self._lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()

    # -- requests ------------------------------------------------------------------------

    def get(
        self,
        service: str,
        url: str,
        *,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """GET `url` for `service`; network faults become NetworkError with a useful hint."""
        import sqlite3

        import requests

        params = dict(params or {})
        headers = dict(headers or {})
        if service == "semanticscholar" and (key := os.environ.get("STARTER_S2_API_KEY")):
            headers["x-api-key"] = key
        if service == "openalex" and (key := os.environ.get("STARTER_OPENALEX_API_KEY")):
            params["api_key"] = key
        if service in ("crossref", "openalex") and self.mailto:
            params["mailto"] = self.mailto
        name = service_name(service)
        timeout = (
            _float_env("STARTER_HTTP_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
            _float_env("STARTER_HTTP_TIMEOUT", READ_TIMEOUT),
        )
        allowed = _float_env("STARTER_HTTP_DEADLINE", timeout[0] + timeout[1])
        max_bytes, least = BIG_ANSWERS.get(service, (None, 0.0))
        allowed = max(allowed, least)
        deadline = time.monotonic() + allowed
        limit = "STARTER_HTTP_DEADLINE"
        if self.deadline is not None and self.deadline < deadline:
            deadline, allowed = self.deadline, max(0.0, self.deadline - time.monotonic())
            limit = "what was left of STARTER_LOOKUP_DEADLINE"
        options = dict(
            params=params,
            headers=headers,
            timeout=timeout,
            only_if_cached=self.offline,
            force_refresh=self.refresh and not self.offline,
        )
        try:
            if self.offline:  # the cache only: no wire, no deadline to keep
                response = self.session.get(url, **options)
            else:
                from starter.papers.transport import run_with_deadline

                response = run_with_deadline(
                    lambda: self._fetch(url, deadline, max_bytes, options), deadline
                )
        except requests.exceptions.RequestException as exc:
            raise self._network_error(exc, name, url, timeout[1], (allowed, limit)) from None
        except (sqlite3.Error, OSError) as exc:
            from starter.errors import SetupError

            raise SetupError(
                f"cannot use the HTTP cache {self.cache_path} ({exc}); make its folder "
                "writable, or set STARTER_CACHE_DIR to another folder"
            ) from None
        from_cache = bool(getattr(response, "from_cache", False))
        if self.offline and response.status_code == 504:  # requests-cache: not cached
            raise NotCached(f"{name}: not in the cache; run without --offline once")
        reply = Reply.of(response, from_cache)
        if not from_cache:
            with self._lock:
                self.network_requests += 1
            self._local.requests = self.requests_here() + 1
        if reply.status == 429:
            raise RateLimited(
                f"{name} is rate-limiting requests (429); {RATE_LIMIT_HINTS[service]}"
            )
        if reply.status >= 500:
            raise NetworkError(
                f"{name} answered {reply.status} (a problem on its side); try again later"
            )
        return reply

    def _fetch(
        self, url: str, deadline: float, max_bytes: int | None, options: dict[str, Any]
    ) -> Any:
        """One request on a session of its own (this runs in a thread of its own)."""
        session = self._make_session(deadline, max_bytes)
        try:
            return session.get(url, **options)
        finally:
            session.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        name: str,
        json: Any = None,
        params: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """A request that is never cached (a tracking server's answers change from one call
        to the next; a POST is no lookup), with the same timeouts and retries as get(), a
        deadline (STARTER_HTTP_DEADLINE, at least 300 s) and room for big answers (1 GiB).
        `name` names the server in errors; a 4xx answer is returned for the caller to read."""
        import requests

        from starter.papers.transport import run_with_deadline

        if self.offline:
            raise NotCached(f"{name}: --offline forbids talking to {_host(url)}")
        timeout = (
            _float_env("STARTER_HTTP_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
            _float_env("STARTER_HTTP_TIMEOUT", READ_TIMEOUT),
        )
        max_bytes, least = BIG_ANSWERS["tracking"]
        allowed = max(_float_env("STARTER_HTTP_DEADLINE", timeout[0] + timeout[1]), least)
        deadline = time.monotonic() + allowed

        def request() -> Any:
            with requests.Session() as session:
                session.headers["User-Agent"] = f"starter/{__version__}"
                session.mount("http://", _adapter(deadline, max_bytes))
                session.mount("https://", _adapter(deadline, max_bytes))
                return session.request(
                    method, url, json=json, params=params, headers=headers, timeout=timeout
                )

        try:
            response = run_with_deadline(request, deadline)
        except requests.exceptions.RequestException as exc:
            limit = (allowed, "STARTER_HTTP_DEADLINE")
            error = self._network_error(exc, name, url, timeout[1], limit)
            if error.message.startswith("cannot reach"):
                error.message = (
                    f"cannot reach {name} at {_host(url)} ({_reason(exc)}); check the address "
                    "and that the server is running"
                )
            raise error from None
        reply = Reply.of(response, False)
        with self._lock:
            self.network_requests += 1
        if reply.status == 429:
            raise RateLimited(f"{name} is rate-limiting requests (429); wait and retry")
        if reply.status >= 500:
            raise NetworkError(
                f"{name} answered {reply.status} (a problem on its side); try again later"
            )
        return reply

    def _network_error(
        self, exc: Exception, name: str, url: str, read: float, allowed: tuple[float, str]
    ) -> NetworkError:
        import requests

        from starter.papers import transport

        if transport.is_too_large(exc):
            return NetworkError(
                f"{name} answered {exc}, more than starter reads from it "
                "(STARTER_HTTP_MAX_BYTES for the metadata services); try again later"
            )
        if transport.is_deadline(exc):
            return NetworkError(
                f"{name} did not answer in full within {allowed[0]:.3g} s ({allowed[1]}); "
                "try again later, or use --offline to rely on the cache"
            )
        if isinstance(exc, requests.exceptions.Timeout):
            return NetworkError(
                f"{name} did not answer within {read:g} s; try again later, "
                "or use --offline to rely on the cache"
            )
        env = next((v[0] for v in SERVICES.values() if v[2] == name), "its STARTER_* variable")
        return NetworkError(
            f"cannot reach {name} at {_host(url)} ({_reason(exc)}); check your connection "
            f"or the address in {env}, or use --offline"
        )


def _adapter(deadline: float | None, max_bytes: int | None) -> Any:
    """The transport adapter (transport.py) for one session: arXiv's pace on arXiv's
    addresses, the request's deadline, the largest answer read."""
    from starter.papers import transport

    limit = max_bytes or int(_float_env("STARTER_HTTP_MAX_BYTES", MAX_BYTES))
    return transport.adapter_class()(
        (base_url("arxiv"), base_url("arxiv_eprint")),
        deadline if deadline is not None else float("inf"),
        limit,
    )


class NotCached(NetworkError):
    """`--offline` and the answer is not in the cache."""


class RateLimited(NetworkError):
    """The service answered 429 even after waiting."""


def _charset(content_type: str) -> str | None:
    for part in content_type.split(";")[1:]:
        name, _, value = part.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip('"').lower() or None
    return None


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc or url


def _reason(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Connection refused", "Name or service not known", "No route to host"):
        if marker in text:
            return marker.lower()
    return type(exc).__name__
