"""Share: `starter push mlflow` and `starter pull mlflow` (the team's tracking server), and
`starter export hf` (a Hugging Face model card)."""

from __future__ import annotations

from pathlib import Path

import typer

from starter.commands.common import DIRECTORY, open_repo
from starter.commands.render import print_json, warn
from starter.errors import InputError

TARGET = typer.Argument(..., help="Where: mlflow.", metavar="TARGET", show_default=False)
TRACKING_URI = typer.Option(
    None,
    "--tracking-uri",
    help="The MLflow server, e.g. http://127.0.0.1:5000 [env: STARTER_MLFLOW_URI; else "
    "mlflow_uri in the config file; else MLFLOW_TRACKING_URI].",
    show_default=False,
)
EXPERIMENT = typer.Option(
    None,
    "--experiment",
    help="The MLflow experiment [env: STARTER_MLFLOW_EXPERIMENT; default: the paper's key].",
    show_default=False,
)
AS_JSON = typer.Option(False, "--json", help="Print what was done as JSON.")


def _mlflow_only(target: str) -> None:
    if target.lower() != "mlflow":
        raise InputError(f"unknown target {target!r}; starter pushes to and pulls from: mlflow")


def push(
    target: str = TARGET,
    tracking_uri: str | None = TRACKING_URI,
    experiment: str | None = EXPERIMENT,
    as_json: bool = AS_JSON,
    directory: Path | None = DIRECTORY,
) -> None:
    """Send the results log's runs to an MLflow experiment: only those it does not have
    (by starter's run id), in batches; metrics under claim ids, provenance as tags."""
    from starter.track import mlflow_sync

    _mlflow_only(target)
    repo = open_repo(directory)
    where = mlflow_sync.target(tracking_uri, experiment, repo.paper.key)
    done = mlflow_sync.push(repo.root, where, repo.paper.key)
    for message in done.warnings:
        warn(message)
    if as_json:
        print_json(
            {
                "uri": done.uri,
                "experiment": done.experiment,
                "experiment_created": done.experiment_created,
                "pushed": done.pushed,
                "present": done.present,
                "finished": done.finished,
                "requests": done.requests,
            }
        )
        return
    created = " (created)" if done.experiment_created else ""
    finished = f", {done.finished} left unfinished by an earlier push completed" * bool(
        done.finished
    )
    typer.echo(
        f"pushed {done.pushed} run{'s' * (done.pushed != 1)} to {done.uri}, experiment "
        f"{done.experiment!r}{created}; {done.present} already there{finished}"
    )


def pull(
    target: str = TARGET,
    tracking_uri: str | None = TRACKING_URI,
    experiment: str | None = EXPERIMENT,
    maps: list[str] | None = typer.Option(
        None, "--map", help="Tie an MLflow metric to a claim: NAME=CLAIM_ID (repeatable)."
    ),
    as_json: bool = AS_JSON,
    directory: Path | None = DIRECTORY,
) -> None:
    """Bring the finished runs of an MLflow experiment that the results log lacks into it
    (teammates' and cluster jobs' runs), marked imported, with their MLflow run ids."""
    from starter.track import mlflow_sync
    from starter.track.recorder import unclaimed_warning

    _mlflow_only(target)
    repo = open_repo(directory)
    where = mlflow_sync.target(tracking_uri, experiment, repo.paper.key)
    done = mlflow_sync.pull(repo.root, where, maps)
    for message in done.warnings:
        warn(message)
    merged: dict[str, float] = {}
    for record in done.records:
        merged.update(record["metrics"])
    if unclaimed := unclaimed_warning(repo.paper, merged):
        warn(unclaimed)
    if as_json:
        print_json(
            {
                "uri": done.uri,
                "experiment": done.experiment,
                "pulled": done.pulled,
                "present": done.present,
                "running": done.running,
                "runs": [record["id"] for record in done.records],
            }
        )
        return
    running = f"; {done.running} still running (pulled once finished)" * bool(done.running)
    typer.echo(
        f"pulled {done.pulled} run{'s' * (done.pulled != 1)} from {done.uri}, experiment "
        f"{done.experiment!r}, into results/runs.jsonl; {done.present} already there{running}"
    )


def export(
    target: str = typer.Argument(..., help="What: hf.", metavar="TARGET", show_default=False),
    output: Path | None = typer.Option(
        None,
        "--output",
        "-o",
        help="The model repository's folder [default: this repository].",
        show_default=False,
    ),
    name: str | None = typer.Option(
        None, "--name", help="The model's name in model-index [default: the folder's name]."
    ),
    task: str = typer.Option(
        "other", "--task", help="The Hub's task type, e.g. image-classification."
    ),
    hub_datasets: list[str] | None = typer.Option(
        None,
        "--hub-dataset",
        help="A Hub dataset id for a claim or a dataset of paper.toml: NAME=OWNER/DATASET "
        "(repeatable) [default: the dataset's name as a slug].",
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Write the results into a Hugging Face model card: model-index in README.md's front
    matter (merged, other metadata kept) and .eval_results/*.yaml. Values are this
    reimplementation's means; the paper's value goes in each result's source and notes."""
    from starter.report.export import hf

    if target.lower() not in ("hf", "huggingface"):
        raise InputError(f"unknown target {target!r}; starter exports to: hf")
    repo = open_repo(directory)
    done = hf.export(repo.root, output, name=name, task=task, hub_datasets=hub_datasets)
    for claim_id, why in done.left_out.items():
        warn(f"not exported: {claim_id} ({why})")
    warn(
        f"the Hub's formats cannot hold {done.not_held}: they are in the notes of "
        f"{hf.EVAL_DIR}/ (and the report), not in model-index; `verified` is never set"
    )
    verb = "wrote" if done.created else "merged model-index into"
    typer.echo(f"{verb} {done.readme}")
    for path in done.eval_files:
        typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.command("push", rich_help_panel="Share")(push)
    app.command("pull", rich_help_panel="Share")(pull)
    app.command("export", rich_help_panel="Share")(export)
