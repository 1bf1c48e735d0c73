"""The network stages: ``poll_feed`` (one feed, a conditional GET, then parsed) and
``fetch_pages`` (a chunk of article pages, hosts in parallel, one request at a time
per host). Both only read the database's feed state given to them; I/O failures are
raised (poll) or returned (pages) so the flow can retry or record them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from extractors.feeds import parse_feed
from newsmon import store
from newsmon.db import now_iso, open_db
from newsmon.errors import FetchError
from newsmon.fetch import Fetcher
from newsmon.pipeline.records import (
    FeedPoll,
    PageFetch,
    PageTask,
)
from newsmon.profile import FeedSpec, TopicProfile

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
