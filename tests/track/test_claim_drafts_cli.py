"""`starter claim extract` and `starter claim review` on a repository, with arXiv's e-prints
served on loopback from the recorded sources in tests/data/latex/."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from conftest import DATA
from httpserver import PREFIXES, Reply

EPRINT = PREFIXES["STARTER_ARXIV_EPRINT"]
MASKGIT = (DATA / "latex" / "maskgit" / "eprint.tar.gz").read_bytes()
CARD = """schema = 1

[paper]
key = "maskgit"
title = "MaskGIT: Masked Generative Image Transformer"
arxiv_id = "2202.04200"

# My own claim, with my comment.
[[claims]]
id = "fid"
metric = "FID"
value = 6.18
unit = "FID"
direction = "lower"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "maskgit"
    root.mkdir()
    (root / "paper.toml").write_text(CARD, encoding="utf-8")
    return root


def card(root: Path) -> dict:
    return tomllib.loads((root / "paper.toml").read_text(encoding="utf-8"))


def drafts_of(root: Path) -> list[dict]:
    return [c for c in card(root).get("claims", []) if c.get("confidence") == "draft"]


def test_extract_adds_drafts_with_their_locations_and_skips_known_numbers(cli, services, repo):
    services.route(f"{EPRINT}/2202.04200", Reply(200, MASKGIT, "application/x-eprint-tar"))
    result = cli("claim", "extract", "-C", repo)
    assert result.exit_code == 0, result.stderr
    assert "drafted 14 claims into paper.toml" in result.stdout
    assert "already claimed as fid" in result.stderr  # 6.18 FID is the user's own claim
    drafts = drafts_of(repo)
    assert len(drafts) == 14
    first = drafts[0]
    assert first["id"] == "is-maskgit-ours" and first["value_text"] == "182.1"
    assert first["source"] == (
        "Table 1 (tab:maintable), row 'MaskGIT (Ours)' (ImageNet 256×256), column 'IS↑'"
    )
    assert first["evidence"].startswith("figures/class_cond_table.tex line 93: '182.1'")
    assert "# My own claim, with my comment." in (repo / "paper.toml").read_text()
    again = cli("claim", "extract", "-C", repo, "--offline")  # from the cache, nothing new
    assert again.exit_code == 0 and "drafted 0 claims" in again.stdout
    assert len(drafts_of(repo)) == 14


def test_status_shows_drafts_but_never_judges_them(cli, services, repo):
    services.route(f"{EPRINT}/2202.04200", Reply(200, MASKGIT, "application/x-eprint-tar"))
    assert cli("claim", "extract", "-C", repo, "-n", "3").exit_code == 0
    assert cli("log", "is-maskgit-ours", "150.2", "-C", repo).exit_code == 0
    status = json.loads(cli("status", "--json", "-C", repo).stdout)
    drafted = {c["id"]: c for c in status["claims"] if c["id"] != "fid"}
    assert drafted["is-maskgit-ours"]["verdict"] == "not-judged"
    assert drafted["is-maskgit-ours"]["n"] == 1
    assert "draft: review it with starter claim review" in drafted["is-maskgit-ours"]["notes"]


def test_review_accepts_and_rejects_by_id(cli, services, repo):
    services.route(f"{EPRINT}/2202.04200", Reply(200, MASKGIT, "application/x-eprint-tar"))
    assert cli("claim", "extract", "-C", repo, "-n", "5").exit_code == 0
    ids = [c["id"] for c in drafts_of(repo)]
    result = cli(
        "claim", "review", "--accept", f"{ids[0]},{ids[1]}", "--reject", ids[2], "-C", repo
    )
    assert result.exit_code == 0, result.stderr
    claims = {c["id"]: c for c in card(repo)["claims"]}
    assert "confidence" not in claims[ids[0]] and "confidence" not in claims[ids[1]]
    assert claims[ids[0]]["evidence"].endswith(", reviewed")
    assert ids[2] not in claims
    assert [c["id"] for c in drafts_of(repo)] == [ids[3]]
    status = json.loads(cli("status", "--json", "-C", repo).stdout)
    verdicts = {c["id"]: c["verdict"] for c in status["claims"]}
    assert verdicts[ids[0]] == "pending"  # accepted: judged like any claim


def test_review_walks_the_drafts_one_by_one(cli, services, repo):
    services.route(f"{EPRINT}/2202.04200", Reply(200, MASKGIT, "application/x-eprint-tar"))
    assert cli("claim", "extract", "-C", repo, "-n", "5").exit_code == 0
    ids = [c["id"] for c in drafts_of(repo)]
    typed = "r\ne\nInception Score\n182.1\nIS\nhigher\ns\nq\n"
    result = cli("claim", "review", "-C", repo, input=typed)
    assert result.exit_code == 0, result.stderr
    claims = {c["id"]: c for c in card(repo)["claims"]}
    assert ids[0] not in claims
    assert claims[ids[1]]["metric"] == "Inception Score" and "confidence" not in claims[ids[1]]
    assert claims[ids[2]]["confidence"] == "draft" and claims[ids[3]]["confidence"] == "draft"
    assert "reviewed 2 of 4 drafts; 2 left" in result.stdout


def test_review_of_an_unknown_draft_is_one_line_and_changes_nothing(cli, repo):
    before = (repo / "paper.toml").read_text()
    result = cli("claim", "review", "--accept", "fid", "-C", repo)
    assert result.exit_code == 0 and "no draft claims" in result.stderr
    (repo / "paper.toml").write_text(before + '\n[[claims]]\nid = "d"\nmetric = "m"\n'
                                     'value = 1\nconfidence = "draft"\n')  # fmt: skip
    result = cli("claim", "review", "--accept", "nope", "-C", repo)
    assert result.exit_code == 1
    assert result.stderr.strip() == "starter: error: no draft claim 'nope'; drafts: d"


def test_a_pdf_only_eprint_says_so_and_drafts_nothing(cli, services, repo):
    services.route(f"{EPRINT}/2202.04200", Reply(200, b"%PDF-1.5\n%...", "application/pdf"))
    result = cli("claim", "extract", "-C", repo)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.strip() == (
        "arXiv:2202.04200: the e-print is a PDF: the paper has no LaTeX source; nothing drafted"
    )
    assert drafts_of(repo) == []


def test_extract_outside_a_repository_previews_and_a_bad_archive_is_one_line(
    cli, services, tmp_path: Path
):
    services.route(f"{EPRINT}/2202.04200", Reply(200, MASKGIT, "application/x-eprint-tar"))
    result = cli("claim", "extract", "2202.04200", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["written"] is False and data["method_names"] == ["maskgit"]
    assert len(data["drafts"]) == 15 and data["drafts"][0]["line"] == 93
    services.route(
        f"{EPRINT}/1706.03762", Reply(200, b"\x1f\x8b\x08\x00broken", "application/gzip")
    )
    broken = cli("claim", "extract", "1706.03762", cwd=tmp_path)
    assert broken.exit_code == 1
    assert broken.stderr.strip() == (
        "starter: error: the e-print is a damaged gzip file; cannot unpack it"
    )
    missing = cli("claim", "extract", "2202.04200", "--offline", cwd=tmp_path / "..")
    assert missing.exit_code == 0  # cached by the first call
    uncached = cli("claim", "extract", "2101.00001", "--offline", cwd=tmp_path)
    assert uncached.exit_code == 5 and "not in the cache" in uncached.stderr
