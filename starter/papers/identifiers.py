"""Turn what a user pastes (an arXiv id or URL, a DOI, a Semantic Scholar or OpenAlex id,
a catalog key or a paper-card path) into one PaperRef."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from starter.errors import InputError, NotFoundError

RefKind = Literal["arxiv", "doi", "s2", "corpus", "openalex", "catalog", "card"]

ACCEPTED_FORMS = (
    "an arXiv id (1706.03762, arXiv:1706.03762v7, hep-th/9901001) or URL, "
    "a DOI (10.1162/neco.1989.1.4.541, doi:..., https://doi.org/...), "
    "a Semantic Scholar id (40 hex digits, CorpusId:123) or URL, "
    "an OpenAlex id (W2741809807) or URL, a catalog key (see `starter catalog`) "
    "or a paper-card path (paper.toml)"
)

# New-style arXiv ids (2007 on): YYMM.NNNN until 2014, YYMM.NNNNN since 2015.
_ARXIV_NEW = re.compile(r"(?P<id>\d{2}(?:0[1-9]|1[0-2])\.\d{4,5})(?:v(?P<v>\d+))?", re.I)
# Old-style ids: archive(.SUBJECT-CLASS)/YYMMNNN, e.g. hep-th/9901001, math.GT/0309136.
_ARXIV_OLD = re.compile(
    r"(?P<id>(?P<archive>[a-z]+(?:-[a-z]+)*)(?P<cls>\.[a-z]{2})?/\d{2}(?:0[1-9]|1[0-2])\d{3})"
    r"(?:v(?P<v>\d+))?",
    re.I,
)
_DOI = re.compile(r"10\.\d{4,9}/\S+")
_ARXIV_DOI = re.compile(r"10\.48550/arxiv\.(?P<rest>.+)", re.I)
_S2_ID = re.compile(r"[0-9a-f]{40}", re.I)
_CORPUS = re.compile(r"corpus_?id:\s*(\d+)", re.I)
_OPENALEX = re.compile(r"w\d{4,12}", re.I)
_ARXIV_HOSTS = (
    "arxiv.org",
    "www.arxiv.org",
    "export.arxiv.org",
    "ar5iv.org",
    "ar5iv.labs.arxiv.org",
)
_DOI_HOSTS = ("doi.org", "dx.doi.org", "www.doi.org")
_S2_HOSTS = ("semanticscholar.org", "www.semanticscholar.org", "api.semanticscholar.org")
_OPENALEX_HOSTS = ("openalex.org", "api.openalex.org", "explore.openalex.org")


@dataclass(frozen=True)
class PaperRef:
    """One paper, however it was written: the kind of identifier and its normal form.

    Every form of the same paper compares equal: DOIs are lower-cased (they are
    case-insensitive), arXiv ids lose their prefix, URL and version (kept in `version`,
    which does not take part in comparisons)."""

    kind: RefKind
    value: str
    version: int | None = field(default=None, compare=False)

    @property
    def versioned(self) -> str:
        """The arXiv id with its version when one was given (`1706.03762v7`)."""
        return f"{self.value}v{self.version}" if self.version else self.value

    @property
    def label(self) -> str:
        """How messages name the paper: `arXiv:1706.03762`, `DOI 10.1109/5.726791`."""
        names = {
            "arxiv": f"arXiv:{self.versioned}",
            "doi": f"DOI {self.value}",
            "s2": f"Semantic Scholar paper {self.value}",
            "corpus": f"CorpusId:{self.value}",
            "openalex": f"OpenAlex work {self.value}",
            "catalog": f"catalog paper {self.value!r}",
            "card": f"paper card {self.value}",
        }
        return names[self.kind]

    @property
    def cache_name(self) -> str:
        """A file-name-safe name for this reference, used by the paper cache."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", self.versioned)
        return f"{self.kind}-{safe}"


def parse(text: str) -> PaperRef:
    """The reference `text` names; anything else is an InputError listing the accepted forms."""
    if not isinstance(text, str):
        raise InputError(f"expected text naming a paper; accepted: {ACCEPTED_FORMS}")
    raw = text.strip()
    if not raw:
        raise InputError(f"no paper given; give {ACCEPTED_FORMS}")
    if "\x00" in raw:
        raise InputError(f"{_show(raw)} is not a paper identifier; accepted: {ACCEPTED_FORMS}")

    if _is_card_path(raw, strict=True):
        return PaperRef("card", raw)
    ref = _parse_url(raw) if re.match(r"(?i)https?://|[a-z0-9.-]+\.(org|com)/", raw) else None
    if ref is None:
        ref = _parse_plain(raw)
    if ref is None and _is_catalog_key(raw):
        ref = PaperRef("catalog", raw)
    if ref is None and _is_card_path(raw, strict=False):
        ref = PaperRef("card", raw)
    if ref is None and re.fullmatch(r"(?i)(arxiv:\s*)?\d{4}\.\d+(v\d+)?", raw):
        raise InputError(
            f"{_show(raw)} is not a valid arXiv id; new-style ids look like 1706.03762 "
            "(YYMM.NNNNN, or YYMM.NNNN before 2015)"
        )
    if ref is None:
        _near_catalog_key(raw)
        raise InputError(f"{_show(raw)} is not a paper identifier; accepted: {ACCEPTED_FORMS}")
    return ref


def arxiv_ref(text: str) -> PaperRef | None:
    """The arXiv reference in `text` (a bare id, with or without `arXiv:` and version)."""
    text = re.sub(r"(?i)^arxiv:\s*", "", text.strip())
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.fullmatch(text)
        if match:
            version = int(match["v"]) if match["v"] else None
            ident = match["id"]
            if pattern is _ARXIV_NEW and not _new_style_length_ok(ident):
                return None
            if pattern is _ARXIV_OLD:
                # The archive is lower-case, the subject class upper-case: math.GT/0309136.
                archive, number = ident.split("/")
                name, _, cls = archive.partition(".")
                ident = f"{name.lower()}{'.' + cls.upper() if cls else ''}/{number}"
            return PaperRef("arxiv", ident, version)
    return None


def checked_arxiv_id(text: object) -> str | None:
    """An arXiv id taken from a service's answer, if it is one by the parser that reads the
    user's input (`1706.03762`, `hep-th/9901001`; a version is dropped), else None: an
    answer's identifier then goes into another service's request."""
    if not isinstance(text, str) or len(text) > 64:
        return None
    ref = arxiv_ref(text)
    return ref.value if ref else None


def checked_doi(text: object) -> str | None:
    """A DOI taken from a service's answer (a `doi:` or doi.org prefix dropped), if it is
    one by the user-input parser's rules and has no path step `.`/`..`, else None."""
    if not isinstance(text, str) or len(text) > 300:
        return None
    raw = re.sub(r"(?i)^(?:https?://(?:dx\.|www\.)?doi\.org/|doi:\s*)", "", text.strip())
    if not _DOI.fullmatch(raw) or any(part in (".", "..") for part in raw.split("/")):
        return None
    return raw


def _new_style_length_ok(ident: str) -> bool:
    """arXiv numbered 4 digits a month from 0704 to 1412, and 5 digits from 1501 on."""
    yymm, number = ident.split(".")
    return len(number) == (5 if int(yymm) >= 1501 else 4)


def doi_ref(text: str) -> PaperRef | None:
    """The reference for a DOI (`10.x/...`, `doi:` prefix allowed); arXiv's DOIs map to arXiv."""
    text = re.sub(r"(?i)^doi:\s*", "", text.strip())
    if not _DOI.fullmatch(text):
        return None
    arxiv_doi = _ARXIV_DOI.fullmatch(text)
    if arxiv_doi:
        return arxiv_ref(arxiv_doi["rest"])
    return PaperRef("doi", text.lower())


def _parse_plain(raw: str) -> PaperRef | None:
    ref = arxiv_ref(raw) or doi_ref(raw)
    if ref:
        return ref
    if _S2_ID.fullmatch(raw):
        return PaperRef("s2", raw.lower())
    if corpus := _CORPUS.fullmatch(raw):
        return PaperRef("corpus", str(int(corpus[1])))
    if _OPENALEX.fullmatch(raw):
        return PaperRef("openalex", raw.upper())
    return None


def _parse_url(raw: str) -> PaperRef | None:
    if not re.match(r"(?i)https?://", raw):
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    path = unquote(parts.path).strip("/")
    if host in _ARXIV_HOSTS:
        match = re.fullmatch(r"(?i)(?:abs|pdf|html|format|ps)/(.+?)(?:\.pdf)?", path)
        return arxiv_ref(match[1]) if match else None
    if host in _DOI_HOSTS:
        return doi_ref(path)
    if host in _S2_HOSTS:
        last = path.rsplit("/", 1)[-1]
        if _S2_ID.fullmatch(last):
            return PaperRef("s2", last.lower())
        if corpus := _CORPUS.fullmatch(last):
            return PaperRef("corpus", str(int(corpus[1])))
        if last.lower().startswith(("arxiv:", "doi:")):
            return arxiv_ref(last) or doi_ref(last)
        return None
    if host in _OPENALEX_HOSTS:
        last = path.rsplit("/", 1)[-1]
        return PaperRef("openalex", last.upper()) if _OPENALEX.fullmatch(last) else None
    return None


def _is_catalog_key(text: str) -> bool:
    if not re.fullmatch(r"[A-Za-z0-9][\w.-]{0,100}", text):
        return False
    from starter.papers import catalog

    try:
        return (catalog.papers_dir() / f"{text}.toml").is_file()
    except (OSError, ValueError):
        return False


def _near_catalog_key(text: str) -> None:
    """A word close to a catalog key is most likely a mistyped key: say which."""
    if not re.fullmatch(r"[A-Za-z][\w.-]{0,40}", text):
        return
    from starter.papers import catalog

    message = catalog.unknown_key_message(text)
    if "did you mean" in message:
        raise NotFoundError(message)


def _is_card_path(text: str, *, strict: bool) -> bool:
    """A paper card: `*.toml`, an existing file, or (when not strict) a folder holding one."""
    if strict and text.lower().endswith(".toml"):
        return True
    try:
        path = Path(text).expanduser()
        if strict:
            return path.is_file()
        return path.is_dir() and (path / "paper.toml").is_file()
    except (OSError, ValueError, RuntimeError):  # too long, undecodable, or no home folder
        return False


def _show(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:77] + "...")
