"""A report is safe to make in an untrusted clone and safe to open: a repository's own report
templates run in Jinja2's sandbox and read nothing outside their folder, only http(s) links
are ever emitted, and no raw HTML from the data reaches the Markdown."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from starter.errors import InputError
from starter.models import Paper
from starter.report import model as report_model
from starter.report import write as report
from starter.track import results

CARD = """\
schema = 1

[paper]
key = "example2020"
title = "An <img src=x onerror=alert(1)> Example"
authors = ["Ada Lovelace"]
year = 2020
code_url = "https://example.org/code"

[[claims]]
id = "test-error"
metric = "test <b>error</b>"
value = 5.0
value_text = "5.0"
unit = "%"
direction = "lower"
source = "Table 2"
tolerance = 0.5
tolerance_origin = "2 SE <script>x</script>"
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "paper.toml").write_text(CARD, encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-qm", "start"], cwd=root, check=True)
    records = [
        results.run_record(
            {"test-error": 5.0 + i / 10}, seed=i, note="<iframe src=evil>", command="a > b `c`"
        )
        for i in range(3)
    ]
    results.append(root, records)
    return root


def own_template(repo: Path, text: str, name: str = "report.md.j2") -> None:
    folder = repo / "templates" / "report"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


# ----------------------------------------------------------------------------- point 10


@pytest.mark.parametrize(
    "payload",
    [
        "{{ cycler.__init__.__globals__.os.system('touch {marker}') }}",
        "{{ r.__class__.__mro__[1].__subclasses__() }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{% set x = r.claims.append(1) %}{{ x }}",
        "{% set _ = r.paper.update({'title': 'forged'}) %}{{ r.paper.title }}",
        "{{ lipsum.__globals__['os'].popen('touch {marker}').read() }}",
    ],
)
def test_a_repositorys_own_template_cannot_run_code_or_change_the_data(
    repo: Path, tmp_path: Path, payload: str
) -> None:
    marker = tmp_path / "pwned"
    own_template(repo, payload.replace("{marker}", str(marker)))
    with pytest.raises(InputError, match="report template"):
        report.generate(repo, "md", "-")
    assert not marker.exists()


def test_a_repositorys_own_template_still_lays_out_the_report(repo: Path) -> None:
    own_template(
        repo,
        "{% for c in r.claims %}{{ c.id }}: {{ c.display.verdict | upper }} "
        "{{ r.paper.title | truncate(9, True, '') }}{% endfor %}\n",
    )
    assert report.generate(repo, "md", "-").text == "test-error: REPRODUCED An &lt;img s"


def test_a_template_linking_outside_its_folder_is_refused(repo: Path, tmp_path: Path) -> None:
    secret = tmp_path / "id_rsa"
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY-----\n", encoding="utf-8")
    folder = repo / "templates" / "report"
    folder.mkdir(parents=True)
    (folder / "report.md.j2").symlink_to(secret)
    with pytest.raises(InputError, match="points outside"):
        report.generate(repo, "md", "-")
    own_template(repo, "{% include 'secret.j2' %}")
    (folder / "secret.j2").symlink_to(secret)
    with pytest.raises(InputError, match="points outside"):
        report.generate(repo, "md", "-")


# ----------------------------------------------------------------------------- points 6, 7


def test_only_http_links_reach_the_report_model() -> None:
    paper = Paper(
        key="k",
        title="T",
        url="javascript:alert(1)",
        code_url="JavaScript:alert(2)",
        doi="10.1/x",
    )
    data = report_model._paper(paper)
    assert data["code_url"] is None
    assert data["link"] == "https://doi.org/10.1/x"
    assert report_model._paper(Paper(key="k", title="T", url="data:text/html,x"))["link"] is None


def test_the_markdown_report_escapes_raw_html_but_keeps_code_readable(repo: Path) -> None:
    text = report.generate(repo, "md", "-").text
    assert text is not None
    outside = re.sub(r"(?ms)^(`{3,})[^\n]*\n.*?^\1\s*$", "", text)  # HTML is text in a fence
    for raw in ("<img", "<b>", "<script>", "<iframe"):
        assert raw not in outside
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert "<br>`` a > b `c` `` |" in text  # a command stays a code span whatever it holds


def test_the_html_report_escapes_everything_from_the_data(repo: Path) -> None:
    text = report.generate(repo, "html", "-").text
    assert text is not None
    for raw in ("<img src=x", "<b>error", "<script>x", "<iframe"):
        assert raw not in text
