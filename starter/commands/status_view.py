"""How `starter status` reads at any width, on a terminal or in a pipe: a table when it fits,
else one block per claim; lines wrap between words, never inside one, and no column is cut."""

import textwrap
from typing import Any

from starter.commands.common import fmt

HEADERS = ("claim", "verdict", "target", "n", "mean ± sd", "gap, 95% CI", "best", "tol.")
LEFT = ("claim", "verdict")
GAP = "  "  # between columns


def width() -> int:
    """The terminal's width (COLUMNS when set, 80 in a pipe), never below 20."""
    import shutil

    return max(20, shutil.get_terminal_size((80, 24)).columns)


def wrap(text: str, width: int, indent: str = "", again: str | None = None) -> list[str]:
    """`text` in lines of at most `width` characters, broken only between words (a word
    longer than a line stands alone on its line, whole)."""
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent + "    " if again is None else again,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def verdict_text(c: Any) -> str:
    text = c.verdict.replace("-", " ")
    if c.detail:
        text += f": {c.detail}"
    if "1 run" in c.notes and c.verdict == "indicative":
        text += " (1 run)"
    return text


def target_text(c: Any) -> str:
    """The claim's target as printed, with its unit and where it comes from when that is not
    the paper itself."""
    if c.reported is None:
        return "(qualitative)"
    # Long units ("MSE (paper's normalization; see evidence)") stay in `starter show`.
    unit = "" if not c.unit or len(c.unit) > 6 else (c.unit if c.unit == "%" else f" {c.unit}")
    text = f"{c.reported_text}{unit}"
    if c.target != "paper":
        text += f" ({c.target})"
    return text


def cells(c: Any) -> dict[str, str]:
    spread = f" ± {fmt(c.sd, 3)}" if c.sd is not None else ""
    if getattr(c, "exact", False) and c.gap is not None:
        # An exact fact is judged by equality: its runs all give one number, or they do not.
        spread = "" if not c.sd else spread
        gap = "equal" if c.verdict == "reproduced" else "not equal"
    elif c.ci95:
        gap = f"[{c.ci95[0]:+.3g}, {c.ci95[1]:+.3g}]"  # the point estimate is the mean
    else:
        gap = f"{c.gap:+.3g}" if c.gap is not None else ""
    return {
        "claim": f"{c.key} *" if c.central else c.key,
        "verdict": verdict_text(c),
        "target": target_text(c),
        "n": f"{c.n:,}" if c.n else "",
        "mean ± sd": f"{fmt(c.mean)}{spread}" if c.mean is not None else "",
        "gap, 95% CI": gap,
        "best": fmt(c.best),
        "tol.": "" if c.tolerance is None else f"±{c.tolerance:g}",
    }


def _numbers(a: Any) -> str:
    sd = f" ± {fmt(a.sd, 3)}" if a.sd is not None else ""
    text = f"n = {a.n:,}, mean {fmt(a.mean)}{sd}"
    if a.ci95:
        text += f", gap 95% CI [{a.ci95[0]:+.3g}, {a.ci95[1]:+.3g}]"
    elif a.gap is not None:
        text += f", gap {a.gap:+.3g}"
    return text


def details(c: Any) -> list[str]:
    """What a row needs said beyond its cells: tolerance, suggestions, notes, runs apart."""
    lines = []
    if c.tolerance is not None and c.tolerance_origin:
        lines.append(f"tolerance: {c.tolerance_origin}")
    if c.verdict == "not-comparable" and c.deviation:
        lines.append(f"every run declares a deviation; the numbers above: {c.deviation}")
    if c.verdict == "inconclusive" and c.runs_to_settle:
        line = f"about {c.runs_to_settle} runs would likely settle it"
        if c.settle_command:
            more = max(c.runs_to_settle - c.n, 1)
            line += f" ({more} more): {c.settle_command}"
        lines.append(line)
    if c.suggested_tolerance:
        s = c.suggested_tolerance
        if s.get("value") is not None:
            lines.append(f"suggested tolerance {s['value']:.3g} ({s['origin']}), set it with:")
        else:
            lines.append(f"{s['origin']}; set it with:")
        lines.append(s["command"])  # a line of its own, to copy whole
    # The runs shown apart are listed below with their numbers: their count says nothing more.
    lines += [
        n
        for n in c.notes
        if not (n == "1 run" and c.verdict == "indicative")
        and not (c.apart and n.endswith(" shown apart"))
    ]
    for a in c.apart:
        if a.kind == "deviation" and c.verdict == "not-comparable" and a.label == c.deviation:
            continue
        what = {
            "deviation": f"deviating runs ({a.label}), never pooled",
            "scale": f"{a.label} (never counted)",
        }.get(a.kind, a.label)
        lines.append(f"{what}: {_numbers(a)}")
    return lines


def summary(report: Any) -> str:
    rows = report.claims
    ids = {c.id for c in rows}
    head = f"{len(ids)} claims"
    if report.groups:
        plural = "s" if len(report.groups) != 1 else ""
        names = ", ".join(report.groups)
        head += f" in {len(rows)} rows, {len(report.groups)} group{plural} ({names})"
    parts = []
    for verdict, n in report.counts.items():
        text = f"{n} {verdict.replace('-', ' ')}"
        if verdict == "indicative" and report.details:
            text += " (" + ", ".join(f"{k} {d}" for d, k in report.details.items()) + ")"
        parts.append(text)
    line = f"{head}: {', '.join(parts)}."
    judged = round(report.expected_outside / 0.05)
    if judged:
        line += (
            f" By chance alone about {report.expected_outside:.2g} of the {judged} judged "
            "claims would fall outside at 95%."
        )
    if any(c.central for c in rows):
        line += " (* central)"
    if report.failed_runs:
        plural = "s" if report.failed_runs != 1 else ""
        line += f" {report.failed_runs} failed run{plural} not counted."
    if report.repeated_runs:
        plural = "s" if report.repeated_runs != 1 else ""
        line += (
            f" {report.repeated_runs} line{plural} repeating a run already read (same id, or "
            "same source run) counted once."
        )
    return line


def render(report: Any, claims: list[Any], columns: int) -> list[str]:
    """The lines of `starter status` at `columns` characters a line: the table, the table
    without the best run (said so) when the whole one is too wide, else one block a row."""
    title = f"{report.paper.key}: {report.paper.title}"
    rows = [cells(c) for c in claims]
    table = [dict(r) for r in rows]
    for index, c in enumerate(claims):
        if c.group is not None and index and claims[index - 1].id == c.id:
            table[index]["claim"] = f"  @{c.group}"  # a group's row under its claim's
    lines = wrap(title, columns, again="")
    widths = {h: max(len(h), *(len(r[h]) for r in table)) for h in HEADERS}
    used = [h for h in HEADERS if any(r[h] for r in table) or h in LEFT]
    for shown in (used, [h for h in used if h != "best"]):
        total = sum(widths[h] for h in shown) + len(GAP) * (len(shown) - 1)
        if total > columns:
            continue
        lines += [_row({h: h for h in HEADERS}, shown, widths)]
        lines += [_row(r, shown, widths) for r in table]
        for c in claims:
            for text in details(c):
                lines += wrap(f"{c.key}: {text}", columns, indent="  ")
        if "best" in used and "best" not in shown:
            lines += wrap("(the best run of each claim is left out to fit: see --json)", columns)
        break
    else:
        for c, r in zip(claims, rows, strict=True):
            labels = dict(zip(HEADERS, HEADERS, strict=True), **{"tol.": "tol"})
            if c.sd is None:
                labels["mean ± sd"] = "mean"
            if c.ci95 is None:
                labels["gap, 95% CI"] = "gap"
            fields = [f"{labels[h]} {r[h]}" for h in HEADERS[2:] if r[h]]
            lines += _fields([f"{r['claim']}  {r['verdict']}", *fields], columns, "  ")
            for text in details(c):
                lines += wrap(text, columns, indent="  ", again="      ")
    lines += wrap(summary(report), columns, again="")
    return lines


def _row(row: dict[str, str], shown: list[str], widths: dict[str, int]) -> str:
    out = [row[h].ljust(widths[h]) if h in LEFT else row[h].rjust(widths[h]) for h in shown]
    return GAP.join(out).rstrip()


def _fields(fields: list[str], columns: int, indent: str) -> list[str]:
    """Fields on lines of at most `columns`, separated by "  ·  ", none split unless it
    is longer than a line by itself (then at its spaces); lines after the first indented."""
    lines: list[str] = []
    current = ""
    for field in fields:
        candidate = f"{current}  ·  {field}" if current else (indent if lines else "") + field
        if len(candidate) <= columns:
            current = candidate
            continue
        if current:
            lines.append(current)
        lead = indent if lines else ""
        if len(lead + field) <= columns:
            current = lead + field
        else:
            lines += wrap(field, columns, indent=lead, again=indent)
            current = ""
    if current:
        lines.append(current)
    return lines
