"""The benchmark's sandbox: an environment that keeps every tool away from the user's home."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

# Anything the user has set for these tools would change what is measured (or write to
# their real stores), so none of it reaches the timed processes.
CLEARED_PREFIXES = ("STARTER_", "GIT_", "MLFLOW_", "XDG_", "COOKIECUTTER", "COPIER_", "PYTHON")


def isolated(work: Path) -> dict[str, str]:
    """An environment whose home, git identity, caches and configs all live under `work`."""
    home = work / "home"
    home.mkdir(parents=True, exist_ok=True)
    gitconfig = home / ".gitconfig"
    gitconfig.write_text(
        "[user]\n\tname = Bench Runner\n\temail = bench@example.invalid\n"
        "[init]\n\tdefaultBranch = main\n[commit]\n\tgpgsign = false\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(CLEARED_PREFIXES)}
    bindir = str(Path(sys.executable).parent)
    env.update(
        HOME=str(home),
        GIT_CONFIG_GLOBAL=str(gitconfig),
        GIT_CONFIG_NOSYSTEM="1",
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        STARTER_CONFIG_DIR=str(home / ".config" / "starter"),
        STARTER_CACHE_DIR=str(home / ".cache" / "starter"),
        # The benchmark's own interpreter first: its starter and anchors are the ones timed.
        PATH=bindir + os.pathsep + env.get("PATH", ""),
        COLUMNS="100",
        NO_COLOR="1",
        # Bytecode is cached as on any user's machine (PYTHONDONTWRITEBYTECODE, if the
        # caller had it, would make every run compile starter from source), but under
        # `work`, so the benchmark writes nothing into the checkout.
        PYTHONPYCACHEPREFIX=str(work / "pycache"),
        # MLflow's usage telemetry would try the network from inside a timed run.
        MLFLOW_DISABLE_TELEMETRY="true",
        DO_NOT_TRACK="true",
    )
    env.pop("VIRTUAL_ENV", None)
    return env


def tool(name: str) -> str:
    """The executable `name` from the benchmark's interpreter's environment, else PATH."""
    local = Path(sys.executable).parent / name
    if local.exists():
        return str(local)
    found = shutil.which(name)
    if not found:
        raise SystemExit(
            f"bench: {name} not found; install the bench extra: pip install -e '.[bench]'"
        )
    return found


@dataclass(frozen=True)
class Availability:
    """Whether a command ran cleanly once, and if not, the last line it printed."""

    ok: bool
    why: str = ""

    def __bool__(self) -> bool:
        return self.ok


def works(
    argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Availability:
    """Run `argv` once; a command that is not built yet (or fails) is reported, not timed."""
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return Availability(False, str(exc))
    if proc.returncode == 0:
        return Availability(True)
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return Availability(False, f"exit {proc.returncode}: {lines[-1] if lines else 'no output'}")


def check(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> None:
    """Run a setup step; stop the benchmark with its error output if it fails."""
    result = works(argv, cwd=cwd, env=env)
    if not result:
        raise RuntimeError(f"setup step failed: {' '.join(map(str, argv))}: {result.why}")
