"""How to cite the reimplementation: a BibTeX entry made from the repository's CITATION.cff
(its title, authors, release date and URL), else from the paper and the git history."""

from __future__ import annotations

import re
from typing import Any

from starter.models import Paper

# CITATION.cff's top-level fields the entry uses, and the author fields.
FIELDS = ("title", "date-released", "repository-code", "url", "version")
AUTHOR_FIELDS = ("family-names", "given-names", "name", "name-particle")


def read_cff(text: str) -> dict[str, Any]:
    """The top-level FIELDS and `authors` of a CITATION.cff written in YAML's block style
    (as starter writes it and most people edit it). No YAML library for five fields: what
    this cannot read is left out, and the entry falls back on the paper and git."""
    found: dict[str, Any] = {}
    authors: list[dict[str, str]] = []
    in_authors = False
    for raw in text.splitlines():
        line = _uncomment(raw)
        if not line.strip():
            continue
        if not line.startswith((" ", "-")):  # a top-level key
            key, _, value = line.partition(":")
            in_authors = key.strip() == "authors" and not value.strip()
            if key.strip() in FIELDS and value.strip():
                found[key.strip()] = _scalar(value)
            continue
        if not in_authors:
            continue
        item = re.match(r"\s*-\s+(.*)", line)
        if item:
            authors.append({})
            line = item.group(1)
        if authors and ":" in line and (line.startswith((" ", "-")) or item):
            key, _, value = line.strip().partition(":")
            if key in AUTHOR_FIELDS and value.strip():
                authors[-1][key] = _scalar(value)
    names = [_author_name(a) for a in authors]
    found["authors"] = [n for n in names if n]
    return found


def _uncomment(line: str) -> str:
    """The line without a trailing `# comment` (a # inside quotes stays)."""
    quote = None
    for i, ch in enumerate(line):
        if ch in "\"'" and quote in (None, ch):
            quote = None if quote else ch
        elif ch == "#" and quote is None and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _scalar(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value


def _author_name(author: dict[str, str]) -> str:
    if author.get("name"):
        return author["name"]
    family = " ".join(p for p in (author.get("name-particle"), author.get("family-names")) if p)
    given = author.get("given-names", "")
    return f"{family}, {given}" if family and given else family


def reimplementation_bibtex(
    cff_text: str | None,
    paper: Paper,
    contributors: list[str],
    year: int,
    web_url: str | None,
) -> str:
    """A `@software` entry for the reimplementation: CITATION.cff's title, authors, year and
    URL where it gives them; else "Reimplementation of <paper>", the git contributors, the
    report's year and the repository's web page."""
    from starter.papers.bibtex import citation_key, software_bibtex

    cff = read_cff(cff_text) if cff_text else {}
    title = cff.get("title") or f"Reimplementation of {paper.title}"
    authors = cff.get("authors") or contributors or ["Unknown"]
    released = re.match(r"(\d{4})", str(cff.get("date-released", "")))
    when = int(released.group(1)) if released else year
    url = cff.get("repository-code") or cff.get("url") or web_url
    key = citation_key(Paper(key=paper.key, title=title, authors=tuple(authors), year=when))
    return software_bibtex(key, title=title, authors=list(authors), year=when, url=url)
