"""Project templates: finding one by name or path, its manifest, and rendering its tree."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starter.errors import InputError, NotFoundError
from starter.resources import templates_dir

if TYPE_CHECKING:
    import jinja2

MANIFEST = "template.toml"
RENDERED_SUFFIX = ".jinja"
# Never copied from a template folder: the manifest and the debris of editors and Python.
_SKIPPED = frozenset({MANIFEST, "__pycache__", ".DS_Store", ".git"})


@dataclass(frozen=True)
class Variable:
    """A value a template expects beyond starter's own context, with its default."""

    name: str
    description: str = ""
    default: Any = None


@dataclass(frozen=True)
class Template:
    """A project template: a folder holding `template.toml` and a tree of files."""

    name: str
    root: Path
    description: str = ""
    variables: tuple[Variable, ...] = field(default=())

    def defaults(self) -> dict[str, Any]:
        return {v.name: v.default for v in self.variables if v.default is not None}


def project_templates_dir() -> Path:
    return templates_dir() / "project"


def builtin_names() -> list[str]:
    return sorted(p.name for p in project_templates_dir().iterdir() if (p / MANIFEST).is_file())


def find_template(spec: str) -> Template:
    """A built-in template by name (`default`, `pytorch`), or the template folder at a path."""
    looks_like_path = os.sep in spec or "/" in spec or spec.startswith((".", "~"))
    if not looks_like_path:
        folder = project_templates_dir() / spec
        if spec and _exists(folder / MANIFEST, Path.is_file):
            return load_template(folder)
        if not _exists(Path(spec), Path.is_dir):
            shown = spec if len(spec) <= 60 else spec[:47] + "..."
            raise NotFoundError(
                f"no template {shown!r}; the built-in templates are "
                f"{', '.join(builtin_names())}, or give the path of a template folder"
            )
    folder = Path(spec).expanduser()
    if not _exists(folder, Path.is_dir):
        raise NotFoundError(f"no template folder at {folder}; give a folder holding {MANIFEST}")
    return load_template(folder)


def _exists(path: Path, test: Any) -> bool:
    """`test(path)`, False for a name the system cannot even look up (too long, a NUL)."""
    try:
        return bool(test(path))
    except (OSError, ValueError, RuntimeError):  # RuntimeError: `~` without a home
        return False


def load_template(folder: Path) -> Template:
    """Read a template folder's manifest; errors name the file and the field."""
    path = folder / MANIFEST
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(
            f"{folder} is not a starter template: it has no {MANIFEST} "
            "(name, description, [variables.NAME] tables)"
        ) from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read the template manifest ({exc})") from None
    unknown = sorted(set(data) - {"name", "description", "variables"})
    if unknown:
        raise InputError(
            f"{path}: {unknown[0]}: unknown field; expected name, description, variables"
        )
    name, description = data.get("name", folder.name), data.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise InputError(f"{path}: name and description must be text")
    raw_vars = data.get("variables", {})
    if not isinstance(raw_vars, dict):
        raise InputError(f"{path}: variables: expected [variables.NAME] tables")
    variables = []
    for var_name, spec in raw_vars.items():
        if not isinstance(spec, dict) or set(spec) - {"description", "default"}:
            raise InputError(
                f"{path}: variables.{var_name}: expected a table with description and default"
            )
        variables.append(Variable(var_name, str(spec.get("description", "")), spec.get("default")))
    return Template(name, folder.resolve(), description, tuple(variables))


# ----------------------------------------------------------------------------- rendering


def environment(template: Template) -> Any:
    """The one Jinja2 environment for a render: strict about undefined names."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template.root),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
        bytecode_cache=_bytecode_cache(),
    )
    from starter.safetext import code_span, fenced

    env.filters["quote"] = quote
    env.filters["comment"] = comment
    env.filters["cell"] = cell
    env.filters["code"] = code_span
    env.filters["fenced"] = fenced
    return env


def markdown_environment(env: Any) -> Any:
    """The environment for Markdown files (`*.md.jinja`): `<` and `>` in what a template
    writes are escaped, so no raw HTML from a paper's metadata reaches the page; the
    filters `code` and `fenced` make code spans and blocks the text cannot end."""
    from starter.safetext import markdown_text

    return env.overlay(finalize=markdown_text)


def _bytecode_cache() -> Any:
    """Compiled templates kept in starter's cache folder: compiling is most of a render's
    time, and jinja2 checks each template's source checksum before reusing its code."""
    import jinja2

    from starter.config import cache_dir

    class _QuietCache(jinja2.FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: Any) -> None:
            with contextlib.suppress(OSError):  # a read-only cache only costs speed
                super().dump_bytecode(bucket)

    folder = cache_dir() / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _QuietCache(str(folder))


def quote(value: Any) -> str:
    """A double-quoted string valid in TOML, YAML and Python (JSON's escapes are in all three)."""
    return json.dumps(str(value), ensure_ascii=False).replace("\x7f", "\\u007f")


def comment(value: Any) -> str:
    """Text made safe for a one-line comment: newlines folded into spaces."""
    return " ".join(str(value).split())


def cell(value: Any) -> str:
    """Text made safe for one Markdown table cell."""
    return comment(value).replace("|", "\\|")


@dataclass(frozen=True)
class RenderedFile:
    """One file of a rendered template: where it goes, its bytes, and its executable bit."""

    path: str  # relative, with forward slashes
    data: bytes
    executable: bool = False


def render_files(template: Template, context: dict[str, Any]) -> list[RenderedFile]:
    """Render the template in memory: `starter new` writes the result, `--pretend` lists it
    and `starter update` merges it."""
    import jinja2

    env = environment(template)
    markdown = markdown_environment(env)
    rendered: list[RenderedFile] = []
    for folder, dirnames, filenames in os.walk(template.root):
        dirnames[:] = sorted(d for d in dirnames if d not in _SKIPPED)
        rel_folder = Path(folder).relative_to(template.root)
        out_parts = [_render_name(env, p, context, template) for p in rel_folder.parts]
        for filename in sorted(filenames):
            if filename in _SKIPPED or filename.endswith((".pyc", "~")):
                continue
            source = Path(folder) / filename
            rel_source = (rel_folder / filename).as_posix()
            out_name = _render_name(env, filename, context, template, rel_source)
            if out_name.endswith(RENDERED_SUFFIX):
                out_name = out_name[: -len(RENDERED_SUFFIX)]
                try:
                    chosen = markdown if out_name.lower().endswith(".md") else env
                    data = chosen.get_template(rel_source).render(context).encode("utf-8")
                except jinja2.TemplateSyntaxError as exc:
                    raise InputError(
                        f"template {template.name}: {rel_source}, line {exc.lineno}: {exc.message}"
                    ) from None
                except jinja2.UndefinedError as exc:
                    raise _undefined(template, rel_source, exc) from None
            else:
                data = source.read_bytes()
            executable = bool(source.stat().st_mode & stat.S_IXUSR)
            rendered.append(RenderedFile("/".join([*out_parts, out_name]), data, executable))
    return rendered


def write_files(files: list[RenderedFile], dest: Path) -> list[str]:
    """Write rendered files under the existing folder `dest`; returns their paths."""
    mask = os.umask(0)
    os.umask(mask)
    for file in files:
        target = dest / file.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(file.data)
        target.chmod((0o777 if file.executable else 0o666) & ~mask)
    return [file.path for file in files]


def render_tree(template: Template, context: dict[str, Any], dest: Path) -> list[str]:
    """Render the template into the existing folder `dest`; returns the files written."""
    return write_files(render_files(template, context), dest)


def content_hash(template: Template) -> str:
    """A hash of every file of the template (names, executable bits, bytes): the template's
    version when it has no other (a folder of your own)."""
    import hashlib

    digest = hashlib.sha256()
    debris = _SKIPPED - {MANIFEST}  # the manifest counts: its defaults change what renders
    for folder, dirnames, filenames in os.walk(template.root):
        dirnames[:] = sorted(d for d in dirnames if d not in debris)
        for filename in sorted(filenames):
            if filename in debris or filename.endswith((".pyc", "~")):
                continue
            path = Path(folder) / filename
            rel = path.relative_to(template.root).as_posix()
            executable = "x" if path.stat().st_mode & stat.S_IXUSR else "-"
            data = path.read_bytes()
            digest.update(f"{rel}\0{executable}\0{len(data)}\0".encode())
            digest.update(data)
    return digest.hexdigest()


def _render_name(
    env: Any, name: str, context: dict[str, Any], template: Template, where: str | None = None
) -> str:
    if "{" not in name:
        return name
    import jinja2

    where = where or name
    try:
        rendered = env.from_string(name).render(context).strip()
    except jinja2.UndefinedError as exc:
        raise _undefined(template, where, exc) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template {template.name}: the name {where!r}: {exc.message}") from None
    if not rendered or rendered in (".", "..") or "/" in rendered or "\\" in rendered:
        raise InputError(
            f"template {template.name}: the name {where!r} renders to {rendered!r}, "
            "which is not a file name"
        )
    return rendered


def _undefined(template: Template, where: str, exc: jinja2.UndefinedError) -> InputError:
    # Jinja says "'foo' is undefined" or "'Paper object' has no attribute 'x'".
    return InputError(
        f"template {template.name}: {where}: undefined variable ({exc.message}); "
        f"define it under [variables] in {MANIFEST} or fix the name"
    )
