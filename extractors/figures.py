"""Whose figure is it? The subject a number in a sentence is about.

"300 Illinois National Guard troops" and "200 Texas National Guard troops" are two
contingents, not one figure that changed; "more than 1,000 arrests" and "1,500 arrests"
are one count. :func:`figure_subject` reads the proper names that qualify a number in
its sentence: the capitalised words of the noun phrase after it ("300 *Illinois*
troops", "700 light infantry *Marines*") or of an "of"/"from" phrase after that noun
("200 members *of the Texas National Guard*"), minus
the words every figure of the fact shares (given by the caller, e.g. the words of the
fact's label: "National Guard troops deployed").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})+(?![\d,])|(?<![\w.,])\d+(?:\.\d+)?(?![\w.])")
_TOKEN = re.compile(r"[\w.'’-]+|[^\w\s]")
#: Words that end the noun phrase after a number.
_ENDS_PHRASE = frozenset(
    (
        "of", "from", "in", "at", "to", "on", "for", "with", "and", "or", "since", "after",
        "before", "by", "during", "across", "over", "into", "near", "than", "who", "that",
        "which", "were", "was", "are", "is", "have", "has", "had", "will", "would", "could",
        "said", "says", "this", "last", "each", "per",
    )
)  # fmt: skip
_ARTICLES = frozenset(("the", "a", "an"))
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
        tokens = _TOKEN.findall(evidence[m.end() : m.end() + 160])
        names: list[str] = []
        i = 0
        # The noun phrase after the number, at most five words: "300 Illinois troops",
        # "700 light infantry Marines".
        while i < min(len(tokens), 5) and tokens[i][:1].isalnum():
            if tokens[i].casefold() in _ENDS_PHRASE:
                break
            if tokens[i][:1].isupper():
                names.append(tokens[i])
            i += 1
        # Then "of the Texas National Guard", "from Texas".
        if i < len(tokens) and tokens[i].casefold() in ("of", "from"):
            i += 1
            if i < len(tokens) and tokens[i].casefold() in _ARTICLES:
                i += 1
            while i < len(tokens) and tokens[i][:1].isupper():
                names.append(tokens[i])
                i += 1
        kept = [n.rstrip(".,;:'’") for n in names if n.rstrip(".,;:'’").casefold() not in drop]
        return " ".join(dict.fromkeys(k for k in kept if k))
    return ""
