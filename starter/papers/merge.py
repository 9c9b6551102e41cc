"""One Paper from what several services say, by a fixed precedence per field; a catalog
paper keeps its curated card (and claims) and only gains what it lacks."""

from __future__ import annotations

import re
from dataclasses import replace

from starter.models import Paper, Venue
from starter.papers.sources import Record, find_github_url

# Precedence, first source that has the field wins. "primary" is the service that decided
# the paper exists (arXiv for arXiv ids, Crossref or the DOI resolver for DOIs, ...).
#  - title, authors: the primary source (the paper as the user named it), then the
#    publisher's record, then the preprint, then the indexes.
#  - year, venue, DOI: the published version (Crossref) over the preprint: a paper on arXiv
#    that appeared in a journal is cited by its journal; arXiv's journal_ref comes last.
#  - abstract: arXiv (the authors' own text), then the indexes; Crossref's is JATS markup
#    and often missing, so it comes last.
#  - code_url: Hugging Face's official link, then a GitHub URL in the arXiv comment or in
#    any abstract.
PRECEDENCE: dict[str, tuple[str, ...]] = {
    "title": ("primary", "crossref", "doi", "arxiv", "semanticscholar", "openalex"),
    "authors": ("primary", "crossref", "doi", "arxiv", "semanticscholar", "openalex"),
    "year": ("crossref", "doi", "primary", "semanticscholar", "openalex", "arxiv"),
    "venue": ("crossref", "doi", "semanticscholar", "openalex", "arxiv"),
    "doi": ("crossref", "doi", "arxiv", "semanticscholar", "openalex"),
    "arxiv_id": ("arxiv", "semanticscholar", "openalex", "huggingface"),
    "abstract": ("arxiv", "semanticscholar", "openalex", "crossref", "doi"),
    "code_url": ("huggingface", "arxiv"),
    "url": ("semanticscholar", "openalex", "crossref", "doi"),
}

# Venue names that only say "a preprint": not a venue worth citing over the published one.
_PREPRINT_VENUE = re.compile(r"(?i)^(arxiv|biorxiv|medrxiv|ssrn|corr)\b|arxiv \(cornell")


# The years a publication can carry: a service's year outside them (-5, 0, 99999) is an
# error of the service, left out with a warning, so that starter never writes a card it
# would then refuse. The oldest journals (1665) are well inside.
FIRST_YEAR = 1600


def plausible_year(year: object) -> bool:
    import time

    last = time.gmtime().tm_year + 1  # issues are dated ahead of their release
    return isinstance(year, int) and not isinstance(year, bool) and FIRST_YEAR <= year <= last


def merge(records: list[Record], primary: str, warnings: list[str] | None = None) -> Paper:
    """The merged paper; `records` holds at least the primary source's record. Values no
    paper can have (a year of -5) are left out, and said so in `warnings`."""
    from starter.papers.bibtex import citation_key
    from starter.papers.http import service_name

    checked = []
    for record in records:
        if record.year is not None and not plausible_year(record.year):
            shown = str(record.year) if abs(record.year) < 10**12 else "an absurd number"
            if warnings is not None:
                warnings.append(
                    f"{service_name(record.source)} gave the year {shown}, which no paper can "
                    "have; left it out"
                )
            record = replace(record, year=None)
        checked.append(record)
    records = checked
    by_source = {r.source: r for r in records}

    def pick(name: str, usable=bool) -> object:
        for source in PRECEDENCE[name]:
            record = by_source.get(primary if source == "primary" else source)
            if record is not None:
                value = getattr(record, name)
                if usable(value):
                    return value
        return None

    venue = pick("venue", lambda v: bool(v.name) and not _PREPRINT_VENUE.search(v.name))
    doi = pick("doi", lambda d: bool(d) and not d.lower().startswith("10.48550/"))
    arxiv_id = pick("arxiv_id")
    code_url = pick("code_url") or find_github_url(*(r.abstract for r in records))
    url = None if doi or arxiv_id else pick("url")
    paper = Paper(
        key="paper",
        title=pick("title") or "Untitled",  # type: ignore[arg-type]
        authors=pick("authors") or (),  # type: ignore[arg-type]
        year=pick("year"),  # type: ignore[arg-type]
        venue=venue or Venue(),  # type: ignore[arg-type]
        doi=doi,  # type: ignore[arg-type]
        arxiv_id=arxiv_id,  # type: ignore[arg-type]
        url=url,  # type: ignore[arg-type]
        abstract=pick("abstract"),  # type: ignore[arg-type]
        code_url=code_url,  # type: ignore[arg-type]
    )
    return replace(paper, key=citation_key(paper))


def with_catalog(paper: Paper) -> tuple[Paper, bool]:
    """The catalog paper with the same DOI or arXiv id, filled in from `paper`, if any."""
    from starter.papers import catalog

    known = catalog.find_by_id(doi=paper.doi, arxiv_id=paper.arxiv_id)
    if known is None:
        return paper, False
    return fill_gaps(known, paper), True


def fill_gaps(curated: Paper, fetched: Paper) -> Paper:
    """`curated` as it is, with its empty fields taken from `fetched` (claims stay curated)."""
    return replace(
        curated,
        authors=curated.authors or fetched.authors,
        year=curated.year or fetched.year,
        venue=curated.venue if curated.venue.name else fetched.venue,
        doi=curated.doi or fetched.doi,
        arxiv_id=curated.arxiv_id or fetched.arxiv_id,
        abstract=curated.abstract or fetched.abstract,
        code_url=curated.code_url or fetched.code_url,
    )
