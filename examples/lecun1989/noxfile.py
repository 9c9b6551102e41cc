#!/usr/bin/env -S uv run --script
# /// script
# dependencies = ["nox>=2025.10.14"]
# ///
"""The tasks of this reimplementation: `nox -l` lists them, `nox` runs lint and tests,
`nox -s train -- --seed 1` passes what follows `--` on.

Every task runs in the environment you have activated (`python -m pip install -e .
--group dev` set it up): a reimplementation's environment holds its data, its framework's
build (CPU or CUDA) and its drivers, which a fresh environment per task would not.
"""

from __future__ import annotations

import nox

nox.needs_version = ">=2025.10.14"
nox.options.default_venv_backend = "none"

PACKAGE = "lecun1989"


@nox.session(default=True)
def lint(session: nox.Session) -> None:
    """ruff and mypy, as CI runs them."""
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(default=True)
def tests(session: nox.Session) -> None:
    """The test suite (pytest)."""
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session(default=False)
def train(session: nox.Session) -> None:
    """Train, with starter recording the run and its metrics (`-- --seed 1` and so on)."""
    session.run("starter", "run", "--", "python", "-m", f"{PACKAGE}.train", *session.posargs)


@nox.session(default=False)
def evaluate(session: nox.Session) -> None:
    """Evaluate a saved network on the test split (`-- --checkpoint PATH`)."""
    session.run("python", "-m", f"{PACKAGE}.evaluate", *session.posargs)


@nox.session(default=False)
def report(session: nox.Session) -> None:
    """Where each claim stands, and the report (report/REPORT.md). run_example.sh reruns
    the whole example in another folder."""
    session.run("starter", "status")
    session.run("starter", "report", *session.posargs)


if __name__ == "__main__":
    nox.main()
