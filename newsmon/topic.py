"""Models built once per topic profile (cached): the relevance model and its seeds, the
feed-entry decision built on it, the event extractor with the profile's words and names."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from extractors.events import Extractor
from extractors.lexicon import load_rules
from extractors.mentions import Directory, DirectoryEntry
from extractors.prefilter import PrefilterModel, build_prefilter
from extractors.relevance import RelevanceModel, build_model
from extractors.seeds import parse_seed
from newsmon.profile import TopicProfile


@lru_cache(maxsize=8)
def relevance_model(profile: TopicProfile) -> RelevanceModel:
    """The profile's keywords plus its seed corpus, compiled for :func:`score`."""
    r = profile.relevance
    seed_texts = [
        parse_seed(Path(p).read_text(encoding="utf-8"), Path(p).name).text
        for p in profile.seed_paths
    ]
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
        actors=tuple(
            DirectoryEntry(a.name, a.kind, a.aliases, a.role) for a in profile.actors
        ),
        places=tuple(DirectoryEntry(p.name, p.kind, p.aliases) for p in profile.places),
    )


@lru_cache(maxsize=8)
def event_extractor(profile: TopicProfile) -> Extractor:
    """The event extractor for a profile: the shipped rules plus the profile's words,
    and its names for normalising actors and places."""
    return Extractor(load_rules(profile.events), directory(profile))
