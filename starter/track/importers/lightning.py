"""PyTorch Lightning's CSVLogger: `metrics.csv` (one run per file, its rows a curve of
epochs, not runs) with the `hparams.yaml` beside it as the run's parameters."""

from __future__ import annotations

import csv
import math
from pathlib import Path

from starter.errors import InputError
from starter.track.importers.base import (
    Imported,
    ImportedRun,
    Point,
    content_id,
    flatten,
    load_yaml,
    number,
    param_text,
    read_text,
    seed_from,
    shown,
)

TOOL = "lightning"
FIXED = ("epoch", "step")


def looks_like(path: Path) -> bool:
    """A metrics.csv whose header has `epoch` and `step` (what CSVLogger always writes)."""
    if path.is_dir():
        return (path / "metrics.csv").is_file()
    if path.name != "metrics.csv":
        return False
    try:
        with open(path, encoding="utf-8", errors="replace", newline="") as handle:
            header = next(csv.reader(handle), [])
    except OSError:
        return False
    return {"epoch", "step"} <= set(header)


def read(path: Path) -> Imported:
    path = path / "metrics.csv" if path.is_dir() else path
    text = read_text(path)
    reader = csv.reader(text.splitlines())
    header = next(reader, None)
    if not header or "epoch" not in header:
        raise InputError(f"{path} is not a Lightning metrics.csv (no `epoch` column in its header)")
    epoch_col = header.index("epoch")
    step_col = header.index("step") if "step" in header else None
    names = [(i, name) for i, name in enumerate(header) if name not in FIXED]
    # Rows of one epoch are merged, later cells winning: Lightning writes train, validation,
    # learning-rate and test values on rows of their own with the other cells blank.
    epochs: dict[int, dict[str, float]] = {}
    steps: dict[int, int] = {}
    last: dict[str, float] = {}
    skipped: set[str] = set()
    current: int | None = None
    pending: dict[str, float] = {}  # rows before the first epoch number (a learning rate)
    rows = 0
    for row in reader:
        if not row:
            continue
        rows += 1
        epoch = number(row[epoch_col]) if epoch_col < len(row) else None
        if epoch is not None and math.isfinite(epoch):
            current = int(epoch)
        values: dict[str, float] = {}
        for index, name in names:
            if index >= len(row):
                continue
            value = number(row[index])
            if value is None:
                continue
            if not math.isfinite(value):
                skipped.add(name)
                continue
            values[name] = value
        if not values:
            continue
        last.update(values)
        if current is None:
            pending.update(values)
            continue
        target = epochs.setdefault(current, {})
        if pending:
            target.update(pending)
            pending = {}
        target.update(values)
        step = number(row[step_col]) if step_col is not None and step_col < len(row) else None
        if step is not None and math.isfinite(step):
            steps[current] = int(step)
    if not last:
        raise InputError(f"{path} holds no numbers (a header and {rows} empty rows)")
    curve = [Point(metrics=epochs[e], epoch=e, step=steps.get(e)) for e in sorted(epochs)]
    params, seed, hparams_note = _hparams(path.parent / "hparams.yaml")
    notes = []
    if curve:
        first, final = curve[0].epoch, curve[-1].epoch
        span = f"epoch {first}" if first == final else f"{len(curve)} epochs ({first}-{final})"
        notes.append(
            f"{shown(path)}: one run of {span}; recorded the last value of each metric "
            "(--select best or --select epoch=N picks another epoch)"
        )
    if skipped:
        notes.append(f"skipped values that are not finite numbers in {', '.join(sorted(skipped))}")
    if hparams_note:
        notes.append(hparams_note)
    files = [path] + ([path.parent / "hparams.yaml"] if params or hparams_note else [])
    run = ImportedRun(
        metrics=dict(last),
        seed=seed,
        params=params,
        curve=curve,
        source={
            "tool": TOOL,
            "id": content_id(path),
            "path": shown(path),
            "version": path.parent.name if path.parent.name.startswith("version_") else None,
        },
    )
    run.source = {k: v for k, v in run.source.items() if v is not None}
    return Imported(tool=TOOL, runs=[run], notes=notes, read=[shown(p) for p in files])


def _hparams(path: Path) -> tuple[dict[str, str], int | None, str | None]:
    if not path.is_file():
        return {}, None, None
    try:
        data = load_yaml(path)
    except InputError as exc:
        return {}, None, f"hparams.yaml not read: {exc.message}"
    if not isinstance(data, dict):
        return {}, None, None
    flat = flatten(data)
    dropped = sorted(k for k, v in flat.items() if v is None and data.get(k, 0) is None)
    params = {k: param_text(v) for k, v in flat.items() if v is not None}
    note = (
        f"hparams.yaml: left out {', '.join(dropped)} (a Python object, not a setting)"
        if dropped
        else None
    )
    return params, seed_from(flat), note
