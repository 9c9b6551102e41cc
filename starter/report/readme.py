"""The README's results section between starter's markers, and the badge it shows."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from pathlib import Path
from typing import Any

from starter.errors import InputError, NotFoundError

BEGIN = "<!-- starter:results:begin -->"
END = "<!-- starter:results:end -->"
BADGE_PATH = "results/badge.svg"

# Badge colours: grey until something is judged; green only when every judged claim is.
GREEN, YELLOW, RED, GREY = "#2e7d32", "#b26a00", "#c62828", "#6b6b6b"


def replace_section(text: str, section: str, source: str = "README.md") -> str:
    """`text` with what lies between the markers replaced by `section`; the rest untouched."""
    begin, end = text.find(BEGIN), text.find(END)
    if begin < 0 or end < 0:
        missing = BEGIN if begin < 0 else END
        raise InputError(
            f"{source} has no line {missing}; add the two lines {BEGIN} and {END} "
            "where the results should go, then run `starter report --readme` again"
        )
    if end < begin:
        raise InputError(f"{source}: {END} comes before {BEGIN}; put the begin marker first")
    if text.count(BEGIN) > 1 or text.count(END) > 1:
        raise InputError(f"{source} has its results markers more than once; keep one pair")
    head = text[: begin + len(BEGIN)]
    tail = text[end:]
    newline = "\r\n" if "\r\n" in text else "\n"
    body = section.strip("\n").replace("\n", newline)
    return f"{head}{newline}{body}{newline}{tail}"


def update(root: Path, section: str, badge: str) -> list[Path]:
    """Rewrite the README's section and the badge; return the files that changed."""
    from starter.fsutil import atomic_write_text

    readme = root / "README.md"
    try:
        text = readme.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise NotFoundError(
            f"no README.md in {root}; create one with the lines {BEGIN} and {END} in it"
        ) from None
    new_text = replace_section(text, section, "README.md")
    changed = []
    badge_file = root / BADGE_PATH
    if not badge_file.exists() or badge_file.read_text(encoding="utf-8") != badge:
        atomic_write_text(badge_file, badge)
        changed.append(badge_file)
    if new_text != text:
        atomic_write_text(readme, new_text)
        changed.append(readme)
    return changed


def badge_counts(claims: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """(reproduced, judgeable) over report claims: qualitative claims and facts with no
    better or worse are never judged, so they are left out of the count; exact facts (a
    parameter count, judged by equality) are in it."""
    judgeable = [
        c
        for c in claims
        if c.get("reported") is not None
        and (c.get("direction") in ("higher", "lower") or c.get("exact"))
    ]
    return sum(1 for c in judgeable if c.get("verdict") == "reproduced"), len(judgeable)


def decided(claims: Iterable[Mapping[str, Any]]) -> int:
    """Claims with a verdict drawn from their runs (exact facts included): with none, the
    badge is grey whatever it counts."""
    final = ("reproduced", "exceeds", "not-reproduced", "inconclusive")
    return sum(1 for c in claims if c.get("verdict") in final)


def badge_svg(reproduced: int, judgeable: int, decided: int) -> str:
    """A small flat badge "reproduced 2/3"; `decided` counts claims with a final verdict."""
    if decided == 0:
        colour = GREY
    elif reproduced == judgeable:
        colour = GREEN
    elif reproduced == 0:
        colour = RED
    else:
        colour = YELLOW
    return _badge("reproduced", f"{reproduced}/{judgeable}", colour)


def _badge(label: str, message: str, colour: str) -> str:
    # Width from a per-character estimate of 11px Verdana: good enough for short ASCII text.
    left = 10 + round(6.6 * len(label))
    right = 10 + round(7.0 * len(message))
    width = left + right
    title = escape(f"{label}: {message}")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{title}">\n'
        f"<title>{title}</title>\n"
        f'<rect width="{left}" height="20" rx="3" fill="#555"/>\n'
        f'<rect x="{left}" width="{right}" height="20" rx="3" fill="{colour}"/>\n'
        f'<rect x="{left}" width="4" height="20" fill="{colour}"/>\n'
        f'<g fill="#fff" text-anchor="middle" '
        f'font-family="Verdana,DejaVu Sans,sans-serif" font-size="11">\n'
        f'<text x="{left / 2:g}" y="14">{escape(label)}</text>\n'
        f'<text x="{left + right / 2:g}" y="14">{escape(message)}</text>\n'
        f"</g>\n</svg>\n"
    )
