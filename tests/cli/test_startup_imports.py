"""What starting the command line loads: none of the heavy libraries a command does not use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from probe import PROBE, heavy_in, loaded_modules


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


@pytest.mark.parametrize(
    "command",
    ["status", "log", "run", "sweep", "claim", "new", "show", "report", "push", "pull", "export"],
)
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
