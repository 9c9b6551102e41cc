"""Model cards (Hugging Face's README.md with YAML front matter, and `.eval_results/*.yaml`):
reading their front matter, and their results as draft claims (`starter claim import`).

A card that `starter export hf` wrote says in each result's notes which claim it is and
what the paper reports (one `key: value` a line), so it imports back as the same claims;
any other card's numbers become claims of their own, marked `draft`, with the card as
their source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starter.errors import InputError, NotFoundError
from starter.models import Claim, derive_claim_id

CARD = "README.md"
EVAL_DIR = ".eval_results"
FENCE = "---"
# The notes of a result starter exported: the claim, one field a line (report/export/hf.py).
NOTE_KEYS = {
    "claim": "id",
    "metric": "metric",
    "paper value": "value_text",
    "unit": "unit",
    "better": "direction",
    "paper source": "source",
    "dataset": "dataset",
    "split": "split",
}


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(YAML between the opening and closing `---`, the rest); (None, text) without one."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        return None, text
    for index, line in enumerate(lines[1:], start=1):
        if line.rstrip() == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    return None, text


def load_yaml(text: str, where: str) -> Any:
    from ruamel.yaml import YAML, YAMLError

    try:
        return YAML(typ="safe", pure=True).load(text)
    except YAMLError as exc:
        problem = " ".join(str(exc).split())[:200]
        raise InputError(f"{where}: not valid YAML ({problem}); fix it and retry") from None


def parse_notes(notes: Any) -> dict[str, str]:
    """The `key: value` lines of a result's notes that name a claim's fields."""
    found: dict[str, str] = {}
    for line in str(notes or "").splitlines():
        key, sep, value = line.partition(": ")
        if sep and key.strip().lower() in NOTE_KEYS and value.strip():
            found[NOTE_KEYS[key.strip().lower()]] = value.strip()
    return found


@dataclass(frozen=True)
class CardClaims:
    """What a model card holds as claims, and what could not be read as one."""

    name: str
    claims: list[Claim]
    skipped: list[str] = field(default_factory=list)


def read_claims(card: Path) -> CardClaims:
    """Draft claims from a model card: `card` is a README.md or the folder holding it (and
    `.eval_results/`). `.eval_results/` wins when it holds results, else `model-index`."""
    card = Path(card)
    folder = card if card.is_dir() else card.parent
    readme = card / CARD if card.is_dir() else card
    if not readme.is_file() and not (folder / EVAL_DIR).is_dir():
        raise NotFoundError(f"no model card at {card} (a README.md, or a folder with one)")
    meta: dict[str, Any] = {}
    if readme.is_file():
        try:
            text = readme.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read {readme}: {exc}") from None
        yaml_text, _ = split_front_matter(text)
        loaded = load_yaml(yaml_text, str(readme)) if yaml_text else None
        meta = loaded if isinstance(loaded, dict) else {}
    index = _list(meta, "model-index")
    name = next((str(m["name"]) for m in index if isinstance(m, dict) and m.get("name")), None)
    name = name or meta.get("model_name") or folder.resolve().name
    reader = _Reader(str(name))
    files = sorted((folder / EVAL_DIR).glob("*.yaml")) if (folder / EVAL_DIR).is_dir() else []
    for path in files:
        entries = load_yaml(path.read_text(encoding="utf-8"), str(path))
        for number, entry in enumerate(entries if isinstance(entries, list) else [], start=1):
            reader.eval_result(entry, f"{EVAL_DIR}/{path.name} entry {number}")
    if not reader.claims:
        for model in index:
            results = model.get("results") if isinstance(model, dict) else None
            for number, result in enumerate(results or [], start=1):
                reader.model_index(result, f"{readme.name}: model-index result {number}")
    if not reader.claims and not reader.skipped:
        raise NotFoundError(
            f"{card}: no results found (neither model-index in README.md's front matter "
            f"nor {EVAL_DIR}/*.yaml)"
        )
    return CardClaims(reader.name, reader.claims, reader.skipped)


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.claims: list[Claim] = []
        self.skipped: list[str] = []

    def add(self, fields: dict[str, Any], where: str, fallback_id: str) -> None:
        from starter.papers.claims import guess_direction, parse_claim_value

        text = fields.get("value_text")
        try:
            value, value_text, unit = parse_claim_value(None if text is None else str(text))
        except InputError:
            value = None
        if value is None:
            self.skipped.append(f"{where}: no number ({text!r})")
            return
        metric = str(fields.get("metric") or fallback_id)
        direction = fields.get("direction")
        direction = direction if direction in ("higher", "lower") else guess_direction(metric)
        taken = {c.id for c in self.claims}
        claim_id = str(fields.get("id") or "")
        if not re.fullmatch(r"[A-Za-z0-9._-]+", claim_id) or claim_id in taken:
            base = derive_claim_id(fallback_id, fields.get("split"))
            claim_id, n = base, 2
            while claim_id in taken:
                claim_id, n = f"{base}-{n}", n + 1
        cited = fields.get("source")
        self.claims.append(
            Claim(
                id=claim_id,
                metric=metric,
                value=value,
                value_text=value_text,
                unit=fields.get("unit") or unit,
                direction=direction,
                dataset=fields.get("dataset"),
                split=fields.get("split"),
                source=f"model card of {self.name}" + (f", citing {cited}" if cited else ""),
                evidence=where,
                confidence="draft",
            )
        )

    def eval_result(self, entry: Any, where: str) -> None:
        if not isinstance(entry, dict) or "value" not in entry:
            self.skipped.append(f"{where}: not a result (no value)")
            return
        dataset = _table(entry, "dataset")
        ours = parse_notes(entry.get("notes"))
        if "id" in ours and "value_text" in ours:  # exported by starter: the paper's claim
            self.add(ours, where, ours["id"])
            return
        task = str(dataset.get("task_id") or dataset.get("config") or "")
        fields = {
            "value_text": _number_text(entry["value"]),
            "metric": task or str(dataset.get("id") or "result"),
            "dataset": dataset.get("id"),
            "split": dataset.get("split"),
        }
        self.add(fields, where, task or str(dataset.get("id") or "result"))

    def model_index(self, result: Any, where: str) -> None:
        if not isinstance(result, dict):
            self.skipped.append(f"{where}: not a result")
            return
        dataset = _table(result, "dataset")
        source = _table(result, "source")
        for number, metric in enumerate(result.get("metrics") or [], start=1):
            if not isinstance(metric, dict) or "value" not in metric:
                self.skipped.append(f"{where}, metric {number}: no value")
                continue
            kind = str(metric.get("type") or metric.get("name") or "metric")
            fields: dict[str, Any] = {
                "value_text": _number_text(metric["value"]),
                "metric": metric.get("name") or kind,
                "dataset": dataset.get("name") or dataset.get("type"),
                "split": dataset.get("split"),
            }
            paper = _PAPER.search(str(source.get("name") or ""))
            if paper:  # exported by starter: the source names the paper's number
                fields.update(id=kind, value_text=paper["text"], source=paper["where"])
                fields["unit"] = paper["unit"].strip() or None
            self.add(fields, f"{where}, metric {number}", kind)


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _list(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


# "<who>, <where>: paper reports <value as printed><unit>" (report/export/hf.py).
_PAPER = re.compile(r"^[^,]*, (?P<where>.*): paper reports (?P<text>-?[0-9][^\s%]*)(?P<unit>.*)$")


def _number_text(value: Any) -> str | None:
    """A card's value as text: numbers as written; "20.0 ± 1.2" keeps its first number."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    match = re.match(r"\s*(-?[0-9.]+(?:[eE][-+]?[0-9]+)?)\s*(%?)", str(value))
    return (match.group(1) + match.group(2)) if match else None


def import_claims(card: Path, card_toml: Path) -> tuple[list[Claim], list[str], CardClaims]:
    """`starter claim import`: add the card's claims to paper.toml as drafts; returns the
    claims added, the ids already there (left as they are) and what was read."""
    from starter.papers import edit
    from starter.papers.card import load_card

    read = read_claims(card)
    present = {c.id for c in load_card(card_toml).claims}
    added, kept = [], []
    for claim in read.claims:
        if claim.id in present:
            kept.append(claim.id)
            continue
        added.append(edit.add_claim(card_toml, claim))
    return added, kept, read
