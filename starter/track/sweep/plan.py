"""What a sweep will run: seeds and parameter values parsed from the command line, their
cartesian product, and each run's command with its {seed} and {KEY} placeholders filled."""

from __future__ import annotations

import re
import shlex
from itertools import product
from pathlib import Path
from typing import NamedTuple

from starter.errors import InputError

# A sweep of more runs than this is almost surely a typo (1..100000 for 1..10).
MAX_RUNS = 10_000
_RANGE = re.compile(r"\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_.-]*)\}")


class PlannedRun(NamedTuple):
    number: int  # 1-based, in plan order
    seed: int | None
    params: dict[str, str]
    argv: list[str]  # the command with its placeholders filled

    @property
    def label(self) -> str:
        parts = [] if self.seed is None else [f"seed {self.seed}"]
        parts.extend(f"{k}={v}" for k, v in self.params.items())
        return ", ".join(parts) or f"run {self.number}"


def parse_seeds(text: str) -> list[int]:
    """ "1..6", "1,2,5", "1..3,10" -> the seeds, in order, each once."""
    seeds: list[int] = []
    for part in text.split(","):
        if not part.strip():
            raise InputError(f"--seeds {text!r}: an empty item; write e.g. 1..6 or 1,2,5")
        ranged = _RANGE.fullmatch(part)
        if ranged:
            low, high = int(ranged.group(1)), int(ranged.group(2))
            if low > high:
                raise InputError(
                    f"--seeds {text!r}: {low}..{high} counts down; write {high}..{low}"
                )
            if high - low >= MAX_RUNS:
                raise InputError(f"--seeds {text!r}: more than {MAX_RUNS} seeds")
            seeds.extend(range(low, high + 1))
            continue
        try:
            seeds.append(int(part.strip()))
        except ValueError:
            raise InputError(
                f"--seeds {text!r}: {part.strip()!r} is not a whole number; "
                "write e.g. 1..6 or 1,2,5"
            ) from None
    if any(seed < 0 for seed in seeds):
        raise InputError(f"--seeds {text!r}: seeds are whole numbers from 0")
    return list(dict.fromkeys(seeds))


def parse_param_values(items: list[str] | None) -> dict[str, list[str]]:
    """--param lr=0.1,0.01 --param depth=2 -> {"lr": ["0.1", "0.01"], "depth": ["2"]}; a
    key given twice adds values; "\\," is a comma inside a value."""
    values: dict[str, list[str]] = {}
    for item in items or ():
        key, sep, rest = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InputError(f"--param {item!r}: expected KEY=V1,V2,..., e.g. --param lr=0.1,0.01")
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", key):
            raise InputError(
                f"--param {item!r}: a key is a name (letters, digits, _ . -), e.g. lr or batch_size"
            )
        parts = [p.replace("\\,", ",").strip() for p in re.split(r"(?<!\\),", rest)]
        if any(not p for p in parts):
            raise InputError(f"--param {item!r}: an empty value; write e.g. {key}=0.1,0.01")
        bucket = values.setdefault(key, [])
        bucket.extend(p for p in parts if p not in bucket)
    if "seed" in values:
        raise InputError("--param seed=...: give seeds with --seeds (they set STARTER_SEED)")
    return values


def fill(argv: list[str], seed: int | None, params: dict[str, str]) -> list[str]:
    """The command with {seed} and {KEY} replaced; other braces are left as they are."""
    names = {**params, **({"seed": str(seed)} if seed is not None else {})}

    def one(match: re.Match[str]) -> str:
        return names.get(match.group(1), match.group(0))

    return [_PLACEHOLDER.sub(one, arg) for arg in argv]


def placeholders(argv: list[str]) -> set[str]:
    return {m.group(1) for arg in argv for m in _PLACEHOLDER.finditer(arg)}


def plan(
    argv: list[str], seeds: list[int] | None, param_values: dict[str, list[str]]
) -> list[PlannedRun]:
    """Every (seed, parameter values) combination, seeds varying slowest."""
    if not argv:
        raise InputError(
            "give the training command after --, e.g. starter sweep --seeds 1..6 -- python train.py"
        )
    used = placeholders(argv)
    for key, options in param_values.items():
        # Runs that differ only in what their records say would be one setting recorded as
        # several: refuse, and say where the value goes.
        if len(options) > 1 and key not in used:
            raise InputError(
                f"--param {key} has {len(options)} values but the command never uses them: "
                f"write {{{key}}} where the value goes, "
                f"e.g. -- {shlex.join(argv)} --{key} {{{key}}}"
            )
    if "seed" in used and not seeds:
        raise InputError("the command uses {seed}: give the seeds with --seeds or --runs")
    keys = list(param_values)
    combos = list(product(*(param_values[k] for k in keys)))
    seed_list: list[int | None] = list(seeds) if seeds else [None]
    total = len(seed_list) * len(combos)
    if total > MAX_RUNS:
        raise InputError(f"the sweep would make {total} runs, more than {MAX_RUNS}")
    runs: list[PlannedRun] = []
    for seed in seed_list:
        for combo in combos:
            params = dict(zip(keys, combo, strict=True))
            runs.append(PlannedRun(len(runs) + 1, seed, params, fill(argv, seed, params)))
    return runs


def unused_seeds(root: Path, argv: list[str], count: int) -> list[int]:
    """`--runs N`: the N smallest seeds (from 1) that no run of this command in the results
    log has used yet, so new runs add data instead of repeating old ones."""
    from starter.track.results import log_path, read_records
    from starter.track.sweep.suggest import command_template

    wanted = shlex.join(argv)
    used: set[int] = set()
    for _, record in read_records(log_path(root), []):
        if record.get("type") != "run":
            continue
        seed = record.get("seed")
        if (
            isinstance(seed, int)
            and not isinstance(seed, bool)
            and command_template(record) == wanted
        ):
            used.add(seed)
    seeds: list[int] = []
    candidate = 1
    while len(seeds) < count:
        if candidate not in used:
            seeds.append(candidate)
        candidate += 1
    return seeds
