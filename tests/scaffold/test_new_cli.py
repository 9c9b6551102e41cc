"""`starter new` on the command line: the summary, --json, and one line per bad input."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest


def error_line(result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr  # one line, never a traceback
    assert lines[0].startswith("starter: error: ")
    return lines[0]


def test_new_prints_where_the_repository_is_and_what_to_do_next(cli, tmp_path: Path):
    result = cli("new", "lecun1989", "--offline", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "Created lecun1989/" in result.stdout
    for step in ("cd lecun1989", "pip install -e", "python -m lecun1989.train", "starter status"):
        assert step in result.stdout
    assert (tmp_path / "lecun1989" / ".git").is_dir()


def test_new_json_lists_what_was_created(cli, tmp_path: Path):
    result = cli("new", "lenet5", str(tmp_path / "x"), "-t", "pytorch", "--json", "--offline")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["path"] == str(tmp_path / "x")
    assert (data["package"], data["template"], data["paper"]) == ("lenet5", "pytorch", "lenet5")
    assert "paper.toml" in data["files"] and "src/lenet5/train.py" in data["files"]
    assert len(data["commit"]) == 40 and data["branch"] == "main"


def test_new_takes_a_paper_card_path(cli, tmp_path: Path):
    card = tmp_path / "mine.toml"
    card.write_text('schema = 1\n[paper]\nkey = "mine"\ntitle = "My Paper"\n')
    result = cli("new", str(card), str(tmp_path / "repo"), "--no-git", "--author", "Ada", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["package"] == "mine"


def test_unknown_key_suggests_close_ones(cli, tmp_path: Path):
    result = cli("new", "lecun198", cwd=tmp_path)
    assert result.exit_code == 4
    assert "no paper 'lecun198' in the catalog; did you mean lecun1989" in error_line(result)
    assert list(tmp_path.iterdir()) == []


def test_card_with_a_wrong_field_names_file_and_field(cli, tmp_path: Path):
    card = tmp_path / "bad.toml"
    card.write_text('schema = 1\n[paper]\nkey = "bad"\ntitle = "T"\nyear = "1989"\n')
    result = cli("new", str(card), cwd=tmp_path)
    assert result.exit_code == 1
    assert f"{card}: paper.year: expected a whole number" in error_line(result)


def test_missing_card_path_is_not_found(cli, tmp_path: Path):
    result = cli("new", str(tmp_path / "nope.toml"))
    assert result.exit_code == 4
    assert "no paper card at" in error_line(result)


def test_non_empty_folder_needs_force(cli, tmp_path: Path):
    (tmp_path / "lenet5").mkdir()
    (tmp_path / "lenet5" / "notes.txt").write_text("mine")
    result = cli("new", "lenet5", cwd=tmp_path)
    assert result.exit_code == 7
    assert "exists and is not empty" in error_line(result) and "--force" in result.stderr
    assert [p.name for p in (tmp_path / "lenet5").iterdir()] == ["notes.txt"]
    assert cli("new", "lenet5", "--force", cwd=tmp_path).exit_code == 0


def test_unknown_template_lists_the_builtin_ones(cli, tmp_path: Path):
    result = cli("new", "lenet5", "--template", "tensorflow", cwd=tmp_path)
    assert result.exit_code == 4
    assert "no template 'tensorflow'; the built-in templates are default, pytorch" in error_line(
        result
    )


def test_template_with_an_undefined_variable_names_it(cli, tmp_path: Path):
    template = tmp_path / "tmpl"
    template.mkdir()
    (template / "template.toml").write_text('name = "mine"\n')
    (template / "README.md.jinja").write_text("# {{ paper.title }} by {{ maintainer }}\n")
    result = cli("new", "lenet5", "--template", str(template), cwd=tmp_path)
    assert result.exit_code == 1
    assert "template mine: README.md.jinja: undefined variable ('maintainer' is undefined)" in (
        error_line(result)
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tmpl"]


def test_unknown_licence_lists_the_choices(cli, tmp_path: Path):
    result = cli("new", "lenet5", "--license", "WTFPL", cwd=tmp_path)
    assert result.exit_code == 1
    assert "choose one of MIT, Apache-2.0, BSD-3-Clause" in error_line(result)


def test_no_git_on_path_is_a_setup_error(cli, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "bin-without-git"))
    result = cli("new", "lenet5", cwd=tmp_path)
    assert result.exit_code == 6
    assert "git is not on PATH" in error_line(result) and "--no-git" in result.stderr


def test_no_git_identity_is_a_setup_error(cli, tmp_path: Path, monkeypatch):
    (tmp_path / "empty").write_text("")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "empty"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    result = cli("new", "lenet5", str(tmp_path / "repo"))
    assert result.exit_code == 6
    assert 'git config --global user.name "Your Name"' in error_line(result)
    assert "--author" in result.stderr
    assert not (tmp_path / "repo").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="a POSIX shell hook sends the interrupt")
def test_interrupt_midway_exits_130_and_leaves_nothing(starter_proc, tmp_path: Path):
    # A pre-commit hook interrupts starter (git's parent) while it commits: the real
    # Ctrl-C path, from signal to cleanup, in a real process.
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    hook = hooks / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        'starter_pid=$(ps -o ppid= -p "$PPID" | tr -d " ")\n'
        'kill -INT "$starter_pid"\n'
        "sleep 3\n"
    )
    hook.chmod(0o755)
    config = Path(os.environ["GIT_CONFIG_GLOBAL"])
    config.write_text(config.read_text() + f"[core]\n\thooksPath = {hooks}\n")
    work = tmp_path / "work"
    work.mkdir()
    proc = starter_proc("new", "lenet5", "--offline", cwd=work)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "starter: error: interrupted"
    assert list(work.iterdir()) == []


def test_nasty_key_and_title_give_safe_folder_and_package_names(cli, tmp_path: Path):
    card = tmp_path / "nasty.toml"
    card.write_text(
        "schema = 1\n[paper]\n"
        'key = "Ünïcode.pa\'per\\"s"\n'
        'title = "Über/../../etc: a \\"quoted\\" \'title\'... with {braces} & 50% | pipes"\n'
        'authors = ["Dirk Wübben"]\nyear = 2003\n',
        encoding="utf-8",
    )
    result = cli("new", str(card), "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert Path(data["path"]) == tmp_path / "unicode-pa-per-s"
    assert data["package"] == "unicode_pa_per_s"
    assert (tmp_path / "unicode-pa-per-s" / "src" / "unicode_pa_per_s" / "train.py").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nasty.toml", "unicode-pa-per-s"]


def test_folder_that_cannot_be_created_is_one_line_with_exit_6(cli, tmp_path):
    result = cli("new", "lecun1989", "/proc/starter-cannot-write-here", "--no-git")
    assert result.exit_code == 6
    assert result.stderr.startswith("starter: error: cannot create /proc/starter-cannot-write")
    assert result.stderr.count("\n") == 1


def test_new_pretend_lists_what_it_would_write_and_writes_nothing(cli, tmp_path: Path):
    result = cli("new", "lecun1989", "--offline", "--pretend", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    assert "nothing was written (--pretend)" in result.stdout
    for name in ("paper.toml", ".starter/template.toml", "src/lecun1989/train.py", "noxfile.py"):
        assert f"  {name}\n" in result.stdout
    data = json.loads(cli("new", "lenet5", "--pretend", "--json", cwd=tmp_path).stdout)
    assert data["pretend"] is True and data["commit"] is None
    assert "configs/default.toml" in data["files"]
    assert list(tmp_path.iterdir()) == []


def test_new_records_the_template_and_the_answers_for_update(cli, tmp_path: Path):
    result = cli("new", "lenet5", "--require", "judged", "--json", cwd=tmp_path)
    assert result.exit_code == 0, result.stderr
    recorded = (tmp_path / "lenet5" / ".starter" / "template.toml").read_text()
    for line in ('source = "default"', 'paper = "lenet5"', 'require = "judged"'):
        assert line in recorded
    assert "--require judged" in (tmp_path / "lenet5/.github/workflows/ci.yml").read_text()


def test_new_with_an_unknown_require_says_the_choices(cli, tmp_path: Path):
    result = cli("new", "lenet5", "--require", "everything", cwd=tmp_path)
    assert result.exit_code == 1
    assert "choose reproduced or judged" in error_line(result)
    assert list(tmp_path.iterdir()) == []
