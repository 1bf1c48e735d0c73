"""``articles.feed_updated``: the feed's <updated> stamp when the article was last
fetched (a later one means the publisher changed it); ``articles.duplicate_reason``:
why an article is a duplicate (canonical_url, content_hash, near_duplicate, ...);
``runs.details``: the full run counts as JSON."""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("articles").add_column("feed_updated", str)
    db.table("articles").add_column("duplicate_reason", str)
    db.table("runs").add_column("details", str)
