"""Track: `starter sweep`, many runs of one training command on local cores, Slurm or Ray,
each recorded as `starter run` records one; `--status` and `--resume` for sweeps under way."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from starter.commands.common import DIRECTORY, open_repo
from starter.commands.render import print_json, warn
from starter.errors import InputError


def sweep(
    command: list[str] | None = typer.Argument(
        None,
        help="The training command, after --; {seed} and {KEY} are replaced by each run's values.",
        show_default=False,
        metavar="CMD ARGS...",
    ),
    seeds: str | None = typer.Option(
        None, "--seeds", help="Seeds, e.g. 1..6 or 1,2,5 (each is STARTER_SEED of a run)."
    ),
    runs: int | None = typer.Option(
        None, "--runs", help="N runs, on the N smallest seeds this command has not used yet."
    ),
    params: list[str] | None = typer.Option(
        None,
        "--param",
        help="A setting KEY=V1,V2,... (repeatable): one run per combination and seed.",
    ),
    executor: str = typer.Option("local", "--executor", help="local, slurm or ray."),
    jobs: int | None = typer.Option(
        None, "--jobs", "-j", help="local: runs at a time [default: one per core]."
    ),
    group: str | None = typer.Option(None, "--group", help="The runs' group (recorded)."),
    pretend: bool = typer.Option(False, "--pretend", help="List the runs; run nothing."),
    wait: bool = typer.Option(
        False, "--wait", help="slurm: wait for the jobs and record them as they end."
    ),
    show_status: bool = typer.Option(
        False,
        "--status",
        help="Show a sweep's runs (queued, running, done, failed) and record those that ended.",
    ),
    resume: bool = typer.Option(
        False, "--resume", help="Run what a sweep has not recorded yet (never a recorded run)."
    ),
    sweep_id: str | None = typer.Option(
        None, "--sweep", help="The sweep for --status/--resume [default: the latest]."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    partition: str | None = typer.Option(None, "--partition", help="slurm: the partition."),
    time: str | None = typer.Option(
        None,
        "--time",
        help="slurm: time limit, minutes or [D-]HH:MM:SS [default: the partition's].",
    ),
    gpus_per_task: float | None = typer.Option(
        None, "--gpus-per-task", help="slurm, ray: GPUs per run."
    ),
    mem: str | None = typer.Option(None, "--mem", help="slurm: memory per job, e.g. 16G."),
    address: str | None = typer.Option(
        None,
        "--address",
        help="ray: the cluster (ray://HOST:10001, HOST:6379 or auto) [default: a Ray here].",
    ),
    maps: list[str] | None = typer.Option(
        None, "--map", help="Tie a metric to a claim: NAME=CLAIM_ID."
    ),
    pattern: str | None = typer.Option(
        None, "--pattern", help="Also read metrics from the output."
    ),
    preset: str | None = typer.Option(
        None,
        "--preset",
        help="Also read metrics from the output: colon or equals.",
    ),
    kind: str = typer.Option("reproduction", "--kind", help="reproduction or extension."),
    note: str | None = typer.Option(None, "--note", help="A note."),
    deviation: str | None = typer.Option(
        None, "--deviation", help="How the runs depart from the paper."
    ),
    directory: Path | None = DIRECTORY,
) -> None:
    """Run a training command for many seeds and settings, on this machine's cores, Slurm
    (submitit) or Ray, and record every run as `starter run` would, exactly once."""
    from starter.track.sweep import sweeper

    repo = open_repo(directory)
    argv = list(command or [])
    if show_status or resume:
        if argv or seeds or runs or params or pretend:
            raise InputError(
                "--status and --resume take no command, seeds or settings: the sweep has them"
            )
        if show_status and resume:
            raise InputError("give --status or --resume, not both")
    elif sweep_id is not None:
        raise InputError("--sweep picks the sweep for --status or --resume")
    if show_status:
        _show(sweeper.status(repo.root, sweep_id), as_json)
        return
    if resume:
        report = sweeper.resume(
            repo.root, sweep_id, jobs=jobs, wait=wait, progress=_progress(as_json)
        )
        _finish(report, as_json)
        return
    request = sweeper.Request(
        argv=argv,
        seeds=seeds,
        runs=runs,
        params=list(params or []),
        executor=executor,
        jobs=jobs,
        group=group,
        run_options=dict(
            maps=maps, pattern=pattern, preset=preset, kind=kind, note=note, deviation=deviation
        ),
        engine_flags=dict(
            partition=partition, time=time, gpus_per_task=gpus_per_task, mem=mem, address=address
        ),
        wait=wait,
    )
    if pretend:
        planned = sweeper.plan_runs(repo, request)
        if as_json:
            print_json([dict(r._asdict(), label=r.label) for r in planned])
            return
        import shlex

        for run in planned:
            typer.echo(f"{run.number:>4}  {run.label}: {shlex.join(run.argv)}")
        typer.echo(f"{len(planned)} runs on {executor}; nothing was run (--pretend)")
        return
    _finish(sweeper.start(repo, request, progress=_progress(as_json)), as_json)


def _progress(quiet: bool) -> Any:
    def show(event: Any) -> None:
        if quiet:
            return
        sweep, run = event.sweep, event.run
        total = len(sweep.runs)
        if event.kind == "submitted":  # the job ids are in --status; the summary says how many
            return
        sys.stdout.write(f"[{run.number}/{total}] {_outcome(sweep, run, event.record)}\n")
        record = event.record or {}
        if record.get("failed"):
            for line in str((record.get("sweep") or {}).get("log_tail") or "").splitlines()[-3:]:
                sys.stdout.write(f"    | {line}\n")
        sys.stdout.flush()

    return show


def _outcome(sweep: Any, run: Any, record: dict[str, Any] | None) -> str:
    if record is None:
        return f"{run.label}: {run.state}"
    if record["failed"]:
        info = record.get("sweep") or {}
        text = f"{run.label}: failed ({info.get('outcome', 'failed')}), run {record['id']}"
        return text + _where_log(sweep, run)
    shown = ", ".join(f"{k} = {v:g}" for k, v in record["metrics"].items()) or "no metrics"
    return f"{run.label}: {shown} (run {record['id']})"


def _where_log(sweep: Any, run: Any) -> str:
    from starter.track.sweep import sweeper

    if sweep.executor == "local":
        return f"; its output: {sweeper.log_file(Path('.'), sweep, run).as_posix()}"
    return ""


def _finish(report: Any, as_json: bool) -> None:
    for message in report.warnings:
        warn(message)
    seen = set(report.warnings)  # the submission's, said once already
    for item in report.recorded:
        for message in item.warnings:
            if message not in seen:
                seen.add(message)
                warn(message)
    _show(report, as_json, table=False)
    if any(item.record["failed"] for item in report.recorded):
        raise typer.Exit(1)


def _counts_line(report: Any) -> str:
    sweep = report.sweep
    counts = ", ".join(f"{n} {state}" for state, n in report.counts.items())
    runs = f"{len(sweep.runs)} run{'s' if len(sweep.runs) != 1 else ''}"
    return f"sweep {sweep.id} ({sweep.executor}): {runs}: {counts}"


def _show(report: Any, as_json: bool, table: bool = True) -> None:
    from dataclasses import asdict

    sweep = report.sweep
    if as_json:
        data = asdict(sweep)
        for run in data["runs"]:
            run["where"] = (
                run["state"]
                if run["state"] in ("done", "failed")
                else (report.live.get(run["number"], "queued"))
            )
        data["counts"] = report.counts
        data["recorded_now"] = [item.record["id"] for item in report.recorded]
        print_json(data)
        return
    if table:
        from rich.markup import escape
        from rich.table import Table

        from starter.commands.render import console

        grid = Table(box=None, pad_edge=False, header_style="bold")
        for column in ("#", "run", "state", "job", "run id"):
            grid.add_column(column, overflow="fold")
        for run in sweep.runs:
            where = run.state if run.state in ("done", "failed") else report.live.get(run.number)
            if run.state == "failed" and run.outcome:
                where = f"failed ({run.outcome})"
            recorded = run.run_id if run.state in ("done", "failed") else ""
            grid.add_row(
                str(run.number),
                escape(run.label),
                escape(where or ""),
                escape(run.job or ""),
                recorded,
            )
        console().print(grid)
    typer.echo(_counts_line(report))
    jobs = [run.job for run in sweep.runs if run.job]
    if not table and sweep.executor == "slurm" and jobs:
        shown = jobs[0] if len(jobs) == 1 else f"{jobs[0]} .. {jobs[-1]}"
        typer.echo(f"Slurm jobs {shown}")
    if report.recorded:
        count = len(report.recorded)
        typer.echo(f"recorded {count} run{'s' if count != 1 else ''} in results/runs.jsonl")
    if report.open:
        typer.echo(
            "runs are still queued or running: starter sweep --status records them as they end"
        )
    elif any(w in ("interrupted", "not started") for w in report.live.values()):
        typer.echo(f"some runs never finished: starter sweep --resume --sweep {sweep.id}")


def register(app: typer.Typer) -> None:
    app.command(
        "sweep",
        rich_help_panel="Track",
        context_settings={"allow_interspersed_args": False, "ignore_unknown_options": True},
    )(sweep)
