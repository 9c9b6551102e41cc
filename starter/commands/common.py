"""What several commands share: the -C option, finding the repository, short number texts."""

from pathlib import Path
from typing import Any

import typer

# `starter log elbo -103.2`: without this, click reads -103.2 as an unknown option.
NEGATIVE_OK = {"ignore_unknown_options": True}

DIRECTORY = typer.Option(
    None,
    "-C",
    "--directory",
    help="Run as if in DIR (the repository is found by walking up to paper.toml).",
    show_default=False,
)


def open_repo(directory: Path | None) -> Any:
    from starter.track.recorder import open_repo

    return open_repo(directory)


def fmt(value: float | None, digits: int = 4) -> str:
    """A number in `digits` significant figures; a whole one (a count) in full: 64660, not
    6.466e+04."""
    if value is None:
        return ""
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.{digits}g}"


def unit_suffix(claim: Any) -> str:
    """ " %" -> "%", "BLEU" -> " BLEU": what follows a claim's number."""
    if not claim.unit:
        return ""
    return claim.unit if claim.unit == "%" else f" {claim.unit}"
