"""Read the tables of a document: every tabular in a table float (or on its own) as rows
of cells, with column headers (all header rows joined), row labels, groups, caption,
\\label, table number, and where each number is printed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from starter.papers.latex import parse
from starter.papers.latex.cells import Cell, _grid, _raw_rows, paren_pairs, part_name
from starter.papers.latex.columns import primary_column, text_columns, unfold
from starter.papers.latex.expand import Document
from starter.papers.latex.headers import (
    first_group_from_header,
    header_again,
    join_headers,
    number_header,
    threshold_header,
)

FLOATS = ("table", "table*", "sidewaystable", "sidewaystable*", "wraptable", "SCtable")
FIGURES = ("figure", "figure*", "wrapfigure")
TABULARS = (
    "tabular",
    "tabular*",
    "tabularx",
    "tabulary",
    "longtable",
    "NiceTabular",
    "tabu",
    "longtabu",
)
_BEGIN = re.compile(r"\\begin\s*\{(?P<name>[A-Za-z]+\*?)\}")


# Footnote marks after a row's label ("Ours^1", "BERT†"); an exponent (2^15) is kept.
_MARK = re.compile(r"(?<![\d\s])\s*\^\s*(?:\{[^{}]*\}|\S+)|(?<=\s)\^\S+|[†‡§¶∗⋆★□■]")


@dataclass(frozen=True)
class Row:
    """A data row: its label (the main text column), the other text cells, its group (a
    row that names the rows below it), its cells, and the column headers over it when a
    header row repeated inside the table renames the columns for the rows below."""

    label: str
    context: str
    group: str | None
    cited: bool
    block: int
    cells: tuple[Cell, ...]
    pos: int
    headers: tuple[str, ...] = ()


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

    def header_for(self, col: int, span: int = 1, row: Row | None = None) -> str:
        """The header over columns col..col+span-1 (the parts all of them share), as the
        row below a repeated header row reads it."""
        headers = row.headers if row is not None and row.headers else self.headers
        if span <= 1:
            return headers[col] if col < len(headers) else ""
        parts = [p.split(" / ") for p in headers[col : col + span]]
        if not parts:
            return ""
        shared = []
        for index, part in enumerate(parts[0]):
            if all(len(p) > index and p[index] == part for p in parts):
                shared.append(part)
            else:
                break
        return " / ".join(shared)

    def column_of(self, cell: Cell, row: Row) -> str:
        """The header of a cell's number; of two numbers in one cell, the one it names."""
        header = self.header_for(cell.col, cell.span, row)
        if any(other is not cell and other.col == cell.col for other in row.cells):
            return part_name(header, cell)
        return header


def find_tables(doc: Document, cited: dict[str, int] | None = None) -> list[Table]:
    """Every table of the document body, in order; `cited`: references(doc.text)."""
    body = doc.text[: doc.body_end]
    start = doc.body_start
    floats = _regions(body, start, FLOATS)
    figures = _regions(body, start, FIGURES)
    # A figure holding table floats side by side: the tables are read as floats.
    figures = [(b, e) for b, e in figures if not any(b <= f < e for f, _ in floats)]
    tables: list[Table] = []
    counter = 0
    cited = references(doc.text) if cited is None else cited
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
        previous = 0
        labels_after = len(labels) >= len(tabulars) > 1 and all(
            n.pos > tabulars[0].pos for n in labels
        )
        for index, tab in enumerate(tabulars):
            caption_node = captions[min(index, len(captions) - 1)] if captions else None
            caption = _caption_text(caption_node)
            label = _label(labels, caption_node, cited)
            if len(tabulars) > 1:
                # Subtables labelled one by one: the label just before each tabular, or,
                # with a caption and label under each (minipages side by side), after it.
                own = [n for n in labels if previous <= n.pos < tab.pos]
                if labels_after:
                    following = tabulars[index + 1].pos if index + 1 < len(tabulars) else end
                    own = [n for n in labels if tab.pos + tab.len <= n.pos < following][:1]
                label = _label(own[-1:], None) or label
                previous = tab.pos + tab.len
            number = numbers[min(index, len(numbers) - 1)] if numbers else None
            table = _table(doc, tab, begin, len(tables), number, label, caption)
            if table is not None:
                tables.append(table)
    tables += _figure_tables(doc, figures, len(tables))
    # Tabulars outside any float are read too.
    inside = floats + figures
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


def _figure_tables(doc: Document, figures: list[tuple[int, int]], first: int) -> list[Table]:
    """Tabulars of numbers inside figures (one beside a plot, numbered by hand); only the
    tabulars and the caption are parsed, not the drawings around them."""
    from starter.papers.latex.expand import _braced

    out: list[Table] = []
    for begin, end in figures:
        region = doc.text[begin:end]
        spans = _regions(region, 0, TABULARS)
        if not spans or "\\includegraphics" in "".join(region[b:e] for b, e in spans):
            continue
        caption = ""
        found = re.search(r"\\caption(?:of)?\*?\s*(?:\[[^\]]*\])?\s*\{", region)
        if found:
            close = _braced(region, found.end())
            if close > 0:
                caption = parse.to_text(parse.parse(region[found.end() : close - 1]))
        labels = [(m.start(), m.group(1)) for m in re.finditer(r"\\label\s*\{([^{}]*)\}", region)]
        last = re.sub(r"\s+", "", labels[-1][1]) if labels else None
        previous = 0
        for b, e in spans:
            # A subfigure's own label comes before its tabular; else the figure's label.
            own = [name for at, name in labels if previous <= at < b]
            label = re.sub(r"\s+", "", own[-1]) if own else last
            previous = e
            text = region[b:e]
            if len(re.findall(r"\d", text)) < 4 or "&" not in text:
                continue
            for tab in _tabulars(parse.parse(text))[:1]:
                table = _table(doc, tab, begin + b, first + len(out), None, label, caption)
                if table is not None and sum(len(r.cells) for r in table.rows) >= 4:
                    out.append(table)
    return out


def _caption_text(node: Any) -> str:
    given = [a for a in parse.args(node) if a is not None] if node is not None else []
    return parse.to_text([given[-1]]) if given else ""


def _renumber(table: Table, index: int) -> Table:
    return replace(table, index=index)


def _label(labels: list[Any], caption: Any, cited: dict[str, int] | None = None) -> str | None:
    """The \\label after the caption (one before it labels the section), else the first;
    of labels side by side (`\\label{a}\\label{b}`), the one the text refers to most."""
    names = [(n.pos, n.pos + n.len, parse.text_of_arg(n, len(parse.args(n)) - 1)) for n in labels]
    names = [(pos, end, re.sub(r"\s+", "", name)) for pos, end, name in names if name.strip()]
    if not names:
        return None
    first = 0
    if caption is not None:
        first = next((i for i, (pos, _, _) in enumerate(names) if pos > caption.pos), 0)
    run = [names[first]]
    for item in names[first + 1 :]:
        if item[0] - run[-1][1] > 2:
            break
        run.append(item)
    if cited and len(run) > 1:
        return max(run, key=lambda item: cited.get(item[2], 0))[2]
    return run[0][2]


def references(text: str) -> dict[str, int]:
    """How many times the text refers to each label (\\ref, \\cref{a,b}, \\autoref, ...)."""
    counts: dict[str, int] = {}
    for group in re.findall(r"\\(?:[cCvV]?ref|autoref|nameref|subref)\*?\s*\{([^{}]*)\}", text):
        for label in group.split(","):
            key = re.sub(r"\s+", "", label)
            counts[key] = counts.get(key, 0) + 1
    return counts


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
        tabular = parse.kind(node) == "env" and node.environmentname in TABULARS
        if tabular and not _wrapper(node):
            found.append(node)
            continue
        stack.extend(reversed(parse.children(node)))
    return found


def _wrapper(node: Any) -> bool:
    """A tabular that only sets tabulars side by side (`\\begin{tabular}{ll}` around an
    accuracy and a forgetting tabular): its inner tabulars are the tables."""
    inner = _tabulars(list(node.nodelist or []))
    if not inner:
        return False
    text = node.latex_verbatim()
    for table in inner:
        text = text.replace(table.latex_verbatim(), "")
    body = text[text.find("}", text.find("{", len("\\begin{"))) + 1 :]  # after the spec
    return not re.search(r"\d", re.sub(r"\\(?:begin|end)\{[^{}]*\}(?:\{[^{}]*\})?", "", body))


def _numeric_share(cells: list[Cell]) -> float:
    filled = [c for c in cells if c.text]
    if not filled:
        return 0.0
    return sum(1 for c in filled if c.number is not None) / len(filled)


def _is_group(cells: list[Cell], ncols: int, below_header: bool = False) -> bool:
    filled = [c for c in cells if c.text]
    if ncols < 3 or not filled or any(c.number is not None for c in filled):
        return False
    if len(filled) > 1:
        # "\multicolumn{5}{c|}{action-free} & \multicolumn{5}{c}{action-conditioned}" under
        # the header of a table printed in two halves: each half's section row
        return below_header and filled[0].col == 0 and all(c.span >= 3 for c in filled)
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
    grid = _grid(doc, _raw_rows([n for n in (tab.nodelist or []) if n is not None]), offset)
    if not grid:
        return None
    ncols = max(sum(c.span for c in cells if c.part == 0) for cells, _ in grid)
    first_block = grid[0][1]
    blocks = [block for _, block in grid]
    header_rows: list[list[Cell]] = []
    body: list[tuple[list[Cell], int, str | None]] = []
    group: str | None = None
    in_header = True
    repeated: list[list[Cell]] = []  # a header row again, below some rows
    renamed: dict[int, tuple[str, ...]] = {}
    current: tuple[str, ...] = ()
    for at, (cells, block) in enumerate(grid):
        # "\multicolumn{4}{c}{ROUGE-1}" above "System & Recall & Prec. & F1": a title over
        # the columns, not a group of rows
        titled = at == 0 and len(grid) > 2 and _numeric_share(grid[1][0]) < 0.5
        if not titled and _is_group(cells, ncols, bool(header_rows)):
            group = next(c.text for c in cells if c.text)
            continue
        if not in_header and header_again(cells, ncols):
            repeated.append(cells)
            continue
        if repeated:
            current, _ = join_headers(repeated, ncols)
            repeated = []
        # A header: the rows before the first rule (when rules split the table), or the
        # leading rows without a number (headers stacked between two \toprule, say).
        leading = blocks.count(first_block)
        first = (
            len(set(blocks)) > 1
            and block == first_block
            and (
                _numeric_share(cells) < 0.5
                or (leading <= 2 and number_header(cells, grid))
                or (leading == 1 and threshold_header(cells))
            )
        )
        wordy = not any(c.number for c in cells) and len(header_rows) < 4
        lone = not header_rows and _numeric_share(cells) < 0.5
        # "Top & \multicolumn{2}{c}{5k} & \multicolumn{2}{c}{10k}": whole numbers spanning
        # several columns each name them (a measured value has a column of its own).
        spanned = [(c.span, c.number) for c in cells if c.number is not None]
        spanning = (
            len(header_rows) < 4
            and len(spanned) >= 2
            and all(span > 1 and isinstance(n.value, int) for span, n in spanned)
        )
        # "recall@K [%] & 1 & 2 & 5" below "Method: & 25k Pittsburgh": numbers naming columns.
        numbered = bool(header_rows) and len(header_rows) < 4 and number_header(cells, grid)
        if in_header and (first or wordy or lone or spanning or numbered) and at < len(grid) - 1:
            header_rows.append(cells)
            continue
        in_header = False
        body.append((cells, block, group))
        if current:
            renamed[id(cells)] = current
    body = first_group_from_header(header_rows, body)
    if not body:
        return None
    headers, header_styles = join_headers(header_rows, ncols)
    for cells, _, _ in body:
        paren_pairs(doc, cells, headers)
    text_cols = text_columns([cells for cells, _, _ in body], ncols)
    body, text_cols, halves = unfold(body, text_cols, headers)
    renamed.update(halves)
    primary = primary_column(body, text_cols, headers)
    rows = [
        replace(row, headers=renamed.get(id(cells), ()))
        for row, (cells, _, _) in zip(_rows(body, text_cols, primary), body, strict=True)
    ]
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


def _rows(
    body: list[tuple[list[Cell], int, str | None]], text_cols: list[int], primary: int
) -> list[Row]:
    rows: list[Row] = []
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
            elif j == primary and rows and rows[-1].block == block and rows[-1].label:
                # "MNIST & 1 & 5 & ..." then " & & 50 & ...": the same dataset, another setting
                texts[j] = rows[-1].label
        label = _MARK.sub("", texts.get(primary, "")).strip()
        context = ", ".join(t for j, t in sorted(texts.items()) if j != primary)
        cited = any("cite" in c.styles for c in cells if c.col in (text_cols or [primary]))
        values = tuple(c for c in cells if c.col not in text_cols and c.number is not None)
        pos = cells[0].pos if cells else 0
        rows.append(Row(label, context, group, cited, block, values, pos))
    return rows
