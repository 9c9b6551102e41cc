"""Hyperparameters: the defaults in code, a TOML file over them (configs/default.toml), the
seed that `starter run --seed N` passes (STARTER_SEED) over the file's, and the command
line over everything."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")
DEFAULT_FILE = Path("configs/default.toml")


# The settings a string may take; anything else is refused where it enters (Config).
CHOICES = {
    "variant": ("1989", "modern"),
    "init": ("paper", "sqrt", "he"),
    "h2_table": ("block", "cyclic"),
}


@dataclasses.dataclass(frozen=True)
class Config:
    """What train.py takes; configs/default.toml sets each of them to the paper's setup
    (configs/modern.toml to the extension's). The comments there say where each comes from."""

    variant: str = "1989"
    passes: int = 23
    lr: float = 0.05
    momentum: float = 0.0
    init: str = "paper"
    h2_table: str = "block"
    seed: int = 0
    holdout: int = 0
    checkpoint: str = ""  # where to save the trained network; "" saves nothing

    def __post_init__(self) -> None:
        for name, allowed in CHOICES.items():
            if getattr(self, name) not in allowed:
                raise ConfigError(
                    f"{name}: expected one of {', '.join(allowed)}, got {getattr(self, name)!r}"
                )
        if self.passes < 1 or self.lr <= 0 or not 0 <= self.momentum < 1 or self.holdout < 0:
            raise ConfigError(
                "passes must be at least 1, lr above 0, momentum in [0, 1) and holdout at "
                f"least 0; got passes={self.passes}, lr={self.lr}, momentum={self.momentum}, "
                f"holdout={self.holdout}"
            )


class ConfigError(ValueError):
    """A configuration file or value that is not what the code expects."""


def settings(defaults: T, path: Path | None = None, **flags: Any) -> T:
    """`defaults`, overridden by the TOML file at `path` (configs/default.toml when no path
    is given and it exists), then by STARTER_SEED, then by the flags that are not None."""
    values: dict[str, Any] = {}
    file = path if path is not None else (DEFAULT_FILE if DEFAULT_FILE.is_file() else None)
    if file is not None:
        values.update(read(file, defaults))
    seed = os.environ.get("STARTER_SEED", "").strip()
    if seed and "seed" in {f.name for f in dataclasses.fields(defaults)}:
        try:
            values["seed"] = int(seed)
        except ValueError:
            raise ConfigError(f"STARTER_SEED={seed!r} is not a whole number") from None
    values.update({name: value for name, value in flags.items() if value is not None})
    return dataclasses.replace(defaults, **values)


def read(path: Path, defaults: DataclassInstance) -> dict[str, Any]:
    """The values of the TOML file at `path`, each checked against its default's type."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it ({exc})") from None
    known = {f.name: getattr(defaults, f.name) for f in dataclasses.fields(defaults)}
    values = {}
    for name, value in data.items():
        if name not in known:
            raise ConfigError(f"{path}: {name}: unknown; expected one of {', '.join(known)}")
        values[name] = _coerce(value, known[name], f"{path}: {name}")
    return values


def _coerce(value: Any, default: Any, where: str) -> Any:
    kind = type(default)
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(default, Path) and isinstance(value, str):
        return Path(value)
    if isinstance(value, kind) and (kind is bool) == isinstance(value, bool):
        return value
    raise ConfigError(f"{where}: expected {kind.__name__}, got {value!r}")
