"""``ARTICLE_UPDATED``: a known article of the story rewritten by its publisher, with a
short diff of what changed."""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import sqlite_utils

from newsmon.alerts.records import ARTICLE_UPDATED, Alert, chunks, query_rows, source_ref
from newsmon.alerts.text import one_line

LOGGER = logging.getLogger(__name__)


DIFF_MAX_LINES = 6
DIFF_LINE_MAX = 160


#: Word-level diff statistics are skipped above this size (difflib is quadratic).
DIFF_MAX_WORDS = 20_000


def short_diff(old: str, new: str, max_lines: int = DIFF_MAX_LINES) -> str:
    """A short, line-based diff of two texts: changed sentences as ``- old``/``+ new``."""

    def lines(t: str) -> list[str]:
        parts = re.split(r"(?<=[.!?])\s+|\n+", t or "")
        return [one_line(p, 10_000) for p in parts if p.strip()]

    out: list[str] = []
    a, b = lines(old), lines(new)
    if len(a) + len(b) > 4 * DIFF_MAX_WORDS // 10:
        a, b = a[:2000], b[:2000]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        out.extend(f"- {one_line(x, DIFF_LINE_MAX)}" for x in a[i1:i2])
        out.extend(f"+ {one_line(x, DIFF_LINE_MAX)}" for x in b[j1:j2])
        if len(out) >= max_lines:
            break
    if len(out) > max_lines:
        out = out[:max_lines] + ["…"]
    return "\n".join(out)


def _word_change(old: str, new: str) -> tuple[int, int] | None:
    a, b = (old or "").split(), (new or "").split()
    if len(a) > DIFF_MAX_WORDS or len(b) > DIFF_MAX_WORDS:
        return None
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def article_updated_alerts(db: sqlite_utils.Database, revision_ids: Iterable[int]) -> list[Alert]:
    """One ARTICLE_UPDATED per ``article_revisions`` row (its ``text`` is the OLD text)
    that is a rewrite of an article of the story: a longer cut of the same article
    (``change = 'longer_cut'``, the full page after its trimmed copy) says nothing new,
    and an off-topic article's rewrite is nobody's news here."""
    ids = sorted(set(int(i) for i in revision_ids))
    if not ids:
        return []
    if not db.table("article_revisions").exists():
        LOGGER.warning("revision ids given but there is no article_revisions table; no alerts")
        return []
    alerts = []
    for chunk in chunks(ids):
        marks = ",".join("?" * len(chunk))
        for r in query_rows(
            db,
            "SELECT r.*, a.url AS article_url, a.canonical_url AS article_canonical_url,"
            " a.title AS article_title, a.source AS article_source,"
            " a.published AS article_published, a.text AS article_text,"
            " a.revision AS article_revision"
            f" FROM article_revisions r JOIN articles a ON a.id = r.article_id"
            f" WHERE r.id IN ({marks}) AND coalesce(r.change, 'rewrite') = 'rewrite'"
            " AND a.status IN ('relevant', 'seed')"
            " ORDER BY r.id",
            chunk,
        ):
            alerts.append(_updated(r))
    return alerts


def _trim_diff(diff: str) -> str:
    """The changed lines of a (unified) diff: headers and context dropped, at most
    :data:`DIFF_MAX_LINES` lines of :data:`DIFF_LINE_MAX` characters."""
    lines = [
        x
        for x in diff.splitlines()
        if x[:1] in "+-" and not x.startswith(("+++", "---")) and x[1:].strip()
    ]
    out = [one_line(x, DIFF_LINE_MAX) for x in lines[:DIFF_MAX_LINES]]
    if len(lines) > DIFF_MAX_LINES:
        out.append("…")
    return "\n".join(out)


def _updated(r: Mapping[str, Any]) -> Alert:
    old, new = r.get("text") or "", r.get("article_text") or ""
    given = r.get("diff")
    diff = _trim_diff(str(given)) if given else ""
    if not diff:
        diff = short_diff(old, new)
    change = _word_change(old, new)
    src = source_ref(r)
    src["article_id"] = r.get("article_id")
    src["event_id"] = None
    title = src["title"] or src["url"] or f"article {r.get('article_id')}"
    words = f", +{change[0]}/−{change[1]} words" if change else ""
    summary = f"Article rewritten: “{one_line(title, 140)}” — {src['outlet']}{words}"
    return Alert(
        kind=ARTICLE_UPDATED,
        summary=summary,
        dedupe_key=f"{ARTICLE_UPDATED}:revision:{r['id']}",
        article_id=r.get("article_id"),
        details={
            "revision_id": r["id"],
            "old_revision": r.get("revision"),
            "new_revision": r.get("article_revision"),
            "old_fetched_at": r.get("fetched_at"),
            "diff": diff,
            "words_added": change[0] if change else None,
            "words_removed": change[1] if change else None,
            "source": src,
        },
    )
