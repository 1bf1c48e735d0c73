"""Change alerts, written in the same transaction as the data that caused them (an outbox).

The monitor calls :func:`raise_alerts` inside its own store transaction with the ids it
has just written; this module never begins or commits. Each alert kind has its own
function that plugs into :func:`raise_alerts`:

- ``NEW_EVENT`` from new event clusters: one alert per cluster, never one per report;
  none for a report of a tracked figure that is known already or raised FACT_CHANGED.
- ``FACT_CHANGED`` from events that report a tracked fact (the profile's ``[[facts]]``).
- ``ARTICLE_UPDATED`` from rows of ``article_revisions`` (a known article rewritten).

Every alert has a ``dedupe_key`` under a unique index and is written with
``INSERT OR IGNORE``: re-running a run raises nothing new. See ``docs/alerts.md``.
"""

from __future__ import annotations

import difflib
import json
import logging
import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import sqlite_utils
from sqlite_utils.utils import dedupe_keys

from extractors.records import EVENT_TYPES
from newsmon.db import now_iso
from newsmon.errors import ProfileError
from newsmon.profile import TopicProfile

LOGGER = logging.getLogger(__name__)

NEW_EVENT = "NEW_EVENT"
FACT_CHANGED = "FACT_CHANGED"
ARTICLE_UPDATED = "ARTICLE_UPDATED"
KINDS: tuple[str, ...] = (NEW_EVENT, FACT_CHANGED, ARTICLE_UPDATED)

SUMMARY_MAX = 240
DIFF_MAX_LINES = 6
DIFF_LINE_MAX = 160
#: Word-level diff statistics are skipped above this size (difflib is quadratic).
DIFF_MAX_WORDS = 20_000

# Outcomes of a fact observation (``fact_observations.outcome``).
OUTCOME_BASELINE = "baseline"  # first value ever seen: recorded, no alert
OUTCOME_ALERTED = "alerted"  # a new value: FACT_CHANGED raised
OUTCOME_SAME = "same"  # equals the value last announced
OUTCOME_FLAP = "flap"  # a value announced before: no alert back and forth
OUTCOME_STALE = "stale"  # from an article published before the announced value's source
OUTCOME_DIRECTION = "direction"  # against the fact's configured direction
OUTCOME_AMBIGUOUS = "ambiguous"  # another value of the same article was chosen
OUTCOME_SEED = "seed"  # from the seed corpus: known already, never alerted
ANNOUNCED_OUTCOMES = (OUTCOME_BASELINE, OUTCOME_ALERTED, OUTCOME_SEED)

_WARNED: set[tuple[str, str]] = set()
_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
#: Any character that :func:`one_line` removes or replaces: control characters (Cc),
#: line and paragraph separators (Zl, Zp), surrogates (Cs) and bidi controls. Text
#: without one (nearly all of it) only needs its whitespace collapsed.
_SPECIAL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\u202a-\u202e\u2066-\u2069]")


# --------------------------------------------------------------------------- text


def one_line(value: object, limit: int = SUMMARY_MAX) -> str:
    """Untrusted text as one printable line: control and bidi characters removed,
    whitespace collapsed, cut to ``limit`` characters with an ellipsis.

    This is about readability and terminal safety; HTML/Markdown escaping happens in the
    renderers of :mod:`newsmon.digest`.
    """
    if value is None:
        return ""
    raw = str(value)
    if _SPECIAL.search(raw) is None:
        text = " ".join(raw.split())
        if len(text) > limit:
            text = text[: max(limit - 1, 0)].rstrip() + "…"
        return text
    out = []
    for ch in raw:
        if ch in _BIDI_CONTROLS:
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cc", "Zl", "Zp", "Cs"):
            out.append(" " if ch in "\t\n\r\x0b\x0c\u2028\u2029\x85" else "")
        else:
            out.append(ch)
    text = " ".join("".join(out).split())
    if len(text) > limit:
        text = text[: max(limit - 1, 0)].rstrip() + "…"
    return text


def outlet_of(source: str | None, url: str | None) -> str:
    """The outlet name of an article: its ``source``, else its host without ``www.``."""
    if source and source.strip():
        return one_line(source, 80)
    host = urlsplit(url or "").hostname or ""
    return host.removeprefix("www.") or "unknown source"


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True)
class FactSpec:
    """One tracked fact of a topic profile's ``[[facts]]``.

    ``kind`` is ``number`` (the default; values from an event's quantity, matched on
    ``unit`` when given), ``date`` (the event's date) or ``status`` (a label from
    ``statuses``: phrases matched as whole words in the event's action and evidence; a
    status fact without ``statuses`` is not tracked). ``direction`` ``up``/``down``
    alerts only when a number moves that way (cumulative counts only grow).
    ``keywords`` and ``actors`` narrow which events count; ``places`` too: an event
    placed elsewhere does not count (an event with no place does), so "5,000 arrests in
    Los Angeles" is not read as a Chicago figure.
    """

    key: str
    label: str
    event_types: tuple[str, ...]
    kind: str = "number"
    unit: str | None = None
    direction: str = "any"
    keywords: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    statuses: tuple[tuple[str, tuple[str, ...]], ...] = ()
    places: tuple[str, ...] = ()


def fact_specs(profile: TopicProfile) -> list[FactSpec]:
    """The profile's ``[[facts]]`` as :class:`FactSpec`; raises :class:`ProfileError`."""
    raw = profile.section("facts") or []
    where = str(profile.path)
    if not isinstance(raw, list):
        raise ProfileError(where, "[[facts]] must be an array of tables")
    specs = []
    seen: set[str] = set()
    for i, f in enumerate(raw):
        if not isinstance(f, Mapping):
            raise ProfileError(where, f"facts[{i}] must be a table")
        key = f.get("key")
        if not isinstance(key, str) or not key.strip():
            raise ProfileError(where, f"facts[{i}] needs a key (a short name like 'arrests')")
        if key in seen:
            raise ProfileError(where, f"facts[{i}]: the key {key!r} is used twice")
        seen.add(key)
        kind = f.get("kind", "number")
        if kind not in ("number", "date", "status"):
            raise ProfileError(where, f"facts[{i}] kind must be number, date or status")
        direction = f.get("direction", "any")
        if direction not in ("any", "up", "down"):
            raise ProfileError(where, f"facts[{i}] direction must be any, up or down")
        statuses_raw = f.get("statuses", {})
        if not isinstance(statuses_raw, Mapping) or not all(
            isinstance(v, list) and all(isinstance(p, str) for p in v)
            for v in statuses_raw.values()
        ):
            raise ProfileError(where, f"facts[{i}] statuses must map a label to phrases")
        specs.append(
            FactSpec(
                key=key.strip(),
                label=str(f.get("label", key)),
                event_types=_str_tuple(f.get("event_types"), f"facts[{i}].event_types", where),
                kind=kind,
                unit=str(f["unit"]) if f.get("unit") else None,
                direction=direction,
                keywords=_str_tuple(f.get("keywords"), f"facts[{i}].keywords", where),
                actors=_str_tuple(f.get("actors"), f"facts[{i}].actors", where),
                places=_str_tuple(f.get("places"), f"facts[{i}].places", where),
                statuses=tuple(
                    (str(label), tuple(p.lower() for p in phrases))
                    for label, phrases in statuses_raw.items()
                ),
            )
        )
    return specs


def _str_tuple(value: Any, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(where, f"{name} must be a list of strings")
    return tuple(value)


def _unit_norm(unit: str) -> str:
    u = unit.strip().lower()
    return u[:-1] if u.endswith("s") and len(u) > 3 else u


_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def _number_of(event: Mapping[str, Any]) -> float | None:
    value = event.get("quantity_value")
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    m = _NUMBER.search(event.get("quantity") or "")
    if m:
        try:
            return float(m.group(0).replace(",", ""))
        except ValueError:
            return None
    return None


def _format_number(n: float) -> str:
    return f"{int(n):,}" if n == int(n) else f"{n:,.2f}".rstrip("0").rstrip(".")


def fact_value(spec: FactSpec, event: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(normalised value, display)`` of ``spec`` in an events row, or None."""
    if spec.event_types and event.get("event_type") not in spec.event_types:
        return None
    if spec.actors and event.get("actor") not in spec.actors:
        return None
    if spec.places and event.get("location") and event.get("location") not in spec.places:
        return None
    evidence = str(event.get("evidence") or "").lower()
    if spec.keywords and not any(k.lower() in evidence for k in spec.keywords):
        return None
    if spec.kind == "date":
        date = event.get("event_date")
        if not date:
            return None
        return str(date)[:10], str(date)[:10]
    if spec.kind == "status":
        said = f"{event.get('action') or ''} {evidence}".lower()
        for label, phrases in spec.statuses:
            if any(re.search(rf"\b{re.escape(p)}\b", said) for p in phrases):
                return label.lower(), label
        return None
    number = _number_of(event)
    if number is None:
        return None
    if spec.unit:
        have = event.get("quantity_unit") or event.get("quantity") or ""
        want = _unit_norm(spec.unit)
        got = _unit_norm(str(have))
        if want not in got and not (got and got in want):
            return None
    norm = str(int(number)) if number == int(number) else repr(number)
    display = _format_number(number) + (f" {spec.unit}" if spec.unit else "")
    return norm, display


# --------------------------------------------------------------------------- storage


@dataclass(frozen=True)
class _Alert:
    kind: str
    summary: str
    dedupe_key: str
    details: Mapping[str, Any]
    article_id: int | None = None
    event_id: int | None = None
    cluster_id: int | None = None


def _insert_alert(db: sqlite_utils.Database, alert: _Alert, now: str) -> int | None:
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


def _rows(db: sqlite_utils.Database, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    """The rows of a SELECT as dicts (what ``db.query`` gives, without the savepoint it
    wraps around every statement: two extra statements per query)."""
    cursor = db.execute(sql, params)
    keys = dedupe_keys(d[0] for d in cursor.description)
    return [dict(zip(keys, row, strict=True)) for row in cursor.fetchall()]


def _chunks(ids: Iterable[int], size: int = 500) -> Iterable[list[int]]:
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


def _events(db: sqlite_utils.Database, event_ids: Iterable[int]) -> list[dict[str, Any]]:
    """Events rows joined with their article's url, title, source, published, status."""
    out: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(set(event_ids))):
        marks = ",".join("?" * len(chunk))
        out.extend(_rows(db, f"{_EVENT_ROWS} WHERE e.id IN ({marks}) ORDER BY e.id", chunk))
    return out


def _cluster_events(db: sqlite_utils.Database, cluster_id: int) -> list[dict[str, Any]]:
    """The rows :func:`_events` gives for every event of a cluster, in one query."""
    return _rows(db, f"{_EVENT_ROWS} WHERE e.cluster_id = ? ORDER BY e.id", [cluster_id])


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


def _label(event_type: str | None) -> str:
    return (event_type or "event").replace("_", " ").lower()


def event_headline(ev: Mapping[str, Any]) -> str:
    """Who did what to whom, where and when, from an events row (one line)."""
    parts = [ev.get("actor"), ev.get("action"), ev.get("target")]
    what = " ".join(one_line(p, 80) for p in parts if p)
    if not what:
        what = one_line(ev.get("evidence"), 160)
    where_when = ", ".join(one_line(p, 60) for p in (ev.get("location"), ev.get("event_date")) if p)
    return f"{what} ({where_when})" if where_when else what


# --------------------------------------------------------------------------- NEW_EVENT


#: Event types that raise NEW_EVENT when the profile does not say (``[alerts]
#: new_event_types``): things that happen. Statements (quotes) and OTHER stay in the
#: event log, searchable, but a desk does not want a ping for every quote.
DEFAULT_NEW_EVENT_TYPES = frozenset(EVENT_TYPES) - {"STATEMENT", "OTHER"}


def new_event_types(profile: TopicProfile) -> frozenset[str]:
    """The event types whose new clusters raise NEW_EVENT for this profile."""
    section = profile.section("alerts") or {}
    configured = section.get("new_event_types") if isinstance(section, Mapping) else None
    if configured is None:
        return DEFAULT_NEW_EVENT_TYPES
    unknown = [t for t in configured if t not in EVENT_TYPES]
    if unknown:
        LOGGER.warning("[alerts] new_event_types: unknown event types %s ignored", unknown)
    return frozenset(t for t in configured if t in EVENT_TYPES)


def _alertable(events: Sequence[Mapping[str, Any]]) -> bool:
    """Only an event that says who did it and on what day is worth a ping. "Arrested",
    with nobody doing the arresting, and "protesters have gathered outside the facility"
    or "Perry later extended the order", with no day of their own (a day inferred from
    the article's context does not count), stay in the event log, searchable, without an
    alert: a report of something new says when it happened."""
    return any(e.get("actor") and _dated_by_its_sentence(e) for e in events)


def _dated_by_its_sentence(e: Mapping[str, Any]) -> bool:
    if not e.get("event_date"):
        return False
    try:
        extra = json.loads(e.get("extra") or "{}")
    except (TypeError, ValueError):
        extra = {}
    return not (isinstance(extra, dict) and extra.get("date_from"))


def new_event_alerts(
    db: sqlite_utils.Database,
    cluster_ids: Iterable[int],
    event_ids: Iterable[int] = (),
    types: Collection[str] = DEFAULT_NEW_EVENT_TYPES,
) -> list[_Alert]:
    """One NEW_EVENT per new cluster (its first report), and per unclustered new event,
    for events of ``types``.

    Clusters whose reports all come from seed articles are known already: no alert.
    """
    alerts: list[_Alert] = []
    for cid in sorted(set(int(c) for c in cluster_ids)):
        events = _cluster_events(db, cid)
        if not events:
            LOGGER.warning("new cluster %s has no events; no alert", cid)
            continue
        if events[0].get("event_type") not in types or not _alertable(events):
            continue
        if all(e.get("article_status") == "seed" for e in events):
            continue
        first = min(
            events,
            key=lambda e: (
                e.get("article_status") == "seed",
                e.get("article_published") or "~",
                e["id"],
            ),
        )
        alerts.append(_new_event(first, f"{NEW_EVENT}:cluster:{cid}", cid))
    for ev in _events(db, event_ids):
        if ev.get("event_type") not in types or not _alertable([ev]):
            continue
        if ev.get("cluster_id") is None and ev.get("article_status") != "seed":
            alerts.append(_new_event(ev, f"{NEW_EVENT}:event:{ev['id']}", None))
    return alerts


#: Outcomes of a tracked figure's report after which a NEW_EVENT would say nothing new
#: (the figure was known: same, flap, stale, seed) or say it twice (FACT_CHANGED did).
_FIGURE_COVERED = (OUTCOME_SAME, OUTCOME_FLAP, OUTCOME_STALE, OUTCOME_ALERTED, OUTCOME_SEED)


def _figure_covered(
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
    rows = _events(db, [event_id])
    if not rows:
        return False
    ev = rows[0]
    for spec in figures:
        value = fact_value(spec, ev)
        if value is None:
            continue
        # Covered: this article's report of the value was a repeat or FACT_CHANGED, or
        # another article announced the value already (this one may have given it as a
        # second, older figure: "two weeks ago, arrests had topped 1,000").
        covered, announced = _FIGURE_COVERED, ANNOUNCED_OUTCOMES
        if _rows(
            db,
            "SELECT 1 FROM fact_observations WHERE topic = ? AND fact_key = ? AND value = ?"
            f" AND ((article_id = ? AND outcome IN ({','.join('?' * len(covered))}))"
            f" OR (article_id != ? AND outcome IN ({','.join('?' * len(announced))})))",
            [topic, spec.key, value[0], ev["article_id"], *covered, ev["article_id"], *announced],
        ):
            return True
    return False


def _new_event(ev: Mapping[str, Any], key: str, cluster_id: int | None) -> _Alert:
    src = source_ref(ev)
    summary = f"New {_label(ev.get('event_type'))}: {event_headline(ev)} — {src['outlet']}"
    return _Alert(
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


# --------------------------------------------------------------------------- FACT_CHANGED


def fact_changed_alerts(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    event_ids: Iterable[int],
    now: str,
) -> list[int]:
    """Update tracked facts from events and raise FACT_CHANGED where the rule says so.

    The rule (per fact): the first value ever seen is the baseline (no alert). A later
    report alerts only when its value (a) differs from the value last announced,
    (b) has never been announced before for this fact (so 1000 → 1500 → 1000 → 1500
    alerts once), (c) does not come from an article published before the source of the
    announced value, and (d) moves in the fact's ``direction``. Seed-corpus reports
    are known already: they are announced without an alert. When one article gives
    several values for a fact, the largest number (or the first date/status) counts.
    Every report is kept in ``fact_observations`` with the reason.
    """
    specs = []
    for spec in fact_specs(profile):
        if spec.kind == "status" and not spec.statuses:
            if (profile.id, spec.key) not in _WARNED:
                _WARNED.add((profile.id, spec.key))
                LOGGER.warning(
                    "fact %r is a status without `statuses` (label -> phrases): not tracked",
                    spec.key,
                )
            continue
        specs.append(spec)
    if not specs:
        return []
    events = _events(db, event_ids)
    raised: list[int] = []
    for spec in specs:
        # Group this fact's values by article; pick one per article.
        per_article: dict[int, list[tuple[dict[str, Any], str, str]]] = {}
        for ev in events:
            val = fact_value(spec, ev)
            if val is not None:
                per_article.setdefault(ev["article_id"], []).append((ev, val[0], val[1]))
        for candidates in per_article.values():
            if spec.kind == "number":
                chosen = max(candidates, key=lambda c: (float(c[1]), -c[0]["id"]))
            else:
                chosen = min(
                    candidates, key=lambda c: (c[0].get("evidence_start") or 0, c[0]["id"])
                )
            for cand in candidates:
                if cand is not chosen and cand[1] != chosen[1]:
                    _observe(db, profile.id, spec, cand, OUTCOME_AMBIGUOUS, None, now)
            alert_id = _apply_fact(db, profile.id, spec, chosen, now)
            if alert_id is not None:
                raised.append(alert_id)
    return raised


def _observe(
    db: sqlite_utils.Database,
    topic: str,
    spec: FactSpec,
    cand: tuple[Mapping[str, Any], str, str],
    outcome: str,
    alert_id: int | None,
    now: str,
) -> bool:
    ev, value, display = cand
    cur = db.execute(
        "INSERT OR IGNORE INTO fact_observations"
        " (topic, fact_key, event_id, article_id, value, display, published, outcome,"
        " alert_id, observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            topic,
            spec.key,
            ev["id"],
            ev["article_id"],
            value,
            display,
            ev.get("article_published"),
            outcome,
            alert_id,
            now,
        ],
    )
    return cur.rowcount == 1


def _seen_before(db: sqlite_utils.Database, topic: str, spec: FactSpec, ev_id: int) -> bool:
    return bool(
        _rows(
            db,
            "SELECT 1 FROM fact_observations WHERE topic = ? AND fact_key = ? AND event_id = ?",
            [topic, spec.key, ev_id],
        )
    )


def _apply_fact(
    db: sqlite_utils.Database,
    topic: str,
    spec: FactSpec,
    cand: tuple[dict[str, Any], str, str],
    now: str,
) -> int | None:
    ev, value, display = cand
    if _seen_before(db, topic, spec, ev["id"]):
        return None  # re-run: this report was handled already
    published = ev.get("article_published")
    state = _rows(db, "SELECT * FROM facts WHERE topic = ? AND key = ?", [topic, spec.key])
    current = {
        "current_value": value,
        "current_display": display,
        "current_event_id": ev["id"],
        "current_article_id": ev["article_id"],
        "current_published": published,
        "updated_at": now,
    }
    announced = {
        "alerted_value": value,
        "alerted_display": display,
        "alerted_event_id": ev["id"],
        "alerted_article_id": ev["article_id"],
        "alerted_published": published,
    }
    if not state:
        db.table("facts").insert(
            {
                "topic": topic,
                "key": spec.key,
                "label": spec.label,
                "kind": spec.kind,
                "unit": spec.unit,
                **current,
                **announced,
            },
            pk=("topic", "key"),
        )
        outcome = OUTCOME_SEED if ev.get("article_status") == "seed" else OUTCOME_BASELINE
        _observe(db, topic, spec, cand, outcome, None, now)
        return None
    fact = state[0]
    stale = bool(published and fact["alerted_published"] and published < fact["alerted_published"])
    if not stale:
        _update_fact(db, topic, spec.key, current)
    announced_before = _rows(
        db,
        "SELECT 1 FROM fact_observations WHERE topic = ? AND fact_key = ? AND value = ?"
        f" AND outcome IN ({','.join('?' * len(ANNOUNCED_OUTCOMES))})",
        [topic, spec.key, value, *ANNOUNCED_OUTCOMES],
    )
    if value == fact["alerted_value"]:
        outcome = OUTCOME_SAME
    elif announced_before:
        outcome = OUTCOME_FLAP
    elif stale:
        outcome = OUTCOME_STALE
    elif ev.get("article_status") == "seed":
        outcome = OUTCOME_SEED
    elif spec.kind == "number" and spec.direction != "any" and _against(spec, fact, value):
        outcome = OUTCOME_DIRECTION
    else:
        outcome = OUTCOME_ALERTED
    alert_id = None
    if outcome == OUTCOME_ALERTED:
        alert_id = _insert_alert(db, _fact_alert(db, topic, spec, fact, ev, value, display), now)
    if outcome in (OUTCOME_ALERTED, OUTCOME_SEED):
        _update_fact(db, topic, spec.key, announced)
    _observe(db, topic, spec, cand, outcome, alert_id, now)
    return alert_id


def _update_fact(db: sqlite_utils.Database, topic: str, key: str, values: dict[str, Any]) -> None:
    """``db.table("facts").update((topic, key), values)`` for a row known to exist, as
    one statement (the table helper first reads the row and the schema back)."""
    sets = ", ".join(f"[{column}] = ?" for column in values)
    db.execute(
        f"UPDATE facts SET {sets} WHERE topic = ? AND key = ?", [*values.values(), topic, key]
    )


def _against(spec: FactSpec, fact: Mapping[str, Any], value: str) -> bool:
    try:
        old, new = float(fact["alerted_value"]), float(value)
    except (TypeError, ValueError):
        return False
    return new < old if spec.direction == "up" else new > old


def _fact_alert(
    db: sqlite_utils.Database,
    topic: str,
    spec: FactSpec,
    fact: Mapping[str, Any],
    ev: Mapping[str, Any],
    value: str,
    display: str,
) -> _Alert:
    old_src: dict[str, Any] = {
        "article_id": fact["alerted_article_id"],
        "event_id": fact["alerted_event_id"],
    }
    old_rows = _events(db, [fact["alerted_event_id"]]) if fact["alerted_event_id"] else []
    if old_rows:
        old_src = source_ref(old_rows[0])
        old_src["evidence"] = one_line(old_rows[0].get("evidence"), 600)
    new_src = source_ref(ev)
    new_src["evidence"] = one_line(ev.get("evidence"), 600)
    summary = (
        f"{one_line(spec.label, 100)}: {fact['alerted_display']} → {display}"
        f" — {new_src['outlet']} (was {old_src.get('outlet', 'unknown source')})"
    )
    return _Alert(
        kind=FACT_CHANGED,
        summary=summary,
        dedupe_key=f"{FACT_CHANGED}:{topic}:{spec.key}:{value}",
        article_id=ev["article_id"],
        event_id=ev["id"],
        cluster_id=ev.get("cluster_id"),
        details={
            "fact": spec.key,
            "label": spec.label,
            "kind": spec.kind,
            "unit": spec.unit,
            "old": {"value": fact["alerted_value"], "display": fact["alerted_display"], **old_src},
            "new": {"value": value, "display": display, **new_src},
        },
    )


# --------------------------------------------------------------------------- ARTICLE_UPDATED


def short_diff(old: str, new: str, max_lines: int = DIFF_MAX_LINES) -> str:
    """A short, line-based diff of two texts: changed sentences as ``- old``/``+ new``."""

    def lines(t: str) -> list[str]:
        parts = re.split(r"(?<=[.!?])\s+|\n+", t or "")
        return [one_line(p, 10_000) for p in parts if p.strip()]

    out: list[str] = []
    a, b = lines(old), lines(new)
    if len(a) + len(b) > 4 * DIFF_MAX_WORDS // 10:
        a, b = a[:2000], b[:2000]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        out.extend(f"- {one_line(x, DIFF_LINE_MAX)}" for x in a[i1:i2])
        out.extend(f"+ {one_line(x, DIFF_LINE_MAX)}" for x in b[j1:j2])
        if len(out) >= max_lines:
            break
    if len(out) > max_lines:
        out = out[:max_lines] + ["…"]
    return "\n".join(out)


def _word_change(old: str, new: str) -> tuple[int, int] | None:
    a, b = (old or "").split(), (new or "").split()
    if len(a) > DIFF_MAX_WORDS or len(b) > DIFF_MAX_WORDS:
        return None
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def article_updated_alerts(db: sqlite_utils.Database, revision_ids: Iterable[int]) -> list[_Alert]:
    """One ARTICLE_UPDATED per ``article_revisions`` row (its ``text`` is the OLD text)."""
    ids = sorted(set(int(i) for i in revision_ids))
    if not ids:
        return []
    if not db.table("article_revisions").exists():
        LOGGER.warning("revision ids given but there is no article_revisions table; no alerts")
        return []
    alerts = []
    for chunk in _chunks(ids):
        marks = ",".join("?" * len(chunk))
        for r in _rows(
            db,
            "SELECT r.*, a.url AS article_url, a.canonical_url AS article_canonical_url,"
            " a.title AS article_title, a.source AS article_source,"
            " a.published AS article_published, a.text AS article_text,"
            " a.revision AS article_revision"
            f" FROM article_revisions r JOIN articles a ON a.id = r.article_id"
            f" WHERE r.id IN ({marks}) ORDER BY r.id",
            chunk,
        ):
            alerts.append(_updated(r))
    return alerts


def _trim_diff(diff: str) -> str:
    """The changed lines of a (unified) diff: headers and context dropped, at most
    :data:`DIFF_MAX_LINES` lines of :data:`DIFF_LINE_MAX` characters."""
    lines = [
        x
        for x in diff.splitlines()
        if x[:1] in "+-" and not x.startswith(("+++", "---")) and x[1:].strip()
    ]
    out = [one_line(x, DIFF_LINE_MAX) for x in lines[:DIFF_MAX_LINES]]
    if len(lines) > DIFF_MAX_LINES:
        out.append("…")
    return "\n".join(out)


def _updated(r: Mapping[str, Any]) -> _Alert:
    old, new = r.get("text") or "", r.get("article_text") or ""
    given = r.get("diff")
    diff = _trim_diff(str(given)) if given else ""
    if not diff:
        diff = short_diff(old, new)
    change = _word_change(old, new)
    src = source_ref(r)
    src["article_id"] = r.get("article_id")
    src["event_id"] = None
    title = src["title"] or src["url"] or f"article {r.get('article_id')}"
    words = f", +{change[0]}/−{change[1]} words" if change else ""
    summary = f"Article rewritten: “{one_line(title, 140)}” — {src['outlet']}{words}"
    return _Alert(
        kind=ARTICLE_UPDATED,
        summary=summary,
        dedupe_key=f"{ARTICLE_UPDATED}:revision:{r['id']}",
        article_id=r.get("article_id"),
        details={
            "revision_id": r["id"],
            "old_revision": r.get("revision"),
            "new_revision": r.get("article_revision"),
            "old_fetched_at": r.get("fetched_at"),
            "diff": diff,
            "words_added": change[0] if change else None,
            "words_removed": change[1] if change else None,
            "source": src,
        },
    )


# --------------------------------------------------------------------------- entry points


def raise_alerts(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    *,
    article_ids: Sequence[int] = (),
    event_ids: Sequence[int] = (),
    new_cluster_ids: Sequence[int] = (),
    revision_ids: Sequence[int] = (),
    now: str | None = None,
) -> list[int]:
    """Raise the alerts caused by what a run just stored; return the new alert ids.

    Call it inside the transaction that stored the events/revisions (it never begins or
    commits), so an alert exists exactly when its cause does. Idempotent: every alert
    has a ``dedupe_key``, so calling it again with the same ids raises nothing.
    ``article_ids`` is accepted for the pipeline's convenience; alerts come from the
    events, clusters and revisions of those articles, which the other ids carry.
    """
    del article_ids  # alerts come from events, clusters and revisions
    now = now or now_iso()
    raised: list[int] = []
    new_events = new_event_alerts(db, new_cluster_ids, event_ids, new_event_types(profile))
    # Facts first: whether a new cluster's report is a tracked figure already known (or
    # announced by FACT_CHANGED right now) decides whether it is a NEW_EVENT as well.
    fact_alert_ids = fact_changed_alerts(db, profile, event_ids, now)
    figures = [spec for spec in fact_specs(profile) if spec.kind == "number"]
    for alert in new_events:
        if figures and _figure_covered(db, profile.id, figures, alert.event_id):
            LOGGER.debug("no NEW_EVENT for event %s: a tracked figure", alert.event_id)
            continue
        alert_id = _insert_alert(db, alert, now)
        if alert_id is not None:
            raised.append(alert_id)
    raised.extend(fact_alert_ids)
    for alert in article_updated_alerts(db, revision_ids):
        alert_id = _insert_alert(db, alert, now)
        if alert_id is not None:
            raised.append(alert_id)
    if raised:
        LOGGER.info("raised %d alert(s)", len(raised))
    return raised


def urgent_kinds(profile: TopicProfile) -> set[str]:
    """The profile's ``[digest] urgent_kinds``: alert kinds (``FACT_CHANGED``) or a kind
    narrowed to an event type (``NEW_EVENT:COURT_RULING``) that trigger an urgent digest
    right after a monitor run."""
    section = profile.section("digest") or {}
    value = section.get("urgent_kinds", []) if isinstance(section, Mapping) else []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(str(profile.path), "[digest] urgent_kinds must be a list of strings")
    kinds = {v.strip().upper() for v in value if v.strip()}
    for k in kinds:
        if k.split(":", 1)[0] not in KINDS:
            raise ProfileError(
                str(profile.path),
                f"[digest] urgent_kinds: unknown alert kind {k!r} (use {', '.join(KINDS)})",
            )
    return kinds


def is_urgent(kind: str, event_type: str | None, kinds: set[str]) -> bool:
    """Whether an alert of ``kind`` (about an event of ``event_type``) is urgent."""
    return kind in kinds or (event_type is not None and f"{kind}:{event_type}" in kinds)
