"""Storing extracted events and clustering them across articles.

:func:`store_events` writes one article's events and gives each a ``cluster_id``: the
same real-world event reported by ten outlets is one cluster with ten mentions (see the
``event_clusters`` table, migration ``m0200``). It never begins or commits a
transaction -- it runs inside the caller's, so an article and its events are written
together or not at all -- and it is idempotent: the unique index on (article_id,
evidence_start, event_type, extractor_version) means storing the same events twice
returns the same ids and changes nothing.

Clustering is conservative (precision over recall: merging two different events is
worse than reporting one event twice). An event joins an existing cluster when

- the event type is the same and the actor is the same (both unknown counts as the
  same only when the place is known and equal);
- target and location agree where both are known (a place agrees with the places the
  profile says contain it, ``within``; a target with the actors it is ``part_of``);
- the dates are within :data:`DATE_TOLERANCE_DAYS` of each other; an event without a
  date joins only a cluster without a date whose reports are within
  :data:`UNDATED_WINDOW_DAYS` of this article's publication. A date known only to the
  week ("last week": ``extra`` ``date_precision`` ``week``, stored as the week's Monday)
  stands for any of its seven days, on the event and on the cluster (its
  ``date_precision`` column, from the report that created it).

Among several candidates the one whose date is closest wins (then the oldest). A match
on a week-only date counts when no exact date matches and it is the only one: "Perry
blocked the deployment last week" joins the one ruling of hers that week, and none if
there were two.
"""

from __future__ import annotations

import json
import logging
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

import sqlite_utils

from extractors.cast import GENERIC_KEYS
from extractors.records import Event
from newsmon.db import now_iso

LOGGER = logging.getLogger(__name__)

#: Reports of one event may date it a day apart ("Friday night" / "Saturday").
DATE_TOLERANCE_DAYS = 1
#: Undated reports of one event: within a day of the cluster's first report (measured
#: from the first report, so a cluster cannot creep forward one report at a time).
UNDATED_WINDOW_DAYS = 1
#: Days after ``event_date`` on which an event may have happened, by date precision:
#: an exact day, or the seven days of a week given as "last week" (its Monday).
DATE_SPAN_DAYS = {"week": 6}
_MAX_SPAN_DAYS = max(DATE_SPAN_DAYS.values())


def date_precision(e: Event) -> str | None:
    """``"week"`` when the event's date is only the week's Monday, else ``None``."""
    value = dict(e.extra).get("date_precision")
    return value if value in DATE_SPAN_DAYS else None


def _date_distance(day: date, span: int, other: date, other_span: int) -> int:
    """Days between two date ranges (0 when they overlap)."""
    return max(0, (other - day).days - span, (day - other).days - other_span)


@dataclass(frozen=True)
class StoredEvents:
    """What :func:`store_events` did.

    ``event_ids``: the ids of the given events, in order (existing rows included).
    ``new_cluster_ids``: clusters created by this call (a ``NEW_EVENT`` each).
    ``joined_cluster_ids``: clusters that existed before and gained a report.
    """

    event_ids: tuple[int, ...]
    new_cluster_ids: tuple[int, ...]
    joined_cluster_ids: tuple[int, ...]


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
        except ValueError:
            return None


def _article_info(db: sqlite_utils.Database, article_id: int) -> tuple[str | None, str | None, int]:
    """(first-reported time, source, current revision) of an article."""
    row = db.execute(
        "SELECT coalesce(published, fetched_at), source, revision FROM articles WHERE id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        return None, None, 1
    return row[0], row[1], int(row[2] or 1)


#: Connections known to have ``events.revision``. Only a positive answer is kept (a
#: migration may add the column to an open database; nothing removes it), so the PRAGMA
#: runs once per connection instead of once per stored article.
_REVISION_KNOWN: weakref.WeakKeyDictionary[sqlite_utils.Database, bool] = (
    weakref.WeakKeyDictionary()
)


def _has_revision(db: sqlite_utils.Database) -> bool:
    """Whether ``events`` has a ``revision`` column (migration m0003): events of a
    rewritten article are then keyed by the revision their offsets point into."""
    if _REVISION_KNOWN.get(db):
        return True
    found = any(r[1] == "revision" for r in db.execute("PRAGMA table_info(events)").fetchall())
    if found:
        _REVISION_KNOWN[db] = True
    return found


def _existing_events(
    db: sqlite_utils.Database, article_id: int, revision: int | None
) -> dict[tuple[int, str, str], int]:
    """The article's stored events by their unique key (evidence_start, type, version)."""
    sql = (
        "SELECT id, evidence_start, event_type, extractor_version FROM events WHERE article_id = ?"
    )
    params: list[object] = [article_id]
    if revision is not None:
        sql += " AND revision = ?"
        params.append(revision)
    return {(int(r[1]), r[2], r[3]): int(r[0]) for r in db.execute(sql, params).fetchall()}


_EVENT_COLUMNS = (
    "id, article_id, event_type, actor, action, target, location, event_date, quantity,"
    " quantity_value, quantity_unit, evidence, evidence_start, evidence_end, confidence,"
    " extractor_version, created_at, date_is_planned, extra, cluster_id"
)

#: Rows per INSERT statement (21 columns each, within SQLite's 32,766 parameters).
_ROWS_PER_INSERT = 500


class _EventRows:
    """Events of one article waiting to be inserted, with the ids they will have.

    An ``INSERT`` statement into ``events`` costs about six times more per row when it
    writes one row than when it writes twenty (the full-text index's trigger pays per
    statement), so the rows go in together: at :meth:`flush`, which runs before anything
    reads ``events`` again. Their ids are the ones SQLite would have given them one by
    one (the largest id so far, plus one), so they are known at once."""

    def __init__(self, db: sqlite_utils.Database, revision: int | None) -> None:
        self.db = db
        self.revision = revision
        self.next_id: int | None = None  # read at the first row
        self.rows: list[list[object]] = []
        self.firsts: list[tuple[int, int]] = []  # (event id, new cluster id)

    def add(
        self, article_id: int, e: Event, created_at: str, cluster_id: int, *, first: bool
    ) -> int:
        """Queue the event's row; ``first``: the cluster was created for it, and has it
        as its first event (set at the flush: the column refers to ``events``)."""
        if self.next_id is None:
            self.next_id = int(
                self.db.execute("SELECT coalesce(max(id), 0) + 1 FROM events").fetchone()[0]
            )
        event_id = self.next_id
        self.next_id += 1
        if first:
            self.firsts.append((event_id, cluster_id))
        row: list[object] = [
            event_id,
            article_id,
            e.event_type,
            e.actor,
            e.action,
            e.target,
            e.location,
            e.event_date,
            e.quantity,
            e.quantity_value,
            e.quantity_unit,
            e.evidence,
            e.evidence_start,
            e.evidence_end,
            e.confidence,
            e.extractor_version,
            created_at,
            int(e.date_is_planned),
            json.dumps(dict(e.extra), sort_keys=True) if e.extra else None,
            cluster_id,
        ]
        if self.revision is not None:
            row.append(self.revision)
        self.rows.append(row)
        return event_id

    def flush(self) -> None:
        columns = _EVENT_COLUMNS + (", revision" if self.revision is not None else "")
        for k in range(0, len(self.rows), _ROWS_PER_INSERT):
            batch = self.rows[k : k + _ROWS_PER_INSERT]
            marks = "(" + ", ".join("?" * len(batch[0])) + ")"
            self.db.execute(
                f"INSERT INTO events ({columns}) VALUES {', '.join([marks] * len(batch))}",
                [v for row in batch for v in row],
            )
        if self.firsts:
            self.db.conn.executemany(
                "UPDATE event_clusters SET first_event_id = ? WHERE id = ?", self.firsts
            )
        self.rows.clear()
        self.firsts.clear()


def _nested(a: str | None, b: str | None, containing: Mapping[str, frozenset[str]]) -> bool:
    """Two reports' places, or targets, fit one event: equal, one unknown, or one
    within the other ("Elwood" and "Illinois", "Donald Trump" and the "Trump
    administration"; not "Chicago" and "Portland", nor two Chicago neighbourhoods)."""
    if a is None or b is None or a == b:
        return True
    return a in containing.get(b, ()) or b in containing.get(a, ())


def find_cluster(
    db: sqlite_utils.Database,
    e: Event,
    reported: str | None,
    containing: Mapping[str, frozenset[str]] | None = None,
) -> int | None:
    """The existing cluster that ``e`` (reported at ``reported``) belongs to, if any;
    ``containing`` as in :func:`store_events`."""
    if e.actor is None and e.location is None:
        return None  # "agents fired tear gas" with no place: too vague to match
    day = _day(e.event_date)
    span = DATE_SPAN_DAYS.get(date_precision(e) or "", 0)
    rep_day = _day(reported)
    sql = (
        "SELECT id, target, location, event_date, first_reported, date_precision"
        " FROM event_clusters WHERE event_type = ? AND actor IS ?"
    )
    params: list[object] = [e.event_type, e.actor]
    # Narrow by date in SQL (the exact rules follow in Python), so the query does not
    # return every cluster an actor has ever had. A cluster dated to a week is stored
    # under its Monday, up to six days before the day it may match.
    if day is not None:
        sql += " AND event_date BETWEEN ? AND ?"
        params += [
            (day - timedelta(days=DATE_TOLERANCE_DAYS + _MAX_SPAN_DAYS)).isoformat(),
            (day + timedelta(days=DATE_TOLERANCE_DAYS + span)).isoformat(),
        ]
    elif rep_day is not None:
        sql += " AND event_date IS NULL AND substr(first_reported, 1, 10) BETWEEN ? AND ?"
        params += [
            (rep_day - timedelta(days=UNDATED_WINDOW_DAYS)).isoformat(),
            (rep_day + timedelta(days=UNDATED_WINDOW_DAYS)).isoformat(),
        ]
    else:
        return None
    rows = db.execute(sql, params).fetchall()
    best: tuple[int, int] | None = None  # (distance in days, cluster id)
    by_week: set[int] = set()  # clusters matched on a date known only to the week
    for cid, target, location, cdate, first_rep, cprecision in rows:
        if not (
            _nested(target, e.target, containing or {})
            and _nested(location, e.location, containing or {})
        ):
            continue
        if e.actor is None and location != e.location:
            continue
        cday = _day(cdate)
        if day is not None and cday is not None:
            cspan = DATE_SPAN_DAYS.get(cprecision or "", 0)
            dist = _date_distance(day, span, cday, cspan)
            if dist > DATE_TOLERANCE_DAYS:
                continue
            if span or cspan:
                by_week.add(int(cid))
                continue
        elif day is None and cday is None:
            # Undated: only reports close in time, and only on an exact key.
            if target != e.target or location != e.location:
                continue
            first = _day(first_rep)
            if rep_day is None or first is None:
                continue
            if abs((rep_day - first).days) > UNDATED_WINDOW_DAYS:
                continue
            dist = 0
        else:
            continue  # one dated, one not: cannot tell
        if best is None or (dist, cid) < best:
            best = (dist, int(cid))
    if best is None and len(by_week) == 1:
        return by_week.pop()  # when "last week" fits several, do not guess which
    if (
        best is None
        and day is None
        and e.actor is not None
        and rep_day is not None
        and e.event_type in BACKREF_TYPES
    ):
        return _back_reference(db, e, rep_day, containing)
    if best is None and day is not None and e.actor is not None and e.event_type in BACKREF_TYPES:
        return _undated_first_report(db, e, day, span, containing)
    return None if best is None else best[1]


def _undated_first_report(
    db: sqlite_utils.Database,
    e: Event,
    day: date,
    span: int = 0,
    containing: Mapping[str, frozenset[str]] | None = None,
) -> int | None:
    """A dated report of a one-off event whose first report gave no date ("issued a
    restraining order", in a story published that day) joins that undated cluster when
    it was first reported between the day before and two days after the event date (for
    a date known only to the week, ``span`` days later: its last day; and then only when
    one such cluster fits)."""
    rows = db.execute(
        "SELECT id, target, location FROM event_clusters WHERE event_type = ? AND actor = ?"
        " AND event_date IS NULL AND substr(first_reported, 1, 10) BETWEEN ? AND ?"
        " ORDER BY first_reported, id",
        [
            e.event_type,
            e.actor,
            (day - timedelta(days=1)).isoformat(),
            (day + timedelta(days=2 + span)).isoformat(),
        ],
    ).fetchall()
    fits = [
        int(cid)
        for cid, target, location in rows
        if _nested(target, e.target, containing or {})
        and _nested(location, e.location, containing or {})
    ]
    if span and len(fits) > 1:
        return None
    return fits[0] if fits else None


#: How far back an undated mention may refer to an earlier report of the same event.
BACKREF_WINDOW_DAYS = 30
#: Kinds of event that happen once and are then referred back to ("Perry's order").
#: Statements, raids, protests and uses of force recur: an undated "ICE arrested" is
#: as likely a new raid as an old one, so those never join by back-reference.
BACKREF_TYPES = frozenset(
    {"COURT_RULING", "DEPLOY", "EXECUTIVE_ORDER", "LAWSUIT", "LEGISLATION", "ANNOUNCE_PLAN"}
)


def _back_reference(
    db: sqlite_utils.Database,
    e: Event,
    rep_day: date,
    containing: Mapping[str, frozenset[str]] | None = None,
) -> int | None:
    """An undated mention of something already reported ("Perry's order", "after Trump
    federalized the Guard") joins that earlier cluster: the most recent one with the
    same type and actor, a compatible target, first reported within the last
    ``BACKREF_WINDOW_DAYS`` days, dated clusters (the original report) first. Without
    this, every later article that mentions an event in passing alerts it again."""
    rows = db.execute(
        "SELECT id, target FROM event_clusters WHERE event_type = ? AND actor = ?"
        " AND substr(first_reported, 1, 10) BETWEEN ? AND ?"
        " ORDER BY event_date IS NULL, last_reported DESC, id DESC",
        [
            e.event_type,
            e.actor,
            (rep_day - timedelta(days=BACKREF_WINDOW_DAYS)).isoformat(),
            rep_day.isoformat(),
        ],
    ).fetchall()
    for cid, target in rows:
        if _nested(target, e.target, containing or {}):
            return int(cid)
    return None


def _create_cluster(
    db: sqlite_utils.Database,
    e: Event,
    event_id: int | None,
    article_id: int,
    reported: str | None,
    source: str | None,
    now: str,
) -> int:
    cur = db.execute(
        "INSERT INTO event_clusters (event_type, actor, target, location, event_date,"
        " date_precision, first_event_id, first_article_id, first_source, first_reported,"
        " last_reported, mentions, articles, sources, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 1, 1, ?, ?)",
        [
            e.event_type,
            e.actor,
            e.target,
            e.location,
            e.event_date,
            date_precision(e) if e.event_date else None,
            event_id,
            article_id,
            source,
            reported,
            reported,
            now,
            now,
        ],
    )
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


def refresh_cluster(db: sqlite_utils.Database, cluster_id: int, now: str | None = None) -> None:
    """Recount a cluster's mentions, articles and sources and find its first report.

    The definition of those columns. :func:`store_events` keeps them up to date
    incrementally (:func:`_add_reports`); this recount repairs a cluster whose events
    were changed by hand, and the tests compare the two."""
    row = db.execute(
        "SELECT count(*), count(DISTINCT e.article_id),"
        " count(DISTINCT coalesce(a.source, 'article:' || a.id)),"
        " max(coalesce(a.published, a.fetched_at))"
        " FROM events e JOIN articles a ON a.id = e.article_id WHERE e.cluster_id = ?",
        [cluster_id],
    ).fetchone()
    first = db.execute(
        "SELECT e.id, a.id, a.source, coalesce(a.published, a.fetched_at)"
        " FROM events e JOIN articles a ON a.id = e.article_id WHERE e.cluster_id = ?"
        " ORDER BY coalesce(a.published, a.fetched_at, '~'), e.id LIMIT 1",
        [cluster_id],
    ).fetchone()
    if row is None or first is None:
        return
    db.execute(
        "UPDATE event_clusters SET mentions = ?, articles = ?, sources = ?, last_reported = ?,"
        " first_event_id = ?, first_article_id = ?, first_source = ?, first_reported = ?,"
        " updated_at = ? WHERE id = ?",
        [
            row[0],
            row[1],
            row[2],
            row[3],
            first[0],
            first[1],
            first[2],
            first[3],
            now or now_iso(),
            cluster_id,
        ],
    )


def _add_reports(
    db: sqlite_utils.Database,
    cluster_id: int,
    article_id: int,
    added: int,
    first_event_id: int,
    created: bool,
    reported: str | None,
    source: str | None,
    now: str,
) -> None:
    """Update a cluster's counts for ``added`` events of one article just inserted into
    it (ids from ``first_event_id`` up), without recounting all its events: what
    :func:`refresh_cluster` would write, since events are only ever added. A recount
    reads every event of the cluster, three times; a widely reported event has
    hundreds. ``tests/test_events_store.py`` checks the two agree."""
    if created:
        # Created here with the first of these events: 1 article, 1 source, this
        # article as first and last report are already right.
        if added > 1:
            db.execute(
                "UPDATE event_clusters SET mentions = ?, updated_at = ? WHERE id = ?",
                [added, now, cluster_id],
            )
        return
    row = db.execute(
        "SELECT first_reported, first_event_id, last_reported,"
        " EXISTS(SELECT 1 FROM events WHERE cluster_id = :c AND article_id = :a AND id < :f),"
        " EXISTS(SELECT 1 FROM events e JOIN articles a ON a.id = e.article_id"
        "        WHERE e.cluster_id = :c AND e.id < :f"
        "        AND coalesce(a.source, 'article:' || a.id) = :s)"
        " FROM event_clusters WHERE id = :c",
        {"c": cluster_id, "a": article_id, "f": first_event_id,
         "s": source if source is not None else f"article:{article_id}"},
    ).fetchone()  # fmt: skip
    if row is None:
        return
    first_reported, first_id, last_reported, article_known, source_known = row
    sets = ["mentions = mentions + ?", "updated_at = ?"]
    params: list[object] = [added, now]
    if not article_known:
        sets.append("articles = articles + 1")
    if not source_known:
        sets.append("sources = sources + 1")
    if reported is not None and (last_reported is None or reported > last_reported):
        sets.append("last_reported = ?")
        params.append(reported)
    # The first report: earliest (published or fetched, unknown last), then lowest id.
    if (reported or "~", first_event_id) < (first_reported or "~", first_id or 0):
        sets += ["first_event_id = ?", "first_article_id = ?", "first_source = ?",
                 "first_reported = ?"]  # fmt: skip
        params += [first_event_id, article_id, source, reported]
    db.execute(f"UPDATE event_clusters SET {', '.join(sets)} WHERE id = ?", [*params, cluster_id])


def same_role_cluster(
    db: sqlite_utils.Database,
    e: Event,
    containing: Mapping[str, frozenset[str]] | None = None,
    *,
    before_reading: Callable[[], None] | None = None,
) -> int | None:
    """An unnamed doer ("a federal judge", "federal agents") and a named one of the same
    role ("U.S. District Judge April Perry", "ICE") are one doer when everything else
    agrees: same type, dates within a day (both given by the text), compatible places,
    and exactly one such cluster."""
    day = _day(e.event_date)
    role = dict(e.extra).get("actor_role")
    generic = GENERIC_KEYS.get(role or "")
    if day is None or generic is None or e.actor is None:
        return None
    lo = (day - timedelta(days=DATE_TOLERANCE_DAYS)).isoformat()
    hi = (day + timedelta(days=DATE_TOLERANCE_DAYS)).isoformat()
    if before_reading is not None:
        before_reading()  # events not yet written that this reads
    if e.actor == generic:
        rows = db.execute(
            "SELECT c.id, c.target, c.location, e.extra FROM event_clusters c"
            " JOIN events e ON e.id = c.first_event_id"
            " WHERE c.event_type = ? AND c.actor != ? AND c.event_date BETWEEN ? AND ?",
            [e.event_type, generic, lo, hi],
        ).fetchall()
        rows = [r for r in rows if (json.loads(r[3] or "{}") or {}).get("actor_role") == role]
    else:
        rows = db.execute(
            "SELECT id, target, location, NULL FROM event_clusters"
            " WHERE event_type = ? AND actor = ? AND event_date BETWEEN ? AND ?",
            [e.event_type, generic, lo, hi],
        ).fetchall()
    # Targets are the texts' own words ("agents", "immigration agents"): only the place
    # must agree, and exactly one cluster must fit.
    fits = {
        int(cid) for cid, _target, location, _ in rows
        if _nested(location, e.location, containing or {})
    }  # fmt: skip
    return fits.pop() if len(fits) == 1 else None


def cluster_view(e: Event) -> Event:
    """The event as clustering compares it: the doer by its key (the profile's canonical
    name, a person's name, or a group's role), not by the words of this article
    ("Illinois Gov. JB Pritzker" and "Pritzker" are one doer); and only a date the
    sentence gives (a date inferred from the article's context, ``extra["date_from"]``,
    is a reader's guess: clustering treats the event as undated)."""
    extra = dict(e.extra)
    key = extra.get("actor_key")
    if key and key != e.actor:
        e = replace(e, actor=key)
    if extra.get("date_from") and e.event_date is not None:
        e = replace(e, event_date=None)
    return e


def store_events(
    db: sqlite_utils.Database,
    article_id: int,
    events: Sequence[Event],
    *,
    revision: int | None = None,
    containing: Mapping[str, frozenset[str]] | None = None,
) -> StoredEvents:
    """Write ``events`` of article ``article_id`` and cluster them; see the module doc.

    ``revision`` is the article revision whose text the evidence offsets point into
    (default: the article's current ``articles.revision``); it is stored when the
    ``events`` table has a ``revision`` column. ``containing`` maps a place or actor to
    the places or actors that contain it (``TopicProfile.containing``). Runs inside the
    caller's transaction (no BEGIN/COMMIT here). Idempotent.
    """
    now = now_iso()
    reported, source, current_revision = _article_info(db, article_id)
    if not _has_revision(db):
        revision = None
    elif revision is None:
        revision = current_revision
    event_ids: list[int] = []
    new_clusters: list[int] = []
    joined: list[int] = []
    touched: dict[int, int] = {}  # cluster id -> events of this call in it
    existing = _existing_events(db, article_id, revision) if events else {}
    inserted: dict[int, int] = {}  # event id -> cluster id, for events inserted here
    rows = _EventRows(db, revision)
    for e in events:
        key = (e.evidence_start, e.event_type, e.extractor_version)
        if key in existing:
            event_ids.append(existing[key])
            continue
        ce = cluster_view(e)
        cid = find_cluster(db, ce, reported, containing)  # reads event_clusters only
        if cid is None:
            # (the same-role rule reads the events of the clusters: written first)
            cid = same_role_cluster(db, ce, containing, before_reading=rows.flush)
        if cid is None:
            # The new cluster first, so that the event is inserted with its cluster id:
            # updating an events row afterwards would re-index its evidence in
            # events_fts (the update trigger deletes and re-inserts the FTS entry).
            cid = _create_cluster(db, ce, None, article_id, reported, source, now)
            new_clusters.append(cid)
            event_id = rows.add(article_id, e, now, cid, first=True)
        else:
            event_id = rows.add(article_id, e, now, cid, first=False)
            if cid not in new_clusters and cid not in joined:
                joined.append(cid)
        existing[key] = event_id
        event_ids.append(event_id)
        inserted[event_id] = cid
        touched[cid] = touched.get(cid, 0) + 1
    rows.flush()
    first_new: dict[int, int] = {}  # cluster id -> its first event inserted here
    for eid, cid_of in inserted.items():
        first_new.setdefault(cid_of, eid)
    for cid in sorted(touched):
        _add_reports(db, cid, article_id, touched[cid], first_new[cid], cid in new_clusters,
                     reported, source, now)  # fmt: skip
    if new_clusters or joined:
        LOGGER.debug(
            "article %s: %d events, %d new clusters, %d joined",
            article_id, len(event_ids), len(new_clusters), len(joined),
        )  # fmt: skip
    return StoredEvents(tuple(event_ids), tuple(new_clusters), tuple(joined))
