"""Output helpers shared by the commands: JSON on stdout, rich consoles on a terminal."""

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def warn(message: str) -> None:
    """One warning line on stderr (never on stdout, which may be piped or JSON)."""
    sys.stderr.write(f"starter: warning: {message}\n")


@contextmanager
def waiting(message: str, *, quiet: bool = False) -> Iterator[None]:
    """A spinner on stderr while the services answer: on a terminal only, never with --json
    (pipes and scripts get nothing but the result)."""
    if quiet or not sys.stderr.isatty():
        yield
        return
    with console(stderr=True).status(f"{message}..."):
        yield
