"""Alerts: the outbox, one NEW_EVENT per cluster, tracked facts without flapping,
ARTICLE_UPDATED from revisions, and re-runs that raise nothing new."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from newsmon.alerts import (
    ARTICLE_UPDATED,
    FACT_CHANGED,
    NEW_EVENT,
    fact_specs,
    is_urgent,
    one_line,
    raise_alerts,
    short_diff,
    urgent_kinds,
)
from newsmon.errors import ProfileError

FACTS = [
    {
        "key": "arrest_count",
        "label": "Arrests reported",
        "event_types": ["ARREST_RAID"],
        "unit": "arrests",
    },
    {"key": "start", "label": "Planned start", "event_types": ["ANNOUNCE_PLAN"], "kind": "date"},
    {
        "key": "arrived",
        "label": "Troops arrived",
        "event_types": ["DEPLOY"],
        "kind": "status",
        "statuses": {"arrived": ["arrived", "landed"], "planned": ["will", "plans"]},
    },
]


@pytest.fixture
def topic(profile):  # type: ignore[no-untyped-def]
    return replace(profile, raw={**profile.raw, "facts": FACTS})


def add_article(
    db: Any,
    n: int,
    *,
    source: str | None = None,
    published: str | None = None,
    status: str = "relevant",
    title: str | None = None,
    text: str = "",
) -> int:
    return int(
        db["articles"]
        .insert(
            {
                "url": f"https://outlet{n}.example/story-{n}",
                "title": title or f"Story {n}",
                "source": source or f"Outlet {n}",
                "published": published or f"2025-10-{n % 28 + 1:02d}T12:00:00+00:00",
                "status": status,
                "text": text,
            }
        )
        .last_pk
    )


def add_event(
    db: Any,
    article_id: int,
    *,
    cluster_id: int | None = None,
    event_type: str = "DEPLOY",
    start: int = 0,
    **fields: Any,
) -> int:
    row = {
        "article_id": article_id,
        "event_type": event_type,
        "actor": "National Guard",
        "action": "deployed troops",
        "target": None,
        "location": "Chicago",
        "event_date": "2025-10-05",
        "evidence": f"Evidence sentence {article_id}-{start}.",
        "evidence_start": start,
        "evidence_end": start + 20,
        "cluster_id": cluster_id,
        "extractor_version": "test",
        **fields,
    }
    return int(db["events"].insert(row).last_pk)


def alerts(db: Any, kind: str | None = None) -> list[dict[str, Any]]:
    sql = "SELECT * FROM alerts" + (" WHERE kind = ?" if kind else "") + " ORDER BY id"
    return list(db.query(sql, [kind] if kind else []))


def arrests(db: Any, n: int, value: float, **kw: Any) -> int:
    a = add_article(db, n, **kw)
    return add_event(
        db,
        a,
        event_type="ARREST_RAID",
        quantity=f"{value:,.0f} arrests",
        quantity_value=value,
        quantity_unit="arrests",
        cluster_id=100 + n,
    )


# --------------------------------------------------------------------------- NEW_EVENT


def test_ten_reports_of_one_cluster_raise_one_new_event(fresh_db, topic):  # type: ignore[no-untyped-def]
    for n in range(1, 11):
        a = add_article(fresh_db, n)
        ev = add_event(fresh_db, a, cluster_id=7)
        # The first report creates cluster 7; the other nine join it.
        new = [7] if n == 1 else []
        raise_alerts(fresh_db, topic, article_ids=[a], event_ids=[ev], new_cluster_ids=new)
    # A pipeline that wrongly reports the cluster as new again still raises nothing.
    assert raise_alerts(fresh_db, topic, new_cluster_ids=[7]) == []
    rows = alerts(fresh_db, NEW_EVENT)
    assert len(rows) == 1
    assert rows[0]["cluster_id"] == 7
    assert rows[0]["dedupe_key"] == "NEW_EVENT:cluster:7"
    assert rows[0]["article_id"] is not None and rows[0]["event_id"] is not None
    assert "deploy" in rows[0]["summary"].lower() and "National Guard" in rows[0]["summary"]
    details = json.loads(rows[0]["details"])
    assert details["source"]["url"].startswith("https://outlet1.example/")


def test_rerun_raises_nothing_new(fresh_db, topic):  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1)
    ev = add_event(fresh_db, a, cluster_id=1)
    e1 = arrests(fresh_db, 2, 1000)
    e2 = arrests(fresh_db, 3, 1500)
    rev = _revision(fresh_db, a, "Old text. It said one thing.", "New text. It says another.")
    args = {"event_ids": [ev, e1, e2], "new_cluster_ids": [1], "revision_ids": [rev]}
    first = raise_alerts(fresh_db, topic, **args)
    assert len(first) == 3  # NEW_EVENT, FACT_CHANGED 1000 -> 1500, ARTICLE_UPDATED
    before = fresh_db["fact_observations"].count
    assert raise_alerts(fresh_db, topic, **args) == []
    assert len(alerts(fresh_db)) == 3
    assert fresh_db["fact_observations"].count == before


def test_seed_only_cluster_is_known_already(fresh_db, topic):  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1, status="seed")
    ev = add_event(fresh_db, a, cluster_id=3)
    assert raise_alerts(fresh_db, topic, event_ids=[ev], new_cluster_ids=[3]) == []


def test_unclustered_event_alerts_on_its_own(fresh_db, topic):  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1)
    ev = add_event(fresh_db, a, cluster_id=None, event_type="COURT_RULING")
    ids = raise_alerts(fresh_db, topic, event_ids=[ev])
    assert len(ids) == 1
    assert alerts(fresh_db)[0]["dedupe_key"] == f"NEW_EVENT:event:{ev}"


def test_alerts_live_and_die_with_their_transaction(fresh_db, topic):  # type: ignore[no-untyped-def]
    """The outbox: alerts are written in the caller's transaction, never committed alone."""
    with pytest.raises(RuntimeError), fresh_db.atomic():
        a = add_article(fresh_db, 1)
        ev = add_event(fresh_db, a, cluster_id=1)
        assert raise_alerts(fresh_db, topic, event_ids=[ev], new_cluster_ids=[1])
        raise RuntimeError("the store failed after the alerts were raised")
    assert alerts(fresh_db) == []
    assert fresh_db["events"].count == 0


def test_a_known_or_changed_running_total_is_not_also_a_new_event(fresh_db, profile):  # type: ignore[no-untyped-def]
    """A running total ("agents have arrested more than 1,000 people since September")
    is news once, as a NEW_EVENT, when first seen; after that FACT_CHANGED says when it
    moves, and each outlet repeating it is not a new arrest raid."""
    up = [{**FACTS[0], "direction": "up"}]
    topic = replace(profile, raw={**profile.raw, "facts": up})

    def report(n: int, *figures: float) -> tuple[list[int], list[dict[str, Any]]]:
        a = add_article(fresh_db, n)
        evs = [
            add_event(
                fresh_db,
                a,
                event_type="ARREST_RAID",
                actor="DHS",
                start=k * 50,
                quantity=f"{v:,.0f} arrests",
                quantity_value=v,
                quantity_unit="arrests",
                cluster_id=100 + n * 10 + k,
            )  # fmt: skip
            for k, v in enumerate(figures)
        ]
        clusters = [100 + n * 10 + k for k in range(len(figures))]
        before = {r["id"] for r in alerts(fresh_db)}
        raise_alerts(fresh_db, topic, event_ids=evs, new_cluster_ids=clusters)
        return evs, [r for r in alerts(fresh_db) if r["id"] not in before]

    (first,), raised = report(1, 1000)
    assert [(r["kind"], r["event_id"]) for r in raised] == [(NEW_EVENT, first)]  # baseline
    assert report(2, 1000)[1] == []  # the same figure from another outlet
    (ev,), raised = report(3, 1500)
    assert [(r["kind"], r["event_id"]) for r in raised] == [(FACT_CHANGED, ev)]
    # An article with the new figure and, in passing, the old one: nothing new at all.
    assert report(4, 1500, 1000)[1] == []
    # A lower figure, against the count's direction, is not this running total: perhaps
    # one raid ("agents arrested more than 20 people in one building"). It keeps its
    # NEW_EVENT.
    (ev,), raised = report(5, 20)
    assert [(r["kind"], r["event_id"]) for r in raised] == [(NEW_EVENT, ev)]
    # A raid with no tracked figure alerts as before.
    a = add_article(fresh_db, 6)
    raid = add_event(
        fresh_db, a, event_type="ARREST_RAID", actor="ICE", cluster_id=999,
        quantity="12 vehicles", quantity_value=12, quantity_unit="vehicles",
    )  # fmt: skip
    assert raise_alerts(fresh_db, topic, event_ids=[raid], new_cluster_ids=[999])
    assert alerts(fresh_db, NEW_EVENT)[-1]["event_id"] == raid


# --------------------------------------------------------------------------- FACT_CHANGED


def test_flapping_figure_alerts_once(fresh_db, topic):  # type: ignore[no-untyped-def]
    outcomes = []
    for n, value in enumerate([1000, 1500, 1000, 1500, 1000], start=1):
        ev = arrests(fresh_db, n, value)
        raise_alerts(fresh_db, topic, event_ids=[ev])
        outcomes.append(
            fresh_db.execute(
                "SELECT outcome FROM fact_observations WHERE event_id = ?", [ev]
            ).fetchone()[0]
        )
    rows = alerts(fresh_db, FACT_CHANGED)
    assert len(rows) == 1
    assert outcomes == ["baseline", "alerted", "flap", "same", "flap"]
    assert "1,000 arrests → 1,500 arrests" in rows[0]["summary"]
    # A genuinely new figure alerts again, from the value last announced.
    ev = arrests(fresh_db, 9, 2000)
    raise_alerts(fresh_db, topic, event_ids=[ev])
    rows = alerts(fresh_db, FACT_CHANGED)
    assert len(rows) == 2
    assert "1,500 arrests → 2,000 arrests" in rows[1]["summary"]


def test_fact_changed_carries_both_sources(fresh_db, topic):  # type: ignore[no-untyped-def]
    old = arrests(fresh_db, 1, 800, source="Sun-Times")
    new = arrests(fresh_db, 2, 1200, source="Tribune")
    raise_alerts(fresh_db, topic, event_ids=[old])
    [alert_id] = raise_alerts(fresh_db, topic, event_ids=[new])
    row = fresh_db["alerts"].get(alert_id)
    d = json.loads(row["details"])
    assert d["fact"] == "arrest_count"
    assert (d["old"]["value"], d["new"]["value"]) == ("800", "1200")
    assert d["old"]["event_id"] == old and d["new"]["event_id"] == new
    assert d["old"]["url"].startswith("https://outlet1.example")
    assert d["new"]["url"].startswith("https://outlet2.example")
    assert (d["old"]["outlet"], d["new"]["outlet"]) == ("Sun-Times", "Tribune")
    assert row["event_id"] == new and row["article_id"] == d["new"]["article_id"]
    fact = fresh_db["facts"].get((topic.id, "arrest_count"))
    assert fact["alerted_value"] == "1200" and fact["current_value"] == "1200"


def test_stale_report_does_not_alert(fresh_db, topic):  # type: ignore[no-untyped-def]
    raise_alerts(fresh_db, topic, event_ids=[arrests(fresh_db, 10, 1000)])
    # Published before the report that set the known value: old news, not a change.
    late = arrests(fresh_db, 3, 700)
    assert raise_alerts(fresh_db, topic, event_ids=[late]) == []
    assert fresh_db["fact_observations"].get((topic.id, "arrest_count", late))["outcome"] == "stale"


def test_direction_up_ignores_lower_counts(fresh_db, topic):  # type: ignore[no-untyped-def]
    facts = [{**FACTS[0], "direction": "up"}]
    up = replace(topic, raw={**topic.raw, "facts": facts})
    raise_alerts(fresh_db, up, event_ids=[arrests(fresh_db, 1, 1000)])
    assert raise_alerts(fresh_db, up, event_ids=[arrests(fresh_db, 2, 900)]) == []
    assert len(raise_alerts(fresh_db, up, event_ids=[arrests(fresh_db, 3, 1100)])) == 1


def test_one_article_with_two_figures_counts_the_largest(fresh_db, topic):  # type: ignore[no-untyped-def]
    raise_alerts(fresh_db, topic, event_ids=[arrests(fresh_db, 1, 500)])
    a = add_article(fresh_db, 2)
    ids = [
        add_event(
            fresh_db,
            a,
            event_type="ARREST_RAID",
            start=s,
            quantity_value=v,
            quantity_unit="arrests",
        )
        for s, v in ((0, 12.0), (100, 800.0))
    ]
    raise_alerts(fresh_db, topic, event_ids=ids)
    [alert] = alerts(fresh_db, FACT_CHANGED)
    assert "500 arrests → 800 arrests" in alert["summary"]


def test_wrong_unit_is_not_the_fact(fresh_db, topic):  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1)
    ev = add_event(
        fresh_db,
        a,
        event_type="ARREST_RAID",
        quantity="30 days",
        quantity_value=30.0,
        quantity_unit="days",
    )
    raise_alerts(fresh_db, topic, event_ids=[ev])
    assert fresh_db["facts"].count == 0


def test_date_and_status_facts(fresh_db, topic):  # type: ignore[no-untyped-def]
    a1, a2 = add_article(fresh_db, 1), add_article(fresh_db, 2)
    e1 = add_event(fresh_db, a1, event_type="ANNOUNCE_PLAN", event_date="2025-09-05")
    e2 = add_event(fresh_db, a2, event_type="ANNOUNCE_PLAN", event_date="2025-09-08", start=5)
    s1 = add_event(fresh_db, a1, event_type="DEPLOY", action="will deploy", start=50)
    s2 = add_event(fresh_db, a2, event_type="DEPLOY", action="arrived at", start=60)
    raise_alerts(fresh_db, topic, event_ids=[e1, s1])
    raise_alerts(fresh_db, topic, event_ids=[e2, s2])
    summaries = sorted(r["summary"] for r in alerts(fresh_db, FACT_CHANGED))
    assert summaries[0].startswith("Planned start: 2025-09-05 → 2025-09-08")
    assert summaries[1].startswith("Troops arrived: planned → arrived")


def test_seed_reports_set_the_baseline_without_alerting(fresh_db, topic):  # type: ignore[no-untyped-def]
    s1 = arrests(fresh_db, 1, 300, status="seed")
    s2 = arrests(fresh_db, 2, 400, status="seed")
    assert raise_alerts(fresh_db, topic, event_ids=[s1, s2]) == []
    # 300 was announced by the seed corpus: coming back is a flap, not news.
    assert raise_alerts(fresh_db, topic, event_ids=[arrests(fresh_db, 3, 300)]) == []
    assert len(raise_alerts(fresh_db, topic, event_ids=[arrests(fresh_db, 4, 650)])) == 1


def test_bad_fact_config_is_a_profile_error(topic):  # type: ignore[no-untyped-def]
    bad = replace(topic, raw={**topic.raw, "facts": [{"key": "x", "kind": "colour"}]})
    with pytest.raises(ProfileError, match="kind"):
        fact_specs(bad)
    assert [f.key for f in fact_specs(topic)] == ["arrest_count", "start", "arrived"]


def test_bundled_profile_facts_load(profile):  # type: ignore[no-untyped-def]
    keys = {f.key for f in fact_specs(profile)}
    assert {"arrest_count", "troop_count"} <= keys


# --------------------------------------------------------------------------- ARTICLE_UPDATED


def _revision(db: Any, article_id: int, old: str, new: str, diff: str | None = None) -> int:
    if not db["article_revisions"].exists():  # created by the revisions migration once it lands
        db["article_revisions"].create(
            {
                "id": int,
                "article_id": int,
                "revision": int,
                "title": str,
                "text": str,
                "fetched_at": str,
                "diff": str,
            },
            pk="id",
        )
    db["articles"].update(article_id, {"text": new, "revision": 2})
    return int(
        db["article_revisions"]
        .insert(
            {
                "article_id": article_id,
                "revision": 1,
                "text": old,
                "diff": diff,
                "fetched_at": "2025-10-01T10:00:00+00:00",
            }
        )
        .last_pk
    )


def test_article_updated_from_revision(fresh_db, topic):  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1, title="Guard <b>arrives</b>", source="WBEZ")
    old = "Troops arrived on Monday. About 200 came from Texas. The governor objected."
    new = "Troops arrived on Monday. About 300 came from Texas. The governor objected."
    rev = _revision(fresh_db, a, old, new)
    [alert_id] = raise_alerts(fresh_db, topic, revision_ids=[rev])
    row = fresh_db["alerts"].get(alert_id)
    assert row["kind"] == ARTICLE_UPDATED and row["article_id"] == a
    assert row["dedupe_key"] == f"ARTICLE_UPDATED:revision:{rev}"
    assert "Guard <b>arrives</b>" in row["summary"] and "WBEZ" in row["summary"]
    d = json.loads(row["details"])
    assert d["diff"] == "- About 200 came from Texas.\n+ About 300 came from Texas."
    assert (d["words_added"], d["words_removed"]) == (1, 1)
    assert raise_alerts(fresh_db, topic, revision_ids=[rev]) == []


def test_revision_diff_from_the_revisions_stage_is_kept_short(fresh_db, topic):  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1)
    long_diff = "\n".join(f"+ line {i} " + "x" * 500 for i in range(50))
    rev = _revision(fresh_db, a, "a", "b", diff=long_diff)
    [alert_id] = raise_alerts(fresh_db, topic, revision_ids=[rev])
    diff = json.loads(fresh_db["alerts"].get(alert_id)["details"])["diff"]
    assert len(diff.splitlines()) <= 7 and all(len(x) <= 160 for x in diff.splitlines())
    assert diff.endswith("…")


def test_unified_diff_headers_and_context_are_dropped(fresh_db, topic):  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1)
    unified = "--- before\n+++ after\n@@ -9 +9,2 @@\n same\n-old line\n+new line\n+added"
    rev = _revision(fresh_db, a, "a", "b", diff=unified)
    [alert_id] = raise_alerts(fresh_db, topic, revision_ids=[rev])
    diff = json.loads(fresh_db["alerts"].get(alert_id)["details"])["diff"]
    assert diff == "-old line\n+new line\n+added"


def test_short_diff_bounded_on_huge_text() -> None:
    old = ". ".join(f"Sentence {i}" for i in range(20_000))
    new = old.replace("Sentence 5.", "Sentence five.")
    out = short_diff(old, new)
    assert len(out.splitlines()) <= 7


# --------------------------------------------------------------------------- helpers


def test_one_line_strips_controls_and_bidi() -> None:
    assert one_line("a\x00b\x1b[31m\u202eevil\nnext\u2028x") == "ab[31mevil next x"
    assert one_line("x" * 500, 10) == "x" * 9 + "…"


def test_urgent_kinds(topic):  # type: ignore[no-untyped-def]
    assert urgent_kinds(topic) == set()
    p = replace(
        topic,
        raw={**topic.raw, "digest": {"urgent_kinds": ["FACT_CHANGED", "new_event:COURT_RULING"]}},
    )
    kinds = urgent_kinds(p)
    assert kinds == {"FACT_CHANGED", "NEW_EVENT:COURT_RULING"}
    assert is_urgent("FACT_CHANGED", None, kinds)
    assert is_urgent("NEW_EVENT", "COURT_RULING", kinds)
    assert not is_urgent("NEW_EVENT", "STATEMENT", kinds)
    bad = replace(topic, raw={**topic.raw, "digest": {"urgent_kinds": ["EVERYTHING"]}})
    with pytest.raises(ProfileError, match="unknown alert kind"):
        urgent_kinds(bad)


# --------------------------------------------------------------------------- with the real stages


def test_with_the_real_event_store(fresh_db, profile):  # type: ignore[no-untyped-def]
    """Ten outlets report one deployment through newsmon.events_store: one NEW_EVENT;
    their troop figures 300/500 flap: one FACT_CHANGED."""
    events_store = pytest.importorskip("newsmon.events_store")
    from extractors.records import Event
    from newsmon.digest import build_digest

    for n, troops in enumerate([300, 300, 500, 300, 500, 300, 500, 500, 300, 500], start=1):
        a = add_article(fresh_db, n, published=f"2025-10-05T{n:02d}:00:00+00:00")
        sentence = f"About {troops} National Guard troops were deployed to Chicago."
        ev = Event(
            event_type="DEPLOY", actor="National Guard", action="deployed troops", target=None,
            location="Chicago", event_date="2025-10-05", quantity=f"{troops} troops",
            evidence=sentence, evidence_start=0, evidence_end=len(sentence), confidence=0.9,
            extractor_version="test", quantity_value=float(troops), quantity_unit="troops",
        )  # fmt: skip
        stored = events_store.store_events(fresh_db, a, [ev])
        raise_alerts(
            fresh_db,
            profile,
            article_ids=[a],
            event_ids=stored.event_ids,
            new_cluster_ids=stored.new_cluster_ids,
        )
    assert len(alerts(fresh_db, NEW_EVENT)) == 1
    [changed] = alerts(fresh_db, FACT_CHANGED)
    assert "300 troops → 500 troops" in changed["summary"]
    d = build_digest(fresh_db, profile)
    assert d is not None and "10 independent sources" in d.text


def test_with_the_real_revisions_stage(fresh_db, profile):  # type: ignore[no-untyped-def]
    revisions = pytest.importorskip("newsmon.revisions")
    old = " ".join(f"Paragraph {i} says the guard arrived on Monday in Chicago." for i in range(30))
    a = add_article(fresh_db, 1, text=old)
    new = old.replace("Paragraph 3 says the guard arrived on Monday", "Paragraph 3 now says no")
    new += " An editor's note: an earlier version misstated the number of troops."
    rev = revisions.record_revision(fresh_db, a, new, "Story 1 (updated)", "2025-10-06T10:00:00Z")
    if rev is None:
        pytest.skip("the revisions stage judged this change cosmetic")
    [alert_id] = raise_alerts(fresh_db, profile, revision_ids=[rev])
    row = fresh_db["alerts"].get(alert_id)
    assert row["kind"] == ARTICLE_UPDATED and row["article_id"] == a
    assert json.loads(row["details"])["diff"]
    assert raise_alerts(fresh_db, profile, revision_ids=[rev]) == []


def test_status_fact_without_statuses_is_not_tracked(fresh_db, topic, caplog):  # type: ignore[no-untyped-def]
    facts = [
        {"key": "arrived_raw", "label": "Arrived", "event_types": ["DEPLOY"], "kind": "status"}
    ]
    p = replace(topic, raw={**topic.raw, "facts": facts})
    for n, action in enumerate(["deployed", "sent", "arrived", "stationed"], start=1):
        ev = add_event(fresh_db, add_article(fresh_db, n), action=action, cluster_id=n)
        raise_alerts(fresh_db, p, event_ids=[ev])
    assert fresh_db["facts"].count == 0 and alerts(fresh_db, FACT_CHANGED) == []


def test_status_phrases_match_whole_words(fresh_db, topic):  # type: ignore[no-untyped-def]
    a1, a2 = add_article(fresh_db, 1), add_article(fresh_db, 2)
    s1 = add_event(
        fresh_db, a1, action="deployed", evidence="Troops will deploy soon.", cluster_id=1
    )
    # "Williams" contains "will" but is not the word "will": no status in this report.
    s2 = add_event(fresh_db, a2, action="sent", evidence="Gen. Williams sent units.", cluster_id=2)
    raise_alerts(fresh_db, topic, event_ids=[s1, s2])
    rows = list(fresh_db.query("SELECT event_id, value FROM fact_observations"))
    assert rows == [{"event_id": s1, "value": "planned"}]


# --------------------------------------------------------------------------- alert policy


def test_quotes_and_actorless_events_stay_in_the_log_without_alerts(fresh_db, topic):  # type: ignore[no-untyped-def]
    quote = add_event(fresh_db, add_article(fresh_db, 1), cluster_id=1, event_type="STATEMENT")
    vague = add_event(fresh_db, add_article(fresh_db, 2), cluster_id=2, actor=None)
    real = add_event(fresh_db, add_article(fresh_db, 3), cluster_id=3, event_type="COURT_RULING")
    raised = raise_alerts(
        fresh_db, topic, event_ids=[quote, vague, real], new_cluster_ids=[1, 2, 3]
    )
    assert [a["event_id"] for a in alerts(fresh_db, NEW_EVENT)] == [real]
    assert len(raised) == 1
    # The events themselves are all kept.
    assert fresh_db.execute("select count(*) from events").fetchone()[0] == 3


def test_profile_can_ask_for_alerts_on_quotes(fresh_db, topic):  # type: ignore[no-untyped-def]
    chatty = replace(topic, raw={**topic.raw, "alerts": {"new_event_types": ["STATEMENT"]}})
    quote = add_event(fresh_db, add_article(fresh_db, 1), cluster_id=1, event_type="STATEMENT")
    ruling = add_event(fresh_db, add_article(fresh_db, 2), cluster_id=2, event_type="COURT_RULING")
    raise_alerts(fresh_db, chatty, event_ids=[quote, ruling], new_cluster_ids=[1, 2])
    assert [a["event_id"] for a in alerts(fresh_db, NEW_EVENT)] == [quote]


def test_a_figure_placed_elsewhere_is_not_this_storys(fresh_db, topic):  # type: ignore[no-untyped-def]
    facts = [{**FACTS[0], "direction": "up", "places": ["Chicago", "Illinois"]}]
    scoped = replace(topic, raw={**topic.raw, "facts": facts})

    def report(n: int, value: float, location: str | None) -> list[int]:
        ev = add_event(
            fresh_db,
            add_article(fresh_db, n),
            event_type="ARREST_RAID",
            quantity_value=value,
            quantity_unit="arrests",
            location=location,
            cluster_id=200 + n,
        )
        return raise_alerts(fresh_db, scoped, event_ids=[ev])

    report(1, 5000, "Los Angeles")  # another city's figure: not a baseline
    report(2, 1000, None)  # the first Chicago figure (no place named): the baseline
    report(3, 1500, "Chicago")
    changed = alerts(fresh_db, FACT_CHANGED)
    assert len(changed) == 1
    assert "1,000" in changed[0]["summary"] and "1,500" in changed[0]["summary"]


# --------------------------------------------------------------------------- same subject

TROOPS = [
    {"key": "troop_count", "label": "National Guard troops deployed", "event_types": ["DEPLOY"],
     "unit": "troops"},
]  # fmt: skip


def troops(db: Any, n: int, value: int, sentence: str) -> int:
    a = add_article(db, n)
    return add_event(
        db, a, cluster_id=200 + n, quantity=f"{value} troops", quantity_value=float(value),
        quantity_unit="troops", evidence=sentence, evidence_end=len(sentence),
    )  # fmt: skip


def test_figures_of_two_contingents_are_two_facts(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    from newsmon.digest import build_digest

    topic = replace(profile, raw={**profile.raw, "facts": TROOPS})
    first = "President Trump ordered 300 Illinois National Guard troops federalized on Saturday."
    texas = "About 200 Texas National Guard troops arrived at the Army Reserve center in Elwood."
    for n, (value, sentence) in enumerate([(300, first), (200, texas)], start=1):
        ev = troops(fresh_db, n, value, sentence)
        raise_alerts(fresh_db, topic, event_ids=[ev], new_cluster_ids=[200 + n])
    # 300 Illinois troops and 200 Texas troops: two contingents, no figure changed.
    assert alerts(fresh_db, FACT_CHANGED) == []
    keys = {r["key"] for r in fresh_db.query("SELECT key FROM facts")}
    assert keys == {"troop_count (Illinois)", "troop_count (Texas)"}
    # The Texas contingent grows: that is a change, and it shows both sentences.
    more = "By Thursday about 400 members of the Texas National Guard were at Elwood."
    ev = troops(fresh_db, 3, 400, more)
    raise_alerts(fresh_db, topic, event_ids=[ev], new_cluster_ids=[203])
    [changed] = alerts(fresh_db, FACT_CHANGED)
    assert "200 troops → 400 troops" in changed["summary"] and "(Texas)" in changed["summary"]
    details = json.loads(changed["details"])
    assert details["old"]["evidence"] == texas and details["new"]["evidence"] == more
    d = build_digest(fresh_db, topic)
    assert d is not None and f"was: “{texas}”" in d.text and f"now: “{more}”" in d.text


def test_marines_and_guard_troops_are_two_contingents(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    topic = replace(profile, raw={**profile.raw, "facts": TROOPS})
    guard = "Trump deployed 4,000 guard troops to the city in June."
    marines = "About 700 light infantry Marines from a desert base were given the green light."
    for n, (value, sentence) in enumerate([(4000, guard), (700, marines)], start=1):
        ev = troops(fresh_db, n, value, sentence)
        raise_alerts(fresh_db, topic, event_ids=[ev], new_cluster_ids=[200 + n])
    assert alerts(fresh_db, FACT_CHANGED) == []


def test_without_subjects_the_contingents_would_flap(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    """The same two reports, unqualified, are one figure: the rule above is what keeps
    them apart."""
    topic = replace(profile, raw={**profile.raw, "facts": TROOPS})
    for n, value in ((1, 300), (2, 500)):
        ev = troops(fresh_db, n, value, f"About {value} National Guard troops were deployed.")
        raise_alerts(fresh_db, topic, event_ids=[ev], new_cluster_ids=[200 + n])
    assert len(alerts(fresh_db, FACT_CHANGED)) == 1


# --------------------------------------------------------------------------- headlines


def test_a_new_event_reads_as_an_editor_would_write_it(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1, published="2025-10-28T18:00:00-05:00")
    sentence = "U.S. District Judge Sara Ellis ordered Gregory Bovino to report to her daily."
    ev = add_event(
        fresh_db, a, cluster_id=7, event_type="COURT_RULING",
        actor="U.S. District Judge Sara Ellis",
        action="ordered Gregory Bovino to report to her daily", target="Gregory Bovino",
        location="Chicago", event_date="2025-10-28", evidence=sentence,
    )  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[ev], new_cluster_ids=[7])
    [alert] = alerts(fresh_db, NEW_EVENT)
    assert alert["summary"] == (
        "U.S. District Judge Sara Ellis ordered Gregory Bovino to report to her daily"
        " — Chicago, Oct. 28"
    )
    assert json.loads(alert["details"])["evidence"] == sentence


@pytest.mark.parametrize(
    "fields",
    [
        {"actor": "it", "action": "said the raid would continue", "location": None},
        {"actor": None, "action": "arrested 14 workers"},
        {"actor": "ICE", "action": "expected to last", "target": None, "location": None},
        {"actor": "Baltazar Enriquez", "action": "arrived", "target": None, "location": None},
        {"actor": "DHS", "action": "launched", "target": None, "location": "Chicago"},
        {"actor": "DHS", "action": "plans to", "target": None, "location": "Chicago"},
        {"actor": "Brandon Johnson", "action": "will begin", "target": None},
        {"actor": "Charles Breyer", "action": "ruling was already a fait accompli"},
        {"actor": "Protesters", "action": "protest on September 23", "target": None},
        {"actor": "People", "action": "protests in Los Angeles", "target": None},
    ],
)
def test_a_fragment_raises_no_alert(fresh_db, profile, fields) -> None:  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1)
    ev = add_event(fresh_db, a, cluster_id=8, event_type="DEPLOY", **fields)
    raise_alerts(fresh_db, profile, event_ids=[ev], new_cluster_ids=[8])
    assert alerts(fresh_db, NEW_EVENT) == []
    assert fresh_db["events"].count == 1  # kept in the event log


def test_the_headline_comes_from_the_report_that_can_be_written(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    early = add_article(fresh_db, 1, published="2025-10-05T08:00:00+00:00")
    later = add_article(fresh_db, 2, published="2025-10-05T12:00:00+00:00")
    e1 = add_event(fresh_db, early, cluster_id=9, actor="they", action="deployed")
    e2 = add_event(
        fresh_db, later, cluster_id=9, actor="Texas National Guard troops",
        action="arrived at the Army Reserve center", location="Elwood", event_date="2025-10-07",
    )  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[e1, e2], new_cluster_ids=[9])
    [alert] = alerts(fresh_db, NEW_EVENT)
    assert alert["summary"] == (
        "Texas National Guard troops arrived at the Army Reserve center — Elwood, Oct. 7"
    )


def test_one_article_tells_one_happening_once(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    """Two sentences of one article about one arrest that landed in two clusters make
    one NEW_EVENT; the same kind of event another day, or in another article, alerts."""
    a = add_article(fresh_db, 1)
    fields = {"event_type": "ARREST_RAID", "actor": "ICE agents", "event_date": "2025-10-27"}
    e1 = add_event(fresh_db, a, cluster_id=31, action="detained a man near a school", **fields)
    e2 = add_event(fresh_db, a, cluster_id=32, start=40, action="made the arrest on a street",
                   **fields)  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[e1, e2], new_cluster_ids=[31, 32])
    assert len(alerts(fresh_db, NEW_EVENT)) == 1
    other_day = add_event(fresh_db, a, cluster_id=33, start=80, action="detained two painters",
                          **{**fields, "event_date": "2025-10-29"})  # fmt: skip
    b = add_article(fresh_db, 2)
    other_article = add_event(fresh_db, b, cluster_id=34, action="detained a roofer", **fields)
    raise_alerts(fresh_db, profile, event_ids=[other_day, other_article], new_cluster_ids=[33, 34])
    assert len(alerts(fresh_db, NEW_EVENT)) == 3
    # One sentence read as two types ("shot back in its own filing") is one alert.
    sentence = "Lawyers for the state shot back in its own filing Monday."
    c = add_article(fresh_db, 3)
    as_statement = add_event(fresh_db, c, cluster_id=35, event_type="COURT_RULING",
                             action="shot back in a filing", evidence=sentence)  # fmt: skip
    as_lawsuit = add_event(fresh_db, c, cluster_id=36, event_type="LAWSUIT",
                           action="filed a motion", evidence=sentence)  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[as_statement, as_lawsuit], new_cluster_ids=[35, 36])
    assert len(alerts(fresh_db, NEW_EVENT)) == 4


def test_one_sentence_alerts_once_per_doer(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    """A second type read from one sentence by the same doer (named otherwise, or one
    part of the other) is the same happening: one alert. Two doers in one sentence are
    two happenings: both alert, unless one did its deed to the other (one scene)."""
    one = "Gov. Dana Whitfield hit back Monday with a filing in federal court."
    governor = json.dumps({"actor_key": "Dana Whitfield"})
    a = add_article(fresh_db, 1)
    as_force = add_event(fresh_db, a, cluster_id=71, event_type="USE_OF_FORCE",
                         actor="Gov. Dana Whitfield", action="hit back with a filing",
                         evidence=one, extra=governor)  # fmt: skip
    as_lawsuit = add_event(fresh_db, a, cluster_id=72, event_type="LAWSUIT",
                           actor="Whitfield", action="filed in federal court", evidence=one,
                           extra=governor)  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[as_force, as_lawsuit], new_cluster_ids=[71, 72])
    assert [r["event_id"] for r in alerts(fresh_db, NEW_EVENT)] == [as_force]
    # One part of the other (the profile's ``part_of``): one doer.
    part = "Officers of Immigration and Customs Enforcement stormed a warehouse Tuesday."
    b = add_article(fresh_db, 2)
    raid = add_event(fresh_db, b, cluster_id=73, event_type="ARREST_RAID",
                     actor="Immigration and Customs Enforcement", action="stormed a warehouse",
                     evidence=part)  # fmt: skip
    sent = add_event(fresh_db, b, cluster_id=74, event_type="DEPLOY", actor="DHS",
                     action="sent officers to a warehouse", evidence=part)  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[raid, sent], new_cluster_ids=[73, 74])
    assert [r["event_id"] for r in alerts(fresh_db, NEW_EVENT)] == [as_force, raid]
    # Two doers: the governor's order and the crowd's march are two happenings.
    two = "The governor signed an order Friday as marchers rallied outside the capitol."
    c = add_article(fresh_db, 3)
    signed = add_event(fresh_db, c, cluster_id=75, event_type="EXECUTIVE_ORDER",
                       actor="Gov. Dana Whitfield", action="signed an order", evidence=two,
                       extra=governor)  # fmt: skip
    rallied = add_event(fresh_db, c, cluster_id=76, event_type="PROTEST", actor="marchers",
                        action="rallied outside the capitol", evidence=two,
                        extra=json.dumps({"actor_key": "protesters"}))  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[signed, rallied], new_cluster_ids=[75, 76])
    assert [r["event_id"] for r in alerts(fresh_db, NEW_EVENT)][2:] == [signed, rallied]
    # Two doers of one scene: the crowd the deputies sprayed is the residents' protest.
    scene = "Deputies fired pepper spray at a crowd Sunday after residents gathered to protest."
    d = add_article(fresh_db, 4)
    agents = json.dumps({"actor_key": "unnamed agents", "actor_role": "force"})
    crowd = json.dumps({"actor_key": "protesters", "actor_role": "crowd"})
    sprayed = add_event(fresh_db, d, cluster_id=77, event_type="USE_OF_FORCE",
                        actor="Deputies", action="fired pepper spray at a crowd", evidence=scene,
                        extra=agents)  # fmt: skip
    protested = add_event(fresh_db, d, cluster_id=78, event_type="PROTEST", actor="residents",
                          action="gathered to protest", evidence=scene,
                          extra=crowd)  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[sprayed, protested], new_cluster_ids=[77, 78])
    assert [r["event_id"] for r in alerts(fresh_db, NEW_EVENT)][4:] == [sprayed]


@pytest.mark.parametrize(
    ("fields", "headline"),
    [
        (
            {"actor": "U.S. District Judge Robert Gettleman",
             "action": "ordered ICE to provide detainees with clean bedding and"},
            "U.S. District Judge Robert Gettleman ordered ICE to provide detainees with clean "
            "bedding — Chicago, Oct. 5",
        ),
        (
            {"actor": "ICE", "action": "arrested", "target": "14 roofers"},
            "ICE arrested 14 roofers — Chicago, Oct. 5",
        ),
        (
            {"actor": "Judge", "action": "block the deployment",
             "evidence": "The judge declined to immediately block the deployment."},
            "The judge declined to immediately block the deployment. — Chicago, Oct. 5",
        ),
        (
            {"actor": "ICE", "action": "shot during a vehicle stop", "event_type": "USE_OF_FORCE",
             "evidence": "ICE says a suspect was fatally shot during a vehicle stop."},
            "ICE says a suspect was fatally shot during a vehicle stop. — Chicago, Oct. 5",
        ),
        (
            {"actor": "National Guard", "action": "rubber bullets and flash bangs on the crowd",
             "extra": json.dumps({"trigger": "rubber bullets", "trigger_kind": "noun"}),
             "evidence": "Police fired rubber bullets and flash bangs on the crowd."},
            "Police fired rubber bullets and flash bangs on the crowd. — Chicago, Oct. 5",
        ),
        (
            {"actor": "ICE", "action": "shot a man", "evidence": "A man was shot, ICE said.",
             "extra": json.dumps({"voice": "passive", "trigger": "shot"})},
            "A man was shot, ICE said. — Chicago, Oct. 5",
        ),
        (
            {"actor": "Donald Trump", "action": "deploying 2,000 troops to the city",
             "extra": json.dumps({"actor_text": "President Trump"}),
             "evidence": "President Trump is deploying 2,000 troops to the city."},
            "President Trump is deploying 2,000 troops to the city — Chicago, Oct. 5",
        ),
        (
            {"actor": "Donald Trump", "action": "sent 2,000 troops over objections to Los",
             "evidence": "Donald Trump sent 2,000 troops over objections to Los Angeles."},
            "Donald Trump sent 2,000 troops over objections — Chicago, Oct. 5",
        ),
        (
            {"actor": "Federal agents", "action": "detained by federal agents",
             "target": "a student", "evidence": "A student was detained by federal agents."},
            "A student was detained by federal agents. — Chicago, Oct. 5",
        ),
        (
            {"actor": "Federal appeals court", "action": "place most of the order on hold",
             "extra": json.dumps({"trigger": "place", "trigger_kind": "verb", "lemma": "place"}),
             "evidence": "A federal appeals court agreed to place most of the order on hold."},
            "A federal appeals court agreed to place most of the order on hold. — Chicago, Oct. 5",
        ),
        (
            {"actor": "Federal agents", "action": "carrying out arrests across the state",
             "event_type": "ARREST_RAID",
             "extra": json.dumps({"trigger": "carrying out", "trigger_kind": "verb"}),
             "evidence": "Federal agents have been carrying out arrests across the state."},
            "Federal agents have been carrying out arrests across the state — Chicago, Oct. 5",
        ),
        (
            {"actor": "Agents", "action": "using tear gas on a crowd", "event_type": "USE_OF_FORCE",
             "extra": json.dumps({"trigger": "using", "trigger_kind": "verb"}),
             "evidence": "A video shows agents using tear gas on a crowd."},
            "A video shows agents using tear gas on a crowd. — Chicago, Oct. 5",
        ),
        (
            {"actor": "The appeals court", "action": "put a hold on the order",
             "extra": json.dumps({"trigger": "put", "trigger_kind": "verb", "lemma": "put"}),
             "evidence": "The appeals court put a hold on the order."},
            "The appeals court put a hold on the order — Chicago, Oct. 5",
        ),
        (
            # A happening told by its noun in a sentence about another: its own clause.
            {"actor": "demonstrators", "event_type": "PROTEST",
             "action": "protests Saturday led to clashes between agents and demonstrators",
             "extra": json.dumps({"trigger": "protests", "trigger_kind": "noun"}),
             "evidence": "The governor sent troops to the city, where protests Saturday led "
                         "to clashes between agents and demonstrators."},
            "Protests Saturday led to clashes between agents and demonstrators — Chicago, Oct. 5",
        ),
        (
            # The words after a noun without its verb of happening: the sentence.
            {"actor": "State officials", "event_type": "LAWSUIT",
             "action": "motion Tuesday that the use of the military and the",
             "extra": json.dumps({"trigger": "motion", "trigger_kind": "noun"}),
             "evidence": "State officials argued in a motion Tuesday that the use of the "
                         "military and the Guard was unlawful."},
            "State officials argued in a motion Tuesday that the use of the military and the "
            "Guard was unlawful. — Chicago, Oct. 5",
        ),
    ],
)  # fmt: skip
def test_headlines_are_whole_phrases(fresh_db, profile, fields, headline) -> None:  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1)
    ev = add_event(fresh_db, a, cluster_id=40, **{"event_type": "COURT_RULING", **fields})
    raise_alerts(fresh_db, profile, event_ids=[ev], new_cluster_ids=[40])
    assert [r["summary"] for r in alerts(fresh_db, NEW_EVENT)] == [headline]


def test_the_troops_status_is_about_troops(profile) -> None:  # type: ignore[no-untyped-def]
    """The shipped profile's troop status reads troops, not agents arriving at a scene."""
    from newsmon.alerts import fact_value

    [spec] = [s for s in fact_specs(profile) if s.key == "troops_arrived"]
    agents = {
        "event_type": "DEPLOY",
        "action": "arrived",
        "evidence": "During the response, ICE agents arrived and were targeted as well.",
    }
    troops_ = {"event_type": "DEPLOY", "action": "arrived",
               "evidence": "Texas National Guard troops arrived at the Army center."}  # fmt: skip
    assert fact_value(spec, agents) is None
    assert fact_value(spec, troops_) == ("arrived", "arrived")


def test_a_happening_told_by_another_article_is_not_new(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    """Two articles' reports of one launch that ended in two clusters: DHS launched it on
    Sept. 8, "the Trump administration launched" it on Sept. 8 (DHS is part of it): one
    alert. Another doer, another day or another place is another happening."""
    base = {"event_type": "ARREST_RAID", "event_date": "2025-09-08",
            "action": "launched Operation Midway Blitz"}  # fmt: skip
    a1, a2, a3, a4, a5 = (add_article(fresh_db, n) for n in range(1, 6))
    e1 = add_event(fresh_db, a1, cluster_id=51, actor="The Department of Homeland Security",
                   location="Chicago", **base)  # fmt: skip
    e2 = add_event(fresh_db, a2, cluster_id=52, actor="the Trump administration",
                   location=None, **base)  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[e1, e2], new_cluster_ids=[51, 52])
    assert len(alerts(fresh_db, NEW_EVENT)) == 1
    e3 = add_event(fresh_db, a3, cluster_id=53, actor="Chicago police", location="Chicago",
                   **base)  # fmt: skip
    e4 = add_event(fresh_db, a4, cluster_id=54, actor="DHS", location="Chicago",
                   **{**base, "event_date": "2025-09-09"})  # fmt: skip
    e5 = add_event(fresh_db, a5, cluster_id=55, actor="DHS", location="Portland", **base)
    raise_alerts(fresh_db, profile, event_ids=[e3, e4, e5], new_cluster_ids=[53, 54, 55])
    assert len(alerts(fresh_db, NEW_EVENT)) == 4


def test_an_event_without_a_day_of_its_own_stays_in_the_log_without_alerts(fresh_db, topic):  # type: ignore[no-untyped-def]
    """Background ("protesters have gathered outside the facility for weeks") and a day
    the extractor inferred from the article's context are no news of their own: the
    event is stored, searchable, and raises nothing."""
    dated = add_event(fresh_db, add_article(fresh_db, 1), cluster_id=1, event_type="PROTEST")
    undated = add_event(
        fresh_db, add_article(fresh_db, 2), cluster_id=2, event_type="PROTEST", event_date=None
    )
    inferred = add_event(
        fresh_db,
        add_article(fresh_db, 3),
        cluster_id=3,
        event_type="PROTEST",
        extra=json.dumps({"date_from": "context"}),
    )
    raise_alerts(fresh_db, topic, event_ids=[dated, undated, inferred], new_cluster_ids=[1, 2, 3])
    assert [a["event_id"] for a in alerts(fresh_db, NEW_EVENT)] == [dated]


def test_a_plan_known_only_from_what_someone_said_is_logged_not_alerted(fresh_db, profile) -> None:  # type: ignore[no-untyped-def]
    a = add_article(fresh_db, 1)
    said = add_event(
        fresh_db, a, cluster_id=61, event_type="ANNOUNCE_PLAN", start=0,
        actor="Organizers", action="said they would return next Friday",
        extra=json.dumps({"trigger": "said", "trigger_kind": "speech"}),
    )  # fmt: skip
    announced = add_event(
        fresh_db, a, cluster_id=62, event_type="ANNOUNCE_PLAN", start=40,
        actor="Donald Trump", action="plans to deploy the National Guard",
        extra=json.dumps({"trigger": "deploy", "trigger_kind": "verb"}),
    )  # fmt: skip
    raise_alerts(fresh_db, profile, event_ids=[said, announced], new_cluster_ids=[61, 62])
    assert [r["summary"].split(" —")[0] for r in alerts(fresh_db, NEW_EVENT)] == [
        "Donald Trump plans to deploy the National Guard"
    ]
