"""Small frozen values shared by every part of starter: papers, claims, runs, statuses."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, fields
from typing import Any, Literal, NamedTuple

from starter.safetext import safe_link

Direction = Literal["higher", "lower"]
AggregationKind = Literal["single", "best", "mean"]
# Where a claim's target comes from: the paper itself (the default), another paper, or the
# evaluation of released weights logged as `--kind checkpoint` runs.
Target = Literal["paper", "other paper", "checkpoint"]
TARGETS: tuple[str, ...] = ("paper", "other paper", "checkpoint")
ClaimValue = float | int | tuple[float, float] | None

CARD_SCHEMA = 1

# The largest size of a number starter takes (a result, a claim's value, a tolerance, a
# spread, a count): far beyond any metric, and small enough that the verdict's squares and
# sums stay finite. Non-finite numbers (inf, NaN) are never taken.
MAX_MAGNITUDE = 1e100


def number_problem(value: object) -> str | None:
    """Why `value` is not a number starter takes, or None: "not a number", "not a finite
    number" or "out of range (...)"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "not a number"
    if (isinstance(value, float) and value != value) or value in (math.inf, -math.inf):
        return "not a finite number"
    if not -MAX_MAGNITUDE <= value <= MAX_MAGNITUDE:
        return "out of range (starter takes numbers up to 1e100 in size)"
    return None


def shorten(text: str, limit: int = 60) -> str:
    """`text` cut to `limit` characters for a message (a 100,000-character value is not
    echoed whole)."""
    return text if len(text) <= limit else f"{text[: limit - 13]}... ({len(text):,} chars)"


# The three small values below are NamedTuples, the two large ones dataclasses: every
# command that reads a card defines them, and a dataclass costs about a millisecond to
# define (its methods are compiled from source at import), a NamedTuple a tenth of that.


class Venue(NamedTuple):
    """Where the paper was published."""

    name: str | None = None
    volume: str | None = None
    number: str | None = None
    pages: str | None = None

    def citation(self) -> str:
        """`Neural Computation 1(4):541-551`, or as much of it as is known."""
        text = self.name or ""
        if self.volume:
            text += f" {self.volume}"
            if self.number:
                text += f"({self.number})"
        if self.pages:
            text += f":{self.pages}" if self.volume else f", pp. {self.pages}"
        return text.strip()


class Aggregation(NamedTuple):
    """How the paper aggregated a reported number: one run, the best or the mean of n."""

    kind: AggregationKind = "single"
    n: int | None = None
    spread: float | None = None  # a standard deviation over the n runs


class Derivation(NamedTuple):
    """How the paper computes a claim from other claims: the mean over `parts` (claim ids),
    e.g. a mean over 22 games or the GLUE average; recomputed from the parts' runs."""

    parts: tuple[str, ...] = ()
    how: Literal["mean"] = "mean"


@dataclass(frozen=True)
class Claim:
    """One number (or statement) the paper reports, with where it says so."""

    id: str
    metric: str
    value: ClaimValue = None
    value_text: str | None = None
    # The text as printed when it says more than the number: "6.43 (6.61±0.16)", "~2.85".
    printed: str | None = None
    approximate: bool = False  # "~2.85", "about 3%": a wider rounding term (VERDICTS.md)
    # A deterministic fact (a count of units or parameters, a data-set size): reproduced when
    # every run gives it exactly as printed, with no statistics (VERDICTS.md, "Exact facts").
    exact: bool = False
    unit: str | None = None
    direction: Direction | None = None
    dataset: str | None = None
    split: str | None = None
    setting: str | None = None
    source: str | None = None
    target: Target | None = None  # None: the paper's own number
    aggregation: Aggregation | None = None
    linked: str | None = None  # the claim printed with this one (best-of-n <-> mean over n)
    derived: Derivation | None = None
    tolerance: float | None = None
    tolerance_origin: str | None = None
    central: bool = False
    evidence: str | None = None
    confidence: str | None = None
    # Names this claim's value has in the files of training tools (`eval_accuracy`,
    # `hellaswag/acc_norm`), so `starter log --from` ties them without --map.
    import_names: tuple[str, ...] = ()

    @property
    def is_range(self) -> bool:
        return isinstance(self.value, tuple)

    @property
    def is_qualitative(self) -> bool:
        return self.value is None

    @property
    def is_fact(self) -> bool:
        """A number with no better or worse (a dataset size, a hyperparameter)."""
        return self.value is not None and self.direction is None

    @property
    def target_kind(self) -> str:
        """paper, other paper or checkpoint."""
        return self.target or "paper"

    @property
    def display_value(self) -> str:
        """The value as the paper prints it ("~" marks an approximate one)."""
        if self.value is None:
            return "(qualitative)"
        if self.value_text:
            text = self.value_text
        elif isinstance(self.value, tuple):
            text = f"{self.value[0]:g}-{self.value[1]:g}"
        else:
            text = f"{self.value:g}"
        if not self.approximate or text.startswith(("~", "≈")):
            return text
        return f"~{text}"


@dataclass(frozen=True)
class Paper:
    """A paper and what it reports: the content of a paper card (`paper.toml`)."""

    key: str
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = None
    venue: Venue = field(default_factory=Venue)
    doi: str | None = None
    arxiv_id: str | None = None
    url: str | None = None
    abstract: str | None = None
    code_url: str | None = None
    confidence: str | None = None
    claims: tuple[Claim, ...] = ()

    def claim(self, claim_id: str) -> Claim | None:
        return next((c for c in self.claims if c.id == claim_id), None)

    @property
    def link(self) -> str | None:
        """The best link to the paper: its own URL, else its DOI, else its arXiv page; only
        ever an http(s) address (see safe_link)."""
        if self.url and (link := safe_link(self.url)):
            return link
        if self.doi:
            return safe_link(f"doi:{self.doi}")
        if self.arxiv_id:
            return safe_link(f"arxiv:{self.arxiv_id}")
        return None

    def short_authors(self) -> str:
        """`LeCun et al.`, `Kingma and Ba`, or the one author's family name."""
        family = [a.split()[-1] for a in self.authors if a.split()]
        if not family:
            return "Unknown authors"
        if len(family) == 1:
            return family[0]
        if len(family) == 2:
            return f"{family[0]} and {family[1]}"
        return f"{family[0]} et al."


def slugify(text: str, separator: str = "-") -> str:
    """A lower-case ASCII slug: `Attention Is All You Need` -> `attention-is-all-you-need`."""
    import unicodedata

    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", separator, ascii_text.lower()).strip(separator)
    return slug


def derive_claim_id(metric: str, split: str | None) -> str:
    """A short, stable id from a claim's metric and split, e.g. `top-1-error-val`."""
    words = slugify(metric).split("-")[:4]
    if split:
        words += slugify(split).split("-")[:2]
    return "-".join(w for w in words if w) or "claim"


def to_plain(value: Any) -> Any:
    """A dataclass tree as JSON-ready dicts and lists (tuples become lists)."""
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: to_plain(getattr(value, f.name)) for f in fields(value)}
    if hasattr(value, "_asdict"):  # a NamedTuple: a record, not a list
        return {name: to_plain(item) for name, item in value._asdict().items()}
    if isinstance(value, tuple | list):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    return value
