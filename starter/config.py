"""Settings and their precedence: flag > environment (`STARTER_*`) > config file > default."""

from __future__ import annotations

import os
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from starter.errors import InputError

# name -> (environment variable, default); the config file uses the same names.
SETTINGS: dict[str, tuple[str, Any]] = {
    "author": ("STARTER_AUTHOR", None),
    "email": ("STARTER_EMAIL", None),
    "license": ("STARTER_LICENSE", "MIT"),
    "template": ("STARTER_TEMPLATE", "default"),
    "mailto": ("STARTER_MAILTO", None),
    "offline": ("STARTER_OFFLINE", False),
    # The team's MLflow tracking server (`starter push|pull mlflow`, `starter run --to mlflow`).
    "mlflow_uri": ("STARTER_MLFLOW_URI", None),
    "mlflow_experiment": ("STARTER_MLFLOW_EXPERIMENT", None),
    # Where `starter run` records a run: "log" (results/runs.jsonl) or "mlflow".
    "run_to": ("STARTER_RUN_TO", "log"),
}
# Tables the config file may hold besides the settings, read by the feature they configure
# (`starter sweep`: [sweep.slurm], [sweep.ray]).
TABLES = ("sweep",)


def config_dir() -> Path:
    """`STARTER_CONFIG_DIR`, else the user's config folder (e.g. ~/.config/starter)."""
    if env := os.environ.get("STARTER_CONFIG_DIR"):
        return Path(env)
    if sys.platform == "linux":
        return _xdg("XDG_CONFIG_HOME", "~/.config")
    from platformdirs import user_config_dir

    return Path(user_config_dir("starter", appauthor=False))


def cache_dir() -> Path:
    """`STARTER_CACHE_DIR`, else the user's cache folder (e.g. ~/.cache/starter)."""
    if env := os.environ.get("STARTER_CACHE_DIR"):
        return Path(env)
    if sys.platform == "linux":
        return _xdg("XDG_CACHE_HOME", "~/.cache")
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("starter", appauthor=False))


def _xdg(variable: str, default: str) -> Path:
    """What platformdirs answers on Linux (the XDG base directories), without importing it:
    `starter show` and `search` read the config on every call, and platformdirs with what it
    imports costs them ~3 ms. Elsewhere (macOS, Windows) platformdirs answers."""
    base = os.environ.get(variable, "").strip()
    return Path(base or os.path.expanduser(default)) / "starter"


def config_file() -> Path:
    return config_dir() / "config.toml"


@dataclass(frozen=True)
class Settings:
    author: str | None = None
    email: str | None = None
    license: str = "MIT"
    template: str = "default"
    mailto: str | None = None
    offline: bool = False
    mlflow_uri: str | None = None
    mlflow_experiment: str | None = None
    run_to: str = "log"


@cache
def _file_values() -> dict[str, Any]:
    path = config_file()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"cannot read the config file {path}: {exc}; fix or remove it") from None
    # One line per wrong key, so that one run of starter shows every fix to make.
    problems = []
    for name, value in data.items():
        if name in TABLES:
            if not isinstance(value, dict):
                problems.append(f"{path}: {name}: expected a table, e.g. [{name}.slurm]")
        elif name not in SETTINGS:
            problems.append(f"{path}: unknown setting {name[:40]!r}; known: {', '.join(SETTINGS)}")
        elif isinstance(SETTINGS[name][1], bool) and not isinstance(value, bool):
            problems.append(f"{path}: {name}: expected true or false, got {_describe(value)}")
        elif not isinstance(SETTINGS[name][1], bool) and not isinstance(value, str):
            problems.append(f"{path}: {name}: expected text, got {_describe(value)}")
    if problems:
        raise InputError("\n".join(problems))
    return data


def _describe(value: Any) -> str:
    kind = {bool: "a boolean", int: "the number", float: "the number", str: "the text"}
    if type(value) in kind:
        shown = repr(value) if isinstance(value, str) else str(value).lower()
        return f"{kind[type(value)]} {shown[:40]}" if type(value) is not bool else shown
    return "a table" if isinstance(value, dict) else "a list"


def file_table(name: str) -> dict[str, Any]:
    """A table of the config file, e.g. [sweep.slurm] under "sweep" ({} when absent)."""
    table = _file_values().get(name, {})
    if not isinstance(table, dict):
        raise InputError(f"{config_file()}: {name} must be a table, e.g. [{name}.slurm]")
    return table


def _from_env(name: str, default: Any) -> Any:
    raw = os.environ.get(SETTINGS[name][0])
    if raw is None or raw == "":
        return None
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    return raw


def settings(**flags: Any) -> Settings:
    """The settings in force: each flag given (not None) wins over env, file and default."""
    values: dict[str, Any] = {}
    for name, (_, default) in SETTINGS.items():
        value = flags.get(name)
        if value is None:
            value = _from_env(name, default)
        if value is None:
            value = _file_values().get(name)
        values[name] = default if value is None else value
    return Settings(**values)
