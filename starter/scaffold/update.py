"""`starter update`: a template's newer version merged into a repository that `starter new`
made, file by file, with git's three-way merge (`git merge-file`) against the files as the
template last rendered them (`.starter/rendered.toml`)."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starter import __version__
from starter.errors import ConflictError, NotFoundError, SetupError
from starter.scaffold import record as rec
from starter.scaffold.templating import RenderedFile

# What an update does to a file, for the summary and --json.
ACTIONS = {
    "added": "new in the template",
    "updated": "changed by the template, not by you",
    "merged": "changed by both, merged without conflict",
    "conflict": "changed by both on the same lines: resolve the conflict markers",
    "removed": "dropped by the template, unchanged by you",
    "kept": "left as you have it",
    "deleted": "deleted by you, changed by the template: left deleted",
}


@dataclass(frozen=True)
class Change:
    """What the update does to one file; `before`/`after` are texts for --diff (None when
    absent or binary)."""

    path: str
    action: str
    detail: str = ""
    data: bytes | None = None  # what gets written (None: nothing, or a deletion)
    executable: bool = False
    before: str | None = None
    after: str | None = None

    @property
    def writes(self) -> bool:
        return self.action in ("added", "updated", "merged", "conflict", "removed")


@dataclass(frozen=True)
class UpdateResult:
    """What `starter update` did (or, with pretend, would do)."""

    root: Path
    template: str
    old_version: str
    new_version: str
    old_hash: str
    new_hash: str
    changes: tuple[Change, ...]
    pretend: bool = False

    @property
    def conflicts(self) -> list[str]:
        return [c.path for c in self.changes if c.action == "conflict"]

    @property
    def up_to_date(self) -> bool:
        return self.old_hash == self.new_hash and not self.changes

    def to_json(self) -> dict[str, Any]:
        return {
            "path": str(self.root),
            "template": self.template,
            "from": {"version": self.old_version, "hash": self.old_hash},
            "to": {"version": self.new_version, "hash": self.new_hash},
            "pretend": self.pretend,
            "changes": [
                {"path": c.path, "action": c.action, "detail": c.detail or ACTIONS[c.action]}
                for c in self.changes
            ],
            "conflicts": self.conflicts,
        }


def update(root: Path, *, template: str | None = None, pretend: bool = False) -> UpdateResult:
    """Merge the template's current version into the repository at `root`.

    `template` names the template to update to (a built-in's name or a folder) when it is
    not the one recorded at `new`. Files you changed keep your changes; where you and the
    template changed the same lines, the file gets git's conflict markers. paper.toml and
    results/ are never touched. With `pretend`, nothing is written.
    """
    from starter.papers.card import parse_card
    from starter.scaffold import templating
    from starter.scaffold.context import build_context
    from starter.scaffold.create import normalize_license, normalize_require

    record = rec.load_record(root)
    base = rec.load_base(root)
    tmpl = _find(template or record.template, record)
    new_hash = templating.content_hash(tmpl)
    result = UpdateResult(
        root, tmpl.name, record.version, __version__, record.hash, new_hash, (), pretend
    )
    answers = record.answers
    if (new_hash, __version__, rec.answers_digest(answers)) == (
        record.hash,
        record.version,
        base.answers,
    ):
        return result  # the same template, starter and answers render the same files

    context = build_context(
        parse_card(base.card, source=str(root / rec.BASE_FILE)),
        package=answers["package"],
        project=answers["project"],
        author=answers["author"],
        email=answers.get("email"),
        license_id=normalize_license(answers["license"]),
        template_defaults=tmpl.defaults(),
        year=answers["year"],
        require=normalize_require(answers.get("require")),
    )
    rendered = [f for f in templating.render_files(tmpl, context) if not rec.protected(f.path)]
    new_files = rec.base_files(rendered)
    labels = (
        "yours",
        f"template {tmpl.name} {record.version} ({record.hash[:7]})",
        f"template {tmpl.name} {__version__} ({new_hash[:7]})",
    )
    changes = plan(root, base.files, new_files, {f.path: f for f in rendered}, labels)
    result = dataclasses.replace(result, changes=tuple(changes))
    if pretend:
        return result
    _check_clean(root, changes)
    for change in changes:
        _apply(root, change)
    source = _recorded_source(template) if template is not None else record.template
    new_record = dataclasses.replace(
        record, template=source, name=tmpl.name, version=__version__, hash=new_hash
    )
    from starter.fsutil import atomic_write_text

    atomic_write_text(root / rec.BASE_FILE, rec.dump_base(base.card, new_files, answers))
    atomic_write_text(root / rec.ANSWERS_FILE, new_record.dump())
    return result


def plan(
    root: Path,
    old: dict[str, rec.BaseFile],
    new: dict[str, rec.BaseFile],
    rendered: dict[str, RenderedFile],
    labels: tuple[str, str, str],
) -> list[Change]:
    """Decide, file by file, what the update does; three-way merges are computed here."""
    git: str | None = None
    changes = []
    for path in sorted(set(old) | set(new)):
        if rec.protected(path):
            continue
        o, t = old.get(path), new.get(path)
        if o is not None and t is not None and (o.sha256, o.executable) == (t.sha256, t.executable):
            continue  # the template did not change it: whatever you did stays
        target = root / path
        if target.is_dir():
            changes.append(Change(path, "kept", "a folder of yours has this name"))
            continue
        u = target.read_bytes() if target.is_file() else None
        u_exec = bool(u is not None and os.stat(target).st_mode & 0o100)
        u_sha = hashlib.sha256(u).hexdigest() if u is not None else None
        before = _text(u)
        if t is None:  # the template dropped it
            assert o is not None
            if u is None:
                continue
            if u_sha == o.sha256:
                changes.append(Change(path, "removed", before=before))
            else:
                changes.append(Change(path, "kept", "dropped by the template; you changed it"))
            continue
        new_data = rendered[path].data
        if u is None:
            if o is None:
                changes.append(Change(path, "added", "", new_data, t.executable, None, t.text))
            else:
                changes.append(Change(path, "deleted"))
            continue
        # What the user did to the executable bit wins over the template's.
        executable = t.executable if o is None or u_exec == o.executable else u_exec
        if u_sha == t.sha256:
            if u_exec != executable:
                changes.append(Change(path, "updated", "mode", u, executable, before, before))
            continue
        if o is not None and u_sha == o.sha256:
            changes.append(Change(path, "updated", "", new_data, executable, before, t.text))
            continue
        base_text = "" if o is None else o.text
        if before is None or t.text is None or base_text is None:
            changes.append(Change(path, "kept", "a binary file changed by both: yours is kept"))
            continue
        if git is None:
            git = _git()
        from starter.scaffold.gitutil import merge_file

        merged, conflicts = merge_file(git, before, base_text, t.text, labels)
        action = "conflict" if conflicts else "merged"
        detail = f"{conflicts} conflict{'s' if conflicts != 1 else ''}" if conflicts else ""
        changes.append(
            Change(path, action, detail, merged.encode("utf-8"), executable, before, merged)
        )
    return changes


def _apply(root: Path, change: Change) -> None:
    from starter.fsutil import atomic_write_bytes

    target = root / change.path
    if change.action == "removed":
        target.unlink(missing_ok=True)
        return
    if change.data is None or not change.writes:
        return
    atomic_write_bytes(target, change.data)
    mode = target.stat().st_mode
    wanted = (mode | (0o111 & ~_umask())) if change.executable else (mode & ~0o111)
    if wanted != mode:
        target.chmod(wanted)


def _check_clean(root: Path, changes: list[Change]) -> None:
    """Refuse to write over changes git does not have yet: they could not be got back."""
    import shutil

    paths = [c.path for c in changes if c.writes and (root / c.path).exists()]
    git = shutil.which("git")
    if not paths or git is None:  # without git there is no repository to be dirty
        return
    from starter.scaffold.gitutil import uncommitted

    dirty = uncommitted(git, root, paths)
    if dirty:
        shown = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise ConflictError(
            f"{shown}: uncommitted changes the update would merge into; commit or stash "
            "them first (git stash), then run starter update again"
        )


def _find(spec: str, record: rec.Record) -> Any:
    from starter.scaffold import templating

    try:
        return templating.find_template(spec)
    except NotFoundError:
        if spec != record.template:
            raise
        raise NotFoundError(
            f"the template this repository was made from ({spec}) is not here; "
            "pass --template with its name or folder"
        ) from None


def _recorded_source(spec: str) -> str:
    from starter.scaffold import templating

    if "/" not in spec and spec in templating.builtin_names():
        return spec
    return str(Path(spec).expanduser().resolve())


def _text(data: bytes | None) -> str | None:
    if data is None:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _git() -> str:
    import shutil

    found = shutil.which("git")
    if found is None:
        raise SetupError(
            "git is not on PATH; starter update merges with `git merge-file`: install git "
            "(https://git-scm.com)"
        )
    return found


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
