"""An event written as an editor's headline: who did what, to whom, where and when
("U.S. District Judge Sara Ellis ordered Gregory Bovino to report to her daily —
Chicago, Oct. 28"), or the evidence sentence when the parts do not make one."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from extractors.lexicon import load_rules
from newsmon.alerts.text import one_line

#: Words that are not a doer: an alert needs someone who did something.
_NOT_ACTORS = frozenset(
    (
        "he", "she", "it", "they", "we", "you", "i", "who", "whom", "which", "that",
        "this", "these", "those", "one", "someone", "somebody", "anyone", "everyone",
        "others", "other", "some", "many", "new", "people",
    )
)  # fmt: skip


#: First words of an "action" that is not something done: "ICE expected to last".
_NOT_ACTIONS = frozenset(
    (
        "to", "be", "been", "being", "is", "are", "was", "were", "am", "expected",
        "likely", "set", "scheduled", "due", "able", "going", "about",
    )
)  # fmt: skip


#: Words of an action that carry no content of their own (auxiliaries, modals,
#: particles): "will begin" and "plans to" have one content word each.
FUNCTION_WORDS = frozenset(
    (
        "to", "a", "an", "the", "of", "for", "on", "in", "at", "by", "with", "from", "into",
        "will", "would", "could", "should", "may", "might", "must", "can", "shall", "has",
        "have", "had", "did", "does", "do", "not", "also", "then", "up", "out", "off",
    )
)  # fmt: skip


#: Verbs complete without an object: "troops arrived — Elwood" is a headline,
#: "DHS launched — Chicago" is not.
_INTRANSITIVE = re.compile(
    r"^(?:arriv|left|leav|withdr[ae]w|withdrawn|depart|return|march|gather|rall|protest|"
    r"die[sd]?|remain|stay|resign|flee|fled|surrender|escap)",
    re.IGNORECASE,
)
_MONTHS = (
    "Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.",
    "Nov.", "Dec.",
)  # fmt: skip
_CONJUNCTIONS = frozenset(("and", "or", "but", "as", "while", "after", "before", "because"))
_COPULAS = frozenset(("is", "was", "are", "were", "be", "been", "being", "has", "had"))


#: Words that, just before the action's verb in its sentence, turn it around ("declined
#: to block", "did not appear"): a headline without them would say the opposite.
_NEGATIONS = frozenset(
    (
        "not", "n't", "never", "no", "declined", "refused", "failed", "declines",
        "refuses", "fails", "without", "unable", "cannot",
    )
)  # fmt: skip
_PASSIVE = frozenset(("was", "were", "been", "being", "is", "are", "be", "got", "gets", "get"))


def _clean(value: object, limit: int) -> str:
    return one_line(value, limit).strip(" ,;:")


def headline_ok(ev: Mapping[str, Any]) -> bool:
    """Whether an event can be written as an editor's headline: a doer the text names
    (not a pronoun or a stray word) and what they did -- a verb phrase with content
    ("ordered Gregory Bovino to report to her daily"), a verb and whom it was done to,
    or a verb that needs no object and where ("arrived" in Elwood) -- not a bare
    trigger word ("launched", "plans to", "will begin") or a fragment ("expected to
    last", "ruling was already a fait accompli"), nor a doer named after the deed
    ("Protesters protest"). Events that fail stay in the event log without an alert."""
    actor = _clean(ev.get("actor"), 120)
    action = _clean(ev.get("action"), 200)
    target = _clean(ev.get("target"), 120)
    if not actor or not any(c.isalpha() for c in actor) or actor.casefold() in _NOT_ACTORS:
        return False
    words = action.split()
    if not words or words[0].casefold() in _NOT_ACTIONS:
        return False
    if len(words) > 1 and words[1].casefold() in _COPULAS:
        return False  # "ruling was ...": a thing described, not a deed
    if stem(words[0]) == stem(actor.split()[-1]):
        return False  # "Protesters protest": the doer was made up from the deed
    content = [w for w in words if w.casefold().strip(".,;:") not in FUNCTION_WORDS]
    if len(content) >= 2 or (content and target):
        return True
    # One verb alone: a headline only when it needs no object and the place is known.
    place = _clean(ev.get("location"), 60)
    return bool(content and place and _INTRANSITIVE.match(content[0]))


def when_text(date: object, published: object = None, planned: bool = False) -> str:
    """An ISO date as a desk writes it: "Oct. 28" ("Oct. 28, 2024" in another year than
    the article's), "planned for Oct. 28" for a planned date."""
    text = str(date or "")
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if not m:
        return ""
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not 1 <= month <= 12:
        return ""
    out = f"{_MONTHS[month - 1]} {day}"
    if str(published or "")[:4] not in ("", str(year)):
        out += f", {year}"
    return f"planned for {out}" if planned else out


def stem(word: str) -> str:
    return re.sub(r"[^a-z]", "", word.casefold())[:6]


def _negated(ev: Mapping[str, Any], first_word: str) -> bool:
    """Whether the action's first word comes, in the evidence, right after a negation
    the action lost ("The judge declined to immediately block the deployment"), or in
    the passive, where the doer is not who the sentence says did it ("a suspect was
    fatally shot during a vehicle stop", read as "ICE shot"): a headline built from
    the parts would say what the sentence does not."""
    evidence = str(ev.get("evidence") or "")
    tokens = re.findall(r"[\w'’]+", evidence.casefold())
    target = re.sub(r"[^\w'’]", "", first_word.casefold())
    for i, tok in enumerate(tokens):
        if tok == target:
            before = tokens[max(0, i - 4) : i]
            if any(t in _NEGATIONS or t.endswith("n't") for t in before):
                return True
            passive = any(t in _PASSIVE for t in tokens[max(0, i - 2) : i])
            if passive and not tok.endswith("ing"):  # "was deploying" is no passive
                return True
    return False


def event_extra(ev: Mapping[str, Any]) -> dict[str, Any]:
    """An events row's ``extra`` (what the extractor says of its reading: the trigger
    and its kind, the voice, the actor as written)."""
    raw = ev.get("extra")
    if isinstance(raw, Mapping):
        return dict(raw)
    try:
        value = json.loads(raw) if raw else {}
    except (TypeError, ValueError):
        return {}
    if isinstance(value, dict):
        return value
    if isinstance(value, list):  # pairs
        return (
            {str(k): v for k, v in value if isinstance(k, str)}
            if all(isinstance(p, list) and len(p) == 2 for p in value)
            else {}
        )
    return {}


def _whole_names(words: list[str], evidence: str) -> list[str]:
    """An action cut inside a name ("objections to Los", the sentence going on with
    "Angeles") loses the name's piece, then any words left hanging ("to")."""
    if not words or not words[-1][:1].isupper():
        return words
    at = evidence.find(" ".join(words))
    if at < 0:
        return words
    after = evidence[at + len(" ".join(words)) :]
    if not re.match(r" [A-Z]", after):
        return words
    out = list(words)
    while out and out[-1][:1].isupper():
        out.pop()
    while out and out[-1].casefold().strip(".,;:") in FUNCTION_WORDS | _CONJUNCTIONS:
        out.pop()
    return out or words


#: Verbs whose past is their base form: "the court put a hold" is past, not bare.
_PAST_AS_BASE = frozenset(
    ("put", "set", "cut", "hit", "let", "shut", "spread", "quit", "cast", "bid", "read")
)


def _noun_clause(ev: Mapping[str, Any]) -> str | None:
    """A happening told by its noun inside a sentence about something else ("... troops
    to the city, where protests Saturday led to clashes between agents and
    demonstrators"): the words from the noun on ("Protests Saturday led to clashes
    between agents and demonstrators"), which the event's action holds. The sentence
    itself would open with the other happening, and read as its alert again."""
    extra = event_extra(ev)
    trigger = str(extra.get("trigger") or "").casefold()
    action = _clean(ev.get("action"), 200)
    if extra.get("trigger_kind") != "noun" or not trigger:
        return None
    if not action.casefold().startswith(trigger) or len(action.split()) < 4:
        return None
    if _clean(ev.get("evidence"), 600).casefold().startswith(trigger):
        return None  # the sentence opens with the happening: it tells it best
    # Only a clause with the noun's own verb of happening ("broke out", "led to") within
    # its next words; the words after any other noun are a fragment ("motion Tuesday
    # that the administration's use of ...").
    verb = load_rules().objects_rx("happening").search(action)
    if verb is None or len(action[: verb.start()].split()) > 3:
        return None
    return action[:1].upper() + action[1:]


def _what(ev: Mapping[str, Any]) -> str | None:
    """ "Actor action" (and whom, when the action is a bare verb), or None when the
    parts do not make a sentence: the actor repeated inside the action ("Federal agents
    detained by federal agents"), an action that ends in mid-phrase is cut back to its
    last content word ("... with clean bedding and" -> "... with clean bedding")."""
    extra = event_extra(ev)
    if extra.get("voice") == "passive" or extra.get("actor_from") == "speaker":
        return None  # the sentence's subject is not the doer: tell it by the sentence
    actor = _clean(extra.get("actor_text") or ev.get("actor"), 120)
    words = _clean(ev.get("action"), 200).split()
    while words and words[-1].casefold().strip(".,;:") in FUNCTION_WORDS | _CONJUNCTIONS:
        words.pop()
    words = _whole_names(words, str(ev.get("evidence") or ""))
    action = " ".join(words).rstrip(".,;:")
    target = _clean(ev.get("target"), 120)
    if not action or actor.casefold() in action.casefold() or _negated(ev, words[0]):
        return None
    trigger = str(extra.get("trigger") or "").casefold()
    if extra.get("trigger_kind") == "noun" and trigger and action.casefold().startswith(trigger):
        return None  # "National Guard rubber bullets ...": no verb to tell it with
    lemma = str(extra.get("lemma") or "").casefold()
    first = words[0].casefold()
    if extra.get("trigger_kind") == "verb" and first == lemma and first not in _PAST_AS_BASE:
        # "place most of the order", "throw a canister": the sentence's "declined to
        # place", "video shows an agent throw"; told by the sentence
        return None
    if words[0].endswith("ing"):  # "deploying": the sentence's "is deploying"
        aux = re.search(
            rf"\b(is|are|was|were|(?:has|have|had) been|will be)\s+(?:\w+\s+)?"
            rf"{re.escape(words[0])}\b",
            str(ev.get("evidence") or ""),
        )
        if aux is None:
            return None  # "agents using tear gas": a clause without its verb
        action = f"{aux.group(1)} {action}"
    what = f"{actor} {action}"
    content = [w for w in words if w.casefold().strip(".,;:") not in FUNCTION_WORDS]
    if target and len(content) == 1 and target.casefold() not in action.casefold():
        what += f" {target}"
    return what[:1].upper() + what[1:]


def event_headline(ev: Mapping[str, Any]) -> str:
    """The headline of an events row: the actor as the text names it, what they did, to
    whom, then where and when: "U.S. District Judge Sara Ellis ordered Gregory Bovino to
    report to her daily — Chicago, Oct. 28". The evidence sentence when the event
    cannot be written so (see :func:`headline_ok`)."""
    what = _what(ev) if headline_ok(ev) else None
    if what is None:
        what = _noun_clause(ev) or _clean(ev.get("evidence"), 200)
    when = when_text(
        ev.get("event_date"), ev.get("article_published"), bool(ev.get("date_is_planned"))
    )
    where_when = ", ".join(p for p in (_clean(ev.get("location"), 60), when) if p)
    return f"{what} — {where_when}" if where_when else what
