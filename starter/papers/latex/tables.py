"""Read the tables of a document: every tabular in a table float (or on its own) as rows
of cells, with column headers (all header rows joined), row labels, groups, caption,
\\label, table number, and where each number is printed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from starter.papers.latex import parse
from starter.papers.latex.expand import Document
from starter.papers.latex.numbers import Printed, read_cell

FLOATS = ("table", "table*", "sidewaystable", "sidewaystable*", "wraptable", "SCtable")
TABULARS = ("tabular", "tabular*", "tabularx", "tabulary", "longtable", "NiceTabular")
RULES = frozenset(
    "hline toprule midrule bottomrule cline cmidrule specialrule Xhline hhline hdashline "
    "cdashline addlinespace morecmidrules".split()
)
# Rules across the whole table: they end a block of rows (partial ones do not).
FULL_RULES = frozenset("hline toprule midrule bottomrule specialrule Xhline hdashline".split())
ROW_ENDS = frozenset(("\\", "tabularnewline", "cr", "endhead", "endfirsthead", "endfoot"))
_BEGIN = re.compile(r"\\begin\s*\{(?P<name>[A-Za-z]+\*?)\}")


_MARK = re.compile(r"\s*\^\s*(?:\{[^{}]*\}|\S+)|[†‡§¶∗⋆★□■]")


@dataclass(frozen=True)
class Cell:
    """One cell: its text, styles, first column and span, where it is in the document."""

    text: str
    col: int
    span: int
    styles: frozenset[str]
    pos: int
    rows: int = 1  # a \multirow's height
    number: Printed | None = None


@dataclass(frozen=True)
class Row:
    """A data row: its label (the main text column), the other text cells, its group (a
    row that names the rows below it) and its cells."""

    label: str
    context: str
    group: str | None
    cited: bool
    block: int
    cells: tuple[Cell, ...]
    pos: int


@dataclass(frozen=True)
class Table:
    index: int  # in document order
    number: int | None  # as LaTeX numbers it ("Table 2"); None without a caption
    label: str | None
    caption: str
    pos: int
    in_appendix: bool
    headers: tuple[str, ...]
    header_styles: tuple[frozenset[str], ...]
    rows: tuple[Row, ...]
    last_block: int
    label_columns: tuple[int, ...] = field(default=())

    def header_for(self, col: int, span: int = 1) -> str:
        """The header over columns col..col+span-1 (the parts all of them share)."""
        if span <= 1:
            return self.headers[col] if col < len(self.headers) else ""
        parts = [p.split(" / ") for p in self.headers[col : col + span]]
        if not parts:
            return ""
        shared = []
        for index, part in enumerate(parts[0]):
            if all(len(p) > index and p[index] == part for p in parts):
                shared.append(part)
            else:
                break
        return " / ".join(shared)


def find_tables(doc: Document) -> list[Table]:
    """Every table of the document body, in order."""
    body = doc.text[: doc.body_end]
    start = doc.body_start
    floats = _regions(body, start, FLOATS)
    tables: list[Table] = []
    counter = 0
    for begin, end in floats:
        region = body[begin:end]
        nodes = parse.parse(region)
        captions = [
            n
            for n in parse.walk(nodes)
            if parse.kind(n) == "macro" and n.macroname in ("caption", "captionof")
        ]
        tabulars = _tabulars(nodes)
        numbers = []
        for _ in captions[: max(1, len(tabulars))] or [None]:
            if captions:
                counter += 1
            numbers.append(counter if captions else None)
        labels = [
            n for n in parse.walk(nodes) if parse.kind(n) == "macro" and n.macroname == "label"
        ]
        for index, tab in enumerate(tabulars):
            caption_node = captions[min(index, len(captions) - 1)] if captions else None
            caption = _caption_text(caption_node)
            label = _label(labels, caption_node)
            number = numbers[min(index, len(numbers) - 1)] if numbers else None
            table = _table(doc, tab, begin, len(tables), number, label, caption)
            if table is not None:
                tables.append(table)
    # Tabulars in figures lay out images; the others, outside any float, are read too.
    inside = floats + _regions(body, start, ("figure", "figure*", "wrapfigure"))
    for begin, end in _regions(body, start, TABULARS):
        if any(b <= begin < e for b, e in inside):
            continue
        nodes = parse.parse(body[begin:end])
        for tab in _tabulars(nodes)[:1]:
            table = _table(doc, tab, begin, len(tables), None, None, "")
            if table is not None:
                tables.append(table)
    tables.sort(key=lambda t: t.pos)
    return [_renumber(t, i) for i, t in enumerate(tables)]


def _caption_text(node: Any) -> str:
    given = [a for a in parse.args(node) if a is not None] if node is not None else []
    return parse.to_text([given[-1]]) if given else ""


def _renumber(table: Table, index: int) -> Table:
    from dataclasses import replace

    return replace(table, index=index)


def _label(labels: list[Any], caption: Any) -> str | None:
    """The \\label after the caption (one before it labels the section), else the first."""
    names = [(n.pos, parse.text_of_arg(n, len(parse.args(n)) - 1)) for n in labels]
    names = [(pos, re.sub(r"\s+", "", name)) for pos, name in names if name.strip()]
    if not names:
        return None
    if caption is not None:
        after = [name for pos, name in names if pos > caption.pos]
        if after:
            return after[0]
    return names[0][1]


def _regions(text: str, start: int, names: tuple[str, ...]) -> list[tuple[int, int]]:
    """(begin, end) of each outermost environment named in `names`."""
    out: list[tuple[int, int]] = []
    pos = start
    while True:
        match = None
        for found in _BEGIN.finditer(text, pos):
            if found.group("name") in names:
                match = found
                break
        if match is None:
            return out
        name = match.group("name")
        end = _matching_end(text, match.end(), name)
        if end < 0:
            return out
        out.append((match.start(), end))
        pos = end


def _matching_end(text: str, pos: int, name: str) -> int:
    pattern = re.compile(r"\\(begin|end)\s*\{" + re.escape(name) + r"\}")
    depth = 1
    for match in pattern.finditer(text, pos):
        depth += 1 if match.group(1) == "begin" else -1
        if depth == 0:
            return match.end()
    return -1


def _tabulars(nodes: list[Any]) -> list[Any]:
    """The outermost tabular environments among the nodes."""
    found: list[Any] = []
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if parse.kind(node) == "env" and node.environmentname in TABULARS:
            found.append(node)
            continue
        stack.extend(reversed(parse.children(node)))
    return found


# ----------------------------------------------------------------------------- rows


def _has_structure(nodes: list[Any]) -> bool:
    for node in nodes:
        kind = parse.kind(node)
        if kind == "specials" and node.specials_chars == "&":
            return True
        if kind == "macro" and node.macroname in ROW_ENDS | RULES:
            return True
    return False


def _tokens(nodes: list[Any]) -> list[tuple[str, Any]]:
    """The tabular body as ("sep"|"row"|"rule"|"node", node) tokens."""
    out: list[tuple[str, Any]] = []
    skip_group = False
    for node in nodes:
        kind = parse.kind(node)
        if kind == "comment":
            continue
        if skip_group:
            if kind == "chars" and node.chars.strip().startswith("("):
                continue  # \cmidrule(lr){2-3}: the trim
            if kind == "group":
                skip_group = False
                continue
            if kind == "chars" and not node.chars.strip():
                continue
            skip_group = False
        if kind == "specials" and node.specials_chars == "&":
            out.append(("sep", node))
        elif kind == "macro" and node.macroname in ROW_ENDS:
            out.append(("row", node))
        elif kind == "macro" and node.macroname in RULES:
            out.append(("rule", node))
            skip_group = node.macroname == "cmidrule"
        elif kind == "group" and _has_structure(node.nodelist or []):
            out.extend(_tokens([n for n in node.nodelist if n is not None]))
        else:
            out.append(("node", node))
    return out


@dataclass
class _Raw:
    cells: list[list[Any]]
    block: int


def _raw_rows(nodes: list[Any]) -> list[_Raw]:
    rows: list[_Raw] = []
    cells: list[list[Any]] = [[]]
    block = 0
    since_rule = 0
    for token, node in _tokens(nodes):
        if token == "sep":
            cells.append([])
        elif token == "row":
            rows.append(_Raw(cells, block))
            since_rule += 1
            cells = [[]]
        elif token == "rule":
            if since_rule and node.macroname in FULL_RULES:
                block += 1
                since_rule = 0
        else:
            cells[-1].append(node)
    if any(_significant(c) for c in cells):
        rows.append(_Raw(cells, block))
    return rows


def _significant(nodes: list[Any]) -> bool:
    return any(not (parse.kind(n) == "chars" and not n.chars.strip()) for n in nodes)


def _cell(nodes: list[Any], col: int, offset: int) -> Cell:
    nodes = parse.visible(nodes)
    span = rows = 1
    content = nodes
    for _ in range(3):  # \multicolumn{2}{c}{\multirow{2}{*}{...}}
        if len(content) != 1 or parse.kind(content[0]) != "macro":
            break
        head = content[0]
        arguments = parse.args(head)
        if head.macroname == "multicolumn" and len(arguments) == 3:
            span = _int(parse.text_of_arg(head, 0), 1)
            content = [arguments[2]] if arguments[2] is not None else []
        elif head.macroname == "multirow" and arguments and arguments[-1] is not None:
            rows = abs(_int(parse.text_of_arg(head, 1), 1))
            content = parse.visible([arguments[-1]])
        else:
            break
    text = parse.to_text(content)
    digit = parse.first_digit(content)
    pos = digit if digit is not None else (nodes[0].pos if nodes else 0)
    styles = frozenset(parse.styles(nodes))
    return Cell(text, col, max(1, span), styles, offset + int(pos), rows, read_cell(text))


def _int(text: str, default: int) -> int:
    match = re.search(r"-?\d+", text)
    return int(match.group()) if match else default


def _grid(raw: list[_Raw], offset: int) -> list[tuple[list[Cell], int]]:
    grid = []
    for row in raw:
        cells, col = [], 0
        for nodes in row.cells:
            cell = _cell(nodes, col, offset)
            cells.append(cell)
            col += cell.span
        if any(c.text for c in cells):
            grid.append((cells, row.block))
    return grid


def _numeric_share(cells: list[Cell]) -> float:
    filled = [c for c in cells if c.text]
    if not filled:
        return 0.0
    return sum(1 for c in filled if c.number is not None) / len(filled)


def _is_group(cells: list[Cell], ncols: int) -> bool:
    filled = [c for c in cells if c.text]
    if ncols < 3 or len(filled) != 1 or filled[0].number is not None:
        return False
    return filled[0].col == 0 or filled[0].span * 2 >= ncols


def _table(
    doc: Document,
    tab: Any,
    offset: int,
    index: int,
    number: int | None,
    label: str | None,
    caption: str,
) -> Table | None:
    grid = _grid(_raw_rows([n for n in (tab.nodelist or []) if n is not None]), offset)
    if not grid:
        return None
    ncols = max(sum(c.span for c in cells) for cells, _ in grid)
    first_block = grid[0][1]
    blocks = {block for _, block in grid}
    header_rows: list[list[Cell]] = []
    body: list[tuple[list[Cell], int, str | None]] = []
    group: str | None = None
    in_header = True
    for cells, block in grid:
        if _is_group(cells, ncols):
            group = next(c.text for c in cells if c.text)
            continue
        # A header: the rows before the first rule (when rules split the table), or the
        # leading rows without a number (headers stacked between two \toprule, say).
        first = len(blocks) > 1 and block == first_block and _numeric_share(cells) < 0.5
        wordy = not any(c.number for c in cells) and len(header_rows) < 4
        if in_header and (first or wordy or (not header_rows and _numeric_share(cells) < 0.5)):
            header_rows.append(cells)
            continue
        in_header = False
        body.append((cells, block, group))
    if not body:
        return None
    headers, header_styles = _headers(header_rows, ncols)
    text_cols = _text_columns([cells for cells, _, _ in body], ncols)
    most = max((_filled(body, j) for j in text_cols), default=0)
    primary = next((j for j in text_cols if _filled(body, j) >= 0.6 * most), 0)
    rows = _rows(body, text_cols, primary)
    where = doc.where(offset)
    del where
    return Table(
        index=index,
        number=number,
        label=label,
        caption=caption,
        pos=offset,
        in_appendix=offset >= doc.appendix_start,
        headers=headers,
        header_styles=header_styles,
        rows=tuple(rows),
        last_block=max(block for _, block, _ in body),
        label_columns=tuple(text_cols) or (0,),
    )


def _headers(
    header_rows: list[list[Cell]], ncols: int
) -> tuple[tuple[str, ...], tuple[frozenset[str], ...]]:
    parts: list[list[str]] = [[] for _ in range(ncols)]
    marks: list[set[str]] = [set() for _ in range(ncols)]
    for cells in header_rows:
        for cell in cells:
            for j in range(cell.col, min(ncols, cell.col + cell.span)):
                if cell.text and (not parts[j] or parts[j][-1] != cell.text):
                    parts[j].append(cell.text)
                marks[j] |= cell.styles
    return tuple(" / ".join(p) for p in parts), tuple(frozenset(m) for m in marks)


def _filled(body: list[tuple[list[Cell], int, str | None]], col: int) -> int:
    return sum(1 for cells, _, _ in body for c in cells if c.col == col and c.text)


# What a table prints for "no value": "-", "–", "n/a", "?", "✗".
PLACEHOLDER = re.compile(r"^(?:[-–—−~∼?*✗×/]+|n/?a|none|—)$", re.I)


def _text_columns(rows: list[list[Cell]], ncols: int) -> list[int]:
    """Columns whose filled cells are mostly words: the row labels and their settings."""
    out = []
    for j in range(ncols):
        cells = [
            c
            for cells in rows
            for c in cells
            if c.col == j and c.text and not PLACEHOLDER.match(c.text.strip())
        ]
        if cells and sum(1 for c in cells if c.number is None) * 2 > len(cells):
            out.append(j)
    return out


def _rows(
    body: list[tuple[list[Cell], int, str | None]], text_cols: list[int], primary: int
) -> list[Row]:
    rows = []
    above: dict[int, tuple[str, int]] = {}  # column -> (text, rows it still covers)
    for cells, block, group in body:
        texts: dict[int, str] = {}
        for j in text_cols or [primary]:
            cell = next((c for c in cells if c.col == j), None)
            if cell is not None and cell.text:
                texts[j] = cell.text
                above[j] = (cell.text, cell.rows - 1 if j == primary else 10**6)
            elif j in above and above[j][1] > 0:
                texts[j] = above[j][0]
                above[j] = (above[j][0], above[j][1] - 1)
        label = _MARK.sub("", texts.get(primary, "")).strip()
        context = ", ".join(t for j, t in sorted(texts.items()) if j != primary)
        cited = any("cite" in c.styles for c in cells if c.col in (text_cols or [primary]))
        values = tuple(c for c in cells if c.col not in text_cols and c.number is not None)
        pos = cells[0].pos if cells else 0
        rows.append(Row(label, context, group, cited, block, values, pos))
    return rows
