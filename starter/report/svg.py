"""A small SVG writer for the report's charts: linear scales, round tick values, shapes and
text, with colours as CSS classes so that a chart follows a light or a dark page."""

from __future__ import annotations

import math
from html import escape

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
# Neutral colours: a verdict is read from the words, never from a green or red chart. The
# class names start with "st-" so that several charts inlined in one page share them safely.
STYLE = (
    f".st-t{{font-family:{FONT};font-size:12px;fill:#222}}"
    ".st-b{font-weight:700}.st-m{fill:#555}.st-s{font-size:11px}"
    ".st-bg{fill:#fff}.st-grid{stroke:#e8e8e8}.st-axis{stroke:#9a9a9a}"
    ".st-band{fill:#dcdcdc}.st-range{fill:#b4b4b4}.st-paper{stroke:#222;stroke-dasharray:4 3}"
    ".st-ink{fill:#111;stroke:#111}.st-runs{fill:#1f5fa8}.st-ext{fill:#8a5a00}.st-dev{fill:#444}"
    ".st-open{fill:#fff;stroke:#111;stroke-width:1.5}"
    "@media (prefers-color-scheme:dark){.st-t{fill:#e8e8e6}.st-m{fill:#a8a8a4}"
    ".st-bg{fill:#161616}.st-grid{stroke:#2e2e2d}.st-band{fill:#3a3a38}.st-range{fill:#5a5a57}"
    ".st-paper{stroke:#e8e8e6}.st-ink{fill:#f0f0ee;stroke:#f0f0ee}.st-runs{fill:#8cb8ff}"
    ".st-ext{fill:#ffb74d}.st-dev{fill:#bdbdbd}.st-open{fill:#161616;stroke:#f0f0ee}}"
)
# Average advance of a character, in font sizes: generous for the widest of the fonts named
# in FONT (DejaVu Sans), so that a label measured with it is never cut.
CHAR = 0.62


def text_width(text: str, size: float = 12, bold: bool = False) -> float:
    return len(text) * size * CHAR * (1.08 if bold else 1.0)


def shorten(text: str, width: float, size: float = 12) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if text_width(text, size) <= width:
        return text
    keep = max(1, int(width / (size * CHAR)) - 1)
    return text[:keep] + "…"


def num(value: float) -> str:
    """A coordinate: one decimal at most, so that the same chart gives the same bytes."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def nice_ticks(low: float, high: float, target: int = 6) -> tuple[list[float], float]:
    """Round tick values covering [low, high], and their step."""
    span = high - low
    if not math.isfinite(span) or span <= 0:
        span = abs(low) or 1.0
    raw = span / max(target, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step - 1e-9)
    ticks = []
    index = first
    while index * step <= high + step * 1e-9:
        ticks.append(index * step)
        index += 1
    return ticks, step


def tick_text(value: float, step: float) -> str:
    """A tick value with the decimals its step needs, and a real minus sign."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if round(step / 10**-decimals, 6) % 1:  # a step of 2.5 needs one more
        decimals += 1
    if abs(value) < step * 1e-6:
        value = 0.0
    if abs(value) >= 1e5 or (value and abs(value) < 1e-4):
        return f"{value:.3g}".replace("-", "−")
    return f"{value:,.{decimals}f}".replace("-", "−")


class Scale:
    """Data values [low, high] to pixels [left, right]."""

    def __init__(self, low: float, high: float, left: float, right: float) -> None:
        if high <= low:
            low, high = low - 1, high + 1
        self.low, self.high, self.left, self.right = low, high, left, right

    def __call__(self, value: float) -> float:
        return self.left + (value - self.low) / (self.high - self.low) * (self.right - self.left)


class Canvas:
    """The elements of one chart, written out as one standalone <svg> element."""

    def __init__(self, width: float, height: float, title: str, description: str = "") -> None:
        self.width, self.height = width, height
        self.title, self.description = title, description
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, cls: str, extra: str = "") -> None:
        self.parts.append(
            f'<rect class="{cls}" x="{num(x)}" y="{num(y)}" width="{num(max(w, 0))}" '
            f'height="{num(max(h, 0))}"{extra}/>'
        )

    def line(self, x1: float, y1: float, x2: float, y2: float, cls: str, width: float = 1) -> None:
        stroke = f' stroke-width="{num(width)}"' if width != 1 else ""
        self.parts.append(
            f'<line class="{cls}" x1="{num(x1)}" y1="{num(y1)}" x2="{num(x2)}" '
            f'y2="{num(y2)}"{stroke}/>'
        )

    def circle(self, x: float, y: float, r: float, cls: str, opacity: float = 1) -> None:
        alpha = f' fill-opacity="{opacity:g}"' if opacity != 1 else ""
        self.parts.append(
            f'<circle class="{cls}" cx="{num(x)}" cy="{num(y)}" r="{num(r)}"{alpha}/>'
        )

    def polygon(self, points: list[tuple[float, float]], cls: str) -> None:
        text = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        self.parts.append(f'<polygon class="{cls}" points="{text}"/>')

    def diamond(self, x: float, y: float, r: float, cls: str) -> None:
        self.polygon([(x, y - r), (x + r, y), (x, y + r), (x - r, y)], cls)

    def text(
        self,
        x: float,
        y: float,
        text: str,
        cls: str = "",
        anchor: str = "start",
        tooltip: str | None = None,
    ) -> None:
        classes = " ".join(["st-t", *cls.split()])
        where = f'x="{num(x)}" y="{num(y)}"'
        align = f' text-anchor="{anchor}"' if anchor != "start" else ""
        inner = escape(text, quote=False)
        if tooltip and tooltip != text:
            inner = f"<title>{escape(tooltip, quote=False)}</title>{inner}"
        self.parts.append(f'<text class="{classes}" {where}{align}>{inner}</text>')

    def render(self) -> str:
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {num(self.width)} '
            f'{num(self.height)}" width="{num(self.width)}" height="{num(self.height)}" '
            f'role="img" aria-label="{escape(self.title)}">'
        )
        described = f"<desc>{escape(self.description, quote=False)}</desc>"
        body = [
            head,
            f"<title>{escape(self.title, quote=False)}</title>",
            *([described] if self.description else []),
            f"<style>{STYLE}</style>",
            f'<rect class="st-bg" width="{num(self.width)}" height="{num(self.height)}" rx="6"/>',
            *self.parts,
            "</svg>",
        ]
        return "\n".join(body) + "\n"
