"""`starter claim`, `log`, `run` and `status` from the command line: the happy paths, and
each bad input giving one line on stderr, its exit code, and nothing written."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import committed_repo, git
from hypothesis import given
from hypothesis import strategies as st

from starter.errors import InputError
from starter.models import Claim, Paper
from starter.papers.card import load_card
from starter.papers.card_write import write_card
from starter.track.recorder import parse_value
from starter.track.results import log_path

TOP1 = Claim(
    id="top1", metric="top-1 accuracy", value=76.2, value_text="76.2", unit="%",
    direction="higher", split="val (50,000)", central=True,
)  # fmt: skip
ELBO = Claim(id="elbo", metric="ELBO", value=-103.2, value_text="-103.2", direction="higher")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_repo(tmp_path / "repo", (TOP1, ELBO))


def records(root: Path) -> list[dict]:
    path = log_path(root)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.startswith("starter: error:")]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


# ----------------------------------------------------------------------------- claim


def test_claim_add_list_tolerance_remove(cli, repo: Path) -> None:
    result = cli(
        "claim", "add", "test error", "6.43", "--unit", "%", "--lower-is-better",
        "--dataset", "CIFAR-10", "--split", "test (10,000)", "--source", "Table 6",
        "--spread", "0.16", "--runs", "5", "--tolerance", "0.3", "--tolerance-origin", "sd",
        "--id", "c10-err", "-C", repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    claim = load_card(repo / "paper.toml").claim("c10-err")
    assert (claim.value, claim.value_text, claim.direction, claim.tolerance) == (
        6.43, "6.43", "lower", 0.3,
    )  # fmt: skip
    assert claim.aggregation.kind == "mean" and claim.aggregation.n == 5
    assert records(repo)[-1]["type"] == "tolerance"  # --tolerance is logged with its time

    listed = cli("claim", "list", "--json", "-C", repo)
    assert [c["id"] for c in json.loads(listed.stdout)] == ["top1", "elbo", "c10-err"]
    assert "c10-err" in cli("claim", "list", "-C", repo).stdout

    result = cli("claim", "tolerance", "top1", "0.4", "--origin", "2 binomial SE", cwd=repo)
    assert result.exit_code == 0
    assert load_card(repo / "paper.toml").claim("top1").tolerance == 0.4
    assert records(repo)[-1] == {**records(repo)[-1], "claim": "top1", "value": 0.4}

    result = cli("claim", "remove", "c10-err", cwd=repo)
    assert result.exit_code == 0
    assert load_card(repo / "paper.toml").claim("c10-err") is None


def test_claim_add_reads_negative_values_and_percent(cli, repo: Path) -> None:
    assert cli("claim", "add", "log likelihood", "-88.5", "--id", "ll", cwd=repo).exit_code == 0
    result = cli("claim", "add", "top-5 accuracy", "93%", "--id", "top5", cwd=repo)
    assert result.exit_code == 0
    paper = load_card(repo / "paper.toml")
    assert paper.claim("ll").value == -88.5
    top5 = paper.claim("top5")
    assert (top5.value, top5.value_text, top5.unit, top5.direction) == (93, "93", "%", "higher")
    assert "took higher as better" in result.stderr


def test_claim_add_reads_a_range(cli, repo: Path) -> None:
    assert cli("claim", "add", "perplexity", "20.1..24.5", "--id", "ppl", cwd=repo).exit_code == 0
    claim = load_card(repo / "paper.toml").claim("ppl")
    assert (claim.value, claim.value_text, claim.direction) == ((20.1, 24.5), "20.1-24.5", "lower")


def test_claim_tolerance_from_test_size(cli, repo: Path) -> None:
    result = cli("claim", "tolerance", "top1", "--test-size", "50000", cwd=repo)
    assert result.exit_code == 0, result.stderr
    claim = load_card(repo / "paper.toml").claim("top1")
    assert claim.tolerance == pytest.approx(2 * (0.762 * 0.238 / 50000) ** 0.5 * 100, rel=1e-2)
    assert claim.tolerance_origin == "2 binomial SE on 50,000 items"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("claim", "add", "acc", "abc"), 1, "is not a number"),
        (("claim", "add", "acc", "1", "--tolerance", "0.1"), 1, "--tolerance-origin"),
        (("claim", "add", "acc", "1", "--id", "top1"), 7, "already exists"),
        (("claim", "tolerance", "nope", "0.1", "--origin", "x"), 4, "known claims: top1, elbo"),
        (("claim", "tolerance", "top1", "0.1"), 1, "--origin"),
        (("claim", "tolerance", "top1", "-0.1", "--origin", "x"), 2, ""),
        (("claim", "remove", "nope"), 4, "no claim 'nope'"),
    ],
)
def test_claim_errors_write_nothing(cli, repo: Path, args, code: int, message: str) -> None:
    before = (repo / "paper.toml").read_bytes()
    result = cli(*args, cwd=repo)
    assert result.exit_code == code
    if code != 2:
        assert message in error_line(result.stderr)
    assert (repo / "paper.toml").read_bytes() == before
    assert records(repo) == []


# ----------------------------------------------------------------------------- log


def test_log_records_a_run_with_provenance(cli, repo: Path) -> None:
    result = cli(
        "log", "top1", "76.3", "--seed", "3", "--param", "lr=0.1", "--note", "first",
        cwd=repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (record,) = records(repo)
    assert record["metrics"] == {"top1": 76.3}
    assert (record["seed"], record["params"], record["note"]) == (3, {"lr": "0.1"}, "first")
    assert record["git"]["dirty"] is False and len(record["git"]["commit"]) == 40
    assert record["env"]["python"]
    assert "logged run" in result.stdout
    assert result.stderr == ""  # a clean tree: no warning


@pytest.mark.parametrize("args", [("elbo", "--", "-104.5"), ("elbo", "-104.5")])
def test_log_accepts_negative_values(cli, repo: Path, args: tuple[str, ...]) -> None:
    result = cli("log", *args, cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert records(repo)[0]["metrics"] == {"elbo": -104.5}


def test_log_reads_percent_for_a_claim_in_percent_and_says_so(cli, repo: Path) -> None:
    result = cli("log", "top1", "76.1%", cwd=repo)
    assert result.exit_code == 0
    assert records(repo)[0]["metrics"] == {"top1": 76.1}
    assert "read '76.1%' as 76.1" in result.stderr


def test_log_warns_about_a_dirty_tree_and_saves_the_patch(cli, repo: Path) -> None:
    (repo / "train.py").write_text("print('changed')\n", encoding="utf-8")
    result = cli("log", "top1", "76.0", cwd=repo)
    assert result.exit_code == 0
    assert "uncommitted changes in 1 file" in result.stderr
    git_state = records(repo)[0]["git"]
    assert git_state["dirty"] is True
    assert (repo / git_state["patch"]).is_file()


def test_log_outside_git_still_records_with_a_warning(cli, tmp_path: Path) -> None:
    write_card(tmp_path / "paper.toml", Paper(key="d", title="D", claims=(TOP1,)))
    result = cli("log", "top1", "76.0", cwd=tmp_path)
    assert result.exit_code == 0
    assert "not in a git repository" in result.stderr
    assert records(tmp_path)[0]["git"] == {}


def test_log_from_file_with_map_and_unclaimed_names(cli, repo: Path) -> None:
    (repo / "train.log").write_text("epoch 1: val_acc: 70.0\nepoch 2: val_acc: 76.4 loss: 0.3\n")
    result = cli("log", "--from", "train.log", "--map", "val_acc=top1", "--seed", "4", cwd=repo)
    assert result.exit_code == 0, result.stderr
    (record,) = records(repo)
    assert record["metrics"] == {"top1": 76.4, "loss": 0.3}
    assert record["seed"] == 4
    assert "counted for no claim: loss" in result.stderr
    assert "known claims: top1, elbo" in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("log", "top1", "abc"), 1, "is not a number"),
        (("log", "top1", "nan"), 1, "not a finite number"),
        (("log", "top1", "inf"), 1, "not a finite number"),
        (("log", "elbo", "95%"), 1, "type the number alone"),
        (("log", "nope", "1"), 4, "known claims: top1, elbo"),
        (("log", "top1", "1", "--kind", "other"), 1, "--kind"),
        (("log", "top1", "1", "--param", "lr"), 1, "KEY=VALUE"),
        (("log", "--from", "missing.json"), 4, "missing.json"),
        (("log",), 2, "missing argument 'CLAIM_ID'"),  # a usage error (README: exit 2)
        (("log", "--from", "other.log"), 1, "no name in other.log is a claim id or tied"),
    ],
)
def test_log_errors_write_nothing(cli, repo: Path, args, code: int, message: str) -> None:
    (repo / "other.log").write_text("root: 1\nloss: 0.3\n", encoding="utf-8")
    result = cli(*args, cwd=repo)
    assert result.exit_code == code
    assert message in error_line(result.stderr)
    assert records(repo) == []


def test_commands_outside_a_repository_say_where_to_go(cli, tmp_path: Path) -> None:
    for args in (("log", "a", "1"), ("status",), ("claim", "list"), ("run", "--", "true")):
        result = cli(*args, cwd=tmp_path)
        assert result.exit_code == 4
        assert "no paper.toml" in error_line(result.stderr)


# ----------------------------------------------------------------------------- run

TRAIN = """
import json, os, sys
print("epoch 1: acc: 70.0", flush=True)
seed = int(os.environ.get("STARTER_SEED", "0"))
with open(os.environ["STARTER_METRICS_FILE"], "w") as f:
    json.dump({"top1": 76.0 + seed / 10, "train-loss": 0.3}, f)
sys.exit(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
"""


@pytest.fixture
def train(repo: Path) -> Path:
    path = repo / "train.py"
    path.write_text(TRAIN, encoding="utf-8")
    git(repo, "add", "train.py")
    git(repo, "commit", "-qm", "train")
    return path


def test_run_collects_metrics_and_records_one_run(starter_proc, repo: Path, train: Path) -> None:
    done = starter_proc("run", "--seed", "2", "--", sys.executable, "train.py", cwd=repo)
    assert done.returncode == 0, done.stderr
    assert "epoch 1: acc: 70.0" in done.stdout  # the command's own output goes through
    (record,) = records(repo)
    assert record["metrics"] == {"top1": 76.2, "train-loss": 0.3}
    assert record["seed"] == 2 and record["failed"] is False
    assert record["command"].endswith("train.py") and record["duration"] >= 0
    assert "counted for no claim: train-loss" in done.stderr


def test_run_passes_the_exit_code_through_and_records_a_failed_run(
    starter_proc, repo: Path, train: Path
) -> None:
    done = starter_proc("run", "--", sys.executable, "train.py", "3", cwd=repo)
    assert done.returncode == 3
    (record,) = records(repo)
    assert record["failed"] is True
    assert "recorded as failed" in done.stderr


def test_run_reads_metrics_from_output_with_a_pattern(cli, repo: Path, train: Path) -> None:
    script = repo / "plain.py"
    script.write_text("print('final top-1: 75.8')\n", encoding="utf-8")
    result = cli(
        "run", "--pattern", r"top-1: (?P<top1>[\d.]+)", "--", sys.executable, "plain.py",
        cwd=repo,
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert records(repo)[0]["metrics"] == {"top1": 75.8}


def test_run_of_a_missing_command_exits_127_and_records_nothing(cli, repo: Path) -> None:
    result = cli("run", "--", "no-such-command-for-starter", cwd=repo)
    assert result.exit_code == 127
    assert "command not found: no-such-command-for-starter" in error_line(result.stderr)
    assert records(repo) == []


def test_run_with_a_metrics_file_that_is_not_json_records_nothing(cli, repo: Path) -> None:
    script = repo / "bad.py"
    script.write_text(
        "import os\nopen(os.environ['STARTER_METRICS_FILE'], 'w').write('acc=1')\n",
        encoding="utf-8",
    )
    result = cli("run", "--", sys.executable, "bad.py", cwd=repo)
    assert result.exit_code == 1
    assert "not JSON" in error_line(result.stderr)
    assert records(repo) == []


# ----------------------------------------------------------------------------- status


def log_all(cli, repo: Path, claim: str, values: list[str]) -> None:
    for value in values:
        assert cli("log", claim, value, cwd=repo).exit_code == 0


def test_status_walkthrough_table_and_json(cli, repo: Path) -> None:
    cli("claim", "tolerance", "top1", "0.4", "--origin", "2 binomial SE", cwd=repo)
    log_all(cli, repo, "top1", ["75.9", "76.3", "76.1", "76.4"])
    cli("log", "top1", "80", "--kind", "extension", cwd=repo)
    cli("log", "elbo", "-104", cwd=repo)
    result = cli("status", cwd=repo)
    assert result.exit_code == 0, result.stderr
    assert "reproduced" in result.stdout and "needs tolerance" in result.stdout
    assert "top1: extension runs (never counted): n = 1, mean 80" in result.stdout
    data = json.loads(cli("status", "--json", cwd=repo).stdout)
    top1, elbo = data["claims"]
    documented = {
        "id", "metric", "reported", "reported_text", "unit", "direction", "tolerance",
        "tolerance_origin", "n", "mean", "sd", "ci95", "best", "verdict", "detail", "notes",
        "suggested_tolerance", "runs_to_settle",
    }  # fmt: skip
    assert documented <= set(top1)
    assert (top1["verdict"], top1["n"], top1["best"]) == ("reproduced", 4, 76.4)
    assert top1["ci95"] == pytest.approx([-0.3896, 0.3396], abs=1e-3)
    assert (elbo["verdict"], elbo["detail"]) == ("needs-tolerance", None)
    assert elbo["suggested_tolerance"]["command"].startswith("starter claim tolerance elbo")
    only = json.loads(cli("status", "--json", "--claim", "elbo", cwd=repo).stdout)
    assert [c["id"] for c in only["claims"]] == ["elbo"]


def test_status_check_exits_3_when_a_central_claim_is_not_reproduced(cli, repo: Path) -> None:
    cli("claim", "tolerance", "top1", "0.4", "--origin", "x", cwd=repo)
    assert cli("status", "--check", cwd=repo).exit_code == 0  # pending is not a failure
    log_all(cli, repo, "top1", ["70.0", "70.1", "69.9"])
    result = cli("status", "--check", cwd=repo)
    assert result.exit_code == 3
    assert "not reproduced: top1" in error_line(result.stderr)


def test_status_warns_about_torn_lines_and_goes_on(cli, repo: Path) -> None:
    log_all(cli, repo, "top1", ["76.0"])
    with log_path(repo).open("a", encoding="utf-8") as handle:
        handle.write('{"schema": 1, "type": "ru')
    result = cli("status", "--json", cwd=repo)
    assert result.exit_code == 0
    assert "results/runs.jsonl line 2: not valid JSON (cut short); skipped" in result.stderr
    assert json.loads(result.stdout)["claims"][0]["n"] == 1


def test_status_of_an_unknown_claim(cli, repo: Path) -> None:
    result = cli("status", "--claim", "nope", cwd=repo)
    assert result.exit_code == 4
    assert "known claims: top1, elbo" in error_line(result.stderr)


def test_log_costs_no_heavy_imports(repo: Path) -> None:
    code = (
        "import sys; from starter.cli import main; sys.argv = ['starter', 'log', 'top1', '76'];\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('git', 'tomlkit', 'scipy', 'jinja2', 'requests', 'rich.table')"
        " if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=repo, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


@given(st.text(max_size=30))
def test_any_typed_value_is_a_finite_number_or_one_clear_error(text: str) -> None:
    try:
        value, _ = parse_value(text, TOP1)
    except InputError as exc:
        assert "\n" not in exc.message
    else:
        assert math.isfinite(value)


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "1e999", "Infinity"])
def test_non_finite_values_are_refused(text: str) -> None:
    with pytest.raises(InputError, match="not a finite number"):
        parse_value(text, TOP1)


def test_a_qualitative_claim_takes_no_value(cli, repo: Path) -> None:
    assert cli("claim", "add", "learns edge detectors", "--id", "edges", cwd=repo).exit_code == 0
    result = cli("log", "edges", "1", cwd=repo)
    assert result.exit_code == 1
    assert "qualitative" in error_line(result.stderr)
    assert records(repo) == []
