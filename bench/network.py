"""The network scenario: an uncached `starter show` against loopback services that each answer
after a set delay (issue 10: the fill-ins asked together, so the wall time follows the
slowest service, not the sum), and against a network that is down (a closed port)."""

# usage (alone): python bench/network.py [--runs N]
#   or as part of run.py: python bench/run.py --only network

from __future__ import annotations

import argparse
import contextlib
import shlex
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import sandbox  # noqa: E402
from timing import Command, Timings, markdown, measure  # noqa: E402

ARXIV_ID = "2401.00001"  # in fixtures/: an arXiv paper with a published DOI
DOI = "10.5555/lernraten.2024.7"
# Seconds each service waits before answering. The primary (arXiv) answers at once: the
# fill-ins depend on its answer, so it is asked first whatever starter does; the three
# fill-ins are the ones that can be asked together.
DELAYS = {"arxiv": 0.0, "crossref": 0.5, "s2": 1.0, "hf": 0.75}


class DelayServer:
    """Loopback services: arXiv and Crossref answer with recorded responses, Semantic
    Scholar and Hugging Face with a 404, each after its delay in `delays`."""

    def __init__(self, delays: dict[str, float]) -> None:
        fixtures = HERE / "fixtures"
        arxiv = (fixtures / "arxiv_2401.00001v2_unicode.xml").read_bytes()
        crossref = (fixtures / "crossref_works_latin1.json").read_bytes()
        missing = (fixtures / "s2_404.json").read_bytes()
        self.delays = delays
        self.hits: dict[str, int] = {}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                service = unquote(parts.path).strip("/").split("/", 1)[0]
                owner.hits[service] = owner.hits.get(service, 0) + 1
                time.sleep(owner.delays.get(service, 0.0))
                if service == "arxiv" and ARXIV_ID in parse_qs(parts.query).get("id_list", [""])[0]:
                    body, status, kind = arxiv, 200, "application/atom+xml; charset=utf-8"
                elif service == "crossref" and unquote(parts.path).endswith(DOI):
                    body, status, kind = crossref, 200, "application/json; charset=iso-8859-1"
                else:
                    body, status, kind = missing, 404, "application/json"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", kind)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def env(self) -> dict[str, str]:
        return services_at(f"http://127.0.0.1:{self.server.server_address[1]}")

    @contextlib.contextmanager
    def running(self) -> Iterator[DelayServer]:
        self.thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()


def services_at(base: str) -> dict[str, str]:
    return {
        "STARTER_ARXIV_API": f"{base}/arxiv/api/query",
        "STARTER_CROSSREF_API": f"{base}/crossref",
        "STARTER_DOI_RESOLVER": f"{base}/doi",
        "STARTER_S2_API": f"{base}/s2",
        "STARTER_OPENALEX_API": f"{base}/openalex",
        "STARTER_HF_API": f"{base}/hf",
        "STARTER_ARXIV_INTERVAL": "0",  # arXiv's pace is for arXiv itself
    }


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def uncached(label: str, starter: str, work: Path, env: dict[str, str], **extra: str) -> Command:
    """`starter show ARXIV_ID` with an empty cache every time (the cache folder removed)."""
    cache = work / f"cache-{label.split()[0]}-{len(label)}"
    show = shlex.join([starter, "show", ARXIV_ID])
    return Command(
        label,
        ["sh", "-c", f"rm -rf {shlex.quote(str(cache))} && exec {show}"],
        cwd=work,
        env={**env, **extra, "STARTER_CACHE_DIR": str(cache)},
    )


def measure_network(
    starter: str, work: Path, env: dict[str, str], runs: int, warmup: int
) -> tuple[Timings, dict[str, Any]]:
    """Time the uncached `show` with instant services, with delayed ones, and with none."""
    work.mkdir(parents=True, exist_ok=True)
    instant, delayed = DelayServer(dict.fromkeys(DELAYS, 0.0)), DelayServer(DELAYS)
    dead = services_at(f"http://127.0.0.1:{closed_port()}")
    with instant.running(), delayed.running():
        commands = [
            uncached("show, services instant", starter, work, {**env, **instant.env()}),
            uncached("show, services delayed", starter, work, {**env, **delayed.env()}),
            # With the old retries (2, backoff 1 s) the dead network alone cost 3 s a service.
            uncached("show, network down", starter, work, {**env, **dead}),
        ]
        timings = measure("Network: an uncached `starter show`", commands, runs, warmup)
    base = timings.median_wall("show, services instant")
    wall = timings.median_wall("show, services delayed")
    slowest = max(v for k, v in DELAYS.items() if k != "arxiv") + DELAYS["arxiv"]
    summed = sum(DELAYS.values())
    facts = {
        "instant": base,
        "delayed": wall,
        "down": timings.median_wall("show, network down"),
        "slowest": slowest,
        "sum": summed,
        # what the delays cost beyond starter's own work, in units of the slowest service
        "ratio": (wall - base) / slowest,
        "exit codes": sorted({s.code for rows in timings.samples.values() for s in rows}),
        "hits": dict(delayed.hits),
    }
    return timings, facts


def summary(facts: dict[str, Any]) -> str:
    delays = ", ".join(f"{k} {v:g} s" for k, v in DELAYS.items())
    return (
        f"Service delays: {delays} (slowest path {facts['slowest']:g} s, sum "
        f"{facts['sum']:g} s). Uncached `show`: {facts['instant'] * 1000:.0f} ms with instant "
        f"services, {facts['delayed'] * 1000:.0f} ms with the delays, so the delays cost "
        f"{facts['ratio']:.2f}× the slowest service (target ≤ 1.2×; asked one after another "
        f"they would cost {facts['sum'] / facts['slowest']:.2f}×). With the network down: "
        f"{facts['down'] * 1000:.0f} ms, exit 5. Exit codes seen: {facts['exit codes']}.\n"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="starter-bench-network-"))
    env = sandbox.isolated(work)
    timings, facts = measure_network(sandbox.tool("starter"), work, env, args.runs, args.warmup)
    print(markdown(timings, ["show, services instant"]))
    print(summary(facts))
    return 0 if facts["ratio"] <= 1.2 else 1


if __name__ == "__main__":
    raise SystemExit(main())
