"""What every monitor run does around its stages, whichever flow runs them.

``monitor`` and ``process-on-dask`` differ only in how they schedule the stages; both
take the run lock, record the run in ``runs``, and publish its summary. That lives
here, once.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from dataclasses import replace
from typing import Any

from prefect.artifacts import create_markdown_artifact

from newsmon import pipeline
from newsmon.db import open_db
from newsmon.profile import FeedSpec, TopicProfile, load_profile
from newsmon.runlock import RunLock, RunLocked, skipped_result
from newsmon.store import RunCounts, finish_run, start_run


def run_profile(topic: str | None, per_host_delay: float | None) -> TopicProfile:
    """The topic's profile, with ``per_host_delay`` (when given) replacing its own."""
    profile = load_profile(topic)
    if per_host_delay is not None:
        profile = replace(profile, fetch=replace(profile.fetch, per_host_delay=per_host_delay))
    return profile


def feed_specs(profile: TopicProfile, feeds: list[str] | None) -> list[FeedSpec]:
    """``feeds`` (URLs) when given, else the profile's feeds."""
    return [FeedSpec(u) for u in feeds] if feeds else list(profile.feeds)


def recorded_run(
    db: str,
    profile: TopicProfile,
    body: Callable[[RunCounts], None],
    *,
    logger: Any,
    artifact_key: str,
    description: str,
) -> dict[str, Any]:
    """Run ``body`` (the stages, adding to the counts it is given) as one recorded run.

    One run per database at a time: while another holds the run lock, nothing runs and
    the skip is recorded in ``runs``. Opening the database is the one thing that must
    work: it fails loudly (StoreError). Whatever ``body`` does, the run is finished in
    ``runs`` with its status and summary, the lock is released, and the summary is
    published as the markdown artifact ``artifact_key`` (``description`` may name
    ``{run_id}``). Returns the run's counts, id, status, summary and topic.
    """
    lock = RunLock(db)
    try:
        lock.acquire()
    except RunLocked as exc:
        return skipped_result(db, profile.id, exc)
    try:
        with closing(open_db(db)) as conn:
            run_id = start_run(conn, profile.id)
    except BaseException:
        lock.release()
        raise
    counts = RunCounts()
    status = "failed"
    try:
        body(counts)
        status = "completed_with_errors" if counts.errors else "completed"
    finally:
        summary = pipeline.summarize(counts, topic=profile.id, status=status)
        try:
            with closing(open_db(db, migrate=False)) as conn:
                finish_run(conn, run_id, counts, status=status, summary=summary)
        finally:
            lock.release()
        try:
            create_markdown_artifact(
                key=artifact_key,
                markdown=summary,
                description=description.format(run_id=run_id),
            )
        except Exception as exc:  # the artifact is a convenience; the row in runs is the record
            logger.warning("could not publish the run summary artifact: %s", exc)
    result = counts.as_dict()
    result.update(run_id=run_id, status=status, summary=summary, topic=profile.id)
    return result
