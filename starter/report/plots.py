"""One chart per numeric claim with runs: its runs, their mean and interval, the paper's
value and the tolerance band, as SVG (report/svg.py draws it; no plotting library)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import cast

from starter.report.svg import Canvas, Scale, nice_ticks, shorten, text_width, tick_text
from starter.track.values import ClaimStatus

# Points drawn per row of a chart. Beyond this a chart shows evenly spaced quantiles of the
# values (the smallest and largest included): the same picture of the distribution, and
# 100,000 points no longer cost seconds and megabytes of SVG. Mean and interval use all.
MAX_POINTS = 1000
# Above this many points a row is drawn as a strip of small, faint dots.
DENSE = 100
OVERVIEW = "overview"  # report/plots/overview.svg: the overview chart (overview.py)
WIDTH = 640
ROW = 26  # pixels per row of dots
PAD = 10


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
        f"{claim.key}: drawn as evenly spaced quantiles, {'; '.join(parts)}; the mean and its "
        "95% interval use every run."
    )


def plottable(claims: Iterable[ClaimStatus]) -> list[ClaimStatus]:
    """Numeric claims that have values to show."""
    return [
        c
        for c in claims
        if isinstance(c.reported, int | float | tuple)
        and (c.values or c.extension_values or c.deviating_values or c.checkpoint_values)
    ]


def file_name(claim_id: str) -> str:
    """The chart's file name, without .svg; never the overview's (OVERVIEW)."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", claim_id).strip("-.") or "claim"
    return f"claim-{name}" if name == OVERVIEW else name


def claim_figure(claim: ClaimStatus) -> str:
    """The chart of one plottable claim as SVG; the same input gives the same text."""
    rows = _rows(claim)
    reported = cast(float | tuple[float, float], claim.reported)
    low, high = reported if isinstance(reported, tuple) else (reported, reported)
    tolerance = claim.tolerance
    unit = f" {claim.unit}" if claim.unit and len(claim.unit) <= 12 else ""
    labels = (["mean, 95% interval"] if claim.mean is not None else []) + [r[0] for r in rows]
    left = PAD + min(max(text_width(label, 11) for label in labels), WIDTH * 0.35) + 10
    right = WIDTH - PAD - 6

    # The x range: every drawn value, the interval, the paper's value and its band.
    xs = [v for _, values, _ in rows for v in values] + [low, high]
    half = (claim.ci95[1] - claim.ci95[0]) / 2 if claim.ci95 is not None else 0.0
    if claim.mean is not None:
        xs += [claim.mean - half, claim.mean + half]
    if tolerance is not None:
        xs += [low - tolerance, high + tolerance]
    lo, hi = min(xs), max(xs)
    margin = (hi - lo) * 0.06 or abs(lo) * 0.1 or 1.0
    ticks, step = nice_ticks(lo - margin, hi + margin)
    scale = Scale(min(ticks[0], lo - margin), max(ticks[-1], hi + margin), left, right)

    top = 66
    bottom = top + ROW * len(labels)
    height = bottom + 46
    title = f"{claim.key}: our runs against the paper's value"
    canvas = Canvas(WIDTH, height, title, _description(claim, rows))
    canvas.text(PAD, 20, shorten(claim.key, WIDTH - 2 * PAD, 13), "st-b", tooltip=claim.key)

    # The tolerance band and the paper's value (a line, or a shaded range).
    if tolerance is not None:
        band = (scale(low - tolerance), scale(high + tolerance))
        canvas.rect(band[0], top - 8, band[1] - band[0], bottom - top + 8, "st-band")
        _label(canvas, (band[0] + band[1]) / 2, 52, f"tolerance ±{tolerance:.4g}", left, right)
    for tick in ticks:
        x = scale(tick)
        if left - 0.5 <= x <= right + 0.5:
            canvas.line(x, top - 8, x, bottom, "st-grid")
            canvas.text(x, bottom + 16, tick_text(tick, step), "st-m st-s", "middle")
    if low == high:
        canvas.line(scale(low), top - 14, scale(low), bottom, "st-paper", 1.3)
    else:
        canvas.rect(scale(low), top - 8, scale(high) - scale(low), bottom - top + 8, "st-range")
    text = claim.reported_text or f"{reported}"
    _label(canvas, scale((low + high) / 2), 37, f"paper {text}{unit}", left, right, bold=True)
    canvas.line(left, bottom, right, bottom, "st-axis")

    y = top + ROW / 2
    if claim.mean is not None:
        canvas.text(left - 10, y + 4, "mean, 95% interval", "st-s", "end")
        mean = scale(claim.mean)
        if claim.ci95 is not None:
            a, b = scale(claim.mean - half), scale(claim.mean + half)
            canvas.line(a, y, b, y, "st-ink", 1.5)
            canvas.line(a, y - 5, a, y + 5, "st-ink", 1.5)
            canvas.line(b, y - 5, b, y + 5, "st-ink", 1.5)
        canvas.diamond(mean, y, 5, "st-ink")
        y += ROW
    for label, values, cls in rows:
        canvas.text(left - 10, y + 4, shorten(label, left - PAD - 10, 11), "st-s", "end", label)
        # Repeated values are spread a little so that every run stays visible; no randomness.
        offsets = [((i % 5) - 2) * 2.4 for i in range(len(values))]
        radius, alpha = 3.6, 0.85
        if len(values) > DENSE:  # a strip: where points crowd, the shade says how many
            offsets = [((i * 8) % 21 - 10) * 1.1 for i in range(len(values))]
            radius, alpha = 1.8, 0.3
        for value, offset in zip(values, offsets, strict=True):
            canvas.circle(scale(value), y + offset, radius, cls, alpha)
        y += ROW

    better = {"higher": "higher is better →", "lower": "← lower is better"}.get(
        claim.direction or "", ""
    )
    axis = f"{claim.metric}{unit}" + (f" ({better})" if better else "")
    canvas.text((left + right) / 2, bottom + 36, shorten(axis, right - PAD), "", "middle", axis)
    return canvas.render()


def _label(
    canvas: Canvas, x: float, y: float, text: str, left: float, right: float, bold: bool = False
) -> None:
    """A label centred on x, moved in so that it stays whole inside the chart."""
    half = text_width(text, 11, bold) / 2
    x = min(max(x, left + half - 40), right - half)
    canvas.text(x, y, text, "st-s" + (" st-b" if bold else ""), "middle")


def _rows(claim: ClaimStatus) -> list[tuple[str, tuple[float, ...], str]]:
    rows = []
    for what, values, cls in (
        ("runs", claim.values, "st-runs"),
        ("deviating", claim.deviating_values, "st-dev"),
        ("extension", claim.extension_values, "st-ext"),
        ("checkpoint", claim.checkpoint_values, "st-dev"),
    ):
        if not values:
            continue
        label = f"{what} (n={len(values)})"
        if len(values) > MAX_POINTS:
            label = f"{what} (n={len(values):,}; {MAX_POINTS:,} quantiles drawn)"
        rows.append((label, drawn(values), cls))
    return rows


def _description(claim: ClaimStatus, rows: list[tuple[str, tuple[float, ...], str]]) -> str:
    parts = [f"paper {claim.reported_text or claim.reported}"]
    if claim.tolerance is not None:
        parts.append(f"tolerance ±{claim.tolerance:.4g}")
    if claim.mean is not None:
        parts.append(f"our mean {claim.mean:.4g}")
    parts += [label for label, _, _ in rows]
    return f"{claim.key}: " + "; ".join(parts)
