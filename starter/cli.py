"""The Typer app: each command parses its arguments, calls one core function and renders
the result. Errors a user can fix become one line on stderr and a documented exit code."""

from __future__ import annotations

import sys
from typing import Any

import typer
from typer.core import TyperGroup

from starter import __version__
from starter.errors import ENVIRONMENT, INTERRUPTED, StarterError


class StarterGroup(TyperGroup):
    """Turns StarterError into `starter: error: ...` and its exit code (Typer vendors click,
    so raising click.ClickException from our code would not be caught)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except StarterError as exc:
            fail(exc.message, exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted", INTERRUPTED)
        except OSError as exc:
            # The last line of defence for the file system (a read-only folder, a full disk,
            # /proc): say which file and why, never a traceback. Commands catch what they can
            # explain better themselves.
            fail(os_error_message(exc), ENVIRONMENT)

    def list_commands(self, ctx: Any) -> list[str]:
        # The order of the walkthrough (start, track, share), not alphabetical.
        order = {name: i for i, name in enumerate(WALKTHROUGH)}
        return sorted(self.commands, key=lambda name: order.get(name, len(order)))


WALKTHROUGH = ("new", "catalog", "show", "search", "claim", "log", "run", "status", "report")


def os_error_message(exc: OSError) -> str:
    where = exc.filename if exc.filename is not None else ""
    reason = (exc.strerror or str(exc)).lower()
    hint = "check the path and its permissions"
    if exc.errno == 28:  # ENOSPC
        hint = "free some disk space"
    return f"cannot write or read {where}: {reason}; {hint}" if where else f"{reason}; {hint}"


def fail(message: str, code: int) -> None:
    """Print one line on stderr and exit with `code`."""
    sys.stderr.write(f"starter: error: {message}\n")
    sys.stderr.flush()
    raise typer.Exit(code)


app = typer.Typer(
    cls=StarterGroup,
    name="starter",
    help="Start, track and share the reimplementation of a machine-learning paper.\n\n"
    "Start: `starter new lenet5`.  Track: `starter log ID VALUE`, `starter status`.  "
    "Share: `starter report`.",
    no_args_is_help=True,
    add_completion=True,
    # Plain help: square brackets in help texts ("[env: STARTER_...]") stay literal, and
    # `starter --help` does not import rich's help renderer (about 60 ms of start-up).
    rich_markup_mode=None,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"starter {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        callback=_version,
        is_eager=True,
        help="Print the version and exit.",
    ),
) -> None:
    """Start, track and share the reimplementation of a machine-learning paper."""


def _register() -> None:
    # Command modules import only typer and starter's light modules at the top; what a
    # command needs beyond that (jinja2, git, requests, ...) it imports when it runs.
    # Each module registers its commands in the order of the walkthrough.
    from starter.commands import claim, new, papers, share, status, track

    new.register(app)
    papers.register(app)
    claim.register(app)
    track.register(app)
    status.register(app)
    share.register(app)


_register()


def main() -> None:
    app(prog_name="starter")
