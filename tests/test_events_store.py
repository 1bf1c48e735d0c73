"""store_events: idempotent writes inside the caller's transaction, and clustering."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlite_utils import Database

from extractors.events import EXTRACTOR_VERSION
from extractors.records import Event
from newsmon.events_store import StoredEvents, store_events
from newsmon.profile import TopicProfile

BASE = Event(
    event_type="DEPLOY",
    actor="National Guard",
    action="arrived",
    target=None,
    location="Elwood",
    event_date="2025-10-07",
    quantity="200 troops",
    evidence="About 200 Texas National Guard troops arrived in Elwood on Tuesday.",
    evidence_start=0,
    evidence_end=68,
    confidence=0.9,
    extractor_version=EXTRACTOR_VERSION,
    quantity_value=200.0,
    quantity_unit="troops",
    extra=(("trigger", "arrived"),),
)


def event(**kw: Any) -> Event:
    return replace(BASE, **kw)


def article(
    db: Database, source: str, published: str = "2025-10-07T12:00:00-05:00", url: str | None = None
) -> int:
    url = (
        url or f"https://{source}/story-{db.execute('SELECT count(*) FROM articles').fetchone()[0]}"
    )
    cur = db.execute(
        "INSERT INTO articles (url, status, source, published, text)"
        " VALUES (?, 'relevant', ?, ?, '')",
        [url, source, published],
    )
    assert cur.lastrowid is not None
    return cur.lastrowid


def store(
    db: Database, article_id: int, events: list[Event], revision: int | None = None
) -> StoredEvents:
    with db.atomic():
        return store_events(db, article_id, events, revision=revision)


def cluster(db: Database, cid: int) -> dict[str, Any]:
    return dict(next(iter(db.query("SELECT * FROM event_clusters WHERE id = ?", [cid]))))


def test_ten_outlets_one_cluster_ten_mentions(fresh_db: Database) -> None:
    results = []
    for i in range(10):
        aid = article(fresh_db, f"outlet{i}.example", f"2025-10-07T{10 + i:02d}:00:00-05:00")
        results.append(store(fresh_db, aid, [event(evidence_start=i * 3)]))
    assert len(results[0].new_cluster_ids) == 1
    cid = results[0].new_cluster_ids[0]
    for r in results[1:]:
        assert r.new_cluster_ids == ()
        assert r.joined_cluster_ids == (cid,)
    c = cluster(fresh_db, cid)
    assert (c["mentions"], c["articles"], c["sources"]) == (10, 10, 10)
    assert c["first_source"] == "outlet0.example"
    assert c["first_reported"].startswith("2025-10-07T10:00")
    assert fresh_db.execute("SELECT count(DISTINCT cluster_id) FROM events").fetchone()[0] == 1


def test_sources_are_distinct_outlets(fresh_db: Database) -> None:
    a1 = article(fresh_db, "wire.example")
    a2 = article(fresh_db, "wire.example")  # the same outlet's second story
    a3 = article(fresh_db, "ledger.example")
    cid = store(fresh_db, a1, [event()]).new_cluster_ids[0]
    store(fresh_db, a2, [event()])
    store(fresh_db, a3, [event()])
    c = cluster(fresh_db, cid)
    assert (c["mentions"], c["articles"], c["sources"]) == (3, 3, 2)


def test_first_report_is_the_earliest_published_not_the_first_stored(fresh_db: Database) -> None:
    late = article(fresh_db, "late.example", "2025-10-08T09:00:00-05:00")
    early = article(fresh_db, "early.example", "2025-10-07T08:00:00-05:00")
    cid = store(fresh_db, late, [event()]).new_cluster_ids[0]
    store(fresh_db, early, [event()])
    c = cluster(fresh_db, cid)
    assert (c["first_article_id"], c["first_source"]) == (early, "early.example")
    assert c["last_reported"].startswith("2025-10-08")


@pytest.mark.parametrize(
    ("other", "same"),
    [
        ({"event_date": "2025-10-08"}, True),  # a day apart: same event
        ({"event_date": "2025-10-06"}, True),
        ({"event_date": "2025-10-09"}, False),  # two days apart: another event
        ({"event_date": "2025-11-07"}, False),
        ({"actor": "CBP"}, False),
        ({"event_type": "ARREST_RAID"}, False),
        ({"location": "Broadview"}, False),
        ({"location": None}, True),  # one report did not name the place
        ({"target": "ICE"}, True),  # one report named a target, the other did not
        ({"event_date": None}, True),  # a later undated mention refers back to it
    ],
)
def test_cluster_key(fresh_db: Database, other: dict[str, Any], same: bool) -> None:
    a1 = article(fresh_db, "one.example")
    a2 = article(fresh_db, "two.example")
    first = store(fresh_db, a1, [event()])
    second = store(fresh_db, a2, [event(**other)])
    if same:
        assert second.joined_cluster_ids == first.new_cluster_ids
    else:
        assert second.new_cluster_ids and second.new_cluster_ids != first.new_cluster_ids


WEEK = (("trigger", "arrived"), ("date_text", "last week"), ("date_precision", "week"))


@pytest.mark.parametrize(
    ("first", "later", "same"),
    [
        # BASE is Tuesday 2025-10-07; "last week" in a story of Oct. 16 is the week of
        # Monday Oct. 6 (stored as that Monday): any of its seven days matches.
        ({}, {"event_date": "2025-10-06", "extra": WEEK}, True),
        ({"event_date": "2025-10-12"}, {"event_date": "2025-10-06", "extra": WEEK}, True),
        ({"event_date": "2025-10-14"}, {"event_date": "2025-10-06", "extra": WEEK}, False),
        ({"event_date": "2025-10-03"}, {"event_date": "2025-10-06", "extra": WEEK}, False),
        # ... and the other way round: the week came first, the exact day later.
        ({"event_date": "2025-10-06", "extra": WEEK}, {"event_date": "2025-10-09"}, True),
        ({"event_date": "2025-10-06", "extra": WEEK}, {"event_date": "2025-10-14"}, False),
        ({"event_date": "2025-10-06", "extra": WEEK}, {"event_date": "2025-10-06", "extra": WEEK},
         True),
        # Without the precision, a Monday is a Monday.
        ({"event_date": "2025-10-09"}, {"event_date": "2025-10-06"}, False),
    ],
)  # fmt: skip
def test_a_date_known_only_to_the_week_matches_any_day_of_it(
    fresh_db: Database, first: dict[str, Any], later: dict[str, Any], same: bool
) -> None:
    a1 = article(fresh_db, "one.example")
    a2 = article(fresh_db, "two.example", "2025-10-16T12:00:00-05:00")
    one = store(fresh_db, a1, [event(**first)])
    two = store(fresh_db, a2, [event(**later)])
    if same:
        assert two.joined_cluster_ids == one.new_cluster_ids
    else:
        assert two.new_cluster_ids and two.new_cluster_ids != one.new_cluster_ids
    precision = cluster(fresh_db, one.new_cluster_ids[0])["date_precision"]
    assert precision == ("week" if "extra" in first else None)


def test_last_week_does_not_guess_between_two_events_of_that_week(fresh_db: Database) -> None:
    """Two rulings by one judge that week (Monday and Thursday): "last week" could be
    either, so it joins neither; an exact date still finds its own."""
    monday = store(fresh_db, article(fresh_db, "a.example"), [event(event_date="2025-10-06")])
    thursday = store(fresh_db, article(fresh_db, "b.example"), [event(event_date="2025-10-09")])
    vague = store(
        fresh_db,
        article(fresh_db, "c.example", "2025-10-16T12:00:00-05:00"),
        [event(event_date="2025-10-06", extra=WEEK)],
    )
    assert vague.new_cluster_ids and vague.joined_cluster_ids == ()
    exact = store(fresh_db, article(fresh_db, "d.example"), [event(event_date="2025-10-09")])
    assert exact.joined_cluster_ids == thursday.new_cluster_ids
    assert monday.new_cluster_ids != thursday.new_cluster_ids


IN_ILLINOIS = {
    "Chicago": frozenset({"Illinois"}),
    "Pilsen": frozenset({"Chicago", "Illinois"}),
    "Little Village": frozenset({"Chicago", "Illinois"}),
    "Elwood": frozenset({"Illinois"}),
}


@pytest.mark.parametrize(
    ("first", "later", "same"),
    [
        ("Elwood", "Illinois", True),  # the state and a place in it
        ("Illinois", "Elwood", True),
        ("Pilsen", "Illinois", True),  # two levels up
        ("Pilsen", "Chicago", True),
        ("Pilsen", "Little Village", False),  # two places in one city are two places
        ("Chicago", "Portland", False),
        ("Elwood", "Broadview", False),  # not in the map: only equal names agree
    ],
)
def test_a_place_agrees_with_the_places_that_contain_it(
    fresh_db: Database, first: str, later: str, same: bool
) -> None:
    def put(source: str, location: str) -> StoredEvents:
        with fresh_db.atomic():
            return store_events(
                fresh_db,
                article(fresh_db, source),
                [event(location=location)],
                containing=IN_ILLINOIS,
            )

    one, two = put("one.example", first), put("two.example", later)
    if same:
        assert two.joined_cluster_ids == one.new_cluster_ids
    else:
        assert two.new_cluster_ids and two.new_cluster_ids != one.new_cluster_ids


def test_a_target_agrees_with_the_actors_it_is_part_of(fresh_db: Database) -> None:
    """The demo's lawsuit: "Illinois and Chicago sued President Donald Trump" on Monday,
    then, undated, "the same day that Illinois and Chicago sued the Trump
    administration". One lawsuit. A suit against the City of Chicago is another."""
    part_of = {"Donald Trump": frozenset({"Trump administration"}), "DHS": frozenset(
        {"Trump administration"})}  # fmt: skip
    suit = event(event_type="LAWSUIT", actor="State of Illinois", location="Chicago")

    def put(source: str, published: str, e: Event) -> StoredEvents:
        with fresh_db.atomic():
            return store_events(
                fresh_db, article(fresh_db, source, published), [e], containing=part_of
            )

    first = put("ledger.example", "2025-10-06T15:00:00-05:00",
                replace(suit, target="Donald Trump", event_date="2025-10-06"))  # fmt: skip
    later = put("windy.example", "2025-10-06T20:00:00-05:00",
                replace(suit, target="Trump administration", event_date=None))  # fmt: skip
    assert later.joined_cluster_ids == first.new_cluster_ids
    same_day = put("herald.example", "2025-10-07T08:00:00-05:00",
                   replace(suit, target="DHS", event_date="2025-10-06"))  # fmt: skip
    assert same_day.new_cluster_ids  # DHS and Trump are both in the administration,
    # but neither is part of the other: not enough to say it is the same lawsuit
    other = put("dispatch.example", "2025-10-07T09:00:00-05:00",
                replace(suit, target="City of Chicago", event_date="2025-10-06"))  # fmt: skip
    assert other.new_cluster_ids


def test_last_week_in_the_state_joins_the_undated_ruling_at_a_place_in_it(
    fresh_db: Database,
) -> None:
    """The demo's case: "Judge April Perry issued a temporary restraining order" (no date,
    at Elwood) on Thursday Oct. 9; a week later "Perry last week blocked the deployment
    of National Guard troops in Illinois". One ruling: one cluster, one alert."""
    ruling = event(event_type="COURT_RULING", actor="April Perry", target=None)

    def put(
        source: str, published: str, e: Event, containing: dict[str, frozenset[str]] | None
    ) -> StoredEvents:
        with fresh_db.atomic():
            aid = article(fresh_db, source, published)
            return store_events(fresh_db, aid, [e], containing=containing)

    herald = replace(ruling, event_date="2025-10-06", location="Illinois",
                     target="National Guard", extra=WEEK)  # fmt: skip
    first = put("wire.example", "2025-10-09T18:00:00-05:00",
                replace(ruling, event_date=None, location="Elwood"), IN_ILLINOIS)  # fmt: skip
    later = put("herald.example", "2025-10-16T09:00:00-05:00", herald, IN_ILLINOIS)
    assert later.joined_cluster_ids == first.new_cluster_ids
    # Not knowing that Elwood is in Illinois, the same report stays apart (precision
    # over recall).
    unknown = put("ledger.example", "2025-10-16T10:00:00-05:00", herald, None)
    assert unknown.new_cluster_ids and unknown.joined_cluster_ids == ()


def test_undated_back_reference_joins_only_one_off_events(fresh_db: Database) -> None:
    """A ruling is referred back to ("Perry's order"); a raid or a quote recurs."""
    for kind, joins in (("COURT_RULING", True), ("ARREST_RAID", False), ("STATEMENT", False)):
        first = store(
            fresh_db,
            article(fresh_db, f"a-{kind}.example", "2025-10-09T10:00:00-05:00"),
            [event(event_type=kind, event_date="2025-10-09")],
        )
        later = store(
            fresh_db,
            article(fresh_db, f"b-{kind}.example", "2025-10-20T10:00:00-05:00"),
            [event(event_type=kind, event_date=None, location="Illinois")],
        )
        assert (later.joined_cluster_ids == first.new_cluster_ids) is joins, kind
    # Beyond the window, an undated mention starts its own cluster.
    old = store(
        fresh_db,
        article(fresh_db, "c.example", "2025-12-30T10:00:00-06:00"),
        [event(event_type="COURT_RULING", event_date=None, location="Illinois")],
    )
    assert old.new_cluster_ids


def test_dated_report_joins_an_undated_first_report_of_that_day(fresh_db: Database) -> None:
    first = store(
        fresh_db,
        article(fresh_db, "a.example", "2025-10-09T18:00:00-05:00"),
        [event(event_type="COURT_RULING", event_date=None, location="Elwood")],
    )
    later = store(
        fresh_db,
        article(fresh_db, "b.example", "2025-11-16T10:00:00-06:00"),
        [event(event_type="COURT_RULING", event_date="2025-10-09", location=None)],
    )
    assert later.joined_cluster_ids == first.new_cluster_ids
    other_day = store(
        fresh_db,
        article(fresh_db, "c.example", "2025-11-17T10:00:00-06:00"),
        [event(event_type="COURT_RULING", event_date="2025-10-23", location=None)],
    )
    assert other_day.new_cluster_ids  # another ruling, two weeks later


def test_different_targets_are_different_events(fresh_db: Database) -> None:
    a1, a2 = article(fresh_db, "one.example"), article(fresh_db, "two.example")
    base = event(event_type="LAWSUIT", actor="State of Illinois", location=None)
    store(fresh_db, a1, [replace(base, target="Trump administration")])
    r = store(fresh_db, a2, [replace(base, target="DHS")])
    assert r.new_cluster_ids


def test_undated_events_cluster_only_close_in_time(fresh_db: Database) -> None:
    e = event(event_type="STATEMENT", actor="Justice Department", location=None, event_date=None)
    a1 = article(fresh_db, "one.example", "2025-10-09T10:00:00-05:00")
    a2 = article(fresh_db, "two.example", "2025-10-10T10:00:00-05:00")
    a3 = article(fresh_db, "three.example", "2025-11-20T10:00:00-05:00")
    cid = store(fresh_db, a1, [e]).new_cluster_ids[0]
    assert store(fresh_db, a2, [e]).joined_cluster_ids == (cid,)
    assert store(fresh_db, a3, [e]).new_cluster_ids  # six weeks later: another statement


def test_undated_cluster_does_not_creep_forward(fresh_db: Database) -> None:
    e = event(event_type="STATEMENT", actor="DHS", location=None, event_date=None)
    days = ["2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04"]
    results = [
        store(fresh_db, article(fresh_db, f"o{i}.example", d), [e]) for i, d in enumerate(days)
    ]
    cid = results[0].new_cluster_ids[0]
    assert results[1].joined_cluster_ids == (cid,)
    assert results[2].new_cluster_ids and results[2].new_cluster_ids != (cid,)


def test_unknown_actor_needs_a_place(fresh_db: Database) -> None:
    a1, a2 = article(fresh_db, "one.example"), article(fresh_db, "two.example")
    vague = event(event_type="USE_OF_FORCE", actor=None, location=None)
    store(fresh_db, a1, [vague])
    assert store(fresh_db, a2, [vague]).new_cluster_ids  # too vague to call it the same
    placed = event(event_type="PROTEST", actor=None, location="Broadview")
    a3, a4 = article(fresh_db, "three.example"), article(fresh_db, "four.example")
    cid = store(fresh_db, a3, [placed]).new_cluster_ids[0]
    assert store(fresh_db, a4, [placed]).joined_cluster_ids == (cid,)


def test_idempotent(fresh_db: Database) -> None:
    aid = article(fresh_db, "one.example")
    evs = [event(), event(event_type="STATEMENT", actor="JB Pritzker", evidence_start=100)]
    first = store(fresh_db, aid, evs)
    again = store(fresh_db, aid, evs)
    assert again.event_ids == first.event_ids
    assert (again.new_cluster_ids, again.joined_cluster_ids) == ((), ())
    assert fresh_db.execute("SELECT count(*) FROM events").fetchone()[0] == 2
    assert fresh_db.execute("SELECT count(*) FROM event_clusters").fetchone()[0] == 2
    assert {r["mentions"] for r in fresh_db.query("SELECT mentions FROM event_clusters")} == {1}


def test_row_contents(fresh_db: Database) -> None:
    aid = article(fresh_db, "one.example")
    eid = store(fresh_db, aid, [event(date_is_planned=True)]).event_ids[0]
    row = dict(next(iter(fresh_db.query("SELECT * FROM events WHERE id = ?", [eid]))))
    assert row["evidence"].startswith("About 200")
    assert (row["quantity_value"], row["quantity_unit"], row["date_is_planned"]) == (
        200.0,
        "troops",
        1,
    )
    assert row["extra"] == '{"trigger": "arrived"}'
    assert row["cluster_id"] is not None


def test_runs_inside_the_callers_transaction(fresh_db: Database) -> None:
    aid = article(fresh_db, "one.example")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), fresh_db.atomic():
        store_events(fresh_db, aid, [event()])
        assert fresh_db.conn.in_transaction  # store_events did not commit
        raise Boom
    assert fresh_db.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    assert fresh_db.execute("SELECT count(*) FROM event_clusters").fetchone()[0] == 0


def test_empty_event_list(fresh_db: Database) -> None:
    aid = article(fresh_db, "one.example")
    assert store(fresh_db, aid, []) == StoredEvents((), (), ())


def test_extracted_seed_article_stored_by_three_outlets(
    fresh_db: Database, profile: TopicProfile
) -> None:
    from pathlib import Path

    from newsmon.topic import event_extractor

    text = (
        Path(__file__).resolve().parent.parent
        / "seeds"
        / "chicago-immigration-2025"
        / "001_0ddfd030a1922397.txt"
    ).read_text()
    evs = event_extractor(profile).extract(text, published="2025-09-01")
    assert evs
    ids = [article(fresh_db, f"o{i}.example", "2025-09-01") for i in range(3)]
    first = store(fresh_db, ids[0], evs)
    # Reports of one happening within the article share a cluster; every event has one.
    assert 0 < len(first.new_cluster_ids) <= len(evs)
    for aid in ids[1:]:
        r = store(fresh_db, aid, evs)
        assert r.new_cluster_ids == ()
        assert sorted(r.joined_cluster_ids) == sorted(first.new_cluster_ids)
    assert {r["sources"] for r in fresh_db.query("SELECT sources FROM event_clusters")} == {3}


def test_revisions_are_stored_apart(fresh_db: Database) -> None:
    if "revision" not in fresh_db["events"].columns_dict:
        pytest.skip("events has no revision column in this schema")
    aid = article(fresh_db, "one.example")
    first = store(fresh_db, aid, [event()])
    fresh_db.execute("UPDATE articles SET revision = 2 WHERE id = ?", [aid])
    second = store(fresh_db, aid, [event()])  # default: the article's current revision
    assert second.event_ids != first.event_ids
    assert store(fresh_db, aid, [event()], revision=1).event_ids == first.event_ids
    revs = [r[0] for r in fresh_db.execute("SELECT revision FROM events ORDER BY id").fetchall()]
    assert revs == [1, 2]
    # The rewrite reports the same event: it joins the cluster, it is not a new one.
    assert second.joined_cluster_ids == first.new_cluster_ids


def test_incremental_cluster_counts_equal_a_full_recount(fresh_db: Database) -> None:
    """store_events updates a cluster's counts, first and last report from the events it
    adds instead of recounting: after many articles (several outlets, one without a
    source, published out of order, a repeat report from the same article, one with no
    date at all) every cluster holds what refresh_cluster's recount gives."""
    import random

    from newsmon.events_store import refresh_cluster

    db = fresh_db
    rng = random.Random(5)
    actors = ["National Guard", "ICE", "Border Patrol"]
    days = ["2025-10-06", "2025-10-07", "2025-10-08"]
    sources = ["a.example", "b.example", "c.example", None]
    stamps = [f"2025-10-{d:02d}T{h:02d}:00:00-05:00" for d in (7, 8, 9) for h in (6, 12, 18)]
    for i in range(60):
        src = rng.choice(sources)
        published = rng.choice([*stamps, None])
        aid = article(db, src or "unknown", published or "", url=f"https://x/{i}")
        if src is None:
            db.execute("UPDATE articles SET source = NULL WHERE id = ?", [aid])
        if published is None:
            db.execute(
                "UPDATE articles SET published = NULL, fetched_at = ? WHERE id = ?",
                [rng.choice(stamps), aid],
            )
        evs = [
            event(actor=rng.choice(actors), event_date=rng.choice(days), evidence_start=k * 100)
            for k in range(rng.randint(1, 4))
        ]
        store(db, aid, evs)
    fields = (
        "mentions, articles, sources, last_reported, first_event_id, first_article_id,"
        " first_source, first_reported"
    )
    clusters = db.execute(f"SELECT id, {fields} FROM event_clusters ORDER BY id").fetchall()
    assert len(clusters) >= 5
    assert max(c[1] for c in clusters) >= 10  # clusters with many reports
    with db.atomic():
        for c in clusters:
            refresh_cluster(db, c[0], "2025-10-10T00:00:00+00:00")
    assert db.execute(f"SELECT id, {fields} FROM event_clusters ORDER BY id").fetchall() == clusters


def test_an_unnamed_doer_joins_the_named_one_reported_earlier_in_the_same_article(
    fresh_db: Database,
) -> None:
    """The events of an article are written together, after their clusters are found;
    the same-role rule reads the events of the clusters, so what this article reported
    before is written first: "Judge Ardent blocked the order" and, further down, "a
    court blocked the order" that day are one event, with both rows and their full-text
    entries in place."""
    named = event(
        event_type="COURT_RULING", actor="Mara Ardent", action="blocked", target="order",
        location=None, quantity=None, quantity_value=None, quantity_unit=None,
        evidence="U.S. District Judge Mara Ardent blocked the order on Tuesday.",
        evidence_start=0, evidence_end=62,
        extra=(("actor_role", "court"), ("actor_key", "Mara Ardent")),
    )  # fmt: skip
    unnamed = replace(
        named, actor="a court", evidence="A court blocked the order that day.",
        evidence_start=200, evidence_end=235,
        extra=(("actor_role", "court"), ("actor_key", "a court")),
    )  # fmt: skip
    other = replace(named, event_type="STATEMENT", evidence_start=300, evidence_end=340)
    a = article(fresh_db, "one.example")
    stored = store(fresh_db, a, [named, other, unnamed])
    assert len(stored.event_ids) == 3 and len(set(stored.event_ids)) == 3
    rows = fresh_db.execute(
        "SELECT id, cluster_id, evidence FROM events WHERE article_id = ? ORDER BY id", [a]
    ).fetchall()
    assert [r[0] for r in rows] == list(stored.event_ids)
    ruling = {r[1] for r in rows if "blocked" in r[2] and r[0] != stored.event_ids[1]}
    assert len(ruling) == 1, "the unnamed court made a cluster of its own"
    (cid,) = ruling
    first, mentions = fresh_db.execute(
        "SELECT first_event_id, mentions FROM event_clusters WHERE id = ?", [cid]
    ).fetchone()
    assert (first, mentions) == (stored.event_ids[0], 2)
    hits = fresh_db.execute(
        "SELECT rowid FROM events_fts WHERE events_fts MATCH 'blocked' ORDER BY rowid"
    ).fetchall()
    assert [h[0] for h in hits] == list(stored.event_ids)
    assert store(fresh_db, a, [named, other, unnamed]).event_ids == stored.event_ids
