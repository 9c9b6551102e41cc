"""The MLflow anchor for `starter push mlflow`: the same runs logged with MLflow's own client.

usage: mlflow_client_log.py RUNS.jsonl TRACKING_URI EXPERIMENT client|fluent

`client`: MlflowClient, one create_run (with the tags), one log_batch (metrics and params)
and one set_terminated per run: the fewest requests MLflow's client makes for a run.
`fluent`: the way a training script logs (mlflow.start_run, log_params, log_metrics,
set_tags, end of the run).
"""

import json
import sys


def main(argv: list[str]) -> int:
    path, uri, experiment, mode = argv[1:5]
    import mlflow
    from mlflow.entities import Metric, Param

    with open(path, encoding="utf-8") as handle:
        runs = [json.loads(line) for line in handle if '"type": "run"' in line]
    mlflow.set_tracking_uri(uri)
    if mode == "fluent":
        mlflow.set_experiment(experiment)
        for run in runs:
            with mlflow.start_run(run_name=run["id"]):
                mlflow.log_params(run["params"])
                mlflow.log_metrics(run["metrics"])
                mlflow.set_tags({"starter.run_id": run["id"], "starter.seed": str(run["seed"])})
        return 0
    client = mlflow.MlflowClient(uri)
    experiment_id = client.create_experiment(experiment)
    for run in runs:
        made = client.create_run(
            experiment_id, tags={"starter.run_id": run["id"], "starter.seed": str(run["seed"])}
        )
        stamp = made.info.start_time
        client.log_batch(
            made.info.run_id,
            metrics=[Metric(k, v, stamp, 0) for k, v in run["metrics"].items()],
            params=[Param(k, v) for k, v in run["params"].items()],
        )
        client.set_terminated(made.info.run_id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
