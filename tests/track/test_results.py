"""The results log: one JSON object a line, never rewritten, and read back even when a line
was torn by a crash or edited by hand (reported with its line number)."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from starter.errors import InputError
from starter.models import Claim, Paper
from starter.papers.card_write import write_card
from starter.track import results, status
from starter.track.digest import RunDigest

CLAIM = Claim(
    id="acc", metric="accuracy", value=76.2, value_text="76.2", unit="%", direction="higher",
    tolerance=0.4, tolerance_origin="2 binomial SE",
)  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_card(tmp_path / "paper.toml", Paper(key="demo", title="Demo", claims=(CLAIM,)))
    return tmp_path


def lines(root: Path) -> list[str]:
    return results.log_path(root).read_text(encoding="utf-8").splitlines()


def test_appended_run_is_one_json_line_with_schema_and_type(repo: Path) -> None:
    results.append(repo, [results.run_record({"acc": 76.1}, seed=3, params={"lr": "0.1"})])
    (line,) = lines(repo)
    record = json.loads(line)
    assert record["schema"] == 1 and record["type"] == "run"
    assert record["metrics"] == {"acc": 76.1}
    assert record["seed"] == 3 and record["params"] == {"lr": "0.1"}
    assert record["time"].endswith("Z") and len(record["id"]) == 12
    assert record["starter_version"]


def test_appending_never_rewrites_earlier_lines(repo: Path) -> None:
    results.append(repo, [results.run_record({"acc": 1.0})])
    first = results.log_path(repo).read_bytes()
    results.append(
        repo, [results.run_record({"acc": 2.0}), results.tolerance_record("acc", 0.4, "t")]
    )
    assert results.log_path(repo).read_bytes().startswith(first)
    assert len(lines(repo)) == 3


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), "76", True])
def test_run_record_refuses_values_that_are_not_finite_numbers(bad: object) -> None:
    with pytest.raises(InputError):
        results.run_record({"acc": bad})  # type: ignore[dict-item]


def test_reading_skips_a_torn_last_line_and_names_it(repo: Path) -> None:
    results.append(repo, [results.run_record({"acc": v}) for v in (76.0, 76.1)])
    with results.log_path(repo).open("a", encoding="utf-8") as handle:
        handle.write('{"schema": 1, "type": "run", "id": "x", "metr')  # killed mid-write
    runs, problems = results.read_runs(repo)
    assert [r.metrics["acc"] for r in runs] == [76.0, 76.1]
    assert [str(p) for p in problems] == [
        "results/runs.jsonl line 3: not valid JSON (cut short); skipped"
    ]


def test_append_after_a_torn_line_starts_a_new_line(repo: Path) -> None:
    results.append(repo, [results.run_record({"acc": 76.0})])
    with results.log_path(repo).open("a", encoding="utf-8") as handle:
        handle.write('{"schema": 1, "type": "ru')
    results.append(repo, [results.run_record({"acc": 76.2})])
    runs, problems = results.read_runs(repo)
    assert [r.metrics["acc"] for r in runs] == [76.0, 76.2]
    assert [p.line for p in problems] == [2]


def test_truncated_and_hand_edited_lines_in_the_middle_are_reported(repo: Path) -> None:
    good = [json.dumps(results.run_record({"acc": v})) for v in (76.0, 76.1, 76.2, 76.3)]
    text = "\n".join(
        [
            good[0],
            good[1][: len(good[1]) // 2],  # truncated mid-line, yet followed by more lines
            good[2],
            '{"schema": 1, "type": "run", "metrics": {"acc": "high"}}',
            '{"schema": 1, "type": "run", "metrics": {"acc": NaN}}',
            '{"schema": 9, "type": "run", "metrics": {}}',
            '{"schema": 1, "type": "party"}',
            "[1, 2]",
            "",
            good[3],
        ]
    )
    results.log_path(repo).parent.mkdir(parents=True)
    results.log_path(repo).write_text(text + "\n", encoding="utf-8")
    runs, problems = results.read_runs(repo)
    assert [r.metrics["acc"] for r in runs] == [76.0, 76.2, 76.3]
    assert [r.line for r in runs] == [1, 3, 10]
    assert [p.line for p in problems] == [2, 4, 5, 6, 7, 8]
    assert "not a finite number" in problems[2].message
    assert "newer than this starter" in problems[3].message
    report = status.compute(repo, keep_runs=False)  # the fast path agrees
    assert report.claims[0].n == 3
    assert len(report.problems) == 6


def test_a_log_of_garbage_reports_the_first_bad_lines_and_a_count(repo: Path) -> None:
    results.log_path(repo).parent.mkdir(parents=True)
    results.log_path(repo).write_text("garbage\n" * 250, encoding="utf-8")
    _, problems = results.read_runs(repo)
    assert len(problems) == results.MAX_PROBLEMS + 1
    assert str(problems[-1]) == (
        "results/runs.jsonl line 250: and 150 more bad lines up to this one; skipped"
    )


def test_status_streams_the_head_and_still_catches_torn_lines(repo: Path) -> None:
    full, other = (
        json.dumps(results.run_record({"acc": value}, seed=seed, env={"host": "h"}))
        for seed, value in ((1, 76.0), (2, 76.1))
    )
    cut_after_metrics = full[: full.index('"note"')]
    results.log_path(repo).parent.mkdir(parents=True)
    results.log_path(repo).write_text(
        "\n".join([full, cut_after_metrics, other]) + "\n", encoding="utf-8"
    )
    report = status.compute(repo, keep_runs=False)
    assert report.claims[0].n == 2
    assert report.problems == ["results/runs.jsonl line 2: not valid JSON; skipped"]


def test_a_metric_named_seed_falls_back_to_a_full_parse(repo: Path) -> None:
    results.append(repo, [results.run_record({"other": 1.0, "seed": 2.0, "acc": 76.0})])
    report = status.compute(repo, keep_runs=False)
    assert report.claims[0].n == 1
    assert report.unclaimed_metrics == {"other": 1, "seed": 1}


def test_reading_a_missing_log_gives_nothing(repo: Path) -> None:
    assert results.read_runs(repo) == ([], [])


def test_run_from_record_tolerates_odd_provenance(repo: Path) -> None:
    record = results.run_record({"acc": 1.0})
    record.update(seed="x", params=[1], git="no", duration="long")
    run = results.run_from_record(record, 7)
    assert (run.seed, run.params, run.git, run.duration, run.line) == (None, {}, {}, None, 7)


def test_compute_keeps_runs_for_the_report_and_orders_central_claims_first(
    tmp_path: Path,
) -> None:
    other = Claim(id="loss", metric="loss", value=0.5, direction="lower")
    central = Claim(id="err", metric="error", value=5.0, direction="lower", central=True)
    write_card(tmp_path / "paper.toml", Paper(key="d", title="D", claims=(other, central)))
    results.append(
        tmp_path,
        [
            results.run_record({"err": 5.1}, time="2026-01-01T00:00:00.000Z"),
            results.run_record({"err": 9.0}, failed=True),
            results.run_record({"err": 4.0}, kind="extension"),
            results.run_record({"err": 7.0}, deviation="proxy dataset"),
            results.tolerance_record("err", 0.3, "paper sd", time="2026-01-02T00:00:00.000Z"),
        ],
    )
    report = status.compute(tmp_path)
    assert [c.id for c in report.claims] == ["err", "loss"]
    err = report.claims[0]
    assert err.values == (5.1,)
    assert err.extension_values == (4.0,)
    assert err.deviating_values == (7.0,)
    assert len(err.run_ids) == 1
    assert len(report.runs) == 4 and report.failed_runs == 1
    assert report.tolerance_events[0]["value"] == 0.3
    assert err.tolerance_set_late is True
    assert report.counts == {"needs-tolerance": 1, "pending": 1}


def test_best_of_n_claim_is_judged_against_the_papers_mean_when_given(tmp_path: Path) -> None:
    from starter.models import Aggregation

    best = Claim(
        id="err-best", metric="error", value=6.43, value_text="6.43", direction="lower",
        source="Table 6", aggregation=Aggregation("best", 5), tolerance=0.3, tolerance_origin="t",
    )  # fmt: skip
    mean = Claim(
        id="err-mean", metric="error", value=6.61, value_text="6.61", direction="lower",
        source="Table 6", aggregation=Aggregation("mean", 5, 0.16),
    )  # fmt: skip
    lone = Claim(
        id="other-best", metric="loss", value=1.0, direction="lower",
        aggregation=Aggregation("best", 3), tolerance=0.3, tolerance_origin="t",
    )  # fmt: skip
    write_card(tmp_path / "paper.toml", Paper(key="d", title="D", claims=(best, mean, lone)))
    results.append(
        tmp_path, [results.run_record({"err-best": 6.6, "other-best": 1.0}) for _ in range(2)]
    )
    by_id = {c.id: c for c in status.compute(tmp_path).claims}
    assert by_id["err-best"].reported == 6.61
    assert any("paper's mean (err-mean)" in n for n in by_id["err-best"].notes)
    assert not any("biased" in n for n in by_id["err-best"].notes)
    assert "biased comparison: best of n" in by_id["other-best"].notes


def test_a_log_read_by_several_processes_gives_what_one_process_gives(repo: Path) -> None:
    records = []
    for i in range(300):
        extra = {"kind": "extension"} if i % 50 == 7 else {}
        records.append(results.run_record({"acc": 76.0 + (i % 7) / 10, "other": i}, **extra))
        if i == 120:
            records.append(results.tolerance_record("acc", 0.3, "changed midway"))
    results.append(repo, records)
    with results.log_path(repo).open("ab") as log:  # bad lines the parts must number right
        log.write(b'{"schema": 1, "type": "run", "metrics": {"acc": "x"}}\n')
    results.append(repo, [results.run_record({"acc": 76.3}, failed=True)])
    with results.log_path(repo).open("ab") as log:
        log.write(b"not json\n")
    results.append(repo, [results.run_record({"acc": 76.4})])
    with results.log_path(repo).open("ab") as log:
        log.write(b'{"schema": 1, "type": "run", "metr')  # torn by a crash

    one = status.compute(repo, keep_runs=False, workers=1)
    for workers in (2, 3, 7):
        many = status.compute(repo, keep_runs=False, workers=workers)
        assert many.claims == one.claims
        assert many.problems == one.problems
        assert many.tolerance_events == one.tolerance_events
        assert many.unclaimed_metrics == one.unclaimed_metrics
        assert many.failed_runs == one.failed_runs == 1
    assert [p.split(":")[0] for p in one.problems] == [
        "results/runs.jsonl line 302",
        "results/runs.jsonl line 304",
        "results/runs.jsonl line 306",
    ]


def test_line_spans_start_on_line_starts_and_cover_the_file(tmp_path: Path) -> None:
    path = tmp_path / "log"
    path.write_bytes(b"".join(b"x" * (i % 13) + b"\n" for i in range(500)))
    for parts in (1, 2, 3, 8):
        spans = results.line_spans(path, parts)
        assert spans[0][0] == 0 and spans[-1][1] == path.stat().st_size
        data = path.read_bytes()
        for (start, end), (following, _) in itertools.pairwise(spans):
            assert end == following and data[start - 1 : start] in (b"", b"\n")


def many_runs(repo: Path, n: int) -> None:
    """`n` runs with a bit of everything the report counts: failed, extension, deviating
    and dirty runs, runs without an id, two torch versions, a tolerance change midway."""
    records = []
    for i in range(n):
        env = {"python": "3.11", "packages": {"torch": "2.4" if i % 3 else "2.3"}}
        if i % 17 == 2:
            env["packages"] = ["torch==2.5", "numpy==2.0"]
        extra: dict = {"kind": "extension"} if i % 50 == 7 else {}
        if i % 97 == 5:
            extra["deviation"] = "smaller batch"
        records.append(
            results.run_record(
                {"acc": 76.0 + (i % 7) / 10},
                failed=i % 41 == 3,
                command=f"python train.py --seed {i}" if i % 5 else None,
                git={"commit": f"{i // 100:040x}", "dirty": i % 11 == 0},
                env=env if i % 13 else {},
                seed=i,  # each run a trial of its own (unseeded equal values may repeat one)
                time=f"2026-01-01T00:00:00.{i:06d}Z",
                run_id=f"r{i}",
                # a nested "git" key: such a line is decoded whole, not in parts
                params={"a": "1", "git": "x"} if i % 37 == 4 else {},
                **extra,
            )
        )
        if i % 89 == 1:  # a run without an id is named by its line
            del records[-1]["id"]
        if i == n // 2:
            records.append(results.tolerance_record("acc", 0.3, "changed midway"))
    results.append(repo, records)


def test_the_reports_reading_keeps_the_latest_runs_and_counts_them_all(repo: Path) -> None:
    many_runs(repo, 3000)
    full = status.compute(repo)  # every run kept: what the digest must agree with
    every = RunDigest.of(full.runs)

    for workers in (1, 2, 3):
        part = status.compute(repo, recent=120, workers=workers)
        digest = part.digest
        assert part.runs == full.runs[-120:]  # lines and ids numbered as one reader does
        for name in RunDigest.__slots__:
            assert getattr(digest, name) == getattr(every, name), name
        assert part.claims[0].values == full.claims[0].values
        assert part.claims[0].extension_values == full.claims[0].extension_values
        assert part.claims[0].run_ids == ()  # more values than ids kept (status.IDS_KEPT)
        assert part.tolerance_events == full.tolerance_events
    assert every.total == 3000 and every.extension == 60 and every.dirty == 273
    assert every.env["python"] == {"3.11": every.with_env}
    assert every.facts.first_command["Training code"] == "python train.py --seed 1"


def test_the_reports_reading_keeps_run_ids_while_there_are_few_values(repo: Path) -> None:
    many_runs(repo, 400)

    for workers in (1, 3):
        part = status.compute(repo, recent=50, workers=workers)
        assert part.claims[0].run_ids == status.compute(repo).claims[0].run_ids
        assert "line-2" in part.claims[0].run_ids


def test_first_committed_runs_finds_the_earliest_run_at_or_after_each_time(repo: Path) -> None:
    day = "2026-01-0{}T00:00:00Z".format
    results.append(
        repo,
        [
            results.run_record({"acc": 1.0}, time=day(3), run_id="c", git={"commit": "c" * 40}),
            results.run_record({"acc": 1.0}, time=day(2), run_id="b", git={}),
            results.run_record({"acc": 1.0}, time=day(2), run_id="a", git={"commit": "a" * 40}),
        ],
    )

    found = status.first_committed_runs(repo, ["2026-01-01", "2026-01-02T12:00:00Z", "2027"])

    assert found == {"2026-01-01": ("a", "a" * 40), "2026-01-02T12:00:00Z": ("c", "c" * 40)}


def test_reading_the_runs_leaves_out_lines_that_repeat_a_run(repo: Path) -> None:
    source = {"tool": "mlflow", "id": "r1"}
    results.append(repo, [results.run_record({"acc": 76.0}, run_id="a")])
    results.append(repo, [results.run_record({"acc": 76.0}, run_id="a")])  # a merge copy
    results.append(repo, [results.run_record({"acc": 75.0}, source=source, origin="imported")])
    results.append(repo, [results.run_record({"acc": 75.0}, source=source, origin="imported")])
    runs, _ = results.read_runs(repo)
    assert [r.metrics["acc"] for r in runs] == [76.0, 75.0]
