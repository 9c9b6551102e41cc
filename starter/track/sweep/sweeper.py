"""Running a sweep: plan it, write its state, hand its runs to the engine, record what
comes back; and, from any later process, look at it (`--status`, which also records runs
finished since) or finish it (`--resume`, which never reruns a recorded run)."""

from __future__ import annotations

import os
import platform
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from starter.errors import INTERRUPTED, ConflictError, InputError, StarterError
from starter.track.recorder import Repo
from starter.track.sweep import collect, state
from starter.track.sweep.collect import Outcome, Recorded
from starter.track.sweep.plan import PlannedRun
from starter.track.sweep.state import PLANNED, RECORDED, SUBMITTED, RunState, Sweep

EXECUTORS = ("local", "slurm", "ray")


class SweepInterrupted(StarterError):
    """Ctrl-C during a sweep: what finished is recorded, the rest waits for --resume."""

    exit_code = INTERRUPTED


@dataclass(frozen=True)
class Request:
    """`starter sweep`'s arguments, as the command parsed them."""

    argv: list[str]
    seeds: str | None = None
    runs: int | None = None
    params: list[str] = field(default_factory=list)
    executor: str = "local"
    jobs: int | None = None
    group: str | None = None
    # what `starter run` takes besides the seed and params
    run_options: dict[str, Any] = field(default_factory=dict)
    engine_flags: dict[str, Any] = field(default_factory=dict)  # --partition, --address, ...
    wait: bool = False


class Event(NamedTuple):
    """Progress, for the command to show as it happens."""

    kind: str  # "submitted" or "recorded"
    run: RunState
    record: dict[str, Any] | None
    sweep: Sweep


@dataclass(frozen=True)
class SweepReport:
    sweep: Sweep
    path: Path  # the state file
    recorded: list[Recorded]  # recorded by this call
    # number -> where an unrecorded run is: "queued", "running", "finishing", "interrupted"
    # (its process is gone: --resume runs it) or "not started"
    live: dict[int, str]
    warnings: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for run in self.sweep.runs:
            where = run.state if run.state in RECORDED else self.live.get(run.number, "queued")
            counts[where] = counts.get(where, 0) + 1
        return counts

    @property
    def open(self) -> bool:
        """Runs are still queued or running on the engine."""
        return any(w in ("queued", "running", "finishing") for w in self.live.values())


Progress = Callable[[Event], None]


def plan_runs(repo: Repo, request: Request) -> list[PlannedRun]:
    """The runs a request makes (what --pretend lists)."""
    from starter.track.sweep import plan

    if request.executor not in EXECUTORS:
        raise InputError(f"--executor {request.executor!r}: use {', '.join(EXECUTORS)}")
    if request.seeds is not None and request.runs is not None:
        raise InputError("give --seeds or --runs, not both")
    if request.jobs is not None and request.jobs < 1:
        raise InputError(f"--jobs {request.jobs}: give 1 or more")
    seeds = None
    if request.seeds is not None:
        seeds = plan.parse_seeds(request.seeds)
    elif request.runs is not None:
        if request.runs < 1:
            raise InputError(f"--runs {request.runs}: give 1 or more")
        seeds = plan.unused_seeds(repo.root, request.argv, request.runs)
    return plan.plan(request.argv, seeds, plan.parse_param_values(request.params))


def start(repo: Repo, request: Request, progress: Progress | None = None) -> SweepReport:
    """Plan the sweep, save its state, and run it (or submit it, on Slurm without --wait)."""
    from starter.track import provenance
    from starter.track.results import new_run_id, now

    planned = plan_runs(repo, request)
    run_options = _run_options(request.run_options)
    knobs = _knobs(repo.root, request.executor, request.engine_flags)
    if request.executor == "local":
        _check_commands(planned)
    warnings: list[str] = []
    git = provenance.git_state(repo.root, warnings)
    cwd = os.path.relpath(Path.cwd(), repo.root)
    sweep = Sweep(
        id=state.new_id(),
        created=now(),
        executor=request.executor,
        command=list(request.argv),
        cwd=cwd if not cwd.startswith("..") else ".",
        runs=[RunState(p.number, p.seed, p.params, p.argv, new_run_id()) for p in planned],
        group=request.group,
        run_options=run_options,
        engine={**knobs, **({"jobs": request.jobs} if request.jobs else {})},
        git=git,
    )
    state.save(repo.root, sweep)
    report = _dispatch(repo.root, sweep, sweep.runs, request.wait, progress)
    return SweepReport(report.sweep, report.path, report.recorded, report.live, warnings)


def _run_options(options: dict[str, Any]) -> dict[str, Any]:
    """`starter run`'s other options, checked here so that bad input fails before any run."""
    from starter.track import importers
    from starter.track.importers import names
    from starter.track.recorder import check_kind

    given = {k: v for k, v in options.items() if v not in (None, [])}
    check_kind(given.get("kind", "reproduction"))
    names.parse_map(given.get("maps") or [])
    if given.get("pattern") or given.get("preset"):
        importers.regexes_for(given.get("preset"), given.get("pattern"))
    return given


def _knobs(root: Path, executor: str, flags: dict[str, Any]) -> dict[str, Any]:
    from starter.track.sweep import knobs

    given = {k: v for k, v in flags.items() if v is not None}
    allowed = {"slurm": knobs.SLURM_KEYS, "ray": knobs.RAY_KEYS}.get(executor, {})
    stray = [k for k in given if k not in allowed]
    if stray:
        raise InputError(f"--{stray[0].replace('_', '-')} is for another executor, not {executor}")
    if executor == "local":
        return {}
    settings = knobs.resolve(root, executor, given)
    if executor == "slurm":
        from starter.track.sweep.slurm_jobs import submitit_module

        submitit_module()
    else:
        from starter.track.sweep.ray_tasks import ray_module

        ray_module()
    return settings


def _check_commands(planned: list[PlannedRun]) -> None:
    import shutil

    from starter.track.runner import CommandNotFound

    for program in dict.fromkeys(run.argv[0] for run in planned):
        if shutil.which(program) is None and not Path(program).is_file():
            raise CommandNotFound(f"command not found: {program}; nothing was run or recorded")


def _task(root: Path, sweep: Sweep, run: RunState, log: Path | None) -> dict[str, Any]:
    return {
        "root": str(root),
        "cwd": sweep.cwd,
        "argv": run.argv,
        "seed": run.seed,
        "params": run.params,
        # `starter run`'s options, the group, and its detection of framework outputs when
        # no other run can be writing in the same folder at the same time
        "options": {
            **sweep.run_options,
            "group": sweep.group,
            "detect": not state.runs_overlap(sweep),
        },
        "log": str(log) if log is not None else None,
    }


def log_file(root: Path, sweep: Sweep, run: RunState) -> Path:
    """Where the local executor writes a run's output."""
    return state.work_dir(root, sweep.id) / "logs" / f"{run.number}.log"


def _dispatch(
    root: Path, sweep: Sweep, runs: list[RunState], wait: bool, progress: Progress | None
) -> SweepReport:
    """Hand `runs` to the sweep's engine; record what comes back while this process waits."""
    recorded: list[Recorded] = []

    def on_result(number: int, outcome: Outcome) -> None:
        saved, new = collect.record_outcomes(root, sweep.id, [(number, outcome)])
        recorded.extend(new)
        for item in new:
            if progress is not None:
                progress(Event("recorded", item.run, item.record, saved))

    def on_submitted(jobs: list[tuple[int, str | None]]) -> None:
        given = dict(jobs)
        with state.locked(root, sweep.id):
            saved = state.load(root, sweep.id)
            for run in saved.runs:
                if run.number in given:
                    run.state, run.job = SUBMITTED, given[run.number]
            state.save(root, saved)
        for run in saved.runs:
            if run.number in given and progress is not None:
                progress(Event("submitted", run, None, saved))

    if sweep.executor == "slurm":
        _submit_slurm(root, sweep, runs, on_submitted)
        if wait:
            return _wait_slurm(root, sweep.id, recorded, progress)
        return status(root, sweep.id, recorded)
    _own(root, sweep.id, True)
    try:
        tasks = [(run.number, _task(root, sweep, run, _log_for(root, sweep, run))) for run in runs]
        if sweep.executor == "local":
            from starter.track.sweep import local_pool

            on_submitted([(run.number, None) for run in runs])
            local_pool.run_all(tasks, sweep.engine.get("jobs"), on_result)
        else:
            from starter.track.sweep import ray_tasks

            ray_tasks.run_all(root, tasks, sweep.engine, on_submitted, on_result)
    except KeyboardInterrupt:
        saved = state.load(root, sweep.id)
        done = sum(1 for r in saved.runs if r.state in RECORDED)
        raise SweepInterrupted(
            f"interrupted: {done} of {len(saved.runs)} runs recorded; "
            f"starter sweep --resume --sweep {sweep.id} runs the rest"
        ) from None
    finally:
        _own(root, sweep.id, False)
    return status(root, sweep.id, recorded)


def _log_for(root: Path, sweep: Sweep, run: RunState) -> Path | None:
    return log_file(root, sweep, run) if sweep.executor == "local" else None


def _own(root: Path, sweep_id: str, mine: bool) -> None:
    """Mark (or unmark) this process as the one running the sweep's runs."""
    with state.locked(root, sweep_id):
        saved = state.load(root, sweep_id)
        saved.owner = {"host": platform.node(), "pid": os.getpid()} if mine else None
        state.save(root, saved)


def _slurm_folder(root: Path, sweep: Sweep) -> Path:
    return state.work_dir(root, sweep.id) / "submitit"


def _submit_slurm(
    root: Path,
    sweep: Sweep,
    runs: list[RunState],
    on_submitted: Callable[[list[tuple[int, str | None]]], None],
) -> None:
    from starter.track.sweep import slurm_jobs

    ex = slurm_jobs.executor(_slurm_folder(root, sweep), sweep.engine, f"starter-{sweep.id}")
    job_ids = slurm_jobs.submit(ex, [_task(root, sweep, run, None) for run in runs])
    on_submitted([(run.number, job) for run, job in zip(runs, job_ids, strict=True)])


def _look_slurm(root: Path, sweep: Sweep, recorded: list[Recorded]) -> dict[int, str]:
    """Record the submitted runs that ended; where the others are."""
    from starter.track.sweep import slurm_jobs

    open_runs = [r for r in sweep.runs if r.state == SUBMITTED and r.job]
    seen = slurm_jobs.look(
        _slurm_folder(root, sweep),
        sweep.engine.get("cluster", "slurm"),
        [r.job or "" for r in open_runs],
    )
    ended = [(r.number, s.outcome) for r, s in zip(open_runs, seen, strict=True) if s.outcome]
    if ended:
        _, new = collect.record_outcomes(root, sweep.id, ended)
        recorded.extend(new)
    return {r.number: s.where for r, s in zip(open_runs, seen, strict=True) if s.outcome is None}


def _wait_slurm(
    root: Path, sweep_id: str, recorded: list[Recorded], progress: Progress | None
) -> SweepReport:
    import time

    from starter.track.sweep.slurm_jobs import POLL_LOCAL, POLL_SLURM

    try:
        while True:
            before = len(recorded)
            report = status(root, sweep_id, recorded)
            if progress is not None:
                for item in recorded[before:]:
                    progress(Event("recorded", item.run, item.record, report.sweep))
            if not report.open:
                return report
            local = report.sweep.engine.get("cluster") == "local"
            time.sleep(POLL_LOCAL if local else POLL_SLURM)
    except KeyboardInterrupt:
        raise SweepInterrupted(
            "stopped waiting; the jobs go on: starter sweep --status records them as they end"
        ) from None


def status(
    root: Path, sweep_id: str | None = None, recorded: list[Recorded] | None = None
) -> SweepReport:
    """Where each run of the sweep is; runs that finished since the last look are recorded."""
    recorded = [] if recorded is None else recorded
    sweep = state.load(root, sweep_id)
    with state.locked(root, sweep.id):
        sweep = state.load(root, sweep.id)
        if collect.settle_from_log(root, sweep):
            state.save(root, sweep)
    live: dict[int, str] = {}
    if sweep.executor == "slurm":
        live = _look_slurm(root, sweep, recorded)
        sweep = state.load(root, sweep.id)
    running = state.owner_alive(sweep)
    for run in sweep.runs:
        if run.state in RECORDED or run.number in live:
            continue
        if run.state == PLANNED:
            live[run.number] = "not started"
        else:
            live[run.number] = "running" if running else "interrupted"
    return SweepReport(sweep, state.state_path(root, sweep.id), recorded, live)


def resume(
    root: Path,
    sweep_id: str | None = None,
    *,
    jobs: int | None = None,
    wait: bool = False,
    progress: Progress | None = None,
) -> SweepReport:
    """Finish a sweep: record what ended, then run (or submit) every run that has no record
    and is not still under way; a recorded run, done or failed, is never run again."""
    report = status(root, sweep_id)
    sweep = report.sweep
    if sweep.executor != "slurm" and state.owner_alive(sweep):
        owner = sweep.owner or {}
        raise ConflictError(
            f"sweep {sweep.id} is still running (process {owner.get('pid')} on this machine); "
            "wait for it, or stop it first"
        )
    todo = [r for r in sweep.runs if report.live.get(r.number) in ("not started", "interrupted")]
    if jobs is not None:
        with state.locked(root, sweep.id):
            sweep = state.load(root, sweep.id)
            sweep.engine["jobs"] = jobs
            state.save(root, sweep)
    if not todo:
        return report
    with state.locked(root, sweep.id):
        sweep = state.load(root, sweep.id)
        for run in sweep.runs:
            if run.number in {t.number for t in todo}:
                run.state, run.job = PLANNED, None
        state.save(root, sweep)
    runs = [r for r in sweep.runs if r.state == PLANNED]
    done = _dispatch(root, sweep, runs, wait, progress)
    return SweepReport(done.sweep, done.path, report.recorded + done.recorded, done.live)
