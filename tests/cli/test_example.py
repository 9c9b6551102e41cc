"""The worked example, examples/lecun1989/: its README quotes the committed report, and it
reruns from a copy (its own tests, then `run_example.sh --fast`) into a report that agrees
with the committed one in structure and verdicts. Its README ("Rerun it") says which
numbers may differ, and why the verdicts cannot."""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT

EXAMPLE = ROOT / "examples" / "lecun1989"
COMMITTED = EXAMPLE / "report" / "report.json"
COUNTS = {"units": 1256, "connections": 64660, "independent-parameters": 9760}


def _report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def _runs(report: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return sorted(report["runs"][kind], key=lambda run: run["seed"])


def test_example_readme_quotes_the_committed_report():
    report = _report(COMMITTED)
    readme = (EXAMPLE / "README.md").read_text(encoding="utf-8")
    claims = {c["id"]: c for c in report["claims"]}
    for claim_id, decimals in (
        ("test-error", 2),
        ("train-error", 2),
        ("train-mse", 4),
        ("test-mse", 4),
    ):
        claim = claims[claim_id]
        quoted = f"{claim['mean']:.{decimals}f} ± {claim['sd']:.{decimals}f}"
        assert quoted in readme, f"{claim_id}: the README should quote {quoted}"
        assert claim["verdict"] == "not-comparable"
    errors = [run["metrics"]["test-error"] for run in _runs(report, "reproduction")]
    seeds = ", ".join(f"{error:.2f}" for error in errors)
    assert f"seeds 1–5 give {seeds}" in readme
    (extension,) = report["runs"]["extension"]
    assert f"**{extension['metrics']['test-error']:.2f} %**" in readme
    for claim_id, value in COUNTS.items():
        assert claims[claim_id]["verdict"] == "reproduced"
        assert claims[claim_id]["values"] == [value] * 5
    # The chart the README (and starter's own README) shows is one the report made.
    assert "report/plots/test-error.svg" in readme
    assert (EXAMPLE / "report" / "plots" / "test-error.svg").is_file()
    project = (ROOT / "README.md").read_text(encoding="utf-8")
    test_error = claims["test-error"]
    assert f"{test_error['mean']:.2f} ± {test_error['sd']:.2f} %" in project
    assert "](examples/lecun1989/report/plots/test-error.svg)" in project


def test_example_runs_were_clean_and_recorded_by_starter():
    lines = (EXAMPLE / "results" / "runs.jsonl").read_text(encoding="utf-8").splitlines()
    runs = [json.loads(line) for line in lines]
    assert [(r["kind"], r["seed"]) for r in runs] == [("reproduction", s) for s in range(1, 6)] + [
        ("extension", 1)
    ]
    for run in runs:
        assert run["origin"] == "captured"
        assert run["git"]["dirty"] is False
        assert run["command"].startswith("python -m lecun1989.train --config configs/")
        assert run["metrics"]["training-passes"] == 23
        # the counts declare no deviation; every data-dependent claim does
        assert set(run["deviation"]) == set(run["metrics"]) - set(COUNTS)


def _shape(report: dict[str, Any]) -> dict[str, Any]:
    """What must not change between platforms or in fast mode: the claims, rows, sections
    and verdicts, the exact counts and the data sizes, how many runs of each kind; not the
    error rates and MSEs, nor the history and environment (a rerun's copy has no git)."""
    claims = report["claims"]
    return {
        "claims": [
            (c["key"], c["verdict"], c["n"], c["exact"], bool(c["deviation"]), c["central"])
            for c in claims
        ],
        "exact values": {
            c["key"]: c["mean"]
            for c in claims
            if c["exact"] or c["key"] in ("train-size", "test-size")
        },
        "sections": [(g["title"], g["verdicts"], g["claims"]) for g in report["groups"]],
        "headline": {
            k: report["headline"][k] for k in ("counts", "claims", "rows", "judged", "runs")
        },
        "central": len(report["headline"]["central"]),
        "overview": [(o["why"], o["claims"]) for o in report["overview"]["off_chart"]],
        "overview rows": [r["id"] for r in report["overview"]["rows"]],
        "runs": (
            report["runs"]["total"],
            len(report["runs"]["reproduction"]),
            len(report["runs"]["extension"]),
            report["runs"]["failed"],
        ),
        "checklist": [(item["name"], item["status"]) for item in report["checklist"]],
    }


def _headings(markdown: Path) -> list[str]:
    text = markdown.read_text(encoding="utf-8")
    return [line for line in text.splitlines() if re.match(r"#{1,6} ", line)]


@pytest.mark.slow  # the example's own tests and six short trainings: ~30 s on two cores
def test_example_reruns_into_the_committed_structure_and_verdicts(tmp_path):
    pytest.importorskip("sklearn", reason="the example's proxy data ships with scikit-learn")
    copy = tmp_path / "example"
    shutil.copytree(
        EXAMPLE,
        copy,
        ignore=shutil.ignore_patterns(
            "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", ".venv", "checkpoints"
        ),
    )
    committed_log = (copy / "results" / "runs.jsonl").read_bytes()
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("PYTHONPATH", None)

    tests = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert tests.returncode == 0, tests.stdout[-2000:] + tests.stderr[-2000:]

    rerun = tmp_path / "rerun"
    done = subprocess.run(
        ["bash", str(copy / "run_example.sh"), "--fast", str(rerun)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]

    # It wrote only into the rerun folder: the example's own results are as committed.
    assert (copy / "results" / "runs.jsonl").read_bytes() == committed_log
    assert not (copy / "checkpoints").exists()
    made = _report(rerun / "report" / "report.json")
    assert _shape(made) == _shape(_report(COMMITTED))
    assert _headings(rerun / "report" / "REPORT.md") == _headings(EXAMPLE / "report" / "REPORT.md")
    plots = sorted(p.name for p in (EXAMPLE / "report" / "plots").iterdir())
    assert sorted(p.name for p in (rerun / "report" / "plots").iterdir()) == plots
    assert (rerun / "report" / "report.html").is_file()
    # Fast mode trains 3 passes, says so on every trained claim, and still learns.
    for run in made["runs"]["reproduction"]:
        assert run["metrics"]["training-passes"] == 3
        assert "fast mode" in run["deviation"]
    errors = [run["metrics"]["test-error"] for run in made["runs"]["reproduction"]]
    assert statistics.mean(errors) < 20


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]]),
    }
    return subprocess.run(
        ["bash", *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_run_example_refuses_a_folder_that_is_not_empty(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    (full / "keep.txt").write_text("mine", encoding="utf-8")
    done = _script(str(EXAMPLE / "run_example.sh"), "--fast", str(full))
    assert done.returncode == 7
    assert "is not empty" in done.stderr
    assert [p.name for p in full.iterdir()] == ["keep.txt"]


def test_run_example_never_adds_to_results_in_place(tmp_path):
    example = tmp_path / "example"
    (example / "results").mkdir(parents=True)
    shutil.copy(EXAMPLE / "run_example.sh", example)
    (example / "results" / "runs.jsonl").write_text("{}\n", encoding="utf-8")
    done = _script(str(example / "run_example.sh"), "--in-place")
    assert done.returncode == 7
    assert "never appended to" in done.stderr
    assert (example / "results" / "runs.jsonl").read_text(encoding="utf-8") == "{}\n"
    assert sorted(p.name for p in example.iterdir()) == ["results", "run_example.sh"]
