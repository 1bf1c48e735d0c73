"""The tables of the DESIGN.md contract: articles, events, alerts, digests, feeds,
runs, failures, with full-text search on articles."""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "canonical_url": str,
            "title": str,
            "source": str,
            "author": str,
            "published": str,
            "fetched_at": str,
            "text": str,
            "content_hash": str,
            "status": str,
            "relevance": float,
            "duplicate_of": int,
            "similarity": float,
            "feed_url": str,
            "language": str,
            "word_count": int,
            "revision": int,
            "updated_at": str,
        },
        pk="id",
        not_null={"url", "status"},
        defaults={"revision": 1},
        foreign_keys=[("duplicate_of", "articles", "id")],
    )
    db.table("articles").create_index(["url"], unique=True)
    db.table("articles").create_index(["canonical_url"])
    db.table("articles").create_index(["content_hash"])
    db.table("articles").create_index(["status"])
    db.table("articles").create_index(["published"])
    db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize="porter")

    db.table("events").create(
        {
            "id": int,
            "article_id": int,
            "event_type": str,
            "actor": str,
            "action": str,
            "target": str,
            "location": str,
            "event_date": str,
            "quantity": str,
            "quantity_value": float,
            "quantity_unit": str,
            "evidence": str,
            "evidence_start": int,
            "evidence_end": int,
            "confidence": float,
            "cluster_id": int,
            "extractor_version": str,
            "created_at": str,
        },
        pk="id",
        not_null={"article_id", "event_type", "evidence"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    # One event per (article, sentence span, type, extractor): re-running never duplicates.
    db.table("events").create_index(
        ["article_id", "evidence_start", "event_type", "extractor_version"], unique=True
    )
    db.table("events").create_index(["cluster_id"])
    db.table("events").create_index(["event_date"])
    db.table("events").enable_fts(["evidence", "actor", "target"], create_triggers=True)

    db.table("alerts").create(
        {
            "id": int,
            "created_at": str,
            "kind": str,
            "summary": str,
            "article_id": int,
            "event_id": int,
            "cluster_id": int,
            "details": str,  # JSON: old/new values, sources, diff
            "dedupe_key": str,
            "digest_id": int,
            "delivered_at": str,
        },
        pk="id",
        not_null={"kind", "summary", "created_at"},
        foreign_keys=[("article_id", "articles", "id"), ("event_id", "events", "id")],
    )
    # The same cause never raises two alerts.
    db.table("alerts").create_index(["dedupe_key"], unique=True)
    db.table("alerts").create_index(["created_at"])

    db.table("digests").create(
        {
            "id": int,
            "created_at": str,
            "period_start": str,
            "period_end": str,
            "markdown": str,
            "html": str,
            "text": str,
            "delivered_to": str,
            "status": str,
        },
        pk="id",
    )

    db.table("feeds").create(
        {
            "url": str,
            "name": str,
            "etag": str,
            "last_modified": str,
            "last_polled_at": str,
            "last_status": int,
            "last_error": str,
            "consecutive_failures": int,
            "retry_after": str,
        },
        pk="url",
        defaults={"consecutive_failures": 0},
    )

    db.table("runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "topic": str,
            "feeds_polled": int,
            "items_seen": int,
            "new_articles": int,
            "duplicates": int,
            "off_topic": int,
            "events": int,
            "alerts": int,
            "errors": int,
            "summary": str,
        },
        pk="id",
    )

    db.table("failures").create(
        {
            "id": int,
            "url": str,
            "stage": str,
            "error": str,
            "retryable": int,
            "attempts": int,
            "first_attempt_at": str,
            "last_attempt_at": str,
            "resolved_at": str,
            "feed_url": str,
        },
        pk="id",
        not_null={"url", "stage"},
    )
    db.table("failures").create_index(["url", "stage"], unique=True)
    db.table("failures").create_index(["resolved_at"])
