"""Turn an unpacked e-print into one LaTeX document: find the main file, splice in
\\input/\\include/\\subfile, drop comments and hidden blocks, expand simple user macros,
and keep where each character came from (file and line) for the evidence."""

from __future__ import annotations

import bisect
import posixpath
import re
from dataclasses import dataclass, field

from starter.papers.latex.rewrite import call_inputs, input_macros, pgf_results, tabu
from starter.papers.latex.unpack import Source

MAX_DEPTH = 12  # nested \input and nested macro expansions
MAX_SIZE = 20 * 1024 * 1024  # characters of expanded text

_COMMENT = re.compile(r"(?<!\\)((?:\\\\)*)%[^\n]*")
_HIDDEN = re.compile(r"\\iffalse\b.*?\\fi\b|\\begin\{comment\}.*?\\end\{comment\}", re.DOTALL)
_INCLUDE = re.compile(
    r"\\(?:(?P<cmd>input|include|subfile)(?![A-Za-z@])\s*(?:\{(?P<name>[^{}]*)\}|(?P<bare>[^\s{}\\]+))"
    r"|(?P<imp>import|subimport|inputfrom|subinputfrom|includefrom|subincludefrom)\*?\s*"
    r"\{(?P<dir>[^{}]*)\}\s*\{(?P<file>[^{}]*)\})"
)
_DEF = re.compile(
    r"\\(?:(?:re|provide)?newcommand|DeclareRobustCommand)\*?\s*"
    r"(?:\{\s*\\(?P<n1>[A-Za-z@]+|.)\s*\}|\\(?P<n2>[A-Za-z@]+|.))\s*"
    r"(?:\[\s*(?P<nargs>\d)\s*\])?\s*(?:\[(?P<default>[^\]]*)\])?\s*\{"
    r"|\\[gex]?def\s*\\(?P<n3>[A-Za-z@]+)\s*(?P<params>(?:#\d)*)\s*\{"
)
_CONTROL = re.compile(r"\\([A-Za-z@]+)")
# Bodies starter does not expand: they program TeX rather than stand for text.
_UNSAFE = re.compile(r"\\(?:def|gdef|edef|newcommand|renewcommand|let|csname|if\w*|else|fi|"
                     r"makeatletter|futurelet|afterassignment)(?![A-Za-z])|##|@")  # fmt: skip
# Names whose meaning the table reader relies on: never expanded, even if redefined.
KEEP = frozenset(
    "begin end input include caption label multicolumn multirow textbf textit emph underline "
    "cite citep citet hline toprule midrule bottomrule cline cmidrule section subsection item "
    "tabular".split()
)


@dataclass(frozen=True)
class Macro:
    name: str
    nargs: int
    default: str | None  # the first argument is optional with this default
    body: str


@dataclass
class Document:
    """The expanded text, its main file, and where each offset came from."""

    text: str
    main: str
    macros: dict[str, Macro] = field(default_factory=dict)
    algorithms: tuple[str, ...] = ()  # "Algorithm 1", ... as the text refers to them
    _starts: list[int] = field(default_factory=list)  # segment starts in `text`
    _origins: list[tuple[str, int]] = field(default_factory=list)  # (file, first line)
    _newlines: list[int] = field(default_factory=list)

    def where(self, pos: int) -> tuple[str, int]:
        """(file, line) of an offset of `text`."""
        if not self._starts:
            return self.main, 1
        index = max(0, bisect.bisect_right(self._starts, pos) - 1)
        start = self._starts[index]
        file, first = self._origins[index]
        lines_before = bisect.bisect_left(self._newlines, pos) - bisect.bisect_left(
            self._newlines, start
        )
        return file, first + lines_before

    @property
    def body_start(self) -> int:
        found = self.text.find("\\begin{document}")
        return 0 if found < 0 else found

    @property
    def body_end(self) -> int:
        found = self.text.find("\\end{document}", self.body_start)
        return len(self.text) if found < 0 else found

    @property
    def appendix_start(self) -> int:
        """Where the appendix (or anything after the references) begins."""
        pattern = re.compile(
            r"\\appendix(?![A-Za-z])|\\begin\{appendices\}|\\section\*?\{\s*(?:Appendix|"
            r"Supplementary)|\\bibliography\{|\\begin\{thebibliography\}|\\printbibliography"
        )
        found = pattern.search(self.text, self.body_start)
        return found.start() if found else self.body_end


def strip_comments(text: str) -> str:
    """Comments and hidden blocks removed, every newline kept (so lines stay right)."""
    text = _COMMENT.sub(lambda m: m.group(1), text)
    return _HIDDEN.sub(lambda m: "\n" * m.group(0).count("\n"), text)


def build(source: Source, main: str) -> Document:
    """The document rooted at `main`, includes spliced and macros expanded."""
    base = posixpath.dirname(main)
    pieces: list[tuple[str, str, int]] = []  # (text, file, first line)
    root = strip_comments(source.text(main))
    hiding = _hiding_macros(root)
    _splice(source, main, base, pieces, [], 0, hiding, input_macros(root))
    macros: dict[str, Macro] = {}
    for package in _local_packages(source, "".join(text for text, _, _ in pieces), base):
        _collect_macros(strip_comments(source.text(package)), macros)
    cleaned = []
    for text, file, line in pieces:
        text = _collect_macros(text, macros)
        text = tabu(text)
        cleaned.append((text, file, line))
    doc = Document(text="", main=main, macros=macros)
    algorithms = _algorithms("".join(text for text, _, _ in cleaned))
    doc.algorithms = tuple(dict.fromkeys(algorithms.values()))
    out: list[str] = []
    size = 0
    for text, file, line in cleaned:
        expanded = pgf_results(Expander(macros).expand(text) if macros else text)
        expanded = _name_references(expanded, algorithms) if algorithms else expanded
        doc._starts.append(size)
        doc._origins.append((file, line))
        out.append(expanded)
        size += len(expanded)
        if size > MAX_SIZE:
            break
    doc.text = "".join(out)
    doc._newlines = [m.start() for m in re.finditer("\n", doc.text)]
    return doc


_PACKAGE = re.compile(r"\\(?:usepackage|RequirePackage)\s*(?:\[[^\]]*\])?\s*\{([^{}]*)\}")


def _local_packages(source: Source, text: str, base: str) -> list[str]:
    """The paper's own style files it loads (\\usepackage{mystyle} with mystyle.sty in
    the e-print): their \\newcommand shorthands (\\mcZ for \\mathcal{Z}) are read too."""
    found = []
    for match in _PACKAGE.finditer(text):
        for name in match.group(1).split(","):
            path = posixpath.normpath(posixpath.join(base, name.strip() + ".sty"))
            if path in source.files and path not in found:
                found.append(path)
    return found


_ALGORITHM = re.compile(r"\\begin\{algorithm\*?\}(.*?)\\end\{algorithm\*?\}", re.DOTALL)
_REFERENCE = re.compile(r"\\(?P<cmd>[cC]ref|autoref|ref)\*?\s*\{(?P<label>[^{}]*)\}")


def _algorithms(text: str) -> dict[str, str]:
    """{label: "Algorithm N"} for the paper's own algorithm environments, in order."""
    out: dict[str, str] = {}
    for number, match in enumerate(_ALGORITHM.finditer(text), start=1):
        for label in re.findall(r"\\label\s*\{([^{}]*)\}", match.group(1)):
            out[label.strip()] = f"Algorithm {number}"
    return out


def _name_references(text: str, algorithms: dict[str, str]) -> str:
    """ "\\Cref{alg:full}" as LaTeX prints it, "Algorithm 1" (a table row named after the
    paper's own algorithm that way would otherwise have no label)."""

    def name(match: re.Match[str]) -> str:
        label = algorithms.get(match.group("label").strip())
        if label is None:
            return match.group(0)
        return label if match.group("cmd") != "ref" else label.split()[-1]

    return _REFERENCE.sub(name, text)


def _resolve(source: Source, name: str, folders: list[str]) -> str | None:
    name = name.strip().strip('"')
    for folder in folders:
        path = posixpath.normpath(posixpath.join(folder, name))
        if path.startswith("../"):
            continue
        for candidate in (path, path + ".tex"):
            if candidate in source.files:
                return candidate
    return None


def _splice(
    source: Source,
    path: str,
    base: str,
    pieces: list[tuple[str, str, int]],
    stack: list[str],
    depth: int,
    hiding: frozenset[str] = frozenset(),
    inputs: dict[str, tuple[str, str]] | None = None,
) -> None:
    text = _hide(strip_comments(source.text(path)), hiding)
    if inputs:
        text = call_inputs(text, inputs)
    if depth:
        text = _body_only(text)
    here = posixpath.dirname(path)
    pos, line = 0, 1
    for match in _INCLUDE.finditer(text):
        if match.group("imp"):
            folder = posixpath.join(
                here if match.group("imp").startswith("sub") else base, match.group("dir")
            )
            target = _resolve(source, match.group("file"), [folder])
        else:
            name = match.group("name") if match.group("name") is not None else match.group("bare")
            target = _resolve(source, name or "", [base, here])
        if target is None or target in stack or depth >= MAX_DEPTH:
            continue
        before = text[pos : match.start()]
        pieces.append((before, path, line))
        line += before.count("\n")
        _splice(source, target, base, pieces, [*stack, path], depth + 1, hiding, inputs)
        skipped = text[match.start() : match.end()]
        line += skipped.count("\n")
        pos = match.end()
    pieces.append((text[pos:], path, line))


def _hiding_macros(text: str) -> frozenset[str]:
    """Macros the paper defines to hide their argument (\\newcommand{\\cut}[1]{}): what
    they wrap, tables \\input there included, is not in the paper."""
    defined: dict[str, Macro] = {}
    _collect_macros(text, defined)
    return frozenset(m.name for m in defined.values() if m.nargs == 1 and not m.body.strip())


def _hide(text: str, hiding: frozenset[str]) -> str:
    """`text` with each call of a hiding macro blanked to its newlines."""
    if not hiding:
        return text
    pattern = re.compile(r"\\(?:" + "|".join(map(re.escape, hiding)) + r")(?![A-Za-z@])\s*\{")
    out, pos = [], 0
    for match in pattern.finditer(text):
        if match.start() < pos:
            continue
        end = _braced(text, match.end())
        if end < 0:
            continue
        out += [text[pos : match.start()], "\n" * text.count("\n", match.start(), end)]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _body_only(text: str) -> str:
    """An included file that is a document of its own (a \\subfile, a standalone table):
    only its body, the preamble and \\end{document} blanked to their newlines."""
    if "\\documentclass" not in text:
        return text
    begin = text.find("\\begin{document}")
    if begin < 0:
        return text
    begin += len("\\begin{document}")
    end = text.find("\\end{document}", begin)
    end = len(text) if end < 0 else end
    return "\n" * text.count("\n", 0, begin) + text[begin:end] + "\n" * text.count("\n", end)


def _braced(text: str, start: int) -> int:
    """The index just past the group whose "{" is at text[start - 1]; -1 if unbalanced."""
    depth = 1
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _collect_macros(text: str, macros: dict[str, Macro]) -> str:
    """Record the definitions in `text` and blank them out (newlines kept)."""
    out: list[str] = []
    pos = 0
    for match in _DEF.finditer(text):
        if match.start() < pos:
            continue  # inside a definition already taken
        end = _braced(text, match.end())
        if end < 0:
            continue
        body = text[match.end() : end - 1]
        name = match.group("n1") or match.group("n2") or match.group("n3") or ""
        if match.group("n3") is not None:
            nargs, default = len(match.group("params") or "") // 2, None
        else:
            nargs = int(match.group("nargs") or 0)
            default = match.group("default")
        if name and name not in KEEP and not _UNSAFE.search(body) and len(body) < 2000:
            macros[name] = Macro(name, nargs, default, body)
        out.append(text[pos : match.start()])
        out.append("\n" * text.count("\n", match.start(), end))
        pos = end
    out.append(text[pos:])
    return "".join(out)


_ROMAN = (
    (1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"),
    (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"),
)  # fmt: skip


def _roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        while number >= value:
            out.append(letters)
            number -= value
    return "".join(out)


def _primitives(text: str) -> str:
    """The few TeX primitives simple macros use to print text (\\romannumeral, \\uppercase)."""
    text = re.sub(r"\\(?:expandafter|relax|xspace)(?![A-Za-z])", "", text)
    text = re.sub(r"\\romannumeral\s*(\d{1,4})", lambda m: _roman(int(m.group(1))), text)
    return re.sub(
        r"\\(upper|lower)case\s*\{([^{}]*)\}",
        lambda m: m.group(2).upper() if m.group(1) == "upper" else m.group(2).lower(),
        text,
    )


class Expander:
    """Expands user macros in a text, keeping its newlines where they were."""

    def __init__(self, macros: dict[str, Macro], budget: int = 200_000) -> None:
        self.macros = macros
        self.budget = budget  # expansions left, against \\def\\a{\\a\\a}

    def expand(self, text: str, depth: int = 0) -> str:
        out: list[str] = []
        pos = 0
        for match in _CONTROL.finditer(text):
            if match.start() < pos:
                continue
            macro = self.macros.get(match.group(1))
            if macro is None or depth >= MAX_DEPTH or self.budget <= 0:
                continue
            if match.start() > 0 and text[match.start() - 1] == "\\":
                continue  # "\\\\name": a line break, then a word
            args, end = _arguments(text, match.end(), macro)
            if args is None:
                continue
            self.budget -= 1
            body = _substitute(macro.body, args)
            inner = self.expand(_primitives(body), depth + 1)
            out.append(text[pos : match.start()])
            out.append(inner.replace("\n", " "))
            out.append("\n" * text.count("\n", match.start(), end))
            pos = end
        if pos == 0:
            return text
        out.append(text[pos:])
        return "".join(out)


def _substitute(body: str, args: list[str]) -> str:
    def arg(m: re.Match[str]) -> str:
        index = int(m.group(1)) - 1
        return args[index] if 0 <= index < len(args) else ""

    return re.sub(r"#(\d)", arg, body)


def _arguments(text: str, pos: int, macro: Macro) -> tuple[list[str] | None, int]:
    args: list[str] = []
    for index in range(macro.nargs):
        i = pos
        while i < len(text) and text[i] in " \t\n":
            i += 1
        if index == 0 and macro.default is not None:
            if i < len(text) and text[i] == "[":
                close = text.find("]", i)
                if close < 0:
                    return None, pos
                args.append(text[i + 1 : close])
                pos = close + 1
            else:
                args.append(macro.default)
            continue
        if i >= len(text):
            return None, pos
        if text[i] == "{":
            end = _braced(text, i + 1)
            if end < 0:
                return None, pos
            args.append(text[i + 1 : end - 1])
            pos = end
        elif text[i] == "\\":
            word = _CONTROL.match(text, i)
            end = word.end() if word else i + 2
            args.append(text[i:end])
            pos = end
        elif text[i] in "}":
            return None, pos
        else:
            args.append(text[i])
            pos = i + 1
    return args, pos
