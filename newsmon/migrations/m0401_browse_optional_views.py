"""Reading-room views over tables and columns that other migrations add.

Each view here is created only when what it reads exists (checked table by table,
column by column), so this migration never fails, whatever else has been applied.
Because a migration runs once, :func:`ensure_optional_views` is also called by
``newsmon.places.sync_places`` at the start of every monitor run: a table that a later
migration adds gets its view on the next run. It only touches a view whose definition
differs from the wanted one, so a normal run changes nothing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlite_utils

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class OptionalView:
    name: str
    select: str
    #: table -> columns that must exist for the view to be created.
    requires: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def statement(self) -> str:
        return f"CREATE VIEW [{self.name}] AS {self.select.strip()}"


OPTIONAL_VIEWS: tuple[OptionalView, ...] = (
    # Replaces m0400's version: the reason comes from what the duplicate check recorded
    # (articles.duplicate_reason: content_hash, near_duplicate, containment, ...).
    OptionalView(
        name="duplicates_explained",
        requires={"articles": frozenset({"duplicate_reason"})},
        select="""
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
    WHEN d.duplicate_reason = 'content_hash'
      OR (d.duplicate_reason IS NULL AND d.content_hash IS NOT NULL
          AND d.content_hash = o.content_hash)
      THEN 'same text (identical content hash)'
    WHEN d.duplicate_reason IN ('canonical_url', 'exact_url', 'url')
      OR (d.duplicate_reason IS NULL AND d.canonical_url IS NOT NULL
          AND d.canonical_url = o.canonical_url)
      THEN 'same canonical URL'
    WHEN d.duplicate_reason = 'containment'
      THEN 'trimmed copy: '
           || CASE WHEN d.similarity IS NULL THEN 'most'
                   ELSE printf('%d%%', CAST(round(d.similarity * 100) AS INTEGER)) END
           || ' of its text is in the original'
    WHEN d.duplicate_reason = 'near_duplicate' OR d.similarity IS NOT NULL
      THEN 'near-duplicate'
           || CASE WHEN d.similarity IS NULL THEN ''
                   ELSE printf(': %d%% similar', CAST(round(d.similarity * 100) AS INTEGER)) END
    WHEN o.id IS NULL THEN 'marked duplicate (original not recorded)'
    ELSE coalesce(d.duplicate_reason, 'near-duplicate')
  END
  || CASE WHEN o.status = 'seed' THEN ' of a seed document' ELSE '' END AS reason
FROM articles AS d
LEFT JOIN articles AS o ON o.id = d.duplicate_of
WHERE d.status = 'duplicate' OR d.duplicate_of IS NOT NULL
""",
    ),
    # Articles their publishers rewrote: each earlier text, when it was replaced, and
    # the difference.
    OptionalView(
        name="rewritten_articles",
        requires={
            "article_revisions": frozenset(
                {"article_id", "revision", "title", "fetched_at", "superseded_at", "diff"}
            )
        },
        select="""
SELECT
  r.article_id,
  a.title,
  a.source,
  coalesce(a.canonical_url, a.url) AS url,
  r.revision AS old_revision,
  r.title AS old_title,
  r.fetched_at AS old_fetched_at,
  r.superseded_at AS rewritten_at,
  r.diff
FROM article_revisions AS r
JOIN articles AS a ON a.id = r.article_id
ORDER BY r.superseded_at DESC
""",
    ),
)


def _has(db: sqlite_utils.Database, requires: dict[str, frozenset[str]]) -> bool:
    for table, columns in requires.items():
        if not db[table].exists():
            return False
        if not columns <= {c.name for c in db[table].columns}:
            return False
    return True


def ensure_optional_views(
    db: sqlite_utils.Database, views: tuple[OptionalView, ...] = OPTIONAL_VIEWS
) -> list[str]:
    """Create or update each of ``views`` whose tables exist; return the names changed."""
    changed = []
    for view in views:
        if not _has(db, view.requires):
            continue
        row = db.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", [view.name]
        ).fetchone()
        if row is not None and row[0] == view.statement:
            continue
        with db.atomic():
            db.execute(f"DROP VIEW IF EXISTS [{view.name}]")
            db.execute(view.statement)
        changed.append(view.name)
    if changed:
        LOGGER.info("reading-room views updated: %s", ", ".join(changed))
    return changed


def up(db: sqlite_utils.Database) -> None:
    ensure_optional_views(db)
