"""Shell completion of values: catalog keys, the claim ids of the repository at hand, preset
and template names. Each callback imports what it reads only when the shell asks, so that
no command starts slower for them."""

from __future__ import annotations

from pathlib import Path

import typer


def catalog_keys(incomplete: str) -> list[tuple[str, str]]:
    """`starter new le<TAB>`: the catalog's keys, with each paper's title as help."""
    from starter.papers import catalog

    return [(p.key, p.title) for p in catalog.search(None) if p.key.startswith(incomplete)]


def claim_ids(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """The claims of the repository around the current folder (or -C DIR), with metrics."""
    from starter.errors import StarterError
    from starter.papers.card import find_card, load_card

    directory = ctx.params.get("directory")
    try:
        paper = load_card(find_card(Path(directory) if directory else Path.cwd()))
    except (StarterError, OSError):
        return []  # outside a repository, or a card that does not read: nothing to offer
    return [(c.id, c.metric) for c in paper.claims if c.id.startswith(incomplete)]


def presets(incomplete: str) -> list[str]:
    """The text-log presets of `--preset`."""
    from starter.track.importers import PRESETS

    return [name for name in PRESETS if name.startswith(incomplete)]


def templates(incomplete: str) -> list[str]:
    """The built-in project templates of `starter new --template` (a folder works too)."""
    from starter.resources import templates_dir

    folder = templates_dir() / "project"
    names = sorted(p.name for p in folder.iterdir() if (p / "template.toml").is_file())
    return [name for name in names if name.startswith(incomplete)]
