"""Dates in news sentences, resolved against the article's publication date.

Rules (each has a test in ``tests/test_dates.py``):

- An explicit date wins: ``2025-09-05``, ``Sept. 5``, ``September 5, 2025``, ``5 September
  2025``. A month and day without a year take the publication year, or the year before
  when that would put the date more than six months after publication.
- Week days: a bare ``Saturday`` / ``on Monday`` / ``Monday morning`` is the most recent
  such day on or before the publication date (a Tuesday article's "Monday" is the day
  before, its "Tuesday" is the same day), unless the sentence speaks of a plan ("will",
  "is expected to", "scheduled"...), in which case it is the next such day on or after
  it. ``last Monday`` is the Monday of the previous week, ``this Friday`` the Friday of
  the current week, ``next Friday`` the Friday of the following week (weeks start on
  Monday). ``next Friday, Sept. 5``: the explicit date wins.
- ``today``/``tonight``, ``yesterday``, ``tomorrow``, ``N days ago``.
- Weeks resolve to their Monday: ``last week``, ``this week``, ``next week``. Weekends to
  their Saturday: ``over the weekend``, ``last weekend``, ``this weekend``.
- A few fixed US holidays that news text names instead of a date (``Labor Day``,
  ``Memorial Day``, ``Thanksgiving``, ``Independence Day``, ``Christmas``, ``New Year's
  Day``), in the publication year.
- Month-only or year-only expressions ("in June", "last month", "since 2020") are not a
  day: they resolve to ``None``, never to a guess.
- Without a publication date only explicit dates with a year resolve.
- A date after the publication date is kept only when the sentence says it is planned
  (``DateMention.planned``); otherwise it is dropped (``value`` is ``None``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "a": 1,
}  # fmt: skip

_MONTH_RE = (
    r"(?P<mon>Jan(?:uary|\.)?|Feb(?:ruary|\.)?|Mar(?:ch|\.)?|Apr(?:il|\.)?|May|June?|July?"
    r"|Aug(?:ust|\.)?|Sept(?:ember|\.)?|Sep\.?|Oct(?:ober|\.)?|Nov(?:ember|\.)?|Dec(?:ember|\.)?)"
)
_WEEKDAY_RE = r"(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    (
        "month_day",
        re.compile(
            _MONTH_RE + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\b(?!:)(?:,?\s+(?P<y>(?:19|20)\d\d)\b)?"
        ),
    ),
    (
        "day_month",
        re.compile(r"\b(?P<d>[0-3]?\d)\s+" + _MONTH_RE + r"(?:,?\s+(?P<y>(?:19|20)\d\d))?\b"),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:(?P<rel>last|this|next|this past|this coming)\s+)?" + _WEEKDAY_RE + r"\b"
        ),
    ),
    ("day_word", re.compile(r"\b(?P<w>[Tt]oday|[Tt]onight|[Yy]esterday|[Tt]omorrow)\b")),
    (
        "days_ago",
        re.compile(
            r"\b(?P<n>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|a)\s+days?\s+ago\b"
        ),
    ),
    ("week", re.compile(r"\b(?P<rel>[Ll]ast|[Tt]his|[Nn]ext|[Tt]he past)\s+week\b(?!end)")),
    (
        "weekend",
        re.compile(
            r"\b(?P<rel>[Oo]ver the|[Ll]ast|[Tt]his|[Tt]his past|[Nn]ext)"
            r"\s+(?:holiday\s+)?weekend\b"
        ),
    ),
    (
        "holiday",
        re.compile(
            r"\b(?P<h>Labor Day|Memorial Day|Thanksgiving|Independence Day|the Fourth of July"
            r"|Christmas|New Year's Day|New Year’s Day)\b"
        ),
    ),
]

#: Words that make a future date legitimate: the sentence speaks of a plan.
PLANNED_CUES = re.compile(
    r"\b(?:will|would|could|shall|plans?|planned|planning|expected|scheduled|set to|is to|are to"
    r"|going to|intends?|upcoming|as soon as|as early as|by next|slated|proposed|aims? to"
    r"|is due|are due|could begin|next)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class DateMention:
    """One date expression in a sentence; ``value`` is ``None`` when it does not pin a day."""

    start: int
    end: int
    text: str
    value: date | None
    kind: str  # explicit | relative | week | weekend | holiday
    planned: bool = False


def parse_published(published: str | None) -> date | None:
    """The publication date from an ISO 8601 date or datetime string, or ``None``."""
    if not published:
        return None
    s = published.strip()
    try:
        return datetime.fromisoformat(s.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(s[:10])
    except ValueError:
        return None


def _safe_date(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    delta = (weekday - first.weekday()) % 7
    if n > 0:
        return first + timedelta(days=delta + 7 * (n - 1))
    # last such weekday of the month
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    last = nxt - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _holiday(name: str, year: int) -> date:
    name = name.replace("’", "'")
    if name == "Labor Day":
        return _nth_weekday(year, 9, 0, 1)
    if name == "Memorial Day":
        return _nth_weekday(year, 5, 0, -1)
    if name == "Thanksgiving":
        return _nth_weekday(year, 11, 3, 4)
    if name in ("Independence Day", "the Fourth of July"):
        return date(year, 7, 4)
    if name == "Christmas":
        return date(year, 12, 25)
    return date(year, 1, 1)


def _resolve(
    kind: str, m: re.Match[str], pub: date | None, planned: bool
) -> tuple[date | None, str]:
    g = m.groupdict()
    if kind == "iso":
        return _safe_date(int(g["y"]), int(g["m"]), int(g["d"])), "explicit"
    if kind in ("month_day", "day_month"):
        month = MONTHS[g["mon"].rstrip(".").lower()]
        day = int(g["d"])
        if g.get("y"):
            return _safe_date(int(g["y"]), month, day), "explicit"
        if pub is None:
            return None, "explicit"
        d = _safe_date(pub.year, month, day)
        if d is not None and (d - pub).days > 183:
            d = _safe_date(pub.year - 1, month, day)
        elif d is not None and (pub - d).days > 183 and planned:
            d = _safe_date(pub.year + 1, month, day)
        return d, "explicit"
    if pub is None:
        return None, "relative"
    if kind == "weekday":
        wd = WEEKDAYS[g["wd"].lower()]
        rel = (g.get("rel") or "").lower()
        if rel in ("last", "this past"):
            return _monday(pub) - timedelta(days=7) + timedelta(days=wd), "relative"
        if rel == "next":
            return _monday(pub) + timedelta(days=7 + wd), "relative"
        if rel in ("this", "this coming"):
            return _monday(pub) + timedelta(days=wd), "relative"
        if planned:
            return pub + timedelta(days=(wd - pub.weekday()) % 7), "relative"
        return pub - timedelta(days=(pub.weekday() - wd) % 7), "relative"
    if kind == "day_word":
        w = g["w"].lower()
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[w]
        return pub + timedelta(days=offset), "relative"
    if kind == "days_ago":
        n = g["n"].lower()
        days = int(n) if n.isdigit() else NUMBER_WORDS[n]
        return pub - timedelta(days=days), "relative"
    if kind == "week":
        rel = g["rel"].lower()
        if rel == "the past":
            return None, "week"  # "over the past week": the last seven days, not a week
        if rel == "last":
            return _monday(pub) - timedelta(days=7), "week"
        if rel == "next":
            return _monday(pub) + timedelta(days=7), "week"
        return _monday(pub), "week"
    if kind == "weekend":
        rel = g["rel"].lower()
        # Saturday of the weekend on or before the publication date.
        last_sat = pub - timedelta(days=(pub.weekday() - 5) % 7)
        if rel == "next" or (rel in ("this", "over the") and planned and pub.weekday() < 5):
            return last_sat + timedelta(days=7), "weekend"
        return last_sat, "weekend"
    if kind == "holiday":
        return _holiday(g["h"], pub.year), "holiday"
    return None, "relative"


_PAST_VERB_BEFORE = re.compile(
    r"(?:\b\w+ed|\bsaid|\btold|\bwrote|\btook|\bmet|\bspoke|\bsent|\bsaid on|\bheld|\bbegan"
    r"|\bwas|\bwere)(?:\s+on)?\s*$",
    re.IGNORECASE,
)


def _looks_ahead(sentence: str, start: int) -> bool:
    """Whether a plan cue governs the date expression starting at ``start``.

    A bare week day points forward only when a plan cue ("will", "expected to", ...)
    comes shortly before it in the sentence and no past-tense verb sits right before it:
    "will intervene" after "In a warning ... on Saturday" does not move that Saturday.
    """
    before = sentence[max(0, start - 60) : start]
    if _PAST_VERB_BEFORE.search(before):
        return False
    return PLANNED_CUES.search(before) is not None


#: Words without which a pattern cannot match (``None``: needs a digit), so that most
#: sentences skip most patterns.
_NEEDS: dict[str, frozenset[str] | None] = {
    "iso": None,
    "month_day": None,
    "day_month": None,
    "weekday": frozenset(WEEKDAYS),
    "day_word": frozenset({"today", "tonight", "yesterday", "tomorrow"}),
    "days_ago": frozenset({"ago"}),
    "week": frozenset({"week"}),
    "weekend": frozenset({"weekend"}),
    "holiday": frozenset({"labor", "memorial", "thanksgiving", "independence", "fourth",
                          "christmas", "new"}),
}  # fmt: skip
_WORD = re.compile(r"[^\W\d_]+")
_DIGIT = re.compile(r"\d")


def find_dates(
    sentence: str, published: date | None, words: set[str] | frozenset[str] | None = None
) -> list[DateMention]:
    """All date expressions in ``sentence``, resolved against ``published``.

    Overlapping matches keep the earlier pattern in :data:`_PATTERNS` (explicit before
    relative), so "next Friday, Sept. 5" yields the explicit ``Sept. 5`` and the week day
    is dropped.
    """
    if words is None:
        words = set(_WORD.findall(sentence.lower()))
    has_digit = _DIGIT.search(sentence) is not None
    planned_sentence: bool | None = None  # looked up only when a pattern matches
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for kind, rx in _PATTERNS:
        needs = _NEEDS[kind]
        if (needs is None and not has_digit) or (needs is not None and not words & needs):
            continue
        for m in rx.finditer(sentence):
            s, e = m.span()
            if any(s < te and ts < e for ts, te in taken):
                continue
            if planned_sentence is None:
                planned_sentence = PLANNED_CUES.search(sentence) is not None
            forward = planned_sentence and _looks_ahead(sentence, s)
            try:
                value, k = _resolve(kind, m, published, forward)
            except OverflowError:  # "next Friday" in year 9999: not a day we can name
                value, k = None, "relative"
            planned = False
            if value is not None and published is not None and value > published:
                if planned_sentence:
                    planned = True
                else:
                    value = None  # never in the future unless the text says it is planned
            taken.append((s, e))
            found.append(DateMention(s, e, m.group(), value, k, planned))
    found.sort(key=lambda d: d.start)
    # "next Friday, Sept. 5": a week day right before an explicit date is the same date.
    out: list[DateMention] = []
    for d in found:
        if (
            out
            and d.kind == "explicit"
            and out[-1].kind == "relative"
            and (0 <= d.start - out[-1].end <= 3)
        ):
            out[-1] = d
            continue
        out.append(d)
    return out


_MONTH_WORD = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan\.|Feb\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
_COARSE = re.compile(
    r"\b(?:in|since|during|through|until|by|from|of)\s+(?:early\s+|mid-|late\s+)?"
    + _MONTH_WORD
    + r"(?!\s+\d)"
    r"|\b(?:last|this|earlier this|later this|next)\s+"
    r"(?:month|year|summer|spring|fall|autumn|winter)\b"
    r"|\b(?:in|since)\s+(?:19|20)\d\d\b"
    r"|\b(?:\d+|two|three|four|five|six|seven|eight|nine|ten|a few|several|many)"
    r"\s+(?:months|years)\s+ago\b"
    # relative to another event, not to the story's day: "two days after", "a week later"
    r"|\b(?:\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|a few|several)"
    r"\s+(?:days?|weeks?|hours?)\s+(?:after|before|earlier|later)\b"
)


def has_coarse_time(sentence: str) -> bool:
    """Whether the sentence places something by a time coarser than a day ("in June",
    "last month", "since September", "in 2020", "two years ago") or relative to another
    event ("two days after"): background, whose day a reader cannot infer from the
    story's."""
    return _COARSE.search(sentence) is not None


_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_LATER = re.compile(
    r"\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten)\s+"
    r"(?P<unit>days?|weeks?)\s+later\b"
    r"|\b(?:the\s+)?(?P<next>next|following)\s+day\b",
    re.IGNORECASE,
)


def days_later(sentence: str) -> int | None:
    """Days after the story's last date a sentence places its event: "3 days later" (3),
    "a week later" (7), "the next day" (1); ``None`` when it says no such thing."""
    m = _LATER.search(sentence)
    if m is None:
        return None
    if m.group("next"):
        return 1
    raw = m.group("n").lower()
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    return n * (7 if m.group("unit").lower().startswith("week") else 1)
