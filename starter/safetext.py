"""Text from outside starter made safe where it goes: control characters dropped, links kept
to http(s), HTML escaped in Markdown, and code spans and fences the text cannot end."""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 control characters (terminal escapes among them), DEL included.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: str, keep: str = "\n\t") -> str:
    """`text` without control characters (but those in `keep`): what enters starter from a
    service or a card can never move a terminal's cursor or retitle its window."""
    if text.isprintable():
        return text
    return _CONTROL.sub(lambda m: m.group(0) if m.group(0) in keep else "", text)


# What a link may be: only http(s) is ever emitted as a link (doi: and arxiv: become
# https); javascript:, data:, file: and the rest are not links.
_LINK_SAFE = ":/?#[]@!$&'*+,;=%~"


def safe_link(url: str | None) -> str | None:
    """An http(s) address for `url` (doi:X and arxiv:X as their https pages), with the
    characters that could end a Markdown or HTML link percent-encoded; None otherwise."""
    from urllib.parse import quote

    if not url:
        return None
    text = url.strip()
    lowered = text.lower()
    if lowered.startswith("doi:"):
        text = "https://doi.org/" + text[4:].strip()
    elif lowered.startswith("arxiv:"):
        text = "https://arxiv.org/abs/" + text[6:].strip()
    elif not lowered.startswith(("http://", "https://")):
        return None
    if _CONTROL.search(text) or not re.match(r"(?i)https?://[^/?#\s]", text):
        return None
    return quote(text, safe=_LINK_SAFE)


# ----------------------------------------------------------------------------- Markdown


def markdown_text(value: Any) -> Any:
    """What a `{{ ... }}` of a Markdown template writes: text with `<` and `>` escaped, so
    that no raw HTML from a title or a note reaches the page (Markup, text a template or
    starter made on purpose, passes as it is)."""
    from markupsafe import Markup

    if isinstance(value, Markup):
        return value
    text = str(value)
    if "<" not in text and ">" not in text:
        return text
    return text.replace("<", "&lt;").replace(">", "&gt;")


def code_span(value: Any) -> Any:
    """`text` as one Markdown code span, delimited by more backticks than it holds in a row."""
    from markupsafe import Markup

    text = str(value)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return Markup(f"{ticks}{pad}{text}{pad}{ticks}")


def fenced(value: Any, language: str = "") -> Any:
    """`text` as a fenced Markdown code block whose fence no line of it can close."""
    from markupsafe import Markup

    text = str(value)
    fence = "```"
    while fence in text:
        fence += "`"
    return Markup(f"{fence}{language}\n{text}\n{fence}")
