"""Weights & Biases without its servers: a local run folder (`wandb/run-*` or
`wandb/offline-run-*`: wandb-summary.json, wandb-metadata.json, config.yaml, output.log)
and the runs table exported from the W&B web page as CSV."""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path
from typing import Any

from starter.errors import InputError
from starter.track.importers.base import (
    Imported,
    ImportedRun,
    content_id,
    finite_items,
    flatten,
    iso_from_text,
    load_yaml,
    number,
    param_text,
    read_json,
    read_text,
    seed_from,
    shown,
)

TOOL = "wandb"
SUMMARY = "wandb-summary.json"
METADATA = "wandb-metadata.json"
# run-20231210_182827-mckxrrzc, offline-run-20231129_215620-ohlnfnqx
_FOLDER = re.compile(r"^(?:offline-)?run-(?P<date>\d{8}_\d{6})-(?P<id>[a-z0-9]+)$")
FAILED_STATES = ("crashed", "failed", "killed", "preempted")
# The last lines of output.log that say the program did not end normally.
_CRASH = re.compile(
    r"^(Traceback \(most recent call last\)|KeyboardInterrupt|\w*(Error|Exception)\b)"
)
CSV_FIXED: tuple[str, ...] = ("Name", "State", "Notes", "User", "Tags", "Created", "Runtime")
CSV_FIXED += ("Sweep", "ID", "End Time", "Updated", "Group", "Job Type", "Hostname", "Commit")


def _files_of(folder: Path) -> Path:
    """Where a run folder keeps its files: `files/` in W&B's own layout, else itself."""
    return folder / "files" if (folder / "files" / SUMMARY).is_file() else folder


def run_folders(path: Path) -> list[Path]:
    if (_files_of(path) / SUMMARY).is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and (_files_of(p) / SUMMARY).is_file())


def looks_like(path: Path) -> bool:
    if path.is_dir():
        return bool(run_folders(path))
    if path.name in (SUMMARY, METADATA):
        return True
    if path.suffix.lower() == ".csv":
        try:
            with open(path, encoding="utf-8", errors="replace", newline="") as handle:
                header = next(csv.reader(handle), [])
        except OSError:
            return False
        return header[:1] == ["Name"] and ("Created" in header and "Runtime" in header)
    return False


def read(path: Path) -> Imported:
    if path.is_file() and path.suffix.lower() == ".csv":
        return read_export(path)
    if path.is_file():
        path = path.parent.parent if path.parent.name == "files" else path.parent
    folders = run_folders(path)
    if not folders:
        raise InputError(f"{path} holds no W&B run folder (no {SUMMARY})")
    runs: list[ImportedRun] = []
    notes: list[str] = []
    read_paths: list[str] = []
    for folder in folders:
        run, files, note = _read_folder(folder)
        read_paths.extend(shown(f) for f in files)
        if note:
            notes.append(note)
        if run is not None:
            runs.append(run)
    if not runs:
        raise InputError(f"{path}: " + "; ".join(notes))
    return Imported(tool=TOOL, runs=runs, notes=notes, read=read_paths)


def _read_folder(folder: Path) -> tuple[ImportedRun | None, list[Path], str | None]:
    files = _files_of(folder)
    loaded_summary = read_json(files / SUMMARY)
    summary: dict[str, Any] = loaded_summary if isinstance(loaded_summary, dict) else {}
    metrics = {
        k: v for k, v in finite_items(summary.items()) if not k.startswith("_") and "/_" not in k
    }
    meta_path = files / METADATA
    loaded = read_json(meta_path) if meta_path.is_file() else {}
    meta: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
    read_paths = [files / SUMMARY] + ([meta_path] if meta else [])
    match = _FOLDER.match(folder.name)
    run_id = match.group("id") if match else content_id(files / SUMMARY)
    failure = None
    state = str(meta.get("state") or "").lower()
    if state in FAILED_STATES:
        failure = f"W&B marked the run {state}"
    output = files / "output.log"
    if output.is_file():
        read_paths.append(output)
        ending = _crash_line(read_text(output))
        if ending and failure is None:
            failure = f"output.log ends in {ending!r}"
    internal = summary.get("_wandb")
    runtime = internal.get("runtime") if isinstance(internal, dict) else None
    if not metrics and failure is None:
        return (
            None,
            read_paths,
            f"run {run_id} has no metrics in {SUMMARY} and no sign of a crash; skipped",
        )
    config_path = files / "config.yaml"
    params: dict[str, str] = {}
    seed = None
    if config_path.is_file():
        read_paths.append(config_path)
        params, seed = _config(config_path)
    git: dict[str, Any] = meta["git"] if isinstance(meta.get("git"), dict) else {}
    args: list[Any] = meta["args"] if isinstance(meta.get("args"), list) else []
    program = meta.get("program") or meta.get("codePath")
    command = " ".join(["python", str(program), *map(str, args)]) if program else None
    env = {
        "host": meta.get("host"),
        "user": meta.get("username"),
        "os": meta.get("os"),
        "python": meta.get("python"),
    }
    duration = number(summary.get("_runtime"))
    if duration is None:
        duration = number(runtime)
    run = ImportedRun(
        metrics=metrics,
        seed=seed if seed is not None else _seed_in_args(args),
        params=params,
        failed=failure is not None,
        failure=failure,
        time=iso_from_text(meta.get("startedAt")),
        git={k: git[k] for k in ("commit", "remote") if isinstance(git.get(k), str)},
        env={k: v for k, v in env.items() if isinstance(v, str) and v},
        command=command,
        duration=duration if duration is not None and math.isfinite(duration) else None,
        source={"tool": TOOL, "id": run_id, "path": shown(folder)},
    )
    return run, read_paths, None


def _crash_line(text: str) -> str | None:
    tail = [line.strip() for line in text.splitlines()[-40:] if line.strip()]
    for line in reversed(tail):
        if _CRASH.match(line):
            return line[:100]
    return None


def _seed_in_args(args: list[Any]) -> int | None:
    from itertools import pairwise

    for flag, value in pairwise(args):
        if str(flag) in ("--seed", "--random_seed", "--random-seed") and str(value).isdigit():
            return int(value)
    return None


def _config(path: Path) -> tuple[dict[str, str], int | None]:
    """config.yaml: every setting is {value: ...} (with `desc` in older versions)."""
    try:
        data = load_yaml(path)
    except InputError:
        return {}, None
    if not isinstance(data, dict):
        return {}, None
    plain: dict[str, Any] = {}
    for key, entry in data.items():
        if str(key).startswith("_") or key == "wandb_version":
            continue
        plain[str(key)] = (
            entry.get("value") if isinstance(entry, dict) and "value" in entry else entry
        )
    flat = flatten(plain)
    return {k: param_text(v) for k, v in flat.items()}, seed_from(flat)


def read_export(path: Path) -> Imported:
    """The runs table exported as CSV: one run per row; `State` other than finished marks
    a failed run (killed, crashed, failed); every numeric column is a value."""
    text = read_text(path)
    rows = list(csv.DictReader(text.splitlines()))
    if not rows or "Name" not in rows[0]:
        header = list(rows[0]) if rows else []
        if header[:1] == ["Step"] and any(h.endswith("__MIN") for h in header):
            raise InputError(
                f"{path} is a W&B chart export (one column per run and metric), not the runs "
                "table: export the table from the project's Runs page (CSV) instead"
            )
        raise InputError(f"{path}: not a W&B runs table export (no `Name` column)")
    runs: list[ImportedRun] = []
    states: dict[str, int] = {}
    for row in rows:
        name = row.get("Name") or ""
        values = {k: v for k, v in row.items() if k and k not in CSV_FIXED}
        metrics = dict(finite_items(values.items()))
        texts = {k: v for k, v in values.items() if v not in (None, "") and k not in metrics}
        state = (row.get("State") or "").strip().lower()
        if state:
            states[state] = states.get(state, 0) + 1
        runtime = number(row.get("Runtime"))
        failed = bool(state) and state != "finished" and state != "running"
        runs.append(
            ImportedRun(
                metrics=metrics,
                params={k: v for k, v in texts.items() if len(v) <= 200},
                seed=seed_from({k: v for k, v in values.items()}),
                failed=failed,
                failure=f"W&B state {state}" if failed else None,
                time=iso_from_text(row.get("Created")),
                duration=runtime if runtime is not None and math.isfinite(runtime) else None,
                env={"user": row["User"]} if row.get("User") else {},
                source={"tool": TOOL, "id": row.get("ID") or name, "name": name},
            )
        )
    if not any(run.metrics for run in runs):
        raise InputError(f"{path}: no numeric column in the export")
    counted = ", ".join(f"{n} {s}" for s, n in sorted(states.items())) or "no State column"
    notes = [f"{shown(path)}: W&B runs table, {len(runs)} runs ({counted})"]
    if "State" not in rows[0]:
        notes.append(
            "the export has no State column: a crashed run cannot be told apart; "
            "add the State column to the table before exporting"
        )
    return Imported(tool=TOOL, runs=runs, notes=notes, read=[shown(path)])
