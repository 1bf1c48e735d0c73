"""``digest_lease``: one digest delivers at a time (the daily digest, an urgent digest
and a hand-run ``newsmon digest`` may start together). A lease expires, so a crashed
digest never blocks the next one."""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    db.table("digest_lease").create(
        {"name": str, "holder": str, "acquired_at": str, "expires_at": str},
        pk="name",
    )
