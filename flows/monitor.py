"""The ``monitor`` flow: poll feeds, fetch, clean, dedupe, extract, store, alert.

Thin by design: every task calls one stage of :mod:`newsmon.pipeline`. Tasks work on
batches (one per feed, then per chunk of articles), so a run has tens of task runs,
not one per article. Only network I/O is retried, and only when retrying can help
(timeouts, 429, 5xx); a feed or page that keeps failing is recorded in ``failures``
and retried on the next run, never allowed to fail the whole run.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import deque
from typing import Any, TypeVar, cast

import httpx
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import opaque

from flows.runs import feed_specs, recorded_run, run_profile
from newsmon import pipeline, progress
from newsmon.db import DEFAULT_DB
from newsmon.errors import FetchError
from newsmon.learning import learned_profile
from newsmon.profile import FeedSpec, TopicProfile
from newsmon.store import FeedState, RunCounts

LOGGER = logging.getLogger(__name__)
T = TypeVar("T")


def retry_on_transient_io(task: Any, task_run: Any, state: Any) -> bool:
    """Retry timeouts, connection errors, 429 and 5xx; never 404s or parse errors."""
    try:
        state.result()
    except FetchError as exc:
        return exc.retryable
    except (httpx.TimeoutException, httpx.TransportError):
        return True
    except Exception:
        return False
    return False


@task(name="prepare", cache_policy=NO_CACHE)
def prepare_task(db_path: str, profile: TopicProfile) -> pipeline.PrepareInfo:
    return pipeline.prepare(db_path, profile)


@task(
    name="poll-feed",
    task_run_name="poll {feed.url}",
    retries=2,
    retry_delay_seconds=[1, 4],
    retry_condition_fn=retry_on_transient_io,
    cache_policy=NO_CACHE,
)
def poll_feed_task(
    feed: FeedSpec, state: FeedState, profile: TopicProfile, allow_private_hosts: bool
) -> pipeline.FeedPoll:
    return pipeline.poll_feed(feed, state, profile, allow_private_hosts=allow_private_hosts)


@task(name="record-polls", cache_policy=NO_CACHE)
def record_polls_task(
    db_path: str, polls: list[pipeline.FeedPoll], max_articles: int, profile: TopicProfile
) -> pipeline.Selection:
    return pipeline.record_polls(
        db_path, polls, max_articles=max_articles, prefilter=pipeline.prefilter_for(profile)
    )


ProcessOut = tuple[list[pipeline.Processed], list[pipeline.PageFailure]]

#: One chunk's pages are fetched at a time, in chunk order: the oldest chunk in flight
#: (the next to be stored) is never slowed down by the next one's requests. (Per-host
#: politeness does not depend on it: newsmon.fetch throttles hosts process-wide.)
_FETCH_LOCK = threading.Lock()


@task(name="fetch-and-process", task_run_name="fetch and process {n} pages", cache_policy=NO_CACHE)
def fetch_process_task(
    tasks: list[pipeline.PageTask],
    profile: TopicProfile,
    allow_private_hosts: bool,
    workers: int,
    n: int,
) -> ProcessOut:
    """Fetch a chunk's pages, then clean, score and extract them (fanned out to the
    process pool when ``workers`` > 1). One task run, not two: every task run costs
    tens of milliseconds of CPU in the Prefect API."""
    with _FETCH_LOCK:
        fetches = pipeline.fetch_pages(
            tasks,
            profile,
            allow_private_hosts=allow_private_hosts,
            on_page=lambda: progress.advance("pages"),
        )
    return pipeline.process(fetches, profile, workers=workers)


@task(name="store", cache_policy=NO_CACHE)
def store_task(
    db_path: str,
    processed: list[pipeline.Processed],
    failures: list[pipeline.PageFailure],
    profile: TopicProfile,
) -> pipeline.ChunkResult:
    return pipeline.store_chunk(db_path, processed, failures, profile)


def _opaque(value: T) -> T:
    """``value`` as a task argument that Prefect passes on without walking into it.

    Prefect visits every object inside a task's arguments (looking for futures to wait
    for), twice per task run: for a chunk of processed articles with their events
    that is tens of thousands of objects, about 10 ms of CPU per article -- more than
    cleaning the article. ``opaque`` still resolves the argument itself (and records
    which task produced it), but not its contents, where there are no futures.
    """
    return cast(T, opaque(value))


def _artifact_key(topic: str) -> str:
    return "monitor-" + (re.sub(r"[^a-z0-9-]+", "-", topic.lower()).strip("-") or "topic")


@flow(name="monitor", log_prints=True)
def monitor(
    topic: str | None = None,
    db: str = str(DEFAULT_DB),
    feeds: list[str] | None = None,
    allow_private_hosts: bool = False,
    chunk_size: int | None = None,
    per_host_delay: float | None = None,
    workers: int | None = None,
    max_articles: int | None = None,
) -> dict[str, Any]:
    """One monitor run for the topic profile at ``topic`` (default: the bundled one).

    ``chunk_size``: pages per fetch/process/store task (default: about eight chunks per
    run, 50 to 250 pages each; see ``pipeline.auto_chunk_size``).
    ``feeds`` replaces the profile's feed list; ``per_host_delay`` the profile's pause
    between two requests to one host. ``workers``: processes for cleaning and event
    extraction (default: the CPU count when the run has at least two chunks, else 1).
    ``max_articles`` replaces the profile's cap on pages fetched per run.
    Returns the run's counts.
    """
    logger = get_run_logger()
    profile = run_profile(topic, per_host_delay)
    allow_private = allow_private_hosts or profile.allow_private_hosts
    specs = feed_specs(profile, feeds)

    def stages(counts: RunCounts) -> None:
        if workers is not None and workers > 1:
            # The worker pool's fork server imports the stages (over half a second of
            # CPU) while the database is prepared and the feeds are polled, not after.
            pipeline.start_forkserver()
        progress.start("prepare", 1, "database, seeds, duplicate index")
        info = prepare_task(db, _opaque(profile))
        # What earlier runs' accepted articles taught (anchors, wording) counts from now on.
        current = learned_profile(profile, info.learned, info.centroid)
        progress.advance("prepare")
        progress.start("feeds", len(specs), "feeds polled")
        states = pipeline.feed_states(db, specs)
        futures = [
            poll_feed_task.submit(f, _opaque(states[f.url]), _opaque(profile), allow_private)
            for f in specs
        ]
        polls = []
        for fut, spec in zip(futures, specs, strict=True):
            polls.append(_poll_outcome(fut, spec))
            progress.advance("feeds")
        for message in pipeline.add_polls(counts, polls):
            logger.warning(message)

        selection = record_polls_task(
            db, _opaque(polls), max_articles or profile.fetch.max_articles_per_run, _opaque(profile)
        )
        tasks = pipeline.add_selection(counts, selection)
        progress.note(
            "items",
            f"feed items: {counts.items_seen} seen, {len(tasks)} to fetch, "
            f"{counts.skipped_off_topic} new off-topic not fetched",
        )
        progress.start("pages", len(tasks), "pages fetched")
        progress.start("stored", len(tasks), "pages cleaned, scored and stored")
        size = chunk_size or pipeline.auto_chunk_size(len(tasks))
        chunks = [list(c) for c in pipeline.chunked(tasks, size)]
        n_workers = workers or (pipeline.default_workers() if len(tasks) >= 2 * size else 1)
        if n_workers > 1:
            # Only now, when the run turns out big enough to use it: most scheduled runs
            # find a few new items and never start the pool (nor pay for its imports).
            pipeline.start_forkserver()
        # Three stages overlap. Two chunks are in flight in worker threads, each fetched
        # (one chunk at a time, one request at a time per host) then processed (fanned
        # out to the process pool), while the oldest finished chunk is stored here, by
        # the database's only writer: chunk k+1 is fetched while chunk k is processed and
        # chunk k-1 stored.
        in_flight: deque[PrefectFuture[ProcessOut]] = deque()
        pending = iter(chunks)

        def submit_next() -> None:
            chunk = next(pending, None)
            if chunk is not None:
                in_flight.append(
                    fetch_process_task.submit(
                        _opaque(chunk), _opaque(current), allow_private, n_workers, len(chunk)
                    )
                )

        submit_next()
        submit_next()
        while in_flight:
            oldest = in_flight.popleft()
            submit_next()
            _store(oldest, db, current, counts, logger)
        # Only now may a feed answer 304 next time: everything it listed is on record.
        pipeline.commit_validators(db, polls)

    return recorded_run(
        db,
        profile,
        stages,
        logger=logger,
        artifact_key=_artifact_key(profile.id),
        description="newsmon monitor run {run_id}",
    )


def _store(
    processing: PrefectFuture[ProcessOut],
    db: str,
    profile: TopicProfile,
    counts: RunCounts,
    logger: Any,
) -> None:
    processed, failures = processing.result()
    for f in failures:
        logger.warning("%s %s: %s", f.stage, f.url, f.error)
    stored = store_task(db, _opaque(processed), _opaque(failures), _opaque(profile))
    pipeline.add_chunk(counts, stored)
    progress.advance("stored", len(processed) + len(failures))


def _poll_outcome(future: PrefectFuture[pipeline.FeedPoll], feed: FeedSpec) -> pipeline.FeedPoll:
    """The poll's result, or the failure it ended with after its retries."""
    future.wait()
    state = future.state
    if state.is_completed():
        return future.result()
    try:
        future.result()
    except BaseException as exc:  # a failed poll becomes a recorded failure, not a failed run
        return pipeline.failed_poll(feed, exc)
    return pipeline.failed_poll(feed, RuntimeError(f"poll ended in state {state.name}"))
