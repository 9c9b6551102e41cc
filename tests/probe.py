"""Runs starter in a fresh interpreter and lists the modules it loaded (for the start-up
import tests)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# Each of these costs tens to hundreds of milliseconds to import; `starter --help` must stay
# near the speed of a bare Typer app, so only the command that needs one may import it.
HEAVY = ("requests", "git", "jinja2", "matplotlib", "scipy", "tomlkit")

# Runs starter's real entry point in a fresh interpreter, then writes the names of the
# modules it loaded to the file named by argv[1], even when the command exits.
PROBE = """
import json, sys
out, args = sys.argv[1], sys.argv[2:]
sys.argv = ["starter", *args]
try:
    if args != ["--import-only"]:
        from starter.cli import main
        main()
    else:
        import starter.cli
finally:
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(sorted(sys.modules), fh)
"""


def loaded_modules(tmp_path: Path, *args: str) -> tuple[set[str], subprocess.CompletedProcess]:
    out = tmp_path / "modules.json"
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        cwd=tmp_path,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.exists(), proc.stderr
    return set(json.loads(out.read_text(encoding="utf-8"))), proc


def heavy_in(modules: set[str]) -> list[str]:
    """The heavy top-level packages among `modules`."""
    return sorted({m.split(".")[0] for m in modules} & set(HEAVY))
