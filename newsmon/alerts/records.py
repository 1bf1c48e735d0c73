"""The alert record and the rows alerts read.

Every alert has a ``dedupe_key`` under a unique index and is written with ``INSERT OR
IGNORE`` (:func:`insert_alert`): re-running a run raises nothing new. The queries here
read events with their article's URL, title, outlet, date and status."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils
from sqlite_utils.utils import dedupe_keys

from newsmon.alerts.text import one_line, outlet_of

# The alert kinds are named where the profile's [digest] urgent_kinds is checked.
from newsmon.profile_sections import ARTICLE_UPDATED, FACT_CHANGED, KINDS, NEW_EVENT

__all__ = ["ARTICLE_UPDATED", "FACT_CHANGED", "KINDS", "NEW_EVENT"]


@dataclass(frozen=True)
class Alert:
    kind: str
    summary: str
    dedupe_key: str
    details: Mapping[str, Any]
    article_id: int | None = None
    event_id: int | None = None
    cluster_id: int | None = None


def insert_alert(db: sqlite_utils.Database, alert: Alert, now: str) -> int | None:
    cur = db.execute(
        "INSERT OR IGNORE INTO alerts"
        " (created_at, kind, summary, article_id, event_id, cluster_id, details, dedupe_key)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            now,
            alert.kind,
            one_line(alert.summary),
            alert.article_id,
            alert.event_id,
            alert.cluster_id,
            json.dumps(alert.details, sort_keys=True, ensure_ascii=False),
            alert.dedupe_key,
        ],
    )
    if cur.rowcount == 1:
        return int(cur.lastrowid) if cur.lastrowid is not None else None
    return None


def query_rows(
    db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()
) -> list[dict[str, Any]]:
    """The rows of a SELECT as dicts (what ``db.query`` gives, without the savepoint it
    wraps around every statement: two extra statements per query)."""
    cursor = db.execute(sql, params)
    keys = dedupe_keys(d[0] for d in cursor.description)
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
    chunk: list[int] = []
    for i in ids:
        chunk.append(int(i))
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


_EVENT_ROWS = (
    "SELECT e.*, a.url AS article_url, a.canonical_url AS article_canonical_url,"
    " a.title AS article_title, a.source AS article_source,"
    " a.published AS article_published, a.status AS article_status"
    " FROM events e JOIN articles a ON a.id = e.article_id"
)


def event_rows(db: sqlite_utils.Database, event_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Events rows joined with their article's url, title, source, published, status."""
    out: list[dict[str, Any]] = []
    for chunk in chunks(sorted(set(event_ids))):
        marks = ",".join("?" * len(chunk))
        out.extend(query_rows(db, f"{_EVENT_ROWS} WHERE e.id IN ({marks}) ORDER BY e.id", chunk))
    return out


def cluster_event_rows(db: sqlite_utils.Database, cluster_id: int) -> list[dict[str, Any]]:
    """The rows :func:`event_rows` gives for every event of a cluster, in one query."""
    return query_rows(db, f"{_EVENT_ROWS} WHERE e.cluster_id = ? ORDER BY e.id", [cluster_id])


def source_ref(row: Mapping[str, Any], prefix: str = "article_") -> dict[str, Any]:
    """The source of an alert, as stored in ``details``: article id, URL, title, outlet."""
    url = row.get(f"{prefix}canonical_url") or row.get(f"{prefix}url")
    return {
        "article_id": row.get("article_id") if prefix else row.get("id"),
        "event_id": row.get("id") if prefix else None,
        "url": url,
        "title": one_line(row.get(f"{prefix}title"), 300) or None,
        "outlet": outlet_of(row.get(f"{prefix}source"), url),
        "published": row.get(f"{prefix}published"),
    }
