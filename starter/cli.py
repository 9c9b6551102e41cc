"""The Typer app: each command parses its arguments, calls one core function and renders
the result. Errors a user can fix become one line on stderr and a documented exit code."""

import sys
from collections.abc import Sequence
from typing import Any

import typer
from typer.core import TyperGroup

from starter import __version__
from starter.errors import ENVIRONMENT, INTERRUPTED, USAGE, StarterError


class StarterGroup(TyperGroup):
    """Turns StarterError into `starter: error: ...` and its exit code (Typer vendors click,
    so raising click.ClickException from our code would not be caught), and the parser's
    usage errors (raised before any command runs) into one such line with exit 2."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        extra["windows_expand_args"] = windows_expand_args
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        from typer import Abort
        from typer._click.exceptions import ClickException, NoArgsIsHelpError

        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except NoArgsIsHelpError as exc:
            exc.show()  # `starter` alone: the help, as before
            sys.exit(exc.exit_code)
        except ClickException as exc:
            sys.stderr.write(f"starter: error: {usage_message(exc)}\n")
            sys.exit(exc.exit_code if exc.exit_code else USAGE)
        except Abort:
            sys.stderr.write("starter: error: interrupted\n")
            sys.exit(INTERRUPTED)
        # Without standalone mode, an Exit's code comes back as the value; a command's own
        # return value is None (0).
        sys.exit(code if isinstance(code, int) else 0)

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


def os_error_message(exc: OSError) -> str:
    where = exc.filename if exc.filename is not None else ""
    reason = (exc.strerror or str(exc)).lower()
    hint = "check the path and its permissions"
    if exc.errno == 28:  # ENOSPC
        hint = "free some disk space"
    return f"cannot write or read {where}: {reason}; {hint}" if where else f"{reason}; {hint}"


# No error line is longer than this: a 100,000-character argument is not echoed whole.
MAX_ERROR_LINE = 600


def fail(message: str, code: int) -> None:
    """Print the message on stderr, one `starter: error:` line per line of it (one line,
    but for the config file's one line per wrong key), and exit with `code`."""
    for line in message.splitlines() or [""]:
        if len(line) > MAX_ERROR_LINE:
            line = f"{line[: MAX_ERROR_LINE - 30]}... ({len(line):,} characters)"
        sys.stderr.write(f"starter: error: {line}\n")
    sys.stderr.flush()
    raise typer.Exit(code)


def usage_message(exc: Any) -> str:
    """Click's usage error as one line: "no such option: --bogus; see `starter log --help`"."""
    text = " ".join(str(exc.format_message()).split())
    text = text.replace(". Did you mean", "; did you mean")
    if text[:1].isupper() and not text[1:2].isupper():
        text = text[0].lower() + text[1:]
    text = text.rstrip(".")
    ctx = getattr(exc, "ctx", None)
    where = ctx.command_path if ctx is not None else "starter"
    if len(text) > MAX_ERROR_LINE:
        text = f"{text[: MAX_ERROR_LINE - 30]}... ({len(text):,} characters)"
    return f"{text} see `{where} --help`" if text.endswith("?") else f"{text}; see `{where} --help`"


SETTINGS: dict[str, Any] = dict(
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

# Each command's module, in the order of the walkthrough (start, track, share), which is
# also the order of `starter --help`.
COMMANDS = {
    "new": "new",
    "update": "update",
    "catalog": "papers",
    "show": "papers",
    "search": "papers",
    "claim": "claim",
    "log": "track",
    "run": "track",
    "sweep": "sweep",
    "status": "status",
    "push": "sync",
    "pull": "sync",
    "report": "share",
    "export": "sync",
}
WALKTHROUGH = tuple(COMMANDS)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"starter {__version__}")
        raise typer.Exit()


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


def build(only: str | None = None) -> typer.Typer:
    """The app with every command, or with only the command `only`. Typer turns each
    registered command's signature into click options on every call, and starter's
    commands import their modules: for one command, both cost more than running it."""
    import importlib

    app = typer.Typer(**SETTINGS)
    app.callback()(_root)
    # Command modules import only typer and starter's light modules at the top; what a
    # command needs beyond that (jinja2, git, requests, ...) it imports when it runs.
    names = [only] if only else list(COMMANDS)
    for module in dict.fromkeys(COMMANDS[name] for name in names):
        importlib.import_module(f"starter.commands.{module}").register(app)
    if only:
        app.registered_commands = [c for c in app.registered_commands if _name(c) == only]
        app.registered_groups = [g for g in app.registered_groups if g.name == only]
    return app


def _name(command: Any) -> str:
    return typer.main.get_command_name(command.name or command.callback.__name__)


def __getattr__(name: str) -> Any:
    # `starter.cli.app`, the whole app, is built when first asked for (tests, docs):
    # `starter log` itself never imports the other commands.
    if name == "app":
        globals()["app"] = built = build()
        return built
    raise AttributeError(name)


def __dir__() -> list[str]:
    return sorted({*globals(), "app"})  # so that `python -m typer starter.cli` finds the app


def main() -> None:
    args = sys.argv[1:]
    name = next((a for a in args if not a.startswith("-")), None)
    completing = any(key.endswith("_COMPLETE") for key in __import__("os").environ)
    only = name if name in COMMANDS and not completing else None
    build(only)(prog_name="starter")
