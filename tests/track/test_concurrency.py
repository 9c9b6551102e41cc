"""Many processes appending to one results log lose no line and interleave no bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from starter.models import Claim, Paper
from starter.papers.card_write import write_card
from starter.track import results, status

WRITERS = 20
RUNS_EACH = 500

# Each writer appends its runs one call at a time (500 locked appends, each with an fsync),
# as 500 separate `starter log` processes would, without paying 500 interpreter starts.
WRITER = """
import sys
from pathlib import Path
from starter.track import results
root, writer, count = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
env = {"host": "h" * 200, "note": "x" * 300}  # long lines make torn writes likelier
for i in range(count):
    results.append(root, [results.run_record({"acc": 70.0 + i / 1000}, seed=writer,
                                             params={"i": str(i)}, env=env)])
"""


@pytest.mark.slow  # ~15 s: 10,000 fsyncs, serialized by the lock as they must be
def test_twenty_writers_leave_exactly_ten_thousand_valid_lines(tmp_path: Path) -> None:
    claim = Claim(id="acc", metric="accuracy", value=70.0, direction="higher")
    write_card(tmp_path / "paper.toml", Paper(key="c", title="C", claims=(claim,)))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path), str(w), str(RUNS_EACH)],
            env=os.environ.copy(),
        )
        for w in range(WRITERS)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0] * WRITERS
    raw = results.log_path(tmp_path).read_bytes()
    lines = raw.split(b"\n")
    assert lines[-1] == b""  # ends with a newline
    records = [json.loads(line) for line in lines[:-1]]  # every line is whole JSON
    assert len(records) == WRITERS * RUNS_EACH
    per_writer: dict[int, list[int]] = {}
    for r in records:
        per_writer.setdefault(r["seed"], []).append(int(r["params"]["i"]))
    # Each writer's lines are all there, in the order it wrote them.
    assert per_writer == {w: list(range(RUNS_EACH)) for w in range(WRITERS)}
    report = status.compute(tmp_path, keep_runs=False)
    assert report.problems == []
    assert report.claims[0].n == WRITERS * RUNS_EACH
