"""Training: the paper's procedure (§4, §5) on the proxy digits, and the metrics that
`starter run` records.

    python -m lecun1989.train [--config configs/default.toml] [--seed N] [--fast]

The seed (the flag, else $STARTER_SEED, else the file's) drives one NumPy generator, used
first for the initial weights and then for the single shuffle that fixes the presentation
order. The data split does not depend on it (see data.py).

Training follows paper §4 ("Experimental Environment") and §5 ("Results"):
  * per-example ("on-line", batch size 1) updates; "the patterns were repeatedly presented
    in a constant order": the training set is shuffled once with the seed, then presented
    in that same order on every pass;
  * mean squared error on the outputs, targets +1 for the correct class and -1 for the
    others (CHOICE: the paper only says the targets were "within the quasilinear range of
    the sigmoid"; with f = 1.7159 tanh(2x/3), f(+-1) = +-1, see model.py);
  * 23 passes ("The network was trained for 23 passes through the training set"),
    measuring train and test performance after each pass.
DEVIATION: the paper used "a special version of Newton's algorithm that uses a positive,
diagonal approximation of the Hessian matrix"; here it is plain stochastic gradient
descent with a constant learning rate (configs/default.toml).

`variant = "modern"` (configs/modern.toml) is the extension: ReLU hidden units, linear
outputs with softmax cross-entropy, He-uniform initial weights, SGD with momentum, hidden
planes padded with 0 (the ReLU "off" level). Same architecture, counts, data, passes and
presentation order.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from lecun1989 import config, data
from lecun1989.evaluate import evaluate, write_metrics
from lecun1989.model import LeNet1989

FAST_PASSES = 3  # --fast: the same code path in a few seconds (the example's CI check)

# What `starter run` records: numbers named like the claims of paper.toml (a metric under a
# claim's id counts for that claim in `starter status`), and the seed used.
#   test-error, train-error: the percentage of misclassified digits after the last pass (§5)
#   train-mse, test-mse: "the MSE averaged over the patterns and over the output units" (§5),
#       1989 variant only
#   train-size, test-size, training-passes: what this run trained and tested on, and for how
#       many passes (the proxy's sizes, not the paper's 7,291 and 2,007)
#   units, connections, independent-parameters: counted from the model's own arrays (§3.3)
# Settings that are not numbers (variant, H2 table, init) are printed, and given to
# `starter run` as --param by run_example.sh.


def seed_everything(seed: int) -> np.random.Generator:
    """Seed every source of randomness used here; returns the generator to draw from."""
    random.seed(seed)
    np.random.seed(seed)  # noqa: NPY002 (for libraries that still use numpy's global state)
    os.environ["PYTHONHASHSEED"] = str(seed)  # for subprocesses; this one is already running
    return np.random.default_rng(seed)


def build_model(rng: np.random.Generator, settings: config.Config) -> LeNet1989:
    """The network of `settings.variant`, its weights drawn from `rng`."""
    modern = settings.variant == "modern"
    return LeNet1989(
        rng,
        h2_scheme=settings.h2_table,
        init=settings.init,
        hidden="relu" if modern else "scaled_tanh",
        output="linear" if modern else "scaled_tanh",
        hidden_pad=0.0 if modern else -1.0,
        input_pad=-1.0,
    )


def train(
    settings: config.Config, *, log: Callable[[str], None] | None = None
) -> tuple[LeNet1989, dict[str, float]]:
    """Train as `settings` say; returns the model and its metrics (see above). `log`, if
    given, gets one line per pass."""
    started = time.perf_counter()
    x_train, y_train, x_test, y_test = data.load()
    evaluated = "test"
    if settings.holdout:
        # For choosing the learning rate only: the last `holdout` training images (fixed by
        # the split seed) are the evaluation set, and the test set is never looked at.
        x_test, y_test = x_train[-settings.holdout :], y_train[-settings.holdout :]
        x_train, y_train = x_train[: -settings.holdout], y_train[: -settings.holdout]
        evaluated = "holdout"

    rng = seed_everything(settings.seed)
    model = build_model(rng, settings)
    order = rng.permutation(len(x_train))  # one shuffle, then a constant order (§4)
    loss = "xent" if settings.variant == "modern" else "mse"
    params = model.params
    velocity = {k: np.zeros_like(v) for k, v in params.items()} if settings.momentum else None

    passes = []
    for done in range(1, settings.passes + 1):
        for i in order:
            y_out, cache = model.forward(x_train[i : i + 1])
            _, dz4 = model.loss_and_grad_output(y_out, y_train[i : i + 1], loss)
            grads = model.backward(cache, dz4)
            if velocity is None:
                for k, g in grads.items():
                    params[k] -= settings.lr * g
            else:
                for k, g in grads.items():
                    v = velocity[k]
                    v *= settings.momentum
                    v += g
                    params[k] -= settings.lr * v
        on_train = evaluate(model, x_train, y_train)
        on_test = evaluate(model, x_test, y_test)
        passes.append((on_train, on_test))
        if log is not None:
            log(
                f"pass {done:2d}  train-mse {on_train['mse']:.4e}  train-error "
                f"{on_train['error']:6.2f}%  {evaluated}-mse {on_test['mse']:.4e}  "
                f"{evaluated}-error {on_test['error']:6.2f}%"
            )
        if not np.isfinite(on_train["mse"]):
            break  # diverged: the metrics say so, and the passes it took

    counts = model.counts()
    on_train, on_test = passes[-1]
    metrics = {
        "test-error": on_test["error"],
        "train-error": on_train["error"],
        "train-mse": on_train["mse"],
        "test-mse": on_test["mse"],
        "train-size": float(len(x_train)),
        "test-size": float(len(x_test)),
        "training-passes": float(len(passes)),
        "units": float(counts["units"]),  # the 256 input units included, as the paper counts
        "connections": float(counts["connections"]),
        "independent-parameters": float(counts["independent-parameters"]),
    }
    if settings.variant == "modern":
        # A softmax's MSE against {0, 1} targets is not the quantity the paper reports.
        del metrics["train-mse"], metrics["test-mse"]
    if log is not None:
        log(
            f"counts: {counts['units']} units ({counts['hidden-and-output-units']} hidden and "
            f"output), {counts['connections']} connections, {counts['independent-parameters']} "
            f"parameters; {time.perf_counter() - started:.1f} s"
        )
    return model, metrics


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m lecun1989.train",
        description="Train the 1989 network on the proxy digits and report its metrics. "
        f"Hyperparameters come from --config ({config.DEFAULT_FILE} by default); a flag here "
        "wins over the file.",
    )
    parser.add_argument("--config", type=Path, help="hyperparameters (TOML)")
    parser.add_argument("--passes", type=int, help="passes over the training set (paper: 23)")
    parser.add_argument(
        "--fast", action="store_true", help=f"{FAST_PASSES} passes, the same code path (for CI)"
    )
    parser.add_argument("--lr", type=float, help="learning rate")
    parser.add_argument("--momentum", type=float)
    parser.add_argument("--init", help="initial weights: paper, sqrt or he")
    parser.add_argument("--h2-table", help="which 8 of H1's maps feed each H2 map: block, cyclic")
    parser.add_argument("--seed", type=int, help="[default: $STARTER_SEED, else the file's]")
    parser.add_argument(
        "--holdout",
        type=int,
        help="evaluate on the last N training images instead of the test set (choosing lr); "
        "records nothing",
    )
    parser.add_argument("--checkpoint", help="where to save the trained network (.npz)")
    args = vars(parser.parse_args(argv))
    if args.pop("fast") and args["passes"] is None:
        args["passes"] = FAST_PASSES
    try:
        settings = config.settings(config.Config(), args.pop("config"), **args)
    except config.ConfigError as exc:
        parser.error(str(exc))
    print("  ".join(f"{k} {v}" for k, v in dataclasses.asdict(settings).items()), flush=True)

    model, metrics = train(settings, log=lambda line: print(line, flush=True))
    if settings.checkpoint:
        Path(settings.checkpoint).parent.mkdir(parents=True, exist_ok=True)
        state: dict[str, Any] = model.state()  # Any: savez's stubs read ** as its allow_pickle
        np.savez(settings.checkpoint, **state)
    print(json.dumps(metrics))
    if settings.holdout:
        # Choosing the learning rate measures a part of the training set, not the test set:
        # nothing to record against the paper's claims.
        print("--holdout: nothing written to $STARTER_METRICS_FILE", file=sys.stderr)
        return 0
    # The seed used goes with the metrics: `starter run` records it (and warns when it is
    # not the one it was given).
    write_metrics({**metrics, "seed": settings.seed})  # to $STARTER_METRICS_FILE, if set
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
