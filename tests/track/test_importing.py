"""`starter log --from` with tools' files: the run's own provenance, importing once, picking
a point of the curve, names tied to claims (--map, import_names), units, runs made elsewhere."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, committed_repo, git

from starter.models import Claim
from starter.track.results import log_path

D = DATA / "importers"
WER = Claim(id="wer", metric="WER", value=74.3, value_text="74.3", unit="%", direction="lower")
VAL_ACC = Claim(id="val-acc", metric="accuracy", value=0.99, direction="higher", central=True)
HELLA = Claim(
    id="hellaswag",
    metric="acc_norm",
    value=0.36,
    direction="higher",
    import_names=("hellaswag/acc_norm",),
)
MEAN5 = Claim(id="mean5", metric="error", value=6.61, direction="lower")
BEST5 = Claim(id="best5", metric="error", value=6.43, direction="lower")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return committed_repo(tmp_path / "repo", (WER, VAL_ACC, HELLA, MEAN5, BEST5))


def records(root: Path) -> list[dict]:
    path = log_path(root)
    return [json.loads(x) for x in path.read_text().splitlines()] if path.exists() else []


def test_import_keeps_the_run_s_own_provenance_and_this_repository_s_apart(cli, repo) -> None:
    run = D / "wandb/robust-cartpole/wandb/run-20231210_182827-mckxrrzc"
    result = cli("log", "--from", run, "--map", "adversary_reward=mean5", cwd=repo)
    assert result.exit_code == 0, result.stderr
    (record,) = records(repo)
    assert record["origin"] == "imported"
    assert record["source"]["tool"] == "wandb" and record["source"]["id"] == "mckxrrzc"
    assert record["time"] == "2023-12-10T23:28:27.343Z" and record["seed"] == 42
    assert record["git"]["commit"] == "b63b989330235ec285a0c58ce5b094774a80dae8"
    assert record["env"]["host"] == "Rishabhs-MacBook-Pro.local"
    here = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True)
    assert record["logged_at"]["commit"] == here.stdout.strip()
    keys = list(record)
    assert keys.index("duration") < keys.index("logged_at") < keys.index("git")
    assert keys[-1] == "starter_version"
    assert "starter: read " in result.stderr


def test_importing_the_same_source_again_adds_nothing(cli, repo) -> None:
    export = D / "wandb/mjlab-trained/wandb_export.csv"
    args = ("log", "--from", export, "--map", "Loss/value=mean5")
    assert cli(*args, cwd=repo).exit_code == 0
    assert len(records(repo)) == 16
    again = cli(*args, cwd=repo)
    assert again.exit_code == 0
    assert "skipped 16 runs already in the log" in again.stderr
    assert len(records(repo)) == 16
    failed = [r for r in records(repo) if r["failed"]]
    assert len(failed) == 4  # the killed runs


def test_select_best_uses_the_claim_s_direction_and_epoch_picks_one(cli, repo) -> None:
    folder = D / "lightning/gmnn/lightning_logs/version_0"
    best = cli("log", "--from", folder, "--map", "val_acc=val-acc", "--select", "best", cwd=repo)
    assert best.exit_code == 0, best.stderr
    values = []
    for line in (folder / "metrics.csv").read_text().splitlines()[1:]:
        cell = line.split(",")[3]
        if cell:
            values.append(float(cell))
    assert records(repo)[-1]["metrics"]["val-acc"] == max(values)
    assert "the highest val_acc" in best.stderr
    # --select is no new run of the same source: importing it again is skipped
    again = cli("log", "--from", folder, "--map", "val_acc=val-acc", "--select", "epoch=3",
                cwd=repo)  # fmt: skip
    assert "skipped 1 run" in again.stderr


def test_select_of_a_missing_epoch_names_the_range(cli, repo) -> None:
    result = cli("log", "--from", D / "lightning/gmnn/lightning_logs/version_0",
                 "--map", "val_acc=val-acc", "--select", "epoch=900", cwd=repo)  # fmt: skip
    assert result.exit_code == 1
    assert "no such epoch (found 0..699)" in result.stderr
    assert records(repo) == []


def test_one_name_feeds_two_claims(cli, repo) -> None:
    result = cli("log", "--from", D / "keyvalue/mbert/eval_results.txt",
                 "--map", "acc=mean5", "--map", "acc=best5", cwd=repo)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert records(repo)[0]["metrics"] == {"mean5": 0.7111776447105789, "best5": 0.7111776447105789}


def test_import_names_on_the_card_tie_without_map_and_stderr_is_kept(cli, repo) -> None:
    path = D / "lm-eval/bloom-560m/bloom-560m_common_sense_reasoning_0-shot.json"
    result = cli("log", "--from", path, cwd=repo)
    assert result.exit_code == 0, result.stderr
    (record,) = records(repo)
    assert record["metrics"]["hellaswag"] == pytest.approx(0.3655646285600478)
    assert record["source"]["stderr"]["hellaswag/acc_norm"] == pytest.approx(0.00480603903900897)
    assert record["params"]["hellaswag/version"] == "0"
    assert "counted for no claim" in result.stderr


def test_eval_prefix_is_understood_and_unit_converts_a_fraction(cli, repo) -> None:
    result = cli("log", "--from", D / "hf-trainer/whisper-ja", "--map", "wer=wer",
                 "--unit", "fraction", cwd=repo)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert records(repo)[0]["metrics"]["wer"] == pytest.approx(74.49365679946583)


def test_unmatched_names_are_listed_with_the_closest_claim_ids(cli, repo) -> None:
    result = cli("log", "--from", D / "lightning/mnist/lightning_logs/version_0", cwd=repo)
    assert result.exit_code == 1
    assert "val_accuracy (closest: val-acc)" in result.stderr
    assert 'import_names = ["NAME"]' in result.stderr


def test_a_crashed_run_is_recorded_as_failed(cli, repo) -> None:
    folder = D / "wandb/loss-plateau/wandb/run-20260123_005123-jjg8usaf"
    result = cli("log", "--from", folder, cwd=repo)
    assert result.exit_code == 0, result.stderr
    (record,) = records(repo)
    assert record["failed"] is True and record["metrics"] == {}
    assert "recorded as failed" in result.stderr and "RuntimeError" in result.stderr


def test_a_run_made_elsewhere_keeps_the_provenance_given(cli, repo) -> None:
    result = cli("log", "mean5", "6.61", "--commit", "abc1234", "--date", "2016-03-01",
                 "--by", "Kaiming He", "--source", "https://github.com/KaimingHe/deep-residual-networks",
                 cwd=repo)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (record,) = records(repo)
    assert record["origin"] == "recorded"
    assert record["git"] == {"commit": "abc1234"} and record["env"] == {"user": "Kaiming He"}
    assert record["time"] == "2016-03-01T00:00:00.000Z"
    assert record["source"] == {"url": "https://github.com/KaimingHe/deep-residual-networks"}
    assert record["logged_at"]["commit"]


def test_a_bad_date_is_refused(cli, repo) -> None:
    result = cli("log", "mean5", "6.61", "--date", "yesterday", cwd=repo)
    assert result.exit_code == 1 and "--date 'yesterday'" in result.stderr
    assert records(repo) == []


# ----------------------------------------------------------------------------- starter run

COPY = "import shutil, sys; shutil.copytree(sys.argv[1], sys.argv[2], copy_function=shutil.copy)"


def test_run_records_what_lightning_wrote_during_the_run(starter_proc, repo) -> None:
    source = D / "lightning/gmnn/lightning_logs/version_0"
    done = starter_proc(
        "run", "--map", "val_acc=val-acc", "--", sys.executable, "-c", COPY, source,
        "lightning_logs/version_0", cwd=repo,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert (
        "read " in done.stderr and "lightning_logs/version_0/metrics.csv (lightning)" in done.stderr
    )
    (record,) = records(repo)
    assert record["origin"] == "captured" and record["source"]["tool"] == "lightning"
    assert record["metrics"]["val-acc"] == pytest.approx(0.6520993113517761)
    assert record["git"]["commit"]  # this machine's: starter ran it


def test_run_no_detect_and_outputs_older_than_the_run_are_left_alone(starter_proc, repo) -> None:
    import shutil

    shutil.copytree(D / "hf-trainer/whisper-ja", repo / "out")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "an older output")
    old = starter_proc("run", "--", sys.executable, "-c", "pass", cwd=repo)
    assert old.returncode == 0 and "reported no metrics" in old.stderr
    fresh = starter_proc("run", "--no-detect", "--", sys.executable, "-c", COPY,
                         D / "hf-trainer/whisper-flemish", "out2", cwd=repo)  # fmt: skip
    assert "reported no metrics" in fresh.stderr
    assert [r["metrics"] for r in records(repo)] == [{}, {}]


def test_the_seed_the_program_reports_wins_with_a_warning(starter_proc, repo) -> None:
    program = (
        "import json, os; json.dump({'mean5': 6.5, 'seed': 0}, "
        "open(os.environ['STARTER_METRICS_FILE'], 'w'))"
    )
    done = starter_proc("run", "--seed", "3", "--", sys.executable, "-c", program, cwd=repo)
    assert done.returncode == 0, done.stderr
    (record,) = records(repo)
    assert record["seed"] == 0 and "seed" not in record["metrics"]
    assert "--seed 3, but the program reports seed 0" in done.stderr
