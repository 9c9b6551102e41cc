"""What a claim's printed value and its metric's name say: the number, range and unit of
"76.2", "95%" or "1.2..1.5", and whether higher or lower is better."""

from __future__ import annotations

import math
import re
from typing import NamedTuple

from starter.errors import InputError
from starter.models import (
    TARGETS,
    Aggregation,
    Claim,
    ClaimValue,
    Derivation,
    Direction,
    number_problem,
    shorten,
)

# Words in a metric's name that say which way is better ("top-1 error", "BLEU").
LOWER_WORDS = ("error", "loss", "perplexity", "ppl", "wer", "cer", "time", "latency", "fid",
               "nll", "mse", "rmse", "mae", "regret", "cost", "flops", "kid", "lpips", "bpd",
               "err", "distance", "days", "hours")  # fmt: skip
HIGHER_WORDS = ("accuracy", "acc", "bleu", "f1", "auc", "map", "rouge", "precision", "recall",
                "psnr", "ssim", "ndcg", "mrr", "iou", "elbo", "likelihood", "prec", "rec",
                "gauc", "speedup", "speed", "throughput", "reward", "return", "score")  # fmt: skip
# What a table header says outright: an arrow, or the words themselves.
_HIGHER_SAYS = (
    "↑",
    "\\uparrow",
    "higher is better",
    "higher better",
    "(higher)",
    "larger is better",
)
_LOWER_SAYS = (
    "↓",
    "\\downarrow",
    "lower is better",
    "lower better",
    "(lower)",
    "smaller is better",
)


def parse_number(text: str, what: str = "value") -> float:
    """A finite number typed by the user; refuse anything else with what to type."""
    cleaned = text.strip().replace("−", "-")  # the minus sign PDFs print
    shown = repr(shorten(text))
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(
            f"{what} {shown} is not a number; type the number alone, e.g. 76.2 or -103.2"
        ) from None
    if not math.isfinite(value):
        raise InputError(
            f"{what} {shown} is not a finite number; log only real results "
            "(a run that diverged is a failed run: `starter run` records it as one)"
        )
    problem = number_problem(value)
    if problem:
        raise InputError(f"{what} {shown} is {problem}")
    return value


def parse_claim_value(text: str | None) -> tuple[ClaimValue, str | None, str | None]:
    """(value, value_text, unit understood) from a printed value: 76.2, 95%, [1.2, 1.5] or
    1.2..1.5; (None, None, None) for a qualitative claim."""
    if text is None:
        return None, None, None
    raw = text.strip()
    unit = None
    if raw.endswith("%"):
        raw, unit = raw[:-1].strip(), "%"
    inner = raw.strip("[]()")
    for sep in ("..", ",", ";"):
        if sep in inner:
            lo_text, hi_text = (part.strip() for part in inner.split(sep, 1))
            lo, hi = parse_number(lo_text), parse_number(hi_text)
            if lo > hi:
                raise InputError(f"range {text!r}: write the low end first, e.g. 1.2..1.5")
            return (lo, hi), f"{lo_text}-{hi_text}", unit
    value = parse_number(raw)
    whole = value.is_integer() and "." not in raw and "e" not in raw.lower()
    return (int(value) if whole else value), raw, unit


# Patterns kept as text and compiled (then cached by `re`) when a claim is added: `starter
# log` imports this module too and would pay for compiling them at every start.
# "~2.85", "≈ 2.85", "about 3%", "approx. 0.7": a value the paper gives as approximate.
_APPROXIMATE = (
    r"(?i)^\s*(?:~|≈|∼|about\b|approx\.?|approximately\b|around\b|roughly\b|circa\b|ca\.)\s*"
)
# "6.43 (6.61±0.16)": the best of n runs, then their mean ± sd, in one print.
_BEST_AND_MEAN = (
    r"^(?P<best>[^()]+?)\s*\(\s*(?P<mean>[^()±]+?)\s*(?:±|\+/-|\+-)\s*(?P<sd>[^()±]+?)\s*\)$"
)


class Printed(NamedTuple):
    """What a value as printed says: the number, its text, unit, whether it is approximate,
    and for "6.43 (6.61±0.16)" the mean and sd printed with the best value."""

    value: ClaimValue
    value_text: str | None
    unit: str | None
    approximate: bool = False
    mean: tuple[float, str, float] | None = None  # (mean, as printed, sd)


def parse_printed(text: str | None) -> Printed:
    """A claim's value as printed: 76.2, 95%, 1.2..1.5, ~2.85, "about 3%", or the best of n
    with the mean ± sd of the n runs, "6.43 (6.61±0.16)"."""
    if text is None:
        return Printed(None, None, None)
    raw = text.strip().replace("−", "-")
    unit = None
    if "%" in raw:
        raw, unit = raw.replace("%", "").strip(), "%"
    pair = re.match(_BEST_AND_MEAN, raw)
    if pair:
        best = parse_printed(pair.group("best"))
        if isinstance(best.value, tuple):
            raise InputError(f"value {text!r}: the best of n is one number, not a range")
        mean_text = pair.group("mean").strip()
        mean = parse_number(mean_text, "mean")
        sd = parse_number(pair.group("sd"), "sd")
        if sd < 0:
            raise InputError(f"value {text!r}: the sd after ± must be zero or more")
        return Printed(best.value, best.value_text, unit, best.approximate, (mean, mean_text, sd))
    approximate = False
    bare = re.sub(_APPROXIMATE, "", raw, count=1)
    if bare != raw:
        approximate, raw = True, bare.strip()
    value, value_text, _ = parse_claim_value(raw)
    return Printed(value, value_text, unit, approximate)


def guess_direction(metric: str) -> Direction | None:
    """Which way is better, read from the metric's name or a table header ("FID ↓",
    "accuracy (higher is better)"); None when it does not say."""
    text = metric.lower()
    if any(mark in text for mark in _HIGHER_SAYS):
        return "higher"
    if any(mark in text for mark in _LOWER_SAYS):
        return "lower"
    words = text.replace("-", " ").replace("_", " ").replace("/", " ").split()
    words = [w.strip(".,;:()[]{}") for w in words]
    if "negative" in words or any(w in LOWER_WORDS for w in words):
        return "lower"
    if "IS" in metric.replace("/", " ").split() or any(w in HIGHER_WORDS for w in words):
        return "higher"
    return None


def new_claim(
    metric: str,
    value: str | None,
    *,
    claim_id: str | None = None,
    unit: str | None = None,
    higher: bool | None = None,
    dataset: str | None = None,
    split: str | None = None,
    setting: str | None = None,
    source: str | None = None,
    spread: float | None = None,
    runs: int | None = None,
    aggregation: str | None = None,
    tolerance: float | None = None,
    tolerance_origin: str | None = None,
    central: bool = False,
    target: str | None = None,
    mean_of: list[str] | None = None,
) -> tuple[list[Claim], list[str]]:
    """The claims a user typed, checked (two linked claims for "6.43 (6.61±0.16)": the best
    of n and the mean ± sd over n); and what starter understood on its own (a unit read
    from "95%", a direction read from the metric's name, an approximate value), to be said."""
    if claim_id is not None and not claim_id.strip():
        raise InputError("--id is empty; give the claim a name, or leave --id out to derive one")
    printed = parse_printed(value)
    number, value_text, understood_unit = printed.value, printed.value_text, printed.unit
    if understood_unit and unit and unit != understood_unit:
        raise InputError(f"VALUE {value!r} says % but --unit says {unit!r}; give one unit")
    if aggregation is not None and aggregation not in ("single", "best", "mean"):
        raise InputError(f"--aggregation {aggregation!r}: use single, best or mean")
    for option, given in (("--spread", spread), ("--runs", runs), ("--tolerance", tolerance)):
        if given is not None and (problem := number_problem(given)):
            raise InputError(f"{option} {shorten(str(given))} is {problem}")
    if spread is not None and not (spread >= 0 and math.isfinite(spread)):
        raise InputError("--spread is a standard deviation: zero or more")
    if runs is not None and runs < 1:
        raise InputError("--runs must be 1 or more")
    if tolerance is not None and not tolerance_origin:
        raise InputError('--tolerance needs --tolerance-origin "why", e.g. "2 binomial SE"')
    if tolerance is not None and not (tolerance > 0 and math.isfinite(tolerance)):
        raise InputError("--tolerance must be a positive number")
    if target is not None and target not in TARGETS:
        raise InputError(f"--target {target!r}: use paper, 'other paper' or checkpoint")
    if printed.mean is not None and (spread is not None or aggregation is not None):
        raise InputError(
            f"VALUE {value!r} gives the best of n and the mean ± sd itself; leave out "
            "--spread and --aggregation (give --runs N for n)"
        )
    said: list[str] = []
    if understood_unit and value:
        said.append(f"read {value!r} as {number} with unit %")
    if printed.approximate:
        said.append(f"read {value!r} as approximately {number}: a wider rounding term applies")
    agg = None
    if aggregation or spread is not None or runs is not None:
        kind = aggregation or ("mean" if spread is not None else "single")
        agg = Aggregation(kind=kind, n=runs, spread=spread)  # type: ignore[arg-type]
    direction: Direction | None = None
    if number is not None:
        if higher is not None:
            direction = "higher" if higher else "lower"
        else:
            direction = guess_direction(metric)
            if direction is None:
                said.append(
                    "no direction: the claim is a fact, shown but never judged "
                    "(add --higher-is-better or --lower-is-better to judge it)"
                )
            else:
                other = "--higher-is-better" if direction == "lower" else "--lower-is-better"
                said.append(
                    f"took {direction} as better from the metric's name ({other} to change)"
                )
    derived = None
    if mean_of:
        parts = [p.strip() for item in mean_of for p in item.split(",") if p.strip()]
        derived = Derivation(parts=tuple(parts))
    claim = Claim(
        id=claim_id or "",
        metric=metric,
        value=number,
        value_text=value_text,
        printed=value.strip() if value and (printed.approximate or printed.mean) else None,
        approximate=printed.approximate,
        unit=unit or understood_unit,
        direction=direction,
        dataset=dataset,
        split=split,
        setting=setting,
        source=source,
        target=target,  # type: ignore[arg-type]
        aggregation=agg,
        derived=derived,
        tolerance=tolerance,
        tolerance_origin=tolerance_origin,
        central=central,
    )
    if printed.mean is None:
        return [claim], said
    from dataclasses import replace

    from starter.models import derive_claim_id

    mean, mean_text, sd = printed.mean
    best_id = claim.id or derive_claim_id(metric, split)
    mean_id = f"{best_id}-mean"
    best = replace(claim, id=best_id, aggregation=Aggregation("best", runs), linked=mean_id)
    average = replace(
        claim,
        id=mean_id,
        value=mean,
        value_text=mean_text,
        approximate=False,
        aggregation=Aggregation("mean", runs, sd),
        linked=best_id,
        central=False,
    )
    over = f"over {runs} runs" if runs else "over n runs (give --runs N to use the sd)"
    said.append(
        f"read {value!r} as the best of n, {best_id} = {number}, and the mean ± sd {over}, "
        f"{mean_id} = {mean_text} ± {sd:g}: status compares your mean with the mean"
    )
    return [best, average], said
