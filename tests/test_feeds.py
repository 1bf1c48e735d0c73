"""Feed parsing: RSS, Atom, RDF, encodings, broken and hostile documents."""

from __future__ import annotations

import time
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from localserver import LocalServer, static

from extractors.feeds import parse_feed
from extractors.records import FeedItem, ParsedFeed

FEEDS = Path(__file__).parent / "fixtures" / "feeds"
FEED_URL = "https://lakeside.example/metro/feed.xml"


def fixture(name: str) -> bytes:
    return (FEEDS / name).read_bytes()


def parse(name: str, **kwargs: str) -> ParsedFeed:
    return parse_feed(fixture(name), FEED_URL, **kwargs)


# ------------------------------------------------------------------------ formats


def test_rss20() -> None:
    feed = parse("rss20.xml", content_type="application/rss+xml")
    assert feed.error is None
    assert feed.title == "Lakeside Tribune — Metro"
    assert feed.items[0] == FeedItem(
        feed_url=FEED_URL,
        url="https://lakeside.example/metro/2025/10/06/transit-budget",
        title="City council approves new transit budget",
        published="2025-10-06T15:15:00+00:00",  # -0500 converted to UTC
        updated=None,
        summary="<p>The council voted <b>9–2</b> on Monday.</p>",  # <script> sanitised away
        guid="lakeside-78123",
    )


def test_rss_links_are_resolved_deduplicated_and_required() -> None:
    urls = [item.url for item in parse("rss20.xml").items]
    assert urls == [
        "https://lakeside.example/metro/2025/10/06/transit-budget",
        "https://lakeside.example/metro/2025/10/07/relative",  # was "/metro/2025/10/07/relative"
        "https://lakeside.example/metro/undated",
        "https://lakeside.example/metro/2025/10/08/guid-only",  # permalink guid, no <link>
    ]
    # Dropped: the item without a link, the repeated link (first one kept), javascript:.
    titles = [item.title for item in parse("rss20.xml").items]
    assert "City council approves new transit budget (repeated)" not in titles


def test_missing_dates_are_none_and_dc_date_is_updated() -> None:
    items = {item.title: item for item in parse("rss20.xml").items}
    undated = items["No date at all"]
    assert (undated.published, undated.updated) == (None, None)
    guid_only = items["Permalink given only as guid"]
    assert guid_only.published is None
    assert guid_only.updated == "2025-10-08T10:30:00+00:00"


def test_atom_with_xml_base_and_both_dates() -> None:
    feed = parse("atom.xml", content_type="application/atom+xml")
    assert feed.error is None
    assert feed.title == "The Courier"
    first, second = feed.items  # the entry without a link is skipped
    assert first.url == "https://courier.example/news/2025/10/09/judge-pauses-order"
    assert first.published == "2025-10-09T19:05:00+00:00"
    assert first.updated == "2025-10-09T17:30:00+00:00"
    assert first.guid == "tag:courier.example,2025:1001"
    assert first.summary == "<p>A federal judge on Thursday <em>paused</em> the order.</p>"
    assert second.url == "https://courier.example/opinion/only-updated"
    # Only <updated>: published stays unknown instead of borrowing the update time.
    assert (second.published, second.updated) == (None, "2025-10-08T09:00:00+00:00")


def test_rdf_rss10() -> None:
    feed = parse("rdf.xml", content_type="application/rdf+xml")
    assert feed.error is None
    assert feed.title == "Prairie Dispatch"
    assert [i.url for i in feed.items] == [
        "https://prairie.example/story/1",
        "https://prairie.example/story/2",
    ]
    assert feed.items[0].updated == "2025-10-05T14:00:00+00:00"


def test_relative_links_resolve_against_the_feed_url_given() -> None:
    doc = b"""<rss version="2.0"><channel><title>t</title>
      <item><title>a</title><link>story/1</link></item>
      <item><title>b</title><link>../up/2</link></item>
      <item><title>c</title><link>//cdn.example/3</link></item>
      <item><title>d</title><link>  https://abs.example/4  </link></item>
    </channel></rss>"""
    feed = parse_feed(doc, "http://news.example/section/feeds/rss.xml")
    assert [i.url for i in feed.items] == [
        "http://news.example/section/feeds/story/1",
        "http://news.example/section/up/2",
        "http://cdn.example/3",
        "https://abs.example/4",
    ]


def test_empty_but_valid_feed_is_not_an_error() -> None:
    feed = parse_feed(b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>", FEED_URL)
    assert feed == ParsedFeed(feed_url=FEED_URL, title="Quiet", items=(), error=None)


# ---------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("name", "title", "item_title", "summary"),
    [
        ("latin1.xml", "Le Café du Matin", "Été à Montréal: la fête", "Garçon, déjà"),
        ("cp1251.xml", "Новости дня", "Привет, мир", "Съешь ещё этих мягких французских булок"),
        ("shift_jis.xml", "日本のニュース", "東京で会議", "本日の会議について"),
        ("utf16.xml", "Zürich Zeitung", "Grüße aus Zürich", "Straße"),
    ],
)
@pytest.mark.parametrize("content_type", [None, "text/xml", "application/rss+xml"])
def test_encoding_declared_in_the_xml_prolog(
    name: str, title: str, item_title: str, summary: str, content_type: str | None
) -> None:
    """``text/xml`` without a charset must not force US-ASCII (RFC 7303, not 3023)."""
    feed = parse_feed(fixture(name), FEED_URL, content_type=content_type)
    assert feed.error is None
    assert feed.title == title
    assert [(i.title, i.summary) for i in feed.items] == [(item_title, summary)]


def test_http_charset_wins_over_the_prolog() -> None:
    body = '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel>'
    body += "<title>Ελληνικά</title><item><title>α</title><link>http://e/1</link></item>"
    body += "</channel></rss>"
    feed = parse_feed(body.encode("iso-8859-7"), FEED_URL, encoding="iso-8859-7")
    assert feed.title == "Ελληνικά"


def test_wrong_http_charset_falls_back_to_the_prolog() -> None:
    # The server says UTF-8, the bytes are Latin-1 as the prolog says: not decodable as
    # UTF-8, so the declared encoding is used rather than mangling or failing.
    feed = parse_feed(fixture("latin1.xml"), FEED_URL, encoding="utf-8")
    assert feed.title == "Le Café du Matin"


# --------------------------------------------------------------------- bad input


def test_empty_bytes() -> None:
    assert parse_feed(b"", FEED_URL) == ParsedFeed(FEED_URL, None, (), "empty document")
    assert parse_feed(b" \n\t ", FEED_URL).error == "empty document"


def test_html_instead_of_a_feed() -> None:
    feed = parse("html_page.html", content_type="text/html")
    assert feed.error == "not a feed: got an HTML page"
    assert feed.items == ()
    # Recognised from the bytes too, when the server claims it is a feed.
    assert parse("html_page.html", content_type="application/rss+xml").error == (
        "not a feed: got an HTML page"
    )


def test_malformed_xml_with_nothing_usable() -> None:
    feed = parse("malformed.xml")
    assert feed.items == ()
    assert feed.error is not None
    assert feed.error.startswith("malformed XML: ")
    assert "not well-formed" in feed.error


def test_malformed_xml_that_still_yields_entries_returns_them() -> None:
    feed = parse("bozo_with_entries.xml")  # unescaped "&" everywhere
    assert feed.error is None
    assert [(i.url, i.title) for i in feed.items] == [
        ("https://gazette.example/a?x=1&y=2", "Bread & butter issues"),
        ("https://gazette.example/b", "Second story"),
    ]
    assert feed.items[0].published == "2025-10-10T07:00:00+00:00"


@pytest.mark.parametrize(
    ("doc", "error"),
    [
        (b"just some text", "not a feed: not XML"),
        (b"<note><to>x</to></note>", "not a feed: no RSS, RDF or Atom document element"),
        (b"\x00\x01\x02\xff\xfe garbage", "not a feed: not XML"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": []}', "not a feed: got JSON"),
        (b"<note><unclosed></note>", "malformed XML: mismatched tag"),
        (b"<rss version='2.0'><channel><title>T</title><item>", "malformed XML"),
    ],
)
def test_other_non_feeds_say_why(doc: bytes, error: str) -> None:
    feed = parse_feed(doc, FEED_URL)
    assert feed.items == ()
    assert feed.error is not None and feed.error.startswith(error), feed.error


# ------------------------------------------------------------------- hostile input


def _bounded(doc: bytes) -> tuple[ParsedFeed, float, int]:
    tracemalloc.start()
    started = time.monotonic()
    try:
        feed = parse_feed(doc, FEED_URL)
        took = time.monotonic() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return feed, took, peak


def billion_laughs(one_line: bool) -> str:
    decls = ['<!ENTITY lol0 "lol">']
    decls += [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    sep = "" if one_line else "\n"
    return (
        f'<?xml version="1.0"?>{sep}<!DOCTYPE rss [{sep}{sep.join(decls)}{sep}]>{sep}'
        '<rss version="2.0"><channel><title>&lol9;</title>'
        "<item><title>&lol9;</title><link>https://x.example/1</link></item></channel></rss>"
    )


@pytest.mark.parametrize(
    ("label", "doc"),
    [
        ("fixture", fixture("billion_laughs.xml")),
        ("one line", billion_laughs(True).encode()),
        ("utf-16", billion_laughs(False).replace("?>", ' encoding="utf-16"?>', 1).encode("utf-16")),
        ("utf-7", billion_laughs(True).replace("?>", ' encoding="utf-7"?>', 1).encode("utf-7")),
        (
            # A 100 KB entity used 20,000 times: 2 GB if anything expanded it.
            "quadratic",
            (
                '<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY a "'
                + "A" * 100_000
                + '">\n]>\n<rss version="2.0"><channel><title>t</title><item><title>'
                + "&a;" * 20_000
                + "</title><link>https://x.example/1</link></item></channel></rss>"
            ).encode(),
        ),
        (
            "external entity",
            b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><title>&x;</title></channel></rss>',
        ),
        (
            "hidden after a comment",
            b'<?xml version="1.0"?><!-- <b> --><!DOCTYPE rss [<!-- x --> <!ENTITY a "b">]>'
            b'<rss version="2.0"><channel><title>&a;</title></channel></rss>',
        ),
    ],
)
def test_entity_declarations_are_refused_cheaply(label: str, doc: bytes) -> None:
    feed, took, peak = _bounded(doc)
    assert feed.error == "refused: the document declares XML entities", label
    assert feed.items == ()
    assert took < 2.0, label
    assert peak < 20 * max(len(doc), 100_000), label


def test_parsing_never_fetches_anything() -> None:
    """External DTDs, stylesheets and URL-looking content are never requested."""
    with LocalServer() as server:
        server.set_default(static(b"<!ENTITY leak 'x'>", "application/xml-dtd"))
        url = server.url("/evil")
        docs = [
            url.encode(),  # bytes that look like a URL are data, not a location
            f'<?xml version="1.0"?><?xml-stylesheet href="{url}.xsl"?>'
            f'<!DOCTYPE rss SYSTEM "{url}.dtd"><rss version="2.0"><channel>'
            "<title>t</title><item><title>i</title><link>https://x.example/1</link>"
            "</item></channel></rss>".encode(),
            f'<rss version="2.0" xmlns:xi="http://www.w3.org/2001/XInclude"><channel>'
            f'<title>t</title><xi:include href="{url}.xml"/><item><title>i</title>'
            "<link>https://x.example/2</link></item></channel></rss>".encode(),
        ]
        feeds = [parse_feed(doc, FEED_URL) for doc in docs]
        assert server.requests == []
    assert feeds[0].error is not None
    assert [i.url for i in feeds[1].items] == ["https://x.example/1"]
    assert [i.url for i in feeds[2].items] == ["https://x.example/2"]


def test_deeply_nested_markup_in_a_summary_is_bounded() -> None:
    nested = "<div>" * 20_000 + "deep" + "</div>" * 20_000
    doc = (
        '<rss version="2.0"><channel><title>t</title><item><title>x</title>'
        f"<link>https://x.example/1</link><description><![CDATA[{nested}]]></description>"
        "</item></channel></rss>"
    ).encode()
    started = time.monotonic()
    feed = parse_feed(doc, FEED_URL)
    assert time.monotonic() - started < 5.0
    assert [i.url for i in feed.items] == ["https://x.example/1"]


def test_huge_attribute_is_handled() -> None:
    doc = (
        b'<rss version="2.0"><channel><title>t</title><item><title a="'
        + b"x" * 2_000_000
        + b'">big</title><link>https://x.example/1</link></item></channel></rss>'
    )
    feed = parse_feed(doc, FEED_URL)
    assert [(i.url, i.title) for i in feed.items] == [("https://x.example/1", "big")]


_FRAGMENTS = st.sampled_from(
    [
        "<rss version='2.0'>",
        "<channel>",
        "<item>",
        "</item>",
        "<title>",
        "</title>",
        "<link>",
        "</link>",
        "http://x.example/a",
        "/rel",
        "javascript:x",
        "<pubDate>",
        "Mon, 06 Oct 2025 10:00:00 GMT",
        "Feb 30 99999",
        "</pubDate>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>",
        "<entry>",
        "<link href='e'/>",
        "<![CDATA[",
        "]]>",
        "&amp;",
        "&bogus;",
        "<!--",
        "-->",
        "<?xml version='1.0' encoding='utf-16'?>",
        "<!DOCTYPE html>",
        "\x00",
        "é",
    ]
)


@settings(
    max_examples=150,
    deadline=2000,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.one_of(st.binary(max_size=3000), st.lists(_FRAGMENTS, max_size=60).map("".join)))
def test_arbitrary_input_never_raises(doc: bytes | str) -> None:
    data = doc.encode("utf-8", "surrogatepass") if isinstance(doc, str) else doc
    feed = parse_feed(data, FEED_URL)
    assert isinstance(feed, ParsedFeed)
    assert feed.error is not None or feed.items is not None
    for item in feed.items:
        assert item.url.startswith(("http://", "https://"))
    assert len({item.url for item in feed.items}) == len(feed.items)
