"""Alert state and delivery bookkeeping.

- ``facts``: one row per tracked fact of a topic (the profile's ``[[facts]]``): the value
  reported most recently and the value last announced to people, each with its source.
- ``fact_observations``: every report of a tracked fact (one row per fact x event), with
  the ``outcome`` that says what newsmon did with it (baseline, alerted, same, flap,
  stale, direction, ambiguous, seed). Re-processing an event is a no-op.
- ``deliveries``: one row per digest x channel send attempt (channels stored redacted).
- ``alert_deliveries``: which alert reached which channel, so a successful send is never
  repeated and a failed one is retried by the next digest.
"""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("facts").create(
        {
            "topic": str,
            "key": str,
            "label": str,
            "kind": str,
            "unit": str,
            "current_value": str,
            "current_display": str,
            "current_event_id": int,
            "current_article_id": int,
            "current_published": str,
            "alerted_value": str,
            "alerted_display": str,
            "alerted_event_id": int,
            "alerted_article_id": int,
            "alerted_published": str,
            "updated_at": str,
        },
        pk=("topic", "key"),
    )
    db.table("fact_observations").create(
        {
            "topic": str,
            "fact_key": str,
            "event_id": int,
            "article_id": int,
            "value": str,
            "display": str,
            "published": str,
            "outcome": str,
            "alert_id": int,
            "observed_at": str,
        },
        pk=("topic", "fact_key", "event_id"),
    )
    db.table("fact_observations").create_index(["topic", "fact_key", "value"])

    db.table("deliveries").create(
        {
            "id": int,
            "digest_id": int,
            "channel": str,  # redacted Apprise URL: never a password or token
            "status": str,  # sent | failed
            "alert_count": int,
            "attempted_at": str,
            "error": str,
        },
        pk="id",
        foreign_keys=[("digest_id", "digests", "id")],
    )
    db.table("deliveries").create_index(["digest_id"])

    db.table("alert_deliveries").create(
        {
            "alert_id": int,
            "channel": str,
            "digest_id": int,
            "delivered_at": str,
        },
        pk=("alert_id", "channel"),
        foreign_keys=[("alert_id", "alerts", "id"), ("digest_id", "digests", "id")],
    )

    db.table("alerts").create_index(["delivered_at"], if_not_exists=True)
    db.table("alerts").create_index(["kind"], if_not_exists=True)
    db.table("alerts").create_index(["cluster_id"], if_not_exists=True)
