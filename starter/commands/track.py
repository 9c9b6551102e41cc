"""Track: `starter claim`, `starter log`, `starter run`, `starter status` (being built)."""

from __future__ import annotations

import typer

claim_app = typer.Typer(
    help="Add, list, change and remove the paper's claims.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    app.add_typer(claim_app, name="claim", rich_help_panel="Track")
