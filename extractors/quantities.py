"""Counts that matter in news about enforcement and deployments.

``find_quantities("200 Texas National Guard troops arrived")`` finds value 200, unit
``troops``. A quantity is a number (digits with thousands separators, a decimal, or a
number word, optionally scaled: "1.5 million", "two dozen") followed, within at most four
words, by a unit from :data:`UNITS` ("5,000 arrests", "about 30 days", "at least 13
people", "300 members of the Illinois National Guard"). Words for people are folded
into ``people``. Vague amounts ("hundreds of", "thousands of") are not quantities: they
have no value to track. A qualifier ("about", "at least", "more than") is kept in
``qualifier`` so "more than 1,000" is not mistaken for exactly 1,000 downstream.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a hundred": 100, "one hundred": 100, "a dozen": 12,
    "two dozen": 24, "dozen": 12,
}  # fmt: skip
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}

#: Unit word (singular or plural) -> canonical unit.
UNITS: dict[str, str] = {}
for _canon, _words in {
    "arrests": "arrest arrests deportations deportation removals detentions apprehensions",
    "people": (
        "people persons person men women man woman individuals residents immigrants migrants"
        " detainees protesters demonstrators children noncitizens"
    ),
    "troops": "troops troop soldiers guardsmen marines servicemembers service members",
    "members": "members member",
    "agents": "agents agent officers officer personnel",
    "days": "days day",
    "weeks": "weeks week",
    "months": "months month",
    "vehicles": "vehicles vehicle",
    "dollars": "dollars",
}.items():
    for _w in _words.split():
        UNITS[_w] = _canon

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
_UNIT = r"\s+(?P<unit>" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")\b"
_QUANTITY = re.compile(
    r"(?<![\w.,$])" + _QUAL + _NUM + r"\b" + _SCALE + _GAP + _UNIT, re.IGNORECASE
)
_YEAR = re.compile(r"^(?:19|20)\d\d$")
# The count after its unit: "arrests had topped 1,000", "deportations passed 1.5 million",
# "the number of troops rose to 500". Passing verbs mean "more than".
_PASSING = {"topped", "passed", "surpassed", "exceeded", "crossed"}
_INVERTED = re.compile(
    r"\b(?P<unit>" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")\b"
    r"(?P<gap>(?:\s+(?!(?:and|or|but)\b)[A-Za-z][\w'’-]*){0,4}?)"
    r"\s+(?:had\s+|have\s+|has\s+)?(?P<verb>topped|passed|surpassed|exceeded|crossed|reached"
    r"|climbed\s+to|rose\s+to|grew\s+to|hit|stood\s+at|totaled|totalled)"
    r"\s+" + _QUAL + _NUM + r"\b" + _SCALE + r"(?![\w,])",
    re.IGNORECASE,
)


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


def find_quantities(sentence: str) -> list[Quantity]:
    """All quantities with a known unit in ``sentence``, in order: "5,000 arrests" and
    the count after its unit, "arrests had topped 1,000" (then qualified "more than")."""
    # Both patterns need a unit word and a number, the second also a passing verb.
    # Case-insensitive alternations are slow in Python's re (no fast scan for a first
    # character), so first look for the words as plain substrings of the folded
    # sentence: about a tenth of the time, and a sentence without them cannot match
    # (_fold_for_search says why).
    folded = _fold_for_search(sentence)
    if not any(u in folded for u in UNITS):
        return []
    if _DIGIT.search(sentence) is None and not any(w in folded for w in _NUMBER_WORDS):
        return []
    return _quantities(sentence, any(v in folded for v in _INVERTED_VERBS))


def _quantities(sentence: str, inverted: bool = True) -> list[Quantity]:
    """Both patterns, unconditionally (``inverted=False`` skips the second)."""
    out = [q for m in _QUANTITY.finditer(sentence) if (q := _quantity(m, None)) is not None]
    if not inverted:
        return out
    taken = [(q.start, q.end) for q in out]
    for m in _INVERTED.finditer(sentence):
        if any(m.start() < e and s < m.end() for s, e in taken):
            continue
        verb = m.group("verb").split()[0].lower()
        q = _quantity(m, "more than" if verb in _PASSING else None)
        if q is not None:
            out.append(q)
    return sorted(out, key=lambda q: q.start)


def _quantity(m: re.Match[str], default_qualifier: str | None) -> Quantity | None:
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
        unit=UNITS[_fold_for_search(m.group("unit"))],
        qualifier=qual.lower() if qual else default_qualifier,
    )


#: The first word of each of _INVERTED's verbs.
_INVERTED_VERBS = (
    "topped",
    "passed",
    "surpassed",
    "exceeded",
    "crossed",
    "reached",
    "climbed",
    "rose",
    "grew",
    "hit",
    "stood",
    "totaled",
    "totalled",
)
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
