"""The slurm executor, through submitit (the optional extra `slurm`, imported only here):
one job array per submission, each job running worker.execute and leaving its record in
submitit's result pickle; the jobs' states read back from Slurm (sacct) or, with
cluster = "local", from submitit's local processes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from starter.errors import SetupError
from starter.track.sweep.collect import Outcome

# Slurm job states (sacct) that mean the job is still to come or under way.
QUEUED_STATES = (
    "PENDING",
    "REQUEUED",
    "REQUEUE_HOLD",
    "REQUEUE_FED",
    "CONFIGURING",
    "SUSPENDED",
    "RESIZING",
    "UNKNOWN",
    "",
)
RUNNING_STATES = ("RUNNING", "COMPLETING", "SIGNALING", "STAGE_OUT")
# Seconds between two looks at the jobs while --wait blocks: sacct is not to be hammered.
POLL_SLURM, POLL_LOCAL = 15.0, 0.25
# Without --time, the local cluster's jobs get this many minutes (submitit's own default is 2).
LOCAL_TIMEOUT_MIN = 7 * 24 * 60


class Seen(NamedTuple):
    """One look at a submitted run: where it is, or what it ended with."""

    where: str  # "queued", "running", "finishing" (done, result not visible yet) or "ended"
    outcome: Outcome | None = None  # when ended


def submitit_module() -> Any:
    try:
        import submitit
    except ImportError:
        raise SetupError(
            "the slurm executor needs submitit: pip install 'starter[slurm]' (or pip install "
            "submitit) in the environment that runs starter"
        ) from None
    return submitit


def executor(folder: Path, knobs: dict[str, Any], name: str) -> Any:
    """A submitit executor for the settings (see knobs.SLURM_KEYS)."""
    submitit = submitit_module()
    if knobs.get("cluster", "slurm") == "local":
        local = submitit.LocalExecutor(folder=folder)
        params: dict[str, Any] = {"timeout_min": knobs.get("time", LOCAL_TIMEOUT_MIN)}
        if knobs.get("gpus_per_task"):
            params["gpus_per_node"] = knobs["gpus_per_task"]
        local.update_parameters(**params)
        return local
    import shutil

    if shutil.which("sbatch") is None:
        raise SetupError(
            'sbatch is not on PATH: submit from a Slurm login node (or set cluster = "local" '
            "in [sweep.slurm] to try the set-up on this machine)"
        )
    slurm = submitit.SlurmExecutor(folder=folder)
    slurm.update_parameters(
        job_name=name,
        # None leaves an option out of the batch script: the partition's default applies
        # (submitit's own default time is 5 minutes, too short for training).
        time=knobs.get("time"),
        partition=knobs.get("partition"),
        gpus_per_task=knobs.get("gpus_per_task"),
        cpus_per_task=knobs.get("cpus_per_task"),
        mem=_mem(knobs["mem_gb"]) if "mem_gb" in knobs else None,
        account=knobs.get("account"),
        qos=knobs.get("qos"),
        constraint=knobs.get("constraint"),
        array_parallelism=knobs.get("array_parallelism", 256),
        setup=knobs.get("setup"),
        additional_parameters=knobs.get("additional"),
    )
    return slurm


def _mem(gigabytes: float) -> str:
    return f"{int(gigabytes)}GB" if gigabytes == int(gigabytes) else f"{int(gigabytes * 1024)}MB"


def submit(ex: Any, tasks: list[dict[str, Any]]) -> list[str]:
    """Submit the tasks (one job array on Slurm); their job ids, in order."""
    from starter.track.sweep.worker import execute

    try:
        jobs = ex.map_array(execute, tasks)
    except Exception as exc:  # sbatch refused (bad partition, time over the limit, ...)
        message = str(exc).strip().splitlines()
        raise SetupError(f"submitting the jobs failed: {' '.join(message[-3:])[:500]}") from None
    return [str(job.job_id) for job in jobs]


def look(folder: Path, cluster: str, job_ids: list[str]) -> list[Seen]:
    """Where each job is, reading its result pickle when there is one."""
    submitit = submitit_module()
    from submitit.core.utils import JobPaths

    states: dict[str, str] = {}
    if cluster == "slurm":
        pending = [j for j in job_ids if not JobPaths(folder, job_id=j).result_pickle.exists()]
        jobs = [submitit.SlurmJob(folder=folder, job_id=j) for j in pending]
        if jobs:
            jobs[0].get_info(mode="force")  # one sacct call for all of them
            states = {job.job_id: job.watcher.get_state(job.job_id, mode="cache") for job in jobs}
    return [_seen(folder, cluster, job_id, states.get(job_id, "")) for job_id in job_ids]


def _seen(folder: Path, cluster: str, job_id: str, state: str) -> Seen:
    from submitit.core.utils import JobPaths, pickle_load

    paths = JobPaths(folder, job_id=job_id)
    if paths.result_pickle.exists():
        try:
            kind, value = pickle_load(paths.result_pickle)
        except (EOFError, OSError):  # still being written
            return Seen("finishing")
        if kind == "success" and isinstance(value, dict):
            failed = value.get("error") or (value.get("record") or {}).get("failed")
            return Seen("ended", Outcome(value, tail=log_tail(paths) if failed else None))
        text = str(value).strip().splitlines()
        return Seen(
            "ended",
            Outcome(
                None,
                f"the job raised: {text[-1] if text else kind}",
                log_tail(paths) or str(value)[-3000:],
            ),
        )
    if cluster == "local":
        from starter.track.sweep.state import pid_alive

        if job_id.isdigit() and pid_alive(int(job_id)):
            return Seen("running")
        return Seen(
            "ended",
            Outcome(None, "the job ended without a result (killed or cancelled)", log_tail(paths)),
        )
    word = state.split()[0] if state else ""
    if word in QUEUED_STATES:
        return Seen("queued")
    if word in RUNNING_STATES:
        return Seen("running")
    if word == "COMPLETED":  # the result pickle has not reached this machine's view yet
        return Seen("finishing")
    return Seen("ended", Outcome(None, state, log_tail(paths)))


def log_tail(paths: Any) -> str | None:
    """The end of a job's output and error streams, without submitit's own INFO lines."""
    from starter.track.sweep.worker import TAIL_CHARS, TAIL_LINES, tail

    lines: list[str] = []
    for stream in (paths.stdout, paths.stderr):
        text = tail(stream, TAIL_LINES * 2, TAIL_CHARS * 2) or ""
        kept = [line for line in text.splitlines() if not line.startswith("submitit INFO (")]
        lines.extend(kept[-TAIL_LINES // 2 :])
    return "\n".join(lines)[-TAIL_CHARS:] or None
