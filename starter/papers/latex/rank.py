"""Rank what a reimplementer most likely wants: the paper's own method (rows named after
the method, "Ours", the bold row) in the main table, then the abstract's numbers, then the
method elsewhere; baselines copied from other papers come last."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from starter.papers.latex.names import _name_like, is_ours, less_specific, name_in, names_in
from starter.papers.latex.numbers import Printed
from starter.papers.latex.sentences import Statement
from starter.papers.latex.tables import Cell, Row, Table

SETTING = re.compile(
    r"#|\bparam|\bsize\b|\bsteps?\b|\bepochs?\b|\blayers?\b|\bbatch|\bdims?\b|\bwidth\b|"
    r"\bhidden\b|\bvocab|\blearning rate\b|\blr\b|"
    r"\bdepth\b|\bheads?\b|\bseeds?\b|(?<![\w-])shots?\b",
    re.I,
)
# A header that is one symbol (N, h, d_model, P_drop): a hyperparameter; but P, R and F
# alone are precision, recall and F-score, μ alone a mean, and r and ρ alone Pearson's and
# Spearman's correlations.
SYMBOL = re.compile(r"^(?:[a-qs-zα-λν-πσ-ωϵ]|[A-Z](?=_)|[A-EG-OQS-Z])(?:_\w{1,8})?$")
# A column of spreads beside a column of means ("μ" then "σ"): not a result of its own.
SPREAD_HEADER = re.compile(
    r"^(?:σ|std\.?|s\.?d\.?|stdev|std\.? dev\.?|standard deviation|±)$", re.I
)


@dataclass(frozen=True)
class Candidate:
    """One number that could become a claim, with why it ranks where it does."""

    number: Printed
    pos: int
    part: str  # "table", "abstract" or "conclusion"
    tier: int
    reason: str
    table: Table | None = None
    row: Row | None = None
    cell: Cell | None = None
    column: str = ""
    statement: Statement | None = None
    also: tuple[str, ...] = ()  # other places that print the same number
    preference: int = 0  # which of the method's names its row has (0: the first)


def _row_own(table: Table, row: Row, names: list[str]) -> str | None:
    label = f"{row.label} {row.context}"
    if is_ours(label):
        return "a row marked as the paper's own"
    if names and names_in(row.label, names) and not row.cited and not _BASELINE.search(label):
        return "a row named after the method"
    return None


# A row that says it is a baseline ("Baseline: FCOS-3D"), even one named after the method.
_BASELINE = re.compile(r"\bbaselines?\b", re.I)


def _specific(labels: dict[int, str], names: list[str]) -> set[int]:
    """Of the rows (or columns) by key whose label names the method, the ones named most
    specifically: "DeepSeek-V3" and not "DeepSeek-V2" when the names are "deepseek" and
    "deepseek v3"; a label marked as the paper's own always stays."""
    matched = {key: name_in(text, names) for key, text in labels.items()}
    weaker = less_specific({name for name in matched.values() if name})
    return {
        key
        for key, name in matched.items()
        if is_ours(labels[key]) or (name is not None and name not in weaker)
    }


def _column_own(table: Table, col: int, names: list[str], deepest: bool = False) -> bool:
    header = table.header_for(col)
    header = header.split(" / ")[-1] if deepest else header
    return bool(header) and (is_ours(header) or (bool(names) and names_in(header, names)))


def _setting(table: Table, cell: Cell) -> bool:
    header = table.header_for(cell.col, cell.span)
    last = header.split(" / ")[-1] if header else ""
    return (
        "italic" in cell.styles
        or cell.number is None
        or cell.number.suffix in ("K", "M", "B", "G", "T")
        or bool(SETTING.search(last or ""))
        or bool(SYMBOL.match(last.strip()))
        or bool(SPREAD_HEADER.match(last.strip()))
        or (cell.number.value == 1 and bool(_RELATIVE.search(header or "")))
    )


# A column relative to a reference row: its "1.00" is the reference by definition.
_RELATIVE = re.compile(r"speed-?up|relative|normali[sz]ed|ratio|\bvs\.?\s", re.I)


def own_cells(
    table: Table, names: list[str], fallback: bool, caption_names: bool = True
) -> dict[int, str]:
    """{id(cell): reason} for the cells of the paper's own method in a table: rows (or, in a
    table whose methods are its columns, columns) named after the method or marked as
    the paper's own; without any, a table about the method alone (its caption names the
    method and no row cites another paper); and with `fallback`, the bold row or column,
    or the uncited rows after the baselines."""
    out: dict[int, str] = {}
    reasons = {id(row): _row_own(table, row, names) for row in table.rows}
    keep = _specific({id(r): f"{r.label} {r.context}" for r in table.rows if reasons[id(r)]}, names)
    for row in table.rows:
        reason = reasons[id(row)]
        if reason and id(row) in keep:
            out.update({id(c): reason for c in row.cells})
    if not out:
        columns = {c.col for row in table.rows for c in row.cells}
        own_columns = {j for j in columns if _column_own(table, j, names)}
        own_columns &= _specific({j: table.header_for(j) for j in own_columns}, names)
        # A name in the column's own header beats one in a header spanning several
        # ("XMLC" over both "HSM" and "PLT": the PLT columns are the method's).
        deepest = {j for j in own_columns if _column_own(table, j, names, deepest=True)}
        own_columns = deepest or own_columns
        for row in table.rows:
            if row.cited:
                continue
            out.update(
                {
                    id(c): "a column named after the method"
                    for c in row.cells
                    if c.col in own_columns
                }
            )
    if not out and fallback:
        out = _with_the_method(table)
    if not out and caption_names and _about_the_method(table, names):
        for row in table.rows:
            out.update({id(c): "a table of the method's own results" for c in row.cells})
    if not out and fallback:
        out = _bold_line(table)
    if not out and fallback:
        cited = any(r.cited for r in table.rows)
        for row in table.rows:
            if cited and not row.cited and row.block == table.last_block:
                out.update({id(c): "an uncited row after the baselines" for c in row.cells})
    return _build_up(table, out)


def _with_the_method(table: Table) -> dict[int, str]:
    """The rows that add one same thing to several of the table's other rows ("Falcon-7b"
    and "Falcon-7b-refined", "Mistral-7b" and "Mistral-7b-refined"): base models shown
    without and with the paper's method."""
    labels = {id(r): r.label.strip() for r in table.rows if r.label.strip() and not r.cited}
    added: dict[str, list[int]] = {}
    for base in set(labels.values()):
        for key, label in labels.items():
            rest = label[len(base) :]
            if label.startswith(base) and rest[:1] in ("-", "+", " ", "_", "(", "/"):
                what = " ".join(re.findall(r"[a-z0-9]+", rest.lower()))
                if what and len(what.split()) <= 3 and not _SIZE.match(what):
                    added.setdefault(what, []).append(key)
    best = max(added.values(), key=len, default=[])
    if len(best) < 2 or any(ABLATION.search(labels[k]) for k in best):
        return {}
    return {
        id(c): "a base model with the method added"
        for r in table.rows
        if id(r) in best
        for c in r.cells
    }


# What tells one size of a model from another, not a method added to it.
_SIZE = re.compile(
    r"^(?:\d+(?:\.\d+)?\s*[kmbt]?|small|base|large|xl|xxl|tiny|medium|big|huge|mini|uncased|cased"
    r"|v\d+|\d+\s*(?:layers?|shot|shots))$"
)


def _about_the_method(table: Table, names: list[str]) -> bool:
    """A table whose caption names the method, with no row naming another method."""
    if not names or any(r.cited for r in table.rows) or not table.caption:
        return False
    first = _first_sentence(table.caption)
    if not (names_in(first, names) or is_ours(first)):
        return False
    methods = [r for r in table.rows if r.label and _name_like(r.label.split()[0])]
    return len(methods) <= len(table.rows) // 2


def _bold_line(table: Table) -> dict[int, str]:
    """The one row, or the one column, printing most of the table's bold numbers (the paper
    sets its own method's results in bold), when no name says which is the method's."""
    cells = [c for r in table.rows for c in r.cells]
    bold = [c for c in cells if "bold" in c.styles]
    if len(bold) < 2 or len(bold) * 2 > len(cells) + 1:
        return {}
    by_row = Counter(id(r) for r in table.rows for c in r.cells if "bold" in c.styles)
    by_col = Counter(c.col for c in bold)
    row_id, row_hits = by_row.most_common(1)[0]
    col, col_hits = by_col.most_common(1)[0]
    if col_hits >= row_hits and col_hits * 3 >= len(bold) * 2 and col_hits >= 2:
        return {
            id(c): "the column with the bold results"
            for r in table.rows
            if not r.cited
            for c in r.cells
            if c.col == col
        }
    row = next(r for r in table.rows if id(r) == row_id)
    if row_hits * 3 >= len(bold) * 2 and not row.cited:
        return {id(c): "the row with the bold results" for c in row.cells}
    # One bold row per section of the table (a dataset each): the method's row in each.
    whole = [
        r for r in table.rows
        if len(r.cells) >= 2 and not r.cited and all("bold" in c.styles for c in r.cells)
    ]  # fmt: skip
    if (
        whole
        and len(whole) * 3 <= len(table.rows)
        and sum(len(r.cells) for r in whole) * 3 >= len(bold) * 2
    ):
        return {id(c): "a row with all its results bold" for r in whole for c in r.cells}
    return {}


_STEP = "a step building up the method"


def _build_up(table: Table, out: dict[int, str]) -> dict[int, str]:
    """With the method's row written as the last step of a build-up ("+ copying" under
    "+ face attention" under "+ weighted RoBERTa"), the steps before it in its section are
    the method's too: each adds a part of the final model."""
    rows = list(table.rows)
    for i, row in enumerate(rows):
        if not (row.cells and id(row.cells[0]) in out and row.label.lstrip().startswith("+")):
            continue
        j = i - 1
        while j >= 0 and rows[j].label.lstrip().startswith("+") and rows[j].block == row.block:
            if not rows[j].cited:
                out.update({id(c): _STEP for c in rows[j].cells})
            j -= 1
    return out


# A row (or, with methods as columns, a column) that takes a part of the method away.
ABLATION = re.compile(
    r"\bw/o\b|\bwithout\b|\bablat|\bonly\b|^\s*[-–−]\s*\w|\bno\s+\w|\bremov|\breplac", re.I
)


# A caption that presents a study of the method's parts or settings, not its results.
_STUDY = re.compile(
    r"\b(?:ablations?|variations?|variants? of|effect of|impact of|influence of|sensitivity)\b",
    re.I,
)


# A caption of a table of settings or data, not results: its numbers are never claims.
_SETTINGS = re.compile(
    r"\bhyper-?param\w*|\bstatistics\b|"
    r"\b(?:implementation|training|dataset|experimental)\s+(?:details|settings|setup)\b|"
    r"^\W*(?:settings|configurations?)\b",
    re.I,
)


def _first_sentence(caption: str | None) -> str:
    return re.split(r"(?<=[.:])\s", caption or "", maxsplit=1)[0]


def rank(
    tables: list[Table],
    abstract: list[Statement],
    conclusion: list[Statement],
    names: list[str],
    refs: dict[str, int] | None = None,
    limit: int = 15,
    guessed_names: bool = False,
) -> list[Candidate]:
    """Every number found, best first: the method's numbers in the main table (spread over
    its sections when there are more than `limit`), the abstract's, the method's elsewhere,
    then ablations, settings and baselines. With `guessed_names` (the title's words, as the
    paper names no method), a table holding rows of those names is weaker evidence of the
    main one."""
    named = any(own_cells(t, names, False) for t in tables)
    owned = {t.index: own_cells(t, names, not named) for t in tables}
    in_abstract = {s.number.text for s in abstract}
    body = [t for t in tables if not t.in_appendix and any(r.cells for r in t.rows)]
    first = min(abstract, key=lambda s: s.pos).number.text if abstract else None
    scores = _table_scores(body, owned, in_abstract, refs or {}, first, guessed_names)
    main = max(body, key=lambda t: scores[t.index], default=None)
    found: list[Candidate] = []
    table_texts: dict[str, str] = {}
    for table in tables:
        mine = owned[table.index]
        settings_table = bool(_SETTINGS.search(_first_sentence(table.caption)))
        for row in table.rows:
            for cell in row.cells:
                assert cell.number is not None
                reason = mine.get(id(cell))
                is_main = main is not None and table.index == main.index
                setting = _setting(table, cell) or settings_table
                column = table.header_for(cell.col, cell.span)
                line = column if "column" in (reason or "") else row.label
                ablation = bool(reason) and (
                    bool(ABLATION.search(line or "")) or bool(_STUDY.search(table.caption or ""))
                )
                if reason and is_main and not ablation:
                    tier = 3 if setting else 0
                elif reason and not table.in_appendix and not ablation:
                    tier = 2 if not setting else 4
                elif reason and not setting:
                    tier = 4
                else:
                    tier = 5 if is_main and not setting else 6
                why = (
                    (reason or "a baseline or an uncredited row")
                    + (", main table" if is_main else "")
                    + (", an ablation" if ablation else "")
                )
                preference = _preference(line if reason else "", names)
                if reason == _STEP:  # the final model's row first, then its steps
                    preference = len(names) + 1
                candidate = Candidate(
                    cell.number, cell.pos, "table", tier, why, table, row, cell, column,
                    preference=preference,
                )  # fmt: skip
                found.append(candidate)
                if reason and not ablation and cell.number.text not in table_texts:
                    table_texts[cell.number.text] = f"{id(candidate)}"
    merged: dict[str, list[str]] = {}
    for statement in abstract + conclusion:
        key = statement.number.text
        if key in table_texts and statement.part == "abstract":
            merged.setdefault(table_texts[key], []).append("Abstract")
            continue
        tier = 1 if statement.part == "abstract" else 3
        found.append(
            Candidate(
                statement.number,
                statement.pos,
                statement.part,
                tier,
                f"stated in the {statement.part}",
                column=statement.metric,
                statement=statement,
            )
        )
    out = []
    for candidate in found:
        also = tuple(merged.get(str(id(candidate)), ()))
        if also:
            from dataclasses import replace

            candidate = replace(candidate, also=also)
        out.append(candidate)
    turns = _turns([c for c in out if c.tier == 0], limit)
    out.sort(
        key=lambda c: (
            c.tier,
            c.preference if c.tier == 0 else 0,
            turns.get(id(c), 0),
            # the method's numbers elsewhere: the next most main-like table first
            -scores.get(c.table.index, -99.0) if c.table and c.tier == 2 else 0.0,
            c.table.index if c.table else -1,
            c.pos,
        )
    )
    return out


def _preference(label: str, names: list[str]) -> int:
    """0 for a row marked as the paper's own or named with its first name (the one the
    paper most often calls its proposed method), else the rank of the name it has."""
    if not label or is_ours(label):
        return 0
    name = name_in(label, names)
    return names.index(name) if name in names else len(names)


def _turns(headline: list[Candidate], limit: int) -> dict[int, int]:
    """When the main table holds more of the method's numbers than `limit`, take them in
    turns from each of its sections (a group of rows, or the top header over columns), so
    the first drafts cover the whole table instead of exhausting its first part."""
    if len(headline) <= limit:
        return {}
    sections: dict[str, list[Candidate]] = {}
    for c in sorted(headline, key=lambda c: c.pos):
        assert c.row is not None
        by_column = "column" in c.reason
        key = (c.row.group or "") if by_column else (c.column or "").split(" / ")[0]
        sections.setdefault(key, []).append(c)
    if len(sections) < 2:
        return {}
    return {id(c): turn for items in sections.values() for turn, c in enumerate(items)}


# Words of a caption that say what kind of table it is.
_RESULTS = re.compile(
    r"\b(?:results?|comparison|compared|compare|state[- ]of[- ]the[- ]art|performance|benchmarks?|"
    r"accuracy|evaluation|main)\b",
    re.I,
)
_NOT_MAIN = re.compile(
    r"\b(?:ablations?|effect of|impact of|influence of|hyper-?parameters?|statistics|"
    r"examples?|architecture|configurations?|sensitivity|variants?|details|"
    r"different(?![^.,;]{0,40}\b(?:methods|models|approaches|algorithms|baselines|systems|"
    r"techniques|works|detectors|networks)\b)|"
    r"characteristics|describ\w*|experience|settings?|(?:class|label|data|dataset)\s+distributions?)\b",
    re.I,
)


# A caption saying the paper's method does better: "Our approach consistently outperforms".
_OURS_BETTER = re.compile(
    r"\b(?:our|the proposed)\s+(?:\w+\s+){0,3}?(?:\w+\s+)?(?:outperforms?|beats?|surpass\w*|"
    r"achieves?|improves?|is\s+(?:better|best|superior))\b",
    re.I,
)

# The split a table reports: the test set's results are the paper's final ones.
_TEST = re.compile(r"\btest(?:ing)?\s+(?:set|split|data)\b", re.I)
_VALIDATION = re.compile(r"\b(?:validation|val|dev|development)\s+(?:set|split|data)\b", re.I)


def _table_scores(
    body: list[Table], owned: dict[int, dict[int, str]], in_abstract: set[str],
    refs: dict[str, int], first: str | None = None, guessed_names: bool = False,
) -> dict[int, float]:  # fmt: skip
    """{table index: how much it looks like the paper's main results}: the abstract
    repeats its numbers (its first number above all), it holds the method's numbers, the
    text refers to it most, its caption says results or comparison (not ablation or
    statistics), test rather than validation, and it comes early."""
    scores: dict[int, float] = {}
    order = 0
    for table in body:
        mine = owned[table.index]
        hits = sum(
            1
            for row in table.rows
            for c in row.cells
            if c.number is not None
            and c.number.text in in_abstract
            and ("." in c.number.text or len(c.number.text) > 2)
        )
        own_hits = sum(
            1 for row in table.rows for c in row.cells if id(c) in mine and c.number is not None
            and c.number.text in in_abstract and ("." in c.number.text or len(c.number.text) > 2)
        )  # fmt: skip
        headline = first is not None and any(
            id(c) in mine and c.number is not None and c.number.text == first
            for row in table.rows
            for c in row.cells
        )
        caption = table.caption or ""
        score = 4.0 * min(own_hits, 3) + 2.0 * min(hits - own_hits, 2)
        score += 3.0 if headline else 0.0  # the abstract's first number: its headline
        score += (2.0 if guessed_names else 6.0) if mine else 0.0
        score += 2.0 if _OURS_BETTER.search(caption) else 0.0
        score += min(3, refs.get(table.label or "", 0))
        score += 1.0 if _RESULTS.search(caption) else 0.0
        score -= 3.0 if _NOT_MAIN.search(caption) else 0.0
        score += 1.5 if _TEST.search(caption) else -1.0 if _VALIDATION.search(caption) else 0.0
        score -= 1.5 * order
        if mine:
            order += 1
        scores[table.index] = score
    return scores
