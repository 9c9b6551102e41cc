"""`starter export hf`: the results as a Hugging Face model card, read back with
huggingface_hub's own parsers (offline), merged into an existing card without clobbering
it, and imported back by `starter claim import` as the same claims."""

from __future__ import annotations

from pathlib import Path

import pytest

from starter.models import Claim, Paper
from starter.papers.card import load_card
from starter.papers.card_write import write_card
from starter.report.export.hf import export
from starter.track.results import append, run_record

hub = pytest.importorskip("huggingface_hub")

CLAIMS = (
    Claim(id="test-error", metric="test error", value=5.0, value_text="5.0", unit="%",
          direction="lower", dataset="USPS zip codes", split="test (2,007)",
          source="Section 5 (Results), text", tolerance=0.97,
          tolerance_origin="2 binomial SE on 2,007 digits", central=True),
    Claim(id="bleu", metric="BLEU", value=28.4, value_text="28.4", unit="BLEU",
          direction="higher", dataset="WMT14 EN-DE", source="Table 2"),
    Claim(id="train-size", metric="training set size", value=7291, value_text="7291"),
)  # fmt: skip
PAPER = Paper(key="demo", title="A Demo Paper", authors=("Yann LeCun", "Léon Bottou"),
              year=1989, arxiv_id="1706.03762", claims=CLAIMS)  # fmt: skip


@pytest.fixture(autouse=True)
def offline(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "demo-repro"
    root.mkdir()
    write_card(root / "paper.toml", PAPER)
    append(root, [run_record({"test-error": v}, seed=i) for i, v in enumerate((5.1, 5.3, 4.9))])
    append(root, [run_record({"bleu": 27.9}, seed=1)])
    return root


def test_model_card_parses_with_huggingface_hub_and_holds_our_means(repo, tmp_path):
    out = tmp_path / "card"

    done = export(repo, out, task="image-classification")

    card = hub.ModelCard.load(out / "README.md")
    results = {r.metric_type: r for r in card.data.eval_results}
    assert set(results) == {"test-error", "bleu"} == set(done.claims)
    assert results["test-error"].metric_value == pytest.approx(5.1)
    assert results["test-error"].dataset_split == "test (2,007)"
    assert results["test-error"].verified is None  # never set
    assert results["test-error"].source_name.endswith(
        "Section 5 (Results), text: paper reports 5.0%"
    )
    assert results["bleu"].source_url == "https://arxiv.org/abs/1706.03762"
    assert done.left_out == {"train-size": "no runs yet"}


def test_eval_results_files_parse_with_huggingface_hub_and_carry_what_the_format_cannot(
    repo, tmp_path
):
    import yaml
    from huggingface_hub import parse_eval_result_entries

    export(repo, tmp_path / "card")

    path = tmp_path / "card" / ".eval_results" / "test-error.yaml"
    [entry] = parse_eval_result_entries(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert (entry.task_id, entry.dataset_id) == ("test-error", "usps-zip-codes")
    assert entry.value == pytest.approx(5.1)
    assert entry.verify_token is None
    for text in ("paper value: 5.0", "paper source: Section 5 (Results), text",
                 "mean of n = 3 runs, sd 0.2", "gap, 95% interval: [", "tolerance: ±0.97",
                 "verdict: "):  # fmt: skip
        assert text in entry.notes


def test_export_merges_into_an_existing_card_and_keeps_its_metadata_and_text(repo):
    readme = repo / "README.md"
    readme.write_text(
        "---\nlicense: mit  # chosen by the team\ntags:\n- reproduction\nmodel-index:\n"
        "- name: other-model\n  results: []\n---\n\n# Our reimplementation\n\nHand-written.\n",
        encoding="utf-8",
    )

    export(repo, name="demo-repro")

    text = readme.read_text(encoding="utf-8")
    assert text.endswith("\n# Our reimplementation\n\nHand-written.\n")
    assert "license: mit  # chosen by the team" in text
    meta = hub.repocard.metadata_load(readme)  # the raw front matter
    assert meta["tags"] == ["reproduction"]
    assert [m["name"] for m in meta["model-index"]] == ["other-model", "demo-repro"]


def test_export_never_overwrites_an_eval_results_file_it_did_not_write(cli, repo):
    theirs = repo / ".eval_results" / "test-error.yaml"
    theirs.parent.mkdir()
    theirs.write_text("- dataset: {id: cais/hle, task_id: default}\n  value: 1\n", encoding="utf-8")

    result = cli("export", "hf", "-C", repo)

    assert result.exit_code == 7
    assert "was not written by starter" in result.stderr
    assert not (repo / "README.md").exists()  # all or nothing
    assert "cais/hle" in theirs.read_text(encoding="utf-8")


def test_cli_export_says_what_the_format_cannot_hold(cli, repo):
    result = cli("export", "hf", "-C", repo)

    assert result.exit_code == 0, result.stderr
    assert "cannot hold n, sd, the 95% interval of the gap, the tolerance and the verdict" in (
        result.stderr
    )
    assert "not exported: train-size (no runs yet)" in result.stderr
    assert "wrote" in result.stdout and (repo / ".eval_results" / "bleu.yaml").exists()


@pytest.mark.parametrize("keep_eval_results", [True, False], ids=["eval-results", "model-index"])
def test_an_exported_card_imports_back_as_the_same_claims(cli, repo, tmp_path, keep_eval_results):
    out = tmp_path / "card"
    export(repo, out)
    if not keep_eval_results:
        for path in (out / ".eval_results").iterdir():
            path.unlink()
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    write_card(fresh / "paper.toml", Paper(key="fresh", title="Fresh"))

    result = cli("claim", "import", out, "-C", fresh)

    assert result.exit_code == 0, result.stderr
    imported = {c.id: c for c in load_card(fresh / "paper.toml").claims}
    assert set(imported) == {"test-error", "bleu"}
    fields = ("metric", "value", "value_text", "unit", "direction", "dataset", "split")
    for original in CLAIMS[:2]:
        claim = imported[original.id]
        assert {f: getattr(claim, f) for f in fields} == {f: getattr(original, f) for f in fields}
        assert claim.confidence == "draft"
        assert claim.source == f"model card of demo-repro, citing {original.source}"
