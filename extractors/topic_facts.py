"""Facts to track: the figures a story keeps reporting (arrest counts, troop numbers).

A unit is proposed as a tracked fact when the seeds give figures in it in more than one
seed, or when one of the story's theme words is the unit ("troops", "arrests" among the
themes: the story is about counting them even if the seeds have no figure yet). Units of
time ("30 days") are no facts. Figures are read with
:func:`extractors.quantities.find_quantities`, the reader the event extractor uses, so a
fact's unit is the unit events carry.

When the seeds' figures in a unit are mostly running totals ("more than 1,000", "topped
1,500"), the fact only moves up and those words are its keywords: a lower figure is an
older report, and one raid's count is not the total.

Pure: no network, no database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from extractors.quantities import find_quantities
from extractors.sentences import split_sentences
from extractors.topic_entities import SeedText, rules

#: Qualifiers that mark a running total.
RUNNING = frozenset({"more than", "over", "at least", "topped", "passed", "surpassed", "exceeded"})


@dataclass(frozen=True)
class FactProposal:
    key: str
    label: str
    unit: str
    figures: tuple[tuple[str, str], ...]  # (seed, the figure as written)
    themes: tuple[str, ...]  # the themes that name the unit
    direction: str = "any"
    keywords: tuple[str, ...] = ()


def unit_of(word: str) -> str | None:
    """The unit a word counts in ("troops" -> "troops", "deportations" -> "arrests")."""
    found = find_quantities(f"2 {word}")
    return found[0].unit if len(found) == 1 and found[0].text == f"2 {word}" else None


def choose_facts(seeds: Sequence[SeedText], themes: Iterable[str] = ()) -> list[FactProposal]:
    """Tracked figures for these seeds; ``themes`` are the chosen theme words."""
    skip = set(rules()["facts"]["not_facts"])
    figures: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for seed in seeds:
        for sentence in split_sentences(seed.text):
            for q in find_quantities(sentence.text):
                figures[q.unit].append((seed.name, q.text, q.qualifier))
    named: dict[str, list[str]] = defaultdict(list)
    for t in themes:
        u = unit_of(t) if t.islower() and " " not in t else None
        if u is not None:
            named[u].append(t)
    out = []
    for unit in sorted(set(figures) | set(named)):
        found = figures.get(unit, [])
        recurring = len(found) >= 2 and len({s for s, *_ in found}) >= min(2, len(seeds))
        if unit in skip or not (recurring or unit in named):
            continue
        running = sorted({q for _, _, q in found if q in RUNNING})
        up = bool(found) and sum(1 for *_, q in found if q in RUNNING) * 2 > len(found)
        out.append(
            FactProposal(
                key=f"{unit}_count",
                label=f"Number of {unit} reported",
                unit=unit,
                figures=tuple((s, text) for s, text, _ in found),
                themes=tuple(named.get(unit, ())),
                direction="up" if up else "any",
                keywords=tuple(running) if up else (),
            )
        )
    return out
