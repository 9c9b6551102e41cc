"""Asking the metadata services: which fill-in sources are worth asking after the primary
one answered, all of them at once (each in a thread of its own, with its own session), how
each answered, and the deadline a whole lookup cannot outlast."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from starter.errors import NotFoundError, StarterError
from starter.papers.identifiers import PaperRef

SOURCE_NAMES = {
    "arxiv": "arXiv",
    "crossref": "Crossref",
    "doi": "the DOI resolver",
    "semanticscholar": "Semantic Scholar",
    "openalex": "OpenAlex",
    "huggingface": "Hugging Face",
}


def lookup_deadline() -> float:
    """time.monotonic() by which a whole lookup ends (STARTER_LOOKUP_DEADLINE, 60 s)."""
    from starter.papers.http import LOOKUP_DEADLINE
    from starter.papers.transport import float_env

    return time.monotonic() + float_env("STARTER_LOOKUP_DEADLINE", LOOKUP_DEADLINE)


class Tracker:
    """Calls sources and notes how each answered; fill-ins run together, each in a thread
    of its own (the client gives each thread its own session)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.sources: dict[str, str] = {}
        self.warnings: list[str] = []

    def primary(self, source: str, call: Callable[[], Any]) -> Any:
        before = self.client.requests_here()
        value = call()
        self.sources[source] = "ok" if self.client.requests_here() > before else "cached"
        return value

    def fill(self, source: str, call: Callable[[], Any]) -> Any:
        return self.fill_all([(source, call)])[0]

    def fill_all(self, calls: list[tuple[str, Callable[[], Any]]]) -> list[Any]:
        """Ask every source of `calls` at once; the answers (None for a source that failed,
        knew nothing or did not answer before the lookup's deadline) in the same order.
        None of them can fail the command: what went wrong becomes a warning."""
        outcomes: list[tuple[str, Any, str | None]] = [("failed", None, None)] * len(calls)

        def ask(index: int, source: str, call: Callable[[], Any]) -> None:
            outcomes[index] = self._ask(source, call)

        threads = [
            threading.Thread(target=ask, args=(i, s, c), daemon=True, name=f"starter-{s}")
            for i, (s, c) in enumerate(calls)
        ]
        if len(threads) == 1:
            threads[0].run()  # one source: no thread needed
        else:
            # Open the HTTP cache here first: set up by one connection (its tables, WAL mode)
            # before the threads' own connections use it, never by several at once.
            _ = self.client.session
            for thread in threads:
                thread.start()
        deadline = self.client.deadline
        values = []
        for thread, (source, _), index in zip(threads, calls, range(len(calls)), strict=True):
            if thread.ident is not None:
                thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                outcomes[index] = ("failed: no answer before the lookup's deadline", None, None)
            state, value, warning = outcomes[index]
            if state == "failed: no answer before the lookup's deadline":
                warning = f"{SOURCE_NAMES[source]} did not answer in time (STARTER_LOOKUP_DEADLINE)"
            self.sources[source] = state
            if warning:
                self.warnings.append(f"could not fill in from {SOURCE_NAMES[source]}: {warning}")
            values.append(value)
        return values

    def _ask(self, source: str, call: Callable[[], Any]) -> tuple[str, Any, str | None]:
        from starter.papers.http import NotCached

        before = self.client.requests_here()
        try:
            value = call()
        except NotFoundError:
            return "not found", None, None
        except NotCached:
            return "not cached", None, None
        except StarterError as exc:
            return f"failed: {exc.message}", None, exc.message
        return ("ok" if self.client.requests_here() > before else "cached"), value, None


def fill_ins(
    client: Any, ref: PaperRef, primary: str, first: Any, records: list[Any], asked: set[str]
) -> list[tuple[str, Callable[[], Any]]]:
    """The fill-in sources worth asking now, given the records so far."""
    from starter.papers.sources import crossref, huggingface, openalex, semanticscholar

    client_calls: list[tuple[str, Callable[[], Any]]] = []
    published_doi = first.doi if first.doi and not first.doi.startswith("10.48550/") else None
    if published_doi and primary not in ("crossref", "doi"):
        client_calls.append(("crossref", lambda: crossref.lookup(client, published_doi)))
    if primary != "semanticscholar":
        kind, value = ("arxiv", ref.value) if ref.kind == "arxiv" else ("doi", first.doi or "")
        if ref.kind == "openalex" and not first.doi:
            kind, value = "", ""
        if value:
            ident = semanticscholar.paper_id(kind, value)
            client_calls.append(("semanticscholar", lambda: semanticscholar.lookup(client, ident)))
    known_doi = next((r.doi for r in records if r.doi), None)
    if primary != "openalex" and known_doi and not any(r.abstract for r in records):
        ident_oa = openalex.work_id("doi", known_doi)
        client_calls.append(("openalex", lambda: openalex.lookup(client, ident_oa)))
    arxiv_id = next((r.arxiv_id for r in records if r.arxiv_id), None)
    if arxiv_id:
        client_calls.append(("huggingface", lambda: huggingface.lookup(client, arxiv_id)))
    return [(source, call) for source, call in client_calls if source not in asked]
