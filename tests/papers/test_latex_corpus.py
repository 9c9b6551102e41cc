"""The corpus itself (tests/data/latex/): every hand-written truth number of the papers the
extractor is tuned on is printed on the line its truth.json states (held-out truths are read
only by bench/extraction.py)."""

from __future__ import annotations

import json
import re

import pytest
from conftest import DATA

from starter.papers.latex.unpack import unpack

CORPUS = DATA / "latex"
SPLIT = json.loads((CORPUS / "SPLIT.json").read_text(encoding="utf-8"))


def _digits(text: str) -> str:
    """The number as a pattern that tolerates how LaTeX prints it ("3.3·10^18", "−54.9")."""
    plain = text.replace("−", "-").lstrip("+-")
    mantissa = re.split(r"·10\^|e", plain)[0]
    return r"(?<![\d.])" + re.escape(mantissa).replace(",", ",?") + r"(?![\d])"


@pytest.mark.parametrize(
    "slug", [slug for name, papers in SPLIT.items() if name.startswith("tune") for slug in papers]
)
def test_every_tune_truth_number_is_on_its_stated_line(slug):
    files = unpack((CORPUS / slug / "eprint.tar.gz").read_bytes()).files
    truth = json.loads((CORPUS / slug / "truth.json").read_text(encoding="utf-8"))
    assert truth and any(item["main_table"] for item in truth)
    lines = {name: data.decode("utf-8", "replace").splitlines() for name, data in files.items()}
    for item in truth:
        line = lines[item["file"]][item["line"] - 1]
        # A number printed through a macro: the truth's source_text shows the line's LaTeX.
        shown = (item.get("source_text") or "").split(" — ")[0]
        by_macro = bool(shown) and re.sub(r"\s", "", shown) in re.sub(r"\s", "", line)
        assert by_macro or re.search(_digits(item["value_text"]), line), (slug, item, line)
        number = re.match(
            r"[-+]?[\d.,]+(?:(?:·10\^|e)[-+]?\d+)?",
            item["value_text"].replace("−", "-").lstrip("$"),
        )
        assert number, item
        value = float(number.group().replace(",", "").replace("·10^", "e"))
        assert value == pytest.approx(float(item["value"])) or re.search(
            r"\d\s*(?:[KMBT]|thousand|million|billion|trillion)", item["value_text"]
        )
