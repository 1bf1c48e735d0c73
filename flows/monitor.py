"""The ``monitor`` flow: poll feeds, fetch, clean, dedupe, extract, store, alert.

Prefect wiring only: the stage sequence is :func:`newsmon.pipeline.run_stages` and the
run's record :func:`newsmon.pipeline.recorded_run`; this module makes each stage a
Prefect task (:class:`PrefectStages`). Tasks work on batches (one per feed, then per
chunk of articles), so a run has tens of task runs, not one per article. Only network
I/O is retried, and only when retrying can help (timeouts, 429, 5xx); a feed or page
that keeps failing is recorded in ``failures`` and retried on the next run, never
allowed to fail the whole run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar, cast

import httpx
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.utilities.annotations import opaque

from newsmon import pipeline, progress
from newsmon.db import DEFAULT_DB
from newsmon.errors import FetchError
from newsmon.pipeline import ProcessOut, feed_specs, recorded_run, run_profile, run_stages
from newsmon.profile import FeedSpec, TopicProfile, topic_slug
from newsmon.store import FeedState

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


class PrefectStages:
    """Each stage a Prefect task on the flow's task runner: the feeds polled at once
    (with retries), each chunk fetched and processed in a worker thread (processing on
    the local process pool), the writes in the flow's own thread."""

    def prepare(self, db: str, profile: TopicProfile) -> pipeline.PrepareInfo:
        return prepare_task(db, _opaque(profile))

    def poll_feeds(
        self,
        feeds: Sequence[FeedSpec],
        states: Mapping[str, FeedState],
        profile: TopicProfile,
        allow_private_hosts: bool,
        on_feed: Callable[[], None],
    ) -> list[pipeline.FeedPoll]:
        futures = [
            poll_feed_task.submit(f, _opaque(states[f.url]), _opaque(profile), allow_private_hosts)
            for f in feeds
        ]
        polls = []
        for fut, spec in zip(futures, feeds, strict=True):
            polls.append(_poll_outcome(fut, spec))
            on_feed()
        return polls

    def record_polls(
        self, db: str, polls: list[pipeline.FeedPoll], max_articles: int, profile: TopicProfile
    ) -> pipeline.Selection:
        return record_polls_task(db, _opaque(polls), max_articles, _opaque(profile))

    def fetch_and_process(
        self,
        chunk: list[pipeline.PageTask],
        profile: TopicProfile,
        allow_private_hosts: bool,
        workers: int,
    ) -> PrefectFuture[ProcessOut]:
        return fetch_process_task.submit(
            _opaque(chunk), _opaque(profile), allow_private_hosts, workers, len(chunk)
        )

    def store(
        self,
        db: str,
        processed: list[pipeline.Processed],
        failures: list[pipeline.PageFailure],
        profile: TopicProfile,
    ) -> pipeline.ChunkResult:
        return store_task(db, _opaque(processed), _opaque(failures), _opaque(profile))


def summary_artifact(key: str, description: str, logger: Any) -> Callable[[str, int], None]:
    """Publish a run's summary as the markdown artifact ``key`` (``description`` may name
    ``{run_id}``). The artifact is a convenience; the row in ``runs`` is the record."""

    def publish(summary: str, run_id: int) -> None:
        try:
            create_markdown_artifact(
                key=key, markdown=summary, description=description.format(run_id=run_id)
            )
        except Exception as exc:
            logger.warning("could not publish the run summary artifact: %s", exc)

    return publish


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
    return recorded_run(
        db,
        profile,
        lambda counts: run_stages(
            PrefectStages(),
            counts,
            db=db,
            profile=profile,
            feeds=feed_specs(profile, feeds),
            allow_private_hosts=allow_private_hosts or profile.allow_private_hosts,
            chunk_size=chunk_size,
            workers=workers,
            max_articles=max_articles,
            logger=logger,
        ),
        publish=summary_artifact(
            f"monitor-{topic_slug(profile.id)}", "newsmon monitor run {run_id}", logger
        ),
    )


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
