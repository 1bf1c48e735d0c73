"""``FACT_CHANGED``: the profile's tracked facts (``[[facts]]``), read from events, kept in
``facts`` with every report in ``fact_observations``, and announced when the rule of
:func:`fact_changed_alerts` says a value changed."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

import sqlite_utils

from extractors.figures import figure_subject
from newsmon.alerts.records import (
    Alert,
    event_rows,
    insert_alert,
    query_rows,
    source_ref,
)
from newsmon.alerts.text import one_line
from newsmon.profile import TopicProfile
from newsmon.profile_sections import FACT_CHANGED, FactSpec

LOGGER = logging.getLogger(__name__)


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


def fact_specs(profile: TopicProfile) -> list[FactSpec]:
    """The profile's ``[[facts]]`` (parsed and checked by ``newsmon.profile_sections``)."""
    return list(profile.facts)


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


def subject_spec(spec: FactSpec, event: Mapping[str, Any]) -> FactSpec:
    """The fact a number reports, narrowed to its subject: "300 Illinois troops" and
    "200 Texas troops" are the ``troop_count`` of two contingents (keys
    ``troop_count (Illinois)`` and ``troop_count (Texas)``), never one figure that
    changed. The words every figure of the fact shares (its label and unit) do not make
    a subject; an unqualified figure ("300 troops") is the fact itself."""
    if spec.kind != "number":
        return spec
    subject = figure_subject(
        str(event.get("evidence") or ""),
        _number_of(event),
        (spec.label, spec.unit or "", str(event.get("quantity_unit") or "")),
    )
    if not subject:
        return spec
    return replace(spec, key=f"{spec.key} ({subject})", label=f"{spec.label} ({subject})")


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
    events = event_rows(db, event_ids)
    raised: list[int] = []
    for spec in specs:
        # Group this fact's values by subject, then by article; pick one per article.
        per_fact: dict[str, tuple[FactSpec, dict[int, list[tuple[dict[str, Any], str, str]]]]]
        per_fact = {}
        for ev in events:
            val = fact_value(spec, ev)
            if val is not None:
                sub = subject_spec(spec, ev)
                per_article = per_fact.setdefault(sub.key, (sub, {}))[1]
                per_article.setdefault(ev["article_id"], []).append((ev, val[0], val[1]))
        for sub, per_article in per_fact.values():
            for candidates in per_article.values():
                if sub.kind == "number":
                    chosen = max(candidates, key=lambda c: (float(c[1]), -c[0]["id"]))
                else:
                    chosen = min(
                        candidates, key=lambda c: (c[0].get("evidence_start") or 0, c[0]["id"])
                    )
                for cand in candidates:
                    if cand is not chosen and cand[1] != chosen[1]:
                        _observe(db, profile.id, sub, cand, OUTCOME_AMBIGUOUS, None, now)
                alert_id = _apply_fact(db, profile.id, sub, chosen, now)
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
        query_rows(
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
    state = query_rows(db, "SELECT * FROM facts WHERE topic = ? AND key = ?", [topic, spec.key])
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
    announced_before = query_rows(
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
        alert_id = insert_alert(db, _fact_alert(db, topic, spec, fact, ev, value, display), now)
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
) -> Alert:
    old_src: dict[str, Any] = {
        "article_id": fact["alerted_article_id"],
        "event_id": fact["alerted_event_id"],
    }
    old_rows = event_rows(db, [fact["alerted_event_id"]]) if fact["alerted_event_id"] else []
    if old_rows:
        old_src = source_ref(old_rows[0])
        old_src["evidence"] = one_line(old_rows[0].get("evidence"), 600)
    new_src = source_ref(ev)
    new_src["evidence"] = one_line(ev.get("evidence"), 600)
    summary = (
        f"{one_line(spec.label, 100)}: {fact['alerted_display']} → {display}"
        f" — {new_src['outlet']} (was {old_src.get('outlet', 'unknown source')})"
    )
    return Alert(
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
