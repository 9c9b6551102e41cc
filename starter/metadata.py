"""Turn what the user typed (a catalog key or a paper-card path) into a Paper."""

from __future__ import annotations

from pathlib import Path

from starter import catalog
from starter.card import load_card
from starter.models import Paper


def resolve(text: str, *, offline: bool = False, refresh: bool = False) -> Paper:
    """The paper named by `text`: a paper-card path, else a catalog key."""
    text = text.strip()
    path = Path(text).expanduser()
    if text.endswith(".toml") or path.is_file():
        if path.is_dir():
            path = path / "paper.toml"
        return load_card(path)
    return catalog.get(text)
