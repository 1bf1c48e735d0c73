"""Reads and writes of the core tables: articles, feeds, runs, failures.

Functions here never BEGIN or COMMIT on their own, except where the name says so
(``load_seeds``): the caller wraps a batch in ``db.atomic()`` so a batch is written
whole or not at all.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from extractors.dedupe import content_hash
from extractors.seeds import SeedDoc, parse_seed
from newsmon.db import insert_row, now_iso
from newsmon.profile import TopicProfile

LOGGER = logging.getLogger(__name__)

#: How many times a retryable failure is retried (once per run) before giving up.
MAX_ATTEMPTS = 5


# ----------------------------------------------------------------------------- seeds


def load_seeds(db: sqlite_utils.Database, profile: TopicProfile) -> list[int]:
    """Insert the profile's seed documents as ``status='seed'`` articles (idempotent).

    Returns the ids of the seed articles that were inserted by this call.
    """
    inserted: list[int] = []
    docs: list[SeedDoc] = []
    for path in profile.seed_paths:
        docs.append(parse_seed(Path(path).read_text(encoding="utf-8"), Path(path).name))
    with db.atomic():
        for doc in docs:
            existing = article_id_by_url(db, doc.url)
            if existing is not None:
                continue
            row = {
                "url": doc.url,
                "canonical_url": doc.url,
                "title": doc.title,
                "source": "seed corpus",
                "published": doc.published,
                "fetched_at": now_iso(),
                "text": doc.text,
                "content_hash": content_hash(doc.text),
                "status": "seed",
                "relevance": 1.0,
                "word_count": len(doc.text.split()),
                "revision": 1,
            }
            inserted.append(insert_row(db, "articles", row))
    return inserted


# ----------------------------------------------------------------------------- articles


def article_id_by_url(db: sqlite_utils.Database, url: str) -> int | None:
    """The article at ``url`` (as its URL or canonical URL): the page fetched from it
    first, else an original before a copy whose canonical link points there."""
    row = db.execute(
        "select id from articles where url = ? or canonical_url = ?"
        " order by url = ? desc, status = 'duplicate', id limit 1",
        [url, url, url],
    ).fetchone()
    return int(row[0]) if row else None


def article_urls(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, str]:
    """The URL each of ``ids`` was fetched from."""
    out: dict[int, str] = {}
    id_list = list(ids)
    for i in range(0, len(id_list), 500):
        chunk = id_list[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for aid, url in db.execute(f"select id, url from articles where id in ({marks})", chunk):
            out[int(aid)] = url
    return out


def article_id_by_hash(db: sqlite_utils.Database, digest: str) -> int | None:
    row = db.execute(
        "select id from articles where content_hash = ? and status != 'duplicate' "
        "order by id limit 1",
        [digest],
    ).fetchone()
    return int(row[0]) if row else None


def known_urls(db: sqlite_utils.Database, urls: Iterable[str]) -> dict[str, int]:
    """Map each of ``urls`` already stored (as url or canonical_url) to its article id
    (an original before its copies)."""
    wanted = list(dict.fromkeys(urls))
    found: dict[str, int] = {}
    for i in range(0, len(wanted), 400):
        chunk = wanted[i : i + 400]
        marks = ",".join("?" * len(chunk))
        for url, canonical, aid in db.execute(
            f"select url, canonical_url, id from articles "
            f"where url in ({marks}) or canonical_url in ({marks})"
            " order by status = 'duplicate', id",
            chunk + chunk,
        ):
            for u in (url, canonical):
                if u in chunk and u not in found:
                    found[u] = int(aid)
    return found


def article_versions(db: sqlite_utils.Database, ids: Iterable[int]) -> dict[int, str | None]:
    """The feed stamp (<updated> or <published>) each article had when last fetched."""
    out: dict[int, str | None] = {}
    id_list = list(ids)
    for i in range(0, len(id_list), 500):
        chunk = id_list[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for aid, stamp in db.execute(
            f"select id, feed_updated from articles where id in ({marks})",
            chunk,
        ):
            out[int(aid)] = stamp
    return out


# ----------------------------------------------------------------------------- feeds


@dataclass(frozen=True)
class FeedState:
    url: str
    etag: str | None
    last_modified: str | None
    consecutive_failures: int
    retry_after: str | None


def feed_state(db: sqlite_utils.Database, url: str) -> FeedState:
    row = db.execute(
        "select etag, last_modified, consecutive_failures, retry_after from feeds where url = ?",
        [url],
    ).fetchone()
    if row is None:
        return FeedState(url, None, None, 0, None)
    return FeedState(url, row[0], row[1], int(row[2] or 0), row[3])


def record_feed_poll(
    db: sqlite_utils.Database,
    url: str,
    *,
    name: str | None,
    status: int | None,
    etag: str | None = None,
    last_modified: str | None = None,
    error: str | None = None,
    retry_after: str | None = None,
    polled_at: str | None = None,
) -> None:
    """Remember what a poll of ``url`` returned. A failure keeps the previous validators."""
    previous = feed_state(db, url)
    ok = error is None
    db.table("feeds").upsert(
        {
            "url": url,
            "name": name,
            "etag": etag if ok else previous.etag,
            "last_modified": last_modified if ok else previous.last_modified,
            "last_polled_at": polled_at or now_iso(),
            "last_status": status,
            "last_error": error,
            "consecutive_failures": 0 if ok else previous.consecutive_failures + 1,
            "retry_after": retry_after,
        },
        pk="url",
    )


# ----------------------------------------------------------------------------- failures


@dataclass(frozen=True)
class PendingFailure:
    url: str
    stage: str
    attempts: int
    feed_url: str | None


def record_failure(
    db: sqlite_utils.Database,
    url: str,
    stage: str,
    error: str,
    *,
    retryable: bool,
    feed_url: str | None = None,
    at: str | None = None,
) -> None:
    """Record (or count another attempt of) a failure. Nothing that failed is forgotten."""
    at = at or now_iso()
    db.execute(
        """
        insert into failures (url, stage, error, retryable, attempts, first_attempt_at,
                              last_attempt_at, resolved_at, feed_url)
        values (?, ?, ?, ?, 1, ?, ?, null, ?)
        on conflict(url, stage) do update set
            error = excluded.error,
            retryable = excluded.retryable,
            attempts = failures.attempts + 1,
            last_attempt_at = excluded.last_attempt_at,
            resolved_at = null,
            feed_url = coalesce(excluded.feed_url, failures.feed_url)
        """,
        [url, stage, error[:2000], int(retryable), at, at, feed_url],
    )


def resolve_failures(db: sqlite_utils.Database, url: str, *, at: str | None = None) -> int:
    """Mark every open failure of ``url`` resolved; returns how many were."""
    cur = db.execute(
        "update failures set resolved_at = ? where url = ? and resolved_at is null",
        [at or now_iso(), url],
    )
    return cur.rowcount


def pending_failures(
    db: sqlite_utils.Database, stages: Sequence[str], *, max_attempts: int = MAX_ATTEMPTS
) -> list[PendingFailure]:
    """Unresolved, retryable failures at ``stages`` that have attempts left."""
    marks = ",".join("?" * len(stages))
    rows = db.execute(
        f"select url, stage, attempts, feed_url from failures where resolved_at is null "
        f"and retryable = 1 and attempts < ? and stage in ({marks}) order by id",
        [max_attempts, *stages],
    ).fetchall()
    return [PendingFailure(r[0], r[1], int(r[2]), r[3]) for r in rows]


def given_up(
    db: sqlite_utils.Database,
    urls: Iterable[str],
    stages: Sequence[str],
    *,
    max_attempts: int = MAX_ATTEMPTS,
) -> set[str]:
    """Those of ``urls`` whose failure at ``stages`` is permanent (a 404, a PDF) or has
    used up its attempts: not fetched again when a feed lists them again."""
    wanted = list(dict.fromkeys(urls))
    stage_marks = ",".join("?" * len(stages))
    found: set[str] = set()
    for i in range(0, len(wanted), 400):
        chunk = wanted[i : i + 400]
        marks = ",".join("?" * len(chunk))
        for (url,) in db.execute(
            f"select url from failures where resolved_at is null and url in ({marks}) "
            f"and stage in ({stage_marks}) and (retryable = 0 or attempts >= ?)",
            [*chunk, *stages, max_attempts],
        ):
            found.add(url)
    return found


# ----------------------------------------------------------------------------- runs


@dataclass
class RunCounts:
    """What one monitor run did. Mutable while the run goes on; stored at the end."""

    feeds_polled: int = 0
    feeds_not_modified: int = 0
    items_seen: int = 0
    skipped_off_topic: int = 0  # not fetched: the feed entry is off the topic
    new_articles: int = 0
    relevant: int = 0
    duplicates: int = 0
    off_topic: int = 0
    updated_articles: int = 0
    events: int = 0
    alerts: int = 0
    errors: int = 0
    retried: int = 0
    error_messages: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def start_run(db: sqlite_utils.Database, topic: str) -> int:
    with db.atomic():
        return insert_row(
            db, "runs", {"started_at": now_iso(), "status": "running", "topic": topic}
        )


def finish_run(
    db: sqlite_utils.Database, run_id: int, counts: RunCounts, *, status: str, summary: str
) -> None:
    with db.atomic():
        db.table("runs").update(
            run_id,
            {
                "finished_at": now_iso(),
                "status": status,
                "feeds_polled": counts.feeds_polled,
                "items_seen": counts.items_seen,
                "skipped_off_topic": counts.skipped_off_topic,
                "new_articles": counts.new_articles,
                "duplicates": counts.duplicates,
                "off_topic": counts.off_topic,
                "events": counts.events,
                "alerts": counts.alerts,
                "errors": counts.errors,
                "summary": summary,
                "details": json.dumps(counts.as_dict(), sort_keys=True),
            },
            alter=True,
        )
