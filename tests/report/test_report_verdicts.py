"""The report on a reproduction with groups, deviations, checkpoints, derived claims and
repeated trials: its sections, its numbers (the same as `starter status`'s, every one), and
its wording of small spreads and indicative gaps."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from starter.models import Claim, Derivation, Paper
from starter.papers.card_write import write_card
from starter.report import wording
from starter.report import write as report
from starter.track import results, status
from starter.track.values import ClaimStatus

GIT = {"commit": "a" * 40, "branch": "main", "dirty": False}
ENV = {"os": "Linux", "python": "3.11.9"}
# fmt: off
CLAIMS = (
    Claim(
        id="acc", metric="top-1 accuracy", value=88.9, value_text="88.9", unit="%",
        direction="higher", tolerance=0.5, tolerance_origin="2 binomial SE", central=True,
        source="Table 2",
    ),
    Claim(
        id="err", metric="test error", value=5.0, value_text="5.0", unit="%",
        direction="lower", tolerance=0.3, tolerance_origin="2 binomial SE",
    ),
    Claim(
        id="bleu", metric="BLEU", value=28.4, value_text="28.4", direction="higher",
        target="checkpoint", tolerance=0.3, tolerance_origin="2 sd of decoding",
    ),
    Claim(id="pong", metric="pong score", value=20.7, value_text="20.7", direction="higher"),
    Claim(id="breakout", metric="breakout", value=401.2, value_text="401.2", direction="higher"),
    Claim(
        id="mean", metric="mean score over 2 games", value=210.9, value_text="~210.9",
        approximate=True, direction="higher", derived=Derivation(("pong", "breakout")),
        tolerance=20.0, tolerance_origin="stated",
    ),
    Claim(
        id="mse", metric="test MSE", value=0.0025, value_text="0.0025", direction="lower",
        tolerance=0.0002, tolerance_origin="stated",
    ),
)
# fmt: on


def run(metrics: dict, seed: int | None = None, **fields) -> dict:
    return results.run_record(metrics, seed=seed, git=GIT, env=ENV, **fields)


@pytest.fixture
def busy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1775000000")
    root = tmp_path / "repo"
    root.mkdir()
    write_card(root / "paper.toml", Paper(key="demo", title="Demo", claims=CLAIMS))
    records = [run({"acc": v}, i) for i, v in enumerate([88.7, 88.9, 89.0, 88.8])]
    records += [run({"acc": v}, i, group="original code") for i, v in enumerate([87.1, 87.4])]
    records += [run({"acc": 88.95}, 1)]  # seed 1 again: not deterministic
    records += [run({"err": 4.99}, 1)]  # one run: indicative
    records += [run({"err": 5.4}, i, deviation="CIFAR-10.1") for i in range(3)]
    records += [run({"err": 5.6}, 1, group="original code", deviation="CIFAR-10.1")]
    records += [run({"bleu": v}, i) for i, v in enumerate([27.1, 27.3, 27.2])]
    records += [run({"bleu": 27.25}, kind="checkpoint")]
    records += [run({"pong": v}, i) for i, v in enumerate([20.0, 21.0, 19.5])]
    records += [run({"breakout": v}, i) for i, v in enumerate([400.0, 420.0, 380.0])]
    records += [run({"mse": v}, i) for i, v in enumerate([0.00251, 0.002512, 0.002511])]
    records += [run({"mse": 0.002511}, 2)]  # the same trial logged again
    results.append(root, records)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


def test_status_and_the_report_agree_on_every_number(busy: Path, cli) -> None:
    shown = json.loads(cli("status", "--json", cwd=busy).stdout)
    model = json.loads(report.generate(busy, "json", "-").text)
    rows = {row["key"]: row for row in model["claims"]}
    keys = [f"{c['id']}@{c['group']}" if c["group"] else c["id"] for c in shown["claims"]]
    assert keys == list(rows)
    fields = (
        "n", "mean", "sd", "ci95", "gap", "best", "verdict", "detail", "tolerance", "reported",
        "reported_text", "target", "deviation", "repeated_trials", "parts", "runs_to_settle",
        "notes", "apart",
    )  # fmt: skip
    for key, claim in zip(keys, shown["claims"], strict=True):
        for field in fields:
            assert claim[field] == rows[key][field], (key, field)
    assert shown["counts"] == model["headline"]["counts"]
    assert shown["indicative"] == model["headline"]["indicative"]
    assert shown["groups"] == model["headline"]["groups"] == ["original code"]


def test_the_report_files_indicative_and_not_comparable_claims_apart(busy: Path) -> None:
    model = json.loads(report.generate(busy, "json", "-").text)
    sections = {g["title"]: g["claims"] for g in model["groups"]}
    assert sections["Indicative: one run, never a verdict"] == ["err"]
    assert sections["Not comparable: the runs depart from the paper's protocol"] == [
        "err@original code"
    ]
    assert not any("Waiting for a tolerance or more runs" in t for t in sections)
    rows = {row["key"]: row for row in model["claims"]}
    assert rows["err"]["display"]["gap_ci"] == "+0.01 (1 run)"  # the gap of one run, shown
    assert "a gap of +0.01 (1 run)" in rows["err"]["sentence"]
    other = rows["err@original code"]
    assert other["deviation"] == "CIFAR-10.1" and other["n"] == 1
    assert "every run declares a deviation (CIFAR-10.1)" in other["sentence"]
    text = report.generate(busy, "md", "-").text
    assert "All 7 claims, in 9 rows over 1 group of runs judged apart (original code)" in text
    assert "1 indicative (1 consistent)" in text
    assert "| acc@original code (central)<br>top-1 accuracy |" in text
    assert "28.4" not in rows["bleu"]["display"]["reported"]  # the checkpoint is the target
    assert "27.25 (checkpoint)" in text


def test_the_report_labels_deviating_runs_and_lists_checkpoint_evaluations(busy: Path) -> None:
    text = report.generate(busy, "md", "-").text
    assert "err: deviating runs (CIFAR-10.1), never pooled: n=3: 5.40 ± 0.00, gap 95%" in text
    assert "err@original code: every run declares a deviation (the numbers above): CIFAR" in text
    assert "bleu: checkpoint evaluations (the target): 27.25" in text
    assert "acc: seed 1 gave different values at the same commit and environment" in text
    assert "mse: n counts 3 distinct trials of 4 runs" in text
    assert "Checkpoint evaluations (the released weights, never counted)" in text


def test_small_spreads_are_printed_in_significant_figures(busy: Path) -> None:
    model = json.loads(report.generate(busy, "json", "-").text)
    mse = next(row for row in model["claims"] if row["key"] == "mse")
    assert mse["display"]["ours"] == "0.00251 ± 1e−06"  # not "0.00251 ± 0.00000"


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (2.1e-05, 3, "2.1e−05"),
        (0.00004, 1, "4e−05"),
        (0.0, 2, "0.000"),
        (0.0004, 2, "0.0004"),
        (0.0006, 2, "0.001"),
    ],
)
def test_numbers_too_small_for_the_decimals_get_significant_figures(
    value: float, decimals: int, shown: str
) -> None:
    assert wording.number(value, decimals) == shown


def test_an_html_row_of_a_group_has_a_valid_anchor(busy: Path) -> None:
    html = report.generate(busy, "html", "-").text
    assert 'id="claim-acc-original-code"' in html and 'data-group="original code"' in html


def test_a_derived_claim_reads_as_recomputed_from_its_parts() -> None:
    claim = ClaimStatus(
        id="mean", metric="mean score", reported=210.9, reported_text="~210.9", unit=None,
        direction="higher", tolerance=20.0, tolerance_origin="stated", n=3, mean=210.1,
        sd=None, ci95=(-10.0, 8.4), best=None, verdict="reproduced", parts=("a", "b"),
    )  # fmt: skip
    shown = wording.display(claim)
    assert shown["reported"] == "~210.9" and shown["ours"] == "210.10"
    assert status.status_to_json(claim)["parts"] == ["a", "b"]
