"""The card cache skips TOML parsing only: an edited card is read anew, a cached one gives
the same paper, and a cache that cannot be written or read changes nothing."""

from __future__ import annotations

import os
import sys

from starter.papers import cardcache
from starter.papers.card import load_card
from starter.papers.card_write import write_card
from starter.papers.catalog import get

CARD = get("lecun1989")


def test_a_card_read_twice_is_the_same_paper_and_the_second_read_needs_no_parser(tmp_path):
    path = tmp_path / "paper.toml"
    write_card(path, CARD)
    assert load_card(path) == CARD
    sys.modules.pop("tomllib", None)
    sys.modules.pop("tomllib._parser", None)
    assert load_card(path) == CARD
    assert "tomllib" not in sys.modules


def test_an_edited_card_is_read_anew(tmp_path):
    path = tmp_path / "paper.toml"
    write_card(path, CARD)
    load_card(path)
    text = path.read_text(encoding="utf-8").replace("Backpropagation Applied", "Back-Propagation")
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(1, 1))  # even with an old time, the size differs
    assert load_card(path).title.startswith("Back-Propagation")


def test_an_entry_of_another_version_is_parsed_anew(tmp_path):
    path = tmp_path / "paper.toml"
    write_card(path, CARD)
    load_card(path)
    entry = cardcache._where(os.stat(path))
    assert entry is not None and entry.is_file()
    entry.write_text(entry.read_text().replace('"schema": 1', '"schema": 99', 1))
    assert load_card(path) == CARD


def test_an_unwritable_cache_costs_only_a_parse(tmp_path, monkeypatch):
    monkeypatch.setenv("STARTER_CACHE_DIR", str(tmp_path / "file-not-folder"))
    (tmp_path / "file-not-folder").write_text("x")
    path = tmp_path / "paper.toml"
    write_card(path, CARD)
    assert load_card(path) == CARD
    assert load_card(path) == CARD
