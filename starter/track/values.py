"""The values tracking hands on: a run as read back from the results log, and where a claim
stands (`ClaimStatus`), the contract between the verdict rule, `starter status` and the
report: one computation, rendered by both."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from starter.models import Direction

RunKind = Literal["reproduction", "extension", "checkpoint"]
Verdict = Literal[
    "pending",
    "not-judged",
    "not-comparable",
    "needs-tolerance",
    "indicative",
    "reproduced",
    "exceeds",
    "not-reproduced",
    "inconclusive",
]


@dataclass(frozen=True)
class Run:
    """One recorded run, as read back from the results log."""

    id: str
    time: str  # ISO 8601, UTC
    metrics: dict[str, float]  # claim id -> value
    kind: RunKind = "reproduction"
    failed: bool = False
    seed: int | None = None
    params: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    deviation: str | dict[str, str] | None = None  # for every claim, or {claim: text}
    group: str | None = None  # an independent reproduction of the claims (never pooled)
    origin: str = "captured"  # captured, imported or recorded (results.run_record)
    source: dict[str, Any] | None = None  # the tool and run id an imported run came from
    command: str | None = None
    duration: float | None = None  # seconds
    git: dict[str, Any] = field(default_factory=dict)  # commit, branch, dirty, diff_hash, patch
    env: dict[str, Any] = field(default_factory=dict)  # host, os, python, packages, cpu, gpu
    starter_version: str | None = None
    line: int | None = None  # line number in the results log


@dataclass(frozen=True)
class Apart:
    """Runs of a claim shown apart from the counted ones and never pooled with them: one
    deviation, the evaluations of released weights, extension runs, or values 100x off."""

    kind: Literal["deviation", "checkpoint", "extension", "scale"]
    label: str  # the deviation as declared, or what sets these runs apart
    n: int
    mean: float | None
    sd: float | None
    gap: float | None = None  # d of their mean, as for the counted runs
    ci95: tuple[float, float] | None = None


@dataclass(frozen=True)
class ClaimStatus:
    """Where one claim stands: the numbers of `starter status` and the report."""

    id: str
    metric: str
    reported: float | tuple[float, float] | None
    reported_text: str | None
    unit: str | None
    direction: Direction | None
    tolerance: float | None
    tolerance_origin: str | None
    n: int
    mean: float | None
    sd: float | None
    ci95: tuple[float, float] | None  # interval of the gap d (positive = better than paper)
    best: float | None
    verdict: Verdict
    detail: Literal["consistent", "better", "worse"] | None = None
    notes: tuple[str, ...] = ()
    suggested_tolerance: dict[str, Any] | None = None  # {value, origin}
    runs_to_settle: int | None = None  # in all, the runs made so far included
    group: str | None = None  # an independent reproduction, judged on its own runs only
    target: str = "paper"  # where the claim's value comes from: paper, other paper, checkpoint
    deviation: str | None = None  # not comparable: the deviation whose runs the row shows
    apart: tuple[Apart, ...] = ()  # runs shown apart, with their numbers
    repeated_trials: int = 0  # runs repeating an earlier trial's value, seed, commit, params
    parts: tuple[str, ...] = ()  # a derived claim: the claims it is recomputed from
    exact: bool = False  # a deterministic fact, judged by equality as printed
    settle_command: str | None = None  # the `starter sweep` that would make the runs missing
    # Beyond `status --json`'s documented fields, for the report:
    central: bool = False
    source: str | None = None
    gap: float | None = None  # d = g * (mean - reported)
    values: tuple[float, ...] = ()  # the counted reproduction values, in log order
    run_ids: tuple[str, ...] = ()  # the runs behind `values`
    extension_values: tuple[float, ...] = ()  # extension runs, shown apart
    deviating_values: tuple[float, ...] = ()  # runs declaring a deviation, never pooled
    tolerance_set_late: bool = False  # tolerance set or changed after its first result
    tolerance_changed_at: str | None = None  # time of the latest tolerance change, if logged
    checkpoint_values: tuple[float, ...] = ()  # evaluations of released weights, apart

    @property
    def key(self) -> str:
        """The row's name: the claim id, and its group when it has one (`top1@ours`)."""
        return self.id if self.group is None else f"{self.id}@{self.group}"
