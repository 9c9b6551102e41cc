"""The ML Code Completeness Checklist, checked against the repository where a check can be made."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from starter.track.digest import COMMAND_WORDS, RunFacts
from starter.track.values import Run

# status: "yes" (found), "no" (looked and did not find), "author" (only the author can say)
YES, NO, AUTHOR = "yes", "no", "author"

DEPENDENCY_FILES = (
    "requirements.txt",
    "requirements.in",
    "environment.yml",
    "environment.yaml",
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "Pipfile",
    "poetry.lock",
    "uv.lock",
    "conda.yaml",
    "Dockerfile",
)
TRAIN = re.compile(r"(^|[/_-])(train|fit|finetune|pretrain)[^/]*\.(py|sh|ipynb)$", re.I)
EVALUATE = re.compile(
    r"(^|[/_-])(eval|evaluate|evaluation|test|inference)[^/]*\.(py|sh|ipynb)$", re.I
)
WEIGHTS = re.compile(r"\.(pt|pth|ckpt|safetensors|h5|onnx|pb|npz)$", re.I)
WEIGHT_WORDS = re.compile(
    r"huggingface\.co/|zenodo\.org/|pretrained (model|weights)|checkpoints?\b|download", re.I
)


@dataclass(frozen=True)
class Item:
    name: str
    status: str
    evidence: str


def check(root: Path, files: Sequence[str], runs: Iterable[Run] | RunFacts) -> tuple[Item, ...]:
    """The five checklist items; `files` are the repository's files (relative, posix)."""
    files = list(files) or _walk(root)
    facts = runs if isinstance(runs, RunFacts) else RunFacts.of(runs)
    return (
        _dependencies(root, files),
        _code("Training code", files, TRAIN, facts),
        _code("Evaluation code", files, EVALUATE, facts),
        _results_table(root, facts),
        _pretrained(root, files),
    )


def _walk(root: Path) -> list[str]:
    """Files on disk when git gives none (no repository, no commits)."""
    skip = {".git", ".venv", "venv", "node_modules", "__pycache__", "results", "report"}
    found = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not skip.intersection(relative.parts):
            found.append(relative.as_posix())
    return found


def _dependencies(root: Path, files: list[str]) -> Item:
    name = "Specification of dependencies"
    top = [f for f in files if "/" not in f and f in DEPENDENCY_FILES]
    if "pyproject.toml" in top and not _pyproject_has_deps(root / "pyproject.toml"):
        top.remove("pyproject.toml")
    if top:
        return Item(name, YES, ", ".join(top))
    return Item(name, NO, "no requirements.txt, pyproject.toml dependencies or environment.yml")


def _pyproject_has_deps(path: Path) -> bool:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    project = data.get("project", {})
    poetry = data.get("tool", {}).get("poetry", {})
    return bool(project.get("dependencies") or poetry.get("dependencies"))


def _code(name: str, files: list[str], pattern: re.Pattern[str], facts: RunFacts) -> Item:
    matches = [f for f in files if pattern.search(f) and not f.startswith("tests/")]
    command = facts.first_command.get(name)
    if matches:
        shown = ", ".join(matches[:3]) + (
            f" and {len(matches) - 3} more" if len(matches) > 3 else ""
        )
        return Item(name, YES, shown)
    if command:
        return Item(name, YES, f"run by `{command}`")
    return Item(name, AUTHOR, f"no file named like {COMMAND_WORDS[name][0]}*.py; say where it is")


def _results_table(root: Path, facts: RunFacts) -> Item:
    from starter.report.readme import BEGIN

    name = "Results table with the commands that produce it"
    counted, with_command = facts.counted, facts.with_command
    if not counted:
        return Item(name, NO, "no results logged yet: `starter run -- python train.py`")
    try:
        readme = (root / "README.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        readme = ""
    table = BEGIN in readme and "|" in readme.split(BEGIN, 1)[1]
    where = "README results table" if table else "this report (add it to the README: --readme)"
    if with_command == counted:
        return Item(name, YES, f"{where}; every run records its command")
    missing = counted - with_command
    return Item(
        name,
        NO if not with_command else AUTHOR,
        f"{where}; {missing} of {counted} runs were logged without the command "
        "that produced them (use `starter run -- COMMAND`)",
    )


def _pretrained(root: Path, files: list[str]) -> Item:
    name = "Pretrained models"
    weights = [f for f in files if WEIGHTS.search(f)]
    if weights:
        return Item(name, YES, ", ".join(weights[:3]))
    try:
        readme = (root / "README.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        readme = ""
    if WEIGHT_WORDS.search(readme):
        return Item(name, AUTHOR, "the README mentions weights or a download; check the link")
    return Item(name, AUTHOR, "left for the author: link the trained weights in the README")
