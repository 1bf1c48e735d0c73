"""What to fetch: ``record_polls`` writes each feed's state and failures and picks the
pages to fetch (new items, rewrites the feed announces, failures worth retrying; new
items whose feed entry is off the topic are recorded, not fetched), and
``commit_validators`` stores a feed's ETag/Last-Modified once all it listed is on
record."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from extractors.prefilter import PrefilterModel
from extractors.records import FeedItem
from extractors.urls import canonicalize_url, is_amp_url
from newsmon import skipped, store
from newsmon.db import open_db
from newsmon.pipeline.records import (
    FeedPoll,
    PageTask,
    Selection,
)
from newsmon.profile import TopicProfile
from newsmon.topic import prefilter_model


def prefilter_for(profile: TopicProfile) -> PrefilterModel | None:
    """The feed-entry decision of the profile, or None when it switches it off."""
    return prefilter_model(profile) if profile.fetch.prefilter else None


def record_polls(
    db_path: str,
    polls: Sequence[FeedPoll],
    *,
    max_articles: int,
    prefilter: PrefilterModel | None = None,
) -> Selection:
    """Write feed state and failures; return the pages to fetch, items seen, retries.

    A page is fetched when its canonical URL is new, when the feed says a known article
    was updated after we fetched it, or when an earlier attempt failed and may be retried.
    With ``prefilter`` (see :func:`prefilter_for`), a new item whose feed entry is off
    the topic is not fetched but recorded in ``skipped_items``; items recorded there by
    another version of the decision are judged again. Without it, every item is fetched
    (the recorded ones included).

    A feed's new ETag/Last-Modified are NOT stored here but by :func:`commit_validators`
    once every item it listed is stored or on record as failed: a run that crashes (or
    stops at ``max_articles``) before then polls the feed in full next time, instead of
    getting a 304 and never seeing the items it did not finish.
    """
    db = open_db(db_path, migrate=False)
    try:
        with db.atomic():
            items: list[FeedItem] = []
            for poll in polls:
                kept = poll if poll.not_modified else store.feed_state(db, poll.feed_url)
                store.record_feed_poll(
                    db,
                    poll.feed_url,
                    name=poll.name,
                    status=poll.status,
                    etag=kept.etag,
                    last_modified=kept.last_modified,
                    error=poll.error,
                    retry_after=_retry_after_stamp(poll.retry_after),
                )
                if poll.error:
                    store.record_failure(
                        db, poll.feed_url, "feed", poll.error, retryable=poll.retryable
                    )
                elif poll.warning:
                    # Use what could be read, and keep the fault on record until a clean poll.
                    store.record_failure(db, poll.feed_url, "feed", poll.warning, retryable=True)
                    items.extend(poll.items)
                else:
                    store.resolve_failures(db, poll.feed_url)
                    items.extend(poll.items)
            tasks, retried, n_skipped = _select_pages(db, items, max_articles, prefilter)
        return Selection(tasks, len(items), retried, n_skipped)
    finally:
        db.close()


def commit_validators(db_path: str, polls: Sequence[FeedPoll]) -> int:
    """Store the new ETag/Last-Modified of each polled feed whose items are all accounted
    for (stored, at their listed version, or on record in ``failures``), so a later 304
    can no longer hide one of them. Call at the end of a run; returns the feeds updated."""
    db = open_db(db_path, migrate=False)
    try:
        updated = 0
        with db.atomic():
            for poll in polls:
                if poll.error or poll.not_modified or not (poll.etag or poll.last_modified):
                    continue
                if not _all_accounted(db, poll.items):
                    continue
                db.execute(
                    "update feeds set etag = ?, last_modified = ? where url = ?",
                    [poll.etag, poll.last_modified, poll.feed_url],
                )
                updated += 1
        return updated
    finally:
        db.close()


def unseen_items(db_path: str, polls: Sequence[FeedPoll]) -> int:
    """How many items the feeds list that are neither stored nor on record as skipped:
    at most what ``record_polls`` will find new (read only; a few indexed queries)."""
    by_canonical = {canonicalize_url(i.url): i for p in polls if not p.error for i in p.items}
    if not by_canonical:
        return 0
    db = open_db(db_path, migrate=False)
    try:
        known = store.known_urls(db, [*by_canonical, *(i.url for i in by_canonical.values())])
        judged_off = skipped.recorded(db, by_canonical)
    finally:
        db.close()
    return sum(
        1
        for canonical, item in by_canonical.items()
        if canonical not in known and item.url not in known and canonical not in judged_off
    )


def _all_accounted(db: sqlite_utils.Database, items: Sequence[FeedItem]) -> bool:
    by_canonical = {canonicalize_url(i.url): i for i in items}
    known = store.known_urls(db, [*by_canonical, *(i.url for i in by_canonical.values())])
    versions = store.article_versions(db, set(known.values()))
    rest = []
    judged_off = skipped.recorded(db, by_canonical)  # on record, not fetched
    for canonical, item in by_canonical.items():
        aid = known.get(canonical) or known.get(item.url)
        if aid is None and canonical in judged_off:
            continue
        if aid is None or _is_newer(item.updated, versions.get(aid)):
            rest.append(item.url)
    for i in range(0, len(rest), 400):
        chunk = rest[i : i + 400]
        marks = ",".join("?" * len(chunk))
        sql = f"select url from failures where url in ({marks})"
        failed = {r[0] for r in db.execute(sql, chunk)}
        if any(u not in failed for u in chunk):
            return False
    return True


def _select_pages(
    db: sqlite_utils.Database,
    items: Sequence[FeedItem],
    max_articles: int,
    prefilter: PrefilterModel | None = None,
) -> tuple[list[PageTask], int, int]:
    """(pages to fetch, how many of them are retries, new items skipped as off-topic)."""
    by_canonical: dict[str, FeedItem] = {}
    for item in items:
        by_canonical.setdefault(canonicalize_url(item.url), item)
    known = store.known_urls(db, [*by_canonical, *(i.url for i in by_canonical.values())])
    versions = store.article_versions(db, set(known.values()))
    stored_at = store.article_urls(db, set(known.values()))
    tasks: list[PageTask] = []
    new: dict[str, FeedItem] = {}
    for canonical, item in by_canonical.items():
        aid = known.get(canonical) or known.get(item.url)
        if aid is not None and only_a_copy_stored(stored_at.get(aid), item.url):
            aid = None  # its AMP copy is stored, not the page itself: fetch the original
        if aid is None:
            new[canonical] = item
        elif _is_newer(item.updated, versions.get(aid)):
            tasks.append(PageTask(item.url, item.feed_url, item, known_article_id=aid))
    judged = skipped.judge(db, new, prefilter)
    hopeless = store.given_up(db, (i.url for i in judged.fetch), ("fetch", "extract"))
    tasks += [PageTask(i.url, i.feed_url, i) for i in judged.fetch if i.url not in hopeless]
    # Oldest first: when a wire story and its copy arrive in one run, the one published
    # first becomes the original and the later one its duplicate.
    tasks.sort(key=lambda t: (t.item.published or "~") if t.item else "~")
    queued = {canonicalize_url(t.url) for t in tasks}
    pending = store.pending_failures(db, ("fetch", "extract"))
    for failure in pending:
        canonical = canonicalize_url(failure.url)
        if store.article_id_by_url(db, canonical) is not None:
            # Stored meanwhile from another of its URLs (a feed link without tracking
            # parameters, say): nothing is left to retry.
            store.resolve_failures(db, failure.url)
            continue
        if canonical in queued:
            continue
        tasks.append(PageTask(failure.url, failure.feed_url, None))
        queued.add(canonical)
    # "Retried": pages queued again after a failure, listed in a feed again or not.
    failed_before = {canonicalize_url(f.url) for f in pending}
    tasks = tasks[:max_articles]
    retried = sum(1 for t in tasks if canonicalize_url(t.url) in failed_before)
    return tasks, retried, judged.skipped


def _retry_after_stamp(seconds: float | None) -> str | None:
    if not seconds:
        return None
    from datetime import UTC, datetime, timedelta

    return (
        (datetime.now(UTC) + timedelta(seconds=min(seconds, 24 * 3600)))
        .replace(microsecond=0)
        .isoformat()
    )


def _is_newer(updated: str | None, stored: str | None) -> bool:
    return bool(updated and stored and updated > stored)


def only_a_copy_stored(stored_url: str | None, url: str) -> bool:
    """The stored article found for ``url`` is its AMP rendering, not the page itself."""
    return stored_url is not None and is_amp_url(stored_url) and not is_amp_url(url)
