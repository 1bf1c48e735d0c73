"""Two copies of one story: which is the original?

The duplicate check says that two texts are one story; this module says which of them
the publisher wrote and which is the copy (a wire story republished by a member outlet,
an AMP or trimmed version, a syndicated reprint), so the original is kept as the
primary whatever order they arrived in. The signals, strongest first:

1. **canonical link** -- a page whose ``rel=canonical`` points at the other's URL, or
   an AMP variant of the other's URL, is the copy;
2. **credit** -- a text that credits another outlet ("This story was originally
   published by ...", "Reprinted with permission", a byline naming the other outlet, a
   wire dateline such as ``ELWOOD (AP) --`` that the other text lacks) is the copy;
3. **publication time** -- when both times are precise and an hour or more apart (or
   the dates a day apart), the earlier is the original;
4. **containment** -- when one text holds the other almost whole and adds at least
   a sixth to it, the longer is the original (a trimmed copy is the shorter);

and otherwise no opinion (the caller keeps what it has).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from extractors.dedupe import shingles
from extractors.urls import canonicalize_url, is_amp_url

#: Copy markers: sentences that say a text comes from elsewhere.
_CREDIT = re.compile(
    r"\b(?:originally|first)\s+(?:published|appeared|ran|posted|reported)\b"
    r"|\bre(?:published|printed|posted)\b[^.]{0,80}\b(?:permission|license|licence|from|with)\b"
    r"|\b(?:distributed|syndicated|provided)\s+(?:by|through|via)\b"
    r"|\bcontent[- ]sharing\s+(?:agreement|partnership)\b"
    r"|\bThis\s+(?:story|article|report)\s+(?:is|was|comes)\s+(?:from|by|via|courtesy)\b",
    re.IGNORECASE,
)
#: A dateline that credits a wire or another outlet: "ELWOOD, Ill. (AP) --".
_WIRE_DATELINE = re.compile(
    r"^[\W_]*[A-Z][A-Z .,'’-]{1,40}(?:,[^()\n]{1,20})?\s*\([^)\n]{2,40}\)\s*[—–-]"
)
#: Only the ends of a text carry credits (an editor's note, a dateline, a tag line).
CREDIT_WINDOW = 600
#: Publication times this far apart (seconds) say which came first.
TIME_GAP = 3600
#: Containment: the shorter text's shingles found in the longer, and how much longer.
CONTAINED = 0.85
LONGER = 7 / 6


@dataclass(frozen=True)
class Copy:
    """What the comparison needs of one article."""

    url: str
    canonical_url: str | None
    published: str | None
    outlet: str | None
    author: str | None
    text: str


def _credits(c: Copy) -> bool:
    text = c.text.strip()
    ends = text[:CREDIT_WINDOW] + "\n" + text[-CREDIT_WINDOW:]
    return bool(_CREDIT.search(ends) or _WIRE_DATELINE.match(text))


def _byline_credits(c: Copy, other: Copy) -> bool:
    """``c``'s byline names the other's outlet ("Marcus Bell, Prairie State Wire")."""
    if not (c.author and other.outlet and c.outlet) or c.outlet == other.outlet:
        return False
    return other.outlet.casefold() in c.author.casefold()


def _points_at(c: Copy, other: Copy) -> bool:
    """``c`` is a page whose canonical link is the other's URL, or its AMP variant."""
    other_url = canonicalize_url(other.url)
    if not c.canonical_url or canonicalize_url(c.canonical_url) != other_url:
        return False
    if is_amp_url(other.url):
        return False
    return canonicalize_url(c.url) != other_url or is_amp_url(c.url)


def _when(value: str | None) -> tuple[datetime, bool] | None:
    """(time, precise) of an ISO stamp; a date alone is not precise."""
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    precise = "T" in value and stamp.tzinfo is not None
    return stamp, precise


def _earlier(a: Copy, b: Copy) -> int | None:
    wa, wb = _when(a.published), _when(b.published)
    if wa is None or wb is None:
        return None
    (ta, pa), (tb, pb) = wa, wb
    if pa and pb:
        gap = (tb - ta).total_seconds()
        if abs(gap) >= TIME_GAP:
            return 0 if gap > 0 else 1
        return None
    da, db = ta.date(), tb.date()
    if da != db:
        return 0 if da < db else 1
    return None


def _longer_holds_shorter(a: Copy, b: Copy) -> int | None:
    sa, sb = shingles(a.text), shingles(b.text)
    if not sa or not sb:
        return None
    if len(sa) >= LONGER * len(sb) and len(sa & sb) >= CONTAINED * len(sb):
        return 0
    if len(sb) >= LONGER * len(sa) and len(sa & sb) >= CONTAINED * len(sa):
        return 1
    return None


def original_of(a: Copy, b: Copy) -> tuple[int, str] | None:
    """Which of two copies of one story is the original: ``(0, reason)`` for ``a``,
    ``(1, reason)`` for ``b``, or None when nothing tells them apart."""
    pa, pb = _points_at(a, b), _points_at(b, a)
    if pa != pb:
        return (1 if pa else 0), "canonical"
    ca = _credits(a) or _byline_credits(a, b)
    cb = _credits(b) or _byline_credits(b, a)
    if ca != cb:
        return (1 if ca else 0), "credit"
    first = _earlier(a, b)
    if first is not None:
        return first, "published"
    longer = _longer_holds_shorter(a, b)
    if longer is not None:
        return longer, "contains"
    return None
