"""The ``digest`` flow (daily) and the ``urgent_digest`` flow (after a monitor run).

Thin: the work is :func:`newsmon.digest.run_digest`; this adds Prefect logging and the
digest as a markdown artifact with a stable key. ``newsmon digest`` calls the same
function without Prefect.
"""

from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact

import flows  # noqa: F401  (Prefect privacy/start-up defaults before Prefect loads)
from newsmon.db import DEFAULT_DB, open_db
from newsmon.digest import (
    DigestResult,
    artifact_key,
    artifact_markdown,
    run_digest,
    send_urgent_digest,
)
from newsmon.errors import NewsmonError
from newsmon.profile import load_profile


class DigestDeliveryFailed(NewsmonError):
    """At least one channel failed; its alerts stay undelivered for the next digest."""


def _summary(result: DigestResult | None) -> dict[str, object]:
    if result is None:
        return {"digest_id": None, "status": "nothing", "alerts": 0, "sends": []}
    return {
        "digest_id": result.digest_id,
        "status": result.status,
        "alerts": len(result.digest.alert_ids),
        "delivered": len(result.delivered_alert_ids),
        "sends": [{"channel": s.channel, "ok": s.ok, "error": s.error} for s in result.sends],
    }


def _publish(result: DigestResult | None, key: str) -> dict[str, object]:
    logger = get_run_logger()
    summary = _summary(result)
    if result is None:
        logger.info("no undelivered alerts")
        return summary
    create_markdown_artifact(
        key=key,
        markdown=artifact_markdown(result),
        description=f"newsmon digest: {len(result.digest.alert_ids)} alerts, {result.status}",
    )
    logger.info("digest %s: %s", result.digest_id, result.status)
    if result.failed:
        raise DigestDeliveryFailed(
            "delivery failed to "
            + ", ".join(f"{s.channel} ({s.error})" for s in result.failed)
            + "; the next digest retries"
        )
    return summary


@flow(name="digest")
def digest(
    db: str = str(DEFAULT_DB),
    topic: str | None = None,
    since: str | None = None,
    notify: list[str] | None = None,
    out: list[str] | None = None,
    dry_run: bool = False,
) -> dict[str, object]:
    """Render the digest of undelivered alerts, store it, deliver it, publish it."""
    profile = load_profile(topic)
    database = open_db(db)
    try:
        result = run_digest(
            database, profile, notify=notify, since=since, out=out or (), dry_run=dry_run
        )
    finally:
        database.close()
    return _publish(result, artifact_key(profile))


@flow(name="urgent-digest")
def urgent_digest(
    db: str = str(DEFAULT_DB),
    topic: str | None = None,
    alert_ids: list[int] | None = None,
    notify: list[str] | None = None,
) -> dict[str, object]:
    """After a monitor run: send the alerts of the profile's urgent kinds right away."""
    profile = load_profile(topic)
    database = open_db(db)
    try:
        result = send_urgent_digest(database, profile, alert_ids, notify=notify)
    finally:
        database.close()
    return _publish(result, artifact_key(profile) + "-urgent")
