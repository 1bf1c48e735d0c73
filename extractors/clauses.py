"""Where a trigger's doer, date and qualifiers are in one sentence: rules over tokens.

A sentence is tokenised once (:func:`extractors.mentions.tokenize`) and its mentions found
once (:class:`extractors.mentions.MentionFinder`); these functions walk its tokens:

- :func:`subject_of`: the doer before a verb -- walking left over auxiliaries and adverbs,
  skipping the objects of prepositions and of other verbs, appositions and relative
  clauses, brackets; stopping at a clause boundary; the antecedent of "who"/"which";
  "X and Y" as one doer; "Lawyers for the state of X" as one doer;
- :func:`by_agent` (the by-phrase of a passive), :func:`doer_after` (a doer named after);
- :func:`is_passive`, :func:`is_reduced_relative` ("600 people arrested as part of"),
  :func:`is_negated` and :func:`is_planned` (the words before a trigger).

A dependency parse (spaCy's small English model) finds the same subjects no better on the
real-news corpus and costs four times the extractor's time: see docs/events.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from extractors.cast import Actor, Cast
from extractors.dates import DateMention
from extractors.lexicon import Rules, Sense
from extractors.mentions import Mention
from extractors.tokens import Token


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


AUX = _words("""was were is are be been being get got gets getting has have had 's""")


_ADVERB_OK = _words(
    """also later then allegedly reportedly already since still just again originally initially
    first quickly eventually immediately previously recently temporarily administratively
    briefly now once repeatedly formally officially publicly sharply unanimously jointly
    separately further even ultimately fatally"""
)


FUNCTION_WORDS = _words(
    """the a an its their his her our of for to in on at by with and or new more further"""
)


_FINITE = _words("""will would can could must may might shall should does did do""")


#: Conjunctions that open a clause of its own: the noun after them is its subject.
_NEW_CLAUSE = _words("""but yet so""")


BOUNDARY = _words(
    """; : — – after before when while because although though until unless whereas where
    whether if once as amid"""
)


_PREPOSITIONS = _words(
    """of for in at from to with against on by near about over under into onto through during
    between among toward towards including like than outside inside across behind around
    amid within"""
)


NOUN_BEFORE = _words("""the a an his her their its our this that these those any no every""")


ROLE_OK: dict[str, frozenset[str | None]] = {
    "ARREST_RAID": frozenset({"force", "official", None, "court"}),
    "DEPLOY": frozenset({"force", "official", None}),
    "USE_OF_FORCE": frozenset({"force", None, "crowd"}),
    "COURT_RULING": frozenset({"court"}),
    "LAWSUIT": frozenset({"official", None, "crowd", "force"}),
    "EXECUTIVE_ORDER": frozenset({"official", None}),
    "LEGISLATION": frozenset({"official", None, "court"}),
    "PROTEST": frozenset({"crowd", "official", None}),
    "ANNOUNCE_PLAN": frozenset({"official", None, "force", "court"}),
    "STATEMENT": frozenset({"official", None, "crowd", "force", "court"}),
    "OTHER": frozenset({"official", None, "force", "crowd", "court"}),
}

#: Speech verbs followed by what was said, not by whom it was said to: the doer right
#: after "said" is the subject of what was said ("X said the agency intends to ...").
_CLAUSE_SPEECH = _words(
    """said says say stated states wrote writes added adds noted notes argued argues
    claimed claims confirmed confirms insisted insists alleged alleges announced
    announces reported reports acknowledged acknowledges explained explains contended
    contends maintained maintains predicted predicts suggested suggests posted posts"""
)
#: A dissent or a concurrence: what a justice says, not what the court ruled.
DISSENT = re.compile(r"\b(?:dissent\w*|concurr\w*)\b", re.IGNORECASE)


@dataclass
class ParsedSentence:
    text: str
    start: int
    toks: list[Token]
    mentions: list[Mention]
    quotes: list[tuple[int, int]]
    dates: list[DateMention] | None = None


def quoted_spans(s: str) -> list[tuple[int, int]]:
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


def inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def tok_index(toks: Sequence[Token], pos: int) -> int:
    for k, t in enumerate(toks):
        if t.end > pos:
            return k
    return len(toks)


def mention_ending(st: ParsedSentence, tok_i: int) -> Mention | None:
    t = st.toks[tok_i]
    for mm in st.mentions:
        if mm.start <= t.start and t.end <= mm.end and mm.end == t.end:
            return mm
    return None


def mention_containing(st: ParsedSentence, pos: int) -> Mention | None:
    for mm in st.mentions:
        if mm.start <= pos < mm.end:
            return mm
    return None


_MONTHS = _words(
    """january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec"""
)


def _skippable_parenthetical(st: ParsedSentence, comma_i: int) -> int | None:
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
                or seg[0].low.rstrip(".") in _MONTHS  # "on Sunday, June 8, called up"
                or (mention_ending(st, j - 1) is not None if j > 0 else False)
            ):
                return j
            return None
        if toks[j].text in (";", "“", "”", '"'):
            return None
        j -= 1
    return None


def subject_of(
    st: ParsedSentence,
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
            appos = mention_ending(st, j - 1) if j > 0 else None
            if appos is not None and appos.kind == "person" and j == trig_i - 1:
                k = tok_index(toks, appos.start) - 1
                if k > 0 and toks[k].text == "," and mention_ending(st, k - 1) is None:
                    # "A 57-year-old farmworker, Jaime Alanis, died": the name in the
                    # apposition names the subject.
                    actor = cast.resolve(appos)
                    if actor is not None:
                        return appos, actor
            k2 = _skippable_parenthetical(st, j)
            if k2 is not None:
                j = k2 - 1
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
        if low in BOUNDARY or t.text in ("“", "”", '"', "("):
            break
        if low in ("who", "which") and j > 0:
            k = j - 1
            if toks[k].text == ",":
                k -= 1
            mm = mention_ending(st, k) if k >= 0 else None
            if mm is not None:
                actor = cast.resolve(mm)
                if actor is not None:
                    return mm, actor
            break
        if low == "that" and j > 0 and not seen_verb:
            # "said that X": the complement starts here.
            break
        mm = mention_ending(st, j)
        if (
            mm is None
            and stop_at_speech
            and rules is not None
            and low in rules.speech
            and j > 0
            and mention_containing(st, t.start) is None
        ):
            break
        if (
            mm is not None
            and st.text[mm.end : mm.end + 2] in ("’s", "'s")
            or (mm is not None and toks[j].text.endswith(("’s", "'s")))
        ):
            mm = None  # "Trump's actions": the name modifies a noun
        if mm is not None:
            first = tok_index(toks, mm.start)
            b = first - 1
            while b >= 0 and toks[b].low in ("the", "a", "an"):
                b -= 1  # "to the Department of ...": the preposition is before the article
            before = toks[b].low if b >= 0 else ""
            if before == "as" and not (b == 0 or toks[b - 1].text == "," or j == trig_i - 1):
                # "identified the suspect as X and said": X is no subject; go on left
                # (but "..., as protesters marched": the clause's own subject).
                j = b - 1
                continue
            actor = (
                resolve(st, cast, mm)
                if mm.kind != "place"
                or etype
                in ("LAWSUIT", "STATEMENT", "EXECUTIVE_ORDER", "LEGISLATION", "ANNOUNCE_PLAN")
                else None
            )
            if before in _PREPOSITIONS or (
                rules is not None
                and (
                    before in rules.senses
                    or (before in rules.speech and before not in _CLAUSE_SPEECH)
                )
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
            if actor is not None and actor.role in ROLE_OK[etype]:
                if mm.kind == "group" and pp_head is not None and pp_head[0].start > mm.end:
                    gap = {
                        t.low
                        for t in toks[tok_index(toks, mm.end) : tok_index(toks, pp_head[0].start)]
                    }
                    if gap and gap <= {"of", "for", "with", "from", "the"}:
                        # "Lawyers for the state of Ardenne", "Officers of the X Office"
                        text = st.text[mm.start : pp_head[0].end]
                        named = pp_head[1].kind == "org" and pp_head[1].key
                        return mm, Actor(
                            text,
                            named or _plain(text),
                            actor.role,
                            "group",
                            display=actor.name + st.text[mm.end : pp_head[0].end],
                        )
                # "X and Y sued": both are the doer.
                if first >= 2 and toks[first - 1].low == "and":
                    left = mention_ending(st, first - 2)
                    la = cast.resolve(left) if left is not None else None
                    if left is not None and la is not None:
                        text = st.text[left.start : mm.end]
                        if la.key == actor.key:  # "troops and officers": one kind of doer
                            return left, replace(actor, text=text)
                        return left, Actor(
                            f"{la.text} and {actor.text}" if left.kind != "pronoun" else text,
                            f"{la.key} and {actor.key}",
                            actor.role,
                            "group",
                            display=f"{la.name} and {actor.name}",
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


def resolve(st: ParsedSentence, cast: Cast, mm: Mention) -> Actor | None:
    """Resolve a mention; "he"/"she" first look for a person named earlier in the same
    sentence ("Hector Contreras ... he recalled")."""
    if mm.kind == "pronoun" and mm.head in ("he", "she"):
        for other in reversed(st.mentions):
            if (
                other.end <= mm.start
                and other.kind == "person"
                and not inside(other.start, st.quotes)
            ):
                a = cast.resolve(other)
                if a is not None:
                    return a
    return cast.resolve(mm)


def doer_after(
    st: ParsedSentence, cast: Cast, tok_i: int, limit: int = 8, stop: tuple[str, ...] = ()
) -> tuple[Mention, Actor] | None:
    """The first doer within ``limit`` tokens after token ``tok_i``."""
    toks = st.toks
    for k in range(tok_i, min(len(toks), tok_i + limit)):
        if toks[k].text in (".", ";", "“", "”", '"') or toks[k].text in stop:
            return None
        mm = mention_containing(st, toks[k].start)
        if mm is not None and mm.kind != "place":
            actor = resolve(st, cast, mm)
            if actor is not None:
                return mm, actor
    return None


def by_agent(st: ParsedSentence, cast: Cast, trig_i: int) -> tuple[Mention, Actor] | None:
    toks = st.toks
    for k in range(trig_i + 1, min(len(toks), trig_i + 12)):
        if toks[k].text in (";", ".") or toks[k].low in BOUNDARY:
            return None
        if k > trig_i + 1 and toks[k].low in AUX:
            return None  # "the deployment was condemned by X": X did the condemning
        if toks[k].low == "by":
            return doer_after(st, cast, k + 1, 4)
    return None


def is_passive(toks: Sequence[Token], trig_i: int, sense: Sense) -> bool:
    if sense.tag != "past":
        return False
    j = trig_i - 1
    while j >= 0 and (
        toks[j].low in _ADVERB_OK or toks[j].low.endswith("ly") or toks[j].low == "not"
    ):
        j -= 1
    return j >= 0 and toks[j].low in AUX and toks[j].low not in ("has", "have", "had")


def is_reduced_relative(rules: Rules, st: ParsedSentence, trig_i: int, sense: Sense) -> bool:
    """ "600 people arrested as part of ...": a participle after a noun, not a verb."""
    if sense.tag != "past" or trig_i == 0:
        return False
    if not st.toks[trig_i].low.endswith(("ed", "en", "n", "t", "d")):
        return False  # "took", "swept up"... a simple past, never a participle
    prev = st.toks[trig_i - 1]
    if prev.low in AUX or prev.low in _ADVERB_OK or prev.text == ",":
        return False
    mm = mention_ending(st, trig_i - 1)
    if mm is None and not prev.low.endswith(
        ("people", "immigrants", "migrants", "residents", "men", "women", "children", "workers")
    ):
        return False
    nxt = st.toks[trig_i + 1].low if trig_i + 1 < len(st.toks) else ""
    if not (nxt in _PREPOSITIONS or nxt in ("as", "during", "since", "after", "while", ",")):
        return False
    if mm is not None:
        b = tok_index(st.toks, mm.start) - 1
        while b >= 0 and st.toks[b].low in ("the", "a", "an"):
            b -= 1
        if b >= 0 and st.toks[b].low in _NEW_CLAUSE:
            return False  # "..., but a judge ruled in favor of": a new clause's own verb
    # A participle after a noun is a reduced relative only when the sentence has another
    # verb ("600 people arrested as part of X were released"); "Guard members arrived in
    # Illinois" is the sentence's own verb.
    return any(
        k != trig_i
        and not (mm is not None and mm.start <= t.start < mm.end)  # "The state sued on"
        and (
            t.low in AUX
            or t.low in _FINITE
            or rules.speech.get(t.low) in ("past", "s")
            # a finite verb, not "forcing" or "to leave" (a clause of the same subject)
            or any(x.tag in ("past", "s") for x in rules.senses.get(t.low, ()))
        )
        for k, t in enumerate(st.toks)
    )


def before_text(st: ParsedSentence, tok_i: int, words: int = 5) -> str:
    a = max(0, tok_i - words)
    return " ".join(t.low for t in st.toks[a:tok_i])


#: Negation cues that do not take a ruling out: a court declining to act has ruled.
_RULING_NEGATION_OK = frozenset(("declined to", "refused to", "from", "prevent", "stop"))


@lru_cache(maxsize=16)
def _negation_cues(rules: Rules, ruling: bool) -> tuple[tuple[str, ...], ...]:
    cues = [
        tuple(w.lower().split())
        for w in rules.negation_before
        if not (ruling and w in _RULING_NEGATION_OK)
    ]
    return tuple(c for c in cues if c)


def is_negated(rules: Rules, st: ParsedSentence, trig_i: int, sense: Sense) -> bool:
    """A negation, a hypothetical or a habit in the four words before the trigger ("did
    not arrest", "could deploy", "have repeatedly used")."""
    return cue_before(st.toks, trig_i, _negation_cues(rules, sense.event_type == "COURT_RULING"))


def cue_before(
    toks: Sequence[Token], i: int, cues: Sequence[tuple[str, ...]], window: int = 4
) -> bool:
    """Whether one of ``cues`` (lower-cased word sequences) stands in the ``window``
    words before token ``i``."""
    before = [t.low for t in toks[max(0, i - window) : i]]
    words = set(before)
    return any(
        cue[0] in words and any(before[k : k + len(cue)] == list(cue) for k in range(len(before)))
        for cue in cues
    )


def is_planned(rules: Rules, st: ParsedSentence, trig_i: int, sense: Sense) -> bool:
    if sense.tag not in ("base", "noun"):
        # "plans to deploy", "will send": the trigger is in the base form ("is going to
        # send" excepted).
        return sense.tag == "ing" and " going to " in " " + before_text(st, trig_i, 3) + " "
    before = " " + before_text(st, trig_i, 5) + " "
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
    if any(f" {w.lower()} " in before for w in rules.plan_before):
        return True
    # "would hear arguments on Thursday and rule from the bench": the modal governs both.
    toks = st.toks
    for k in range(trig_i - 1, max(-1, trig_i - 5), -1):
        if toks[k].low in ("and", "or"):
            lo = k - 1
            while lo > 0 and k - lo < 14 and toks[lo].text not in (",", ";", ".", "—", "“", "”"):
                lo -= 1
            head = " " + " ".join(t.low for t in toks[lo:k]) + " "
            return any(f" {w} " in head for w in ("will", "would", "plans to", "plan to"))
        if toks[k].text in (",", ";"):
            break
    return False


_CLAUSE_STARTS = _words("after before when while because although though until")


def relative_spans(st: ParsedSentence) -> list[tuple[int, int]]:
    """Character spans of the relative clauses after a comma ("..., who arrived this
    week,"): what they say is about their antecedent, not the sentence's event."""
    toks = st.toks
    out = []
    for i, t in enumerate(toks):
        if t.low in ("who", "which", "whose") and i > 0 and toks[i - 1].text == ",":
            j = i + 1
            while j < len(toks) and toks[j].text not in (",", ";", ".", "—", "–"):
                j += 1
            out.append((t.start, toks[j - 1].end))
    return out


def clause_span(st: ParsedSentence, trig_i: int) -> tuple[int, int]:
    """Character span of the trigger's clause (to the next clause boundary either side)."""
    toks = st.toks
    stops = _CLAUSE_STARTS
    a = trig_i
    while a > 0 and toks[a - 1].text not in (";", "—", "–") and toks[a - 1].low not in stops:
        a -= 1
    b = trig_i
    while (
        b < len(toks) - 1
        and toks[b + 1].text not in (";", "—", "–")
        and toks[b + 1].low not in stops | {"but"}
    ):
        b += 1
    return toks[a].start, toks[b].end


def clause_of(st: ParsedSentence, trig_i: int) -> str:
    """The words of the trigger's clause (to the next clause boundary either side)."""
    a, b = clause_span(st, trig_i)
    return st.text[a:b]


PREPOSITIONS = _PREPOSITIONS
