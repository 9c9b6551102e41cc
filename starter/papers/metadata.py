"""Turn what the user typed (a card path, a catalog key or any paper identifier) into a
Paper, asking the metadata services when needed; and search them."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starter.errors import NotFoundError, StarterError
from starter.models import Paper
from starter.papers import catalog
from starter.papers.asking import SOURCE_NAMES, Tracker, fill_ins, lookup_deadline  # noqa: F401
from starter.papers.card import load_card, paper_from_dict, parse_card
from starter.papers.card_write import render_card
from starter.papers.identifiers import PaperRef, parse

CACHE_SECONDS = 7 * 24 * 3600  # as long as the HTTP cache keeps answers (http.CACHE_DAYS)


@dataclass(frozen=True)
class Lookup:
    """A resolved paper and how each source answered ("ok", "cached", "not found",
    "not cached", "failed: ..."); `warnings` say what could not be filled in."""

    paper: Paper
    ref: PaperRef
    sources: dict[str, str] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    in_catalog: bool = False
    fetched: Paper | None = None  # the merged answer of the services, before the catalog


def resolve(
    text: str,
    *,
    offline: bool = False,
    refresh: bool = False,
    on_warning: Callable[[str], None] | None = None,
) -> Paper:
    """The paper named by `text` (see identifiers.parse for the accepted forms).

    `on_warning` receives what could not be filled in (a fill-in service down, say); the
    command prints it (e.g. with starter.commands.render.warn), the core does not."""
    found = lookup(text, offline=offline, refresh=refresh)
    if on_warning:
        for message in found.warnings:
            on_warning(message)
    return found.paper


def lookup(
    text: str,
    *,
    offline: bool = False,
    refresh: bool = False,
    client: Any = None,
) -> Lookup:
    ref = parse(text)
    if ref.kind == "card":
        path = Path(ref.value).expanduser()
        if path.is_dir():
            path = path / "paper.toml"
        return Lookup(load_card(path), ref, {"card": "ok"})
    if ref.kind == "catalog":
        return Lookup(catalog.get(ref.value), ref, {"catalog": "ok"}, in_catalog=True)

    # Fast path: a paper fetched before is served from a small card file without importing
    # requests and requests-cache (~170 ms of imports, more than the whole command costs
    # otherwise). The HTTP cache stays the source of truth: `--refresh` skips this file and
    # an answer older than the HTTP cache's lifetime is fetched again when online.
    if not refresh:
        cached = _read_paper_cache(ref, max_age=None if offline else CACHE_SECONDS)
        if cached is not None:
            return cached

    owned = client is None
    if owned:
        from starter.config import settings
        from starter.papers.http import Client

        client = Client(
            offline=offline, refresh=refresh, mailto=settings().mailto, deadline=lookup_deadline()
        )
    try:
        result = _fetch(ref, client)
    finally:
        if owned:
            client.close()
    if all(v in ("ok", "cached", "not found") for v in result.sources.values()):
        _write_paper_cache(result)
    return result


# ----------------------------------------------------------------------------- fetching


def _fetch(ref: PaperRef, client: Any) -> Lookup:
    from starter.papers.merge import merge, with_catalog
    from starter.papers.sources import arxiv, crossref, doi, openalex, semanticscholar

    track = Tracker(client)
    records = []
    try:
        if ref.kind == "arxiv":
            primary = "arxiv"
            records.append(
                track.primary("arxiv", lambda: arxiv.lookup(client, ref.versioned, ref.label))
            )
        elif ref.kind == "doi":
            primary = "crossref"
            try:
                records.append(
                    track.primary("crossref", lambda: crossref.lookup(client, ref.value))
                )
            except NotFoundError:
                # Not a Crossref DOI (DataCite, mEDRA, ...): the resolver still knows it.
                track.sources["crossref"] = "not found"
                primary = "doi"
                try:
                    records.append(track.primary("doi", lambda: doi.lookup(client, ref.value)))
                except NotFoundError:
                    raise NotFoundError(
                        f"no paper with DOI {ref.value} on Crossref or the DOI resolver; "
                        "check the DOI"
                    ) from None
        elif ref.kind in ("s2", "corpus"):
            primary = "semanticscholar"
            ident = semanticscholar.paper_id(ref.kind, ref.value)
            records.append(
                track.primary("semanticscholar", lambda: semanticscholar.lookup(client, ident))
            )
        else:
            primary = "openalex"
            records.append(track.primary("openalex", lambda: openalex.lookup(client, ref.value)))
    except StarterError as exc:
        from starter.papers.http import NotCached

        fallback = _catalog_fallback(ref)
        if fallback is None:
            raise
        offline = isinstance(exc, NotCached)
        track.sources[_primary_name(ref)] = "not cached" if offline else f"failed: {exc.message}"
        missing = card_gaps(fallback)
        if offline and not missing:
            # --offline was asked for and the catalog card has all a repository needs.
            return Lookup(fallback, ref, track.sources, (), in_catalog=True)
        if offline:
            warning = (
                f"the catalog card has no {', '.join(missing)}; run without --offline once "
                "to fill it in"
            )
        else:
            warning = f"{exc.message}; showing the catalog card"
        return Lookup(fallback, ref, track.sources, (warning,), in_catalog=True)

    first = records[0]
    # Fill-ins, each only when it can add something; none of them can fail the command.
    # They are asked together; a second round asks those that only an answer of the
    # first round made possible (a DOI or an arXiv id the primary source did not give).
    asked: set[str] = set()
    for _ in range(2):
        calls = fill_ins(client, ref, primary, first, records, asked)
        for (source, _call), found in zip(calls, track.fill_all(calls), strict=True):
            asked.add(source)
            records += [found] if found else []
        if not calls:
            break
    fetched = merge(records, primary, track.warnings)
    paper, in_catalog = with_catalog(fetched)
    return Lookup(paper, ref, track.sources, tuple(track.warnings), in_catalog, fetched)


def card_gaps(paper: Paper) -> list[str]:
    """What a repository's README and citation use that `paper` lacks, and the services
    could fill in (the abstract is shown when known, never needed)."""
    gaps = [name for name in ("authors", "year") if not getattr(paper, name)]
    if not paper.venue.name:
        gaps.append("venue")
    if not (paper.doi or paper.arxiv_id or paper.url):
        gaps.append("DOI or arXiv id")
    return gaps


def _primary_name(ref: PaperRef) -> str:
    return {"arxiv": "arxiv", "doi": "crossref", "s2": "semanticscholar"}.get(
        ref.kind, "semanticscholar" if ref.kind == "corpus" else "openalex"
    )


def _catalog_fallback(ref: PaperRef) -> Paper | None:
    """The catalog card for an arXiv id or DOI, when the services cannot be asked."""
    if ref.kind == "arxiv":
        return catalog.find_by_id(arxiv_id=ref.value)
    if ref.kind == "doi":
        return catalog.find_by_id(doi=ref.value)
    return None


# ----------------------------------------------------------------------------- paper cache


def _cache_file(ref: PaperRef) -> Path:
    from starter.config import cache_dir

    return cache_dir() / "papers" / f"{ref.cache_name}.json"


def _read_paper_cache(ref: PaperRef, max_age: float | None) -> Lookup | None:
    path = _cache_file(ref)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        saved = float(data["saved"])
        # The card's parsed table when the entry has it (no TOML parser to import); the
        # validation runs on every read either way.
        table = data.get("table")
        paper = (
            paper_from_dict(table, str(path))
            if isinstance(table, dict)
            else parse_card(data["card"], str(path))
        )
        sources = {
            str(k): "not found" if v == "not found" else "cached"
            for k, v in data["sources"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, StarterError):
        return None  # no cache file, or one from another version: fetch again
    if max_age is not None and time.time() - saved > max_age:
        return None
    from starter.papers.merge import with_catalog

    # The catalog is applied on reading, so a newer catalog card wins over the cache.
    paper, in_catalog = with_catalog(paper)
    return Lookup(paper, ref, sources, (), in_catalog)


def _write_paper_cache(result: Lookup) -> None:
    from starter.fsutil import atomic_write_text

    if result.fetched is None:
        return
    # The services' answer, not the catalog card: the catalog is applied when reading.
    card = render_card(result.fetched)
    import tomllib

    table = tomllib.loads(card)  # the same table parse_card would read back, kept parsed
    data = {"saved": time.time(), "sources": result.sources, "card": card, "table": table}
    # A cache that cannot be written only costs speed next time.
    with contextlib.suppress(OSError):
        atomic_write_text(_cache_file(result.ref), json.dumps(data, ensure_ascii=False))


# ----------------------------------------------------------------------------- bibtex


def bibtex(result: Lookup, *, offline: bool = False, refresh: bool = False) -> str:
    """BibTeX for the paper: the DOI registry's entry when it has one that parses (by
    content negotiation, through the HTTP cache), else starter's own from the card."""
    from starter.papers.bibtex import paper_bibtex

    paper = result.paper
    if paper.doi:
        from starter.config import settings
        from starter.papers.http import Client
        from starter.papers.sources import doi as doi_source

        client = Client(offline=offline, refresh=refresh, mailto=settings().mailto)
        try:
            text = doi_source.bibtex(client, paper.doi)
        except StarterError:
            text = None  # offline and not cached, or the resolver is down: use our own
        finally:
            client.close()
        if text:
            return text
    return paper_bibtex(paper)


# ----------------------------------------------------------------------------- search


@dataclass(frozen=True)
class Candidate:
    """One search hit: enough to recognize the paper, and an identifier to pass on."""

    title: str
    authors: tuple[str, ...]
    year: int | None
    ref: str  # what to give `starter show` or `starter new`
    doi: str | None = None
    arxiv_id: str | None = None
    key: str | None = None  # catalog key
    found_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class SearchResult:
    candidates: tuple[Candidate, ...]
    sources: dict[str, str]
    warnings: tuple[str, ...] = ()


def search(
    query: str, *, offline: bool = False, refresh: bool = False, limit: int = 10
) -> SearchResult:
    """Candidates from the catalog, arXiv, Semantic Scholar and OpenAlex, duplicates joined."""
    from starter.errors import InputError

    if not query.strip():
        raise InputError("give some words to search for, e.g. `starter search attention`")
    found: list[Candidate] = [
        Candidate(p.title, p.authors, p.year, p.key, p.doi, p.arxiv_id, p.key, ("catalog",))
        for p in catalog.search(query)
    ]
    from starter.config import settings
    from starter.papers.http import Client
    from starter.papers.sources import arxiv, openalex, semanticscholar

    client = Client(
        offline=offline, refresh=refresh, mailto=settings().mailto, deadline=lookup_deadline()
    )
    track = Tracker(client)

    def arxiv_search() -> list[Any]:
        reply = arxiv.fetch_search(client, query, limit)
        if reply.status >= 400 or reply.is_html:
            from starter.errors import NetworkError

            raise NetworkError(f"arXiv answered {reply.status}; try again later")
        return arxiv.parse(reply.content)

    try:  # the three services are asked together
        answers = track.fill_all(
            [
                ("arxiv", arxiv_search),
                ("semanticscholar", lambda: semanticscholar.search(client, query, limit)),
                ("openalex", lambda: openalex.search(client, query, limit)),
            ]
        )
        for records in answers:
            for record in records or []:
                _add_candidate(found, record)
    finally:
        client.close()
    if offline and all(v == "not cached" for v in track.sources.values()) and not found:
        from starter.papers.http import NotCached

        raise NotCached(f"no search for {query!r} in the cache; run without --offline once")
    return SearchResult(tuple(found), track.sources, tuple(track.warnings))


def _add_candidate(found: list[Candidate], record: Any) -> None:
    from dataclasses import replace

    if not record.title:
        return
    doi = record.doi.lower() if record.doi else None
    for index, other in enumerate(found):
        same = (doi and other.doi and other.doi.lower() == doi) or (
            record.arxiv_id and other.arxiv_id == record.arxiv_id
        )
        if same:
            if record.source not in other.found_in:
                found[index] = replace(
                    other,
                    doi=other.doi or record.doi,
                    arxiv_id=other.arxiv_id or record.arxiv_id,
                    found_in=(*other.found_in, record.source),
                )
            return
    if record.arxiv_id:
        ref = record.arxiv_id
    elif record.doi:
        ref = f"doi:{record.doi}"
    elif record.ids.get("s2"):
        ref = record.ids["s2"]
    elif record.ids.get("openalex"):
        ref = record.ids["openalex"]
    else:
        return  # nothing to pass on to `starter show`
    found.append(
        Candidate(
            record.title,
            record.authors,
            record.year,
            ref,
            record.doi,
            record.arxiv_id,
            None,
            (record.source,),
        )
    )
