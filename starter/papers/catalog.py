"""The built-in catalog: one paper card per paper in `papers/`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from starter.errors import NotFoundError
from starter.models import Paper
from starter.papers.card import load_card
from starter.resources import papers_dir


def card_paths() -> list[Path]:
    return sorted(papers_dir().glob("*.toml"))


@cache
def papers() -> tuple[Paper, ...]:
    """Every catalog paper, in key order."""
    return tuple(load_card(path) for path in card_paths())


def keys() -> list[str]:
    return [path.stem for path in card_paths()]


def get(key: str) -> Paper:
    """The catalog paper with this key; an unknown key suggests close ones."""
    path = papers_dir() / f"{key}.toml"
    if key and "/" not in key and path.is_file():
        return load_card(path)
    raise NotFoundError(unknown_key_message(key))


def unknown_key_message(key: str) -> str:
    import difflib

    known = keys()
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=3, cutoff=0.5)
    close += [k for k in lowered if key and key.lower() in k and k not in close]
    hint = (
        f"did you mean {', '.join(lowered[c] for c in close[:3])}?"
        if close
        else "see `starter catalog` for the keys"
    )
    return f"no paper {key!r} in the catalog; {hint}"


def find_by_id(doi: str | None = None, arxiv_id: str | None = None) -> Paper | None:
    """The catalog paper with this DOI (any case) or arXiv id (any version), if there is one."""
    bare_arxiv = arxiv_id.split("v")[0] if arxiv_id and "/" not in arxiv_id else arxiv_id
    for path, card_doi, card_arxiv in _ids():
        if (doi and card_doi and card_doi.lower() == doi.lower()) or (
            bare_arxiv and card_arxiv == bare_arxiv
        ):
            return load_card(path)
    return None


_ID_LINE = re.compile(r'^(doi|arxiv_id) = ("[^"\\\n]*")$', re.M)


@cache
def _ids() -> tuple[tuple[Path, str | None, str | None], ...]:
    """(card, doi, arxiv_id) of every catalog card, read from the [paper] table's lines
    (render_card writes one `key = "value"` a line) instead of parsing 17 cards: a cached
    `starter show` of any paper asks whether it is a catalog paper, and parsing them all
    would cost it ~30 ms."""
    found = []
    for path in card_paths():
        head = path.read_text(encoding="utf-8").split("\n[[claims]]", 1)[0]
        ids = {name: json.loads(value) for name, value in _ID_LINE.findall(head)}
        found.append((path, ids.get("doi"), ids.get("arxiv_id")))
    return tuple(found)


def search(query: str | None) -> Iterator[Paper]:
    """Catalog papers whose key, title, authors, venue or year hold every word of `query`."""
    words = (query or "").lower().split()
    for paper in papers():
        haystack = " ".join(
            [
                paper.key,
                paper.title,
                " ".join(paper.authors),
                paper.venue.name or "",
                str(paper.year or ""),
            ]
        ).lower()
        if all(word in haystack for word in words):
            yield paper
