"""``article_revisions``: the earlier texts of articles their publishers rewrote
(written by newsmon.revisions.record_revision)."""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("article_revisions").create(
        {
            "id": int,
            "article_id": int,
            "revision": int,  # the revision number this text had (1 = first fetch)
            "title": str,
            "text": str,
            "content_hash": str,
            "fetched_at": str,  # when this (old) text was fetched
            "superseded_at": str,  # when the text replacing it was fetched
            "diff": str,  # extractors.dedupe.text_diff(old, new)
            "created_at": str,
        },
        pk="id",
        not_null={"article_id", "revision", "text"},
        foreign_keys=[("article_id", "articles", "id")],
    )
    db.table("article_revisions").create_index(["article_id", "revision"], unique=True)
