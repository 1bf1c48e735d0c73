"""Anchors learned from accepted articles, with where each was learned (``newsmon.learning``).

- ``learned_anchors``: one row per name the monitor has seen leading accepted articles of
  a topic, with its counts, its status (``candidate``, ``active``, ``vetoed``) and why.
- ``learned_anchor_sources``: which article showed the name, from which outlet, and
  whether the article was accepted or a near-topic story (same subject, elsewhere).
- view ``learned_anchor_provenance``: the two joined with the articles' titles and URLs,
  so a person can see why a name was learned and veto it (``newsmon anchors --veto``).
"""

from __future__ import annotations

import sqlite_utils

PROVENANCE = """
CREATE VIEW IF NOT EXISTS learned_anchor_provenance AS
SELECT
  la.topic,
  la.term,
  la.status,
  s.kind,
  s.article_id,
  ar.title,
  s.outlet,
  coalesce(ar.canonical_url, ar.url) AS url,
  ar.published,
  s.observed_at
FROM learned_anchor_sources AS s
JOIN learned_anchors AS la ON la.topic = s.topic AND la.term = s.term
JOIN articles AS ar ON ar.id = s.article_id
"""


def up(db: sqlite_utils.Database) -> None:
    db.table("learned_anchors").create(
        {
            "topic": str,
            "term": str,
            "status": str,
            "accepted_articles": int,
            "outlets": int,
            "near_topic_articles": int,
            "reason": str,
            "first_seen_at": str,
            "learned_at": str,
            "vetoed_at": str,
            "note": str,
            "updated_at": str,
        },
        pk=("topic", "term"),
        not_null={"status"},
        defaults={
            "status": "candidate",
            "accepted_articles": 0,
            "outlets": 0,
            "near_topic_articles": 0,
        },
    )
    db.table("learned_anchors").create_index(["topic", "status"])
    db.table("learned_anchor_sources").create(
        {
            "topic": str,
            "term": str,
            "article_id": int,
            "outlet": str,
            "kind": str,
            "observed_at": str,
        },
        pk=("topic", "term", "article_id"),
    )
    db.table("learned_anchor_sources").create_index(["article_id"])
    db.execute(PROVENANCE)
