"""Anchors learned from accepted articles: the story's new places and people.

A story moves: to a suburb the profile never listed, a courtroom, a candidate indicted
over a protest. The names that keep leading accepted articles from several outlets are
learned as anchors of the topic, so that later articles naming only them are kept.

The rule (``observe``, at every stored article, in the store transaction):

- The names of an article's title and lead (:func:`extractors.names.lead_names`) are
  recorded in ``learned_anchor_sources`` with the article and its outlet, as
  ``accepted`` evidence when the article was kept on the profile's own anchors (its
  anchors or the towns near them: an article kept only thanks to a learned anchor
  teaches nothing, so learned anchors never breed more), or as ``near_topic`` evidence
  when it had the topic's subject (its themes) but not its place: another city's story.
- A name becomes ``active`` when at least ``MIN_ARTICLES`` accepted articles from at
  least ``MIN_OUTLETS`` outlets led with it, and at most ``MAX_NEAR_SHARE`` of the
  articles that named it were near-topic stories (a commander who moves from city to
  city names the subject, not the place). It falls back to ``candidate`` if near-topic
  stories catch up.
- Never learned: the profile's own keywords, actors and places (a place the profile
  lists without making it an anchor, like another city of the same fight, stays out),
  the towns near the story (they count already) and the far places.
- A person can veto a name (``newsmon anchors --veto NAME``): it is never learned again,
  until allowed back (``--allow``). Everything is visible in Datasette:
  ``learned_anchors`` and the view ``learned_anchor_provenance``.

Active names take effect at the next run (:func:`learned_profile`, called after
``prepare``). Articles already judged are not judged again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import sqlite_utils

from extractors.names import lead_names
from extractors.records import Relevance
from extractors.relevance import centroid_of
from newsmon.db import now_iso
from newsmon.profile import TopicProfile
from newsmon.topic import region

LOGGER = logging.getLogger(__name__)

MIN_ARTICLES = 3
MIN_OUTLETS = 2
MAX_NEAR_SHARE = 0.25

ACCEPTED = "accepted"
NEAR_TOPIC = "near_topic"
CANDIDATE = "candidate"
ACTIVE = "active"
VETOED = "vetoed"


@dataclass(frozen=True)
class Counts:
    accepted: int
    outlets: int
    near_topic: int


def _known(profile: TopicProfile) -> frozenset[str]:
    """Names the profile already has a place for, casefolded (never learned)."""
    r = profile.relevance
    names = [*r.anchors, *r.themes, *r.negative]
    for a in profile.actors:
        names += [a.name, *a.aliases]
    for p in profile.places:
        names += [p.name, *p.aliases]
    where = region(profile)
    names += [*where.near, *where.ambiguous, *where.far, *where.home]
    return frozenset(n.casefold() for n in names)


_KNOWN: dict[TopicProfile, frozenset[str]] = {}


def learnable(profile: TopicProfile, name: str) -> bool:
    """Whether ``name`` may become an anchor of ``profile`` (see the module's rule)."""
    known = _KNOWN.get(profile)
    if known is None:
        known = _KNOWN[profile] = _known(profile)
    folded = name.casefold()
    return folded not in known and not any(w in known for w in _parts(folded))


def _parts(folded: str) -> list[str]:
    """The shorter runs of words inside a multi-word name: "naperville police department"
    holds "naperville", and a name that only adds words to a known one is that one."""
    words = folded.split()
    n = len(words)
    return [" ".join(words[i:j]) for i in range(n) for j in range(i + 1, n + 1) if j - i < n]


def evidence_kind(profile: TopicProfile, relevance: Relevance) -> str | None:
    """``accepted``, ``near_topic`` or None (the article teaches nothing)."""
    if relevance.relevant:
        own = set(relevance.anchor_hits) - set(relevance.learned_hits)
        return ACCEPTED if own else None
    if len(relevance.theme_hits) >= profile.relevance.min_theme_hits:
        return NEAR_TOPIC
    return None


def observe(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    article_id: int,
    relevance: Relevance,
    *,
    title: str | None,
    text: str,
    outlet: str,
    now: str | None = None,
) -> list[str]:
    """Record what a stored article teaches; return the names that became active.
    Runs inside the caller's transaction; idempotent (one row per name and article)."""
    if not profile.relevance.learn:
        return []
    kind = evidence_kind(profile, relevance)
    if kind is None:
        return []
    now = now or now_iso()
    names = [n for n in lead_names(text, title) if learnable(profile, n)]
    became = []
    for name in names:
        cur = db.execute(
            "INSERT OR IGNORE INTO learned_anchor_sources"
            " (topic, term, article_id, outlet, kind, observed_at) VALUES (?, ?, ?, ?, ?, ?)",
            [profile.id, name, article_id, outlet, kind, now],
        )
        if cur.rowcount and refresh(db, profile.id, name, now) == ACTIVE:
            became.append(name)
    if became:
        LOGGER.info("learned anchors for %s: %s", profile.id, ", ".join(became))
    return became


def forget(db: sqlite_utils.Database, article_id: int) -> None:
    """Drop what an article taught (it turned out to be a copy of another) and recount
    the names it showed."""
    rows = db.execute(
        "SELECT topic, term FROM learned_anchor_sources WHERE article_id = ?", [article_id]
    ).fetchall()
    if not rows:
        return
    db.execute("DELETE FROM learned_anchor_sources WHERE article_id = ?", [article_id])
    for topic, term in rows:
        refresh(db, topic, term)


def counts(db: sqlite_utils.Database, topic: str, term: str) -> Counts:
    accepted, outlets, near = db.execute(
        "SELECT"
        " count(CASE WHEN kind = ? THEN 1 END),"
        " count(DISTINCT CASE WHEN kind = ? THEN outlet END),"
        " count(CASE WHEN kind = ? THEN 1 END)"
        " FROM learned_anchor_sources WHERE topic = ? AND term = ?",
        [ACCEPTED, ACCEPTED, NEAR_TOPIC, topic, term],
    ).fetchone()
    return Counts(int(accepted), int(outlets), int(near))


def decide(c: Counts) -> tuple[str, str]:
    """(status, reason) of a name with these counts (a veto aside)."""
    seen = f"{c.accepted} accepted article(s) from {c.outlets} outlet(s), {c.near_topic} near-topic"
    if c.near_topic > MAX_NEAR_SHARE * (c.accepted + c.near_topic):
        return CANDIDATE, f"{seen}: it leads stories about the same subject elsewhere"
    if c.accepted < MIN_ARTICLES or c.outlets < MIN_OUTLETS:
        return CANDIDATE, f"{seen}: needs {MIN_ARTICLES} from {MIN_OUTLETS} outlets"
    return ACTIVE, seen


def refresh(db: sqlite_utils.Database, topic: str, term: str, now: str | None = None) -> str:
    """Recount a name's evidence and store its status; returns the status."""
    now = now or now_iso()
    c = counts(db, topic, term)
    row = db.execute(
        "SELECT status, learned_at FROM learned_anchors WHERE topic = ? AND term = ?",
        [topic, term],
    ).fetchone()
    if row is not None and row[0] == VETOED:
        status, reason, learned_at = VETOED, "vetoed by a person", row[1]
    else:
        status, reason = decide(c)
        learned_at = (row[1] if row else None) or (now if status == ACTIVE else None)
    db.execute(
        "INSERT INTO learned_anchors (topic, term, status, accepted_articles, outlets,"
        " near_topic_articles, reason, first_seen_at, learned_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(topic, term) DO UPDATE SET status = excluded.status,"
        " accepted_articles = excluded.accepted_articles, outlets = excluded.outlets,"
        " near_topic_articles = excluded.near_topic_articles, reason = excluded.reason,"
        " learned_at = excluded.learned_at, updated_at = excluded.updated_at",
        [topic, term, status, c.accepted, c.outlets, c.near_topic, reason, now, learned_at, now],
    )
    return status


def active(db: sqlite_utils.Database, topic: str) -> tuple[str, ...]:
    """The topic's learned anchors in force, sorted."""
    rows = db.execute(
        "SELECT term FROM learned_anchors WHERE topic = ? AND status = ? ORDER BY term",
        [topic, ACTIVE],
    ).fetchall()
    return tuple(r[0] for r in rows)


def learned_profile(
    profile: TopicProfile,
    terms: tuple[str, ...],
    centroid: tuple[tuple[str, float], ...] = (),
) -> TopicProfile:
    """``profile`` with ``terms`` as its learned anchors (the relevance model then
    counts them as anchors) and ``centroid`` as the accepted articles' centroid."""
    r = profile.relevance
    if terms == r.learned and centroid == r.accepted_centroid:
        return profile
    return replace(profile, relevance=replace(r, learned=terms, accepted_centroid=centroid))


#: The accepted articles whose centroid joins the seeds: the most recent ones.
CENTROID_ARTICLES = 200


def accepted_centroid(
    db: sqlite_utils.Database, limit: int = CENTROID_ARTICLES
) -> tuple[tuple[str, float], ...]:
    """The centroid of the most recently accepted articles' texts (seeds and copies
    excluded): similarity to what the monitor has accepted, as the story's words move."""
    rows = db.execute(
        "SELECT text FROM articles WHERE status = 'relevant' AND text IS NOT NULL"
        " ORDER BY coalesce(published, fetched_at) DESC, id DESC LIMIT ?",
        [limit],
    ).fetchall()
    return centroid_of(r[0] for r in rows)


def veto(db: sqlite_utils.Database, topic: str, term: str, *, note: str | None = None) -> None:
    """Never learn ``term`` for ``topic`` (also before it was ever seen)."""
    now = now_iso()
    c = counts(db, topic, term)
    db.execute(
        "INSERT INTO learned_anchors (topic, term, status, accepted_articles, outlets,"
        " near_topic_articles, reason, first_seen_at, vetoed_at, note, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(topic, term) DO UPDATE SET status = excluded.status,"
        " reason = excluded.reason, vetoed_at = excluded.vetoed_at,"
        " note = coalesce(excluded.note, learned_anchors.note), updated_at = excluded.updated_at",
        [
            topic,
            term,
            VETOED,
            c.accepted,
            c.outlets,
            c.near_topic,
            "vetoed by a person",
            now,
            now,
            note,
            now,
        ],
    )


def allow(db: sqlite_utils.Database, topic: str, term: str) -> str:
    """Lift a veto: the name is judged by the rule again. Returns its status."""
    db.execute(
        "UPDATE learned_anchors SET status = ?, vetoed_at = NULL WHERE topic = ? AND term = ?",
        [CANDIDATE, topic, term],
    )
    return refresh(db, topic, term)


def table(db: sqlite_utils.Database, topic: str) -> list[dict[str, object]]:
    """Every name of the topic, active first, for the CLI."""
    order = "CASE status WHEN 'active' THEN 0 WHEN 'vetoed' THEN 1 ELSE 2 END"
    cur = db.execute(
        "SELECT term, status, accepted_articles, outlets, near_topic_articles, reason"
        f" FROM learned_anchors WHERE topic = ? ORDER BY {order}, accepted_articles DESC, term",
        [topic],
    )
    keys = [d[0] for d in cur.description]
    return [dict(zip(keys, r, strict=True)) for r in cur.fetchall()]
