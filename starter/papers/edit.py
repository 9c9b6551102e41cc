"""Edit `paper.toml` in place (add a claim, set a tolerance, remove a claim) with tomlkit,
keeping the user's comments and order; every edit reads the card under a lock, is checked
and written atomically, so concurrent edits never lose one another."""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from starter.errors import ConflictError, InputError, NotFoundError
from starter.models import Claim, Paper, derive_claim_id, number_problem, shorten
from starter.papers.card import parse_card
from starter.papers.card_write import render_claim

F = TypeVar("F", bound=Callable[..., Any])


def card_lock(path: Path) -> Any:
    """The lock every edit of the card at `path` holds from its read to its write (as the
    results log's appends do): on the card's folder, since the card itself is replaced."""
    from starter.fsutil import folder_lock

    return folder_lock(Path(path).parent)


def _under_lock(edit: F) -> F:
    """An edit `edit(path, ...)` made under card_lock(path), reading the card under it."""

    @functools.wraps(edit)
    def locked(path: Path, *args: Any, **kwargs: Any) -> Any:
        with card_lock(path):
            return edit(path, *args, **kwargs)

    return locked  # type: ignore[return-value]


def _load(path: Path) -> tuple[Paper, Any]:
    import tomlkit

    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM (some Windows editors) is dropped
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read paper card {path}: {exc}") from None
    paper = parse_card(text, str(path))  # refuse to edit a card starter cannot read
    return paper, tomlkit.parse(text)


def _save(path: Path, doc: Any) -> Paper:
    import tomlkit

    from starter.fsutil import atomic_write_text

    text = tomlkit.dumps(doc)
    paper = parse_card(text, str(path))  # never write a card that would not read back
    atomic_write_text(path, text)
    return paper


def _unknown(paper: Paper, claim_id: str) -> NotFoundError:
    known = ", ".join(c.id for c in paper.claims) or "none yet; add one with `starter claim add`"
    return NotFoundError(f"no claim {shorten(claim_id)!r} in paper.toml; known claims: {known}")


def unique_id(paper: Paper, claim: Claim) -> str:
    """The claim's own id, or one derived from its metric and split, made unique."""
    taken = {c.id for c in paper.claims}
    if claim.id:
        if claim.id in taken:
            raise ConflictError(
                f"a claim {claim.id!r} already exists; choose another --id, or remove it "
                f"first with `starter claim remove {claim.id}`"
            )
        return claim.id
    base = derive_claim_id(claim.metric, claim.split)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def add_claim(path: Path, claim: Claim) -> Claim:
    """Append `claim` as a new [[claims]] table (an empty id is derived); returns it as stored."""
    return add_claims(path, [claim])[0]


@_under_lock
def add_claims(path: Path, claims: list[Claim]) -> list[Claim]:
    """Append claims in one write (claims linked to each other are valid only together);
    empty ids are derived. Returns them as stored."""
    from dataclasses import replace

    import tomlkit

    paper, doc = _load(path)
    added = []
    for claim in claims:
        claim = replace(claim, id=unique_id(paper, claim))
        paper = replace(paper, claims=(*paper.claims, claim))
        added.append(claim)
        table = tomlkit.parse(render_claim(claim))["claims"][0]
        table.trivia.indent = "\n"  # a blank line before each new [[claims]], as render_card
        if "claims" in doc:
            doc["claims"].append(table)
        else:
            aot = tomlkit.aot()
            aot.append(table)
            doc.append("claims", aot)
    saved = _save(path, doc)
    stored = [saved.claim(claim.id) for claim in added]
    assert all(s is not None for s in stored)
    return stored  # type: ignore[return-value]


# What `starter claim review` may change in a draft before accepting it.
REVIEW_FIELDS = ("metric", "value", "unit", "direction", "setting", "dataset", "split", "source")


@_under_lock
def accept_claim(path: Path, claim_id: str, changes: dict[str, str] | None = None) -> Claim:
    """Take away a draft claim's draft mark, first applying `changes` (text as typed:
    value "76.2" or "95%", direction "higher", "lower" or "none")."""
    from starter.papers.claims import parse_claim_value

    paper, doc = _load(path)
    _, table = _claim_table(doc, paper, claim_id)
    claim = paper.claim(claim_id)
    assert claim is not None
    if claim.confidence != "draft":
        raise InputError(f"claim {claim_id!r} is not a draft; nothing to review")
    for name, text in (changes or {}).items():
        if name not in REVIEW_FIELDS:
            raise InputError(f"cannot change {name!r} here; edit paper.toml for that")
        text = text.strip()
        if name == "value":
            number, value_text, unit = parse_claim_value(text or None)
            if number is None:
                raise InputError("a drafted claim keeps a value; reject it instead")
            table["value"] = list(number) if isinstance(number, tuple) else number
            table["value_text"] = value_text
            if unit:
                table["unit"] = unit
        elif name == "direction":
            if text not in ("higher", "lower", "none"):
                raise InputError(f"direction {text!r}: type higher, lower or none")
            table["direction"] = text
        elif text:
            table[name] = text
        elif name in table and name != "metric":
            del table[name]
    if "confidence" in table:
        del table["confidence"]
    evidence = str(table.get("evidence", ""))
    if evidence.endswith(": review it"):
        table["evidence"] = evidence.removesuffix(": review it") + ", reviewed"
    stored = _save(path, doc).claim(claim_id)
    assert stored is not None
    return stored


def _claim_table(doc: Any, paper: Paper, claim_id: str) -> tuple[int, Any]:
    index = next((i for i, c in enumerate(paper.claims) if c.id == claim_id), None)
    if index is None:
        raise _unknown(paper, claim_id)
    return index, doc["claims"][index]


@_under_lock
def set_tolerance(path: Path, claim_id: str, value: float, origin: str) -> Claim:
    """Set a claim's tolerance and its origin (both required: a number without a reason is
    not a tolerance anyone can check)."""
    if isinstance(value, bool) or not math.isfinite(value) or value <= 0:
        raise InputError(f"tolerance must be a positive number, got {value}")
    if problem := number_problem(value):
        raise InputError(f"tolerance {value:g} is {problem}")
    if not origin or not origin.strip():
        raise InputError('say where the tolerance comes from: --origin "2 binomial SE on 10,000"')
    paper, doc = _load(path)
    _, table = _claim_table(doc, paper, claim_id)
    if paper.claim(claim_id).is_qualitative:  # type: ignore[union-attr]
        raise InputError(f"claim {claim_id!r} has no value, so a tolerance means nothing for it")
    table["tolerance"] = float(value)
    table["tolerance_origin"] = origin.strip()
    stored = _save(path, doc).claim(claim_id)
    assert stored is not None
    return stored


@_under_lock
def remove_claim(path: Path, claim_id: str) -> Claim:
    """Remove a claim's table; its logged runs stay in the results log. A claim another one
    is linked to or derived from stays until that one is removed."""
    paper, doc = _load(path)
    index, _ = _claim_table(doc, paper, claim_id)
    for other in paper.claims:
        parts = other.derived.parts if other.derived else ()
        if other.id != claim_id and (other.linked == claim_id or claim_id in parts):
            how = "linked to it" if other.linked == claim_id else "derived from it"
            raise ConflictError(
                f"claim {other.id!r} is {how}; remove {other.id} first "
                f"(starter claim remove {other.id})"
            )
    del doc["claims"][index]
    if len(doc["claims"]) == 0:
        del doc["claims"]
    _save(path, doc)
    return paper.claims[index]
