"""Proper names an article leads with: the places and people a story may move to.

:func:`lead_names` returns the capitalised names of an article's title and lead
("Kat Abughazaleh", "Franklin Park", "Midway Blitz") that are specific enough to pin a
story down: names made only of common English words ("White House", "Homeland
Security"), single words that are common in English ("Trump", "Monday"), honorifics
and calendar words are left out. The monitor counts them across accepted articles to
learn new anchors (``newsmon/learning.py``); this module only reads text.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Words of the lead read for names (the same lead as relevance's).
LEAD_WORDS = 120
#: A name is specific when one of its words is rarer than this in English (Zipf scale,
#: wordfreq): "Bovino" (1.3) or "Naperville" (2.6) are, "Trump" (4.9) and "House" are not.
SPECIFIC_ZIPF = 3.5
MAX_NAME_WORDS = 4

# A run of capitalised words (with "de", "del", "la", "van" inside, as in "Marina del
# Rey"), not touching other word characters.
_NAME = re.compile(
    r"(?<![\w'’.-])[A-Z][\w’'-]*[a-z][\w’'-]*"
    r"(?:[ ](?:(?:de|del|la|van|von|da|dos)[ ])?[A-Z][\w’'-]*[a-z][\w’'-]*)*"
)
#: Titles and words that precede or make up names without being them.
_NOT_NAMES = frozenset(
    [
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Gov",
        "Sen",
        "Rep",
        "Sgt",
        "Lt",
        "Col",
        "Gen",
        "Capt",
        "Det",
        "Judge",
        "Justice",
        "Mayor",
        "Governor",
        "President",
        "Secretary",
        "Chief",
        "Officer",
        "Agent",
        "Trustee",
        "Alderman",
        "Commissioner",
        "Director",
        "Sheriff",
        "Attorney",
        "Senator",
        "Representative",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Aug",
        "Sept",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
        "The",
        "A",
        "An",
        "And",
        "But",
        "Or",
        "In",
        "On",
        "At",
        "For",
        "From",
        "To",
        "With",
        "By",
        "Of",
        "As",
        "After",
        "Before",
        "During",
        "While",
        "When",
        "Where",
        "What",
        "Who",
        "Why",
        "How",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "He",
        "She",
        "They",
        "We",
        "You",
        "I",
        "His",
        "Her",
        "Their",
        "Our",
        "Its",
        "Updated",
        "Posted",
        "Advertisement",
        "Read",
        "More",
        "Share",
        "Photo",
        "Video",
        "Credit",
        "Courtesy",
        "Ald",
        "District",
        "Circuit",
        "Deputy",
        "Assistant",
        "Acting",
        "Former",
        "Interim",
        "Defense",
        "State",
        "Federal",
        "Staff",
        "Writer",
        "Reporter",
        "Editor",
        "Associated",
        "Press",
        "Reuters",
    ]
)


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word.lower(), "en"))


def _specific(words: list[str]) -> bool:
    return any(len(w) > 2 and _zipf(w.strip("'’-")) < SPECIFIC_ZIPF for w in words)


def _starts_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip(" \t\"“‘'")
    return not before or before[-1] in ".!?:\n"


def _title_case(title: str) -> bool:
    words = [w for w in title.split() if w[:1].isalpha() and len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words)


def lead_names(text: str, title: str | None = None) -> tuple[str, ...]:
    """The specific proper names of ``title`` and the lead of ``text``, each once, in
    the order found. Possessives are dropped ("Bovino's" -> "Bovino")."""
    lead = " ".join(text.split()[:LEAD_WORDS])
    found: dict[str, None] = {}
    # A Title Case Headline capitalises every word: its runs are not names.
    heading = "" if _title_case(title or "") else title or ""
    for part in (heading, lead):
        for m in _NAME.finditer(part):
            words = [re.sub(r"['’]s?$", "", w) for w in m.group(0).split(" ")]
            while words and words[0] in _NOT_NAMES:
                words = words[1:]
            while words and words[-1] in _NOT_NAMES:
                words = words[:-1]
            if not words or len(words) > MAX_NAME_WORDS or not _specific(words):
                continue
            if len(words) == 1 and _starts_sentence(part, m.start()):
                continue  # "Detainees said ...": any word is capitalised there
            found.setdefault(" ".join(words))
    return tuple(found)
