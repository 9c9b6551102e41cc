"""`status --json`, `report --format json` and the results log's lines carry a schema
version and are described by docs/schema/*.schema.json: real outputs are validated
against them, so a field that drifts from its description fails here."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import isolate
from schemas import errors

from starter.papers.catalog import get
from starter.scaffold.create import create
from starter.track.results import log_path

pytest.importorskip("jsonschema")


@pytest.fixture(scope="module")
def busy_repo(tmp_path_factory) -> Iterator[Path]:
    """A generated repository whose log holds every kind of line starter writes (made in
    an isolated home: this fixture runs before the per-test one)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, tmp_path_factory)
        yield _busy_repo(tmp_path_factory)


def _busy_repo(tmp_path_factory) -> Path:
    from typer.testing import CliRunner

    from starter.cli import app

    root = create(get("lecun1989"), tmp_path_factory.mktemp("busy") / "lecun1989").path
    train = root / "train_ok.py"
    train.write_text(
        "import json, os\njson.dump({'test-error': 5.2, 'synthetic-loss': 0.1}, "
        "open(os.environ['STARTER_METRICS_FILE'], 'w'))\n",
        encoding="utf-8",
    )
    commands = [
        ["log", "test-error", "5.1", "--seed", "1", "--param", "lr=0.1", "--note", "first"],
        ["log", "test-error", "4.9", "--seed", "2"],
        ["log", "test-error", "5.6", "--kind", "extension"],
        ["log", "train-error", "0.2", "--deviation", "MNIST instead of USPS"],
        ["claim", "tolerance", "test-error", "0.97", "--origin", "2 binomial SE"],
        ["run", "--seed", "3", "--", sys.executable, str(train)],
        ["run", "--", sys.executable, "-c", "raise SystemExit(3)"],
    ]
    runner = CliRunner()
    for args in commands:
        result = runner.invoke(app, [*args, "-C", str(root)] if args[0] != "run" else
                               [args[0], "-C", str(root), *args[1:]])  # fmt: skip
        assert result.exit_code in (0, 3), (args, result.stderr)
    return root


def test_every_line_of_a_real_results_log_matches_its_schema(busy_repo):
    lines = log_path(busy_repo).read_text(encoding="utf-8").splitlines()
    kinds = set()
    for line in lines:
        record = json.loads(line)
        kinds.add((record["type"], record.get("kind"), record.get("failed")))
        assert errors("runs-line", record) == [], line
    assert ("tolerance", None, None) in kinds and ("run", "extension", False) in kinds
    assert ("run", "reproduction", True) in kinds  # the failed `starter run`


def test_status_json_carries_its_schema_version_and_matches_the_schema(cli, busy_repo):
    result = cli("status", "--json", "-C", busy_repo)

    data = json.loads(result.stdout)
    assert data["schema"] == 1
    assert errors("status", data) == []
    assert {c["verdict"] for c in data["claims"]} >= {"pending", "not-comparable"}


def test_report_json_carries_its_schema_version_and_matches_the_schema(cli, busy_repo):
    result = cli("report", "--format", "json", "--output", "-", "-C", busy_repo)

    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schema"] == 1
    assert errors("report", data) == []


def test_the_schemas_refuse_what_starter_never_writes(cli, busy_repo):
    status = json.loads(cli("status", "--json", "-C", busy_repo).stdout)
    line = json.loads(log_path(busy_repo).read_text(encoding="utf-8").splitlines()[0])

    del status["schema"]
    status["claims"][0]["verdict"] = "probably-fine"
    line["metrics"]["test-error"] = "5.1"

    assert any("'schema' is a required property" in e for e in errors("status", status))
    assert any("probably-fine" in e for e in errors("status", status))
    assert errors("runs-line", line) != []
