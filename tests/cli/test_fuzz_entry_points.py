"""Property-based fuzzing of starter's real entry points (issue 10): random paper cards,
results-log lines, config files, identifiers and service answers, fed to the commands
themselves. Whatever comes in: no traceback (the in-process runner re-raises any exception
that escapes), a documented exit code, errors as `starter: error:` lines, and nothing
written outside the repository."""

from __future__ import annotations

import json
import math
import tempfile
from pathlib import Path

import pytest
from httpserver import Reply
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from starter.papers import catalog
from starter.papers.card_write import render_card

DOCUMENTED = {0, 1, 2, 3, 4, 5, 6, 7, 130}
FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# ----------------------------------------------------------------------------- values

nasty_text = st.text(
    st.characters(blacklist_categories=("Cs",)), max_size=40
) | st.sampled_from(
    ["", " ", "\x1b]0;x\x07", "<script>alert(1)</script>", "javascript:alert(1)", "../../x",
     "9" * 400, "1e400", "NaN", "-0", "﻿", "a" * 2000, "doi:10.1/x", "[[claims]]"]
)  # fmt: skip
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=10**100, max_value=10**400),
    st.floats(),
    st.sampled_from([0, -1, 1e308, -1e308, 5e-324, math.inf, math.nan]),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, nasty_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(nasty_text, inner, max_size=4),
    max_leaves=12,
)


def check(result, allowed: set[int] = DOCUMENTED) -> None:
    assert result.exit_code in allowed, (result.exit_code, result.stderr[-500:])
    assert "Traceback" not in result.stdout + result.stderr
    for line in result.stderr.splitlines():
        assert line.startswith(("starter: error: ", "starter: warning: ", "starter: ", "  ")), line


def snapshot(folder: Path, skip: Path) -> dict[str, int]:
    return {
        str(p.relative_to(folder)): p.stat().st_size
        for p in folder.rglob("*")
        if p.is_file() and skip not in p.parents
    }


class Sandbox:
    """A fresh repository under a fresh folder; `outside()` lists what is beside it."""

    def __init__(self) -> None:
        self.tmp = tempfile.TemporaryDirectory(prefix="fuzz-")
        self.base = Path(self.tmp.name)
        self.repo = self.base / "repo"
        self.repo.mkdir()
        (self.base / "beside.txt").write_text("untouched", encoding="utf-8")
        (self.repo / "paper.toml").write_text(
            render_card(catalog.get("lecun1989")), encoding="utf-8"
        )
        self.before = snapshot(self.base, self.repo)

    def outside_untouched(self) -> bool:
        return snapshot(self.base, self.repo) == self.before

    def close(self) -> None:
        self.tmp.cleanup()


# ----------------------------------------------------------------------------- cards


@st.composite
def cards(draw) -> str:
    """A card: the catalog's lecun1989 with random fields replaced, or random text."""
    import tomlkit

    if draw(st.integers(0, 9)) == 0:
        return draw(nasty_text)
    doc = tomlkit.parse(render_card(catalog.get("lecun1989")))
    tables = [doc["paper"], *doc["claims"]]
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(tables))
        key = draw(st.sampled_from([*table.keys(), "id", "value", "value_text", "tolerance",
                                    "aggregation", "year", "url", "unknown"]))  # fmt: skip
        value = draw(scalars | st.lists(numbers, max_size=3))
        if value is None or (
            isinstance(value, float) and math.isnan(value) and draw(st.booleans())
        ):
            table.pop(key, None)
            continue
        try:
            table[key] = value
        except (ValueError, TypeError, OverflowError):
            continue
    return tomlkit.dumps(doc)


@FUZZ
@given(card=cards())
def test_random_cards_never_crash_the_commands(cli, card: str) -> None:
    box = Sandbox()
    try:
        (box.repo / "paper.toml").write_text(card, encoding="utf-8")
        for args in (
            ["status", "--json"],
            ["claim", "list"],
            ["log", "test-error", "5.1", "--seed", "1"],
            ["claim", "tolerance", "test-error", "0.5", "--origin", "fuzz"],
            ["report", "--format", "json", "--output", "-"],
        ):
            check(cli(*args, "-C", box.repo, cwd=box.base))
        assert box.outside_untouched()
    finally:
        box.close()


# ----------------------------------------------------------------------------- log lines


@st.composite
def log_lines(draw) -> str:
    """A results-log line: a record starter writes with random fields changed, random JSON,
    or random text (a torn line)."""
    from starter.track.results import run_record

    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(nasty_text).replace("\n", " ")
    if kind == 1:
        return json.dumps(draw(json_values))
    record = run_record({"test-error": 5.0}, seed=1, command="fuzz")
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from([*record, "metrics", "extra"]))
        record[key] = draw(json_values)
    if draw(st.booleans()):
        keys = list(record)
        draw(st.randoms()).shuffle(keys)
        record = {k: record[k] for k in keys}
    return json.dumps(record, allow_nan=True)


@FUZZ
@given(lines=st.lists(log_lines(), min_size=1, max_size=6))
def test_random_log_lines_are_skipped_by_number_never_a_crash(cli, lines: list[str]) -> None:
    box = Sandbox()
    try:
        log = box.repo / "results" / "runs.jsonl"
        log.parent.mkdir()
        good = '{"schema": 1, "type": "run", "kind": "reproduction", "failed": false, '
        good += '"metrics": {"test-error": 5.2}, "seed": 2, "starter_version": "0"}'
        log.write_text("\n".join([good, *lines, good]) + "\n", encoding="utf-8")
        for args in (["status", "--json"], ["report", "--format", "json", "--output", "-"]):
            result = cli(*args, "-C", box.repo, cwd=box.base)
            check(result, {0})
        assert json.loads(cli("status", "--json", "-C", box.repo).stdout)["claims"]
        assert box.outside_untouched()
    finally:
        box.close()


# ----------------------------------------------------------------------------- config


@st.composite
def config_files(draw) -> str:
    import tomlkit

    if draw(st.integers(0, 5)) == 0:
        return draw(nasty_text)
    names = ["author", "email", "license", "template", "mailto", "offline", "colour"]
    doc = {
        draw(st.sampled_from(names)): draw(scalars | st.lists(st.integers(), max_size=2))
        for _ in range(draw(st.integers(0, 4)))
    }
    doc = {k: v for k, v in doc.items() if v is not None}
    try:
        return tomlkit.dumps(doc)
    except (ValueError, TypeError, OverflowError):
        return ""


@FUZZ
@given(text=config_files())
def test_random_config_files_are_one_line_per_problem(cli, isolated_env: Path, text: str) -> None:
    from starter import config

    folder = isolated_env / ".config" / "starter"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.toml").write_text(text, encoding="utf-8")
    config._file_values.cache_clear()
    box = Sandbox()
    try:
        check(cli("show", "lecun1989", cwd=box.base), {0, 1, 5})
        check(cli("new", "lecun1989", str(box.base / "made"), "--no-git", cwd=box.base), {0, 1, 4})
        made = box.base / "made"
        if made.exists():
            import shutil

            shutil.rmtree(made)
        assert box.outside_untouched()
    finally:
        box.close()
        config._file_values.cache_clear()


# ----------------------------------------------------------------------------- identifiers

identifiers = nasty_text | st.from_regex(
    r"(arxiv:|https?://(arxiv\.org/(abs|pdf)/|doi\.org/)|doi:)?"
    r"([0-9]{4}\.[0-9]{4,5}(v[0-9]+)?|10\.[0-9]{4}/[^\s]{1,20}|[a-z\-]+/[0-9]{7}|W[0-9]{4,12})",
    fullmatch=True,
)


@FUZZ
@given(text=identifiers)
def test_random_identifiers_offline_are_a_documented_answer(cli, text: str) -> None:
    box = Sandbox()
    try:
        check(cli("show", text, "--offline", cwd=box.base), {0, 1, 2, 4, 5})
        assert box.outside_untouched()
    finally:
        box.close()


# ----------------------------------------------------------------------------- answers


@FUZZ
@given(crossref=json_values, s2=json_values, hf=json_values)
def test_random_service_answers_are_a_paper_or_exit_5(cli, services, crossref, s2, hf) -> None:
    doi = "10.5555/fuzz.1"
    services.routes.clear()
    services.route(f"/crossref/works/{doi}", Reply(200, json.dumps(crossref).encode()))
    services.route(f"/s2/graph/v1/paper/DOI:{doi}", Reply(200, json.dumps(s2).encode()))
    services.route("/hf/api/papers/1706.03762", Reply(200, json.dumps(hf).encode()))
    box = Sandbox()
    try:
        result = cli("show", doi, "--json", "--refresh", cwd=box.base)
        check(result, {0, 5})
        if result.exit_code == 0:
            shown = json.loads(result.stdout)
            assert "javascript:" not in json.dumps(shown)
        assert box.outside_untouched()
    finally:
        box.close()


@pytest.mark.parametrize("body", [b"[" * 50_000, b'{"message": ' * 30_000, b"\xff\xfe\x00"])
def test_answers_that_break_parsers_are_exit_5(cli, services, body: bytes) -> None:
    services.route("/crossref/works/10.5555/fuzz.2", Reply(200, body))
    check(cli("show", "10.5555/fuzz.2", "--refresh"), {5})
