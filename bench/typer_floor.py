"""The floor of any Typer CLI: a bare two-command app with no other imports."""

# Timed as `typer_floor.py --help` (start-up) and `typer_floor.py log test-error 0.5`
# (running a command, which in current Typer also imports its argument machinery).

import typer

app = typer.Typer(help="A bare two-command Typer app: the start-up floor of the benchmark.")


@app.command()
def new(name: str, template: str = "default", no_input: bool = False) -> None:
    """Create a project."""
    print(name, template, no_input)


@app.command()
def log(metric: str, value: float) -> None:
    """Record a result."""
    print(metric, value)


if __name__ == "__main__":
    app()
