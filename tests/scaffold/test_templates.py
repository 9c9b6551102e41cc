"""Templates: discovery, manifests, rendering rules, and what the built-in ones generate."""

from __future__ import annotations

import py_compile
import stat
import subprocess
import tomllib
from pathlib import Path

import pytest

from starter.errors import InputError, NotFoundError
from starter.models import Claim, Paper, Venue
from starter.papers import catalog
from starter.scaffold import create as scaffold
from starter.scaffold import templating

MANIFEST = 'name = "mine"\ndescription = "A test template."\n'


def build_tree(root: Path, files: dict[str, str]) -> Path:
    """Write a template (or any tree) from a {relative path: text} mapping."""
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def render(tmp_path: Path, files: dict[str, str], **context) -> tuple[Path, list[str]]:
    template = templating.load_template(build_tree(tmp_path / "tmpl", files))
    dest = tmp_path / "out"
    dest.mkdir()
    return dest, templating.render_tree(template, {**template.defaults(), **context}, dest)


# ----------------------------------------------------------------------------- rendering


def test_jinja_files_are_rendered_and_others_copied_verbatim(tmp_path: Path):
    dest, written = render(
        tmp_path,
        {
            "template.toml": MANIFEST,
            "{{ package }}/__init__.py.jinja": "NAME = {{ name | quote }}\n",
            "notes.txt": "{{ not rendered }}\n",
            "bin/run.sh": "#!/bin/sh\necho hi\n",
        },
        package="pkg",
        name='say "hi"',
    )
    assert sorted(written) == ["bin/run.sh", "notes.txt", "pkg/__init__.py"]
    assert (dest / "pkg/__init__.py").read_text() == 'NAME = "say \\"hi\\""\n'
    assert (dest / "notes.txt").read_text() == "{{ not rendered }}\n"
    assert not (dest / "template.toml").exists()


def test_executable_bit_is_kept(tmp_path: Path):
    source = build_tree(tmp_path / "tmpl", {"template.toml": MANIFEST, "run.sh": "#!/bin/sh\n"})
    (source / "run.sh").chmod(0o755)
    build_tree(source, {"gen.sh.jinja": "#!/bin/sh\n"})
    (source / "gen.sh.jinja").chmod(0o755)
    dest = tmp_path / "out"
    dest.mkdir()
    templating.render_tree(templating.load_template(source), {}, dest)
    for name in ("run.sh", "gen.sh"):
        assert (dest / name).stat().st_mode & stat.S_IXUSR, name


def test_manifest_defaults_reach_the_templates(tmp_path: Path):
    manifest = MANIFEST + '[variables.greeting]\ndescription = "A word."\ndefault = "hello"\n'
    dest, _ = render(tmp_path, {"template.toml": manifest, "a.txt.jinja": "{{ greeting }}"})
    assert (dest / "a.txt").read_text() == "hello"


def test_undefined_variable_names_the_variable_and_the_file(tmp_path: Path):
    with pytest.raises(InputError, match=r"mine: docs/a\.md\.jinja: undefined variable .*'nope'"):
        render(tmp_path, {"template.toml": MANIFEST, "docs/a.md.jinja": "{{ nope }}"})


def test_undefined_variable_in_a_file_name_is_an_error(tmp_path: Path):
    with pytest.raises(InputError, match=r"undefined variable .*'missing'"):
        render(tmp_path, {"template.toml": MANIFEST, "{{ missing }}.txt": "x"})


def test_syntax_error_names_file_and_line(tmp_path: Path):
    with pytest.raises(InputError, match=r"bad\.txt\.jinja, line 2"):
        render(tmp_path, {"template.toml": MANIFEST, "bad.txt.jinja": "ok\n{% if %}\n"})


def test_file_name_rendering_to_a_path_is_refused(tmp_path: Path):
    with pytest.raises(InputError, match="not a file name"):
        render(tmp_path, {"template.toml": MANIFEST, "{{ name }}.txt": "x"}, name="../escape")


# ----------------------------------------------------------------------------- discovery


def test_builtin_templates_are_found_by_name():
    assert {"default", "pytorch"} <= set(templating.builtin_names())
    assert templating.find_template("pytorch").name == "pytorch"


def test_unknown_template_lists_the_builtin_ones():
    with pytest.raises(NotFoundError, match=r"no template 'pytroch'.*default, pytorch"):
        templating.find_template("pytroch")


def test_template_folder_is_found_by_path(tmp_path: Path):
    folder = build_tree(tmp_path / "mine", {"template.toml": MANIFEST})
    assert templating.find_template(str(folder)).root == folder.resolve()


def test_folder_without_manifest_is_not_a_template(tmp_path: Path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(InputError, match=r"no template\.toml"):
        templating.find_template(str(tmp_path / "plain"))


def test_manifest_with_unknown_field_is_refused(tmp_path: Path):
    folder = build_tree(tmp_path / "m", {"template.toml": MANIFEST + "colour = 1\n"})
    with pytest.raises(InputError, match="colour: unknown field"):
        templating.load_template(folder)


# ----------------------------------------------------------------------------- built-ins

NASTY = Paper(
    key="Ünïcode.pa'per\"",
    title="Über/../../etc: a \"quoted\" 'title'... with {braces} \\ & 50% | pipes",
    authors=("Dirk Wübben", "Ludwig van Beethoven"),
    year=2003,
    venue=Venue(name="Proceedings of Things & Stuff", pages="1-2"),
    claims=(
        Claim(
            id="acc",
            metric='top-1 "accuracy" \\ \n newline',
            value=12.5,
            value_text="12.5",
            unit="%",
            direction="higher",
            dataset="Da|ta\nset",
            split="te'st",
            source='Table "1"',
            central=True,
        ),
    ),
)


def generate(tmp_path: Path, paper: Paper, template: str, name: str = "repo", **kw) -> Path:
    result = scaffold.create(paper, tmp_path / name, template=template, git=False, **kw)
    return result.path


@pytest.mark.parametrize(
    ("template", "key"),
    [
        ("default", "lecun1989"),
        ("pytorch", "lenet5"),
        ("default", "nasty"),
        ("pytorch", "nasty"),
        ("default", "perceptrons"),
    ],
)
def test_generated_repository_is_well_formed(tmp_path: Path, template: str, key: str):
    paper = NASTY if key == "nasty" else catalog.get(key)
    repo = generate(tmp_path, paper, template, author="Ada Tester", email="ada@example.org")
    package = scaffold.package_name(paper)
    assert package.isidentifier() and package.isascii()
    for name in ("__init__", "config", "data", "model", "train", "evaluate"):
        py_compile.compile(str(repo / "src" / package / f"{name}.py"), doraise=True)
    for name in ("tests/test_training.py", "tests/test_download_data.py", "noxfile.py"):
        py_compile.compile(str(repo / name), doraise=True)
    py_compile.compile(str(repo / "scripts" / "download_data.py"), doraise=True)
    for name in ("configs/default.toml", "configs/data.toml"):
        tomllib.loads((repo / name).read_text(encoding="utf-8"))
    pyproject = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"][f"{scaffold.project_slug(paper)}-train"] == (
        f"{package}.train:main"
    )
    readme = (repo / "README.md").read_text(encoding="utf-8")
    assert readme.count(scaffold.RESULTS_BEGIN) == readme.count(scaffold.RESULTS_END) == 1
    assert readme.index(scaffold.RESULTS_BEGIN) < readme.index(scaffold.RESULTS_END)
    assert "starter report --readme" in readme
    assert "```bibtex" in readme
    # CITATION.cff is valid CFF 1.2.0 and cites the paper (cffconvert is a test dependency).
    from cffconvert import Citation

    citation = Citation((repo / "CITATION.cff").read_text(encoding="utf-8"))
    citation.validate()
    cff = citation.cffobj
    assert cff["authors"] == [
        {"family-names": "Tester", "given-names": "Ada", "email": "ada@example.org"}
    ]
    cited = cff["preferred-citation"]
    assert (cited["title"], cited["year"]) == (paper.title, paper.year)
    assert len(cited["authors"]) == len(paper.authors)


def test_citation_of_a_journal_article_has_its_volume_issue_and_pages(tmp_path: Path):
    from cffconvert import Citation

    repo = generate(tmp_path, catalog.get("lecun1989"), "default")
    cited = Citation((repo / "CITATION.cff").read_text()).cffobj["preferred-citation"]
    assert cited["type"] == "article"
    assert (cited["journal"], cited["volume"], cited["issue"]) == ("Neural Computation", "1", "4")
    assert (cited["start"], cited["end"], cited["doi"]) == (
        "541",
        "551",
        "10.1162/neco.1989.1.4.541",
    )
    assert cited["authors"][0] == {"family-names": "LeCun", "given-names": "Yann"}


def test_paper_card_is_byte_identical_to_the_catalog_card(tmp_path: Path):
    from starter.resources import papers_dir

    repo = generate(tmp_path, catalog.get("lenet5"), "default")
    assert (repo / "paper.toml").read_bytes() == (papers_dir() / "lenet5.toml").read_bytes()


@pytest.mark.parametrize(
    ("license_id", "needle"),
    [("MIT", "MIT License"), ("apache-2.0", "Apache License"), ("BSD-3-Clause", "BSD 3-Clause")],
)
def test_license_names_year_and_holder(tmp_path: Path, license_id: str, needle: str):
    repo = generate(
        tmp_path, catalog.get("lenet5"), "default", author="Ada Tester", license_id=license_id
    )
    text = (repo / "LICENSE").read_text()
    assert needle in text
    assert "Ada Tester" in text and str(__import__("datetime").date.today().year) in text
    assert "{{" not in text


def test_unknown_license_lists_the_choices(tmp_path: Path):
    with pytest.raises(
        InputError, match=r"unknown licence .GPL.; choose one of MIT, Apache-2\.0, BSD-3-Clause"
    ):
        generate(tmp_path, catalog.get("lenet5"), "default", license_id="GPL")
    assert not (tmp_path / "repo").exists()


@pytest.mark.parametrize("template", ["default", "pytorch"])
def test_gitignore_ignores_data_and_checkpoints_but_not_results(tmp_path: Path, template: str):
    repo = generate(tmp_path, catalog.get("lenet5"), template)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)

    def ignored(path: str) -> bool:
        return subprocess.run(["git", "check-ignore", "-q", path], cwd=repo).returncode == 0

    assert ignored("data/mnist.npz") and ignored("checkpoints/last.pt")
    assert ignored("src/x.egg-info/PKG-INFO") and ignored("src/pkg/__pycache__/a.pyc")
    assert not ignored("results/runs.jsonl") and not ignored("results/patches/ab12.patch")
    assert not ignored("src/pkg/data.py")


def test_generated_code_comments_name_the_claims_and_their_sources(tmp_path: Path):
    repo = generate(tmp_path, catalog.get("lecun1989"), "default")
    train = (repo / "src/lecun1989/train.py").read_text()
    data = (repo / "src/lecun1989/data.py").read_text()
    assert (
        "#   test-error: classification error rate = 5.0 % (test (2007 digits)); Section 5" in train
    )
    assert "US Postal Service zip-code digits" in data
    assert 'metrics["test-error"]' in train  # shown, commented out, as the way to report it
