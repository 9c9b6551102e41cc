"""Evaluation: the error rate and MSE the paper reports (§5), on a split or on a saved
checkpoint, and writing the metrics where `starter run` reads them."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
from pathlib import Path

import numpy as np

from lecun1989 import data
from lecun1989.model import Array, LeNet1989


def evaluate(model: LeNet1989, x: Array, y: Array) -> dict[str, float]:
    """Error (in %) and MSE of `model` on images `x` with labels `y`; for the modern
    variant (linear outputs) also the cross-entropy it is trained on."""
    out = model.predict(x)
    n = len(y)
    error = float(np.mean(out.argmax(axis=1) != y)) * 100.0
    if model.output == "linear":
        # The outputs are logits: the MSE of the softmax probabilities against one-hot
        # {0, 1} targets (not the paper's quantity: train.py does not record it), and the
        # cross-entropy actually trained.
        e = np.exp(out - out.max(axis=1, keepdims=True))
        prob = e / e.sum(axis=1, keepdims=True)
        onehot = np.zeros_like(prob)
        onehot[np.arange(n), y] = 1.0
        xent = float(-np.mean(np.log(prob[np.arange(n), y] + 1e-300)))
        return {"error": error, "mse": float(np.mean((prob - onehot) ** 2)), "xent": xent}
    # The 1989 network: §5, "the MSE averaged over the patterns and over the output
    # units", against the +1/-1 targets it was trained on (CHOICE: see train.py).
    target = np.full_like(out, -1.0)
    target[np.arange(n), y] = 1.0
    return {"error": error, "mse": float(np.mean((out - target) ** 2))}


def write_metrics(metrics: dict[str, float], path: str | os.PathLike[str] | None = None) -> None:
    """Write `metrics` as one flat JSON object to `path`, else to $STARTER_METRICS_FILE if set.

    The file is replaced atomically, so a reader never sees half of it; a value that is not
    finite (a diverged run's MSE) is left out rather than written as NaN.
    """
    target = path or os.environ.get("STARTER_METRICS_FILE")
    if not target:
        return
    clean = {str(k): float(v) for k, v in metrics.items() if math.isfinite(float(v))}
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(clean, handle, indent=2)
    os.replace(tmp, target)


def main(argv: list[str] | None = None) -> int:
    """Evaluate a checkpoint that train.py saved on the proxy's test split, and print it.

    Nothing is written to $STARTER_METRICS_FILE: the training run that made the checkpoint
    already recorded these numbers, and recording them again would count one trained
    network as two runs.
    """
    parser = argparse.ArgumentParser(description="Evaluate a trained model on the test split.")
    parser.add_argument("--checkpoint", type=Path, required=True, help="what train saved")
    args = parser.parse_args(argv)
    if not args.checkpoint.is_file():
        print(f"no checkpoint at {args.checkpoint}; train first", file=sys.stderr)
        return 1
    with np.load(args.checkpoint) as saved:
        model = LeNet1989.from_state(dict(saved))
    _, _, x_test, y_test = data.load()  # the split is fixed (data.SPLIT_SEED)
    metrics = {f"test-{name}": value for name, value in evaluate(model, x_test, y_test).items()}
    print(json.dumps(metrics, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
