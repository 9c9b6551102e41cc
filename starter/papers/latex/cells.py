"""The rows and cells of a tabular: its body split at `&`, row ends and rules (a full
rule ends a block of rows), and each cell read as text, styles, span and the number it
prints (two for a cell printing "a / b")."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from starter.papers.latex import parse
from starter.papers.latex.expand import Document
from starter.papers.latex.numbers import Printed, read_cell, read_pair

RULES = frozenset(
    "hline toprule midrule bottomrule cline cmidrule specialrule Xhline hhline hdashline "
    "cdashline addlinespace morecmidrules Xcline noalign".split()
)
# Rules across the whole table: they end a block of rows (partial ones do not).
FULL_RULES = frozenset("hline toprule midrule bottomrule specialrule Xhline hdashline".split())
ROW_ENDS = frozenset(("\\", "tabularnewline", "cr", "endhead", "endfirsthead", "endfoot"))


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
    part: int = 0  # the second number of a cell printing "a / b" has part 1


def _has_structure(nodes: list[Any]) -> bool:
    for node in nodes:
        kind = parse.kind(node)
        if kind == "specials" and node.specials_chars == "&":
            return True
        if kind == "macro" and node.macroname in ROW_ENDS | RULES:
            return True
    return False


_SPACING = re.compile(r"^\s*\[\s*-?[\d.]*\s*(?:cm|mm|pt|em|ex|in|bp)?\s*\]")


def _after_row_end(node: Any) -> Any:
    """A text node without the "[0.3cm]" spacing that a row end "\\\\ [0.3cm]" takes."""
    match = _SPACING.match(node.chars)
    if match is None:
        return node
    from copy import copy

    trimmed = copy(node)
    trimmed.chars = node.chars[match.end() :]
    trimmed.pos = node.pos + match.end()
    return trimmed


def _tokens(nodes: list[Any]) -> list[tuple[str, Any]]:
    """The tabular body as ("sep"|"row"|"rule"|"node", node) tokens."""
    out: list[tuple[str, Any]] = []
    skip_group = in_trim = False
    for node in nodes:
        kind = parse.kind(node)
        if kind == "comment":
            continue
        if kind == "chars" and out and out[-1][0] == "row":
            node = _after_row_end(node)
        if in_trim:  # \cmidrule(r{1em}){2-4}: the trim holds a group
            in_trim = not (kind == "chars" and ")" in node.chars)
            continue
        if skip_group:
            if kind == "chars" and node.chars.strip().startswith("("):
                in_trim = ")" not in node.chars
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
    for _ in range(4):  # \multicolumn{2}{c}{\multirow{2}{*}{...}}
        if len(content) == 1 and parse.kind(content[0]) == "group":
            inner = parse.visible(content[0].nodelist)
            content = inner if len(inner) == 1 and parse.kind(inner[0]) == "macro" else content
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


def _split_pairs(doc: Document, cells: list[Cell]) -> list[Cell]:
    """Cells printing two numbers "a / b" as two cells of the same column."""
    out: list[Cell] = []
    for cell in cells:
        pair = read_pair(cell.text) if cell.number is None and "/" in cell.text else None
        if pair is None:
            out.append(cell)
            continue
        out.append(replace(cell, number=pair[0]))
        out.append(replace(cell, number=pair[1], pos=_second_number(doc, cell, "/"), part=1))
    return out


# A header naming two numbers per cell, "top_1 (top_10)", over cells "17.31 (28.70)".
_PAREN_HEADER = re.compile(r"^(?P<a>[^()]*\S)\s*\((?P<b>[^()]+)\)$")
_PAREN_PAIR = re.compile(r"^(?P<a>[^()]*\d[^()]*?)\s*\(\s*(?P<b>[-+]?\d[\d.,]*\s*%?)\s*\)$")


def paren_pairs(doc: Document, cells: list[Cell], headers: tuple[str, ...]) -> None:
    """Cells printing "a (b)" under a header "x (y)" as two numbers of the column, in place
    (else "(b)" reads as a's spread)."""
    out: list[Cell] = []
    for cell in cells:
        header = headers[cell.col].split(" / ")[-1] if cell.col < len(headers) else ""
        match = _PAREN_PAIR.match(cell.text.strip()) if _PAREN_HEADER.match(header) else None
        first = read_cell(match.group("a")) if match and cell.number is not None else None
        second = read_cell(match.group("b")) if match and first is not None else None
        if match is None or first is None or second is None:
            out.append(cell)
            continue
        out.append(replace(cell, number=first))
        out.append(replace(cell, number=second, pos=_second_number(doc, cell, "("), part=1))
    cells[:] = out


def part_name(header: str, cell: Cell) -> str:
    """The header of one of a cell's two numbers "17.31 (28.70)": "top_1 (top_10) / top_10"."""
    paren = _PAREN_HEADER.match(header.split(" / ")[-1]) if "(" in cell.text else None
    if paren is None or cell.part > 1:
        return header
    return f"{header} / {paren.group('a') if cell.part == 0 else paren.group('b')}"


def _second_number(doc: Document, cell: Cell, separator: str) -> int:
    """Where the number after `separator` in a cell of two numbers is printed (the cell's
    own position when it cannot be found close by)."""
    at = doc.text.find(separator, cell.pos, cell.pos + 400)
    digit = re.compile(r"\d").search(doc.text, at + 1) if at >= 0 else None
    return digit.start() if digit is not None and digit.start() - cell.pos < 400 else cell.pos


def _int(text: str, default: int) -> int:
    match = re.search(r"-?\d+", text)
    return int(match.group()) if match else default


def _grid(doc: Document, raw: list[_Raw], offset: int) -> list[tuple[list[Cell], int]]:
    grid = []
    for row in raw:
        cells, col = [], 0
        for nodes in row.cells:
            cell = _cell(nodes, col, offset)
            if cell.number is None and _stacked(nodes):
                cells += _stack(doc, cell)
            else:
                cells.append(cell)
            col += cell.span
        if any(c.text for c in cells):
            grid.append((_split_pairs(doc, cells), row.block))
    return grid


_STACKS = frozenset(("makecell", "shortstack", "Centerstack", "stackanchor", "thead"))


def _stacked(nodes: list[Any]) -> bool:
    """A cell that stacks lines: a tabular inside it, \\makecell{a \\\\ b}, \\shortstack."""
    for node in parse.walk(nodes):
        kind = parse.kind(node)
        if kind == "env" and node.environmentname.rstrip("*") in ("tabular", "array"):
            return True
        if kind == "macro" and node.macroname in _STACKS:
            return True
    return False


def _stack(doc: Document, cell: Cell) -> list[Cell]:
    """A stacked cell printing one number a line ("72.09 / 61.17 / 48.49" one above the
    other, P@1, P@3, P@5) as that many numbers of its column, parts 0, 1, 2..."""
    pieces = cell.text.split()
    numbers = [read_cell(piece) for piece in pieces]
    if not 2 <= len(numbers) <= 6 or any(n is None for n in numbers):
        return [cell]
    out: list[Cell] = []
    at = cell.pos
    for part, (piece, number) in enumerate(zip(pieces, numbers, strict=True)):
        found = doc.text.find(piece.lstrip("+"), at, at + 2000)
        at = found if found >= 0 else at
        out.append(replace(cell, number=number, pos=at, part=part))
        at += len(piece)
    return out
