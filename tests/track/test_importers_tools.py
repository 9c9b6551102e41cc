"""Each tool's reader on real files its tool wrote (tests/data/importers/README.md says
where each comes from), traps included: blank cells, nested keys, restarts, crashed runs."""

from __future__ import annotations

import sys

import pytest
from conftest import DATA

from starter.errors import InputError, SetupError
from starter.track import importers
from starter.track.importers import generic

D = DATA / "importers"


def read(*names: str, **options: object) -> importers.Imported:
    return importers.read([D / name for name in names], **options)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- detection


@pytest.mark.parametrize(
    ("name", "preset"),
    [
        ("lightning/gmnn/lightning_logs/version_0", "lightning"),
        ("lightning/opal/lightning_logs/version_0/metrics.csv", "lightning"),
        ("hf-trainer/whisper-ja", "hf-trainer"),
        ("hf-trainer/vit-irrigation/trainer_state.json", "hf-trainer"),
        ("lm-eval/bloom-560m/bloom-560m_common_sense_reasoning_0-shot.json", "lm-eval"),
        ("lm-eval/qwen2.5-1.5B", "lm-eval"),
        ("tensorboard/torch-summarywriter", "tensorboard"),
        ("wandb/robust-cartpole/wandb", "wandb"),
        ("wandb/mjlab-trained/wandb_export.csv", "wandb"),
        ("mlflow/pytorch-mnist/mlruns", "mlflow"),
        ("llmc/gpt2-124m-cuda/log124M/main.log.gz", "llmc"),
        ("llmc/llm.c-slurm/gpt2_train.11672255.log", "llmc"),
        ("nanogpt/build-nanogpt/log/train-2x-h100-epoch-1.log.gz", "nanogpt"),
        ("nanogpt/nanoGPT/out-shakespeare-char/log.txt", "nanogpt"),
        ("nanogpt/modded-nanogpt/official_seed0.stdout", "nanogpt"),
        ("keyvalue/bert-chinese/eval_results.txt", "keyvalue"),
    ],
)
def test_each_tool_s_files_are_recognised(name: str, preset: str) -> None:
    assert importers.detect(D / name) == preset


# ----------------------------------------------------------------------------- lightning


def test_lightning_700_epochs_are_one_run_whose_rows_are_a_curve() -> None:
    found = read("lightning/gmnn/lightning_logs/version_0/metrics.csv")
    (run,) = found.runs
    assert len(run.curve) == 700 and run.curve[-1].epoch == 699
    # train_loss is logged every 5th epoch only: its last value still counts, and the
    # negative val_acc (an R²-like score) is kept as it is.
    assert run.metrics["train_loss"] == pytest.approx(0.0014590681530535221)
    assert min(p.metrics["val_acc"] for p in run.curve) < 0
    assert "700 epochs" in found.notes[0]


def test_lightning_learning_rate_rows_and_crlf_merge_into_their_epochs() -> None:
    (run,) = read("lightning/opal/lightning_logs/version_0/metrics.csv").runs
    assert len(run.curve) == 8
    assert {"lr-Adam", "train/nll_loss", "val/rmse_loss"} <= set(run.curve[3].metrics)


def test_lightning_test_row_after_fit_joins_the_last_epoch() -> None:
    (run,) = read("lightning/mnist/lightning_logs/version_0/metrics.csv").runs
    assert "test_loss" in run.curve[-1].metrics and "val_accuracy" in run.curve[-1].metrics


def test_lightning_hparams_give_params_and_the_nested_seed() -> None:
    (run,) = read("lightning/asl/lightning_logs/version_0/metrics.csv").runs
    assert run.seed == 42
    assert run.params["cfg.model.lr"] == "0.001"
    assert run.params["cfg.data.img_size"] == "[200, 200]"


def test_lightning_hparams_with_a_pickled_tensor_do_not_run_code_or_fail() -> None:
    found = read("lightning/trash/lightning_logs/version_0/metrics.csv")
    assert "class_weights" in " ".join(found.notes)
    assert found.runs[0].metrics["val_acc"] == pytest.approx(0.983818769454956)


def test_lightning_single_row_run_has_one_point() -> None:
    (run,) = read("lightning/pinn/lightning_logs/version_3/metrics.csv").runs
    assert len(run.curve) == 1 and run.metrics["train_loss_step"] > 0


# ----------------------------------------------------------------------------- hf-trainer


def test_hf_folder_reads_all_results_and_keeps_the_evaluations_as_a_curve() -> None:
    found = read("hf-trainer/whisper-ja")
    (run,) = found.runs
    assert run.metrics["eval_wer"] == pytest.approx(0.7449365679946583)  # a fraction
    assert len(run.curve) == 5
    assert min(p.metrics["eval_wer"] for p in run.curve) == pytest.approx(0.7431560204762965)
    assert found.aliases["wer"] == "eval_wer"
    assert any("best_metric 0.743156 at checkpoint-3000" in n for n in found.notes)


def test_hf_eval_values_missing_from_the_results_come_from_trainer_state() -> None:
    found = read("hf-trainer/whisper-flemish")
    assert found.runs[0].metrics["eval_wer"] == pytest.approx(9.615871912312803, rel=0.2)
    assert any("took eval_" in n and "trainer_state.json" in n for n in found.notes)


def test_hf_new_style_state_without_evaluations_keeps_the_results() -> None:
    (run,) = read("hf-trainer/t5-summarization").runs
    assert run.metrics["eval_rouge2"] == 19.1949 and run.curve == []


# ----------------------------------------------------------------------------- lm-eval


def test_lm_eval_old_style_names_task_and_metric_and_keeps_stderr() -> None:
    (run,) = read("lm-eval/bloom-560m/bloom-560m_common_sense_reasoning_0-shot.json").runs
    assert run.metrics["hellaswag/acc_norm"] == pytest.approx(0.3655646285600478)
    assert run.stderr["hellaswag/acc_norm"] == pytest.approx(0.00480603903900897)
    assert "mc_taco/em" in run.metrics and "mc_taco/em" not in run.stderr
    assert run.params["hellaswag/version"] == "0" and run.params["num_fewshot"] == "0"


def test_lm_eval_new_style_reads_groups_filters_n_shot_and_its_own_time() -> None:
    (run,) = read("lm-eval/qwen2.5-1.5B").runs
    assert run.metrics["mmlu/acc"] == pytest.approx(0.5961401509756445)
    assert run.metrics["cola/mcc"] < 0
    assert run.params["hellaswag/n-shot"] == "0"
    assert run.time == "2025-03-02T23:52:52.261Z" and run.seed == 0
    assert run.source["harness_commit"] == "82b812f"
    (other,) = read("lm-eval/llama2-humaneval/results_2025-06-09T18-36-41.285612.json").runs
    assert other.metrics == {"humaneval/pass@1,create_test": pytest.approx(0.1524390243902439)}


# ----------------------------------------------------------------------------- keyvalue


def test_keyvalue_skips_nan_and_says_so() -> None:
    found = read("keyvalue/simcse/eval_results.txt")
    assert found.runs[0].metrics["eval_MR"] == 50.0
    assert "eval_stsb_spearman = nan" in found.notes[0]
    assert read("keyvalue/mbert/eval_results.txt").runs[0].metrics == {"acc": 0.7111776447105789}


# ----------------------------------------------------------------------------- wandb


def test_wandb_run_folder_keeps_the_run_s_own_provenance() -> None:
    found = read("wandb/robust-cartpole/wandb")
    (run,) = found.runs  # the offline run has no metrics: skipped, and said
    assert "ohlnfnqx has no metrics" in found.notes[0]
    assert run.source["id"] == "mckxrrzc" and run.seed == 42
    assert run.git["commit"] == "b63b989330235ec285a0c58ce5b094774a80dae8"
    assert run.env["host"] == "Rishabhs-MacBook-Pro.local"
    assert run.time == "2023-12-10T23:28:27.343Z"
    assert run.command is not None and run.command.startswith("python main.py --log --seed 42")
    assert not run.failed  # "state: running" is what old W&B writes at the start


def test_wandb_crashed_run_is_failed_and_nested_media_are_skipped() -> None:
    crashed, killed = read("wandb/loss-plateau/wandb").runs
    assert crashed.failed and "RuntimeError" in (crashed.failure or "")
    assert killed.metrics["MovingWindowQuotient/test_acc"] == 0.447265625
    assert "MovingWindowQuotient/input_seq" not in killed.metrics  # a text value


def test_wandb_runs_export_marks_killed_runs_failed() -> None:
    found = read("wandb/mjlab-trained/wandb_export.csv")
    assert len(found.runs) == 16
    assert sum(run.failed for run in found.runs) == 4
    assert "12 finished" in found.notes[0]
    no_state = read("wandb/text-aug/wandb_export.csv")
    assert no_state.runs[0].source["id"] == "3p0donj4"
    assert any("no State column" in n for n in no_state.notes)


def test_wandb_chart_export_is_refused_with_what_to_export_instead() -> None:
    with pytest.raises(InputError, match="chart"):
        read("wandb/di-f-fu-sion/wandb_export.csv", preset="wandb")


# ----------------------------------------------------------------------------- tensorboard


def test_tensorboard_reads_torch_and_tensorboardx_writers() -> None:
    (run,) = read("tensorboard/torch-summarywriter").runs
    assert set(run.metrics) == {"Loss/train", "Loss/test", "Accuracy/train", "Accuracy/test"}
    assert run.env == {"host": "3622b90a002f"} and run.time == "2024-05-11T04:18:35.088Z"
    (old,) = read("tensorboard/tensorboardx-2018").runs  # no file_version record
    assert old.metrics["acc/test"] == pytest.approx(0.8021000027656555)


def test_tensorboard_keras_subfolders_and_lightning_event_files_make_one_run() -> None:
    (keras,) = read("tensorboard/keras-tuner/0000").runs
    assert {"train/epoch_accuracy", "validation/epoch_accuracy"} <= set(keras.metrics)
    (lit,) = read("tensorboard/lightning-autoencoder/lightning_logs/version_0").runs
    assert "test/loss" in lit.metrics and "val/loss" in lit.metrics and lit.seed == 42


def test_tensorboard_negative_steps_and_folders_with_spaces() -> None:
    (run,) = read("tensorboard/tensorboardx-tutorial").runs
    assert run.curve[0].step == -360
    assert "sin and cos/sin/sin_and_cos" in run.metrics


def test_tensorboard_without_the_package_says_how_to_install_it(monkeypatch) -> None:
    for name in ("tensorboard", "tensorboard.util", "tensorboard.backend.event_processing"
                 ".event_file_loader"):  # fmt: skip
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(SetupError, match=r"pip install 'starter\[tensorboard\]'"):
        read("tensorboard/torch-summarywriter")


# ----------------------------------------------------------------------------- mlflow


def test_mlflow_file_store_latest_values_params_seed_and_time() -> None:
    runs = {r.source["id"]: r for r in read("mlflow/pytorch-mnist/mlruns").runs}
    run = runs["58a829e452164bf99b1d4fd228830189"]
    assert run.metrics["test_accuracy"] == 96.13 and run.seed == 1
    assert run.time == "2022-01-21T16:01:52.474Z" and run.env == {"user": "vladimir"}


def test_mlflow_git_commit_tag_failed_status_and_steps_all_zero() -> None:
    (tagged,) = read("mlflow/deepcnnclassifier/mlruns").runs
    assert tagged.git == {"commit": "adb497410cab3189f0438847f05b60c114787205"}
    done, failed = read("mlflow/xor-pytorch/mlruns").runs
    assert failed.failed and failed.metrics == {} and failed.failure == "MLflow status FAILED"
    # Every line at step 0: MLflow's own "latest" (largest step, then time) decides.
    lines = D / "mlflow/xor-pytorch/mlruns/0" / done.source["id"] / "metrics/train_loss"
    last = max(
        (int(p[2]), int(p[0]), float(p[1])) for p in map(str.split, lines.read_text().splitlines())
    )
    assert done.metrics["train_loss"] == last[2]


def test_mlflow_experiment_filter_names_the_experiments_there_are() -> None:
    with pytest.raises(Exception, match="experiments: Default"):
        read("mlflow/pytorch-mnist/mlruns", preset="mlflow", experiment="nope")


# ----------------------------------------------------------------------------- llm.c, nanoGPT


def test_llmc_main_log_final_values_and_hellaswag() -> None:
    found = read("llmc/gpt2-124m-cuda/log124M/main.log.gz")
    (run,) = found.runs
    assert run.metrics["val_loss"] == 3.2731 and run.metrics["hellaswag"] == 0.3054
    assert not run.failed
    assert found.aliases["tel"] == "val_loss"


def test_llmc_stdout_reads_val_loss_and_hellaswag_behind_carriage_returns() -> None:
    (run,) = read("llmc/llm.c-slurm/gpt2_train.11685414.log.gz").runs
    assert run.metrics["val_loss"] == 3.264775
    assert run.metrics["hellaswag"] == 0.304621
    assert run.source["last_step"] == 19560 and not run.failed


def test_llmc_nan_run_killed_by_slurm_is_failed_without_nan_values() -> None:
    (run,) = read("llmc/llm.c-slurm/gpt2_train.11672255.log").runs
    assert run.failed and "nan" in (run.failure or "")
    assert "train_loss" not in run.metrics


def test_llmc_failed_launch_is_a_failed_run_with_no_values() -> None:
    (run,) = read("llmc/llm.c-slurm/gpt2_train.11673594.log", preset="llmc").runs
    assert run.failed and run.metrics == {} and "Aborted" in (run.failure or "")


def test_nanogpt_restart_replaces_the_step_logged_again() -> None:
    first = "nanogpt/build-nanogpt/log/train-2x-h100-epoch-1.log.gz"
    second = "nanogpt/build-nanogpt/log/train-2x-h100-epoch-2.log.gz"
    alone = read(first).runs[0]
    assert alone.metrics["train_loss"] == 3.106661  # step 19072, the end of epoch 1
    found = read(first, second)
    (run,) = found.runs
    assert run.source["last_step"] == 38145
    assert "restarted at step 19072" in found.notes[0]
    # hellaswag and val loss are read whole ("a/b=c" gives c; "validation loss" is not "loss")
    assert 0.3 < run.metrics["hellaswag"] < 0.4 and run.metrics["val_loss"] < 3.2


def test_nanogpt_formats_and_a_truncated_last_line() -> None:
    (run,) = read("nanogpt/nanoGPT/out-shakespeare-char/log.txt").runs
    assert run.metrics["val_loss"] == 1.7189 and run.source["last_step"] == 5000
    (cut,) = read("nanogpt/nanoGPT/out-shakespeare-char-cepred/log_0.5.txt").runs
    assert cut.metrics["val_loss"] == 1.6915
    (modded,) = read("nanogpt/modded-nanogpt/official_seed0.stdout").runs
    assert modded.metrics == {"val_loss": 3.27894}  # not the "tail_ema ... tau:150" lines
    (local,) = read("nanogpt/build-nanogpt/log/train-local.log").runs
    assert local.failed and "KeyboardInterrupt" in (local.failure or "")


# ----------------------------------------------------------------------------- colon traps


def test_colon_preset_reads_fractions_and_multi_word_keys_from_a_real_log() -> None:
    found = generic.read_file(D / "nanogpt/build-nanogpt/log/train-2x-h100-epoch-1.log.gz",
                              preset="colon")  # fmt: skip
    metrics = found.runs[0].metrics
    assert metrics["HellaSwag accuracy"] == 0.3074  # not 3087, the numerator
    assert metrics["validation loss"] == 3.0717  # not mixed with "step N | loss:"
    assert metrics["loss"] == 3.106661


def test_colon_preset_refuses_one_key_in_two_kinds_of_line() -> None:
    # "Training DataLoader: total number of tokens: ..." and "Validation DataLoader: ...":
    # the last one would silently win.
    log = D / "nanogpt/nanogpt-speedrun/logs/cf1ef5f9-9f79-4798-9360-2b174d8eb25f.txt.gz"
    message = r"'total number of tokens' appears in two kinds of line: line \d+ 'Training "
    with pytest.raises(InputError, match=message + r"DataLoader.*line \d+ 'Validation"):
        generic.read_file(log, preset="colon")
    (run,) = importers.read([log]).runs  # the preset made for this log reads it
    assert run.metrics["val_loss"] > 0
