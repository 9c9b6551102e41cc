"""MLflow runs, from a file store (`mlruns/`) or a tracking server (its REST API, through
track/mlflow_rest.py): params, latest metrics, start time, status and the git commit tag."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from starter.errors import InputError, NotFoundError
from starter.track.importers.base import (
    Imported,
    ImportedRun,
    Point,
    iso_from_epoch,
    load_yaml,
    number,
    seed_from,
    shown,
)

TOOL = "mlflow"
FAILED = ("FAILED", "KILLED")


def looks_like(path: Path) -> bool:
    """An mlruns/ folder, an experiment folder in it, or a run folder (each has meta.yaml)."""
    if not path.is_dir():
        return False
    if (path / "meta.yaml").is_file():
        return True
    return any((child / "meta.yaml").is_file() for child in path.iterdir() if child.is_dir())


def read(
    path: Path | None = None,
    *,
    tracking_uri: str | None = None,
    experiment: str | None = None,
) -> Imported:
    """Runs of a file store at `path` (or a `file:` tracking URI) or of a server."""
    from starter.track import mlflow_rest

    uri = tracking_uri or ""
    if uri and mlflow_rest.is_server(uri):
        return _read_server(mlflow_rest.Server(uri), experiment)
    if uri:
        path = Path(uri[len("file://") :] if uri.startswith("file://") else uri)
    if path is None:
        raise InputError("give --from MLRUNS_FOLDER or --tracking-uri URI for --preset mlflow")
    return _read_store(path, experiment)


# ----------------------------------------------------------------------------- file store


def _read_store(path: Path, experiment: str | None) -> Imported:
    if not path.is_dir():
        raise NotFoundError(f"no MLflow file store at {path}")
    run_dirs = _run_folders(path, experiment)
    runs = [_store_run(folder) for folder in run_dirs]
    if not runs:
        which = f" in experiment {experiment!r}" if experiment else ""
        raise InputError(f"{path}: no MLflow run{which} (no <run id>/meta.yaml)")
    notes = [f"{shown(path)}: {len(runs)} MLflow run{'s' if len(runs) != 1 else ''}"]
    return Imported(tool=TOOL, runs=runs, notes=notes, read=[shown(path)])


def _run_folders(path: Path, experiment: str | None) -> list[Path]:
    meta = _meta(path / "meta.yaml") if (path / "meta.yaml").is_file() else {}
    if "run_id" in meta or "run_uuid" in meta:
        return [path]  # a run folder
    if "experiment_id" in meta:
        experiments = [path]
    else:
        experiments = [
            child
            for child in sorted(path.iterdir())
            if child.is_dir() and child.name != ".trash" and (child / "meta.yaml").is_file()
        ]
    if experiment is not None:
        chosen = []
        for folder in experiments:
            info = _meta(folder / "meta.yaml")
            if experiment in (folder.name, str(info.get("name")), str(info.get("experiment_id"))):
                chosen.append(folder)
        if not chosen:
            names = ", ".join(str(_meta(f / "meta.yaml").get("name")) for f in experiments)
            raise NotFoundError(f"no experiment {experiment!r} in {path} (experiments: {names})")
        experiments = chosen
    return [
        run
        for folder in experiments
        for run in sorted(folder.iterdir())
        if run.is_dir() and (run / "meta.yaml").is_file()
    ]


def _meta(path: Path) -> dict[str, Any]:
    data = load_yaml(path)
    return data if isinstance(data, dict) else {}


def _values(folder: Path) -> dict[str, str]:
    """params/ or tags/: one file per key, keys with '/' in nested folders."""
    if not folder.is_dir():
        return {}
    return {
        file.relative_to(folder).as_posix(): file.read_text(encoding="utf-8", errors="replace")
        for file in sorted(folder.rglob("*"))
        if file.is_file()
    }


def _store_run(folder: Path) -> ImportedRun:
    info = _meta(folder / "meta.yaml")
    latest: dict[str, float] = {}
    by_step: dict[int, dict[str, float]] = {}
    metrics_dir = folder / "metrics"
    for file in sorted(metrics_dir.rglob("*")) if metrics_dir.is_dir() else []:
        if not file.is_file():
            continue
        key = file.relative_to(metrics_dir).as_posix()
        best: tuple[int, int, float] | None = None
        for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split()
            if len(parts) < 2:
                continue
            stamp, value = number(parts[0]), number(parts[1])
            step = number(parts[2]) if len(parts) > 2 else 0.0
            if stamp is None or value is None or step is None or not math.isfinite(value):
                continue
            entry = (int(step), int(stamp), value)
            by_step.setdefault(int(step), {})[key] = value
            # MLflow's own "latest": the largest (step, timestamp, value).
            if best is None or entry > best:
                best = entry
        if best is not None:
            latest[key] = best[2]
    status = info.get("status")
    status_name = STATUSES_BY_NUMBER.get(status, str(status)) if status is not None else None
    curve = [Point(metrics=by_step[s], step=s) for s in sorted(by_step)]
    return _run(
        run_id=str(info.get("run_id") or info.get("run_uuid") or folder.name),
        name=info.get("run_name"),
        experiment=str(info.get("experiment_id", folder.parent.name)),
        status=status_name,
        start=number(info.get("start_time")),
        end=number(info.get("end_time")),
        user=info.get("user_id"),
        metrics=latest,
        params=_values(folder / "params"),
        tags=_values(folder / "tags"),
        curve=curve if len(curve) > 1 else [],
        path=shown(folder),
    )


# ----------------------------------------------------------------------------- server


def _read_server(server: Any, experiment: str | None) -> Imported:
    if experiment:
        experiments = [server.experiment(experiment)]
    else:
        experiments = [e for e in server.experiments() if e.get("lifecycle_stage") != "deleted"]
    ids = [str(e["experiment_id"]) for e in experiments]
    runs = []
    for found in server.search_runs(ids) if ids else []:
        info, data = found.get("info") or {}, found.get("data") or {}
        pairs = lambda items: {i["key"]: i.get("value", "") for i in items or []}  # noqa: E731
        runs.append(
            _run(
                run_id=str(info.get("run_id") or info.get("run_uuid")),
                name=info.get("run_name"),
                experiment=str(info.get("experiment_id")),
                status=info.get("status"),
                start=number(info.get("start_time")),
                end=number(info.get("end_time")),
                user=info.get("user_id"),
                metrics={
                    m["key"]: float(m["value"])
                    for m in data.get("metrics") or []
                    if number(m.get("value")) is not None and math.isfinite(float(m["value"]))
                },
                params={k: str(v) for k, v in pairs(data.get("params")).items()},
                tags={k: str(v) for k, v in pairs(data.get("tags")).items()},
                curve=[],
                path=None,
                server=server.uri,
            )
        )
    if not runs:
        raise InputError(f"{server.name}: no run in experiment {', '.join(ids) or '(none)'}")
    notes = [f"{server.name}: {len(runs)} run{'s' if len(runs) != 1 else ''}"]
    return Imported(tool=TOOL, runs=runs, notes=notes, read=[server.uri])


# ----------------------------------------------------------------------------- both


STATUSES_BY_NUMBER = {1: "RUNNING", 2: "SCHEDULED", 3: "FINISHED", 4: "FAILED", 5: "KILLED"}


def _run(
    *,
    run_id: str,
    name: Any,
    experiment: str,
    status: str | None,
    start: float | None,
    end: float | None,
    user: Any,
    metrics: dict[str, float],
    params: dict[str, str],
    tags: dict[str, str],
    curve: list[Point],
    path: str | None,
    server: str | None = None,
) -> ImportedRun:
    failed = status in FAILED
    source: dict[str, Any] = {"tool": TOOL, "id": run_id, "experiment": experiment}
    if isinstance(name, str) and name:
        source["name"] = name
    elif tags.get("mlflow.runName"):
        source["name"] = tags["mlflow.runName"]
    if status:
        source["status"] = status
    if path:
        source["path"] = path
    if server:
        source["server"] = server
    git = (
        {"commit": tags["mlflow.source.git.commit"].strip()}
        if tags.get("mlflow.source.git.commit")
        else {}
    )
    env = {"user": str(user)} if user else {}
    program = tags.get("mlflow.source.name")
    duration = (end - start) / 1000 if start and end and end >= start else None
    return ImportedRun(
        metrics=metrics,
        params=params,
        seed=seed_from(params),
        failed=failed,
        failure=f"MLflow status {status}" if failed else None,
        time=iso_from_epoch(start / 1000 if start else None),
        duration=duration,
        git=git,
        env=env,
        command=program.strip() if program else None,
        curve=curve,
        source=source,
    )
