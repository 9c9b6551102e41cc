"""karpathy/llm.c's logs read fast: main.log ("s:250 trl:3.2 lr:0.0006 norm:0.3") and the
stdout of train_gpt2cu ("step 1/19560 | loss 11.0 ..."), in 16 MB blocks searched at C speed
where no restart and no NaN is in them, line by line where one is."""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starter.track.importers.stdout import Series

BLOCK = 1 << 24
_NUM = r"[-+]?(?:nan|inf|\d+\.?\d*(?:[eE][-+]?\d+)?)"
MAIN_LOG_NAMES = {"trl": "train_loss", "tel": "val_loss", "eval": "hellaswag"}
_LLMC_VAL = re.compile(rf"^val loss\s+(?P<v>{_NUM})\s*$")
_HELLA = re.compile(rf"HellaSwag(?: accuracy)?:\s*\d+\s*/\s*\d+\s*=\s*(?P<v>{_NUM})")


def _blocks(head: str, handle: Any) -> Iterator[str]:
    """The file in blocks of about 16 MB, each ending at the end of a line."""
    carry = head
    while True:
        block = handle.read(BLOCK)
        text = carry + block
        cut = text.rfind("\n") + 1 if block else len(text)
        carry, text = text[cut:], text[:cut]
        if text:
            yield text
        if not block:
            return


_LLMC_STEPS = re.compile(r"\nstep +(\d+)/\d+ \| loss ")


def _llmc_stdout_block(text: str, s: Series) -> bool:
    """A block of llm.c stdout read without a Python loop over its lines, when it can be:
    its steps only increase and nothing in it is nan. Values printed between two step
    lines (val loss, HellaSwag) belong to the step before them."""
    if " nan" in text:  # a NaN value ("loss     nan"), not a "(+nanz)" z-score
        return False
    found = list(_LLMC_STEPS.finditer("\n" + text))
    if not found:
        return False
    steps = [int(m[1]) for m in found]
    if steps[0] <= s.step or not all(map(operator.lt, steps, steps[1:])):
        return False
    positions = [m.start() for m in found]  # in text, the "\n" added makes them line starts
    before = max(s.step, 0)
    last_start = positions[-1]
    if not _llmc_step(text[last_start : text.find("\n", last_start)], s):
        return False
    for start in _line_starts(text, ("val loss ", "HellaSwag: ")):
        index = bisect.bisect_right(positions, start) - 1
        step = steps[index] if index >= 0 else before
        for line in text[start : text.find("\n", start)].split("\r"):
            match = _LLMC_VAL.match(line)
            if match:
                s.put("val_loss", step, match["v"])
            match = _HELLA.search(line)
            if match and "accuracy" not in line:
                s.put("hellaswag", step, match["v"])
    return True


# After a newline: a literal start lets the regex engine search fast (^ with re.M does not).
_TRAIN_STEPS = re.compile(r"\ns:(\d+) trl:")


def _main_log_blocks(head: str, handle: Any, s: Series, dense: dict[str, tuple[int, str]]) -> None:
    """A main.log in blocks of 16 MB. A block whose training steps only increase and that
    holds no nan or inf is read with three regular-expression passes; any other block
    (a restart, a NaN) goes line by line through _main_log."""
    for text in _blocks(head, handle):
        steps = list(map(int, _TRAIN_STEPS.findall("\n" + text)))
        simple = (
            "nan" not in text
            and "inf" not in text
            and (not steps or steps[0] > s.step)
            and all(map(operator.lt, steps, steps[1:]))
        )
        if not simple:
            for line in text.splitlines():
                _main_log(line, s, dense)
            continue
        for start in _line_starts(text, (" tel:", " eval:")):
            _main_log(text[start : text.find("\n", start)], s, dense)
        if steps:
            last = text.rfind("trl:")
            begin = text.rfind("\n", 0, last) + 1
            _main_log(text[begin : text.find("\n", last)], s, dense)


def _line_starts(text: str, markers: tuple[str, ...]) -> list[int]:
    """Where the lines holding any of `markers` start, in order (str.find: C speed)."""
    starts = set()
    for marker in markers:
        at = text.find(marker)
        while at != -1:
            starts.add(text.rfind("\n", 0, at) + 1)
            at = text.find(marker, at + 1)
    return sorted(starts)


def _main_log(line: str, s: Series, dense: dict[str, tuple[int, str]]) -> bool:
    """llm.c main.log ("s:250 trl:3.2 lr:0.0006 norm:0.3", "s:250 tel:3.3"): the path that
    must stay fast (a 100 MB log is three million such lines). Training values are kept
    as text and converted once at the end; a NaN is noted when it appears."""
    space = line.find(" ")
    try:
        step = int(line[2:space])
    except ValueError:
        return False
    rest = line[space + 1 :]
    if rest[:4] == "trl:":
        if step <= s.step:
            s.rewind(step)
            dense.clear()
        s.step = step
        for part in rest.split():
            key, _, raw = part.partition(":")
            dense[key] = (step, raw)
            if "n" in raw or s.first_nan:  # nan, inf; or a NaN seen earlier may recover
                s.put(MAIN_LOG_NAMES.get(key, key), step, raw)
        return True
    for part in rest.split():
        key, _, raw = part.partition(":")
        try:
            float(raw)
        except ValueError:
            continue
        s.put(MAIN_LOG_NAMES.get(key, key), step, raw)
    return True


def _llmc_step(line: str, s: Series) -> bool:
    """ "step    1/19560 | loss 11.009662 (+nanz)| norm 15.0789 (+nanz)| lr 8.57e-07 | ...",
    split by hand: most lines of an llm.c stdout log are these, and a regular expression
    with optional parts costs three times as much."""
    head, bar, rest = line.partition("|")
    number, slash, total = head[4:].strip().partition("/")
    if not bar or not slash or not number.isdigit() or not total.isdigit():
        return False
    fields = rest.split("|")
    loss = fields[0].split()
    if len(loss) < 2 or loss[0] != "loss":
        return False
    step = int(number)
    s.total = int(total)
    s.train_step(step)
    s.put("train_loss", step, loss[1])
    for field in fields[1:3]:
        parts = field.split()
        if len(parts) >= 2 and parts[0] in ("norm", "lr"):
            try:
                float(parts[1])
            except ValueError:
                continue
            s.put(parts[0], step, parts[1])
    return True
