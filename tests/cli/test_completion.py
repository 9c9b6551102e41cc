"""Shell completion through the real protocol, as bash, zsh and fish call it: starter runs in
a subprocess with `_STARTER_COMPLETE` set and the words typed so far in the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def complete(words: str, cwd: Path, shell: str = "bash") -> list[str]:
    """What `starter` offers for the last word of `words` (cursor at its end)."""
    env = {**os.environ, "_STARTER_COMPLETE": f"complete_{shell}"}
    if shell == "bash":
        split = words.split(" ")
        env.update(COMP_WORDS=words, COMP_CWORD=str(len(split) - 1))
    else:
        env.update(_TYPER_COMPLETE_ARGS=words, _TYPER_COMPLETE_FISH_ACTION="get-args")
    proc = subprocess.run(
        [sys.executable, "-m", "starter"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    return [line for line in proc.stdout.splitlines() if line]


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository of the catalog's lecun1989, and one claim of its own."""
    work = tmp_path_factory.mktemp("completion")
    card = (Path(__file__).resolve().parents[2] / "papers" / "lecun1989.toml").read_text()
    card += '\n[[claims]]\nid = "h2-parameters"\nmetric = "free parameters of H2"\nvalue = 2592\n'
    (work / "lecun1989").mkdir()
    (work / "lecun1989" / "paper.toml").write_text(card, encoding="utf-8")
    (work / "lecun1989" / "src").mkdir()
    return work / "lecun1989"


def test_new_and_show_complete_catalog_keys(tmp_path: Path) -> None:
    assert complete("starter new le", tmp_path) == ["lecun1989", "lenet1", "lenet5"]
    assert complete("starter show res", tmp_path) == ["resnet"]
    assert complete("starter new lecun1989 --template py", tmp_path) == ["pytorch"]


def test_claim_ids_come_from_the_repository_at_hand(repo: Path) -> None:
    assert complete("starter log te", repo / "src") == ["test-error", "test-mse", "test-size"]
    assert complete("starter claim tolerance h", repo) == ["h2-parameters"]
    assert complete("starter claim remove h2", repo) == ["h2-parameters"]
    assert "train-error" in complete("starter status --claim tr", repo)


def test_claim_ids_follow_the_directory_option(repo: Path, tmp_path: Path) -> None:
    assert complete(f"starter log -C {repo} h", tmp_path) == ["h2-parameters"]


def test_outside_a_repository_claim_ids_complete_to_nothing(tmp_path: Path) -> None:
    assert complete("starter log te", tmp_path) == []


def test_preset_names_complete_for_log_and_run(tmp_path: Path) -> None:
    assert complete("starter log --from train.log --preset co", tmp_path) == ["colon"]
    assert complete("starter run --preset eq", tmp_path) == ["equals"]


def test_zsh_and_fish_get_values_with_their_help(repo: Path) -> None:
    zsh = "\n".join(complete("starter log h2", repo, shell="zsh"))
    fish = complete("starter new lecun", repo, shell="fish")

    assert '"h2-parameters":"free parameters of H2"' in zsh
    assert fish == ["lecun1989\tBackpropagation Applied to Handwritten Zip Code Recognition"]
