"""What starting the command line loads: none of the heavy libraries a command does not use."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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


@pytest.mark.parametrize(
    "args",
    [("--import-only",), ("--help",), ("catalog",)],
    ids=["import-cli", "help", "catalog"],
)
def test_starting_the_cli_loads_no_heavy_library(tmp_path: Path, args: tuple[str, ...]) -> None:
    modules, proc = loaded_modules(tmp_path, *args)
    assert proc.returncode == 0, proc.stderr
    assert "starter.cli" in modules  # the probe really ran starter
    assert heavy_in(modules) == []


@pytest.mark.parametrize("command", ["status", "log", "run", "claim", "new", "show", "report"])
def test_command_help_loads_no_heavy_library(tmp_path: Path, command: str) -> None:
    modules, proc = loaded_modules(tmp_path, command, "--help")
    if "No such command" in proc.stderr:
        pytest.skip(f"`starter {command}` is not registered yet")
    assert proc.returncode == 0, proc.stderr
    assert "Usage" in proc.stdout
    assert heavy_in(modules) == []


def test_probe_sees_a_heavy_import_when_one_happens(tmp_path: Path) -> None:
    # Guards the probe itself: an import of tomlkit in the process must show up.
    out = tmp_path / "modules.json"
    code = PROBE.replace("import starter.cli", "import starter.cli, tomlkit")
    subprocess.run([sys.executable, "-c", code, str(out), "--import-only"], check=True, timeout=60)
    assert heavy_in(set(json.loads(out.read_text(encoding="utf-8")))) == ["tomlkit"]
