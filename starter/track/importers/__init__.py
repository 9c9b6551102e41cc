"""Readers of the files training tools write, one module per tool family, chosen by
`--preset` or detected: `read(paths, preset)` gives the runs a source holds (base.Imported).
generic.py reads files no tool stands behind (JSON, CSV, text logs with a pattern)."""

from __future__ import annotations

from pathlib import Path

from starter.errors import InputError, NotFoundError
from starter.track.importers.base import Imported, ImportedRun, Point
from starter.track.importers.generic import compile_pattern, regexes_for, scan_text

# The presets of `starter log --from FILE --preset NAME`, with what each reads.
PRESETS: dict[str, str] = {
    "lightning": "PyTorch Lightning CSVLogger metrics.csv (+ hparams.yaml), or its folder",
    "hf-trainer": "Hugging Face Trainer output folder: all/eval/train_results.json, "
    "trainer_state.json",
    "lm-eval": "lm-evaluation-harness results JSON (v0.3 and v0.4+ styles)",
    "tensorboard": "TensorBoard event files (events.out.tfevents.*) of one run, or its folder",
    "wandb": "W&B run folder (wandb/run-*, offline-run-*) or folder of them, or runs CSV export",
    "mlflow": "MLflow file store (mlruns/) or server (--tracking-uri), --experiment",
    "llmc": "llm.c main.log or stdout (restarts: a step logged again replaces the earlier one)",
    "nanogpt": "nanoGPT, build-nanogpt (stdout, log.txt) and modded-nanogpt logs (restarts too)",
    "keyvalue": "`key = value` lines (BERT's eval_results.txt and the like)",
    "colon": "text log, `key: value` (multi-word keys, a/b=c read as c)",
    "equals": "text log, `key=value`",
}
TEXT_PRESETS = ("colon", "equals")
STEP_LOGS = ("llmc", "nanogpt")

__all__ = [
    "PRESETS",
    "Imported",
    "ImportedRun",
    "Point",
    "compile_pattern",
    "detect",
    "read",
    "regexes_for",
    "scan_text",
]


def detect(path: Path) -> str | None:
    """The preset that reads `path` when only one does; None when none is sure."""
    from starter.track.importers import hf, lightning, lmeval, mlflow, stdout, tensorboard, wandb

    if path.is_dir():
        for name, module in (
            ("lightning", lightning),
            ("hf-trainer", hf),
            ("wandb", wandb),
            ("mlflow", mlflow),
            ("lm-eval", lmeval),
            ("tensorboard", tensorboard),
        ):
            if module.looks_like(path):
                return name
        return None
    if lightning.looks_like(path):
        return "lightning"
    if hf.looks_like(path):
        return "hf-trainer"
    if tensorboard.looks_like(path):
        return "tensorboard"
    if wandb.looks_like(path):
        return "wandb"
    if path.suffix.lower() == ".json" and lmeval.looks_like(path):
        return "lm-eval"
    if path.suffix.lower() in (".json", ".jsonl", ".ndjson", ".csv", ".tsv"):
        return None
    sniffed = stdout.sniff(path)
    if sniffed:
        return sniffed
    from starter.track.importers.base import read_text
    from starter.track.importers.generic import is_keyvalue

    try:
        if path.stat().st_size < 1 << 20 and is_keyvalue(read_text(path)):
            return "keyvalue"
    except OSError:
        return None
    return None


def read(
    paths: list[Path],
    *,
    preset: str | None = None,
    fmt: str = "auto",
    pattern: str | None = None,
    rows: bool = False,
    tracking_uri: str | None = None,
    experiment: str | None = None,
) -> Imported:
    """The runs in `paths` (several only for a log continued in another file)."""
    if preset is not None and preset not in PRESETS and preset != "auto":
        raise InputError(f"unknown --preset {preset!r}; use one of: {', '.join(PRESETS)}")
    if preset in (None, "auto") and not pattern and fmt == "auto" and paths and not tracking_uri:
        if not paths[0].exists():
            raise NotFoundError(f"no file or folder {paths[0]}; check the path given to --from")
        preset = detect(paths[0])
    if preset == "mlflow" or (tracking_uri and preset in (None, "auto")):
        from starter.track.importers import mlflow

        if len(paths) > 1:
            raise InputError("--preset mlflow reads one store: give one --from, or --tracking-uri")
        return mlflow.read(paths[0] if paths else None, tracking_uri=tracking_uri,
                           experiment=experiment)  # fmt: skip
    if not paths:
        raise InputError("give --from FILE (or --tracking-uri for an MLflow server)")
    for path in paths:
        if not path.exists():
            raise NotFoundError(f"no file or folder {path}; check the path given to --from")
    if preset in STEP_LOGS:
        from starter.track.importers import stdout

        return stdout.read(paths, preset)
    if len(paths) > 1:
        raise InputError(
            "several --from files make one run only for llm.c and nanoGPT logs "
            "(--preset llmc|nanogpt); import the others one at a time"
        )
    path = paths[0]
    if preset == "lightning":
        from starter.track.importers import lightning

        return lightning.read(path)
    if preset == "hf-trainer":
        from starter.track.importers import hf

        return hf.read(path)
    if preset == "lm-eval":
        from starter.track.importers import lmeval

        return lmeval.read(path)
    if preset == "tensorboard":
        from starter.track.importers import tensorboard

        return tensorboard.read(path)
    if preset == "wandb":
        from starter.track.importers import wandb

        return wandb.read(path)
    from starter.track.importers import generic

    if preset == "keyvalue":
        return generic.read_keyvalue(path)
    if path.is_dir():
        raise InputError(
            f"{path} is a folder that no preset recognises; give a file, or --preset "
            f"({', '.join(p for p in PRESETS if p not in TEXT_PRESETS)})"
        )
    return generic.read_file(path, fmt, preset, pattern, rows)
