"""Start: `starter update`, the template's newer version merged into a repository."""

import sys
from pathlib import Path
from typing import Any

import typer

from starter.commands.common import DIRECTORY, open_repo
from starter.commands.render import print_json


def update(
    template: str | None = typer.Option(
        None,
        "--template",
        "-t",
        help="Update to this template (name or folder) [default: the one the repository "
        "was made from, as .starter/template.toml records it].",
    ),
    pretend: bool = typer.Option(
        False, "--pretend", help="Say what would change, file by file; write nothing."
    ),
    diff: bool = typer.Option(
        False, "--diff", help="Show the changes as a unified diff; write nothing."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what changed as JSON."),
    directory: Path | None = DIRECTORY,
) -> None:
    """Bring the template's later fixes into this repository, keeping your changes.

    Renders the template's current version with the answers recorded at `starter new`
    (.starter/template.toml) and merges the difference into your files with git's
    three-way merge: files you did not change are updated, files you changed are merged,
    and where you and the template changed the same lines git's conflict markers show
    both (exit 7). New template files are added, files you deleted stay deleted;
    paper.toml and results/ are never touched. Commit your work first.

    Example: starter update --diff
    """
    from starter.errors import ConflictError
    from starter.scaffold import update as core

    repo = open_repo(directory)
    result = core.update(repo.root, template=template, pretend=pretend or diff)
    if as_json:
        print_json(result.to_json())
    elif diff:
        _print_diff(result)
    else:
        _print_summary(result)
    if result.conflicts and not result.pretend:
        n = len(result.conflicts)
        raise ConflictError(
            f"{n} file{'s' if n != 1 else ''} with conflicts ({', '.join(result.conflicts)}); "
            "resolve the <<<<<<< markers, then commit"
        )


def _version(version: str, digest: str) -> str:
    return f"{version} ({digest[:7]})"


def _print_summary(result: Any) -> None:
    old = _version(result.old_version, result.old_hash)
    new = _version(result.new_version, result.new_hash)
    if not result.changes:
        if result.old_hash == result.new_hash:
            typer.echo(f"Already up to date: template {result.template} {old}.")
        else:
            typer.echo(
                f"Template {result.template} {old} -> {new}: nothing in your files to change."
            )
        return
    verb = "Would update" if result.pretend else "Updated"
    typer.echo(f"{verb} from template {result.template} {old} to {new}:")
    width = max(len(c.action) for c in result.changes)
    for c in result.changes:
        detail = f" ({c.detail})" if c.detail else ""
        typer.echo(f"  {c.action:<{width}}  {c.path}{detail}")
    if result.pretend:
        typer.echo("Nothing was written (--pretend).")
    elif not result.conflicts:
        typer.echo("Review with `git diff`, then commit.")


def _print_diff(result: Any) -> None:
    import difflib

    if not result.changes:
        _print_summary(result)
        return
    for c in result.changes:
        if c.before is None and c.after is None:
            sys.stdout.write(f"# {c.path}: {c.action} ({c.detail or 'binary or absent'})\n")
            continue
        lines = difflib.unified_diff(
            (c.before or "").splitlines(keepends=True),
            ("" if c.action == "removed" else c.after or "").splitlines(keepends=True),
            fromfile=f"a/{c.path}" if c.before is not None else "/dev/null",
            tofile=f"b/{c.path}" if c.action != "removed" else "/dev/null",
        )
        for line in lines:
            end = "" if line.endswith("\n") else "\n\\ No newline at end of file\n"
            sys.stdout.write(line + end)


def register(app: typer.Typer) -> None:
    app.command("update", rich_help_panel="Start")(update)
