"""The profile's sections that say what to tell people, typed and validated here, once.

``[[facts]]`` (the figures, dates and statuses to track), ``[alerts]`` (which event types
raise NEW_EVENT) and ``[digest]`` (urgent kinds, entries shown in full) become
:class:`FactSpec`, :class:`AlertsSpec` and :class:`DigestSpec`; a mistake is a
:class:`ProfileError` that names the entry. :class:`newsmon.profile.TopicProfile` offers
them as ``profile.facts``, ``profile.alerts`` and ``profile.digest`` (read from its
``raw`` table, checked when the profile loads), so ``newsmon.alerts`` and
``newsmon.digest`` use them without checking them again.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from extractors.records import EVENT_TYPES
from newsmon.errors import ProfileError

LOGGER = logging.getLogger(__name__)

#: The alert kinds: what ``newsmon.alerts`` raises, what ``[digest] urgent_kinds`` names.
NEW_EVENT = "NEW_EVENT"
FACT_CHANGED = "FACT_CHANGED"
ARTICLE_UPDATED = "ARTICLE_UPDATED"
KINDS: tuple[str, ...] = (NEW_EVENT, FACT_CHANGED, ARTICLE_UPDATED)

#: Event types that raise NEW_EVENT when the profile does not say (``[alerts]
#: new_event_types``): things that happen. Statements (quotes) and OTHER stay in the
#: event log, searchable, but a desk does not want a ping for every quote.
DEFAULT_NEW_EVENT_TYPES = frozenset(EVENT_TYPES) - {"STATEMENT", "OTHER"}


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


@dataclass(frozen=True)
class AlertsSpec:
    """``[alerts]``: the event types whose new clusters raise NEW_EVENT."""

    new_event_types: frozenset[str] = DEFAULT_NEW_EVENT_TYPES


@dataclass(frozen=True)
class DigestSpec:
    """``[digest]`` (its ``notify`` URLs are ``TopicProfile.notify``).

    ``urgent_kinds``: alert kinds (``FACT_CHANGED``) or a kind narrowed to an event type
    (``NEW_EVENT:COURT_RULING``) that trigger an urgent digest right after a monitor run.
    ``max_detailed``: entries per section shown in full.
    """

    urgent_kinds: frozenset[str] = frozenset()
    max_detailed: int = 20


def parse_facts(raw: Any, where: str) -> tuple[FactSpec, ...]:
    """``[[facts]]`` as :class:`FactSpec`; raises :class:`ProfileError`."""
    raw = raw or []
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
    return tuple(specs)


def parse_alerts(raw: Any, where: str) -> AlertsSpec:
    """``[alerts]``; an unknown event type in ``new_event_types`` is ignored, with a
    warning (a newer profile on an older newsmon keeps working)."""
    if raw is None:
        return AlertsSpec()
    if not isinstance(raw, Mapping):
        raise ProfileError(where, "[alerts] must be a table")
    configured = raw.get("new_event_types")
    if configured is None:
        return AlertsSpec()
    types = _str_tuple(configured, "[alerts] new_event_types", where)
    unknown = [t for t in types if t not in EVENT_TYPES]
    if unknown:
        LOGGER.warning("[alerts] new_event_types: unknown event types %s ignored", unknown)
    return AlertsSpec(frozenset(t for t in types if t in EVENT_TYPES))


def parse_digest(raw: Any, where: str) -> DigestSpec:
    """``[digest]``: ``urgent_kinds`` and ``max_detailed``."""
    if raw is None:
        return DigestSpec()
    if not isinstance(raw, Mapping):
        raise ProfileError(where, "[digest] must be a table")
    value = raw.get("urgent_kinds", [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(where, "[digest] urgent_kinds must be a list of strings")
    kinds = {v.strip().upper() for v in value if v.strip()}
    for k in sorted(kinds):
        if k.split(":", 1)[0] not in KINDS:
            raise ProfileError(
                where, f"[digest] urgent_kinds: unknown alert kind {k!r} (use {', '.join(KINDS)})"
            )
    detailed = raw.get("max_detailed", 20)
    if isinstance(detailed, bool) or not isinstance(detailed, int) or detailed < 1:
        raise ProfileError(where, "[digest] max_detailed must be a positive integer")
    return DigestSpec(frozenset(kinds), detailed)


def _str_tuple(value: Any, name: str, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(where, f"{name} must be a list of strings")
    return tuple(value)
