"""Start: `starter new`, a reimplementation repository from a paper."""

from pathlib import Path
from typing import Any

import typer

from starter.commands import complete
from starter.commands.render import print_json, waiting, warn


def new(
    paper: str = typer.Argument(
        ...,
        help="A catalog key (see `starter catalog`) or a paper-card path.",
        autocompletion=complete.catalog_keys,
    ),
    directory: Path | None = typer.Argument(
        None, help="Where to create the repository [default: the paper key]."
    ),
    template: str | None = typer.Option(
        None,
        "--template",
        "-t",
        help="Template name (default, pytorch) or a template folder. [env: STARTER_TEMPLATE]",
        autocompletion=complete.templates,
    ),
    author: str | None = typer.Option(
        None, "--author", help="Your name [default: git config user.name]. [env: STARTER_AUTHOR]"
    ),
    email: str | None = typer.Option(
        None, "--email", help="Your email [default: git config user.email]. [env: STARTER_EMAIL]"
    ),
    license_id: str | None = typer.Option(
        None,
        "--license",
        help="MIT, Apache-2.0 or BSD-3-Clause [default: MIT]. [env: STARTER_LICENSE]",
    ),
    offline: bool = typer.Option(False, "--offline", help="Never use the network."),
    no_git: bool = typer.Option(False, "--no-git", help="Do not create a git repository."),
    force: bool = typer.Option(
        False,
        "--force",
        help="Write the template's files into a non-empty DIRECTORY; your other files are "
        "kept, and a git history or results log is never replaced.",
    ),
    require: str | None = typer.Option(
        None,
        "--require",
        help="What the repository's CI asks of `starter status --check`: reproduced or "
        "judged [default: the plain check].",
    ),
    pretend: bool = typer.Option(
        False, "--pretend", help="List the files that would be written; write nothing."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was created as JSON."),
    extract: bool = typer.Option(
        False,
        "--extract",
        help="Draft the paper's claims from its arXiv LaTeX source (see `claim extract`).",
    ),
) -> None:
    """Create a reimplementation repository for PAPER.

    Renders a project template into DIRECTORY, adds the paper card (paper.toml) and makes
    one git commit in your name. Nothing is left behind if it fails. The template and your
    answers are recorded in .starter/, for `starter update`.

    Example: starter new lenet5 --template pytorch --offline
    """
    from starter.config import settings
    from starter.papers import metadata
    from starter.scaffold import create as scaffold

    conf = settings(
        author=author, email=email, license=license_id, template=template, offline=offline or None
    )
    with waiting("looking up the paper", quiet=as_json):
        found = metadata.resolve(paper, offline=conf.offline, on_warning=warn)
    drafted: list[str] = []
    if extract:
        found, drafted = _with_drafts(found, conf.offline, quiet=as_json)
    result = scaffold.create(
        found,
        directory,
        template=conf.template,
        author=conf.author,
        email=conf.email,
        license_id=conf.license,
        git=not no_git,
        force=force,
        require=require,
        pretend=pretend,
    )
    if as_json:
        print_json({**result.to_json(), "drafted": drafted} if extract else result.to_json())
        return
    if pretend:
        _print_pretend(result)
        return
    _print_summary(result)
    if drafted:
        typer.echo(f"\nDrafted {len(drafted)} claims from the LaTeX source into paper.toml;")
        typer.echo("review them before you compare: starter claim review")


def _with_drafts(found: Any, offline: bool, *, quiet: bool) -> tuple[Any, list[str]]:
    """The paper with draft claims from its e-print; what went wrong is a warning, since
    the repository is worth making without them."""
    from starter.errors import StarterError
    from starter.papers.latex.workflow import with_drafts

    if not found.arxiv_id:
        warn("--extract: the paper has no arXiv id, so no LaTeX source to draft claims from")
        return found, []
    try:
        with waiting("reading the paper's LaTeX source", quiet=quiet):
            paper, outcome = with_drafts(found, offline=offline)
    except StarterError as exc:
        warn(f"--extract: {exc.message}; nothing drafted (retry: starter claim extract)")
        return found, []
    if outcome.message:
        warn(f"--extract: arXiv:{outcome.arxiv_id}: {outcome.message}; nothing drafted")
    return paper, [d.claim.id for d in outcome.added]


def _print_pretend(result: Any) -> None:
    existing = result.path.exists() and any(result.path.iterdir())
    where = f"{result.path}/" + (" (into what is there: --force)" if existing else "")
    typer.echo(
        f"Would create {where} with {len(result.files)} files "
        f"(template {result.template}); nothing was written (--pretend):"
    )
    for name in result.files:
        typer.echo(f"  {name}")


def _print_summary(result: Any) -> None:
    """Where the repository is and what to do next. Plain text: rich would cost ~25 ms of
    imports for eight lines (bench/README.md)."""
    import shlex

    try:
        shown = result.path.relative_to(Path.cwd())
    except ValueError:
        shown = result.path
    what = f"{len(result.files)} files, template {result.template}"
    if result.commit:
        what += f", commit {result.commit[:7]} on {result.branch}"
    typer.secho("Created", fg="green", bold=True, nl=False)
    typer.echo(f" {shown}/ ({what})\n\nNext steps:")
    for step in (
        f"cd {shlex.quote(str(shown))}",
        "python -m pip install -e . --group dev     # pip 25.1 or newer",
        "python -m pytest",
        f"python -m {result.package}.train",
        f"starter run -- python -m {result.package}.train   # records the metrics it writes",
        "starter log CLAIM VALUE                 # or record a number by hand",
        "starter status",
    ):
        typer.echo(f"  {step}")


def register(app: typer.Typer) -> None:
    app.command("new", rich_help_panel="Start")(new)
