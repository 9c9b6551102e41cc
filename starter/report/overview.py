"""The overview chart at the top of a report: every claim's gap over its tolerance, with its
95% interval, on one axis against the ±1 band (an equivalence forest plot), and the claims
it cannot place, by name, with why."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from starter.report.svg import Canvas, Scale, shorten, text_width, tick_text
from starter.track.values import ClaimStatus

WIDTH = 640
ROW = 22
PAD = 10
# The axis stops this many tolerances from the paper's value; an interval reaching further
# ends in an arrow with its value written beside it, so one far-off claim cannot squeeze the
# others into a line.
CAP = 5.0
WHY = {
    "pending": "no runs yet",
    "needs-tolerance": "needs a tolerance",
    "not-comparable": "not comparable (every run declares a deviation)",
    "not-judged": "not judged (qualitative claims and facts)",
}
TITLE = "All claims: the gap to the paper in tolerances, with its 95% interval"


def data(claims: Sequence[ClaimStatus], order: Sequence[str], words: dict[str, str]) -> dict:
    """The chart as plain data (the JSON's "overview"): one row per claim that has a gap and
    a tolerance, in the report's order of verdicts; the others listed by why not."""
    rank = {verdict: i for i, verdict in enumerate(order)}
    ranked = sorted(claims, key=lambda c: rank.get(c.verdict, len(rank)))
    rows: list[dict[str, Any]] = []
    off: dict[str, list[str]] = {}
    for claim in ranked:
        tolerance = claim.tolerance
        if claim.gap is None or not tolerance or claim.verdict in WHY:
            why = WHY.get(claim.verdict, "no gap to draw")
            if claim.exact and claim.verdict in ("reproduced", "not-reproduced"):
                why = f"exact facts, judged by equality ({claim.verdict.replace('-', ' ')})"
            off.setdefault(why, []).append(claim.key)
            continue
        interval = claim.ci95 is not None
        rows.append(
            {
                "id": claim.key,  # the claim, and its group when it has one
                "central": claim.central,
                "verdict": claim.verdict,
                "words": words.get(claim.key, claim.verdict),
                "n": claim.n,
                "tolerance": tolerance,
                "gap": claim.gap / tolerance,
                "low": claim.ci95[0] / tolerance if claim.ci95 is not None else None,
                "high": claim.ci95[1] / tolerance if claim.ci95 is not None else None,
                "kind": "interval" if interval else "point",
            }
        )
    off_chart = [{"why": why, "claims": ids} for why, ids in off.items()]
    return {
        "what": "gap ÷ tolerance: 0 is the paper's value, ±1 the tolerance, positive is better "
        "than the paper; a claim is reproduced when its whole interval lies inside ±1",
        "rows": rows,
        "off_chart": off_chart,
        "off_chart_text": "; ".join(f"{o['why']}: {', '.join(o['claims'])}" for o in off_chart),
    }


def figure(overview: dict[str, Any]) -> str:
    """The chart as SVG; the same data gives the same text."""
    rows = overview["rows"]
    labels = [r["id"] for r in rows] or [""]
    left = PAD + min(max(text_width(t, 12, True) for t in labels), WIDTH * 0.3) + 12
    verdicts = [r["words"] for r in rows] or [""]
    right = WIDTH - PAD - min(max(text_width(t, 11) for t in verdicts), 170) - 14

    ends = [v for r in rows for v in (r["gap"], r["low"], r["high"]) if v is not None]
    low = max(min([-1.5, *ends]) - 0.3, -CAP)
    high = min(max([1.5, *ends]) + 0.3, CAP)
    # Whole tolerances (halves on a short axis), so that ±1, the band's edges, are labelled.
    step = 0.5 if high - low <= 3.5 else 1.0
    ticks = [k * step for k in range(math.ceil(low / step), math.floor(high / step) + 1)]
    scale = Scale(low, high, left, right)

    top = 52
    bottom = top + ROW * max(len(rows), 1)
    footer = _footer_lines(overview["off_chart"])
    height = bottom + 44 + 16 * len(footer) + (6 if footer else 0)
    canvas = Canvas(WIDTH, height, TITLE, overview["what"])
    canvas.text(PAD, 18, TITLE, "st-b")
    canvas.rect(scale(-1), top - 6, scale(1) - scale(-1), bottom - top + 6, "st-band")
    canvas.text(scale(0), top - 12, "within tolerance", "st-m st-s", "middle")
    canvas.text(left, top - 12, "← worse than the paper", "st-m st-s")
    canvas.text(right, top - 12, "better →", "st-m st-s", "end")
    for tick in ticks:
        x = scale(tick)
        canvas.line(x, top - 6, x, bottom, "st-grid")
        text = tick_text(tick, step)
        canvas.text(x, bottom + 16, ("+" + text) if tick > 0 else text, "st-m st-s", "middle")
    canvas.line(scale(0), top - 6, scale(0), bottom, "st-paper", 1.3)
    canvas.line(left, bottom, right, bottom, "st-axis")

    y = top + ROW / 2
    if not rows:
        canvas.text(
            (left + right) / 2, y + 4, "no claim has runs and a tolerance yet", "st-m", "middle"
        )
    for row in rows:
        name = shorten(row["id"], left - PAD - 12, 12.5)
        canvas.text(left - 12, y + 4, name, "st-b" if row["central"] else "", "end", row["id"])
        canvas.text(right + 14, y + 4, shorten(row["words"], WIDTH - PAD - right - 14, 11), "st-s")
        _marker(canvas, scale, row, y)
        y += ROW

    canvas.text(
        (left + right) / 2,
        bottom + 34,
        "gap ÷ tolerance (0: the paper's value; bold: central claims)",
        "st-m st-s",
        "middle",
    )
    for i, line in enumerate(footer):
        canvas.text(PAD, bottom + 56 + 16 * i, line, "st-s")
    return canvas.render()


def _marker(canvas: Canvas, scale: Scale, row: dict[str, Any], y: float) -> None:
    """The gap (a diamond; an open circle for a single run) and its interval; what lies off
    the axis ends in an arrowhead at the edge with its value written beside it."""
    low, high, gap = row["low"], row["high"], row["gap"]
    edge = {"left": [], "right": []}  # type: dict[str, list[str]]

    def place(value: float, what: str) -> float | None:
        """The value's x, or None (and a note at its edge) when it lies off the axis."""
        if value < scale.low:
            edge["left"].append(f"{what}{_signed(value)}")
            return None
        if value > scale.high:
            edge["right"].append(f"{what}{_signed(value)}")
            return None
        return scale(value)

    if low is not None and high is not None:
        a, b = place(low, "to "), place(high, "to ")
        if not (high < scale.low or low > scale.high):
            x1, x2 = a if a is not None else scale.left, b if b is not None else scale.right
            canvas.line(x1, y, x2, y, "st-ink", 1.6)
            for x in (a, b):
                if x is not None:
                    canvas.line(x, y - 5, x, y + 5, "st-ink", 1.6)
    x = place(gap, "gap ")
    if x is not None and row["kind"] == "point":
        canvas.circle(x, y, 4.5, "st-open")
    elif x is not None:
        canvas.diamond(x, y, 5.5, "st-ink")
    for side, notes in edge.items():
        if not notes:
            continue
        # The whole interval off the axis: one line beside the arrow, "gap −7.00 (−7.71 to
        # −6.29)"; part of it: the far end's value above the line.
        whole = len(notes) == 3
        if whole:
            notes = [f"{notes[2]} ({_signed(low)} to {_signed(high)})"]
        text = ", ".join(dict.fromkeys(notes))
        baseline = y + 4 if whole or row["low"] is None else y - 7
        if side == "right":
            x = scale.right
            canvas.polygon([(x, y), (x - 8, y - 5), (x - 8, y + 5)], "st-ink")
            canvas.text(x - 12, baseline, text, "st-m st-s", "end")
        else:
            x = scale.left
            canvas.polygon([(x, y), (x + 8, y - 5), (x + 8, y + 5)], "st-ink")
            canvas.text(x + 12, baseline, text, "st-m st-s")


def _signed(value: float) -> str:
    return f"{value:+.2f}".replace("-", "−")


def _footer_lines(off_chart: list[dict[str, Any]]) -> list[str]:
    """ "Not on the chart: ..." with the claims by name, wrapped to the chart's width."""
    if not off_chart:
        return []
    words = "Not on the chart: " + "; ".join(
        f"{o['why']} ({len(o['claims'])}): {', '.join(o['claims'])}" for o in off_chart
    )
    lines: list[str] = []
    current = ""
    for word in words.split(" "):
        candidate = f"{current} {word}".strip()
        if current and text_width(candidate, 11) > WIDTH - 2 * PAD:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    if len(lines) > 4:  # many claims: the counts, and the names in the report's text
        lines = [*lines[:3], "… (every claim is named in the report below the chart)"]
    return lines
