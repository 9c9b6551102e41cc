"""The ray executor, through Ray's task API (the optional extra `ray`, imported only here):
each run is a task running worker.execute whose result comes back through Ray's object
store. Tasks belong to the driver, so the sweep waits for them; against a remote cluster
the repository (without .git) and starter's own package are shipped in the runtime env."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from starter.errors import SetupError
from starter.track.sweep.collect import Outcome

# Never shipped to the cluster: git's objects (the submitted commit is recorded instead),
# the sweeps' logs and engine files, and virtual environments.
EXCLUDES = [".git", "results/sweeps", ".venv", "venv", "__pycache__"]


def ray_module() -> Any:
    try:
        import ray
    except ImportError:
        raise SetupError(
            "the ray executor needs Ray: pip install 'starter[ray]' (or pip install ray) in "
            "the environment that runs starter"
        ) from None
    return ray


def runtime_env(root: Path, address: str | None) -> dict[str, Any] | None:
    """What a remote cluster needs to run the tasks: the repository and starter itself."""
    if address is None:
        return None  # a Ray started here sees this file system and this environment
    import starter

    return {
        "working_dir": str(root),
        "excludes": EXCLUDES,
        "py_modules": [str(Path(starter.__file__).parent)],
    }


def run_all(
    root: Path,
    tasks: list[tuple[int, dict[str, Any]]],
    knobs: dict[str, Any],
    on_submitted: Callable[[list[tuple[int, str | None]]], None],
    on_result: Callable[[int, Outcome], None],
) -> None:
    """Run (number, task) pairs as Ray tasks, calling on_result as each finishes.

    Ctrl-C cancels the tasks still running (their runs stay open for --resume)."""
    ray = ray_module()
    from starter.track.sweep.worker import execute

    address = knobs.get("address")
    import logging

    # The runs' output stays in their logs (its tail comes back with a failed run); Ray
    # says only what goes wrong.
    options: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.WARNING}
    env = runtime_env(root, address)
    if env is not None:
        options["runtime_env"] = env
    else:
        options["include_dashboard"] = False
    try:
        ray.init(address=address, **options)
    except Exception as exc:  # ConnectionError, and whatever else Ray raises for a bad address
        raise SetupError(
            f"cannot start or reach Ray at {address or 'this machine'}: {exc}"
        ) from None
    try:
        remote = ray.remote(
            num_cpus=knobs.get("cpus_per_task", 1),
            num_gpus=knobs.get("gpus_per_task", 0),
            max_retries=0,  # a run is run once; --resume is the user's decision
        )(execute)
        refs = {remote.remote({**task, "capture": True}): number for number, task in tasks}
        on_submitted([(number, ref.task_id().hex()) for ref, number in refs.items()])
        pending = list(refs)
        try:
            while pending:
                ready, pending = ray.wait(pending, num_returns=1)
                for ref in ready:
                    on_result(refs[ref], _outcome(ray, ref))
        except KeyboardInterrupt:
            for ref in pending:
                ray.cancel(ref, force=True)
            raise
    finally:
        ray.shutdown()


def _outcome(ray: Any, ref: Any) -> Outcome:
    try:
        result = ray.get(ref)
    except ray.exceptions.RayError as exc:
        text = str(exc).strip()
        lines = text.splitlines()
        return Outcome(
            None, f"{type(exc).__name__}: {lines[-1] if lines else ''}"[:300], text[-3000:] or None
        )
    if isinstance(result, dict):
        return Outcome(result)
    return Outcome(None, f"the task returned {type(result).__name__}, not a result")
