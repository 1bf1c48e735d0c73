"""The scale-out path: the CPU-heavy stage on a Dask cluster, one SQLite writer.

``pipeline.process`` (cleaning with trafilatura, relevance, event extraction) is pure
CPU and needs no database, so it is the stage worth fanning out. This flow runs the
monitor's stages with that one stage submitted, a batch of pages per task, to a
``prefect_dask.DaskTaskRunner`` (a local ``distributed.LocalCluster`` by default, or an
existing cluster's scheduler address). Everything else stays in the flow's process:

- polling and page fetching, so one Fetcher per chunk keeps the per-host politeness
  delay (many workers fetching one host at once would not);
- every database write (``record_polls``, ``store_chunk``), in submission order, so
  SQLite keeps a single writer and the duplicate decisions are exactly those of the
  plain monitor (a chunk is stored only after every chunk before it).

Chunk ``k+1`` is fetched while chunk ``k`` is processed on the cluster. Only pages go to
the workers and only typed records (``Processed``, ``PageFailure``) come back.

Run it from Python (see ``run_on_dask``) or the command line::

    python -m flows.dask_runner --db data/newsmon.db                   # LocalCluster
    python -m flows.dask_runner --db data/newsmon.db --address tcp://scheduler:8786

Workers of a remote cluster need the same newsmon installed (``pip install .[dask]``).
See docs/operations.md for when this pays off.
"""

from __future__ import annotations

import argparse
import logging
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect_dask import DaskTaskRunner

import flows  # noqa: F401  (Prefect privacy/start-up defaults before Prefect loads)
from flows.runs import feed_specs, recorded_run, run_profile
from newsmon import pipeline
from newsmon.db import DEFAULT_DB
from newsmon.learning import learned_profile
from newsmon.profile import FeedSpec, TopicProfile
from newsmon.store import RunCounts

LOGGER = logging.getLogger(__name__)

ProcessOutcome = tuple[list[pipeline.Processed], list[pipeline.PageFailure]]


@task(name="process-batch", task_run_name="process {n} pages", cache_policy=NO_CACHE)
def process_batch_task(
    fetches: list[pipeline.PageFetch], profile: TopicProfile, n: int
) -> ProcessOutcome:
    """Clean, score and extract events for one batch of pages (runs on a Dask worker)."""
    return pipeline.process(fetches, profile)


def dask_task_runner(
    address: str | None = None,
    *,
    n_workers: int = 2,
    threads_per_worker: int = 1,
    processes: bool = True,
) -> DaskTaskRunner:
    """A task runner on the cluster at ``address``, or on a new LocalCluster.

    One thread per worker process: the work is CPU-bound Python, so threads would only
    share one GIL. ``processes=False`` runs the workers as threads of this process
    (quick to start; useful in tests, no speed-up).
    """
    if address:
        return DaskTaskRunner(address=address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": n_workers,
            "threads_per_worker": threads_per_worker,
            "processes": processes,
            "dashboard_address": None,
        },
    )


def _poll(feed: FeedSpec, state: Any, profile: TopicProfile, allow: bool) -> pipeline.FeedPoll:
    try:
        return pipeline.poll_feed(feed, state, profile, allow_private_hosts=allow)
    except Exception as exc:  # recorded in failures and retried next run, like the monitor
        return pipeline.failed_poll(feed, exc)


@flow(name="process-on-dask", log_prints=True)
def process_on_dask(
    topic: str | None = None,
    db: str = str(DEFAULT_DB),
    feeds: list[str] | None = None,
    allow_private_hosts: bool = False,
    chunk_size: int = 25,
    per_host_delay: float | None = None,
) -> dict[str, Any]:
    """One monitor run with the processing stage on the flow's (Dask) task runner.

    Parameters as for the ``monitor`` flow. Call it through :func:`run_on_dask` to pick
    the cluster. Returns the run's counts.
    """
    logger = get_run_logger()
    profile = run_profile(topic, per_host_delay)
    allow = allow_private_hosts or profile.allow_private_hosts
    specs = feed_specs(profile, feeds)

    def stages(counts: RunCounts) -> None:
        info = pipeline.prepare(db, profile)
        # As in the monitor: what earlier runs' accepted articles taught counts from now on.
        current = learned_profile(profile, info.learned, info.centroid)
        states = pipeline.feed_states(db, specs)
        polls = [_poll(f, states[f.url], profile, allow) for f in specs]
        for message in pipeline.add_polls(counts, polls):
            logger.warning(message)
        selection = pipeline.record_polls(
            db,
            polls,
            max_articles=profile.fetch.max_articles_per_run,
            prefilter=pipeline.prefilter_for(profile),
        )
        tasks = pipeline.add_selection(counts, selection)
        futures: list[PrefectFuture[ProcessOutcome]] = []
        for chunk in pipeline.chunked(tasks, chunk_size):
            fetches = pipeline.fetch_pages(chunk, profile, allow_private_hosts=allow)
            futures.append(process_batch_task.submit(fetches, current, len(fetches)))
        for future in futures:  # in submission order: the same decisions as the monitor
            processed, failures = future.result()
            for f in failures:
                logger.warning("%s %s: %s", f.stage, f.url, f.error)
            pipeline.add_chunk(counts, pipeline.store_chunk(db, processed, failures, current))
        pipeline.commit_validators(db, polls)  # feeds' ETags, now that their items are stored

    # One run per database at a time, whichever flow runs it (see newsmon.runlock).
    return recorded_run(
        db,
        profile,
        stages,
        logger=logger,
        artifact_key="process-on-dask",
        description="newsmon run {run_id} with processing on Dask",
    )


def run_on_dask(
    *,
    address: str | None = None,
    n_workers: int = 2,
    processes: bool = True,
    **parameters: Any,
) -> dict[str, Any]:
    """Run :func:`process_on_dask` on the cluster at ``address`` (or a LocalCluster)."""
    runner = dask_task_runner(address, n_workers=n_workers, processes=processes)
    # DaskTaskRunner is a TaskRunner[PrefectDaskFuture]; with_options is typed for the
    # base future type only (the generic is invariant), hence the ignore.
    flow_on_dask = process_on_dask.with_options(task_runner=runner)  # type: ignore[arg-type]
    result: dict[str, Any] = flow_on_dask(**parameters)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m flows.dask_runner",
        description="One monitor run with cleaning/relevance/events on a Dask cluster.",
    )
    parser.add_argument("--topic", default=None, help="topic profile (TOML)")
    parser.add_argument("--db", default=str(DEFAULT_DB), help="SQLite database file")
    parser.add_argument("--feed", action="append", dest="feeds", help="feed URL (repeatable)")
    parser.add_argument("--allow-private-hosts", action="store_true")
    parser.add_argument("--chunk-size", type=int, default=25, help="pages per Dask task")
    parser.add_argument("--per-host-delay", type=float, default=None)
    parser.add_argument("--address", default=None, help="Dask scheduler (default: local)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    args = parser.parse_args(argv)
    result = run_on_dask(
        address=args.address,
        n_workers=args.workers,
        topic=args.topic,
        db=args.db,
        feeds=args.feeds,
        allow_private_hosts=args.allow_private_hosts,
        chunk_size=args.chunk_size,
        per_host_delay=args.per_host_delay,
    )
    print(result["summary"])
    return 0 if result["status"] != "failed" else 1


if __name__ == "__main__":
    raise SystemExit(main())
