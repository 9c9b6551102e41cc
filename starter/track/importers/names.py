"""Which claim each name of a source feeds: `--map NAME=CLAIM_ID` (one name may feed several
claims), the card's `import_names`, a claim's own id, and a tool's other names for a metric
(`accuracy` for `eval_accuracy`); names that feed none are listed once with the closest ids."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from starter.errors import InputError, NotFoundError

MAX_LISTED = 12


def parse_map(items: Iterable[str] | None) -> list[tuple[str, str]]:
    """`--map LOGKEY=CLAIM_ID` options as (name, claim id) pairs, in order; a name given
    twice feeds both claims (a paper's best-of-n and mean-of-n of the same runs)."""
    pairs: list[tuple[str, str]] = []
    for item in items or ():
        key, sep, claim_id = item.rpartition("=")
        if not sep or not key.strip() or not claim_id.strip():
            raise InputError(f"--map {item!r}: expected LOGKEY=CLAIM_ID, e.g. val_acc=top1-acc")
        pair = (key.strip(), claim_id.strip())
        if pair not in pairs:
            pairs.append(pair)
    return pairs


def apply_map(metrics: dict[str, float], mapping: list[tuple[str, str]]) -> dict[str, float]:
    """Name values by claim id: a mapped name gives its value to each of its claims (and
    is itself not kept); other names keep theirs."""
    targets: dict[str, list[str]] = {}
    for name, claim_id in mapping:
        targets.setdefault(name, []).append(claim_id)
    out: dict[str, float] = {}
    for name, value in metrics.items():
        for claim_id in targets.get(name, [name]):
            out[claim_id] = value
    return out


class Resolved(NamedTuple):
    metrics: dict[str, float]  # claim id -> value, and unclaimed names as they were
    used: dict[str, str]  # claim id -> the source name its value came from
    unclaimed: list[str]


def plan(
    paper: Any, mapping: list[tuple[str, str]], aliases: dict[str, str]
) -> list[tuple[str, list[str]]]:
    """For each claim, the source names to try in order: --map, then import_names, then
    the claim's id; each also through the tool's aliases."""
    ids = {c.id for c in paper.claims}
    for _, claim_id in mapping:
        if claim_id not in ids:
            from starter.track.recorder import known_ids

            raise NotFoundError(
                f"--map ...={claim_id}: no claim {claim_id!r} in paper.toml; "
                f"known claims: {known_ids(paper)}"
            )
    order: list[tuple[str, list[str]]] = []
    for claim in paper.claims:
        names = [name for name, target in mapping if target == claim.id]
        if not names:
            names = [*getattr(claim, "import_names", ()), claim.id]
        tried: list[str] = []
        for name in names:
            for candidate in (name, aliases.get(name)):
                if candidate and candidate not in tried:
                    tried.append(candidate)
        order.append((claim.id, tried))
    return order


def resolve(
    metrics: dict[str, float], order: list[tuple[str, list[str]]], mapped: set[str]
) -> Resolved:
    out: dict[str, float] = {}
    used: dict[str, str] = {}
    for claim_id, names in order:
        for name in names:
            if name in metrics:
                out[claim_id] = metrics[name]
                used[claim_id] = name
                break
    consumed = set(used.values()) | mapped
    unclaimed = [name for name in metrics if name not in consumed and name not in out]
    for name in unclaimed:
        out[name] = metrics[name]
    return Resolved(out, used, unclaimed)


def closest(name: str, ids: list[str]) -> list[str]:
    import difflib

    lowered = {i.lower(): i for i in ids}
    bare = name.lower().rsplit("/", 1)[-1]
    for prefix in ("eval_", "test_", "val_", "train_"):
        bare = bare.removeprefix(prefix)
    found = difflib.get_close_matches(name.lower(), list(lowered), n=2, cutoff=0.6)
    found += difflib.get_close_matches(bare, list(lowered), n=2, cutoff=0.6)
    return list(dict.fromkeys(lowered[f] for f in found))[:2]


HOW = 'tie a name with --map NAME=CLAIM_ID, or once in paper.toml: import_names = ["NAME"]'


def listing(names: list[str], paper: Any) -> str:
    """Names, each with the closest claim ids, and the claims there are."""
    from starter.track.recorder import known_ids

    ids = [c.id for c in paper.claims]
    shown = []
    for name in names[:MAX_LISTED]:
        near = closest(name, ids)
        shown.append(f"{name} (closest: {', '.join(near)})" if near else name)
    more = f" and {len(names) - MAX_LISTED} more" if len(names) > MAX_LISTED else ""
    return f"{', '.join(shown)}{more}; known claims: {known_ids(paper)}"


def unclaimed_message(names: list[str], paper: Any) -> str | None:
    """One line naming the values that count for no claim, each with the closest claim ids."""
    if not names:
        return None
    return f"recorded but counted for no claim: {listing(names, paper)}; {HOW}"
