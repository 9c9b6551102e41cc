"""A paper card drawn for the terminal (`starter show`)."""

from __future__ import annotations

from starter.models import Paper
from starter.render import console


def print_paper(paper: Paper) -> None:
    from rich.markup import escape
    from rich.table import Table

    out = console()
    out.print(f"[bold]{escape(paper.title)}[/bold]")
    if paper.authors:
        out.print(escape(", ".join(paper.authors)))
    venue = paper.venue.citation()
    out.print(escape(", ".join(x for x in (venue, str(paper.year or "")) if x)))
    for label, value in (
        ("key", paper.key),
        ("doi", paper.doi),
        ("arXiv", paper.arxiv_id),
        ("link", paper.link),
        ("code", paper.code_url),
    ):
        if value:
            out.print(f"[dim]{label:>5}[/dim]  {escape(value)}")
    if paper.abstract:
        out.print()
        out.print(escape(paper.abstract))
    out.print()
    if not paper.claims:
        out.print("No claims in this card yet: add them with `starter claim add`.")
        return
    table = Table(
        title=f"{len(paper.claims)} claims",
        title_justify="left",
        header_style="bold",
        show_lines=False,
    )
    for column in ("id", "metric", "value", "better", "dataset / split", "source"):
        table.add_column(column, overflow="fold")
    for c in paper.claims:
        value = c.display_value + (f" {c.unit}" if c.unit and c.value is not None else "")
        better = {"higher": "higher", "lower": "lower"}.get(c.direction or "", "-")
        where = " / ".join(x for x in (c.dataset, c.split) if x) or (c.setting or "")
        star = "*" if c.central else ""
        table.add_row(
            escape(c.id + star),
            escape(c.metric),
            escape(value),
            better,
            escape(where),
            escape(c.source or ""),
        )
    out.print(table)
    if any(c.central for c in paper.claims):
        out.print("[dim]* central claim[/dim]")
