"""Every command explains itself: `--help` works and says what the command does."""

from __future__ import annotations

import pytest
import typer.main

from starter.cli import app


def command_paths() -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []

    def walk(command, prefix: tuple[str, ...]) -> None:
        for name, sub in getattr(command, "commands", {}).items():
            paths.append((*prefix, name))
            walk(sub, (*prefix, name))

    walk(typer.main.get_command(app), ())
    return paths


@pytest.mark.parametrize("path", command_paths(), ids=" ".join)
def test_every_command_has_help(cli, path):
    result = cli(*path, "--help")
    assert result.exit_code == 0
    assert "Usage: starter " + " ".join(path) in result.stdout
    summary = result.stdout.split("\n\n")[1].strip()
    assert summary and not summary.startswith(("Options", "Arguments")), "no description"
