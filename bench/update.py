"""The update scenario: `starter update` beside `cruft update` and `copier update`, each
bringing a committed, user-edited project from its template's v1 to v2 (one conflict on
purpose), timed interleaved, then what each merge produced."""

# The anchors follow the team's anchor benchmark (bench_update.sh) on the 15-file anchor
# template: v2 adds a CI step, a dependency and CHANGELOG.md and changes a README line; the
# user changed that README line too (the conflict), edited the model and added a results
# file. starter gets the same kinds of change on its own `default` template (the anchor
# template's variables are cookiecutter's and copier's, not starter's), which has more
# files: so starter merges more, not less, than the anchors.

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import sandbox

HERE = Path(__file__).resolve().parent
ANCHORS = HERE / "anchors"
STARTER_TEMPLATE = HERE.parent / "templates" / "project" / "default"
PAPER = "lecun1989"

RESET = """#!/usr/bin/env bash
set -eu
git -C "$1" reset -q --hard HEAD
git -C "$1" clean -qfdx
"""


def git(env: dict[str, str], cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise RuntimeError(f"bench: {old!r} not in {path}: the scenario needs updating")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def script(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def answers() -> dict[str, str]:
    out = {}
    for line in (ANCHORS / "answers.yaml").read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition(":")
            out[key.strip()] = value.strip().strip('"')
    return out


def anchor_v2(v1: Path, v2: Path) -> None:
    shutil.copytree(v1, v2)
    with (v2 / ".github/workflows/ci.yml.jinja").open("a") as f:
        f.write("      - run: ruff check src tests\n")
    replace(
        v2 / "pyproject.toml.jinja",
        'dependencies = ["numpy>=1.24", "pyyaml>=6"]',
        'dependencies = ["numpy>=1.24", "pyyaml>=6", "tqdm>=4"]',
    )
    replace(
        v2 / "README.md.jinja",
        "python -m venv .venv && . .venv/bin/activate",
        "python -m venv --upgrade-deps .venv && . .venv/bin/activate",
    )
    (v2 / "CHANGELOG.md.jinja").write_text(
        "# Changelog: {{ project_name }}\n\n## 0.1.0\n\n- Generated from the template.\n"
    )


def starter_v2(v1: Path, v2: Path) -> None:
    """The same kinds of change on starter's own template."""
    shutil.copytree(v1, v2)
    with (v2 / ".github/workflows/ci.yml.jinja").open("a") as f:
        f.write("      - run: ruff check src tests\n")
    replace(
        v2 / "pyproject.toml.jinja",
        'dependencies = ["numpy>=1.24"]',
        'dependencies = ["numpy>=1.24", "tqdm>=4"]',
    )
    replace(
        v2 / "README.md.jinja",
        "python -m venv --upgrade-deps .venv && . .venv/bin/activate",
        "python -m venv --upgrade-deps --prompt repro .venv && . .venv/bin/activate",
    )
    (v2 / "CHANGELOG.md.jinja").write_text(
        "# Changelog: {{ project }}\n\n## 0.1.0\n\n- Generated from the template.\n"
    )


def anchor_user_edits(project: Path) -> None:
    replace(
        project / "README.md",
        "python -m venv .venv && . .venv/bin/activate",
        "uv venv && . .venv/bin/activate",
    )
    model = next(project.glob("src/*/model.py"))
    replace(model, "hidden_size: int = 512", "hidden_size: int = 1024")
    (project / "results" / "reproduced.yaml").write_text("runs: []\n")


def starter_user_edits(project: Path) -> None:
    replace(
        project / "README.md",
        "python -m venv --upgrade-deps .venv && . .venv/bin/activate",
        "uv venv && . .venv/bin/activate",
    )
    replace(project / f"src/{PAPER}/train.py", "lr: float = 0.5", "lr: float = 0.25")
    (project / "results" / "reproduced.yaml").write_text("runs: []\n")


def prepare(work: Path, env: dict[str, str], starter: str) -> dict[str, Any]:
    """Templates v1 and v2 for each tool, a project made from v1 and committed with the
    user's edits, and one wrapper per tool that resets the project, then updates it."""
    u = work / "update"
    shutil.rmtree(u, ignore_errors=True)
    u.mkdir(parents=True)
    slug = answers()["project_slug"]
    python = sys.executable
    copier, cruft = sandbox.tool("copier"), sandbox.tool("cruft")

    # copier: a template repository with tags v1 and v2.
    anchor_v1, anchor_v2_dir = u / "anchor-v1", u / "anchor-v2"
    shutil.copytree(ANCHORS / "template", anchor_v1)
    anchor_v2(anchor_v1, anchor_v2_dir)
    tpl = u / "copier-tpl"
    tpl.mkdir()
    shutil.copy(ANCHORS / "copier" / "copier.yml", tpl)
    shutil.copytree(anchor_v1, tpl / "template")
    git(env, tpl, "init", "-q")
    git(env, tpl, "add", "-A")
    git(env, tpl, "commit", "-qm", "v1")
    git(env, tpl, "tag", "v1")
    shutil.rmtree(tpl / "template")
    shutil.copytree(anchor_v2_dir, tpl / "template")
    git(env, tpl, "add", "-A")
    git(env, tpl, "commit", "-qm", "v2")
    git(env, tpl, "tag", "v2")

    # cruft: a cookiecutter template repository, v1 then v2 on its main branch.
    cc_json = str(ANCHORS / "cookiecutter" / "cookiecutter.json")
    to_cc = str(ANCHORS / "tools" / "to_cookiecutter.py")
    cc = u / "cc-tpl"
    sandbox.check([python, to_cc, str(anchor_v1), cc_json, str(cc)])
    git(env, cc, "init", "-q")
    git(env, cc, "add", "-A")
    git(env, cc, "commit", "-qm", "v1")
    v1_sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=cc, env=env, capture_output=True, text=True
    ).stdout.strip()
    shutil.move(cc / ".git", u / "cc-git")
    shutil.rmtree(cc)
    sandbox.check([python, to_cc, str(anchor_v2_dir), cc_json, str(cc)])
    shutil.move(u / "cc-git", cc / ".git")
    git(env, cc, "add", "-A")
    git(env, cc, "commit", "-qm", "v2")

    # starter: its own template as a folder, v1 and v2.
    starter_v1, starter_v2_dir = u / "starter-v1", u / "starter-v2"
    shutil.copytree(STARTER_TEMPLATE, starter_v1)
    starter_v2(starter_v1, starter_v2_dir)

    # The projects, made from v1, committed, edited by their user, committed again.
    data = u / "answers.yaml"
    shutil.copy(ANCHORS / "answers.yaml", data)
    p_copier, p_cruft, p_starter = u / "p-copier" / slug, u / "p-cruft" / slug, u / "p-starter"
    rc = u / "cookiecutterrc"
    rc.write_text(f'cookiecutters_dir: "{u / "cc-cache"}"\nreplay_dir: "{u / "cc-replay"}"\n')
    copy = [copier, "copy", "--quiet", "--defaults", "--data-file", str(data)]
    sandbox.check([*copy, "--vcs-ref", "v1", str(tpl), str(p_copier)], env=env)
    create = [cruft, "create", "--no-input", "--config-file", str(rc), "--checkout", v1_sha]
    context = ["--extra-context", json.dumps(answers())]
    sandbox.check([*create, "--output-dir", str(p_cruft.parent), *context, str(cc)], env=env)
    sandbox.check(
        [starter, "new", PAPER, str(p_starter), "--offline", "--template", str(starter_v1)],
        env=env,
    )
    for project, edits in (
        (p_copier, anchor_user_edits),
        (p_cruft, anchor_user_edits),
        (p_starter, starter_user_edits),
    ):
        if not (project / ".git").exists():
            git(env, project, "init", "-q")
            git(env, project, "add", "-A")
            git(env, project, "commit", "-qm", "generated")
        edits(project)
        git(env, project, "add", "-A")
        git(env, project, "commit", "-qm", "user edits")
    # cruft records the commit it was made from; without it, `cruft update` follows main.
    cruft_json = p_cruft / ".cruft.json"
    recorded = json.loads(cruft_json.read_text())
    recorded["checkout"] = None
    cruft_json.write_text(json.dumps(recorded, indent=2) + "\n")
    git(env, p_cruft, "commit", "-qam", "follow main")

    reset = script(u / "reset.sh", RESET)
    updates = {  # each runs in the project, after the reset
        "copier update": (p_copier, f'"{copier}" update --quiet --defaults --vcs-ref v2 .'),
        "cruft update": (p_cruft, f'"{cruft}" update --skip-apply-ask --project-dir .'),
        "starter update": (p_starter, f'"{starter}" update --template "{starter_v2_dir}"'),
    }
    wrappers = {"reset only (baseline)": [str(reset), str(p_copier)]}
    for label, (project, command) in updates.items():
        wrapper = script(u / f"{label.replace(' ', '-')}.sh", _wrapper(reset, command))
        wrappers[label] = [str(wrapper), str(project)]
    projects = {"copier": p_copier, "cruft": p_cruft, "starter": p_starter}
    return {"wrappers": wrappers, "projects": projects}


def _wrapper(reset: Path, command: str) -> str:
    return f'#!/usr/bin/env bash\nset -eu\n"{reset}" "$1"\ncd "$1"\nexec {command}\n'


def merge_report(projects: dict[str, Path]) -> str:
    """What each tool's last update left: the user's edit, the template's changes, the
    new file, and how the conflict is shown."""

    def count(path: Path, needle: str) -> int:
        return path.read_text().count(needle) if path.is_file() else 0

    rows = []
    for tool, p in projects.items():
        model = p / f"src/{PAPER}/train.py" if tool == "starter" else next(p.glob("src/*/model.py"))
        kept = count(model, "lr: float = 0.25" if tool == "starter" else "hidden_size: int = 1024")
        rows.append(
            [
                tool,
                "yes" if kept else "no",
                "yes" if count(p / "pyproject.toml", "tqdm") else "no",
                "yes" if count(p / ".github/workflows/ci.yml", "ruff check src tests") else "no",
                "yes" if (p / "CHANGELOG.md").is_file() else "no",
                str(count(p / "README.md", "<<<<<<<")),
                str(sum(1 for _ in p.rglob("*.rej"))),
            ]
        )
    head = [
        "tool",
        "user edit kept",
        "new dependency",
        "new CI step",
        "new CHANGELOG.md",
        "conflict markers in README.md",
        ".rej files",
    ]
    lines = [
        "### What each update produced (a conflict is expected in README.md)",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
