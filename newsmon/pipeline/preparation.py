"""Stage 1, ``prepare``: open (and migrate) the database, load the seeds with their
events, sync the profile's places, check the duplicate index, and read what earlier
runs taught (``newsmon.learning``)."""

from __future__ import annotations

from newsmon import learning, store
from newsmon.db import open_db
from newsmon.dupindex import DuplicateIndex, ensure_current
from newsmon.events_store import store_events
from newsmon.pipeline.records import (
    PrepareInfo,
)
from newsmon.places import sync_places
from newsmon.profile import TopicProfile
from newsmon.topic import event_extractor


def prepare(db_path: str, profile: TopicProfile) -> PrepareInfo:
    """Open (and migrate) the database, load the seeds, sync places, check the index."""
    db = open_db(db_path)
    try:
        # One transaction: seeds stored without their events (a crash in between) would
        # never get them, since a seed already stored is not loaded again.
        with db.atomic():
            seeded = store.load_seeds(db, profile)
            sync_places(db, profile)
            rebuilt = ensure_current(db)
            index = DuplicateIndex(db)
            for aid in seeded:
                text, published = db.execute(
                    "select text, published from articles where id = ?", [aid]
                ).fetchone()
                index.add(aid, text)
                # What the seeds report is already known: their events form clusters
                # (so later reports of them join, not alert) but raise no alert.
                events = event_extractor(profile).extract(text, published=published)
                store_events(db, aid, events, containing=profile.containing())
            learn = profile.relevance.learn
            learned = learning.active(db, profile.id) if learn else ()
            centroid = learning.accepted_centroid(db) if learn else ()
        return PrepareInfo(
            seeds_loaded=len(seeded), index_rebuilt=rebuilt or 0, learned=learned, centroid=centroid
        )
    finally:
        db.close()
