"""Untrusted text for each format. Every piece of text in a digest comes from untrusted
pages (titles, sentences, diffs): HTML through :func:`html.escape`, Markdown by
backslash-escaping its punctuation (and fencing diffs), plain text by removing control
characters. Links are only ever ``http(s)`` URLs (:func:`safe_url`)."""

from __future__ import annotations

import html
import re
from urllib.parse import quote, urlsplit

from newsmon.alerts import (
    one_line,
)
from newsmon.digest.model import TITLE_MAX


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, with characters that could
    break out of a Markdown or HTML link percent-encoded and any credentials dropped;
    otherwise None."""
    if not isinstance(url, str):
        return None
    url = one_line(url, 2000).strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None:
        netloc += f":{port}"
    rebuilt = f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}"
    if parts.query:
        rebuilt += f"?{parts.query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return quote(rebuilt, safe="/:?#@!$&*+,;=%~-._[]")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&\"'])")


def md(text: object, limit: int = TITLE_MAX) -> str:
    """Untrusted text for Markdown: one line, every character Markdown or HTML could
    interpret backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text, limit))


def h(text: object, limit: int = TITLE_MAX) -> str:
    """Untrusted text for HTML: one line, escaped (quotes too)."""
    return html.escape(one_line(text, limit), quote=True)


def t(text: object, limit: int = TITLE_MAX) -> str:
    """Untrusted text for plain text: one line, no control characters."""
    return one_line(text, limit)


def clean_block(text: str | None, max_lines: int = 12) -> list[str]:
    if not text:
        return []
    return [one_line(line, 200) for line in text.splitlines()[:max_lines] if line.strip()]
