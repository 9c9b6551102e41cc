"""Generated repositories pass what the community checks them with: Scientific Python's
repo-review, zizmor on the workflows, and CI that tests every Python they claim."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import ROOT

from starter.papers import catalog
from starter.scaffold import create as scaffold

TEMPLATES = ["default", "pytorch"]


def generate(tmp_path: Path, template: str, **kw: object) -> Path:
    paper = catalog.get("lenet5")
    return scaffold.create(paper, tmp_path / "repo", template=template, git=False, **kw).path


def workflow(repo: Path) -> dict:
    from ruamel import yaml  # installed with cffconvert

    return yaml.YAML(typ="safe").load((repo / ".github/workflows/ci.yml").read_text())


@pytest.mark.parametrize("template", TEMPLATES)
def test_repo_review_passes_every_check_it_does_not_skip_with_a_reason(
    tmp_path: Path, template: str
):
    from repo_review.processor import process

    repo = generate(tmp_path, template)
    results = process(repo).results
    failed = [f"{r.name}: {r.description}" for r in results if r.result is False]
    assert failed == []
    assert len([r for r in results if r.result]) > 40
    ignored = tomllib.loads((repo / "pyproject.toml").read_text())["tool"]["repo-review"]
    assert all(reason.strip() for reason in ignored["ignore"].values())
    # The README says why each check is skipped.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for check in ignored["ignore"]:
        assert re.search(rf"`{check}`", readme), f"README does not say why {check} is skipped"


@pytest.mark.parametrize("template", TEMPLATES)
def test_zizmor_finds_nothing_in_the_workflows_dependabot_and_pre_commit(
    tmp_path: Path, template: str
):
    zizmor = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or "zizmor"
    repo = generate(tmp_path, template)
    proc = subprocess.run(
        [zizmor, "--offline", "--no-progress", "--persona", "pedantic", str(repo)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No findings" in proc.stdout
    for audited in (".github/workflows/ci.yml", ".github/dependabot.yml"):
        assert audited in proc.stderr


@pytest.mark.parametrize("template", TEMPLATES)
def test_ci_lints_tests_every_claimed_python_and_checks_the_claims(tmp_path: Path, template: str):
    repo = generate(tmp_path, template)
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text())
    claimed = [
        c.rsplit(" :: ", 1)[1]
        for c in pyproject["project"]["classifiers"]
        if re.fullmatch(r"Programming Language :: Python :: 3\.\d+", c)
    ]
    jobs = workflow(repo)["jobs"]
    assert jobs["tests"]["strategy"]["matrix"]["python-version"] == claimed
    assert pyproject["project"]["requires-python"] == f">={claimed[0]}"

    def commands(job: str) -> str:
        return "\n".join(step.get("run", "") for step in jobs[job]["steps"])

    assert "ruff check" in commands("lint") and "ruff format --check" in commands("lint")
    assert "mypy" in commands("lint")
    assert "--group test" in commands("tests") and "pytest" in commands("tests")
    assert re.search(r"^starter status --check$", commands("claims"), flags=re.M)
    text = (repo / ".github/workflows/ci.yml").read_text()
    assert "${{ matrix.python-version }}" in text
    # Every action is pinned to a commit, with the version it is beside it.
    uses = re.findall(r"uses: (\S+)@(\S+) # (v\d+\S*)", text)
    assert uses and all(re.fullmatch(r"[0-9a-f]{40}", sha) for _, sha, _ in uses)
    assert len(uses) == text.count("uses:")


def test_ci_asks_what_starter_new_was_told_to_require(tmp_path: Path):
    repo = generate(tmp_path, "default", require="reproduced")
    steps = workflow(repo)["jobs"]["claims"]["steps"]
    assert steps[-1]["run"] == "starter status --check --require reproduced"


@pytest.mark.parametrize("template", TEMPLATES)
def test_starter_is_in_the_dev_group_so_ci_can_run_it(tmp_path: Path, template: str):
    from starter import __version__

    groups = tomllib.loads((generate(tmp_path, template) / "pyproject.toml").read_text())[
        "dependency-groups"
    ]
    assert groups["starter"] == [f"paper-starter>={__version__}"]
    assert {"include-group": "starter"} in groups["dev"]
    assert {"include-group": "lint"} in groups["dev"]


@pytest.mark.parametrize("template", TEMPLATES)
def test_generated_text_passes_the_whitespace_hooks_and_ruff(tmp_path: Path, template: str):
    """What pre-commit's end-of-file-fixer and trailing-whitespace hooks and ruff would
    change on the first commit: nothing."""
    repo = generate(tmp_path, template)
    for path in repo.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            name = path.relative_to(repo)
            assert data.endswith(b"\n") and not data.endswith(b"\n\n"), name
            assert not re.search(rb"[ \t]+\n", data), name
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or "ruff"
    for args in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        proc = subprocess.run([ruff, *args], cwd=repo, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.parametrize(("require", "code"), [(None, 0), ("reproduced", 3), ("judged", 3)])
def test_the_ci_claims_step_runs_as_written_on_a_fresh_repository(
    cli, tmp_path: Path, require: str | None, code: int
):
    """Green from the first commit with the plain check; with --require, red until the
    central claims are reproduced (or judged), as the user asked."""
    repo = generate(tmp_path, "default", require=require)
    command = workflow(repo)["jobs"]["claims"]["steps"][-1]["run"].split()
    assert command[:3] == ["starter", "status", "--check"]
    result = cli(*command[1:], "-C", str(repo))
    assert result.exit_code == code, result.stderr
