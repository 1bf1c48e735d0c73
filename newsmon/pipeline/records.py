"""The typed records the stages pass each other (frozen dataclasses, picklable: they
cross to the worker processes and to Dask workers)."""

from __future__ import annotations

from dataclasses import dataclass, field

from extractors.dedupe import Fingerprint
from extractors.records import CleanArticle, Event, FeedItem, Relevance
from newsmon.fetch import FetchResult


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
