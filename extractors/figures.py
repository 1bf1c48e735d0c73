"""Whose figure is it? The subject a number in a sentence is about.

"300 Illinois National Guard troops" and "200 Texas National Guard troops" are two
contingents, not one figure that changed; "more than 1,000 arrests" and "1,500 arrests"
are one count. :func:`figure_subject` reads the proper names that qualify a number in
its sentence: the capitalised words right after it ("300 *Illinois* troops") or in an
"of"/"from" phrase after its noun ("200 members *of the Texas National Guard*"), minus
the words every figure of the fact shares (given by the caller, e.g. the words of the
fact's label: "National Guard troops deployed").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\w.,])\d+(?:\.\d+)?(?![\w.])")
_CAPITALISED_RUN = re.compile(r"\s+((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*)*)")
_OF_PHRASE = re.compile(
    r"^\s+(?:[a-z][\w-]*\s+){0,2}?(?:of|from)\s+(?:the\s+)?"
    r"((?:[A-Z][\w.'’-]*)(?:\s+[A-Z][\w.'’-]*)*)"
)
#: Words that qualify nothing ("About 200 U.S. troops").
_NEUTRAL = frozenset({"u.s.", "us", "american", "federal", "the", "a", "an"})


def _value(token: str) -> float | None:
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


def figure_subject(evidence: str, value: float | None, shared: Iterable[str] = ()) -> str:
    """The names qualifying the number ``value`` in ``evidence``, joined by spaces, or ""
    (unqualified, or the number is not written in digits there)."""
    if value is None or not evidence:
        return ""
    drop = {w.casefold() for words in shared for w in re.findall(r"[\w.'’-]+", words)}
    drop |= _NEUTRAL
    for m in _NUMBER.finditer(evidence):
        if _value(m.group(0)) != value:
            continue
        rest = evidence[m.end() : m.end() + 120]
        names: list[str] = []
        run = _CAPITALISED_RUN.match(rest)
        if run:
            names += run.group(1).split()
        of = _OF_PHRASE.match(rest[run.end() :] if run else rest)
        if of:
            names += of.group(1).split()
        kept = [n.rstrip(".,;:'’") for n in names if n.rstrip(".,;:'’").casefold() not in drop]
        return " ".join(dict.fromkeys(k for k in kept if k))
    return ""
