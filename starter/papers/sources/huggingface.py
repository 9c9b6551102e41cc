"""Hugging Face's papers API (`/papers/{arxiv_id}`): the official code and project page."""

from __future__ import annotations

from typing import Any

from starter.papers.identifiers import checked_arxiv_id
from starter.papers.sources import Record, check_found, clean_link, clean_text, decode_json, parsed


def fetch(client: Any, arxiv_id: str) -> Any:
    from starter.papers.http import base_url, path_segments

    return client.get("huggingface", f"{base_url('huggingface')}/papers/{path_segments(arxiv_id)}")


def lookup(client: Any, arxiv_id: str) -> Record:
    reply = fetch(client, arxiv_id)
    check_found(reply, "huggingface", f"paper arXiv:{arxiv_id}", "it has no page there")
    return parsed("huggingface", parse, decode_json(reply, "huggingface"))


def parse(data: Any) -> Record:
    from starter.errors import NetworkError

    if not isinstance(data, dict):
        raise NetworkError("Hugging Face answered JSON without a paper; try again later")
    return Record(
        source="huggingface",
        title=clean_text(data.get("title")),
        arxiv_id=checked_arxiv_id(data.get("id")),
        code_url=clean_link(data.get("githubRepo")),
        project_url=clean_link(data.get("projectPage")),
    )
