"""The contribution report: the model of model.py rendered as Markdown, HTML or JSON
through the templates in templates/report/, written beside the repository and its README."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starter.errors import InputError, NotFoundError, SetupError
from starter.models import Paper
from starter.report.model import RUNS_SHOWN, build, short_sha
from starter.track.values import ClaimStatus

FORMATS = ("md", "html", "json")
DEFAULT_OUTPUT = {
    "md": "report/REPORT.md",
    "html": "report/report.html",
    "json": "report/report.json",
}


# ----------------------------------------------------------------------------- rendering


def _environment(root: Path | None, autoescape: bool) -> Any:
    """The Jinja2 environment of the report templates. A repository's own templates (its
    templates/report/, which a clone brings along) run in Jinja2's immutable sandbox: they
    can lay out the report model, not run code, change the model or read files outside
    that folder. Markdown output escapes `<` and `>` in everything a template writes."""
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    from starter.resources import templates_dir
    from starter.safetext import code_span, fenced, markdown_text

    # A repository may restyle its report: its own templates/report/ comes first.
    folders = [templates_dir() / "report"]
    own = root is not None and (root / "templates" / "report").is_dir()
    if own:
        folders.insert(0, root / "templates" / "report")  # type: ignore[operator]
    kind = ImmutableSandboxedEnvironment if own else jinja2.Environment
    env = kind(
        loader=_confined_loader([str(f) for f in folders]),
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=None if autoescape else markdown_text,
    )
    env.filters["cell"] = _cell
    env.filters["date"] = lambda text: (text or "–")[:10]
    env.filters["short"] = short_sha
    env.filters["thousands"] = lambda n: f"{n:,}" if isinstance(n, int) else str(n)
    env.filters["code"] = code_span
    env.filters["fenced"] = fenced
    # "2026-03-01T10:00:00.000Z" -> "2026-03-01 10:00:00.000Z": a cell may wrap at the space.
    env.filters["when"] = lambda text: str(text or "–").replace("T", " ", 1)
    return env


def _confined_loader(folders: list[str]) -> Any:
    """A file loader that reads a template only from inside its folder: a symbolic link
    in a clone's templates/report/ cannot bring in ~/.ssh/id_rsa."""
    import os

    import jinja2
    from jinja2.loaders import split_template_path

    class ConfinedLoader(jinja2.FileSystemLoader):
        def get_source(self, environment: Any, template: str) -> Any:
            pieces = split_template_path(template)
            for folder in self.searchpath:
                path = os.path.join(folder, *pieces)
                if os.path.isfile(path):
                    real, base = os.path.realpath(path), os.path.realpath(folder)
                    if os.path.commonpath([real, base]) != base:
                        raise InputError(
                            f"report template {path} points outside {folder}; a report "
                            "template is read only from inside that folder"
                        )
                    break
            return super().get_source(environment, template)

    return ConfinedLoader(folders)


def _cell(value: Any) -> str:
    """Text that stays inside one Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(
    model: dict[str, Any],
    root: Path | None = None,
    plots: dict[str, str] | None = None,
    overview: str | None = None,
) -> str:
    """`plots` maps claim ids to image paths relative to the Markdown file; `overview` is
    the overview chart's path."""
    env = _environment(root, autoescape=False)
    return _render(
        env, "report.md.j2", r=model, by_id=_by_id(model), plots=plots or {}, overview=overview
    )


def render_html(
    model: dict[str, Any],
    root: Path | None = None,
    svgs: dict[str, str] | None = None,
    overview: str | None = None,
) -> str:
    """One self-contained page; `svgs` maps claim ids to inline SVG markup, `overview` is
    the overview chart's."""
    from markupsafe import Markup

    env = _environment(root, autoescape=True)
    inline = {k: Markup(_strip_prolog(v)) for k, v in (svgs or {}).items()}
    chart = Markup(_strip_prolog(overview)) if overview else None
    return _render(env, "report.html.j2", r=model, by_id=_by_id(model), svgs=inline, overview=chart)


def render_json(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def render_readme_section(
    model: dict[str, Any], root: Path | None = None, report: str | None = None
) -> str:
    """The compact table and badge that go between the README's markers."""
    from starter.report.readme import BADGE_PATH, badge_counts

    reproduced, judgeable = badge_counts(model["claims"])
    env = _environment(root, autoescape=False)
    return _render(
        env,
        "readme.md.j2",
        r=model,
        by_id=_by_id(model),
        badge=BADGE_PATH,
        badge_text=f"reproduced {reproduced}/{judgeable}",
        report=report,
    )


def _render(env: Any, name: str, **context: Any) -> str:
    """Render one template; a broken (restyled) template is the user's to fix, not a crash."""
    import jinja2

    try:
        template = env.get_template(name)
        return template.render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(
            f"report template {exc.filename or name} line {exc.lineno}: {exc.message}; fix it "
            "or delete it to use starter's own"
        ) from None
    except jinja2.exceptions.SecurityError as exc:
        raise InputError(
            f"report template {name}: {exc}; a report template can lay out the report's data "
            'but not run code or change the data (README, "Security notes")'
        ) from None
    except jinja2.TemplateError as exc:
        where = getattr(env.loader, "searchpath", [""])
        raise InputError(
            f"report template {name} (looked in {', '.join(where)}): {exc}; fix it or delete "
            "your copy to use starter's own"
        ) from None


def _by_id(model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The rows by their key: the claim id, with its group when it has one ("acc@theirs")."""
    return {row.get("key", row["id"]): row for row in model["claims"]}


def _strip_prolog(svg: str) -> str:
    """Inline SVG starts at <svg>: drop the XML declaration and DOCTYPE of a file."""
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


# ----------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Outcome:
    """What `starter report` did: the report text when it went to stdout, the files written."""

    format: str
    output: Path | None  # None: the report went to stdout as `text`
    text: str | None
    written: tuple[Path, ...]
    readme: tuple[Path, ...]  # README.md and the badge, when --readme changed them
    warnings: tuple[str, ...]


def infer_format(fmt: str | None, output: str | None) -> str:
    if fmt:
        if fmt not in FORMATS:
            raise InputError(f"unknown report format {fmt!r}; use one of: {', '.join(FORMATS)}")
        return fmt
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    return {".html": "html", ".htm": "html", ".json": "json"}.get(suffix, "md")


def generate(
    root: Path, fmt: str | None = None, output: str | None = None, readme: bool = False
) -> Outcome:
    """Compute the status at `root`, build the report and write it (and the README section)."""
    from starter.report import checklist, history, plots
    from starter.report.citation import reimplementation_bibtex
    from starter.track import status

    fmt = infer_format(fmt, output)
    root = Path(root)
    if readme:
        _check_readme(root)  # before anything is written: all or nothing
    report_status = status.compute(root, recent=RUNS_SHOWN)
    work = history.collect(root)
    digest = report_status.digest
    items = checklist.check(root, work.files, digest.facts if digest else report_status.runs)
    warnings: list[str] = []
    target = None if output == "-" else Path(output) if output else root / DEFAULT_OUTPUT[fmt]
    if target is not None and target.is_dir():
        target = target / Path(DEFAULT_OUTPUT[fmt]).name

    drawable = plots.plottable(report_status.claims)
    if fmt == "md" and target is None:
        warnings.append("plots left out: they are written beside a Markdown file; use --output")

    cff = _read_optional(root / "CITATION.cff")
    notes = list(warnings)
    if report_status.unclaimed_metrics:
        names = ", ".join(
            f"{k} ({n} runs)" for k, n in sorted(report_status.unclaimed_metrics.items())
        )
        notes.append(f"metrics recorded for no claim: {names}")
    model = build(
        report_status,
        work,
        items,
        bibtex=_bibtex(report_status.paper),
        reimplementation_bibtex=reimplementation_bibtex(
            cff,
            report_status.paper,
            [c.name for c in work.contributors],
            int(_generated_year()),
            work.web_url,
        ),
        citation_cff=cff,
        notes=notes,
    )

    try:
        written, text = _write(fmt, model, root, target, drawable)
    except OSError as exc:
        raise SetupError(
            f"cannot write the report to {exc.filename or target}: {exc.strerror or exc}"
        ) from None

    changed: tuple[Path, ...] = ()
    if readme:
        changed = update_readme(root, model)
    return Outcome(
        format=fmt,
        output=target,
        text=text if target is None else None,
        written=tuple(written),
        readme=changed,
        warnings=tuple(warnings),
    )


def _write(
    fmt: str, model: dict[str, Any], root: Path, target: Path | None, drawable: list[ClaimStatus]
) -> tuple[list[Path], str]:
    """Render and write one format; plots go beside a Markdown file, inline into HTML."""
    from starter.fsutil import atomic_write_text
    from starter.report import overview, plots

    written: list[Path] = []
    if fmt == "json":
        text = render_json(model)
    elif fmt == "html":
        svgs = {c.key: plots.claim_figure(c) for c in drawable}
        text = render_html(model, root, svgs, overview.figure(model["overview"]))
    else:
        links: dict[str, str] = {}
        overview_link = None
        if target is not None:
            charts: list[tuple[str | None, str, str]]
            charts = [(None, plots.OVERVIEW, overview.figure(model["overview"]))]
            charts += [(c.key, plots.file_name(c.key), plots.claim_figure(c)) for c in drawable]
            for claim_id, name, svg in charts:
                path = target.parent / "plots" / f"{name}.svg"
                atomic_write_text(path, svg)
                written.append(path)
                if claim_id is None:
                    overview_link = f"plots/{path.name}"
                else:
                    links[claim_id] = f"plots/{path.name}"
        text = render_markdown(model, root, links, overview_link)
    if target is not None:
        atomic_write_text(target, text)
        written.insert(0, target)
    return written, text


def update_readme(root: Path, model: dict[str, Any]) -> tuple[Path, ...]:
    """Rewrite the README's results section and the badge from `model`; idempotent."""
    from starter.report import readme

    link = DEFAULT_OUTPUT["md"] if (root / DEFAULT_OUTPUT["md"]).exists() else None
    section = render_readme_section(model, root, report=link)
    reproduced, judgeable = readme.badge_counts(model["claims"])
    badge = readme.badge_svg(reproduced, judgeable, readme.decided(model["claims"]))
    return tuple(readme.update(root, section, badge))


def _check_readme(root: Path) -> None:
    from starter.report.readme import BEGIN, END, replace_section

    path = root / "README.md"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(
            f"no README.md in {root}; create one with the lines {BEGIN} and {END} in it"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    replace_section(text, "", "README.md")


def _bibtex(paper: Paper) -> str | None:
    try:
        from starter.papers.bibtex import paper_bibtex
    except ImportError:  # the module ships with the scaffold; a report does not need it
        return None
    return paper_bibtex(paper)


def _generated_year() -> str:
    from starter.report.model import generated_at

    return generated_at(None)[:4]


def _read_optional(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
