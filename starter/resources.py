"""Where starter's own data lives: the `templates/` and `papers/` folders."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """`templates` or `papers`: inside the installed wheel, or at the top of a checkout."""
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"starter's {name}/ folder is missing from this installation")


def templates_dir() -> Path:
    return data_dir("templates")


def papers_dir() -> Path:
    return data_dir("papers")
