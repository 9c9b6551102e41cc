"""`starter new PAPER --extract`: the new repository's paper.toml holds draft claims read
from the paper's LaTeX source (served on loopback from tests/data/latex/)."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from conftest import DATA
from httpserver import PREFIXES, Reply, arxiv_route

TRANSFORMER = (DATA / "latex" / "attention-is-all-you-need" / "eprint.tar.gz").read_bytes()


def test_new_with_extract_writes_draft_claims_with_exact_locations(cli, services, tmp_path: Path):
    arxiv_route(services, "1706.03762", "arxiv_1706.03762v7.xml")
    services.route(
        f"{PREFIXES['STARTER_ARXIV_EPRINT']}/1706.03762",
        Reply(200, TRANSFORMER, "application/x-eprint-tar"),
    )
    result = cli("new", "1706.03762", "--extract", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    drafted = json.loads(result.stdout)["drafted"]
    root = tmp_path / "transformer"
    claims = tomllib.loads((root / "paper.toml").read_text(encoding="utf-8"))["claims"]
    drafts = {c["id"]: c for c in claims if c.get("confidence") == "draft"}
    assert list(drafts) == drafted and len(drafts) >= 5
    # The catalog already holds the Transformer's own numbers: those are not drafted twice.
    assert not any(c["value_text"] == "28.4" for c in drafts.values())
    abstract = drafts["bleu-abstract"]
    assert (abstract["value"], abstract["unit"], abstract["source"]) == (2, "BLEU", "Abstract")
    assert abstract["evidence"].startswith("ms.tex line 127: 'Our model achieves 28.4 BLEU")
    # The method's variations (Table 3) come after its results that the catalog holds.
    variation = drafts["ppl-dev-a"]
    assert variation["source"] == "Table 3 (tab:variations), row '(A)', column 'PPL / (dev)'"
    assert variation["evidence"].startswith("results.tex line 67: '5.29'")
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "ppl-dev-a" not in readme  # drafts wait for review; the README lists claims
    assert "en-de-big-bleu" in readme


def test_new_with_extract_still_makes_the_repository_when_the_eprint_fails(
    cli, services, tmp_path: Path
):
    arxiv_route(services, "1706.03762", "arxiv_1706.03762v7.xml")
    result = cli("new", "1706.03762", "--extract", "--no-git", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "starter: warning: --extract: arXiv has no e-print for 1706.03762" in result.stderr
    assert (tmp_path / "transformer" / "paper.toml").is_file()
