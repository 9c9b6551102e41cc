"""What a template is rendered with: the context built from the paper card and the answers."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from starter import __version__
from starter.models import Paper, slugify

RESULTS_BEGIN = "<!-- starter:results:begin -->"
RESULTS_END = "<!-- starter:results:end -->"


def build_context(
    paper: Paper,
    *,
    package: str,
    project: str,
    author: str,
    email: str | None,
    license_id: str,
    template_defaults: dict[str, Any],
    year: int | None = None,
    require: str | None = None,
) -> dict[str, Any]:
    """Everything a template may use; the README lists it under "Templates". `starter update`
    passes the year and the choices recorded at `new`, so a later render gives the same."""
    from markupsafe import Markup

    from starter.papers.bibtex import (
        citation_key,
        paper_bibtex,
        software_bibtex,
        split_name,
        venue_kind,
    )

    year = year or _dt.date.today().year
    given, family = split_name(author)
    # Drafts (`--extract`) wait in paper.toml for review; the README lists reviewed claims.
    claims = [c for c in paper.claims if c.confidence != "draft"]
    measured = [c for c in claims if c.value is not None and c.direction is not None]
    context: dict[str, Any] = {
        **template_defaults,
        "paper": paper,
        "claims": claims,
        "central_claims": [c for c in claims if c.central],
        "measured_claims": measured,
        "datasets": sorted({c.dataset for c in claims if c.dataset}),
        "cite_as": f"{paper.short_authors()} ({paper.year})"
        if paper.year
        else paper.short_authors(),
        "authors_text": _authors_text(paper.authors),
        "venue_text": paper.venue.citation(),
        "venue_kind": venue_kind(paper),
        "author": author,
        "author_given": given,
        "author_family": family,
        "paper_authors_split": [split_name(a) for a in paper.authors],
        "email": email,
        "year": year,
        "license": license_id,
        "require": require or "",
        "package": package,
        "project": project,
        "starter_version": __version__,
        "bibtex": paper_bibtex(paper).rstrip("\n"),
        "bibtex_key": citation_key(paper),
        # Markup: the markers are HTML comments on purpose (Markdown escapes the rest).
        "results_begin": Markup(RESULTS_BEGIN),
        "results_end": Markup(RESULTS_END),
        "cff": _cff_reference(paper),
    }
    context["license_text"] = license_text(license_id, year=year, holder=author)
    context["software_bibtex"] = software_bibtex(
        f"{_ascii(family) or project.replace('-', '')}{year}{package.replace('_', '')}",
        title=f"{project}: a reimplementation of {paper.title}",
        authors=[author],
        year=year,
    ).rstrip("\n")
    # The CFF schema checks e-mail addresses against a pattern; one it refuses is left out.
    context["cff_email"] = email if email and re.fullmatch(r"\S+@\S+\.\S{2,}", email) else None
    return context


def _ascii(text: str) -> str:
    return slugify(text, "")


def _authors_text(authors: tuple[str, ...]) -> str:
    if len(authors) <= 2:
        return " and ".join(authors)
    return ", ".join(authors[:-1]) + ", and " + authors[-1]


def _cff_reference(paper: Paper) -> dict[str, Any]:
    """The original paper's fields as CITATION.cff (1.2.0) wants them; unknown ones left out."""
    from starter.papers.bibtex import venue_kind

    kind = venue_kind(paper)
    ref: dict[str, Any] = {
        "type": {"article": "article", "inproceedings": "conference-paper", "book": "book"}.get(
            kind, "generic"
        )
    }
    venue = paper.venue
    if venue.name:
        ref[
            {"article": "journal", "inproceedings": "conference", "book": "publisher"}.get(
                kind, "collection-title"
            )
        ] = venue.name
    if venue.volume:
        ref["volume"] = int(venue.volume) if venue.volume.isdigit() else venue.volume
    if venue.number:
        ref["issue"] = venue.number
    if venue.pages:
        pages = re.split(r"\s*[-–—]+\s*", venue.pages.strip(), maxsplit=1)
        if pages[0]:
            ref["start"] = pages[0]
        if len(pages) > 1 and pages[1]:
            ref["end"] = pages[1]
    # The CFF schema only takes a DOI of its own pattern and http(s) URLs.
    if paper.doi and re.fullmatch(r"10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-.()\[\]\\]+", paper.doi):
        ref["doi"] = paper.doi
    link = paper.url or (f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else None)
    if link and re.match(r"(https?|ftp)://.", link):
        ref["url"] = link
    return ref


def license_text(license_id: str, *, year: int, holder: str) -> str:
    from starter.resources import templates_dir

    text = (templates_dir() / "licenses" / f"{license_id}.txt").read_text(encoding="utf-8")
    return text.replace("{{ year }}", str(year)).replace("{{ holder }}", holder)
