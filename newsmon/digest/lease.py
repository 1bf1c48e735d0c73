"""One digest at a time per database: a lease row that a digest takes before it
collects and delivers, and that expires if its holder crashed."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import sqlite_utils

from newsmon.errors import NewsmonError


class DigestBusy(NewsmonError):
    """Another digest held the delivery lease for longer than we were willing to wait."""


#: A digest's lease on delivery; renewed by nobody, so a crashed digest frees it by then.
LEASE_SECONDS = 900
LEASE_WAIT_SECONDS = 300.0


@contextlib.contextmanager
def digest_lease(
    db: sqlite_utils.Database, wait: float = LEASE_WAIT_SECONDS, poll: float = 0.5
) -> Iterator[None]:
    """Hold the database's digest lease: one digest collects and delivers at a time, so
    the daily digest, an urgent one and a hand-run ``newsmon digest`` never send the
    same alert twice. Waits up to ``wait`` seconds, then raises :class:`DigestBusy`."""
    holder = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    while True:
        now = datetime.now(UTC).replace(microsecond=0)
        expires = (now + timedelta(seconds=LEASE_SECONDS)).isoformat()
        cur = db.execute(
            "INSERT INTO digest_lease (name, holder, acquired_at, expires_at)"
            " VALUES ('digest', ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
            " holder = excluded.holder, acquired_at = excluded.acquired_at,"
            " expires_at = excluded.expires_at WHERE digest_lease.expires_at <= ?",
            [holder, now.isoformat(), expires, now.isoformat()],
        )
        if cur.rowcount == 1:
            break
        if time.monotonic() >= deadline:
            row = db.execute("SELECT expires_at FROM digest_lease WHERE name = 'digest'").fetchone()
            raise DigestBusy(
                "another digest is being delivered from this database"
                + (f" (its lease ends at {row[0]})" if row else "")
                + "; try again later"
            )
        time.sleep(poll)
    try:
        yield
    finally:
        db.execute("DELETE FROM digest_lease WHERE name = 'digest' AND holder = ?", [holder])
