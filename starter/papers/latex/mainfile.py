"""Which file of an e-print is the paper: the one with \\documentclass and
\\begin{document} that a build would use, when there are several (a supplement, a
standalone figure, an earlier version, slides)."""

from __future__ import annotations

import posixpath
import re

from starter.papers.latex.expand import _INCLUDE, _braced, _resolve, strip_comments
from starter.papers.latex.unpack import Source


def find_main(source: Source, title: str = "") -> str | None:
    """The main file: \\documentclass and \\begin{document}, the one a build would use
    when there are several (a standalone figure, a supplement, a rebuttal, older versions):
    the one named by a Makefile, a latexmkrc, a build script or the files' own
    `%!TEX root` comments, else the one titled like the paper, else the one that looks most
    like a paper (its name, an abstract, the most \\input, the largest)."""
    candidates: dict[str, str] = {}
    for path in sorted(source.files):
        if not path.lower().endswith((".tex", ".ltx", ".latex")):
            continue
        text = strip_comments(source.text(path))
        if not _has_class(text):
            text = _with_inputs(source, path, text)  # \\input{header} holds \\documentclass
        if _has_class(text) and "\\begin{document}" in text:
            candidates[path] = text
    if not candidates:
        return None
    named = _named_by_build(source, candidates)
    roots = _tex_roots(source)
    included = _included(source, candidates)
    # the title may sit in an \\input{}ed file; a letter or a rebuttal quotes it
    titled = _titled({p: _with_inputs(source, p, t, 2, True) for p, t in candidates.items()},
                     title)  # fmt: skip
    best: tuple[float, int, str] | None = None
    for path, text in candidates.items():
        score = 0.0
        if re.search(r"\\documentclass(?:\[[^\]]*\])?\{standalone\}", text):
            score -= 20
        if re.search(r"\\documentclass(?:\[[^\]]*\])?\{(?:beamer|a0poster|tikzposter|sciposter)\}",
                     text):  # fmt: skip
            score -= 20
        score += min(10, len(_INCLUDE.findall(text)))
        if "\\begin{abstract}" in text or re.search(r"\\(?:\w*title)\s*\{", text):
            score += 5
        stem = posixpath.splitext(posixpath.basename(path))[0].lower()
        words = set(re.split(r"[\W_]+", stem))
        if stem in ("main", "paper", "ms", "arxiv", "article", "manuscript"):
            score += 3
        elif {"main", "paper", "arxiv"} & words:
            score += 2  # comet_main_nips.tex beside comet_dnd.tex
        if re.search(
            r"supp|appendix|rebuttal|response|cover|letter|poster|slides|standalone|"
            r"talk|handout|spotlight|presentation|review",
            stem,
        ) and not (
            "main" in words and re.search(r"supp|appendix", stem)
        ):  # "autostat_main_and_supp.tex" is the paper with its supplement
            score -= 8
        if "/" in path:
            score -= 1
        if path in named:
            score += 25
        score += min(30, 10 * roots.get(path, 0))
        if path in included:
            score -= 15
        if path in titled and not re.search(r"rebuttal|response|letter", stem):
            score += 40
        candidate = (score, len(text), path)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


SYNTHETIC = "(the e-print's .tex files).tex"


def parts_as_main(source: Source) -> str | None:
    """A source of section files without a root (`sec/1_intro.tex`, `sec/4_experiment.tex`,
    no \\documentclass anywhere): a root that \\inputs, in path order, each .tex file no
    other file \\inputs, added to the source under SYNTHETIC; None without .tex files."""
    parts = {
        path: strip_comments(source.text(path))
        for path in sorted(source.files)
        if path.lower().endswith(".tex") and path != SYNTHETIC
    }
    if source.kind != "tar" or not any(
        re.search(r"\\(?:section|begin)\b", t) for t in parts.values()
    ):
        return None  # one file of plain text is not a paper's sections
    inner = {t for path, text in parts.items() for t in _inputs(source, path, text) if t != path}
    roots = [path for path in parts if path not in inner]
    if not roots:
        return None
    lines = [f"\\input{{{path}}}" for path in roots]
    body = (
        "\\documentclass{article}\n\\begin{document}\n" + "\n".join(lines) + "\n\\end{document}\n"
    )
    source.files[SYNTHETIC] = body.encode()
    return SYNTHETIC


def _has_class(text: str) -> bool:
    return "\\documentclass" in text or "\\documentstyle" in text


def _with_inputs(source: Source, path: str, text: str, depth: int = 3, always: bool = False) -> str:
    """A file's text followed by the files it \\input{}s (a root file that keeps its
    preamble in header.tex and its body, title included, in document.tex), `depth` deep."""
    if depth == 0 or ("\\documentclass" in text and not always) or not _INCLUDE.search(text):
        return text
    parts = [text]
    for target in _inputs(source, path, text):
        if target != path:
            inner = strip_comments(source.text(target))
            parts.append(_with_inputs(source, target, inner, depth - 1, always))
    return "\n".join(parts)


_BUILD_FILE = re.compile(r"(?:^|/)(?:makefile|gnumakefile|[^/]*\.mk|\.?latexmkrc|[^/]*\.sh)$", re.I)


def _named_by_build(source: Source, candidates: dict[str, str]) -> set[str]:
    """Candidates a Makefile, a latexmkrc or a build script names ("MAIN=article",
    "@default_files = ('main.tex')", "cp long.tex archive")."""
    named: set[str] = set()
    for path in source.files:
        if not _BUILD_FILE.search(path) or len(source.files[path]) > 200_000:
            continue
        text = source.text(path)
        folder = posixpath.dirname(path)
        for candidate in candidates:
            if posixpath.dirname(candidate) != folder:
                continue
            stem = re.escape(posixpath.splitext(posixpath.basename(candidate))[0])
            if re.search(rf"(?<![\w/.-]){stem}\.(?:tex|pdf)(?![\w])|^\s*\w+\s*:?=\s*{stem}\s*$",
                         text, re.M):  # fmt: skip
                named.add(candidate)
    return named if len(named) < len(candidates) else set()


_ROOT = re.compile(r"^%\s*!\s*TE[XS]\s+root\s*=\s*(\S+)", re.I | re.M)


def _tex_roots(source: Source) -> dict[str, int]:
    """How many files name each file as their root ("%!TEX root = article.tex")."""
    counts: dict[str, int] = {}
    for path in source.files:
        if not path.lower().endswith(".tex"):
            continue
        head = source.files[path][:2000].decode("utf-8", "replace")
        for name in _ROOT.findall(head):
            target = posixpath.normpath(posixpath.join(posixpath.dirname(path), name))
            if not target.endswith(".tex"):
                target += ".tex"
            counts[target] = counts.get(target, 0) + 1
    return counts


def _included(source: Source, candidates: dict[str, str]) -> set[str]:
    """Candidates that another candidate \\input{}s (a chapter with its own preamble)."""
    found: set[str] = set()
    for path, text in candidates.items():
        found.update(t for t in _inputs(source, path, text) if t != path and t in candidates)
    return found


def _inputs(source: Source, path: str, text: str) -> list[str]:
    """The files of the e-print that `path`'s \\input, \\include, ... name."""
    folder = posixpath.dirname(path)
    names = (
        m.group("name") or m.group("bare") or m.group("file") or "" for m in _INCLUDE.finditer(text)
    )
    return [t for t in (_resolve(source, name, [folder]) for name in names) if t]


def _titled(candidates: dict[str, str], title: str) -> set[str]:
    """The candidates whose \\title is most like the paper's (an earlier version's working
    title is less like it), if like enough."""
    likeness = {path: _title_likeness(text, title) for path, text in candidates.items()}
    best = max(likeness.values(), default=0.0) if title else 0.0
    return {path for path, value in likeness.items() if value >= 0.6 and value == best}


def _title_likeness(text: str, title: str) -> float:
    """How alike the file's \\title and the paper's title are: the share of the words of
    both that they have in common (1.0 for the same title; a longer working title of an
    earlier version scores less)."""
    given = title_argument(text, within=1000)
    if given is None:
        return 0.0
    words = set(re.findall(r"[a-z]{3,}", title.lower()))
    found = set(re.findall(r"[a-z]{3,}", given.lower()))
    return len(words & found) / len(words | found) if words else 0.0


def title_argument(text: str, within: int | None = None) -> str | None:
    """The LaTeX inside a file's \\title{...} (or \\icmltitle), None without one; with
    `within`, a title whose closing brace is not within that many characters is cut at
    300 (an unbalanced brace)."""
    match = re.search(r"\\(?:icml)?title\*?\s*(?:\[[^\]]*\])?\s*\{", text)
    if not match:
        return None
    limit = len(text) if within is None else match.end() + within
    end = _braced(text[:limit], match.end())
    if end > 0:
        return text[match.end() : end - 1]
    return None if within is None else text[match.end() : match.end() + 300]
