"""What the report shows of every run, counted one run at a time in bounded memory: totals,
environments (value -> runs), first results per claim and the checklist's facts."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from starter.track.values import Run

ENV_KEYS = ("python", "os", "cpu", "gpu")


# Words in a run's command that show where the training and evaluation code is.
COMMAND_WORDS = {"Training code": ("train", "fit"), "Evaluation code": ("eval", "test")}


@dataclass
class RunFacts:
    """What the checklist needs of the runs, gathered one run at a time: a million runs
    cost a few counters, not a million Run objects."""

    counted: int = 0  # runs not failed, with results
    with_command: int = 0  # of those, the runs that recorded their command
    first_command: dict[str, str] = field(default_factory=dict)  # item -> first (sorted)

    def add(self, failed: bool, metrics: Any, command: str | None) -> None:
        if failed:
            return
        if command:
            found = self.first_command
            for item, words in COMMAND_WORDS.items():
                first = found.get(item)  # compared first: most commands sort after it
                if (first is None or command < first) and any(w in command for w in words):
                    found[item] = command
        if metrics:
            self.counted += 1
            if command:
                self.with_command += 1

    def merge(self, other: RunFacts) -> None:
        self.counted += other.counted
        self.with_command += other.with_command
        for item, command in other.first_command.items():
            first = self.first_command.get(item)
            if first is None or command < first:
                self.first_command[item] = command

    @classmethod
    def of(cls, runs: Iterable[Run]) -> RunFacts:
        facts = cls()
        for run in runs:
            facts.add(run.failed, run.metrics, run.command)
        return facts


class RunDigest:
    """What the report shows of all runs, gathered one run at a time in bounded memory:
    counts, the environment (value -> runs), first results, the checklist's facts."""

    __slots__ = (
        "checkpoint",
        "dirty",
        "env",
        "extension",
        "facts",
        "failed",
        "first_result",
        "hosts",
        "packages",
        "total",
        "with_env",
    )

    def __init__(self) -> None:
        self.total = self.extension = self.checkpoint = self.failed = self.dirty = 0
        self.with_env = 0
        self.env: dict[str, dict[str, int]] = {key: {} for key in ENV_KEYS}
        self.packages: dict[str, dict[str, int]] = {}
        self.hosts: set[str] = set()
        # claim or metric -> time of its first counted reproduction result (text; "" unknown)
        self.first_result: dict[str, str] = {}
        self.facts = RunFacts()

    def add(self, run: Run) -> None:
        self.add_run(run.kind, run.failed, run.time, run.metrics, run.command)
        self.add_provenance(run.git, run.env)

    def add_run(
        self,
        kind: Any,
        failed: bool,
        time: str,
        metrics: dict[str, Any],
        command: str | None,
    ) -> None:
        """One run, its fields as models.Run holds them (results.run_from_record's reading);
        its git and env go to add_provenance, which counts runs that share them at once.
        Extension runs and checkpoint evaluations are no result of the reimplementation."""
        self.total += 1
        if kind == "extension":
            self.extension += 1
        elif kind == "checkpoint":
            self.checkpoint += 1
        if failed:
            self.failed += 1
        elif kind != "extension" and kind != "checkpoint":
            first = self.first_result
            for name in metrics:
                known = first.get(name)
                if known is None or time < known:
                    first[name] = time
        self.facts.add(failed, metrics, command)

    def add_provenance(self, git: dict[str, Any], env: dict[str, Any], runs: int = 1) -> None:
        """The git and env dicts of `runs` runs (Run.git and Run.env: {} when missing)."""
        if git.get("dirty"):
            self.dirty += runs
        if env:
            self.with_env += runs
            tallies = self.env
            for key in ENV_KEYS:
                value = env.get(key)
                if value:
                    text = value if type(value) is str else env_text(value)
                    counts = tallies[key]
                    counts[text] = counts.get(text, 0) + runs
            if env.get("packages"):
                packages = self.packages
                for name, version in env_packages(env).items():
                    counts = packages.setdefault(name, {})
                    counts[version] = counts.get(version, 0) + runs
            if env.get("host"):
                self.hosts.add(str(env["host"]))

    def merge(self, other: RunDigest) -> None:
        self.total += other.total
        self.extension += other.extension
        self.checkpoint += other.checkpoint
        self.failed += other.failed
        self.dirty += other.dirty
        self.with_env += other.with_env
        for into, part in [(self.env[k], other.env[k]) for k in ENV_KEYS] + [
            (self.packages.setdefault(name, {}), counts) for name, counts in other.packages.items()
        ]:
            for value, count in part.items():
                into[value] = into.get(value, 0) + count
        self.hosts |= other.hosts
        for name, time in other.first_result.items():
            known = self.first_result.get(name)
            if known is None or time < known:
                self.first_result[name] = time
        self.facts.merge(other.facts)

    @classmethod
    def of(cls, runs: list[Run]) -> RunDigest:
        digest = cls()
        for run in runs:
            digest.add(run)
        return digest


def env_text(value: Any) -> str:
    """An environment value as text: a list of GPUs becomes "A100, A100"."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def env_packages(env: dict[str, Any]) -> dict[str, str]:
    packages = env.get("packages") or {}
    if isinstance(packages, dict):
        return {str(k): str(v) for k, v in packages.items()}
    if isinstance(packages, list):  # ["torch==2.3.0", ...]
        pairs = (str(p).partition("==") for p in packages)
        return {name: version for name, _, version in pairs}
    return {}
