"""Rank what a reimplementer most likely wants: the paper's own method (rows named after
the method, "Ours", the bold row) in the main table, then the abstract's numbers, then the
method elsewhere; baselines copied from other papers come last."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from starter.papers.latex.expand import Document
from starter.papers.latex.numbers import Printed
from starter.papers.latex.sentences import Statement
from starter.papers.latex.tables import Cell, Row, Table

# Acronyms that name a field or a tool, never a paper's own method.
GENERIC = frozenset(
    "gpu gpus tpu tpus cpu ai ml nlp cv rl sota api llm llms cnn cnns rnn rnns gan gans vae "
    "vaes mlp mlps mcmc sgd imagenet cifar coco mnist wmt glue url ii iii iv".split()
)
# Words a method's name often ends with that its table rows leave out ("TC-flow" -> "TC").
TRAILING = frozenset("flow flows model models network networks net method approach".split())
OURS = re.compile(r"(?<![a-z])(?:ours|our|proposed|this work|this paper)(?![a-z])")
SETTING = re.compile(
    r"#|\bparam|\bsize\b|\bsteps?\b|\bepochs?\b|\blayers?\b|\bbatch|\bdims?\b|\bwidth\b|"
    r"\bhidden\b|\bvocab|\blearning rate\b|\blr\b|"
    r"\bdepth\b|\bheads?\b|\bseeds?\b|(?<![\w-])shots?\b",
    re.I,
)
# A header that is one symbol (N, h, d_model, P_drop): a hyperparameter.
SYMBOL = re.compile(r"^(?:[a-zα-ωϵ]|[A-Z])(?:_\w{1,8})?$")
_PROPOSE = re.compile(
    r"\b(?:we|this paper|this work|our)\b[^.]{0,120}?\b(?:propose|present|introduce|develop|"
    r"design|call|term|name|dub|coin)\w*|\b(?:called|termed|named|dubbed|coined)\b",
    re.I,
)


def tokens(text: str) -> list[str]:
    """Lower-case words of a text, with math letters read as letters (𝒯C -> tc)."""
    plain = unicodedata.normalize("NFKC", text).lower()
    return re.findall(r"[a-z0-9]+", plain)


def _contains(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return n > 0 and any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


def _name_like(word: str) -> bool:
    word = unicodedata.normalize("NFKC", word).strip(".,;:()[]{}'\"")
    if not word or len(word) > 30 or word.lower() in GENERIC:
        return False
    parts = [p for p in word.split("-") if p]
    return any(
        sum(ch.isupper() for ch in p) >= 2 or (any(ch.isdigit() for ch in p) and p[0].isupper())
        for p in parts
    )


def _plain(doc: Document) -> str:
    text = doc.text[doc.body_start : doc.body_end]
    text = re.sub(r"\\(?:mathcal|mathbb|mathrm|mathbf|textbf|emph|textit)\b", "", text)
    return re.sub(r"\\[A-Za-z@]+\*?|[{}$]", " ", text)


def method_names(doc: Document, title: str, abstract: str, intro: str) -> list[str]:
    """The names the paper gives its own method, most used first."""
    found: list[str] = []
    title = unicodedata.normalize("NFKC", title or "")
    head, colon, _ = title.partition(":")
    if colon and len(head.split()) <= 3:
        found.append(head.strip())
    found += [w for w in re.split(r"[\s:,]+", title) if _name_like(w)]
    words = [w for w in re.split(r"[\s:,]+", title) if w]
    body = _plain(doc)
    body_tokens = tokens(body)
    for size in (2, 3, 4, 5):
        for i in range(len(words) - size + 1):
            run = words[i : i + size]
            letters = [p[0] for w in run for p in w.split("-") if p]
            if all(ch.isupper() for ch in letters):
                # "Deep Interest Network" -> DIN; written with hyphens too (MH-GAN).
                spelled = "-?".join(letters)
                uses = re.findall(rf"(?<![\w-]){spelled}(?![\w])", body)
                if len(uses) >= 2:
                    found.append(Counter(uses).most_common(1)[0][0])
    for sentence in re.split(r"(?<=[.!?])\s+", f"{abstract} {intro}"):
        if not _PROPOSE.search(sentence):
            continue
        for inner in re.findall(r"\(([^()]{1,25})\)", sentence):
            inner = inner.strip()
            short = bool(inner) and len(inner.split()) <= 3 and inner.lower() not in GENERIC
            if short and any(ch.isupper() for ch in inner) and not re.search(r"\d{4}|et al", inner):
                found.append(inner)
        for match in re.finditer(r"\b(?:the|a|an)\s+([A-Z][\w-]+)", sentence):
            found.append(match.group(1))
        for match in re.finditer(
            r"\b(?:called|termed|named|dubbed|coined|term|call|name|dub)\s+([A-Z][\w-]*)", sentence
        ):
            found.append(match.group(1))
    names: list[str] = []
    for name in found:
        if not _name_like(name) and name.strip() != head.strip() and not _proper(body, name):
            continue
        words_of = tokens(name)
        while len(words_of) > 1 and words_of[-1] in TRAILING:
            words_of = words_of[:-1]
        if not words_of or " ".join(words_of) in GENERIC or _metric_word(name):
            continue
        key = " ".join(words_of)
        if key in names:
            continue
        if name.strip() == head.strip() or _count(body_tokens, words_of) >= 2:
            names.append(key)
    return sorted(names, key=lambda k: -_count(body_tokens, k.split()))


def _metric_word(name: str) -> bool:
    """A metric's name (FID, BLEU) is never a method's."""
    from starter.papers.latex.sentences import _METRIC

    return any(pattern.fullmatch(name.strip()) for pattern, _, _ in _METRIC)


def _proper(body: str, name: str) -> bool:
    """A plain word is a name only if the paper capitalizes it nearly every time."""
    word = name.strip()
    if len(word) < 3 or not word[:1].isupper():
        return False
    hits = re.findall(rf"(?<![\w-]){re.escape(word)}(?![\w])", body, re.I)
    capital = sum(1 for h in hits if h[:1].isupper())
    return len(hits) >= 3 and capital >= 0.8 * len(hits)


def _count(haystack: list[str], needle: list[str]) -> int:
    n = len(needle)
    first = needle[0] if needle else ""
    return sum(1 for i, w in enumerate(haystack) if w == first and haystack[i : i + n] == needle)


def names_in(text: str, names: list[str]) -> bool:
    words = tokens(text)
    return any(_contains(words, name.split()) for name in names)


def is_ours(text: str) -> bool:
    return bool(OURS.search(unicodedata.normalize("NFKC", text).lower()))


# ----------------------------------------------------------------------------- ranking


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


def _row_own(table: Table, row: Row, names: list[str]) -> str | None:
    label = f"{row.label} {row.context}"
    if is_ours(label):
        return "a row marked as the paper's own"
    if names and names_in(row.label, names) and not row.cited:
        return "a row named after the method"
    return None


def _column_own(table: Table, col: int, names: list[str]) -> bool:
    header = table.header_for(col)
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
    )


def own_cells(table: Table, names: list[str], fallback: bool) -> dict[int, str]:
    """{id(cell): reason} for the cells of the paper's own method in a table."""
    out: dict[int, str] = {}
    for row in table.rows:
        reason = _row_own(table, row, names)
        if reason:
            out.update({id(c): reason for c in row.cells})
    if not out:
        columns = {c.col for row in table.rows for c in row.cells}
        own_columns = {j for j in columns if _column_own(table, j, names)}
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
        cited = any(r.cited for r in table.rows)
        for row in table.rows:
            if cited and not row.cited and row.block == table.last_block:
                out.update({id(c): "an uncited row after the baselines" for c in row.cells})
    return out


def rank(
    tables: list[Table], abstract: list[Statement], conclusion: list[Statement], names: list[str]
) -> list[Candidate]:
    """Every number found, best first."""
    named = any(own_cells(t, names, False) for t in tables)
    owned = {t.index: own_cells(t, names, not named) for t in tables}
    in_abstract = {s.number.text for s in abstract}
    body = [t for t in tables if not t.in_appendix and any(r.cells for r in t.rows)]
    main = _main_table(body, owned, in_abstract)
    found: list[Candidate] = []
    table_texts: dict[str, str] = {}
    for table in tables:
        mine = owned[table.index]
        for row in table.rows:
            for cell in row.cells:
                assert cell.number is not None
                reason = mine.get(id(cell))
                is_main = main is not None and table.index == main.index
                setting = _setting(table, cell)
                if reason and is_main:
                    tier = 3 if setting else 0
                elif reason and not table.in_appendix:
                    tier = 2 if not setting else 4
                elif reason:
                    tier = 4
                else:
                    tier = 5 if is_main and not setting else 6
                why = (reason or "a baseline or an uncredited row") + (
                    ", main table" if is_main else ""
                )
                column = table.header_for(cell.col, cell.span)
                candidate = Candidate(
                    cell.number, cell.pos, "table", tier, why, table, row, cell, column
                )
                found.append(candidate)
                if reason and cell.number.text not in table_texts:
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
    out.sort(key=lambda c: (c.tier, c.table.index if c.table else -1, c.pos))
    return out


def _main_table(
    body: list[Table], owned: dict[int, dict[int, str]], in_abstract: set[str]
) -> Table | None:
    """The table whose own numbers the abstract repeats, else the first with the method."""
    best = None
    best_hits = 0
    for table in body:
        mine = owned[table.index]
        hits = sum(
            1
            for row in table.rows
            for c in row.cells
            if id(c) in mine
            and c.number is not None
            and c.number.text in in_abstract
            and ("." in c.number.text or len(c.number.text) > 2)
        )
        if hits > best_hits:
            best, best_hits = table, hits
    if best is not None:
        return best
    with_method = [t for t in body if owned[t.index]]
    if with_method:
        return with_method[0]
    return body[0] if body else None
