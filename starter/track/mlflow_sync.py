"""The team's MLflow tracking server as a second home for the results log: `starter push
mlflow` sends the runs the server lacks, `starter pull mlflow` brings back the runs the log
lacks, both by run id, so either may be repeated (track/mlflow_rest.py speaks the API).

A run on the server carries everything its line in the log holds: metrics under their
claim ids, params, and as tags starter's run id, group, seed, kind, deviation, commit,
dirty flag, branch, host, command and the whole git and environment records (JSON), so a
push then a pull loses nothing. A pulled run is `origin: "imported"` with
`source: {"tool": "mlflow", "id": <MLflow run id>, "uri": ..., "experiment": ...}` and keeps
starter's run id when it has one, so a run that went out and comes back is the same run.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starter.errors import InputError
from starter.track.mlflow_rest import Server, pairs

TOOL = "mlflow"
P = "starter."  # the prefix of starter's own tags
RUN_ID, GROUP, SEED, KIND = P + "run_id", P + "group", P + "seed", P + "kind"
DEVIATION, ORIGIN, TIME, DURATION = P + "deviation", P + "origin", P + "time", P + "duration"
COMMAND, VERSION, PAPER, HOST = P + "command", P + "version", P + "paper", P + "host"
GIT, ENV, SOURCE = P + "git", P + "env", P + "source"  # JSON
DIRTY, BRANCH = P + "git.dirty", P + "git.branch"
COMMIT, NOTE = "mlflow.source.git.commit", "mlflow.note.content"  # MLflow's own tags
MLFLOW_BRANCH = "mlflow.source.git.branch"
MAX_TAG, MAX_PARAM, MAX_KEY = 8000, 6000, 250  # MLflow's limits on values and keys
_NAME = re.compile(r"^[/\w.\- :]+$")  # the metric and param names MLflow accepts
TERMINAL = ("FINISHED", "FAILED", "KILLED")


@dataclass(frozen=True)
class Target:
    """An experiment on a tracking server."""

    uri: str
    experiment: str


def target(uri: str | None, experiment: str | None, default_experiment: str) -> Target:
    """Where to push or pull: flag > STARTER_MLFLOW_URI / STARTER_MLFLOW_EXPERIMENT > config
    file > MLflow's own MLFLOW_TRACKING_URI; the experiment defaults to the paper's key."""
    from starter.config import settings
    from starter.track.mlflow_rest import check_uri

    conf = settings(mlflow_uri=uri, mlflow_experiment=experiment)
    found = conf.mlflow_uri or os.environ.get("MLFLOW_TRACKING_URI")
    if not found:
        raise InputError(
            "no MLflow server given; pass --tracking-uri http://HOST:PORT, or set "
            "STARTER_MLFLOW_URI (or mlflow_uri in the config file)"
        )
    name = (conf.mlflow_experiment or default_experiment).strip()
    if not name:
        raise InputError("--experiment: give the experiment's name")
    return Target(uri=check_uri(found), experiment=name)


def _server(target: Target, client: Any = None) -> Server:
    from starter.config import settings
    from starter.papers.http import Client

    return Server(target.uri, client or Client(offline=settings().offline))


# ----------------------------------------------------------------------------- mapping


def to_ms(moment: str | None) -> int:
    """Milliseconds since the epoch of an ISO 8601 time (now, when it does not parse)."""
    from datetime import datetime

    try:
        return round(datetime.fromisoformat(str(moment).replace("Z", "+00:00")).timestamp() * 1000)
    except ValueError:
        return round(time.time() * 1000)


def from_ms(ms: Any) -> str:
    """The log's time format (UTC, milliseconds, Z) of MLflow's milliseconds."""
    ms = int(ms) if isinstance(ms, int | float) and not isinstance(ms, bool) else 0
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ms // 1000)) + f".{ms % 1000:03d}Z"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Outgoing:
    """One log record as an MLflow run: what runs/create, log-batch and update send."""

    run_id: str
    start: int
    end: int
    status: str
    tags: dict[str, str]
    metrics: list[dict[str, Any]]
    params: dict[str, str]
    warnings: tuple[str, ...] = ()


def outgoing(record: dict[str, Any], paper: str) -> Outgoing:
    """The MLflow run for a "run" record of the log."""
    run_id = str(record.get("id"))
    start = to_ms(record.get("time"))
    duration = record.get("duration")
    seconds = duration if isinstance(duration, int | float) and duration >= 0 else 0
    git: dict[str, Any] = record["git"] if isinstance(record.get("git"), dict) else {}
    env: dict[str, Any] = record["env"] if isinstance(record.get("env"), dict) else {}
    deviation = record.get("deviation")
    wanted: dict[str, Any] = {
        RUN_ID: run_id,
        PAPER: paper,
        TIME: record.get("time"),
        KIND: record.get("kind"),
        ORIGIN: record.get("origin"),
        GROUP: record.get("group"),
        SEED: record.get("seed"),
        DEVIATION: deviation
        if isinstance(deviation, str) or deviation is None
        else _json(deviation),
        DURATION: duration,
        COMMAND: record.get("command"),
        VERSION: record.get("starter_version"),
        COMMIT: git.get("commit"),
        BRANCH: git.get("branch"),
        DIRTY: None if "dirty" not in git else ("true" if git["dirty"] else "false"),
        HOST: env.get("host"),
        NOTE: record.get("note"),
        GIT: _json(git) if git else None,
        ENV: _json(env) if env else None,
        SOURCE: _json(record["source"]) if isinstance(record.get("source"), dict) else None,
    }
    warnings: list[str] = []
    tags: dict[str, str] = {}
    for key, value in wanted.items():
        if value is None:
            continue
        text = str(value)
        if len(text) > MAX_TAG:
            warnings.append(f"run {run_id}: tag {key} is longer than MLflow keeps; not sent")
            continue
        tags[key] = text
    metrics, params = [], {}
    for name, value in (record.get("metrics") or {}).items():
        if not _NAME.match(name) or len(name) > MAX_KEY:
            warnings.append(
                f"run {run_id}: metric {name!r} not sent (MLflow allows letters, digits "
                "and _ - . / : space in names)"
            )
            continue
        metrics.append({"key": name, "value": value, "timestamp": start, "step": 0})
    for name, value in (record.get("params") or {}).items():
        text = str(value)
        if not _NAME.match(name) or len(name) > MAX_KEY or len(text) > MAX_PARAM:
            warnings.append(
                f"run {run_id}: param {name!r} not sent (a name or value MLflow refuses)"
            )
            continue
        params[name] = text
    return Outgoing(
        run_id=run_id,
        start=start,
        end=start + round(seconds * 1000),
        status="FAILED" if record.get("failed") is True else "FINISHED",
        tags=tags,
        metrics=metrics,
        params=params,
        warnings=tuple(warnings),
    )


def incoming(run: dict[str, Any], target: Target, mapping: list[tuple[str, str]]) -> dict[str, Any]:
    """The log record of a finished MLflow run (see the module's docstring)."""
    from starter.track.importers.names import apply_map
    from starter.track.results import run_record

    info, data = run.get("info") or {}, run.get("data") or {}
    tags, params = pairs(data.get("tags")), pairs(data.get("params"))
    metrics: dict[str, float] = {}
    for name, value in pairs(data.get("metrics")).items():
        if isinstance(value, int | float) and not isinstance(value, bool) and value - value == 0:
            metrics[name] = value  # NaN and infinities are left out
    metrics = apply_map(metrics, mapping)

    def loaded(key: str) -> dict[str, Any] | None:
        try:
            value = json.loads(tags[key]) if key in tags else None
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    git = loaded(GIT)
    if git is None:
        git = {
            k: v
            for k, v in (("commit", tags.get(COMMIT)), ("branch", tags.get(MLFLOW_BRANCH)))
            if v
        }
    seed = _integer(tags.get(SEED, params.get("seed")))
    start, end = info.get("start_time"), info.get("end_time")
    duration: float | None = None
    if DURATION in tags:
        duration = _number(tags[DURATION])
    elif RUN_ID not in tags and isinstance(start, int) and isinstance(end, int) and end >= start:
        duration = (end - start) / 1000
    deviation: Any = tags.get(DEVIATION)
    if isinstance(deviation, str) and deviation.startswith("{"):
        with contextlib.suppress(ValueError):
            deviation = json.loads(deviation)
    mlflow_id = str(info.get("run_id") or info.get("run_uuid"))
    return run_record(
        metrics,
        kind="extension" if tags.get(KIND) == "extension" else "reproduction",
        failed=info.get("status") != "FINISHED",
        seed=seed,
        params=params,
        note=tags.get(NOTE),
        deviation=deviation,
        group=tags.get(GROUP),
        origin="imported",
        source={"tool": TOOL, "id": mlflow_id, "uri": target.uri, "experiment": target.experiment},
        command=tags.get(COMMAND),
        duration=duration,
        git=git,
        env=loaded(ENV) or ({"host": tags[HOST]} if HOST in tags else {}),
        time=tags.get(TIME) or from_ms(start),
        run_id=tags.get(RUN_ID) or mlflow_id,
    )


def _integer(text: Any) -> int | None:
    try:
        return int(str(text))
    except ValueError:
        return None


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


# ----------------------------------------------------------------------------- push


@dataclass(frozen=True)
class Pushed:
    uri: str
    experiment: str
    experiment_created: bool
    pushed: int  # runs sent now
    present: int  # runs the server already had
    finished: int  # runs a push cut short had left unfinished, completed now
    requests: int
    warnings: list[str] = field(default_factory=list)


def push_records(
    target: Target, records: list[dict[str, Any]], paper: str, client: Any = None
) -> Pushed:
    """Send the records the experiment lacks (by starter's run id, or by MLflow run id for
    runs pulled from it); a run a cut-short push left RUNNING is completed, not doubled."""
    server = _server(target, client)
    experiment_id = server.experiment_id(target.experiment)
    created = experiment_id is None
    if experiment_id is None:
        experiment_id = server.create_experiment(target.experiment)
    requests = 1 + created
    there: dict[str, tuple[str, str]] = {}  # starter run id -> (MLflow run id, status)
    mlflow_ids: set[str] = set()
    if not created:
        for run in server.search_runs([experiment_id]):
            info = run.get("info") or {}
            mlflow_id = str(info.get("run_id"))
            mlflow_ids.add(mlflow_id)
            ours = pairs((run.get("data") or {}).get("tags")).get(RUN_ID)
            if ours:
                there[ours] = (mlflow_id, str(info.get("status")))
        requests += 1 + len(there) // 1000
    pushed = present = finished = 0
    warnings: list[str] = []
    todo: list[tuple[Outgoing, str | None]] = []  # (run, MLflow id of an unfinished one)
    for record in records:
        source = record.get("source")
        pulled_here = isinstance(source, dict) and source.get("tool") == TOOL
        if pulled_here and source.get("id") in mlflow_ids:  # type: ignore[union-attr]
            present += 1
            continue
        known = there.get(str(record.get("id")))
        if known is not None and known[1] in TERMINAL:
            present += 1
            continue
        out = outgoing(record, paper)
        warnings.extend(out.warnings)
        todo.append((out, None if known is None else known[0]))
        pushed += known is None
        finished += known is not None

    def send(item: tuple[Outgoing, str | None]) -> int:
        """One run: created (unless a cut-short push left it), logged, finished."""
        out, mlflow_id = item
        sent = 1
        if mlflow_id is None:
            mlflow_id = server.create_run(
                experiment_id, name=out.run_id, start_time=out.start, tags=out.tags
            )
            sent += 1
        sent += server.log_batch(mlflow_id, metrics=out.metrics, params=out.params)
        server.finish_run(mlflow_id, status=out.status, end_time=out.end)
        return sent

    # One run after another: with runs in flight at once, a SQLite-backed server was slower,
    # not faster, on the benchmark's machine (it serializes writes).
    requests += sum(map(send, todo))
    return Pushed(
        target.uri, target.experiment, created, pushed, present, finished, requests, warnings
    )


def push(root: Path, target: Target, paper: str, client: Any = None) -> Pushed:
    """`starter push mlflow`: every run of the log the experiment does not have yet."""
    from starter.track.results import log_path, read_records

    problems: list[Any] = []
    records = [r for _, r in read_records(log_path(root), problems) if r["type"] == "run"]
    pushed = push_records(target, _once(records), paper, client)
    pushed.warnings[:0] = [str(p) for p in problems]
    return pushed


def _once(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The first record of each run id (a line a merge doubled is one run)."""
    seen: set[str] = set()
    kept = []
    for record in records:
        key = str(record.get("id"))
        if key not in seen:
            seen.add(key)
            kept.append(record)
    return kept


# ----------------------------------------------------------------------------- pull


@dataclass(frozen=True)
class Pulled:
    uri: str
    experiment: str
    pulled: int
    present: int  # runs the log already had
    running: int  # runs not finished yet: pulled once they are
    records: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def pull(root: Path, target: Target, maps: list[str] | None = None, client: Any = None) -> Pulled:
    """`starter pull mlflow`: the finished runs of the experiment the log lacks (by
    starter's run id and by MLflow run id), appended in one write, oldest first."""
    from starter.track.idempotent import append_new
    from starter.track.importers.names import parse_map
    from starter.track.results import log_path, read_records

    mapping = parse_map(maps or [])
    server = _server(target, client)
    experiment_id = server.experiment_id(target.experiment)
    if experiment_id is None:
        from starter.errors import NotFoundError

        raise NotFoundError(
            f"no experiment {target.experiment!r} on {server.name}; check --experiment "
            "(it defaults to the paper's key), or push first: starter push mlflow"
        )
    problems: list[Any] = []
    ids: set[str] = set()
    sources: set[str] = set()
    for _, record in read_records(log_path(root), problems):
        if record["type"] != "run":
            continue
        ids.add(str(record.get("id")))
        source = record.get("source")
        if isinstance(source, dict) and source.get("tool") == TOOL:
            sources.add(str(source.get("id")))
    new: list[dict[str, Any]] = []
    present = running = 0
    for run in server.search_runs([experiment_id]):
        info = run.get("info") or {}
        mlflow_id = str(info.get("run_id"))
        ours = pairs((run.get("data") or {}).get("tags")).get(RUN_ID)
        if mlflow_id in sources or (ours is not None and ours in ids) or mlflow_id in ids:
            present += 1
            continue
        if info.get("status") not in TERMINAL:
            running += 1
            continue
        record = incoming(run, target, mapping)
        ids.add(record["id"])
        sources.add(mlflow_id)
        new.append(record)
    new.sort(key=lambda record: record["time"])  # oldest first, as they were made
    # Under the log's lock, again by source: a pull running at the same time adds nothing twice.
    new, skipped = append_new(root, new)
    present += skipped
    return Pulled(
        target.uri, target.experiment, len(new), present, running, new, [str(p) for p in problems]
    )
