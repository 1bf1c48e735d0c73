"""``NEW_EVENT``: one alert per new event cluster (its first report that can be written
as a headline), none for what is known already: a seed's news, a tracked figure already
reported or announced by FACT_CHANGED, news its article or another article told
before."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from extractors.cast import GENERIC_KEYS
from extractors.lexicon import Rules, load_rules, words_in
from newsmon.alerts.facts import (
    ANNOUNCED_OUTCOMES,
    OUTCOME_ALERTED,
    OUTCOME_FLAP,
    OUTCOME_SAME,
    OUTCOME_SEED,
    OUTCOME_STALE,
    FactSpec,
    fact_value,
    subject_spec,
)
from newsmon.alerts.headlines import (
    FUNCTION_WORDS,
    event_extra,
    event_headline,
    headline_ok,
    stem,
)
from newsmon.alerts.records import (
    Alert,
    cluster_event_rows,
    event_rows,
    query_rows,
    source_ref,
)
from newsmon.alerts.text import one_line
from newsmon.profile import TopicProfile
from newsmon.profile_sections import DEFAULT_NEW_EVENT_TYPES, NEW_EVENT

LOGGER = logging.getLogger(__name__)


def new_event_types(profile: TopicProfile) -> frozenset[str]:
    """The event types whose new clusters raise NEW_EVENT for this profile."""
    return profile.alerts.new_event_types


def _alertable(events: Sequence[Mapping[str, Any]]) -> bool:
    """Only an event that can be told as who did what, and on what day, is worth a
    ping. A report with nobody doing it ("arrested"), a pronoun for a doer or a bare
    trigger word (:func:`headline_ok`), and "protesters have gathered outside the
    facility" or "Perry later extended the order", with no day of their own (a day
    inferred from the article's context does not count), stay in the event log,
    searchable, without an alert: a report of something new says when it happened."""
    return any(_writable(e) for e in events)


def _writable(e: Mapping[str, Any]) -> bool:
    return headline_ok(e) and _dated_by_its_sentence(e) and not _said_plan(e)


def _dated_by_its_sentence(e: Mapping[str, Any]) -> bool:
    if not e.get("event_date"):
        return False
    return not event_extra(e).get("date_from")


def _said_plan(e: Mapping[str, Any]) -> bool:
    """A plan known only from what someone said they would do ("organizers said they
    would return next Friday"): logged, not pinged; a desk wants plans an actor announced
    with the deed's own verb ("Trump plans to deploy the Guard")."""
    return e.get("event_type") == "ANNOUNCE_PLAN" and event_extra(e).get("trigger_kind") == "speech"


def new_event_alerts(
    db: sqlite_utils.Database,
    cluster_ids: Iterable[int],
    event_ids: Iterable[int] = (),
    types: Collection[str] = DEFAULT_NEW_EVENT_TYPES,
) -> list[Alert]:
    """One NEW_EVENT per new cluster (its first report), and per unclustered new event,
    for events of ``types``.

    Clusters whose reports all come from seed articles are known already: no alert.
    """
    alerts: list[Alert] = []
    for cid in sorted(set(int(c) for c in cluster_ids)):
        events = cluster_event_rows(db, cid)
        if not events:
            LOGGER.warning("new cluster %s has no events; no alert", cid)
            continue
        if events[0].get("event_type") not in types or not _alertable(events):
            continue
        if all(e.get("article_status") == "seed" for e in events):
            continue
        # The first report that can be written as a headline.
        first = min(
            events,
            key=lambda e: (
                not _writable(e),
                e.get("article_status") == "seed",
                e.get("article_published") or "~",
                e["id"],
            ),
        )
        alerts.append(_new_event(first, f"{NEW_EVENT}:cluster:{cid}", cid))
    for ev in event_rows(db, event_ids):
        if ev.get("event_type") not in types or not _alertable([ev]):
            continue
        if ev.get("cluster_id") is None and ev.get("article_status") != "seed":
            alerts.append(_new_event(ev, f"{NEW_EVENT}:event:{ev['id']}", None))
    return alerts


#: Outcomes of a tracked figure's report after which a NEW_EVENT would say nothing new
#: (the figure was known: same, flap, stale, seed) or say it twice (FACT_CHANGED did).
_FIGURE_COVERED = (OUTCOME_SAME, OUTCOME_FLAP, OUTCOME_STALE, OUTCOME_ALERTED, OUTCOME_SEED)


def figure_covered(
    db: sqlite_utils.Database, topic: str, figures: Sequence[FactSpec], event_id: int | None
) -> bool:
    """True when the event reports a tracked number ("DHS said agents had arrested more
    than 1,500 people since September": a running total, not a new raid) and its report
    was a repeat of a known figure or raised FACT_CHANGED. The first figure ever seen
    (the baseline) and figures read against the fact's direction (often not the running
    total at all: "agents arrested more than 20 people in one raid") keep their
    NEW_EVENT. Call it after :func:`fact_changed_alerts` has seen the event."""
    if event_id is None:
        return False
    rows = event_rows(db, [event_id])
    if not rows:
        return False
    ev = rows[0]
    for fact in figures:
        value = fact_value(fact, ev)
        if value is None:
            continue
        spec = subject_spec(fact, ev)
        # Covered: this article's report of the value was a repeat or FACT_CHANGED, or
        # another article announced the value already (this one may have given it as a
        # second, older figure: "two weeks ago, arrests had topped 1,000").
        covered, announced = _FIGURE_COVERED, ANNOUNCED_OUTCOMES
        if query_rows(
            db,
            "SELECT 1 FROM fact_observations WHERE topic = ? AND fact_key = ? AND value = ?"
            f" AND ((article_id = ? AND outcome IN ({','.join('?' * len(covered))}))"
            f" OR (article_id != ? AND outcome IN ({','.join('?' * len(announced))})))",
            [topic, spec.key, value[0], ev["article_id"], *covered, ev["article_id"], *announced],
        ):
            return True
    return False


def told_by_its_article(db: sqlite_utils.Database, profile: TopicProfile, alert: Alert) -> bool:
    """Whether the alert's article has raised a NEW_EVENT for this news already: one of
    the same type and date (one article tells a happening in several sentences, "ICE
    agents detained a man near a school Monday" ... "video showed three agents making
    the arrest", and when its reports land in two clusters the second is the same news),
    or one from the same sentence by the same doer, one part of the other, or a doer
    unknown (one happening read as two types: "Illinois shot back in its own filing
    Monday"). Two doers in one sentence are two happenings ("the governor sued as
    crowds marched downtown Saturday"): each keeps its alert. An article's second
    happening of the same kind the same day stays in the event log without an alert."""
    if alert.article_id is None:
        return False
    if query_rows(
        db,
        "SELECT 1 FROM alerts WHERE kind = ? AND article_id = ?"
        " AND json_extract(details, '$.event_type') = ?"
        " AND coalesce(json_extract(details, '$.event_date'), '') = ? LIMIT 1",
        [
            NEW_EVENT,
            alert.article_id,
            alert.details.get("event_type"),
            alert.details.get("event_date") or "",
        ],
    ):
        return True
    rules = load_rules(profile.events)
    doer = _doer(db, rules, alert.event_id, alert.details)
    containing = profile.containing()
    for row in query_rows(
        db,
        "SELECT event_id, details FROM alerts"
        " WHERE kind = ? AND article_id = ? AND json_extract(details, '$.evidence') = ?",
        [NEW_EVENT, alert.article_id, alert.details.get("evidence") or ""],
    ):
        other = _doer(db, rules, row["event_id"], json.loads(row["details"] or "{}"))
        if _same_doer(profile, doer, other, containing) or _one_scene(doer, other):
            return True
    return False


@dataclass(frozen=True)
class _Doer:
    """Who did an alert's deed, and what they did to whom."""

    #: The actor its headline gives and the key its event was clustered by (the
    #: profile's canonical name, a person's name, a group's role: "Gov. Dana Whitfield"
    #: and "Whitfield" are one doer).
    names: frozenset[str]
    #: What may name it as the one another doer's deed was done to: its names and, for
    #: a group the text does not name ("neighbors"), every group word of its role ("a
    #: crowd").
    words: frozenset[str]
    #: Its action and target.
    deed: str


def _doer(
    db: sqlite_utils.Database, rules: Rules, event_id: int | None, details: Mapping[str, Any]
) -> _Doer:
    names = {str(details["actor"])} if details.get("actor") else set()
    deed = " ".join(str(details.get(k) or "") for k in ("action", "target"))
    role = key = None
    if event_id is not None:
        for row in query_rows(
            db,
            "SELECT actor, json_extract(extra, '$.actor_key') AS actor_key,"
            " json_extract(extra, '$.actor_role') AS actor_role FROM events WHERE id = ?",
            [event_id],
        ):
            names.update(str(v) for v in (row["actor"], row["actor_key"]) if v)
            role, key = row["actor_role"], row["actor_key"]
    names = {" ".join(n.split()) for n in names if n.strip()}
    words = set(names)
    if role and key and GENERIC_KEYS.get(role) == key:
        words.update(g for g, kind in rules.groups.items() if kind == role)
    return _Doer(frozenset(names), frozenset(words), deed)


def _same_doer(
    profile: TopicProfile, a: _Doer, b: _Doer, containing: Mapping[str, frozenset[str]]
) -> bool:
    """One doer (a name in common, or one part of the other in the profile), or one of
    them not known: what cannot be told apart counts as the same."""
    if not a.names or not b.names:
        return True
    if {n.casefold() for n in a.names} & {n.casefold() for n in b.names}:
        return True
    known_a = {_canonical(profile, "actors", n) or n for n in a.names}
    known_b = {_canonical(profile, "actors", n) or n for n in b.names}
    return any(_related(x, y, containing) for x in known_a for y in known_b)


def _one_scene(a: _Doer, b: _Doer) -> bool:
    """Two doers of one scene: one did its deed to the other ("agents fired tear gas at
    a crowd ... after neighbors gathered to protest an arrest": the protest is the
    crowd the tear gas was fired at, not news of its own)."""
    return bool((a.words and words_in(b.deed, a.words)) or (b.words and words_in(a.deed, b.words)))


def _canonical(profile: TopicProfile, kind: str, text: str | None) -> str | None:
    """The profile's actor (``kind`` "actors") or place ("places") a text names: the
    entry whose name or alias it holds as whole words, as written (the longest)."""
    if not text:
        return None
    flat = " ".join(text.split())
    best: tuple[int, str] | None = None
    entries = profile.actors if kind == "actors" else profile.places
    for entry in entries:
        for name in (entry.name, *entry.aliases):
            n = " ".join(name.split())
            longer = best is None or len(n) > best[0]
            if n and longer and re.search(rf"(?<!\w){re.escape(n)}(?!\w)", flat):
                best = (len(n), entry.name)
    return best[1] if best else None


def _related(a: str | None, b: str | None, containing: Mapping[str, frozenset[str]]) -> bool:
    """The same, or one part of (within) the other."""
    if a is None or b is None:
        return False
    return a == b or a in containing.get(b, frozenset()) or b in containing.get(a, frozenset())


def told_before(db: sqlite_utils.Database, profile: TopicProfile, alert: Alert) -> bool:
    """Whether another article's NEW_EVENT told this happening already: the same type
    on the same day, by the same doer or one it is part of (DHS launched the operation
    on Sept. 8; "the Trump administration launched it on September 8"), at the same
    place or one within the other (or a place missing), the same deed (words beyond the
    verb in common, no two different figures). Reports of one happening that ended in
    two clusters raise one alert; the second stays in the event log."""
    d = alert.details
    date = d.get("event_date")
    if not date or alert.article_id is None:
        return False
    containing = profile.containing()
    actor = _canonical(profile, "actors", d.get("actor"))
    place = _canonical(profile, "places", d.get("location"))
    words = _deed_words(d.get("action"))
    for row in query_rows(
        db,
        "SELECT json_extract(details, '$.actor') AS actor,"
        " json_extract(details, '$.location') AS location,"
        " json_extract(details, '$.action') AS action,"
        " json_extract(details, '$.quantity') AS quantity FROM alerts"
        " WHERE kind = ? AND article_id != ? AND json_extract(details, '$.event_type') = ?"
        " AND json_extract(details, '$.event_date') = ?",
        [NEW_EVENT, alert.article_id, d.get("event_type"), date],
    ):
        same_doer = (row["actor"] or "").casefold() == (d.get("actor") or "").casefold() or (
            _related(actor, _canonical(profile, "actors", row["actor"]), containing)
        )
        other_place = _canonical(profile, "places", row["location"])
        same_place = (
            not row["location"]
            or not d.get("location")
            or (row["location"] or "").casefold() == (d.get("location") or "").casefold()
            or _related(place, other_place, containing)
        )
        # The same deed: words beyond its verb in common ("launched *Operation Midway
        # Blitz*"), and no two different figures (20 arrests in one raid is not the
        # running total of 1,000).
        same_deed = bool(words & _deed_words(row["action"]))
        figures = (row["quantity"] or "", d.get("quantity") or "")
        if all(figures) and figures[0] != figures[1]:
            same_deed = False
        if same_doer and same_place and same_deed:
            return True
    return False


def _deed_words(action: object) -> set[str]:
    """The stems of an action's content words after its verb."""
    words = [w.strip(".,;:'’\"") for w in str(action or "").split()[1:]]
    return {stem(w) for w in words if len(w) > 3 and w.casefold() not in FUNCTION_WORDS}


def _new_event(ev: Mapping[str, Any], key: str, cluster_id: int | None) -> Alert:
    src = source_ref(ev)
    summary = event_headline(ev)
    return Alert(
        kind=NEW_EVENT,
        summary=summary,
        dedupe_key=key,
        article_id=ev.get("article_id"),
        event_id=ev.get("id"),
        cluster_id=cluster_id,
        details={
            "event_type": ev.get("event_type"),
            "actor": ev.get("actor"),
            "action": ev.get("action"),
            "target": ev.get("target"),
            "location": ev.get("location"),
            "event_date": ev.get("event_date"),
            "quantity": ev.get("quantity"),
            "evidence": one_line(ev.get("evidence"), 600),
            "source": src,
        },
    )
