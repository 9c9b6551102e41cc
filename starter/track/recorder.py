"""Recording runs: the repository and its card, values checked against the claims, provenance
captured once, and the records appended to the results log in one write."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any, NamedTuple

from starter.errors import InputError, NotFoundError, UsageError
from starter.models import Claim, Paper, number_problem, shorten
from starter.papers.claims import parse_number


# NamedTuples, not dataclasses, on the path of `starter log` (see provenance.Provenance).
class Repo(NamedTuple):
    root: Path
    paper: Paper

    @property
    def card_path(self) -> Path:
        return self.root / "paper.toml"


def open_repo(directory: Path | None) -> Repo:
    """The reimplementation repository at or above `directory` (default: the current one)."""
    from starter.papers.card import find_card, load_card

    start = Path(directory) if directory is not None else Path.cwd()
    if directory is not None and not start.is_dir():
        raise NotFoundError(f"-C {directory}: no such folder")
    card = find_card(start)
    return Repo(root=card.parent, paper=load_card(card))


def known_ids(paper: Paper) -> str:
    return ", ".join(c.id for c in paper.claims) or "none yet (add one with `starter claim add`)"


def claim_of(paper: Paper, claim_id: str) -> Claim:
    claim = paper.claim(claim_id)
    if claim is None:
        raise NotFoundError(
            f"no claim {shorten(claim_id)!r} in paper.toml; known claims: {known_ids(paper)}"
        )
    return claim


def parse_value(text: str, claim: Claim, unit: str | None = None) -> tuple[float, str | None]:
    """A logged value for `claim`, in the claim's unit: "95%" (or --unit %) and --unit
    fraction are converted between fraction and %, and said so; a value about 100 times off
    a claim without --unit is refused with the command that fixes it."""
    from starter.track import units

    stripped = text.strip()
    if stripped.endswith("%"):
        stripped = stripped[:-1].strip()
        if unit is not None and units.normalize(unit) != units.PERCENT:
            raise InputError(
                f"value {shorten(text)!r} has a % sign but --unit says {unit!r}; give one"
            )
        unit = units.PERCENT
    value = parse_number(stripped)
    if unit is None:
        problem = units.scale_problem(claim.id, value, claim, f"starter log {claim.id} {text}")
        if problem:
            raise InputError(problem + "; nothing was recorded")
        return value, None
    try:
        converted = units.to_claim_unit(value, unit, claim)
    except InputError:
        if not text.strip().endswith("%"):
            raise
        shown = f"in {claim.unit}" if claim.unit else "without a unit"
        raise InputError(
            f"value {shorten(text)!r} has a % sign but claim {claim.id!r} is {shown}; "
            "type the number alone, in the claim's unit"
        ) from None
    shown = "in %" if units.claim_unit(claim) == units.PERCENT else "a fraction"
    if converted == value and not text.strip().endswith("%"):
        return value, None
    return converted, f"read {text!r} as {converted:g} (claim {claim.id} is {shown})"


def parse_params(items: list[str] | None) -> dict[str, str]:
    params: dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param {item!r}: expected KEY=VALUE, e.g. --param lr=0.1")
        params[key.strip()] = value.strip()
    return params


KINDS = ("reproduction", "extension", "checkpoint")


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise InputError(
            f"--kind {kind!r}: use reproduction, extension (a deliberate change) or checkpoint "
            "(an evaluation of released weights)"
        )
    return kind


def parse_deviation(items: list[str] | str | None, paper: Paper) -> str | dict[str, str] | None:
    """`--deviation TEXT` (every claim of the run) or `--deviation CLAIM=TEXT` (that claim
    only), repeatable: a text, or {claim: text} with "*" for the claims not named."""
    if items is None:
        return None
    items = [items] if isinstance(items, str) else items
    plain: list[str] = []
    scoped: dict[str, str] = {}
    for item in items:
        name, sep, text = item.partition("=")
        if sep and paper.claim(name.strip()) is not None:
            if not text.strip():
                raise InputError(f"--deviation {item!r}: say how the run departs, after the =")
            # Two deviations of one claim are both said, as plain ones are.
            claim = name.strip()
            scoped[claim] = f"{scoped[claim]}; {text.strip()}" if claim in scoped else text.strip()
        elif item.strip():
            plain.append(item.strip())
    if not scoped:
        return "; ".join(plain) or None
    if plain:
        scoped["*"] = "; ".join(plain)
    return scoped


def deviation_of(deviation: str | dict[str, str] | None, metrics: dict[str, float]) -> Any:
    """What a run's record holds: the text, or {claim: text} for the run's own metrics."""
    if not isinstance(deviation, dict):
        return deviation
    rest = deviation.get("*")
    scoped = {name: deviation.get(name, rest) for name in metrics}
    return {name: text for name, text in scoped.items() if text} or None


def check_group(group: str | None) -> str | None:
    if group is None:
        return None
    if not group.strip() or any(ch in group for ch in "\n\t@"):
        raise InputError(
            f"--group {group!r}: give a short name for the reproduction (no '@', no tabs or "
            "newlines), e.g. --group original-code"
        )
    return group.strip()


def unclaimed_warning(paper: Paper, metrics: dict[str, float]) -> str | None:
    """Metrics whose names are no claim id are recorded but count for no claim: say so."""
    ids = {c.id for c in paper.claims}
    unclaimed = [name for name in metrics if name not in ids]
    if not unclaimed:
        return None
    return (
        f"recorded but counted for no claim: {', '.join(unclaimed)} "
        f"(known claims: {known_ids(paper)}; tie a name to a claim with --map NAME=CLAIM_ID)"
    )


def check_metrics(paper: Paper, metrics: dict[str, float]) -> None:
    for name, value in metrics.items():
        claim = paper.claim(name)
        if claim is not None and claim.is_qualitative:
            raise InputError(
                f"claim {name!r} is qualitative (no number in the paper): there is nothing "
                "to compare a value with"
            )
        if problem := number_problem(value):
            raise InputError(f"{shorten(name)} = {shorten(str(value))} is {problem}")


class Recorded(NamedTuple):
    records: list[dict[str, Any]]
    warnings: list[str]


def record_runs(
    repo: Repo,
    runs: list[dict[str, float]],
    *,
    seeds: list[int | None] | None = None,
    failed: bool = False,
    kind: str = "reproduction",
    params: dict[str, str] | None = None,
    note: str | None = None,
    deviation: str | dict[str, str] | None = None,
    group: str | None = None,
    command: str | None = None,
    duration: float | None = None,
    warnings: list[str] | None = None,
    source: dict[str, Any] | None = None,
    elsewhere: Elsewhere | None = None,
    append: bool = True,
    interrupted: str | None = None,
) -> Recorded:
    """Check, capture provenance once, and append all runs in one locked write (with
    append=False, only return the records: a sweep appends them where it was submitted,
    `starter run --to mlflow` sends them to the server)."""
    from starter.track import provenance, results

    check_kind(kind)
    group = check_group(group)
    warnings = list(warnings or [])
    for metrics in runs:
        check_metrics(repo.paper, metrics)
    merged: dict[str, float] = {}
    for metrics in runs:
        merged.update(metrics)
    message = None if failed else unclaimed_warning(repo.paper, merged)
    if message:
        warnings.append(message)
    seeds = seeds or [None] * len(runs)
    own: dict[str, Any] = {}
    if elsewhere is not None:
        import platform

        from starter.track.importing import iso_date

        own = {
            "origin": "recorded",
            "time": iso_date(elsewhere.date) if elsewhere.date else None,
            "git": {"commit": elsewhere.commit} if elsewhere.commit else {},
            "env": {"user": elsewhere.by} if elsewhere.by else {},
            "source": {"url": elsewhere.source_url} if elsewhere.source_url else None,
            "logged_at": {
                "time": results.now(),
                **provenance.head(repo.root),
                "host": platform.node(),
            },
        }
    else:
        prov = provenance.capture(repo.root)
        warnings.extend(prov.warnings)
        own = {"git": prov.git, "env": prov.env, "source": source}
    records = [
        results.run_record(
            metrics,
            kind=kind,
            failed=failed,
            seed=seed,
            params=params,
            note=note,
            deviation=deviation_of(deviation, metrics) or None,
            group=group,
            command=command,
            duration=duration,
            interrupted=interrupted,
            **own,
        )
        for metrics, seed in zip(runs, seeds, strict=True)
    ]
    if append:
        results.append(repo.root, records)
    return Recorded(records=records, warnings=warnings)


def invocation() -> str:
    """The starter command line being run, for the provenance of `starter log`."""
    return shlex.join(["starter", *sys.argv[1:]])


def log_value(
    repo: Repo,
    claim_id: str,
    value: str,
    *,
    seed: int | None = None,
    params: list[str] | None = None,
    note: str | None = None,
    kind: str = "reproduction",
    deviation: list[str] | str | None = None,
    group: str | None = None,
    unit: str | None = None,
    commit: str | None = None,
    date: str | None = None,
    by: str | None = None,
    source_url: str | None = None,
) -> Recorded:
    """`starter log CLAIM_ID VALUE`: one run with one value, checked against the claim.
    With --commit, --date, --by or --source the run was made elsewhere: it keeps that
    provenance and is marked "recorded" (not captured on this machine)."""
    check_kind(kind)
    param_values = parse_params(params)
    if value.startswith("--") and value != "--":
        raise UsageError(f"no such option: {shorten(value)}; see `starter log --help`")
    claim = claim_of(repo.paper, claim_id)
    number, understood = parse_value(value, claim, unit)
    elsewhere = None
    if commit or date or by or source_url:
        elsewhere = Elsewhere(commit, date, by, source_url)
    return record_runs(
        repo,
        [{claim_id: number}],
        seeds=[seed],
        kind=kind,
        params=param_values,
        note=note,
        deviation=parse_deviation(deviation, repo.paper),
        group=group,
        command=invocation(),
        warnings=[understood] if understood else [],
        elsewhere=elsewhere,
    )


class Elsewhere(NamedTuple):
    """The provenance of a run made elsewhere, given by hand (`starter log --commit ...`)."""

    commit: str | None = None
    date: str | None = None
    by: str | None = None
    source_url: str | None = None


def log_file(repo: Repo, path: Path | list[Path] | None, **options: Any) -> Any:
    """`starter log --from FILE`: the runs a metrics file, a training log or a tool's
    output holds, each with its own provenance (track/importing.py)."""
    from starter.track import importing

    paths = [] if path is None else [Path(p) for p in (path if isinstance(path, list) else [path])]
    return importing.log_import(repo, paths, **options)
