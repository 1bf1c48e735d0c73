"""The scale-out path gives the same rows: the monitor with its default task runner and
``flows.dask_runner`` with cleaning/relevance/events on a local Dask cluster (two worker
processes, so every page and record really crosses a process boundary) both run over the
fake news site into fresh databases; the stored articles, events and alerts must match,
ignoring ids and timestamps."""

from __future__ import annotations

from typing import Any

import pytest
import sqlite_utils

from demo_site.server import DemoSite

pytestmark = pytest.mark.slow

ARTICLE_COLUMNS = (
    "url", "canonical_url", "title", "source", "author", "published", "text",
    "content_hash", "status", "relevance", "similarity", "feed_url", "language",
    "word_count", "revision", "duplicate_reason",
)  # fmt: skip
EVENT_COLUMNS = (
    "event_type", "actor", "action", "target", "location", "event_date", "quantity",
    "evidence", "evidence_start", "evidence_end", "extractor_version",
)  # fmt: skip


def _snapshot(path: str) -> dict[str, Any]:
    """The stored content, with ids replaced by what they point at."""
    db = sqlite_utils.Database(path)
    url_of = {r["id"]: r["url"] for r in db.query("select id, url from articles")}
    articles = sorted(
        (
            (*(r[c] for c in ARTICLE_COLUMNS), url_of.get(r["duplicate_of"]))
            for r in db.query("select * from articles")
        ),
        key=repr,  # columns may be None
    )
    cluster_members: dict[int, set[tuple[Any, ...]]] = {}
    events = []
    for r in db.query("select * from events"):
        key = (url_of[r["article_id"]], *(r[c] for c in EVENT_COLUMNS))
        events.append(key)
        cluster_members.setdefault(r["cluster_id"], set()).add(key)
    # Clusters by membership: the same events grouped together in both databases.
    clusters = sorted((sorted(m, key=repr) for m in cluster_members.values()), key=repr)
    alerts = sorted(
        (
            (r["kind"], r["summary"], url_of.get(r["article_id"]))
            for r in db.query("select * from alerts")
        ),
        key=repr,
    )
    return {"articles": articles, "events": sorted(events, key=repr), "clusters": clusters,
            "alerts": alerts}  # fmt: skip


@pytest.fixture(scope="module")
def two_databases(prefect_harness: None, tmp_path_factory: pytest.TempPathFactory) -> Any:
    from flows.dask_runner import run_on_dask
    from flows.monitor import monitor

    tmp = tmp_path_factory.mktemp("dask")
    default_db, dask_db = str(tmp / "default.db"), str(tmp / "dask.db")
    with DemoSite(phase=1) as site:
        feeds = site.feed_urls()
        params: dict[str, Any] = dict(feeds=feeds, allow_private_hosts=True, per_host_delay=0.0)
        default = monitor(db=default_db, **params)
        # Small batches: several tasks, spread over both workers.
        on_dask = run_on_dask(db=dask_db, n_workers=2, processes=True, chunk_size=8, **params)
    return default, on_dask, default_db, dask_db


def test_dask_run_completes_like_the_default_run(two_databases: Any) -> None:
    default, on_dask, _, _ = two_databases
    assert default["status"] == on_dask["status"] == "completed", (default, on_dask)
    for key in ("feeds_polled", "items_seen", "new_articles", "relevant", "duplicates",
                "off_topic", "events", "alerts"):  # fmt: skip
        assert default[key] == on_dask[key], (key, default[key], on_dask[key])
    assert on_dask["new_articles"] > 0 and on_dask["events"] > 0


def test_dask_run_stores_the_same_rows(two_databases: Any) -> None:
    _, _, default_db, dask_db = two_databases
    a, b = _snapshot(default_db), _snapshot(dask_db)
    assert len(a["articles"]) > 5 and a["events"]
    for table in ("articles", "events", "clusters", "alerts"):
        assert a[table] == b[table], f"{table} differ between the default and Dask runs"


def test_profile_pickles_and_a_cluster_address_is_used_as_given() -> None:
    """What crosses to a worker and back must pickle: pages, profile, records."""
    import pickle

    from flows.dask_runner import dask_task_runner
    from newsmon.profile import load_profile

    profile = load_profile()
    assert pickle.loads(pickle.dumps(profile)) == profile
    runner = dask_task_runner("tcp://127.0.0.1:8786")
    assert runner.address == "tcp://127.0.0.1:8786"


def test_dask_run_skips_while_another_run_holds_the_database(
    prefect_harness: None, tmp_path: Any
) -> None:
    """The Dask flow writes the same database as the monitor: it takes the same run lock,
    so the two can never write one file at once."""
    from flows.dask_runner import process_on_dask
    from newsmon.db import open_db
    from newsmon.runlock import RunLock

    db = str(tmp_path / "locked.db")
    open_db(db).close()  # a database some run already uses
    with RunLock(db):
        result = process_on_dask(db=db, feeds=["http://127.0.0.1:9/feed.xml"])
    assert result["status"] == "skipped"
    assert "another monitor run holds the lock" in str(result["summary"])
    rows = list(sqlite_utils.Database(db).query("select status from runs"))
    assert [r["status"] for r in rows] == ["skipped"]  # recorded, nothing else written


def test_newsmon_run_dask_runs_the_dask_flow(prefect_harness: None, tmp_path: Any) -> None:
    """``newsmon run --dask`` runs the same stages with processing on a local cluster:
    the run completes, stores articles, and its summary is published by the Dask flow
    (artifact ``process-on-dask``), not by the monitor."""
    import asyncio
    import re
    from pathlib import Path

    from click.testing import CliRunner
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from test_faults import fast_profile

    from cli import cli

    topic = Path(fast_profile(tmp_path))
    topic_id = "dask-cli-" + tmp_path.name.lower().replace("_", "-")
    text = re.sub(r'(?m)^id = ".*"$', f'id = "{topic_id}"', topic.read_text(), count=1)
    topic.write_text(text, encoding="utf-8")
    db = str(tmp_path / "cli.db")
    with DemoSite(phase=1) as site:
        args = ["run", "--topic", str(topic), "--db", db, "--allow-private-hosts"]
        args += ["--per-host-delay", "0", "--feed", site.feed_urls()[0]]
        result = CliRunner().invoke(cli, [*args, "--dask", "--dask-workers", "1"])
    assert result.exit_code == 0, result.output
    assert re.search(r"new articles\s+[1-9]", result.output), result.output

    async def published() -> list[Any]:
        async with get_client() as client:
            return list(
                await client.read_artifacts(
                    artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["process-on-dask"]))
                )
            )

    assert any(f"newsmon run: {topic_id}" in str(a.data) for a in asyncio.run(published()))
