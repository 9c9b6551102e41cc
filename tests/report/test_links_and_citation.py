"""Commits as links when the repository has a GitHub or GitLab remote, and the report's
citation: the paper's BibTeX next to one for the reimplementation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_report import EPOCH, git, make_example

from starter.report import write as report
from starter.report.citation import read_cff
from starter.report.history import web_urls


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return make_example(tmp_path / "example2020-repro")


@pytest.mark.parametrize(
    ("remote", "web"),
    [
        ("https://github.com/ada/lenet.git", "https://github.com/ada/lenet"),
        ("git@github.com:ada/lenet.git", "https://github.com/ada/lenet"),
        ("ssh://git@github.com:22/ada/lenet", "https://github.com/ada/lenet"),
        ("https://ada:ghp_secret@github.com/ada/lenet.git/", "https://github.com/ada/lenet"),
        ("https://gitlab.com/lab/vision/lenet.git", "https://gitlab.com/lab/vision/lenet"),
        ("git@gitlab.example.org:lab/lenet.git", "https://gitlab.example.org/lab/lenet"),
        ("https://gitlab.example.org:8443/lab/lenet", "https://gitlab.example.org:8443/lab/lenet"),
    ],
)
def test_github_and_gitlab_remotes_give_web_pages_without_credentials(remote, web) -> None:
    page, commit = web_urls(remote)

    assert page == web
    assert commit is not None and commit.startswith(web) and commit.endswith("{sha}")
    assert "secret" not in commit and "@" not in commit
    assert ("/-/commit/" in commit) == ("gitlab" in web)


@pytest.mark.parametrize(
    "remote",
    [
        "https://bitbucket.org/ada/lenet",
        "/srv/git/lenet.git",
        "file:///srv/lenet",
        "https://github.com/ada",
    ],
)
def test_other_remotes_give_no_links(remote) -> None:
    assert web_urls(remote) == (None, None)


def test_commits_are_links_when_the_repository_is_on_github(example: Path) -> None:
    git(example, "remote", "add", "origin", "git@github.com:ada/example2020-repro.git")
    head = git(example, "rev-parse", "HEAD")
    first = git(example, "rev-list", "--max-parents=0", "HEAD")

    md = report.generate(example, "md").output.read_text(encoding="utf-8")
    html = report.generate(example, "html").output.read_text(encoding="utf-8")
    runs = json.loads(report.generate(example, "json", "-").text)["runs"]["reproduction"]

    page = "https://github.com/ada/example2020-repro/commit/"
    assert f"at commit [`{head[:8]}`]({page}{head})" in md
    assert f"| [{first[:8]}]({page}{first}) (dirty) |" in md  # run-3, made dirty
    assert f'<a href="{page}{first}"><code class="sha">{first[:8]}</code></a>' in html
    assert {r["display"]["commit_url"] for r in runs} == {page + first}


def test_commits_stay_plain_without_a_known_remote(example: Path) -> None:
    git(example, "remote", "add", "origin", "https://git.example.org/ada/repro.git")

    md = report.generate(example, "md").output.read_text(encoding="utf-8")

    assert "/commit/" not in md and f"at commit `{git(example, 'rev-parse', 'HEAD')[:8]}`" in md


def test_citation_shows_bibtex_for_the_paper_and_the_reimplementation(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bibtexparser

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert cli("new", "lecun1989", "--offline", cwd=tmp_path).exit_code == 0
    repo = tmp_path / "lecun1989"
    git(repo, "remote", "add", "origin", "https://github.com/ada/lecun1989.git")

    md = report.generate(repo, "md", "-").text
    citation = md[md.index("## Citation") :]

    assert "```yaml" not in md and "cff-version" not in md
    assert citation.index("The original paper:") < citation.index("This reimplementation")
    entries = bibtexparser.parse_string(citation.replace("```bibtex", "").replace("```", ""))
    paper, ours = entries.entries
    assert paper.key == "lecun1989backpropagation"
    assert ours.entry_type == "software" and ours.key == "tester2026lecun1989"
    assert ours["author"] == "Tester, Ada"
    assert ours["title"].startswith("lecun1989: a reimplementation of Backpropagation")
    assert ours["url"] == "https://github.com/ada/lecun1989"


def test_without_citation_cff_the_entry_comes_from_the_paper_and_git(example: Path) -> None:
    (example / "CITATION.cff").unlink()

    model = json.loads(report.generate(example, "json", "-").text)

    assert model["reimplementation_bibtex"] == (
        "@software{tester2026reimplementation,\n"
        "  author = {Tester, Ada},\n"
        "  title = {Reimplementation of An Example Paper on Digits},\n"
        "  year = {2026}\n}\n"
    )


def test_cff_reader_takes_the_fields_it_knows_and_skips_the_rest() -> None:
    text = """\
cff-version: 1.2.0   # a comment
title: 'Lenet: the "1989" network, again'
date-released: 2025-02-03
repository-code: "https://github.com/ada/lenet#readme"
authors:
  - family-names: "van Rossum"
    given-names: Ada
  - name: "The LeNet Reimplementers"
  -   given-names: "Only"
      family-names: Given  # both fields
keywords: [a, b]
preferred-citation:
  title: "Not this title"
  authors:
    - family-names: Nobody
"""
    found = read_cff(text)

    assert found["title"] == 'Lenet: the "1989" network, again'
    assert found["date-released"] == "2025-02-03"
    assert found["repository-code"] == "https://github.com/ada/lenet#readme"
    assert found["authors"] == ["van Rossum, Ada", "The LeNet Reimplementers", "Given, Only"]


names = (
    st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1)
    .map(str.strip)
    .filter(lambda s: s and s == " ".join(s.split()))
)


@given(title=names, family=names, given_name=names)
def test_cff_reader_reads_back_what_starter_writes(title, family, given_name) -> None:
    quoted = [
        value.replace("\\", "\\\\").replace('"', '\\"') for value in (title, family, given_name)
    ]
    text = (
        f'cff-version: 1.2.0\ntitle: "{quoted[0]}"\nauthors:\n'
        f'  - family-names: "{quoted[1]}"\n    given-names: "{quoted[2]}"\n'
    )

    found = read_cff(text)

    assert found["title"] == title and found["authors"] == [f"{family}, {given_name}"]
