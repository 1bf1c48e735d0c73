"""What a digest is made of: its entries (an alert, or the alerts of one event cluster),
their sources, the digest with its three renderings, and what delivering it did."""

from __future__ import annotations

from dataclasses import dataclass, field

from newsmon.delivery import SendResult

TITLE_MAX = 200
MAX_SOURCES_SHOWN = 8


@dataclass(frozen=True)
class Source:
    """A link to an article. ``url`` is None unless it is a safe http(s) URL."""

    title: str
    outlet: str
    url: str | None = None
    published: str | None = None
    note: str | None = None  # e.g. "now" / "was" for a changed fact


@dataclass(frozen=True)
class DigestItem:
    """One entry of a digest: an alert, or several alerts about one event cluster."""

    alert_ids: tuple[int, ...]
    kind: str
    summary: str
    extra_summaries: tuple[str, ...] = ()
    event_type: str | None = None
    cluster_id: int | None = None
    n_sources: int = 1
    sources: tuple[Source, ...] = ()
    more_sources: int = 0
    quote: str | None = None
    diff: str | None = None
    created_at: str = ""
    fact: str | None = None  # FACT_CHANGED: the fact's label (changes of one fact together)
    #: FACT_CHANGED: the sentence that gave the value it changed from ("was").
    old_quote: str | None = None


@dataclass(frozen=True)
class Digest:
    topic: str
    title: str
    period_start: str
    period_end: str
    items: tuple[DigestItem, ...]
    #: Entries per section shown in full; the rest, lower-ranked, in brief (one source).
    max_detailed: int = 20
    markdown: str = ""
    html: str = ""
    text: str = ""

    @property
    def alert_ids(self) -> tuple[int, ...]:
        return tuple(i for item in self.items for i in item.alert_ids)


@dataclass(frozen=True)
class DigestResult:
    digest: Digest
    digest_id: int | None  # None for a dry run
    status: str  # delivered | partial | failed | stored | dry-run
    sends: tuple[SendResult, ...] = ()
    delivered_alert_ids: tuple[int, ...] = ()
    channels: tuple[str, ...] = field(default=())  # redacted

    @property
    def failed(self) -> tuple[SendResult, ...]:
        return tuple(s for s in self.sends if not s.ok)
