"""``events.revision``: which revision of its article an event was extracted from.

Evidence offsets point into that revision's text (``articles.text`` for the current
revision, ``article_revisions.text`` for earlier ones). The revision joins the unique
key, so re-extracting a rewritten article never collides with its earlier events.
"""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("events").add_column("revision", int, not_null_default=1)
    for index in db.table("events").indexes:
        if index.unique and "evidence_start" in index.columns:
            db.execute(f"DROP INDEX [{index.name}]")
    db.table("events").create_index(
        ["article_id", "revision", "evidence_start", "event_type", "extractor_version"],
        unique=True,
        index_name="idx_events_article_revision_span",
    )
