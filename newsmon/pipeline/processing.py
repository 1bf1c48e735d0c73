"""The CPU stage, ``process``: clean each fetched page, score its relevance, take its
fingerprint and extract its events; in this process, or fanned out to a pool of
worker processes (started from a fork server) when the chunk is big enough. No
database, no network: a chunk in, typed records out, in the same order either way."""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from extractors.article import extract_article
from extractors.dedupe import fingerprint
from extractors.records import CleanArticle, Event
from extractors.relevance import RelevanceModel
from extractors.relevance import score as relevance_score
from newsmon.errors import ExtractionError
from newsmon.pipeline.records import (
    PageFailure,
    PageFetch,
    Processed,
)
from newsmon.profile import TopicProfile
from newsmon.topic import event_extractor, relevance_model

LOGGER = logging.getLogger(__name__)


#: Below this many pages a chunk is processed in-process: a worker pool's start-up
#: (imports in each worker, about a second) would cost more than it saves.
PARALLEL_MIN_PAGES = 16
_POOLS: dict[int, ProcessPoolExecutor] = {}
_POOL_LOCK = threading.Lock()


#: What the pool's fork server imports once, before it forks any worker: each worker
#: then starts with the stages loaded instead of importing them itself (about a second
#: of CPU per worker). ``__main__`` is the fork server's default.
FORKSERVER_PRELOAD = ["__main__", "newsmon.pipeline"]


def _forkserver_context() -> multiprocessing.context.ForkServerContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(FORKSERVER_PRELOAD)
    return ctx


def start_forkserver() -> None:
    """Start the worker pool's fork server now, so that its imports run while the feeds
    are polled instead of when the first chunk is ready. A no-op once it runs."""
    from multiprocessing import forkserver

    _forkserver_context()
    forkserver.ensure_running()


def _worker_started() -> None:
    """In each new worker: what it has loaded (the stages, their compiled patterns) stays
    for its life, so the garbage collector need not walk it again at every collection
    (a few percent of the CPU stage, which allocates heavily)."""
    import gc

    gc.freeze()


def _pool(workers: int) -> ProcessPoolExecutor:
    """A process pool kept for the life of the process (one per size). ``forkserver``:
    workers never fork the parent's threads (Prefect's, the HTTP client's)."""
    with _POOL_LOCK:
        pool = _POOLS.get(workers)
        if pool is None:
            ctx = _forkserver_context()
            pool = ProcessPoolExecutor(
                max_workers=workers, mp_context=ctx, initializer=_worker_started
            )
            _POOLS[workers] = pool
            atexit.register(pool.shutdown, wait=False, cancel_futures=True)
        return pool


def _drop_pool(workers: int) -> None:
    """Forget a broken pool; the next call starts a new one."""
    with _POOL_LOCK:
        pool = _POOLS.pop(workers, None)
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def default_workers() -> int:
    """CPU workers for the processing stage: the machine's cores, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


def process(
    fetches: Sequence[PageFetch], profile: TopicProfile, *, workers: int = 1
) -> tuple[list[Processed], list[PageFailure]]:
    """Clean, score, fingerprint and extract events for each fetched page (CPU only).

    With ``workers > 1`` and enough pages, the chunk is split across a process pool;
    the result (and its order) is the same as in-process.
    """
    if workers <= 1 or len(fetches) < PARALLEL_MIN_PAGES:
        return _process_guarded(fetches, profile)
    size = -(-len(fetches) // workers)
    slices = [list(fetches[i : i + size]) for i in range(0, len(fetches), size)]
    # The relevance model goes to the workers built: pickled it is about 80 KB and loads
    # in milliseconds, where each worker would spend most of a second building it again
    # (the places around the story).
    model = relevance_model(profile)
    done: list[Processed] = []
    failed: list[PageFailure] = []
    n = len(slices)
    try:
        for d, f in _pool(workers).map(_process_guarded, slices, [profile] * n, [model] * n):
            done.extend(d)
            failed.extend(f)
    except BrokenProcessPool:
        # A worker died: killed (the kernel's OOM killer, an operator) or crashed in C
        # code on some page. Nothing of the chunk is lost: it is processed again, page by
        # page, so that only a page that kills its worker again is recorded as failed.
        _drop_pool(workers)
        LOGGER.warning(
            "a worker process died while processing %d pages; processing them again one by one",
            len(fetches),
        )
        return _process_one_by_one(fetches, profile, model)
    return done, failed


#: The failure recorded for a page during which a worker process died (twice).
WORKER_DIED = "worker process died while processing the page (crashed, or was killed)"


def _process_one_by_one(
    fetches: Sequence[PageFetch], profile: TopicProfile, model: RelevanceModel
) -> tuple[list[Processed], list[PageFailure]]:
    done: list[Processed] = []
    failed: list[PageFailure] = []
    for f in fetches:
        try:
            d, fl = _pool(1).submit(_process_guarded, [f], profile, model).result()
        except BrokenProcessPool:
            _drop_pool(1)
            LOGGER.error("%s: %s", f.task.url, WORKER_DIED)
            # Retryable: a kill from outside (memory) may not happen again; a page that
            # crashes its worker every time is given up after the usual attempts.
            failed.append(PageFailure(f.task.url, "extract", WORKER_DIED, True, f.task.feed_url))
            continue
        done.extend(d)
        failed.extend(fl)
    return done, failed


def _process_guarded(
    fetches: Sequence[PageFetch], profile: TopicProfile, model: RelevanceModel | None = None
) -> tuple[list[Processed], list[PageFailure]]:
    """``_process_pages``, where a bug an extractor hits on one hostile page becomes that
    page's recorded failure (with the exception) instead of failing the chunk and run.
    ``model``: the profile's relevance model, when the caller has it built."""
    try:
        return _process_pages(fetches, profile, model)
    except Exception as exc:
        if len(fetches) != 1:
            done: list[Processed] = []
            failed: list[PageFailure] = []
            for f in fetches:  # again one by one, to find the page that did it
                d, fl = _process_guarded([f], profile, model)
                done.extend(d)
                failed.extend(fl)
            return done, failed
        if not isinstance(fetches[0], PageFetch):
            raise  # not a hostile page: a caller's bug, shown as it is
        task = fetches[0].task
        LOGGER.exception("processing %s failed", task.url)
        error = f"processing failed: {type(exc).__name__}: {exc}"[:500]
        return [], [PageFailure(task.url, "extract", error, False, task.feed_url)]


def _process_pages(
    fetches: Sequence[PageFetch], profile: TopicProfile, model: RelevanceModel | None = None
) -> tuple[list[Processed], list[PageFailure]]:
    if model is None:
        model = relevance_model(profile)
    extractor = event_extractor(profile)
    done: list[Processed] = []
    failed: list[PageFailure] = []
    for f in fetches:
        task = f.task
        if f.result is None:
            failed.append(
                PageFailure(
                    task.url, "fetch", f.error or "fetch failed", f.retryable, task.feed_url
                )
            )
            continue
        try:
            article = extract_article(
                f.result.content, f.result.final_url, encoding=f.result.encoding
            )
        except ExtractionError as exc:
            failed.append(PageFailure(task.url, "extract", exc.reason, False, task.feed_url))
            continue
        if article.published is None and task.item is not None and task.item.published:
            article = _with_published(article, task.item.published)
        title = article.title or (task.item.title if task.item else None)
        rel = relevance_score(article.text, title, model, published=article.published)
        events: tuple[Event, ...] = ()
        if rel.relevant:
            events = tuple(extractor.extract(article.text, published=article.published))
        done.append(Processed(task, article, rel, events, fingerprint(article.text)))
    return done, failed


def _with_published(article: CleanArticle, published: str) -> CleanArticle:
    from dataclasses import replace

    return replace(article, published=published)
