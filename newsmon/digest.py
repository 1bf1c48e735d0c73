"""Alert digests: collect undelivered alerts, group and rank them, render Markdown, HTML
and plain text, store the digest, deliver it per channel, and the ``newsmon digest``
command.

Every piece of text in a digest comes from untrusted pages (titles, sentences, diffs).
The renderers escape it for their format: HTML through :func:`html.escape`, Markdown by
backslash-escaping its punctuation (and fencing diffs), plain text by removing control
characters. Links are only ever ``http(s)`` URLs.

Delivery bookkeeping: ``deliveries`` has one row per digest x channel attempt;
``alert_deliveries`` says which alert reached which channel. An alert is delivered
(``alerts.delivered_at``) once every configured channel has it; until then each digest
offers it again, but only to the channels that do not have it yet.
"""

from __future__ import annotations

import contextlib
import html
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import sqlite_utils

from newsmon.alerts import (
    ARTICLE_UPDATED,
    FACT_CHANGED,
    KINDS,
    NEW_EVENT,
    is_urgent,
    one_line,
    outlet_of,
    urgent_kinds,
)
from newsmon.db import now_iso, open_db
from newsmon.delivery import Channel, SendResult, resolve_channels, send
from newsmon.errors import NewsmonError, ProfileError
from newsmon.profile import TopicProfile, load_profile

LOGGER = logging.getLogger(__name__)

#: Event types in the order a reader cares about them (earlier = ranked higher).
EVENT_TYPE_RANK: tuple[str, ...] = (
    "COURT_RULING",
    "DEPLOY",
    "USE_OF_FORCE",
    "EXECUTIVE_ORDER",
    "ARREST_RAID",
    "LEGISLATION",
    "LAWSUIT",
    "ANNOUNCE_PLAN",
    "PROTEST",
    "STATEMENT",
    "OTHER",
)
SECTION_TITLES = {
    NEW_EVENT: "New events",
    FACT_CHANGED: "Changed facts",
    ARTICLE_UPDATED: "Rewritten articles",
}
MAX_SOURCES_SHOWN = 8
REL = "noopener noreferrer nofollow"
FOOTER = "Sent by newsmon. Sources are linked; titles and quotes are the outlets' own."
TITLE_MAX = 200


# --------------------------------------------------------------------------- model


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


# --------------------------------------------------------------------------- safe text


def safe_url(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, with characters that could
    break out of a Markdown or HTML link percent-encoded and any credentials dropped;
    otherwise None."""
    if not isinstance(url, str):
        return None
    url = one_line(url, 2000).strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    netloc = host if ":" not in host else f"[{host}]"
    if port is not None:
        netloc += f":{port}"
    rebuilt = f"{parts.scheme.lower()}://{netloc}{parts.path or '/'}"
    if parts.query:
        rebuilt += f"?{parts.query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return quote(rebuilt, safe="/:?#@!$&*+,;=%~-._[]")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+!|~&\"'])")


def md(text: object, limit: int = TITLE_MAX) -> str:
    """Untrusted text for Markdown: one line, every character Markdown or HTML could
    interpret backslash-escaped."""
    return _MD_SPECIAL.sub(r"\\\1", one_line(text, limit))


def h(text: object, limit: int = TITLE_MAX) -> str:
    """Untrusted text for HTML: one line, escaped (quotes too)."""
    return html.escape(one_line(text, limit), quote=True)


def t(text: object, limit: int = TITLE_MAX) -> str:
    """Untrusted text for plain text: one line, no control characters."""
    return one_line(text, limit)


def _clean_block(text: str | None, max_lines: int = 12) -> list[str]:
    if not text:
        return []
    return [one_line(line, 200) for line in text.splitlines()[:max_lines] if line.strip()]


# --------------------------------------------------------------------------- collect


def pending_alerts(
    db: sqlite_utils.Database,
    *,
    since: str | None = None,
    alert_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Undelivered alerts (never in a digest, or in one that did not reach every
    channel), oldest first, with the type of their event."""
    sql = (
        "SELECT al.*, e.event_type AS event_type FROM alerts al"
        " LEFT JOIN events e ON e.id = al.event_id WHERE al.delivered_at IS NULL"
    )
    params: list[Any] = []
    if since:
        sql += " AND al.created_at >= ?"
        params.append(since)
    if alert_ids is not None:
        ids = sorted({int(i) for i in alert_ids})
        if not ids:
            return []
        sql += f" AND al.id IN ({','.join('?' * len(ids))})"
        params.extend(ids)
    rows = list(db.query(sql + " ORDER BY al.created_at, al.id", params))
    for row in rows:
        try:
            row["details"] = json.loads(row.get("details") or "{}")
        except ValueError:
            row["details"] = {}
        if not row.get("event_type"):
            row["event_type"] = row["details"].get("event_type")
    return rows


def _source_from(ref: Mapping[str, Any] | None, note: str | None = None) -> Source | None:
    if not ref:
        return None
    url = ref.get("url")
    return Source(
        title=one_line(ref.get("title") or url or f"article {ref.get('article_id')}", TITLE_MAX),
        outlet=one_line(ref.get("outlet") or outlet_of(None, url), 80),
        url=safe_url(url),
        published=one_line(ref.get("published"), 40)[:10] or None,
        note=note,
    )


def _cluster_sources(db: sqlite_utils.Database, cluster_id: int) -> tuple[list[Source], int]:
    """The cluster's articles (first report first) and its number of independent
    sources (distinct outlets, syndicated duplicates not counted)."""
    rows = list(
        db.query(
            "SELECT DISTINCT a.id, a.url, a.canonical_url, a.title, a.source, a.published,"
            " a.status FROM events e JOIN articles a ON a.id = e.article_id"
            " WHERE e.cluster_id = ? ORDER BY coalesce(a.published, '~'), a.id",
            [cluster_id],
        )
    )
    sources, outlets = [], set()
    for r in rows:
        url = r.get("canonical_url") or r.get("url")
        outlet = outlet_of(r.get("source"), url)
        if r.get("status") != "duplicate":
            outlets.add(outlet.lower())
        sources.append(
            Source(
                title=one_line(r.get("title") or url, TITLE_MAX),
                outlet=outlet,
                url=safe_url(url),
                published=one_line(r.get("published"), 40)[:10] or None,
            )
        )
    return sources, max(len(outlets), 1 if sources else 0)


def _item(db: sqlite_utils.Database, alert: Mapping[str, Any]) -> DigestItem:
    d = alert.get("details") or {}
    kind = alert["kind"]
    sources: list[Source] = []
    n_sources = 1
    quote_text = None
    old_quote = None
    diff = None
    if kind == FACT_CHANGED:
        new, old = d.get("new") or {}, d.get("old") or {}
        sources = [s for s in (_source_from(new, "now"), _source_from(old, "was")) if s]
        n_sources = len({s.outlet.lower() for s in sources}) or 1
        quote_text = new.get("evidence")
        old_quote = old.get("evidence")
    elif kind == ARTICLE_UPDATED:
        src = _source_from(d.get("source"))
        sources = [src] if src else []
        diff = d.get("diff")
    else:
        if alert.get("cluster_id") is not None:
            sources, n_sources = _cluster_sources(db, int(alert["cluster_id"]))
        if not sources:
            src = _source_from(d.get("source"))
            sources = [src] if src else []
            n_sources = len(sources) or 1
        quote_text = d.get("evidence")
    return DigestItem(
        alert_ids=(int(alert["id"]),),
        kind=kind,
        summary=one_line(alert.get("summary")),
        event_type=alert.get("event_type"),
        cluster_id=alert.get("cluster_id"),
        n_sources=n_sources,
        sources=tuple(sources[:MAX_SOURCES_SHOWN]),
        more_sources=max(len(sources) - MAX_SOURCES_SHOWN, 0),
        quote=one_line(quote_text, 400) or None,
        diff=diff,
        created_at=str(alert.get("created_at") or ""),
        fact=one_line(d.get("label"), 100) or None if kind == FACT_CHANGED else None,
        old_quote=one_line(old_quote, 400) or None,
    )


def _rank_key(item: DigestItem) -> tuple[Any, ...]:
    if item.kind == FACT_CHANGED:
        # Changes of one fact together, in the order they happened.
        return (item.fact or "", item.created_at, item.alert_ids[0])
    et = item.event_type or "OTHER"
    rank = EVENT_TYPE_RANK.index(et) if et in EVENT_TYPE_RANK else len(EVENT_TYPE_RANK)
    return (-item.n_sources, rank, item.created_at, item.alert_ids[0])


def group_items(items: Sequence[DigestItem]) -> list[tuple[str, list[DigestItem]]]:
    """Sections by kind (known kinds first), alerts of one cluster merged into one item,
    ranked by number of independent sources, then event type, then age (changed facts:
    by fact, then in the order they happened)."""
    by_kind: dict[str, dict[object, list[DigestItem]]] = {}
    for it in items:
        key: object = it.cluster_id if it.cluster_id is not None else ("alert", it.alert_ids[0])
        by_kind.setdefault(it.kind, {}).setdefault(key, []).append(it)
    sections = []
    order = [k for k in KINDS if k in by_kind] + sorted(k for k in by_kind if k not in KINDS)
    for kind in order:
        merged = []
        for group in by_kind[kind].values():
            first = group[0]
            if len(group) > 1:
                seen = {s.url or s.title for s in first.sources}
                extra = [s for g in group[1:] for s in g.sources if (s.url or s.title) not in seen]
                first = replace(
                    first,
                    alert_ids=tuple(i for g in group for i in g.alert_ids),
                    extra_summaries=tuple(g.summary for g in group[1:]),
                    sources=(first.sources + tuple(extra))[:MAX_SOURCES_SHOWN],
                    n_sources=max(g.n_sources for g in group),
                )
            merged.append(first)
        sections.append((kind, sorted(merged, key=_rank_key)))
    return sections


def _section_title(kind: str) -> str:
    return SECTION_TITLES.get(kind) or kind.replace("_", " ").capitalize()


def _count_phrase(sections: Sequence[tuple[str, list[DigestItem]]]) -> str:
    parts = []
    for kind, items in sections:
        n = sum(len(i.alert_ids) for i in items)
        parts.append(f"{_section_title(kind).lower()}: {n}")
    return ", ".join(parts)


# --------------------------------------------------------------------------- render


def _meta(item: DigestItem) -> str:
    bits = []
    if item.kind == NEW_EVENT:
        bits.append(f"{item.n_sources} independent source{'s' if item.n_sources != 1 else ''}")
    if item.event_type:
        bits.append(item.event_type.replace("_", " ").lower())
    return " · ".join(bits)


def _fence(lines: Sequence[str]) -> str:
    longest = max((len(m) for line in lines for m in re.findall(r"`+", line)), default=0)
    return "`" * max(3, longest + 1)


BRIEF = "Less corroborated, in brief:"


def _numbered(items: Sequence[DigestItem], max_detailed: int) -> Iterable[tuple[int, DigestItem]]:
    """Items numbered from 1; those past ``max_detailed`` cut to their first source."""
    for n, it in enumerate(items, 1):
        if n > max_detailed:
            it = replace(
                it,
                sources=it.sources[:1],
                more_sources=len(it.sources) - 1 + it.more_sources if it.sources else 0,
                quote=None,
                diff=None,
                extra_summaries=(),
            )
        yield n, it


def render_markdown(d: Digest) -> str:
    sections = group_items(d.items)
    out = [
        f"# {md(d.title)}",
        "",
        f"*{md(d.period_start, 40)} → {md(d.period_end, 40)} · {len(d.alert_ids)} alerts: "
        f"{md(_count_phrase(sections), 300)}*",
    ]
    for kind, items in sections:
        out += ["", f"## {md(_section_title(kind))} ({len(items)})", ""]
        for n, it in _numbered(items, d.max_detailed):
            if n == d.max_detailed + 1:
                out += ["", BRIEF, ""]
            meta = _meta(it)
            out.append(f"{n}. **{md(it.summary, 240)}**" + (f" — {md(meta, 120)}" if meta else ""))
            for extra in it.extra_summaries:
                out.append(f"    - also: {md(extra, 240)}")
            if it.quote:
                now = "now: " if it.old_quote else ""
                out.append(f"    > {now}{md(it.quote, 400)}")
            if it.old_quote:
                out.append(f"    >\n    > was: {md(it.old_quote, 400)}")
            for s in it.sources:
                note = f"{md(s.note, 20)}: " if s.note else ""
                title = f"[{md(s.title)}]({s.url})" if s.url else md(s.title)
                when = f", {md(s.published, 40)}" if s.published else ""
                out.append(f"    - {note}{title} — {md(s.outlet, 80)}{when}")
            if it.more_sources:
                out.append(f"    - … and {it.more_sources} more")
            lines = _clean_block(it.diff)
            if lines:
                fence = _fence(lines)
                out += [
                    "",
                    f"    {fence}diff",
                    *(f"    {line}" for line in lines),
                    f"    {fence}",
                    "",
                ]
    out += [
        "",
        "---",
        "*Sent by newsmon. Sources are linked; titles and quotes are the outlets' own.*",
        "",
    ]
    return "\n".join(out)


def render_html(d: Digest) -> str:
    sections = group_items(d.items)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{h(d.title)}</title></head>",
        '<body style="font-family:sans-serif;max-width:46em;margin:auto">',
        f"<h1>{h(d.title)}</h1>",
        f"<p><em>{h(d.period_start, 40)} → {h(d.period_end, 40)} · {len(d.alert_ids)} alerts: "
        f"{h(_count_phrase(sections), 300)}</em></p>",
    ]
    for kind, items in sections:
        out.append(f"<h2>{h(_section_title(kind))} ({len(items)})</h2>")
        out.append("<ol>")
        for n, it in _numbered(items, d.max_detailed):
            if n == d.max_detailed + 1:
                out.append(f'</ol><p><em>{html.escape(BRIEF)}</em></p><ol start="{n}">')
            meta = _meta(it)
            out.append(
                f"<li><p><strong>{h(it.summary, 240)}</strong>"
                + (f" — {h(meta, 120)}" if meta else "")
                + "</p>"
            )
            if it.extra_summaries:
                out.append(
                    "<ul>"
                    + "".join(f"<li>also: {h(x, 240)}</li>" for x in it.extra_summaries)
                    + "</ul>"
                )
            if it.quote:
                now = "now: " if it.old_quote else ""
                out.append(f"<blockquote>{now}{h(it.quote, 400)}</blockquote>")
            if it.old_quote:
                out.append(f"<blockquote>was: {h(it.old_quote, 400)}</blockquote>")
            if it.sources:
                out.append("<ul>")
                for s in it.sources:
                    note = f"{h(s.note, 20)}: " if s.note else ""
                    title = (
                        f'<a href="{html.escape(s.url, quote=True)}" rel="{REL}">{h(s.title)}</a>'
                        if s.url
                        else h(s.title)
                    )
                    when = f", {h(s.published, 40)}" if s.published else ""
                    out.append(f"<li>{note}{title} — {h(s.outlet, 80)}{when}</li>")
                if it.more_sources:
                    out.append(f"<li>… and {it.more_sources} more</li>")
                out.append("</ul>")
            lines = _clean_block(it.diff)
            if lines:
                out.append(
                    "<pre>" + "\n".join(html.escape(line, quote=True) for line in lines) + "</pre>"
                )
            out.append("</li>")
        out.append("</ol>")
    out += [
        f"<hr><p><small>{html.escape(FOOTER)}</small></p>",
        "</body></html>",
        "",
    ]
    return "\n".join(out)


def render_text(d: Digest) -> str:
    sections = group_items(d.items)
    title = t(d.title)
    out = [title, "=" * min(len(title), 78), ""]
    out.append(
        f"{t(d.period_start, 40)} -> {t(d.period_end, 40)} · {len(d.alert_ids)} alerts: "
        f"{t(_count_phrase(sections), 300)}"
    )
    for kind, items in sections:
        head = f"{t(_section_title(kind))} ({len(items)})"
        out += ["", head, "-" * len(head)]
        for n, it in _numbered(items, d.max_detailed):
            if n == d.max_detailed + 1:
                out += ["", BRIEF]
            meta = _meta(it)
            out.append(f"{n}. {t(it.summary, 240)}" + (f" — {t(meta, 120)}" if meta else ""))
            for extra in it.extra_summaries:
                out.append(f"   also: {t(extra, 240)}")
            if it.quote:
                now = "now: " if it.old_quote else ""
                out.append(f"   {now}\u201c{t(it.quote, 400)}\u201d")
            if it.old_quote:
                out.append(f"   was: \u201c{t(it.old_quote, 400)}\u201d")
            for s in it.sources:
                note = f"{t(s.note, 20)}: " if s.note else ""
                when = f", {t(s.published, 40)}" if s.published else ""
                link = f" <{s.url}>" if s.url else ""
                out.append(f"   - {note}{t(s.title)} — {t(s.outlet, 80)}{when}{link}")
            if it.more_sources:
                out.append(f"   - … and {it.more_sources} more")
            for line in _clean_block(it.diff):
                out.append(f"   | {line}")
    out += ["", "-- ", "Sent by newsmon.", ""]
    return "\n".join(out)


def render(d: Digest) -> Digest:
    """``d`` with its three renderings filled in."""
    return replace(d, markdown=render_markdown(d), html=render_html(d), text=render_text(d))


# --------------------------------------------------------------------------- build


def build_digest(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    *,
    since: str | None = None,
    alert_ids: Iterable[int] | None = None,
    kinds: set[str] | None = None,
    now: str | None = None,
    urgent: bool = False,
) -> Digest | None:
    """The rendered digest of the pending alerts (or of ``alert_ids`` among them), or
    None when there is nothing to tell. ``kinds`` keeps only alerts that
    :func:`newsmon.alerts.is_urgent` matches."""
    now = now or now_iso()
    alerts = pending_alerts(db, since=since, alert_ids=alert_ids)
    if kinds is not None:
        alerts = [a for a in alerts if is_urgent(a["kind"], a.get("event_type"), kinds)]
    if not alerts:
        return None
    items = tuple(_item(db, a) for a in alerts)
    n = len(items)
    prefix = "URGENT: " if urgent else ""
    title = one_line(f"{prefix}newsmon: {n} new alert{'s' if n != 1 else ''} — {profile.name}", 150)
    start = since or min(str(a["created_at"]) for a in alerts)
    return render(Digest(profile.id, title, start, now, items, max_detailed(profile)))


def max_detailed(profile: TopicProfile) -> int:
    """``[digest] max_detailed``: entries per section shown in full (default 20)."""
    section = profile.section("digest") or {}
    value = section.get("max_detailed", 20) if isinstance(section, Mapping) else 20
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ProfileError(str(profile.path), "[digest] max_detailed must be a positive integer")
    return value


# --------------------------------------------------------------------------- store + deliver


def store_digest(db: sqlite_utils.Database, d: Digest, now: str) -> int:
    """Insert the digest and point its alerts at it; one transaction."""
    with db.atomic():
        cur = db.execute(
            "INSERT INTO digests (created_at, period_start, period_end, markdown, html, text,"
            " delivered_to, status) VALUES (?, ?, ?, ?, ?, ?, '[]', 'pending')",
            [now, d.period_start, d.period_end, d.markdown, d.html, d.text],
        )
        digest_id = int(cur.lastrowid or 0)
        ids = list(d.alert_ids)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            db.execute(
                f"UPDATE alerts SET digest_id = ? WHERE id IN ({','.join('?' * len(chunk))})",
                [digest_id, *chunk],
            )
    return int(digest_id)


def _delivered_to(db: sqlite_utils.Database, channel: str, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    marks = ",".join("?" * len(ids))
    return {
        r["alert_id"]
        for r in db.query(
            f"SELECT alert_id FROM alert_deliveries WHERE channel = ? AND alert_id IN ({marks})",
            [channel, *ids],
        )
    }


def deliver(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    d: Digest,
    digest_id: int,
    channels: Sequence[Channel],
    *,
    now: str | None = None,
    sender: Callable[..., SendResult] | None = None,
) -> tuple[str, tuple[SendResult, ...], tuple[int, ...]]:
    """Send ``d`` to each channel that lacks some of its alerts; record every attempt.

    Returns ``(status, sends, delivered alert ids)``. Each channel gets only the alerts
    it does not have yet (re-rendered when that is a subset). A send is recorded right
    after it returns, in its own transaction, so a crash can at worst repeat one send.
    """
    now = now or now_iso()
    sender = sender or send
    ids = list(d.alert_ids)
    sends: list[SendResult] = []
    for ch in channels:
        have = _delivered_to(db, ch.redacted, ids)
        todo = [i for i in ids if i not in have]
        if not todo:
            continue
        body = d
        if len(todo) != len(ids):
            sub = build_digest(db, profile, alert_ids=todo, now=d.period_end)
            if sub is None:
                continue
            body = replace(sub, title=d.title)
        result = sender(ch, body.title, text=body.text, html=body.html, markdown=body.markdown)
        sends.append(result)
        with db.atomic():
            db.table("deliveries").insert(
                {
                    "digest_id": digest_id,
                    "channel": ch.redacted,
                    "status": "sent" if result.ok else "failed",
                    "alert_count": len(todo),
                    "attempted_at": now_iso(),
                    "error": result.error,
                }
            )
            if result.ok:
                db.table("alert_deliveries").insert_all(
                    (
                        {
                            "alert_id": i,
                            "channel": ch.redacted,
                            "digest_id": digest_id,
                            "delivered_at": now_iso(),
                        }
                        for i in todo
                    ),
                    pk=("alert_id", "channel"),
                    ignore=True,
                )
    names = [c.redacted for c in channels]
    delivered = (
        [i for i in ids if all(i in _delivered_to(db, name, [i]) for name in names)]
        if names
        else ids
    )
    if not names:
        status = "stored"
    elif all(s.ok for s in sends):
        status = "delivered"
    elif any(s.ok for s in sends):
        status = "partial"
    else:
        status = "failed"
    ok_channels = sorted(
        {s.channel for s in sends if s.ok}
        | {n for n in names if not any(s.channel == n for s in sends)}
    )
    with db.atomic():
        for i in range(0, len(delivered), 500):
            chunk = delivered[i : i + 500]
            db.execute(
                f"UPDATE alerts SET delivered_at = ? WHERE id IN ({','.join('?' * len(chunk))})",
                [now, *chunk],
            )
        db.table("digests").update(
            digest_id, {"status": status, "delivered_to": json.dumps(ok_channels)}
        )
    return status, tuple(sends), tuple(delivered)


class DigestBusy(NewsmonError):
    """Another digest held the delivery lease for longer than we were willing to wait."""


#: A digest's lease on delivery; renewed by nobody, so a crashed digest frees it by then.
LEASE_SECONDS = 900
LEASE_WAIT_SECONDS = 300.0


@contextlib.contextmanager
def digest_lease(
    db: sqlite_utils.Database, wait: float = LEASE_WAIT_SECONDS, poll: float = 0.5
) -> Iterator[None]:
    """Hold the database's digest lease: one digest collects and delivers at a time, so
    the daily digest, an urgent one and a hand-run ``newsmon digest`` never send the
    same alert twice. Waits up to ``wait`` seconds, then raises :class:`DigestBusy`."""
    holder = uuid.uuid4().hex
    deadline = time.monotonic() + wait
    while True:
        now = datetime.now(UTC).replace(microsecond=0)
        expires = (now + timedelta(seconds=LEASE_SECONDS)).isoformat()
        cur = db.execute(
            "INSERT INTO digest_lease (name, holder, acquired_at, expires_at)"
            " VALUES ('digest', ?, ?, ?) ON CONFLICT(name) DO UPDATE SET"
            " holder = excluded.holder, acquired_at = excluded.acquired_at,"
            " expires_at = excluded.expires_at WHERE digest_lease.expires_at <= ?",
            [holder, now.isoformat(), expires, now.isoformat()],
        )
        if cur.rowcount == 1:
            break
        if time.monotonic() >= deadline:
            row = db.execute("SELECT expires_at FROM digest_lease WHERE name = 'digest'").fetchone()
            raise DigestBusy(
                "another digest is being delivered from this database"
                + (f" (its lease ends at {row[0]})" if row else "")
                + "; try again later"
            )
        time.sleep(poll)
    try:
        yield
    finally:
        db.execute("DELETE FROM digest_lease WHERE name = 'digest' AND holder = ?", [holder])


def run_digest(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    *,
    notify: Sequence[str] | None = None,
    channels: Sequence[Channel] | None = None,
    since: str | None = None,
    alert_ids: Iterable[int] | None = None,
    kinds: set[str] | None = None,
    dry_run: bool = False,
    out: Sequence[str | Path] = (),
    now: str | None = None,
    urgent: bool = False,
) -> DigestResult | None:
    """Build, store, write and deliver a digest; None when no alert is pending.

    Channels come from ``channels``, else from ``notify`` / ``NEWSMON_NOTIFY`` / the
    profile (see :func:`newsmon.delivery.notify_templates`). With ``dry_run`` nothing is
    stored, sent or marked (``out`` files are still written). Without any channel the
    digest is stored and its alerts count as delivered (the file/artifact is the
    delivery). Call it outside any open transaction: it sends over the network.
    """
    now = now or now_iso()
    if not dry_run and db.conn.in_transaction:
        raise NewsmonError(
            "run_digest sends over the network and records each send: call it after the "
            "caller's transaction has committed, not inside it"
        )
    if channels is None:
        channels = resolve_channels(profile, notify)
    redacted = tuple(c.redacted for c in channels)
    if dry_run:
        d = build_digest(
            db, profile, since=since, alert_ids=alert_ids, kinds=kinds, now=now, urgent=urgent
        )
        if d is None:
            return None
        for path in out:
            write_digest(d, path)
        return DigestResult(d, None, "dry-run", channels=redacted)
    with digest_lease(db):
        d = build_digest(
            db, profile, since=since, alert_ids=alert_ids, kinds=kinds, now=now, urgent=urgent
        )
        if d is None:
            return None
        for path in out:
            write_digest(d, path)
        if not channels:
            LOGGER.warning("no delivery channel configured: the digest is only stored")
        digest_id = store_digest(db, d, now)
        status, sends, delivered = deliver(db, profile, d, digest_id, channels, now=now)
    LOGGER.info(
        "digest %s: %s (%d alerts, %d delivered)",
        digest_id,
        status,
        len(d.alert_ids),
        len(delivered),
    )
    return DigestResult(d, digest_id, status, sends, delivered, redacted)


def send_urgent_digest(
    db: sqlite_utils.Database,
    profile: TopicProfile,
    alert_ids: Iterable[int] | None = None,
    *,
    notify: Sequence[str] | None = None,
    channels: Sequence[Channel] | None = None,
    now: str | None = None,
) -> DigestResult | None:
    """After a monitor run (its transaction committed): when any of ``alert_ids`` (all
    pending alerts if None) is of a kind in ``[digest] urgent_kinds``, send a digest of
    just those urgent alerts now. The rest wait for the scheduled digest. Returns None
    when nothing is urgent."""
    kinds = urgent_kinds(profile)
    if not kinds:
        return None
    return run_digest(
        db,
        profile,
        notify=notify,
        channels=channels,
        alert_ids=alert_ids,
        kinds=kinds,
        now=now,
        urgent=True,
    )


def demo_digest_text(db_path: str | Path, topic: str | Path | None = None) -> str | None:
    """For ``newsmon demo``: store the digest of every pending alert (delivered nowhere:
    the demo never sends anything) and return its plain-text rendering, or None when
    there is no alert."""
    profile = load_profile(topic)
    db = open_db(db_path)
    try:
        result = run_digest(db, profile, channels=[])
    finally:
        db.close()
    return result.digest.text if result is not None else None


# --------------------------------------------------------------------------- files


FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
}


def write_digest(d: Digest, path: str | Path) -> Path:
    """Write one rendering, chosen by the file suffix: ``.html``/``.htm`` → HTML, ``.txt``
    → plain text, anything else → Markdown."""
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower(), "markdown")
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(getattr(d, fmt), encoding="utf-8")
    return p


def artifact_key(profile: TopicProfile) -> str:
    """A stable Prefect artifact key (lowercase letters, digits, dashes)."""
    slug = re.sub(r"[^a-z0-9]+", "-", profile.id.lower()).strip("-") or "topic"
    return f"newsmon-digest-{slug}"[:100]


def artifact_markdown(result: DigestResult) -> str:
    """The digest's Markdown plus a delivery table (redacted channels only)."""
    lines = [result.digest.markdown, "", "## Delivery", ""]
    if not result.sends:
        lines.append(
            f"status: {result.status}" + ("" if result.channels else " (no channel configured)")
        )
    else:
        lines += ["| channel | result |", "| --- | --- |"]
        for s in result.sends:
            outcome = "sent" if s.ok else f"failed: {md(s.error or '', 200)}"
            lines.append(f"| {md(s.channel, 200)} | {outcome} |")
    return "\n".join(lines)
