"""`starter push mlflow` / `pull mlflow` and `run --to mlflow` against a real MLflow server:
a round trip loses and duplicates nothing, both are idempotent and incremental, batched,
and runs logged with MLflow's own client come in as imported runs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from schemas import errors

from starter.models import Claim, Paper
from starter.papers.card_write import write_card
from starter.papers.http import Client
from starter.track import mlflow_sync
from starter.track.mlflow_rest import Server
from starter.track.results import append, log_path, run_record

# A real `mlflow server` starts in 10-20 s (tests/mlflowserver.py), once per session.
pytestmark = pytest.mark.slow

CLAIMS = (
    Claim(id="test-error", metric="test error", value=5.0, value_text="5.0", unit="%",
          direction="lower"),
    Claim(id="train-error", metric="train error", value=0.14, value_text="0.14", unit="%",
          direction="lower"),
)  # fmt: skip
# Fields a pulled run must hold exactly as the pushed one did.
KEPT = ("id", "time", "kind", "failed", "deviation", "group", "metrics", "seed", "params",
        "note", "command", "duration", "git", "env")  # fmt: skip


def make_repo(folder: Path) -> Path:
    folder.mkdir(parents=True)
    write_card(folder / "paper.toml", Paper(key="demo", title="Demo", claims=CLAIMS))
    return folder


def records(root: Path) -> list[dict]:
    path = log_path(root)
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def varied_runs() -> list[dict]:
    git = {"commit": "0123456789abcdef0123456789abcdef01234567", "branch": "main", "dirty": True,
           "diff_hash": "ab12", "patch": "results/patches/ab12.patch"}  # fmt: skip
    env = {"host": "node-17", "os": "Linux", "python": "3.11.7", "packages": {"numpy": "2.1.0"},
           "cpu": "EPYC", "cpu_count": 64, "gpu": ["A100"]}  # fmt: skip
    return [
        run_record({"test-error": 5.123456789012345, "train-error": 0.15}, seed=1,
                   params={"lr": "0.1", "batch": "64"}, note="first", git=git, env=env,
                   command="python -m demo.train", duration=12.5, group="alice"),
        run_record({"test-error": 4.9}, seed=2, deviation="MNIST instead of USPS", env=env),
        run_record({"test-error": 5.5}, kind="extension", note="wider net"),
        run_record({}, failed=True, command="python -m demo.train --bad", duration=0.25),
        run_record({"synthetic-error": 0.5, "test-error": 5.2}, seed=3, origin="recorded"),
    ]  # fmt: skip


def test_push_then_pull_into_another_clone_loses_and_duplicates_nothing(mlflow_server, tmp_path):
    mine, theirs = make_repo(tmp_path / "mine"), make_repo(tmp_path / "theirs")
    sent = varied_runs()
    append(mine, sent)
    where = mlflow_sync.Target(mlflow_server.uri, "round-trip")

    pushed = mlflow_sync.push(mine, where, "demo")
    pulled = mlflow_sync.pull(theirs, where)

    assert (pushed.pushed, pushed.present, pushed.experiment_created) == (5, 0, True)
    assert (pulled.pulled, pulled.present) == (5, 0)
    back = {r["id"]: r for r in records(theirs)}
    assert len(back) == 5
    for original in sent:
        copy = back[original["id"]]
        assert {k: copy[k] for k in KEPT} == {k: original[k] for k in KEPT}
        assert copy["origin"] == "imported"
        assert copy["source"]["tool"] == "mlflow" and copy["source"]["uri"] == mlflow_server.uri
        assert len(copy["source"]["id"]) == 32  # MLflow's run id
        assert errors("runs-line", copy) == []
    assert list(records(theirs)[0]) == list(sent[0])  # the log's field order


def test_push_and_pull_again_do_nothing_and_send_only_what_is_new(mlflow_server, tmp_path):
    mine, theirs = make_repo(tmp_path / "mine"), make_repo(tmp_path / "theirs")
    append(mine, varied_runs()[:2])
    where = mlflow_sync.Target(mlflow_server.uri, "incremental")
    mlflow_sync.push(mine, where, "demo")
    mlflow_sync.pull(theirs, where)

    again = mlflow_sync.push(mine, where, "demo")
    own = mlflow_sync.pull(mine, where)  # my own runs come back as themselves
    append(mine, [run_record({"test-error": 5.05}, seed=9)])
    newer = mlflow_sync.push(mine, where, "demo")
    theirs_again = mlflow_sync.pull(theirs, where)
    pushed_back = mlflow_sync.push(theirs, where, "demo")  # pulled runs are not sent back

    assert (again.pushed, again.present) == (0, 2)
    assert (own.pulled, own.present) == (0, 2)
    assert (newer.pushed, newer.present) == (1, 2)
    assert (theirs_again.pulled, theirs_again.present) == (1, 2)
    assert (pushed_back.pushed, pushed_back.present) == (0, 3)
    assert len(records(mine)) == 3 and len(records(theirs)) == 3
    server = Server(mlflow_server.uri, Client())
    experiment = server.experiment_id("incremental")
    assert experiment is not None
    assert len(list(server.search_runs([experiment]))) == 3


def test_a_push_cut_short_is_completed_not_doubled(mlflow_server, tmp_path):
    mine = make_repo(tmp_path / "mine")
    run = run_record({"test-error": 5.0}, seed=4)
    append(mine, [run])
    server = Server(mlflow_server.uri, Client())
    experiment = server.create_experiment("cut-short")
    out = mlflow_sync.outgoing(run, "demo")
    server.create_run(experiment, name=run["id"], start_time=out.start, tags=out.tags)

    done = mlflow_sync.push(mine, mlflow_sync.Target(mlflow_server.uri, "cut-short"), "demo")

    assert (done.pushed, done.finished) == (0, 1)
    [only] = list(server.search_runs([experiment]))
    assert only["info"]["status"] == "FINISHED"
    assert only["data"]["metrics"][0]["value"] == 5.0


def test_many_metrics_and_params_go_in_batches_not_one_request_each(mlflow_server, tmp_path):
    mine, theirs = make_repo(tmp_path / "mine"), make_repo(tmp_path / "theirs")
    metrics = {f"probe/{i}": i / 7 for i in range(1000)} | {"test-error": 5.0}
    params = {f"p{i}": str(i) for i in range(101)}
    run = run_record(metrics, params=params, seed=1)
    append(mine, [run])
    where = mlflow_sync.Target(mlflow_server.uri, "batches")

    pushed = mlflow_sync.push(mine, where, "demo")
    mlflow_sync.pull(theirs, where)

    # Finding and creating the experiment, creating the run, three log-batches (MLflow
    # takes 1,000 metrics and 100 params a request, 1,000 items in all) and the update.
    assert pushed.requests == 2 + 1 + 3 + 1
    [back] = records(theirs)
    assert (back["metrics"], back["params"]) == (run["metrics"], run["params"])


def test_runs_logged_with_mlflows_own_client_come_in_as_imported(mlflow_server, tmp_path):
    from mlflow.tracking import MlflowClient

    theirs = make_repo(tmp_path / "theirs")
    client = MlflowClient(tracking_uri=mlflow_server.uri)
    experiment = client.create_experiment("their-own")
    done = client.create_run(experiment, tags={"mlflow.source.git.commit": "cafe" * 10})
    client.log_metric(done.info.run_id, "val_err", 0.9)
    client.log_metric(done.info.run_id, "val_err", 0.052)  # the latest value is the run's
    client.log_param(done.info.run_id, "seed", "7")
    client.set_terminated(done.info.run_id)
    busy = client.create_run(experiment)
    client.log_metric(busy.info.run_id, "val_err", 0.06)
    where = mlflow_sync.Target(mlflow_server.uri, "their-own")

    first = mlflow_sync.pull(theirs, where, maps=["val_err=test-error"])
    client.set_terminated(busy.info.run_id, status="FAILED")
    second = mlflow_sync.pull(theirs, where, maps=["val_err=test-error"])

    assert (first.pulled, first.running, second.pulled, second.present) == (1, 1, 1, 1)
    finished, failed = records(theirs)
    assert finished["id"] == finished["source"]["id"] == done.info.run_id
    assert finished["metrics"] == {"test-error": 0.052}
    assert finished["seed"] == 7 and finished["params"] == {"seed": "7"}
    assert finished["git"] == {"commit": "cafe" * 10}
    assert finished["origin"] == "imported" and finished["failed"] is False
    assert failed["failed"] is True


def test_round_trip_through_mlflow_on_postgresql(mlflow_postgres_server, tmp_path):
    mine, theirs = make_repo(tmp_path / "mine"), make_repo(tmp_path / "theirs")
    sent = varied_runs()
    append(mine, sent)
    where = mlflow_sync.Target(mlflow_postgres_server.uri, "on-postgres")

    assert mlflow_sync.push(mine, where, "demo").pushed == 5
    assert mlflow_sync.pull(theirs, where).pulled == 5
    assert mlflow_sync.push(mine, where, "demo").pushed == 0
    back = {r["id"]: r for r in records(theirs)}
    for original in sent:
        assert {k: back[original["id"]][k] for k in KEPT} == {k: original[k] for k in KEPT}


# ----------------------------------------------------------------------------- commands


def test_cli_push_and_pull(cli, mlflow_server, tmp_path):
    mine, theirs = make_repo(tmp_path / "mine"), make_repo(tmp_path / "theirs")
    assert cli("log", "test-error", "5.2", "--seed", "1", "-C", mine).exit_code == 0

    pushed = cli("push", "mlflow", "--tracking-uri", mlflow_server.uri, "--json", "-C", mine)
    pulled = cli("pull", "mlflow", "--tracking-uri", mlflow_server.uri, "-C", theirs)

    assert pushed.exit_code == 0, pushed.stderr
    data = json.loads(pushed.stdout)
    assert (data["experiment"], data["pushed"], data["experiment_created"]) == ("demo", 1, True)
    assert pulled.exit_code == 0, pulled.stderr
    assert "pulled 1 run from" in pulled.stdout
    assert [r["metrics"] for r in records(theirs)] == [{"test-error": 5.2}]


def test_cli_push_without_a_server_says_how_to_give_one(cli, tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    mine = make_repo(tmp_path / "mine")

    result = cli("push", "mlflow", "-C", mine)
    unknown = cli("push", "wandb", "-C", mine)

    assert result.exit_code == 1
    assert "starter: error: no MLflow server given; pass --tracking-uri" in result.stderr
    assert unknown.exit_code == 1 and "unknown target 'wandb'" in unknown.stderr


def test_cli_pull_from_a_server_that_is_down_fails_fast_with_exit_5(cli, tmp_path, monkeypatch):
    from mlflowserver import free_port

    monkeypatch.setenv("STARTER_HTTP_RETRIES", "0")
    mine = make_repo(tmp_path / "mine")

    result = cli("pull", "mlflow", "--tracking-uri", f"http://127.0.0.1:{free_port()}", "-C", mine)

    assert result.exit_code == 5
    assert "cannot reach the MLflow server" in result.stderr and "Traceback" not in result.stderr
    assert records(mine) == []


def test_run_on_a_node_goes_straight_to_the_server_and_pull_brings_it(
    mlflow_server, tmp_path, starter_proc
):
    node, desk = make_repo(tmp_path / "node"), make_repo(tmp_path / "desk")
    train = tmp_path / "train.py"
    train.write_text(
        "import json, os\n"
        "json.dump({'test-error': 5.3}, open(os.environ['STARTER_METRICS_FILE'], 'w'))\n",
        encoding="utf-8",
    )
    env = {"STARTER_RUN_TO": "mlflow", "STARTER_MLFLOW_URI": mlflow_server.uri,
           "STARTER_MLFLOW_EXPERIMENT": "cluster"}  # fmt: skip

    ran = starter_proc("run", "--seed", "5", "--", sys.executable, train, cwd=node, env=env)
    pulled = starter_proc("pull", "mlflow", cwd=desk, env=env)

    assert ran.returncode == 0, ran.stderr
    assert "sent to MLflow" in ran.stderr
    assert records(node) == []  # nothing written to the node's (shared) folder
    assert pulled.returncode == 0, pulled.stderr
    [run] = records(desk)
    assert (run["metrics"], run["seed"], run["origin"]) == ({"test-error": 5.3}, 5, "imported")
    assert run["command"].endswith("train.py") and run["duration"] > 0


def test_run_to_an_unreachable_server_keeps_the_run_in_the_log(cli, tmp_path, monkeypatch):
    from mlflowserver import free_port

    monkeypatch.setenv("STARTER_HTTP_RETRIES", "0")
    node = make_repo(tmp_path / "node")
    uri = f"http://127.0.0.1:{free_port()}"

    result = cli("run", "--to", "mlflow", "--tracking-uri", uri, "-C", node, "--",
                 sys.executable, "-c", "pass")  # fmt: skip

    assert result.exit_code == 0
    assert "recorded in results/runs.jsonl instead" in result.stderr
    assert len(records(node)) == 1


def test_push_when_offline_touches_no_network(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("STARTER_OFFLINE", "1")
    mine = make_repo(tmp_path / "mine")

    result = cli("push", "mlflow", "--tracking-uri", "http://127.0.0.1:9", "-C", mine)

    assert result.exit_code == 5
    assert "--offline forbids talking to 127.0.0.1:9" in result.stderr


def test_names_mlflow_refuses_are_left_out_and_said(tmp_path):
    record = run_record({"test-error": 5.0, "acc@top1": 0.7}, params={"a:b": "1", "ok": "x"})

    out = mlflow_sync.outgoing(record, "demo")

    assert [m["key"] for m in out.metrics] == ["test-error"]
    assert out.params == {"a:b": "1", "ok": "x"}  # a colon is fine, an @ is not
    assert any("metric 'acc@top1' not sent" in w for w in out.warnings)


@given(st.integers(min_value=0, max_value=4_102_444_800_000))  # up to the year 2100
def test_times_survive_the_trip_through_mlflows_milliseconds(ms):
    assert mlflow_sync.to_ms(mlflow_sync.from_ms(ms)) == ms


def test_pull_from_an_experiment_that_does_not_exist_is_exit_4(cli, mlflow_server, tmp_path):
    mine = make_repo(tmp_path / "mine")

    result = cli("pull", "mlflow", "--tracking-uri", mlflow_server.uri, "--experiment",
                 "nobody-pushed-here", "-C", mine)  # fmt: skip

    assert result.exit_code == 4
    assert "no experiment 'nobody-pushed-here'" in result.stderr and "push first" in result.stderr
