"""Who is speaking in a sentence: the speaker of a speech verb or of "according to".

"X said", "said X, the Y", '"...," X said', "according to X", "X told reporters" -- and
not a newspaper ("NewsNation reported" names a source, not a speaker), not a document
("according to the judge's ruling").
"""

from __future__ import annotations

import re

from extractors.cast import Actor, Cast
from extractors.clauses import (
    ParsedSentence,
    cue_before,
    doer_after,
    inside,
    mention_containing,
    subject_of,
    tok_index,
)
from extractors.lexicon import Rules
from extractors.mentions import Mention

_NOT_SPEAKER = frozenset(
    ["The", "This", "That", "It", "He", "She", "They", "We", "Officials", "Police"]
)


_BEFORE_PARTICIPLE = frozenset(["when", "if", "once", "unless", "until", "as", "while"])
_BE = frozenset(["was", "were", "is", "are", "been", "being", "be"])

RULING_SPEECH = frozenset(
    ["wrote", "found", "concluded", "determined", "held", "declared", "ruled"]
)


def find_speaker(rules: Rules, st: ParsedSentence, cast: Cast) -> tuple[int, Mention, Actor] | None:
    """The speaker and speech verb of a sentence, or ``None``."""
    s = st.text
    toks = st.toks
    # "according to X"
    am = re.search(r"\b[Aa]ccording to\s+", s) if "ccording" in s else None
    if am and not inside(am.start(), st.quotes):
        k = tok_index(toks, am.end())
        got = doer_after(st, cast, k, 4, stop=(",",))
        if got is not None and s[got[0].end : got[0].end + 2] in ("’s", "'s"):
            got = None  # "according to the judge's ruling": a document, not a statement
        if got is not None and got[1].role != "media":
            cast.saw(*got)
            return k, got[0], got[1]
    for vi, t in enumerate(toks):
        tag = rules.speech.get(t.text)  # as written: "Said" opening a sentence is a name
        if tag is None or inside(t.start, st.quotes):
            continue
        if tag == "ing" and vi > 0 and toks[vi - 1].text == ",":
            continue  # "..., saying" continues a clause whose verb was seen
        low = t.low
        if low in ("call", "called", "calls") and vi + 1 < len(toks) and toks[vi + 1].low == "up":
            continue
        if low in ("told", "tell", "tells", "telling") and _told_a_party(st, cast, vi):
            continue  # "told the agents he was a resident": what happened, not a statement
        if cue_before(toks, vi, rules.speech_negation, window=3):
            continue  # "has yet to respond", "declined to comment": nothing was said
        prev_low = toks[vi - 1].low if vi > 0 else ""
        if prev_low in _BEFORE_PARTICIPLE:
            continue  # "When asked about it, DHS confirmed": the speaker is asked
        if prev_low in _BE or (vi > 1 and prev_low.endswith("ly") and toks[vi - 2].low in _BE):
            # "was condemned by the governor": the speaker follows "by"
            if vi + 1 < len(toks) and toks[vi + 1].low == "by":
                got = doer_after(st, cast, vi + 2, 4)
                if got is not None and got[1].role != "media":
                    cast.saw(*got)
                    return vi, got[0], got[1]
            continue
        subj = subject_of(st, cast, vi, "STATEMENT", stop_at_speech=False, rules=rules)
        if subj is None:
            # '"...," said X' / '"...," X said'
            prev = toks[vi - 1].text if vi > 0 else ""
            if (
                prev in (",", "”", '"', "’")
                or vi == 0
                or (vi > 1 and toks[vi - 2].text in ("”", '"'))
            ) and not (vi + 1 < len(toks) and toks[vi + 1].low in ("that", "“", '"')):
                # (not "... and wrote that he": the one after "that" is what was said)
                subj = doer_after(st, cast, vi + 1, 6)
        if subj is None and vi > 0 and tag != "ing":
            # '"...," Laine said': a capitalised word right before the verb is a name.
            prev_t = toks[vi - 1]
            if (
                prev_t.cap
                and prev_t.text.isalpha()
                and len(prev_t.text) > 2
                and prev_t.text not in _NOT_SPEAKER
                and mention_containing(st, prev_t.start) is None
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
    return _carried(rules, st, cast)


def _carried(rules: Rules, st: ParsedSentence, cast: Cast) -> tuple[int, Mention, Actor] | None:
    """ "X released a statement", "X issued a sharp dissent": a carrier verb whose object
    (within a few words) is a statement noun makes X the speaker."""
    toks = st.toks
    for vi, t in enumerate(toks):
        if t.low not in rules.carriers or inside(t.start, st.quotes):
            continue
        if not any(tk.low in rules.statement_nouns for tk in toks[vi + 1 : vi + 5]):
            continue
        got = subject_of(st, cast, vi, "STATEMENT", stop_at_speech=False, rules=rules)
        if got is not None and got[1].role != "media":
            cast.saw(*got)
            return vi, got[0], got[1]
    return None


def _told_a_party(st: ParsedSentence, cast: Cast, vi: int) -> bool:
    """ "told the agents ...", "told him ...": words said to someone in the story (not
    to reporters, an outlet, a hearing, the public)."""
    toks = st.toks
    if vi + 1 >= len(toks):
        return False
    nxt = toks[vi + 1].low
    if nxt in ("him", "her", "them", "me", "us"):
        return True
    got = doer_after(st, cast, vi + 1, 3)
    return got is not None and got[1].role == "force"
