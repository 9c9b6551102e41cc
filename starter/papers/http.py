"""The one HTTP session starter uses: User-Agent, timeouts, retries, arXiv's pace, API keys,
and a persistent cache (requests-cache) that serves `--offline` and is skipped by `--refresh`."""

from __future__ import annotations

import email.utils
import os
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from starter import __version__
from starter.errors import NetworkError

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
RETRIES = 2  # after the first attempt, for connection errors, 429 and 5xx
MAX_RETRY_AFTER = 30.0  # seconds; a longer wait is reported instead of slept
ARXIV_INTERVAL = 3.0  # arXiv's terms: at most one request every 3 seconds
CACHE_DAYS = 7
RETRY_STATUSES = (429, 500, 502, 503, 504)


def base_url(service: str) -> str:
    env, default, _ = SERVICES[service]
    return (os.environ.get(env) or default).rstrip("/")


def service_name(service: str) -> str:
    return SERVICES[service][2]


def _float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return max(0.0, float(raw))
    except ValueError:
        from starter.errors import InputError

        raise InputError(f"{name}={raw!r} is not a number of seconds") from None


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
    ) -> None:
        from starter.config import cache_dir

        self.offline = offline
        self.refresh = refresh
        self.mailto = mailto
        self.cache_path = cache_path or cache_dir() / "http-cache.sqlite"
        self.network_requests = 0  # requests that really went out (for callers' reports)
        self._session: Any = None
        self._plain: Any = None  # uncached, for send()

    # -- the session ---------------------------------------------------------------------

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = self._make_session()
        return self._session

    def _make_session(self) -> Any:
        from datetime import timedelta

        import requests_cache

        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        session = requests_cache.CachedSession(
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
        adapter = _adapter_class()(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
        if self._plain is not None:
            self._plain.close()

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
        try:
            response = self.session.get(
                url,
                params=params,
                headers=headers,
                timeout=timeout,
                only_if_cached=self.offline,
                force_refresh=self.refresh and not self.offline,
            )
        except requests.exceptions.Timeout:
            raise NetworkError(
                f"{name} did not answer within {timeout[1]:g} s; try again later, "
                "or use --offline to rely on the cache"
            ) from None
        except requests.exceptions.RequestException as exc:
            raise NetworkError(
                f"cannot reach {name} at {_host(url)} ({_reason(exc)}); check your connection "
                f"or the address in {SERVICES[service][0]}, or use --offline"
            ) from None
        except (sqlite3.Error, OSError) as exc:
            from starter.errors import SetupError

            raise SetupError(
                f"cannot use the HTTP cache {self.cache_path} ({exc}); make its folder "
                "writable, or set STARTER_CACHE_DIR to another folder"
            ) from None
        from_cache = bool(getattr(response, "from_cache", False))
        if self.offline and response.status_code == 504:  # requests-cache: not cached
            raise NotCached(f"{name}: not in the cache; run without --offline once")
        content_type = response.headers.get("Content-Type", "")
        reply = Reply(
            status=response.status_code,
            content=response.content,
            content_type=content_type.split(";")[0].strip().lower(),
            charset=_charset(content_type),
            url=response.url,
            from_cache=from_cache,
            headers={k: v for k, v in response.headers.items()},
        )
        if reply.status == 429:
            raise RateLimited(
                f"{name} is rate-limiting requests (429); {RATE_LIMIT_HINTS[service]}"
            )
        if reply.status >= 500:
            raise NetworkError(
                f"{name} answered {reply.status} (a problem on its side); try again later"
            )
        return reply

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
        to the next; a POST is no lookup), with the same name, timeouts and retries as get().
        `name` names the server in errors; a 4xx answer is returned for the caller to read."""
        import requests

        if self.offline:
            raise NotCached(f"{name}: --offline forbids talking to {_host(url)}")
        if self._plain is None:
            session = requests.Session()
            session.headers["User-Agent"] = f"starter/{__version__}"
            adapter = _adapter_class()(self)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._plain = session
        timeout = (
            _float_env("STARTER_HTTP_CONNECT_TIMEOUT", CONNECT_TIMEOUT),
            _float_env("STARTER_HTTP_TIMEOUT", READ_TIMEOUT),
        )
        try:
            response = self._plain.request(
                method, url, json=json, params=params, headers=headers, timeout=timeout
            )
        except requests.exceptions.Timeout:
            raise NetworkError(f"{name} did not answer within {timeout[1]:g} s") from None
        except requests.exceptions.RequestException as exc:
            raise NetworkError(
                f"cannot reach {name} at {_host(url)} ({_reason(exc)}); check the address "
                "and that the server is running"
            ) from None
        content_type = response.headers.get("Content-Type", "")
        reply = Reply(
            status=response.status_code,
            content=response.content,
            content_type=content_type.split(";")[0].strip().lower(),
            charset=_charset(content_type),
            url=response.url,
            from_cache=False,
            headers={k: v for k, v in response.headers.items()},
        )
        if reply.status == 429:
            raise RateLimited(f"{name} is rate-limiting requests (429); wait and retry")
        if reply.status >= 500:
            raise NetworkError(
                f"{name} answered {reply.status} (a problem on its side); try again later"
            )
        return reply


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


def retry_delay(headers: Any, attempt: int, backoff: float) -> float:
    """Seconds to wait before retrying: `Retry-After` when given, else exponential backoff."""
    value = (headers or {}).get("Retry-After")
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            pass
    return backoff * (2**attempt)


@cache
def _adapter_class() -> type:
    """The transport adapter: only requests that really go out pass here (cache hits do not),
    so this is where arXiv's pace and the retries belong. Built on first use, so that
    importing this module does not import requests."""
    import requests
    from requests.adapters import HTTPAdapter

    class PoliteAdapter(HTTPAdapter):
        def __init__(self, client: Client) -> None:
            super().__init__()
            self.client = client

        def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            retries = int(_float_env("STARTER_HTTP_RETRIES", RETRIES))
            backoff = _float_env("STARTER_HTTP_BACKOFF", 1.0)
            attempt = 0
            while True:
                if request.url.startswith((base_url("arxiv"), base_url("arxiv_eprint"))):
                    _arxiv_pace()
                self.client.network_requests += 1
                try:
                    response = super().send(request, **kwargs)
                except requests.exceptions.ReadTimeout:
                    raise  # it already cost the full wait: do not repeat it
                except (requests.exceptions.ConnectionError, requests.exceptions.Timeout):
                    if attempt >= retries:
                        raise
                    time.sleep(backoff * (2**attempt))
                    attempt += 1
                    continue
                if response.status_code not in RETRY_STATUSES or attempt >= retries:
                    return response
                delay = retry_delay(response.headers, attempt, backoff)
                if delay > MAX_RETRY_AFTER:
                    return response
                response.close()
                time.sleep(delay)
                attempt += 1

    return PoliteAdapter


def _arxiv_pace() -> None:
    """Wait until STARTER_ARXIV_INTERVAL (default 3 s) has passed since the last arXiv
    request of any starter process; the time lives in a file in the cache folder."""
    interval = _float_env("STARTER_ARXIV_INTERVAL", ARXIV_INTERVAL)
    if interval <= 0:
        return
    from filelock import FileLock

    from starter.config import cache_dir

    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "arxiv-last-request"
    with FileLock(str(stamp) + ".lock", timeout=interval * 10):
        try:
            last = float(stamp.read_text(encoding="ascii"))
        except (OSError, ValueError):
            last = 0.0
        wait = last + interval - time.time()
        if 0 < wait <= interval:
            time.sleep(wait)
        stamp.write_text(f"{time.time():.3f}", encoding="ascii")
