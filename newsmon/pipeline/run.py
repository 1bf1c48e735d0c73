"""One monitor run: the stage sequence, written once, and the run's record around it.

:func:`run_stages` is the sequence every run follows (prepare, poll the feeds, pick the
pages, then fetch, process and store them chunk by chunk); :func:`recorded_run` is what
surrounds it (the run lock, the row in ``runs``, the summary). What differs between the
flows is only how the stages are executed, an object of the :class:`Stages` protocol:

- :class:`PlainStages`: plain function calls, processing on the local process pool
  (tests and benchmarks; no Prefect);
- ``flows.monitor``: each stage a Prefect task, feeds polled concurrently with retries;
- ``flows.dask_runner``: processing on a Dask cluster.

The chunk scheduler keeps two chunks in flight: chunk k+1 is fetched while chunk k is
processed and chunk k-1 stored, always in order, by the database's only writer.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future
from contextlib import closing
from dataclasses import replace
from typing import Any, Protocol

from newsmon import progress
from newsmon.db import open_db
from newsmon.learning import learned_profile
from newsmon.pipeline.counts import (
    MIN_CHUNK,
    add_chunk,
    add_polls,
    add_selection,
    auto_chunk_size,
    chunked,
    summarize,
)
from newsmon.pipeline.polling import failed_poll, feed_states, fetch_pages, poll_feed
from newsmon.pipeline.preparation import prepare
from newsmon.pipeline.processing import default_workers, process, start_forkserver
from newsmon.pipeline.records import (
    ChunkResult,
    FeedPoll,
    PageFailure,
    PageTask,
    PrepareInfo,
    Processed,
    Selection,
)
from newsmon.pipeline.selection import (
    commit_validators,
    prefilter_for,
    record_polls,
    unseen_items,
)
from newsmon.pipeline.storing import store_chunk
from newsmon.profile import FeedSpec, TopicProfile, load_profile
from newsmon.runlock import RunLock, RunLocked, skipped_result
from newsmon.store import FeedState, RunCounts, finish_run, start_run

LOGGER = logging.getLogger(__name__)

#: What processing one chunk gives: the stored-to-be articles and the pages that failed.
ProcessOut = tuple[list[Processed], list[PageFailure]]


class Pending(Protocol):
    """A chunk being fetched and processed: a Prefect future, a Dask one, or done."""

    def result(self) -> ProcessOut: ...


class Stages(Protocol):
    """How a run's stages are executed. :func:`run_stages` calls them in order."""

    def prepare(self, db: str, profile: TopicProfile) -> PrepareInfo: ...

    def poll_feeds(
        self,
        feeds: Sequence[FeedSpec],
        states: Mapping[str, FeedState],
        profile: TopicProfile,
        allow_private_hosts: bool,
        on_feed: Callable[[], None],
    ) -> list[FeedPoll]:
        """Every feed's poll, in the order of ``feeds``; a feed that fails is a
        :func:`failed_poll`, never an exception."""
        ...

    def record_polls(
        self, db: str, polls: list[FeedPoll], max_articles: int, profile: TopicProfile
    ) -> Selection: ...

    def fetch_and_process(
        self, chunk: list[PageTask], profile: TopicProfile, allow_private_hosts: bool, workers: int
    ) -> Pending:
        """Start fetching and processing a chunk; the result is collected in order."""
        ...

    def store(
        self,
        db: str,
        processed: list[Processed],
        failures: list[PageFailure],
        profile: TopicProfile,
    ) -> ChunkResult: ...


class PlainStages:
    """The stages as plain function calls in this process (no Prefect): what tests and
    benchmarks drive, and the base of executors that change one stage."""

    def prepare(self, db: str, profile: TopicProfile) -> PrepareInfo:
        return prepare(db, profile)

    def poll_feeds(
        self,
        feeds: Sequence[FeedSpec],
        states: Mapping[str, FeedState],
        profile: TopicProfile,
        allow_private_hosts: bool,
        on_feed: Callable[[], None],
    ) -> list[FeedPoll]:
        polls = []
        for feed in feeds:
            try:
                polls.append(
                    poll_feed(
                        feed, states[feed.url], profile, allow_private_hosts=allow_private_hosts
                    )
                )
            except Exception as exc:  # recorded in failures and retried next run
                polls.append(failed_poll(feed, exc))
            on_feed()
        return polls

    def record_polls(
        self, db: str, polls: list[FeedPoll], max_articles: int, profile: TopicProfile
    ) -> Selection:
        return record_polls(db, polls, max_articles=max_articles, prefilter=prefilter_for(profile))

    def fetch_and_process(
        self, chunk: list[PageTask], profile: TopicProfile, allow_private_hosts: bool, workers: int
    ) -> Pending:
        done: Future[ProcessOut] = Future()
        try:
            fetches = fetch_pages(
                chunk,
                profile,
                allow_private_hosts=allow_private_hosts,
                on_page=lambda: progress.advance("pages"),
            )
            done.set_result(process(fetches, profile, workers=workers))
        except Exception as exc:  # raised where the result is collected, as a future does
            done.set_exception(exc)
        return done

    def store(
        self,
        db: str,
        processed: list[Processed],
        failures: list[PageFailure],
        profile: TopicProfile,
    ) -> ChunkResult:
        return store_chunk(db, processed, failures, profile)


def run_profile(topic: str | None, per_host_delay: float | None) -> TopicProfile:
    """The topic's profile, with ``per_host_delay`` (when given) replacing its own."""
    profile = load_profile(topic)
    if per_host_delay is not None:
        profile = replace(profile, fetch=replace(profile.fetch, per_host_delay=per_host_delay))
    return profile


def feed_specs(profile: TopicProfile, feeds: list[str] | None) -> list[FeedSpec]:
    """``feeds`` (URLs) when given, else the profile's feeds."""
    return [FeedSpec(u) for u in feeds] if feeds else list(profile.feeds)


def run_stages(
    stages: Stages,
    counts: RunCounts,
    *,
    db: str,
    profile: TopicProfile,
    feeds: Sequence[FeedSpec],
    allow_private_hosts: bool,
    chunk_size: int | None = None,
    workers: int | None = None,
    max_articles: int | None = None,
    logger: logging.Logger | logging.LoggerAdapter[Any] = LOGGER,
) -> None:
    """One run's stages, in order, adding what they did to ``counts``.

    ``chunk_size``: pages per fetch/process/store round (default
    :func:`auto_chunk_size`). ``workers``: processes for cleaning and event extraction
    (default: the CPU count when the run has at least two chunks, else 1).
    ``max_articles`` replaces the profile's cap on pages fetched per run. A feed or page
    that fails is a warning on ``logger`` and a row in ``failures``, not a failed run.
    """
    if workers is not None and workers > 1:
        # The worker pool's fork server imports the stages (over half a second of CPU)
        # while the database is prepared and the feeds are polled, not after.
        start_forkserver()
    progress.start("prepare", 1, "database, seeds, duplicate index")
    info = stages.prepare(db, profile)
    # What earlier runs' accepted articles taught (anchors, wording) counts from now on.
    current = learned_profile(profile, info.learned, info.centroid)
    progress.advance("prepare")

    progress.start("feeds", len(feeds), "feeds polled")
    states = feed_states(db, feeds)
    polls = stages.poll_feeds(
        feeds, states, profile, allow_private_hosts, lambda: progress.advance("feeds")
    )
    for message in add_polls(counts, polls):
        logger.warning(message)
    if workers is None and default_workers() > 1 and unseen_items(db, polls) >= 2 * MIN_CHUNK:
        # Enough new items that the pages may need the process pool: its fork server's
        # imports (about a second) run now, beside the feed-entry decision and the first
        # fetch, instead of holding up the first chunk.
        start_forkserver()

    selection = stages.record_polls(
        db, polls, max_articles or profile.fetch.max_articles_per_run, profile
    )
    tasks = add_selection(counts, selection)
    progress.note(
        "items",
        f"feed items: {counts.items_seen} seen, {len(tasks)} to fetch, "
        f"{counts.skipped_off_topic} new off-topic not fetched",
    )
    progress.start("pages", len(tasks), "pages fetched")
    progress.start("stored", len(tasks), "pages cleaned, scored and stored")
    size = chunk_size or auto_chunk_size(len(tasks))
    chunks = [list(c) for c in chunked(tasks, size)]
    n_workers = workers or (default_workers() if len(tasks) >= 2 * size else 1)
    if n_workers > 1:
        # Only now, when the run turns out big enough to use it: most scheduled runs
        # find a few new items and never start the pool (nor pay for its imports).
        start_forkserver()
    # Three stages overlap. Two chunks are in flight, each fetched (one chunk at a time,
    # one request at a time per host) then processed, while the oldest finished chunk is
    # stored here, by the database's only writer: chunk k+1 is fetched while chunk k is
    # processed and chunk k-1 stored.
    in_flight: deque[Pending] = deque()
    pending = iter(chunks)

    def submit_next() -> None:
        chunk = next(pending, None)
        if chunk is not None:
            in_flight.append(
                stages.fetch_and_process(chunk, current, allow_private_hosts, n_workers)
            )

    submit_next()
    submit_next()
    while in_flight:
        oldest = in_flight.popleft()
        submit_next()
        processed, failures = oldest.result()
        for f in failures:
            logger.warning("%s %s: %s", f.stage, f.url, f.error)
        add_chunk(counts, stages.store(db, processed, failures, current))
        progress.advance("stored", len(processed) + len(failures))
    # Only now may a feed answer 304 next time: everything it listed is on record.
    commit_validators(db, polls)


def recorded_run(
    db: str,
    profile: TopicProfile,
    body: Callable[[RunCounts], None],
    *,
    publish: Callable[[str, int], None] | None = None,
) -> dict[str, Any]:
    """Run ``body`` (the stages, adding to the counts it is given) as one recorded run.

    One run per database at a time: while another holds the run lock, nothing runs and
    the skip is recorded in ``runs``. Opening the database is the one thing that must
    work: it fails loudly (StoreError). Whatever ``body`` does, the run is finished in
    ``runs`` with its status and summary, the lock is released, and ``publish(summary,
    run_id)`` is called (the flows publish a Prefect artifact). Returns the run's counts,
    id, status, summary and topic.
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
        summary = summarize(counts, topic=profile.id, status=status)
        try:
            with closing(open_db(db, migrate=False)) as conn:
                finish_run(conn, run_id, counts, status=status, summary=summary)
        finally:
            lock.release()
        if publish is not None:
            publish(summary, run_id)
    result = counts.as_dict()
    result.update(run_id=run_id, status=status, summary=summary, topic=profile.id)
    return result
