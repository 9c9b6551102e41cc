"""Turn a paper's LaTeX source into draft claims: read the e-print, find its tables and
stated numbers, rank them, and write each as a claim marked `confidence = "draft"` with
its exact location (table, row, column; file and line)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, replace
from typing import Any

from starter.models import Aggregation, Claim, Paper, derive_claim_id
from starter.papers.latex.rank import Candidate

DEFAULT_LIMIT = 15
DRAFT = "draft"


@dataclass(frozen=True)
class Extraction:
    """What the source held: its kind ("tar", "tex", "pdf"), main file, the method's names,
    how many tables, the ranked numbers, and a one-line message when nothing can be drafted."""

    kind: str
    main: str | None = None
    names: tuple[str, ...] = ()
    tables: int = 0
    candidates: tuple[Candidate, ...] = ()
    seconds: float = 0.0
    message: str | None = None
    doc: Any = None

    def where(self, pos: int) -> tuple[str, int]:
        return self.doc.where(pos) if self.doc is not None else ("", 0)


@dataclass(frozen=True)
class Draft:
    """A draft claim, where it is printed, and what starter guessed about it."""

    claim: Claim
    file: str
    line: int
    notes: tuple[str, ...] = ()
    skipped: str | None = None  # why it was not added (already a claim)
    part: str = "table"  # "table", "abstract" or "conclusion"
    row: str | None = None
    column: str | None = None
    table_label: str | None = None


def read_source(data: bytes, title: str = "") -> Extraction:
    """Everything found in an e-print's bytes; never raises on malformed LaTeX (a hostile
    archive is an InputError)."""
    from starter.papers.latex import expand, mainfile, names, rank, sentences, tables, unpack

    started = time.perf_counter()
    source = unpack.unpack(data)
    if source.kind == "pdf":
        return Extraction("pdf", message="the e-print is a PDF: the paper has no LaTeX source")
    main = mainfile.find_main(source, title) or mainfile.parts_as_main(source)
    if main is None:
        return Extraction(source.kind, message="the e-print holds no LaTeX document")
    doc = expand.build(source, main)
    refs = tables.references(doc.text)
    found = tables.find_tables(doc, refs)
    abstract_at = sentences.abstract_region(doc)
    abstract = sentences.statements(doc, "abstract", abstract_at)
    conclusion = sentences.statements(doc, "conclusion", sentences.conclusion_region(doc))
    latex_title = _title(doc)
    intro = _intro(doc)
    method = names.method_names(
        doc, title or latex_title, sentences.region_text(doc, abstract_at), intro
    )
    guessed = not method  # the title's words stand in for a name the paper never gives
    if guessed:
        method = names.title_words(title or latex_title, doc)
    method += [a.lower() for a in doc.algorithms if a.lower() not in method]
    ranked = rank.rank(found, abstract, conclusion, method, refs, guessed_names=guessed)
    message = None
    if not any(r.cells for t in found for r in t.rows):
        message = "the source has no table with numbers" + (
            "" if ranked else " and no number with a metric in its abstract or conclusion"
        )
    return Extraction(
        source.kind,
        main,
        tuple(method),
        len(found),
        tuple(ranked),
        time.perf_counter() - started,
        message,
        doc,
    )


def _title(doc: Any) -> str:
    from starter.papers.latex import parse
    from starter.papers.latex.mainfile import title_argument

    given = title_argument(doc.text)
    return parse.to_text(parse.parse(given)) if given is not None else ""


def _intro(doc: Any) -> str:
    """The first section as rough plain text (enough to find the method's name; parsing
    it properly would cost more than the whole rest)."""
    match = re.search(r"\\section\*?\s*\{[^{}]*\}", doc.text[doc.body_start :])
    if not match:
        return ""
    start = doc.body_start + match.end()
    nxt = re.search(r"\\section\*?\s*\{", doc.text[start:])
    text = doc.text[start : start + min(nxt.start() if nxt else 6000, 20000)]
    text = re.sub(r"\\(?:cite\w*|ref|eqref|cref|Cref|label|url|footnote)\*?\s*\{[^{}]*\}", "", text)
    text = re.sub(r"\\(?:mathcal|mathbb|mathrm|mathbf|textbf|emph|textit|textsc)\b", "", text)
    return re.sub(r"\s+", " ", re.sub(r"\\[A-Za-z@]+\*?|[{}$~]", " ", text))


def extract(arxiv_id: str, *, offline: bool = False, title: str = "") -> Extraction:
    """Fetch the e-print of `arxiv_id` (through the cache) and read it."""
    from starter.papers.latex.fetch import fetch_eprint

    return read_source(fetch_eprint(arxiv_id, offline=offline), title)


# ----------------------------------------------------------------------------- claims


def drafts(extraction: Extraction, paper: Paper | None, limit: int | None) -> list[Draft]:
    """The top `limit` numbers (all with None) as draft claims with unique ids; the ones
    the card already holds are returned with `skipped` set (and not replaced by others)."""
    existing = list(paper.claims) if paper is not None else []
    taken = {c.id for c in existing}
    out: list[Draft] = []
    chosen = extraction.candidates if limit is None else extraction.candidates[:limit]
    for candidate in chosen:
        draft = _draft(extraction, candidate)
        own = candidate.part != "table" or "baseline" not in candidate.reason
        same = _already(draft.claim, existing, by_value=own)
        if same is not None:
            out.append(replace(draft, skipped=f"already claimed as {same}"))
            continue
        base = draft.claim.id
        claim_id, n = base, 2
        while claim_id in taken:
            claim_id, n = f"{base}-{n}", n + 1
        taken.add(claim_id)
        out.append(replace(draft, claim=replace(draft.claim, id=claim_id)))
    return out


def _already(claim: Claim, existing: list[Claim], by_value: bool) -> str | None:
    """The id of a claim in the card for the same number: a draft from the same place,
    or (for the method's own numbers) a reviewed claim of the same value and metric."""
    for other in existing:
        if other.source and other.source == claim.source and other.value_text == claim.value_text:
            return other.id
        if not by_value or other.confidence == DRAFT:
            continue
        if other.value is None or isinstance(other.value, tuple) or claim.value is None:
            continue
        if isinstance(claim.value, tuple) or float(other.value) != float(claim.value):
            continue
        if (other.unit and other.unit == claim.unit) or set(_words(other.metric)) & set(
            _words(claim.metric)
        ):
            return other.id
    return None


def _words(text: str | None) -> list[str]:
    return [w for w in re.findall(r"[a-z0-9]+", (text or "").lower()) if len(w) > 1]


def _unit(header: str, percent: bool) -> str | None:
    from starter.papers.latex.sentences import _METRIC

    if percent or "%" in header:
        return "%"
    for pattern, _, unit in _METRIC:
        if unit and unit not in ("x", "days", "hours") and pattern.search(header):
            return unit
    return None


def _runs(caption: str) -> int | None:
    match = re.search(r"(?:over|across|of|average of|mean of)\s+(\d+|five|three|ten)\s+"
                      r"(?:runs|seeds|trials|random seeds)", caption, re.I)  # fmt: skip
    if not match:
        return None
    word = match.group(1).lower()
    return {"three": 3, "five": 5, "ten": 10}.get(word) or int(word)


def _draft(extraction: Extraction, c: Candidate) -> Draft:
    from starter.papers.claims import guess_direction

    file, line = extraction.where(c.pos)
    number = c.number
    notes: list[str] = [c.reason]
    if c.part == "table" and c.table is not None and c.row is not None and c.cell is not None:
        table, row = c.table, c.row
        header = c.column
        own_column = "column named" in c.reason
        metric = (row.label if own_column else header) or header or row.label or "value"
        where = f"Table {table.number}" if table.number else "Table"
        if table.label:
            where += f" ({table.label})"
        details = ", ".join(x for x in (row.group, row.context) if x)
        source = f"{where}, row '{row.label}'" + (f" ({details})" if details else "")
        source += f", column '{header}'" if header else ""
        if c.also:
            source += "; " + "; ".join(c.also)
        setting = "; ".join(x for x in (row.label, row.group, row.context) if x) or None
        printed = c.cell.text
        evidence = f"{file} line {line}: '{printed}'"
        if table.caption:
            evidence += f" (caption: {table.caption[:120]})"
        looked_at = f"{header} {row.label}" if own_column else header
        unit = number.unit or _unit(looked_at, number.percent)
        aggregation = None
        if number.spread is not None:
            aggregation = Aggregation("mean", _runs(table.caption), number.spread)
            notes.append(f"± {number.spread_text} read as the sd over runs: check the caption")
    else:
        statement = c.statement
        assert statement is not None
        metric = statement.metric
        source = statement.part.capitalize()
        setting = None
        evidence = f"{file} line {line}: '{statement.sentence[:300]}'"
        looked_at = f"{statement.metric} {statement.unit or ''}"
        unit = statement.unit
        aggregation = None
    direction = guess_direction(looked_at)
    guessed = f"direction {direction or 'none'} and unit {unit or 'none'}"
    said = f"{guessed} guessed from '{looked_at.strip()}'"
    notes.append(said)
    evidence += f"; drafted by `starter claim extract` ({said}): review it"
    claim_id = derive_claim_id(metric, setting.split(";")[0] if setting else c.part)
    claim = Claim(
        id=claim_id,
        metric=metric,
        value=number.value,
        value_text=number.text,
        unit=unit,
        direction=direction,
        setting=setting,
        source=source,
        aggregation=aggregation,
        evidence=evidence,
        confidence=DRAFT,
    )
    if c.part == "table" and c.row is not None and c.table is not None:
        return Draft(claim, file, line, tuple(notes), None, "table", c.row.label, c.column,
                     c.table.label)  # fmt: skip
    return Draft(claim, file, line, tuple(notes), None, c.part)
