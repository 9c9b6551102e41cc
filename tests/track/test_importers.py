"""Metrics from JSON, JSON Lines, CSV and text training logs."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starter.errors import InputError, NotFoundError, StarterError
from starter.track import importers
from starter.track.importers import generic, names


def metrics_of(found: importers.Imported) -> list[dict[str, float]]:
    return [run.metrics for run in found.runs]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_object_is_one_run(tmp_path: Path) -> None:
    path = write(tmp_path, "m.json", '{"test-error": 5.1, "train-error": 0.3, "model": "cnn"}')
    found = generic.read_file(path)
    assert metrics_of(found) == [{"test-error": 5.1, "train-error": 0.3}]
    assert [r.seed for r in found.runs] == [None]


def test_json_list_with_rows_is_one_run_per_item_with_seeds(tmp_path: Path) -> None:
    path = write(tmp_path, "m.json", '[{"seed": 1, "acc": 76.1}, {"seed": 2, "acc": 76.3}]')
    found = generic.read_file(path, rows=True)
    assert metrics_of(found) == [{"acc": 76.1}, {"acc": 76.3}]
    assert [r.seed for r in found.runs] == [1, 2]


def test_jsonl_epochs_form_one_run_keeping_the_last_values(tmp_path: Path) -> None:
    text = '{"epoch": 1, "acc": 50.0}\n{"epoch": 2, "acc": 60.0, "loss": 0.4}\n\n'
    found = generic.read_file(write(tmp_path, "log.jsonl", text))
    assert metrics_of(found) == [{"epoch": 2.0, "acc": 60.0, "loss": 0.4}]
    assert "acc (last of 2)" in found.notes[0]


def test_csv_rows_and_numbers_as_text(tmp_path: Path) -> None:
    path = write(tmp_path, "r.csv", "seed,acc,model\n1,76.1,cnn\n2,76.3,cnn\n")
    assert metrics_of(generic.read_file(path, rows=True)) == [{"acc": 76.1}, {"acc": 76.3}]
    assert metrics_of(generic.read_file(path)) == [{"acc": 76.3}]
    assert generic.read_file(path).runs[0].seed == 2


def test_text_log_with_colon_and_equals_presets(tmp_path: Path) -> None:
    text = (
        "Epoch 1: loss: 0.91 val_acc: 60.5%\n"
        "Epoch 2: loss: 0.52 val_acc: 71.25%\n"
        "final test_error=5.1 lr=1e-3\n"
    )
    path = write(tmp_path, "train.log", text)
    auto = generic.read_file(path).runs[0].metrics
    assert auto == {"loss": 0.52, "val_acc": 71.25, "test_error": 5.1, "lr": 0.001}
    assert generic.read_file(path, preset="colon").runs[0].metrics == {
        "loss": 0.52,
        "val_acc": 71.25,
    }
    assert generic.read_file(path, preset="equals").runs[0].metrics == {
        "test_error": 5.1,
        "lr": 0.001,
    }


def test_user_pattern_with_named_groups(tmp_path: Path) -> None:
    path = write(tmp_path, "out.txt", "step 10 | top1 76.2 | top5 93.0\n")
    by_name = generic.read_file(path, pattern=r"top1 (?P<top1>[\d.]+) \| top5 (?P<top5>[\d.]+)")
    assert metrics_of(by_name) == [{"top1": 76.2, "top5": 93.0}]
    pairwise = generic.read_file(path, pattern=r"(?P<key>top\d) (?P<value>[\d.]+)")
    assert metrics_of(pairwise) == [{"top1": 76.2, "top5": 93.0}]


def test_negative_and_exponent_values_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "vae.log", "elbo: -103.2\nkl: 1.5e+01\n")
    assert metrics_of(generic.read_file(path)) == [{"elbo": -103.2, "kl": 15.0}]


def test_map_ties_log_keys_to_claims() -> None:
    mapping = names.parse_map(["val_acc=top1-acc", " loss = train-loss "])
    assert names.apply_map({"val_acc": 1.0, "other": 2.0}, mapping) == {
        "top1-acc": 1.0,
        "other": 2.0,
    }
    assert ("loss", "train-loss") in mapping


def test_one_name_feeds_several_claims() -> None:
    mapping = names.parse_map(["resnet110=mean5", "resnet110=best5"])
    assert names.apply_map({"resnet110": 6.43}, mapping) == {"mean5": 6.43, "best5": 6.43}


@pytest.mark.parametrize("item", ["nomap", "=x", "x=", ""])
def test_bad_map_is_refused(item: str) -> None:
    with pytest.raises(InputError, match="LOGKEY=CLAIM_ID"):
        names.parse_map([item])


@pytest.mark.parametrize(
    ("name", "text", "kwargs", "message"),
    [
        ("m.json", "{not json", {}, "not valid JSON"),
        ("m.json", "[1, 2]", {}, "JSON object"),
        ("m.json", '{"acc": NaN}', {}, "not a finite number"),
        ("m.jsonl", '{"a": 1}\n{oops\n', {}, "line 2"),
        ("t.log", "nothing to see here\n", {}, "found no numbers"),
        ("t.log", "acc 1\n", {"pattern": "acc ([0-9]+)"}, "no named group"),
        ("t.log", "acc 1\n", {"pattern": "(?P<acc>[0-9]+"}, "not a valid regular"),
        ("t.log", "acc 1\n", {"preset": "spaces"}, "unknown --preset"),
        ("t.log", "acc 1\n", {"fmt": "xml"}, "unknown --format"),
    ],
)
def test_bad_files_give_one_clear_error(
    tmp_path: Path, name: str, text: str, kwargs: dict, message: str
) -> None:
    with pytest.raises(InputError, match=message):
        generic.read_file(write(tmp_path, name, text), **kwargs)


def test_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        generic.read_file(tmp_path / "missing.json")


@given(st.text(max_size=300))
def test_text_scanning_never_fails_on_arbitrary_text(text: str) -> None:
    for key, value in generic.scan_text(text.splitlines(), generic.regexes_for(None, None)):
        assert isinstance(key, str) and isinstance(value, float)


@given(st.text(max_size=50))
def test_user_patterns_only_raise_starter_errors(pattern: str) -> None:
    with contextlib.suppress(StarterError):
        generic.regexes_for(None, pattern or "x")
