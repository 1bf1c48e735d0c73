"""Models built once per topic profile (cached): the relevance model and its seeds, the
feed-entry decision built on it, the event extractor with the profile's words and names."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import fields, replace
from functools import lru_cache
from pathlib import Path

from extractors import gazetteer
from extractors.events import Extractor
from extractors.lexicon import load_rules
from extractors.mentions import Directory, DirectoryEntry
from extractors.prefilter import PrefilterModel, build_prefilter
from extractors.relevance import RelevanceModel, build_model
from extractors.seeds import parse_seed
from newsmon.profile import TopicProfile

LOGGER = logging.getLogger(__name__)

#: Kinds of place too large to be the centre of a story's region: their towns are not
#: all the story's (a state's, a country's).
WIDE_PLACE_KINDS = frozenset({"state", "country", "region", "province"})


def region_centres(profile: TopicProfile) -> list[tuple[float, float]]:
    """Coordinates of the story's own places: the profile's places named as anchors (by
    name or alias) or lying within one (``within``, followed up), states excepted."""
    anchors = {a.casefold() for a in profile.relevance.anchors}
    named = {
        p.name for p in profile.places if any(n.casefold() in anchors for n in (p.name, *p.aliases))
    }
    up = profile.containing_places()
    return [
        (p.lat, p.lon)
        for p in profile.places
        if p.lat is not None
        and p.lon is not None
        and p.kind not in WIDE_PLACE_KINDS
        and (p.name in named or up.get(p.name, frozenset()) & named)
    ]


def region(profile: TopicProfile) -> gazetteer.Region:
    """The places near the story's places and far from them (see extractors.gazetteer)."""
    r = profile.relevance
    if r.learned or r.accepted_centroid:  # what is learned never moves the region
        profile = replace(profile, relevance=replace(r, learned=(), accepted_centroid=()))
    return _region(profile)


@lru_cache(maxsize=8)
def _region(profile: TopicProfile) -> gazetteer.Region:
    r = profile.relevance
    if r.region_radius_km <= 0:
        return gazetteer.Region((), (), ())
    exclude = (*r.anchors, *r.themes, *r.negative)
    centres = region_centres(profile)
    path = _region_cache_path(centres, r.region_radius_km, exclude)
    cached = _read_region(path) if path is not None else None
    if cached is not None:
        return cached
    found = gazetteer.region(centres, r.region_radius_km, exclude=exclude)
    if path is not None:
        _write_region(path, found)
    return found


# The region is the slowest thing a run builds (about a second of CPU: the gazetteer's
# 47,000 places, word frequencies of the candidate names), and every run -- each a new
# process when scheduled -- would build the same one again. It is kept in the user's
# cache directory (``NEWSMON_CACHE_DIR``, else ``$XDG_CACHE_HOME/newsmon`` or
# ``~/.cache/newsmon``) under a key of everything it depends on: the centres, radius and
# excluded words, the gazetteer's data file and code, and wordfreq's version. A cache
# that cannot be read or written is skipped, never an error.


def cache_dir() -> Path:
    """Where newsmon keeps what it can rebuild (see above)."""
    env = os.environ.get("NEWSMON_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsmon"


def _region_cache_path(
    centres: Sequence[tuple[float, float]], radius_km: float, exclude: Iterable[str]
) -> Path | None:
    try:
        from importlib.metadata import version

        data = gazetteer.DATA.stat()
        code = Path(gazetteer.__file__).read_bytes()
        key = json.dumps(
            [
                sorted(centres),
                radius_km,
                sorted({e.casefold() for e in exclude}),
                [data.st_size, data.st_mtime_ns],
                hashlib.sha256(code).hexdigest(),
                version("wordfreq"),
            ]
        )
    except (OSError, ValueError, ImportError):
        return None
    return cache_dir() / f"region-{hashlib.sha256(key.encode()).hexdigest()[:24]}.json"


def _read_region(path: Path) -> gazetteer.Region | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return gazetteer.Region(*(tuple(str(x) for x in raw[f]) for f in _REGION_FIELDS))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_region(path: Path, found: gazetteer.Region) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps({f: list(getattr(found, f)) for f in _REGION_FIELDS}))
        os.replace(tmp, path)  # whole or absent, whoever writes it at the same time
    except OSError as exc:
        LOGGER.debug("region not cached (%s): %s", path, exc)


_REGION_FIELDS = tuple(f.name for f in fields(gazetteer.Region))


@lru_cache(maxsize=8)
def relevance_model(profile: TopicProfile) -> RelevanceModel:
    """The profile's keywords, its seed corpus, the places around the story and the
    anchors learned so far, compiled for :func:`extractors.relevance.score`."""
    r = profile.relevance
    seed_texts = [
        parse_seed(Path(p).read_text(encoding="utf-8"), Path(p).name).text
        for p in profile.seed_paths
    ]
    places = region(profile)
    return build_model(
        anchors=r.anchors,
        themes=r.themes,
        negative=r.negative,
        seed_texts=seed_texts,
        threshold=r.threshold,
        min_anchor_hits=r.min_anchor_hits,
        min_theme_hits=r.min_theme_hits,
        seed_weight=r.seed_weight,
        min_anchor_strength=r.min_anchor_strength,
        near_places=places.near,
        far_places=places.far,
        ambiguous_places=places.ambiguous,
        home_places=places.home,
        learned_anchors=r.learned,
        accepted_vector=dict(r.accepted_centroid),
        start=profile.start,
        core_themes=r.core_themes,
    )


@lru_cache(maxsize=8)
def prefilter_model(profile: TopicProfile) -> PrefilterModel:
    """The feed-entry decision for the profile: its relevance model plus the names and
    aliases of its actors (see :mod:`extractors.prefilter`)."""
    names = [n for a in profile.actors for n in (a.name, *a.aliases)]
    return build_prefilter(relevance_model(profile), names)


def directory(profile: TopicProfile) -> Directory:
    """What the profile knows of names: actors and places with their aliases."""
    return Directory(
        actors=tuple(DirectoryEntry(a.name, a.kind, a.aliases, a.role) for a in profile.actors),
        places=tuple(DirectoryEntry(p.name, p.kind, p.aliases) for p in profile.places),
    )


@lru_cache(maxsize=8)
def event_extractor(profile: TopicProfile) -> Extractor:
    """The event extractor for a profile: the shipped rules plus the profile's words,
    and its names for normalising actors and places."""
    return Extractor(load_rules(profile.events), directory(profile))
