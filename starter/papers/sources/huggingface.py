"""Hugging Face's papers API (`/papers/{arxiv_id}`): the official code and project page."""

from __future__ import annotations

from typing import Any

from starter.papers.sources import Record, check_found, clean_text, decode_json


def fetch(client: Any, arxiv_id: str) -> Any:
    from starter.papers.http import base_url

    return client.get("huggingface", f"{base_url('huggingface')}/papers/{arxiv_id}")


def lookup(client: Any, arxiv_id: str) -> Record:
    reply = fetch(client, arxiv_id)
    check_found(reply, "huggingface", f"paper arXiv:{arxiv_id}", "it has no page there")
    return parse(decode_json(reply, "huggingface"))


def parse(data: Any) -> Record:
    from starter.errors import NetworkError

    if not isinstance(data, dict):
        raise NetworkError("Hugging Face answered JSON without a paper; try again later")
    code = clean_text(data.get("githubRepo")) if isinstance(data.get("githubRepo"), str) else None
    page = data.get("projectPage")
    return Record(
        source="huggingface",
        title=clean_text(data.get("title")) if isinstance(data.get("title"), str) else None,
        arxiv_id=clean_text(data.get("id")) if isinstance(data.get("id"), str) else None,
        code_url=code,
        project_url=clean_text(page) if isinstance(page, str) else None,
    )
