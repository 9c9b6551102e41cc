"""What every reader returns (runs with their own provenance, and the curve of values a run
went through) and the small helpers readers share: numbers, flattening, times, hashes, YAML."""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starter.errors import InputError, NotFoundError, SetupError


@dataclass(frozen=True)
class Point:
    """The values of one moment of a run: an epoch of a Lightning run, an evaluation of the
    Hugging Face Trainer, a step of a TensorBoard or MLflow series."""

    metrics: dict[str, float]
    epoch: int | None = None
    step: int | None = None

    @property
    def label(self) -> str:
        if self.epoch is not None:
            return f"epoch {self.epoch}" + (f" (step {self.step})" if self.step is not None else "")
        return f"step {self.step}" if self.step is not None else "the end"


@dataclass
class ImportedRun:
    """One run as its tool recorded it: values, and the provenance the files state (the
    tool, the run's id there, its time, commit, host and command), never this machine's."""

    metrics: dict[str, float]
    source: dict[str, Any]  # {"tool", "id", "path", ...}: `id` makes importing idempotent
    seed: int | None = None
    params: dict[str, str] = field(default_factory=dict)
    failed: bool = False
    failure: str | None = None  # why the run counts as failed, in the tool's words
    time: str | None = None  # when the run started, ISO 8601 UTC with a Z
    git: dict[str, Any] = field(default_factory=dict)  # commit, remote
    env: dict[str, Any] = field(default_factory=dict)  # host, user, os, python
    command: str | None = None
    duration: float | None = None
    curve: list[Point] = field(default_factory=list)  # for --select best|epoch=N|step=N
    stderr: dict[str, float] = field(default_factory=dict)  # standard errors the tool reported


@dataclass
class Imported:
    """What a source held: its runs, notes for the user, and other names of its metrics
    (`accuracy` for `eval_accuracy`, `tel` for `val_loss`) that --map and the card accept."""

    tool: str
    runs: list[ImportedRun]
    notes: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    read: list[str] = field(default_factory=list)  # the files read, for "read X" lines


# ----------------------------------------------------------------------------- numbers


def number(value: Any) -> float | None:
    """A finite or non-finite float from a JSON value or a text cell; None if not a number."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            return float(value)
        except OverflowError:  # an integer of hundreds of digits: not finite as a float
            return math.inf if value > 0 else -math.inf
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        try:
            return float(text)
        except ValueError:
            return None
    return None


def finite_items(values: Iterable[tuple[str, Any]]) -> Iterator[tuple[str, float]]:
    for key, raw in values:
        value = number(raw)
        if value is not None and math.isfinite(value):
            yield key, value


def flatten(data: Any, prefix: str = "", sep: str = ".") -> dict[str, Any]:
    """{"cfg": {"lr": 1}} as {"cfg.lr": 1}; lists stay values."""
    out: dict[str, Any] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            name = f"{prefix}{sep}{key}" if prefix else str(key)
            if isinstance(value, dict) and value:
                out.update(flatten(value, name, sep))
            else:
                out[name] = value
    elif prefix:
        out[prefix] = data
    return out


def param_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    import json

    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def seed_from(params: dict[str, Any]) -> int | None:
    """The seed among a run's settings: `seed`, `random_seed`, or a nested `*.seed`."""
    for name in sorted(params, key=lambda k: (k.count("."), k)):
        last = name.rsplit(".", 1)[-1].lower()
        if last in ("seed", "random_seed"):
            value = number(params[name])
            if value is not None and math.isfinite(value) and value.is_integer():
                return int(value)
    return None


# ----------------------------------------------------------------------------- times


def iso_from_epoch(seconds: float | None) -> str | None:
    """Seconds since 1970 as `2024-05-01T12:00:00.000Z`; None for a missing or absurd time."""
    if seconds is None or not math.isfinite(seconds) or not 0 < seconds < 4e9:
        return None
    import time

    whole = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{whole}.{round(seconds * 1000) % 1000:03d}Z"


def iso_from_text(text: Any) -> str | None:
    """An ISO 8601 time as written by a tool ("2023-12-10T23:28:27.343140", "...Z",
    "2026-08-13T01:43:36.000Z") in UTC with a Z; a time without a zone is taken as UTC."""
    if not isinstance(text, str) or not text.strip():
        return None
    from datetime import UTC, datetime

    raw = text.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return iso_from_epoch(moment.timestamp())


# ----------------------------------------------------------------------------- files


def open_text(path: Path) -> Any:
    """A text handle on `path`, decompressing a `.gz` on the fly (logs are often kept so)."""
    if path.suffix == ".gz":
        import gzip

        return gzip.open(path, "rt", encoding="utf-8", errors="replace", newline="")
    return open(path, encoding="utf-8", errors="replace", newline="")


def read_text(path: Path) -> str:
    try:
        if path.suffix == ".gz":
            with open_text(path) as handle:
                return str(handle.read())
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        raise NotFoundError(f"no file {path}; check the path given to --from") from None
    except IsADirectoryError:
        raise InputError(
            f"{path} is a folder; give a file, or a --preset that reads folders"
        ) from None
    except (OSError, EOFError) as exc:
        raise InputError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None


def read_json(path: Path) -> Any:
    import json

    text = read_text(path)
    try:
        # NaN and Infinity are read (Python's json accepts them) and dropped later.
        return json.loads(text)
    except ValueError as exc:
        raise InputError(f"{path} is not valid JSON ({str(exc)[:80]})") from None
    except RecursionError:
        raise InputError(f"{path} is not valid JSON (nested too deep)") from None


def content_id(*paths: Path) -> str:
    """A run id for files that carry none: the hash of their bytes, so importing the same
    files again is recognised, wherever they are."""
    import hashlib

    digest = hashlib.sha256()
    for path in paths:
        try:
            digest.update(path.read_bytes())
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return "sha256:" + digest.hexdigest()[:16]


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_yaml(path: Path) -> Any:
    """A YAML file read safely; Python-object tags (a pickled tensor in a Lightning
    hparams.yaml) become None instead of code being run or the file refused."""
    try:
        import yaml
    except ImportError:  # pragma: no cover - a dependency of starter
        raise SetupError("reading YAML needs PyYAML: pip install pyyaml") from None

    class Loader(yaml.SafeLoader):
        pass

    def unknown(loader: Any, suffix: str, node: Any) -> None:
        return None

    Loader.add_multi_constructor("tag:yaml.org,2002:python/", unknown)
    Loader.add_multi_constructor("!", unknown)
    text = read_text(path)
    try:
        return yaml.load(text, Loader=Loader)
    except yaml.YAMLError as exc:
        raise InputError(f"{path} is not valid YAML ({str(exc).splitlines()[0]})") from None
