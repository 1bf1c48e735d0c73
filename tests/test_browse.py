"""The reading room: Datasette metadata, views, canned queries, search, Atom, `newsmon browse`.

Runs Datasette in-process through its own test client (``ds.client``) against a small
populated database built here (``populate``), which the browser test reuses.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from click.testing import CliRunner
from datasette.app import Datasette

from cli.browse import (
    browse_command,
    database_name,
    datasette_args,
    is_loopback,
    load_metadata,
    metadata_for,
    register_read_only,
)
from newsmon.db import open_db
from newsmon.places import sync_places
from newsmon.profile import load_profile

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE_TITLE = (
    "<script>document.body.setAttribute('data-pwned','script')</script>"
    "<img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> Hostile headline"
)
CANNED_PARAMS: dict[str, dict[str, str]] = {
    "event_cluster": {"cluster_id": "1"},
    "actor_activity": {"actor": "JB Pritzker"},
    "what_changed": {"hours": "24"},
    "alerts_atom": {},
}


def _iso(dt: datetime) -> str:
    return dt.replace(microsecond=0).isoformat()


def populate(path: Path) -> Path:
    """A small newsmon database with a bit of everything a person would look at."""
    db = open_db(path)
    sync_places(db, load_profile())
    now = datetime.now(UTC)
    recent, old = _iso(now - timedelta(hours=2)), _iso(now - timedelta(days=10))
    articles = [
        {
            "id": 1,
            "url": "https://suntimes.example/guard-broadview",
            "canonical_url": "https://suntimes.example/guard-broadview",
            "title": "National Guard troops arrive at Broadview as protests grow",
            "source": "Chicago Sun-Times",
            "published": "2025-10-07T09:00:00+00:00",
            "fetched_at": recent,
            "text": "Gov. JB Pritzker said the National Guard troops arrived in Broadview on "
            "Tuesday. Protesters gathered outside the Broadview processing center.",
            "content_hash": "h1",
            "status": "relevant",
            "relevance": 0.91,
            "word_count": 22,
        },
        {
            "id": 2,
            "url": "https://tribune.example/pritzker-lawsuit",
            "canonical_url": "https://tribune.example/pritzker-lawsuit",
            "title": "Illinois sues to block the Guard deployment",
            "source": "Chicago Tribune",
            "published": "2025-10-06T15:30:00+00:00",
            "fetched_at": recent,
            "text": "The State of Illinois sued the Trump administration on Monday to block "
            "the deployment of 300 National Guard troops to Chicago.",
            "content_hash": "h2",
            "status": "relevant",
            "relevance": 0.88,
            "word_count": 24,
        },
        {
            "id": 3,
            "url": "https://wbez.example/ruling",
            "canonical_url": "https://wbez.example/ruling",
            "title": "Judge April Perry blocks deployment",
            "source": "WBEZ Chicago",
            "published": "2025-10-09T20:00:00+00:00",
            "fetched_at": old,
            "text": "U.S. District Judge April Perry blocked the deployment in Chicago on "
            "Thursday, writing that the government had not shown a rebellion.",
            "content_hash": "h3",
            "status": "relevant",
            "relevance": 0.93,
            "word_count": 23,
        },
        {
            "id": 4,
            "url": "https://copycat.example/guard-broadview",
            "canonical_url": "https://copycat.example/guard-broadview",
            "title": "National Guard troops arrive at Broadview as protests grow (wire)",
            "source": "Copycat Daily",
            "published": "2025-10-07T11:00:00+00:00",
            "fetched_at": recent,
            "text": "Gov. JB Pritzker said the National Guard troops arrived in Broadview on "
            "Tuesday. Protesters gathered outside the Broadview processing center today.",
            "content_hash": "h4",
            "status": "duplicate",
            "duplicate_of": 1,
            "similarity": 0.94,
            "word_count": 23,
        },
        {
            "id": 5,
            "url": "https://hostile.example/x",
            "canonical_url": "https://hostile.example/x",
            "title": HOSTILE_TITLE,
            "source": "<b>Hostile</b> Outlet",
            "published": "2025-10-08T08:00:00+00:00",
            "fetched_at": recent,
            "text": "<script>alert('text')</script> Federal agents detained 12 people in "
            "Little Village, the ICE statement said.",
            "content_hash": "h5",
            "status": "relevant",
            "relevance": 0.7,
            "word_count": 16,
        },
        {
            "id": 6,
            "url": "https://seed.example/1",
            "title": "Seed: Operation Midway Blitz begins",
            "source": "seed corpus",
            "published": "2025-09-08T00:00:00+00:00",
            "text": "DHS announced Operation Midway Blitz in Chicago.",
            "content_hash": "h6",
            "status": "seed",
        },
    ]
    events = [
        # cluster 1: the Guard arriving at Broadview, reported twice
        (1, 1, "DEPLOY", "National Guard", "arrived", None, "Broadview", "2025-10-07", 1),
        (2, 1, "STATEMENT", "JB Pritzker", "said", "National Guard", "Illinois", "2025-10-07", 2),
        (3, 5, "ARREST_RAID", "ICE", "detained", "12 people", "Little Village", "2025-10-08", 3),
        (
            4,
            2,
            "LAWSUIT",
            "State of Illinois",
            "sued",
            "Trump administration",
            "chicago",
            "2025-10-06",
            4,
        ),
        (
            5,
            3,
            "COURT_RULING",
            "April Perry",
            "blocked",
            "the deployment",
            "Chicago",
            "2025-10-09",
            5,
        ),
        (
            6,
            2,
            "DEPLOY",
            "Trump administration",
            "deploy",
            "300 National Guard troops",
            "Chicago",
            None,
            1,
        ),
        (
            7,
            1,
            "PROTEST",
            "Protesters",
            "gathered",
            None,
            "Broadview processing center",
            "2025-10-07",
            6,
        ),
        (8, 5, "STATEMENT", "ICE", "said", None, "Atlantis", "2025-10-08", 7),
    ]
    alerts = [
        (1, recent, "NEW_EVENT", "National Guard troops arrived in Broadview", 1, 1, 1),
        (2, recent, "FACT_CHANGED", "National Guard troops deployed: 200 → 300", 2, 6, 1),
        (3, old, "NEW_EVENT", "Judge April Perry blocked the deployment", 3, 5, 5),
        (4, recent, "NEW_EVENT", HOSTILE_TITLE, 5, 3, 3),
    ]
    texts = {a["id"]: a["text"] for a in articles}
    with db.atomic():
        db.table("articles").insert_all(articles)
        db.table("events").insert_all(
            {
                "id": eid,
                "article_id": aid,
                "event_type": etype,
                "actor": actor,
                "action": action,
                "target": target,
                "location": loc,
                "event_date": date,
                "cluster_id": cluster,
                "evidence": texts[aid],
                "evidence_start": eid * 10,
                "evidence_end": eid * 10 + 50,
                "extractor_version": "test",
                "created_at": recent,
                "quantity": "300 troops" if eid == 6 else None,
            }
            for eid, aid, etype, actor, action, target, loc, date, cluster in events
        )
        db.table("alerts").insert_all(
            {
                "id": i,
                "created_at": at,
                "kind": kind,
                "summary": summary,
                "article_id": aid,
                "event_id": eid,
                "cluster_id": cid,
                "dedupe_key": f"k{i}",
            }
            for i, at, kind, summary, aid, eid, cid in alerts
        )
        db.table("failures").insert_all(
            [
                {
                    "id": 1,
                    "url": "https://down.example/feed",
                    "stage": "poll",
                    "error": "HTTP 503 Service Unavailable",
                    "retryable": 1,
                    "attempts": 3,
                    "first_attempt_at": old,
                    "last_attempt_at": recent,
                },
                {
                    "id": 2,
                    "url": "https://fixed.example/a",
                    "stage": "fetch",
                    "error": "timeout",
                    "retryable": 1,
                    "attempts": 2,
                    "first_attempt_at": old,
                    "last_attempt_at": old,
                    "resolved_at": recent,
                },
            ]
        )
        db.table("feeds").insert(
            {"url": "https://suntimes.example/rss", "name": "Sun-Times", "last_status": 200}
        )
        if db["article_revisions"].exists():  # added by another migration (m0101)
            db.table("article_revisions").insert(
                {
                    "article_id": 1,
                    "revision": 1,
                    "title": "Guard troops expected at Broadview",
                    "text": "Gov. JB Pritzker said troops were expected.",
                    "fetched_at": old,
                    "superseded_at": recent,
                    "diff": "- were expected\n+ arrived in Broadview on Tuesday",
                }
            )
            db.execute("UPDATE articles SET revision = 2, updated_at = ? WHERE id = 1", [recent])
        db.table("runs").insert(
            {
                "id": 1,
                "started_at": recent,
                "finished_at": recent,
                "status": "completed",
                "topic": "chicago-immigration-2025",
                "new_articles": 4,
                "events": 8,
                "alerts": 4,
            }
        )
    db.close()
    return path


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return populate(tmp_path_factory.mktemp("browse") / "newsmon.db")


@pytest.fixture(scope="module")
def metadata() -> dict[str, Any]:
    return load_metadata()


def _datasette(path: Path, metadata: dict[str, Any]) -> Datasette:
    return Datasette([str(path)], metadata=metadata_for(metadata, database_name(path)))


def get(path: Path, metadata: dict[str, Any], url: str) -> Any:
    """GET ``url`` from a fresh in-process Datasette; return the httpx response."""

    async def run() -> Any:
        ds = _datasette(path, metadata)
        return await ds.client.get(url)

    return asyncio.run(run())


def get_json(path: Path, metadata: dict[str, Any], url: str) -> Any:
    response = get(path, metadata, url)
    assert response.status_code == 200, (url, response.text[:500])
    return response.json()


# ---- metadata ---------------------------------------------------------------------


def test_metadata_loads_and_titles_the_database(db_path: Path, metadata: dict[str, Any]) -> None:
    assert metadata["title"]
    assert "newsmon" in metadata["databases"]
    home = get(db_path, metadata, "/")
    assert home.status_code == 200
    assert "newsmon — news monitor" in home.text
    page = get(db_path, metadata, "/newsmon")
    assert page.status_code == 200
    assert 'href="/newsmon/latest_alerts"' in page.text
    assert "An event cluster with all its sources" in page.text  # a canned query's title
    for hidden in ("_sqlite_migrations", "articles_fts", "place_aliases"):
        assert f'href="/newsmon/{hidden}"' not in page.text


def test_every_visible_table_and_column_is_described(tmp_path: Path) -> None:
    """Every table and view a person sees (after all migrations) has a title, a
    description and a description for each column."""
    path = tmp_path / "newsmon.db"
    open_db(path).close()
    metadata = load_metadata()
    tables_meta = metadata["databases"]["newsmon"]["tables"]

    async def visible() -> dict[str, list[str]]:
        ds = _datasette(path, metadata)
        db = ds.get_database("newsmon")
        hidden = set(await db.hidden_table_names())
        names = [t for t in await db.table_names() if t not in hidden]
        names += await db.view_names()
        return {n: await db.table_columns(n) for n in names}

    missing = []
    for name, columns in asyncio.run(visible()).items():
        meta = tables_meta.get(name)
        if not meta or not meta.get("title") or not meta.get("description"):
            missing.append(f"{name}: title/description")
            continue
        described = meta.get("columns") or {}
        missing += [f"{name}.{c}" for c in columns if not described.get(c)]
    assert not missing, "describe these in data/metadata.yml: " + ", ".join(missing)


def test_metadata_only_configures_read_only_queries(metadata: dict[str, Any]) -> None:
    queries = metadata["databases"]["newsmon"]["queries"]
    assert set(queries) == set(CANNED_PARAMS)
    for name, query in queries.items():
        assert not query.get("write"), name
        assert query["title"] and query["description"], name


def test_no_plugin_renders_untrusted_html() -> None:
    import datasette.plugins

    names = {p["name"] for p in datasette.plugins.get_plugins()}
    assert not [n for n in names if "render-html" in n or "render-markdown" in n]


def test_metadata_for_rekeys_another_database_name(metadata: dict[str, Any]) -> None:
    other = metadata_for(metadata, "demo")
    assert "demo" in other["databases"] and "newsmon" not in other["databases"]
    assert "/demo/latest_alerts" in other["description_html"]
    assert "/newsmon/" not in other["databases"]["demo"]["description_html"]
    assert metadata_for(metadata, "newsmon") == metadata


# ---- tables, views, queries ------------------------------------------------------------


def test_tables_have_default_sort_and_facets(db_path: Path, metadata: dict[str, Any]) -> None:
    data = get_json(db_path, metadata, "/newsmon/articles.json?_extra=facet_results")
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"source", "status"} <= set(facets)
    data = get_json(db_path, metadata, "/newsmon/events.json?_extra=facet_results&_shape=objects")
    facets = data["facet_results"]
    facets = facets.get("results", facets)
    assert {"event_type", "actor"} <= set(facets)
    dates = [r["event_date"] for r in data["rows"] if r["event_date"]]
    assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize(
    "view",
    [
        "latest_alerts",
        "alerts_feed",
        "event_timeline",
        "events_per_day",
        "event_map",
        "cluster_coverage",
        "actor_summary",
        "duplicates_explained",
        "sources_per_outlet",
        "unresolved_failures",
        "all_changes",
        "changes_last_24h",
        "rewritten_articles",
    ],
)
def test_every_view_returns_rows(db_path: Path, metadata: dict[str, Any], view: str) -> None:
    if view not in sqlite_utils.Database(db_path).view_names():
        pytest.skip(f"{view}: the table it reads does not exist in this schema")
    data = get_json(db_path, metadata, f"/newsmon/{view}.json?_shape=objects")
    assert data["rows"], view


@pytest.mark.parametrize("name", sorted(CANNED_PARAMS))
def test_every_canned_query_runs(db_path: Path, metadata: dict[str, Any], name: str) -> None:
    qs = "&".join(f"{k}={v}" for k, v in CANNED_PARAMS[name].items())
    data = get_json(db_path, metadata, f"/newsmon/{name}.json?_shape=objects&{qs}")
    assert data["ok"] is not False
    assert data["rows"], name
    # and the HTML page, with and without its parameters, is not an error page
    for url in (f"/newsmon/{name}?{qs}", f"/newsmon/{name}"):
        page = get(db_path, metadata, url)
        assert page.status_code == 200, url
        assert metadata["databases"]["newsmon"]["queries"][name]["title"] in page.text


def test_cluster_query_shows_every_source(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/event_cluster.json?_shape=array&cluster_id=1")
    assert {r["source"] for r in rows} == {"Chicago Sun-Times", "Chicago Tribune"}
    assert {r["event_id"] for r in rows} == {1, 6}


def test_actor_query_is_case_insensitive(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/actor_activity.json?_shape=array&actor=ice")
    assert [r["event_id"] for r in rows] == [3, 8]


def test_last_24_hours_leaves_out_older_changes(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/changes_last_24h.json?_shape=array&_size=max")
    summaries = " ".join(r["summary"] for r in rows)
    assert "National Guard troops arrived in Broadview" in summaries
    assert "Judge April Perry blocks deployment" not in summaries  # fetched 10 days ago
    assert "HTTP 503" in summaries  # the open failure
    week = get_json(db_path, metadata, "/newsmon/what_changed.json?_shape=array&hours=720")
    assert len(week) > len(rows)


def test_map_view_joins_places_by_name_and_alias(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/event_map.json?_shape=array&_size=max")
    by_event = {r["event_id"]: r for r in rows}
    assert by_event[1]["place"] == "Broadview"
    assert by_event[7]["place"] == "Broadview"  # alias "Broadview processing center"
    assert by_event[4]["place"] == "Chicago"  # "chicago": case-insensitive
    assert 8 not in by_event  # Atlantis is not a place of the profile
    assert by_event[1]["latitude"] == pytest.approx(41.8639)
    popup = json.loads(by_event[1]["popup"])
    assert popup["link"] == "events/1" and popup["title"].startswith("DEPLOY")
    # datasette-cluster-map recognises the columns and adds its script
    page = get(db_path, metadata, "/newsmon/event_map")
    assert "datasette-cluster-map.js" in page.text


def test_timeline_counts_events_per_day_and_type(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/event_timeline.json?_shape=array&_size=max")
    counts = {(r["day"], r["event_type"]): r["events"] for r in rows}
    assert counts[("2025-10-07", "STATEMENT")] == 1
    assert counts[("2025-10-06", "DEPLOY")] == 1  # undated event: the article's day
    page = get(db_path, metadata, "/newsmon/event_timeline")
    assert "datasette_vega" in page.text  # the charting plugin is on the page


def test_duplicates_explained_gives_the_reason(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/duplicates_explained.json?_shape=array")
    assert [(r["article_id"], r["original_id"]) for r in rows] == [(4, 1)]
    assert rows[0]["reason"] == "near-duplicate: 94% similar"


def test_sources_per_outlet(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/sources_per_outlet.json?_shape=array")
    by_outlet = {r["outlet"]: r for r in rows}
    assert by_outlet["Chicago Sun-Times"]["events"] == 3
    assert by_outlet["Copycat Daily"]["duplicates"] == 1


def test_unresolved_failures_only(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/unresolved_failures.json?_shape=array")
    assert [r["url"] for r in rows] == ["https://down.example/feed"]


# ---- search ---------------------------------------------------------------------------


def test_full_text_search_on_articles(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/articles.json?_search=rebellion&_shape=array")
    assert [r["id"] for r in rows] == [3]
    page = get(db_path, metadata, "/newsmon/articles")
    assert 'name="_search"' in page.text  # the search box is shown


def test_full_text_search_on_events(db_path: Path, metadata: dict[str, Any]) -> None:
    rows = get_json(db_path, metadata, "/newsmon/events.json?_search=Protesters&_shape=array")
    assert {r["id"] for r in rows} == {1, 2, 7}
    rows = get_json(db_path, metadata, "/newsmon/event_map.json?_search=Pritzker&_shape=array")
    assert {r["event_id"] for r in rows} == {1, 2, 7}


# ---- Atom ---------------------------------------------------------------------------


def test_alerts_atom_feed(db_path: Path, metadata: dict[str, Any]) -> None:
    response = get(db_path, metadata, "/newsmon/alerts_atom.atom")
    assert response.status_code == 200
    assert "xml" in response.headers["content-type"]
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "newsmon alerts"
    entries = root.findall(f"{ATOM}entry")
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert "NEW_EVENT: National Guard troops arrived in Broadview" in titles
    assert "FACT_CHANGED: National Guard troops deployed: 200 → 300" in titles
    assert f"NEW_EVENT: {HOSTILE_TITLE}" in titles  # kept as text, escaped in the XML
    assert b"<script>" not in response.content
    for entry in entries:
        assert entry.findtext(f"{ATOM}id", "").startswith("urn:newsmon:alert:")
        assert entry.findtext(f"{ATOM}updated")
        content = entry.find(f"{ATOM}content")
        assert content is not None and content.get("type") == "text"
    links = {e.find(f"{ATOM}link").get("href") for e in entries}  # type: ignore[union-attr]
    assert "https://suntimes.example/guard-broadview" in links


def test_alerts_atom_feed_is_valid_without_alerts(tmp_path: Path) -> None:
    path = tmp_path / "newsmon.db"
    open_db(path).close()
    response = get(path, load_metadata(), "/newsmon/alerts_atom.atom")
    assert response.status_code == 200, response.text[:500]
    root = ET.fromstring(response.content)
    assert [e.findtext(f"{ATOM}title") for e in root.findall(f"{ATOM}entry")] == ["No alerts yet"]


# ---- hostile text -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/newsmon/articles",
        "/newsmon/articles/5",
        "/newsmon/latest_alerts",
        "/newsmon/articles?_search=Hostile",
        "/newsmon/alerts_feed",
    ],
)
def test_hostile_titles_render_escaped(db_path: Path, metadata: dict[str, Any], url: str) -> None:
    page = get(db_path, metadata, url)
    assert page.status_code == 200
    assert "<script>document.body" not in page.text
    assert "<img src=x" not in page.text
    assert "&lt;script&gt;" in page.text or "&lt;img" in page.text


# ---- read-only ------------------------------------------------------------------------


def test_read_only_plugin_refuses_writes(db_path: Path, metadata: dict[str, Any]) -> None:
    register_read_only()

    async def write() -> None:
        ds = _datasette(db_path, metadata)
        await ds.get_database("newsmon").execute_write("DELETE FROM alerts")

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        asyncio.run(write())
    assert sqlite_utils.Database(db_path)["alerts"].count == 4


def test_datasette_reads_see_new_writes(tmp_path: Path, metadata: dict[str, Any]) -> None:
    """A running Datasette (mutable, mode=ro) sees what the monitor commits later."""
    path = populate(tmp_path / "newsmon.db")

    async def run() -> tuple[int, int]:
        ds = _datasette(path, metadata)
        before = (await ds.client.get("/newsmon/alerts.json?_shape=array")).json()
        writer = open_db(path)
        writer.table("alerts").insert(
            {
                "id": 9,
                "created_at": "2025-10-10T00:00:00+00:00",
                "kind": "NEW_EVENT",
                "summary": "later",
                "dedupe_key": "k9",
            }
        )
        writer.close()
        after = (await ds.client.get("/newsmon/alerts.json?_shape=array")).json()
        return len(before), len(after)

    assert asyncio.run(run()) == (4, 5)


# ---- the command ----------------------------------------------------------------------


def test_datasette_args_default_to_loopback() -> None:
    args = datasette_args("data/newsmon.db", metadata_path="m.json")
    assert args[:2] == ["serve", "data/newsmon.db"]
    assert args[args.index("--host") + 1] == "127.0.0.1"
    assert args[args.index("--port") + 1] == "8001"
    assert "--immutable" not in args and "-i" not in args
    assert "--open" not in args
    assert "--open" in datasette_args("x.db", metadata_path=None, open_browser=True)
    custom = datasette_args("x.db", metadata_path=None, settings={"sql_time_limit_ms": "9000"})
    assert custom[custom.index("sql_time_limit_ms") + 1] == "9000"
    assert custom.count("sql_time_limit_ms") == 1


def test_browse_passes_settings_to_datasette(db_path: Path) -> None:
    result = CliRunner().invoke(
        browse_command,
        [
            "--db",
            str(db_path),
            "--setting",
            "sql_time_limit_ms",
            "4321",
            "--get",
            "/-/settings.json",
        ],
    )
    assert result.exit_code == 0, result.output
    settings = json.loads(result.stdout)
    assert settings["sql_time_limit_ms"] == 4321
    assert settings["truncate_cells_html"] == 300


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("localhost", True),
        ("::1", True),
        ("0.0.0.0", False),
        ("192.168.1.5", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_browse_serves_the_database(db_path: Path) -> None:
    result = CliRunner().invoke(
        browse_command, ["--db", str(db_path), "--get", "/newsmon/latest_alerts.json?_shape=array"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert len(rows) == 4


def test_browse_rekeys_metadata_for_another_file_name(tmp_path: Path) -> None:
    path = populate(tmp_path / "demo.db")
    result = CliRunner().invoke(browse_command, ["--db", str(path), "--get", "/demo"])
    assert result.exit_code == 0, result.output
    assert "An event cluster with all its sources" in result.stdout
    assert 'href="/demo/latest_alerts"' in result.stdout


def test_browse_missing_database_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(browse_command, ["--db", str(tmp_path / "nope.db")])
    assert result.exit_code == 1
    assert "no database at" in result.output and "newsmon demo" in result.output
    assert not (tmp_path / "nope.db").exists()


def test_browse_names_a_missing_metadata_file(db_path: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        browse_command, ["--db", str(db_path), "--metadata", str(tmp_path / "nope.yml")]
    )
    assert result.exit_code == 1
    assert "metadata file" in result.output and "not found" in result.output


def test_browse_warns_when_bound_beyond_loopback(db_path: Path) -> None:
    result = CliRunner().invoke(
        browse_command, ["--db", str(db_path), "--host", "0.0.0.0", "--get", "/-/versions.json"]
    )
    assert result.exit_code == 0, result.output
    assert "warning: binding to 0.0.0.0" in result.stderr


def test_browse_is_registered_on_the_cli() -> None:
    from cli import cli

    result = CliRunner().invoke(cli, ["browse", "--help"])
    assert result.exit_code == 0
    assert "read-only" in result.output and "Example:" in result.output


# ---- places ----------------------------------------------------------------------------


def test_sync_places_is_idempotent_and_removes_stale(tmp_path: Path) -> None:
    db = open_db(tmp_path / "p.db")
    profile = load_profile()
    first = sync_places(db, profile)
    assert first.places == len(profile.places) and first.removed == 0
    rows_before = list(db["places"].rows), list(db["place_aliases"].rows)
    again = sync_places(db, profile)
    assert again.removed == 0
    assert (list(db["places"].rows), list(db["place_aliases"].rows)) == rows_before
    from dataclasses import replace

    fewer = replace(profile, places=profile.places[:2])
    result = sync_places(db, fewer)
    assert result.removed == len(profile.places) - 2
    assert db["places"].count == 2
    assert {r["place"] for r in db["place_aliases"].rows} == {p.name for p in profile.places[:2]}
    db.close()


# ---- views over tables other migrations add ------------------------------------------


def test_optional_views_follow_the_tables_they_read(tmp_path: Path) -> None:
    from newsmon.migrations.m0401_browse_optional_views import ensure_optional_views

    db = open_db(tmp_path / "o.db")
    assert ensure_optional_views(db) == []  # everything already current after migrating
    # A database where article_revisions arrives after the reading-room migrations ran:
    db.execute("DROP VIEW IF EXISTS rewritten_articles")
    db.execute("DROP TABLE IF EXISTS article_revisions")
    assert "rewritten_articles" not in ensure_optional_views(db)
    assert "rewritten_articles" not in db.view_names()
    db.table("article_revisions").create(
        {
            "id": int,
            "article_id": int,
            "revision": int,
            "title": str,
            "text": str,
            "fetched_at": str,
            "superseded_at": str,
            "diff": str,
        },
        pk="id",
    )
    assert ensure_optional_views(db) == ["rewritten_articles"]
    assert ensure_optional_views(db) == []
    # sync_places (run start) does it too
    db.execute("DROP VIEW rewritten_articles")
    assert sync_places(db, load_profile()).views_updated == ("rewritten_articles",)
    db.table("articles").insert_all(
        [
            {"id": 1, "url": "u1", "title": "Original", "status": "relevant", "text": "a"},
            {
                "id": 2,
                "url": "u2",
                "title": "Trimmed",
                "status": "duplicate",
                "text": "a",
                "duplicate_of": 1,
                "similarity": 0.87,
                "duplicate_reason": "containment",
            },
            {
                "id": 3,
                "url": "u3",
                "title": "Same",
                "status": "duplicate",
                "text": "a",
                "duplicate_of": 1,
                "similarity": 1.0,
                "duplicate_reason": "content_hash",
            },
        ]
    )
    db.table("article_revisions").insert(
        {
            "article_id": 1,
            "revision": 1,
            "title": "Original (first)",
            "text": "old",
            "fetched_at": "2025-10-01T00:00:00+00:00",
            "superseded_at": "2025-10-02T00:00:00+00:00",
            "diff": "- old\n+ a",
        }
    )
    reasons = {r["article_id"]: r["reason"] for r in db["duplicates_explained"].rows}
    assert reasons == {
        2: "trimmed copy: 87% of its text is in the original",
        3: "same text (identical content hash)",
    }
    rewritten = list(db["rewritten_articles"].rows)
    assert [(r["title"], r["old_title"]) for r in rewritten] == [("Original", "Original (first)")]
    db.close()


def test_planned_dates_count_on_the_day_they_were_announced(tmp_path: Path) -> None:
    db = open_db(tmp_path / "t.db")
    sync_places(db, load_profile())
    db.table("articles").insert(
        {
            "id": 1,
            "url": "u",
            "title": "t",
            "status": "relevant",
            "text": "x",
            "published": "2025-10-07T14:20:00-05:00",
        }
    )
    db.table("events").insert_all(
        [
            {
                "id": 1,
                "article_id": 1,
                "event_type": "ANNOUNCE_PLAN",
                "evidence": "A hearing is scheduled for Thursday.",
                "event_date": "2025-10-09",
                "date_is_planned": 1,
                "evidence_start": 0,
                "location": "Chicago",
            },
            {
                "id": 2,
                "article_id": 1,
                "event_type": "DEPLOY",
                "evidence": "Troops arrived on Monday.",
                "event_date": "2025-10-06",
                "date_is_planned": 0,
                "evidence_start": 40,
                "location": "Chicago",
            },
        ]
    )
    timeline = {(r["day"], r["event_type"]) for r in db["event_timeline"].rows}
    assert timeline == {("2025-10-07", "ANNOUNCE_PLAN"), ("2025-10-06", "DEPLOY")}
    assert {r["day"] for r in db["event_map"].rows} == {"2025-10-07", "2025-10-06"}
    assert [r["day"] for r in db["events_per_day"].rows] == ["2025-10-06", "2025-10-07"]
    db.close()
