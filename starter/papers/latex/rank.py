"""Rank what a reimplementer most likely wants: the paper's own method (rows named after
the method, "Ours", the bold row) in the main table, then the abstract's numbers, then the
method elsewhere; baselines copied from other papers come last."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starter.papers.latex.names import is_ours, name_in
from starter.papers.latex.numbers import Printed
from starter.papers.latex.own import ABLATION, STEP, first_sentence, own_cells
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


def _setting(table: Table, cell: Cell, row: Row) -> bool:
    header = table.header_for(cell.col, cell.span, row)
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


# A caption that presents a study of the method's parts or settings, not its results.
_STUDY = re.compile(
    r"\b(?:ablations?|variations?|variants? of|effect of|impact of|influence of|sensitivity)\b",
    re.I,
)


# "Statistics" of data, not "statistics of the regrets" (or errors, results, scores).
_DATA_STATISTICS = r"statistics(?!\s+of\s+(?:the\s+)?(?:regrets?|errors?|results?|scores?))"


# A caption of a table of settings or data, not results: its numbers are never claims.
_SETTINGS = re.compile(
    r"\bhyper-?param\w*|\b" + _DATA_STATISTICS + r"\b|"
    r"\b(?:implementation|training|dataset|experimental)\s+(?:details|settings|setup)\b|"
    r"^\W*(?:settings|configurations?)\b",
    re.I,
)


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
    winners = _winning_labels(main) if main is not None else set()
    found: list[Candidate] = []
    table_texts: dict[str, str] = {}
    for table in tables:
        mine = owned[table.index]
        settings_table = bool(_SETTINGS.search(first_sentence(table.caption)))
        for row in table.rows:
            for cell in row.cells:
                assert cell.number is not None
                reason = mine.get(id(cell))
                is_main = main is not None and table.index == main.index
                setting = _setting(table, cell, row) or settings_table
                column = table.column_of(cell, row)
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
                if reason == STEP:  # the final model's row first, then its steps
                    preference = len(names) + 1
                if tier == 5:  # uncredited rows of the main table: the ones that win first
                    preference = 2 if row.cited else 0 if row.label in winners else 1
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
    near = _near_winners(main, winners) if main is not None else {}
    out.sort(
        key=lambda c: (
            c.tier,
            c.preference if c.tier in (0, 5) else 0,
            # uncredited rows beside the winning row first (the variants built up to it)
            near.get(id(c.row), (2, 0)) if c.tier == 5 and c.preference == 1 else (0, 0),
            # of the method's rows, the ones printing a best result first
            (c.row.label not in winners) if c.tier == 0 and c.row is not None else False,
            turns.get(id(c), 0),
            # the method's numbers elsewhere: the next most main-like table first
            -scores.get(c.table.index, -99.0) if c.table and c.tier == 2 else 0.0,
            c.table.index if c.table else -1,
            c.pos,
        )
    )
    return out


def _near_winners(table: Table, winners: set[str]) -> dict[int, tuple[int, int]]:
    """{id(row): (0 in a winning row's block else 1, rows away from the nearest winning row)}
    for a table's rows, when some row wins."""
    at = [i for i, r in enumerate(table.rows) if r.label in winners]
    if not at:
        return {}
    out = {}
    for i, row in enumerate(table.rows):
        nearest = min(at, key=lambda j: abs(i - j))
        out[id(row)] = (0 if table.rows[nearest].block == row.block else 1, abs(i - nearest))
    return out


def _winning_labels(table: Table) -> set[str]:
    """The row labels that print a bold (best) number somewhere in the table: when no row
    is credited to the method, the method is more likely among the rows that win."""
    return {r.label for r in table.rows if not r.cited and any("bold" in c.styles for c in r.cells)}


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
    r"\b(?:ablations?|effect of|impact of|influence of|hyper-?parameters?|" + _DATA_STATISTICS + "|"
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

# "recent competitive systems and our models", "compared with state-of-the-art methods"
_VERSUS_OTHERS = re.compile(
    r"\b(?:recent|competitive|state[- ]of[- ]the[- ]art|previous|prior|existing|other|published)\s+"
    r"(?:\w+\s+)?(?:systems|methods|models|approaches|works|baselines)\b",
    re.I,
)
# What the authors named the table: "tab:main", "tab:sota", "tab:results" or
# "tab:ablation", "tab:datasets", "tab:hyperparams", "tab:runtime".
_MAIN_LABEL = re.compile(r"(?<![a-z])(?:main|sota|results?|performance|overall)(?![a-z])")
_SIDE_LABEL = re.compile(
    r"(?<![a-z])(?:ablations?|abl|datasets?|stats?|statistics|arch|architectures?|"
    r"examples?|params?|parameters?|hyper\w*|hparams?|runtimes?|time|timing|speed|setup|"
    r"configs?|settings?|qualitative)(?![a-z])"
)


def _label_score(label: str) -> float:
    words = label.lower().replace("_", " ")
    return (1.5 if _MAIN_LABEL.search(words) else 0.0) - (2.0 if _SIDE_LABEL.search(words) else 0.0)


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
        score += _label_score(table.label or "")
        score += 1.0 if _RESULTS.search(caption) else 0.0
        versus = bool(_VERSUS_OTHERS.search(caption))
        score += 2.5 if versus else 0.0
        score -= (1.5 if versus else 3.0) if _NOT_MAIN.search(caption) else 0.0
        score += 1.5 if _TEST.search(caption) else -1.0 if _VALIDATION.search(caption) else 0.0
        score -= 1.5 * order
        if mine:
            order += 1
        scores[table.index] = score
    return scores
