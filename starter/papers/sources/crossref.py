"""Crossref's works API (`/works/{doi}`), and the CSL-JSON it shares with DOI negotiation."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from starter.models import Venue
from starter.papers.identifiers import checked_doi
from starter.papers.sources import (
    Record,
    check_found,
    clean_link,
    clean_text,
    decode_json,
    parsed,
    strip_tags,
)


def fetch(client: Any, doi: str) -> Any:
    """The works record of a DOI (URL-encoded: SICI DOIs hold `<`, `>`, `;` and `#`)."""
    from starter.papers.http import base_url

    return client.get("crossref", f"{base_url('crossref')}/works/{quote(doi, safe='')}")


def lookup(client: Any, doi: str) -> Record:
    reply = fetch(client, doi)
    check_found(reply, "crossref", f"DOI {doi}", "check the DOI")
    return parsed("crossref", parse, decode_json(reply, "crossref"))


def parse(data: Any) -> Record:
    """A Record from Crossref's answer ({"message": {...}}) or from bare CSL-JSON."""
    from starter.errors import NetworkError

    message = data.get("message", data) if isinstance(data, dict) else None
    if not isinstance(message, dict):
        raise NetworkError("Crossref answered JSON without a work record; try again later")
    return parse_work(message, source="crossref")


def parse_work(work: dict[str, Any], source: str) -> Record:
    title = _first(work.get("title"))
    subtitle = _first(work.get("subtitle"))
    if title and subtitle and subtitle.lower() not in title.lower():
        title = f"{title.rstrip(':')}: {subtitle}"
    authors, families = [], []
    for person in work.get("author") or []:
        if not isinstance(person, dict):
            continue
        name, family = _person(person)
        if name:
            authors.append(name)
            families.append(family or name.split()[-1])
    pages = clean_text(_text(work.get("page"))) or clean_text(_text(work.get("article-number")))
    container = _container(work)
    return Record(
        source=source,
        title=strip_tags(title),
        authors=tuple(authors),
        families=tuple(families),
        year=_year(work),
        venue=Venue(
            name=clean_text(container),
            volume=clean_text(_text(work.get("volume"))),
            number=clean_text(_text(work.get("issue"))),
            pages=pages,
        ),
        doi=checked_doi(clean_text(_text(work.get("DOI")))),
        url=clean_link(_text(work.get("URL"))),
        abstract=strip_tags(_text(work.get("abstract"))),
        publisher=clean_text(_text(work.get("publisher"))),
        kind=clean_text(_text(work.get("type"))),
    )


def _container(work: dict[str, Any]) -> str | None:
    """The journal's or proceedings' full name: Crossref may list an abbreviation with it
    (`["ApJ", "The Astrophysical Journal"]`), and names the abbreviations apart in
    `short-container-title`; the longest of the names that are no abbreviation wins."""
    names = _texts(work.get("container-title"))
    short = {n.lower() for n in _texts(work.get("short-container-title"))}
    full = [n for n in names if n.lower() not in short] or names
    return clean_text(max(full, key=len)) if full else None


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, str) and v.strip()]


def _person(person: dict[str, Any]) -> tuple[str | None, str | None]:
    """("Given Family", "Family"); particles stay with the family name ("Del Maestro")."""
    given = clean_text(_text(person.get("given")))
    family = clean_text(_text(person.get("family")))
    particle = clean_text(_text(person.get("non-dropping-particle")))
    if particle and family and not family.lower().startswith(particle.lower()):
        family = f"{particle} {family}"
    dropping = clean_text(_text(person.get("dropping-particle")))
    if family:
        parts = [given, dropping, family]
        return " ".join(p for p in parts if p), family
    literal = clean_text(_text(person.get("name") or person.get("literal")))
    return literal, None


def _year(work: dict[str, Any]) -> int | None:
    """The first year among issued, published-print, published-online, created."""
    for name in ("issued", "published", "published-print", "published-online", "created"):
        parts = (
            (work.get(name) or {}).get("date-parts") if isinstance(work.get(name), dict) else None
        )
        if parts and isinstance(parts, list) and parts[0] and isinstance(parts[0], list):
            year = parts[0][0]
            if isinstance(year, int) and not isinstance(year, bool):
                return year
            if isinstance(year, str) and year.isdigit():
                return int(year)
    return None


def _first(value: Any) -> str | None:
    """Crossref gives titles as lists (maybe empty); CSL-JSON as strings."""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), None)
    return clean_text(value) if isinstance(value, str) else None


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float | str):
        return str(value)
    return None
