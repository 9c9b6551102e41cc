"""Under the HTTP session, where requests really go out: arXiv's pace, retries (never for a
refused connection or an unknown host), a body read within the request's deadline and up to
a byte limit, the session that keeps credentials from other hosts, and the deadline that a
whole request, retries and a server dripping one byte at a time included, cannot outlast."""

from __future__ import annotations

import email.utils
import os
import threading
import time
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

T = TypeVar("T")

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_RETRY_AFTER = 30.0  # seconds; a longer wait is reported instead of slept
ARXIV_INTERVAL = 3.0  # arXiv's terms: at most one request every 3 seconds
CHUNK = 64 * 1024
# Headers that carry a credential: requests drops Authorization when a redirect leaves the
# host it was sent to; starter's own keys go the same way.
CREDENTIAL_HEADERS = ("x-api-key",)


def float_env(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if value != value:
        from starter.errors import InputError

        raise InputError(f"{name}={raw[:40]!r} is not a number of seconds") from None
    return max(0.0, min(value, 1e9))


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


# ----------------------------------------------------------------------------- deadline


def run_with_deadline(call: Callable[[], T], deadline: float) -> T:
    """`call()` in a thread of its own, waited for until `deadline` (time.monotonic()):
    a request whose server drips its headers one byte at a time cannot hold the command
    past it. A thread still waiting then is left to end with the process (daemon)."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # handed over to the caller below
            box["error"] = exc

    thread = threading.Thread(target=target, name="starter-http", daemon=True)
    thread.start()
    thread.join(max(0.0, deadline - time.monotonic()))
    if thread.is_alive():
        raise deadline_passed()
    if "error" in box:
        raise box["error"]
    return box["value"]  # type: ignore[no-any-return]


@cache
def _errors() -> tuple[type, type]:
    import requests

    class DeadlinePassed(requests.exceptions.Timeout):
        """The request's total deadline passed (however the server paced its bytes)."""

    class TooLarge(requests.exceptions.RequestException):
        """The answer is larger than starter reads from a service."""

    return DeadlinePassed, TooLarge


def deadline_passed() -> Exception:
    return _errors()[0]()  # type: ignore[no-any-return]


def is_deadline(exc: BaseException) -> bool:
    return isinstance(exc, _errors()[0])


def is_too_large(exc: BaseException) -> bool:
    return isinstance(exc, _errors()[1])


def not_worth_retrying(exc: BaseException) -> bool:
    """A refused connection or a name that does not resolve: the network (or the service's
    address) is down, and asking again in a second will not change it."""
    import socket

    seen: set[int] = set()
    todo: list[Any] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, ConnectionRefusedError | socket.gaierror):
            return True
        name = type(item).__name__
        if name == "NameResolutionError" or "Connection refused" in str(item):
            return True
        todo += [getattr(item, "reason", None), item.__cause__, item.__context__]
        todo += [arg for arg in getattr(item, "args", ()) if isinstance(arg, BaseException)]
    return False


# ----------------------------------------------------------------------------- the session


@cache
def session_class(base: type) -> type:
    """The cached session, with credentials kept from any other host a redirect leads to."""

    class Session(base):  # type: ignore[misc, valid-type]
        def rebuild_auth(self, prepared_request: Any, response: Any) -> None:
            super().rebuild_auth(prepared_request, response)
            if self.should_strip_auth(response.request.url, prepared_request.url):
                for name in CREDENTIAL_HEADERS:
                    prepared_request.headers.pop(name, None)

    return Session


@cache
def adapter_class() -> type:
    """The transport adapter: only requests that really go out pass here (cache hits do not),
    so this is where arXiv's pace, the retries and the body's limits belong. Built on first
    use, so that importing this module does not import requests."""
    import requests
    from requests.adapters import HTTPAdapter

    class PoliteAdapter(HTTPAdapter):
        def __init__(self, arxiv_bases: tuple[str, ...], deadline: float, max_bytes: int) -> None:
            super().__init__()
            self.arxiv_bases, self.deadline, self.max_bytes = arxiv_bases, deadline, max_bytes

        def send(self, request: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            retries = int(float_env("STARTER_HTTP_RETRIES", 2))
            backoff = float_env("STARTER_HTTP_BACKOFF", 1.0)
            attempt = 0
            while True:
                if request.url.startswith(self.arxiv_bases):
                    _arxiv_pace()
                try:
                    response = super().send(request, **kwargs)
                except requests.exceptions.ReadTimeout:
                    raise  # it already cost the full wait: do not repeat it
                except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                    delay = backoff * (2**attempt)
                    if attempt >= retries or not_worth_retrying(exc) or self._past(delay):
                        raise
                    time.sleep(delay)
                    attempt += 1
                    continue
                if response.status_code in RETRY_STATUSES and attempt < retries:
                    delay = retry_delay(response.headers, attempt, backoff)
                    if delay <= MAX_RETRY_AFTER and not self._past(delay):
                        response.close()
                        time.sleep(delay)
                        attempt += 1
                        continue
                self._read(response)
                return response

        def _past(self, delay: float) -> bool:
            return time.monotonic() + delay > self.deadline

        def _read(self, response: Any) -> None:
            """The body, read here in chunks: never more than max_bytes, never past the
            deadline (a server sending one byte a second defeats the read timeout)."""
            chunks, size = [], 0
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > self.max_bytes:
                    response.close()
                    raise _errors()[1](f"more than {self.max_bytes / 1048576:g} MiB")
                chunks.append(chunk)
                if time.monotonic() > self.deadline:
                    response.close()
                    raise deadline_passed()
            response._content = b"".join(chunks)

    return PoliteAdapter


def _arxiv_pace() -> None:
    """Wait until STARTER_ARXIV_INTERVAL (default 3 s) has passed since the last arXiv
    request of any starter process; the time lives in a file in the cache folder."""
    interval = float_env("STARTER_ARXIV_INTERVAL", ARXIV_INTERVAL)
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
        if wait > 0:  # more than the interval: the clock went back; wait the interval
            time.sleep(min(wait, interval))
        stamp.write_text(f"{time.time():.3f}", encoding="ascii")
