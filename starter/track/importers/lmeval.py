"""EleutherAI's lm-evaluation-harness results JSON, old style (v0.3: `acc`, `acc_stderr`)
and new (v0.4+: `acc,none`, `acc_stderr,none`): one value per task, metric and filter."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from starter.errors import InputError
from starter.track.importers.base import (
    Imported,
    ImportedRun,
    content_id,
    iso_from_epoch,
    number,
    param_text,
    read_json,
    shown,
)

TOOL = "lm-eval"


def looks_like_data(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("results"), dict)
        and ("versions" in data or "n-shot" in data or "config" in data)
    )


def looks_like(path: Path) -> bool:
    if path.is_dir():
        return any(_looks(p) for p in sorted(path.glob("results*.json"))[:1])
    return path.suffix == ".json" and _looks(path)


def _looks(path: Path) -> bool:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return '"results"' in head and ("_stderr" in head or '"versions"' in head)


def metric_name(task: str, key: str) -> tuple[str, bool] | None:
    """(`task/metric` or `task/metric,filter`, is a standard error) for a results key;
    None for `alias` and other text. The `none` filter, the default, is left out."""
    metric, _, filter_name = key.partition(",")
    stderr = metric.endswith("_stderr")
    if stderr:
        metric = metric[: -len("_stderr")]
    name = f"{task}/{metric}" + (f",{filter_name}" if filter_name and filter_name != "none" else "")
    return name, stderr


def read(path: Path) -> Imported:
    if path.is_dir():
        files = sorted(path.glob("**/results*.json"))
        if not files:
            raise InputError(f"{path} holds no lm-eval results*.json file")
        path = max(files, key=lambda p: p.stat().st_mtime)
    data = read_json(path)
    if not looks_like_data(data):
        raise InputError(
            f"{path} is not an lm-evaluation-harness results file (no `results` table with "
            "`versions` or `config`)"
        )
    metrics: dict[str, float] = {}
    stderr: dict[str, float] = {}
    skipped: list[str] = []
    tables = [data["results"]]
    if isinstance(data.get("groups"), dict):
        tables.append(data["groups"])
    for table in tables:
        for task, values in table.items():
            if not isinstance(values, dict):
                continue
            for key, raw in values.items():
                value = number(raw)
                if value is None:
                    continue  # alias, "N/A" standard errors
                named = metric_name(str(task), str(key))
                if named is None:
                    continue
                name, is_stderr = named
                if not math.isfinite(value):
                    skipped.append(name)
                    continue
                (stderr if is_stderr else metrics)[name] = value
    if not metrics:
        raise InputError(f"{path}: its results hold no numbers")
    config = data.get("config") if isinstance(data.get("config"), dict) else {}
    params: dict[str, str] = {}
    for name in ("model", "model_args", "batch_size", "limit", "num_fewshot"):
        if config.get(name) not in (None, "", []):
            params[name] = param_text(config[name])
    for key in ("numpy_seed", "torch_seed", "fewshot_seed"):
        if config.get(key) is not None:
            params[key] = param_text(config[key])
    shots = data.get("n-shot") if isinstance(data.get("n-shot"), dict) else {}
    for task, value in shots.items():
        params[f"{task}/n-shot"] = param_text(value)
    versions = data.get("versions") if isinstance(data.get("versions"), dict) else {}
    for task, value in versions.items():
        params[f"{task}/version"] = param_text(value)
    seed = config.get("random_seed")
    source: dict[str, Any] = {"tool": TOOL, "id": content_id(path), "path": shown(path)}
    for key in ("model_name", "git_hash"):
        if isinstance(data.get(key), str):
            source["harness_commit" if key == "git_hash" else "model"] = data[key]
    duration = number(data.get("total_evaluation_time_seconds"))
    run = ImportedRun(
        metrics=metrics,
        stderr=stderr,
        params=params,
        seed=seed if isinstance(seed, int) and not isinstance(seed, bool) else None,
        time=iso_from_epoch(number(data.get("date"))),
        duration=duration if duration is not None and math.isfinite(duration) else None,
        source=source,
    )
    style = "v0.4+" if any("," in str(k) for v in data["results"].values() for k in v) else "v0.3"
    notes = [
        f"{shown(path)}: lm-eval ({style} style), {len(metrics)} values of "
        f"{len({n.split('/')[0] for n in metrics})} tasks, with {len(stderr)} standard errors"
    ]
    if skipped:
        notes.append(f"skipped values that are not finite numbers: {', '.join(skipped)}")
    return Imported(tool=TOOL, runs=[run], notes=notes, read=[shown(path)])
