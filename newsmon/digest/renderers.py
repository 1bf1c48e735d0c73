"""A digest's entries grouped into sections, ranked, and rendered as Markdown, HTML and
plain text; written to files by suffix; the Prefect artifact's Markdown."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from newsmon.alerts import (
    ARTICLE_UPDATED,
    FACT_CHANGED,
    KINDS,
    NEW_EVENT,
)
from newsmon.digest.model import MAX_SOURCES_SHOWN, Digest, DigestItem, DigestResult
from newsmon.digest.safe import clean_block, h, md, t
from newsmon.profile import TopicProfile, topic_slug

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
REL = "noopener noreferrer nofollow"
FOOTER = "Sent by newsmon. Sources are linked; titles and quotes are the outlets' own."


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
            lines = clean_block(it.diff)
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
            lines = clean_block(it.diff)
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
            for line in clean_block(it.diff):
                out.append(f"   | {line}")
    out += ["", "-- ", "Sent by newsmon.", ""]
    return "\n".join(out)


def render(d: Digest) -> Digest:
    """``d`` with its three renderings filled in."""
    return replace(d, markdown=render_markdown(d), html=render_html(d), text=render_text(d))


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
    return f"newsmon-digest-{topic_slug(profile.id)}"[:100]


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
