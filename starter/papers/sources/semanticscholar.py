"""Semantic Scholar's Graph API: a paper by DOI, arXiv id, CorpusId or paper id, and search."""

from __future__ import annotations

from typing import Any

from starter.models import Venue
from starter.papers.identifiers import checked_arxiv_id, checked_doi
from starter.papers.sources import Record, check_found, clean_link, clean_text, decode_json, parsed

FIELDS = "title,authors,year,venue,journal,externalIds,abstract,url,publicationDate"
SEARCH_FIELDS = "title,authors,year,venue,externalIds"


def paper_id(kind: str, value: str) -> str:
    """The API's id for a reference: DOI:..., ARXIV:..., CorpusId:..., or the paper id."""
    prefix = {"doi": "DOI:", "arxiv": "ARXIV:", "corpus": "CorpusId:"}.get(kind, "")
    return prefix + value


def fetch(client: Any, ident: str) -> Any:
    from starter.papers.http import base_url, path_segments

    url = f"{base_url('semanticscholar')}/paper/{path_segments(ident, safe=':')}"
    return client.get("semanticscholar", url, params={"fields": FIELDS})


def fetch_search(client: Any, query: str, limit: int = 10) -> Any:
    from starter.papers.http import base_url

    params = {"query": query, "limit": str(limit), "fields": SEARCH_FIELDS}
    return client.get(
        "semanticscholar", f"{base_url('semanticscholar')}/paper/search", params=params
    )


def lookup(client: Any, ident: str) -> Record:
    reply = fetch(client, ident)
    check_found(reply, "semanticscholar", f"paper {ident}", "check the id")
    return parsed("semanticscholar", parse, decode_json(reply, "semanticscholar"))


def search(client: Any, query: str, limit: int = 10) -> list[Record]:
    reply = fetch_search(client, query, limit)
    check_found(reply, "semanticscholar", f"search {query!r}", "try other words")
    data = decode_json(reply, "semanticscholar")
    items = data.get("data") if isinstance(data, dict) else None
    items = items if isinstance(items, list) else []
    return [parsed("semanticscholar", parse, item) for item in items if isinstance(item, dict)]


def parse(data: Any) -> Record:
    from starter.errors import NetworkError

    if not isinstance(data, dict) or not (data.get("title") or data.get("paperId")):
        raise NetworkError("Semantic Scholar answered JSON without a paper; try again later")
    external = data.get("externalIds")
    external = external if isinstance(external, dict) else {}
    journal = data.get("journal")
    journal = journal if isinstance(journal, dict) else {}
    authors = tuple(
        name
        for a in data.get("authors") or []
        if isinstance(a, dict) and (name := clean_text(a.get("name")))
    )
    venue_name = clean_text(journal.get("name"))
    if not venue_name or venue_name.lower() == "arxiv":
        # S2 names the preprint server as the journal of arXiv papers (with the arXiv id as
        # volume); its venue field is better, and the volume is not the venue's.
        venue_name = clean_text(data.get("venue")) or venue_name
        journal = {}
    ids = {"s2": data["paperId"]} if data.get("paperId") else {}
    if external.get("CorpusId") is not None:
        ids["corpus"] = str(external["CorpusId"])
    year = data.get("year")
    return Record(
        source="semanticscholar",
        title=clean_text(data.get("title")),
        authors=authors,
        year=year if isinstance(year, int) and not isinstance(year, bool) else None,
        venue=Venue(
            name=venue_name,
            volume=clean_text(journal.get("volume"), numbers=True),
            pages=clean_text(journal.get("pages"), numbers=True),
        ),
        doi=checked_doi(clean_text(external.get("DOI"))),
        arxiv_id=checked_arxiv_id(external.get("ArXiv")),
        url=clean_link(data.get("url")),
        abstract=clean_text(data.get("abstract")),
        ids=ids,
    )
