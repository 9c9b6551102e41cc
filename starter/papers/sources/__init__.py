"""What every metadata source returns (a Record) and the checks they share on answers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from starter.errors import NetworkError, NotFoundError
from starter.models import Venue


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
    except ValueError:
        raise NetworkError(
            f"{name} answered malformed JSON (status {reply.status}); try again later"
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


def clean_text(text: str | None) -> str | None:
    """Collapse whitespace (feeds wrap titles and abstracts); empty becomes None."""
    if text is None:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    return text or None


def strip_tags(text: str | None) -> str | None:
    """Text without markup (Crossref abstracts are JATS XML: <jats:p>...)."""
    if text is None:
        return None
    import html

    return clean_text(html.unescape(re.sub(r"<[^>]+>", " ", text)))


GITHUB_URL = re.compile(r"https?://(?:www\.)?github\.com/[\w.-]+/[\w.-]+", re.I)


def find_github_url(*texts: str | None) -> str | None:
    """The first GitHub repository URL in the texts (arXiv comments often give the code)."""
    for text in texts:
        if text and (match := GITHUB_URL.search(text)):
            return match.group(0).rstrip(".")
    return None


def year_of(date: str | None) -> int | None:
    """The year of an ISO date (`2017-06-12T17:57:34Z` -> 2017)."""
    if date and (match := re.match(r"(\d{4})", date)):
        return int(match[1])
    return None
