"""A real `mlflow server` on loopback for the tests that push to and pull from one (SQLite
backend store in a temporary folder; one server for the whole session, each test in its
own experiment), and the same server on a real PostgreSQL when one can be started."""

from __future__ import annotations

import contextlib
import importlib.util
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

# Read at import, before the autouse fixture clears STARTER_* from the environment:
# .ci/run sets it to run the round trip against PostgreSQL too.
WANT_POSTGRES = os.environ.get("STARTER_TEST_POSTGRES") == "1"
START_TIMEOUT = 180.0  # seconds; mlflow imports a lot and migrates a new database first


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


class MlflowServer:
    """`mlflow server` as a child process; `uri` is its address."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.port = free_port()
        self.uri = f"http://127.0.0.1:{self.port}"
        self.log = folder / "mlflow-server.log"
        home = folder / "home"
        home.mkdir(exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "STARTER_"))}
        env.update(HOME=str(home), PYTHONUNBUFFERED="1")
        command = [
            sys.executable, "-m", "mlflow", "server",
            "--backend-store-uri", backend,
            "--default-artifact-root", str(folder / "artifacts"),
            "--host", "127.0.0.1", "--port", str(self.port),
            "--workers", "1",
        ]  # fmt: skip
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=folder,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(f"{self.uri}/health"):
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log.read_text(encoding="utf-8", errors="replace")[-3000:]
                raise RuntimeError(f"mlflow server did not start:\n{tail}")
            time.sleep(0.25)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """A real MLflow tracking server with a SQLite backend store, for the session."""
    if importlib.util.find_spec("mlflow") is None:
        pytest.skip("mlflow is not installed (it is in the test extra: pip install '.[test]')")
    folder = tmp_path_factory.mktemp("mlflow")
    server = MlflowServer(f"sqlite:///{folder / 'mlflow.db'}", folder)
    yield server
    server.stop()


# ----------------------------------------------------------------------------- PostgreSQL


def _postgres_bin() -> Path | None:
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return versions[-1].parent if versions else None


class Postgres:
    """A throwaway PostgreSQL cluster in a temporary folder, on a loopback port, trusting
    local connections. As root it runs as the `postgres` user, which refuses root."""

    def __init__(self, folder: Path) -> None:
        bin_dir = _postgres_bin()
        if bin_dir is None:
            raise RuntimeError(
                "no PostgreSQL server installed (Debian: apt-get install postgresql)"
            )
        self.port = free_port()
        self.data = folder / "pgdata"
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None or _user_missing("postgres"):
                raise RuntimeError("running as root without a `postgres` user to run PostgreSQL")
            self.prefix = [runuser, "-u", "postgres", "--"]
            folder.chmod(0o777)
        self.pg_ctl = str(bin_dir / "pg_ctl")
        self._run(str(bin_dir / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        options = f"-h 127.0.0.1 -p {self.port} -k {folder}"
        self._run(self.pg_ctl, "-D", str(self.data), "-o", options, "-l", str(folder / "pg.log"),
                  "-w", "-t", "60", "start")  # fmt: skip
        self.uri = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        done = subprocess.run(
            [*self.prefix, *args], capture_output=True, text=True, stdin=subprocess.DEVNULL
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"{Path(args[0]).name} failed: {(done.stderr or done.stdout)[-500:]}"
            )

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError):
            self._run(self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")


def _user_missing(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return True
    return False


@pytest.fixture(scope="session")
def mlflow_postgres_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MlflowServer]:
    """MLflow on a real PostgreSQL backend store, as a team runs it (.ci/run asks for it)."""
    if not WANT_POSTGRES:
        pytest.skip(
            "set STARTER_TEST_POSTGRES=1 to run the round trip on PostgreSQL (.ci/run does)"
        )
    if importlib.util.find_spec("mlflow") is None:
        pytest.skip("mlflow is not installed (it is in the test extra)")
    if importlib.util.find_spec("psycopg") is None:
        pytest.skip("no PostgreSQL driver for MLflow (pip install 'psycopg[binary]'; .ci/run does)")
    import tempfile

    # Not under pytest's own (0700) temporary folder: the `postgres` user must reach it.
    folder = Path(tempfile.mkdtemp(prefix="starter-postgres-"))
    try:
        try:
            database = Postgres(folder)
        except RuntimeError as exc:
            pytest.skip(f"PostgreSQL could not be started here: {exc}")
        try:
            server = MlflowServer(database.uri, folder)
        except RuntimeError:
            database.stop()
            raise
        yield server
        server.stop()
        database.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
