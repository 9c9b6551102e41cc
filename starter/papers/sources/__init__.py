"""What every metadata source returns (a Record) and the checks they share on answers: every
text is cleaned of control characters here, where metadata enters starter, and an answer
of an unexpected shape is a NetworkError naming the service, never a crash."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starter.errors import NetworkError, NotFoundError
from starter.models import Venue
from starter.safetext import printable, safe_link

T = TypeVar("T")


@dataclass(frozen=True)
class Record:
    """What one service says about one paper; merge.py combines records into a Paper."""

    source: str  # "arxiv", "crossref", "doi", "semanticscholar", "openalex", "huggingface"
    title: str | None = None
    authors: tuple[str, ...] = ()  # display names, "Given Family", in paper order
    families: tuple[str, ...] = ()  # family names, same order, when the service gives them
    year: int | None = None
    venue: Venue = field(default_factory=Venue)
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    abstract: str | None = None
    code_url: str | None = None
    project_url: str | None = None
    publisher: str | None = None
    kind: str | None = None  # journal-article, proceedings-article, preprint, ...
    ids: dict[str, str] = field(default_factory=dict)  # s2, corpus, openalex, ...
    extra: dict[str, Any] = field(default_factory=dict)  # comment, journal_ref, categories...


def decode_json(reply: Any, service: str) -> Any:
    """The JSON body of `reply`, or a NetworkError saying what came instead."""
    from starter.papers.http import service_name

    name = service_name(service)
    if reply.is_html:
        raise NetworkError(
            f"{name} answered an HTML page where JSON was expected (status {reply.status}); "
            "the service may be down or its address wrong; try again later"
        )
    try:
        return json.loads(reply.text)
    except (ValueError, RecursionError):  # RecursionError: nested thousands of levels deep
        raise NetworkError(
            f"{name} answered malformed JSON (status {reply.status}); try again later"
        ) from None


def parsed(service: str, parse: Callable[[object], T], data: object) -> T:
    """`parse(data)`, with an answer of a shape the parser does not expect (a number where
    text belongs, a list for a table) turned into a NetworkError naming the service."""
    from starter.papers.http import service_name

    try:
        return parse(data)
    except (TypeError, AttributeError, KeyError, IndexError, ValueError, RecursionError):
        raise NetworkError(
            f"{service_name(service)} answered a record of an unexpected shape; try again later"
        ) from None


def check_found(reply: Any, service: str, what: str, hint: str) -> None:
    """404 (JSON or HTML) means the paper is unknown to this service."""
    from starter.papers.http import service_name

    if reply.status == 404 or reply.status == 410:
        raise NotFoundError(f"no {what} on {service_name(service)}; {hint}")
    if reply.status >= 400:
        raise NetworkError(
            f"{service_name(service)} refused the request for {what} (status {reply.status}); "
            "check the identifier, or try again later"
        )


def clean_text(text: object, numbers: bool = False) -> str | None:
    """Collapse whitespace (feeds wrap titles and abstracts) and drop control characters
    (terminal escapes); empty becomes None; with `numbers` (a volume, a page) a number
    becomes its text. Anything else is a TypeError, which `parsed` reports as a malformed
    answer."""
    if text is None:
        return None
    if numbers and isinstance(text, int | float) and not isinstance(text, bool):
        text = str(text)
    if not isinstance(text, str):
        raise TypeError(f"expected text, got {type(text).__name__}")
    text = re.sub(r"\s+", " ", printable(text, keep="")).strip()
    return text or None


def clean_link(text: object) -> str | None:
    """An http(s) link from an answer, or None (a `javascript:` link is not one)."""
    return safe_link(clean_text(text))


def strip_tags(text: str | None) -> str | None:
    """Text without markup (Crossref abstracts are JATS XML: <jats:p>...), in linear time
    whatever the text (a tag never closed is no tag)."""
    if text is None:
        return None
    import html

    return clean_text(html.unescape(re.sub(r"<[^<>]*>", " ", text)))


GITHUB_URL = re.compile(r"https?://(?:www\.)?github\.com/[\w.-]+/[\w.-]+", re.I)


def find_github_url(*texts: str | None) -> str | None:
    """The first GitHub repository URL in the texts (arXiv comments often give the code)."""
    for text in texts:
        if text and (match := GITHUB_URL.search(text)):
            return match.group(0).rstrip(".")
    return None


def year_of(date: object) -> int | None:
    """The year of an ISO date (`2017-06-12T17:57:34Z` -> 2017)."""
    if isinstance(date, str) and (match := re.match(r"(\d{4})", date)):
        return int(match[1])
    return None
