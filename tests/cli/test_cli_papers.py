"""`starter catalog` and `starter show` from the command line."""

from __future__ import annotations

import json
import re


def test_catalog_json_lists_key_year_title_and_claim_count(cli):
    result = cli("catalog", "--json")
    assert result.exit_code == 0
    rows = {row["key"]: row for row in json.loads(result.stdout)}
    assert rows["lenet5"]["year"] == 1998
    assert rows["resnet"]["claims"] == 24


def test_catalog_query_filters(cli):
    result = cli("catalog", "attention")
    assert result.exit_code == 0
    assert "transformer" in result.stdout and "resnet" not in result.stdout


def test_show_json_has_the_documented_fields(cli):
    result = cli("show", "lecun1989", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    for field in ("key", "title", "authors", "year", "venue", "doi", "arxiv_id", "url", "claims"):
        assert field in data
    claim = data["claims"][0]
    for field in (
        "id",
        "metric",
        "value",
        "value_text",
        "unit",
        "direction",
        "dataset",
        "split",
        "source",
    ):
        assert field in claim
    assert claim["id"] == "test-error" and claim["value_text"] == "5.0"


def test_show_toml_prints_the_card(cli):
    from starter.papers.catalog import card_paths

    path = next(p for p in card_paths() if p.stem == "adam")
    assert cli("show", "adam", "--format", "toml").stdout == path.read_text(encoding="utf-8")


def test_show_unknown_key_is_one_line_with_exit_4(cli):
    result = cli("show", "lenet")
    assert result.exit_code == 4
    assert result.stderr == (
        "starter: error: no paper 'lenet' in the catalog; did you mean lenet5, lenet1, alexnet?\n"
    )


def test_version(cli):
    from starter import __version__

    assert cli("--version").stdout == f"starter {__version__}\n"


def test_python_dash_m_starter_works(starter_proc, tmp_path):
    proc = starter_proc("show", "lenet5", "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["doi"] == "10.1109/5.726791"


def test_show_text_lists_every_claim_with_value_and_source(cli):
    result = cli("show", "lenet5")
    assert result.exit_code == 0
    assert result.stdout.startswith("Gradient-Based Learning Applied to Document Recognition\n")
    from starter.papers import catalog

    for claim in catalog.get("lenet5").claims:
        assert claim.id in result.stdout
    assert "lenet5-test-error *" in result.stdout and "0.95%, lower is better" in result.stdout


def test_show_text_wraps_to_the_terminal_width():
    from starter.commands.showcard import card_text
    from starter.papers import catalog

    text = re.sub(r"\x1b\[[0-9;]*m", "", card_text(catalog.get("neocognitron"), width=60))
    assert max(len(line) for line in text.splitlines()) <= 60
