"""Typed, frozen records passed between pipeline stages.

Every stage takes and returns these, never dicts, so a field rename is a type error
rather than a silent ``KeyError`` three stages later.
"""

from __future__ import annotations

from dataclasses import dataclass, field

EVENT_TYPES: tuple[str, ...] = (
    "ANNOUNCE_PLAN",
    "DEPLOY",
    "ARREST_RAID",
    "EXECUTIVE_ORDER",
    "LAWSUIT",
    "COURT_RULING",
    "STATEMENT",
    "PROTEST",
    "USE_OF_FORCE",
    "LEGISLATION",
    "OTHER",
)

ARTICLE_STATUSES: tuple[str, ...] = ("seed", "relevant", "off_topic", "duplicate")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, before its page is fetched."""

    feed_url: str
    url: str
    title: str | None = None
    published: str | None = None  # ISO 8601, or None when the feed gives none
    updated: str | None = None  # ISO 8601 <updated>/<atom:updated>, when the feed says
    summary: str | None = None
    guid: str | None = None
    categories: tuple[str, ...] = ()  # the entry's <category>/<atom:category> terms


@dataclass(frozen=True)
class ParsedFeed:
    """A parsed feed document. ``error`` is set when the bytes were not a usable feed
    (then ``items`` is empty); ``warning`` when items were recovered from a faulty one."""

    feed_url: str
    title: str | None
    items: tuple[FeedItem, ...]
    error: str | None = None
    #: Set when items were read but the document was faulty (e.g. truncated XML).
    warning: str | None = None


@dataclass(frozen=True)
class CleanArticle:
    """An article page reduced to its text and metadata."""

    url: str
    canonical_url: str
    title: str | None
    text: str
    author: str | None = None
    published: str | None = None  # ISO 8601 date or datetime
    site_name: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class Relevance:
    """How well an article matches the topic, and why."""

    score: float
    relevant: bool
    keyword_score: float
    seed_similarity: float
    anchor_hits: tuple[str, ...] = ()  # every anchor found, profile's, nearby and learned
    theme_hits: tuple[str, ...] = ()
    place_hits: tuple[str, ...] = ()  # places near the story's places (a gazetteer's)
    learned_hits: tuple[str, ...] = ()  # anchors learned from accepted articles
    elsewhere: tuple[str, ...] = ()  # far places that made the article another story's
    before_story: bool = False  # published before the story began (the profile's start)


@dataclass(frozen=True)
class Event:
    """One thing that happened, with the sentence that says so.

    ``evidence_start``/``evidence_end`` are character offsets into the article text such
    that ``text[evidence_start:evidence_end] == evidence``.
    """

    event_type: str
    actor: str | None
    action: str
    target: str | None
    location: str | None
    event_date: str | None  # ISO date, or None when the text does not pin it down
    quantity: str | None
    evidence: str
    evidence_start: int
    evidence_end: int
    confidence: float
    extractor_version: str
    quantity_value: float | None = None
    quantity_unit: str | None = None
    date_is_planned: bool = False
    extra: tuple[tuple[str, str], ...] = field(default_factory=tuple)
