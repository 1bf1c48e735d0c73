"""Collect: the undelivered alerts, each made a digest entry with its sources (a
cluster's articles, with its number of independent outlets), and the rendered digest."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils

from newsmon.alerts import (
    ARTICLE_UPDATED,
    FACT_CHANGED,
    is_urgent,
    one_line,
    outlet_of,
)
from newsmon.db import now_iso
from newsmon.digest.model import MAX_SOURCES_SHOWN, TITLE_MAX, Digest, DigestItem, Source
from newsmon.digest.renderers import render
from newsmon.digest.safe import safe_url
from newsmon.profile import TopicProfile


def pending_alerts(
    db: sqlite_utils.Database,
    *,
    since: str | None = None,
    alert_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Undelivered alerts (never in a digest, or in one that did not reach every
    channel), oldest first, with the type of their event."""
    sql = (
        "SELECT al.*, e.event_type AS event_type FROM alerts al"
        " LEFT JOIN events e ON e.id = al.event_id WHERE al.delivered_at IS NULL"
    )
    params: list[Any] = []
    if since:
        sql += " AND al.created_at >= ?"
        params.append(since)
    if alert_ids is not None:
        ids = sorted({int(i) for i in alert_ids})
        if not ids:
            return []
        sql += f" AND al.id IN ({','.join('?' * len(ids))})"
        params.extend(ids)
    rows = list(db.query(sql + " ORDER BY al.created_at, al.id", params))
    for row in rows:
        try:
            row["details"] = json.loads(row.get("details") or "{}")
        except ValueError:
            row["details"] = {}
        if not row.get("event_type"):
            row["event_type"] = row["details"].get("event_type")
    return rows


def _source_from(ref: Mapping[str, Any] | None, note: str | None = None) -> Source | None:
    if not ref:
        return None
    url = ref.get("url")
    return Source(
        title=one_line(ref.get("title") or url or f"article {ref.get('article_id')}", TITLE_MAX),
        outlet=one_line(ref.get("outlet") or outlet_of(None, url), 80),
        url=safe_url(url),
        published=one_line(ref.get("published"), 40)[:10] or None,
        note=note,
    )


def _cluster_sources(db: sqlite_utils.Database, cluster_id: int) -> tuple[list[Source], int]:
    """The cluster's articles (first report first) and its number of independent
    sources (distinct outlets, syndicated duplicates not counted)."""
    rows = list(
        db.query(
            "SELECT DISTINCT a.id, a.url, a.canonical_url, a.title, a.source, a.published,"
            " a.status FROM events e JOIN articles a ON a.id = e.article_id"
            " WHERE e.cluster_id = ? ORDER BY coalesce(a.published, '~'), a.id",
            [cluster_id],
        )
    )
    sources, outlets = [], set()
    for r in rows:
        url = r.get("canonical_url") or r.get("url")
        outlet = outlet_of(r.get("source"), url)
        if r.get("status") != "duplicate":
            outlets.add(outlet.lower())
        sources.append(
            Source(
                title=one_line(r.get("title") or url, TITLE_MAX),
                outlet=outlet,
                url=safe_url(url),
                published=one_line(r.get("published"), 40)[:10] or None,
            )
        )
    return sources, max(len(outlets), 1 if sources else 0)


def _item(db: sqlite_utils.Database, alert: Mapping[str, Any]) -> DigestItem:
    d = alert.get("details") or {}
    kind = alert["kind"]
    sources: list[Source] = []
    n_sources = 1
    quote_text = None
    old_quote = None
    diff = None
    if kind == FACT_CHANGED:
        new, old = d.get("new") or {}, d.get("old") or {}
        sources = [s for s in (_source_from(new, "now"), _source_from(old, "was")) if s]
        n_sources = len({s.outlet.lower() for s in sources}) or 1
        quote_text = new.get("evidence")
        old_quote = old.get("evidence")
    elif kind == ARTICLE_UPDATED:
        src = _source_from(d.get("source"))
        sources = [src] if src else []
        diff = d.get("diff")
    else:
        if alert.get("cluster_id") is not None:
            sources, n_sources = _cluster_sources(db, int(alert["cluster_id"]))
        if not sources:
            src = _source_from(d.get("source"))
            sources = [src] if src else []
            n_sources = len(sources) or 1
        quote_text = d.get("evidence")
    return DigestItem(
        alert_ids=(int(alert["id"]),),
        kind=kind,
        summary=one_line(alert.get("summary")),
        event_type=alert.get("event_type"),
        cluster_id=alert.get("cluster_id"),
        n_sources=n_sources,
        sources=tuple(sources[:MAX_SOURCES_SHOWN]),
        more_sources=max(len(sources) - MAX_SOURCES_SHOWN, 0),
        quote=one_line(quote_text, 400) or None,
        diff=diff,
        created_at=str(alert.get("created_at") or ""),
        fact=one_line(d.get("label"), 100) or None if kind == FACT_CHANGED else None,
        old_quote=one_line(old_quote, 400) or None,
    )


def build_digest(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    *,
    since: str | None = None,
    alert_ids: Iterable[int] | None = None,
    kinds: set[str] | None = None,
    now: str | None = None,
    urgent: bool = False,
) -> Digest | None:
    """The rendered digest of the pending alerts (or of ``alert_ids`` among them), or
    None when there is nothing to tell. ``kinds`` keeps only alerts that
    :func:`newsmon.alerts.is_urgent` matches."""
    now = now or now_iso()
    alerts = pending_alerts(db, since=since, alert_ids=alert_ids)
    if kinds is not None:
        alerts = [a for a in alerts if is_urgent(a["kind"], a.get("event_type"), kinds)]
    if not alerts:
        return None
    items = tuple(_item(db, a) for a in alerts)
    n = len(items)
    prefix = "URGENT: " if urgent else ""
    title = one_line(f"{prefix}newsmon: {n} new alert{'s' if n != 1 else ''} — {profile.name}", 150)
    start = since or min(str(a["created_at"]) for a in alerts)
    return render(Digest(profile.id, title, start, now, items, max_detailed(profile)))


def max_detailed(profile: TopicProfile) -> int:
    """``[digest] max_detailed``: entries per section shown in full (default 20)."""
    return profile.digest.max_detailed
