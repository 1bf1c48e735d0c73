"""Store and deliver: a digest stored with its alerts, sent to each channel that lacks
some of them, every attempt recorded; :func:`run_digest` does the whole round under the
digest lease.

Delivery bookkeeping: ``deliveries`` has one row per digest x channel attempt;
``alert_deliveries`` says which alert reached which channel. An alert is delivered
(``alerts.delivered_at``) once every configured channel has it; until then each digest
offers it again, but only to the channels that do not have it yet."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path

import sqlite_utils

from newsmon.alerts import (
    urgent_kinds,
)
from newsmon.db import now_iso, open_db
from newsmon.delivery import Channel, SendResult, resolve_channels, send
from newsmon.digest.collect import build_digest
from newsmon.digest.lease import digest_lease
from newsmon.digest.model import Digest, DigestResult
from newsmon.digest.renderers import write_digest
from newsmon.errors import NewsmonError
from newsmon.profile import TopicProfile, load_profile

LOGGER = logging.getLogger(__name__)


def store_digest(db: sqlite_utils.Database, d: Digest, now: str) -> int:
    """Insert the digest and point its alerts at it; one transaction."""
    with db.atomic():
        cur = db.execute(
            "INSERT INTO digests (created_at, period_start, period_end, markdown, html, text,"
            " delivered_to, status) VALUES (?, ?, ?, ?, ?, ?, '[]', 'pending')",
            [now, d.period_start, d.period_end, d.markdown, d.html, d.text],
        )
        digest_id = int(cur.lastrowid or 0)
        ids = list(d.alert_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            db.execute(
                f"UPDATE alerts SET digest_id = ? WHERE id IN ({','.join('?' * len(chunk))})",
                [digest_id, *chunk],
            )
    return int(digest_id)


def _delivered_to(db: sqlite_utils.Database, channel: str, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {
        r["alert_id"]
        for r in db.query(
            f"SELECT alert_id FROM alert_deliveries WHERE channel = ? AND alert_id IN ({marks})",
            [channel, *ids],
        )
    }


def deliver(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    d: Digest,
    digest_id: int,
    channels: Sequence[Channel],
    *,
    now: str | None = None,
    sender: Callable[..., SendResult] | None = None,
) -> tuple[str, tuple[SendResult, ...], tuple[int, ...]]:
    """Send ``d`` to each channel that lacks some of its alerts; record every attempt.

    Returns ``(status, sends, delivered alert ids)``. Each channel gets only the alerts
    it does not have yet (re-rendered when that is a subset). A send is recorded right
    after it returns, in its own transaction, so a crash can at worst repeat one send.
    """
    now = now or now_iso()
    sender = sender or send
    ids = list(d.alert_ids)
    sends: list[SendResult] = []
    for ch in channels:
        have = _delivered_to(db, ch.redacted, ids)
        todo = [i for i in ids if i not in have]
        if not todo:
            continue
        body = d
        if len(todo) != len(ids):
            sub = build_digest(db, profile, alert_ids=todo, now=d.period_end)
            if sub is None:
                continue
            body = replace(sub, title=d.title)
        result = sender(ch, body.title, text=body.text, html=body.html, markdown=body.markdown)
        sends.append(result)
        with db.atomic():
            db.table("deliveries").insert(
                {
                    "digest_id": digest_id,
                    "channel": ch.redacted,
                    "status": "sent" if result.ok else "failed",
                    "alert_count": len(todo),
                    "attempted_at": now_iso(),
                    "error": result.error,
                }
            )
            if result.ok:
                db.table("alert_deliveries").insert_all(
                    (
                        {
                            "alert_id": i,
                            "channel": ch.redacted,
                            "digest_id": digest_id,
                            "delivered_at": now_iso(),
                        }
                        for i in todo
                    ),
                    pk=("alert_id", "channel"),
                    ignore=True,
                )
    names = [c.redacted for c in channels]
    delivered = (
        [i for i in ids if all(i in _delivered_to(db, name, [i]) for name in names)]
        if names
        else ids
    )
    if not names:
        status = "stored"
    elif all(s.ok for s in sends):
        status = "delivered"
    elif any(s.ok for s in sends):
        status = "partial"
    else:
        status = "failed"
    ok_channels = sorted(
        {s.channel for s in sends if s.ok}
        | {n for n in names if not any(s.channel == n for s in sends)}
    )
    with db.atomic():
        for i in range(0, len(delivered), 500):
            chunk = delivered[i : i + 500]
            db.execute(
                f"UPDATE alerts SET delivered_at = ? WHERE id IN ({','.join('?' * len(chunk))})",
                [now, *chunk],
            )
        db.table("digests").update(
            digest_id, {"status": status, "delivered_to": json.dumps(ok_channels)}
        )
    return status, tuple(sends), tuple(delivered)


def run_digest(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    *,
    notify: Sequence[str] | None = None,
    channels: Sequence[Channel] | None = None,
    since: str | None = None,
    alert_ids: Iterable[int] | None = None,
    kinds: set[str] | None = None,
    dry_run: bool = False,
    out: Sequence[str | Path] = (),
    now: str | None = None,
    urgent: bool = False,
) -> DigestResult | None:
    """Build, store, write and deliver a digest; None when no alert is pending.

    Channels come from ``channels``, else from ``notify`` / ``NEWSMON_NOTIFY`` / the
    profile (see :func:`newsmon.delivery.notify_templates`). With ``dry_run`` nothing is
    stored, sent or marked (``out`` files are still written). Without any channel the
    digest is stored and its alerts count as delivered (the file/artifact is the
    delivery). Call it outside any open transaction: it sends over the network.
    """
    now = now or now_iso()
    if not dry_run and db.conn.in_transaction:
        raise NewsmonError(
            "run_digest sends over the network and records each send: call it after the "
            "caller's transaction has committed, not inside it"
        )
    if channels is None:
        channels = resolve_channels(profile, notify)
    redacted = tuple(c.redacted for c in channels)
    # A dry run stores and sends nothing, so it needs no lease.
    with nullcontext() if dry_run else digest_lease(db):
        d = build_digest(
            db, profile, since=since, alert_ids=alert_ids, kinds=kinds, now=now, urgent=urgent
        )
        if d is None:
            return None
        for path in out:
            write_digest(d, path)
        if dry_run:
            return DigestResult(d, None, "dry-run", channels=redacted)
        if not channels:
            LOGGER.warning("no delivery channel configured: the digest is only stored")
        digest_id = store_digest(db, d, now)
        status, sends, delivered = deliver(db, profile, d, digest_id, channels, now=now)
    LOGGER.info(
        "digest %s: %s (%d alerts, %d delivered)",
        digest_id,
        status,
        len(d.alert_ids),
        len(delivered),
    )
    return DigestResult(d, digest_id, status, sends, delivered, redacted)


def send_urgent_digest(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    alert_ids: Iterable[int] | None = None,
    *,
    notify: Sequence[str] | None = None,
    channels: Sequence[Channel] | None = None,
    now: str | None = None,
) -> DigestResult | None:
    """After a monitor run (its transaction committed): when any of ``alert_ids`` (all
    pending alerts if None) is of a kind in ``[digest] urgent_kinds``, send a digest of
    just those urgent alerts now. The rest wait for the scheduled digest. Returns None
    when nothing is urgent."""
    kinds = urgent_kinds(profile)
    if not kinds:
        return None
    return run_digest(
        db,
        profile,
        notify=notify,
        channels=channels,
        alert_ids=alert_ids,
        kinds=kinds,
        now=now,
        urgent=True,
    )


def demo_digest_text(db_path: str | Path, topic: str | Path | None = None) -> str | None:
    """For ``newsmon demo``: store the digest of every pending alert (delivered nowhere:
    the demo never sends anything) and return its plain-text rendering, or None when
    there is no alert."""
    profile = load_profile(topic)
    db = open_db(db_path)
    try:
        result = run_digest(db, profile, channels=[])
    finally:
        db.close()
    return result.digest.text if result is not None else None
