"""One trigger word to one event: its type, doer, date, count, target and place.

A trigger (a word of the rules file) may have several senses ("ordered": a judge's ruling,
troops ordered to a city); the most specific sense whose needs are met wins (a judge for a
ruling, a force for a deployment, a weapon for a use of force, a legal object for a
filing...). A plan or a threat makes it ``ANNOUNCE_PLAN``; a negation or a hypothetical
takes it out; an event needs a doer of a role its type allows.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache

from extractors.cast import Actor, Cast
from extractors.clauses import (
    BOUNDARY,
    DISSENT,
    FUNCTION_WORDS,
    NOUN_BEFORE,
    PREPOSITIONS,
    ROLE_OK,
    ParsedSentence,
    before_text,
    by_agent,
    clause_span,
    doer_after,
    inside,
    is_passive,
    is_planned,
    is_reduced_relative,
    mention_containing,
    mention_ending,
    relative_spans,
    resolve,
    subject_of,
    tok_index,
)
from extractors.dates import find_dates
from extractors.lexicon import Rules, Sense, words_in
from extractors.mentions import Mention
from extractors.quantities import Quantity, QuantityFinder
from extractors.tokens import PhraseIndex, Token


@lru_cache(maxsize=16)
def quantity_finder(rules: Rules) -> QuantityFinder:
    return QuantityFinder(rules.units, rules.passing, rules.reaching)


@lru_cache(maxsize=16)
def trigger_index(rules: Rules) -> PhraseIndex:
    return PhraseIndex(rules.senses)


def _rx(rules: Rules, name: str) -> re.Pattern[str]:
    return rules.objects_rx(name)


@dataclass
class Draft:
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


def _has(rules: Rules, name: str, s: str) -> bool:
    return _rx(rules, name).search(s) is not None


def sense_ok(rules: Rules, st: ParsedSentence, trig_i: int, sense: Sense) -> bool:
    n = sense.needs
    if n is None:
        return True
    if n in ("force", "crowd"):
        return True  # checked on the actor, or on what follows the trigger
    if n == "passive":
        return is_passive(st.toks, trig_i, sense)
    if n in ("legal", "operation", "weapon", "bill", "executive"):
        after = st.text[st.toks[trig_i].start :]
        window = after[:90]
        if n == "legal":
            # "filed a lawsuit", "a lawsuit Illinois filed": the legal word is close.
            window = after[:50] + " " + before_text(st, trig_i, 5)
        return _has(rules, n, window)
    if n == "judicial":
        return True  # checked on the actor
    return True


def action_of(st: ParsedSentence, trig_i: int, max_words: int = 12) -> str:
    toks = st.toks
    out: list[Token] = []
    for t in toks[trig_i : trig_i + max_words]:
        if t.text in (",", ";", ".", "—", "–", "“", "”", '"', "(") or (out and t.low in BOUNDARY):
            break
        out.append(t)
    if not out:
        return toks[trig_i].text
    return st.text[out[0].start : out[-1].end]


def trigger_event(
    rules: Rules,
    st: ParsedSentence,
    cast: Cast,
    trig_i: int,
    span: tuple[int, int],
    sense: Sense,
    speech: tuple[int, Mention, Actor] | None,
    pub: date | None,
) -> Draft | None:
    toks = st.toks
    etype = sense.event_type
    if sense.tag != "noun" and is_reduced_relative(rules, st, trig_i, sense):
        return None
    if (
        sense.tag == "s"
        and trig_i > 0
        and mention_ending(st, trig_i - 1) is None
        and toks[trig_i - 1].low not in ("he", "she", "it", "who", "that", "which")
    ):
        return None  # "immigration raids", "ICE arrests": a plural noun, not a verb
    if (
        sense.tag in ("s", "noun")
        and trig_i + 1 < len(toks)
        and toks[trig_i + 1].low in ("were", "are", "have", "had", "was", "is")
    ):
        # "the increased ICE raids were designed", "Thursday’s ruling was a fait
        # accompli": a happening the sentence describes, not one it reports
        return None
    if (
        sense.tag in ("base", "s", "ing")
        and trig_i > 0
        and (toks[trig_i - 1].low in NOUN_BEFORE or toks[trig_i - 1].text.endswith(("’s", "'s")))
    ):
        return None  # "the arrest of", "Trump's order": a noun, read by its noun sense
    if (
        sense.tag == "past"
        and 0 < trig_i < len(toks) - 1
        and toks[trig_i - 1].low in NOUN_BEFORE
        and toks[trig_i - 1].low != "that"
        and toks[trig_i + 1].text.isalpha()
    ):
        return None  # "the federalized National Guard": an adjective, not a verb
    if (
        etype == "USE_OF_FORCE"
        and trig_i + 1 < len(toks)
        and toks[trig_i + 1].low == "back"
        and not _has(rules, "weapon", st.text)
    ):
        return None  # "the state's lawyers shot back in a filing": a retort
    if sense.tag in ("base", "s") and trig_i > 0 and toks[trig_i - 1].text[:1].isdigit():
        return None  # "in the 600 block of North Avenue": an address, not a blockade
    if sense.tag == "ing" and _gerund(st, trig_i):
        return None  # "in federalizing the Guard", "fears of the administration deploying"
    planned = is_planned(rules, st, trig_i, sense)
    if planned and etype in ("COURT_RULING", "STATEMENT", "OTHER", "PROTEST", "USE_OF_FORCE"):
        return None
    if planned:
        etype = "ANNOUNCE_PLAN"
    got: tuple[Mention, Actor] | None = None
    from_speaker = False
    passive = sense.tag != "noun" and is_passive(toks, trig_i, sense)
    if passive:
        got = by_agent(st, cast, trig_i)
    elif sense.tag == "noun":
        got = by_agent(st, cast, trig_i) or _noun_actor(rules, st, cast, trig_i, sense)
    else:
        got = subject_of(st, cast, trig_i, etype, rules=rules)
    if (
        got is None
        and speech is not None
        and toks[speech[0]].start < toks[trig_i].start
        and (passive or (sense.tag == "noun" and etype == "ARREST_RAID" and _has_count(rules, st)))
        and (
            speech[2].role in ROLE_OK.get(etype, frozenset()) or etype in ("ARREST_RAID", "DEPLOY")
        )
        # A speaker who is not the force ("the plaintiffs said 3,000 people were
        # arrested") reports what the force the article names did.
        and not (
            etype == "ARREST_RAID"
            and passive
            and speech[2].kind in ("person", "group")
            and speech[2].role != "force"
            and cast.last_force is not None
        )
    ):
        # "LAPD officials said 17 people were arrested": the speaker vouches for it.
        got = (speech[1], speech[2])
        from_speaker = True
    released = etype == "OTHER" and sense.needs == "passive"  # "was later released"
    if got is None and passive and (etype in ("ARREST_RAID", "USE_OF_FORCE") or released):
        # "were detained", nobody named: the force the article last named did it, or the
        # one the sentence names after ("was detained after federal agents clashed ...").
        got = _last_force(st, cast, trig_i) or _last_force(st, cast, len(toks) - 1)
    mm: Mention | None
    if (
        got is None
        and passive
        and (etype == "ARREST_RAID" or released)
        and cast.last_force is not None
        and not _in_relative(toks, trig_i)
    ):
        # "44 people were arrested", nobody named in the sentence: the agents the article
        # has been reporting on did it.
        mm, actor = None, cast.last_force
        from_article = True
    elif got is None:
        return None
    else:
        mm, actor = got
        from_article = False
    if actor.role not in ROLE_OK.get(etype, frozenset()) and not (
        etype == "COURT_RULING" and judicial_actor(rules, actor)
    ):
        return None
    if sense.needs == "judicial" and not judicial_actor(rules, actor):
        return None
    if etype == "COURT_RULING" and DISSENT.search(st.text):
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
    d = Draft(
        etype,
        actor,
        action_of(st, trig_i),
        span[0],
        span[1],
        trigger=st.text[span[0] : span[1]],
        planned=planned,
    )
    d.extra["trigger_kind"] = "noun" if sense.tag == "noun" else "verb"
    if sense.tag == "noun" and (
        _told_as_happening(rules, st, trig_i)
        or (etype == "LAWSUIT" and _speech_in(rules, st, trig_i) is not None)
    ):
        d.extra["_happened"] = "1"
    if from_speaker:
        d.extra["actor_from"] = "speaker"
    elif from_article:
        d.extra["actor_from"] = "article"
    d.extra["lemma"] = sense.lemma
    if passive:
        d.extra["voice"] = "passive"
    date_for(rules, st, d, pub, trig_i, speech)
    _quantity_for(rules, st, d, trig_i)
    _location_for(st, d, trig_i)
    if mm is not None:
        _target_for(st, cast, d, trig_i, mm)
        cast.saw(mm, actor)
    return d


def _told_as_happening(rules: Rules, st: ParsedSentence, trig_i: int) -> bool:
    """ "violent protests broke out", "the raids sparked protests": a noun whose own verb
    says it happened (a day may come between: "protests Saturday led to clashes")."""
    toks = st.toks
    happening = _rx(rules, "happening")
    nxt = trig_i + 1
    if nxt + 1 < len(toks) and toks[nxt].cap:
        nxt += 1
    if any(
        happening.match(st.text, toks[k].start) for k in range(trig_i + 1, min(nxt + 1, len(toks)))
    ):
        return True
    causing = _rx(rules, "causing")
    return any(causing.match(st.text, toks[k].start) for k in range(max(0, trig_i - 3), trig_i))


_FILING_DETERMINERS = frozenset(("a", "an", "the", "its", "their", "his", "her"))


def _speech_in(rules: Rules, st: ParsedSentence, trig_i: int) -> int | None:
    """ "State officials argued in an urgent motion", "the city said in its lawsuit": the
    speech verb whose words a filing carries (its index), or ``None``."""
    toks = st.toks
    k = trig_i - 1
    while k >= 0 and trig_i - k <= 2 and toks[k].text.isalpha() and toks[k].text.islower():
        if toks[k].low in _FILING_DETERMINERS:
            break
        k -= 1  # up to two adjectives: "an urgent emergency motion"
    if k < 2 or toks[k].low not in _FILING_DETERMINERS or toks[k - 1].low != "in":
        return None
    return k - 2 if toks[k - 2].low in rules.speech else None


def _gerund(st: ParsedSentence, trig_i: int) -> bool:
    """An -ing form that names the act after a preposition ("in federalizing", "of the
    administration deploying") rather than reporting it."""
    toks = st.toks
    if trig_i == 0:
        return False
    prev = toks[trig_i - 1].low
    if prev in PREPOSITIONS and prev not in ("to",):
        return True
    before = toks[trig_i - 1]
    if (
        before.text.isalpha()
        and before.text.islower()
        and before.low.endswith("s")
        and mention_ending(st, trig_i - 1) is None
        and before.low not in ("is", "was", "has", "as", "this", "its", "us")
    ):
        return True  # "protests sweeping the city": what the protests are doing
    mm = mention_ending(st, trig_i - 1)
    if mm is not None:
        k = tok_index(toks, mm.start) - 1
        while k >= 0 and toks[k].low in ("the", "a", "an"):
            k -= 1
        return k >= 0 and toks[k].low in ("of", "about", "over", "against", "amid")
    return False


_AUX = frozenset(
    ("be", "been", "being", "was", "were", "is", "are", "am", "had", "has", "have", "not")
    + ("also", "since", "already", "later", "then")
)


def _in_relative(toks: Sequence[Token], trig_i: int) -> bool:
    """ "people who had been detained": the passive describes who they are."""
    i = trig_i - 1
    while i >= 0 and (toks[i].low in _AUX or toks[i].low.endswith("ly")):
        i -= 1
    return i >= 0 and toks[i].low in ("who", "that", "which", "whom")


def _force_after(rules: Rules, st: ParsedSentence, trig_i: int) -> bool:
    """ "sent 300 troops", "deployed the National Guard": a force is what was moved."""
    toks = st.toks
    if trig_i + 1 >= len(toks):
        return False
    end = toks[min(len(toks) - 1, trig_i + 8)].end
    window = st.text[toks[trig_i].end : end]
    return words_in(window, rules.force_words)


def _has_count(rules: Rules, st: ParsedSentence) -> bool:
    return any(q.unit in ("arrests", "people") for q in quantity_finder(rules).find(st.text))


def _last_force(st: ParsedSentence, cast: Cast, trig_i: int) -> tuple[Mention, Actor] | None:
    """The force (agents, officers, an agency that arrests) named last before the
    trigger in the same sentence ("... after federal agents clashed with protesters, a
    student was detained")."""
    for mm in reversed(st.mentions):
        if mm.end <= st.toks[trig_i].start and not inside(mm.start, st.quotes):
            a = resolve(st, cast, mm)
            if a is not None and a.role == "force":
                return mm, a
    return None


def judicial_actor(rules: Rules, actor: Actor) -> bool:
    if actor.role == "court":
        return True
    low = actor.text.lower()
    return words_in(low, rules.judicial)


def _executive_actor(rules: Rules, actor: Actor) -> bool:
    low = actor.text.lower()
    return words_in(low, rules.executive)


def _noun_actor(
    rules: Rules, st: ParsedSentence, cast: Cast, trig_i: int, sense: Sense
) -> tuple[Mention, Actor] | None:
    """Who did what a noun names: "a lawsuit Illinois filed", "X's arrest", "protests"."""
    toks = st.toks
    etype = sense.event_type
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
    if etype == "LAWSUIT":
        vi = _speech_in(rules, st, trig_i)
        if vi is not None:
            # "State officials argued in an urgent motion": the filing is theirs.
            return subject_of(st, cast, vi, etype, rules=rules)
    got = subject_of(st, cast, trig_i, etype, rules=rules)
    if got is not None:
        between = {t.low for t in toks[tok_index(toks, got[0].end) : trig_i]}
        if between & rules.light_verbs or not any(t.isalpha() for t in between - FUNCTION_WORDS):
            return got
    # "a lawsuit Illinois and Chicago filed Monday"
    if etype == "LAWSUIT":
        after = doer_after(st, cast, trig_i + 1, 2)
        if after is not None:
            k = tok_index(toks, after[0].end)
            while k < len(toks) and (
                toks[k].low in ("and",) or mention_containing(st, toks[k].start)
            ):
                k += 1
            if k < len(toks) and toks[k].low in ("filed", "brought", "launched", "announced"):
                return after
    return None


def _verb_between(rules: Rules, st: ParsedSentence, a: int, b: int) -> bool:
    lo, hi = min(a, b), max(a, b)
    toks = [t for t in st.toks if lo < t.start and t.end <= hi]
    for t in toks[1:] if a < b else toks:
        if rules.speech.get(t.low) == "past" or any(
            x.tag == "past" for x in rules.senses.get(t.low, ())
        ):
            return True
    return False


def date_for(
    rules: Rules,
    st: ParsedSentence,
    d: Draft,
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
    # A date in the trigger's own clause ("Perry issued the order on Oct. 9"), not in a
    # relative clause about something else ("troops who arrived this week").
    lo, hi = clause_span(st, trig_i)
    rel = relative_spans(st)
    mine = [(a, b) for a, b in rel if a <= pos < b]
    if mine:
        lo, hi = max(lo, mine[0][0]), min(hi, mine[0][1])
    own = [
        x
        for x in cands
        if lo <= x.start and x.end <= hi and (mine or not any(a <= x.start < b for a, b in rel))
    ]
    if own:
        cands = own
    elif rel:
        return
    # A date beyond another verb is that verb's ("issued an order barring the troops
    # Trump federalized on Saturday").
    cands = [x for x in cands if x.start < pos or not _verb_between(rules, st, pos, x.start)]
    if not cands:
        return
    best = min(cands, key=lambda x: abs(x.start - pos) if x.start >= pos else abs(pos - x.end) + 5)
    assert best.value is not None
    d.event_date = best.value.isoformat()
    d.date_text = best.text
    d.planned = d.planned or best.planned
    if best.kind in ("week", "weekend"):
        d.date_precision = best.kind if best.kind == "week" else "week"


def _quantity_for(rules: Rules, st: ParsedSentence, d: Draft, trig_i: int) -> None:
    fits = rules.quantity_units.get(d.event_type)
    if not fits:
        return
    qs = [q for q in quantity_finder(rules).find(st.text) if q.unit in fits]
    if not qs:
        return
    pos = st.toks[trig_i].start
    q = min(qs, key=lambda q: abs(q.start - pos))
    unit = rules.quantity_as.get(d.event_type, {}).get(q.unit)
    d.quantity = q if unit is None else replace(q, unit=unit)  # "1,000 people" arrested


def _target_for(st: ParsedSentence, cast: Cast, d: Draft, trig_i: int, actor_m: Mention) -> None:
    got = doer_after(st, cast, trig_i + 1, 5)
    if got is not None and got[0] is not actor_m and got[1].text != d.actor.text:
        d.target = got[1].key if got[1].kind != "group" else got[1].text


def _location_for(st: ParsedSentence, d: Draft, trig_i: int) -> None:
    places = [mm for mm in st.mentions if mm.kind == "place" and mm.canonical]
    if not places:
        return
    pos = st.toks[trig_i].start
    best = min(places, key=lambda p: abs(p.start - pos))
    d.location = best.canonical
