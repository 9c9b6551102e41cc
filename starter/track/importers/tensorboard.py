"""TensorBoard event files (`events.out.tfevents.*`, from torch's SummaryWriter, tensorboardX,
Keras or Lightning): the scalars of one run, read with TensorBoard's own event reader."""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

from starter.errors import InputError, SetupError
from starter.track.importers.base import Imported, ImportedRun, Point, iso_from_epoch, shown

TOOL = "tensorboard"
PATTERN = "events.out.tfevents.*"
# events.out.tfevents.<seconds>.<host>[.<pid>.<n>][.v2]
_NAME = re.compile(r"^events\.out\.tfevents\.(?P<time>\d+)\.(?P<host>.+?)(?:\.\d+\.\d+)?(?:\.v2)?$")


def event_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(path.rglob(PATTERN), key=lambda p: (_started(p), str(p)))


def looks_like(path: Path) -> bool:
    if path.is_file():
        return path.name.startswith("events.out.tfevents.")
    return path.is_dir() and next(iter(path.rglob(PATTERN)), None) is not None


def _started(path: Path) -> int:
    match = _NAME.match(path.name)
    return int(match.group("time")) if match else 0


def _run_id(files: list[Path]) -> str:
    """The first event file's name (its time, host and process: the writer's own identity),
    with a digest of the others' when the run has several."""
    if len(files) == 1:
        return files[0].name
    import hashlib

    rest = "\n".join(sorted(f.name for f in files[1:])).encode()
    return f"{files[0].name}+{len(files) - 1}:{hashlib.sha256(rest).hexdigest()[:8]}"


def _loader() -> Any:
    # tensorboard ships no type information (no py.typed): its two names are used as Any.
    try:
        from tensorboard.backend.event_processing.event_file_loader import (  # type: ignore[import-untyped]
            EventFileLoader,
        )
        from tensorboard.util import tensor_util  # type: ignore[import-untyped]
    except ImportError:
        raise SetupError(
            "reading TensorBoard files needs the tensorboard package: "
            "pip install 'starter[tensorboard]' (or pip install tensorboard)"
        ) from None
    return EventFileLoader, tensor_util


def read(path: Path) -> Imported:
    files = event_files(path)
    if not files:
        raise InputError(f"no TensorBoard event file ({PATTERN}) in {path}")
    loader_class, tensor_util = _loader()
    import os

    # Tags are named from the run's own folder: the deepest one holding all its event files
    # (train/ and validation/ of Keras become prefixes, the folder given does not).
    root = Path(os.path.commonpath([f.parent for f in files]))
    series: dict[str, dict[int, float]] = {}
    first_wall: float | None = None
    skipped: set[str] = set()
    for file in files:
        folder = file.parent.relative_to(root).as_posix()
        prefix = "" if folder == "." else folder + "/"
        try:
            events = list(loader_class(str(file)).Load())
        except Exception as exc:  # a truncated or foreign file: the reader's own errors vary
            raise InputError(f"{file}: not a readable TensorBoard event file ({exc})") from None
        for event in events:
            if event.wall_time and (first_wall is None or event.wall_time < first_wall):
                first_wall = event.wall_time
            for value in event.summary.value:
                if value.metadata.plugin_data.plugin_name != "scalars":
                    continue
                try:
                    number = float(tensor_util.make_ndarray(value.tensor).item())
                except (ValueError, TypeError):
                    continue
                name = prefix + value.tag
                if not math.isfinite(number):
                    skipped.add(name)
                    continue
                # A step written again (a resumed run) replaces the earlier value.
                series.setdefault(name, {})[int(event.step)] = number
    series = {name: steps for name, steps in series.items() if steps}
    if not series:
        raise InputError(f"{path}: its event files hold no scalars")
    metrics = {name: steps[max(steps)] for name, steps in series.items()}
    by_step: dict[int, dict[str, float]] = {}
    for name, steps in series.items():
        for step, number in steps.items():
            by_step.setdefault(step, {})[name] = number
    curve = [Point(metrics=by_step[s], step=s) for s in sorted(by_step)]
    match = _NAME.match(files[0].name)
    env = {"host": match.group("host")} if match else {}
    params: dict[str, str] = {}
    seed = None
    hparams = root / "hparams.yaml"
    notes = [
        f"{shown(path)}: {len(series)} scalars from {len(files)} event "
        f"file{'s' if len(files) != 1 else ''}, one run; recorded the value at each "
        "one's last step (--select step=N or best picks another step)"
    ]
    if hparams.is_file():
        from starter.track.importers.lightning import _hparams

        params, seed, note = _hparams(hparams)
        if note:
            notes.append(note)
    if skipped:
        notes.append(f"skipped values that are not finite numbers in {', '.join(sorted(skipped))}")
    run = ImportedRun(
        metrics=metrics,
        curve=curve,
        params=params,
        seed=seed,
        time=iso_from_epoch(first_wall) or iso_from_epoch(_started(files[0]) or None),
        env=env,
        source={
            "tool": TOOL,
            "id": _run_id(files),
            "path": shown(path),
        },
    )
    return Imported(tool=TOOL, runs=[run], notes=notes, read=[shown(f) for f in files])
