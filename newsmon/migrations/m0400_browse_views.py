"""The reading room: a ``places`` gazetteer (for the map) and the views Datasette shows.

Every view here reads only tables that exist at this point (the m0001 tables and the
two tables created below), so the migration works whatever else has been applied.
Views are plain SQL over the live tables: they cost nothing to keep and always show
current data. ``data/metadata.yml`` gives each one a title, description and facets.
"""

from __future__ import annotations

import sqlite_utils

#: name -> SELECT. Kept in one place so a later migration can see what it replaces.
VIEWS: dict[str, str] = {
    # The latest alerts, newest first, with the article that raised them.
    "latest_alerts": """
SELECT
  a.id AS alert_id,
  a.created_at,
  a.kind,
  a.summary,
  ar.title AS article_title,
  ar.source,
  coalesce(ar.canonical_url, ar.url) AS article_url,
  a.event_id,
  a.cluster_id,
  a.digest_id,
  a.delivered_at
FROM alerts AS a
LEFT JOIN articles AS ar ON ar.id = a.article_id
ORDER BY a.created_at DESC, a.id DESC
""",
    # Shaped for datasette-atom: the alert feed. Content is plain text (atom_content),
    # never HTML, because summaries quote article titles written by strangers.
    "alerts_feed": """
SELECT
  'urn:newsmon:alert:' || a.id AS atom_id,
  a.kind || ': ' || a.summary AS atom_title,
  coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', a.created_at), '1970-01-01T00:00:00Z')
    AS atom_updated,
  a.summary
    || CASE WHEN ar.title IS NOT NULL
         THEN char(10) || char(10) || 'Article: ' || ar.title
              || coalesce(' (' || ar.source || ')', '')
         ELSE '' END
    || CASE WHEN e.evidence IS NOT NULL
         THEN char(10) || 'Evidence: ' || e.evidence
         ELSE '' END
    AS atom_content,
  coalesce(ar.canonical_url, ar.url, 'urn:newsmon:alert:' || a.id) AS atom_link,
  coalesce(ar.source, 'newsmon') AS atom_author_name,
  a.kind,
  a.created_at
FROM alerts AS a
LEFT JOIN articles AS ar ON ar.id = a.article_id
LEFT JOIN events AS e ON e.id = a.event_id
ORDER BY a.created_at DESC, a.id DESC
""",
    # Events per day and type. The day is the event's own date when the extractor found
    # one, else the article's publication date.
    "event_timeline": """
SELECT
  substr(coalesce(e.event_date, ar.published), 1, 10) AS day,
  e.event_type,
  count(*) AS events,
  count(DISTINCT e.cluster_id) AS clusters,
  count(DISTINCT e.article_id) AS articles,
  count(DISTINCT ar.source) AS outlets
FROM events AS e
JOIN articles AS ar ON ar.id = e.article_id
WHERE coalesce(e.event_date, ar.published) IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2
""",
    "events_per_day": """
SELECT
  substr(coalesce(e.event_date, ar.published), 1, 10) AS day,
  count(*) AS events,
  count(DISTINCT e.cluster_id) AS clusters,
  count(DISTINCT e.event_type) AS event_types,
  group_concat(DISTINCT e.event_type) AS types
FROM events AS e
JOIN articles AS ar ON ar.id = e.article_id
WHERE coalesce(e.event_date, ar.published) IS NOT NULL
GROUP BY 1
ORDER BY 1
""",
    # Events whose location is a place of the topic profile (by name or alias), with
    # coordinates for datasette-cluster-map. ``popup`` is the marker's content; the
    # plugin escapes every field of it.
    "event_map": """
SELECT
  e.id AS event_id,
  e.event_type,
  e.actor,
  e.action,
  e.target,
  p.name AS place,
  p.latitude,
  p.longitude,
  substr(coalesce(e.event_date, ar.published), 1, 10) AS day,
  ar.source,
  ar.title AS article_title,
  e.evidence,
  json_object(
    'title', e.event_type || ' · ' || coalesce(e.actor, '?') || ' · ' || p.name,
    'description', e.evidence,
    'link', 'events/' || e.id
  ) AS popup
FROM events AS e
JOIN place_aliases AS pa ON pa.alias = e.location COLLATE NOCASE
JOIN places AS p ON p.name = pa.place
JOIN articles AS ar ON ar.id = e.article_id
WHERE p.latitude IS NOT NULL AND p.longitude IS NOT NULL
""",
    # One row per event cluster (the same real-world event reported by several
    # articles): how many outlets carried it and when it was first and last reported.
    "cluster_coverage": """
SELECT
  e.cluster_id,
  min(e.event_type) AS event_type,
  count(*) AS events,
  count(DISTINCT e.article_id) AS articles,
  count(DISTINCT ar.source) AS outlets,
  group_concat(DISTINCT ar.source) AS sources,
  min(substr(coalesce(e.event_date, ar.published), 1, 10)) AS first_day,
  min(ar.published) AS first_reported,
  max(ar.published) AS last_reported,
  (SELECT e2.evidence FROM events AS e2 WHERE e2.cluster_id = e.cluster_id
   ORDER BY e2.id LIMIT 1) AS example_evidence
FROM events AS e
JOIN articles AS ar ON ar.id = e.article_id
WHERE e.cluster_id IS NOT NULL
GROUP BY e.cluster_id
""",
    # Who did what: one row per actor.
    "actor_summary": """
SELECT
  e.actor,
  count(*) AS events,
  count(DISTINCT e.cluster_id) AS clusters,
  group_concat(DISTINCT e.event_type) AS event_types,
  min(substr(coalesce(e.event_date, ar.published), 1, 10)) AS first_day,
  max(substr(coalesce(e.event_date, ar.published), 1, 10)) AS last_day
FROM events AS e
JOIN articles AS ar ON ar.id = e.article_id
WHERE e.actor IS NOT NULL AND e.actor != ''
GROUP BY e.actor
""",
    # Every article marked a duplicate, next to the article it copies, with the reason.
    "duplicates_explained": """
SELECT
  d.id AS article_id,
  d.title,
  d.source,
  coalesce(d.canonical_url, d.url) AS url,
  d.fetched_at,
  o.id AS original_id,
  o.title AS original_title,
  o.source AS original_source,
  o.status AS original_status,
  d.similarity,
  CASE
    WHEN o.id IS NULL THEN 'marked duplicate (original not recorded)'
    WHEN d.content_hash IS NOT NULL AND d.content_hash = o.content_hash
      THEN 'same text (identical content hash)'
    WHEN d.canonical_url IS NOT NULL AND d.canonical_url = o.canonical_url
      THEN 'same canonical URL'
    WHEN d.similarity IS NOT NULL
      THEN printf('near-duplicate: %d%% similar', CAST(round(d.similarity * 100) AS INTEGER))
    ELSE 'near-duplicate'
  END
  || CASE WHEN o.status = 'seed' THEN ' of a seed document' ELSE '' END AS reason
FROM articles AS d
LEFT JOIN articles AS o ON o.id = d.duplicate_of
WHERE d.status = 'duplicate' OR d.duplicate_of IS NOT NULL
""",
    # One row per outlet: what it published and what newsmon made of it.
    "sources_per_outlet": """
WITH ev AS (
  SELECT ar.source, count(*) AS events, count(DISTINCT e.cluster_id) AS clusters
  FROM events AS e JOIN articles AS ar ON ar.id = e.article_id
  GROUP BY ar.source
)
SELECT
  coalesce(a.source, '(unknown)') AS outlet,
  count(*) AS articles,
  sum(a.status = 'relevant') AS relevant,
  sum(a.status = 'duplicate') AS duplicates,
  sum(a.status = 'off_topic') AS off_topic,
  sum(a.status = 'seed') AS seed,
  coalesce(max(ev.events), 0) AS events,
  coalesce(max(ev.clusters), 0) AS event_clusters,
  min(a.published) AS first_published,
  max(a.published) AS last_published,
  max(a.fetched_at) AS last_fetched
FROM articles AS a
LEFT JOIN ev ON ev.source IS a.source
GROUP BY a.source
""",
    # Failures the next run will retry (or that need a person).
    "unresolved_failures": """
SELECT
  id AS failure_id,
  url,
  stage,
  error,
  CASE WHEN retryable THEN 'yes' ELSE 'no' END AS retryable,
  attempts,
  first_attempt_at,
  last_attempt_at,
  feed_url
FROM failures
WHERE resolved_at IS NULL
ORDER BY last_attempt_at DESC
""",
    # Everything that happened, as one stream: new and updated articles, new events,
    # alerts, failures. ``changes_last_24h`` and the ``what_changed`` query filter it.
    "all_changes": """
SELECT fetched_at AS at, 'new article' AS change, coalesce(title, url) AS summary,
       source, 'articles' AS item_table, id AS item_id, coalesce(canonical_url, url) AS url
FROM articles WHERE fetched_at IS NOT NULL AND status != 'seed'
UNION ALL
SELECT updated_at, 'article updated (revision ' || revision || ')', coalesce(title, url),
       source, 'articles', id, coalesce(canonical_url, url)
FROM articles WHERE updated_at IS NOT NULL AND coalesce(revision, 1) > 1
UNION ALL
SELECT e.created_at, 'new event: ' || e.event_type,
       coalesce(e.actor || ' ', '') || coalesce(e.action || ' ', '')
         || coalesce(e.target, '') || ' (' || e.evidence || ')',
       ar.source, 'events', e.id, coalesce(ar.canonical_url, ar.url)
FROM events AS e JOIN articles AS ar ON ar.id = e.article_id
WHERE e.created_at IS NOT NULL
UNION ALL
SELECT created_at, 'alert: ' || kind, summary, NULL, 'alerts', id, NULL
FROM alerts
UNION ALL
SELECT last_attempt_at, 'failure at ' || stage, error, NULL, 'failures', id, url
FROM failures WHERE resolved_at IS NULL AND last_attempt_at IS NOT NULL
""",
    "changes_last_24h": """
SELECT * FROM all_changes
WHERE datetime(at) >= datetime('now', '-1 day')
ORDER BY datetime(at) DESC
""",
}


def create_views(db: sqlite_utils.Database, views: dict[str, str]) -> None:
    """(Re)create each view: drop it if it exists, then create it."""
    for name, select in views.items():
        db.execute(f"DROP VIEW IF EXISTS [{name}]")
        db.execute(f"CREATE VIEW [{name}] AS {select.strip()}")


def up(db: sqlite_utils.Database) -> None:
    # The topic profile's places with coordinates; written by newsmon.places.sync_places.
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS places (
          name TEXT PRIMARY KEY,
          kind TEXT,
          latitude REAL,
          longitude REAL,
          aliases TEXT,
          topic TEXT
        )
        """
    )
    # Every spelling of a place (its name and its aliases) -> the place's name.
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS place_aliases (
          alias TEXT PRIMARY KEY COLLATE NOCASE,
          place TEXT NOT NULL REFERENCES places(name)
        )
        """
    )
    create_views(db, VIEWS)
