"""A paper card as text for the terminal (`starter show`): plain, wrapped to the width of the
terminal, and without rich, whose imports alone would cost a cached `show` ~25 ms."""

from __future__ import annotations

import shutil
import textwrap

import typer

from starter.models import Claim, Paper


def print_paper(paper: Paper) -> None:
    typer.echo(card_text(paper, width=shutil.get_terminal_size((100, 24)).columns), nl=False)


def card_text(paper: Paper, width: int = 100) -> str:
    width = max(40, min(width, 120))
    out = [typer.style(line, bold=True) for line in _wrap(paper.title, width)]
    if paper.authors:
        out += _wrap(", ".join(paper.authors), width)
    venue = ", ".join(x for x in (paper.venue.citation(), str(paper.year or "")) if x)
    if venue:
        out += _wrap(venue, width)
    out.append("")
    for label, value in (
        ("key", paper.key),
        ("doi", paper.doi),
        ("arXiv", paper.arxiv_id),
        ("link", paper.link),
        ("code", paper.code_url),
    ):
        if value:
            out.append(f"{label:>5}  {value}")
    if paper.abstract:
        out.append("")
        out += _wrap(paper.abstract, width)
    out.append("")
    if not paper.claims:
        out.append("No claims in this card yet: add them with `starter claim add`.")
        return "\n".join(out) + "\n"
    central = " (* central)" if any(c.central for c in paper.claims) else ""
    out.append(typer.style(f"{len(paper.claims)} claims{central}", bold=True))
    name_width = min(max(len(c.id) + 2 for c in paper.claims), 36)
    for claim in paper.claims:
        out += _claim_lines(claim, name_width, width)
    return "\n".join(out) + "\n"


def _wrap(
    text: str, width: int, initial_indent: str = "", subsequent_indent: str = ""
) -> list[str]:
    """textwrap.wrap in linear time: textwrap breaks a word longer than the line by slicing
    what is left of it again and again, quadratic in its length (a 7 MB "word" in an
    abstract took 18 s), so such words are cut to the line's width first."""
    import re

    if len(text) > width and re.search(rf"\S{{{width + 1}}}", text):
        text = re.sub(
            rf"\S{{{width + 1},}}",
            lambda m: " ".join(m[0][i : i + width] for i in range(0, len(m[0]), width)),
            text,
        )
    return textwrap.wrap(
        text, width, initial_indent=initial_indent, subsequent_indent=subsequent_indent
    )


def _claim_lines(claim: Claim, name_width: int, width: int) -> list[str]:
    name = claim.id + (" *" if claim.central else "")
    value = claim.display_value
    if claim.unit and claim.value is not None:
        value += claim.unit if claim.unit == "%" else f" {claim.unit}"
    better = {"higher": ", higher is better", "lower": ", lower is better"}.get(
        claim.direction or "", ""
    )
    head = f"{claim.metric}: {value}{better}" if claim.value is not None else claim.metric
    shape = []
    if claim.target and claim.target != "paper":
        shape.append(f"target: {claim.target}")
    if claim.derived:
        shape.append(f"the mean of {', '.join(claim.derived.parts)}")
    if claim.linked:
        shape.append(f"printed with {claim.linked}: {claim.printed or ''}".rstrip(": "))
    details = [
        " / ".join(x for x in (claim.dataset, claim.split) if x),
        claim.setting if claim.value is None else "",
        claim.source or "",
        "; ".join(shape),
    ]
    indent = " " * (name_width + 2)
    lines = _wrap(head, width, initial_indent=f"  {name:<{name_width}}", subsequent_indent=indent)
    for detail in filter(None, details):
        lines += _wrap(detail, width, initial_indent=indent, subsequent_indent=indent)
    return lines
