"""The original is the primary, and a copy is not a rewrite.

Pure rules first (``extractors.copies.original_of``, ``extractors.dedupe.cut_of``), then
the store: whatever order an original and its copies arrive in, the original ends as the
primary, the copies as its duplicates, their events kept, and no ARTICLE_UPDATED.
All texts are fiction written for these tests.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from extractors.copies import Copy, original_of
from extractors.dedupe import cut_of, fingerprint
from extractors.events import EXTRACTOR_VERSION
from extractors.records import CleanArticle, Event, FeedItem
from extractors.relevance import score
from newsmon import pipeline
from newsmon.db import open_db
from newsmon.pipeline.selection import _select_pages
from newsmon.topic import relevance_model

PARAGRAPHS = [
    "Federal immigration agents detained 14 workers at a roofing company in Chicago's "
    "Little Village on Tuesday morning, neighbors and a union organizer said.",
    "Agents arrived in unmarked vans shortly after 7 a.m. and blocked both ends of the "
    "alley behind the company's warehouse on 26th Street, according to three witnesses.",
    "Gov. JB Pritzker called the raid cruel and said Illinois would ask a federal judge "
    "to order the Department of Homeland Security to explain who was taken and why.",
    "A DHS spokesperson said the workers were in the country illegally and that several "
    "had prior removal orders, but did not name them or give their nationalities.",
    "The union said two of the men were legal permanent residents and that it had "
    "asked lawyers at a legal aid clinic in Pilsen to find out where they were held.",
    "By evening about 200 people had gathered outside the warehouse, and the crowd "
    "marched to a nearby church where a vigil for the detained workers was held.",
    "Chicago police said officers kept traffic moving but took no part in the "
    "operation, in line with the city's order barring help with civil immigration work.",
    "Operation Midway Blitz, which began in early September, has led to hundreds of "
    "arrests across the Chicago area, according to figures released by the department.",
]
FULL = "\n\n".join(PARAGRAPHS)
TRIMMED = "\n\n".join(PARAGRAPHS[:3])  # an AMP or trimmed copy: the first paragraphs
ORIGINAL_URL = "https://lakeshore.example/news/agents-detain-roofers-little-village"
AMP_URL = "https://lakeshore.example/news/agents-detain-roofers-little-village/amp"
WIRE_COPY_URL = "https://herald.example/local/agents-detain-roofers"


def copy(**kw: object) -> Copy:
    base = Copy(
        url=ORIGINAL_URL,
        canonical_url=ORIGINAL_URL,
        published="2025-10-21T09:30:00-05:00",
        outlet="Lakeshore Ledger",
        author="Ana Ruiz",
        text=FULL,
    )
    return replace(base, **kw)  # type: ignore[arg-type]


# ---- which is the original ------------------------------------------------------------


def test_an_amp_page_pointing_at_the_original_is_the_copy() -> None:
    amp = copy(url=AMP_URL, text=TRIMMED)
    assert original_of(amp, copy()) == (1, "canonical")
    assert original_of(copy(), amp) == (0, "canonical")
    # Another outlet's page whose canonical link names the original, too.
    other = copy(url=WIRE_COPY_URL, outlet="Midwest Daily Herald")
    assert original_of(other, copy(canonical_url=ORIGINAL_URL)) == (1, "canonical")


@pytest.mark.parametrize(
    "marked",
    [
        {"text": FULL + "\n\nThis story was originally published by Lakeshore Ledger."},
        {"text": "CHICAGO (LL) — " + FULL},
        {"author": "Ana Ruiz, Lakeshore Ledger"},
        {"text": FULL + "\n\nRepublished with permission under a content-sharing agreement."},
    ],
)
def test_a_text_that_credits_another_outlet_is_the_copy(marked: dict[str, str]) -> None:
    wire = copy(url=WIRE_COPY_URL, canonical_url=WIRE_COPY_URL, outlet="Midwest Daily Herald")
    # The copy was even published first: the credit outranks the clock.
    the_copy = replace(wire, published="2025-10-21T07:00:00-05:00", **marked)  # type: ignore[arg-type]
    assert original_of(the_copy, copy()) == (1, "credit")
    assert original_of(copy(), the_copy) == (0, "credit")


def test_the_earlier_publication_is_the_original_when_nothing_else_tells() -> None:
    later = copy(
        url=WIRE_COPY_URL,
        canonical_url=WIRE_COPY_URL,
        outlet="Herald",
        published="2025-10-21T13:00:00-05:00",
    )
    assert original_of(later, copy()) == (1, "published")
    # Twenty minutes apart says nothing; equal texts then give no opinion at all.
    close = replace(later, published="2025-10-21T09:50:00-05:00")
    assert original_of(close, copy()) is None
    # A date without a time is compared by the day only.
    assert original_of(replace(later, published="2025-10-22"), copy()) == (1, "published")


def test_the_text_that_holds_the_other_is_the_original() -> None:
    trimmed = copy(url=WIRE_COPY_URL, canonical_url=WIRE_COPY_URL, outlet="Herald", text=TRIMMED)
    assert original_of(trimmed, copy()) == (1, "contains")
    assert original_of(copy(), trimmed) == (0, "contains")


# ---- a cut is not a rewrite ---------------------------------------------------------------


def test_a_longer_or_shorter_cut_is_not_a_rewrite() -> None:
    assert cut_of(TRIMMED, FULL) == "longer"
    assert cut_of(FULL, TRIMMED) == "shorter"
    # An excerpt that stops mid-sentence is still a cut.
    assert cut_of(FULL, TRIMMED + "\n\n" + PARAGRAPHS[3][:60]) == "shorter"
    # A changed figure is a rewrite, even with a paragraph added.
    changed = FULL.replace("14 workers", "19 workers") + "\n\nA hearing is set for Friday."
    assert cut_of(FULL, changed) is None
    assert cut_of(FULL, FULL) is None


# ---- the store: the original ends as the primary ---------------------------------------


def _event(text: str, sentence: str) -> Event:
    start = text.index(sentence)
    return Event(
        event_type="ARREST_RAID",
        actor="federal immigration agents",
        action="detained 14 workers at a roofing company",
        target="14 workers",
        location="Little Village",
        event_date="2025-10-21",
        quantity="14 workers",
        evidence=sentence,
        evidence_start=start,
        evidence_end=start + len(sentence),
        confidence=0.9,
        extractor_version=EXTRACTOR_VERSION,
        quantity_value=14.0,
        quantity_unit="workers",
    )


def processed(
    profile,  # type: ignore[no-untyped-def]
    url: str,
    text: str,
    *,
    canonical: str | None = None,
    outlet: str = "Lakeshore Ledger",
    published: str = "2025-10-21T09:30:00-05:00",
    author: str | None = None,
    known: int | None = None,
) -> pipeline.Processed:
    title = "Agents detain roofers in Little Village"
    article = CleanArticle(
        url=url,
        canonical_url=canonical or url,
        title=title,
        text=text,
        author=author,
        published=published,
        site_name=outlet,
    )
    rel = score(text, title, relevance_model(profile))
    assert rel.relevant
    item = FeedItem(feed_url="http://feeds.example/rss", url=url, published=published)
    task = pipeline.PageTask(url, item.feed_url, item, known_article_id=known)
    return pipeline.Processed(task, article, rel, (_event(text, PARAGRAPHS[0]),), fingerprint(text))


def store(db_path: str, profile, *items: pipeline.Processed) -> pipeline.ChunkResult:  # type: ignore[no-untyped-def]
    return pipeline.store_chunk(db_path, list(items), [], profile)


def rows(db_path: str) -> dict[str, dict]:
    db = open_db(db_path)
    try:
        return {r["url"]: r for r in db.query("select * from articles where status != 'seed'")}
    finally:
        db.close()


def alert_kinds(db_path: str) -> list[str]:
    db = open_db(db_path)
    try:
        return [r[0] for r in db.execute("select kind from alerts order by id")]
    finally:
        db.close()


@pytest.fixture
def prepared(db_path, profile) -> str:  # type: ignore[no-untyped-def]
    pipeline.prepare(db_path, profile)
    return db_path


def test_amp_copy_first_then_its_original_in_another_run(prepared, profile) -> None:
    store(prepared, profile, processed(profile, AMP_URL, TRIMMED, canonical=ORIGINAL_URL))
    first_alerts = alert_kinds(prepared)
    assert first_alerts == ["NEW_EVENT"]
    # The feed lists the original: it is fetched, though its AMP copy's canonical is it.
    db = open_db(prepared)
    with db.atomic():
        tasks, _, _ = _select_pages(
            db, [FeedItem("http://feeds.example/rss", ORIGINAL_URL)], max_articles=10
        )
    db.close()
    assert [(t.url, t.known_article_id) for t in tasks] == [(ORIGINAL_URL, None)]
    result = store(prepared, profile, processed(profile, ORIGINAL_URL, FULL))
    got = rows(prepared)
    original, amp = got[ORIGINAL_URL], got[AMP_URL]
    assert original["status"] == "relevant" and original["text"] == FULL
    assert amp["status"] == "duplicate" and amp["duplicate_of"] == original["id"]
    assert "canonical" in amp["duplicate_reason"]
    # No rewrite, no alert for what was already announced; both reports in one cluster.
    assert result.updated == 0 and alert_kinds(prepared) == first_alerts
    db = open_db(prepared)
    clusters = db.execute("select count(distinct cluster_id), count(*) from events").fetchone()
    db.close()
    assert clusters[1] >= 2 and clusters[0] == 1 + _seed_clusters(prepared)
    # And the original is not fetched again: it is known now.
    db = open_db(prepared)
    with db.atomic():
        again, _, _ = _select_pages(
            db, [FeedItem("http://feeds.example/rss", ORIGINAL_URL)], max_articles=10
        )
    db.close()
    assert again == []


def _seed_clusters(db_path: str) -> int:
    db = open_db(db_path)
    try:
        return int(
            db.execute(
                "select count(distinct e.cluster_id) from events e join articles a"
                " on a.id = e.article_id where a.status = 'seed'"
            ).fetchone()[0]
        )
    finally:
        db.close()


def test_wire_copy_and_original_in_one_chunk_copy_first(prepared, profile) -> None:
    wire = processed(
        profile,
        WIRE_COPY_URL,
        FULL + "\n\nThis story was originally published by Lakeshore Ledger.",
        outlet="Midwest Daily Herald",
        published="2025-10-21T09:00:00-05:00",  # listed earlier than the original
    )
    store(prepared, profile, wire, processed(profile, ORIGINAL_URL, FULL))
    got = rows(prepared)
    assert got[ORIGINAL_URL]["status"] == "relevant"
    assert got[WIRE_COPY_URL]["status"] == "duplicate"
    assert got[WIRE_COPY_URL]["duplicate_of"] == got[ORIGINAL_URL]["id"]
    assert alert_kinds(prepared) == ["NEW_EVENT"]


def test_a_trimmed_copy_stored_first_is_demoted_when_the_original_holds_it(
    prepared, profile
) -> None:
    """The original is too long to count as the trimmed copy's duplicate; the copy is
    found the other way round (the stored text the new one contains)."""
    trimmed = processed(
        profile,
        WIRE_COPY_URL,
        TRIMMED,
        outlet="Midwest Daily Herald",
        published="2025-10-21T11:00:00-05:00",
    )
    store(prepared, profile, trimmed)
    store(prepared, profile, processed(profile, ORIGINAL_URL, FULL))
    got = rows(prepared)
    assert got[ORIGINAL_URL]["status"] == "relevant"
    assert got[WIRE_COPY_URL]["status"] == "duplicate"
    assert got[WIRE_COPY_URL]["duplicate_of"] == got[ORIGINAL_URL]["id"]


def test_the_original_first_keeps_its_place(prepared, profile) -> None:
    store(prepared, profile, processed(profile, ORIGINAL_URL, FULL))
    store(
        prepared,
        profile,
        processed(profile, AMP_URL, TRIMMED, canonical=ORIGINAL_URL),
        processed(
            profile, WIRE_COPY_URL, FULL, outlet="Herald", author="Ana Ruiz, Lakeshore Ledger"
        ),
    )
    got = rows(prepared)
    assert got[ORIGINAL_URL]["status"] == "relevant"
    assert {got[u]["duplicate_of"] for u in (AMP_URL, WIRE_COPY_URL)} == {got[ORIGINAL_URL]["id"]}


def test_the_same_page_refetched_longer_or_shorter_raises_no_rewrite(prepared, profile) -> None:
    store(prepared, profile, processed(profile, ORIGINAL_URL, TRIMMED))
    aid = rows(prepared)[ORIGINAL_URL]["id"]
    longer = store(prepared, profile, processed(profile, ORIGINAL_URL, FULL, known=aid))
    assert longer.updated == 1 and rows(prepared)[ORIGINAL_URL]["text"] == FULL
    shorter = store(prepared, profile, processed(profile, ORIGINAL_URL, TRIMMED, known=aid))
    assert shorter.updated == 0 and rows(prepared)[ORIGINAL_URL]["text"] == FULL
    assert "ARTICLE_UPDATED" not in alert_kinds(prepared)
    db = open_db(prepared)
    changes = [r[0] for r in db.execute("select change from article_revisions")]
    db.close()
    assert changes == ["longer_cut"]
    # A real rewrite (a figure changed) still raises ARTICLE_UPDATED.
    rewritten = FULL.replace("about 200 people", "about 300 people")
    store(prepared, profile, processed(profile, ORIGINAL_URL, rewritten, known=aid))
    assert alert_kinds(prepared).count("ARTICLE_UPDATED") == 1
