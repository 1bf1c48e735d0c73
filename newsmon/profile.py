"""Topic profiles: everything newsmon knows about one story lives in a TOML file.

The code is topic-agnostic; a profile names the feeds, the words that make an article
on-topic, the actors and places (with aliases and coordinates), and the facts to track.
See ``seeds/chicago-immigration-2025.toml`` for a complete, commented example.
"""

from __future__ import annotations

import glob
import logging
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from extractors.lexicon import Additions, RulesError, additions_from_mapping
from newsmon.errors import ProfileError
from newsmon.profile_sections import (
    AlertsSpec,
    DigestSpec,
    FactSpec,
    parse_alerts,
    parse_digest,
    parse_facts,
)

LOGGER = logging.getLogger(__name__)

#: The profile used when none is given: the first topic, shipped in ``seeds/``.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PROFILE = PROJECT_ROOT / "seeds" / "chicago-immigration-2025.toml"


@dataclass(frozen=True)
class FeedSpec:
    url: str
    name: str | None = None


@dataclass(frozen=True)
class Actor:
    """A person or organisation. ``name`` is the canonical form stored in events."""

    name: str
    aliases: tuple[str, ...] = ()
    kind: str = "organization"  # person | organization | government | group
    role: str | None = None
    #: The profile's actor this one belongs to ("ICE" is part of "DHS", "Donald Trump"
    #: of the "Trump administration"): suing one or the other can be the same lawsuit.
    part_of: str | None = None


@dataclass(frozen=True)
class Place:
    name: str
    aliases: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    kind: str = "place"
    #: The profile's place that contains this one ("Elwood" is within "Illinois"): a
    #: report of an event "in Illinois" and one "at Elwood" can be the same event.
    within: str | None = None


@dataclass(frozen=True)
class RelevanceSpec:
    """What makes an article on-topic.

    ``anchors`` pin the story down (usually places: an article about the National Guard
    in Memphis shares the themes but none of the anchors). ``themes`` are the subject
    words. An article is relevant when its combined score reaches ``threshold`` and it
    mentions at least ``min_anchor_hits`` distinct anchors.
    """

    anchors: tuple[str, ...]
    themes: tuple[str, ...]
    negative: tuple[str, ...] = ()
    threshold: float = 0.45
    min_anchor_hits: int = 1
    min_theme_hits: int = 2
    seed_weight: float = 0.5
    #: How prominent the anchors must be: a mention in the title counts 3, in the lead
    #: (first 120 words) 2, further down 1. The default 3 means "in the title, or in
    #: the lead and once more, or three times": a passing mention is not enough.
    min_anchor_strength: float = 3.0
    #: Towns within this distance of the story's places (the profile's places that are
    #: anchors or lie within one) count as anchors too; 0 turns it off.
    region_radius_km: float = 50.0
    #: The themes that are the subject itself ("immigration", "ICE"), not words it shares
    #: with other news ("raid", "arrests"): when given, an article needs one of them.
    core_themes: tuple[str, ...] = ()
    #: Whether the monitor learns anchors from accepted articles (``newsmon.learning``).
    learn: bool = True
    #: Anchors learned from accepted articles (not from the file: the monitor adds them
    #: from the database at the start of a run, see ``newsmon.learning``).
    learned: tuple[str, ...] = ()
    #: The centroid of the articles accepted so far (word, weight), joined to the seeds'
    #: vectors by the relevance model (``newsmon.learning``; not from the file).
    accepted_centroid: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class FetchSpec:
    timeout: float = 20.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    per_host_delay: float = 0.0
    max_articles_per_run: int = 500
    #: Judge each new feed item from its entry (title, summary, categories, link) and
    #: fetch only those that may be on the topic (extractors.prefilter).
    prefilter: bool = True
    user_agent: str = "newsmon/0.1 (+https://github.com/newsmon/newsmon; self-hosted news monitor)"


@dataclass(frozen=True)
class TopicProfile:
    id: str
    name: str
    path: Path
    description: str = ""
    language: str = "en"
    timezone: str = "UTC"
    feeds: tuple[FeedSpec, ...] = ()
    seed_paths: tuple[Path, ...] = ()
    relevance: RelevanceSpec = field(default_factory=lambda: RelevanceSpec((), ()))
    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    fetch: FetchSpec = field(default_factory=FetchSpec)
    allow_private_hosts: bool = False
    notify: tuple[str, ...] = ()
    #: When the story began (ISO date, ``[topic] start``): articles published before it
    #: are background, not the story.
    start: str | None = None
    #: Words the profile adds to the event extractor's rules (its ``[events]`` section).
    events: Additions = field(default_factory=Additions)
    #: The whole parsed TOML. ``facts``, ``alerts`` and ``digest`` below are read from
    #: it (and checked when the profile loads): a copy made with another ``raw``
    #: (``dataclasses.replace``) reads its own.
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def section(self, name: str) -> Any:
        return self.raw.get(name)

    @cached_property
    def facts(self) -> tuple[FactSpec, ...]:
        """``[[facts]]``: the figures, dates and statuses to track (ProfileError if bad)."""
        return parse_facts(self.raw.get("facts"), str(self.path))

    @cached_property
    def alerts(self) -> AlertsSpec:
        """``[alerts]``: which event types raise NEW_EVENT (ProfileError if bad)."""
        return parse_alerts(self.raw.get("alerts"), str(self.path))

    @cached_property
    def digest(self) -> DigestSpec:
        """``[digest]``: urgent kinds, entries shown in full (ProfileError if bad)."""
        return parse_digest(self.raw.get("digest"), str(self.path))

    def containing_places(self) -> dict[str, frozenset[str]]:
        """For each place, every place of the profile that contains it (``within``,
        followed up: a neighbourhood is within its city and the city's state)."""
        return _ancestors({p.name: p.within for p in self.places})

    def containing_actors(self) -> dict[str, frozenset[str]]:
        """For each actor, every actor of the profile it is part of (``part_of``,
        followed up: ICE is part of DHS and of the Trump administration)."""
        return _ancestors({a.name: a.part_of for a in self.actors})

    def containing(self) -> dict[str, frozenset[str]]:
        """Places and actors together (what event clustering compares)."""
        out = self.containing_places()
        for name, up in self.containing_actors().items():
            out[name] = out.get(name, frozenset()) | up
        return out


def _ancestors(parent: Mapping[str, str | None]) -> dict[str, frozenset[str]]:
    out: dict[str, frozenset[str]] = {}
    for name in parent:
        up: list[str] = []
        at: str | None = parent[name]
        while at is not None and at not in up and len(up) <= len(parent):
            up.append(at)
            at = parent.get(at)
        out[name] = frozenset(up)
    return out


def _within(value: Any, where: str, path: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        kind = "actor" if where.startswith("actors") else "place"
        raise ProfileError(path, f"{where} must be the name of another {kind}")
    return value.strip()


def _check_within(
    parent: Sequence[tuple[str, str | None]], table: str, key: str, path: str
) -> None:
    """Each ``within`` (places) or ``part_of`` (actors) names another entry of the same
    table, and they do not go round."""
    names = {name for name, _ in parent}
    up = dict(parent)
    kind = table.removesuffix("s")
    for i, (name, first) in enumerate(parent):
        if first is None:
            continue
        if first not in names:
            raise ProfileError(
                path,
                f"{table}[{i}] ({name}): {key} = {first!r} is not the name of a {kind} "
                "in this profile",
            )
        chain: list[str] = [name]
        at: str | None = first
        while at is not None:
            if at in chain:
                raise ProfileError(
                    path, f"{table}: '{key}' goes round in a circle: {' → '.join([*chain, at])}"
                )
            chain.append(at)
            at = up.get(at)


def _strs(value: Any, where: str, path: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(path, f"{where} must be a list of strings")
    return tuple(v for v in value if v.strip())


def _table(raw: Mapping[str, Any], key: str, path: str) -> Mapping[str, Any]:
    value = raw.get(key, {})
    if not isinstance(value, Mapping):
        raise ProfileError(path, f"[{key}] must be a table")
    return value


def _tables(raw: Mapping[str, Any], key: str, path: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ProfileError(path, f"[[{key}]] must be an array of tables")
    return value


def _number(value: Any, where: str, path: str, default: float) -> float:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ProfileError(path, f"{where} must be a number, not {value!r}")
    return float(value)


def _start(value: Any, path: str) -> str | None:
    """``[topic] start``: a date (TOML date or "YYYY-MM-DD")."""
    if value is None:
        return None
    import datetime as dt

    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10]).isoformat()
        except ValueError:
            pass
    raise ProfileError(path, f"[topic] start must be a date such as 2025-08-15, not {value!r}")


def _bool(value: Any, where: str, path: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise ProfileError(path, f"{where} must be true or false, not {value!r}")
    return value


def topic_slug(text: str) -> str:
    """``text`` (a topic id, a file name) as lowercase letters, digits and single dashes:
    what deployment names, artifact keys and proposed topic ids are made of."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "topic"


def expand_env(value: str) -> str:
    """Expand ``$VAR``/``${VAR}`` so secrets stay in the environment, not in files."""
    return os.path.expandvars(value)


def load_profile(path: str | os.PathLike[str] | None = None) -> TopicProfile:
    """Read and validate a topic profile. Raises :class:`ProfileError` with the reason."""
    p = Path(path) if path is not None else DEFAULT_PROFILE
    sp = str(p)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise ProfileError(sp, "file not found") from None
    except OSError as exc:
        raise ProfileError(sp, f"cannot read: {exc.strerror}") from None
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ProfileError(sp, "not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(sp, f"invalid TOML: {exc}") from None
    return profile_from_dict(raw, p)


def profile_from_dict(raw: Mapping[str, Any], path: Path) -> TopicProfile:
    sp = str(path)
    topic = _table(raw, "topic", sp)
    topic_id = topic.get("id")
    if not isinstance(topic_id, str) or not topic_id.strip():
        raise ProfileError(sp, "[topic] needs an id (a short name such as 'chicago-2025')")
    name = topic.get("name", topic_id)
    if not isinstance(name, str):
        raise ProfileError(sp, "[topic] name must be a string")

    feeds = []
    for i, f in enumerate(_tables(raw, "feeds", sp)):
        url = f.get("url")
        if not isinstance(url, str) or not url.strip():
            raise ProfileError(sp, f"feeds[{i}] needs a url")
        feeds.append(FeedSpec(url=url.strip(), name=f.get("name")))

    base = path.parent
    seed_paths: list[Path] = []
    for pattern in _strs(topic.get("seeds"), "[topic] seeds", sp):
        matches = sorted(glob.glob(str(base / pattern)))
        if not matches:
            raise ProfileError(sp, f"seed pattern {pattern!r} matches no file")
        seed_paths.extend(Path(m) for m in matches)

    rel = _table(raw, "relevance", sp)
    relevance = RelevanceSpec(
        anchors=_strs(rel.get("anchors"), "[relevance] anchors", sp),
        themes=_strs(rel.get("themes"), "[relevance] themes", sp),
        negative=_strs(rel.get("negative"), "[relevance] negative", sp),
        threshold=_number(rel.get("threshold"), "[relevance] threshold", sp, 0.45),
        min_anchor_hits=int(_number(rel.get("min_anchor_hits"), "min_anchor_hits", sp, 1)),
        min_theme_hits=int(_number(rel.get("min_theme_hits"), "min_theme_hits", sp, 2)),
        seed_weight=_number(rel.get("seed_weight"), "[relevance] seed_weight", sp, 0.5),
        min_anchor_strength=_number(
            rel.get("min_anchor_strength"), "[relevance] min_anchor_strength", sp, 3.0
        ),
        region_radius_km=_number(
            rel.get("region_radius_km"), "[relevance] region_radius_km", sp, 50.0
        ),
        learn=rel.get("learn_anchors", True),
        core_themes=_strs(rel.get("core_themes"), "[relevance] core_themes", sp),
    )
    if not isinstance(relevance.learn, bool):
        raise ProfileError(sp, "[relevance] learn_anchors must be true or false")
    if not relevance.themes:
        raise ProfileError(sp, "[relevance] needs at least one theme keyword")
    if not 0.0 <= relevance.threshold <= 1.0:
        raise ProfileError(sp, "[relevance] threshold must be between 0 and 1")
    if not 0.0 <= relevance.region_radius_km <= 500.0:
        raise ProfileError(sp, "[relevance] region_radius_km must be between 0 and 500")

    actors = []
    for i, a in enumerate(_tables(raw, "actors", sp)):
        if not isinstance(a.get("name"), str):
            raise ProfileError(sp, f"actors[{i}] needs a name")
        actors.append(
            Actor(
                name=a["name"],
                aliases=_strs(a.get("aliases"), f"actors[{i}].aliases", sp),
                kind=str(a.get("kind", "organization")),
                role=a.get("role"),
                part_of=_within(a.get("part_of"), f"actors[{i}].part_of", sp),
            )
        )
    _check_within([(a.name, a.part_of) for a in actors], "actors", "part_of", sp)
    places = []
    for i, pl in enumerate(_tables(raw, "places", sp)):
        if not isinstance(pl.get("name"), str):
            raise ProfileError(sp, f"places[{i}] needs a name")
        lat, lon = pl.get("lat"), pl.get("lon")
        places.append(
            Place(
                name=pl["name"],
                aliases=_strs(pl.get("aliases"), f"places[{i}].aliases", sp),
                lat=None if lat is None else _number(lat, f"places[{i}].lat", sp, 0.0),
                lon=None if lon is None else _number(lon, f"places[{i}].lon", sp, 0.0),
                kind=str(pl.get("kind", "place")),
                within=_within(pl.get("within"), f"places[{i}].within", sp),
            )
        )
    _check_within([(p.name, p.within) for p in places], "places", "within", sp)

    fe = _table(raw, "fetch", sp)
    dflt = FetchSpec()
    fetch = FetchSpec(
        timeout=_number(fe.get("timeout"), "[fetch] timeout", sp, dflt.timeout),
        max_bytes=int(_number(fe.get("max_bytes"), "[fetch] max_bytes", sp, dflt.max_bytes)),
        max_redirects=int(
            _number(fe.get("max_redirects"), "[fetch] max_redirects", sp, dflt.max_redirects)
        ),
        per_host_delay=_number(
            fe.get("per_host_delay"), "[fetch] per_host_delay", sp, dflt.per_host_delay
        ),
        max_articles_per_run=int(
            _number(
                fe.get("max_articles_per_run"),
                "[fetch] max_articles_per_run",
                sp,
                dflt.max_articles_per_run,
            )
        ),
        user_agent=str(fe.get("user_agent", dflt.user_agent)),
        prefilter=_bool(fe.get("prefilter"), "[fetch] prefilter", sp, dflt.prefilter),
    )
    if fetch.timeout <= 0 or fetch.max_bytes <= 0:
        raise ProfileError(sp, "[fetch] timeout and max_bytes must be positive")

    notify = _strs(_table(raw, "digest", sp).get("notify"), "[digest] notify", sp)
    try:
        events = additions_from_mapping(_table(raw, "events", sp))
    except RulesError as exc:
        raise ProfileError(sp, str(exc)) from None
    allow_private = topic.get("allow_private_hosts", False)
    if not isinstance(allow_private, bool):
        raise ProfileError(sp, "[topic] allow_private_hosts must be true or false")

    profile = TopicProfile(
        id=topic_id.strip(),
        name=name,
        path=path,
        description=str(topic.get("description", "")),
        language=str(topic.get("language", "en")),
        timezone=str(topic.get("timezone", "UTC")),
        start=_start(topic.get("start"), sp),
        feeds=tuple(feeds),
        seed_paths=tuple(seed_paths),
        relevance=relevance,
        actors=tuple(actors),
        places=tuple(places),
        fetch=fetch,
        allow_private_hosts=allow_private,
        notify=notify,
        events=events,
        raw=raw,
    )
    # Every section is checked now, so a mistake stops a run before it starts.
    _ = (profile.facts, profile.alerts, profile.digest)
    return profile
