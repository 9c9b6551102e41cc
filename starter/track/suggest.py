"""Suggested tolerances that fit the claim: the paper's sd, twice the binomial standard error
of a rate on its test set, or, for losses, errors of regression and scores, no default at all
and how to state one."""

from __future__ import annotations

import math
import re
from typing import Any

from starter.models import Claim

# A binomial standard error fits a proportion of items right or wrong: an accuracy or an
# error *rate*. Words that make a metric a rate, and words that make it something else
# (an "error" in "mean squared error" is no rate; a BLEU score or a perplexity is no
# proportion of items either).
_RATE_WORDS = (
    "accuracy",
    "acc",
    "error",
    "err",
    "top-1",
    "top-5",
    "top1",
    "top5",
    "precision",
    "recall",
    "rate",
)
_NOT_RATE_WORDS = (
    "squared",
    "mse",
    "rmse",
    "mae",
    "absolute",
    "loss",
    "perplexity",
    "ppl",
    "nll",
    "likelihood",
    "elbo",
    "bpd",
    "bits",
    "nats",
    "fid",
    "bleu",
    "rouge",
    "meteor",
    "cider",
    "psnr",
    "ssim",
    "reward",
    "return",
    "score",
    "distance",
    "time",
    "latency",
)
# A test-set size is read only where the text plainly gives one: "test (10,000)", "(10k)",
# "50,000 images". A bare number could be anything ("ResNet-110").
# (Text, compiled and cached by `re` when first used: `starter log` imports this module.)
_SIZE = (
    r"(?i)(?:\(\s*(?P<paren>\d[\d,]*(?:\.\d+)?)\s*(?P<k1>k)?\s*\))"
    r"|(?:(?<![\w.,-])(?P<count>\d[\d,]*(?:\.\d+)?)\s*(?P<k2>k)?\s+"
    r"(?:images|items|examples|samples|sentences|pairs|digits|words|utterances|documents|"
    r"questions|clips|videos)\b)"
)


def _words(metric: str) -> list[str]:
    return re.split(r"[\s_/()\[\],;:]+", metric.lower())


def is_rate(claim: Claim) -> bool:
    """An accuracy or error rate: a proportion of test items (in % or as a fraction)."""
    words = _words(claim.metric)
    if any(w in _NOT_RATE_WORDS for w in words):
        return False
    if claim.unit not in (None, "", "%", "fraction"):
        return False
    return claim.unit == "%" or any(w in _RATE_WORDS for w in words)


def size_in_text(claim: Claim) -> int | None:
    """A test-set size printed in the claim's split or dataset, e.g. "test (10,000)"."""
    for text in (claim.split, claim.dataset):
        for match in re.finditer(_SIZE, text or ""):
            number = (match.group("paren") or match.group("count")).replace(",", "")
            size = float(number) * (1000 if match.group("k1") or match.group("k2") else 1)
            if size >= 1 and size.is_integer():
                return int(size)
    return None


def binomial_tolerance(claim: Claim, size: int) -> float | None:
    """Twice the binomial standard error of a rate, in the claim's unit (points when in %)."""
    if not isinstance(claim.value, int | float) or size < 1:
        return None
    scale = 100.0 if claim.unit == "%" else 1.0
    p = float(claim.value) / scale
    if not 0.0 <= p <= 1.0:
        return None
    return 2.0 * math.sqrt(p * (1.0 - p) / size) * scale


def suggest_tolerance(claim: Claim, test_size: int | None = None) -> dict[str, Any]:
    """A suggested delta with its origin, or value None and what is missing; and the command."""
    command = f'starter claim tolerance {claim.id} VALUE --origin "why this value"'
    agg = claim.aggregation
    if agg is not None and agg.spread:
        runs = f" over {agg.n} runs" if agg.n else ""
        return _suggestion(claim, float(agg.spread), f"the paper's sd{runs}")
    if is_rate(claim):
        size = test_size or size_in_text(claim)
        binomial = binomial_tolerance(claim, size) if size else None
        if binomial is not None and binomial > 0:
            return _suggestion(claim, binomial, f"2 binomial SE on {size:,} items")
        missing = (
            "no sd in the paper and no test-set size: give one with "
            f"`starter claim tolerance {claim.id} --test-size N`, or choose a value"
        )
        return {"value": None, "origin": missing, "command": command}
    missing = (
        f"no default applies to {claim.metric!r}: it is no rate of right and wrong items (so "
        "no binomial SE) and the paper gives no sd; choose a value from the run-to-run "
        "spread you expect (e.g. twice the sd over seeds of the original code) and say why"
    )
    why = "2 sd over 5 seeds of the original code"
    example = f'starter claim tolerance {claim.id} VALUE --origin "{why}"'
    return {"value": None, "origin": missing, "command": example}


def _suggestion(claim: Claim, value: float, origin: str) -> dict[str, Any]:
    shown = f"{value:.3g}"
    return {
        "value": value,
        "origin": origin,
        "command": f'starter claim tolerance {claim.id} {shown} --origin "{origin}"',
    }
