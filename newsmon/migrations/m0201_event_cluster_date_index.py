"""Candidate clusters for a new event are looked up by type, actor and a date range."""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("event_clusters").create_index(
        ["event_type", "actor", "event_date"], if_not_exists=True
    )
