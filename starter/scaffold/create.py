"""Template → new reimplementation repository: names, context, atomic creation, first commit."""

from __future__ import annotations

import datetime as _dt
import keyword
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starter import __version__
from starter.errors import InputError, SetupError
from starter.models import Paper, slugify

LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause")
RESULTS_BEGIN = "<!-- starter:results:begin -->"
RESULTS_END = "<!-- starter:results:end -->"
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

    def to_json(self) -> dict[str, Any]:
        return {
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


def normalize_license(license_id: str | None) -> str:
    wanted = (license_id or "MIT").strip()
    for known in LICENSES:
        if known.lower() == wanted.lower():
            return known
    raise InputError(f"unknown licence {wanted!r}; choose one of {', '.join(LICENSES)}")


# ----------------------------------------------------------------------------- context


def build_context(
    paper: Paper,
    *,
    package: str,
    project: str,
    author: str,
    email: str | None,
    license_id: str,
    template_defaults: dict[str, Any],
) -> dict[str, Any]:
    """Everything a template may use; the README lists it under "Templates"."""
    from markupsafe import Markup

    from starter.papers.bibtex import (
        citation_key,
        paper_bibtex,
        software_bibtex,
        split_name,
        venue_kind,
    )

    year = _dt.date.today().year
    given, family = split_name(author)
    # Drafts (`--extract`) wait in paper.toml for review; the README lists reviewed claims.
    claims = [c for c in paper.claims if c.confidence != "draft"]
    measured = [c for c in claims if c.value is not None and c.direction is not None]
    context: dict[str, Any] = {
        **template_defaults,
        "paper": paper,
        "claims": claims,
        "central_claims": [c for c in claims if c.central],
        "measured_claims": measured,
        "datasets": sorted({c.dataset for c in claims if c.dataset}),
        "cite_as": f"{paper.short_authors()} ({paper.year})"
        if paper.year
        else paper.short_authors(),
        "authors_text": _authors_text(paper.authors),
        "venue_text": paper.venue.citation(),
        "venue_kind": venue_kind(paper),
        "author": author,
        "author_given": given,
        "author_family": family,
        "paper_authors_split": [split_name(a) for a in paper.authors],
        "email": email,
        "year": year,
        "license": license_id,
        "package": package,
        "project": project,
        "starter_version": __version__,
        "bibtex": paper_bibtex(paper).rstrip("\n"),
        "bibtex_key": citation_key(paper),
        # Markup: the markers are HTML comments on purpose (Markdown escapes the rest).
        "results_begin": Markup(RESULTS_BEGIN),
        "results_end": Markup(RESULTS_END),
        "cff": _cff_reference(paper),
    }
    context["license_text"] = license_text(license_id, year=year, holder=author)
    context["software_bibtex"] = software_bibtex(
        f"{_ascii(family) or project.replace('-', '')}{year}{package.replace('_', '')}",
        title=f"{project}: a reimplementation of {paper.title}",
        authors=[author],
        year=year,
    ).rstrip("\n")
    # The CFF schema checks e-mail addresses against a pattern; one it refuses is left out.
    context["cff_email"] = email if email and re.fullmatch(r"\S+@\S+\.\S{2,}", email) else None
    return context


def _ascii(text: str) -> str:
    return slugify(text, "")


def _authors_text(authors: tuple[str, ...]) -> str:
    if len(authors) <= 2:
        return " and ".join(authors)
    return ", ".join(authors[:-1]) + ", and " + authors[-1]


def _cff_reference(paper: Paper) -> dict[str, Any]:
    """The original paper's fields as CITATION.cff (1.2.0) wants them; unknown ones left out."""
    from starter.papers.bibtex import venue_kind

    kind = venue_kind(paper)
    ref: dict[str, Any] = {
        "type": {"article": "article", "inproceedings": "conference-paper", "book": "book"}.get(
            kind, "generic"
        )
    }
    venue = paper.venue
    if venue.name:
        ref[
            {"article": "journal", "inproceedings": "conference", "book": "publisher"}.get(
                kind, "collection-title"
            )
        ] = venue.name
    if venue.volume:
        ref["volume"] = int(venue.volume) if venue.volume.isdigit() else venue.volume
    if venue.number:
        ref["issue"] = venue.number
    if venue.pages:
        pages = re.split(r"\s*[-–—]+\s*", venue.pages.strip(), maxsplit=1)
        if pages[0]:
            ref["start"] = pages[0]
        if len(pages) > 1 and pages[1]:
            ref["end"] = pages[1]
    # The CFF schema only takes a DOI of its own pattern and http(s) URLs.
    if paper.doi and re.fullmatch(r"10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-.()\[\]\\]+", paper.doi):
        ref["doi"] = paper.doi
    link = paper.url or (f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else None)
    if link and re.match(r"(https?|ftp)://.", link):
        ref["url"] = link
    return ref


def license_text(license_id: str, *, year: int, holder: str) -> str:
    from starter.resources import templates_dir

    text = (templates_dir() / "licenses" / f"{license_id}.txt").read_text(encoding="utf-8")
    return text.replace("{{ year }}", str(year)).replace("{{ holder }}", holder)


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
) -> ScaffoldResult:
    """Render `template` for `paper` into `directory`, commit it, and move it into place.

    Everything is written to a temporary folder beside the target first, so a failure at
    any point (a template error, git, Ctrl-C) leaves neither a partial repository nor
    the temporary folder behind.
    """
    from starter.papers.card import CARD_NAME
    from starter.papers.card_write import render_card
    from starter.scaffold import gitutil, place, templating

    license_id = normalize_license(license_id)
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
    )
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
        files = templating.render_tree(tmpl, context, staging)
        (staging / CARD_NAME).write_text(render_card(paper), encoding="utf-8")
        files = sorted({*files, CARD_NAME})
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
    return ScaffoldResult(
        path=target,
        paper_key=paper.key,
        package=package,
        project=project,
        template=tmpl.name,
        files=tuple(files),
        author=author,
        email=email,
        license=license_id,
        commit=commit,
        branch=branch,
    )


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
