"""Feed items not fetched: judged off the topic from their feed entry alone.

Each lives in ``skipped_items`` (status ``off_topic``, the reason, the score, and
``decided_by``: the version of the rule and profile words that judged it) until it is
fetched. Nothing is lost by skipping: when the profile's words change, the version
changes and every recorded item is judged again; one now worth fetching is fetched,
and its row goes once its article is stored.

Runs inside the caller's transaction (never commits or begins).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import sqlite_utils

from extractors.prefilter import FeedDecision, PrefilterModel, decide
from extractors.records import FeedItem
from extractors.urls import canonicalize_url
from newsmon.db import now_iso

TABLE = "skipped_items"


@dataclass(frozen=True)
class Judged:
    """What judging a run's new feed items did."""

    fetch: list[FeedItem]  # new items (and recorded ones judged again) worth fetching
    skipped: int  # items newly recorded as off the topic


def _rows(db: sqlite_utils.Database, canonicals: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """{canonical_url: (decided_by, title, summary)} for those recorded."""
    out: dict[str, tuple[str, ...]] = {}
    for i in range(0, len(canonicals), 400):
        chunk = list(canonicals[i : i + 400])
        marks = ",".join("?" * len(chunk))
        sql = (
            f"select canonical_url, decided_by, coalesce(title, ''), coalesce(summary, '') "
            f"from {TABLE} where canonical_url in ({marks})"
        )
        for canonical, *rest in db.execute(sql, chunk):
            out[canonical] = tuple(rest)
    return out


def recorded(db: sqlite_utils.Database, canonicals: Iterable[str]) -> set[str]:
    """Those of the canonical URLs ``canonicals`` that are on record as skipped."""
    return set(_rows(db, list(dict.fromkeys(canonicals))))


_COLUMNS = (
    "canonical_url",
    "url",
    "feed_url",
    "title",
    "summary",
    "categories",
    "published",
    "updated",
    "guid",
    "status",
    "reason",
    "score",
    "decided_by",
    "decided_at",
)
_UPSERT = (
    f"insert into {TABLE} ({', '.join(_COLUMNS)}) values ({', '.join('?' * len(_COLUMNS))}) "
    "on conflict(canonical_url) do update set "
    + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS[1:])
)


def _row(
    canonical: str, item: FeedItem, decision: FeedDecision, version: str
) -> tuple[object, ...]:
    return (
        canonical,
        item.url,
        item.feed_url,
        item.title,
        item.summary,
        json.dumps(list(item.categories)),
        item.published,
        item.updated,
        item.guid,
        "off_topic",
        decision.reason,
        decision.score,
        version,
        now_iso(),
    )


def judge(
    db: sqlite_utils.Database,
    items: Mapping[str, FeedItem],
    model: PrefilterModel | None,
) -> Judged:
    """Judge new feed items (by canonical URL; none of them a stored article) from their
    entries.

    An item on record as skipped, by this ``model`` and with the same title and summary,
    stays skipped without being judged again. Then every recorded item judged by another
    version is judged again (it need not be listed in a feed any more). With ``model``
    None (the profile switched the feed decision off) every item is fetched, the recorded
    ones included.
    """
    known = _rows(db, list(items))
    version = model.version if model is not None else None
    fetch: list[FeedItem] = []
    rows: list[tuple[object, ...]] = []
    skipped = 0
    for canonical, item in items.items():
        row = known.get(canonical)
        if row is not None and row == (version, item.title or "", item.summary or ""):
            continue
        if model is None:
            fetch.append(item)
            continue
        decision = decide(item, model)
        if decision.fetch:
            fetch.append(item)
        else:
            rows.append(_row(canonical, item, decision, model.version))
            skipped += row is None
    db.conn.executemany(_UPSERT, rows)
    fetch.extend(_judge_again(db, model, set(items)))
    return Judged(fetch, skipped)


def _judge_again(
    db: sqlite_utils.Database, model: PrefilterModel | None, listed: set[str]
) -> list[FeedItem]:
    """Recorded items judged by another version: those now worth fetching (their rows
    stay until the article is stored); the others are recorded under this version."""
    version = model.version if model is not None else ""
    out: list[FeedItem] = []
    rows: list[tuple[object, ...]] = []
    sql = (
        f"select canonical_url, url, feed_url, title, summary, categories, published, "
        f"updated, guid from {TABLE} where decided_by != ?"
    )
    for canonical, url, feed_url, title, summary, cats, published, updated, guid in list(
        db.execute(sql, [version])
    ):
        if canonical in listed:
            continue
        item = FeedItem(
            feed_url=feed_url or "",
            url=url,
            title=title,
            published=published,
            updated=updated,
            summary=summary,
            guid=guid,
            categories=tuple(json.loads(cats or "[]")),
        )
        if model is None:
            out.append(item)
            continue
        decision = decide(item, model)
        if decision.fetch:
            out.append(item)
        else:
            rows.append(_row(canonical, item, decision, model.version))
    db.conn.executemany(_UPSERT, rows)
    return out


def forget(db: sqlite_utils.Database, urls: Iterable[str]) -> None:
    """The article of these URLs is stored: it is no longer a skipped item."""
    canonicals = list(dict.fromkeys(canonicalize_url(u) for u in urls if u))
    if canonicals and db[TABLE].exists():
        marks = ",".join("?" * len(canonicals))
        db.execute(f"delete from {TABLE} where canonical_url in ({marks})", canonicals)
