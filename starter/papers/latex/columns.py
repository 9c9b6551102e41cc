"""Which columns of a table's body are text (the rows' labels and settings) and which one
of them labels the rows."""

from __future__ import annotations

import itertools
import re
from dataclasses import replace

from starter.papers.latex.cells import Cell

Body = list[tuple[list[Cell], int, str | None]]


def primary_column(body: Body, text_cols: list[int], headers: tuple[str, ...] = ()) -> int:
    """The text column that labels the rows: filled in most rows, naming each row apart (a
    column repeating "FS", "WS", "HS" groups them), not an index (1, 2, 3...) unless no
    other column labels them."""
    most = max((_filled(body, j) for j in text_cols), default=0)
    named = [j for j in text_cols if not (j == 0 and _index_column(body))] or text_cols
    filled = [j for j in named if _filled(body, j) >= 0.6 * most]
    distinct = [j for j in filled if _distinct(body, j) >= 0.8]
    if filled and not distinct:
        # "MetaDynaMix" over two rows, "ROC" and "ACC" beside it, under "Method": the
        # \\multirow names the rows.
        spanning = [
            j
            for j in named
            if _filled(body, j, True) >= 0.6 * most
            and j < len(headers)
            and _METHOD_HEADER.match(headers[j].strip())
        ]
        distinct = [j for j in spanning if _distinct(body, j) >= 0.8]
    return (distinct or filled or named or [0])[0]


# The header over a column of methods ("Model" names the base model beside a "Method").
_METHOD_HEADER = re.compile(r"^(?:methods?|approach(?:es)?|algorithms?|systems?)$", re.I)


def _filled(body: Body, col: int, spanned: bool = False) -> int:
    """How many rows the column labels (`spanned`: a \\multirow counts for all its rows; a
    bare \\cite{...} labels its row too)."""
    return sum(
        max(1, c.rows) if spanned else 1
        for cells, _, _ in body
        for c in cells
        if c.col == col and (c.text or "cite" in c.styles)
    )


# A spread printed in a column of its own, after the mean's: "(1.0)", "(±0.3)".
SPREAD = re.compile(r"^\(\s*(?:±|\+/-)?\s*\d[\d.,]*\s*%?\s*\)$")
# What a table prints for "no value": "-", "–", "n/a", "?", "✗".
PLACEHOLDER = re.compile(r"^(?:[-–—−~∼?*✗×/]+|n/?a|none|—)$", re.I)


def text_columns(rows: list[list[Cell]], ncols: int) -> list[int]:
    """Columns whose filled cells are mostly words: the row labels and their settings."""
    out = []
    for j in range(ncols):
        cells = [
            c
            for cells in rows
            for c in cells
            if c.col == j and c.text and not PLACEHOLDER.match(c.text.strip())
        ]
        words = sum(1 for c in cells if c.number is None and not SPREAD.match(c.text.strip()))
        wordy = bool(cells) and words * 2 > len(cells)
        if wordy or (j == 0 and _counts(cells)):
            out.append(j)
    return out


def _distinct(body: Body, col: int) -> float:
    """The share of a column's filled cells whose text no other cell of it repeats."""
    texts = [c.text for cells, _, _ in body for c in cells if c.col == col and c.text]
    return len(set(texts)) / len(texts) if texts else 0.0


def _index_column(body: Body) -> bool:
    return _counts([c for cells, _, _ in body for c in cells if c.col == 0])


def _counts(cells: list[Cell]) -> bool:
    """The first column numbering the rows ("1", "2", ... "24", "Average"): an index of
    images, of runs or of settings, which labels the rows rather than measures them."""
    numbers = [c.number for c in cells if c.number is not None]
    if len(numbers) < 3 or any(not isinstance(n.value, int) or n.spread for n in numbers):
        return False
    values = [int(n.value) for n in numbers]
    return all(a < b for a, b in itertools.pairwise(values))


def unfold(
    body: Body, text_cols: list[int], headers: tuple[str, ...]
) -> tuple[Body, list[int], dict[int, tuple[str, ...]]]:
    """A table printed in two halves side by side to save space ("Yahoo! & ... & RCV1 &
    ..."; the header repeats after a second label column): each line as two rows. When the
    two label columns' headers differ ("BAIR" and "RoboNet"), they name each half's columns."""
    if len(text_cols) < 2:
        return body, text_cols, {}
    first, second = text_cols[0], text_cols[1]
    width = second - first
    left = headers[first + 1 : second]
    if width < 2 or not all(left) or left != headers[second + 1 : second + width]:
        return body, text_cols, {}
    named = headers[first] != headers[second] and all((headers[first], headers[second]))
    out: Body = []
    halves: dict[int, tuple[str, ...]] = {}
    for cells, block, group in body:
        out.append(([c for c in cells if c.col < second], block, group))
        if named:
            halves[id(out[-1][0])] = _named_half(headers, first, width)
        right = [replace(c, col=c.col - width) for c in cells if c.col >= second]
        if any(c.text for c in right):
            out.append((right, block, group))
            if named:
                halves[id(right)] = _named_half(headers, second, width, first)
    return out, [j for j in text_cols if j < second], halves


def _named_half(
    headers: tuple[str, ...], start: int, width: int, at: int | None = None
) -> tuple[str, ...]:
    """The headers of one half, its label column's header over its columns ("BAIR / FVD")."""
    at = start if at is None else at
    named = [f"{headers[start]} / {h}" for h in headers[start + 1 : start + width]]
    return (*headers[:at], headers[start], *named, *headers[at + width :])
