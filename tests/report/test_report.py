"""`starter report`: the report model, its Markdown, HTML and JSON, the plots, and the bad
cases (no runs, no commits, a shallow clone, a broken restyled template).

Golden files: tests/report/golden/ holds the Markdown and JSON of the example repository
below. After a deliberate change of output, regenerate them with
    STARTER_UPDATE_GOLDEN=1 .venv/bin/pytest tests/report/test_report.py
and review the diff."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from starter.errors import InputError
from starter.report import model as report_model
from starter.report import wording
from starter.report import write as report
from starter.track import results
from starter.track.values import ClaimStatus, Run

# Read at import: the autouse fixture clears STARTER_* variables before each test runs.
UPDATE_GOLDEN = os.environ.get("STARTER_UPDATE_GOLDEN") == "1"
GOLDEN = Path(__file__).parent / "golden"
EPOCH = "1775000000"  # 2026-03-31T23:33:20Z: the report's "generated" time in the goldens

CARD = """\
schema = 1

[paper]
key = "example2020"
title = "An Example Paper on Digits"
authors = ["Ada Lovelace", "Alan Turing"]
year = 2020
doi = "10.1234/example.2020"
code_url = "https://example.org/original-code"

[paper.venue]
name = "Journal of Examples"
volume = "3"
number = "2"
pages = "1-10"

[[claims]]
id = "test-error"
metric = "test error"
value = 5.0
value_text = "5.0"
unit = "%"
direction = "lower"
source = "Table 2"
tolerance = 0.5
tolerance_origin = "2 binomial SE on 2007 digits"
central = true

[[claims]]
id = "accuracy"
metric = "top-1 accuracy"
value = 76.2
value_text = "76.2"
unit = "%"
direction = "higher"
source = "Table 3"
tolerance = 0.3
tolerance_origin = "stated by the author"
central = true

[[claims]]
id = "train-error"
metric = "train error"
value = 0.14
value_text = "0.14"
unit = "%"
direction = "lower"
source = "Section 5"
{train_tolerance}
[[claims]]
id = "converges"
metric = "training converges without warm-up"
source = "Section 4"

[[claims]]
id = "train-size"
metric = "dataset size"
value = 7291
value_text = "7291"
unit = "images"
direction = "none"
source = "Section 2"
"""
README = (
    "# Reimplementation of an example paper\n\nIntro.\n\n## Results\n\n"
    "<!-- starter:results:begin -->\nplaceholder\n<!-- starter:results:end -->\n\n"
    "## Running\n\n`python train.py`\n"
)
ENV = {
    "host": "lab-1",
    "os": "Linux-6.1-x86_64",
    "python": "3.11.9",
    "packages": {"numpy": "1.26.4", "torch": "2.3.0"},
    "cpu": "Example CPU",
    "gpu": ["Example GPU 16GB"],
}


def git(cwd: Path, *args: str, date: str | None = None) -> str:
    env = dict(os.environ)
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = date
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def log_runs(root: Path, commit: str) -> None:
    """Five seeded runs of two claims, a late tolerance, an extension and a failed run."""
    records = [results.tolerance_record("test-error", 0.5, "2 binomial SE", "2026-02-01T09:00:00Z")]
    for seed, (error, accuracy, train) in enumerate(
        [
            (5.1, 74.0, 0.30),
            (4.9, 74.3, 0.18),
            (5.0, 73.9, 0.12),
            (5.2, 74.1, 0.25),
            (5.05, 74.2, 0.10),
        ]
    ):
        env = dict(ENV, packages={"numpy": "1.26.4", "torch": "2.4.0" if seed == 4 else "2.3.0"})
        records.append(
            results.run_record(
                {"test-error": error, "accuracy": accuracy, "train-error": train, "loss": 0.01},
                seed=seed,
                params={"lr": "0.03", "epochs": "23"},
                command=f"python train.py --seed {seed}",
                duration=3600.0 + 61 * seed,
                git={"commit": commit, "branch": "main", "dirty": seed == 3},
                env=env,
                starter_version="0.1.0",
                time=f"2026-03-0{seed + 1}T10:00:00.000Z",
                run_id=f"run-{seed}",
            )
        )
    records += [
        results.run_record(
            {"test-error": 4.2},
            kind="extension",
            seed=7,
            note="twice the width",
            command="python train.py --width 2",
            git={"commit": commit, "dirty": False},
            env=ENV,
            starter_version="0.1.0",
            time="2026-03-06T10:00:00.000Z",
            run_id="wide-1",
        ),
        results.run_record(
            {},
            failed=True,
            seed=8,
            command="python train.py --seed 8",
            git={"commit": commit, "dirty": False},
            env=ENV,
            starter_version="0.1.0",
            time="2026-03-07T10:00:00.000Z",
            run_id="crash-1",
        ),
        results.tolerance_record(
            "train-error", 0.1, "2 binomial SE on 7291", "2026-03-10T11:00:00Z"
        ),
    ]
    results.append(root, records)


def make_example(root: Path) -> Path:
    """The fixed example repository behind the golden files: fixed content, fixed dates."""
    root.mkdir(parents=True)
    git(root, "init", "-q")
    write(root / "paper.toml", CARD.format(train_tolerance=""))
    write(root / "README.md", README)
    write(root / "requirements.txt", "torch>=2.3\nnumpy\n")
    write(root / "train.py", "import json, os\n\nprint('training')\n")
    write(root / "evaluate.py", "print('evaluating')\n")
    write(
        root / "CITATION.cff",
        'cff-version: 1.2.0\ntitle: "Reimplementation of An Example Paper on Digits"\n'
        "authors:\n  - family-names: Tester\n    given-names: Ada\n",
    )
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Start the reimplementation", date="2026-02-01T10:00:00+00:00")
    log_runs(root, git(root, "rev-parse", "HEAD"))
    tolerance = 'tolerance = 0.1\ntolerance_origin = "2 binomial SE on 7291 digits"\n'
    write(root / "paper.toml", CARD.format(train_tolerance=tolerance))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "Set the train-error tolerance", date="2026-03-10T12:00:00+00:00")
    return root


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return make_example(tmp_path / "example2020-repro")


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE_GOLDEN:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file {path}; run with STARTER_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


# ----------------------------------------------------------------------------- goldens


def test_markdown_report_of_the_example_matches_the_golden_file(example: Path) -> None:
    outcome = report.generate(example, "md")

    assert outcome.output == example / "report" / "REPORT.md"
    assert [p.name for p in outcome.written] == [
        "REPORT.md",
        "overview.svg",
        "test-error.svg",
        "accuracy.svg",
        "train-error.svg",
    ]
    check_golden("REPORT.md", outcome.output.read_text(encoding="utf-8"))


def test_json_report_of_the_example_matches_the_golden_file(example: Path) -> None:
    outcome = report.generate(example, "json", "-")

    assert outcome.output is None and outcome.written == ()
    check_golden("report.json", outcome.text)


# ----------------------------------------------------------------------------- the model


def test_report_shows_the_numbers_and_verdicts_of_status(example: Path) -> None:
    from starter.track import status

    model = json.loads(report.generate(example, "json", "-").text)
    computed = {c.id: c for c in status.compute(example).claims}

    for row in model["claims"]:
        claim = computed[row["id"]]
        assert row["verdict"] == claim.verdict
        assert row["mean"] == claim.mean and row["n"] == claim.n
        assert tuple(row["ci95"] or ()) == tuple(claim.ci95 or ())
    assert model["headline"]["counts"] == status.compute(example).counts
    assert [c["verdict"] for c in model["claims"]][:3] == [
        "reproduced",
        "not-reproduced",
        "inconclusive",
    ]


def test_not_reproduced_claims_come_before_reproduced_ones(example: Path) -> None:
    model = json.loads(report.generate(example, "json", "-").text)
    titles = [g["title"] for g in model["groups"]]

    assert titles.index("Not reproduced") < titles.index("Reproduced")
    assert model["groups"][0]["claims"] == ["accuracy"]
    assert (
        "accuracy, top-1 accuracy (paper: 76.2 %, Table 3): not reproduced"
        in (model["headline"]["central"][1])
    )


def test_qualitative_claims_and_facts_are_listed_as_such(example: Path) -> None:
    model = json.loads(report.generate(example, "json", "-").text)
    rows = {r["id"]: r for r in model["claims"]}

    assert (
        rows["converges"]["qualitative"]
        and rows["converges"]["display"]["reported"] == "(qualitative)"
    )
    assert "qualitative claim" in rows["converges"]["sentence"]
    assert not rows["train-size"]["qualitative"]


def test_a_tolerance_set_after_the_first_result_is_flagged_with_time_and_commit(
    example: Path,
) -> None:
    model = json.loads(report.generate(example, "json", "-").text)
    row = next(r for r in model["claims"] if r["id"] == "train-error")
    commit = git(example, "rev-parse", "HEAD")

    assert row["tolerance_set_late"]
    assert row["tolerance_changed_at"] == "2026-03-10T11:00:00Z"
    assert row["tolerance_commit"] == {"commit": commit, "via": "paper.toml"}
    late = [e["claim"] for e in model["tolerance_events"] if e["late"]]
    assert late == ["train-error"]


def test_runs_keep_extension_runs_apart_and_count_failed_and_dirty_ones(example: Path) -> None:
    runs = json.loads(report.generate(example, "json", "-").text)["runs"]

    assert [r["id"] for r in runs["extension"]] == ["wide-1"]
    assert runs["failed"] == 1 and runs["dirty"] == 1 and runs["total"] == 7
    dirty = next(r for r in runs["reproduction"] if r["id"] == "run-3")
    assert dirty["display"]["commit"].endswith("(dirty)")


def test_environment_lists_where_runs_disagree() -> None:
    runs = [
        Run(id="a", time="t1", metrics={}, env={"python": "3.11", "packages": {"torch": "2.3"}}),
        Run(id="b", time="t2", metrics={}, env={"python": "3.11", "packages": ["torch==2.4"]}),
        Run(id="c", time="t3", metrics={}),
    ]

    env = report_model.environment(runs)

    assert env["disagreements"] == ["torch"]
    assert env["runs_with_environment"] == 2
    torch = next(e for e in env["entries"] if e["name"] == "torch")
    assert torch["display"] == "2.3 (1 run); 2.4 (1 run)"


def test_checklist_finds_dependencies_and_code_and_leaves_weights_to_the_author(
    example: Path,
) -> None:
    items = {
        i["name"]: i for i in json.loads(report.generate(example, "json", "-").text)["checklist"]
    }

    assert items["Specification of dependencies"]["status"] == "yes"
    assert items["Training code"]["evidence"] == "train.py"
    assert items["Evaluation code"]["evidence"] == "evaluate.py"
    assert items["Pretrained models"]["status"] == "author"


@pytest.mark.parametrize(
    ("value", "decimals", "sign", "shown"),
    [(5.1234, 1, False, "5.12"), (-0.0412, 2, True, "−0.041"), (0.00251, None, False, "0.00251")],
)
def test_numbers_are_shown_one_decimal_finer_than_the_paper_printed(
    value: float, decimals: int | None, sign: bool, shown: str
) -> None:
    assert wording.number(value, decimals, sign) == shown


def test_a_claim_printed_in_scientific_notation_keeps_its_precision() -> None:
    claim = ClaimStatus(
        id="mse", metric="mse", reported=0.0025, reported_text="2.5e-3", unit=None,
        direction="lower", tolerance=None, tolerance_origin=None, n=2, mean=0.002612,
        sd=0.00011, ci95=None, best=0.0025, verdict="needs-tolerance",
    )  # fmt: skip

    assert "0.00261 ± 0.00011" in wording.sentence(claim)


# ----------------------------------------------------------------------------- formats


class Cells(HTMLParser):
    """The claims table of the HTML report: claim id -> {field: text}."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: dict[str, dict[str, str]] = {}
        self.claim: str | None = None
        self.field: str | None = None
        self.external: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        for name in ("src", "href"):
            if tag in ("script", "link", "img", "iframe") and found.get(name):
                self.external.append(f"{tag} {found[name]}")
        if tag == "tr" and found.get("data-claim"):
            self.claim = found["data-claim"]
            self.rows[self.claim] = {}
        if tag == "td" and self.claim and found.get("data-field"):
            self.field = found["data-field"]
            self.rows[self.claim][self.field] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.field = None
        if tag == "tr":
            self.claim = None

    def handle_data(self, data: str) -> None:
        if self.claim and self.field:
            self.rows[self.claim][self.field] += data


def test_html_report_is_self_contained_and_shows_the_numbers(example: Path) -> None:
    outcome = report.generate(example, "html")
    html = outcome.output.read_text(encoding="utf-8")
    model = json.loads(report.generate(example, "json", "-").text)
    parser = Cells()
    parser.feed(html)

    assert parser.external == []
    assert "@import" not in html and "url(http" not in html
    for row in model["claims"]:
        cells = parser.rows[row["id"]]
        assert cells["verdict"].strip() == row["display"]["verdict"]
        assert row["display"]["gap_ci"] in cells["gap"]
        assert row["display"]["best"] in cells["best"]
    assert "5.05 ± 0.11" in parser.rows["test-error"]["ours"]
    assert html.count("<svg") == 4  # the overview and one chart per numeric claim with runs
    assert "prefers-color-scheme: dark" in html and "@media print" in html


def test_markdown_to_stdout_leaves_plots_out_and_says_so(example: Path) -> None:
    outcome = report.generate(example, "md", "-")

    assert "## Plots" not in outcome.text
    assert outcome.warnings == (
        "plots left out: they are written beside a Markdown file; use --output",
    )
    assert not (example / "report").exists()


def test_format_follows_the_output_suffix() -> None:
    assert report.infer_format(None, "out/report.html") == "html"
    assert report.infer_format(None, "r.json") == "json"
    assert report.infer_format(None, "-") == "md"
    with pytest.raises(InputError, match="unknown report format 'pdf'"):
        report.infer_format("pdf", None)


def test_readme_section_is_written_once_and_then_left_alone(example: Path) -> None:
    first = report.generate(example, "json", "-", readme=True)
    readme = (example / "README.md").read_bytes()
    second = report.generate(example, "json", "-", readme=True)

    assert {p.name for p in first.readme} == {"README.md", "badge.svg"}
    assert second.readme == ()
    assert (example / "README.md").read_bytes() == readme
    text = readme.decode()
    assert text.startswith("# Reimplementation of an example paper\n\nIntro.\n\n## Results\n")
    assert text.endswith("<!-- starter:results:end -->\n\n## Running\n\n`python train.py`\n")
    assert "![reproduced 1/3](results/badge.svg)" in text
    assert "| accuracy (central) | not reproduced | 76.2 % | 74.10 ± 0.16 (5) | ±0.3 |" in text


def test_a_restyled_template_in_the_repository_wins(example: Path) -> None:
    write(example / "templates" / "report" / "report.md.j2", "CUSTOM {{ r.paper.title }}\n")

    assert report.generate(example, "md", "-").text == "CUSTOM An Example Paper on Digits\n"


def test_a_broken_restyled_template_is_a_clear_error(example: Path) -> None:
    write(example / "templates" / "report" / "report.md.j2", "{% for x in %}\n")

    with pytest.raises(InputError, match=r"report.md.j2 line 1: .*delete it to use starter's own"):
        report.generate(example, "md", "-")


# ----------------------------------------------------------------------------- bad cases


def test_a_repository_without_runs_gets_a_report_that_says_so(tmp_path: Path) -> None:
    root = tmp_path / "fresh"
    write(root / "paper.toml", CARD.format(train_tolerance=""))

    outcome = report.generate(root, "md")
    text = outcome.output.read_text(encoding="utf-8")

    assert "**No runs logged yet.**" in text
    assert "## Plots" not in text
    assert "Note: not a git repository; no history in this report." in text
    assert outcome.warnings == ()


def test_a_repository_without_commits_gets_a_report_with_a_note(tmp_path: Path) -> None:
    root = tmp_path / "nocommits"
    write(root / "paper.toml", CARD.format(train_tolerance=""))
    git(root, "init", "-q")
    log_runs(root, "0" * 40)

    text = report.generate(root, "md", "-").text

    assert "Note: the repository has no commits yet." in text
    assert "| test-error (central)<br>test error | **reproduced** |" in text


def test_a_shallow_clone_gets_a_report_with_a_note(example: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", example.as_uri(), str(clone))

    text = report.generate(clone, "md", "-").text

    assert "1 commit by 1 contributor" in text
    assert "shallow clone" in text and "git fetch --unshallow" in text


def test_plots_need_no_plotting_library(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A default install draws every chart: nothing of matplotlib (or numpy) is needed.
    for name in ("matplotlib", "numpy"):
        monkeypatch.setitem(sys.modules, name, None)  # importing it now fails

    outcome = report.generate(example, "html")
    html = outcome.output.read_text(encoding="utf-8")

    assert outcome.warnings == ()
    assert html.count("<svg") == 4  # the overview and one chart per numeric claim with runs


# ----------------------------------------------------------------------------- plots


def test_plots_are_deterministic_and_labelled_directly(example: Path) -> None:
    from starter.report import plots
    from starter.track import status

    claim = next(c for c in status.compute(example).claims if c.id == "test-error")
    text = plots.claim_figure(claim)

    assert text == plots.claim_figure(claim)
    ET.fromstring(text)  # well-formed XML
    for label in (
        "paper 5.0 %",
        "tolerance ±0.5",
        "runs (n=5)",
        "extension (n=1)",
        "mean, 95% interval",
        "test error % (← lower is better)",
    ):
        assert f">{label}</text>" in text
    assert text.count('class="st-runs"') == 5 and text.count('class="st-ext"') == 1


def test_only_numeric_claims_with_values_are_plotted(example: Path) -> None:
    from starter.report import plots
    from starter.track import status

    drawn = [c.id for c in plots.plottable(status.compute(example).claims)]

    assert drawn == ["test-error", "accuracy", "train-error"]


# ----------------------------------------------------------------------------- command line


def test_report_command_writes_json_to_stdout(cli, example: Path) -> None:
    result = cli("report", "--format", "json", "--output", "-", cwd=example)

    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["paper"]["key"] == "example2020"


def test_report_command_writes_files_and_updates_the_readme(cli, example: Path) -> None:
    result = cli(
        "report", "--readme", cwd=example / "report" if (example / "report").exists() else example
    )
    again = cli("report", "--readme", "-C", str(example), cwd=example.parent)

    assert result.exit_code == 0, result.stderr
    assert "wrote report/REPORT.md" in result.stdout and "wrote README.md" in result.stdout
    assert again.exit_code == 0
    assert "README.md results section already up to date" in again.stdout


def test_report_command_outside_a_repository_fails_with_exit_4(cli, tmp_path: Path) -> None:
    result = cli("report", cwd=tmp_path)

    assert result.exit_code == 4
    assert result.stderr.startswith("starter: error: no paper.toml in ")
    assert result.stderr.count("\n") == 1


def test_report_command_with_a_readme_without_markers_writes_nothing(cli, example: Path) -> None:
    write(example / "README.md", "# no markers\n")

    result = cli("report", "--readme", cwd=example)

    assert result.exit_code == 1
    assert "README.md has no line <!-- starter:results:begin -->" in result.stderr
    assert not (example / "report").exists()


def test_report_command_rejects_an_unknown_format(cli, example: Path) -> None:
    result = cli("report", "--format", "pdf", cwd=example)

    assert result.exit_code == 1
    assert "unknown report format 'pdf'; use one of: md, html, json" in result.stderr


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    from browser import Browser, chromium

    if chromium() is None:
        pytest.skip("chromium is not installed (apt-get install chromium; .ci/run does)")
    driven = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield driven
    driven.close()


def log_a_long_run(root: Path) -> None:
    """A run as real ones look: a long command, many params and results, a long environment
    (a report of the example alone fits any window; this one cut its runs table at 1,280 px)."""
    params = {"lr": "0.03", "epochs": "23", "batch-size": "1", "optimizer": "sgd-diagonal-lm"}
    env = {
        "os": "Linux-6.1.0-18-amd64-x86_64-with-glibc2.36",
        "python": "3.11.9",
        "gpu": ["NVIDIA GeForce RTX 4090 24GB", "NVIDIA GeForce RTX 4090 24GB"],
    }
    record = results.run_record(
        {"test-error": 5.02, "accuracy": 74.2, "synthetic-test-loss": 0.0123456789},
        seed=11,
        params={**params, "checkpoint": "checkpoints/seed-11.npz"},
        command="python -m example2020.train --epochs 23 --lr 0.03 --batch-size 1 "
        "--checkpoint checkpoints/seed-11.npz --data-dir /data/usps/zip-code-digits",
        duration=86399.0,
        git={"commit": "0123456789abcdef0123456789abcdef01234567", "dirty": True},
        env=env,
        starter_version="0.1.0",
        time="2026-03-08T10:00:00.000000Z",
        run_id="20260308-100000-seed11-a1b2c3d4",
        note="with the learning-rate schedule of Section 5.1",
    )
    results.append(root, [record])


@pytest.mark.parametrize("width", [390, 1280, 1920])
def test_html_report_cuts_nothing_off_in_chromium(browser, example: Path, width: int) -> None:
    git(example, "remote", "add", "origin", "git@github.com:ada/example2020-repro.git")
    log_a_long_run(example)
    page = report.generate(example, "html").output

    layout = browser.layout(page.as_uri(), width)

    assert layout["width"] == width
    assert layout["cut"] == []  # no scroll bar hides a column, nothing reaches past the edge
    runs = [t for t in layout["tables"] if "runs" in t["cls"].split()]
    assert runs and all(t["last"] <= width for t in runs)
    assert "not-reproduced" in layout["verdicts"] and "reproduced" in layout["verdicts"]


def test_report_into_a_folder_uses_the_default_file_name(example: Path, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()

    outcome = report.generate(example, "json", str(folder))

    assert outcome.output == folder / "report.json"
    assert json.loads(outcome.output.read_text(encoding="utf-8"))["schema"] == 1


def test_report_command_that_cannot_write_fails_with_exit_6(cli, example: Path) -> None:
    write(example / "blocker", "a file where a folder should be\n")

    result = cli("report", "-f", "json", "-o", "blocker/report.json", cwd=example)

    assert result.exit_code == 6
    assert result.stderr.startswith("starter: error: cannot write the report to ")


def test_report_help_loads_no_heavy_library(tmp_path: Path) -> None:
    from probe import heavy_in, loaded_modules

    modules, proc = loaded_modules(tmp_path, "report", "--help")

    assert proc.returncode == 0, proc.stderr
    assert "--readme" in proc.stdout
    assert heavy_in(modules) == []


# ----------------------------------------------------------------------------- large logs


def log_many(root: Path, n: int) -> None:
    """`n` runs of test-error: every 50th an extension run, every 41st failed, every 11th dirty."""
    records = [
        results.run_record(
            {"test-error": 5.0 + ((i * 7919) % 101 - 50) / 100},
            kind="extension" if i % 50 == 7 else "reproduction",
            failed=i % 41 == 3,
            seed=i,
            command=f"python train.py --seed {i}",
            git={"commit": "0" * 40, "dirty": i % 11 == 0},
            env=dict(ENV, python="3.11.9" if i % 3 else "3.12.1"),
            starter_version="0.1.0",
            time=f"2026-03-01T10:00:00.{i:06d}Z",
            run_id=f"run-{i}",
        )
        for i in range(n)
    ]
    results.append(root, records)


@pytest.fixture
def large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    root = tmp_path / "large"
    write(root / "paper.toml", CARD.format(train_tolerance=""))
    log_many(root, 5000)
    return root


def test_a_large_report_lists_the_latest_runs_and_counts_every_run(large: Path) -> None:
    from starter.track import status

    model = json.loads(report.generate(large, "json", "-").text)
    runs = model["runs"]
    listed = [r["id"] for r in runs["reproduction"] + runs["extension"]]

    assert runs["total"] == 5000 and runs["shown"] == report.RUNS_SHOWN == 200
    assert sorted(listed, key=lambda r: int(r.split("-")[1])) == [
        f"run-{i}" for i in range(4800, 5000)
    ]
    assert runs["extension_total"] == 100 and runs["reproduction_total"] == 4900
    assert runs["failed"] == len([i for i in range(5000) if i % 41 == 3])
    assert runs["dirty"] == len(range(0, 5000, 11))
    assert runs["shown_note"] == (
        "the 200 most recent of 5,000 runs are listed; all are in results/runs.jsonl"
    )
    assert model["headline"]["runs"] == 5000
    python = next(e for e in model["environment"]["entries"] if e["name"] == "python")
    assert python["values"] == {"3.12.1": 1667, "3.11.9": 3333} and python["disagree"]
    row = next(c for c in model["claims"] if c["id"] == "test-error")
    computed = next(c for c in status.compute(large).claims if c.id == "test-error")
    assert row["n"] == computed.n == len(computed.values) > 4000
    assert row["mean"] == computed.mean and row["ci95"] == list(computed.ci95)
    assert len(row["values"]) == 1000 and row["run_ids"] == []
    assert row["values"][0] == min(computed.values) and row["values"][-1] == max(computed.values)
    assert row["values_drawn"] == {"values": {"drawn": 1000, "of": computed.n}}
    assert row["extension_values"] == list(computed.extension_values)  # 100: all drawn
    note = next(line for line in model["groups"][0]["notes"] if "extension values" in line)
    assert note.endswith(f" and {len(computed.extension_values) - 50} more (all are in the plot)")


def test_a_large_report_says_the_same_in_markdown_and_html(large: Path) -> None:
    from starter.track import status

    n = next(c.n for c in status.compute(large).claims if c.id == "test-error")
    md = report.generate(large, "md").output.read_text(encoding="utf-8")
    html = report.generate(large, "html").output.read_text(encoding="utf-8")
    sentence = "the 200 most recent of 5,000 runs are listed; all are in results/runs.jsonl"

    assert f"Below, {sentence}." in md and f"Below, {sentence}." in html
    assert "5,000 runs: 4,900 reproduction, 100 extension; 122 failed, 455 made" in md
    assert "5,000 runs: 4,900 reproduction, 100 extension; 122 failed, 455 made" in html
    assert md.count("\n| run-") == 200 and html.count("<tr data-run=") == 200
    assert "| run-4999<br>" in md and "| run-4799<br>" not in md
    drawn = f"test-error: drawn as evenly spaced quantiles, 1,000 of {n:,} runs"
    assert f"*{drawn}; the mean and its 95% interval use every run.*" in md
    assert f'<em class="drawn">{drawn}' in html
    svg = (large / "report" / "plots" / "test-error.svg").read_text(encoding="utf-8")
    assert f"runs (n={n:,}; 1,000 quantiles drawn)" in svg
    assert "extension (n=98)" in svg  # two of the hundred failed


def test_a_small_report_draws_and_lists_everything(example: Path) -> None:
    model = json.loads(report.generate(example, "json", "-").text)

    assert "shown" not in model["runs"] and all("plot_note" not in c for c in model["claims"])
    assert len(model["runs"]["reproduction"]) + len(model["runs"]["extension"]) == 7


def test_drawn_values_are_all_of_a_few_or_evenly_spaced_quantiles() -> None:
    from starter.report.plots import drawn

    assert drawn((3.0, 1.0, 2.0)) == (3.0, 1.0, 2.0)
    many = [float((i * 7919) % 10007) for i in range(10007)]
    picked = drawn(many, 11)  # the values are 0 .. 10006, shuffled
    assert len(picked) == 11 and (picked[0], picked[-1]) == (0.0, 10006.0)
    assert all(abs(q - i * 1000.6) <= 1 for i, q in enumerate(picked))
    assert picked == tuple(sorted(picked)) and drawn(many, 11) == picked


def test_a_tolerance_change_outside_git_is_dated_by_the_next_committed_run(
    tmp_path: Path,
) -> None:
    from starter.report import history
    from starter.track import status

    root = tmp_path / "nogit"
    write(root / "paper.toml", CARD.format(train_tolerance=""))
    log_runs(root, "0" * 40)

    model = json.loads(report.generate(root, "json", "-").text)
    full = report_model.build(status.compute(root), history.collect(root), [])

    events = model["tolerance_events"]
    assert events[0]["commit"] == {"commit": "0" * 40, "via": "run run-0"}
    assert events[1]["commit"] is None  # no run after it
    assert [e["commit"] for e in full["tolerance_events"]] == [e["commit"] for e in events]
