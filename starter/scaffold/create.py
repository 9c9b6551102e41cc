"""Template → new reimplementation repository: names, context, atomic creation, first commit."""

from __future__ import annotations

import dataclasses
import keyword
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starter import __version__
from starter.errors import InputError, SetupError
from starter.models import Paper, slugify
from starter.scaffold.context import RESULTS_BEGIN, RESULTS_END, build_context, license_text

__all__ = ["RESULTS_BEGIN", "RESULTS_END", "build_context", "create", "license_text"]

LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause")
# What the generated CI asks of `starter status --check` (`starter new --require`): nothing
# more than the plain check (no central claim not reproduced), or more.
REQUIRE_CHOICES = ("reproduced", "judged")
# Names a package must not take: they would shadow what its own code or tests import.
_RESERVED = frozenset({"src", "tests", "test", "setup", "site", "numpy", "torch", "starter"})


@dataclass(frozen=True)
class ScaffoldResult:
    """What `starter new` created."""

    path: Path
    paper_key: str
    package: str
    project: str
    template: str
    files: tuple[str, ...]
    author: str
    email: str | None
    license: str
    commit: str | None = None
    branch: str | None = None
    require: str | None = None
    pretend: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "pretend": self.pretend,
            "path": str(self.path),
            "paper": self.paper_key,
            "package": self.package,
            "project": self.project,
            "template": self.template,
            "files": list(self.files),
            "author": self.author,
            "email": self.email,
            "license": self.license,
            "commit": self.commit,
            "branch": self.branch,
            "require": self.require,
        }


# ----------------------------------------------------------------------------- names


def project_slug(paper: Paper) -> str:
    """The folder and distribution name: the key as a slug, else the title's."""
    return slugify(paper.key) or slugify(paper.title)[:40].strip("-") or "paper"


def package_name(paper: Paper) -> str:
    """A valid, importable Python package name for the paper, whatever its key holds."""
    name = slugify(paper.key, "_") or slugify(paper.title, "_")[:40].strip("_") or "paper"
    if name[0].isdigit():
        name = f"paper_{name}"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name = f"{name}_"
    if name in sys.stdlib_module_names or name in _RESERVED:
        name = f"{name}_repro"
    return name


def normalize_require(require: str | None) -> str | None:
    if require is None or not require.strip() or require.strip().lower() == "none":
        return None
    wanted = require.strip().lower()
    if wanted not in REQUIRE_CHOICES:
        raise InputError(
            f"unknown --require {require!r}; choose {' or '.join(REQUIRE_CHOICES)}, "
            "or leave it out for the plain check"
        )
    return wanted


def normalize_license(license_id: str | None) -> str:
    wanted = (license_id or "MIT").strip()
    for known in LICENSES:
        if known.lower() == wanted.lower():
            return known
    raise InputError(f"unknown licence {wanted!r}; choose one of {', '.join(LICENSES)}")


# ----------------------------------------------------------------------------- creating


def create(
    paper: Paper,
    directory: Path | None,
    *,
    template: str = "default",
    author: str | None = None,
    email: str | None = None,
    license_id: str | None = "MIT",
    git: bool = True,
    force: bool = False,
    require: str | None = None,
    pretend: bool = False,
) -> ScaffoldResult:
    """Render `template` for `paper` into `directory`, commit it, and move it into place.

    Everything is written to a temporary folder beside the target first, so a failure at
    any point (a template error, git, Ctrl-C) leaves neither a partial repository nor
    the temporary folder behind. With `pretend`, nothing is written: the result lists
    what would be.
    """
    from starter.papers.card import CARD_NAME
    from starter.papers.card_write import render_card
    from starter.scaffold import gitutil, place, templating

    license_id = normalize_license(license_id)
    require = normalize_require(require)
    tmpl = templating.find_template(template or "default")
    project = project_slug(paper)
    package = package_name(paper)
    target = Path(directory) if directory is not None else Path(project)
    target = Path(os.path.abspath(target.expanduser()))
    place.check_target(target, force, paper.key)

    git_exe = gitutil.git_executable() if git else shutil.which("git")
    config = gitutil.read_config(git_exe) if git_exe else gitutil.GitConfig()
    author = (author or config.name or "").strip()
    email = (email or config.email or "").strip() or None
    if not author or (git and not email):
        missing = "user.name" if not author else "user.email"
        raise SetupError(f"no git identity ({missing} is not set); {gitutil.IDENTITY_HINT}")

    context = build_context(
        paper,
        package=package,
        project=project,
        author=author,
        email=email,
        license_id=license_id,
        template_defaults=tmpl.defaults(),
        require=require,
    )
    card = render_card(paper)
    rendered = templating.render_files(tmpl, context)
    answers = {
        "paper": paper.key,
        "project": project,
        "package": package,
        "author": author,
        "email": email,
        "license": license_id,
        "year": context["year"],
        "require": require,
    }
    rendered += _record_files(template or "default", tmpl, answers, card, rendered)
    files = sorted({*(f.path for f in rendered), CARD_NAME})
    result = ScaffoldResult(
        path=target,
        paper_key=paper.key,
        package=package,
        project=project,
        template=tmpl.name,
        files=tuple(files),
        author=author,
        email=email,
        license=license_id,
        require=require,
        pretend=pretend,
    )
    if pretend:
        return result
    created_parent = _first_missing(target.parent)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".starter", dir=target.parent)
        )
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise SetupError(
            f"cannot create {target}: {reason}; choose a folder you can write to"
        ) from None
    # mkdtemp makes a private (0700) folder; the repository gets the usual permissions.
    mask = os.umask(0)
    os.umask(mask)
    staging.chmod(0o777 & ~mask)
    try:
        templating.write_files(rendered, staging)
        (staging / CARD_NAME).write_text(card, encoding="utf-8")
        commit = branch = None
        if git and git_exe:
            branch = config.default_branch or "main"
            commit = gitutil.init_and_commit(
                git_exe,
                staging,
                message=commit_message(paper, tmpl.name),
                name=author,
                email=email or "",
                branch=branch,
            )
        if target.exists() and any(target.iterdir()):
            # --force (checked above): the template's files go in, everything else stays.
            place.merge_into(staging, target)
            shutil.rmtree(staging, ignore_errors=True)
        else:
            os.replace(staging, target)  # an empty target folder is replaced as well
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created_parent is not None:
            shutil.rmtree(created_parent, ignore_errors=True)
        raise
    return dataclasses.replace(result, commit=commit, branch=branch)


def _record_files(
    source: str, tmpl: Any, answers: dict[str, Any], card: str, rendered: list[Any]
) -> list[Any]:
    """`.starter/template.toml` and `.starter/rendered.toml`, for `starter update`."""
    from starter.scaffold import record, templating

    # A built-in template is recorded by name (the next starter brings its next version);
    # a folder of your own by its absolute path.
    if source in templating.builtin_names() and "/" not in source:
        shown = source
    else:
        shown = str(Path(source).expanduser().resolve())
    rec = record.Record(shown, tmpl.name, __version__, templating.content_hash(tmpl), answers)
    base = record.dump_base(card, record.base_files(rendered), answers)
    return [
        templating.RenderedFile(record.ANSWERS_FILE, rec.dump().encode("utf-8")),
        templating.RenderedFile(record.BASE_FILE, base.encode("utf-8")),
    ]


def commit_message(paper: Paper, template: str) -> str:
    title = " ".join(paper.title.split())
    return (
        f"Start reimplementation of {paper.short_authors()}"
        f"{f' ({paper.year})' if paper.year else ''}, {title}\n\n"
        f"Created by starter {__version__} from the {template!r} template and the paper card "
        f"of {paper.key!r}."
    )


def _first_missing(folder: Path) -> Path | None:
    """The outermost folder on the way to `folder` that does not exist yet."""
    missing = None
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            break
        missing = candidate
    return missing
