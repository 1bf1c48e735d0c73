"""Events from article text: who did what, to whom, where and when -- with the sentence.

For each sentence the extractor finds

1. *mentions* (:mod:`extractors.mentions`): people, organisations, groups and pronouns
   named by the text itself; a topic profile's names only normalise them;
2. *triggers*: words that signal an event type (the rules file,
   ``extractors/data/event_rules.toml``, plus a profile's additions), outside quotations;
   speech verbs and "according to" for statements;
3. for each trigger, whether it reports a happening (not negated, not hypothetical; a
   plan or threat becomes ``ANNOUNCE_PLAN``; a trigger that needs a judge, a force, a
   weapon, a legal object... has it), and its *actor*: the subject of the trigger
   (skipping appositions and relative clauses; the antecedent of "who"), the by-phrase of
   a passive, or the speaker of reported speech ("LAPD officials said 17 people were
   arrested": LAPD officials); pronouns, surnames and roles resolve within the article
   (:mod:`extractors.cast`);
4. its *date* (:mod:`extractors.dates`, the expression nearest the trigger, the planned
   date for a plan), *quantity* (:mod:`extractors.quantities`), *target* and *location*.

An event needs an actor: "was detained" with nobody named as the doer is no event. One
event per type per sentence; a statement whose reported content is itself an event (DHS
said 37 people were arrested) is that event, not a second one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from extractors.cast import Actor, Cast
from extractors.dates import DateMention, find_dates, parse_published
from extractors.lexicon import Rules, Sense, load_rules
from extractors.mentions import Directory, Mention, MentionFinder, PhraseIndex, Token, tokenize
from extractors.quantities import Quantity, QuantityFinder
from extractors.records import Event
from extractors.sentences import iter_sentences


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LOGGER = logging.getLogger(__name__)

MAX_SENTENCES = 4_000
MAX_EVENTS = 300
MIN_SENTENCE_CHARS = 20

_AUX = _words("""was were is are be been being get got gets getting has have had 's""")
_ADVERB_OK = _words(
    """also later then allegedly reportedly already since still just again originally initially
    first quickly eventually immediately previously recently temporarily administratively
    briefly now once repeatedly formally officially publicly sharply unanimously jointly
    separately further even ultimately fatally"""
)
_FUNCTION = _words(
    """the a an its their his her our of for to in on at by with and or new more further"""
)
_NOT_SPEAKER = frozenset(
    ["The", "This", "That", "It", "He", "She", "They", "We", "Officials", "Police"]
)
_FINITE = _words("""will would can could must may might shall should does did do""")
_MODAL_PLAN = _words("will would could may might shall")
_BOUNDARY = _words(
    """; : — – after before when while because although though until unless whereas where
    whether if once as amid"""
)
_PREPOSITIONS = _words(
    """of for in at from to with against on by near about over under into onto through during
    between among toward towards including like than outside inside across behind around
    amid within"""
)
_RELATIVE = frozenset(("who", "which", "that"))
_BACKGROUND = (
    "in response to",
    "amid",
    "following",
    "over",
    "against",
    "because of",
    "due to",
    "sparked by",
    "after",
    "despite",
    "since",
    "about",
)
_DISSENT = re.compile(r"\b(?:dissent\w*|concurr\w*)\b", re.IGNORECASE)
_RULING_SPEECH = frozenset(
    ["wrote", "found", "concluded", "determined", "held", "declared", "ruled"]
)
_NOUN_BEFORE = _words("""the a an his her their its our this that these those any no every""")
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z .,'’-]{2,40}?)\s*(?:\([A-Za-z .]{1,30}\)\s*)?[—–-]{1,2}\s"
)
_SEED_DATE = re.compile(r"^\s*date\s+((?:19|20)\d\d-\d\d-\d\d)\b\s*")
_QUOTE_OPEN = '“"‘'
_LETTERS = re.compile(r"[^\W\d_]+")
_TERMINAL = re.compile(r"[.!?][”\"’')\]]*\s*$|[.!?,][”\"’]\s*$")
_MARKUP = re.compile(r"[<>{}=|\\]")


@dataclass(frozen=True)
class Extractor:
    """The rules and a profile's directory, compiled once; ``extract`` is pure."""

    rules: Rules
    directory: Directory

    @property
    def version(self) -> str:
        return self.rules.version

    def extract(self, text: str, *, published: str | None) -> list[Event]:
        return _extract(self, text, published)


def extract_events(text: str, *, published: str | None, extractor: Extractor) -> list[Event]:
    """The events of one article (``published``: its ISO date, or ``None``)."""
    return extractor.extract(text, published=published)


def default_extractor(directory: Directory | None = None) -> Extractor:
    """The shipped rules with a directory of names (none: nothing to normalise)."""
    return Extractor(load_rules(), directory or Directory())


#: The shipped rules' version (a hash of ``extractors/data/event_rules.toml``). A topic
#: profile that adds words gets its own version (``Extractor.version``).
EXTRACTOR_VERSION = load_rules().version


@lru_cache(maxsize=16)
def _finder(rules: Rules, directory: Directory) -> MentionFinder:
    return MentionFinder(rules, directory)


@lru_cache(maxsize=16)
def _quantities(rules: Rules) -> QuantityFinder:
    return QuantityFinder(rules.units, rules.passing, rules.reaching)


@lru_cache(maxsize=16)
def _trigger_index(rules: Rules) -> PhraseIndex:
    return PhraseIndex(rules.senses)


@lru_cache(maxsize=64)
def _rx(rules: Rules, name: str) -> re.Pattern[str]:
    return rules.objects_rx(name)


# --------------------------------------------------------------------------- sentences


@dataclass
class _Sentence:
    text: str
    start: int
    toks: list[Token]
    mentions: list[Mention]
    quotes: list[tuple[int, int]]
    dates: list[DateMention] | None = None


@dataclass
class _Draft:
    event_type: str
    actor: Actor
    action: str
    trigger_start: int
    trigger_end: int
    target: str | None = None
    location: str | None = None
    event_date: str | None = None
    date_text: str | None = None
    date_precision: str | None = None
    planned: bool = False
    quantity: Quantity | None = None
    confidence: float = 0.7
    trigger: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _quoted_spans(s: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c in '“"':
            close = "”" if c == "“" else '"'
            j = s.find(close, i + 1)
            if c == "“" and j < 0:
                j = s.find('"', i + 1)
            if j < 0:
                spans.append((i, n))
                break
            spans.append((i, j + 1))
            i = j + 1
            continue
        if c in "”" and not spans:
            # a quotation that opened in an earlier sentence closes here
            spans.append((0, i + 1))
        i += 1
    return spans


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


# --------------------------------------------------------------------------- extraction


def _extract(ex: Extractor, text: str, published: str | None) -> list[Event]:
    if not text or not text.strip():
        return []
    body_start = 0
    m = _SEED_DATE.match(text)
    if m:
        if published is None:
            published = m.group(1)
        body_start = m.end()
    pub = parse_published(published)
    finder = _finder(ex.rules, ex.directory)
    sentences: list[_Sentence] = []
    seen_texts: set[str] = set()
    for sent in iter_sentences(text, max_sentences=MAX_SENTENCES):
        if sent.end <= body_start:
            continue
        s, s_start = sent.text, sent.start
        if s_start < body_start:
            s, s_start = s[body_start - s_start :], body_start
        if s in seen_texts:
            continue  # a caption or pull quote repeated on the page
        seen_texts.add(s)
        if len(s) < MIN_SENTENCE_CHARS or _MARKUP.search(s) and s.count("<") > 2:
            continue
        if not _TERMINAL.search(s):
            continue  # a headline, a caption, a cut-off excerpt: not a reported sentence
        letters = _LETTERS.findall(s)
        if not letters or sum(len(w) for w in letters) < 0.5 * len(s.replace(" ", "")):
            continue
        toks = tokenize(s)
        sentences.append(_Sentence(s, s_start, toks, finder.find(s, toks), _quoted_spans(s)))
    if not sentences or not _is_english(sentences):
        return []
    cast = Cast()
    # Pass 1: everyone the article names, so that "a federal judge" in the lede can
    # resolve to the judge named two sentences later.
    for st in sentences:
        for mm in st.mentions:
            if not _inside(mm.start, st.quotes):
                cast.register(mm)
        _acronyms(st, cast)
    for st in sentences:
        _surnames(st, cast)
    dateline = _dateline(text[body_start:], ex.directory)
    drafts: list[tuple[_Sentence, _Draft]] = []
    reported: set[tuple[str, str]] = set()
    said: set[str] = set()  # speaker key -> index of the sentence of their statement
    for si, st in enumerate(sentences):
        found = _sentence_events(ex, st, cast, pub, reported)
        _named(st, cast, len(st.text))
        reported.update((d.event_type, d.actor.key) for d in found)
        for d in found:
            if d.event_type == "STATEMENT":
                mode = "quote"
                key = d.actor.key
                quote_first = st.text.lstrip()[:1] in _QUOTE_OPEN + "”"
                if key in said and (mode == "all" or (mode == "quote" and quote_first)):
                    continue
                said.add(key)
            drafts.append((st, d))
        if len(drafts) >= MAX_EVENTS:
            break
    _inherit_dates([d for _, d in drafts], pub)
    out: list[Event] = []
    for st, d in drafts[:MAX_EVENTS]:
        out.append(_to_event(ex, st, d, dateline))
    return out


def _inherit_dates(drafts: Sequence[_Draft], pub: date | None) -> None:
    """Dates a careful reader infers. An event whose sentence gives no date happened on
    the date the article last gave (the story's day carries from sentence to sentence); a
    statement with no date and no date before it was made on the day of publication; the
    lede's events before any date happened on the first day the article gives. Plans keep
    only the date they name. Inferred dates say so (``extra["date_from"]``)."""
    last: str | None = None
    for d in drafts:
        if d.event_date is not None:
            if d.event_type != "ANNOUNCE_PLAN":
                last = d.event_date
            continue
        if d.event_type == "ANNOUNCE_PLAN":
            continue
        if last is not None:
            d.event_date = last
            d.extra["date_from"] = "context"
        elif d.event_type == "STATEMENT" and pub is not None:
            d.event_date = pub.isoformat()
            d.extra["date_from"] = "published"
    if True:
        # The lede's events before any date: the day the article first gives.
        first = next(
            (d.event_date for d in drafts if d.event_date and d.event_type != "ANNOUNCE_PLAN"), None
        )
        for d in drafts:
            if d.event_date is not None or d.event_type == "ANNOUNCE_PLAN":
                if d.event_date is not None:
                    break
                continue
            if first is not None:
                d.event_date = first
                d.extra["date_from"] = "context"


def _same_happening(a: _Draft, b: _Draft) -> bool:
    if a.event_date and b.event_date and a.event_date != b.event_date:
        return False
    if a.quantity is not None and b.quantity is not None and a.quantity.value != b.quantity.value:
        return False
    return True


def _is_english(sentences: Sequence[_Sentence]) -> bool:
    words = [t.low for st in sentences[:20] for t in st.toks if t.text.isalpha()]
    if len(words) < 5:
        return True
    common = sum(w in _ENGLISH for w in words)
    return common >= 0.08 * len(words)


_ENGLISH = _words(
    """the of and to a in that is was for on with as by at from he she it they said has have
    had were are be been not but an this which who will would"""
)


def _acronyms(st: _Sentence, cast: Cast) -> None:
    """ "Homeland Security Investigations (HSI)": the acronym names the organisation."""
    toks = st.toks
    for i, t in enumerate(toks[:-2]):
        if (
            t.text == "("
            and toks[i + 2].text == ")"
            and re.fullmatch(r"[A-Z]{2,6}", toks[i + 1].text)
        ):
            prev = [mm for mm in st.mentions if mm.end <= t.start and mm.kind == "org"]
            if prev:
                cast.register_acronym(prev[-1], toks[i + 1].text)


def _surnames(st: _Sentence, cast: Cast) -> None:
    """A capitalised word that is the surname of a person the article named ("Botello"
    after "Joe Botello, a U.S. citizen") is that person."""
    taken = [(mm.start, mm.end) for mm in st.mentions]
    added = False
    for t in st.toks:
        if not t.cap or not t.text.isalpha() or len(t.text) < 3:
            continue
        ents = cast.by_surname.get(t.low)
        if not ents or any(a <= t.start < b for a, b in taken):
            continue
        mm = Mention(t.start, t.end, t.text, "person", role=ents[-1].role, head=t.low, name=t.text)
        mm.entity = ents[-1]
        st.mentions.append(mm)
        added = True
    if added:
        st.mentions.sort(key=lambda x: x.start)


def _dateline(text: str, directory: Directory) -> str | None:
    m = _DATELINE.match(text)
    if not m:
        return None
    place = m.group("place").strip(" ,")
    for p in directory.places:
        for alias in (p.name, *p.aliases):
            if alias and alias.upper() == place:
                return p.name
    return None


# --------------------------------------------------------------------------- one sentence


def _tok_index(toks: Sequence[Token], pos: int) -> int:
    for k, t in enumerate(toks):
        if t.end > pos:
            return k
    return len(toks)


def _mention_ending(st: _Sentence, tok_i: int) -> Mention | None:
    t = st.toks[tok_i]
    for mm in st.mentions:
        if mm.start <= t.start and t.end <= mm.end and mm.end == t.end:
            return mm
    return None


def _mention_containing(st: _Sentence, pos: int) -> Mention | None:
    for mm in st.mentions:
        if mm.start <= pos < mm.end:
            return mm
    return None


def _skippable_parenthetical(st: _Sentence, comma_i: int) -> int | None:
    """Walking left from a comma at token ``comma_i`` (the one closing an apposition or a
    relative clause): the index of the comma that opens it, when the segment between
    starts with who/which/a/an/the/including or is a short apposition after a mention."""
    toks = st.toks
    j = comma_i - 1
    while j >= 0 and comma_i - j <= 25:
        if toks[j].text == ",":
            seg = toks[j + 1 : comma_i]
            if seg and (
                seg[0].low in ("who", "which", "a", "an", "the", "including", "whose", "like")
                or seg[0].text[:1].isdigit()
                or (_mention_ending(st, j - 1) is not None if j > 0 else False)
            ):
                return j
            return None
        if toks[j].text in (";", "“", "”", '"'):
            return None
        j -= 1
    return None


_ROLE_OK: dict[str, frozenset[str | None]] = {
    "ARREST_RAID": frozenset({"force", "official", None, "court"}),
    "DEPLOY": frozenset({"force", "official", None}),
    "USE_OF_FORCE": frozenset({"force", None, "crowd"}),
    "COURT_RULING": frozenset({"court"}),
    "LAWSUIT": frozenset({"official", None, "crowd", "force", "court"}),
    "EXECUTIVE_ORDER": frozenset({"official", None}),
    "LEGISLATION": frozenset({"official", None, "court"}),
    "PROTEST": frozenset({"crowd", "official", None}),
    "ANNOUNCE_PLAN": frozenset({"official", None, "force", "court"}),
    "STATEMENT": frozenset({"official", None, "crowd", "force", "court"}),
    "OTHER": frozenset({"official", None, "force", "crowd", "court"}),
}


def _subject(
    st: _Sentence,
    cast: Cast,
    trig_i: int,
    etype: str,
    stop_at_speech: bool = True,
    rules: Rules | None = None,
) -> tuple[Mention, Actor] | None:
    """The doer before token ``trig_i``: walk left over the verb group, skipping objects
    of prepositions and of other verbs, appositions and relative clauses; stop at a clause
    boundary. The antecedent of "who"/"which" is the subject of its clause."""
    toks = st.toks
    j = trig_i - 1
    seen_verb = False
    pp_head: tuple[Mention, Actor] | None = None
    while j >= 0:
        t = toks[j]
        low = t.low
        if t.text == ",":
            k = _skippable_parenthetical(st, j)
            if k is not None:
                j = k - 1
                continue
            # "X, who ..., said": the relative pronoun's antecedent.
            break
        if t.text == ")":
            # "The Department of Homeland Security (DHS) confirmed": skip the brackets.
            k = j - 1
            while k >= 0 and toks[k].text != "(":
                k -= 1
            if k >= 0:
                j = k - 1
                continue
            break
        if low in _BOUNDARY or t.text in ("“", "”", '"', "("):
            break
        if low in ("who", "which") and j > 0:
            k = j - 1
            if toks[k].text == ",":
                k -= 1
            mm = _mention_ending(st, k) if k >= 0 else None
            if mm is not None:
                actor = cast.resolve(mm)
                if actor is not None:
                    return mm, actor
            break
        if low == "that" and j > 0 and not seen_verb:
            # "said that X": the complement starts here.
            break
        mm = _mention_ending(st, j)
        if (
            mm is None
            and stop_at_speech
            and rules is not None
            and low in rules.speech
            and j > 0
            and _mention_containing(st, t.start) is None
        ):
            break
        if (
            mm is not None
            and st.text[mm.end : mm.end + 2] in ("’s", "'s")
            or (mm is not None and toks[j].text.endswith(("’s", "'s")))
        ):
            mm = None  # "Trump's actions": the name modifies a noun
        if mm is not None:
            first = _tok_index(toks, mm.start)
            b = first - 1
            while b >= 0 and toks[b].low in ("the", "a", "an"):
                b -= 1  # "to the Department of ...": the preposition is before the article
            before = toks[b].low if b >= 0 else ""
            if before == "as":
                # "identified the suspect as X and said": X is no subject; go on left.
                j = b - 1
                continue
            actor = (
                _resolve(st, cast, mm)
                if mm.kind != "place"
                or etype
                in ("LAWSUIT", "STATEMENT", "EXECUTIVE_ORDER", "LEGISLATION", "ANNOUNCE_PLAN")
                else None
            )
            if before in _PREPOSITIONS or (
                rules is not None
                and (before in rules.senses or before in rules.speech)
                and before not in ("ordered",)
            ):
                # the object of a preposition or of another verb: keep looking left, but
                # remember it ("Lawyers for the state of Illinois").
                if (
                    actor is not None
                    and pp_head is None
                    and before in ("for", "of", "with", "from")
                ):
                    pp_head = (mm, actor)
                j = first - 1
                continue
            if actor is not None and actor.role in _ROLE_OK[etype]:
                if mm.kind == "group" and pp_head is not None and pp_head[0].start > mm.end:
                    gap = {
                        t.low
                        for t in toks[_tok_index(toks, mm.end) : _tok_index(toks, pp_head[0].start)]
                    }
                    if gap and gap <= {"of", "for", "with", "from", "the"}:
                        # "Lawyers for the state of Ardenne", "Officers of the X Office"
                        text = st.text[mm.start : pp_head[0].end]
                        return mm, Actor(
                            text,
                            _plain(text),
                            actor.role,
                            "group",
                            display=actor.name + st.text[mm.end : pp_head[0].end],
                        )
                # "X and Y sued": both are the doer.
                if first >= 2 and toks[first - 1].low == "and":
                    left = _mention_ending(st, first - 2)
                    la = cast.resolve(left) if left is not None else None
                    if left is not None and la is not None:
                        text = st.text[left.start : mm.end]
                        return left, Actor(
                            f"{la.text} and {actor.text}" if left.kind != "pronoun" else text,
                            f"{la.key} and {actor.key}",
                            actor.role,
                            "group",
                        )
                return mm, actor
            if mm.kind not in ("place",):
                return None
            j = first - 1
            continue
        if rules is not None and (low in rules.senses or low in rules.speech):
            seen_verb = True
        j -= 1
    return pp_head


def _plain(text: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", text.strip(), flags=re.IGNORECASE).lower()


def _resolve(st: _Sentence, cast: Cast, mm: Mention) -> Actor | None:
    """Resolve a mention; "he"/"she" first look for a person named earlier in the same
    sentence ("Hector Contreras ... he recalled")."""
    if mm.kind == "pronoun" and mm.head in ("he", "she"):
        for other in reversed(st.mentions):
            if (
                other.end <= mm.start
                and other.kind == "person"
                and not _inside(other.start, st.quotes)
            ):
                a = cast.resolve(other)
                if a is not None:
                    return a
    return cast.resolve(mm)


def _after(
    st: _Sentence, cast: Cast, tok_i: int, limit: int = 8, stop: tuple[str, ...] = ()
) -> tuple[Mention, Actor] | None:
    """The first doer within ``limit`` tokens after token ``tok_i``."""
    toks = st.toks
    for k in range(tok_i, min(len(toks), tok_i + limit)):
        if toks[k].text in (".", ";", "“", "”", '"') or toks[k].text in stop:
            return None
        mm = _mention_containing(st, toks[k].start)
        if mm is not None and mm.kind != "place":
            actor = _resolve(st, cast, mm)
            if actor is not None:
                return mm, actor
    return None


def _by_agent(st: _Sentence, cast: Cast, trig_i: int) -> tuple[Mention, Actor] | None:
    toks = st.toks
    for k in range(trig_i + 1, min(len(toks), trig_i + 12)):
        if toks[k].text in (";", ".") or toks[k].low in _BOUNDARY:
            return None
        if toks[k].low == "by":
            return _after(st, cast, k + 1, 4)
    return None


def _passive(toks: Sequence[Token], trig_i: int, sense: Sense) -> bool:
    if sense.tag != "past":
        return False
    j = trig_i - 1
    while j >= 0 and (
        toks[j].low in _ADVERB_OK or toks[j].low.endswith("ly") or toks[j].low == "not"
    ):
        j -= 1
    return j >= 0 and toks[j].low in _AUX and toks[j].low not in ("has", "have", "had")


def _reduced_relative(rules: Rules, st: _Sentence, trig_i: int, sense: Sense) -> bool:
    """ "600 people arrested as part of ...": a participle after a noun, not a verb."""
    if sense.tag != "past" or trig_i == 0:
        return False
    prev = st.toks[trig_i - 1]
    if prev.low in _AUX or prev.low in _ADVERB_OK or prev.text == ",":
        return False
    mm = _mention_ending(st, trig_i - 1)
    if mm is None and not prev.low.endswith(
        ("people", "immigrants", "migrants", "residents", "men", "women", "children", "workers")
    ):
        return False
    nxt = st.toks[trig_i + 1].low if trig_i + 1 < len(st.toks) else ""
    if not (nxt in _PREPOSITIONS or nxt in ("as", "during", "since", "after", "while", ",")):
        return False
    # A participle after a noun is a reduced relative only when the sentence has another
    # verb ("600 people arrested as part of X were released"); "Guard members arrived in
    # Illinois" is the sentence's own verb.
    return any(
        k != trig_i
        and (
            t.low in _AUX
            or t.low in _FINITE
            or t.low in rules.speech
            or any(x.tag != "noun" for x in rules.senses.get(t.low, ()))
        )
        for k, t in enumerate(st.toks)
    )


def _before_text(st: _Sentence, tok_i: int, words: int = 5) -> str:
    a = max(0, tok_i - words)
    return " ".join(t.low for t in st.toks[a:tok_i])


def _negated(rules: Rules, st: _Sentence, trig_i: int, sense: Sense) -> bool:
    before = " " + _before_text(st, trig_i, 4) + " "
    for w in rules.negation_before:
        if sense.event_type == "COURT_RULING" and w in (
            "declined to",
            "refused to",
            "from",
            "prevent",
            "stop",
        ):
            continue  # a court declining to act has ruled
        if f" {w.lower()} " in before:
            # "not only", "no longer" still report; keep it simple: any negation cue
            return True
    return False


def _planned(rules: Rules, st: _Sentence, trig_i: int, sense: Sense) -> bool:
    if sense.tag not in ("base",) and sense.tag != "noun":
        # "plans to deploy", "will send": the trigger is in the base form.
        if sense.tag == "ing" and " going to " in " " + _before_text(st, trig_i, 3) + " ":
            return True
        return False
    before = " " + _before_text(st, trig_i, 5) + " "
    if sense.tag == "noun":
        # "a plan to deploy", "threatened a deployment"
        return any(
            f" {w} " in before
            for w in (
                "plan",
                "plans",
                "threat",
                "threatened",
                "proposed",
                "planned",
                "possible",
                "potential",
                "future",
            )
        )
    return any(f" {w.lower()} " in before for w in rules.plan_before)


def _has(rules: Rules, name: str, s: str) -> bool:
    return _rx(rules, name).search(s) is not None


def _clause(st: _Sentence, trig_i: int) -> str:
    """The words of the trigger's clause (to the next clause boundary either side)."""
    toks = st.toks
    a = trig_i
    while (
        a > 0
        and toks[a - 1].text not in (";", "—", "–")
        and toks[a - 1].low
        not in ("after", "before", "when", "while", "because", "although", "though", "until")
    ):
        a -= 1
    b = trig_i
    while (
        b < len(toks) - 1
        and toks[b + 1].text not in (";", "—", "–")
        and toks[b + 1].low
        not in ("after", "before", "when", "while", "because", "although", "though", "until", "but")
    ):
        b += 1
    return st.text[toks[a].start : toks[b].end]


def _sense_ok(rules: Rules, st: _Sentence, trig_i: int, sense: Sense, clause: str) -> bool:
    n = sense.needs
    if n is None:
        return True
    if n in ("force", "crowd"):
        return True  # checked on the actor, or on what follows the trigger
    if n in ("legal", "operation", "weapon", "bill", "executive", "other"):
        if n == "other":
            return (
                sense.event_type == "OTHER"
                and _has(rules, "other", st.toks[trig_i].text)
                and _other_ok(st, trig_i, sense)
            )
        after = st.text[st.toks[trig_i].start :]
        window = after[:90] if n != "legal" else clause
        return _has(rules, n, window)
    if n == "judicial":
        return True  # checked on the actor
    return True


def _other_ok(st: _Sentence, trig_i: int, sense: Sense) -> bool:
    low = st.toks[trig_i].low
    if sense.lemma in ("release", "free"):
        return sense.tag == "past"
    return low in ("died", "pleaded", "pled", "confronted", "resigned")


def _action(st: _Sentence, trig_i: int, max_words: int = 12) -> str:
    toks = st.toks
    out = []
    for t in toks[trig_i : trig_i + max_words]:
        if t.text in (",", ";", ".", "—", "–", "“", "”", '"', "(") or (out and t.low in _BOUNDARY):
            break
        out.append(t)
    if not out:
        return toks[trig_i].text
    return st.text[out[0].start : out[-1].end]


def _sentence_events(
    ex: Extractor,
    st: _Sentence,
    cast: Cast,
    pub: date | None,
    reported: set[tuple[str, str]],
) -> list[_Draft]:
    rules = ex.rules
    s = st.text
    toks = st.toks
    drafts: dict[str, _Draft] = {}
    speech = _speech(ex, st, cast)
    for trig_i, after, form in _trigger_index(rules).find(toks):
        span = (toks[trig_i].start, toks[after - 1].end)
        if _inside(span[0], st.quotes):
            continue
        if toks[trig_i].cap and trig_i > 0:
            continue  # "Court of Appeals", "Operation X": part of a name
        senses = rules.senses.get(form, ())
        clause = _clause(st, trig_i)
        # Most specific sense first: a judge's order is a ruling, troops ordered are a
        # deployment.
        ordered = sorted(senses, key=lambda x: (x.needs is None, x.needs != "judicial"))
        for sense in ordered:
            if sense.event_type in drafts:
                continue
            if not _sense_ok(rules, st, trig_i, sense, clause):
                continue
            if _negated(rules, st, trig_i, sense):
                break
            d = _trigger_event(ex, st, cast, trig_i, span, sense, speech, pub)
            if d is not None:
                if d.event_type not in drafts:
                    drafts[d.event_type] = d
                break
    # A noun that names a happening ("over the deployment", "against the raids") is
    # what the sentence's own event is about, not a second event.
    if any(d.extra.get("trigger_kind") == "verb" for d in drafts.values()):
        for k in [k for k, d in drafts.items() if d.extra.get("trigger_kind") == "noun"]:
            del drafts[k]
    # Reported speech that repeats an event the article already reported is a statement.
    if speech is not None:
        for k in [
            k
            for k, d in drafts.items()
            if d.event_type != "ANNOUNCE_PLAN"
            and (d.event_type, d.actor.key) in reported
            and d.trigger_start > toks[speech[0]].start
        ]:
            del drafts[k]
    # Statements: a speaker and a speech verb, unless what was said is itself an event.
    if speech is not None and "STATEMENT" not in drafts:
        verb_i, mm, actor = speech
        if not drafts:
            etype = "STATEMENT"
            verb = toks[verb_i].low
            if (
                _judicial_actor(rules, actor)
                and verb in _RULING_SPEECH
                and not st.quotes
                and not _DISSENT.search(s)
            ):
                etype = "COURT_RULING"  # a judge's written finding is the ruling
            d = _Draft(
                etype,
                actor,
                _action(st, verb_i),
                toks[verb_i].start,
                toks[verb_i].end,
                trigger=toks[verb_i].text,
            )
            d.extra["trigger_kind"] = "speech"
            _date_for(ex, st, d, pub, verb_i)
            drafts[etype] = d
    for mm in st.mentions:
        if mm.kind == "person" and not _inside(mm.start, st.quotes):
            cast.mentioned(mm)
    return list(drafts.values())


def _named(st: _Sentence, cast: Cast, upto: int) -> None:
    for mm in st.mentions:
        if mm.start < upto and not _inside(mm.start, st.quotes):
            cast.named(mm)


def _speech(ex: Extractor, st: _Sentence, cast: Cast) -> tuple[int, Mention, Actor] | None:
    """The speaker and speech verb of a sentence, or ``None``."""
    rules = ex.rules
    s = st.text
    toks = st.toks
    # "according to X"
    am = re.search(r"\b[Aa]ccording to\s+", s)
    if am and not _inside(am.start(), st.quotes):
        k = _tok_index(toks, am.end())
        got = _after(st, cast, k, 4, stop=(",",))
        if got is not None and s[got[0].end : got[0].end + 2] in ("’s", "'s"):
            got = None  # "according to the judge's ruling": a document, not a statement
        if got is not None and got[1].role != "media":
            cast.saw(*got)
            return k, got[0], got[1]
    for m in rules.speech_rx.finditer(s):
        if _inside(m.start(), st.quotes):
            continue
        vi = _tok_index(toks, m.start())
        tag = rules.speech.get(m.group().lower(), "base")
        if tag == "ing" and vi > 0 and toks[vi - 1].text == ",":
            continue  # "..., saying" continues a clause whose verb was seen
        low = m.group().lower()
        if low in ("call", "called", "calls") and vi + 1 < len(toks) and toks[vi + 1].low == "up":
            continue
        subj = _subject(st, cast, vi, "STATEMENT", stop_at_speech=False, rules=rules)
        if subj is None:
            # '"...," said X' / '"...," X said'
            prev = toks[vi - 1].text if vi > 0 else ""
            if (
                prev in (",", "”", '"', "’")
                or vi == 0
                or (vi > 1 and toks[vi - 2].text in ("”", '"'))
            ):
                subj = _after(st, cast, vi + 1, 6)
        if subj is None and vi > 0 and tag != "ing":
            # '"...," Laine said': a capitalised word right before the verb is a name.
            prev_t = toks[vi - 1]
            if (
                prev_t.cap
                and prev_t.text.isalpha()
                and len(prev_t.text) > 2
                and prev_t.text not in _NOT_SPEAKER
                and _mention_containing(st, prev_t.start) is None
                and (vi == 1 or toks[vi - 2].text in (",", "”", '"', "’"))
            ):
                pm = Mention(
                    prev_t.start,
                    prev_t.end,
                    prev_t.text,
                    "person",
                    role="official",
                    head=prev_t.low,
                    name=prev_t.text,
                )
                subj = (pm, Actor(prev_t.text, prev_t.text, "official", "person"))
        if subj is None:
            continue
        mm, actor = subj
        if actor.role == "media":
            continue
        if mm.kind == "pronoun" or mm.kind in ("person", "org", "group", "place"):
            cast.saw(mm, actor)
            return vi, mm, actor
    return None


def _trigger_event(
    ex: Extractor,
    st: _Sentence,
    cast: Cast,
    trig_i: int,
    span: tuple[int, int],
    sense: Sense,
    speech: tuple[int, Mention, Actor] | None,
    pub: date | None,
) -> _Draft | None:
    rules = ex.rules
    toks = st.toks
    etype = sense.event_type
    if sense.tag != "noun" and _reduced_relative(rules, st, trig_i, sense):
        return None
    if (
        sense.tag == "s"
        and trig_i > 0
        and _mention_ending(st, trig_i - 1) is None
        and toks[trig_i - 1].low not in ("he", "she", "it", "who", "that", "which")
    ):
        return None  # "immigration raids", "ICE arrests": a plural noun, not a verb
    if (
        sense.tag in ("base", "s", "ing")
        and trig_i > 0
        and (toks[trig_i - 1].low in _NOUN_BEFORE or toks[trig_i - 1].text.endswith(("’s", "'s")))
    ):
        return None  # "the arrest of", "Trump's order": a noun, read by its noun sense
    planned = _planned(rules, st, trig_i, sense)
    if planned and etype in ("COURT_RULING", "STATEMENT", "OTHER", "PROTEST", "USE_OF_FORCE"):
        return None
    if planned:
        etype = "ANNOUNCE_PLAN"
    got: tuple[Mention, Actor] | None = None
    passive = sense.tag != "noun" and _passive(toks, trig_i, sense)
    if passive:
        got = _by_agent(st, cast, trig_i)
    elif sense.tag == "noun":
        got = _by_agent(st, cast, trig_i) or _noun_actor(ex, st, cast, trig_i, sense)
    else:
        got = _subject(st, cast, trig_i, etype, rules=rules)
        if got is None and trig_i > 0 and toks[trig_i - 1].low == "and":
            got = None
    if (
        got is None
        and speech is not None
        and toks[speech[0]].start < toks[trig_i].start
        and (passive or (sense.tag == "noun" and etype == "ARREST_RAID" and _has_count(ex, st)))
    ):
        # "LAPD officials said 17 people were arrested": the speaker vouches for it.
        if speech[2].role in _ROLE_OK.get(etype, frozenset()) or etype in ("ARREST_RAID", "DEPLOY"):
            got = (speech[1], speech[2])
    if got is None and passive and etype in ("ARREST_RAID", "USE_OF_FORCE"):
        # "were detained", nobody named: the force the article last named did it.
        got = _last_force(st, cast, trig_i)
    if got is None:
        return None
    mm, actor = got
    if actor.role not in _ROLE_OK.get(etype, frozenset()):
        if not (etype == "COURT_RULING" and _judicial_actor(rules, actor)):
            return None
    if sense.needs == "judicial" and not _judicial_actor(rules, actor):
        return None
    if etype == "COURT_RULING" and _DISSENT.search(st.text):
        return None  # a dissent or a concurrence is what a justice says, not the ruling
    if etype in ("ARREST_RAID", "DEPLOY") and actor.role == "crowd":
        return None
    if sense.needs == "executive" and not _executive_actor(rules, actor):
        return None
    if sense.needs == "force" and actor.role != "force" and not _force_after(rules, st, trig_i):
        return None
    if (
        sense.needs == "crowd"
        and actor.role != "crowd"
        and not _has(rules, "crowd", st.text[toks[trig_i].start : toks[trig_i].start + 90])
    ):
        return None
    d = _Draft(
        etype,
        actor,
        _action(st, trig_i),
        span[0],
        span[1],
        trigger=st.text[span[0] : span[1]],
        planned=planned,
    )
    d.extra["trigger_kind"] = "noun" if sense.tag == "noun" else "verb"
    d.extra["lemma"] = sense.lemma
    if passive:
        d.extra["voice"] = "passive"
    _date_for(ex, st, d, pub, trig_i, speech)
    _quantity_for(ex, st, d, trig_i)
    _target_for(st, cast, d, trig_i, mm)
    _location_for(st, d, trig_i)
    cast.saw(mm, actor)
    return d


def _force_after(rules: Rules, st: _Sentence, trig_i: int) -> bool:
    """ "sent 300 troops", "deployed the National Guard": a force is what was moved."""
    toks = st.toks
    if trig_i + 1 >= len(toks):
        return False
    end = toks[min(len(toks) - 1, trig_i + 8)].end
    window = st.text[toks[trig_i].end : end]
    return any(
        re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", window, re.IGNORECASE)
        for w in rules.force_words
    )


def _has_count(ex: Extractor, st: _Sentence) -> bool:
    return any(q.unit in ("arrests", "people") for q in _quantities(ex.rules).find(st.text))


def _last_force(st: _Sentence, cast: Cast, trig_i: int) -> tuple[Mention, Actor] | None:
    """The force (agents, officers, an agency that arrests) named last before the
    trigger in the same sentence ("... after federal agents clashed with protesters, a
    student was detained")."""
    for mm in reversed(st.mentions):
        if mm.end <= st.toks[trig_i].start and not _inside(mm.start, st.quotes):
            a = _resolve(st, cast, mm)
            if a is not None and a.role == "force":
                return mm, a
    return None


def _judicial_actor(rules: Rules, actor: Actor) -> bool:
    if actor.role == "court":
        return True
    low = actor.text.lower()
    return any(re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", low) for w in rules.judicial)


def _executive_actor(rules: Rules, actor: Actor) -> bool:
    low = actor.text.lower()
    return any(re.search(r"(?<![\w-])" + re.escape(w) + r"(?![\w-])", low) for w in rules.executive)


def _noun_actor(
    ex: Extractor, st: _Sentence, cast: Cast, trig_i: int, sense: Sense
) -> tuple[Mention, Actor] | None:
    """Who did what a noun names: "a lawsuit Illinois filed", "X's arrest", "protests"."""
    rules = ex.rules
    toks = st.toks
    etype = sense.event_type
    before = " " + _before_text(st, trig_i, 4) + " "
    if False and any(f" {w} " in before for w in _BACKGROUND):
        return None  # "in response to raids", "amid protests": the cause, not the event
    if etype == "PROTEST":
        for mm in st.mentions:
            if mm.kind == "group" and mm.role == "crowd":
                a = cast.resolve(mm)
                if a is not None:
                    return mm, a
        pseudo = Mention(
            toks[trig_i].start,
            toks[trig_i].end,
            "protesters",
            "group",
            role="crowd",
            plural=True,
            head="protesters",
        )
        return pseudo, Actor("protesters", "protesters", "crowd", "group")
    if etype == "COURT_RULING":
        # "The order requires ICE to ...": the judge who gave it.
        e = cast.person_by_title("judge")
        if (
            e is not None
            and trig_i + 1 < len(toks)
            and (toks[trig_i + 1].low in rules.senses or toks[trig_i + 1].low.endswith("s"))
        ):
            mm = Mention(
                toks[trig_i].start, toks[trig_i].end, e.fullest, "person", role="court", entity=e
            )
            return mm, Actor(e.fullest, e.canonical or e.fullest, "court", "person")
        return None
    # The subject of the verb that governs the noun, when that verb is one that makes the
    # noun happen: "X made arrests", "X filed a lawsuit" (not "X watched the raid").
    got = _subject(st, cast, trig_i, etype, rules=rules)
    if got is not None:
        between = {t.low for t in toks[_tok_index(toks, got[0].end) : trig_i]}
        if between & rules.light_verbs or not any(t.isalpha() for t in between - _FUNCTION):
            return got
    # "a lawsuit Illinois and Chicago filed Monday"
    if etype == "LAWSUIT":
        after = _after(st, cast, trig_i + 1, 2)
        if after is not None:
            k = _tok_index(toks, after[0].end)
            while k < len(toks) and (
                toks[k].low in ("and",) or _mention_containing(st, toks[k].start)
            ):
                k += 1
            if k < len(toks) and toks[k].low in ("filed", "brought", "launched", "announced"):
                return after
    return None


def _date_for(
    ex: Extractor,
    st: _Sentence,
    d: _Draft,
    pub: date | None,
    trig_i: int,
    speech: tuple[int, Mention, Actor] | None = None,
) -> None:
    if st.dates is None:
        st.dates = find_dates(st.text, pub)
    cands = [x for x in st.dates if x.value is not None]
    if d.event_type != "ANNOUNCE_PLAN" and pub is not None:
        cands = [x for x in cands if x.value is not None and x.value <= pub]
    if not cands:
        return
    pos = st.toks[trig_i].start
    if d.event_type == "ANNOUNCE_PLAN":
        cands = [
            x
            for x in cands
            if x.start > pos
            and x.planned
            or x.value is not None
            and pub is not None
            and x.value > pub
        ]
        if not cands:
            return
    if speech is not None and d.event_type != "STATEMENT":
        sv = st.toks[speech[0]]
        # the date of the saying is not the date of what was said
        near_speech = [
            x for x in cands if abs(x.start - sv.end) <= 12 or abs(sv.start - x.end) <= 12
        ]
        if len(cands) > len(near_speech):
            cands = [x for x in cands if x not in near_speech]
    best = min(cands, key=lambda x: abs(x.start - pos) if x.start >= pos else abs(pos - x.end) + 5)
    assert best.value is not None
    d.event_date = best.value.isoformat()
    d.date_text = best.text
    d.planned = d.planned or best.planned
    if best.kind in ("week", "weekend"):
        d.date_precision = best.kind if best.kind == "week" else "week"


def _quantity_for(ex: Extractor, st: _Sentence, d: _Draft, trig_i: int) -> None:
    fits = ex.rules.quantity_units.get(d.event_type)
    if not fits:
        return
    qs = [q for q in _quantities(ex.rules).find(st.text) if q.unit in fits]
    if not qs:
        return
    pos = st.toks[trig_i].start
    d.quantity = min(qs, key=lambda q: abs(q.start - pos))


def _target_for(st: _Sentence, cast: Cast, d: _Draft, trig_i: int, actor_m: Mention) -> None:
    got = _after(st, cast, trig_i + 1, 5)
    if got is not None and got[0] is not actor_m and got[1].text != d.actor.text:
        d.target = got[1].key if got[1].kind != "group" else got[1].text


def _location_for(st: _Sentence, d: _Draft, trig_i: int) -> None:
    places = [mm for mm in st.mentions if mm.kind == "place" and mm.canonical]
    if not places:
        return
    pos = st.toks[trig_i].start
    best = min(places, key=lambda p: abs(p.start - pos))
    d.location = best.canonical


def _to_event(ex: Extractor, st: _Sentence, d: _Draft, dateline: str | None) -> Event:
    extra: dict[str, str] = {k: v for k, v in d.extra.items() if not k.startswith("_")}
    extra["trigger"] = d.trigger
    extra["actor_key"] = d.actor.key
    extra["actor_text"] = d.actor.text
    if d.actor.role:
        extra["actor_role"] = d.actor.role
    if d.date_text:
        extra["date_text"] = d.date_text
    if d.date_precision:
        extra["date_precision"] = d.date_precision
    q = d.quantity
    if q is not None and q.qualifier:
        extra["quantity_qualifier"] = q.qualifier
    location = d.location
    if location is None and dateline is not None:
        location = dateline
        extra["location_from"] = "dateline"
    return Event(
        event_type=d.event_type,
        actor=d.actor.name,
        action=d.action,
        target=d.target,
        location=location,
        event_date=d.event_date,
        quantity=q.text if q is not None else None,
        evidence=st.text,
        evidence_start=st.start,
        evidence_end=st.start + len(st.text),
        confidence=d.confidence,
        extractor_version=ex.rules.version,
        quantity_value=q.value if q is not None else None,
        quantity_unit=q.unit if q is not None else None,
        date_is_planned=d.planned and d.event_date is not None,
        extra=tuple(sorted(extra.items())),
    )
