"""Sentences of the abstract and the conclusion that state a number with a metric
("achieves 28.4 BLEU", "reduces the error to 3.57%", "up to 64x faster")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from starter.papers.latex import parse
from starter.papers.latex.expand import Document
from starter.papers.latex.numbers import Printed, find_in_text

# Words that make a number a measurement: (pattern, metric name, unit).
METRICS: tuple[tuple[str, str, str | None], ...] = (
    (r"bleu", "BLEU", "BLEU"),
    (r"fid", "FID", "FID"),
    (r"inception scores?|\bIS\b", "Inception Score", "IS"),
    (r"top-?[15] (?:accuracy|error)", "", "%"),
    (r"(?:test |validation )?(?:accuracy|acc\.)", "accuracy", None),
    (r"error(?: rate)?", "error", None),
    (r"f1(?:[- ]score)?", "F1", "F1"),
    (r"g?auc", "AUC", "AUC"),
    (r"perplexity|ppl", "perplexity", "PPL"),
    (r"map|mean average precision", "mAP", None),
    (r"psnr", "PSNR", "dB"),
    (r"ssim", "SSIM", None),
    (r"rouge(?:-\w+)?", "ROUGE", None),
    (r"wer|word error rate", "WER", "%"),
    (r"exact match|\bem\b", "exact match", None),
    (r"log-?likelihood|nats|bits/dim|bits per dim\w*|bpd|elbo|nll", "log-likelihood", None),
    (r"speed-?ups?|faster|accelerat\w+|times", "speed-up", "x"),
    (r"days?", "training time", "days"),
    (r"hours?", "training time", "hours"),
    (r"(?:gpu|tpu)[- ]hours?", "compute", "GPU hours"),
    (r"ctr|click-through rate", "CTR", None),
    (r"win rate|win-rate", "win rate", "%"),
    (r"reward|return", "reward", None),
    (r"regret", "regret", None),
    (r"mse|rmse|mae", "error", None),
    (r"parameters|params", "parameters", None),
    (r"tokens", "tokens", None),
    (r"score", "score", None),
)
_METRIC = [(re.compile(rf"(?<![\w-])(?:{p})(?![\w])", re.I), n, u) for p, n, u in METRICS]
_SECTION = re.compile(r"\\section\*?\s*(?:\[[^\]]*\])?\s*\{(?P<title>[^{}]*)\}")


@dataclass(frozen=True)
class Statement:
    """A number stated in the abstract or the conclusion, with its metric."""

    part: str  # "abstract" or "conclusion"
    sentence: str
    number: Printed
    metric: str
    unit: str | None
    pos: int  # where the number is printed in the document


def abstract_region(doc: Document) -> tuple[int, int] | None:
    match = re.search(r"\\begin\{abstract\}(.*?)\\end\{abstract\}", doc.text, re.DOTALL)
    if match:
        return match.start(1), match.end(1)
    match = re.search(r"\\abstract\s*\{", doc.text)
    if match:
        from starter.papers.latex.expand import _braced

        end = _braced(doc.text, match.end())
        if end > 0:
            return match.end(), end - 1
    return None


def conclusion_region(doc: Document) -> tuple[int, int] | None:
    body = doc.text[: doc.body_end]
    sections = list(_SECTION.finditer(body, doc.body_start))
    for index, match in enumerate(sections):
        if re.search(r"conclu|summary|concluding", match.group("title"), re.I):
            end = sections[index + 1].start() if index + 1 < len(sections) else doc.body_end
            end = min(end, max(doc.appendix_start, match.end()))
            return match.end(), end
    return None


def region_text(doc: Document, region: tuple[int, int] | None) -> str:
    if region is None:
        return ""
    return parse.to_text(parse.parse(doc.text[region[0] : region[1]]))


def statements(doc: Document, part: str, region: tuple[int, int] | None) -> list[Statement]:
    """The numbers with a metric in one part of the paper, in order."""
    if region is None:
        return []
    raw = doc.text[region[0] : region[1]]
    text = parse.to_text(parse.parse(raw))
    found: list[Statement] = []
    cursor = 0
    for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z(\\$])", text):
        for start, end, number in find_in_text(sentence):
            if _interval(sentence, start, end):
                continue
            metric = _metric_near(sentence, start, end, number)
            if metric is None:
                continue
            name, unit = metric
            at = raw.find(number.text.lstrip("-"), cursor)
            pos = region[0] + (at if at >= 0 else 0)
            if at >= 0:
                cursor = at + len(number.text)
            found.append(Statement(part, sentence.strip(), number, name, unit, pos))
    return found


# "95% CI [0.80, 0.82]", "(95% confidence interval 0.74-0.76)": a level and its bounds.
_CI = re.compile(
    r"\d+(?:\.\d+)?\s*%\s*(?:CI|C\.I\.|confidence(?:\s+intervals?)?|credible\s+intervals?)"
    r"(?:\s*[:=]?\s*[\[(]?\s*[-+]?\d*\.?\d+\s*(?:,|-|–|to)\s*[-+]?\d*\.?\d+\s*[\])]?)?",
    re.I,
)


def _interval(sentence: str, start: int, end: int) -> bool:
    """The number is a confidence level or an interval's bound, not a result."""
    return any(m.start() <= start and end <= m.end() for m in _CI.finditer(sentence))


def _metric_near(
    sentence: str, start: int, end: int, number: Printed
) -> tuple[str, str | None] | None:
    after = sentence[end : end + 40]
    before = sentence[max(0, start - 50) : start]
    after_words = " ".join(after.split()[:4])
    before_words = " ".join(before.split()[-6:])
    for pattern, name, unit in _METRIC:
        hit = pattern.search(after_words)
        if hit is None and name not in ("training time", "compute", "parameters", "tokens"):
            hit = pattern.search(before_words)
        if hit is not None:
            return (name or hit.group(0)), ("%" if number.percent else unit)
    if number.percent:
        return "%", "%"
    if number.suffix == "X":
        return "speed-up", "x"
    return None
