"""What a sweep plans: seeds and settings parsed, their product, placeholders filled, new
seeds picked for --runs, engine settings read, and the command status suggests."""

from __future__ import annotations

import contextlib
import json
import subprocess
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starter.errors import InputError, StarterError
from starter.models import Claim, Paper
from starter.papers.card import load_card
from starter.papers.card_write import write_card
from starter.track import results
from starter.track.sweep import knobs, plan
from starter.track.sweep.suggest import command_template, settle_command

ACC = Claim(id="acc", metric="accuracy", value=70.0, direction="higher")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    write_card(tmp_path / "paper.toml", Paper(key="p", title="P", claims=(ACC,)))
    return tmp_path


def log_run(root: Path, command: str, seed: int | None, **fields) -> dict:
    record = results.run_record({"acc": 70.0}, seed=seed, command=command, **fields)
    results.append(root, [record])
    return record


# ----------------------------------------------------------------------------- seeds, params


@pytest.mark.parametrize(
    ("text", "seeds"),
    [("1..6", [1, 2, 3, 4, 5, 6]), ("1,2,5", [1, 2, 5]), ("1..3,10", [1, 2, 3, 10]),
     ("0", [0]), ("3, 1..2 ,3", [3, 1, 2])],
)  # fmt: skip
def test_seeds_read_ranges_and_lists_in_order_each_once(text: str, seeds: list[int]) -> None:
    assert plan.parse_seeds(text) == seeds


@pytest.mark.parametrize(
    ("text", "message"),
    [("6..1", "counts down"), ("1,,2", "empty item"), ("a", "not a whole number"),
     ("-2", "from 0"), ("1..20000", "more than")],
)  # fmt: skip
def test_bad_seeds_say_what_to_write(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        plan.parse_seeds(text)


@given(st.lists(st.integers(0, 500), min_size=1, max_size=20))
def test_seeds_written_as_a_list_read_back(seeds: list[int]) -> None:
    assert plan.parse_seeds(",".join(map(str, seeds))) == list(dict.fromkeys(seeds))


@given(st.text(max_size=20))
def test_any_seeds_text_gives_seeds_or_one_starter_error(text: str) -> None:
    with contextlib.suppress(StarterError):
        plan.parse_seeds(text)


def test_params_split_on_commas_and_repeated_keys_add_values() -> None:
    values = plan.parse_param_values(["lr=0.1,0.01", "depth=2", "lr=0.001", "tag=a\\,b"])
    assert values == {"lr": ["0.1", "0.01", "0.001"], "depth": ["2"], "tag": ["a,b"]}


@pytest.mark.parametrize("item", ["lr", "=1", "lr=", "lr=1,,2", "l r=1", "seed=1,2"])
def test_bad_params_are_refused(item: str) -> None:
    with pytest.raises(InputError, match="--param"):
        plan.parse_param_values([item])


def test_plan_is_the_product_of_seeds_and_values_with_placeholders_filled() -> None:
    argv = ["python", "-c", "print({'a': 1})", "--lr={lr}", "--seed", "{seed}", "{depth}"]
    runs = plan.plan(argv, [1, 2], {"lr": ["0.1", "0.2"], "depth": ["3"]})
    assert [(r.seed, r.params["lr"]) for r in runs] == [
        (1, "0.1"), (1, "0.2"), (2, "0.1"), (2, "0.2")
    ]  # fmt: skip
    assert runs[1].argv == ["python", "-c", "print({'a': 1})", "--lr=0.2", "--seed", "1", "3"]
    assert [r.number for r in runs] == [1, 2, 3, 4]
    assert runs[1].label == "seed 1, lr=0.2, depth=3"


def test_a_setting_with_several_values_must_reach_the_command() -> None:
    with pytest.raises(InputError, match=r"write \{lr\} where the value goes"):
        plan.plan(["python", "train.py"], [1], {"lr": ["0.1", "0.2"]})
    # one value is only recorded, as `starter run --param` does
    assert plan.plan(["python", "train.py"], [1], {"lr": ["0.1"]})[0].params == {"lr": "0.1"}


def test_a_seed_placeholder_needs_seeds() -> None:
    with pytest.raises(InputError, match="--seeds or --runs"):
        plan.plan(["train", "--seed", "{seed}"], None, {})


def test_runs_take_the_smallest_seeds_this_command_has_not_used(root: Path) -> None:
    log_run(root, "python train.py", 1)
    log_run(root, "python train.py", 3)
    log_run(root, "python other.py", 2)  # another command: its seeds are free here
    log_run(root, "python train.py --seed 4", 4)  # the same command once {seed} is put back
    assert plan.unused_seeds(root, ["python", "train.py"], 3) == [2, 4, 5]
    assert plan.unused_seeds(root, ["python", "train.py", "--seed", "{seed}"], 2) == [1, 2]


# ----------------------------------------------------------------------------- engine settings


@pytest.mark.parametrize(
    ("text", "minutes"),
    [(90, 90), ("90", 90), ("90:30", 91), ("1:30:00", 90), ("2-00", 2880),
     ("2-12:30", 3630), ("0:0:30", 1)],
)  # fmt: skip
def test_time_is_read_as_slurm_reads_it(text, minutes: int) -> None:
    assert knobs.minutes(text) == minutes


@pytest.mark.parametrize("text", ["0", "soon", "1:2:3:4", "-5", ""])
def test_bad_time_is_refused(text: str) -> None:
    with pytest.raises(InputError, match="--time"):
        knobs.minutes(text)


def test_memory_takes_units() -> None:
    assert [knobs.gigabytes(v) for v in ("16G", "512M", 2, "1T", "3GB")] == [16, 0.5, 2, 1024, 3]
    with pytest.raises(InputError, match="--mem"):
        knobs.gigabytes("lots")


def test_flags_win_over_the_card_which_wins_over_the_config(root: Path, isolated_env) -> None:
    config = isolated_env / ".config" / "starter" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(
        'author = "A"\n[sweep.slurm]\npartition = "cpu"\ntime = 30\nmem = "4G"\n', encoding="utf-8"
    )
    card = root / "paper.toml"
    card.write_text(card.read_text() + '\n[sweep.slurm]\ntime = "2:00:00"\n', encoding="utf-8")
    load_card(card)  # the card still reads: [sweep] is allowed
    settings = knobs.resolve(root, "slurm", {"mem": "8G", "partition": None})
    assert settings == {"partition": "cpu", "time": 120, "mem_gb": 8.0}


def test_an_unknown_engine_setting_is_named(root: Path) -> None:
    card = root / "paper.toml"
    card.write_text(card.read_text() + "\n[sweep.slurm]\npartitoin = 'gpu'\n", encoding="utf-8")
    with pytest.raises(InputError, match="partitoin: unknown setting"):
        knobs.resolve(root, "slurm", {})


# ----------------------------------------------------------------------------- suggestion


def test_command_template_puts_the_seed_back() -> None:
    def template(command: str, seed: int | None = 7, **extra) -> str | None:
        return command_template({"command": command, "seed": seed, **extra})

    assert template("python train.py --seed 7 --epochs 7") == (
        "python train.py --seed '{seed}' --epochs 7"
    )
    assert template("python train.py --random-seed=7") == "python train.py '--random-seed={seed}'"
    assert template("starter log acc 5 --seed 7") is None  # typed in, not trained
    assert template("python t.py", origin="imported") is None
    assert template("x", sweep={"command": "python t.py --lr '{lr}'"}) == "python t.py --lr '{lr}'"


def test_settle_command_repeats_the_latest_training_command_of_the_row(root: Path) -> None:
    log_run(root, "python old.py", 1)
    log_run(root, "python train.py --seed 2", 2, params={"lr": "0.1"}, group="ours")
    results.append(root, [results.run_record({"acc": 1.0}, failed=True, command="python bad.py")])
    log_run(root, "starter log acc 70 --seed 3", 3)  # typed in: skipped
    assert settle_command(root, "acc", 4, "ours") == (
        "starter sweep --runs 4 --param lr=0.1 --group ours -- python train.py --seed '{seed}'"
    )
    # a claim's row without a group is its runs without one
    assert settle_command(root, "acc", 2) == "starter sweep --runs 2 -- python old.py"


def test_settle_command_reads_back_across_blocks(root: Path, monkeypatch) -> None:
    from starter.track.sweep import suggest

    monkeypatch.setattr(suggest, "BLOCK", 64)
    log_run(root, "python train.py", 1)
    for seed in range(2, 30):
        log_run(root, "starter log acc 70", seed)
    assert settle_command(root, "acc", 2) == "starter sweep --runs 2 -- python train.py"


def test_settle_command_without_a_training_command_says_cmd(root: Path) -> None:
    assert settle_command(root, "acc", 3) == "starter sweep --runs 3 -- CMD"


def test_status_suggests_the_sweep_for_an_inconclusive_claim(root: Path, cli) -> None:
    claim = Claim(id="acc", metric="accuracy", value=70.0, direction="higher", tolerance=1.0)
    write_card(root / "paper.toml", Paper(key="p", title="P", claims=(claim,)))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    for seed, value in ((1, 69.0), (2, 71.5), (3, 70.4)):
        results.append(
            root, [results.run_record({"acc": value}, seed=seed, command="python train.py")]
        )
    done = cli("status", "--json", "-C", root)
    (claim,) = json.loads(done.stdout)["claims"]
    assert claim["verdict"] == "inconclusive"
    more = claim["runs_to_settle"] - 3
    assert claim["settle_command"] == f"starter sweep --runs {more} -- python train.py"
    table = cli("status", "-C", root).stdout.replace("\n", " ")
    assert f"({more} more): starter sweep --runs {more}" in table
