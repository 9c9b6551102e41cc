"""The Hugging Face Trainer's output folder: all_results.json (or eval_/train_/test_results
.json) for the final values, trainer_state.json for the evaluations along the way."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from starter.errors import InputError
from starter.track.importers.base import (
    Imported,
    ImportedRun,
    Point,
    content_id,
    finite_items,
    number,
    read_json,
    shown,
)

TOOL = "hf-trainer"
RESULT_FILES = ("all_results.json", "eval_results.json", "test_results.json", "train_results.json")
STATE = "trainer_state.json"
# Prefixes the Trainer puts before a metric's name: `accuracy` in --map or the card finds
# `eval_accuracy` (or `test_accuracy` when that is all there is).
PREFIXES = ("eval_", "test_", "train_", "predict_")


def looks_like(path: Path) -> bool:
    if path.is_dir():
        return any((path / name).is_file() for name in (*RESULT_FILES, STATE))
    return path.name in (*RESULT_FILES, STATE)


def read(path: Path) -> Imported:
    folder = path if path.is_dir() else path.parent
    if path.is_dir():
        files = [folder / n for n in RESULT_FILES if (folder / n).is_file()]
        if (folder / "all_results.json").is_file():
            files = [folder / "all_results.json"]  # the union of the others
        state_path: Path | None = folder / STATE if (folder / STATE).is_file() else None
        if not files and state_path is None:
            raise InputError(
                f"{folder} has none of {', '.join(RESULT_FILES)} or {STATE}: not the output "
                "folder of a Hugging Face Trainer run"
            )
    elif path.name == STATE:
        files, state_path = [], path
    else:
        files, state_path = [path], None
    metrics: dict[str, float] = {}
    for file in files:
        data = read_json(file)
        if not isinstance(data, dict):
            raise InputError(f"{file}: expected a JSON object of metric names to numbers")
        metrics.update(finite_items(data.items()))
    notes: list[str] = []
    curve: list[Point] = []
    state: dict[str, Any] = {}
    if state_path is not None:
        loaded = read_json(state_path)
        state = loaded if isinstance(loaded, dict) else {}
        curve = _evaluations(state.get("log_history"))
        final = _final_values(state.get("log_history"))
        taken = [k for k in final if k not in metrics]
        for key in taken:
            metrics[key] = final[key]
        if taken and files:
            notes.append(
                f"took {', '.join(sorted(taken))} from {STATE}'s last logged values "
                f"(not in {', '.join(f.name for f in files)})"
            )
        best = number(state.get("best_metric"))
        if best is not None and math.isfinite(best):
            where = state.get("best_model_checkpoint") or "a checkpoint"
            notes.append(
                f"{STATE}: best_metric {best:g} at {Path(str(where)).name} (the file does not "
                "name the metric; --select best picks the best evaluation by the claim's "
                "direction)"
            )
    if not metrics:
        raise InputError(f"found no numbers in {shown(path)}")
    if curve:
        notes.append(
            f"{len(curve)} evaluations in {STATE}; recorded the final values "
            "(--select best|epoch=N|step=N picks an evaluation)"
        )
    read_paths = [*files, *([state_path] if state_path else [])]
    source: dict[str, Any] = {"tool": TOOL, "id": content_id(*read_paths), "path": shown(folder)}
    for key in ("global_step", "max_steps"):
        value = number(state.get(key))
        if value is not None and math.isfinite(value):
            source[key] = int(value)
    run = ImportedRun(metrics=metrics, source=source, curve=curve)
    return Imported(
        tool=TOOL,
        runs=[run],
        notes=notes,
        aliases=aliases(metrics),
        read=[shown(p) for p in read_paths],
    )


def aliases(names: Any) -> dict[str, str]:
    """`accuracy` -> `eval_accuracy` for every prefixed name whose bare name is free."""
    found: dict[str, str] = {}
    for prefix in PREFIXES:  # eval_ first: it wins when both exist
        for name in names:
            if name.startswith(prefix) and len(name) > len(prefix):
                bare = name[len(prefix) :]
                if bare not in names and bare not in found:
                    found[bare] = name
    return found


def _evaluations(history: Any) -> list[Point]:
    points = []
    for entry in history if isinstance(history, list) else []:
        if not isinstance(entry, dict) or not any(str(k).startswith("eval_") for k in entry):
            continue
        values = dict(finite_items((k, v) for k, v in entry.items() if k not in ("epoch", "step")))
        epoch, step = number(entry.get("epoch")), number(entry.get("step"))
        points.append(
            Point(
                metrics=values,
                epoch=int(epoch) if epoch is not None and float(epoch).is_integer() else None,
                step=int(step) if step is not None and math.isfinite(step) else None,
            )
        )
    return points


def _final_values(history: Any) -> dict[str, float]:
    final: dict[str, float] = {}
    for entry in history if isinstance(history, list) else []:
        if isinstance(entry, dict):
            final.update(finite_items((k, v) for k, v in entry.items() if k != "step"))
    return final
