"""Start: `starter catalog` and `starter show` (and `starter search`)."""

from __future__ import annotations

import typer

from starter.render import console, print_json


def catalog(
    query: str = typer.Argument(
        None, help="Words to look for in key, title, authors, venue, year."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the built-in catalog of papers, optionally filtered by QUERY."""
    from starter import catalog as cat

    found = list(cat.search(query))
    if as_json:
        print_json(
            [
                {
                    "key": p.key,
                    "year": p.year,
                    "title": p.title,
                    "authors": list(p.authors),
                    "claims": len(p.claims),
                }
                for p in found
            ]
        )
        return
    if not found:
        console(stderr=True).print(f"no catalog paper matches {query!r}; try fewer words")
        raise typer.Exit(0)
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("key", "year", "title", "authors", "claims"):
        table.add_column(column, justify="right" if column == "claims" else "left", overflow="fold")
    for p in found:
        table.add_row(p.key, str(p.year or ""), p.title, p.short_authors(), str(len(p.claims)))
    console().print(table)


def show(
    paper: str = typer.Argument(..., help="A catalog key or a paper-card path."),
    as_json: bool = typer.Option(False, "--json", help="Print the paper as JSON."),
    fmt: str = typer.Option("text", "--format", help="text, json or toml (the paper card)."),
    offline: bool = typer.Option(
        False,
        "--offline",
        envvar="STARTER_OFFLINE",
        help="Never use the network. [env: STARTER_OFFLINE]",
    ),
) -> None:
    """Show a paper and the numbers it reports."""
    from starter import metadata
    from starter.card import paper_to_json, render_card
    from starter.errors import InputError

    if fmt not in ("text", "json", "toml"):
        raise InputError(f"unknown --format {fmt!r}; use text, json or toml")
    found = metadata.resolve(paper, offline=offline)
    if as_json or fmt == "json":
        print_json(paper_to_json(found))
    elif fmt == "toml":
        typer.echo(render_card(found), nl=False)
    else:
        from starter.showcard import print_paper

        print_paper(found)


def register(app: typer.Typer) -> None:
    app.command("catalog", rich_help_panel="Start")(catalog)
    app.command("show", rich_help_panel="Start")(show)
