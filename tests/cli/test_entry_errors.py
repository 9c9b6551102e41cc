"""Errors at the command line and in the files a user edits are one line each, with the exit
code the README documents: usage errors (2), a config file of the wrong types (one line per
wrong key, and `offline` honoured everywhere), a card with a BOM, an empty id or a
value_text that says another number, and a 100,000-character value never echoed whole."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from starter.errors import InputError
from starter.papers import catalog
from starter.papers.card import load_card, parse_card
from starter.papers.card_write import write_card


def error_lines(result) -> list[str]:
    assert "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines and all(line.startswith("starter: error: ") for line in lines), result.stderr
    return lines


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    write_card(root / "paper.toml", catalog.get("lecun1989"))
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    return root


# ----------------------------------------------------------------------------- usage (16)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["lgo"], "no such command 'lgo'; did you mean 'log'?"),
        (["show"], "missing argument"),
        (["status", "--bogus"], "no such option: --bogus"),
        (["report", "--format"], "requires an argument"),
        (["claim", "add"], "missing argument 'METRIC'"),
        (["claim", "frobnicate"], "no such command 'frobnicate'"),
        (["new", "lenet5", "--license"], "requires an argument"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(cli, repo: Path, args: list[str], says: str) -> None:
    result = cli(*args, cwd=repo)
    assert result.exit_code == 2, result.stderr
    (line,) = error_lines(result)
    assert says in line
    assert "--help" in line


@pytest.mark.parametrize(
    "args",
    [["log", "test-error"], ["log"], ["log", "--bogus"], ["log", "test-error", "--bogus"]],
)
def test_log_without_a_value_or_with_an_unknown_option_is_a_usage_error(
    cli, repo: Path, args: list[str]
) -> None:
    result = cli(*args, cwd=repo)
    assert result.exit_code == 2, result.stderr
    (line,) = error_lines(result)
    assert "starter log --help" in line


def test_a_usage_error_from_a_real_process_is_one_line(starter_proc, tmp_path: Path) -> None:
    done = starter_proc("lgo", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        "starter: error: no such command 'lgo'; did you mean 'log'? see `starter --help`"
    ]
    assert starter_proc("--help", cwd=tmp_path).returncode == 0
    assert starter_proc("--version", cwd=tmp_path).returncode == 0


def test_a_huge_value_is_not_echoed_whole(cli, repo: Path) -> None:
    for args in (["log", "test-error", "x" * 100_000], ["log", "y" * 100_000, "5"],
                 ["show", "z" * 100_000], ["claim", "tolerance", "w" * 100_000, "1",
                  "--origin", "o"]):  # fmt: skip
        result = cli(*args, cwd=repo)
        assert result.exit_code in (1, 2, 4), result.stderr[:300]
        (line,) = error_lines(result)
        assert len(line) < 1000


# ----------------------------------------------------------------------------- config (14)


def write_config(home: Path, text: str) -> None:
    folder = home / ".config" / "starter"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")


def test_a_config_of_the_wrong_types_gives_one_line_per_wrong_key(
    cli, isolated_env: Path, tmp_path: Path
) -> None:
    write_config(isolated_env, 'author = 5\noffline = "false"\nlicense = "MIT"\ncolour = 1\n')
    result = cli("new", "lenet5", "--no-git", cwd=tmp_path)
    assert result.exit_code == 1
    lines = error_lines(result)
    assert len(lines) == 3
    assert "author: expected text, got the number 5" in lines[0]
    assert "offline: expected true or false" in lines[1]
    assert "unknown setting 'colour'" in lines[2]
    assert not (tmp_path / "lenet5").exists()


def test_offline_in_the_config_keeps_show_and_search_off_the_network(
    cli, services, isolated_env: Path
) -> None:
    write_config(isolated_env, "offline = true\n")
    show = cli("show", "2401.00001")
    search = cli("search", "lernraten")
    assert services.requests == []
    assert show.exit_code == 5 and "not in the cache" in show.stderr
    assert search.exit_code in (0, 5)


def test_offline_false_in_the_config_is_false(cli, services, isolated_env: Path) -> None:
    write_config(isolated_env, "offline = false\n")
    cli("show", "2401.00001")
    assert services.requests != []


# ----------------------------------------------------------------------------- the card


def test_a_card_starting_with_a_bom_is_read(tmp_path: Path) -> None:
    card = tmp_path / "paper.toml"
    card.write_bytes(b"\xef\xbb\xbf" + b'schema = 1\n[paper]\nkey = "k"\ntitle = "T"\n')
    assert load_card(card).title == "T"


def test_a_card_edit_keeps_working_with_a_bom(cli, repo: Path) -> None:
    card = repo / "paper.toml"
    card.write_bytes(b"\xef\xbb\xbf" + card.read_bytes())
    result = cli("claim", "add", "new metric", "1.5", "--lower-is-better", "-C", repo)
    assert result.exit_code == 0, result.stderr
    assert load_card(card).claim("new-metric") is not None


def test_an_empty_claim_id_is_refused() -> None:
    text = 'schema = 1\n[paper]\nkey = "k"\ntitle = "T"\n[[claims]]\nid = ""\nmetric = "m"\n'
    with pytest.raises(InputError, match=r"claims\[0\]\.id: is empty"):
        parse_card(text)


def test_claim_add_with_an_empty_id_is_refused(cli, repo: Path) -> None:
    result = cli("claim", "add", "m", "1", "--id", "", "-C", repo)
    assert result.exit_code == 1
    assert "--id" in error_lines(result)[0]


@pytest.mark.parametrize(
    ("value", "text", "ok"),
    [
        ("5.0", '"50.0"', False),
        ("5.0", '"5.0"', True),
        ("60000", '"60,000"', True),
        ("0.95", '"95"', False),
        ("6.434", '"6.43"', True),
        ("[40, 60]", '"40-60"', True),
        ("[40, 60]", '"40-70"', False),
        ("31000000.0", '"31.0e6"', True),
        ("5.0", '"about five"', True),
    ],
)
def test_a_value_text_that_says_another_number_is_refused_naming_the_claim(
    value: str, text: str, ok: bool
) -> None:
    card = (
        'schema = 1\n[paper]\nkey = "k"\ntitle = "T"\n[[claims]]\nid = "err"\nmetric = "m"\n'
        f"value = {value}\nvalue_text = {text}\n"
    )
    if ok:
        parse_card(card)
    else:
        with pytest.raises(InputError, match=r"claims\[0\] \(err\)\.value_text: .*does not say"):
            parse_card(card)


def test_every_catalog_card_says_its_values_as_printed() -> None:
    assert [catalog.get(key).key for key in catalog.keys()] == catalog.keys()  # noqa: SIM118


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG shortcut is taken on Linux only")
@pytest.mark.parametrize("xdg", [None, "", "/somewhere/else"])
def test_config_and_cache_folders_are_where_platformdirs_puts_them(monkeypatch, xdg):
    import platformdirs

    from starter import config

    monkeypatch.delenv("STARTER_CONFIG_DIR", raising=False)
    monkeypatch.delenv("STARTER_CACHE_DIR", raising=False)
    for name in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        if xdg is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, xdg)
    assert config.config_dir() == Path(platformdirs.user_config_dir("starter", appauthor=False))
    assert config.cache_dir() == Path(platformdirs.user_cache_dir("starter", appauthor=False))
