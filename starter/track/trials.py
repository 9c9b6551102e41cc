"""Counting every run and every trial once: the trial key written with each run, the run ids
and source runs already read (a union merge, a cherry-pick or a repeated import copies
lines), and per claim the trials seen, which also tells where one seed gave different values.

Memory: while it reads, a reader keeps every run id (about 90 bytes a run: the id's text
and its slot in a set) and, per claim, the first value of each seed and parameters (about
100 bytes a trial, less when most runs share one commit and environment): over 1,000,000
runs read by two processes, about 140 MiB at the peak of each (bench/scale.py)."""

from __future__ import annotations

import json
from typing import Any

# What makes two environments the same for a trial: not the host's name.
TRIAL_ENV_KEYS = ("os", "python", "cpu", "gpu", "packages")


def _fingerprint(value: Any) -> str:
    import zlib  # crc32: 8 hex digits, and no OpenSSL to load on the path of `starter log`

    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return f"{zlib.crc32(text.encode('utf-8')):08x}"


def trial_key(seed: Any, params: Any, git: Any, env: Any, own: str | None = None) -> str:
    """What makes a run the same trial as another, in one short text status reads from the
    head of the line: `s3-1a2b3c4d.5e6f7a8b.9c0d1e2f` is seed 3 with these parameters, at
    this commit and patch, in this environment (fingerprints). Without a seed, a value typed
    or read from a file may be the same measurement recorded twice (`u-...`), but a run that
    `starter run` executed or a tool recorded is a trial of its own: `own` names it."""
    git = git if isinstance(git, dict) else {}
    env = env if isinstance(env, dict) else {}
    setup = f"s{seed}" if seed is not None else (f"x{own}" if own else "u")
    code = _fingerprint([git.get("commit"), git.get("diff_hash")])
    where = _fingerprint([env.get(key) for key in TRIAL_ENV_KEYS])
    return f"{setup}-{_fingerprint(params or {})}.{code}.{where}"


def trial_of(record: dict[str, Any]) -> str:
    """A run's trial key: the one it was written with, or computed from its fields."""
    trial = record.get("trial")
    if isinstance(trial, str) and trial.count(".") == 2:
        return trial
    seed, source = record.get("seed"), record.get("source")
    own = None
    if seed is None and (record.get("duration") is not None or source is not None):
        own = source_key(source) or str(record.get("id"))
    return trial_key(seed, record.get("params"), record.get("git"), record.get("env"), own)


def source_key(source: Any) -> str | None:
    """The run an imported run came from, as one text ("mlflow", "a1b2" -> "mlflow\\x1fa1b2")."""
    if type(source) is not dict:
        return None
    tool, ident = source.get("tool"), source.get("id")
    if not isinstance(tool, str) or ident is None or isinstance(ident, dict | list):
        return None
    return f"{tool}\x1f{ident}"


def seed_of(setup: str) -> str | None:
    """The seed in a trial's setup part ("s3-1a2b3c4d" -> "3"), None without one."""
    if not setup.startswith("s") or "-" not in setup:
        return None
    return setup[1 : setup.rindex("-")]


class Trials:
    """The trials of one claim in one group, seen one run at a time: a run repeating the
    value of an earlier run with the same seed, parameters and commit is the same trial
    (counted once); one seed giving different values is noted (nondeterminism)."""

    __slots__ = ("first", "many", "place", "repeated", "varied")

    def __init__(self) -> None:
        # setup -> ("code.env", value) of its first trial, or the value alone when its
        # "code.env" is `place` (most runs of a claim share one: no tuple for them)
        self.first: dict[str, tuple[str, float] | float] = {}
        self.place: str | None = None
        self.many: dict[str, set[tuple[str, float]]] = {}  # setup -> {(code, value)}
        self.repeated = 0  # runs that were the same trial as an earlier one
        self.varied: dict[str, set[str]] = {}  # seeded setup -> how its values differed

    def add(self, setup: str, where: str, value: float) -> bool:
        """Whether (setup, code, value) is a new trial; `where` is "code.env"."""
        first = self.first.get(setup)
        if first is None:
            if where == self.place:
                self.first[setup] = value
            else:
                self.first[setup] = (where, value)
                if self.place is None:
                    self.place = where
            return True
        return self.again(setup, where, value, first)

    def again(self, setup: str, where: str, value: float, first: Any) -> bool:
        """add() for a setup seen before (`first`: its first trial); scan.py inlines the rest."""
        if type(first) is not tuple:
            first = (self.place, first)
        seen = self.many.get(setup)
        if seen is None:
            seen = self.many[setup] = {(first[0].partition(".")[0], first[1])}
        code, _, env = where.partition(".")
        key = (code, value)
        if key in seen:
            self.repeated += 1
            return False
        seen.add(key)
        if value != first[1] and setup.startswith("s"):
            first_code, _, first_env = first[0].partition(".")
            how = (
                "commits" if code != first_code else "environments" if env != first_env else "same"
            )
            self.varied.setdefault(setup, set()).add(how)
        return True

    def forget(self) -> None:
        """Drop what only the reading needs (the parts of a log are merged without it)."""
        self.first, self.many, self.place = {}, {}, None

    def merge(self, other: Trials) -> None:
        self.repeated += other.repeated
        for setup, how in other.varied.items():
            self.varied.setdefault(setup, set()).update(how)

    def notes(self, trials: int) -> list[str]:
        """What status says: how many trials n counts, and seeds whose values differed."""
        out = []
        if self.repeated:
            runs = trials + self.repeated
            verb = "repeats" if self.repeated == 1 else "repeat"
            out.append(
                f"n counts {trials} distinct trials of {runs} runs: {self.repeated} {verb} the "
                "value of an earlier run with the same seed, commit and parameters (give "
                "--seed to tell trials apart)"
            )
        by_how: dict[str, list[str]] = {}
        for setup, hows in self.varied.items():
            seed = seed_of(setup) or "?"
            how = (
                "same"
                if "same" in hows
                else "environments"
                if "environments" in hows
                else "commits"
            )
            by_how.setdefault(how, []).append(seed)
        words = {
            "same": "at the same commit and environment: the training is not deterministic",
            "environments": "across environments at the same commit",
            "commits": "across commits",
        }
        for how in ("same", "environments", "commits"):
            seeds = sorted(set(by_how.get(how, ())), key=lambda s: (len(s), s))
            if seeds:
                shown = ", ".join(seeds[:5]) + (
                    f" and {len(seeds) - 5} more" if len(seeds) > 5 else ""
                )
                plural = "s" if len(seeds) > 1 else ""
                out.append(f"seed{plural} {shown} gave different values {words[how]}")
        return out
