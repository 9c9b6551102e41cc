"""arXiv's API (Atom feeds): fetch by id or by search, and parse either feed layout."""

from __future__ import annotations

import re
from typing import Any
from xml.etree import ElementTree

from starter.errors import InputError, NetworkError, NotFoundError
from starter.models import Venue
from starter.papers.identifiers import checked_arxiv_id, checked_doi
from starter.papers.sources import Record, clean_text, find_github_url, year_of

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ID_IN_URL = re.compile(r"arxiv\.org/abs/(?P<id>.+?)(?:v(?P<v>\d+))?$")


def fetch(client: Any, ids: list[str]) -> Any:
    """The feed for these ids (each may carry a version: 1706.03762v7)."""
    from starter.papers.http import base_url

    params = {"id_list": ",".join(ids), "max_results": str(max(10, len(ids)))}
    return client.get("arxiv", base_url("arxiv"), params=params)


def fetch_search(client: Any, query: str, limit: int = 10) -> Any:
    """The feed of a search over all fields, best matches first."""
    from starter.papers.http import base_url

    words = " AND ".join(f"all:{w}" for w in re.findall(r"[\w-]+", query)) or "all:"
    params = {"search_query": words, "max_results": str(limit), "sortBy": "relevance"}
    return client.get("arxiv", base_url("arxiv"), params=params)


def parse(content: bytes | str) -> list[Record]:
    """The papers in an arXiv feed. An error feed (an entry titled "Error") is an InputError."""
    try:
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError:
        raise NetworkError("arXiv answered malformed XML; try again later") from None
    if root.tag != f"{{{NS['atom']}}}feed":
        raise NetworkError("arXiv answered something other than an Atom feed; try again later")
    records = []
    for entry in root.findall("atom:entry", NS):
        title = clean_text(entry.findtext("atom:title", None, NS))
        entry_id = entry.findtext("atom:id", "", NS) or ""
        if title == "Error" or "/api/errors" in entry_id:
            summary = clean_text(entry.findtext("atom:summary", "", NS)) or "invalid request"
            raise InputError(f"invalid arXiv id: arXiv says {summary!r}; check the id")
        records.append(_entry(entry))
    return records


def _entry(entry: Any) -> Record:
    text = lambda path: clean_text(entry.findtext(path, None, NS))  # noqa: E731
    entry_id = entry.findtext("atom:id", "", NS).strip()
    match = _ID_IN_URL.search(entry_id)
    arxiv_id = checked_arxiv_id(match["id"]) if match else None
    version = int(match["v"]) if match and match["v"] and arxiv_id else None
    authors, affiliations = [], []
    for author in entry.findall("atom:author", NS):
        name = clean_text(author.findtext("atom:name", None, NS))
        if name:
            authors.append(name)
            affiliations.append(
                [
                    a
                    for a in (clean_text(x.text) for x in author.findall("arxiv:affiliation", NS))
                    if a
                ]
            )
    pdf_url = None
    for link in entry.findall("atom:link", NS):
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            pdf_url = link.get("href")
    categories = [c.get("term") for c in entry.findall("atom:category", NS) if c.get("term")]
    primary = entry.find("arxiv:primary_category", NS)
    comment = text("arxiv:comment")
    abstract = text("atom:summary")
    journal_ref = text("arxiv:journal_ref")
    published = text("atom:published")
    return Record(
        source="arxiv",
        title=text("atom:title"),
        authors=tuple(authors),
        year=year_of(published),
        venue=Venue(name=journal_ref) if journal_ref else Venue(),
        doi=checked_doi(text("arxiv:doi")),
        arxiv_id=arxiv_id,
        abstract=abstract,
        code_url=find_github_url(comment, abstract),
        kind="preprint",
        extra={
            "version": version,
            "published": published,
            "updated": text("atom:updated"),
            "comment": comment,
            "journal_ref": journal_ref,
            "categories": categories,
            "primary_category": primary.get("term") if primary is not None else None,
            "pdf_url": pdf_url,
            "affiliations": affiliations,
        },
    )


def lookup(client: Any, arxiv_id: str, label: str) -> Record:
    """The one paper with this id; an empty answer is a NotFoundError."""
    records, missing = lookup_many(client, [arxiv_id])
    if missing or not records:
        raise NotFoundError(
            f"no paper {label} on arXiv; check the id (new-style ids look like 1706.03762)"
        )
    return records[0]


def lookup_many(client: Any, ids: list[str]) -> tuple[list[Record], list[str]]:
    """The papers for several ids, and the ids arXiv left out of its answer (it may drop
    a malformed id from a multi-id request without a word)."""
    reply = fetch(client, ids)
    if reply.status == 400:
        parse(reply.content)  # an error feed: raises InputError with arXiv's reason
    if reply.status >= 400:
        raise NetworkError(f"arXiv refused the request (status {reply.status}); check the id")
    if reply.is_html:
        raise NetworkError("arXiv answered an HTML page instead of a feed; try again later")
    records = parse(reply.content)
    return records, missing_ids(ids, records)


def missing_ids(requested: list[str], records: list[Record]) -> list[str]:
    """The requested ids (versioned or not) with no entry in the answer."""
    got = {r.arxiv_id for r in records} | {
        f"{r.arxiv_id}v{r.extra.get('version')}" for r in records
    }
    return [i for i in requested if i not in got]
