"""OpenAlex's works API: a work by W-id or DOI, search, and the abstract rebuilt from its
inverted index."""

from __future__ import annotations

from typing import Any

from starter.models import Venue
from starter.papers.identifiers import checked_doi
from starter.papers.sources import Record, check_found, clean_link, clean_text, decode_json, parsed


def work_id(kind: str, value: str) -> str:
    """The API's id for a reference: W123..., or the DOI as a doi.org URL."""
    return f"https://doi.org/{value}" if kind == "doi" else value


def fetch(client: Any, ident: str) -> Any:
    from starter.papers.http import base_url, path_segments

    return client.get("openalex", f"{base_url('openalex')}/works/{path_segments(ident, safe=':')}")


def fetch_search(client: Any, query: str, limit: int = 10) -> Any:
    from starter.papers.http import base_url

    params = {"search": query, "per-page": str(limit)}
    return client.get("openalex", f"{base_url('openalex')}/works", params=params)


def lookup(client: Any, ident: str) -> Record:
    reply = fetch(client, ident)
    check_found(reply, "openalex", f"work {ident}", "check the id")
    return parsed("openalex", parse, decode_json(reply, "openalex"))


def search(client: Any, query: str, limit: int = 10) -> list[Record]:
    reply = fetch_search(client, query, limit)
    check_found(reply, "openalex", f"search {query!r}", "try other words")
    data = decode_json(reply, "openalex")
    items = data.get("results") if isinstance(data, dict) else None
    items = items if isinstance(items, list) else []
    return [parsed("openalex", parse, item) for item in items if isinstance(item, dict)]


def parse(data: Any) -> Record:
    from starter.errors import NetworkError

    if not isinstance(data, dict) or not (data.get("id") or data.get("title")):
        raise NetworkError("OpenAlex answered JSON without a work; try again later")
    authors = []
    for authorship in data.get("authorships") or []:
        author = authorship.get("author") if isinstance(authorship, dict) else None
        name = clean_text(author.get("display_name")) if isinstance(author, dict) else None
        if name:
            authors.append(name)
    location = data.get("primary_location")
    location = location if isinstance(location, dict) else {}
    source = location.get("source")
    source = source if isinstance(source, dict) else {}
    biblio = data.get("biblio")
    biblio = biblio if isinstance(biblio, dict) else {}
    first = clean_text(biblio.get("first_page"), numbers=True)
    last = clean_text(biblio.get("last_page"), numbers=True)
    pages = f"{first}-{last}" if first and last and first != last else first
    doi = checked_doi(clean_text(data.get("doi")))
    year = data.get("publication_year")
    ident = clean_text(data.get("id"))
    return Record(
        source="openalex",
        title=clean_text(data.get("title") or data.get("display_name")),
        authors=tuple(authors),
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
        venue=Venue(
            name=clean_text(source.get("display_name")),
            volume=clean_text(biblio.get("volume"), numbers=True),
            number=clean_text(biblio.get("issue"), numbers=True),
            pages=clean_text(pages, numbers=True),
        ),
        doi=doi,
        arxiv_id=_arxiv_id(data),
        url=clean_link(location.get("landing_page_url")),
        abstract=rebuild_abstract(data.get("abstract_inverted_index")),
        kind=clean_text(data.get("type")),
        ids={"openalex": ident.rsplit("/", 1)[-1]} if ident else {},
    )


def rebuild_abstract(index: Any) -> str | None:
    """The abstract from {word: [positions]} (OpenAlex does not ship the plain text)."""
    if not isinstance(index, dict) or not index:
        return None
    slots: dict[int, str] = {}
    for word, positions in index.items():
        for position in positions if isinstance(positions, list) else []:
            if isinstance(position, int) and 0 <= position < 1_000_000:
                slots[position] = str(word)
    return clean_text(" ".join(slots[i] for i in sorted(slots)))


def _arxiv_id(data: dict[str, Any]) -> str | None:
    """An arXiv id from a location on arxiv.org, when OpenAlex lists one."""
    from starter.papers.identifiers import arxiv_ref

    for location in data.get("locations") or []:
        url = location.get("landing_page_url") if isinstance(location, dict) else None
        if isinstance(url, str) and "arxiv.org/abs/" in url:
            ref = arxiv_ref(url.split("arxiv.org/abs/", 1)[1])
            if ref:
                return ref.value
    return None
