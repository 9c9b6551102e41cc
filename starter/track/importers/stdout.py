"""Training logs of karpathy/llm.c (main.log and stdout) and of nanoGPT, build-nanogpt and
modded-nanogpt (stdout and log.txt), with restart semantics: a step logged again (a run
resumed from a checkpoint, two files given in order) replaces what was logged from it on."""

from __future__ import annotations

import math
import re
from pathlib import Path

from starter.errors import InputError
from starter.track.importers.base import (
    Imported,
    ImportedRun,
    Point,
    content_id,
    open_text,
    shown,
)
from starter.track.importers.llmc import (
    _HELLA,
    _LLMC_VAL,
    MAIN_LOG_NAMES,
    _blocks,
    _llmc_stdout_block,
    _llmc_step,
    _main_log,
    _main_log_blocks,
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
