"""Start: `starter new`, `starter catalog`, `starter show`."""

from __future__ import annotations

from pathlib import Path

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


def new(
    paper: str = typer.Argument(
        ..., help="A catalog key (see `starter catalog`) or a paper-card path."
    ),
    directory: Path = typer.Argument(
        None, help="Where to create the repository [default: the paper key]."
    ),
    template: str = typer.Option(
        None,
        "--template",
        "-t",
        help="Template name (default, pytorch) or a template folder. [env: STARTER_TEMPLATE]",
    ),
    author: str = typer.Option(
        None, "--author", help="Your name [default: git config user.name]. [env: STARTER_AUTHOR]"
    ),
    email: str = typer.Option(
        None, "--email", help="Your email [default: git config user.email]. [env: STARTER_EMAIL]"
    ),
    license_id: str = typer.Option(
        None,
        "--license",
        help="MIT, Apache-2.0 or BSD-3-Clause [default: MIT]. [env: STARTER_LICENSE]",
    ),
    offline: bool = typer.Option(False, "--offline", help="Never use the network."),
    no_git: bool = typer.Option(False, "--no-git", help="Do not create a git repository."),
    force: bool = typer.Option(
        False, "--force", help="Replace DIRECTORY if it exists and is not empty."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was created as JSON."),
) -> None:
    """Create a reimplementation repository for PAPER."""
    from starter import metadata, scaffold
    from starter.config import settings

    conf = settings(
        author=author, email=email, license=license_id, template=template, offline=offline or None
    )
    found = metadata.resolve(paper, offline=conf.offline)
    result = scaffold.create(
        found,
        directory,
        template=conf.template,
        author=conf.author,
        email=conf.email,
        license_id=conf.license,
        git=not no_git,
        force=force,
    )
    if as_json:
        print_json(result.to_json())
        return
    scaffold.print_summary(result)
