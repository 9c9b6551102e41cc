"""DOI content negotiation on the resolver: BibTeX for `show --bibtex`, and CSL-JSON for DOIs
Crossref does not know (DataCite and others)."""

from __future__ import annotations

from typing import Any

from starter.papers.sources import Record, check_found, decode_json, parsed

BIBTEX = "application/x-bibtex"
CSL_JSON = "application/vnd.citationstyles.csl+json"


def _url(doi: str) -> str:
    from starter.papers.http import base_url, path_segments

    # The resolver takes the DOI as a path; keep its slashes, encode what breaks a URL.
    return f"{base_url('doi')}/{path_segments(doi, safe=':;()')}"


def fetch_bibtex(client: Any, doi: str) -> Any:
    """The resolver's BibTeX for a DOI; requests follows the redirect to the registry."""
    return client.get("doi", _url(doi), headers={"Accept": BIBTEX})


def fetch_csl(client: Any, doi: str) -> Any:
    return client.get("doi", _url(doi), headers={"Accept": CSL_JSON})


def bibtex(client: Any, doi: str) -> str | None:
    """BibTeX for the DOI, or None when the resolver has none that parses."""
    reply = fetch_bibtex(client, doi)
    if reply.status != 200 or reply.is_html:
        return None
    return parse_bibtex(reply.text)


def parse_bibtex(text: str) -> str | None:
    """The entry, tidied (the registry sends one line with a leading space), if it parses
    as BibTeX with exactly one entry; else None."""
    import bibtexparser

    text = text.strip()
    if not text.startswith("@"):
        return None
    library = bibtexparser.parse_string(text)
    if len(library.entries) != 1 or library.failed_blocks:
        return None
    return text + "\n"


def lookup(client: Any, doi: str) -> Record:
    """The paper of a DOI from its CSL-JSON (the same shape as a Crossref work)."""
    from starter.papers.sources.crossref import parse_work

    reply = fetch_csl(client, doi)
    check_found(reply, "doi", f"DOI {doi}", "check the DOI")
    data = decode_json(reply, "doi")
    if not isinstance(data, dict):
        from starter.errors import NetworkError

        raise NetworkError("the DOI resolver answered JSON without a work record; try again")
    return parsed("doi", lambda work: parse_work(work, source="doi"), data)  # type: ignore[arg-type]
