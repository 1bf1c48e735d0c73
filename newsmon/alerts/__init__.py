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

    outbox      raise_alerts (the order of the rules), urgent_kinds, is_urgent
    new_events  NEW_EVENT
    facts       FACT_CHANGED: tracked facts, their state and observations
    updates     ARTICLE_UPDATED: rewrites and their short diff
    headlines   an event written as a headline
    records     the alert record, its insert, the event rows alerts read
    text        one printable line of untrusted text, an outlet's name
"""

from newsmon.alerts.facts import (
    ANNOUNCED_OUTCOMES,
    OUTCOME_ALERTED,
    OUTCOME_AMBIGUOUS,
    OUTCOME_BASELINE,
    OUTCOME_DIRECTION,
    OUTCOME_FLAP,
    OUTCOME_SAME,
    OUTCOME_SEED,
    OUTCOME_STALE,
    FactSpec,
    fact_changed_alerts,
    fact_specs,
    fact_value,
    subject_spec,
)
from newsmon.alerts.headlines import event_headline, headline_ok, when_text
from newsmon.alerts.new_events import DEFAULT_NEW_EVENT_TYPES, new_event_alerts, new_event_types
from newsmon.alerts.outbox import is_urgent, raise_alerts, urgent_kinds
from newsmon.alerts.records import ARTICLE_UPDATED, FACT_CHANGED, KINDS, NEW_EVENT, source_ref
from newsmon.alerts.text import SUMMARY_MAX, one_line, outlet_of
from newsmon.alerts.updates import article_updated_alerts, short_diff

__all__ = [
    "ANNOUNCED_OUTCOMES",
    "ARTICLE_UPDATED",
    "DEFAULT_NEW_EVENT_TYPES",
    "FACT_CHANGED",
    "KINDS",
    "NEW_EVENT",
    "OUTCOME_ALERTED",
    "OUTCOME_AMBIGUOUS",
    "OUTCOME_BASELINE",
    "OUTCOME_DIRECTION",
    "OUTCOME_FLAP",
    "OUTCOME_SAME",
    "OUTCOME_SEED",
    "OUTCOME_STALE",
    "SUMMARY_MAX",
    "FactSpec",
    "article_updated_alerts",
    "event_headline",
    "fact_changed_alerts",
    "fact_specs",
    "fact_value",
    "headline_ok",
    "is_urgent",
    "new_event_alerts",
    "new_event_types",
    "one_line",
    "outlet_of",
    "raise_alerts",
    "short_diff",
    "source_ref",
    "subject_spec",
    "urgent_kinds",
    "when_text",
]
