"""The monitor's stages as plain functions.

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
"""

from __future__ import annotations

import atexit
import logging
import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field

import sqlite_utils

from extractors.article import extract_article
from extractors.copies import Copy, original_of
from extractors.dedupe import Fingerprint, fingerprint
from extractors.feeds import parse_feed
from extractors.prefilter import PrefilterModel
from extractors.records import CleanArticle, Event, FeedItem, Relevance
from extractors.relevance import score as relevance_score
from extractors.urls import canonicalize_url, is_amp_url
from newsmon import alerts, learning, skipped, store
from newsmon.db import insert_row, now_iso, open_db
from newsmon.dupindex import DuplicateIndex, DuplicateMatch, ensure_current, mark_duplicate
from newsmon.errors import ExtractionError, FetchError
from newsmon.events_store import store_events
from newsmon.fetch import Fetcher, FetchResult
from newsmon.places import sync_places
from newsmon.profile import FeedSpec, TopicProfile
from newsmon.revisions import record_revision
from newsmon.topic import event_extractor, prefilter_model, relevance_model

LOGGER = logging.getLogger(__name__)

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
    "application/x-rss+xml",
    "application/feed+json",
    "text/html",  # some servers mislabel feeds; parse_feed says so when it is HTML
    "text/plain",
    "application/octet-stream",
)
PAGE_TYPES = ("text/html", "application/xhtml+xml")


# ----------------------------------------------------------------------------- records


@dataclass(frozen=True)
class PrepareInfo:
    seeds_loaded: int
    index_rebuilt: int
    #: The topic's learned anchors in force for this run (``newsmon.learning``).
    learned: tuple[str, ...] = ()
    #: The centroid of the articles accepted so far (``newsmon.learning``).
    centroid: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class FeedPoll:
    """The outcome of polling one feed."""

    feed_url: str
    name: str | None
    status: int | None
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    items: tuple[FeedItem, ...] = ()
    error: str | None = None
    retryable: bool = False
    retry_after: float | None = None
    warning: str | None = None  # usable, but something was wrong (e.g. malformed XML)


@dataclass(frozen=True)
class PageTask:
    """An article page to fetch, and why."""

    url: str
    feed_url: str | None
    item: FeedItem | None
    known_article_id: int | None = None  # set when refetching an article to look for a rewrite


@dataclass(frozen=True)
class Selection:
    """What :func:`record_polls` picked: the pages to fetch, and the counts."""

    tasks: list[PageTask]
    items_seen: int
    retried: int  # pages queued again after a failure
    skipped: int = 0  # new items recorded as off the topic from their feed entry


@dataclass(frozen=True)
class PageFetch:
    task: PageTask
    result: FetchResult | None
    error: str | None = None
    retryable: bool = False


@dataclass(frozen=True)
class Processed:
    """A cleaned, scored article with its events, ready to store."""

    task: PageTask
    article: CleanArticle
    relevance: Relevance
    events: tuple[Event, ...]
    fingerprint: Fingerprint

    @property
    def content_hash(self) -> str:
        return self.fingerprint.content_hash


@dataclass(frozen=True)
class PageFailure:
    url: str
    stage: str
    error: str
    retryable: bool
    feed_url: str | None


@dataclass(frozen=True)
class ChunkResult:
    """What storing one chunk did (counts for the run summary)."""

    new_articles: int = 0
    relevant: int = 0
    off_topic: int = 0
    duplicates: int = 0
    updated: int = 0
    events: int = 0
    alerts: int = 0
    errors: int = 0
    alert_ids: tuple[int, ...] = ()
    error_messages: tuple[str, ...] = field(default_factory=tuple)


# ----------------------------------------------------------------------------- prepare


def prepare(db_path: str, profile: TopicProfile) -> PrepareInfo:
    """Open (and migrate) the database, load the seeds, sync places, check the index."""
    db = open_db(db_path)
    try:
        # One transaction: seeds stored without their events (a crash in between) would
        # never get them, since a seed already stored is not loaded again.
        with db.atomic():
            seeded = store.load_seeds(db, profile)
            sync_places(db, profile)
            rebuilt = ensure_current(db)
            index = DuplicateIndex(db)
            for aid in seeded:
                text, published = db.execute(
                    "select text, published from articles where id = ?", [aid]
                ).fetchone()
                index.add(aid, text)
                # What the seeds report is already known: their events form clusters
                # (so later reports of them join, not alert) but raise no alert.
                events = event_extractor(profile).extract(text, published=published)
                store_events(db, aid, events, containing=profile.containing())
            learn = profile.relevance.learn
            learned = learning.active(db, profile.id) if learn else ()
            centroid = learning.accepted_centroid(db) if learn else ()
        return PrepareInfo(
            seeds_loaded=len(seeded), index_rebuilt=rebuilt or 0, learned=learned, centroid=centroid
        )
    finally:
        db.close()


# ----------------------------------------------------------------------------- feeds


def feed_states(db_path: str, feeds: Sequence[FeedSpec]) -> dict[str, store.FeedState]:
    db = open_db(db_path, migrate=False)
    try:
        return {f.url: store.feed_state(db, f.url) for f in feeds}
    finally:
        db.close()


def poll_feed(
    feed: FeedSpec,
    state: store.FeedState,
    profile: TopicProfile,
    *,
    allow_private_hosts: bool,
) -> FeedPoll:
    """Fetch one feed with a conditional GET and parse it. Raises FetchError on I/O
    failure (so a retry wrapper can decide); a parse failure is returned as ``error``."""
    if state.retry_after and state.retry_after > now_iso():
        return FeedPoll(
            feed.url,
            feed.name,
            None,
            etag=state.etag,
            last_modified=state.last_modified,
            error=f"skipped: the server asked us to wait until {state.retry_after}",
            retryable=True,
        )
    with Fetcher(profile.fetch, allow_private_hosts=allow_private_hosts) as fetcher:
        result = fetcher.get(
            feed.url,
            etag=state.etag,
            last_modified=state.last_modified,
            accept="application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
        )
    if result.not_modified:
        return FeedPoll(
            feed.url,
            feed.name,
            result.status,
            etag=result.etag or state.etag,
            last_modified=result.last_modified or state.last_modified,
            not_modified=True,
        )
    parsed = parse_feed(
        result.content, result.final_url, content_type=result.content_type, encoding=result.encoding
    )
    return FeedPoll(
        feed.url,
        feed.name,
        result.status,
        etag=result.etag,
        last_modified=result.last_modified,
        items=parsed.items,
        error=parsed.error,
        retryable=False,
        warning=parsed.warning,
    )


def failed_poll(feed: FeedSpec, exc: BaseException) -> FeedPoll:
    if isinstance(exc, FetchError):
        return FeedPoll(
            feed.url,
            feed.name,
            exc.status,
            error=exc.reason,
            retryable=exc.retryable,
            retry_after=exc.retry_after,
        )
    return FeedPoll(feed.url, feed.name, None, error=f"{type(exc).__name__}: {exc}")


def _retry_after_stamp(seconds: float | None) -> str | None:
    if not seconds:
        return None
    from datetime import UTC, datetime, timedelta

    return (
        (datetime.now(UTC) + timedelta(seconds=min(seconds, 24 * 3600)))
        .replace(microsecond=0)
        .isoformat()
    )


def _is_newer(updated: str | None, stored: str | None) -> bool:
    return bool(updated and stored and updated > stored)


def prefilter_for(profile: TopicProfile) -> PrefilterModel | None:
    """The feed-entry decision of the profile, or None when it switches it off."""
    return prefilter_model(profile) if profile.fetch.prefilter else None


def record_polls(
    db_path: str,
    polls: Sequence[FeedPoll],
    *,
    max_articles: int,
    prefilter: PrefilterModel | None = None,
) -> Selection:
    """Write feed state and failures; return the pages to fetch, items seen, retries.

    A page is fetched when its canonical URL is new, when the feed says a known article
    was updated after we fetched it, or when an earlier attempt failed and may be retried.
    With ``prefilter`` (see :func:`prefilter_for`), a new item whose feed entry is off
    the topic is not fetched but recorded in ``skipped_items``; items recorded there by
    another version of the decision are judged again. Without it, every item is fetched
    (the recorded ones included).

    A feed's new ETag/Last-Modified are NOT stored here but by :func:`commit_validators`
    once every item it listed is stored or on record as failed: a run that crashes (or
    stops at ``max_articles``) before then polls the feed in full next time, instead of
    getting a 304 and never seeing the items it did not finish.
    """
    db = open_db(db_path, migrate=False)
    try:
        with db.atomic():
            items: list[FeedItem] = []
            for poll in polls:
                kept = poll if poll.not_modified else store.feed_state(db, poll.feed_url)
                store.record_feed_poll(
                    db,
                    poll.feed_url,
                    name=poll.name,
                    status=poll.status,
                    etag=kept.etag,
                    last_modified=kept.last_modified,
                    error=poll.error,
                    retry_after=_retry_after_stamp(poll.retry_after),
                )
                if poll.error:
                    store.record_failure(
                        db, poll.feed_url, "feed", poll.error, retryable=poll.retryable
                    )
                elif poll.warning:
                    # Use what could be read, and keep the fault on record until a clean poll.
                    store.record_failure(db, poll.feed_url, "feed", poll.warning, retryable=True)
                    items.extend(poll.items)
                else:
                    store.resolve_failures(db, poll.feed_url)
                    items.extend(poll.items)
            tasks, retried, n_skipped = _select_pages(db, items, max_articles, prefilter)
        return Selection(tasks, len(items), retried, n_skipped)
    finally:
        db.close()


def commit_validators(db_path: str, polls: Sequence[FeedPoll]) -> int:
    """Store the new ETag/Last-Modified of each polled feed whose items are all accounted
    for (stored, at their listed version, or on record in ``failures``), so a later 304
    can no longer hide one of them. Call at the end of a run; returns the feeds updated."""
    db = open_db(db_path, migrate=False)
    try:
        updated = 0
        with db.atomic():
            for poll in polls:
                if poll.error or poll.not_modified or not (poll.etag or poll.last_modified):
                    continue
                if not _all_accounted(db, poll.items):
                    continue
                db.execute(
                    "update feeds set etag = ?, last_modified = ? where url = ?",
                    [poll.etag, poll.last_modified, poll.feed_url],
                )
                updated += 1
        return updated
    finally:
        db.close()


def _all_accounted(db: sqlite_utils.Database, items: Sequence[FeedItem]) -> bool:
    by_canonical = {canonicalize_url(i.url): i for i in items}
    known = store.known_urls(db, [*by_canonical, *(i.url for i in by_canonical.values())])
    versions = store.article_versions(db, set(known.values()))
    rest = []
    judged_off = skipped.recorded(db, by_canonical)  # on record, not fetched
    for canonical, item in by_canonical.items():
        aid = known.get(canonical) or known.get(item.url)
        if aid is None and canonical in judged_off:
            continue
        if aid is None or _is_newer(item.updated, versions.get(aid)):
            rest.append(item.url)
    for i in range(0, len(rest), 400):
        chunk = rest[i : i + 400]
        marks = ",".join("?" * len(chunk))
        sql = f"select url from failures where url in ({marks})"
        failed = {r[0] for r in db.execute(sql, chunk)}
        if any(u not in failed for u in chunk):
            return False
    return True


def _select_pages(
    db: sqlite_utils.Database,
    items: Sequence[FeedItem],
    max_articles: int,
    prefilter: PrefilterModel | None = None,
) -> tuple[list[PageTask], int, int]:
    """(pages to fetch, how many of them are retries, new items skipped as off-topic)."""
    by_canonical: dict[str, FeedItem] = {}
    for item in items:
        by_canonical.setdefault(canonicalize_url(item.url), item)
    known = store.known_urls(db, [*by_canonical, *(i.url for i in by_canonical.values())])
    versions = store.article_versions(db, set(known.values()))
    stored_at = store.article_urls(db, set(known.values()))
    tasks: list[PageTask] = []
    new: dict[str, FeedItem] = {}
    for canonical, item in by_canonical.items():
        aid = known.get(canonical) or known.get(item.url)
        if aid is not None and _only_a_copy_stored(stored_at.get(aid), item.url):
            aid = None  # its AMP copy is stored, not the page itself: fetch the original
        if aid is None:
            new[canonical] = item
        elif _is_newer(item.updated, versions.get(aid)):
            tasks.append(PageTask(item.url, item.feed_url, item, known_article_id=aid))
    judged = skipped.judge(db, new, prefilter)
    hopeless = store.given_up(db, (i.url for i in judged.fetch), ("fetch", "extract"))
    tasks += [PageTask(i.url, i.feed_url, i) for i in judged.fetch if i.url not in hopeless]
    # Oldest first: when a wire story and its copy arrive in one run, the one published
    # first becomes the original and the later one its duplicate.
    tasks.sort(key=lambda t: (t.item.published or "~") if t.item else "~")
    queued = {canonicalize_url(t.url) for t in tasks}
    pending = store.pending_failures(db, ("fetch", "extract"))
    for failure in pending:
        canonical = canonicalize_url(failure.url)
        if store.article_id_by_url(db, canonical) is not None:
            # Stored meanwhile from another of its URLs (a feed link without tracking
            # parameters, say): nothing is left to retry.
            store.resolve_failures(db, failure.url)
            continue
        if canonical in queued:
            continue
        tasks.append(PageTask(failure.url, failure.feed_url, None))
        queued.add(canonical)
    # "Retried": pages queued again after a failure, listed in a feed again or not.
    failed_before = {canonicalize_url(f.url) for f in pending}
    tasks = tasks[:max_articles]
    retried = sum(1 for t in tasks if canonicalize_url(t.url) in failed_before)
    return tasks, retried, judged.skipped


# ----------------------------------------------------------------------------- pages


def fetch_pages(
    tasks: Sequence[PageTask],
    profile: TopicProfile,
    *,
    allow_private_hosts: bool,
    on_page: Callable[[], None] | None = None,
) -> list[PageFetch]:
    """Fetch a chunk of pages; hosts in parallel, one request at a time per host.
    ``on_page`` is called as each page is done (for a progress display)."""
    with Fetcher(profile.fetch, allow_private_hosts=allow_private_hosts) as fetcher:
        results = fetcher.get_many(
            [t.url for t in tasks], allowed_types=PAGE_TYPES, on_done=on_page
        )
    out = []
    for task, res in zip(tasks, results, strict=True):
        if isinstance(res, FetchError):
            out.append(PageFetch(task, None, error=res.reason, retryable=res.retryable))
        else:
            out.append(PageFetch(task, res))
    return out


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
    done: list[Processed] = []
    failed: list[PageFailure] = []
    try:
        for d, f in _pool(workers).map(_process_guarded, slices, [profile] * len(slices)):
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
        return _process_one_by_one(fetches, profile)
    return done, failed


#: The failure recorded for a page during which a worker process died (twice).
WORKER_DIED = "worker process died while processing the page (crashed, or was killed)"


def _process_one_by_one(
    fetches: Sequence[PageFetch], profile: TopicProfile
) -> tuple[list[Processed], list[PageFailure]]:
    done: list[Processed] = []
    failed: list[PageFailure] = []
    for f in fetches:
        try:
            d, fl = _pool(1).submit(_process_guarded, [f], profile).result()
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
    fetches: Sequence[PageFetch], profile: TopicProfile
) -> tuple[list[Processed], list[PageFailure]]:
    """``_process_pages``, where a bug an extractor hits on one hostile page becomes that
    page's recorded failure (with the exception) instead of failing the chunk and run."""
    try:
        return _process_pages(fetches, profile)
    except Exception as exc:
        if len(fetches) != 1:
            done: list[Processed] = []
            failed: list[PageFailure] = []
            for f in fetches:  # again one by one, to find the page that did it
                d, fl = _process_guarded([f], profile)
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
    fetches: Sequence[PageFetch], profile: TopicProfile
) -> tuple[list[Processed], list[PageFailure]]:
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


# ----------------------------------------------------------------------------- store


def _source_name(article: CleanArticle) -> str:
    if article.site_name:
        return article.site_name
    from urllib.parse import urlsplit

    return urlsplit(article.canonical_url or article.url).hostname or "unknown"


def store_chunk(
    db_path: str,
    processed: Sequence[Processed],
    failures: Sequence[PageFailure],
    profile: TopicProfile,
) -> ChunkResult:
    """Write one chunk in ONE transaction: articles, duplicate decisions, revisions,
    events, alerts, and the failures. A crash leaves the chunk either whole or absent."""
    db = open_db(db_path, migrate=False)
    counts: dict[str, int] = dict.fromkeys(
        ("new_articles", "relevant", "off_topic", "duplicates", "updated", "events", "alerts"), 0
    )
    alert_ids: list[int] = []
    try:
        with db.atomic():
            index = DuplicateIndex(db)
            for p in processed:
                _store_one(db, index, p, profile, counts, alert_ids)
            for fail in failures:
                store.record_failure(
                    db,
                    fail.url,
                    fail.stage,
                    fail.error,
                    retryable=fail.retryable,
                    feed_url=fail.feed_url,
                )
        return ChunkResult(
            **counts,
            errors=len(failures),
            alert_ids=tuple(alert_ids),
            error_messages=tuple(f"{f.stage} {f.url}: {f.error}" for f in failures),
        )
    finally:
        db.close()


def _store_one(
    db: sqlite_utils.Database,
    index: DuplicateIndex,
    p: Processed,
    profile: TopicProfile,
    counts: dict[str, int],
    alert_ids: list[int],
) -> None:
    a, task, fetched_at = p.article, p.task, now_iso()
    # The feed's own stamp, compared with later feed stamps of the same item.
    feed_updated = (task.item.updated or task.item.published) if task.item else None
    # The page may have failed before under another of its URLs (the feed's link without
    # tracking parameters, its canonical URL): those failures are over too.
    for url in dict.fromkeys((task.url, canonicalize_url(task.url), a.canonical_url)):
        if url:
            store.resolve_failures(db, url, at=fetched_at)
    # Fetched after a later judgement of its feed entry: no longer a skipped item.
    skipped.forget(db, (task.url, a.canonical_url))

    known = task.known_article_id or store.article_id_by_url(db, task.url)
    if (
        known is not None
        and task.known_article_id is None
        and _only_a_copy_stored(store.article_urls(db, [known]).get(known), task.url)
    ):
        known = None  # the original of a stored AMP copy: a new article, not a rewrite
    if known is not None:
        # A known article came back: a rewrite when its text changed materially.
        revision_id = record_revision(db, known, a.text, a.title, fetched_at)
        if feed_updated:
            db.table("articles").update(known, {"feed_updated": feed_updated})
        if revision_id is not None:
            counts["updated"] += 1
            _store_revision_events(db, known, p, profile, revision_id, counts, alert_ids)
        return

    row = {
        "url": task.url,
        "canonical_url": a.canonical_url,
        "title": a.title or (task.item.title if task.item else None),
        "source": _source_name(a),
        "author": a.author,
        "published": a.published,
        "fetched_at": fetched_at,
        "text": a.text,
        "content_hash": p.content_hash,
        "relevance": p.relevance.score,
        "feed_url": task.feed_url,
        "language": a.language,
        "word_count": len(a.text.split()),
        "revision": 1,
        "feed_updated": feed_updated,
    }
    status, dup_of, similarity, reason = _duplicate_decision(db, index, p)
    copy = _stored_copy(db, index, p, dup_of)
    if copy is not None:  # the new article is the original of a stored one: swap
        status, dup_of, similarity, reason = None, None, None, None
    if status is None:
        status = "relevant" if p.relevance.relevant else "off_topic"
    row.update(status=status, duplicate_of=dup_of, similarity=similarity, duplicate_reason=reason)
    article_id = insert_row(db, "articles", row)
    counts["new_articles"] += 1
    if status == "duplicate":
        counts["duplicates"] += 1
        return
    if copy is not None:
        _demote(db, copy, article_id)
    learning.observe(
        db,
        profile,
        article_id,
        p.relevance,
        title=a.title or (task.item.title if task.item else None),
        text=a.text,
        outlet=_source_name(a),
        now=fetched_at,
    )
    counts[status] += 1
    index.add(article_id, a.text, fingerprint=p.fingerprint)
    if status != "relevant" or not p.events:
        return
    stored = store_events(db, article_id, p.events, containing=profile.containing())
    counts["events"] += len(stored.event_ids)
    new = alerts.raise_alerts(
        db,
        profile,
        article_ids=[article_id],
        event_ids=stored.event_ids,
        new_cluster_ids=stored.new_cluster_ids,
        now=fetched_at,
    )
    alert_ids.extend(new)
    counts["alerts"] += len(new)


def _store_revision_events(
    db: sqlite_utils.Database,
    article_id: int,
    p: Processed,
    profile: TopicProfile,
    revision_id: int,
    counts: dict[str, int],
    alert_ids: list[int],
) -> None:
    """A rewritten article: extract its new revision's events (their offsets point into
    the new text) and raise ARTICLE_UPDATED plus whatever the new events change."""
    status, revision = db.execute(
        "select status, revision from articles where id = ?", [article_id]
    ).fetchone()
    stored = None
    if status == "relevant" and p.events:
        stored = store_events(
            db,
            article_id,
            p.events,
            revision=int(revision),
            containing=profile.containing(),
        )
        counts["events"] += len(stored.event_ids)
    new = alerts.raise_alerts(
        db,
        profile,
        article_ids=[article_id],
        event_ids=stored.event_ids if stored else (),
        new_cluster_ids=stored.new_cluster_ids if stored else (),
        revision_ids=[revision_id],
        now=now_iso(),
    )
    alert_ids.extend(new)
    counts["alerts"] += len(new)


def _duplicate_decision(
    db: sqlite_utils.Database, index: DuplicateIndex, p: Processed
) -> tuple[str | None, int | None, float | None, str | None]:
    """(status, duplicate_of, similarity, reason), or Nones when the article is new."""
    canonical_match = store.article_id_by_url(db, p.article.canonical_url)
    if canonical_match is not None:
        return "duplicate", _original(db, canonical_match), 1.0, "canonical_url"
    hash_match = store.article_id_by_hash(db, p.content_hash)
    if hash_match is not None:
        return "duplicate", hash_match, 1.0, "content_hash"
    match = index.check(p.article.text, fingerprint=p.fingerprint)
    if match is not None:
        return "duplicate", match.article_id, round(match.similarity, 4), match.kind
    return None, None, None, None


def _only_a_copy_stored(stored_url: str | None, url: str) -> bool:
    """The stored article found for ``url`` is its AMP rendering, not the page itself."""
    return stored_url is not None and is_amp_url(stored_url) and not is_amp_url(url)


@dataclass(frozen=True)
class _StoredCopy:
    """A stored article that turns out to be a copy of the one being stored."""

    article_id: int
    similarity: float
    reason: str  # the duplicate kind, then which signal named the original


def _stored_copy(
    db: sqlite_utils.Database, index: DuplicateIndex, p: Processed, dup_of: int | None
) -> _StoredCopy | None:
    """When the new article and a stored one are one story and the new one is the
    original (``extractors.copies``: canonical link, credit, publication time, which text
    holds the other), the stored one is the copy. It is either the article the new one
    was found to duplicate (``dup_of``), or a stored text the new one contains (a
    trimmed copy stored first: the new text is too long to count as its duplicate).
    Seeds are never demoted."""
    candidate: tuple[int, DuplicateMatch | None]
    if dup_of is not None:
        candidate = (dup_of, None)
    else:
        contained = index.contained(p.article.text, fingerprint=p.fingerprint)
        if contained is None:
            return None
        candidate = (contained.article_id, contained)
    aid, match = candidate
    row = db.execute(
        "SELECT url, canonical_url, published, source, author, text, status, similarity,"
        " duplicate_reason FROM articles WHERE id = ?",
        [aid],
    ).fetchone()
    if row is None or row[6] not in ("relevant", "off_topic"):
        return None
    a = p.article
    stored = Copy(row[0], row[1], row[2], row[3], row[4], row[5] or "")
    new = Copy(p.task.url, a.canonical_url, a.published, _source_name(a), a.author, a.text)
    decided = original_of(stored, new)
    if decided is None or decided[0] != 1:
        return None
    if match is not None:
        return _StoredCopy(aid, match.similarity, f"{match.kind}:{decided[1]}")
    match_now = index.check(stored.text, exclude_ids=(aid,))
    similarity = match_now.similarity if match_now is not None else 1.0
    return _StoredCopy(aid, similarity, f"original_later:{decided[1]}")


def _demote(db: sqlite_utils.Database, copy: _StoredCopy, original_id: int) -> None:
    """File the stored ``copy`` as a duplicate of ``original_id`` (its copies too), take
    it out of the index, and forget what it taught. Its events stay where they are
    (clusters and alerts already point at them); the original's events join them."""
    db.execute(
        "UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?",
        [original_id, copy.article_id],
    )
    mark_duplicate(
        db,
        copy.article_id,
        DuplicateMatch(original_id, round(copy.similarity, 4), copy.reason.split(":")[0]),
    )
    db.execute(
        "UPDATE articles SET duplicate_reason = ? WHERE id = ?",
        [f"copy of a later original ({copy.reason})", copy.article_id],
    )
    learning.forget(db, copy.article_id)
    LOGGER.info("article %d is a copy of article %d: swapped", copy.article_id, original_id)


def _original(db: sqlite_utils.Database, article_id: int) -> int:
    row = db.execute("select duplicate_of from articles where id = ?", [article_id]).fetchone()
    return int(row[0]) if row and row[0] is not None else article_id


def add_polls(counts: store.RunCounts, polls: Sequence[FeedPoll]) -> list[str]:
    """Add what polling the feeds did to the run's counts; return one message per failed
    feed (for the flow's log: a failed feed is a warning, not a failed run)."""
    failed = [f"feed {p.feed_url}: {p.error}" for p in polls if p.error]
    counts.feeds_polled = len(polls)
    counts.feeds_not_modified = sum(p.not_modified for p in polls)
    counts.errors += len(failed)
    counts.error_messages.extend(failed)
    return failed


def add_selection(counts: store.RunCounts, selection: Selection) -> list[PageTask]:
    """Add what picking the pages did to the run's counts; return the pages to fetch."""
    counts.items_seen = selection.items_seen
    counts.retried = selection.retried
    counts.skipped_off_topic = selection.skipped
    return selection.tasks


def add_chunk(counts: store.RunCounts, r: ChunkResult) -> None:
    """Add what storing one chunk did to the run's counts."""
    counts.new_articles += r.new_articles
    counts.relevant += r.relevant
    counts.off_topic += r.off_topic
    counts.duplicates += r.duplicates
    counts.updated_articles += r.updated
    counts.events += r.events
    counts.alerts += r.alerts
    counts.errors += r.errors
    counts.error_messages.extend(r.error_messages)


#: Chunk sizes when the caller does not choose: about CHUNKS_PER_RUN chunks, each of
#: MIN_CHUNK to MAX_CHUNK pages. Every chunk costs three Prefect task runs (fetch,
#: process, store), and a task run costs tens of milliseconds of CPU, mostly in the
#: Prefect API: on the 1,000-page benchmark, chunks of 125 instead of 50 took the flow
#: from 27.5 to 21.4 ms of CPU per article (docs/operations.md). Fewer, bigger chunks
#: would overlap fetching, cleaning and storing less, and hold more pages in memory.
CHUNKS_PER_RUN = 8
MIN_CHUNK = 50
MAX_CHUNK = 250


def auto_chunk_size(n_pages: int) -> int:
    """Pages per chunk for a run that fetches ``n_pages`` pages."""
    return max(MIN_CHUNK, min(MAX_CHUNK, -(-n_pages // CHUNKS_PER_RUN)))


def chunked(seq: Sequence[PageTask], size: int) -> Iterable[Sequence[PageTask]]:
    for i in range(0, len(seq), size):
        yield seq[i : i + size]


def summarize(counts: store.RunCounts, *, topic: str, status: str) -> str:
    """The run summary, as Markdown (printed by the CLI, stored in ``runs``, and
    published as a Prefect artifact)."""
    lines = [
        f"## newsmon run: {topic}",
        "",
        f"status: **{status}**",
        "",
        "| what | count |",
        "| --- | ---: |",
        f"| feeds polled | {counts.feeds_polled} |",
        f"| feeds not modified (304) | {counts.feeds_not_modified} |",
        f"| items seen | {counts.items_seen} |",
        f"| off-topic from the feed entry (not fetched) | {counts.skipped_off_topic} |",
        f"| new articles | {counts.new_articles} |",
        f"| relevant | {counts.relevant} |",
        f"| duplicates | {counts.duplicates} |",
        f"| off-topic | {counts.off_topic} |",
        f"| rewritten articles | {counts.updated_articles} |",
        f"| events | {counts.events} |",
        f"| alerts | {counts.alerts} |",
        f"| retried failures | {counts.retried} |",
        f"| errors | {counts.errors} |",
    ]
    if counts.error_messages:
        lines += ["", "### errors (recorded in `failures`, retried next run when retryable)", ""]
        lines += [f"- {m}" for m in counts.error_messages[:50]]
        if len(counts.error_messages) > 50:
            lines.append(f"- … and {len(counts.error_messages) - 50} more")
    return "\n".join(lines)


def format_counts(result: dict[str, object]) -> str:
    """A run's counts as a few aligned lines for the terminal."""
    rows = [
        ("feeds polled", result["feeds_polled"]),
        ("items seen", result["items_seen"]),
        ("  off-topic, not fetched", result.get("skipped_off_topic", 0)),
        ("new articles", result["new_articles"]),
        ("  relevant", result["relevant"]),
        ("  duplicates", result["duplicates"]),
        ("  off-topic", result["off_topic"]),
        ("rewritten articles", result["updated_articles"]),
        ("events", result["events"]),
        ("alerts", result["alerts"]),
        ("errors", result["errors"]),
    ]
    lines = [f"run {result['run_id']} ({result['topic']}): {result['status']}"]
    lines += [f"  {name:<24}{value:>6}" for name, value in rows]
    errors = result.get("error_messages") or []
    assert isinstance(errors, list)
    if errors:
        lines.append("  errors (recorded in the failures table; retried next run when retryable):")
        lines += [f"    - {m}" for m in errors[:10]]
        if len(errors) > 10:
            lines.append(f"    - … and {len(errors) - 10} more")
    return "\n".join(lines)
