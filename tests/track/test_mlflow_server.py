"""Reading runs from a real MLflow tracking server (`mlflow server` on loopback, serving the
recorded file stores) through its REST API: the same runs as reading the store itself."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import DATA

from starter.errors import NotFoundError
from starter.track import importers

STORES = DATA / "importers" / "mlflow"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    if shutil.which("mlflow") is None and not (Path(sys.executable).parent / "mlflow").exists():
        pytest.skip("mlflow is not installed (pip install '.[test]')")
    store = tmp_path_factory.mktemp("mlflow") / "mlruns"
    shutil.copytree(STORES / "pytorch-mnist" / "mlruns", store)
    port = _free_port()
    uri = f"http://127.0.0.1:{port}"
    env = {**os.environ, "MLFLOW_ALLOW_FILE_STORE": "true"}  # MLflow 3 asks for a database
    mlflow = shutil.which("mlflow") or str(Path(sys.executable).parent / "mlflow")
    process = subprocess.Popen(
        [mlflow, "server", "--backend-store-uri", store.as_uri(), "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{uri}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("mlflow server did not start")
            time.sleep(0.3)
        yield uri, store
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_server_runs_are_the_store_s_runs(server) -> None:
    uri, store = server
    over_rest = {r.source["id"]: r for r in importers.read([], tracking_uri=uri).runs}
    on_disk = {r.source["id"]: r for r in importers.read([store], preset="mlflow").runs}
    assert set(over_rest) == set(on_disk) and len(on_disk) == 3
    for run_id, run in on_disk.items():
        remote = over_rest[run_id]
        assert remote.metrics == run.metrics
        assert remote.params == run.params and remote.seed == run.seed == 1
        assert remote.time == run.time and remote.failed is run.failed is False
        assert remote.source["server"] == uri


def test_server_experiment_by_name_and_a_missing_one(server) -> None:
    uri, _ = server
    assert len(importers.read([], tracking_uri=uri, experiment="Default").runs) == 3
    with pytest.raises(NotFoundError, match=r"no experiment 'nope'.*experiments: Default"):
        importers.read([], tracking_uri=uri, experiment="nope")


def test_log_from_a_server_records_each_run_once(cli, server, tmp_path) -> None:
    from starter.models import Claim, Paper
    from starter.papers.card_write import write_card
    from starter.track.results import read_runs

    uri, _ = server
    claim = Claim(id="acc", metric="test accuracy", value=98.0, unit="%", direction="higher")
    write_card(tmp_path / "paper.toml", Paper(key="mnist", title="MNIST", claims=(claim,)))
    args = ("log", "--tracking-uri", uri, "--map", "test_accuracy=acc", "-C", tmp_path)
    first = cli(*args)
    assert first.exit_code == 0, first.stderr
    again = cli(*args)
    assert "skipped 3 runs already in the log" in again.stderr
    runs, _ = read_runs(tmp_path)
    assert sorted(r.metrics["acc"] for r in runs) == [94.27, 96.13, 98.18]
    assert {r.origin for r in runs} == {"imported"}


def test_an_unreachable_server_is_a_network_error(cli, tmp_path) -> None:
    from starter.models import Paper
    from starter.papers.card_write import write_card

    write_card(tmp_path / "paper.toml", Paper(key="x", title="X"))
    result = cli("log", "--tracking-uri", f"http://127.0.0.1:{_free_port()}", "-C", tmp_path)
    assert result.exit_code == 5
    assert "cannot reach the MLflow server" in result.stderr
