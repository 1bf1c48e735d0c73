"""Hostile input: property-based tests and a fuzzing harness for the stages.

What ``tests/test_feeds.py`` and ``tests/test_article.py`` already fuzz (``parse_feed``
and ``extract_article`` on arbitrary bytes and markup soup, entity declarations, deep
nesting and huge attributes in feeds, 20 MB pages) is not repeated here. This file adds:

- the date, quantity and sentence helpers and the event extractor on arbitrary text and
  on text built from the words they react to, each call bounded in time;
- pathological text for the event extractor (one 1 MB word, thousands of quotes,
  endless attributions, date and number runs);
- a harness that runs the whole ``pipeline.process`` stage, then ``store_chunk``, on
  fabricated page fetches (arbitrary bytes, markup soup, deeply nested HTML,
  billion-laughs entities, huge attributes, lying charsets), and ``record_polls`` on
  fuzzed feeds: a run never crashes and every page ends stored or recorded as failed.

``NEWSMON_FUZZ_EXAMPLES`` raises the number of examples for a longer fuzzing session,
e.g. ``NEWSMON_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Callable
from datetime import date
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractors.dates import find_dates, parse_published
from extractors.events import extract_events
from extractors.feeds import parse_feed
from extractors.quantities import find_quantities
from extractors.records import EVENT_TYPES, FeedItem
from extractors.sentences import split_sentences
from newsmon import pipeline
from newsmon.fetch import FetchResult
from newsmon.profile import TopicProfile
from newsmon.topic import event_extractor

EXAMPLES = int(os.environ.get("NEWSMON_FUZZ_EXAMPLES", "60"))
#: Seconds any one call may take on hostile input (generous for a loaded CI machine).
BOUND = 5.0
T = TypeVar("T")

fuzz = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def bounded(fn: Callable[[], T], limit: float = BOUND) -> T:
    t0 = time.monotonic()
    out = fn()
    elapsed = time.monotonic() - t0
    assert elapsed < limit, f"took {elapsed:.1f}s (bound {limit}s)"
    return out


# What the extractors react to: words, dates, numbers, quotes, actors, punctuation.
_WORDS = st.sampled_from(
    [
        "said", "says", "told", "announced", "deployed", "arrested", "sued", "ruled",
        "blocked", "signed", "ordered", "protest", "tear gas", "National Guard", "ICE",
        "Gov. JB Pritzker", "Mayor Brandon Johnson", "Judge", "Trump", "Noem", "Bovino",
        "Chicago", "Broadview", "Illinois", "on Monday", "next Friday", "last week",
        "Sept. 5", "Oct. 31, 2025", "2025-10-09", "Feb. 30", "Christmas", "this weekend",
        "at 5 p.m.", "1,000", "more than 300", "three dozen", "1e308", "-0", "½", "%",
        "“", "”", '"', "'", "«", "»", "(", ")", ",", ".", ";", ":", "—", "\n", "\n\n",
        " ", "Mr.", "U.S.", "a.m.", "e.g.", "...", "?", "!", "\u200b", "\ufeff", "\x00",
        "Ω", "日本語", "مرحبا", "🙂", "\ud7ff", "\t",
    ]
)  # fmt: skip
_TEXT = st.one_of(
    st.text(max_size=2000),
    st.lists(_WORDS, max_size=200).map(" ".join),
    st.lists(st.one_of(_WORDS, st.text(max_size=10)), max_size=200).map("".join),
)
_PUBLISHED = st.one_of(
    st.none(),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.text(max_size=40),
)


# ------------------------------------------------------------------ dates and numbers


@fuzz
@given(_TEXT, st.one_of(st.none(), st.dates()))
def test_find_dates_on_any_text(sentence: str, published: date | None) -> None:
    found = bounded(lambda: find_dates(sentence, published))
    for m in found:
        assert sentence[m.start : m.end] == m.text
        assert m.value is None or isinstance(m.value, date)
    spans = sorted((m.start, m.end) for m in found)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "overlap"


@fuzz
@given(st.one_of(st.none(), st.text(max_size=60)))
def test_parse_published_never_raises(value: str | None) -> None:
    got = parse_published(value)
    assert got is None or isinstance(got, date)


@pytest.mark.parametrize(
    "published",
    [date(1, 1, 1), date(9999, 12, 31), date(2024, 2, 29)],
)
def test_relative_dates_at_the_ends_of_the_calendar(published: date) -> None:
    text = (
        "Officials said on Monday that troops would arrive next Friday, or the weekend "
        "after next, or by Christmas, or tomorrow, two days after last week, on Feb. 29."
    )
    for m in bounded(lambda: find_dates(text, published)):
        assert m.value is None or date.min <= m.value <= date.max


@fuzz
@given(_TEXT)
def test_quantities_and_sentences_on_any_text(text: str) -> None:
    for q in bounded(lambda: find_quantities(text)):
        assert q is not None
    sentences = bounded(lambda: split_sentences(text))
    for s in sentences:
        assert text[s.start : s.end] == s.text


# ------------------------------------------------------------------ events


def _check_events(text: str, published: str | None, profile: TopicProfile) -> None:
    ex = event_extractor(profile)
    events = bounded(lambda: extract_events(text, published=published, extractor=ex))
    for ev in events:
        assert ev.event_type in EVENT_TYPES
        assert text[ev.evidence_start : ev.evidence_end] == ev.evidence
        assert ev.event_date is None or len(ev.event_date) == 10


@fuzz
@given(_TEXT, _PUBLISHED)
def test_extract_events_on_any_text(
    profile: TopicProfile, text: str, published: str | None
) -> None:
    _check_events(text, published, profile)


PATHOLOGICAL = {
    "one 1 MB word": "a" * 1_000_000,
    "a million spaces": "The Guard" + " " * 1_000_000 + "deployed.",
    "5,000 quotes": '"' * 5_000 + " said Pritzker.",
    "unbalanced curly quotes": ("“The Guard deployed, " * 3_000) + "said Johnson.",
    "endless attribution": "Pritzker said " * 20_000 + "that troops deployed.",
    "a run of dates": "On Oct. 1, Oct. 2, Oct. 3, " * 5_000 + "agents arrested 10 people.",
    "a run of numbers": "ICE arrested " + "1,000," * 50_000 + " people.",
    "nested parentheses": "Troops (" * 20_000 + "deployed" + ")" * 20_000 + ".",
    "one sentence of 100k words": ("agents arrested protesters in Chicago and " * 17_000),
    "abbreviations only": "U.S. Mr. Dr. Gov. Sen. Rep. a.m. p.m. " * 20_000,
    "control characters": "\x00\x01\x02\x1b[31m" * 50_000 + "The Guard deployed.",
    "right-to-left and combining": "\u202e\u0301\u0336" * 100_000 + " Guard deployed.",
}


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_text_is_bounded(profile: TopicProfile, name: str) -> None:
    _check_events(PATHOLOGICAL[name], "2025-10-09", profile)


# ------------------------------------------------------------------ the process stage


URL = "https://news.example.org/2025/10/09/story"
REAL_PARAS = (
    "CHICAGO — Federal agents arrested 21 people in the Brighton Park neighborhood on "
    "Tuesday, according to the Department of Homeland Security.",
    "Gov. JB Pritzker said the state would sue to stop the deployment of National Guard "
    "troops to Illinois, calling it an invasion.",
    "A federal judge in Chicago blocked the deployment on Thursday.",
)


def _page(body: str, head: str = "") -> str:
    paras = "".join(f"<p>{p}</p>" for p in REAL_PARAS)
    return (
        f"<!doctype html><html><head><title>Story</title>{head}</head>"
        f"<body><article><h1>Agents arrest 21</h1>{paras}{body}</article></body></html>"
    )


HOSTILE_PAGES: dict[str, tuple[bytes, str | None]] = {
    "deeply nested divs": (("<div>" * 200_000 + "text" + "</div>" * 200_000).encode(), "utf-8"),
    "deeply nested inside an article": (
        _page("<span>" * 50_000 + "deep" + "</span>" * 50_000).encode(),
        "utf-8",
    ),
    "unclosed tags": (_page("<b><i><u><table><tr><td>" * 30_000).encode(), "utf-8"),
    "billion laughs in HTML": (
        (
            '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + "".join(
                f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
                for i in range(1, 10)
            )
            + "]>"
            + _page("<p>&lol9;</p>")
        ).encode(),
        "utf-8",
    ),
    "huge attribute": (_page(f'<p title="{"x" * 5_000_000}">hi</p>').encode(), "utf-8"),
    "many attributes": (
        _page("<p " + " ".join(f"a{i}=1" for i in range(100_000)) + ">x</p>").encode(),
        "utf-8",
    ),
    "100k paragraphs": (_page("<p>word</p>" * 100_000).encode(), "utf-8"),
    "lying charset utf-16": (_page("").encode("utf-8"), "utf-16"),
    "unknown charset": (_page("").encode("utf-8"), "x-made-up"),
    "latin-1 as utf-8": (_page("Señor Niño — café").encode("latin-1", "replace"), "utf-8"),
    "null bytes": (_page("\x00" * 100_000).encode(), "utf-8"),
    "binary": (os.urandom(200_000), None),
    "empty": (b"", "utf-8"),
    "script and style only": (
        b"<html><script>" + b"var x=1;" * 100_000 + b"</script><style>p{}</style></html>",
        "utf-8",
    ),
}


def _fetch(url: str, content: bytes, encoding: str | None) -> pipeline.PageFetch:
    item = FeedItem(
        url=url,
        title="A <script>alert(1)</script> title",
        published="2025-10-09T12:00:00+00:00",
        updated=None,
        summary=None,
        feed_url="https://news.example.org/feed.xml",
    )
    task = pipeline.PageTask(url, item.feed_url, item)
    result = FetchResult(
        url=url,
        final_url=url,
        status=200,
        content=content,
        content_type="text/html",
        encoding=encoding,
        etag=None,
        last_modified=None,
        not_modified=False,
        elapsed=0.0,
    )
    return pipeline.PageFetch(task, result)


def _process_and_store(
    fetches: list[pipeline.PageFetch], profile: TopicProfile, db_path: str
) -> tuple[int, int]:
    per_page = BOUND * 2  # trafilatura on a 5 MB page, plus events, on a slow machine
    done, failed = bounded(
        lambda: pipeline.process(fetches, profile, workers=1), per_page * len(fetches)
    )
    assert len(done) + len(failed) == len(fetches)
    for f in failed:
        assert f.stage == "extract" and f.error
    pipeline.store_chunk(db_path, done, failed, profile)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    return len(done), len(failed)


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory, profile: TopicProfile) -> str:
    db = str(tmp_path_factory.mktemp("fuzz") / "fuzz.db")
    pipeline.prepare(db, profile)
    return db


@pytest.mark.parametrize("name", sorted(HOSTILE_PAGES))
def test_process_stage_on_hostile_pages(profile: TopicProfile, fuzz_db: str, name: str) -> None:
    content, encoding = HOSTILE_PAGES[name]
    url = f"{URL}/{abs(hash(name))}"
    t0 = time.monotonic()
    _process_and_store([_fetch(url, content, encoding)], profile, fuzz_db)
    assert time.monotonic() - t0 < 2 * BOUND
    conn = sqlite3.connect(fuzz_db)
    try:
        stored = conn.execute("select count(*) from articles where url = ?", [url]).fetchone()[0]
        failed = conn.execute(
            "select count(*) from failures where url = ? and resolved_at is null", [url]
        ).fetchone()[0]
    finally:
        conn.close()
    assert stored + failed == 1, "each page ends stored or recorded as failed, once"


_HTML_PIECES = st.sampled_from(
    [
        "<p>", "</p>", "<div>", "</div>", "<article>", "</article>", "<script>",
        "</script>", "<style>", "<!--", "-->", "<![CDATA[", "]]>", "<meta charset=utf-16>",
        "<link rel=canonical href='javascript:alert(1)'>",
        "<link rel=canonical href='file:///etc/passwd'>",
        "<link rel=canonical href='http://169.254.169.254/'>",
        "<meta property='og:url' content='http://[::1'>", "<time datetime='99999-99-99'>",
        "<meta name=date content='0000-00-00'>", "&amp;", "&#0;", "&#x110000;", "&nbsp;",
        "<svg><script>alert(1)</script></svg>", "<iframe src=//evil>", "<base href=//x>",
        "<h1>", "</h1>", "<title>", "</title>", "\x00", "\ufeff",
    ]
    + list(REAL_PARAS)
)  # fmt: skip


@fuzz
@given(
    st.lists(
        st.one_of(
            st.binary(max_size=3000).map(lambda b: (b, None)),
            st.lists(_HTML_PIECES, max_size=60).map(lambda p: ("".join(p).encode(), "utf-8")),
            st.tuples(
                st.lists(_HTML_PIECES, max_size=40).map(lambda p: "".join(p).encode()),
                st.sampled_from(["utf-8", "latin-1", "utf-16", "bogus", "", None]),
            ),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_process_stage_harness_on_fuzzed_pages(
    profile: TopicProfile, fuzz_db: str, pages: list[tuple[bytes, str | None]]
) -> None:
    nonce = time.monotonic_ns()
    fetches = [_fetch(f"{URL}/f{nonce}-{i}", c, e) for i, (c, e) in enumerate(pages)]
    _process_and_store(fetches, profile, fuzz_db)
    conn = sqlite3.connect(fuzz_db)
    try:
        for f in fetches:
            row = conn.execute(
                "select canonical_url from articles where url = ?", [f.task.url]
            ).fetchone()
            if row is not None:  # a canonical URL from the page is only ever http(s)
                assert row[0].startswith(("http://", "https://")), row[0]
    finally:
        conn.close()


_FEED_PIECES = st.sampled_from(
    [
        "<?xml version='1.0'?>", "<rss version='2.0'>", "<channel>", "</channel>", "</rss>",
        "<item>", "</item>", "<title>t</title>", "<link>http://127.0.0.1/x</link>",
        "<link>file:///etc/passwd</link>", "<link>javascript:alert(1)</link>",
        "<link>https://news.example.org/a?utm_source=x</link>", "<link>//evil/</link>",
        "<pubDate>Mon, 06 Oct 2025 10:00:00 GMT</pubDate>", "<pubDate>never</pubDate>",
        "<guid>g</guid>", "<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", "&a;", "<![CDATA[<p>x</p>]]>",
        "<feed xmlns='http://www.w3.org/2005/Atom'>", "<entry>", "</entry>", "</feed>",
        "<link href='https://news.example.org/b'/>", "\x00", "é",
    ]
)  # fmt: skip


@fuzz
@given(st.lists(_FEED_PIECES, max_size=80).map("".join))
def test_record_polls_on_fuzzed_feeds(fuzz_db: str, doc: str) -> None:
    feed_url = "https://news.example.org/feed.xml"
    parsed = bounded(lambda: parse_feed(doc.encode(), feed_url))
    poll = pipeline.FeedPoll(
        feed_url, "fuzz", 200, items=parsed.items, error=parsed.error, warning=parsed.warning
    )
    selection = bounded(lambda: pipeline.record_polls(fuzz_db, [poll], max_articles=50))
    assert selection.items_seen == len(parsed.items)
    for t in selection.tasks:  # only web URLs ever become pages to fetch
        assert t.url.startswith(("http://", "https://")), t.url


def test_fuzz_db_is_intact_after_everything(fuzz_db: str) -> None:
    conn = sqlite3.connect(fuzz_db)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
    finally:
        conn.close()
