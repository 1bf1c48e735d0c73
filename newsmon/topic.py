"""Models built once per topic profile (cached): the relevance model and its seeds, the
feed-entry decision built on it, the event extractor with the profile's words and names."""

from __future__ import annotations

from dataclasses import replace
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
    return gazetteer.region(region_centres(profile), r.region_radius_km, exclude=exclude)


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
