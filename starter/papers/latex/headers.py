"""Which rows of a tabular are its header, and what each column is called: rows of words
above the data, numbers naming columns ("k & 1 & 5"), a header repeated inside the table,
and the header's first cell naming the first group of rows."""

from __future__ import annotations

import itertools
import re

from starter.papers.latex.cells import Cell
from starter.papers.latex.columns import PLACEHOLDER

_SETTING = re.compile(r"^[^=]{1,12}=\s*[-+]?\d")


def header_again(cells: list[Cell], ncols: int) -> bool:
    """A row of words only over most columns, below data rows ("& PercCorrect (precision) &
    PercCorrect (recall)"): the header again, naming the columns anew for the rows below."""
    words = [c for c in cells if c.text and c.number is None and not PLACEHOLDER.match(c.text)]
    if any(c.number is not None for c in cells) or len(words) < 2:
        return False
    if sum(bool(_SETTING.match(c.text)) for c in words) * 2 > len(words):
        return False  # "& ε=0.02 & ε=0.01": the settings of the row above, not a header
    first = min((c.col for c in cells if c.text), default=0)
    return first > 0 and sum(c.span for c in words) * 2 >= ncols


def number_header(cells: list[Cell], grid: list[tuple[list[Cell], int]]) -> bool:
    """A first row that names the columns with numbers ("ε & 4 & 3 & 2 & 1", "k & 1 & 5",
    " & % seed & 0% & 10% & 20%"): whole numbers after one word, above rows of measured
    values."""
    numbers = [c.number for c in cells if c.number is not None]
    words = [c for c in cells if c.text and c.number is None]
    if not numbers or len(words) != 1:
        return False
    if words[0].col > min(c.col for c in cells if c.number is not None):
        return False
    if any(n.spread is not None or n.suffix is not None for n in numbers):
        return False  # "Adam & 1x & 1x": the baseline every factor is relative to
    if _cyclic([n.value for n in numbers]):
        return True  # "PCP threshold & 0.3 & 0.5 & 0.8 & 0.3 & 0.5 & 0.8" under two groups
    if not all(isinstance(n.value, int) for n in numbers):
        return False
    below = [c.number for rest, _ in grid[1:] for c in rest if c.number is not None]
    return any(isinstance(n.value, float) for n in below)


def _cyclic(values: list[float]) -> bool:
    """Distinct values repeated as a whole, once per group of columns above them."""
    for width in range(2, len(values) // 2 + 1):
        first = values[:width]
        repeats, rest = divmod(len(values), width)
        if not rest and len(set(first)) == width and values == first * repeats:
            return True
    return False


# Words that name the label column itself, never a group of rows.
_COLUMN_WORDS = re.compile(
    r"^(?:methods?|models?|approach(?:es)?|baselines?|algorithms?|systems?|name|datasets?|"
    r"tasks?|metrics?|measures?|settings?|configurations?|variants?|ours|setup)$",
    re.I,
)


def first_group_from_header(
    header_rows: list[list[Cell]], body: list[tuple[list[Cell], int, str | None]]
) -> list[tuple[list[Cell], int, str | None]]:
    """ "\\textbf{Set5} & nearest & bicubic ..." then "\\textbf{Set14} & & ...": the header's
    first cell names the group of the rows before the first group row."""
    if not header_rows or not body or body[0][2] is not None:
        return body
    if not any(group for _, _, group in body):
        return body
    first = next((c for c in header_rows[-1] if c.col == 0 and c.part == 0), None)
    if first is None or not first.text or first.number is not None:
        return body
    if _COLUMN_WORDS.match(first.text.strip()):
        return body
    out: list[tuple[list[Cell], int, str | None]] = []
    for cells, block, group in body:
        if group is not None:
            out += [(c, b, g) for c, b, g in body[len(out) :]]
            break
        out.append((cells, block, first.text))
    return out


def join_headers(
    header_rows: list[list[Cell]], ncols: int
) -> tuple[tuple[str, ...], tuple[frozenset[str], ...]]:
    """Each column's header (its header rows' texts joined with " / ", top to bottom) and
    the styles marking it."""
    parts: list[list[str]] = [[] for _ in range(ncols)]
    marks: list[set[str]] = [set() for _ in range(ncols)]
    for cells in header_rows:
        for cell in cells:
            for j in range(cell.col, min(ncols, cell.col + cell.span)):
                if cell.text and (not parts[j] or parts[j][-1] != cell.text):
                    parts[j].append(cell.text)
                marks[j] |= cell.styles
    return tuple(" / ".join(p) for p in parts), tuple(frozenset(m) for m in marks)


def threshold_header(cells: list[Cell]) -> bool:
    """ "FAR & 0.3 & 0.1 & 0.01 & 0.001", alone above the first rule: one word, then
    numbers rising or falling one after another, which name the columns below."""
    words = [c for c in cells if c.text and c.number is None]
    values = [c.number.value for c in cells if c.number is not None]
    if len(words) > 1 or len(values) < 3 or any(c.number.spread for c in cells if c.number):
        return False
    steps = [b - a for a, b in itertools.pairwise(values)]
    return all(s > 0 for s in steps) or all(s < 0 for s in steps)
