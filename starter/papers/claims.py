"""What a claim's printed value and its metric's name say: the number, range and unit of
"76.2", "95%" or "1.2..1.5", and whether higher or lower is better."""

from __future__ import annotations

import math

from starter.errors import InputError
from starter.models import Aggregation, Claim, ClaimValue, Direction

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
    try:
        value = float(cleaned)
    except ValueError:
        raise InputError(
            f"{what} {text!r} is not a number; type the number alone, e.g. 76.2 or -103.2"
        ) from None
    if not math.isfinite(value):
        raise InputError(
            f"{what} {text!r} is not a finite number; log only real results "
            "(a run that diverged is a failed run: `starter run` records it as one)"
        )
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
) -> tuple[Claim, list[str]]:
    """A claim from what a user typed, checked; and what starter understood on its own (a
    unit read from "95%", a direction read from the metric's name), to be said."""
    number, value_text, understood_unit = parse_claim_value(value)
    if understood_unit and unit and unit != understood_unit:
        raise InputError(f"VALUE {value!r} says % but --unit says {unit!r}; give one unit")
    if aggregation is not None and aggregation not in ("single", "best", "mean"):
        raise InputError(f"--aggregation {aggregation!r}: use single, best or mean")
    if spread is not None and not (spread >= 0 and math.isfinite(spread)):
        raise InputError("--spread is a standard deviation: zero or more")
    if runs is not None and runs < 1:
        raise InputError("--runs must be 1 or more")
    if tolerance is not None and not tolerance_origin:
        raise InputError('--tolerance needs --tolerance-origin "why", e.g. "2 binomial SE"')
    if tolerance is not None and not (tolerance > 0 and math.isfinite(tolerance)):
        raise InputError("--tolerance must be a positive number")
    said: list[str] = []
    if understood_unit and value:
        said.append(f"read {value!r} as {number} with unit %")
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
    claim = Claim(
        id=claim_id or "",
        metric=metric,
        value=number,
        value_text=value_text,
        unit=unit or understood_unit,
        direction=direction,
        dataset=dataset,
        split=split,
        setting=setting,
        source=source,
        aggregation=agg,
        tolerance=tolerance,
        tolerance_origin=tolerance_origin,
        central=central,
    )
    return claim, said
