"""The scale-out path: the monitor's stages with processing on a Dask cluster.

``pipeline.process`` (cleaning with trafilatura, relevance, event extraction) is pure
CPU and needs no database, so it is the stage worth fanning out. This flow runs the
monitor's stage sequence (:func:`newsmon.pipeline.run_stages`, the same as the
``monitor`` flow's) with one difference, its executor (:class:`DaskStages`): each
chunk's processing is submitted, a batch of pages per task, to a
``prefect_dask.DaskTaskRunner`` (a local ``distributed.LocalCluster`` by default, or an
existing cluster's scheduler address). Everything else stays in the flow's process:

- polling and page fetching, so one Fetcher per chunk keeps the per-host politeness
  delay (many workers fetching one host at once would not);
- every database write (``record_polls``, ``store_chunk``), in submission order, so
  SQLite keeps a single writer and the duplicate decisions are exactly those of the
  plain monitor (a chunk is stored only after every chunk before it).

Chunk ``k+1`` is fetched while chunk ``k`` is processed on the cluster. Only pages go to
the workers and only typed records (``Processed``, ``PageFailure``) come back; they are
passed as plain arguments (a Prefect ``opaque`` annotation does not survive the trip
through Dask).

Run it with ``newsmon run --dask`` (a LocalCluster) or ``newsmon run --dask-address
tcp://scheduler:8786``, or from Python (:func:`run_on_dask`). Workers of a remote
cluster need the same newsmon installed (``pip install .[dask]``). See
docs/operations.md for when this pays off.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect_dask import DaskTaskRunner

import flows  # noqa: F401  (Prefect privacy/start-up defaults before Prefect loads)
from flows.monitor import summary_artifact
from newsmon import pipeline, progress
from newsmon.db import DEFAULT_DB
from newsmon.pipeline import (
    PlainStages,
    ProcessOut,
    feed_specs,
    recorded_run,
    run_profile,
    run_stages,
)
from newsmon.profile import TopicProfile

LOGGER = logging.getLogger(__name__)


@task(name="process-batch", task_run_name="process {n} pages", cache_policy=NO_CACHE)
def process_batch_task(
    fetches: list[pipeline.PageFetch], profile: TopicProfile, n: int
) -> ProcessOut:
    """Clean, score and extract events for one batch of pages (runs on a Dask worker)."""
    return pipeline.process(fetches, profile)


class DaskStages(PlainStages):
    """The plain stages, except that each chunk, once fetched here, is processed on the
    flow's (Dask) task runner."""

    def fetch_and_process(
        self,
        chunk: list[pipeline.PageTask],
        profile: TopicProfile,
        allow_private_hosts: bool,
        workers: int,
    ) -> PrefectFuture[ProcessOut]:
        fetches = pipeline.fetch_pages(
            chunk,
            profile,
            allow_private_hosts=allow_private_hosts,
            on_page=lambda: progress.advance("pages"),
        )
        return process_batch_task.submit(fetches, profile, len(fetches))


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

    Parameters as for the ``monitor`` flow (``chunk_size``: pages per Dask task). Call it
    through :func:`run_on_dask` to pick the cluster. Returns the run's counts.
    """
    logger = get_run_logger()
    profile = run_profile(topic, per_host_delay)
    # One run per database at a time, whichever flow runs it (see newsmon.runlock).
    return recorded_run(
        db,
        profile,
        lambda counts: run_stages(
            DaskStages(),
            counts,
            db=db,
            profile=profile,
            feeds=feed_specs(profile, feeds),
            allow_private_hosts=allow_private_hosts or profile.allow_private_hosts,
            chunk_size=chunk_size,
            workers=1,  # the cluster's workers process the pages, not a local pool
            logger=logger,
        ),
        publish=summary_artifact(
            "process-on-dask", "newsmon run {run_id} with processing on Dask", logger
        ),
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
