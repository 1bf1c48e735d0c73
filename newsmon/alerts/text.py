"""Untrusted text made fit for an alert: one printable line, an outlet's name.

HTML/Markdown escaping is the digest renderers' job (``newsmon.digest.render``); this is
about readability and terminal safety."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

SUMMARY_MAX = 240
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}


#: Any character that :func:`one_line` removes or replaces: control characters (Cc),
#: line and paragraph separators (Zl, Zp), surrogates (Cs) and bidi controls. Text
#: without one (nearly all of it) only needs its whitespace collapsed.
_SPECIAL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


def one_line(value: object, limit: int = SUMMARY_MAX) -> str:
    """Untrusted text as one printable line: control and bidi characters removed,
    whitespace collapsed, cut to ``limit`` characters with an ellipsis.

    This is about readability and terminal safety; HTML/Markdown escaping happens in the
    renderers of :mod:`newsmon.digest`.
    """
    if value is None:
        return ""
    raw = str(value)
    if _SPECIAL.search(raw) is None:
        text = " ".join(raw.split())
        if len(text) > limit:
            text = text[: max(limit - 1, 0)].rstrip() + "…"
        return text
    out = []
    for ch in raw:
        if ch in _BIDI_CONTROLS:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Zl", "Zp", "Cs"):
            out.append(" " if ch in "\t\n\r\x0b\x0c\u2028\u2029\x85" else "")
        else:
            out.append(ch)
    text = " ".join("".join(out).split())
    if len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def outlet_of(source: str | None, url: str | None) -> str:
    """The outlet name of an article: its ``source``, else its host without ``www.``."""
    if source and source.strip():
        return one_line(source, 80)
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or "unknown source"
