"""docs/CLI.md is generated from the app itself; a change of any command shows up here."""

from __future__ import annotations

import subprocess
import sys

from conftest import ROOT

REGENERATE = "python -m typer starter.cli utils docs --name starter --output docs/CLI.md"


def test_cli_reference_matches_the_app(tmp_path):
    out = tmp_path / "CLI.md"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "typer",
            "starter.cli",
            "utils",
            "docs",
            "--name",
            "starter",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    expected = (ROOT / "docs" / "CLI.md").read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == expected, f"docs/CLI.md is stale; run: {REGENERATE}"
