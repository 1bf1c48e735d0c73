"""Sentence spans for article text, in linear time.

The event extractor needs the exact sentence that says something happened, with
character offsets into the article text (``text[start:end] == sentence``). This splitter
is deliberately simple and fast: lines are units of their own (headlines, captions and
list items rarely end with a full stop), and within a line a sentence ends at ``.``,
``!`` or ``?`` (plus closing quotes or brackets) followed by white space and an upper-case
letter, a digit or an opening quote -- unless the full stop ends a known abbreviation
("Gov.", "Sept.", "U.S.") or the break would fall inside an open double quote (so a
quoted passage of several sentences stays with its attribution, as in
``"... me. So, it's clear ...," Pritzker said Sunday.``).

Every regex here is free of nested quantifiers, so a 200,000-word text costs time in
proportion to its length; callers cap the number of sentences they look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

#: Abbreviations after which a full stop does not end a sentence (lower-cased, no dot).
ABBREVIATIONS = frozenset(
    [
        "gov",
        "sen",
        "rep",
        "reps",
        "ald",
        "mr",
        "mrs",
        "ms",
        "dr",
        "st",
        "jr",
        "sr",
        "rev",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "maj",
        "supt",
        "no",
        "nos",
        "vs",
        "v",
        "etc",
        "inc",
        "co",
        "corp",
        "ltd",
        "dept",
        "est",
        "approx",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "mon",
        "tue",
        "tues",
        "wed",
        "thu",
        "thurs",
        "fri",
        "sat",
        "sun",
        "u.s",
        "u.k",
        "d.c",
        "a.m",
        "p.m",
        "l.a",
        "u.n",
        "e.g",
        "i.e",
    ]
)

#: Longest sentence (in characters) kept whole; longer runs are cut at this length so a
#: page of markup without full stops cannot make one enormous "sentence".
MAX_SENTENCE_CHARS = 2_000

#: A quote left open for longer than this (a stray quote mark) stops holding sentences
#: together.
MAX_QUOTED_RUN = 600

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9À-Ý])")
_ATTRIBUTION = re.compile(
    r"\s+[A-Z][^.!?“”\"]{0,60}?\b(?:said|says|posted|wrote|added|told|asked|continued|tweeted)\b"
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_LINE = re.compile(r"[^\n]+")
_INITIALS = re.compile(r"(?:[A-Z]\.){1,3}[A-Z]")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


def _is_abbreviation(line: str, dot: int) -> bool:
    """True when the full stop at ``line[dot]`` ends an abbreviation or an initial."""
    m = _WORD_BEFORE.search(line, max(0, dot - 12), dot)
    if not m:
        return False
    word = m.group(1).lower().rstrip(".")
    if word in ABBREVIATIONS:
        return True
    # A single capital letter is an initial ("J. B. Pritzker", "Robert F. Kennedy"), and
    # so are initials run together ("J.B. Pritzker").
    return (len(m.group(1)) == 1 and m.group(1).isupper()) or (
        _INITIALS.fullmatch(m.group(1)) is not None
    )


def _quote_open(counts: list[int]) -> bool:
    opened, closed, straight = counts
    return opened > closed or straight % 2 == 1


def _split_line(line: str, offset: int) -> Iterator[tuple[int, int]]:
    start = 0
    counts = [0, 0, 0]  # “ ” "
    scanned = 0
    for m in _BOUNDARY.finditer(line):
        end = m.end()
        seg = line[scanned:end]
        counts[0] += seg.count("“")
        counts[1] += seg.count("”")
        counts[2] += seg.count('"')
        scanned = end
        if line[m.start()] == "." and _is_abbreviation(line, m.start()):
            continue
        if _quote_open(counts) and end - start < MAX_QUOTED_RUN:
            continue
        if line[end - 1] in '"”' and _ATTRIBUTION.match(line, end):
            continue  # “... coming!” Trump posted on Truth Social.
        yield offset + start, offset + end
        start = end
        counts = [0, 0, 0]
    yield offset + start, offset + len(line)


def iter_sentences(text: str, *, max_sentences: int | None = None) -> Iterator[Sentence]:
    """Yield the sentences of ``text`` with offsets, stripped of surrounding white space."""
    n = 0
    for lm in _LINE.finditer(text):
        for s, e in _split_line(lm.group(), lm.start()):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            while e - s > MAX_SENTENCE_CHARS:
                cut = s + MAX_SENTENCE_CHARS
                yield Sentence(s, cut, text[s:cut])
                n += 1
                if max_sentences is not None and n >= max_sentences:
                    return
                s = cut
            if e > s:
                yield Sentence(s, e, text[s:e])
                n += 1
                if max_sentences is not None and n >= max_sentences:
                    return


def split_sentences(text: str, *, max_sentences: int | None = None) -> list[Sentence]:
    return list(iter_sentences(text, max_sentences=max_sentences))
