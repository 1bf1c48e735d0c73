"""Timeline days that respect planned dates (``events.date_is_planned``, from m0200).

An event whose date is announced for the future ("a hearing is scheduled for Oct. 22")
happened, as news, on the day it was announced. The m0400 views put every event on
its ``event_date``; these versions put a planned event on its article's publication
day instead. They are the m0400 views with that one expression changed, created only
when the column exists (see m0401), and re-checked by ``sync_places`` at every run.
"""

from __future__ import annotations

import sqlite_utils

from newsmon.migrations.m0400_browse_views import VIEWS
from newsmon.migrations.m0401_browse_optional_views import OptionalView, ensure_optional_views

EVENT_DAY = "substr(coalesce(e.event_date, ar.published), 1, 10)"
EVENT_DAY_PLANNED = (
    "substr(CASE WHEN e.date_is_planned = 1 THEN ar.published"
    " ELSE coalesce(e.event_date, ar.published) END, 1, 10)"
)

PLANNED_DATE_VIEWS: tuple[OptionalView, ...] = tuple(
    OptionalView(
        name=name,
        select=VIEWS[name].replace(EVENT_DAY, EVENT_DAY_PLANNED),
        requires={"events": frozenset({"date_is_planned"})},
    )
    for name in (
        "event_timeline",
        "events_per_day",
        "event_map",
        "cluster_coverage",
        "actor_summary",
    )
)


def ensure_planned_date_views(db: sqlite_utils.Database) -> list[str]:
    return ensure_optional_views(db, PLANNED_DATE_VIEWS)


def up(db: sqlite_utils.Database) -> None:
    ensure_planned_date_views(db)
