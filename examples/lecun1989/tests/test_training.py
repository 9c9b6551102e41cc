"""Training as `starter run` drives it: the settings, determinism, the metrics contract
(numbers under the claims' ids, and the seed), and the checkpoint evaluate.py reads."""

import json
from pathlib import Path

import pytest

from lecun1989 import config, evaluate, train

CLAIMS = (
    "test-error",
    "train-error",
    "train-mse",
    "test-mse",
    "train-size",
    "test-size",
    "training-passes",
    "units",
    "connections",
    "independent-parameters",
)
CONFIGS = Path(__file__).parent.parent / "configs"


def test_training_is_deterministic_for_a_seed() -> None:
    _, a = train.train(config.Config(passes=2, seed=5))
    _, b = train.train(config.Config(passes=2, seed=5))
    assert a == b
    _, c = train.train(config.Config(passes=2, seed=6))
    assert c["train-mse"] != a["train-mse"]


def test_fast_training_writes_every_claim_and_the_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metrics_file = tmp_path / "metrics.json"
    monkeypatch.setenv("STARTER_METRICS_FILE", str(metrics_file))
    monkeypatch.setenv("STARTER_SEED", "3")
    assert train.main(["--fast"]) == 0
    m = json.loads(metrics_file.read_text())
    assert set(m) == {*CLAIMS, "seed"}
    assert all(isinstance(v, float) for v in m.values())
    assert m["seed"] == 3
    assert m["training-passes"] == train.FAST_PASSES
    assert (m["units"], m["connections"], m["independent-parameters"]) == (1256, 64660, 9760)
    assert (m["train-size"], m["test-size"]) == (1198, 599)
    # three passes already learn the proxy digits
    assert m["test-error"] < 15


def test_the_modern_variant_leaves_out_the_papers_mse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metrics_file = tmp_path / "metrics.json"
    monkeypatch.setenv("STARTER_METRICS_FILE", str(metrics_file))
    assert train.main(["--config", str(CONFIGS / "modern.toml"), "--passes", "1"]) == 0
    m = json.loads(metrics_file.read_text())
    assert "test-error" in m
    assert "test-mse" not in m
    assert "train-mse" not in m


def test_holdout_runs_record_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    metrics_file = tmp_path / "metrics.json"
    monkeypatch.setenv("STARTER_METRICS_FILE", str(metrics_file))
    assert train.main(["--passes", "1", "--holdout", "300"]) == 0
    assert not metrics_file.exists()


def test_evaluate_reads_the_checkpoint_that_train_saved(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    checkpoint = tmp_path / "model.npz"
    assert train.main(["--passes", "1", "--seed", "2", "--checkpoint", str(checkpoint)]) == 0
    trained = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert evaluate.main(["--checkpoint", str(checkpoint)]) == 0
    evaluated = json.loads(capsys.readouterr().out)
    assert evaluated["test-error"] == trained["test-error"]
    assert evaluated["test-mse"] == trained["test-mse"]


def test_config_files_hold_the_papers_setup_and_the_extension() -> None:
    paper = config.settings(config.Config(), CONFIGS / "default.toml")
    assert paper == config.Config()
    assert (paper.variant, paper.passes, paper.init, paper.momentum) == ("1989", 23, "paper", 0)
    modern = config.settings(config.Config(), CONFIGS / "modern.toml")
    assert (modern.variant, modern.passes, modern.init) == ("modern", 23, "he")


def test_flags_win_over_the_seed_from_starter_which_wins_over_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    file = tmp_path / "mine.toml"
    file.write_text("passes = 3\nlr = 1\nseed = 7\n")
    assert config.settings(config.Config(), file) == config.Config(passes=3, lr=1.0, seed=7)
    monkeypatch.setenv("STARTER_SEED", "11")
    assert config.settings(config.Config(), file).seed == 11
    assert config.settings(config.Config(), file, seed=2, passes=None) == config.Config(
        passes=3, lr=1.0, seed=2
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("pass = 3\n", "pass: unknown"),
        ('lr = "fast"\n', "lr: expected float"),
        ('variant = "1998"\n', "variant: expected one of 1989, modern"),
        ("passes = 0\n", "passes must be at least 1"),
    ],
)
def test_a_wrong_config_file_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "bad.toml"
    file.write_text(text)
    with pytest.raises(config.ConfigError, match=message):
        config.settings(config.Config(), file)
