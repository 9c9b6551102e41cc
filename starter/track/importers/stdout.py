"""Training logs of karpathy/llm.c (main.log and stdout) and of nanoGPT, build-nanogpt and
modded-nanogpt (stdout and log.txt), with restart semantics: a step logged again (a run
resumed from a checkpoint, two files given in order) replaces what was logged from it on."""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from starter.errors import InputError
from starter.track.importers.base import (
    Imported,
    ImportedRun,
    Point,
    content_id,
    open_text,
    shown,
)

# Every metric is "dense" (one value a step: the training loss) or "sparse" (an evaluation
# every few hundred steps); only sparse ones are kept as a curve, so a 100 MB log costs
# memory for its evaluations, not for its steps.
SPARSE = ("val_loss", "hellaswag", "train_loss_eval")
_NUM = r"[-+]?(?:nan|inf|\d+\.?\d*(?:[eE][-+]?\d+)?)"
# llm.c stdout: "step    1/19560 | loss 11.009662 (+nanz)| norm 15.0789 (+nanz)| lr 8.57e-07 | ..."
_LLMC_STEP = re.compile(
    rf"^step\s+(?P<step>\d+)/(?P<total>\d+) \| loss\s+(?P<loss>{_NUM})"
    rf"(?:.*?\| norm\s+(?P<norm>{_NUM}))?(?:.*?\| lr\s+(?P<lr>{_NUM}))?"
)
_LLMC_VAL = re.compile(rf"^val loss\s+(?P<v>{_NUM})\s*$")
_HELLA = re.compile(rf"HellaSwag(?: accuracy)?:\s*\d+\s*/\s*\d+\s*=\s*(?P<v>{_NUM})")
# build-nanogpt stdout: "step     0 | loss: 11.087302 | lr 8.3916e-07 | norm: 23.1795 | ..."
_BUILD_STEP = re.compile(
    rf"^step\s+(?P<step>\d+) \| loss: (?P<loss>{_NUM})"
    rf"(?: \| lr (?P<lr>{_NUM}))?(?: \| norm: (?P<norm>{_NUM}))?"
)
_BUILD_VAL = re.compile(rf"^validation loss: (?P<v>{_NUM})")
# build-nanogpt log.txt: "19072 train 3.021431", "250 val 6.1", "250 hella 0.25"
_LOGTXT = re.compile(rf"^(?P<step>\d+) (?P<kind>train|val|hella) (?P<v>{_NUM})\s*$")
# nanoGPT: "step 1000: train loss 3.0, val loss 3.1", "iter 10: loss 3.2, time 13.6ms, mfu 24.29%"
_NANO_EVAL = re.compile(rf"^step (?P<step>\d+): train loss (?P<t>{_NUM}), val loss (?P<v>{_NUM})")
_NANO_ITER = re.compile(rf"^iter (?P<step>\d+): loss (?P<loss>{_NUM})(?:.*?mfu (?P<mfu>{_NUM})%)?")
# modded-nanogpt: "step:125/6200 val_loss:4.2 train_time:...", "step:1/6200 train_loss:10.9 ..."
_MODDED = re.compile(
    rf"^step:(?P<step>\d+)/(?P<total>\d+) (?P<kind>train_loss|val_loss):(?P<v>{_NUM})"
)
# How a run that did not end normally ends.
_ABNORMAL = re.compile(
    r"(CANCELLED|DUE TO TIME LIMIT|Traceback \(most recent call last\)|KeyboardInterrupt|"
    r"Aborted|Killed|Segmentation fault|out of memory|SIGTERM)"
)
MAIN_LOG_NAMES = {"trl": "train_loss", "tel": "val_loss", "eval": "hellaswag"}
ALIASES = {
    "trl": "train_loss",
    "tel": "val_loss",
    "eval": "hellaswag",
    "loss": "train_loss",
    "val loss": "val_loss",
    "validation loss": "val_loss",
    "HellaSwag": "hellaswag",
    "HellaSwag accuracy": "hellaswag",
    "hella": "hellaswag",
}


class Series:
    """The values of one run, step by step, with restart semantics."""

    def __init__(self) -> None:
        self.last: dict[str, tuple[int, float]] = {}  # metric -> (step, value)
        self.history: dict[str, list[tuple[int, float]]] = {}  # sparse metrics only
        self.step = -1  # the last training step seen
        self.total: int | None = None
        self.restarts: list[int] = []
        self.first_nan: dict[str, int] = {}

    def train_step(self, step: int) -> None:
        if step <= self.step:
            self.rewind(step)
        self.step = step

    def rewind(self, step: int) -> None:
        """A run restarted at `step`: what was logged after `step` is dropped (an evaluation
        at `step` itself is printed just before, by the resumed run)."""
        self.restarts.append(step)
        for name, points in self.history.items():
            kept = [p for p in points if p[0] <= step]
            points[:] = kept
            if kept:
                self.last[name] = kept[-1]
            else:
                self.last.pop(name, None)
        for name, at in list(self.first_nan.items()):
            if at >= step:
                del self.first_nan[name]

    def put(self, name: str, step: int, raw: str | None) -> None:
        if raw is None:
            return
        value = float(raw)
        if not math.isfinite(value):
            self.first_nan.setdefault(name, step)
        elif name in self.first_nan and self.first_nan[name] <= step:
            del self.first_nan[name]  # recovered
        self.last[name] = (step, value)
        if name in SPARSE:
            points = self.history.setdefault(name, [])
            if points and points[-1][0] >= step:
                points[:] = [p for p in points if p[0] < step]
            points.append((step, value))


def read(paths: list[Path], tool: str) -> Imported:
    from collections import deque

    series = Series()
    pending: dict[str, str] = {}  # build-nanogpt evaluations, printed before their step
    formats: set[str] = set()
    tail: deque[str] = deque(maxlen=40)  # the last lines that are no main.log step
    dense: dict[str, tuple[int, str]] = {}  # main.log training values, kept as text
    for path in paths:
        try:
            handle = open_text(path)
        except FileNotFoundError:
            raise InputError(f"no file {path}; check the path given to --from") from None
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror}") from None
        with handle:
            head = handle.read(2)
            if head == "s:":  # an llm.c main.log: read in large blocks, at C speed
                _main_log_blocks(head, handle, series, dense)
                formats.add("llm.c main.log")
                continue
            for text in _blocks(head, handle):
                if _llmc_stdout_block(text, series):
                    formats.add("llm.c stdout")
                    tail.extend(text[-4000:].splitlines())
                    continue
                # splitlines also splits at the carriage returns with which llm.c rewrites
                # its HellaSwag progress on one line.
                for line in text.splitlines():
                    if line[:2] == "s:" and _main_log(line, series, dense):
                        continue
                    _line(line, series, pending, formats)
                    tail.append(line)
    if dense:
        formats.add("llm.c main.log")
        for key, (step, raw) in dense.items():
            name = MAIN_LOG_NAMES.get(key, key)
            if series.last.get(name, (-1, 0.0))[0] <= step:
                series.put(name, step, raw)
    for name, raw in pending.items():
        series.put(name, max(series.step, 0), raw)
    if not series.last:
        ending = _abnormal(list(tail))
        if ending:
            return _failed_launch(paths, tool, ending)
        raise InputError(
            f"found no {tool} training lines in {', '.join(map(str, paths))}; is it the "
            "log of another program? (--preset llmc reads llm.c, --preset nanogpt nanoGPT, "
            "build-nanogpt and modded-nanogpt)"
        )
    return _imported(paths, tool, series, formats, _abnormal(list(tail)))


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
    import bisect

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
BLOCK = 1 << 24


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


def _line(line: str, s: Series, pending: dict[str, str], formats: set[str]) -> None:
    if line.startswith("s:"):  # llm.c main.log: "s:250 tel:6.1565"
        parts = line.split()
        try:
            step = int(parts[0][2:])
        except ValueError:
            return
        for part in parts[1:]:
            key, _, raw = part.partition(":")
            name = MAIN_LOG_NAMES.get(key, key)
            if key == "trl":
                s.train_step(step)
            try:
                float(raw)
            except ValueError:
                continue
            s.put(name, step, raw)
        formats.add("llm.c main.log")
        return
    first = line[:1]
    if first == "s" and line.startswith("step"):
        if line.startswith("step:"):
            match = _MODDED.match(line)
            if match:
                step = int(match["step"])
                s.total = int(match["total"])
                if match["kind"] == "train_loss":
                    s.train_step(step)
                s.put(match["kind"], step, match["v"])
                formats.add("modded-nanogpt")
            return
        if _llmc_step(line, s):
            formats.add("llm.c stdout")
            return
        match = _BUILD_STEP.match(line)
        if match:
            step = int(match["step"])
            s.train_step(step)
            for name, raw in pending.items():
                s.put(name, step, raw)
            pending.clear()
            s.put("train_loss", step, match["loss"])
            s.put("norm", step, match["norm"])
            s.put("lr", step, match["lr"])
            formats.add("build-nanogpt stdout")
            return
        match = _NANO_EVAL.match(line)
        if match:
            step = int(match["step"])
            s.put("train_loss_eval", step, match["t"])
            s.put("val_loss", step, match["v"])
            formats.add("nanoGPT")
        return
    if first == "i" and line.startswith("iter "):
        match = _NANO_ITER.match(line)
        if match:
            step = int(match["step"])
            s.train_step(step)
            s.put("loss", step, match["loss"])
            s.put("mfu", step, match["mfu"])
            formats.add("nanoGPT")
        return
    if first.isdigit():
        match = _LOGTXT.match(line)
        if match:
            step, kind = int(match["step"]), match["kind"]
            if kind == "train":
                s.train_step(step)
            name = {"train": "train_loss", "val": "val_loss", "hella": "hellaswag"}[kind]
            s.put(name, step, match["v"])
            formats.add("build-nanogpt log.txt")
        return
    if first == "v":
        match = _LLMC_VAL.match(line)
        if match:
            s.put("val_loss", max(s.step, 0), match["v"])
            return
        match = _BUILD_VAL.match(line)
        if match:
            pending["val_loss"] = match["v"]
        return
    if "HellaSwag" in line:
        match = _HELLA.search(line)
        if match:
            if "accuracy" in line:  # build-nanogpt: belongs to the next step line
                pending["hellaswag"] = match["v"]
            else:
                s.put("hellaswag", max(s.step, 0), match["v"])


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


def _abnormal(tail: list[str]) -> str | None:
    for block in reversed(tail[-40:]):
        for line in reversed(block.split("\r")):
            match = _ABNORMAL.search(line)
            if match:
                return line.strip()[:120]
    return None


def _failed_launch(paths: list[Path], tool: str, ending: str) -> Imported:
    run = ImportedRun(
        metrics={},
        failed=True,
        failure=f"the log ends in {ending!r} before any training step",
        source={"tool": tool, "id": content_id(*paths), "path": shown(paths[-1])},
    )
    return Imported(tool=tool, runs=[run], notes=[], read=[shown(p) for p in paths])


def _imported(
    paths: list[Path], tool: str, s: Series, formats: set[str], ending: str | None
) -> Imported:
    metrics = {name: value for name, (_, value) in s.last.items() if math.isfinite(value)}
    failure = None
    if s.first_nan:
        first = min(s.first_nan, key=lambda n: s.first_nan[n])
        failure = f"diverged: {first} is nan from step {s.first_nan[first]}"
        for name in s.first_nan:
            metrics.pop(name, None)
    if ending and failure is None:
        failure = f"the log ends in {ending!r}"
    last = max([s.step, *(step for step, _ in s.last.values())])
    by_step: dict[int, dict[str, float]] = {}
    for name, points in s.history.items():
        for step, value in points:
            if math.isfinite(value):
                by_step.setdefault(step, {})[name] = value
    curve = [Point(metrics=by_step[k], step=k) for k in sorted(by_step)]
    notes = [
        f"{', '.join(shown(p) for p in paths)}: {' and '.join(sorted(formats))}, "
        f"last step {last}"
        + (f" of {s.total}" if s.total else "")
        + (
            f"; restarted at step {', '.join(map(str, s.restarts))} (a step logged again "
            "replaces what was logged from it on)"
            if s.restarts
            else ""
        )
    ]
    run = ImportedRun(
        metrics=metrics,
        failed=failure is not None,
        failure=failure,
        curve=curve,
        source={
            "tool": tool,
            "id": content_id(*paths),
            "path": shown(paths[-1]),
            "last_step": last,
        },
    )
    return Imported(
        tool=tool, runs=[run], notes=notes, aliases=dict(ALIASES), read=[shown(p) for p in paths]
    )


def sniff(path: Path) -> str | None:
    """`llmc` or `nanogpt` when the first lines of `path` are one of their formats."""
    try:
        with open_text(path) as handle:
            head = handle.read(1 << 20)  # modded-nanogpt logs start with the whole script
    except (OSError, EOFError):
        return None
    for line in head.splitlines():
        if line.startswith("s:") and (" trl:" in line or " tel:" in line):
            return "llmc"
        if _LLMC_STEP.match(line):
            return "llmc"
        if (
            _BUILD_STEP.match(line)
            or _MODDED.match(line)
            or _NANO_ITER.match(line)
            or _NANO_EVAL.match(line)
            or _LOGTXT.match(line)
        ):
            return "nanogpt"
    return None
