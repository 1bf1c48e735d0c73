"""Events from article text: who did what, to whom, where and when -- with the sentence.

A rule-based extractor, chosen for precision, traceability and speed (see
``docs/events.md`` for the design, its figures and its known weaknesses). For each
sentence it finds

1. *mentions*: actors and places from the topic profile's dictionaries (canonical name
   plus aliases), people introduced by a title or role that the profile does not know
   ("Chicago Alderman Byron Sigcho-Lopez", "U.S. District Judge X", "DHS spokeswoman Y",
   "Kelly Hayes, co-host of ..."), and later bare surnames of those people;
2. *triggers*: words that signal an event type of the taxonomy (``signed an executive
   order``, ``arrested``, ``deployed``, ``ruled``, ``said`` ...), ignoring anything inside
   quotation marks for every type but ``STATEMENT``;
3. the event's *actor* (the subject mention right before the trigger, or ``by X`` after
   it), *target* (the first actor after it), *location* (the nearest place), *date*
   (:mod:`extractors.dates`, the expression nearest the trigger) and *quantity*
   (:mod:`extractors.quantities`, a unit that fits the type).

An event is kept only when it is anchored -- it has an actor, a date or a quantity, plus
whatever its type needs (a judge for a ruling, an agent for a use of force). Within one
article, repeated mentions of one real event (same type and actor, compatible dates;
quotes by one speaker a few sentences apart) are merged into one event, whose other
sentences are listed in ``extra["mentions"]``: one event reported once, one row.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from extractors.dates import DateMention, find_dates, parse_published
from extractors.quantities import Quantity, find_quantities
from extractors.records import Event
from extractors.sentences import Sentence, iter_sentences
from newsmon.profile import TopicProfile

LOGGER = logging.getLogger(__name__)

EXTRACTOR_VERSION = "rules-1"

#: Bounds that keep a pathological text (200,000 words of it) cheap: only the first
#: ``MAX_SENTENCES`` sentences are read and at most ``MAX_EVENTS`` events returned.
MAX_SENTENCES = 4_000
MAX_EVENTS = 300
#: Sentences shorter than this many characters carry no event ("Read more.").
MIN_SENTENCE_CHARS = 20

# --------------------------------------------------------------------------- mentions


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    canonical: str
    kind: str  # actor | person | place
    weak: bool = False  # a lower-case generic alias such as "the city"
    role: str | None = None


_TITLE_WORDS = (
    r"(?:U\.S\. District Judge|District Judge|Chief Judge|Magistrate Judge|Judge|Justice"
    r"|Lt\. Gov\.|Gov\.|Governor|Sen\.|Senator|Rep\.|Representative|Congressman|Congresswoman"
    r"|Ald\.|Alderman|Alderwoman|Alderperson|Mayor|Attorney General|Secretary|Commissioner"
    r"|Superintendent|Sheriff|Chief|chief|Director|director|President|Vice President"
    r"|the Rev\.|Rev\.|Pastor|Father|Sister|Dr\.|spokeswoman|spokesman|spokesperson"
    r"|press secretary|resident|activist|organizer|attorney|lawyer|councilmember"
    r"|Council member|czar|commander|Commander|Cmdr\.|Capt\.|Lt\.|Sgt\.|Officer|officer)"
)
_CAP = r"[A-ZÀ-Ý][\w’'\-]*"
_NAME = _CAP + r"(?:\s+[A-Z]\.)?(?:\s+" + _CAP + r"){1,2}"
_TITLED = re.compile(
    r"(?P<pre>(?:(?:U\.S\.|[A-Z][\w.’'\-]*)\s+){0,3})"
    + r"(?P<title>"
    + _TITLE_WORDS
    + r")\s+(?P<name>"
    + _NAME
    + r")"
)
#: Where a title can be (what _TITLED needs at its title, without the words before it).
_TITLE_ANCHOR = re.compile(_TITLE_WORDS + r"\s+[A-ZÀ-Ý]")
#: _TITLED allows this many words before the title.
_TITLE_PRE_WORDS = 3


def _back_words(s: str, pos: int, words: int, floor: int) -> int:
    """The start of the ``words``-th whitespace-separated word that ends before ``pos``
    (a word cut by ``pos`` counts as one), not before ``floor``."""
    i = pos
    for _ in range(words):
        while i > floor and s[i - 1].isspace():
            i -= 1
        while i > floor and not s[i - 1].isspace():
            i -= 1
    return i


def _anchored_finditer(
    rx: re.Pattern[str], anchor: re.Pattern[str], s: str, words: int
) -> Iterable[re.Match[str]]:
    """The matches of ``rx.finditer(s)``, found faster.

    For a pattern of at most ``words`` words (``\\S+\\s+``) followed by a part that
    ``anchor`` finds: a match can only start a few words before the next place where
    ``anchor`` matches, so the costly pattern is tried from there instead of at every
    position of the sentence. Same matches, same order (benchmarks/equivalence.py checks).
    """
    pos, n = 0, len(s)
    while pos <= n:
        a = anchor.search(s, pos)
        if a is None:
            return
        m = rx.search(s, _back_words(s, a.start(), words, pos))
        if m is None:
            return
        yield m
        pos = m.end() if m.end() > m.start() else m.end() + 1


#: Capitalised words that start sentences or phrases but are not names.
_NOT_NAMES = frozenset(
    [
        "In",
        "On",
        "At",
        "The",
        "This",
        "That",
        "Last",
        "Next",
        "By",
        "For",
        "From",
        "After",
        "Before",
        "Since",
        "During",
        "Meanwhile",
        "But",
        "And",
        "As",
        "When",
        "While",
        "If",
        "Today",
        "Yesterday",
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
        "Separately",
        "However",
        "Instead",
        "Also",
        "Still",
        "Now",
        "Then",
        "Later",
        "Earlier",
    ]
)
_APPOSITIVE = re.compile(
    r"(?:^|(?<=[.;]\s)|(?<=[“\"]))(?P<name>"
    + _CAP
    + r"\s+"
    + _CAP
    + r"),\s+(?:a|an|the|who|co-host|"
    r"host|founder|director|president|chair|executive|professor|spokes\w+)\b"
)
_CAP_WORD = re.compile(_CAP)
_POSSESSED_PERSON = re.compile(
    r"[’']s\s+(?:\w+\s+)?(?:mayor|governor|president|office|officials?|police|agencies|attorneys?"
    r"|spokes\w+|leaders?|lawyers?|council)\b"
)
#: "White House-ordered": the name modifies a noun, it does not act.
_MODIFIER = re.compile(r"-[a-z]")
#: Organisations the profile does not know, by the shape of their name.
_ORG_HEAD_WORDS = (
    r"(?:Department|Agency|Council|Caucus|Commission|Bureau"
    r"|Office|Police|Union|Coalition|Network|Alliance|Committee|Command|Sheriff’s Office|Club"
    r"|Association|Institute|Foundation|Center|Project|Society|Organization)"
)
_ORG = re.compile(
    r"\b(?P<name>(?:[A-Z][\w.’'\-]*\s+){1,4}"
    + _ORG_HEAD_WORDS
    + r"(?:\s+(?:for|of|on)(?:\s+(?:and\s+)?[A-Z][\w’'\-]*){1,4})?)\b"
)
_ORG_ANCHOR = re.compile(_ORG_HEAD_WORDS)
#: _ORG allows this many words before its head noun.
_ORG_PRE_WORDS = 4
#: A capitalised word right after a dictionary name makes it part of a longer name
#: ("Illinois State Police" is not the State of Illinois) -- unless it is a day or month.
_NAME_CONTINUES = re.compile(
    r" (?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March"
    r"|April|May|June|July|August|September|October|November|December|Jan|Feb|Aug|Sept|Oct"
    r"|Nov|Dec)\b)[A-Z][a-z]"
)
_PREPOSITION_BEFORE = re.compile(
    r"\b(?:in|into|to|across|throughout|at|from|outside|near|of|for|around|toward|towards"
    r"|within|over|against|on|about|by|beyond)\s+(?:the\s+)?$",
    re.IGNORECASE,
)

_ENGLISH = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "of",
        "to",
        "in",
        "is",
        "was",
        "that",
        "for",
        "on",
        "with",
        "said",
        "as",
        "by",
        "at",
        "from",
        "it",
        "he",
        "she",
        "they",
        "has",
        "have",
        "were",
        "be",
        "are",
        "this",
        "not",
        "but",
        "his",
        "her",
        "their",
        "will",
        "would",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class _Lexicon:
    actor_rx: re.Pattern[str] | None
    place_rx: re.Pattern[str] | None
    actor_of: dict[str, tuple[str, str, str | None]]  # alias -> (canonical, kind, role)
    place_of: dict[str, str]


def _alias_alternation(aliases: Iterable[str]) -> re.Pattern[str] | None:
    """The aliases as one alternation, longest first: at each position the longest alias
    that matches there as a whole word. The reference :func:`_alias_pattern` must equal
    (``tests/test_events.py`` and ``benchmarks/equivalence.py`` compare them)."""
    alts: list[str] = []
    for a in sorted(set(aliases), key=len, reverse=True):
        esc = re.escape(a)
        if a[:1].islower():
            # "the city" also matches at a sentence start ("The city ...").
            esc = "[" + re.escape(a[0]) + re.escape(a[0].upper()) + "]" + re.escape(a[1:])
        alts.append(esc)
    if not alts:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(alts) + r")(?![\w])")


def _alias_pattern(aliases: Iterable[str]) -> re.Pattern[str] | None:
    """:func:`_alias_alternation` as a trie ("U(?:\\.S\\.|nited States)" rather than one
    branch per alias): the same matches, about four times faster, because the regex
    engine follows one path per position instead of trying each alias in turn.

    Why it is the same: every trie branch starts with a different literal character, so
    at a position at most one path can match; the optional groups are greedy, so the
    engine tries the longest alias on that path first and backs off to shorter ones
    when the closing ``(?![\\w])`` fails -- exactly the first success of the
    longest-first alternation."""
    words: set[str] = set()
    for a in aliases:
        if not a:
            continue
        words.add(a)
        if a[:1].islower():
            words.add(a[0].upper() + a[1:])
    if not words:
        return None
    trie: dict[str, dict] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, dict]) -> str:
        branches = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    # The pattern starts with the first characters themselves (not with the lookbehind),
    # so that the regex engine skips in C to the positions where an alias can begin; the
    # "no word character before" test follows the first character: (?<!\\w.).
    top = [re.escape(ch) + r"(?<!\w.)" + emit(child) for ch, child in sorted(trie.items())]
    return re.compile("(?:" + "|".join(top) + r")(?![\w])")


_LEXICONS: dict[tuple[object, ...], _Lexicon] = {}


def _lexicon(profile: TopicProfile) -> _Lexicon:
    """The profile's actor and place dictionaries as two regexes, built once per profile."""
    key = (profile.id, str(profile.path), profile.actors, profile.places)
    lex = _LEXICONS.get(key)
    if lex is not None:
        return lex
    actor_of: dict[str, tuple[str, str, str | None]] = {}
    for a in profile.actors:
        for alias in (a.name, *a.aliases):
            actor_of.setdefault(alias, (a.name, a.kind, a.role))
    place_of: dict[str, str] = {}
    for p in profile.places:
        for alias in (p.name, *p.aliases):
            place_of.setdefault(alias, p.name)
    lex = _Lexicon(_alias_pattern(actor_of), _alias_pattern(place_of), actor_of, place_of)
    if len(_LEXICONS) > 32:
        _LEXICONS.clear()
    _LEXICONS[key] = lex
    return lex


def _lookup_actor(lex: _Lexicon, text: str) -> tuple[str, str, str | None] | None:
    hit = lex.actor_of.get(text)
    if hit is None and text[:1].isupper() and text[1:2].islower():
        hit = lex.actor_of.get(text[0].lower() + text[1:])
    return hit


_OPEN_QUOTE = re.compile('[“"‘]')
_CLOSE_FOR = {"“": "”", '"': '"', "‘": "’"}
_CLOSING_ONLY = re.compile(r"^[^“‘\"]*?[,.!?]([”’])(?=\s|$)")


def _quoted_spans(s: str) -> list[tuple[int, int]]:
    """Spans of quoted passages: “...”, "..." and ‘...’ (a ’ followed by a letter is an
    apostrophe, not a closing quote). A quote that a sentence break cut in two is still a
    quote: a sentence that closes a quote it never opened is quoted up to that mark, and
    one that opens a quote it never closes is quoted to its end."""
    spans: list[tuple[int, int]] = []
    i, n = 0, len(s)
    head = _CLOSING_ONLY.match(s)
    if head is not None:
        spans.append((0, head.end()))
        i = head.end()
    while i < n:
        om = _OPEN_QUOTE.search(s, i)
        if om is None:
            break
        i = om.start()
        c = s[i]
        close = _CLOSE_FOR[c]
        j = s.find(close, i + 1)
        while j >= 0 and close == "’" and j + 1 < n and s[j + 1].isalpha():
            j = s.find(close, j + 1)
        if j < 0:
            j = n
            if c != "‘" or i == 0:
                spans.append((i, n))  # a quote that continues into the next sentence
            break
        spans.append((i, j + 1))
        i = j + 1
    return spans


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


class _People:
    """People introduced with a title in this article, so that "Hayes wrote" later
    resolves to Kelly Hayes. Per article, never shared."""

    def __init__(self) -> None:
        self.by_surname: dict[str, tuple[str, str | None]] = {}

    def add(self, name: str, role: str | None) -> None:
        surname = name.split()[-1]
        self.by_surname.setdefault(surname, (name, role))


def _titled(s: str) -> Iterable[re.Match[str]]:
    """``_TITLED.finditer(s)``: titled names ("U.S. District Judge April Perry")."""
    return _anchored_finditer(_TITLED, _TITLE_ANCHOR, s, _TITLE_PRE_WORDS)


def _register_people(s: str, lex: _Lexicon, people: _People, wset: set[str]) -> None:
    if ", " not in s and not wset & _TITLE_HEADS:
        return
    for m in _APPOSITIVE.finditer(s):
        name = m.group("name")
        if not any(w in _NOT_NAMES for w in name.split()) and _lookup_actor(lex, name) is None:
            people.add(name, None)
    for m in _titled(s) if wset & _TITLE_HEADS else ():
        name = m.group("name").removesuffix("’s").removesuffix("'s")
        if _lookup_actor(lex, name) is None and _lookup_actor(lex, name.split()[-1]) is None:
            people.add(name, (m.group("pre") + m.group("title")).strip())


def _find_mentions(
    s: str, lex: _Lexicon, people: _People, quotes: Sequence[tuple[int, int]], wset: set[str]
) -> list[Mention]:
    cands: list[Mention] = []
    for m in _titled(s) if wset & _TITLE_HEADS else ():
        name = m.group("name")
        end = m.end()
        for poss in ("’s", "'s"):
            if name.endswith(poss):
                name, end = name[: -len(poss)], end - len(poss)
        title = (m.group("pre") + m.group("title")).strip()
        start = m.start() if m.group("pre") else m.start("title")
        hit = _lookup_actor(lex, name) or _lookup_actor(lex, name.split()[-1])
        if hit is not None and hit[1] == "person":
            canonical, role = hit[0], hit[2] or title
        elif hit is not None and hit[1] != "person" and _lookup_actor(lex, name) is not None:
            canonical, role = hit[0], hit[2]
        else:
            canonical, role = name, title
            people.add(name, title)
        cands.append(Mention(start, end, s[start:end], canonical, "person", False, role))
    for m in _APPOSITIVE.finditer(s) if ", " in s else ():
        name = m.group("name")
        if any(w in _NOT_NAMES for w in name.split()):
            continue
        hit = _lookup_actor(lex, name)
        if hit is None:
            people.add(name, None)
            cands.append(Mention(m.start("name"), m.end("name"), name, name, "person"))
    if lex.actor_rx is not None:
        for m in lex.actor_rx.finditer(s):
            hit = _lookup_actor(lex, m.group())
            if hit is None or _NAME_CONTINUES.match(s, m.end()) or _MODIFIER.match(s, m.end()):
                continue
            weak = m.group()[:1].islower() or m.group().split()[0] in ("The", "the")
            if weak and _POSSESSED_PERSON.match(s, m.end()):
                continue  # "the city’s mayor": a person of the city, not the city itself
            cands.append(
                Mention(
                    m.start(),
                    m.end(),
                    m.group(),
                    hit[0],
                    "actor",
                    weak and hit[1] != "person",
                    hit[2],
                )
            )
    if lex.place_rx is not None:
        for m in lex.place_rx.finditer(s):
            place = lex.place_of.get(m.group()) or lex.place_of.get(
                m.group()[0].lower() + m.group()[1:]
            )
            if place is None or _NAME_CONTINUES.match(s, m.end()):
                continue
            cands.append(Mention(m.start(), m.end(), m.group(), place, "place"))
    for m in _anchored_finditer(_ORG, _ORG_ANCHOR, s, _ORG_PRE_WORDS) if wset & _ORG_HEADS else ():
        name = m.group("name")
        if (
            s.startswith(" of ", m.end())
            or len(name.split()) < 2
            or name.split()[0] == "The"
            and len(name.split()) < 3
        ):
            continue
        for article in ("The ", "A ", "An "):
            if name.startswith(article):
                name = name[len(article) :]
        for poss in ("’s ", "'s "):
            if poss in name:
                name = name.rsplit(poss, 1)[1]
        hit = _lookup_actor(lex, name)
        # Ranked after dictionary matches of the same span (see the sort below).
        if hit is not None:
            cands.append(
                Mention(m.start("name"), m.end(), m.group("name"), hit[0], "actor", False, hit[2])
            )
        else:
            cands.append(Mention(m.start("name"), m.end(), m.group("name"), name, "org"))
    for surname, known in people.by_surname.items():
        if surname.lower() not in wset:
            continue
        for m in re.finditer(r"\b" + re.escape(surname) + r"\b", s):
            cands.append(
                Mention(m.start(), m.end(), m.group(), known[0], "person", False, known[1])
            )
    # Longest match wins; a place and an actor alias on the same words ("Illinois") is a
    # place after a preposition ("troops to Illinois") and an actor otherwise.
    rank = {"place": 0, "actor": 1, "person": 2, "org": 3}
    cands.sort(key=lambda c: (c.start, -(c.end - c.start), rank[c.kind]))
    chosen: list[Mention] = []
    last_end = -1
    for i, c in enumerate(cands):
        if c.start < last_end:
            continue
        if quotes and _inside(c.start, quotes):
            continue
        # Candidates on the same span sit next to each other after the sort.
        same = []
        j = i + 1
        while j < len(cands) and cands[j].start == c.start and cands[j].end == c.end:
            same.append(cands[j])
            j += 1
        if same:
            after_prep = _PREPOSITION_BEFORE.search(s, max(0, c.start - 14), c.start) is not None
            as_place = next((d for d in (c, *same) if d.kind == "place"), None)
            as_actor = next((d for d in (c, *same) if d.kind != "place"), None)
            c = (as_place if after_prep else as_actor) or c
        chosen.append(c)
        last_end = c.end
    return chosen


# --------------------------------------------------------------------------- triggers

_SPEECH = (
    r"said|says|told|tells|stated|wrote|writes|posted|posts|added|argued|announced|claimed|warned"
    r"|vowed|tweeted|called|accused|criticized|criticised|condemned|slammed|railed|blasted"
    r"|praised|insisted|noted|declared|urged|denied|acknowledged|scoffed|touted|suggested"
    r"|pointed to|speaking|speaks|spoke|testified|continued|contended|countered|responded"
    r"|made clear|maintained|confirmed|defended|disputed|signaled|signalled|indicated"
)
# Not "so-called", not "well-said".
_SPEECH_RX = re.compile(r"(?<![\w-])(?:" + _SPEECH + r")\b")
_WHAT_BEFORE = re.compile(r"\bwhat (?:he|she|it|they|officials|the \w+) $")
_SPEECH_BEFORE = re.compile(r"\b(?:" + _SPEECH + r")\s+(?:on\s+)?$")
_TARGET_SPEECH = frozenset(
    [
        "railed",
        "accused",
        "criticized",
        "criticised",
        "condemned",
        "slammed",
        "blasted",
        "called",
        "scoffed",
        "told",
        "warned",
    ]
)
_CONFERENCE = re.compile(
    r"\b(?:news conference|press conference|rally|speech|speaks|speaking at)\b"
)

_FORCES = re.compile(
    r"\b(?:troops|Guard|guard|soldiers|Marines|agents|officers|personnel|forces|units|members"
    r"|guardsmen|military|strike team|Border Patrol|ICE)\b"
)
_AGENTS = re.compile(
    r"\b(?:agents?|officers?|troops|police|Guard|Border Patrol|ICE|CBP|deputies|soldiers|Marines)\b"
)
_JUDICIAL = re.compile(r"\b(?:[Jj]udges?|[Cc]ourt|[Jj]ustices?|Circuit)\b")
_OPERATION = re.compile(r"\b(?:operation|surge|crackdown|blitz|Blitz)\b")
#: People who make statements, orders and laws but do not arrest anyone or use force.
_CIVILIAN_ROLE = re.compile(
    r"Ald\.|Alder|Mayor|Rep\.|Representative|Sen\.|Senator|resident|activist|Rev\.|Pastor"
    r"|spokes|Judge|attorney|lawyer|Gov\.|Governor|organizer|Attorney General|Council",
    re.IGNORECASE,
)

TRIGGERS: dict[str, re.Pattern[str]] = {
    "COURT_RULING": re.compile(
        r"\b(?:ruled|rules|ruling that|issued a ruling|temporarily blocked|blocked|dismissed"
        r"|struck down|halted|enjoined|granted|denied|ordered|restraining order|injunction)\b"
    ),
    "LAWSUIT": re.compile(r"\b(?:sued|sues|suing|lawsuit|filed suit|filed a complaint)\b"),
    "EXECUTIVE_ORDER": re.compile(
        r"\b(?:executive order|signed an order|signing an order|issued an order|imposed a curfew"
        r"|declared a state of emergency|emergency declaration)\b"
    ),
    "LEGISLATION": re.compile(
        r"\b(?:(?:introduced|passed|approved|signed|advanced|unveiled)\s+(?:an?|the)\s+"
        r"(?:\w+\s+)?(?:ordinance|bill|law|resolution|legislation))\b"
    ),
    "DEPLOY": re.compile(
        r"\b(?:deployed|deploying|deploys|sent in|sent|dispatched|arrived|arriving|federalized"
        r"|federalization|mobilized|launched|surged|stationed|ordered|authorized)\b"
    ),
    "ARREST_RAID": re.compile(
        r"\b(?:arrested|arresting|arrests|detained|detaining|raided|raids|raid|rounded up"
        r"|apprehended|taken into custody|kicked off a [\w\s-]{0,30}crackdown)\b"
    ),
    "USE_OF_FORCE": re.compile(
        r"\b(?:fatally shot|shot|shooting|fired (?:tear gas|pepper|rubber|shots|on|at)|tear gas"
        r"|tear-gassed|pepper(?:\s|-)balls?|pepper spray|pepper-sprayed|tased|tackled|beat"
        r"|used force)\b"
    ),
    "PROTEST": re.compile(
        r"\b(?:protested|protesting"
        r"|protesters (?:gathered|marched|rallied|blocked|chanted|assembled)"
        r"|took to the streets|rallied|marched|demonstrations?|a rally|held a rally|vigil"
        r"|(?:gathered|rallied|marched|assembled) to protest)\b"
    ),
    "ANNOUNCE_PLAN": re.compile(
        r"\b(?:plans? to|planning to|(?:is|are|was|were) preparing to|expected to (?:kick off|begin"
        r"|start|last|arrive|lead|launch)|is set to|are set to|will (?:host|send|deploy|take over"
        r"|begin|launch|hold|sign|file)|floated sending|announced plans?"
        r"|asked [\w\s]{0,30}? for use of|scheduled)\b"
    ),
}
#: One pass that tells whether a sentence can hold any event at all.
#: The words that can start each trigger: a sentence none of whose words is here cannot
#: match that type's regex, so the regex is not run (a set lookup is far cheaper than a
#: scan with a long alternation, and most sentences hold no event).
TRIGGER_HEADS: dict[str, frozenset[str]] = {
    "COURT_RULING": frozenset(
        [
            "ruled",
            "rules",
            "ruling",
            "issued",
            "temporarily",
            "blocked",
            "dismissed",
            "struck",
            "halted",
            "enjoined",
            "granted",
            "denied",
            "ordered",
            "restraining",
            "injunction",
        ]
    ),
    "LAWSUIT": frozenset(["sued", "sues", "suing", "lawsuit", "filed"]),
    "EXECUTIVE_ORDER": frozenset(
        ["executive", "signed", "signing", "issued", "imposed", "declared", "emergency"]
    ),
    "LEGISLATION": frozenset(
        ["introduced", "passed", "approved", "signed", "advanced", "unveiled"]
    ),
    "DEPLOY": frozenset(
        [
            "deployed",
            "deploying",
            "deploys",
            "sent",
            "dispatched",
            "arrived",
            "arriving",
            "federalized",
            "federalization",
            "mobilized",
            "launched",
            "surged",
            "stationed",
            "ordered",
            "authorized",
        ]
    ),
    "ARREST_RAID": frozenset(
        [
            "arrested",
            "arresting",
            "arrests",
            "detained",
            "detaining",
            "raided",
            "raids",
            "raid",
            "rounded",
            "apprehended",
            "taken",
            "kicked",
        ]
    ),
    "USE_OF_FORCE": frozenset(
        [
            "fatally",
            "shot",
            "shooting",
            "fired",
            "tear",
            "pepper",
            "tased",
            "tackled",
            "beat",
            "used",
        ]
    ),
    "PROTEST": frozenset(
        [
            "protested",
            "protesting",
            "protesters",
            "took",
            "rallied",
            "marched",
            "demonstration",
            "demonstrations",
            "rally",
            "held",
            "vigil",
            "gathered",
            "assembled",
        ]
    ),
    "ANNOUNCE_PLAN": frozenset(
        [
            "plans",
            "plan",
            "planning",
            "preparing",
            "expected",
            "set",
            "will",
            "floated",
            "announced",
            "asked",
            "scheduled",
        ]
    ),
}
SPEECH_HEADS = frozenset(w for w in re.split(r"[|\s]+", _SPEECH) if w)
_ALL_HEADS = frozenset().union(SPEECH_HEADS, *TRIGGER_HEADS.values())
_TITLE_HEADS = frozenset(
    w.lower() for w in re.findall(r"[A-Za-z]+", _TITLE_WORDS) if len(w) > 1 and w != "the"
)
_ORG_HEADS = frozenset(
    [
        "department",
        "agency",
        "council",
        "caucus",
        "commission",
        "bureau",
        "office",
        "police",
        "union",
        "coalition",
        "network",
        "alliance",
        "committee",
        "command",
        "club",
        "association",
        "institute",
        "foundation",
        "center",
        "project",
        "society",
        "organization",
    ]
)
_NUMBER_HEADS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "dozen",
        "hundred",
    ]
)
_DIGIT = re.compile(r"\d")

#: Types whose sentence is about a legal act: the actions it describes (a deployment
#: blocked, tear gas limited) are its subject, not new events.
_LEGAL_TYPES = frozenset({"COURT_RULING", "LAWSUIT", "EXECUTIVE_ORDER", "LEGISLATION"})
_ACTION_TYPES = frozenset({"DEPLOY", "ARREST_RAID", "USE_OF_FORCE", "PROTEST"})

_QUANTITY_UNITS: dict[str, tuple[str, ...]] = {
    "ARREST_RAID": ("arrests", "people"),
    "DEPLOY": ("troops", "members", "agents", "vehicles"),
    "ANNOUNCE_PLAN": ("days", "weeks", "months", "troops", "agents", "members"),
    "COURT_RULING": ("days", "weeks"),
    "PROTEST": ("people",),
    "USE_OF_FORCE": ("people",),
    "EXECUTIVE_ORDER": ("days",),
    # "DHS said arrests had topped 1,000": the count is what a desk tracks.
    "STATEMENT": ("arrests",),
}

_MODAL_BEFORE = re.compile(
    r"\b(?:can|could|may|might|should|would|must)\s+(?:\w+\s+){0,2}$", re.IGNORECASE
)
_NEGATION_BEFORE = re.compile(
    r"\b(?:not|no|never|n’t|n't|without|declined to|refused to)\s+(?:\w+\s+){0,4}$", re.IGNORECASE
)
_HABITUAL_BEFORE = re.compile(
    r"\b(?:repeatedly|routinely|often|frequently|regularly|always|usually|typically|long)\s+"
    r"(?:\w+\s+)?$",
    re.IGNORECASE,
)
_INDIRECT_QUESTION_BEFORE = re.compile(
    r"\b(?:how many|how much|whether)\b[^,.;]{0,40}$", re.IGNORECASE
)
#: Negated, habitual or indirect-question context before a trigger, in one pass.
_SKIP_BEFORE = re.compile(
    "|".join(
        f"(?:{rx.pattern})"
        for rx in (_NEGATION_BEFORE, _HABITUAL_BEFORE, _INDIRECT_QUESTION_BEFORE)
    ),
    re.IGNORECASE,
)
_DETERMINER_BEFORE = re.compile(
    r"\b(?:the|a|an|its|their|his|her|our|these|those)\s+$", re.IGNORECASE
)
_REDUCED_RELATIVE_AFTER = re.compile(r"\s+(?:was|were|is|are|had|has|have)\b")
#: "People arrested by ICE in the region are typically brought ...": the participle
#: describes the people; the sentence's verb comes after its by-phrase.
_REDUCED_RELATIVE_BY_AFTER = re.compile(r"\s+by\s+[^,.;:]{1,50}?\s+(?:was|were|is|are)\b")
_AUXILIARY_BEFORE = re.compile(r"\b(?:was|were|is|are|be|been|being|get|got|gets)\s+$")
#: "The White House said the lawsuit was a political stunt": something said about a
#: lawsuit already filed, not a filing ("the lawsuit was filed Monday" still is one).
_DEFINITE_BEFORE = re.compile(r"\b(?:the|this|that|its|their)\s+(?:[\w-]+\s+)?$", re.IGNORECASE)
_PREDICATE_AFTER = re.compile(
    r"\s+(?:was|is|were|are|would|will|has|had)\b"
    r"(?!\s+(?:be\s+|been\s+)?(?:filed|brought|submitted|lodged)\b)"
)
_PROGRESSIVE_BEFORE = re.compile(
    r"\b(?:is|are|was|were|been|be|began|begin|begins|started|keep|kept)\s+$"
)
_OPINION_BEFORE = re.compile(
    r"\b(?:called|condemned|criticized|criticised|defended|denounced|described|praised)"
    r"\s+(?:the|a|this|these|those|its|their)\s+(?:[\w-]+\s+)?$"
)
_MADE_BEFORE = re.compile(r"\b(?:made|conducted|carried out|making|conducting)\b[^,.;]{0,30}$")
_PLAN_BEFORE = re.compile(
    r"\b(?:will|would|could|plans? to|planning to|preparing to|expected to|set to|intends? to"
    r"|threatened to|going to|floated|planned(?: an?| to)?)\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
#: A relative or appositive clause: ", who led the raids in Los Angeles," -- its words
#: are neither the sentence's subject nor its event.
_CLAUSE = re.compile(r"(?<=[\w)]),\s+(?:who|whose|which|led by|a|an|the)\b[^,;“”\"]{0,140},(?=\s)")
#: "since June", "since the operation began Sept. 8": the start of a span, not the day
#: of the event.
_SINCE_BEFORE = re.compile(r"\b(?:since|until|through)\b[^,.;]{0,30}$", re.IGNORECASE)
_ACCORDING_TO = re.compile(r"\baccording to\s+")
_DATELINE = re.compile(r"^\s*date\s+((?:19|20)\d\d-\d\d-\d\d)\b\s*")
_MARKUP = re.compile(r"[<>{}=|\\]")
_TERMINAL = re.compile(r"[.!?”\"’')…:]\s*$")
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass
class _Draft:
    event_type: str
    actor: str | None
    actor_role: str | None
    action: str
    target: str | None
    location: str | None
    date: DateMention | None
    quantity: Quantity | None
    sentence: Sentence
    index: int
    confidence: float
    quotes: tuple[str, ...] = ()
    date_inferred: bool = False


@dataclass(frozen=True)
class _Context:
    """What one sentence offers every trigger in it."""

    s: str
    mentions: Sequence[Mention]
    dates: Sequence[DateMention]
    quantities: Sequence[Quantity]
    quotes: Sequence[tuple[int, int]]
    clauses: Sequence[tuple[int, int]]


def _nearest(items: Sequence[DateMention | Quantity], start: int, end: int) -> int | None:
    best, best_d = None, 10**9
    for i, it in enumerate(items):
        d = it.start - end if it.start >= end else start - it.end if it.end <= start else 0
        if d < best_d:
            best, best_d = i, d
    return best


def _subject(
    cx: _Context, trig_start: int, max_gap: int = 90, speech: bool = False
) -> Mention | None:
    """The actor mention right before the trigger: the clause's subject, roughly.

    For a speech verb the words between speaker and verb must be the kind that sit
    there ("Pritzker (D) on Monday railed", "a DHS official said", "the mayor’s office
    said"), so "agents fired at a woman they said" has no speaker. In "Illinois and the
    city of Chicago sued", the first of the two is the actor.
    """
    m = _subject_mention(cx, trig_start, max_gap)
    if m is None:
        return None
    if speech:
        gap = cx.s[m.end : trig_start]
        for cs, ce in cx.clauses:
            if m.end <= cs and ce <= trig_start:
                gap = gap.replace(cx.s[cs:ce], " ")
        if any(w not in _SPEAKER_GAP_WORDS for w in _LETTERS.findall(gap.lower())):
            return None
    i = cx.mentions.index(m)
    if i > 0:
        prev = cx.mentions[i - 1]
        if prev.kind != "place" and cx.s[prev.end : m.start].strip() == "and":
            return prev
    return m


_SPEAKER_GAP_WORDS = frozenset(
    [
        "official",
        "officials",
        "spokesperson",
        "spokesman",
        "spokeswoman",
        "spokespeople",
        "office",
        "also",
        "previously",
        "later",
        "then",
        "has",
        "have",
        "had",
        "again",
        "on",
        "last",
        "this",
        "in",
        "a",
        "an",
        "the",
        "statement",
        "s",
        "d",
        "r",
        "i",
        "morning",
        "evening",
        "afternoon",
        "night",
        "today",
        "yesterday",
        "tonight",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "week",
        "weekend",
        "sept",
        "september",
        "oct",
        "october",
        "aug",
        "august",
        "nov",
        "november",
        "dec",
        "december",
        "jan",
        "january",
        "feb",
        "february",
        "mar",
        "march",
        "apr",
        "april",
        "may",
        "june",
        "july",
        "senior",
        "top",
        "who",
        "once",
    ]
)


def _subject_mention(cx: _Context, trig_start: int, max_gap: int) -> Mention | None:
    s = cx.s
    for m in reversed(cx.mentions):
        if m.end > trig_start or m.kind == "place":
            continue
        if _inside(m.start, cx.clauses):
            continue
        gap_len = trig_start - m.end
        gap = s[m.end : trig_start]
        for cs, ce in cx.clauses:
            if m.end <= cs and ce <= trig_start:
                gap_len -= ce - cs
                gap = gap.replace(s[cs:ce], "")
        if gap_len > max_gap or any(q in gap for q in '“”"'):
            return None
        if m.weak and gap_len > 40:
            continue
        if _PREPOSITION_BEFORE.search(s, max(0, m.start - 14), m.start) and not s[
            max(0, m.start - 3) : m.start
        ].lower().endswith("by "):
            continue
        return m
    return None


def _after(cx: _Context, pos: int, limit: int, allow_weak_within: int = 6) -> Mention | None:
    for m in cx.mentions:
        if m.start < pos or m.kind == "place":
            continue
        if m.start - pos > limit:
            return None
        if m.weak and m.start - pos > allow_weak_within:
            continue
        return m
    return None


def _speaker(cx: _Context) -> tuple[re.Match[str], Mention] | None:
    """The first speech verb outside quotes that has a speaker, and that speaker."""
    s = cx.s
    for vm in _SPEECH_RX.finditer(s):
        if _inside(vm.start(), cx.quotes) or _inside(vm.start(), cx.clauses):
            continue
        if _HABITUAL_BEFORE.search(s, max(0, vm.start() - 30), vm.start()):
            continue
        if vm.group() == "called" and _WHAT_BEFORE.search(s, max(0, vm.start() - 20), vm.start()):
            continue  # "what it called a victory": naming, not saying
        if _NEGATION_BEFORE.search(s, max(0, vm.start() - 30), vm.start()):
            continue  # "DHS has not said", "declined to say"
        spk = _subject(cx, vm.start(), max_gap=70, speech=True)
        if (
            spk is None
            and vm.group() in ("said", "says")
            and _ATTRIBUTION_BEFORE.search(s, max(0, vm.start() - 4), vm.start())
        ):
            # Inverted attribution: "...,” said Mayor Brandon Johnson." / "said coalition
            # spokesperson Alma Ruiz" / "said Elaine Kuo, one of the lawyers".
            spk = next(
                (
                    m
                    for m in cx.mentions
                    if m.kind != "place"
                    and 0 <= m.start - vm.end() <= 30
                    and _LOWER_WORDS.fullmatch(s[vm.end() : m.start])
                ),
                None,
            )
            if spk is None:
                nm = _INVERTED_NAME.match(s, vm.end())
                if nm is not None and not any(w in _NOT_NAMES for w in nm.group("name").split()):
                    spk = Mention(
                        nm.start("name"),
                        nm.end("name"),
                        nm.group("name"),
                        nm.group("name"),
                        "person",
                    )
        if spk is not None:
            return vm, spk
    return None


_ATTRIBUTION_BEFORE = re.compile(r"[,”\"’]\s*$")
_LOWER_WORDS = re.compile(r"(?:\s+[a-z][\w.-]*)*\s+")
_INVERTED_NAME = re.compile(r"\s+(?:the\s+)?(?P<name>" + _CAP + r"\s+" + _CAP + r")(?=,|\.|\s*$)")


def _attached_to_speech(s: str, d: DateMention) -> bool:
    """ "said Sunday", "told CNN on Friday", "said on CBS News’ “Face the Nation” on
    Sunday": the date of the saying, not of the deed."""
    if _SPEECH_BEFORE.search(s, max(0, d.start - 24), d.start) is not None:
        return True
    vm = _SPEECH_TAIL.search(s, max(0, d.start - 45), d.start)
    return vm is not None and not _CLAUSE_WORDS.search(vm.group())


#: A speech verb and what follows it up to a date: "said on CBS News’ “Face the Nation” on".
_SPEECH_TAIL = re.compile(r"(?<![\w-])(?:" + _SPEECH + r")\b[^.;]*$")
#: Words that open the reported clause: a date after them is the content's date.
_CLAUSE_WORDS = re.compile(
    r"\b(?:that|who|which|whether|if|when|because|and|but|had|has|have|was|were|is|are"
    r"|would|will|could)\b"
)


def _real_quote(s: str, quotes: Sequence[tuple[int, int]]) -> bool:
    """A quotation of at least four words, not a scare-quoted term (“ICE-free zones”)."""
    return any(len(s[a:b].split()) >= 4 for a, b in quotes)


def _location(cx: _Context, start: int, end: int) -> str | None:
    places = [m for m in cx.mentions if m.kind == "place" and not _inside(m.start, cx.clauses)]
    if not places:
        return None
    best = min(places, key=lambda m: (m.start - end) if m.start >= end else (start - m.end) + 20)
    return best.canonical


def _is_english(text: str) -> bool:
    words = _WORD.findall(text[:5_000].lower())
    if len(words) < 8:
        return any(w in _ENGLISH for w in words)
    return sum(w in _ENGLISH for w in words) / len(words) >= 0.08


def _quote_texts(s: str, quotes: Sequence[tuple[int, int]]) -> tuple[str, ...]:
    out = []
    for a, b in quotes:
        norm = " ".join(_LETTERS.findall(s[a:b].lower()))
        if len(norm) >= 25:
            out.append(norm)
    return tuple(out)


def _after_name(s: str, comma: int) -> bool:
    """Whether the word before ``comma`` is a name: an appositive or relative clause
    follows names ("Gregory Bovino, who ..."), an introductory phrase does not ("This
    week, the department ...")."""
    i = comma
    while i > 0 and (s[i - 1].isalnum() or s[i - 1] in "-’'.)("):
        i -= 1
    word = s[i:comma].lstrip("(")
    return word[:1].isupper() and word not in _NOT_NAMES


def _sentence_events(
    sent: Sentence, index: int, lex: _Lexicon, people: _People, pub: date | None
) -> list[_Draft]:
    s = sent.text
    if len(s) < MIN_SENTENCE_CHARS or s.lstrip().startswith("|"):
        return []
    if len(_MARKUP.findall(s)) > max(3, len(s) // 40):
        return []  # markup remnants, a table row, code
    words = _WORD.findall(s.lower())
    wset = set(words)
    if len(words) >= 8 and not wset & _ENGLISH:
        return []
    if not _TERMINAL.search(s) and len(words) <= 16:
        return []  # a headline, a section heading or a short caption
    if not wset & _ALL_HEADS:
        # Most sentences: nothing happens in them. Only remember who they introduce
        # ("Kelly Hayes, co-host of ...") for the sentences that follow.
        _register_people(s, lex, people, wset)
        return []
    quotes = _quoted_spans(s)
    clauses = [
        m.span()
        for m in _CLAUSE.finditer(s)
        if _after_name(s, m.start()) and not _SPEECH_RX.search(m.group())
    ]
    cx = _Context(
        s=s,
        mentions=_find_mentions(s, lex, people, quotes, wset),
        dates=[
            d
            for d in find_dates(s, pub, wset)
            if not _inside(d.start, quotes)
            and not _SINCE_BEFORE.search(s, max(0, d.start - 40), d.start)
        ],
        quantities=[q for q in find_quantities(s) if not _inside(q.start, quotes)]
        if (wset & _NUMBER_HEADS or _DIGIT.search(s))
        else [],
        quotes=quotes,
        clauses=clauses,
    )
    speech = _speaker(cx) if wset & SPEECH_HEADS else None
    drafts: list[_Draft] = []
    found: set[str] = set()
    legal_at = len(s)  # where the first legal act's trigger is: what follows is its content
    for etype, rx in TRIGGERS.items():
        if not wset & TRIGGER_HEADS[etype]:
            continue
        for tm in rx.finditer(s):
            ts = tm.start()
            trig = tm.group()
            if _inside(ts, quotes) or _inside(ts, clauses):
                continue
            if etype in _ACTION_TYPES and ts > legal_at:
                break
            before = s[max(0, ts - 40) : ts]
            if _SKIP_BEFORE.search(before):
                break  # "have repeatedly used tear gas and pepper balls": none of it
            if etype in ("DEPLOY", "ARREST_RAID"):
                if trig.endswith("ed") and _DETERMINER_BEFORE.search(before):
                    continue  # "the federalized troops": an adjective, not a deed
                if trig.endswith("ed") and _REDUCED_RELATIVE_AFTER.match(s, tm.end()):
                    continue  # "the man arrested was a citizen of Mexico"
                if (
                    trig.endswith("ed")
                    and not _AUXILIARY_BEFORE.search(before)
                    and _REDUCED_RELATIVE_BY_AFTER.match(s, tm.end())
                ):
                    continue  # "people arrested by ICE in the region are typically brought"
                if trig.endswith("ing") and not _PROGRESSIVE_BEFORE.search(before):
                    continue  # "deploying troops would inflame tensions": a gerund
            if trig in ("arrests", "raids", "raid") and _OPINION_BEFORE.search(before):
                continue  # "called the raid a terror operation": an opinion about it
            if (
                trig == "lawsuit"
                and _DEFINITE_BEFORE.search(before)
                and _PREDICATE_AFTER.match(s, tm.end())
            ):
                continue  # "said the lawsuit was a political stunt": about it, not a filing
            if (
                etype == "ARREST_RAID"
                and trig in ("arrests", "raids", "raid")
                and not (
                    any(q.unit in ("arrests", "people") for q in cx.quantities)
                    or _MADE_BEFORE.search(before)
                    or (
                        trig != "arrests"
                        and (cx.dates or any(m.kind == "place" for m in cx.mentions))
                    )
                )
            ):
                continue  # "documented arrests", "a breakdown of arrests": no deed
            draft = _build(etype, cx, tm, speech)
            if draft is None:
                continue
            if etype in _ACTION_TYPES and (
                _MODAL_BEFORE.search(before) or _PLAN_BEFORE.search(before)
            ):
                planned_date = draft.date is not None and draft.date.planned
                if not _PLAN_BEFORE.search(before) or (draft.actor is None and not planned_date):
                    continue  # "could chill cooperation": hypothetical
                draft.event_type = "ANNOUNCE_PLAN"
            if draft.event_type in found:
                continue
            draft.sentence, draft.index = sent, index
            drafts.append(draft)
            found.add(draft.event_type)
            if etype in _LEGAL_TYPES:
                legal_at = min(legal_at, ts)
            break
    if speech is not None and not found & {"LAWSUIT", "COURT_RULING"}:
        vm, spk = speech
        # "DHS said 1,000 people were arrested" is the arrest, not a second event; a
        # quote makes the saying an event of its own.
        if not _real_quote(s, quotes) and any(d.actor == spk.canonical for d in drafts):
            return drafts
        target = None
        if vm.group() in _TARGET_SPEECH:
            t = _after(cx, vm.end(), 40)
            if t is not None and t.canonical != spk.canonical:
                target = t.canonical
        # The date said with the verb ("said Sunday"), else one before the verb ("Pritzker
        # on Monday railed", "In a warning on Saturday, Trump told"); a date further on
        # belongs to what was said ("said agents used a lot last week").
        said = [d for d in cx.dates if _attached_to_speech(s, d)] or [
            d for d in cx.dates if d.end <= vm.start()
        ]
        di = _nearest(said, vm.start(), vm.end())
        location = _location(cx, vm.start(), vm.end()) if _CONFERENCE.search(s) else None
        conf = 0.6 + (0.15 if spk.kind == "actor" else 0.1) + (0.1 if quotes else 0.0)
        drafts.append(
            _Draft(
                "STATEMENT",
                spk.canonical,
                spk.role,
                vm.group(),
                target,
                location,
                said[di] if di is not None else None,
                None,
                sent,
                index,
                min(conf, 0.95),
                _quote_texts(s, quotes),
            )
        )
    return drafts


#: How far (in characters) a date may sit from the trigger of a deed and still be its
#: date; further away it usually belongs to another clause.
MAX_DATE_DISTANCE = 60
_PASSIVE_BEFORE = re.compile(r"\b(?:be|been|being|was|were|is|are)\s+$")
_REQUEST_BEFORE = re.compile(
    r"\b(?:asked|asks|asking|sought|seeks|seeking|requested|requests|for)\b[^.;,]{0,30}$"
)
_SPECIFIC_RULING = frozenset(
    {"ruled", "rules", "ruling that", "issued a ruling", "restraining order", "injunction"}
)
_NOUN_PLAN_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|its|his|her|their|our|reported|planned|any|such|new)|’s|'s)\s+$",
    re.IGNORECASE,
)
_BY_JUDGE = re.compile(r"^[\w\s]{0,20}?\bby (?:a |the )?(?:federal |U\.S\. )?(?:judge|court)")


def _judicial(cx: _Context, tm: re.Match[str]) -> bool:
    """A ruling needs a court: any judge or court in the sentence for "ruled" or "an
    injunction", a judge or court as the subject (or "by a judge") for the words that
    others use too ("blocked", "ordered", "dismissed")."""
    if tm.group() in _SPECIFIC_RULING:
        return _JUDICIAL.search(cx.s) is not None or any(
            m.role and "Judge" in m.role for m in cx.mentions
        )
    subj = _subject(cx, tm.start())
    if subj is not None and subj.role and "Judge" in subj.role:
        return True
    if _JUDICIAL.search(cx.s, max(0, tm.start() - 40), tm.start()):
        return True
    return _BY_JUDGE.match(cx.s[tm.end() : tm.end() + 50]) is not None


def _build(
    etype: str, cx: _Context, tm: re.Match[str], speech: tuple[re.Match[str], Mention] | None
) -> _Draft | None:
    s = cx.s
    ts, te = tm.span()
    trig = tm.group()
    window = s[te : te + 90]
    # Type-specific evidence that the trigger is really this event.
    if etype == "COURT_RULING" and not _judicial(cx, tm):
        return None
    if trig.startswith("plan") and _NOUN_PLAN_BEFORE.search(s, max(0, ts - 30), ts):
        return None  # "reported plans to send", "Trump’s plan to": a plan mentioned, not made
    if etype == "USE_OF_FORCE" and not _AGENTS.search(s):
        return None
    if etype == "DEPLOY":
        if trig == "launched" and not _OPERATION.search(window):
            return None
        if trig in (
            "sent",
            "sent in",
            "dispatched",
            "ordered",
            "authorized",
            "surged",
            "stationed",
        ) and (not _FORCES.search(window)):
            return None
    if etype == "COURT_RULING" and _REQUEST_BEFORE.search(s, max(0, ts - 40), ts):
        return None  # "asked the court for a temporary restraining order": not a ruling yet
    # Actor: "filed ... by X", else the subject right before the trigger -- unless the
    # verb is passive ("troops could be sent"), where the subject is what is acted on.
    actor: Mention | None = None
    passive_subject: Mention | None = None
    by = re.match(r"[\w\s]{0,25}?\bby\s+", s[te : te + 40])
    if by is not None:
        actor = _after(cx, te + by.end(), 2, allow_weak_within=2)
    if actor is None:
        actor = _subject(cx, ts)
        if (
            actor is not None
            and _PASSIVE_BEFORE.search(s, max(0, ts - 12), ts)
            and ts - actor.end <= 30
            and not _SPEECH_RX.search(s, actor.end, ts)
        ):
            passive_subject, actor = actor, None
    if etype == "COURT_RULING" and actor is not None and not (actor.role and "Judge" in actor.role):
        actor = None
    if etype == "PROTEST":
        actor = None
    if actor is None and etype in ("ARREST_RAID", "ANNOUNCE_PLAN", "DEPLOY"):
        # "..., according to the department." / "..., a DHS official said." / "the
        # Pentagon has said 200 members were ordered to Illinois": the source stands in
        # for an agent the sentence does not name.
        acc = _ACCORDING_TO.search(s, te)
        if acc is not None:
            actor = _after(cx, acc.end(), 2, allow_weak_within=4)
        if actor is None and speech is not None and speech[1].kind != "org":
            actor = speech[1]
    if (
        actor is not None
        and actor.kind == "org"
        and etype in ("ARREST_RAID", "USE_OF_FORCE", "DEPLOY")
    ):
        actor = None  # an organisation the profile does not know is not an enforcer
    if (
        etype in ("ARREST_RAID", "USE_OF_FORCE")
        and actor is not None
        and actor.role
        and _CIVILIAN_ROLE.search(actor.role)
    ):
        actor = None  # an alderman calls the raid a terror operation; she did not raid
    if etype == "LAWSUIT" and actor is not None and actor.role and "Judge" in actor.role:
        actor = None  # the judge hears the lawsuit; someone else filed it
    # Target: the first actor after the trigger, for the types that have one.
    target = None
    if etype in ("LAWSUIT", "COURT_RULING", "DEPLOY", "ANNOUNCE_PLAN"):
        t = _after(cx, te, 60, allow_weak_within=25 if etype in ("LAWSUIT", "COURT_RULING") else 6)
        if passive_subject is not None:
            t = passive_subject
        if t is not None and (actor is None or t.canonical != actor.canonical):
            target = t.canonical
    location = _location(cx, ts, te)
    usable = [
        d
        for d in cx.dates
        if not _attached_to_speech(s, d)
        and (d.start - te <= MAX_DATE_DISTANCE and ts - d.end <= MAX_DATE_DISTANCE)
    ]
    di = _nearest(usable, ts, te)
    dm = usable[di] if di is not None else None
    units = _QUANTITY_UNITS.get(etype, ())
    qs = [q for q in cx.quantities if q.unit in units]
    qi = _nearest(qs, ts, te)
    qty = qs[qi] if qi is not None else None
    # Anchors: an event needs an actor, a date or a count; some types need more.
    has_date = dm is not None and dm.value is not None
    if actor is None and not has_date and qty is None and etype != "COURT_RULING":
        return None
    if etype in ("LAWSUIT", "EXECUTIVE_ORDER", "LEGISLATION") and actor is None:
        return None
    if etype == "PROTEST" and (location is None or not (has_date or qty is not None)):
        return None
    if etype == "ANNOUNCE_PLAN" and actor is None and not (dm is not None and dm.planned):
        return None
    if (
        etype == "DEPLOY"
        and actor is None
        and qty is None
        and not _FORCES.search(s[max(0, ts - 60) : te + 60])
    ):
        return None
    conf = 0.55 + (0.2 if actor is not None and actor.kind == "actor" else 0.1 if actor else 0.0)
    conf += 0.1 if has_date else 0.0
    conf += 0.05 if qty is not None else 0.0
    return _Draft(
        etype,
        actor.canonical if actor else None,
        actor.role if actor else None,
        trig,
        target,
        location,
        dm,
        qty,
        Sentence(0, 0, ""),
        0,
        min(conf, 0.95),
    )


# --------------------------------------------------------------------------- merging


def _dv(d: _Draft) -> date | None:
    return d.date.value if d.date is not None else None


def _inherit_dates(drafts: list[_Draft]) -> None:
    """A dateless event right after a dated one with the same actor (or, for deeds, the
    same place) happened then too: "Mayor Johnson on Monday signed ... ." ""...,"
    Johnson said at a City Hall news conference." Only the sentence before counts."""
    by_index: dict[int, list[_Draft]] = {}
    for d in drafts:
        by_index.setdefault(d.index, []).append(d)
    for d in drafts:
        if _dv(d) is not None:
            continue
        for p in by_index.get(d.index - 1, ()):
            if _dv(p) is None or (p.date is not None and p.date.planned):
                continue
            same_actor = d.actor is not None and p.actor == d.actor
            same_place = (
                d.event_type != "STATEMENT" and d.location is not None and p.location == d.location
            )
            if same_actor or same_place:
                d.date, d.date_inferred = p.date, True
                break


def _same_event(a: _Draft, b: _Draft) -> bool:
    if a.event_type != b.event_type:
        return False
    da, db = _dv(a), _dv(b)
    if a.actor is None or b.actor is None:
        if a.actor is None and b.actor is None:
            return a.location == b.location and da is not None and da == db
        if a.event_type in ("COURT_RULING", "LAWSUIT"):
            # "A federal judge on Thursday blocked ..." then "Judge April Perry issued ..."
            if da is not None and db is not None and da != db:
                return False
            if a.location and b.location and a.location != b.location:
                return False
            return (a.target is not None and a.target == b.target) or (
                a.location is not None and a.location == b.location
            )
        return False
    if a.actor != b.actor:
        return False
    if _counts_differ(a, b):
        return False  # "more than 3,000 arrested" is a new report, not "topped 1,000" again
    if a.event_type == "STATEMENT":
        if any(q1 in q2 or q2 in q1 for q1 in a.quotes for q2 in b.quotes):
            return True  # the lede repeats a quote from further down
        if da is not None and db is not None:
            return da == db
        return abs(a.index - b.index) <= 3
    if da is not None and db is not None and da != db:
        return False
    if a.location and b.location and a.location != b.location:
        return False
    return not (a.target and b.target and a.target != b.target)


def _score(d: _Draft) -> float:
    return (
        2.0 * (_dv(d) is not None and not d.date_inferred)
        + 1.0 * (d.actor is not None)
        + 1.0 * (d.quantity is not None)
        + 0.5 * (d.location is not None)
        + 0.5 * (d.target is not None)
    )


def _counts_differ(a: _Draft, b: _Draft) -> bool:
    """Two different figures are two reports, even when a third mention (no figure)
    looks like either of them."""
    return bool(a.quantity and b.quantity and a.quantity.value != b.quantity.value)


def _merge(drafts: list[_Draft]) -> list[tuple[_Draft, list[_Draft]]]:
    """One real event mentioned in several sentences of an article becomes one event.

    Returns each event's representative mention (the most informative one) and the
    others; the representative's empty fields are filled from the others.
    """
    groups: list[list[_Draft]] = []
    by_type: dict[str, list[list[_Draft]]] = {}
    for d in drafts:
        candidates = by_type.setdefault(d.event_type, [])
        for g in candidates:
            if any(_same_event(o, d) for o in g) and not any(_counts_differ(o, d) for o in g):
                g.append(d)
                break
        else:
            g = [d]
            groups.append(g)
            candidates.append(g)
    out = []
    for g in groups:
        rep = max(g, key=lambda d: (_score(d), -d.index))
        others = [d for d in g if d is not rep]
        for o in others:
            if _dv(rep) is None and _dv(o) is not None:
                rep.date, rep.date_inferred = o.date, True
            rep.location = rep.location or o.location
            rep.quantity = rep.quantity or o.quantity
            rep.target = rep.target or o.target
        rep.confidence = min(0.95, rep.confidence + 0.05 * len(others))
        out.append((rep, others))
    out.sort(key=lambda x: x[0].sentence.start)
    return out


def _unit_of(d: _Draft) -> str | None:
    """The quantity's unit; people arrested in an arrest event are counted as arrests
    ("agents arrested more than 3,000 people" and "arrests topped 1,000" are one series)."""
    if d.quantity is None:
        return None
    if d.event_type == "ARREST_RAID" and d.quantity.unit == "people":
        return "arrests"
    return d.quantity.unit


def _to_event(d: _Draft, others: Sequence[_Draft], pub: date | None) -> Event:
    value = _dv(d)
    planned = bool(d.date and d.date.planned)
    if d.event_type == "ANNOUNCE_PLAN" and value is not None and pub is not None and value >= pub:
        planned = True
    extra: list[tuple[str, str]] = [("trigger", d.action)]
    if d.actor_role:
        extra.append(("actor_role", d.actor_role))
    if d.date is not None:
        extra.append(("date_text", d.date.text))
        if value is not None and d.date.kind == "week":
            # "last week": event_date is the week's Monday, the event one of its days
            extra.append(("date_precision", "week"))
        if d.date_inferred:
            extra.append(("date_from", "another sentence"))
    if d.quantity is not None and d.quantity.qualifier:
        extra.append(("quantity_qualifier", d.quantity.qualifier))
    spans = sorted(
        {(o.sentence.start, o.sentence.end) for o in others} - {(d.sentence.start, d.sentence.end)}
    )
    if spans:
        extra.append(("mentions", ";".join(f"{a}-{b}" for a, b in spans)))
    return Event(
        event_type=d.event_type,
        actor=d.actor,
        action=d.action,
        target=d.target,
        location=d.location,
        event_date=value.isoformat() if value else None,
        quantity=d.quantity.text if d.quantity else None,
        evidence=d.sentence.text,
        evidence_start=d.sentence.start,
        evidence_end=d.sentence.end,
        confidence=round(d.confidence, 2),
        extractor_version=EXTRACTOR_VERSION,
        quantity_value=d.quantity.value if d.quantity else None,
        quantity_unit=_unit_of(d),
        date_is_planned=planned,
        extra=tuple(extra),
    )


def extract_events(text: str, *, published: str | None, profile: TopicProfile) -> list[Event]:
    """The events in ``text``, in order of their evidence sentence.

    ``published`` is the article's publication date (ISO 8601) that relative dates are
    resolved against; when it is ``None`` a leading ``date YYYY-MM-DD`` line is used, and
    otherwise only explicit dates with a year resolve. Pure: no I/O; bounded time.
    """
    if not text or not text.strip():
        return []
    if not _is_english(text):
        return []
    skip = 0
    dl = _DATELINE.match(text[:40])
    if dl is not None:
        skip = dl.end()
        published = published or dl.group(1)
    pub = parse_published(published)
    lex = _lexicon(profile)
    people = _People()
    drafts: list[_Draft] = []
    for i, sent in enumerate(iter_sentences(text, max_sentences=MAX_SENTENCES)):
        if sent.end <= skip:
            continue
        if sent.start < skip:
            sent = Sentence(skip, sent.end, text[skip : sent.end])
        drafts.extend(_sentence_events(sent, i, lex, people, pub))
        if len(drafts) >= MAX_EVENTS * 2:
            break
    _inherit_dates(drafts)
    events = [_to_event(d, others, pub) for d, others in _merge(drafts)]
    return events[:MAX_EVENTS]
