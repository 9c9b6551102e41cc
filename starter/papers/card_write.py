"""Write the paper card: its canonical TOML text (`parse_card(render_card(p)) == p`), a new
card on disk, and the `--json` form of a paper."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from starter.errors import InputError
from starter.models import CARD_SCHEMA, Claim, Paper
from starter.papers.card import CLAIM_FIELDS, PAPER_FIELDS, VENUE_FIELDS

HEADER = """\
# Paper card: the paper, and the numbers it reports with where it reports them.
# Read by starter. Edit it freely: starter keeps your comments and order when it
# changes this file (`starter claim ...`).
"""

CLAIMS_HELP = """\
# Claims: one [[claims]] table per number the paper reports.
#   id          short, unique, stable name used by `starter log ID VALUE`
#   value       the number (or [low, high] for a range; leave it out for a qualitative claim)
#   value_text  the number exactly as printed: its decimals set the rounding in the verdict
#   direction   "higher" or "lower" is better, or "none" for facts (sizes, hyperparameters)
#   source      where the paper says it: "Table 2", "Figure 4", "Section 5"
#   aggregation { kind = "single" | "best" | "mean", n = runs, spread = sd over the runs }
#   tolerance   how far a result may be from the value and still reproduce it, with
#               tolerance_origin saying why (set it before you compare: `starter claim tolerance`)
#   central     true for the claims the paper's conclusion rests on
"""

EMPTY_CLAIMS = """\
# No claims yet. Add the numbers the paper reports, with where it reports them:
#   starter claim add "top-1 error" 23.6 --unit % --lower-is-better --source "Table 3"
# or by hand:
# [[claims]]
# id = "top1-error-val"
# metric = "top-1 error"
# value = 23.6
# value_text = "23.6"
# unit = "%"
# direction = "lower"
# dataset = "ImageNet"
# split = "val"
# source = "Table 3"
"""


def render_card(paper: Paper) -> str:
    """The canonical text of a card; `parse_card(render_card(p)) == p`."""
    out = [HEADER, f"schema = {CARD_SCHEMA}\n", "\n[paper]\n"]
    for name in PAPER_FIELDS:
        value = getattr(paper, name)
        if name == "authors":
            out.append(_render_list("authors", list(value)))
        elif value is not None:
            out.append(f"{name} = {_toml_value(value)}\n")
    venue_lines = [
        f"{name} = {_toml_value(getattr(paper.venue, name))}\n"
        for name in VENUE_FIELDS
        if getattr(paper.venue, name) is not None
    ]
    if venue_lines:
        out.append("\n[paper.venue]\n")
        out.extend(venue_lines)
    out.append("\n")
    out.append(CLAIMS_HELP)
    if not paper.claims:
        out.append("\n" + EMPTY_CLAIMS)
    for claim in paper.claims:
        out.append("\n" + render_claim(claim))
    return "".join(out)


def render_claim(claim: Claim) -> str:
    lines = ["[[claims]]\n"]
    for name in CLAIM_FIELDS:
        value = getattr(claim, name)
        if name in ("central", "approximate", "exact"):
            if value:
                lines.append(f"{name} = true\n")
            continue
        if name == "derived" and value is not None:
            of = _toml_value(list(value.parts))
            lines.append(f'derived = {{ how = "{value.how}", of = {of} }}\n')
            continue
        if name == "direction":
            value = value or ("none" if claim.value is not None else None)
        if name == "import_names":
            if value:
                lines.append(f"import_names = {_toml_value(list(value))}\n")
            continue
        if name == "aggregation" and value is not None:
            parts = [f'kind = "{value.kind}"']
            if value.n is not None:
                parts.append(f"n = {value.n}")
            if value.spread is not None:
                parts.append(f"spread = {_toml_value(value.spread)}")
            lines.append(f"aggregation = {{ {', '.join(parts)} }}\n")
            continue
        if value is not None:
            lines.append(f"{name} = {_toml_value(value)}\n")
    return "".join(lines)


def _render_list(name: str, items: list[str]) -> str:
    if not items:
        return f"{name} = []\n"
    body = "".join(f"  {_toml_value(item)},\n" for item in items)
    return f"{name} = [\n{body}]\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"cannot write the non-finite number {value} to a paper card")
        return repr(value)
    if isinstance(value, str):
        # A JSON string with non-ASCII kept is a valid TOML basic string.
        # DEL is the one control character JSON leaves bare and TOML refuses.
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to a paper card")


def write_card(path: Path, paper: Paper) -> None:
    """Write a whole new card atomically (editing an existing one goes through edit.py)."""
    from starter.fsutil import atomic_write_text

    atomic_write_text(path, render_card(paper))


def paper_to_json(paper: Paper) -> dict[str, Any]:
    """The `--json` form of a paper: absent values are null, authors a list of names."""
    claims = []
    for c in paper.claims:
        claims.append(
            {
                "id": c.id,
                "metric": c.metric,
                "value": list(c.value) if isinstance(c.value, tuple) else c.value,
                "value_text": c.value_text
                if c.value_text is not None
                else (None if c.value is None else c.display_value),
                "unit": c.unit,
                "direction": c.direction or "none" if c.value is not None else None,
                "dataset": c.dataset,
                "split": c.split,
                "setting": c.setting,
                "printed": c.printed,
                "approximate": c.approximate,
                "exact": c.exact,
                "source": c.source,
                "target": c.target_kind if c.value is not None else None,
                "linked": c.linked,
                "derived": None
                if c.derived is None
                else {"how": c.derived.how, "of": list(c.derived.parts)},
                "aggregation": None
                if c.aggregation is None
                else {
                    "kind": c.aggregation.kind,
                    "n": c.aggregation.n,
                    "spread": c.aggregation.spread,
                },
                "tolerance": c.tolerance,
                "tolerance_origin": c.tolerance_origin,
                "central": c.central,
                "evidence": c.evidence,
                "confidence": c.confidence,
                "import_names": list(c.import_names),
            }
        )
    return {
        "key": paper.key,
        "title": paper.title,
        "authors": list(paper.authors),
        "year": paper.year,
        "venue": {name: getattr(paper.venue, name) for name in VENUE_FIELDS},
        "doi": paper.doi,
        "arxiv_id": paper.arxiv_id,
        "url": paper.link,
        "abstract": paper.abstract,
        "code_url": paper.code_url,
        "confidence": paper.confidence,
        "claims": claims,
    }
