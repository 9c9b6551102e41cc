"""What `starter new` leaves in a repository for `starter update`: the template, its version
and the answers (`.starter/template.toml`), and the files as rendered (`.starter/rendered.toml`)."""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starter.errors import InputError, NotFoundError
from starter.scaffold.templating import RenderedFile, quote

RECORD_DIR = ".starter"
ANSWERS_FILE = f"{RECORD_DIR}/template.toml"
BASE_FILE = f"{RECORD_DIR}/rendered.toml"
SCHEMA = 1
# The answers `starter update` renders the template's next version with, in this order.
# Never written by an update, whatever the template holds: the paper card and its claims,
# the results log, and this record itself (rewritten at the end of an update).
PROTECTED = ("paper.toml", "results/", f"{RECORD_DIR}/")
ANSWER_KEYS = ("paper", "project", "package", "author", "email", "license", "year", "require")

# What a TOML literal string cannot hold: control characters other than tab and newline.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")
ANSWERS_HEADER = """\
# How `starter new` made this repository: the template, its version and your answers.
# `starter update` renders the template's newer version with the same answers and merges
# the difference into your files (it never touches paper.toml or results/). Change an
# answer here (a new e-mail address, say) and `starter update` merges what it changes.
"""
BASE_HEADER = """\
# The files exactly as the template rendered them, with the paper card they were rendered
# for: the common ancestor of `starter update`'s three-way merge (git merge-file). starter
# writes this file at `new` and at each update; do not edit it.
"""


@dataclass(frozen=True)
class Record:
    """`.starter/template.toml`: which template, which version of it, and the answers."""

    template: str  # as given to --template: a built-in's name or a template folder
    name: str  # the template's own name (its manifest's)
    version: str  # the starter version that rendered it
    hash: str  # of the template's files (templating.content_hash)
    answers: dict[str, Any] = field(default_factory=dict)

    def dump(self) -> str:
        lines = [ANSWERS_HEADER, f"schema = {SCHEMA}", "", "[template]"]
        lines += [
            f"source = {quote(self.template)}  # a built-in template's name, or a folder",
            f"name = {quote(self.name)}",
            f"version = {quote(self.version)}  # of starter, whose template this is",
            f"hash = {quote(self.hash)}  # sha256 of the template's files",
            "",
            "[answers]",
        ]
        for key in ANSWER_KEYS:
            value = self.answers.get(key)
            if value is None or value == "":
                continue
            shown = str(value) if isinstance(value, int) else quote(value)
            lines.append(f"{key} = {shown}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class BaseFile:
    """A file as rendered: its text (None for a binary file, known by its hash alone)."""

    text: str | None
    sha256: str
    executable: bool = False


@dataclass(frozen=True)
class Base:
    """`.starter/rendered.toml`: the paper card and the files of the last render."""

    card: str
    files: dict[str, BaseFile]
    answers: str = ""  # answers_digest() of the answers these files were rendered with


def answers_digest(answers: dict[str, Any]) -> str:
    """A digest of the answers: an update re-renders when they changed since the last."""
    shown = {k: answers.get(k) for k in ANSWER_KEYS if answers.get(k) not in (None, "")}
    return hashlib.sha256(json.dumps(shown, sort_keys=True).encode("utf-8")).hexdigest()


def protected(path: str) -> bool:
    return path in PROTECTED or path.startswith(tuple(p for p in PROTECTED if p.endswith("/")))


def base_files(files: list[RenderedFile]) -> dict[str, BaseFile]:
    """The files an update may merge (the protected ones left out), as the base records them."""
    out = {}
    for f in files:
        if protected(f.path):
            continue
        try:
            text: str | None = f.data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        out[f.path] = BaseFile(text, hashlib.sha256(f.data).hexdigest(), f.executable)
    return out


def dump_base(card: str, files: dict[str, BaseFile], answers: dict[str, Any]) -> str:
    parts = [
        BASE_HEADER,
        f'\nschema = {SCHEMA}\nanswers = "{answers_digest(answers)}"\n',
        f"card = {toml_text(card)}\n",
    ]
    for path in sorted(files):
        f = files[path]
        lines = [f"\n[files.{quote(path)}]"]
        if f.executable:
            lines.append("executable = true")
        if f.text is None:
            lines.append(f'sha256 = "{f.sha256}"')
        else:
            lines.append(f"text = {toml_text(f.text)}")
        parts.append("\n".join(lines) + "\n")
    return "".join(parts)


def toml_text(text: str) -> str:
    """`text` as a TOML string: a multi-line literal string (readable in a diff) when the
    text allows it, else a one-line basic string with escapes."""
    literal_ok = "'''" not in text and not text.endswith("'") and not _CONTROL.search(text)
    if literal_ok:
        return f"'''\n{text}'''"
    return quote(text)


# ----------------------------------------------------------------------------- reading


def load_record(root: Path) -> Record:
    data = _load(root, ANSWERS_FILE)
    table = data.get("template")
    answers = data.get("answers", {})
    if not isinstance(table, dict) or not isinstance(answers, dict):
        raise InputError(f"{root / ANSWERS_FILE}: expected [template] and [answers] tables")
    missing = [
        k for k in ("source", "name", "version", "hash") if not isinstance(table.get(k), str)
    ]
    if missing:
        raise InputError(f"{root / ANSWERS_FILE}: template.{missing[0]}: expected text")
    unknown = sorted(set(answers) - set(ANSWER_KEYS))
    if unknown:
        raise InputError(
            f"{root / ANSWERS_FILE}: answers.{unknown[0]}: unknown answer; expected "
            + ", ".join(ANSWER_KEYS)
        )
    for key in ("paper", "project", "package", "author", "license"):
        if not isinstance(answers.get(key), str) or not answers[key]:
            raise InputError(f"{root / ANSWERS_FILE}: answers.{key}: expected text")
    if not isinstance(answers.get("year"), int):
        raise InputError(f"{root / ANSWERS_FILE}: answers.year: expected a whole number")
    return Record(
        table["source"], table["name"], table["version"], table["hash"], answers=dict(answers)
    )


def load_base(root: Path) -> Base:
    data = _load(root, BASE_FILE)
    card, raw_files = data.get("card"), data.get("files", {})
    if not isinstance(card, str) or not isinstance(raw_files, dict):
        raise InputError(f"{root / BASE_FILE}: expected card and [files] tables")
    files = {}
    for path, raw in raw_files.items():
        text = raw.get("text") if isinstance(raw, dict) else None
        digest = raw.get("sha256") if isinstance(raw, dict) else None
        if text is None and not isinstance(digest, str):
            raise InputError(f"{root / BASE_FILE}: files.{path}: expected text or sha256")
        if text is not None:
            digest = hashlib.sha256(str(text).encode("utf-8")).hexdigest()
        files[path] = BaseFile(text, str(digest), bool(raw.get("executable", False)))
    return Base(card, files, str(data.get("answers", "")))


def _load(root: Path, name: str) -> dict[str, Any]:
    path = root / name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise NotFoundError(
            f"{path} is missing: `starter update` needs the record `starter new` leaves in "
            "a repository (one made before `starter update` existed has none); restore it "
            "from git if it was deleted"
        ) from None
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read it ({exc}); restore it from git") from None
    if data.get("schema") != SCHEMA:
        raise InputError(
            f"{path}: schema {data.get('schema')!r} is not one this starter reads ({SCHEMA}); "
            "upgrade starter"
        )
    return data
