"""Numbers as papers print them: "27.3", "-54.9 ± 0.1", "95.1%", "3.3·10^18", "227M";
read from a table cell's text, or found in a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Printed:
    """One printed number: its value, its text as printed, and what came with it."""

    value: float | int
    text: str  # "27.3", "-54.9", "3.3e18", "1,024"
    spread: float | None = None  # the ± that follows it
    spread_text: str | None = None
    percent: bool = False
    suffix: str | None = None  # "K", "M", "B", "x": a size or a factor, not a measurement
    unit: str | None = None  # a unit printed after it in the cell: "s", "ms", "h", "GB", "dB"


_MARKS = re.compile(r"\^\s*(?:\{[^{}]*\}|[^\s\d.]+|\d+)|[†‡§¶∗★☆□■◇◆△▲▴▵▼▾▽▿⋆♠♣♢♡]")
_EXPONENT = re.compile(
    r"(?P<m>\d+(?:\.\d+)?)\s*(?:·|×|\\cdot|\\times|x)\s*10\s*\^\s*\{?\s*(?P<e>[-+]?\d+)\s*\}?"
)
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d*\.\d+|\d+)(?:[eE][-+]?\d+)?"
_CELL = re.compile(
    rf"^(?:[∼~≈]\s*)?(?P<sign>[-+]?)\s*(?P<num>{_NUMBER})\s*(?P<suffix>%|[KMBGT](?![A-Za-z])|k(?![A-Za-z])|"
    rf"x(?![A-Za-z])|×)?\s*(?P<rest>.*)$"
)
# Units a cell may print after its number ("28 sec", "88s", "3.2 ms", "31.5 dB").
_UNIT = re.compile(
    r"^(?P<unit>s|sec|secs|seconds?|ms|µs|us|m|min|mins|minutes?|h|hr|hrs|hours?|days?|"
    r"gb|mb|kb|tb|db|fps|it/s|gflops|tflops|flops|k?b/s)\.?$",
    re.I,
)
# An interval after the number: a confidence interval "(0.80-0.82)", "[0.80, 0.82]".
_INTERVAL = re.compile(
    rf"^[(\[]\s*[-+]?{_NUMBER}\s*%?\s*(?:-|–|—|,|to)\s*[-+]?{_NUMBER}\s*%?\s*[)\]]$"
)
_SPREAD = re.compile(
    rf"^(?P<sub>_)?\s*[({{\[]?\s*(?P<pm>±|\+/-|\+-|\\pm)?\s*(?P<num>{_NUMBER})\s*[)}}\]]?\s*"
    r"(?P<pct>%)?$"
)


def clean(text: str) -> str:
    """Unicode minus and footnote marks out, scientific notation as "3.3e18"."""
    text = text.replace("−", "-").replace("\u2009", "").replace("\u202f", "")
    text = _EXPONENT.sub(lambda m: f"{m.group('m')}e{m.group('e').replace('+', '')}", text)
    # a spread set as a superscript, "59.4$^{\\pm 1.5}$", is a spread, not a footnote mark
    text = re.sub(r"\^\s*\{\s*(±[^{}]*)\}|\^\s*(?=±)", lambda m: m.group(1) or "", text)
    return _MARKS.sub("", text).strip()


def _value(text: str) -> float | int:
    plain = text.replace(",", "")
    if re.fullmatch(r"[-+]?\d+", plain):
        return int(plain)
    return float(plain)


_FRACTION = re.compile(r"^\(?\s*\d+\s*/\s*\d+\s*\)?\s*=\s*(?=[-+]?[\d.])")


def read_cell(text: str) -> Printed | None:
    """The number a table cell prints, or None when the cell is not (only) a number."""
    text = _FRACTION.sub("", clean(text))  # "(49/50)=0.98": the value after the count
    if not text or len(text) > 40:
        return None
    match = _CELL.match(text)
    if match is None:
        return None
    suffix = match.group("suffix")
    rest = match.group("rest").strip()
    spread = spread_text = None
    percent = suffix == "%"
    if rest and re.fullmatch(rf"\(\s*[-+]\s*{_NUMBER}\s*%?\s*\)", rest):
        rest = ""  # "85.3 (+1.2)": a difference to another row, not part of the number
    if rest and _INTERVAL.match(rest):
        rest = ""  # "0.81 (0.80-0.82)": the number and its confidence interval
    if rest and re.fullmatch(r"\(\s*[A-Za-z][A-Za-z .-]{0,11}\)", rest):
        rest = ""  # "18.5 (d)", "241.4 (m)": a note on the number in words, not a part of it
    unit = None
    if rest and suffix is None:
        found_unit = _UNIT.match(rest)
        if found_unit:
            unit, rest = found_unit.group("unit"), ""
    last_digits = re.fullmatch(r"\((\d{1,3})\)", rest)
    if last_digits and "." in match.group("num"):
        # "3.379(66)": the uncertainty in the last digits, 3.379 ± 0.066
        decimals = len(match.group("num").split(".")[1])
        spread = int(last_digits.group(1)) / 10**decimals
        spread_text, rest = f"±{spread:.{decimals}f}", ""
    if rest:
        found = _SPREAD.match(rest)
        paren = rest.startswith("(")
        if found is None or not (found.group("pm") or found.group("sub") or paren):
            return None
        spread_text = "±" + found.group("num")
        spread = float(found.group("num").replace(",", ""))
        percent = percent or bool(found.group("pct"))
    sign = "-" if match.group("sign") == "-" else ""
    printed = sign + match.group("num")
    try:
        value = _value(printed)
    except ValueError:
        return None
    return Printed(
        value=value,
        text=printed,
        spread=spread,
        spread_text=spread_text,
        percent=percent,
        suffix=None if suffix in (None, "%") else suffix.upper().replace("×", "X"),
        unit=_unit_name(unit),
    )


def _unit_name(unit: str | None) -> str | None:
    if unit is None:
        return None
    word = unit.lower().rstrip(".")
    if word in ("s", "sec", "secs", "second", "seconds"):
        return "s"
    if word in ("min", "mins", "minute", "minutes"):
        return "min"
    if word in ("h", "hr", "hrs", "hour", "hours"):
        return "h"
    if word.startswith("day"):
        return "days"
    return {"db": "dB", "gb": "GB", "mb": "MB", "kb": "KB", "tb": "TB"}.get(word, unit)


_PAIR = re.compile(r"^(?P<a>[^/]*\d[^/]*?)\s*/\s*(?P<b>[^/]*\d[^/]*)$")


def read_pair(text: str) -> tuple[Printed, Printed] | None:
    """The two numbers of a cell printing "a / b" (two metrics in one column), else None."""
    cleaned = clean(text)
    match = _PAIR.match(cleaned)
    if match is None:
        return None
    first, second = read_cell(match.group("a")), read_cell(match.group("b"))
    if first is None or second is None:
        return None
    return first, second


# In running text: a number not glued to a word ("GPT-3", "ResNet-50", "V3", "2x2").
_IN_TEXT = re.compile(
    rf"(?<![\w.\-/^_])(?P<sign>[-+]?)(?P<num>{_NUMBER})(?![\w.]*\d)"
    r"(?P<suffix>\s*(?:%|\\%|x(?![A-Za-z])|×|-?fold\b))?"
)


def find_in_text(text: str) -> list[tuple[int, int, Printed]]:
    """The numbers of a sentence, with where each is; years and ids are left out."""
    found = []
    source = clean(text)
    for match in _IN_TEXT.finditer(source):
        number = match.group("num")
        if re.fullmatch(r"(?:19|20)\d\d", number):
            continue  # a year ("WMT 2014")
        end = match.end()
        if (
            end < len(source)
            and source[end : end + 1] == "-"
            and source[end + 1 : end + 2].isalpha()
        ):
            continue  # "3-layer", "8-bit": a setting
        suffix = (match.group("suffix") or "").strip()
        try:
            value = _value(("-" if match.group("sign") == "-" else "") + number)
        except ValueError:
            continue
        printed = ("-" if match.group("sign") == "-" else "") + number
        found.append(
            (
                match.start(),
                end,
                Printed(
                    value=value,
                    text=printed,
                    percent=suffix in ("%", "\\%"),
                    suffix="X" if suffix in ("x", "×") or "fold" in suffix else None,
                ),
            )
        )
    return found
