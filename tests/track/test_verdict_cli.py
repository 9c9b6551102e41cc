"""The verdicts from the command line: units and groups on `starter log`, claim shapes in one
`starter claim add`, the gate of `starter status --check --require`, and `starter status` at
60, 80 and 120 columns in a pipe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from starter.models import Claim, Paper
from starter.papers.card import load_card
from starter.papers.card_write import write_card
from starter.track.results import log_path

ACC = Claim(
    id="acc", metric="top-1 accuracy", value=88.9, value_text="88.9", unit="%",
    direction="higher", tolerance=0.5, tolerance_origin="2 binomial SE on 10,000 images",
    central=True, source="Table 2",
)  # fmt: skip
MSE = Claim(id="mse", metric="test MSE", value=0.018, value_text="0.018", direction="lower")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    write_card(root / "paper.toml", Paper(key="demo", title="Demo", claims=(ACC, MSE)))
    return root


def records(root: Path) -> list[dict]:
    if not log_path(root).exists():
        return []
    text = log_path(root).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if '"run"' in line]


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("starter: error:")]
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    return lines[0]


# ----------------------------------------------------------------------------- units


def test_log_refuses_a_fraction_for_a_claim_in_percent_and_says_how_to_fix_it(
    cli, repo: Path
) -> None:
    result = cli("log", "acc", "0.845588", cwd=repo)
    assert result.exit_code == 1
    line = error_line(result.stderr)
    assert "looks like a fraction of 1 but claim acc is in % (88.9 %)" in line
    assert "starter log acc 0.845588 --unit fraction" in line
    assert records(repo) == []


def test_log_converts_a_fraction_with_unit_and_says_so(cli, repo: Path) -> None:
    result = cli("log", "acc", "0.845588", "--unit", "fraction", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert "read '0.845588' as 84.5588 (claim acc is in %)" in result.stderr
    assert records(repo)[-1]["metrics"] == {"acc": pytest.approx(84.5588)}
    # a value really that far off is logged when the unit says so
    assert cli("log", "acc", "0.9", "--unit", "%", cwd=repo).exit_code == 0
    assert records(repo)[-1]["metrics"] == {"acc": 0.9}


def test_log_from_a_file_refuses_fractions_for_a_claim_in_percent(cli, repo: Path) -> None:
    (repo / "metrics.json").write_text('{"acc": 0.8456}', encoding="utf-8")
    result = cli("log", "--from", "metrics.json", cwd=repo)
    assert result.exit_code == 1
    assert "starter log --from metrics.json --unit fraction" in error_line(result.stderr)
    assert cli("log", "--from", "metrics.json", "--unit", "fraction", cwd=repo).exit_code == 0
    assert records(repo)[-1]["metrics"] == {"acc": pytest.approx(84.56)}


def test_a_unit_that_cannot_be_converted_is_an_error(cli, repo: Path) -> None:
    result = cli("log", "mse", "0.02", "--unit", "BLEU", cwd=repo)
    assert result.exit_code == 1
    assert "cannot convert to claim 'mse'" in error_line(result.stderr)


# ----------------------------------------------------------------------------- groups


def test_log_records_a_group_and_a_deviation_scoped_to_one_claim(cli, repo: Path) -> None:
    result = cli(
        "log", "acc", "88.1", "--group", "original code", "--deviation", "acc=CIFAR-10.1",
        "--deviation", "fp16", cwd=repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    record = records(repo)[-1]
    assert record["group"] == "original code"
    assert record["deviation"] == {"acc": "CIFAR-10.1"}  # the plain text applies to no other
    assert cli("log", "mse", "0.02", "--deviation", "fp16", cwd=repo).exit_code == 0
    assert records(repo)[-1]["deviation"] == "fp16"
    bad = cli("log", "acc", "88", "--group", "a@b", cwd=repo)
    assert bad.exit_code == 1 and "--group 'a@b'" in error_line(bad.stderr)


def test_log_records_checkpoint_evaluations(cli, repo: Path) -> None:
    assert cli("log", "acc", "88.8", "--kind", "checkpoint", cwd=repo).exit_code == 0
    assert records(repo)[-1]["kind"] == "checkpoint"
    data = json.loads(cli("status", "--json", cwd=repo).stdout)
    acc = data["claims"][0]
    assert acc["n"] == 0 and acc["apart"][0]["kind"] == "checkpoint"


# ----------------------------------------------------------------------------- claim shapes


def test_claim_add_reads_best_and_mean_in_one_print_as_two_linked_claims(cli, repo: Path) -> None:
    result = cli(
        "claim", "add", "test error", "6.43 (6.61±0.16)", "--unit", "%", "--runs", "5",
        "--lower-is-better", "--source", "Table 6", "--id", "c10", cwd=repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "added claim c10: test error 6.43%" in result.stdout
    assert "added claim c10-mean: test error 6.61%" in result.stdout
    card = load_card(repo / "paper.toml")
    best, mean = card.claim("c10"), card.claim("c10-mean")
    assert (best.value, best.aggregation.kind, best.aggregation.n) == (6.43, "best", 5)
    assert (mean.value, mean.aggregation.kind, mean.aggregation.spread) == (6.61, "mean", 0.16)
    assert (best.linked, mean.linked) == ("c10-mean", "c10")
    assert best.printed == mean.printed == "6.43 (6.61±0.16)"
    removed = cli("claim", "remove", "c10-mean", cwd=repo)
    assert removed.exit_code == 7 and "linked to it" in error_line(removed.stderr)


@pytest.mark.parametrize(
    ("printed", "value", "unit"), [("~2.85", 2.85, None), ("about 3%", 3, "%")]
)
def test_claim_add_marks_approximate_values(cli, repo, printed, value, unit) -> None:
    result = cli("claim", "add", "FID", printed, "--id", "fid", cwd=repo)
    assert result.exit_code == 0, result.stderr
    claim = load_card(repo / "paper.toml").claim("fid")
    assert (claim.value, claim.unit, claim.approximate, claim.printed) == (
        value, unit, True, printed,
    )  # fmt: skip
    assert "approximately" in result.stderr


def test_claim_add_takes_a_target_and_a_derived_mean(cli, repo: Path) -> None:
    for game, value in (("pong", "20.7"), ("breakout", "401.2")):
        assert cli("claim", "add", f"{game} score", value, "--id", game, cwd=repo).exit_code == 0
    result = cli(
        "claim", "add", "mean score", "210.9", "--id", "mean", "--mean-of", "pong,breakout",
        "--higher-is-better", "--target", "other paper", cwd=repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    claim = load_card(repo / "paper.toml").claim("mean")
    assert claim.derived.parts == ("pong", "breakout") and claim.target == "other paper"
    missing = cli("claim", "add", "m", "1", "--mean-of", "pong,nope", "--id", "m2", cwd=repo)
    assert missing.exit_code == 1 and "no other claim 'nope'" in error_line(missing.stderr)
    assert cli("claim", "add", "m", "1", "--target", "blog", cwd=repo).exit_code == 1


# ----------------------------------------------------------------------------- the gate


def test_status_check_require_names_the_claims_at_fault(cli, repo: Path) -> None:
    assert cli("status", "--check", cwd=repo).exit_code == 0  # the default is kept
    result = cli("status", "--check", "--require", "reproduced", cwd=repo)
    assert result.exit_code == 3
    assert "central claims not reproduced or better: acc (pending)" in error_line(result.stderr)
    for value in ("88.7", "88.9", "89.0"):
        cli("log", "acc", value, cwd=repo)
    assert cli("status", "--check", "--require", "judged", cwd=repo).exit_code == 0
    bad = cli("status", "--require", "everything", cwd=repo)
    assert bad.exit_code == 1 and "use reproduced or judged" in error_line(bad.stderr)


# ----------------------------------------------------------------------------- widths


@pytest.fixture
def busy(cli, repo: Path) -> Path:
    """A repository whose status has a group, a deviation, a checkpoint and long notes."""
    card = load_card(repo / "paper.toml")
    long_id = Claim(
        id="imagenet-top-5-error-val", metric="top-5 error", value=7.1, value_text="7.1",
        unit="%", direction="lower", tolerance=0.05, tolerance_origin="stated",
    )  # fmt: skip
    claims = (*card.claims, long_id)
    write_card(repo / "paper.toml", Paper(key=card.key, title=card.title, claims=claims))
    for seed, value in enumerate(("88.7", "88.9", "89.0")):
        cli("log", "acc", value, "--seed", str(seed), cwd=repo)
    for seed, value in enumerate(("87.1", "87.4")):
        cli("log", "acc", value, "--seed", str(seed), "--group", "original code", cwd=repo)
    cli("log", "acc", "86.0", "--deviation", "CIFAR-10.1 test set", cwd=repo)
    cli("log", "acc", "88.8", "--kind", "checkpoint", cwd=repo)
    cli("log", "mse", "0.0191", cwd=repo)
    cli("log", "imagenet-top-5-error-val", "7.0", cwd=repo)
    return repo


@pytest.mark.parametrize("columns", [60, 80, 120])
def test_status_reads_at_any_width_without_breaking_a_word(
    cli, busy: Path, columns: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    from starter.commands.status_view import cells, details
    from starter.track import status as core

    monkeypatch.setenv("COLUMNS", str(columns))
    result = cli("status", cwd=busy)  # CliRunner's stdout is a pipe
    assert result.exit_code == 0, result.stderr
    out = result.stdout.splitlines()
    assert all(len(line) <= columns for line in out), "\n".join(out)
    words = set(result.stdout.split())
    report = core.compute(busy, keep_runs=False)
    for row in report.claims:
        for text in [*cells(row).values(), *details(row)]:
            for word in text.split():
                assert word in words, (word, columns)  # whole, never broken mid-word
    assert "acc@original code" in result.stdout
    assert "1 indicative (1 better)" in result.stdout.replace("\n", " ")
