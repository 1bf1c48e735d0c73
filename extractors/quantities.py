"""Counts that matter in news about enforcement and deployments.

``find_quantities("200 Texas National Guard troops arrived")`` finds value 200, unit
``troops``. A quantity is a number (digits with thousands separators, a decimal, or a
number word, optionally scaled: "1.5 million", "two dozen") followed, within at most four
words, by a unit word of the event rules' ``[units]`` (``extractors/data/event_rules.toml``:
"5,000 arrests", "about 30 days", "at least 13 people"). Words for people are folded into
``people``. Vague amounts ("hundreds of", "thousands of") are not quantities: they
have no value to track. A qualifier ("about", "at least", "more than") is kept in
``qualifier`` so "more than 1,000" is not mistaken for exactly 1,000 downstream.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a hundred": 100, "one hundred": 100, "a dozen": 12,
    "two dozen": 24, "dozen": 12,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

_NUM = (
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"
    r"|(?:a|one|two) dozen|dozen|(?:a|one) hundred|eleven|twelve|thirteen|fourteen|fifteen"
    r"|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty"
    r"|ninety|one|two|three|four|five|six|seven|eight|nine|ten)"
)
_QUAL = (
    r"(?:(?P<qual>about|around|roughly|nearly|almost|approximately|some|at least|more than"
    r"|over|fewer than|less than|up to|as many as|an estimated|at most)\s+)?"
)
_SCALE = r"(?:[\s-]+(?P<scale>hundred|thousand|million|billion))?"
# Up to four words between the number and the unit ("200 Texas National Guard troops",
# "30 additional federal agents"); each is a single token, so matching stays linear.
_GAP = r"(?P<gap>(?:\s+(?!(?:and|or|of|in|at|to|on)\b)[A-Za-z][\w.'’-]*){0,4}?)"
_YEAR = re.compile(r"^(?:19|20)\d\d$")


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float
    unit: str
    qualifier: str | None = None


def _value(num: str, scale: str | None) -> float | None:
    n = num.lower()
    if n in NUMBER_WORDS:
        v: float = float(NUMBER_WORDS[n])
    else:
        try:
            v = float(n.replace(",", ""))
        except ValueError:
            return None
    if scale:
        v *= SCALES[_fold_for_search(scale)]
    return v


class QuantityFinder:
    """Counts with a unit from ``units`` (unit word -> canonical unit, from the event
    rules): "5,000 arrests", and the count after its unit, "arrests had topped 1,000"
    (``passing`` verbs mean "more than"; ``reaching`` verbs give the count as it is)."""

    def __init__(
        self, units: Mapping[str, str], passing: Sequence[str], reaching: Sequence[str]
    ) -> None:
        self.units = dict(units)
        self.passing = frozenset(v.split()[0].lower() for v in passing)
        unit_alt = "|".join(re.escape(u) for u in sorted(self.units, key=len, reverse=True))
        verbs = "|".join(
            r"\s+".join(re.escape(w) for w in v.split())
            for v in sorted((*passing, *reaching), key=len, reverse=True)
        )
        self.verbs = tuple(sorted({v.split()[0].lower() for v in (*passing, *reaching)}))
        self.quantity = re.compile(
            r"(?<![\w.,$])"
            + _QUAL
            + _NUM
            + r"\b"
            + _SCALE
            + _GAP
            + r"\s+(?P<unit>"
            + unit_alt
            + r")\b",
            re.IGNORECASE,
        )
        # The count after its unit: "arrests had topped 1,000", "deportations passed 1.5
        # million", "the number of troops rose to 500".
        self.inverted = re.compile(
            r"\b(?P<unit>" + unit_alt + r")\b"
            r"(?P<gap>(?:\s+(?!(?:and|or|but)\b)[A-Za-z][\w'’-]*){0,4}?)"
            r"\s+(?:had\s+|have\s+|has\s+)?(?P<verb>" + verbs + r")"
            r"\s+" + _QUAL + _NUM + r"\b" + _SCALE + r"(?![\w,])",
            re.IGNORECASE,
        )

    def find(self, sentence: str) -> list[Quantity]:
        """All quantities with a known unit in ``sentence``, in order."""
        # Both patterns need a unit word and a number, the second also a passing verb.
        # Case-insensitive alternations are slow in Python's re (no fast scan for a first
        # character), so first look for the words as plain substrings of the folded
        # sentence: about a tenth of the time, and a sentence without them cannot match
        # (_fold_for_search says why).
        folded = _fold_for_search(sentence)
        if not any(u in folded for u in self.units):
            return []
        if _DIGIT.search(sentence) is None and not any(w in folded for w in _NUMBER_WORDS):
            return []
        return self.all(sentence, any(v in folded for v in self.verbs))

    def all(self, sentence: str, inverted: bool = True) -> list[Quantity]:
        """Both patterns, unconditionally (``inverted=False`` skips the second)."""
        out = [q for m in self.quantity.finditer(sentence) if (q := self._quantity(m, None))]
        if not inverted:
            return out
        taken = [(q.start, q.end) for q in out]
        for m in self.inverted.finditer(sentence):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            verb = m.group("verb").split()[0].lower()
            q = self._quantity(m, "more than" if verb in self.passing else None)
            if q is not None:
                out.append(q)
        return sorted(out, key=lambda q: q.start)

    def _quantity(self, m: re.Match[str], default_qualifier: str | None) -> Quantity | None:
        """The quantity a match of either pattern stands for; None for a bare year ("2025
        arrests" is not a count worth guessing at) or a number that has no value."""
        num, scale = m.group("num"), m.group("scale")
        if _YEAR.match(num) and not scale:
            return None
        value = _value(num, scale)
        if value is None:
            return None
        qual = m.group("qual")
        return Quantity(
            start=m.start(),
            end=m.end(),
            text=m.group(),
            value=value,
            unit=self.units[_fold_for_search(m.group("unit"))],
            qualifier=qual.lower() if qual else default_qualifier,
        )


@lru_cache(maxsize=1)
def default_finder() -> QuantityFinder:
    """The finder for the shipped event rules' units."""
    from extractors.lexicon import load_rules

    r = load_rules()
    return QuantityFinder(r.units, r.passing, r.reaching)


def find_quantities(sentence: str) -> list[Quantity]:
    """All quantities with a unit of the shipped rules in ``sentence``."""
    return default_finder().find(sentence)


#: The words of _NUM without digits: the last word of each number word ("a dozen" ->
#: "dozen", "one hundred" -> "hundred").
_NUMBER_WORDS = tuple(sorted({w.split()[-1] for w in NUMBER_WORDS}))
_DIGIT = re.compile(r"\d")


def _fold_for_search(text: str) -> str:
    """``text`` lower-cased so that an ASCII word a case-insensitive pattern would match
    in it is a plain substring of the result. ``str.lower`` does that for every character
    re.IGNORECASE equates with an ASCII letter except three, mapped first: dotless ı and
    İ (which re takes for i) and long ſ (for s). ``tests/test_quantities.py`` checks
    this over all of Unicode."""
    if "ı" in text or "İ" in text or "ſ" in text:
        text = text.replace("ı", "i").replace("İ", "i").replace("ſ", "s")
    return text.lower()
