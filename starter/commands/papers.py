"""Start: `starter catalog`, `starter show` and `starter search`."""

from __future__ import annotations

import typer

from starter.commands import complete
from starter.commands.render import console, print_json, waiting, warn

# Shared by `show` and `search`: both answer from the metadata services and their cache.
OFFLINE = typer.Option(
    False,
    "--offline",
    envvar="STARTER_OFFLINE",
    help="Never use the network; answer from the cache.",
)
REFRESH = typer.Option(
    False, "--refresh", help="Ask the services again instead of using the cache."
)


def catalog(
    query: str | None = typer.Argument(
        None, help="Words to look for in key, title, authors, venue, year."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """List the built-in catalog of papers, optionally filtered by QUERY."""
    from starter.papers import catalog as cat

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
    paper: str = typer.Argument(
        ...,
        help="A catalog key, a paper-card path, an arXiv id or URL, a DOI, "
        "a Semantic Scholar or OpenAlex id or URL.",
        autocompletion=complete.catalog_keys,
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the paper as JSON, with how each source answered."
    ),
    fmt: str = typer.Option("text", "--format", help="text, json or toml (the paper card)."),
    bibtex: bool = typer.Option(
        False, "--bibtex", help="Print a BibTeX entry (the DOI registry's when there is one)."
    ),
    offline: bool = OFFLINE,
    refresh: bool = REFRESH,
) -> None:
    """Show a paper and the numbers it reports (any paper: arXiv, DOI, Semantic Scholar, ...)."""
    from starter.config import settings
    from starter.errors import InputError
    from starter.papers import metadata
    from starter.papers.card_write import paper_to_json, render_card

    # `offline = true` in the config too (unless --refresh asks the services again)
    offline = offline or (not refresh and settings().offline)
    if fmt not in ("text", "json", "toml"):
        raise InputError(f"unknown --format {fmt!r}; use text, json or toml")
    if refresh and offline:
        raise InputError("--refresh and --offline contradict each other; use one of them")
    as_json = as_json or fmt == "json"
    with waiting("looking up the paper", quiet=as_json):
        found = metadata.lookup(paper, offline=offline, refresh=refresh)
    for message in found.warnings:
        warn(message)
    if bibtex:
        with waiting("fetching BibTeX", quiet=as_json):
            text = metadata.bibtex(found, offline=offline, refresh=refresh)
        typer.echo(text, nl=not text.endswith("\n"))
    elif as_json:
        print_json({**paper_to_json(found.paper), "sources": found.sources})
    elif fmt == "toml":
        typer.echo(render_card(found.paper), nl=False)
    else:
        from starter.commands.showcard import print_paper

        print_paper(found.paper)


def search(
    query: str = typer.Argument(..., help="Title words, authors, a year: what you remember."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
    limit: int = typer.Option(10, "--limit", min=1, max=100, help="Results per service."),
    offline: bool = OFFLINE,
    refresh: bool = REFRESH,
) -> None:
    """Find a paper in the catalog, arXiv, Semantic Scholar and OpenAlex; give its id to
    `starter show` or `starter new`."""
    from starter.config import settings
    from starter.papers import metadata

    offline = settings(offline=offline or None).offline  # `offline = true` in the config too
    with waiting("searching", quiet=as_json):
        result = metadata.search(query, offline=offline, refresh=refresh, limit=limit)
    for message in result.warnings:
        warn(message)
    if as_json:
        print_json(
            {
                "query": query,
                "results": [
                    {
                        "ref": c.ref,
                        "title": c.title,
                        "authors": list(c.authors),
                        "year": c.year,
                        "doi": c.doi,
                        "arxiv_id": c.arxiv_id,
                        "key": c.key,
                        "found_in": list(c.found_in),
                    }
                    for c in result.candidates
                ],
                "sources": result.sources,
            }
        )
        return
    if not result.candidates:
        console(stderr=True).print(f"nothing found for {query!r}; try other or fewer words")
        return
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, pad_edge=False, header_style="bold")
    for column in ("id", "year", "title", "authors", "from"):
        table.add_column(column, overflow="fold")
    for c in result.candidates:
        table.add_row(
            escape(c.ref),
            str(c.year or ""),
            escape(c.title),
            escape(_short_authors(c.authors)),
            ", ".join(c.found_in),
        )
    console().print(table)


def _short_authors(authors: tuple[str, ...]) -> str:
    from starter.models import Paper

    return Paper(key="-", title="-", authors=authors).short_authors() if authors else ""


def register(app: typer.Typer) -> None:
    app.command("catalog", rich_help_panel="Start")(catalog)
    app.command("show", rich_help_panel="Start")(show)
    app.command("search", rich_help_panel="Start")(search)
