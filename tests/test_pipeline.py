"""The monitor's stages called as plain functions (no Prefect)."""

from __future__ import annotations

from extractors.records import FeedItem
from newsmon import pipeline, store
from newsmon.db import open_db
from newsmon.pipeline.selection import _select_pages


def test_prepare_loads_seeds_and_their_events_once(db_path, profile) -> None:
    first = pipeline.prepare(db_path, profile)
    second = pipeline.prepare(db_path, profile)
    assert first.seeds_loaded == 5 and second.seeds_loaded == 0
    db = open_db(db_path)
    n_events = db.execute("select count(*) from events").fetchone()[0]
    assert n_events > 10  # the seeds report plans, orders, statements
    assert (
        db.execute(
            "select count(distinct a.status) from events e join articles a on a.id = e.article_id"
        ).fetchone()[0]
        == 1
    )
    # Known already: the seeds' events are clustered but raise no alert.
    assert db.execute("select count(*) from alerts").fetchone()[0] == 0
    assert db.execute("select count(*) from events where cluster_id is null").fetchone()[0] == 0
    # And a third prepare adds nothing.
    pipeline.prepare(db_path, profile)
    assert db.execute("select count(*) from events").fetchone()[0] == n_events
    db.close()


def _item(url: str, published: str, updated: str | None = None) -> FeedItem:
    return FeedItem(feed_url="http://f/rss", url=url, published=published, updated=updated)


def test_page_selection(db_path, profile) -> None:
    pipeline.prepare(db_path, profile)
    db = open_db(db_path)
    with db.atomic():
        db.table("articles").insert(
            {
                "url": "http://n/known",
                "canonical_url": "http://n/known",
                "status": "relevant",
                "feed_updated": "2025-10-01T00:00:00+00:00",
            }
        )
        store.record_failure(db, "http://n/flaky", "fetch", "HTTP 503", retryable=True)
        store.record_failure(db, "http://n/gone", "fetch", "HTTP 404", retryable=False)
    items = [
        _item("http://n/new-later", "2025-10-03T00:00:00+00:00"),
        _item("http://n/new-early?utm_source=rss", "2025-10-02T00:00:00+00:00"),
        _item("http://n/new-early", "2025-10-02T00:00:00+00:00"),  # same page, clean URL
        _item("http://n/known?utm_medium=feed", "2025-10-01T00:00:00+00:00"),
        _item("http://n/gone", "2025-10-01T00:00:00+00:00"),
    ]
    with db.atomic():
        tasks, retried, _ = _select_pages(db, items, max_articles=100)
    urls = [t.url for t in tasks]
    # New pages oldest first, each page once, the known and the 404 skipped, the 503 retried.
    assert urls == ["http://n/new-early?utm_source=rss", "http://n/new-later", "http://n/flaky"]
    assert retried == 1
    # The feed says the known article was updated after we fetched it: refetch it.
    with db.atomic():
        tasks, _, _ = _select_pages(
            db,
            [_item("http://n/known", "2025-10-01T00:00:00+00:00", "2025-10-05T00:00:00+00:00")],
            max_articles=100,
        )
    assert [(t.url, t.known_article_id is not None) for t in tasks] == [
        ("http://n/known", True),
        ("http://n/flaky", False),
    ]
    with db.atomic():
        tasks, _, _ = _select_pages(db, items, max_articles=2)
    assert len(tasks) == 2  # the per-run cap
    db.close()


def test_auto_chunk_size_keeps_task_runs_few_and_chunks_bounded() -> None:
    # A scheduled run with a handful of new items: one chunk of them.
    assert pipeline.auto_chunk_size(7) == pipeline.MIN_CHUNK
    # A big first run: about CHUNKS_PER_RUN chunks, not one per 50 pages.
    size = pipeline.auto_chunk_size(1000)
    assert size == 125
    assert len(list(pipeline.chunked(list(range(1000)), size))) == pipeline.CHUNKS_PER_RUN  # type: ignore[arg-type]
    # A huge backlog: chunks stop growing (memory), their number grows instead.
    assert pipeline.auto_chunk_size(100_000) == pipeline.MAX_CHUNK


def test_the_pool_gives_what_one_process_gives(profile) -> None:
    """Pages cleaned, scored and read in the worker pool (which gets the relevance model
    built, from this process) come out as they do in one process: the same text,
    relevance scores and decisions, events, in the same order."""
    from newsmon.fetch import FetchResult

    on = (
        "Federal immigration agents detained {k} people outside a processing center near "
        "Chicago on Tuesday, and the governor said the National Guard deployment was unlawful."
    )
    off = "The city's marathon drew {k} runners on Sunday, and the weather stayed mild."
    pages = []
    for i in range(pipeline.PARALLEL_MIN_PAGES + 4):
        para = on if i % 3 else off
        body = "".join(f"<p>{para.format(k=k + i)} Paragraph {k}.</p>" for k in range(12))
        html = f"<html><head><title>Story {i}</title></head><body><article>{body}</article>"
        url = f"http://127.0.0.1:9/story/{i}"
        result = FetchResult(
            url, url, 200, html.encode(), "text/html", "utf-8", None, None, False, 0.0
        )
        pages.append(pipeline.PageFetch(pipeline.PageTask(url, None, None), result))
    alone, failed_alone = pipeline.process(pages, profile, workers=1)
    pooled, failed_pooled = pipeline.process(pages, profile, workers=2)
    assert not failed_alone and not failed_pooled
    assert len(alone) == len(pooled) == len(pages)
    assert {p.relevance.relevant for p in alone} == {True, False}
    assert any(p.events for p in alone)
    for a, b in zip(alone, pooled, strict=True):
        assert (a.task, a.article, a.relevance, a.events) == (
            b.task,
            b.article,
            b.relevance,
            b.events,
        )
