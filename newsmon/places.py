"""The topic profile's places, written to the database so Datasette can map events.

Events store ``location`` as text (a place name or one of its aliases). The
``event_map`` view joins that text, case-insensitively, through ``place_aliases`` to
``places`` and its ``latitude``/``longitude``, which datasette-cluster-map draws.
The pipeline calls :func:`sync_places` at the start of every run, so editing the
profile's ``[[places]]`` is all it takes to move or add a marker. It also brings the
reading-room views over optional tables and columns up to date
(:func:`newsmon.db.refresh_views`).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import sqlite_utils

from newsmon.db import refresh_views
from newsmon.profile import TopicProfile

LOGGER = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlacesSynced:
    """What :func:`sync_places` did."""

    places: int
    aliases: int
    removed: int
    without_coordinates: tuple[str, ...] = ()
    views_updated: tuple[str, ...] = ()


def sync_places(db: sqlite_utils.Database, profile: TopicProfile) -> PlacesSynced:
    """Make ``places`` and ``place_aliases`` match ``profile.places``, in one transaction.

    Idempotent: running it twice changes nothing. Places of this topic that the profile
    no longer lists are removed; places written by another topic are left alone. When
    two places claim the same alias (case-insensitively), the first in the profile wins.
    Also creates the reading-room views whose tables a later migration added.
    """
    if not db["places"].exists():
        raise RuntimeError("the places table is missing: open the database with open_db()")
    rows = []
    aliases: dict[str, tuple[str, str]] = {}  # lower(alias) -> (alias, place)
    for place in profile.places:
        rows.append(
            {
                "name": place.name,
                "kind": place.kind,
                "latitude": place.lat,
                "longitude": place.lon,
                "aliases": json.dumps(list(place.aliases), ensure_ascii=False),
                "topic": profile.id,
            }
        )
        for alias in (place.name, *place.aliases):
            key = alias.strip().casefold()
            if not key:
                continue
            if key in aliases and aliases[key][1] != place.name:
                LOGGER.warning(
                    "alias %r names both %r and %r; keeping %r",
                    alias,
                    aliases[key][1],
                    place.name,
                    aliases[key][1],
                )
                continue
            aliases.setdefault(key, (alias.strip(), place.name))
    names = [r["name"] for r in rows]
    missing = tuple(str(r["name"]) for r in rows if r["latitude"] is None or r["longitude"] is None)

    with db.atomic():
        placeholders = ", ".join("?" for _ in names)
        stale_sql = "SELECT name FROM places WHERE topic = ?" + (
            f" AND name NOT IN ({placeholders})" if names else ""
        )
        stale = [r[0] for r in db.execute(stale_sql, [profile.id, *names]).fetchall()]
        for name in stale:
            db.execute("DELETE FROM place_aliases WHERE place = ?", [name])
            db.execute("DELETE FROM places WHERE name = ?", [name])
        if rows:
            db.table("places").upsert_all(rows, pk="name")
            for name in names:
                db.execute("DELETE FROM place_aliases WHERE place = ?", [name])
            db.table("place_aliases").insert_all(
                [{"alias": a, "place": p} for a, p in aliases.values()],
                pk="alias",
                replace=True,
            )
    views = refresh_views(db)
    if missing:
        LOGGER.info("places without coordinates (not on the map): %s", ", ".join(missing))
    return PlacesSynced(
        places=len(rows),
        aliases=len(aliases),
        removed=len(stale),
        without_coordinates=missing,
        views_updated=tuple(views),
    )
