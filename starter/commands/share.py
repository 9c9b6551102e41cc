"""Share: `starter report`, the contribution report and the README's results section."""

from pathlib import Path

import typer

from starter.commands.render import warn


def report(
    fmt: str | None = typer.Option(
        None,
        "--format",
        "-f",
        help="md, html or json [default: from --output's suffix, else md].",
        show_default=False,
    ),
    output: str | None = typer.Option(
        None,
        "--output",
        "-o",
        help="Where to write the report; - for stdout "
        "[default: report/REPORT.md, report/report.html or report/report.json].",
        show_default=False,
    ),
    readme: bool = typer.Option(
        False,
        "--readme",
        help="Also rewrite the README's results section (between starter's markers) and "
        "results/badge.svg.",
    ),
    directory: Path | None = typer.Option(
        None,
        "-C",
        "--directory",
        help="The reimplementation repository [default: the one around the current folder].",
        show_default=False,
    ),
) -> None:
    """Write the contribution report: claims against the paper, runs, plots, history."""
    from starter.papers.card import find_card
    from starter.report.write import generate

    root = find_card(directory or Path.cwd()).parent
    outcome = generate(root, fmt, output, readme)
    for message in outcome.warnings:
        warn(message)
    if outcome.text is not None:
        typer.echo(outcome.text, nl=False)
    for path in outcome.written + outcome.readme:
        typer.echo(f"wrote {_shown(path)}", err=outcome.text is not None)
    if readme and not outcome.readme:
        typer.echo("README.md results section already up to date", err=outcome.text is not None)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel="Share")(report)
