"""Fetch a paper's e-print (its LaTeX source as arXiv serves it) through starter's cached
HTTP client; STARTER_ARXIV_EPRINT points it elsewhere (a mirror, a test server)."""

from __future__ import annotations

from typing import Any

from starter.errors import NetworkError, NotFoundError

# arXiv's limit on a submission's source is 50 MB; a bigger answer is not an e-print.
MAX_BYTES = 100 * 1024 * 1024


def fetch_eprint(arxiv_id: str, *, offline: bool = False, client: Any = None) -> bytes:
    """The e-print's bytes for `arxiv_id` (with or without a version, 1706.03762v5)."""
    owned = client is None
    if owned:
        from starter.config import settings
        from starter.papers.http import Client

        client = Client(offline=offline, mailto=settings().mailto)
    try:
        from starter.papers.http import base_url

        reply = client.get("arxiv_eprint", f"{base_url('arxiv_eprint')}/{arxiv_id}")
    finally:
        if owned:
            client.close()
    if reply.status == 404:
        raise NotFoundError(f"arXiv has no e-print for {arxiv_id}; check the id")
    if reply.status >= 400:
        raise NetworkError(f"arXiv refused the e-print of {arxiv_id} (status {reply.status})")
    if reply.is_html:
        raise NetworkError(
            f"arXiv answered an HTML page instead of the e-print of {arxiv_id}; try again later"
        )
    if len(reply.content) > MAX_BYTES:
        raise NetworkError(f"the e-print of {arxiv_id} is over {MAX_BYTES:,} bytes; not a source")
    return bytes(reply.content)
