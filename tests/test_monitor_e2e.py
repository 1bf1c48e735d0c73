"""The real ``monitor`` flow against the fake news site on 127.0.0.1: the rows it writes,
what a second run does, phase-2 rewrites, and what bad sources leave behind."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlite_utils

from demo_site.server import DemoSite, FaultConfig

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


def _monitor(db: str, feeds: list[str], topic: str | None = None) -> dict:
    from flows.monitor import monitor

    return monitor(topic=topic, db=db, feeds=feeds, allow_private_hosts=True, per_host_delay=0.0)


@pytest.fixture(scope="module")
def demo_runs(prefect_harness, tmp_path_factory) -> SimpleNamespace:
    db = str(tmp_path_factory.mktemp("e2e") / "newsmon.db")
    with DemoSite(phase=1) as site:
        feeds = site.feed_urls()
        first = _monitor(db, feeds)
        phase1 = site.published()
        again = _monitor(db, feeds)
        site.set_phase(2)
        second = _monitor(db, feeds)
        phase2 = site.published()
    return SimpleNamespace(
        db=sqlite_utils.Database(db),
        feeds=feeds,
        first=first,
        again=again,
        second=second,
        phase1=phase1,
        phase2=phase2,
    )


def _article_by_url(db: sqlite_utils.Database, url: str) -> dict | None:
    rows = list(
        db.query(
            "select * from articles where url = ? or canonical_url = ? order by id", [url, url]
        )
    )
    return rows[0] if rows else None


def _skipped(db: sqlite_utils.Database, url: str) -> dict | None:
    """The item's row in skipped_items: judged off the topic from its feed entry."""
    rows = list(
        db.query("select * from skipped_items where url = ? or canonical_url = ?", [url, url])
    )
    return rows[0] if rows else None


def _rows_at(db: sqlite_utils.Database, urls: tuple[str, ...]) -> list[dict]:
    """Rows fetched from exactly one of ``urls`` (the feed links, tracking and all)."""
    marks = ",".join("?" * len(urls))
    return list(db.query(f"select * from articles where url in ({marks})", list(urls)))


def test_first_run_stores_each_published_article_once(demo_runs) -> None:
    db = demo_runs.db
    assert demo_runs.first["status"] in ("completed", "completed_with_errors")
    assert demo_runs.first["errors"] == 0, demo_runs.first["error_messages"]
    assert db.execute("select count(*) from articles where status = 'seed'").fetchone()[0] == 5
    urls = [r[0] for r in db.execute("select url from articles")]
    assert len(urls) == len(set(urls))
    for info in demo_runs.phase2:
        if info.label == "same_outlet_other_url":
            continue  # the same story as another article: see the duplicates test
        row = _article_by_url(db, info.url)
        if info.label == "off_topic":
            # Sports, weather, the budget: the feed entry says so; never fetched.
            skipped = _skipped(db, info.url)
            assert row is None and skipped is not None, f"{info.id} was fetched"
            assert skipped["status"] == "off_topic" and skipped["reason"]
            continue
        assert row is not None, f"{info.id} ({info.label}) at {info.url} was not stored"
        assert row["text"] and row["fetched_at"] and row["content_hash"]


def test_statuses_match_the_site_labels(demo_runs) -> None:
    db = demo_runs.db
    expected = {
        "followup": "relevant",
        "near_topic": "off_topic",
        "off_topic": "off_topic",
        "republished_seed": "duplicate",
        "wire_copy": "duplicate",
    }
    wrong = []
    for info in demo_runs.phase2:
        if info.label not in expected:
            continue
        row = _article_by_url(db, info.url) or _skipped(db, info.url)
        assert row is not None
        if row["status"] != expected[info.label]:
            wrong.append((info.id, info.label, row["status"], row.get("relevance")))
    assert wrong == []


def test_duplicates_point_at_their_originals(demo_runs) -> None:
    db = demo_runs.db
    for info in demo_runs.phase2:
        if info.label not in ("republished_seed", "wire_copy") or not info.duplicate_of:
            continue
        row = _article_by_url(db, info.url)
        if info.duplicate_of.startswith("seed:"):
            original = _article_by_url(db, info.duplicate_of)
        else:
            # (a phase-2 rewrite replaces its original in the listing: look in both)
            orig_info = next(
                i for i in [*demo_runs.phase1, *demo_runs.phase2] if i.id == info.duplicate_of
            )
            original = _article_by_url(db, orig_info.url)
        assert original is not None
        assert row["duplicate_of"] == original["id"], info.id
        assert 0.5 <= row["similarity"] <= 1.0 and row["duplicate_reason"]


def test_same_story_at_another_url_is_not_stored_twice(demo_runs) -> None:
    db = demo_runs.db
    others = [i for i in demo_runs.phase2 if i.label == "same_outlet_other_url"]
    assert others
    for info in others:
        original_info = next(
            i for i in [*demo_runs.phase1, *demo_runs.phase2] if i.id == info.duplicate_of
        )
        original = _article_by_url(db, original_info.url)
        assert original is not None and original["status"] == "relevant"
        # Either never fetched (its URL canonicalises to a known one, e.g. the AMP page)
        # or fetched once and stored as a duplicate pointing at the original.
        for row in _rows_at(db, info.urls):
            if row["id"] == original["id"]:
                continue
            assert row["status"] == "duplicate" and row["duplicate_of"] == original["id"]
            assert row["duplicate_reason"] == "canonical_url"


def test_events_are_stored_with_exact_evidence(demo_runs) -> None:
    db = demo_runs.db
    # Offsets point into the text of the revision the event was extracted from.
    rows = list(
        db.query(
            """
            select e.*, coalesce(r.text, a.text) as article_text
            from events e join articles a on a.id = e.article_id
            left join article_revisions r
              on r.article_id = e.article_id and r.revision = e.revision
            """
        )
    )
    assert demo_runs.first["events"] > 0 and len(rows) >= demo_runs.first["events"]
    for r in rows:
        assert r["article_text"][r["evidence_start"] : r["evidence_end"]] == r["evidence"]
        assert r["cluster_id"] is not None
    statuses = {
        r[0]
        for r in db.execute(
            "select distinct a.status from events e join articles a on a.id = e.article_id"
        )
    }
    # Events come from relevant articles and the seeds (known events), never from
    # duplicates or off-topic news.
    assert statuses == {"relevant", "seed"}


def test_second_run_is_idempotent_and_polite(demo_runs) -> None:
    again = demo_runs.again
    assert again["new_articles"] == 0 and again["events"] == 0 and again["alerts"] == 0
    assert again["feeds_not_modified"] == len(demo_runs.feeds)  # conditional GET: all 304
    db = demo_runs.db
    feeds = list(db.query("select * from feeds"))
    assert len(feeds) == len(demo_runs.feeds)
    assert all(f["etag"] or f["last_modified"] for f in feeds)


def test_phase_two_adds_articles_and_records_rewrites(demo_runs) -> None:
    db, second = demo_runs.db, demo_runs.second
    assert second["new_articles"] > 0
    material = [i for i in demo_runs.phase2 if i.label == "rewrite_material"]
    cosmetic = [i for i in demo_runs.phase2 if i.label == "rewrite_cosmetic"]
    assert material, "the fake site should rewrite at least one article in phase 2"
    assert second["updated_articles"] == len(material)
    for info in material:
        row = _article_by_url(db, info.url)
        assert row["revision"] == 2
        assert (
            db.execute(
                "select count(*) from article_revisions where article_id = ?", [row["id"]]
            ).fetchone()[0]
            == 1
        )
    for info in cosmetic:
        row = _article_by_url(db, info.url)
        assert row["revision"] == 1
    kinds = {r[0] for r in db.execute("select kind from alerts")}
    assert "ARTICLE_UPDATED" in kinds and "NEW_EVENT" in kinds
    # The arrest count the site reports grows 1,000 -> 1,500 -> 3,000 (phase 2): each
    # step is one FACT_CHANGED, in order, and nothing else about that fact alerts.
    changes = [
        r[0]
        for r in db.execute(
            "select summary from alerts where kind = 'FACT_CHANGED' "
            "and summary like 'Arrests reported%' order by id"
        )
    ]
    assert len(changes) == 2, changes
    assert "1,000 arrests → 1,500 arrests" in changes[0]
    assert "1,500 arrests → 3,000 arrests" in changes[1]


def test_runs_are_recorded(demo_runs) -> None:
    rows = list(demo_runs.db.query("select * from runs order by id"))
    assert [r["status"] for r in rows] == ["completed"] * 3
    assert rows[0]["new_articles"] == demo_runs.first["new_articles"]
    assert "new articles" in rows[0]["summary"]


# ----------------------------------------------------------------------------- faults


def _fast_profile(tmp_path: Path) -> str:
    """The bundled profile with a 2-second timeout, so a stalled server costs little."""
    text = (ROOT / "seeds" / "chicago-immigration-2025.toml").read_text(encoding="utf-8")
    seeds = (ROOT / "seeds" / "chicago-immigration-2025").as_posix()
    text = text.replace('seeds = ["chicago-immigration-2025/*.txt"]', f'seeds = ["{seeds}/*.txt"]')
    text = text.replace("timeout = 20.0", "timeout = 2.0")
    path = tmp_path / "fast.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_bad_sources_are_recorded_and_retried(prefect_harness, tmp_path: Path) -> None:
    db_path = str(tmp_path / "faults.db")
    topic = _fast_profile(tmp_path)
    faults = FaultConfig(flaky_failures=1, timeout_seconds=6.0)
    with DemoSite(phase=1, faults=faults) as site:
        base = site.base_url
        feeds = [
            f"{base}/faults/feed.xml",
            f"{base}/faults/malformed-feed.xml",
            f"{base}/faults/html-feed",
            f"{base}/faults/500",
        ]
        first = _monitor(db_path, feeds, topic)
        db = sqlite_utils.Database(db_path)
        failures = {
            (r["url"].removeprefix(base), r["stage"]): r
            for r in db.query("select * from failures where resolved_at is null")
        }
        assert first["status"] == "completed_with_errors"
        # Each bad feed is recorded with its reason; the run went on.
        assert (("/faults/malformed-feed.xml", "feed")) in failures
        assert "HTML" in failures[("/faults/html-feed", "feed")]["error"]
        assert failures[("/faults/500", "feed")]["retryable"] == 1
        # Each bad page too, with whether retrying can help.
        expect = {
            "/faults/404": 0,
            "/faults/not-html": 0,
            "/faults/huge": 0,
            "/faults/timeout": 1,
            "/faults/flaky": 1,
        }
        for path, retryable in expect.items():
            key = next((k for k in failures if k[0].startswith(path)), None)
            assert key is not None, f"{path} not recorded: {sorted(failures)}"
            assert failures[key]["retryable"] == retryable, (path, failures[key]["error"])
        empty = next(k for k in failures if k[0].startswith("/faults/empty"))
        assert failures[empty]["stage"] == "extract"
        # The good article in the fault feed was stored all the same.
        assert db.execute("select count(*) from articles where status != 'seed'").fetchone()[0] >= 1

        # The next run retries what is retryable: the flaky page now answers.
        second = _monitor(db_path, feeds, topic)
        assert second["retried"] >= 1
        flaky = next(k for k in failures if k[0].startswith("/faults/flaky"))
        row = db.execute(
            "select resolved_at, attempts from failures where url = ? and stage = ?",
            [base + flaky[0], flaky[1]],
        ).fetchone()
        assert row[0] is not None, "the flaky page should have been fetched on the retry"
        assert (
            db.execute(
                "select count(*) from articles where url like ?", [base + "/faults/flaky%"]
            ).fetchone()[0]
            == 1
        )
        # A permanent failure is not retried, and is still there.
        assert (
            db.execute(
                "select attempts from failures where url = ?", [base + "/faults/404"]
            ).fetchone()[0]
            == 1
        )
