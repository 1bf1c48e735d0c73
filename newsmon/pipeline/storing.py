"""The store stage, ``store_chunk``: one chunk written in ONE transaction: articles and
their duplicate decisions (a copy stored before its original is swapped), rewrites of
known articles, events, alerts and the chunk's failures. The database's only writer
during a run."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import sqlite_utils

from extractors.copies import Copy, original_of
from extractors.records import CleanArticle
from extractors.urls import canonicalize_url
from newsmon import alerts, learning, skipped, store
from newsmon.db import insert_row, now_iso, open_db
from newsmon.dupindex import DuplicateIndex, DuplicateMatch, mark_duplicate
from newsmon.events_store import store_events
from newsmon.pipeline.records import (
    ChunkResult,
    PageFailure,
    Processed,
)
from newsmon.pipeline.selection import only_a_copy_stored
from newsmon.profile import TopicProfile
from newsmon.revisions import record_revision

LOGGER = logging.getLogger(__name__)


def store_chunk(
    db_path: str,
    processed: Sequence[Processed],
    failures: Sequence[PageFailure],
    profile: TopicProfile,
) -> ChunkResult:
    """Write one chunk in ONE transaction: articles, duplicate decisions, revisions,
    events, alerts, and the failures. A crash leaves the chunk either whole or absent."""
    db = open_db(db_path, migrate=False)
    counts: dict[str, int] = dict.fromkeys(
        ("new_articles", "relevant", "off_topic", "duplicates", "updated", "events", "alerts"), 0
    )
    alert_ids: list[int] = []
    try:
        with db.atomic():
            index = DuplicateIndex(db)
            for p in processed:
                _store_one(db, index, p, profile, counts, alert_ids)
            for fail in failures:
                store.record_failure(
                    db,
                    fail.url,
                    fail.stage,
                    fail.error,
                    retryable=fail.retryable,
                    feed_url=fail.feed_url,
                )
        return ChunkResult(
            **counts,
            errors=len(failures),
            alert_ids=tuple(alert_ids),
            error_messages=tuple(f"{f.stage} {f.url}: {f.error}" for f in failures),
        )
    finally:
        db.close()


def _store_one(
    db: sqlite_utils.Database,
    index: DuplicateIndex,
    p: Processed,
    profile: TopicProfile,
    counts: dict[str, int],
    alert_ids: list[int],
) -> None:
    a, task, fetched_at = p.article, p.task, now_iso()
    # The feed's own stamp, compared with later feed stamps of the same item.
    feed_updated = (task.item.updated or task.item.published) if task.item else None
    # The page may have failed before under another of its URLs (the feed's link without
    # tracking parameters, its canonical URL): those failures are over too.
    for url in dict.fromkeys((task.url, canonicalize_url(task.url), a.canonical_url)):
        if url:
            store.resolve_failures(db, url, at=fetched_at)
    # Fetched after a later judgement of its feed entry: no longer a skipped item.
    skipped.forget(db, (task.url, a.canonical_url))

    known = task.known_article_id or store.article_id_by_url(db, task.url)
    if (
        known is not None
        and task.known_article_id is None
        and only_a_copy_stored(store.article_urls(db, [known]).get(known), task.url)
    ):
        known = None  # the original of a stored AMP copy: a new article, not a rewrite
    if known is not None:
        # A known article came back: a rewrite when its text changed materially.
        revision_id = record_revision(db, known, a.text, a.title, fetched_at)
        if feed_updated:
            db.table("articles").update(known, {"feed_updated": feed_updated})
        if revision_id is not None:
            counts["updated"] += 1
            _store_revision_events(db, known, p, profile, revision_id, counts, alert_ids)
        return

    row = {
        "url": task.url,
        "canonical_url": a.canonical_url,
        "title": a.title or (task.item.title if task.item else None),
        "source": _source_name(a),
        "author": a.author,
        "published": a.published,
        "fetched_at": fetched_at,
        "text": a.text,
        "content_hash": p.content_hash,
        "relevance": p.relevance.score,
        "feed_url": task.feed_url,
        "language": a.language,
        "word_count": len(a.text.split()),
        "revision": 1,
        "feed_updated": feed_updated,
    }
    status, dup_of, similarity, reason = _duplicate_decision(db, index, p)
    copy = _stored_copy(db, index, p, dup_of)
    if copy is not None:  # the new article is the original of a stored one: swap
        status, dup_of, similarity, reason = None, None, None, None
    if status is None:
        status = "relevant" if p.relevance.relevant else "off_topic"
    row.update(status=status, duplicate_of=dup_of, similarity=similarity, duplicate_reason=reason)
    article_id = insert_row(db, "articles", row)
    counts["new_articles"] += 1
    if status == "duplicate":
        counts["duplicates"] += 1
        return
    if copy is not None:
        _demote(db, copy, article_id)
    learning.observe(
        db,
        profile,
        article_id,
        p.relevance,
        title=a.title or (task.item.title if task.item else None),
        text=a.text,
        outlet=_source_name(a),
        now=fetched_at,
    )
    counts[status] += 1
    index.add(article_id, a.text, fingerprint=p.fingerprint)
    if status != "relevant" or not p.events:
        return
    stored = store_events(db, article_id, p.events, containing=profile.containing())
    counts["events"] += len(stored.event_ids)
    new = alerts.raise_alerts(
        db,
        profile,
        article_ids=[article_id],
        event_ids=stored.event_ids,
        new_cluster_ids=stored.new_cluster_ids,
        now=fetched_at,
    )
    alert_ids.extend(new)
    counts["alerts"] += len(new)


def _store_revision_events(
    db: sqlite_utils.Database,
    article_id: int,
    p: Processed,
    profile: TopicProfile,
    revision_id: int,
    counts: dict[str, int],
    alert_ids: list[int],
) -> None:
    """A rewritten article: extract its new revision's events (their offsets point into
    the new text) and raise ARTICLE_UPDATED plus whatever the new events change."""
    status, revision = db.execute(
        "select status, revision from articles where id = ?", [article_id]
    ).fetchone()
    stored = None
    if status == "relevant" and p.events:
        stored = store_events(
            db,
            article_id,
            p.events,
            revision=int(revision),
            containing=profile.containing(),
        )
        counts["events"] += len(stored.event_ids)
    new = alerts.raise_alerts(
        db,
        profile,
        article_ids=[article_id],
        event_ids=stored.event_ids if stored else (),
        new_cluster_ids=stored.new_cluster_ids if stored else (),
        revision_ids=[revision_id],
        now=now_iso(),
    )
    alert_ids.extend(new)
    counts["alerts"] += len(new)


def _duplicate_decision(
    db: sqlite_utils.Database, index: DuplicateIndex, p: Processed
) -> tuple[str | None, int | None, float | None, str | None]:
    """(status, duplicate_of, similarity, reason), or Nones when the article is new."""
    canonical_match = store.article_id_by_url(db, p.article.canonical_url)
    if canonical_match is not None:
        return "duplicate", _original(db, canonical_match), 1.0, "canonical_url"
    hash_match = store.article_id_by_hash(db, p.content_hash)
    if hash_match is not None:
        return "duplicate", hash_match, 1.0, "content_hash"
    match = index.check(p.article.text, fingerprint=p.fingerprint)
    if match is not None:
        return "duplicate", match.article_id, round(match.similarity, 4), match.kind
    return None, None, None, None


@dataclass(frozen=True)
class _StoredCopy:
    """A stored article that turns out to be a copy of the one being stored."""

    article_id: int
    similarity: float
    reason: str  # the duplicate kind, then which signal named the original


def _stored_copy(
    db: sqlite_utils.Database, index: DuplicateIndex, p: Processed, dup_of: int | None
) -> _StoredCopy | None:
    """When the new article and a stored one are one story and the new one is the
    original (``extractors.copies``: canonical link, credit, publication time, which text
    holds the other), the stored one is the copy. It is either the article the new one
    was found to duplicate (``dup_of``), or a stored text the new one contains (a
    trimmed copy stored first: the new text is too long to count as its duplicate).
    Seeds are never demoted."""
    candidate: tuple[int, DuplicateMatch | None]
    if dup_of is not None:
        candidate = (dup_of, None)
    else:
        contained = index.contained(p.article.text, fingerprint=p.fingerprint)
        if contained is None:
            return None
        candidate = (contained.article_id, contained)
    aid, match = candidate
    row = db.execute(
        "SELECT url, canonical_url, published, source, author, text, status, similarity,"
        " duplicate_reason FROM articles WHERE id = ?",
        [aid],
    ).fetchone()
    if row is None or row[6] not in ("relevant", "off_topic"):
        return None
    a = p.article
    stored = Copy(row[0], row[1], row[2], row[3], row[4], row[5] or "")
    new = Copy(p.task.url, a.canonical_url, a.published, _source_name(a), a.author, a.text)
    decided = original_of(stored, new)
    if decided is None or decided[0] != 1:
        return None
    if match is not None:
        return _StoredCopy(aid, match.similarity, f"{match.kind}:{decided[1]}")
    match_now = index.check(stored.text, exclude_ids=(aid,))
    similarity = match_now.similarity if match_now is not None else 1.0
    return _StoredCopy(aid, similarity, f"original_later:{decided[1]}")


def _demote(db: sqlite_utils.Database, copy: _StoredCopy, original_id: int) -> None:
    """File the stored ``copy`` as a duplicate of ``original_id`` (its copies too), take
    it out of the index, and forget what it taught. Its events stay where they are
    (clusters and alerts already point at them); the original's events join them."""
    db.execute(
        "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?",
        [original_id, copy.article_id],
    )
    mark_duplicate(
        db,
        copy.article_id,
        DuplicateMatch(original_id, round(copy.similarity, 4), copy.reason.split(":")[0]),
    )
    db.execute(
        "UPDATE articles SET duplicate_reason = ? WHERE id = ?",
        [f"copy of a later original ({copy.reason})", copy.article_id],
    )
    learning.forget(db, copy.article_id)
    LOGGER.info("article %d is a copy of article %d: swapped", copy.article_id, original_id)


def _original(db: sqlite_utils.Database, article_id: int) -> int:
    row = db.execute("select duplicate_of from articles where id = ?", [article_id]).fetchone()
    return int(row[0]) if row and row[0] is not None else article_id


def _source_name(article: CleanArticle) -> str:
    if article.site_name:
        return article.site_name
    from urllib.parse import urlsplit

    return urlsplit(article.canonical_url or article.url).hostname or "unknown"
