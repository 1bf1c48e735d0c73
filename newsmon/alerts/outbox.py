"""The alerts of what a run just stored, written in the same transaction (an outbox),
and which of them are urgent."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlite_utils

from newsmon.alerts.facts import fact_changed_alerts, fact_specs
from newsmon.alerts.new_events import (
    figure_covered,
    new_event_alerts,
    new_event_types,
    told_before,
    told_by_its_article,
)
from newsmon.alerts.records import insert_alert
from newsmon.alerts.updates import article_updated_alerts
from newsmon.db import now_iso
from newsmon.profile import TopicProfile

LOGGER = logging.getLogger(__name__)


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
        if figures and figure_covered(db, profile.id, figures, alert.event_id):
            LOGGER.debug("no NEW_EVENT for event %s: a tracked figure", alert.event_id)
            continue
        if told_by_its_article(db, profile, alert):
            LOGGER.debug("no NEW_EVENT for event %s: its article told it", alert.event_id)
            continue
        if told_before(db, profile, alert):
            LOGGER.debug("no NEW_EVENT for event %s: told before", alert.event_id)
            continue
        alert_id = insert_alert(db, alert, now)
        if alert_id is not None:
            raised.append(alert_id)
    raised.extend(fact_alert_ids)
    for alert in article_updated_alerts(db, revision_ids):
        alert_id = insert_alert(db, alert, now)
        if alert_id is not None:
            raised.append(alert_id)
    if raised:
        LOGGER.info("raised %d alert(s)", len(raised))
    return raised


def urgent_kinds(profile: TopicProfile) -> set[str]:
    """The profile's ``[digest] urgent_kinds``: alert kinds (``FACT_CHANGED``) or a kind
    narrowed to an event type (``NEW_EVENT:COURT_RULING``) that trigger an urgent digest
    right after a monitor run."""
    return set(profile.digest.urgent_kinds)


def is_urgent(kind: str, event_type: str | None, kinds: set[str]) -> bool:
    """Whether an alert of ``kind`` (about an event of ``event_type``) is urgent."""
    return kind in kinds or (event_type is not None and f"{kind}:{event_type}" in kinds)
