"""A paper's BibTeX entry, and the name and venue rules that its citations share."""

from __future__ import annotations

import re
import unicodedata

from starter.models import Paper

# Lower-case words that belong to the family name: "Ludwig van Beethoven" -> "van Beethoven".
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "la"})
_TITLE_STOPWORDS = frozenset(
    {"a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "via", "by", "at", "from"}
)
# Characters LaTeX reads as commands; written escaped so the entry compiles as printed.
_LATEX_SPECIALS = {"&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_"}


def split_name(name: str) -> tuple[str, str]:
    """`(given, family)`: "Yann LeCun" -> ("Yann", "LeCun"); "Hinton, Geoffrey E." too."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return given.strip(), family.strip()
    words = name.split(" ")
    if len(words) == 1:
        return "", words[0]
    start = len(words) - 1
    while start > 1 and words[start - 1].lower() in _PARTICLES:
        start -= 1
    return " ".join(words[:start]), " ".join(words[start:])


def venue_kind(paper: Paper) -> str:
    """`article`, `inproceedings`, `book` or `misc`, guessed from the venue's name."""
    name = (paper.venue.name or "").lower()
    if not name:
        return "misc"
    if any(word in name for word in ("report", "preprint", "arxiv", "thesis", "blog")):
        return "misc"
    # Journals whose names begin like proceedings.
    if re.match(r"proceedings of the (ieee|national academy|royal society)\b", name) and not any(
        word in name for word in ("conference", "symposium", "workshop")
    ):
        return "article"
    if any(
        word in name
        for word in (
            "proceedings",
            "conference",
            "symposium",
            "workshop",
            "advances in neural information processing",
            "nips",
            "neurips",
            "iclr",
            "icml",
        )
    ):
        return "inproceedings"
    if "book" in name or re.search(r"\bpress\b", name) or "publisher" in name:
        return "book"
    return "article"


def citation_key(paper: Paper) -> str:
    """`lecun1989backpropagation`: first author's family name, year, first title word."""
    family = _ascii_word(split_name(paper.authors[0])[1]) if paper.authors else ""
    words = [_ascii_word(w) for w in re.split(r"[\s\-/:]+", paper.title)]
    first = next((w for w in words if w and w not in _TITLE_STOPWORDS), "")
    key = f"{family}{paper.year or ''}{first}"
    return key or _ascii_word(paper.key) or "paper"


def _ascii_word(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]", "", folded.lower())


def paper_bibtex(paper: Paper) -> str:
    """A BibTeX entry for `paper`, unicode kept (biber and bibtexparser read it as is)."""
    kind = venue_kind(paper)
    venue = paper.venue
    fields: list[tuple[str, str]] = []
    if paper.authors:
        fields.append(("author", " and ".join(_bibtex_name(a) for a in paper.authors)))
    fields.append(("title", _protect_capitals(_clean(paper.title))))
    if venue.name:
        place = {
            "article": "journal",
            "inproceedings": "booktitle",
            "book": "publisher",
            "misc": "howpublished",
        }[kind]
        fields.append((place, _clean(venue.name)))
    for name, value in (("volume", venue.volume), ("number", venue.number)):
        if value:
            fields.append((name, _clean(value)))
    if venue.pages:
        fields.append(("pages", re.sub(r"\s*[-–—]+\s*", "--", _clean(venue.pages))))
    if paper.year:
        fields.append(("year", str(paper.year)))
    if paper.doi:
        fields.append(("doi", _clean(paper.doi)))
    if paper.arxiv_id:
        fields.append(("eprint", _clean(paper.arxiv_id)))
        fields.append(("archivePrefix", "arXiv"))
    if paper.url:
        fields.append(("url", _clean(paper.url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{citation_key(paper)},\n{body}\n}}\n"


def software_bibtex(
    key: str, *, title: str, authors: list[str], year: int, url: str | None = None
) -> str:
    """A `@software` entry for a reimplementation (biblatex's type; BibTeX reads it as misc)."""
    fields = [
        ("author", " and ".join(_bibtex_name(a) for a in authors)),
        ("title", _protect_capitals(_clean(title))),
        ("year", str(year)),
    ]
    if url:
        fields.append(("url", _clean(url)))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@software{{{key},\n{body}\n}}\n"


def _bibtex_name(name: str) -> str:
    given, family = split_name(_clean(name))
    return f"{family}, {given}" if given else f"{{{family}}}"


def _clean(text: str) -> str:
    """One line, braces dropped (an unbalanced one would end the field) and specials escaped."""
    text = " ".join(text.replace("{", "").replace("}", "").split())
    text = text.replace("\\", "")
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)


def _protect_capitals(title: str) -> str:
    """Brace words whose capitals must survive a style's lower-casing: `{LeNet}`, `{MNIST}`."""

    def protect(match: re.Match[str]) -> str:
        word = match.group(0)
        return f"{{{word}}}" if any(ch.isupper() for ch in word[1:]) else word

    # Words never start with "_": it follows the backslash of an escaped `\_`.
    return re.sub(r"[^\W_](?:[^\W_]|['’.-])*", protect, title)
