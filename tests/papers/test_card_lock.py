"""Concurrent edits of paper.toml: each is made under a lock on a card read under that lock,
so none is lost."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

from starter.papers import catalog
from starter.papers.card import load_card
from starter.papers.card_write import write_card


def test_concurrent_claim_adds_all_land_in_the_card(tmp_path: Path):
    card = tmp_path / "paper.toml"
    write_card(card, catalog.get("lenet5"))
    before = len(load_card(card).claims)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "starter",
                "claim",
                "add",
                f"metric {i}",
                str(i + 0.5),
                "--id",
                f"c{i}",
                "--lower-is-better",
                "-C",
                str(tmp_path),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for i in range(10)
    ]
    outcomes = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()) for p in procs]  # type: ignore[union-attr]
    for code, out, err in outcomes:
        assert code == 0, err
        assert out.startswith("added claim c")
    ids = {c.id for c in load_card(card).claims}
    assert {f"c{i}" for i in range(10)} <= ids
    assert len(ids) == before + 10
    # The lock leaves no file behind in the repository (it would make every run "dirty").
    assert sorted(p.name for p in tmp_path.iterdir()) == ["paper.toml"]


def test_an_edit_waits_for_the_lock_and_reads_the_card_then(tmp_path: Path):
    from starter.papers import edit

    card = tmp_path / "paper.toml"
    write_card(card, catalog.get("lenet5"))
    with edit.card_lock(card):
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "starter",
                "claim",
                "add",
                "mine",
                "1.5",
                "--id",
                "mine",
                "-C",
                str(tmp_path),
            ],
            stderr=subprocess.PIPE,
            text=True,
        )
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=1.5)
        assert proc.poll() is None  # blocked on the lock
        # An edit made while the lock is held (as if just before): the waiting edit keeps it.
        card.write_text(card.read_text() + '\n[[claims]]\nid = "late"\nmetric = "late one"\n')
    assert proc.wait(timeout=60) == 0, proc.stderr.read()  # type: ignore[union-attr]
    ids = {c.id for c in load_card(card).claims}
    assert {"late", "mine"} <= ids
