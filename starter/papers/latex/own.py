"""Which cells of a table are the paper's own method's: rows (or columns) named after the
method or marked as the paper's own, base models shown with the method added, a table about
the method alone, or, when no name says, the bold row or the uncited rows after the
baselines."""

from __future__ import annotations

import re
from collections import Counter

from starter.papers.latex.names import _name_like, is_ours, less_specific, name_in, names_in
from starter.papers.latex.tables import Row, Table


def _row_own(table: Table, row: Row, names: list[str]) -> str | None:
    label = f"{row.label} {row.context}"
    if _BASELINE.search(row.label):
        return None  # "Our baseline": the paper's, but the baseline its method improves on
    if is_ours(label):
        return "a row marked as the paper's own"
    if row.cited or _BASELINE.search(label):
        return None
    if names and names_in(row.label, names):
        return "a row named after the method"
    if row.group and is_ours(row.group):
        return "a row under the paper's own heading"  # "Our methods with Fisher vectors"
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
    keep = _specific(
        {id(r): f"{r.label} {r.context} {r.group or ''}" for r in table.rows if reasons[id(r)]},
        names,
    )
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
            if not _BASELINE.search(row.label):  # "Our baseline" beside "Attention"
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
    first = first_sentence(table.caption)
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


STEP = "a step building up the method"


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
                out.update({id(c): STEP for c in rows[j].cells})
            j -= 1
    return out


# A row (or, with methods as columns, a column) that takes a part of the method away.
ABLATION = re.compile(
    r"\bw/o\b|\bwithout\b|\bablat|\bonly\b|^\s*[-–−]\s*\w|\bno\s+\w|\bremov|\breplac"
    r"|(?<=\w)\s+[-−](?=[a-z])",  # "Lattice -cl,ovr": the method less some of its parts
    re.I,
)


def first_sentence(caption: str | None) -> str:
    return re.split(r"(?<=[.:])\s", caption or "", maxsplit=1)[0]
