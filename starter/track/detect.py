"""Zero-config capture for `starter run`: the outputs a training framework wrote in the working
folder while the command ran (Lightning's newest metrics.csv, a Hugging Face output_dir's
results, an lm-eval results file), found without being told where."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

MAX_DEPTH = 4
MAX_ENTRIES = 20000  # a working folder holding a data set is not searched to its end
SKIP = {".git", ".venv", "venv", "node_modules", "__pycache__", "results", "wandb", "mlruns"}
HF_FILES = ("all_results.json", "eval_results.json", "test_results.json")


class Output(NamedTuple):
    preset: str
    path: Path
    mtime: float


def find(folder: Path, since: float) -> list[Output]:
    """Framework outputs under `folder` written at or after `since` (seconds since 1970),
    newest first."""
    found: list[Output] = []
    seen = 0
    for root, dirs, files in os.walk(folder):
        depth = len(Path(root).relative_to(folder).parts)
        dirs[:] = [d for d in dirs if d not in SKIP and not d.startswith(".")]
        if depth >= MAX_DEPTH:
            dirs[:] = []
        seen += len(files) + len(dirs)
        if seen > MAX_ENTRIES:
            break
        here = Path(root)
        for name in files:
            kind = _kind(here, name)
            if kind is None:
                continue
            path = here / name
            try:
                mtime = path.stat().st_mtime
            except OSError:
                continue
            if mtime >= since:
                found.append(Output(kind, here if kind == "hf-trainer" else path, mtime))
    unique: dict[Path, Output] = {}
    for output in sorted(found, key=lambda o: -o.mtime):
        unique.setdefault(output.path, output)
    return list(unique.values())


def _kind(folder: Path, name: str) -> str | None:
    if name == "metrics.csv" and folder.name.startswith("version_"):
        return "lightning"
    if name in HF_FILES:
        return "hf-trainer"
    if name.startswith("results") and name.endswith(".json"):
        from starter.track.importers import lmeval

        return "lm-eval" if lmeval.looks_like(folder / name) else None
    return None
