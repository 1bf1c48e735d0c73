"""Event clusters: one row per real-world event, however many articles report it.

``events.cluster_id`` (in the initial schema) points here. A cluster keeps the key it
was matched on (type, actor, target, location, date), its first report (article, source
and publication time) and how widely it was reported: ``mentions`` (event rows),
``articles`` and ``sources`` (distinct ``articles.source``: ten outlets, ten sources;
one outlet's rewrite, still one). ``events`` gains the extractor's
``date_is_planned`` flag and its ``extra`` details (JSON), which the initial schema
did not have.
"""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("event_clusters").create(
        {
            "id": int,
            "event_type": str,
            "actor": str,
            "target": str,
            "location": str,
            "event_date": str,  # ISO date of the first report's event, or null
            "first_event_id": int,
            "first_article_id": int,
            "first_source": str,
            "first_reported": str,  # the first report's articles.published (or fetched_at)
            "last_reported": str,
            "mentions": int,
            "articles": int,
            "sources": int,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"event_type"},
        defaults={"mentions": 0, "articles": 0, "sources": 0},
        foreign_keys=[
            ("first_event_id", "events", "id"),
            ("first_article_id", "articles", "id"),
        ],
    )
    # Candidate clusters for a new event are looked up by type and actor.
    db.table("event_clusters").create_index(["event_type", "actor"])
    db.table("event_clusters").create_index(["event_date"])
    db.table("events").add_column("date_is_planned", int)
    db.table("events").add_column("extra", str)
    db.table("events").create_index(["article_id"], if_not_exists=True)
