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
from collections.abc import Iterable, Sequence
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


def recorded(db: sqlite_utils.Database, urls: Iterable[str]) -> set[str]:
    """The canonical forms of ``urls`` that are on record as skipped."""
    return set(_rows(db, list(dict.fromkeys(canonicalize_url(u) for u in urls))))


def _record(
    db: sqlite_utils.Database,
    item: FeedItem,
    decision: FeedDecision,
    model: PrefilterModel,
) -> None:
    db.table(TABLE).upsert(
        {
            "canonical_url": canonicalize_url(item.url),
            "url": item.url,
            "feed_url": item.feed_url,
            "title": item.title,
            "summary": item.summary,
            "categories": json.dumps(list(item.categories)),
            "published": item.published,
            "updated": item.updated,
            "guid": item.guid,
            "status": "off_topic",
            "reason": decision.reason,
            "score": decision.score,
            "decided_by": model.version,
            "decided_at": now_iso(),
        },
        pk="canonical_url",
    )


def judge(
    db: sqlite_utils.Database,
    items: Sequence[FeedItem],
    model: PrefilterModel | None,
) -> Judged:
    """Judge new feed items (none of them a stored article) from their entries.

    An item on record as skipped, by this ``model`` and with the same title and summary,
    stays skipped without being judged again. Then every recorded item judged by another
    version is judged again (it need not be listed in a feed any more). With ``model``
    None (the profile switched the feed decision off) every item is fetched, the recorded
    ones included.
    """
    by_canonical = {canonicalize_url(i.url): i for i in items}
    known = _rows(db, list(by_canonical))
    version = model.version if model is not None else None
    fetch: list[FeedItem] = []
    skipped = 0
    for canonical, item in by_canonical.items():
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
            _record(db, item, decision, model)
            skipped += row is None
    fetch.extend(_judge_again(db, model, set(by_canonical)))
    return Judged(fetch, skipped)


def _judge_again(
    db: sqlite_utils.Database, model: PrefilterModel | None, listed: set[str]
) -> list[FeedItem]:
    """Recorded items judged by another version: those now worth fetching (their rows
    stay until the article is stored); the others are recorded under this version."""
    version = model.version if model is not None else ""
    out: list[FeedItem] = []
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
            _record(db, item, decision, model)
    return out


def forget(db: sqlite_utils.Database, urls: Iterable[str]) -> None:
    """The article of these URLs is stored: it is no longer a skipped item."""
    canonicals = list(dict.fromkeys(canonicalize_url(u) for u in urls if u))
    if canonicals and db[TABLE].exists():
        marks = ",".join("?" * len(canonicals))
        db.execute(f"delete from {TABLE} where canonical_url in ({marks})", canonicals)
