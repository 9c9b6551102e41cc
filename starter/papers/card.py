"""Read and validate the paper card (`paper.toml`): one format for the catalog, new
repositories and `starter show --format toml` (card_write.py writes it)."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any, NoReturn

from starter.errors import InputError, NotFoundError
from starter.models import (
    CARD_SCHEMA,
    MAX_MAGNITUDE,
    TARGETS,
    Aggregation,
    Claim,
    Derivation,
    Paper,
    Venue,
    derive_claim_id,
    number_problem,
    shorten,
)
from starter.safetext import printable, safe_link

CARD_NAME = "paper.toml"

PAPER_FIELDS = (
    "key",
    "title",
    "authors",
    "year",
    "doi",
    "arxiv_id",
    "url",
    "abstract",
    "code_url",
    "confidence",
)
VENUE_FIELDS = ("name", "volume", "number", "pages")
CLAIM_FIELDS = (
    "id",
    "metric",
    "value",
    "value_text",
    "printed",
    "approximate",
    "exact",
    "unit",
    "direction",
    "dataset",
    "split",
    "setting",
    "source",
    "target",
    "aggregation",
    "linked",
    "derived",
    "tolerance",
    "tolerance_origin",
    "central",
    "evidence",
    "confidence",
    "import_names",
)
AGGREGATION_KINDS = ("single", "best", "mean")
DERIVATIONS = ("mean",)
DIRECTIONS = ("higher", "lower", "none")
# "draft": proposed by starter (`claim extract`, `claim import`), not yet reviewed (never judged).
CONFIDENCES = ("high", "medium", "low", "draft")

# ----------------------------------------------------------------------------- reading


def find_card(start: Path) -> Path:
    """The nearest `paper.toml` in `start` or a folder above it (as git finds `.git`)."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / CARD_NAME
        if candidate.is_file():
            return candidate
    raise NotFoundError(
        f"no {CARD_NAME} in {start} or any folder above it; run this inside a reimplementation "
        "repository (made by `starter new`), or point at one with -C DIR"
    )


def load_card(path: Path) -> Paper:
    """Read and validate a paper card; errors name the file and the field."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM (some Windows editors) is dropped
    except FileNotFoundError:
        raise NotFoundError(f"no paper card at {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read paper card {path}: {exc}") from None
    return parse_card(text, str(path))


def parse_card(text: str, source: str = CARD_NAME) -> Paper:
    try:
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{source}: not valid TOML ({exc}); fix the syntax and retry") from None
    return paper_from_dict(data, source)


class _Fields:
    """Typed access to one table of a card, with errors that name the file and the field."""

    def __init__(self, data: dict[str, Any], source: str, where: str, known: tuple[str, ...]):
        self.data, self.source, self.where = data, source, where
        unknown = sorted(set(data) - set(known))
        if unknown:
            self.fail(unknown[0], f"unknown field; expected one of: {', '.join(known)}")

    def fail(self, name: str, problem: str) -> NoReturn:
        raise InputError(f"{self.source}: {self.where}{name}: {problem}")

    def text(self, name: str, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "missing; it is required")
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # volume = 1 is as good as volume = "1"
        if not isinstance(value, str):
            self.fail(name, f"expected text, got {_describe(value)}")
        # A card may come from an untrusted clone: no terminal escape gets past here.
        value = printable(value)
        if required and not value.strip():
            self.fail(name, "is empty; it is required")
        return value or None

    def link(self, name: str) -> str | None:
        value = self.text(name)
        if value is not None and safe_link(value) is None:
            self.fail(name, f"expected an http(s) address (or doi:... / arxiv:...), got {value!r}")
        return value

    def choice(self, name: str, allowed: tuple[str, ...]) -> str | None:
        value = self.text(name)
        if value is not None and value not in allowed:
            self.fail(name, f"expected one of {', '.join(map(repr, allowed))}, got {value!r}")
        return value

    def number(self, name: str, positive: bool = False) -> float | int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"expected a number, got {_describe(value)}")
        if problem := number_problem(value):
            if problem == "not a finite number":
                self.fail(name, "expected a finite number")
            self.fail(name, f"{shorten(str(value))} is {problem}")
        if positive and value <= 0:
            self.fail(name, f"expected a positive number, got {value}")
        return value

    def integer(
        self, name: str, minimum: int = 0, maximum: int | float = MAX_MAGNITUDE
    ) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            self.fail(
                name, f"expected a whole number of at least {minimum}, got {_describe(value)}"
            )
        if value > maximum:
            self.fail(name, f"{shorten(str(value))} is out of range (at most {maximum:g})")
        return value

    def flag(self, name: str) -> bool:
        value = self.data.get(name, False)
        if not isinstance(value, bool):
            self.fail(name, f"expected true or false, got {_describe(value)}")
        return value


def _describe(value: Any) -> str:
    kind = {
        str: "text",
        bool: "a boolean",
        int: "a number",
        float: "a number",
        list: "a list",
        dict: "a table",
    }.get(type(value), type(value).__name__)
    return f"{kind} {shorten(repr(value))}" if not isinstance(value, dict | list) else kind


def paper_from_dict(data: dict[str, Any], source: str = CARD_NAME) -> Paper:
    # [sweep.slurm] / [sweep.ray]: the engine settings of `starter sweep`, read by it alone.
    top = _Fields(data, source, "", ("schema", "paper", "claims", "sweep"))
    schema = top.integer("schema", minimum=1)
    if schema is None:
        top.fail("schema", f"missing; add `schema = {CARD_SCHEMA}` at the top of the card")
    if schema > CARD_SCHEMA:
        top.fail(
            "schema",
            f"version {schema} is newer than this starter reads ({CARD_SCHEMA}); upgrade starter",
        )
    raw_paper = data.get("paper")
    if not isinstance(raw_paper, dict):
        top.fail("paper", "missing [paper] table with at least key and title")
    p = _Fields(raw_paper, source, "paper.", (*PAPER_FIELDS, "venue"))
    authors = raw_paper.get("authors", [])
    if not isinstance(authors, list) or not all(isinstance(a, str) for a in authors):
        p.fail("authors", 'expected a list of names in paper order, e.g. ["Yann LeCun"]')
    authors = [printable(a) for a in authors]
    if not all(a.strip() for a in authors):
        p.fail("authors", 'expected a list of names in paper order, e.g. ["Yann LeCun"]')
    raw_venue = raw_paper.get("venue", {})
    if not isinstance(raw_venue, dict):
        p.fail("venue", "expected a table with name, volume, number, pages")
    v = _Fields(raw_venue, source, "paper.venue.", VENUE_FIELDS)
    key = p.text("key", required=True)
    assert key is not None
    if any(ch in key for ch in "/\\ \t\n") or key.startswith("."):
        p.fail("key", f"expected a short name without spaces or slashes, got {key!r}")
    year = p.integer("year", minimum=1, maximum=9999)
    raw_claims = data.get("claims", [])
    if not isinstance(raw_claims, list):
        top.fail("claims", "expected [[claims]] tables")
    claims: list[Claim] = []
    seen: set[str] = set()
    for index, raw in enumerate(raw_claims):
        claim = claim_from_dict(raw, source, index, seen)
        seen.add(claim.id)
        claims.append(claim)
    _check_references(claims, source)
    return Paper(
        key=key,
        title=p.text("title", required=True) or "",
        authors=tuple(authors),
        year=year,
        venue=Venue(**{name: v.text(name) for name in VENUE_FIELDS}),
        doi=p.text("doi"),
        arxiv_id=p.text("arxiv_id"),
        url=p.link("url"),
        abstract=p.text("abstract"),
        code_url=p.link("code_url"),
        confidence=p.choice("confidence", CONFIDENCES),
        claims=tuple(claims),
    )


def claim_from_dict(raw: Any, source: str, index: int, seen: set[str]) -> Claim:
    if not isinstance(raw, dict):
        raise InputError(f"{source}: claims[{index}]: expected a [[claims]] table")
    given_id = raw.get("id")
    named = given_id if isinstance(given_id, str) and given_id.strip() else None
    where = f"claims[{index}] ({shorten(named, 40)})." if named else f"claims[{index}]."
    c = _Fields(raw, source, where, CLAIM_FIELDS)
    metric = c.text("metric", required=True) or ""
    split = c.text("split")
    if isinstance(given_id, str) and not given_id.strip():
        c.fail("id", "is empty; give the claim a name, or leave id out to derive one")
    claim_id = c.text("id")
    if claim_id is None:
        base = derive_claim_id(metric, split)
        claim_id, n = base, 2
        while claim_id in seen:
            claim_id, n = f"{base}-{n}", n + 1
    elif not _valid_id(claim_id):
        c.fail("id", f"expected letters, digits, '-', '_' or '.', got {claim_id!r}")
    elif claim_id in seen:
        c.fail("id", f"{claim_id!r} is used by an earlier claim; ids must be unique")
    c.where = f"claims[{index}] ({claim_id})."
    value = _claim_value(c, raw.get("value"))
    value_text = c.text("value_text")
    _check_printed(c, value, value_text)
    direction = c.choice("direction", DIRECTIONS)
    derived = _derivation(c, raw.get("derived"), source) if "derived" in raw else None
    linked = c.text("linked")
    if linked is not None and not _valid_id(linked):
        c.fail("linked", f"expected the id of another claim, got {linked!r}")
    approximate = c.flag("approximate")
    if (approximate or derived) and value is None:
        c.fail("approximate" if approximate else "derived", "needs a value; this claim has none")
    exact = c.flag("exact")
    if exact and (value is None or isinstance(value, tuple) or approximate):
        c.fail("exact", "needs one value printed exactly (not a range, not approximate)")
    if exact and direction not in (None, "none"):
        c.fail("exact", 'is for facts with no better or worse: set direction = "none"')
    aggregation = None
    if "aggregation" in raw:
        raw_agg = raw["aggregation"]
        if isinstance(raw_agg, str):
            raw_agg = {"kind": raw_agg}
        if not isinstance(raw_agg, dict):
            c.fail(
                "aggregation", 'expected { kind = "single"|"best"|"mean", n = ..., spread = ... }'
            )
        a = _Fields(raw_agg, source, f"{c.where}aggregation.", ("kind", "n", "spread"))
        aggregation = Aggregation(
            kind=a.choice("kind", AGGREGATION_KINDS) or "single",  # type: ignore[arg-type]
            n=a.integer("n", minimum=1),
            spread=a.number("spread"),
        )
        if aggregation.spread is not None and aggregation.spread < 0:
            a.fail("spread", "expected a standard deviation (zero or more)")
    return Claim(
        id=claim_id,
        metric=metric,
        value=value,
        value_text=value_text,
        printed=c.text("printed"),
        approximate=approximate,
        exact=exact,
        unit=c.text("unit"),
        direction=None if direction in (None, "none") else direction,  # type: ignore[arg-type]
        dataset=c.text("dataset"),
        split=split,
        setting=c.text("setting"),
        source=c.text("source"),
        target=c.choice("target", TARGETS),  # type: ignore[arg-type]
        aggregation=aggregation,
        linked=linked,
        derived=derived,
        tolerance=c.number("tolerance", positive=True),
        tolerance_origin=c.text("tolerance_origin"),
        central=c.flag("central"),
        evidence=c.text("evidence"),
        confidence=c.choice("confidence", CONFIDENCES),
        import_names=_names(c, raw.get("import_names")),
    )


def _derivation(c: _Fields, raw: Any, source: str) -> Derivation:
    if not isinstance(raw, dict):
        c.fail("derived", 'expected { how = "mean", of = ["claim-a", "claim-b"] }')
    d = _Fields(raw, source, f"{c.where}derived.", ("how", "of"))
    how = d.choice("how", DERIVATIONS) or "mean"
    parts = raw.get("of")
    if (
        not isinstance(parts, list)
        or len(parts) < 2
        or not all(isinstance(p, str) and _valid_id(p) for p in parts)
    ):
        d.fail("of", 'expected the ids of two or more claims, e.g. ["pong", "breakout"]')
    if len(set(parts)) != len(parts):
        d.fail("of", "names a claim twice")
    return Derivation(parts=tuple(parts), how=how)  # type: ignore[arg-type]


def _check_references(claims: list[Claim], source: str) -> None:
    """Links and derivations name claims of the same card; a derived claim's parts are
    measured claims (no derivation of derivations)."""
    by_id = {c.id: c for c in claims}
    for index, claim in enumerate(claims):
        where = f"{source}: claims[{index}] ({claim.id})."
        if claim.linked is not None and (claim.linked == claim.id or claim.linked not in by_id):
            raise InputError(
                f"{where}linked: no other claim {claim.linked!r} in this card; link a claim "
                "to the one printed with it (e.g. its mean over n runs)"
            )
        if claim.derived is None:
            continue
        for part in claim.derived.parts:
            other = by_id.get(part)
            if other is None or part == claim.id:
                raise InputError(f"{where}derived.of: no other claim {part!r} in this card")
            if other.derived is not None:
                raise InputError(
                    f"{where}derived.of: {part!r} is itself derived; name its parts instead"
                )
            if other.value is None:
                raise InputError(f"{where}derived.of: {part!r} is qualitative (no number)")


def _names(c: _Fields, value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        c.fail("import_names", 'expected a list of names, e.g. ["eval_accuracy", "val_acc"]')
    return tuple(dict.fromkeys(v.strip() for v in value))


def _valid_id(text: str) -> bool:
    return bool(text) and all(ch.isalnum() or ch in "-_." for ch in text) and text.isascii()


def _claim_value(c: _Fields, value: Any) -> float | int | tuple[float, float] | None:
    if value is None:
        return None
    if isinstance(value, list):
        if (
            len(value) != 2
            or not all(number_problem(x) is None for x in value)
            or value[0] > value[1]
        ):
            c.fail(
                "value",
                "a range is written [low, high] with two finite numbers up to 1e100, low first",
            )
        return (value[0], value[1])
    return c.number("value")


_PRINTED = re.compile(
    r"[-+]?(?:\d[\d,]*(?:\.(?P<frac>\d*))?|\.(?P<frac2>\d+))(?:[eE](?P<exp>[-+]?\d{1,6}))?"
)


def _check_printed(c: _Fields, value: Any, text: str | None) -> None:
    """A claim's value_text (the number as printed) must say the same number as its value,
    to within its own rounding: `value = 5.0` with `value_text = "50.0"` would be shown as
    50.0 % and judged against 5.0. A text without a number cannot disagree."""
    if value is None or not text:
        return
    found = list(_PRINTED.finditer(text.replace("−", "-")[:200]))[:2]
    wanted = list(value) if isinstance(value, tuple) else [value]
    for index, (match, number) in enumerate(zip(found, wanted, strict=False)):
        read = float(match.group(0).replace(",", ""))
        if index == 1:  # "40-60": the second number of a range reads as -60
            read = abs(read) if number >= 0 else read
        decimals = len(match.group("frac") or match.group("frac2") or "")
        step = 10.0 ** max(-300, min(300, int(match.group("exp") or 0) - decimals))
        if not math.isfinite(read) or abs(read - number) > step / 2 * (1 + 1e-9) + 1e-12 * abs(
            number
        ):
            c.fail(
                "value_text",
                f"{shorten(text)!r} does not say the value {number!r}; make value and "
                "value_text the same number (value_text is the number as printed)",
            )
