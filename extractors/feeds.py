"""Feed documents (RSS 0.9x/1.0/2.0, RDF, Atom) to :class:`ParsedFeed` records.

feedparser does the parsing, but only ever sees bytes we hand it, wrapped in a file
object so it cannot mistake them for a URL or a path, and never fetches anything
(external entities and DTDs are not loaded).

Documents that declare XML entities are refused before parsing: expat caps entity
amplification, but feedparser's fallback parser expands "safe" entities itself, so a
100 KB entity referenced 20,000 times would build a 2 GB string. No real feed needs them.

Nothing here raises on bad input: a document that yields nothing usable comes back as a
``ParsedFeed`` with ``error`` saying why (empty, HTML instead of a feed, malformed XML,
entity declarations), so the caller can record the reason.
"""

from __future__ import annotations

import io
import logging
import re
import time
import xml.sax
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser
from feedparser.encodings import convert_to_utf8

from extractors.records import FeedItem, ParsedFeed

LOGGER = logging.getLogger(__name__)

HTML_TYPES: frozenset[str] = frozenset({"text/html", "application/xhtml+xml"})
LINK_SCHEMES: frozenset[str] = frozenset({"http", "https"})

_ENTITY_DECL = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
#: The XML declaration (convert_to_utf8 adds one) and the whitespace around it.
_XML_DECLARATION = re.compile(rb"^\s*(?:<\?xml[^>]*\?>)?\s*")
#: An HTML document's start: optional whitespace, comments and PIs, then a doctype or tag.
_HTML_START = re.compile(
    rb"^(?:\s|<!--.*?-->|<\?.*?\?>)*<(?:!doctype\s+html|(?:html|head|body)[\s>])", re.I | re.S
)


def parse_feed(
    content: bytes,
    feed_url: str,
    *,
    content_type: str | None = None,
    encoding: str | None = None,
) -> ParsedFeed:
    """Parse a feed document. Never raises on bad input; see ``ParsedFeed.error``.

    ``feed_url`` is where the bytes came from (after redirects): relative item links
    resolve against it unless the feed sets its own ``xml:base``. ``content_type`` and
    ``encoding`` are the HTTP ``Content-Type`` media type and charset, when known; the
    charset wins over the XML declaration (RFC 7303), falling back to it, a BOM, or
    UTF-8 when the charset cannot decode the bytes.

    Items without a usable http(s) link are skipped; items repeating a link already seen
    in this feed are dropped. Dates are ISO 8601 in UTC, or None when absent/unparseable.
    """
    if not content.strip():
        return _failed(feed_url, "empty document")
    data = _to_utf8(content, encoding)
    if _ENTITY_DECL.search(data) or _ENTITY_DECL.search(content):
        return _failed(feed_url, "refused: the document declares XML entities")
    result = feedparser.parse(
        io.BytesIO(data),
        response_headers=_headers(feed_url, "utf-8"),
        # Item links are still resolved (xml:base, then feed_url); this only skips
        # rewriting URLs inside summary HTML, which doubles the cost of hostile markup.
        resolve_relative_uris=False,
    )
    items = _items(result.entries, feed_url)
    title = _text(result.feed.get("title"))
    if items or (result.entries and not result.get("bozo")):
        return ParsedFeed(
            feed_url=feed_url, title=title, items=items, warning=_warning(result, items)
        )
    problem = _why_no_entries(result, data, content_type)
    if problem is None:
        return ParsedFeed(feed_url=feed_url, title=title, items=())
    LOGGER.info("feed %s: %s", feed_url, problem)
    return ParsedFeed(feed_url=feed_url, title=title, items=(), error=problem)


# --------------------------------------------------------------------------- helpers


def _failed(feed_url: str, reason: str) -> ParsedFeed:
    LOGGER.info("feed %s: %s", feed_url, reason)
    return ParsedFeed(feed_url=feed_url, title=None, items=(), error=reason)


def _headers(feed_url: str, charset: str | None) -> dict[str, str]:
    """The response headers feedparser is told about.

    Always an XML media type: feedparser follows RFC 3023, where ``text/xml`` without a
    charset means US-ASCII; RFC 7303 dropped that rule and so do we. The real media
    type only matters for telling HTML apart, which :func:`_why_no_entries` does.
    """
    media = "application/xml" if not charset else f"application/xml; charset={charset}"
    return {"content-type": media, "content-location": feed_url}


def _to_utf8(content: bytes, charset: str | None) -> bytes:
    """The document as UTF-8 bytes, decoded the way feedparser would decode it.

    The entity check runs on this, so an entity declaration cannot hide in UTF-16,
    UTF-7 or EBCDIC.
    """
    scratch: dict[str, Any] = {}
    data: bytes = convert_to_utf8(_headers("", charset), content, scratch)
    return data


def _why_no_entries(result: Any, data: bytes, content_type: str | None) -> str | None:
    """Why a document gave no usable entries, or None when it is a valid, empty feed."""
    if result.get("version") and not result.get("bozo"):
        return None
    if _looks_like_html(data, content_type):
        return "not a feed: got an HTML page"
    start = _XML_DECLARATION.sub(b"", data, count=1)[:1]
    if start in (b"{", b"["):
        return "not a feed: got JSON (JSON Feed is not supported)"
    if start != b"<":
        return "not a feed: not XML"
    if result.get("bozo"):
        return f"malformed XML: {_bozo_message(result.get('bozo_exception'))}"
    return "not a feed: no RSS, RDF or Atom document element"


def _warning(result: Any, items: tuple[FeedItem, ...]) -> str | None:
    """A note when items were recovered from malformed XML (not for benign bozo flags
    such as a charset override)."""
    exc = result.get("bozo_exception")
    if result.get("bozo") and isinstance(exc, xml.sax.SAXException):
        return f"malformed XML ({len(items)} items recovered): {_bozo_message(exc)}"
    return None


def _looks_like_html(data: bytes, content_type: str | None) -> bool:
    media = (content_type or "").split(";", 1)[0].strip().lower()
    return media in HTML_TYPES or _HTML_START.match(data[:4096]) is not None


def _bozo_message(exc: object) -> str:
    if exc is None:
        return "unknown error"
    # SAX errors: the message alone; their line numbers count the re-encoded document.
    message = getattr(exc, "getMessage", None)
    text = message() if callable(message) else str(exc)
    return str(text) or type(exc).__name__


def _items(entries: list[Any], feed_url: str) -> tuple[FeedItem, ...]:
    items: list[FeedItem] = []
    seen: set[str] = set()
    for entry in entries:
        url = _entry_url(entry, feed_url)
        if url is None or url in seen:
            continue
        seen.add(url)
        items.append(
            FeedItem(
                feed_url=feed_url,
                url=url,
                title=_text(entry.get("title")),
                # dict.get: feedparser's own get() falls back from updated to published.
                published=_iso(dict.get(entry, "published_parsed")),
                updated=_iso(dict.get(entry, "updated_parsed")),
                summary=_text(entry.get("summary")),
                guid=_text(entry.get("id")),
                categories=_categories(entry),
            )
        )
    return tuple(items)


def _categories(entry: Any) -> tuple[str, ...]:
    """The entry's category terms (RSS ``<category>``, Atom ``term``/``label``)."""
    out: list[str] = []
    for tag in entry.get("tags") or ():
        if not hasattr(tag, "get"):
            continue
        value = _text(tag.get("term")) or _text(tag.get("label"))
        if value and value not in out:
            out.append(value)
    return tuple(out[:20])


def _entry_url(entry: Any, feed_url: str) -> str | None:
    """The entry's absolute http(s) link (feedparser also uses a permalink guid)."""
    link = entry.get("link")
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        url = urljoin(feed_url, link.strip())
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return None
    return url if scheme in LINK_SCHEMES else None


def _text(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _iso(parsed: object) -> str | None:
    """feedparser's UTC ``struct_time`` as ISO 8601 (``2025-10-06T15:00:00+00:00``)."""
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (ValueError, OverflowError):
        return None
