"""A topic profile proposed from a few seed articles (the pure half of ``topic new``).

:func:`propose` reads the seeds once with spaCy (:mod:`extractors.topic_entities`) and
puts together what the other ``topic_*`` modules choose:

- **actors** (:mod:`extractors.topic_aliases`): people and bodies, aliases merged;
- **places** (:mod:`extractors.topic_places`): placed with the offline gazetteer;
- **anchors**: what pins the story down: the places of its area, the local people (whose
  title names one of those places: "Illinois Gov.", "Chicago Mayor") by their surname when
  it is a rare word, else by their full name, and the area's demonyms ("Chicagoans");
- **themes** (:mod:`extractors.topic_themes`): words weighed against ordinary English,
  plus the bodies and the rarely-named people the story is about;
- **facts** (:mod:`extractors.topic_facts`): the figures to track;
- **feeds**: news-search feeds built from the home place and the top themes.

Every choice carries its reason (counts, which seeds) for the profile's comments. Pure:
no network, no database; the command in :mod:`newsmon.topic_new` writes the file.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus

from extractors.topic_aliases import ActorProposal, merge_actors
from extractors.topic_entities import Mention, SeedText, entity_inventory
from extractors.topic_facts import FactProposal, choose_facts
from extractors.topic_places import Candidate, Gazetteer, PlaceProposal, choose_places
from extractors.topic_themes import ThemeProposal, choose_themes, zipf

#: A surname rarer than this (wordfreq Zipf) names its person alone ("Pritzker"); a
#: common one ("Johnson") needs the full name.
RARE_NAME_ZIPF = 3.0
#: How many themes the search feeds combine.
FEED_TERMS = 3


@dataclass(frozen=True)
class Anchor:
    term: str
    why: str


@dataclass(frozen=True)
class Proposal:
    seeds: tuple[SeedText, ...]
    actors: tuple[ActorProposal, ...]
    places: tuple[PlaceProposal, ...]
    anchors: tuple[Anchor, ...]
    themes: tuple[ThemeProposal, ...]
    facts: tuple[FactProposal, ...]
    home: Candidate | None = None
    feeds: tuple[tuple[str, str], ...] = ()
    suburbs: tuple[tuple[str, int, float], ...] = field(default=())


def seeds_label(seeds: Sequence[str], total: int) -> str:
    """In which seeds: "in all 5 seeds", "in 2 of 5 seeds (000_d664b64a…, 004)"."""
    if len(seeds) == total and total > 1:
        return f"in all {total} seeds"
    short = [s if len(s) <= 14 else s[:12] + "…" for s in seeds]
    return f"in {len(seeds)} of {total} seeds ({', '.join(short)})"


def n_mentions(n: int) -> str:
    return f"{n} mention" + ("" if n == 1 else "s")


def _names_place(text: str, places: set[str]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text) for p in places)


def _local(actor: ActorProposal, anchor_places: set[str]) -> bool:
    """A person whose title names a place of the story's area ("Chicago Mayor"), or a
    body whose name does ("Chicago Police Department")."""
    if actor.kind == "person":
        return any(_names_place(t, anchor_places) for t in actor.titles)
    return _names_place(actor.name, anchor_places)


def _anchors(
    actors: Sequence[ActorProposal],
    places: Sequence[PlaceProposal],
    suburbs: Sequence[tuple[str, int, float]],
    mentions: Sequence[Mention],
    home: Candidate | None,
    n: int,
) -> tuple[list[Anchor], set[str]]:
    out: list[Anchor] = []
    area = {p.name for p in places if p.anchor}
    for p in places:
        if not p.anchor:
            continue
        why = f"{n_mentions(p.mentions)} {seeds_label(p.seeds, n)}; {p.why}"
        out.append(Anchor(p.name, why))
        out.extend(Anchor(a, f"another name of {p.name}") for a in p.aliases if len(a) > 3)
    if suburbs and home is not None:
        for name, pop, km in suburbs:
            out.append(Anchor(name, f"gazetteer: population {pop:,}, {km:.0f} km from {home.name}"))
    local = {a.name for a in actors if _local(a, area)}
    for a in actors:
        if a.kind != "person" or a.name not in local or len(a.seeds) < min(2, n):
            continue
        surname = a.name.split()[-1]
        term = surname if zipf(surname) < RARE_NAME_ZIPF else a.name
        title = max(a.titles, key=lambda t: (_names_place(t, area), len(t)))
        why = f"{title} {a.name}: {n_mentions(a.mentions)} {seeds_label(a.seeds, n)}"
        out.append(Anchor(term, why))
    demonyms: dict[str, int] = {}
    for m in mentions:
        if m.label == "NORP" and any(m.text.startswith(p) and m.text != p for p in area):
            demonyms[m.text] = demonyms.get(m.text, 0) + 1
    out.extend(
        Anchor(d, f"the people of the story's place ({n_mentions(c)})") for d, c in demonyms.items()
    )
    unique: dict[str, Anchor] = {}
    for anchor in out:
        unique.setdefault(anchor.term.casefold(), anchor)
    return list(unique.values()), local


def _name_themes(
    actors: Sequence[ActorProposal], local: set[str]
) -> list[tuple[str, int, Sequence[str]]]:
    """Bodies and rarely-named people, not local: weighed as themes."""
    out: list[tuple[str, int, Sequence[str]]] = []
    for a in actors:
        if a.name in local or a.derived:
            continue
        if a.kind == "person":
            surname = a.name.split()[-1]
            if zipf(surname) < RARE_NAME_ZIPF:
                out.append((surname, a.mentions, a.seeds))
            continue
        for form in (a.name, *a.aliases):
            if form.split()[0][:1].isupper():
                out.append((form, a.mentions, a.seeds))
    return out


def _feeds(home: Candidate | None, themes: Sequence[ThemeProposal]) -> tuple[tuple[str, str], ...]:
    if home is None or not themes:
        return ()
    names = [t.term for t in themes if t.source == "name"][:FEED_TERMS]
    words = [t.term for t in themes if t.source != "name"][: max(1, FEED_TERMS - len(names))]
    terms = " OR ".join(f'"{t}"' if " " in t else t for t in [*names, *words])
    google = quote_plus(f"{home.name} ({terms})")
    bing = quote_plus(f"{home.name} {' '.join(words[:2])}")
    return (
        (
            f"Google News search: {home.name} ({terms})",
            f"https://news.google.com/rss/search?q={google}&hl=en-US&gl=US&ceid=US:en",
        ),
        (
            f"Bing News search: {home.name} {' '.join(words[:2])}",
            f"https://www.bing.com/news/search?q={bing}&format=rss",
        ),
    )


def propose(
    seeds: Sequence[SeedText], *, nlp: Any = None, gaz: Gazetteer | None = None
) -> Proposal:
    """Everything a profile needs, chosen from ``seeds``; see the module docstring."""
    inv = entity_inventory(seeds, nlp)
    texts = [s.full_text for s in seeds]
    actors = merge_actors(inv.mentions, texts)
    people = {n for a in actors if a.kind == "person" for n in (a.name, *a.aliases)}
    found = choose_places(inv.mentions, exclude=people, gaz=gaz)
    n = len(seeds)
    anchors, local = _anchors(actors, found.places, found.suburbs, inv.mentions, found.home, n)
    themes = choose_themes(
        [(s.name, s.full_text) for s in seeds],
        names=_name_themes(actors, local),
        exclude=[a.term for a in anchors],
        word_class=inv.word_class,
        lemma=inv.lemma,
    )
    facts = choose_facts(seeds, [t.term for t in themes])
    return Proposal(
        seeds=tuple(seeds),
        actors=tuple(actors),
        places=found.places,
        anchors=tuple(anchors),
        themes=tuple(themes),
        facts=tuple(facts),
        home=found.home,
        feeds=_feeds(found.home, themes),
        suburbs=found.suburbs,
    )
