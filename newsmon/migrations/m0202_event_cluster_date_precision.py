"""``event_clusters.date_precision``: how precisely the cluster's first report dated it.

``NULL`` is a day. ``'week'`` means the first report said only "last week" (or "this
week", "next week"): ``event_date`` is that week's Monday and the event happened on one
of the seven days from it, so a later report that names the day (Thursday, Oct. 9)
joins the cluster instead of becoming a second one (see ``newsmon.events_store``).
"""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    table = db.table("event_clusters")
    if "date_precision" not in table.columns_dict:
        table.add_column("date_precision", str)
