"""The anchor of bench/report.py: the report's charts drawn with matplotlib, as starter drew
them until it drew its own SVG (starter/report/plots.py, overview.py), plus the overview
chart drawn the same way, so that both renderers draw the same report."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence
from typing import Any, cast

from starter.track.values import ClaimStatus

# Neutral colours: a verdict is read from the table, never from a green or red chart.
INK, RUNS, MEAN, BAND, EXTENSION = "#222222", "#1f5fa8", "#111111", "#d9d9d9", "#8a5a00"
# Points drawn per row of a chart. Beyond this a chart shows evenly spaced quantiles of the
# values (the smallest and largest included): the same picture of the distribution, and
# 100,000 points no longer cost seconds and megabytes of SVG. Mean and interval use all.
MAX_POINTS = 1000
# Above this many points a row is drawn as a strip of small, faint dots.
DENSE = 100


def drawn(values: Sequence[float], limit: int = MAX_POINTS) -> tuple[float, ...]:
    """The values a chart draws: all of them up to `limit`, else `limit` evenly spaced
    quantiles (deterministic: the same values give the same points)."""
    if len(values) <= limit:
        return tuple(values)
    ordered = sorted(values)
    last = len(ordered) - 1
    return tuple(ordered[(i * last + (limit - 1) // 2) // (limit - 1)] for i in range(limit))


def drawn_note(claim: ClaimStatus) -> str | None:
    """What a chart leaves out, in words; None when it draws every value."""
    parts = [
        f"{MAX_POINTS:,} of {len(values):,} {what}"
        for what, values in (
            ("runs", claim.values),
            ("deviating runs", claim.deviating_values),
            ("extension runs", claim.extension_values),
        )
        if len(values) > MAX_POINTS
    ]
    if not parts:
        return None
    return (
        f"{claim.id}: drawn as evenly spaced quantiles, {'; '.join(parts)}; the mean and its "
        "95% interval use every run."
    )


def plottable(claims: Iterable[ClaimStatus]) -> list[ClaimStatus]:
    """Numeric claims that have values to show."""
    return [
        c
        for c in claims
        if c.reported is not None and (c.values or c.extension_values or c.deviating_values)
    ]


def file_name(claim_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", claim_id).strip("-.") or "claim"


def claim_figure(claim: ClaimStatus, fmt: str = "svg") -> str:
    """The chart of one claim as SVG; the same input gives the same text."""
    import matplotlib
    from matplotlib.figure import Figure

    # Given inline: mypy then checks the keys against matplotlib's names of settings.
    with matplotlib.rc_context(
        {
            "svg.hashsalt": "starter",
            "svg.fonttype": "none",  # text stays text: smaller, searchable, stable across fonts
            "font.size": 9,
            "font.family": "DejaVu Sans",
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.spines.left": False,
        }
    ):
        rows = _rows(claim)
        figure = Figure(figsize=(6.4, 1.2 + 0.45 * len(rows)), layout="constrained")
        _draw(figure.add_subplot(), claim, rows)
        buffer = io.BytesIO()
        metadata: dict[str, Any] = {"Date": None} if fmt == "svg" else {"Software": None}
        figure.savefig(buffer, format=fmt, metadata=metadata, dpi=144, facecolor="white")
    return buffer.getvalue().decode("utf-8")


def overview_figure(data: dict[str, Any]) -> str:
    """The overview chart of starter/report/overview.py (the same rows), with matplotlib."""
    import matplotlib
    from matplotlib.figure import Figure

    rows = data["rows"]
    with matplotlib.rc_context(
        {"svg.hashsalt": "starter", "svg.fonttype": "none", "font.size": 9,
         "font.family": "DejaVu Sans", "axes.spines.top": False, "axes.spines.right": False}
    ):  # fmt: skip
        figure = Figure(figsize=(6.4, 1.2 + 0.3 * max(len(rows), 1)), layout="constrained")
        ax = figure.add_subplot()
        ax.axvspan(-1, 1, color=BAND, alpha=0.6, lw=0)
        ax.axvline(0, color=INK, lw=1.2, ls="--")
        for y, row in enumerate(reversed(rows)):
            gap = max(min(row["gap"], 5), -5)
            if row["low"] is not None:
                low, high = max(row["low"], -5), min(row["high"], 5)
                spread = [[max(gap - low, 0)], [max(high - gap, 0)]]
                ax.errorbar([gap], [y], xerr=spread, fmt="D", color=MEAN, capsize=4, ms=5)
            else:
                ax.plot([gap], [y], "o", mfc="white", color=MEAN, ms=6)
            ax.text(5.3, y, row["words"], va="center", fontsize=8)
        ax.set_yticks(range(len(rows)), [r["id"] for r in reversed(rows)])
        ax.set_xlim(-5.3, 5.3)
        ax.set_xlabel("gap ÷ tolerance (0: the paper's value)")
        ax.set_title(data["what"][:60], loc="left", fontsize=10, fontweight="bold")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None}, facecolor="white")
    return buffer.getvalue().decode("utf-8")


def _rows(claim: ClaimStatus) -> list[tuple[str, tuple[float, ...], str]]:
    rows = []
    for what, values, colour in (
        ("runs", claim.values, RUNS),
        ("deviating", claim.deviating_values, INK),
        ("extension", claim.extension_values, EXTENSION),
    ):
        if not values:
            continue
        label = f"{what} (n={len(values)})"
        if len(values) > MAX_POINTS:
            label = f"{what} (n={len(values):,}; {MAX_POINTS:,} quantiles drawn)"
        rows.append((label, drawn(values), colour))
    return rows


def _draw(ax: Any, claim: ClaimStatus, rows: list[tuple[str, tuple[float, ...], str]]) -> None:
    unit = f" {claim.unit}" if claim.unit and len(claim.unit) <= 12 else ""
    labels = []
    y = len(rows)
    # The mean and its interval sit in the top row, labelled on the axis itself.
    if claim.mean is not None:
        labels.append((y, "mean, 95% interval"))
        if claim.ci95 is not None:
            half = (claim.ci95[1] - claim.ci95[0]) / 2
            ax.errorbar(
                [claim.mean], [y], xerr=[[half], [half]], fmt="D", color=MEAN, capsize=4, ms=5
            )
        else:
            ax.plot([claim.mean], [y], "D", color=MEAN, ms=5)
    for index, (label, values, colour) in enumerate(rows):
        row = len(rows) - 1 - index
        labels.append((row, label))
        # Spread repeated values a little so every run stays visible; no randomness.
        offsets = [((i % 5) - 2) * 0.06 for i in range(len(values))]
        size, alpha = 22, 0.85
        if len(values) > DENSE:  # a strip: where points crowd, the shade says how many
            offsets = [((i * 8) % 21 - 10) * 0.028 for i in range(len(values))]
            size, alpha = 7, 0.3
        ax.scatter(values, [row + o for o in offsets], s=size, color=colour, alpha=alpha, zorder=3)
    top = len(rows) + 0.6
    _draw_reported(ax, claim, top, unit)
    ax.set_yticks([r for r, _ in labels], [text for _, text in labels])
    ax.set_ylim(-0.6, top + 1.1)
    ax.tick_params(axis="y", length=0)
    ax.grid(axis="x", color="#eeeeee", zorder=0)
    ax.set_axisbelow(True)
    better = {"higher": "higher is better →", "lower": "← lower is better"}.get(
        claim.direction or "", ""
    )
    ax.set_xlabel(f"{claim.metric}{unit}" + (f"   ({better})" if better else ""))
    ax.set_title(claim.id, loc="left", fontsize=10, fontweight="bold", color=INK)


def _draw_reported(ax: Any, claim: ClaimStatus, top: float, unit: str) -> None:
    # Drawn only for plottable() claims, whose reported value is not None.
    reported = cast(float | tuple[float, float], claim.reported)
    low, high = reported if isinstance(reported, tuple) else (reported, reported)
    text = claim.reported_text or f"{reported}"
    centre = (low + high) / 2
    if claim.tolerance is not None:
        ax.axvspan(low - claim.tolerance, high + claim.tolerance, color=BAND, alpha=0.6, lw=0)
        ax.text(
            centre,
            top + 0.2,
            f"tolerance ±{claim.tolerance:.4g}",
            ha="center",
            va="center",
            color="#444444",
            fontsize=8,
            bbox={"fc": "white", "ec": "none", "pad": 1},
        )
    if low == high:
        ax.axvline(low, color=INK, lw=1.2, ls="--")
    else:
        ax.axvspan(low, high, color="#9e9e9e", alpha=0.5, lw=0)
    ax.text(
        centre,
        top + 0.75,
        f"paper {text}{unit}",
        ha="center",
        va="center",
        color=INK,
        fontsize=8,
        fontweight="bold",
        bbox={"fc": "white", "ec": "none", "pad": 1},
    )
