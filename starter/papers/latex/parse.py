"""The LaTeX parser (pylatexenc, imported only here): parse a region of the document into
nodes, render nodes as plain text, and read the styles a number is printed in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

BOLD = frozenset("textbf bf bfseries mathbf boldmath boldsymbol bm pmb mathbold".split())
UNDERLINE = frozenset("underline uline ul uuline".split())
ITALIC = frozenset("textit it itshape emph textsl mathit sl".split())
CITE = re.compile(r"^(?:cite\w*|\w*cite|citep|citet|citealp|citealt|citeauthor)$")

# Macros whose arguments the table reader must see (pylatexenc's argument specs).
_MACROS = {
    "multicolumn": "{{{",
    "multirow": "[{[{[{",
    "cmidrule": "[",
    "cline": "{",
    "cdashline": "{[",
    "hdashline": "[",
    "toprule": "[",
    "midrule": "[",
    "bottomrule": "[",
    "noalign": "{",
    "pbox": "[{{",
    "specialrule": "{{{",
    "Xhline": "{",
    "Xcline": "{{",
    "hhline": "{",
    "addlinespace": "[",
    "rowcolor": "[{",
    "cellcolor": "[{",
    "columncolor": "[{",
    "arrayrulecolor": "[{",
    "resizebox": "*{{{",
    "scalebox": "{[{",
    "raisebox": "{[[{",
    "rotatebox": "[{{",
    "adjustbox": "{{",
    "parbox": "[[[{{",
    "makebox": "[[{",
    "shortstack": "[{",
    "makecell": "[{",
    "thead": "[{",
    "tnote": "{",
    "num": "[{",
    "pgfmathprintnumber": "[{",
    "SI": "[{[{",
    "si": "[{",
    "textsuperscript": "{",
    "textsubscript": "{",
    "caption": "*[{",
    "captionof": "*{[{",
    "rule": "[{{",
    "vspace": "*{",
    "hspace": "*{",
    "subcaption": "[{",
    "subcaptionbox": "{[{",
    "ding": "{",
    "uline": "{",
    "bm": "{",
    "boldsymbol": "{",
    "mathbold": "{",
    "pmb": "{",
    "textnormal": "{",
    "includegraphics": "*[[{",
    "phantom": "{",
    "hphantom": "{",
    "vphantom": "{",
    "mathrm": "{",
    "mathsf": "{",
    "texttt": "{",
    "color": "[{",
    "textcolor": "[{{",
    "colorbox": "[{{",
    "href": "{{",
    "icmltitle": "{",
}
_ENVIRONMENTS = {
    "tabular": "[{",
    "tabular*": "{[{",
    "tabularx": "{[{",
    "tabulary": "{[{",
    "longtable": "[{",
    "tabu": "{",
    "longtabu": "{",
    "NiceTabular": "[{",
    "wraptable": "[{[{",
    "adjustbox": "{",
    "threeparttable": "",
    "minipage": "[[[{",
}


def _last_arg(node: Any, l2tobj: Any) -> str:
    args = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None]
    return l2tobj.nodelist_to_text([args[-1]]) if args else ""


def _pgf_number(node: Any, l2tobj: Any) -> str:
    """\\pgfmathprintnumber[precision=3, zerofill]{0.674897} as it prints: 0.675 (pgf rounds
    to 2 places unless told otherwise)."""
    options = _arg(0)(node, l2tobj)
    value = _last_arg(node, l2tobj).strip()
    try:
        number = float(value)
    except ValueError:
        return value
    found = re.search(r"precision\s*=\s*(\d+)", options)
    places = int(found.group(1)) if found else 2
    text = f"{number:.{places}f}"
    if "zerofill" not in options and "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def _arg(index: int) -> Any:
    def render(node: Any, l2tobj: Any) -> str:
        args = node.nodeargd.argnlist if node.nodeargd else []
        if index < len(args) and args[index] is not None:
            return str(l2tobj.nodelist_to_text([args[index]]))
        return ""

    return render


@cache
def _walker_context() -> Any:
    from pylatexenc import latexwalker, macrospec

    db = latexwalker.get_default_latex_context_db()
    db.add_context_category(
        "starter-tables",
        macros=[macrospec.MacroSpec(name, spec) for name, spec in _MACROS.items()],
        environments=[macrospec.EnvironmentSpec(n, s) for n, s in _ENVIRONMENTS.items()],
        prepend=True,
    )
    return db


@cache
def _text_context() -> Any:
    from pylatexenc import latex2text

    spec = latex2text.MacroTextSpec
    nothing = (
        "label ref eqref cref Cref autoref pageref vspace hspace rule tnote footnote "
        "footnotemark footnotetext cellcolor rowcolor columncolor arrayrulecolor color xspace "
        "ding noindent centering small footnotesize scriptsize tiny large Large normalsize "
        "setlength addlinespace cmidrule cline cdashline hdashline hline toprule midrule "
        "bottomrule specialrule noalign Xhline Xcline phantom hphantom vphantom strut bigstrut "
        "newline linebreak"
    ).split()
    macros = [spec(name, "") for name in nothing]
    macros += [
        spec("multicolumn", _arg(2)),
        spec("multirow", _last_arg),
        spec("resizebox", _arg(3)),
        spec("scalebox", _last_arg),
        spec("raisebox", _last_arg),
        spec("rotatebox", _last_arg),
        spec("adjustbox", _last_arg),
        spec("parbox", _last_arg),
        spec("makebox", _last_arg),
        spec("pbox", _last_arg),
        spec("shortstack", _last_arg),
        spec("makecell", _last_arg),
        spec("thead", _last_arg),
        spec("num", _last_arg),
        spec("pgfmathprintnumber", _pgf_number),
        spec("si", _last_arg),
        spec("SI", lambda n, l2tobj: f"{_arg(1)(n, l2tobj)} {_arg(3)(n, l2tobj)}"),
        spec("textsuperscript", lambda n, l2tobj: "^" + _last_arg(n, l2tobj)),
        spec("textsubscript", lambda n, l2tobj: "_" + _last_arg(n, l2tobj)),
        spec("textcolor", _last_arg),
        spec("colorbox", _last_arg),
        spec("href", _last_arg),
        spec("textnormal", _last_arg),
        spec("mathrm", _last_arg),
        spec("mathsf", _last_arg),
        spec("texttt", _last_arg),
        *(spec(name, _last_arg) for name in ("bm", "boldsymbol", "pmb", "mathbold")),
        *(spec(name, _last_arg) for name in ("textsf", "textrm", "textup", "textmd", "mbox")),
        spec("includegraphics", ""),
        spec("checkmark", "✓"),
        spec("cmark", "✓"),
        spec("xmark", "✗"),
        spec("percent", "%"),
    ]
    cites = "cite citep citet citealp citealt citeauthor citeyear parencite textcite autocite"
    macros += [spec(name, "") for name in (*cites.split(), "footcite")]
    db = latex2text.get_default_latex_context_db()
    db.add_context_category("starter-text", macros=macros, prepend=True)
    return db


@cache
def _converter() -> Any:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(
        latex_context=_text_context(), math_mode="text", strict_latex_spaces=False
    )


def parse(text: str) -> list[Any]:
    """The nodes of `text`; never raises (a malformed region gives what could be read)."""
    from pylatexenc.latexwalker import LatexWalker

    try:
        walker = LatexWalker(text, latex_context=_walker_context(), tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
    except (Exception, RecursionError):  # pylatexenc's own errors and pathological nesting
        return []
    return [n for n in nodes if n is not None]


def to_text(nodes: list[Any]) -> str:
    """Plain text of the nodes, whitespace collapsed."""
    try:
        text = _converter().nodelist_to_text([n for n in nodes if n is not None])
    except (Exception, RecursionError):
        text = " ".join(getattr(n, "latex_verbatim", lambda: "")() for n in nodes if n)
    return re.sub(r"\s+", " ", text).strip()


def kind(node: Any) -> str:
    """ "macro", "group", "env", "math", "chars", "specials", "comment" or "other"."""
    name = type(node).__name__
    return {
        "LatexMacroNode": "macro",
        "LatexGroupNode": "group",
        "LatexEnvironmentNode": "env",
        "LatexMathNode": "math",
        "LatexCharsNode": "chars",
        "LatexSpecialsNode": "specials",
        "LatexCommentNode": "comment",
    }.get(name, "other")


def args(node: Any) -> list[Any]:
    """A macro's or environment's parsed arguments (None where an optional one is absent)."""
    parsed = getattr(node, "nodeargd", None)
    return list(parsed.argnlist) if parsed is not None and parsed.argnlist else []


def children(node: Any) -> list[Any]:
    """Everything inside a node: its arguments, then its body."""
    inner = [a for a in args(node) if a is not None]
    body = getattr(node, "nodelist", None)
    if body:
        inner += [n for n in body if n is not None]
    return inner


def walk(nodes: list[Any]) -> Iterator[Any]:
    """Every node, depth first, in document order."""
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node is None:
            continue
        yield node
        stack.extend(reversed(children(node)))


def styles(nodes: list[Any]) -> set[str]:
    """ "bold", "underline", "italic", "cite" where the nodes use them."""
    found: set[str] = set()
    for node in walk(nodes):
        if kind(node) == "macro":
            name = node.macroname
            if name in BOLD:
                found.add("bold")
            elif name in UNDERLINE:
                found.add("underline")
            elif name in ITALIC:
                found.add("italic")
            elif CITE.match(name):
                found.add("cite")
    return found


# Macros that print nothing a reader sees in a cell (struts, spacing, colours, sizes).
INVISIBLE = frozenset(
    "rule vspace hspace strut bigstrut centering raggedright raggedleft small footnotesize "
    "scriptsize tiny normalsize large Large cellcolor rowcolor columncolor color noindent "
    "setlength arraystretch quad qquad enspace hfill vfill relax".split()
)


def visible(nodes: list[Any]) -> list[Any]:
    """The nodes without blank text and without macros that print nothing."""
    return [
        n
        for n in nodes
        if (parse_kind := kind(n)) != "comment"
        and not (parse_kind == "chars" and not n.chars.strip())
        and not (parse_kind == "macro" and n.macroname in INVISIBLE)
    ]


def first_digit(nodes: list[Any]) -> int | None:
    """Where the first digit of the nodes is (an offset in the parsed text)."""
    for node in walk(nodes):
        if kind(node) == "chars":
            match = re.search(r"\d", node.chars)
            if match:
                return int(node.pos) + match.start()
    return None


def text_of_arg(node: Any, index: int) -> str:
    """The plain text of one argument of a macro."""
    parsed = args(node)
    if index < len(parsed) and parsed[index] is not None:
        return to_text([parsed[index]])
    return ""
