"""The monitor's stages as plain functions, one module per stage.

``flows/monitor.py`` wires these into Prefect tasks; tests and benchmarks can call them
directly. The stages split along what can fail or be retried on its own:

    prepare      open the database, load seeds, sync places, check the duplicate index
    poll_feed    one feed: conditional GET + parse                  (I/O, retryable)
    record_polls write feed state and failures; pick the items to fetch, skipping
                 those whose feed entry is off the topic (extractors.prefilter) (DB)
    fetch_pages  a chunk of article pages                           (I/O, retryable)
    process      clean, score relevance, extract events                         (CPU)
    store_chunk  dedupe and write a chunk, its events and alerts: one transaction (DB)

Only ``record_polls`` and ``store_chunk`` write, always from the flow's own thread, so
SQLite has a single writer.

    records      the typed records passed between the stages
    preparation  prepare
    polling      poll_feed, fetch_pages (the network)
    selection    record_polls, commit_validators (what to fetch)
    processing   process (the CPU; in this process or on a pool of workers)
    storing      store_chunk (one transaction per chunk)
    counts       what each stage adds to the run's counts, chunk sizes, the summary
    run          the stage sequence of one run, whatever executes it; the run's record

This package re-exports each stage's public names, so ``pipeline.prepare(...)`` reads
as the stage it is.
"""

from newsmon.pipeline.counts import (
    CHUNKS_PER_RUN,
    MAX_CHUNK,
    MIN_CHUNK,
    add_chunk,
    add_polls,
    add_selection,
    auto_chunk_size,
    chunked,
    format_counts,
    summarize,
)
from newsmon.pipeline.polling import PAGE_TYPES, failed_poll, feed_states, fetch_pages, poll_feed
from newsmon.pipeline.preparation import prepare
from newsmon.pipeline.processing import (
    PARALLEL_MIN_PAGES,
    WORKER_DIED,
    default_workers,
    process,
    start_forkserver,
)
from newsmon.pipeline.records import (
    ChunkResult,
    FeedPoll,
    PageFailure,
    PageFetch,
    PageTask,
    PrepareInfo,
    Processed,
    Selection,
)
from newsmon.pipeline.run import (
    PlainStages,
    ProcessOut,
    Stages,
    feed_specs,
    recorded_run,
    run_profile,
    run_stages,
)
from newsmon.pipeline.selection import (
    commit_validators,
    prefilter_for,
    record_polls,
    unseen_items,
)
from newsmon.pipeline.storing import store_chunk

__all__ = [
    "CHUNKS_PER_RUN",
    "MAX_CHUNK",
    "MIN_CHUNK",
    "PAGE_TYPES",
    "PARALLEL_MIN_PAGES",
    "WORKER_DIED",
    "ChunkResult",
    "FeedPoll",
    "PageFailure",
    "PageFetch",
    "PageTask",
    "PlainStages",
    "PrepareInfo",
    "ProcessOut",
    "Processed",
    "Selection",
    "Stages",
    "add_chunk",
    "add_polls",
    "add_selection",
    "auto_chunk_size",
    "chunked",
    "commit_validators",
    "default_workers",
    "failed_poll",
    "feed_specs",
    "feed_states",
    "fetch_pages",
    "format_counts",
    "poll_feed",
    "prefilter_for",
    "prepare",
    "process",
    "record_polls",
    "unseen_items",
    "recorded_run",
    "run_profile",
    "run_stages",
    "start_forkserver",
    "store_chunk",
    "summarize",
]
