"""``skipped_items``: feed items not fetched because their feed entry was judged off the
topic (extractors.prefilter), with the reason, the score and the version of the rule
and profile words that judged them; and the run count of such items."""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("skipped_items").create(
        {
            "canonical_url": str,
            "url": str,
            "feed_url": str,
            "title": str,
            "summary": str,
            "categories": str,  # JSON list
            "published": str,
            "updated": str,
            "guid": str,
            "status": str,  # off_topic
            "reason": str,
            "score": float,
            "decided_by": str,  # PrefilterModel.version: the rule and the profile's words
            "decided_at": str,
        },
        pk="canonical_url",
        not_null={"url", "status", "decided_by"},
    )
    db.table("skipped_items").create_index(["url"])
    db.table("skipped_items").create_index(["decided_by"])
    db.table("skipped_items").create_index(["decided_at"])
    if "skipped_off_topic" not in db.table("runs").columns_dict:
        db.table("runs").add_column("skipped_off_topic", int)
