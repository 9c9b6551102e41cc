"""Huge, non-finite and odd numbers: refused with one line wherever they enter (the command
line, paper.toml, a metrics file), skipped by number when a log line holds them, and never
a crash of the statistics: any value in range gives a verdict."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pytest
from conftest import committed_repo
from hypothesis import given, settings
from hypothesis import strategies as st

from starter.errors import InputError
from starter.models import Aggregation, Claim
from starter.papers.card import parse_card
from starter.track import status as track_status
from starter.track.results import log_path, read_records
from starter.track.stats import Summary
from starter.track.verdicts import judge

ERR = Claim(
    id="test-error", metric="test error", value=5.0, value_text="5.0", unit="%",
    direction="lower", tolerance=0.5, tolerance_origin="2 SE",
)  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_repo(tmp_path / "repo", (ERR,))


def error_line(result) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("starter: error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


# ----------------------------------------------------------------------------- entries


@pytest.mark.parametrize("value", ["1e200", "-1e200", "1e308", "9" * 400, "inf", "nan"])
def test_log_refuses_huge_and_non_finite_values_in_one_line(cli, repo: Path, value: str) -> None:
    result = cli("log", "test-error", value, "-C", repo)
    assert result.exit_code == 1
    line = error_line(result)
    assert "finite" in line or "out of range" in line
    assert len(line) < 300  # a 400-digit value is not echoed whole
    assert not log_path(repo).exists()


def test_claim_add_refuses_a_huge_spread_and_tolerance(cli, repo: Path) -> None:
    for extra in (["--spread", "1e200", "--runs", "3"], ["--tolerance", "1e200",
                  "--tolerance-origin", "x"], ["--runs", "9" * 400]):  # fmt: skip
        result = cli("claim", "add", "acc", "76.2", "--higher-is-better", *extra, "-C", repo)
        assert result.exit_code in (1, 2), result.stderr
        assert "out of range" in error_line(result) or "Traceback" not in result.stderr
    assert (
        cli("claim", "tolerance", "test-error", "1e200", "--origin", "x", "-C", repo).exit_code == 1
    )
    big = cli("claim", "tolerance", "test-error", "--test-size", "9" * 400, "-C", repo)
    assert big.exit_code == 1 and "out of range" in error_line(big)


@pytest.mark.parametrize(
    "field",
    [
        "value = " + "9" * 400,
        "value = 5.0\ntolerance = " + "9" * 400,
        'value = 5.0\nvalue_text = "5.0e400"',
        'value = 5.0\naggregation = { kind = "mean", n = 3, spread = 1e200 }',
        'value = 5.0\naggregation = { kind = "mean", n = ' + "9" * 400 + ", spread = 1.0 }",
        "value = [1.0, 1e200]",
        "value = 1e200",
    ],
)
def test_a_card_with_an_out_of_range_number_is_refused_naming_the_field(field: str) -> None:
    text = 'schema = 1\n[paper]\nkey = "k"\ntitle = "T"\n'
    text += f'[[claims]]\nid = "c"\nmetric = "m"\n{field}\n'
    with pytest.raises(InputError, match=r"claims\[0\] \(c\)\.") as caught:
        parse_card(text)
    assert len(str(caught.value)) < 400


def test_a_card_with_a_year_beyond_reason_is_refused() -> None:
    with pytest.raises(InputError, match=r"paper\.year"):
        parse_card('schema = 1\n[paper]\nkey = "k"\ntitle = "T"\nyear = ' + "9" * 400 + "\n")


def test_log_from_a_file_with_a_400_digit_number_is_one_line(cli, repo: Path) -> None:
    path = repo / "metrics.json"
    path.write_text('{"test-error": ' + "9" * 400 + "}")
    result = cli("log", "--from", path, "-C", repo)
    assert result.exit_code == 1
    assert "out of range" in error_line(result)


def test_run_with_a_400_digit_metric_is_one_line(cli, repo: Path) -> None:
    code = (
        "import os; open(os.environ['STARTER_METRICS_FILE'], 'w')"
        ".write('{\"test-error\": ' + '9' * 400 + '}')"
    )
    result = cli("run", "--", sys.executable, "-c", code, "-C", repo, cwd=repo)
    assert result.exit_code == 1
    assert "out of range" in error_line(result)


# ----------------------------------------------------------------------------- the log


def line(metrics: str, **extra: str) -> str:
    import os

    run_id = os.urandom(4).hex()  # runs are counted once by id (track/runs.py)
    head = f'{{"schema": 1, "type": "run", "id": "{run_id}", "time": "2026-01-01T00:00:00.000Z", '
    head += f'"kind": "reproduction", "failed": false, "deviation": null, "metrics": {metrics}'
    tail = "".join(f', "{k}": {v}' for k, v in extra.items())
    return head + ', "seed": 1' + tail + ', "starter_version": "0.1.0"}\n'


@pytest.mark.parametrize(
    "bad",
    [
        line('{"test-error": 1e200}'),
        line('{"test-error": -1e200}'),
        line('{"test-error": 1e308}'),
        line('{"test-error": ' + "9" * 400 + "}"),
        line('{"test-error": 5.0}', duration="NaN"),
        line('{"test-error": 5.0}', git='{"commit": 12345, "dirty": "yes"}'),
        line('{"test-error": 5.0}', env='{"gpu": {"a": [1]}, "packages": 7, "host": [1]}'),
        "[" * 100_000 + "]" * 100_000 + "\n",
        '{"schema": 1, "type": "run", "metrics": ' + '{"a": ' * 5000 + "1" + "}" * 5001 + "\n",
    ],
)
def test_odd_log_lines_never_crash_status_or_report(cli, repo: Path, bad: str) -> None:
    good = [line('{"test-error": 5.1}'), line('{"test-error": 4.9}'), line('{"test-error": 5.0}')]
    log_path(repo).parent.mkdir(parents=True, exist_ok=True)
    log_path(repo).write_text(good[0] + bad + good[1] + good[2])
    status = cli("status", "--json", "-C", repo)
    assert status.exit_code == 0, status.stderr
    assert "Traceback" not in status.stderr
    data = json.loads(status.stdout)
    assert data["claims"][0]["n"] in (3, 4)
    report = cli("report", "--format", "json", "-C", repo)
    assert report.exit_code == 0, report.stderr
    md = cli("report", "-C", repo)
    assert md.exit_code == 0, md.stderr


@pytest.mark.parametrize("value", ["1e200", "-1e200", "1e308", "9" * 400])
def test_a_log_line_with_an_out_of_range_metric_is_named_and_skipped(
    repo: Path, value: str
) -> None:
    log_path(repo).parent.mkdir(parents=True, exist_ok=True)
    log_path(repo).write_text(line('{"test-error": 5.1}') + line(f'{{"test-error": {value}}}'))
    problems: list = []
    assert [n for n, _ in read_records(log_path(repo), problems, head_only=True)] == [1]
    assert [str(p) for p in problems] == [
        "results/runs.jsonl line 2: metric 'test-error' is out of range; skipped"
    ]


def test_a_valid_line_in_another_key_order_is_read(repo: Path) -> None:
    record = {
        "schema": 1, "type": "run", "id": "y", "time": "2026-01-01T00:00:00Z", "seed": 3,
        "kind": "reproduction", "failed": False, "metrics": {"test-error": 5.2},
        "starter_version": "0.1.0",
    }  # fmt: skip
    log_path(repo).parent.mkdir(parents=True, exist_ok=True)
    log_path(repo).write_text(json.dumps(record) + "\n")
    for head_only in (True, False):
        problems: list = []
        read = list(read_records(log_path(repo), problems, head_only=head_only))
        assert problems == [] and read[0][1]["metrics"] == {"test-error": 5.2}
    report = track_status.compute(repo, keep_runs=False)
    assert report.problems == [] and report.claims[0].n == 1


# ----------------------------------------------------------------------------- statistics


@pytest.mark.parametrize(
    "values",
    [[1e308, 1e308], [1e308, -1e308], [-1.7e308, 1.7e308, 0.0], [1e-308, 2e-308, 3e-308]],
)
def test_summary_never_overflows(values: list[float]) -> None:
    for summary in (Summary.of(values), Summary(values)):
        assert math.isfinite(summary.mean)
        assert summary.low == min(values) and summary.high == max(values)
        assert summary.sd is not None and not math.isnan(summary.sd)
    assert Summary.of([1e308, 1e308]).mean == 1e308 and Summary.of([1e308, 1e308]).sd == 0
    tiny = Summary.of([1e-308, 2e-308, 3e-308]).sd
    assert tiny is not None and math.isclose(tiny, 1e-308, rel_tol=1e-9)


in_range = st.floats(min_value=-1e100, max_value=1e100, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(in_range, min_size=1, max_size=8),
    reported=in_range,
    tolerance=st.floats(min_value=1e-100, max_value=1e100),
    spread=st.none() | st.floats(min_value=0, max_value=1e100),
    n=st.integers(1, 10**6),
)
def test_any_values_in_range_give_a_verdict(values, reported, tolerance, spread, n) -> None:
    claim = Claim(
        id="c", metric="m", value=reported, direction="higher", tolerance=tolerance,
        aggregation=None if spread is None else Aggregation(kind="mean", n=n, spread=spread),
    )  # fmt: skip
    status = judge(claim, Summary.of(values))
    assert status.verdict in (
        "reproduced", "exceeds", "not-reproduced", "inconclusive", "indicative",
    )  # fmt: skip
    if status.ci95 is not None:
        assert not any(math.isnan(x) for x in status.ci95)
