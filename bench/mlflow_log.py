"""The MLflow anchor for `starter log`: record one run with one metric and its seed."""

# usage: mlflow_log.py METRIC VALUE SEED
# Logs to MLflow's default local store (nothing configured: the current folder), the way a
# user's training script would with a few lines of MLflow.

import sys

import mlflow


def main(argv: list[str]) -> int:
    metric, value, seed = argv[1], float(argv[2]), argv[3]
    with mlflow.start_run():
        mlflow.log_param("seed", seed)
        mlflow.log_metric(metric, value)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
