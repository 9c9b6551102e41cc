"""The README's results section: only what lies between the markers changes, a second run
changes nothing, and a README without markers gets an error saying what to add."""

from __future__ import annotations

from pathlib import Path

import pytest

from starter.errors import InputError, NotFoundError
from starter.report import readme

BEFORE = "# My reimplementation\n\nIntro | with a pipe.\n\n"
AFTER = "\n## How to run\n\n`python train.py`\n"
README = f"{BEFORE}{readme.BEGIN}\nplaceholder\n{readme.END}{AFTER}"


def test_section_replaces_only_what_lies_between_the_markers() -> None:
    text = readme.replace_section(README, "| a | b |\n|---|---|\n")

    assert text.startswith(BEFORE + readme.BEGIN + "\n| a | b |")
    assert text.endswith(readme.END + AFTER)
    assert "placeholder" not in text


def test_section_replacement_is_idempotent() -> None:
    once = readme.replace_section(README, "new table")

    assert readme.replace_section(once, "new table") == once


def test_section_keeps_windows_line_endings() -> None:
    text = readme.replace_section(README.replace("\n", "\r\n"), "line one\nline two")

    assert "line one\r\nline two\r\n" + readme.END in text
    assert "\n" not in text.replace("\r\n", "")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# no markers\n", readme.BEGIN),
        (f"{readme.BEGIN}\n", readme.END),
        (f"{readme.END}\n{readme.BEGIN}\n", "comes before"),
        (f"{readme.BEGIN}\n{readme.END}\n{readme.BEGIN}\n{readme.END}\n", "more than once"),
    ],
    ids=["none", "no-end", "reversed", "twice"],
)
def test_section_errors_say_what_is_wrong_with_the_markers(text: str, expected: str) -> None:
    with pytest.raises(InputError, match=expected) as caught:
        readme.replace_section(text, "x")
    assert "\n" not in caught.value.message


def test_update_writes_badge_and_readme_then_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text(README, encoding="utf-8")
    badge = readme.badge_svg(2, 3, decided=3)

    first = readme.update(tmp_path, "| table |", badge)
    snapshot = {p: p.read_bytes() for p in first}
    second = readme.update(tmp_path, "| table |", badge)

    assert sorted(p.name for p in first) == ["README.md", "badge.svg"]
    assert second == []
    assert {p: p.read_bytes() for p in first} == snapshot
    assert (tmp_path / "results" / "badge.svg").read_text(encoding="utf-8") == badge


def test_update_without_a_readme_says_what_to_create(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match=r"no README\.md"):
        readme.update(tmp_path, "x", readme.badge_svg(0, 0, 0))
    assert not (tmp_path / "results").exists()


def test_update_with_a_readme_without_markers_leaves_every_file_alone(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# hello\n", encoding="utf-8")

    with pytest.raises(InputError, match="add the two lines"):
        readme.update(tmp_path, "x", readme.badge_svg(1, 1, 1))
    assert (tmp_path / "README.md").read_text(encoding="utf-8") == "# hello\n"
    assert not (tmp_path / "results").exists()


@pytest.mark.parametrize(
    ("reproduced", "judgeable", "decided", "colour"),
    [
        (0, 3, 0, readme.GREY),
        (3, 3, 3, readme.GREEN),
        (2, 3, 3, readme.YELLOW),
        (0, 3, 2, readme.RED),
    ],
)
def test_badge_is_green_only_when_every_judgeable_claim_is_reproduced(
    reproduced: int, judgeable: int, decided: int, colour: str
) -> None:
    svg = readme.badge_svg(reproduced, judgeable, decided)

    assert f'fill="{colour}"' in svg
    assert f">{reproduced}/{judgeable}</text>" in svg
    assert 'aria-label="reproduced: ' in svg


def test_badge_counts_leave_out_facts_and_qualitative_claims() -> None:
    claims = [
        {"reported": 5.0, "direction": "lower", "verdict": "reproduced"},
        {"reported": 76.1, "direction": "higher", "verdict": "not-reproduced"},
        {"reported": 7291, "direction": None, "verdict": "pending"},
        {"reported": None, "direction": None, "verdict": "not-judged"},
    ]

    assert readme.badge_counts(claims) == (1, 2)
