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
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from extractors.cast import Cast
from extractors.clauses import (
    DISSENT,
    ParsedSentence,
    inside,
    is_negated,
    quoted_spans,
)
from extractors.dates import days_later, find_dates, has_coarse_time, parse_published
from extractors.lexicon import Rules, load_rules
from extractors.mentions import MODIFIERS, Directory, Mention, MentionFinder
from extractors.records import Event
from extractors.sentences import iter_sentences
from extractors.statements import RULING_SPEECH, find_speaker
from extractors.tokens import tokenize
from extractors.triggers import (
    Draft,
    action_of,
    date_for,
    judicial_actor,
    sense_ok,
    trigger_event,
    trigger_index,
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


LOGGER = logging.getLogger(__name__)


MAX_SENTENCES = 4_000


MAX_EVENTS = 300


MIN_SENTENCE_CHARS = 20


_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z .,'’-]{2,40}?)\s*(?:\([A-Za-z .]{1,30}\)\s*)?[—–-]{1,2}\s"
)


_SEED_DATE = re.compile(r"^\s*date\s+((?:19|20)\d\d-\d\d-\d\d)\b\s*")


_QUOTE_OPEN = '“"‘'


_LETTERS = re.compile(r"[^\W\d_]+")


_TERMINAL = re.compile(r"[.!?][”\"’')\]]*\s*$|[.!?,][”\"’]\s*$")


#: A photo caption's tail: "... during the protests on June 8, 2025, in Harbor City,
#: California."
_PHOTO_CAPTION = re.compile(
    r"\bon \w+\.? \d{1,2}, (?:19|20)\d\d, in [A-Z][\w.’' -]*(?:, [A-Z][\w.’' -]*)?\.\s*$"
)


_MARKUP = re.compile(r"[<>{}=|\\]")


EXTRACTOR_VERSION = load_rules().version


_ENGLISH = _words(
    """the of and to a in that is was for on with as by at from he she it they said has have
    had were are be been not but an this which who will would"""
)


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


@lru_cache(maxsize=16)
def _finder(rules: Rules, directory: Directory) -> MentionFinder:
    return MentionFinder(rules, directory)


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
    sentences: list[ParsedSentence] = []
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
        caption = _PHOTO_CAPTION.search(s)
        if caption and pub is None:
            # An undated page: its photo's caption dates the story.
            dated = [d.value for d in find_dates(caption.group(), None) if d.value is not None]
            pub = dated[0] if dated else None
        if not _TERMINAL.search(s) or caption:
            continue  # a headline, a caption, a cut-off excerpt: not a reported sentence
        letters = _LETTERS.findall(s)
        if not letters or sum(len(w) for w in letters) < 0.5 * len(s.replace(" ", "")):
            continue
        toks = tokenize(s)
        sentences.append(ParsedSentence(s, s_start, toks, finder.find(s, toks), quoted_spans(s)))
    if not sentences or not _is_english(sentences):
        return []
    cast = Cast(_generic_words(ex.rules))
    # Pass 1: everyone the article names, so that "a federal judge" in the lede can
    # resolve to the judge named two sentences later.
    for st in sentences:
        for mm in st.mentions:
            if not inside(mm.start, st.quotes):
                cast.register(mm)
        _acronyms(st, cast)
    for st in sentences:
        _surnames(st, cast)
    dateline = _dateline(text[body_start:], ex.directory)
    drafts: list[tuple[ParsedSentence, Draft]] = []
    reported: set[tuple[str, str]] = set()
    said: set[str] = set()  # speaker key -> index of the sentence of their statement
    for st in sentences:
        found = _sentence_events(ex, st, cast, pub, reported)
        _named(st, cast, len(st.text))
        reported.update((d.event_type, d.actor.key) for d in found)
        for d in found:
            if d.event_type == "STATEMENT":
                # One statement per speaker per point: a quotation that opens the
                # sentence, by a speaker who has spoken already, continues that point.
                key = d.actor.key
                quote_first = st.text.lstrip()[:1] in _QUOTE_OPEN + "”"
                if key in said and quote_first:
                    continue
                said.add(key)
            drafts.append((st, d))
        if len(drafts) >= MAX_EVENTS:
            break
    _inherit_dates(drafts, pub)
    out: list[Event] = []
    for st, d in drafts[:MAX_EVENTS]:
        out.append(_to_event(ex, st, d, dateline))
    return out


def _inherit_dates(drafts: Sequence[tuple[ParsedSentence, Draft]], pub: date | None) -> None:
    """Dates a careful reader infers. An event whose sentence gives no date happened on
    the date the article last gave (the story's day carries from sentence to sentence); a
    statement with no date and no date before it was made on the day of publication; the
    lede's events before any date happened on the first day the article gives. A sentence
    that gives a time coarser than a day ("in June", "last month", "since September")
    keeps no date: it is background, not the story's day. Plans keep only the date they
    name. Inferred dates say so (``extra["date_from"]``)."""

    def open_to_inference(st: ParsedSentence, d: Draft) -> bool:
        return (
            d.event_date is None
            and d.event_type != "ANNOUNCE_PLAN"
            and not has_coarse_time(st.text)
        )

    last: str | None = None
    for st, d in drafts:
        if d.event_date is not None:
            if d.event_type != "ANNOUNCE_PLAN":
                last = d.event_date
            continue
        later = days_later(st.text)
        if later is not None and last is not None and d.event_type != "ANNOUNCE_PLAN":
            # "The state sued 3 days later": counted from the day the story last gave.
            d.event_date = (date.fromisoformat(last[:10]) + timedelta(days=later)).isoformat()
            d.extra["date_from"] = "context"
            if pub is None or d.event_date <= pub.isoformat():
                last = d.event_date
            else:
                d.event_date = None
            continue
        if not open_to_inference(st, d):
            continue
        if last is not None:
            d.event_date = last
            d.extra["date_from"] = "context"
        elif d.event_type == "STATEMENT" and pub is not None:
            d.event_date = pub.isoformat()
            d.extra["date_from"] = "published"
    # The lede's events before any date: the day the article first gives.
    first = next(
        (d.event_date for _, d in drafts if d.event_date and d.event_type != "ANNOUNCE_PLAN"),
        None,
    )
    for st, d in drafts:
        if d.event_date is not None and d.extra.get("date_from") is None:
            break
        if first is not None and open_to_inference(st, d):
            d.event_date = first
            d.extra["date_from"] = "context"


def _is_english(sentences: Sequence[ParsedSentence]) -> bool:
    words = [t.low for st in sentences[:20] for t in st.toks if t.text.isalpha()]
    if len(words) < 5:
        return True
    common = sum(w in _ENGLISH for w in words)
    return common >= 0.08 * len(words)


@lru_cache(maxsize=16)
def _generic_words(rules: Rules) -> frozenset[str]:
    words = {w for g in rules.groups for w in g.split()}
    return frozenset(words | MODIFIERS)


def _acronyms(st: ParsedSentence, cast: Cast) -> None:
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


def _surnames(st: ParsedSentence, cast: Cast) -> None:
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


def _sentence_events(
    ex: Extractor,
    st: ParsedSentence,
    cast: Cast,
    pub: date | None,
    reported: set[tuple[str, str]],
) -> list[Draft]:
    rules = ex.rules
    s = st.text
    toks = st.toks
    drafts: dict[str, Draft] = {}
    speech = find_speaker(ex.rules, st, cast)
    # "Since the administration launched the operation on Sept. 8, agents have been
    # carrying out arrests": the opening subordinate clause is background; of two
    # triggers of one type, the main clause's counts.
    opener_end = -1
    if toks and toks[0].low in _SUBORDINATORS:
        opener_end = next((t.start for t in toks if t.text == ","), -1)
    # "In June, the president deployed 4,000 troops": a recap of the story's background
    # told by a time coarser than a day at the head of the sentence.
    m_recap = _RECAP.match(s)
    recap = m_recap is not None and not (
        (pub is not None and m_recap.group("month") == pub.strftime("%B"))
        # ("In June," in a June story is this month's news; "over the past weeks" with a
        # count is an arrest total, news of its own)
        or (m_recap.group("month") is None and _has_figure(st, pub))
    )
    for trig_i, after, form in trigger_index(rules).find(toks):
        span = (toks[trig_i].start, toks[after - 1].end)
        if recap and not speech:
            break
        if inside(span[0], st.quotes):
            continue
        if toks[trig_i].cap and trig_i > 0:
            continue  # "Court of Appeals", "Operation X": part of a name
        if _UNCLEAR.search(s, 0, span[0]):
            continue  # "it is unclear whether DHS plans to appeal": not known to happen
        if st.quotes and toks[trig_i].low in RULING_SPEECH:
            continue  # '"...," the judge wrote': words quoted from a ruling, read below
        senses = rules.senses.get(form, ())
        # Most specific sense first: a judge's order is a ruling, troops ordered are a
        # deployment.
        ordered = sorted(senses, key=lambda x: (x.needs is None, x.needs != "judicial"))
        for sense in ordered:
            if sense.event_type in drafts and not (
                drafts[sense.event_type].trigger_start < opener_end < span[0]
            ):
                continue
            if not sense_ok(rules, st, trig_i, sense):
                continue
            if is_negated(rules, st, trig_i, sense):
                break
            d = trigger_event(ex.rules, st, cast, trig_i, span, sense, speech, pub)
            if d is not None:
                if d.event_type not in drafts or (
                    drafts[d.event_type].trigger_start < opener_end < d.trigger_start
                ):
                    drafts[d.event_type] = d
                break
    # A noun that names a happening ("over the deployment", "against the raids") is
    # what the sentence's own event is about, not a second event; so is a noun in what a
    # speaker said, unless the speaker vouches for a count ("DHS said the raid resulted in
    # the arrests of five").
    vouched = [d for d in drafts.values() if d.extra.get("actor_from") == "speaker"]
    if any(d.extra.get("trigger_kind") == "verb" for d in drafts.values()) or (
        speech is not None and not vouched
    ):
        for k in [
            k
            for k, d in drafts.items()
            if d.extra.get("trigger_kind") == "noun"
            and d.extra.get("actor_from") != "speaker"
            and not d.extra.get("_happened")
        ]:
            del drafts[k]
    # Reported speech that repeats an event the article already reported is a statement.
    if speech is not None:
        for k in [
            k
            for k, d in drafts.items()
            if d.event_type != "ANNOUNCE_PLAN"
            and d.quantity is None  # a new figure is news of its own
            and (d.event_type, d.actor.key) in reported
            and d.trigger_start > toks[speech[0]].start
        ]:
            del drafts[k]
    # Statements: a speaker and a speech verb, unless what was said is itself an event.
    if speech is not None and "STATEMENT" not in drafts:
        verb_i, mm, actor = speech
        verb = toks[verb_i].low
        quoting_ruling = (
            judicial_actor(rules, actor)
            and verb in RULING_SPEECH
            and st.quotes
            and not DISSENT.search(s)
        )
        # (a court's written words quoted: the ruling the article reports, not a statement;
        # a dissent's or a concurrence's words are the justice's own)
        # What a source told the reporter as a fact (a figure, what the police said
        # happened) is the report's material, not a public statement of a position;
        # quoted words stay statements.
        sourced_fact = (
            not st.quotes
            and (
                _has_figure(st, pub)
                or (actor.role == "force" and actor.kind != "person")
                # "He said she is a U.S. citizen": a source's account, told on; "She said the
                # city would not be intimidated" (a stance, with its modal) stays a statement.
                or (
                    toks[0].low in _PRONOUNS
                    and mm.kind == "pronoun"
                    and verb in _NEUTRAL_SPEECH
                    and not any(t.low in _MODALS for t in toks[verb_i + 1 :])
                )
            )
        )
        # What the speaker said is not itself an event of the sentence (events before the
        # saying, by others, are another point: "The board voted to ban X, though some
        # trustees said ...").
        said_is_event = bool(drafts) and not (
            all(d.trigger_start < mm.start and d.actor.key != actor.key for d in drafts.values())
            and any(
                t.low in _ANOTHER_POINT
                for t in toks
                if max(d.trigger_start for d in drafts.values()) < t.start < mm.start
            )
        )
        if not said_is_event and not quoting_ruling and not sourced_fact:
            etype = "STATEMENT"
            if (
                judicial_actor(rules, actor)
                and (verb in RULING_SPEECH or _finding(rules, s[toks[verb_i].end :]))
                and not st.quotes
                and not DISSENT.search(s)
            ):
                etype = "COURT_RULING"  # a judge's written finding is the ruling
            elif _own_plan(st, verb_i):
                etype = "ANNOUNCE_PLAN"  # "Bass said she will consult with the police"
            d = Draft(
                etype,
                actor,
                action_of(st, verb_i),
                toks[verb_i].start,
                toks[verb_i].end,
                trigger=toks[verb_i].text,
            )
            d.extra["trigger_kind"] = "speech"
            date_for(ex.rules, st, d, pub, verb_i)
            drafts[etype] = d
    # The person a sentence is about is the first it names ("Perry referenced Hamilton":
    # the next "she" is Perry).
    for mm in st.mentions:
        if mm.kind == "person" and not inside(mm.start, st.quotes):
            cast.mentioned(mm)
            break
    return list(drafts.values())


_DIGIT = re.compile(r"\d")
_OWN_PLAN = re.compile(
    r"\s*(?:that\s+)?(?:he|she|they|we|it)\s+"
    r"(?:will|would|plans?\s+to|planned\s+to|intends?\s+to|intended\s+to|expects?|expected"
    r"|(?:is|was|are|were)\s+(?:going|planning|preparing)\s+to)\s+(?!not\b)\w+",
    re.IGNORECASE,
)


def _own_plan(st: ParsedSentence, verb_i: int) -> bool:
    """Reported speech about what the speaker will do ("said she will consult", "said it
    plans to appeal", "said she expects the curfew to last"): an announced plan. Quoted
    words stay statements."""
    end = st.toks[verb_i].end
    return not inside(end, st.quotes) and _OWN_PLAN.match(st.text, end) is not None


_RECAP = re.compile(
    r"\s*(?:(?:In|Over) (?:recent|the past|the last)(?: few)? (?:weeks|months|years)\b,?"
    r"|(?:In|Since|Earlier this|Last|Back in) (?:early |late |mid-)?"
    r"(?P<month>January|February|March|April|May|June|July|August|September|October"
    r"|November|December|month|year|spring|summer|fall|winter)\b,?)"
)
_FIGURE = re.compile(r"\d[\d,.]*(?!\d|st\b|nd\b|rd\b|th\b)")
_PRONOUNS = frozenset(("he", "she", "they"))
_SUBORDINATORS = frozenset(("since", "after", "when", "while", "although", "though", "before"))
_NEUTRAL_SPEECH = frozenset(("said", "says", "told", "added", "noted", "explained"))
_MODALS = frozenset(
    ("will", "would", "should", "must", "can", "could", "won't", "wouldn't", "shouldn't", "need")
)
_ANOTHER_POINT = frozenset(("though", "although", "but", "while", "whereas", "yet"))
_UNCLEAR = re.compile(
    r"\b(?:unclear|not clear|uncertain|unknown)\b[^.;]{0,20}?\b(?:if|whether|what|when|how)\b",
    re.IGNORECASE,
)


def _finding(rules: Rules, said: str) -> bool:
    """ "said the deployment violated the Tenth Amendment": a court's finding."""
    low = " " + said.lower() + " "
    return any(f" {w} " in low for w in rules.findings)


def _has_figure(st: ParsedSentence, pub: date | None) -> bool:
    """A number in the sentence that is not part of a date."""
    if _DIGIT.search(st.text) is None:
        return False
    if st.dates is None:
        st.dates = find_dates(st.text, pub)
    spans = [(d.start, d.end) for d in st.dates]
    return any(
        not any(a <= m.start() < b for a, b in spans)
        for m in _FIGURE.finditer(st.text)  # not "the 10th Amendment", "9th Circuit"
    )


def _named(st: ParsedSentence, cast: Cast, upto: int) -> None:
    for mm in st.mentions:
        if mm.start < upto and not inside(mm.start, st.quotes):
            cast.named(mm)


def _to_event(ex: Extractor, st: ParsedSentence, d: Draft, dateline: str | None) -> Event:
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
