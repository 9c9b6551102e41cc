"""Rewrites of a file's text that keep its lines where they were, before it is spliced
and parsed: tabu's width argument and rules, macros that \\input a file named by their
argument, and numbers pgf parses before it prints them."""

from __future__ import annotations

import re

# tabu's `\begin{tabu} to \linewidth {spec}` read as a plain `{spec}`; its rules as \hline.
_TABU_WIDTH = re.compile(r"\\begin\{(longtabu|tabu)\*?\}\s*(?:(?:to|spread)\s*[^{}&]*?)?\{")
_TABU_RULE = re.compile(r"\\tabucline\s*(?:\[[^\]]*\])?\s*(?:\{[^{}]*\}|-)?")
_INPUT_MACRO = re.compile(
    r"\\(?:re)?newcommand\*?\s*\{?\\(?P<name>[A-Za-z@]+)\}?\s*\[1\]\s*\{\s*"
    r"\\(?:input|include|subfile)\s*\{(?P<before>[^{}#]*)#1(?P<after>[^{}#]*)\}\s*\}"
)


def input_macros(text: str) -> dict[str, tuple[str, str]]:
    """Macros that \\input a file named by their argument
    (`\\newcommand{\\tablefile}[1]{\\input{paper/tables/#1}}`): {name: (before, after)}."""
    return {
        m.group("name"): (m.group("before"), m.group("after")) for m in _INPUT_MACRO.finditer(text)
    }


def call_inputs(text: str, inputs: dict[str, tuple[str, str]]) -> str:
    """Each call of an input macro as the \\input it stands for, on the same line."""
    pattern = re.compile(
        r"\\(" + "|".join(map(re.escape, inputs)) + r")(?![A-Za-z@])\s*\{([^{}]*)\}"
    )

    def call(match: re.Match[str]) -> str:
        before, after = inputs[match.group(1)]
        return "\\input{" + before + match.group(2).strip() + after + "}"

    return pattern.sub(call, text)


def tabu(text: str) -> str:
    if "tabu" not in text:
        return text

    def plain(match: re.Match[str]) -> str:
        return f"\\begin{{{match.group(1)}}}" + "\n" * match.group(0).count("\n") + "{"

    text = _TABU_WIDTH.sub(plain, text)
    return _TABU_RULE.sub(lambda _: "\\hline ", text)


_PGF_PARSED = re.compile(
    r"\\pgfmathparse\s*\{\s*([-+]?[\d.]+(?:[eE][-+]?\d+)?)\s*\}\s*"
    r"\\pgfmathprintnumber\s*(\[[^\]]*\])?\s*\{\s*\\pgfmathresult\s*\}"
)


def pgf_results(text: str) -> str:
    """`\\pgfmathparse{0.6749}\\pgfmathprintnumber[precision=3]{\\pgfmathresult}` (what a
    results macro expands to) as `\\pgfmathprintnumber[precision=3]{0.6749}`."""
    if "pgfmathresult" not in text:
        return text
    return _PGF_PARSED.sub(
        lambda m: f"\\pgfmathprintnumber{m.group(2) or ''}{{{m.group(1)}}}", text
    )
