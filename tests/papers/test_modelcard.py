"""Model cards read as draft claims (`starter claim import`), on real cards recorded from
public repositories (tests/data/modelcards/README.md names them)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from starter.errors import InputError, NotFoundError
from starter.models import Claim, Paper
from starter.papers.card import load_card, parse_card
from starter.papers.card_write import render_card, write_card
from starter.papers.modelcard import read_claims, split_front_matter

CARDS = Path(__file__).resolve().parent.parent / "data" / "modelcards"


def test_a_trainer_model_card_gives_one_draft_claim_per_metric():
    read = read_claims(CARDS / "trainer-mrpc-README.md")

    assert read.name == "test-trainer-init"
    assert [(c.id, c.metric, c.value, c.dataset, c.split) for c in read.claims] == [
        ("accuracy-train", "Accuracy", 0.8602941176470589, "glue", "train"),
        ("f1-train", "F1", 0.9042016806722689, "glue", "train"),
    ]
    first = read.claims[0]
    assert first.confidence == "draft" and first.direction == "higher"
    assert first.source == "model card of test-trainer-init"
    assert first.evidence == "trainer-mrpc-README.md: model-index result 1, metric 1"


def test_an_eval_results_folder_gives_draft_claims(tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(CARDS / "hf-example", folder)

    read = read_claims(folder)

    [claim] = read.claims
    assert (claim.id, claim.value, claim.value_text, claim.dataset) == (
        "default",
        20.9,
        "20.9",
        "cais/hle",
    )
    assert claim.source == "model card of model" and claim.confidence == "draft"


def test_claim_import_adds_drafts_and_leaves_existing_claims_alone(cli, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    mine = Claim(id="f1-train", metric="F1", value=0.9, value_text="0.9", direction="higher")
    write_card(repo / "paper.toml", Paper(key="demo", title="Demo", claims=(mine,)))

    result = cli("claim", "import", CARDS / "trainer-mrpc-README.md", "-C", repo)
    again = cli("claim", "import", CARDS / "trainer-mrpc-README.md", "-C", repo)

    assert result.exit_code == 0, result.stderr
    assert "added draft claim accuracy-train: Accuracy 0.8602941176470589" in result.stdout
    assert "already in paper.toml, left as they are: f1-train" in result.stderr
    claims = {c.id: c for c in load_card(repo / "paper.toml").claims}
    assert claims["f1-train"] == mine
    assert claims["accuracy-train"].confidence == "draft"
    assert again.exit_code == 0 and "0 draft claims" in again.stdout


def test_claim_import_of_a_missing_card_is_exit_4(cli, tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    write_card(repo / "paper.toml", Paper(key="demo", title="Demo"))

    result = cli("claim", "import", tmp_path / "nowhere", "-C", repo)

    assert result.exit_code == 4
    assert result.stderr.startswith("starter: error: no model card at")


def test_a_card_with_broken_front_matter_is_one_line_naming_it(tmp_path):
    card = tmp_path / "README.md"
    card.write_text("---\nmodel-index: [\n---\n", encoding="utf-8")

    with pytest.raises(InputError, match=r"README\.md: not valid YAML"):
        read_claims(card)
    with pytest.raises(NotFoundError, match="no results found"):
        (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# hi\n", encoding="utf-8")
        read_claims(card)


def test_the_paper_card_accepts_draft_as_a_confidence():
    claim = Claim(id="x", metric="accuracy", value=1.0, value_text="1.0", confidence="draft")
    paper = Paper(key="demo", title="Demo", claims=(claim,))

    assert parse_card(render_card(paper)).claims[0].confidence == "draft"
    with pytest.raises(InputError, match="confidence"):
        parse_card(render_card(paper).replace('"draft"', '"maybe"'))


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_split_front_matter_never_raises_and_keeps_the_body(text):
    front, body = split_front_matter(text)
    if front is None:
        assert body == text.removeprefix("\ufeff")
    else:
        assert text.removeprefix("\ufeff").endswith(body)
