"""A fake news site on 127.0.0.1 for the demo, the end-to-end tests and the benchmarks.

Five fictional outlets publish articles about (and around) the 2025 federal
immigration-enforcement surge in Chicago. The articles are data files in
``content/`` (see ``content/README.md``); each carries a ``label`` saying what it is
for: a syndicated copy of a seed article, a genuinely new follow-up, a wire copy of
a follow-up, the same story at a second URL, near-topic and off-topic news, and
phase-2 rewrites of phase-1 stories. Phase 1 is live when the site starts;
``set_phase(2)`` publishes phase 2 (new articles and the rewrites).

Usage::

    with DemoSite(phase=1) as site:
        feeds = site.feed_urls()
        ...
        site.set_phase(2)

All outlets share one host (``base_url``); each lives under its own path prefix.
Pages say which outlet they belong to with ``og:site_name``.

``published()`` lists what is live now as ``ArticleInfo`` rows: ``url`` is the
article's own URL (no tracking parameters), ``urls`` every URL it is served and
listed at (feed links with ``utm_`` parameters, the search feed's link, a second
URL). In phase 2 a rewrite *replaces* the row of the article it rewrites: same
``url``, its own ``id``, ``label`` ``rewrite_material`` or ``rewrite_cosmetic``,
``rewrites`` naming the original id and ``updated`` set. Other API:
``fault_feed_url()``, ``fault_urls()`` (name -> URL), ``clear_request_log()``, ``phase``.

Paths
-----

Outlet pages and feeds:

- ``/robots.txt`` — allows everything except ``/private/``; names the sitemap.
- ``/sitemap.xml`` — every live article URL with its last modification time.
- ``/<outlet>/`` — the outlet's front page (a list of its live articles).
- ``/lakeshore-ledger/feed.xml`` — RSS 2.0; links carry ``utm_`` parameters.
- ``/prairie-state-wire/atom.xml`` — Atom 1.0 with ``<published>`` and ``<updated>``.
- ``/midwest-daily-herald/rss/news.xml`` — RSS 2.0, guid is the permalink.
- ``/windy-city-report/feed/atom/`` — Atom 1.0.
- ``/capitol-dispatch/rss.xml`` — RSS 2.0 with ``dc:creator``.
- ``/search/rss?q=chicago+immigration`` — a search feed (RSS 2.0) mixing outlets,
  Google-News style: on-topic and near-topic items and a few off-topic ones, links
  with tracking parameters, and the second URL of "same outlet, other URL" stories.
- Article pages, one URL scheme per outlet, e.g.
  ``/lakeshore-ledger/news/2025/10/09/<slug>/``, ``/prairie-state-wire/stories/<slug>-20251009``,
  ``/midwest-daily-herald/local/2025/10/09/<slug>.html``,
  ``/windy-city-report/2025/10/<slug>/``, ``/capitol-dispatch/courts/<slug>``.
  Query strings (``utm_*``, ``amp=1``) are ignored, except that ``?amp=1`` serves the
  AMP variant of the page (same text, stripped chrome, canonical to the full page).

Every feed answers conditional GET: the ETag and Last-Modified are stable for a
given feed and phase; ``If-None-Match`` (or, without it, ``If-Modified-Since``)
that matches gives ``304 Not Modified``.

Fault endpoints (always available, for tests; tune with ``FaultConfig``):

- ``/faults/500`` — always ``500``.
- ``/faults/flaky`` (and ``/faults/flaky/<anything>``) — ``500`` the first
  ``FaultConfig.flaky_failures`` times per path, then ``200`` with a real article.
- ``/faults/503-retry-after`` — ``503`` with ``Retry-After: FaultConfig.retry_after`` the
  first ``FaultConfig.throttle_failures`` times per path, then ``200`` with a real article.
- ``/faults/429`` — the same with ``429 Too Many Requests``.
- ``/faults/timeout`` — waits ``FaultConfig.timeout_seconds`` (default 30) before
  answering ``200``; the wait ends at once when the site stops.
- ``/faults/404`` — ``404`` with an HTML error page.
- ``/faults/not-html`` — ``200`` with ``application/pdf`` bytes.
- ``/faults/huge`` — ``200`` with an HTML article page larger than
  ``FaultConfig.huge_bytes`` (default 6.5 MB, over the profile's 5 MB cap).
- ``/faults/empty`` — ``200`` HTML with full chrome and no article text.
- ``/faults/malformed-feed.xml`` — a truncated, broken RSS document.
- ``/faults/html-feed`` — an HTML page served where a feed is expected.
- ``/faults/redirect-loop`` — ``302`` to ``/faults/redirect-loop/b``, which redirects back.
- ``/faults/redirect`` — ``301`` to a good article (a redirect that works).
- ``/faults/feed.xml`` — an RSS feed whose items point at each fault page above,
  plus one good article.

The fault article (what ``flaky``, ``503-retry-after``, ``429`` and ``timeout`` serve
once they succeed) is on-topic and unique; it is not part of ``published()``.

Run it by hand: ``python -m demo_site --phase 2``.
"""

from __future__ import annotations

import email.utils
import functools
import hashlib
import logging
import threading
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from demo_site.templates import (
    OUTLETS,
    Outlet,
    Page,
    article_path,
    render_listing,
    render_page,
    render_simple,
)

LOGGER = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).parent / "content"

LABELS: tuple[str, ...] = (
    "republished_seed",
    "followup",
    "wire_copy",
    "same_outlet_other_url",
    "near_topic",
    "off_topic",
    "rewrite_material",
    "rewrite_cosmetic",
)
# Labels whose file may leave ``body`` empty: the text is the article they point at.
INHERITS_BODY = ("same_outlet_other_url", "rewrite_cosmetic")
# Minimum number of articles per label (the contract the tests check).
MINIMUMS: dict[str, int] = {
    "republished_seed": 5,
    "followup": 14,
    "wire_copy": 3,
    "same_outlet_other_url": 1,
    "near_topic": 6,
    "off_topic": 8,
    "rewrite_material": 1,
    "rewrite_cosmetic": 1,
}
SEARCH_QUERY = "chicago immigration"
LOGGED_HEADERS = ("user-agent", "if-none-match", "if-modified-since", "accept", "accept-encoding")


@dataclass(frozen=True)
class ArticleSpec:
    """One content file. For rewrites, ``rewrites`` names the article whose URL it takes
    over in phase 2; for duplicates, ``duplicate_of`` names the original (an article id
    or ``seed:<seed file name>``)."""

    id: str
    outlet: str
    slug: str
    title: str
    author: str
    published: datetime
    phase: int
    label: str
    body: tuple[str, ...]
    summary: str
    section: str
    duplicate_of: str | None = None
    rewrites: str | None = None
    updated: datetime | None = None
    dateline: str | None = None
    editor_note: str | None = None
    path: str | None = None  # explicit path (same_outlet_other_url); else from outlet scheme
    amp: bool = False  # serve the AMP template at ``path``
    in_search: bool = False  # also listed in the search feed
    comments: tuple[tuple[str, str], ...] = ()
    source_file: str = ""

    @property
    def text(self) -> str:
        """The article text as a reader sees it (dateline and editor's note included)."""
        paras = list(self.body)
        if self.dateline and paras:
            paras[0] = f"{self.dateline} — {paras[0]}"
        if self.editor_note:
            paras.insert(0, self.editor_note)
        return "\n\n".join(
            p.removeprefix("## ").removeprefix("- ").removeprefix("> ") for p in paras
        )

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.body)


@dataclass(frozen=True)
class ArticleInfo:
    """An article as it is live on the site now."""

    id: str
    url: str  # the URL the outlet's own feed links to (canonical, no tracking)
    urls: tuple[str, ...]  # every URL the page is served at and listed under
    label: str
    duplicate_of: str | None
    rewrites: str | None
    outlet: str
    outlet_name: str
    title: str
    published: str
    updated: str | None
    phase: int


#: What a random fault can be (see ``FaultConfig.random_fraction``). ``feed_html``
#: applies to feeds only; every other kind to feeds and article pages alike.
RANDOM_FAULT_KINDS: tuple[str, ...] = (
    "500",
    "503",
    "429",
    "reset",
    "stall",
    "truncated",
    "wrong_charset",
    "no_charset",
    "gzip_bomb",
    "redirect_loop",
    "huge",
    "feed_html",
)
#: Random fault kinds that a client is right to give up on for good: the page is too
#: big (50 MB, or a gzip bomb) or never arrives (a redirect loop).
PERMANENT_FAULT_KINDS: frozenset[str] = frozenset({"gzip_bomb", "redirect_loop", "huge"})
#: Kinds after which the client still gets the content (mis-labelled, but usable).
HARMLESS_FAULT_KINDS: frozenset[str] = frozenset({"wrong_charset", "no_charset"})


@dataclass(frozen=True)
class FaultConfig:
    """How the ``/faults/`` endpoints misbehave, and the random-fault mode.

    With ``random_fraction > 0`` a deterministic fraction of the *normal* feed and
    article responses misbehave too: whether the ``n``-th request of a path fails, and
    how, depends only on ``seed``, the path and ``n`` (so a rerun with the same seed and
    the same requests sees the same faults). A path fails at most
    ``max_faults_per_path`` times, then always answers normally. ``kinds`` restricts the
    kinds drawn from (default: all of ``RANDOM_FAULT_KINDS``). What was served is in
    ``DemoSite.fault_log()``.
    """

    flaky_failures: int = 2
    throttle_failures: int = 1
    retry_after: int = 1
    timeout_seconds: float = 30.0
    huge_bytes: int = 6_500_000
    random_fraction: float = 0.0
    seed: int = 0
    max_faults_per_path: int = 2
    kinds: tuple[str, ...] = RANDOM_FAULT_KINDS
    stall_seconds: float = 30.0  # a "stall": no answer for this long (ends when the site stops)
    big_page_bytes: int = 50_000_000  # a "huge" random fault streams this much, no length
    bomb_bytes: int = 50_000_000  # a "gzip_bomb" inflates to this many bytes (10x the cap)


class ContentError(ValueError):
    """A content file is missing a field or points at something that does not exist."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


# ------------------------------------------------------------------------- content


def _parse_dt(value: object, source: str, name: str) -> datetime:
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, str):
        dt = datetime.fromisoformat(value)
    else:
        raise ContentError(source, f"{name} must be an ISO datetime, got {value!r}")
    if dt.tzinfo is None:
        raise ContentError(source, f"{name} needs a UTC offset")
    return dt


def split_paragraphs(body: str) -> tuple[str, ...]:
    """A body string to paragraphs: blank lines separate them; lines are joined."""
    paras: list[str] = []
    for block in body.strip().split("\n\n"):
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        if not lines:
            continue
        if all(ln.startswith(("- ", "|")) for ln in lines):
            paras.extend(lines)  # list items and table rows stay one per line
        else:
            paras.append(" ".join(lines))
    return tuple(paras)


def _spec_from_toml(path: Path) -> ArticleSpec:
    source = path.name
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    required = ("id", "outlet", "slug", "title", "author", "published", "phase", "label")
    for key in required:
        if key not in data:
            raise ContentError(source, f"missing field {key!r}")
    label = data["label"]
    if label not in LABELS:
        raise ContentError(source, f"unknown label {label!r}")
    outlet = data["outlet"]
    if outlet not in OUTLETS:
        raise ContentError(source, f"unknown outlet {outlet!r}")
    if data["phase"] not in (1, 2):
        raise ContentError(source, "phase must be 1 or 2")
    body = split_paragraphs(data.get("body", ""))
    if not body and label not in INHERITS_BODY:
        raise ContentError(source, "empty body")
    comments = tuple((str(c[0]), str(c[1])) for c in data.get("comments", []))
    return ArticleSpec(
        id=data["id"],
        outlet=outlet,
        slug=data["slug"],
        title=data["title"],
        author=data["author"],
        published=_parse_dt(data["published"], source, "published"),
        phase=int(data["phase"]),
        label=label,
        body=body,
        summary=data.get("summary", ""),
        section=data.get("section", OUTLETS[outlet].default_section),
        duplicate_of=data.get("duplicate_of"),
        rewrites=data.get("rewrites"),
        updated=_parse_dt(data["updated"], source, "updated") if "updated" in data else None,
        dateline=data.get("dateline"),
        editor_note=data.get("editor_note"),
        path=data.get("path"),
        amp=bool(data.get("amp", False)),
        in_search=bool(data.get("in_search", False)),
        comments=comments,
        source_file=source,
    )


def load_content(content_dir: Path | None = None) -> list[ArticleSpec]:
    """Every content file, validated, sorted by publication time. Articles that inherit
    their text (a second URL, a cosmetic rewrite) get the text of the one they name."""
    directory = content_dir or CONTENT_DIR
    specs = [_spec_from_toml(p) for p in sorted(directory.glob("*.toml")) if p.name[0] != "_"]
    by_id: dict[str, ArticleSpec] = {}
    for s in specs:
        if s.id in by_id:
            raise ContentError(s.source_file, f"duplicate id {s.id!r}")
        by_id[s.id] = s
    resolved: list[ArticleSpec] = []
    for s in specs:
        ref = s.rewrites if s.label.startswith("rewrite_") else s.duplicate_of
        if s.label in ("wire_copy", "same_outlet_other_url", "republished_seed") and not ref:
            raise ContentError(s.source_file, f"label {s.label} needs duplicate_of")
        if s.label.startswith("rewrite_") and not s.rewrites:
            raise ContentError(s.source_file, f"label {s.label} needs rewrites")
        if ref and not ref.startswith("seed:"):
            if ref not in by_id:
                raise ContentError(s.source_file, f"points at unknown id {ref!r}")
            target = by_id[ref]
            same_outlet = s.label == "same_outlet_other_url" or s.label.startswith("rewrite_")
            if same_outlet and target.outlet != s.outlet:
                raise ContentError(s.source_file, f"{s.label} must keep the outlet of {ref}")
            if s.label.startswith("rewrite_") and (s.phase != 2 or target.phase != 1):
                raise ContentError(s.source_file, "a rewrite is phase 2 of a phase-1 article")
            if s.label == "same_outlet_other_url" and not s.path:
                raise ContentError(s.source_file, "same_outlet_other_url needs a path")
            if not s.body:
                s = replace(s, body=target.body, summary=s.summary or target.summary)
        resolved.append(s)
    resolved.sort(key=lambda s: (s.published, s.id))
    return resolved


def _load_comment_pool(content_dir: Path) -> dict[str, list[tuple[str, str]]]:
    path = content_dir / "_comments.toml"
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return {k: [(str(c[0]), str(c[1])) for c in v] for k, v in data.items()}


# ------------------------------------------------------------------------- site model


def _http_date(dt: datetime) -> str:
    return email.utils.format_datetime(dt.astimezone(UTC), usegmt=True)


def _rfc822(dt: datetime) -> str:
    return email.utils.format_datetime(dt)


def _x(s: str) -> str:
    return escape(s, quote=True)


@dataclass
class _Live:
    """What is served in one phase: pages by path, feeds by path."""

    pages: dict[str, tuple[ArticleSpec, bool]] = field(default_factory=dict)  # path -> (spec, amp)
    infos: list[ArticleInfo] = field(default_factory=list)
    feeds: dict[str, tuple[bytes, str, str, datetime]] = field(default_factory=dict)


class _Model:
    """Builds, per phase, which article text is live at which URL and every feed."""

    def __init__(
        self, specs: Sequence[ArticleSpec], comment_pool: dict[str, list[tuple[str, str]]]
    ):
        self.specs = list(specs)
        self.by_id = {s.id: s for s in specs}
        self.comment_pool = comment_pool

    def primary_path(self, spec: ArticleSpec) -> str:
        if spec.label.startswith("rewrite_") and spec.rewrites:
            return self.primary_path(self.by_id[spec.rewrites])
        if spec.path:
            return spec.path
        return article_path(spec.outlet, spec.section, spec.slug, spec.published)

    def live_specs(self, phase: int) -> list[ArticleSpec]:
        """Articles live in ``phase``, with a rewrite replacing the article it rewrites."""
        live = [s for s in self.specs if s.phase <= phase]
        rewritten = {s.rewrites: s for s in live if s.label.startswith("rewrite_")}
        out = []
        for s in live:
            if s.label.startswith("rewrite_"):
                continue
            out.append(rewritten.get(s.id, s))
        return out

    def comments_for(self, spec: ArticleSpec) -> tuple[tuple[str, str, str], ...]:
        base = spec.comments
        if not base:
            kind = "topic" if spec.label not in ("off_topic", "near_topic") else spec.label
            pool = self.comment_pool.get(kind) or self.comment_pool.get("topic") or []
            if pool:
                h = int(hashlib.sha1(spec.id.encode()).hexdigest(), 16)
                count = 3 + h % 4
                start = h % len(pool)
                base = tuple(pool[(start + 5 * i) % len(pool)] for i in range(count))
        out = []
        for i, (name, text) in enumerate(base):
            when = spec.published + timedelta(minutes=37 * (i + 1) + 11 * i * i)
            out.append((name, f"{when:%b} {when.day}, {when:%Y} {when:%H:%M}", text))
        return tuple(out)

    def related_for(self, spec: ArticleSpec, base_url: str) -> tuple[tuple[str, str], ...]:
        """Up to four earlier stories of the same outlet that are live whenever this one is."""
        original = self.by_id[spec.rewrites] if spec.rewrites else spec
        cands = [
            s
            for s in self.specs
            if s.outlet == original.outlet
            and s.published < original.published
            and s.phase <= original.phase
            and s.label not in ("same_outlet_other_url", "rewrite_material", "rewrite_cosmetic")
        ]
        cands.sort(key=lambda s: s.published, reverse=True)
        return tuple((s.title, base_url + self.primary_path(s)) for s in cands[:4])

    def render(self, spec: ArticleSpec, base_url: str, path: str, amp: bool) -> str:
        original = self.by_id.get(spec.rewrites or "", spec)
        canonical_spec = (
            self.by_id[spec.duplicate_of]
            if (spec.label == "same_outlet_other_url" and spec.duplicate_of)
            else original
        )
        canonical = base_url + self.primary_path(canonical_spec)
        cosmetic = spec.label == "rewrite_cosmetic"
        updated = spec.updated if spec.label == "rewrite_material" else None
        paragraphs = spec.body
        if cosmetic:
            # Same words; reflowed whitespace. The only visible changes are chrome.
            paragraphs = tuple(p.replace(". ", ".  ") for p in spec.body)
        page = Page(
            outlet=OUTLETS[spec.outlet],
            url=base_url + path,
            canonical=canonical,
            title=original.title if cosmetic else spec.title,
            author=spec.author,
            published=original.published,
            updated=updated,
            section=original.section,
            summary=spec.summary,
            paragraphs=paragraphs,
            dateline=spec.dateline,
            editor_note=spec.editor_note,
            related=self.related_for(spec, base_url),
            comments=self.comments_for(original),
            ad_variant="b" if cosmetic else "a",
            chrome_stamp=(f"{spec.updated:%Y-%m-%d %H:%M}" if cosmetic and spec.updated else None),
            base_url=base_url,
            amp=amp,
        )
        return render_page(page)

    def build(self, phase: int, base_url: str) -> _Live:
        live = _Live()
        specs = self.live_specs(phase)
        # Second URLs of the same story, live with their original.
        for s in specs:
            path = self.primary_path(s)
            live.pages[path] = (s, s.amp)
        for s in specs:
            original = self.by_id.get(s.rewrites or "", s)
            urls = [base_url + self.primary_path(s)]
            feed_link = self._feed_link(s, base_url)
            if feed_link not in urls:
                urls.append(feed_link)
            if self._in_search(s):
                urls.append(self._search_link(s, base_url))
            live.infos.append(
                ArticleInfo(
                    id=s.id,
                    url=urls[0],
                    urls=tuple(dict.fromkeys(urls)),
                    label=s.label,
                    duplicate_of=s.duplicate_of,
                    rewrites=s.rewrites,
                    outlet=s.outlet,
                    outlet_name=OUTLETS[s.outlet].name,
                    title=s.title,
                    published=original.published.isoformat(),
                    updated=s.updated.isoformat() if s.updated else None,
                    phase=s.phase,
                )
            )
        for outlet in OUTLETS.values():
            items = [
                s for s in specs if s.outlet == outlet.key and s.label != "same_outlet_other_url"
            ]
            live.feeds[outlet.feed_path] = self._feed(outlet, items, base_url)
        search_items = [s for s in specs if self._in_search(s)]
        live.feeds["/search/rss"] = self._search_feed(search_items, base_url)
        return live

    # ---- feeds

    def _in_search(self, s: ArticleSpec) -> bool:
        """Listed in the search feed: every follow-up, near-topic and wire copy, the
        second URLs, and whatever a content file flags with ``in_search``."""
        original = self.by_id.get(s.rewrites or "", s)
        return original.in_search or original.label in (
            "followup",
            "near_topic",
            "wire_copy",
            "same_outlet_other_url",
        )

    def _feed_link(self, s: ArticleSpec, base_url: str) -> str:
        url = base_url + self.primary_path(s)
        if s.outlet == "lakeshore-ledger":
            return url + "?utm_source=rss&utm_medium=feed&utm_campaign=ledger-news"
        if s.outlet == "capitol-dispatch" and s.published.day % 2 == 0:
            return url + "?utm_source=feedburner&utm_medium=feed"
        return url

    def _search_link(self, s: ArticleSpec, base_url: str) -> str:
        return (
            base_url
            + self.primary_path(s)
            + "?utm_source=news-search&utm_medium=rss&utm_term=chicago"
        )

    def _original_published(self, s: ArticleSpec) -> datetime:
        return self.by_id.get(s.rewrites or "", s).published

    @staticmethod
    def _dates(s: ArticleSpec, original: ArticleSpec) -> tuple[datetime, datetime]:
        published = original.published
        return published, (s.updated or published)

    def _feed(
        self, outlet: Outlet, items: list[ArticleSpec], base_url: str
    ) -> tuple[bytes, str, str, datetime]:
        items = sorted(items, key=self._original_published, reverse=True)
        newest = max(
            (self._dates(s, self.by_id.get(s.rewrites or "", s))[1] for s in items),
            default=datetime(2025, 8, 1, tzinfo=UTC),
        )
        home = f"{base_url}/{outlet.key}/"
        if outlet.feed_format == "atom":
            entries = []
            for s in items:
                original = self.by_id.get(s.rewrites or "", s)
                pub, upd = self._dates(s, original)
                link = self._feed_link(s, base_url)
                entries.append(
                    f"""<entry>
<title type="text">{_x(s.title)}</title>
<link rel="alternate" type="text/html" href="{_x(link)}"/>
<id>tag:{outlet.key}.example,{original.published:%Y-%m-%d}:{_x(original.id)}</id>
<published>{pub.isoformat()}</published>
<updated>{upd.isoformat()}</updated>
<author><name>{_x(s.author)}</name></author>
<category term="{_x(original.section)}"/>
<summary type="html">{_x(s.summary or original.summary)}</summary>
</entry>"""
                )
            body = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
<title>{_x(outlet.name)}</title>
<subtitle>{_x(outlet.tagline)}</subtitle>
<link rel="alternate" type="text/html" href="{_x(home)}"/>
<link rel="self" type="application/atom+xml" href="{_x(base_url + outlet.feed_path)}"/>
<id>tag:{outlet.key}.example,2025:feed</id>
<updated>{newest.isoformat()}</updated>
<generator>NewsPress 4.2</generator>
{chr(10).join(entries)}
</feed>
"""
            ctype = "application/atom+xml; charset=utf-8"
        else:
            entries = []
            for s in items:
                original = self.by_id.get(s.rewrites or "", s)
                pub, upd = self._dates(s, original)
                link = self._feed_link(s, base_url)
                permalink = outlet.key == "midwest-daily-herald"
                guid = (
                    base_url + self.primary_path(s) if permalink else f"{outlet.key}-{original.id}"
                )
                upd_el = f"<atom:updated>{upd.isoformat()}</atom:updated>" if s.updated else ""
                creator = (
                    f"<dc:creator>{_x(s.author)}</dc:creator>"
                    if outlet.key == "capitol-dispatch"
                    else f"<author>newsroom@{outlet.key}.example ({_x(s.author)})</author>"
                )
                entries.append(
                    f"""<item>
<title>{_x(s.title)}</title>
<link>{_x(link)}</link>
<guid isPermaLink="{"true" if permalink else "false"}">{_x(guid)}</guid>
<pubDate>{_rfc822(pub)}</pubDate>
{upd_el}
{creator}
<category>{_x(original.section)}</category>
<description>{_x(s.summary or original.summary)}</description>
</item>"""
                )
            body = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{_x(outlet.name)}</title>
<link>{_x(home)}</link>
<description>{_x(outlet.tagline)}</description>
<language>en-us</language>
<atom:link href="{_x(base_url + outlet.feed_path)}" rel="self" type="application/rss+xml"/>
<lastBuildDate>{_rfc822(newest)}</lastBuildDate>
<ttl>15</ttl>
{chr(10).join(entries)}
</channel>
</rss>
"""
            ctype = "application/rss+xml; charset=utf-8"
        data = body.encode("utf-8")
        etag = '"' + hashlib.sha1(data).hexdigest()[:20] + '"'
        return data, ctype, etag, newest

    def _search_feed(
        self, items: list[ArticleSpec], base_url: str
    ) -> tuple[bytes, str, str, datetime]:
        items = sorted(items, key=self._original_published, reverse=True)
        newest = max(
            (self._dates(s, self.by_id.get(s.rewrites or "", s))[1] for s in items),
            default=datetime(2025, 8, 1, tzinfo=UTC),
        )
        entries = []
        for s in items:
            original = self.by_id.get(s.rewrites or "", s)
            pub, upd = self._dates(s, original)
            link = self._search_link(s, base_url)
            upd_el = f"<atom:updated>{upd.isoformat()}</atom:updated>" if s.updated else ""
            entries.append(
                f"""<item>
<title>{_x(s.title)} - {_x(OUTLETS[s.outlet].name)}</title>
<link>{_x(link)}</link>
<guid isPermaLink="false">search-{hashlib.sha1(link.encode()).hexdigest()[:16]}</guid>
<pubDate>{_rfc822(pub)}</pubDate>
{upd_el}
<source url="{_x(base_url + OUTLETS[s.outlet].feed_path)}">{_x(OUTLETS[s.outlet].name)}</source>
<description>{_x(s.summary or original.summary)}</description>
</item>"""
            )
        body = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
<channel>
<title>"{SEARCH_QUERY}" - Demo News Search</title>
<link>{_x(base_url)}/search?q=chicago+immigration</link>
<description>Search results for "{SEARCH_QUERY}"</description>
<language>en-US</language>
<lastBuildDate>{_rfc822(newest)}</lastBuildDate>
{chr(10).join(entries)}
</channel>
</rss>
"""
        data = body.encode("utf-8")
        etag = 'W/"' + hashlib.sha1(data).hexdigest()[:20] + '"'
        return data, "application/rss+xml; charset=utf-8", etag, newest


# ------------------------------------------------------------------------- faults

FAULT_ARTICLE_TITLE = "Volunteers staff Broadview vigil for a fifth straight week"
FAULT_ARTICLE = (
    "BROADVIEW — For the fifth straight Friday, a rotating group of volunteers kept a "
    "vigil outside the immigration processing center on Beach Street, reading aloud the "
    "names of people they said had been held inside during the federal enforcement surge.",
    "The group, which calls itself the Broadview Accompaniment Circle, said 41 volunteers "
    "signed up for two-hour shifts this week, up from 12 when the vigil began. Organizers "
    "said they coordinate with a legal hotline and keep a log of vehicles entering the "
    "facility's gate.",
    '"We are not here to block anyone. We are here so that nobody disappears without a '
    'witness," said Marisol Treviño, a retired Cicero schoolteacher who has led the '
    "Friday shift since late September.",
    "Village officials have limited demonstrations near the building to a designated "
    "zone between 9 a.m. and 6 p.m. Police Chief Daniel Okafor said the vigil had "
    "followed those rules and that no arrests were made on Friday.",
    "A Department of Homeland Security spokesperson did not respond to questions about "
    "the number of people processed at the facility this month. The agency has said in "
    "previous statements that detainees are held there for hours, not days, before being "
    "transferred.",
    "Volunteers said they planned to continue the vigil through the winter, moving to a "
    "heated tent donated by a Forest Park church once temperatures drop below freezing.",
)


def _fault_article_html(base_url: str, path: str) -> str:
    page = Page(
        outlet=OUTLETS["windy-city-report"],
        url=base_url + path,
        canonical=base_url + path,
        title=FAULT_ARTICLE_TITLE,
        author="Rosa Delgado",
        published=datetime.fromisoformat("2025-10-24T18:05:00-05:00"),
        updated=None,
        section="neighborhoods",
        summary="A volunteer vigil outside the Broadview processing center keeps growing.",
        paragraphs=FAULT_ARTICLE,
        dateline=None,
        editor_note=None,
        related=(),
        comments=(("Gina P.", "Oct 24, 2025 19:10", "Thank you to everyone standing out there."),),
        ad_variant="a",
        chrome_stamp=None,
        base_url=base_url,
    )
    return render_page(page)


def _empty_article_html(base_url: str) -> str:
    page = Page(
        outlet=OUTLETS["midwest-daily-herald"],
        url=base_url + "/faults/empty",
        canonical=base_url + "/faults/empty",
        title="Photos: scenes from the weekend",
        author="Herald staff",
        published=datetime.fromisoformat("2025-10-12T09:00:00-05:00"),
        updated=None,
        section="local",
        summary="",
        paragraphs=(),
        dateline=None,
        editor_note=None,
        related=(),
        comments=(),
        ad_variant="a",
        chrome_stamp=None,
        base_url=base_url,
    )
    return render_page(page)


@functools.lru_cache(maxsize=2)
def _gzip_bomb(size: int) -> bytes:
    """A gzip stream of ``size`` zero bytes (about 1/1000 of that on the wire)."""
    import zlib

    comp = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * 1_000_000
    parts = [comp.compress(block) for _ in range(max(1, size // len(block)))]
    parts.append(comp.flush())
    return b"".join(parts)


def _reset_writer(handler: _Handler) -> None:
    """Close the connection with a TCP RST, before any response byte."""
    import socket
    import struct

    sock = handler.connection
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _truncated_writer(status: int, headers: dict[str, str], body: bytes) -> RawWriter:
    """Announce the whole body, send half of it, close."""

    def write(handler: _Handler) -> None:
        handler.send_response(status)
        for k, v in headers.items():
            handler.send_header(k, v)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()

    return write


def _endless_writer(size: int, stopping: threading.Event) -> RawWriter:
    """A page of ``size`` bytes with no Content-Length, streamed until the client gives up."""

    def write(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Connection", "close")
        handler.end_headers()
        row = b"<p>" + b"archive filler row " * 50 + b"</p>\n"
        handler.wfile.write(b"<!doctype html><html><body>")
        sent = 0
        while sent < size and not stopping.is_set():
            handler.wfile.write(row)
            sent += len(row)

    return write


def _huge_html(base_url: str, size: int) -> bytes:
    head = _fault_article_html(base_url, "/faults/huge")
    filler_para = (
        '<p class="archive-row">Archive listing: council minutes, ordinance drafts and '
        "exhibits filed with the clerk's office, entry {i:07d}.</p>\n"
    )
    parts = [head.replace("</body>", '<div class="archive">')]
    total = len(parts[0])
    i = 0
    while total < size:
        chunk = filler_para.format(i=i)
        parts.append(chunk)
        total += len(chunk)
        i += 1
    parts.append("</div></body></html>\n")
    return "".join(parts).encode("utf-8")


_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >> endobj\n"
    b"trailer << /Root 1 0 R >>\n%%EOF\n"
)

FAULT_PATHS: tuple[str, ...] = (
    "/faults/500",
    "/faults/flaky",
    "/faults/503-retry-after",
    "/faults/429",
    "/faults/timeout",
    "/faults/404",
    "/faults/not-html",
    "/faults/huge",
    "/faults/empty",
    "/faults/redirect-loop",
    "/faults/redirect",
)


# ------------------------------------------------------------------------- HTTP


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: DemoSite

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that give up (a reset, a timeout, a refused 50 MB page) are expected.
        LOGGER.debug("connection from %s ended early", client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "DemoNews/1.0"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        LOGGER.debug("%s " + format, self.address_string(), *args)

    def do_GET(self) -> None:  # noqa: N802
        self._handle(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle(head=True)

    def _handle(self, *, head: bool) -> None:
        site = self.server.site
        site._log_request(self.command, self.path, self.headers)
        started = time.monotonic()
        try:
            self._answer(site, head=head)
        finally:
            site._log_timing(started, time.monotonic(), self.path)

    def _answer(self, site: DemoSite, *, head: bool) -> None:
        try:
            status, headers, body = site._respond(self.path, self.headers)
        except Exception:  # pragma: no cover - a bug in the fake site, shown to the client
            LOGGER.exception("demo site failed on %s", self.path)
            status, headers, body = 500, {"Content-Type": "text/plain"}, b"internal error"
        try:
            if callable(body):
                self.close_connection = True
                body(self)
                return
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


#: A body is bytes, or a callable that writes to the socket itself (raw faults: resets,
#: truncated bodies, endless streams); the connection is closed after a callable.
RawWriter = Callable[["_Handler"], None]
Response = tuple[int, dict[str, str], "bytes | RawWriter"]


class DemoSite:
    """The fake news site, served from a daemon thread. Use as a context manager."""

    def __init__(
        self,
        *,
        phase: int = 1,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: FaultConfig | None = None,
        content_dir: Path | None = None,
    ) -> None:
        if phase not in (1, 2):
            raise ValueError("phase must be 1 or 2")
        directory = content_dir or CONTENT_DIR
        self._model = _Model(load_content(directory), _load_comment_pool(directory))
        self.faults = faults or FaultConfig()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._log: list[tuple[str, str, dict[str, str]]] = []
        self._fault_counts: dict[str, int] = {}
        self._page_cache: dict[tuple[int, str, bool], bytes] = {}
        self._huge: bytes | None = None
        self._fault_log: list[tuple[str, int, str]] = []
        self._timeline: list[tuple[float, float, str]] = []
        self._server = _Server((host, port), _Handler)
        self._server.site = self
        h, p = self._server.server_address[:2]
        self.host = str(h)
        self.port = int(p)
        self.base_url = f"http://{self.host}:{self.port}"
        self._phase = phase
        self._live = self._model.build(phase, self.base_url)
        if self.faults.random_fraction > 0 and "gzip_bomb" in self.faults.kinds:
            _gzip_bomb(self.faults.bomb_bytes)  # built before serving, not while a client waits
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), name="newsmon-demo-site", daemon=True
        )
        self._thread.start()
        LOGGER.info("demo site serving at %s (phase %d)", self.base_url, phase)

    # ---- context manager

    def __enter__(self) -> DemoSite:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # ---- public API

    @property
    def phase(self) -> int:
        return self._phase

    def feed_urls(self) -> list[str]:
        """Every outlet's feed (RSS and Atom) and the mixed search feed."""
        urls = [self.base_url + o.feed_path for o in OUTLETS.values()]
        urls.append(self.base_url + "/search/rss?q=chicago+immigration")
        return urls

    def fault_feed_url(self) -> str:
        return self.base_url + "/faults/feed.xml"

    def fault_urls(self) -> dict[str, str]:
        """Name (the last path part) -> absolute URL of every fault endpoint."""
        paths = (
            *FAULT_PATHS,
            "/faults/malformed-feed.xml",
            "/faults/html-feed",
            "/faults/feed.xml",
        )
        return {p.removeprefix("/faults/"): self.base_url + p for p in paths}

    def set_phase(self, phase: int) -> None:
        """Publish phase ``phase`` (2 adds the phase-2 articles and the rewrites)."""
        if phase not in (1, 2):
            raise ValueError("phase must be 1 or 2")
        live = self._model.build(phase, self.base_url)
        with self._lock:
            self._phase = phase
            self._live = live

    def published(self) -> list[ArticleInfo]:
        """What is live now, in publication order."""
        with self._lock:
            return list(self._live.infos)

    def request_log(self) -> list[tuple[str, str, dict[str, str]]]:
        with self._lock:
            return list(self._log)

    def clear_request_log(self) -> None:
        with self._lock:
            self._log.clear()
            self._timeline.clear()

    def request_timeline(self) -> list[tuple[float, float, str]]:
        """(start, end, path) of every request handled, in ``time.monotonic()`` seconds:
        when the request line was read and when the answer was written."""
        with self._lock:
            return sorted(self._timeline)

    def set_faults(self, faults: FaultConfig) -> None:
        """Change how the site misbehaves from now on (e.g. ``FaultConfig()``: no random
        faults any more)."""
        with self._lock:
            self.faults = faults

    def fault_log(self) -> list[tuple[str, int, str]]:
        """Every random fault served: (path, n-th request of that path, kind)."""
        with self._lock:
            return list(self._fault_log)

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # ---- request handling (called from server threads)

    def _log_request(self, method: str, path: str, headers: object) -> None:
        get = getattr(headers, "get", None)
        selected = {}
        if get is not None:
            for name in LOGGED_HEADERS:
                v = get(name)
                if v is not None:
                    selected[name] = str(v)
        with self._lock:
            self._log.append((method, path, selected))

    def _log_timing(self, start: float, end: float, path: str) -> None:
        with self._lock:
            self._timeline.append((start, end, path))

    def _respond(self, raw_path: str, headers: object) -> Response:
        parts = urlsplit(raw_path)
        path = parts.path or "/"
        query = parse_qs(parts.query)
        if path == "/robots.txt":
            return self._text(
                "User-agent: *\nDisallow: /private/\nAllow: /\n\n"
                f"Sitemap: {self.base_url}/sitemap.xml\n",
                "text/plain; charset=utf-8",
            )
        if path.startswith("/faults/"):
            return self._fault(path)
        if "nm-loop" in query:  # the far end of a random redirect-loop fault
            return self._redirect_again(path, query)
        with self._lock:
            live = self._live
            phase = self._phase
        if path in live.feeds or path in live.pages:
            fault = self._random_fault(path, feed=path in live.feeds)
            if fault is not None:
                return fault
        if path == "/sitemap.xml":
            urls = "\n".join(
                f"<url><loc>{_x(i.url)}</loc><lastmod>{i.updated or i.published}</lastmod></url>"
                for i in live.infos
            )
            return self._text(
                '<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{urls}\n</urlset>\n',
                "application/xml; charset=utf-8",
            )
        if path in live.feeds:
            return self._feed(live.feeds[path], headers)
        amp = query.get("amp") == ["1"] or path.endswith("/amp/")
        entry = live.pages.get(path)
        if entry is not None:
            spec, spec_amp = entry
            key = (phase, path, amp or spec_amp)
            body = self._page_cache.get(key)
            if body is None:
                body = self._model.render(spec, self.base_url, path, amp or spec_amp).encode(
                    "utf-8"
                )
                self._page_cache[key] = body
            return (
                200,
                {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "max-age=60"},
                body,
            )
        outlet_key = path.strip("/")
        if outlet_key in OUTLETS:
            outlet = OUTLETS[outlet_key]
            items = [(i.title, i.url, "") for i in reversed(live.infos) if i.outlet == outlet_key]
            return self._text(
                render_listing(outlet, self.base_url, items), "text/html; charset=utf-8"
            )
        if path == "/":
            links = [f"{o.name}: {self.base_url}/{o.key}/" for o in OUTLETS.values()]
            return self._text(render_simple("Demo News Network", links), "text/html; charset=utf-8")
        return self._not_found()

    @staticmethod
    def _text(text: str, ctype: str, status: int = 200) -> Response:
        return status, {"Content-Type": ctype}, text.encode("utf-8")

    def _not_found(self) -> Response:
        return self._text(
            render_simple("Page not found", ["The page you requested could not be found."]),
            "text/html; charset=utf-8",
            404,
        )

    def _feed(self, feed: tuple[bytes, str, str, datetime], headers: object) -> Response:
        data, ctype, etag, newest = feed
        last_modified = _http_date(newest)
        common = {"ETag": etag, "Last-Modified": last_modified, "Cache-Control": "max-age=300"}
        get = getattr(headers, "get", lambda _k: None)
        inm = get("if-none-match")
        ims = get("if-modified-since")
        if inm is not None:
            tags = {t.strip() for t in str(inm).split(",")}
            if etag in tags or "*" in tags:
                return 304, common, b""
        elif ims is not None:
            try:
                since = email.utils.parsedate_to_datetime(str(ims))
            except (TypeError, ValueError):
                since = None
            if (
                since is not None
                and since.tzinfo is not None
                and newest.replace(microsecond=0) <= since
            ):
                return 304, common, b""
        return 200, {"Content-Type": ctype, **common}, data

    # ---- random faults

    def _draw(self, path: str, feed: bool) -> tuple[int, str] | None:
        """Whether this request of ``path`` fails, and how (deterministic, see FaultConfig)."""
        cfg = self.faults
        if cfg.random_fraction <= 0:
            return None
        with self._lock:
            key = "random:" + path
            n = self._fault_counts.get(key, 0) + 1
            self._fault_counts[key] = n
            served = sum(1 for p, _n, _k in self._fault_log if p == path)
        if served >= cfg.max_faults_per_path:
            return None
        digest = hashlib.sha256(f"{cfg.seed}|{path}|{n}".encode()).digest()
        if int.from_bytes(digest[:8], "big") / 2**64 >= cfg.random_fraction:
            return None
        kinds = [k for k in cfg.kinds if feed or k != "feed_html"]
        if not kinds:
            return None
        kind = kinds[int.from_bytes(digest[8:16], "big") % len(kinds)]
        with self._lock:
            self._fault_log.append((path, n, kind))
        return n, kind

    def _random_fault(self, path: str, *, feed: bool) -> Response | None:
        drawn = self._draw(path, feed)
        if drawn is None:
            return None
        n, kind = drawn
        cfg = self.faults
        html = "text/html; charset=utf-8"
        LOGGER.debug("random fault %s on %s (request %d)", kind, path, n)
        if kind in ("500", "503", "429"):
            status = int(kind)
            st, hdrs, body = self._text(
                render_simple(HTTPStatus(status).phrase, ["Please try again later."]), html, status
            )
            if status != 500:
                hdrs["Retry-After"] = str(cfg.retry_after)
            return st, hdrs, body
        if kind == "feed_html":
            return self._text(
                render_simple("Subscribe to our newsletter", ["This is not a feed."]), html
            )
        if kind == "redirect_loop":
            return 302, {"Location": f"{path}?nm-loop=1"}, b""
        if kind == "gzip_bomb":
            ctype = "application/rss+xml" if feed else "text/html"
            bomb = _gzip_bomb(cfg.bomb_bytes)
            return 200, {"Content-Type": ctype, "Content-Encoding": "gzip"}, bomb
        if kind == "huge":
            return 200, {}, _endless_writer(cfg.big_page_bytes, self._stopping)
        if kind == "reset":
            return 0, {}, _reset_writer
        # The remaining kinds serve the normal response, altered.
        normal = self._normal(path)
        status, headers, body = normal
        assert isinstance(body, bytes)
        if kind == "stall":
            self._stopping.wait(cfg.stall_seconds)
            return normal
        if kind == "truncated":
            return 0, {}, _truncated_writer(status, headers, body)
        if kind == "wrong_charset":
            # Windows-1252 bytes labelled UTF-8: what a misconfigured CMS sends.
            text = body.decode("utf-8")
            fixed = text.replace("charset=utf-8", "charset=windows-1252")
            return status, headers, fixed.encode("cp1252", errors="replace")
        if kind == "no_charset":
            media = headers.get("Content-Type", "").split(";")[0]
            return status, {**headers, "Content-Type": media}, body
        raise ValueError(f"unknown random fault kind {kind!r}")

    def _normal(self, path: str) -> Response:
        """The fault-free response of a live feed or page (no conditional GET)."""
        with self._lock:
            live = self._live
        if path in live.feeds:
            data, ctype, etag, _newest = live.feeds[path]
            return 200, {"Content-Type": ctype, "ETag": etag}, data
        spec, spec_amp = live.pages[path]
        body = self._model.render(spec, self.base_url, path, spec_amp).encode("utf-8")
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body

    @staticmethod
    def _redirect_again(path: str, query: dict[str, list[str]]) -> Response:
        try:
            n = int(query["nm-loop"][0])
        except (ValueError, IndexError):
            n = 1
        return 302, {"Location": f"{path}?nm-loop={n + 1}"}, b""

    def _count(self, path: str) -> int:
        with self._lock:
            n = self._fault_counts.get(path, 0) + 1
            self._fault_counts[path] = n
            return n

    def _fault(self, path: str) -> Response:
        html = "text/html; charset=utf-8"
        cfg = self.faults
        if path == "/faults/500":
            return self._text(
                render_simple("Internal Server Error", ["Something went wrong."]), html, 500
            )
        if path == "/faults/flaky" or path.startswith("/faults/flaky/"):
            if self._count(path) <= cfg.flaky_failures:
                return self._text(render_simple("Server error", ["Please try again."]), html, 500)
            return self._text(_fault_article_html(self.base_url, path), html)
        if path in ("/faults/503-retry-after", "/faults/429"):
            if self._count(path) <= cfg.throttle_failures:
                status = 503 if path.endswith("after") else 429
                st, hdrs, body = self._text(
                    render_simple(HTTPStatus(status).phrase, ["Slow down."]), html, status
                )
                hdrs["Retry-After"] = str(cfg.retry_after)
                return st, hdrs, body
            return self._text(_fault_article_html(self.base_url, path), html)
        if path == "/faults/timeout":
            self._stopping.wait(cfg.timeout_seconds)
            return self._text(_fault_article_html(self.base_url, path), html)
        if path == "/faults/404":
            return self._not_found()
        if path == "/faults/not-html":
            return 200, {"Content-Type": "application/pdf"}, _PDF
        if path == "/faults/huge":
            if self._huge is None:
                self._huge = _huge_html(self.base_url, cfg.huge_bytes)
            return 200, {"Content-Type": html}, self._huge
        if path == "/faults/empty":
            return self._text(_empty_article_html(self.base_url), html)
        if path == "/faults/malformed-feed.xml":
            broken = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                "<title>Broken feed</title><item><title>Unclosed & wrong</title>"
                f"<link>{self.base_url}/faults/404</link><description><b>oops</description>"
                "</item><item><title>Cut off mid-"
            )
            return self._text(broken, "application/rss+xml; charset=utf-8")
        if path == "/faults/html-feed":
            return self._text(
                render_simple("Subscribe to our newsletter", ["This is not a feed."]), html
            )
        if path == "/faults/redirect-loop":
            return 302, {"Location": "/faults/redirect-loop/b"}, b""
        if path == "/faults/redirect-loop/b":
            return 302, {"Location": self.base_url + "/faults/redirect-loop"}, b""
        if path == "/faults/redirect":
            good = self._good_article_url()
            return 301, {"Location": good}, b""
        if path == "/faults/feed.xml":
            return self._fault_feed()
        return self._not_found()

    def _good_article_url(self) -> str:
        with self._lock:
            infos = self._live.infos
        for info in infos:
            if info.label == "followup":
                return info.url
        return infos[0].url

    def _fault_feed(self) -> Response:
        when = datetime.fromisoformat("2025-10-24T18:00:00-05:00")
        items = [(p.removeprefix("/faults/"), self.base_url + p) for p in FAULT_PATHS]
        items.append(("good article", self._good_article_url()))
        entries = "\n".join(
            f"<item><title>Fault page: {_x(name)}</title><link>{_x(url)}</link>"
            f'<guid isPermaLink="false">fault-{i}</guid>'
            f"<pubDate>{_rfc822(when - timedelta(minutes=i))}</pubDate>"
            f"<description>Test item {i}</description></item>"
            for i, (name, url) in enumerate(items)
        )
        body = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Fault feed</title><link>{self.base_url}/faults/</link>
<description>Items pointing at misbehaving pages</description>
{entries}
</channel></rss>
"""
        return self._text(body, "application/rss+xml; charset=utf-8")


def iter_labels(specs: Iterable[ArticleSpec]) -> dict[str, list[ArticleSpec]]:
    """Content grouped by label (every label present, possibly empty)."""
    out: dict[str, list[ArticleSpec]] = {label: [] for label in LABELS}
    for s in specs:
        out[s.label].append(s)
    return out
