"""The reading room in a real browser: `newsmon browse` (Datasette) as a subprocess on
127.0.0.1, driven by headless Chromium (--dump-dom, --screenshot).

The pages are checked on the database `newsmon demo` writes (expected values are read
from that database); hostile markup in titles is checked on a small database built by
tests/test_browse.py.

Skipped only when /usr/bin/chromium is absent (`apt-get install chromium`).
Set NEWSMON_UPDATE_SCREENSHOTS=1 to write the screenshots into docs/screenshots/.
"""

from __future__ import annotations

import html
import importlib
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest


def _test_browse() -> Any:
    """tests/test_browse.py, which builds the populated database."""
    for name in ("test_browse", "tests.test_browse"):  # rootdir or package import mode
        try:
            return importlib.import_module(name)
        except ImportError:
            continue
    raise ImportError("tests/test_browse.py not importable")


_browse = _test_browse()
HOSTILE_TITLE: str = _browse.HOSTILE_TITLE
populate = _browse.populate

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(
        f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium); skipped",
        allow_module_level=True,
    )

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHART_HASH = (
    "#g.mark=bar&g.x_column=day&g.x_type=ordinal&g.y_column=events"
    "&g.y_type=quantitative&g.color_column=event_type"
)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    # Let scripts (charts, maps) run before the DOM is dumped or the picture taken.
    "--virtual-time-budget=8000",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _newsmon(*args: str) -> list[str]:
    return [sys.executable, "-c", "from cli import cli; cli()", *args]


@contextmanager
def browse(db: Path, folder: Path) -> Iterator[str]:
    """`newsmon browse` on ``db``, on a random port of 127.0.0.1; yields the base URL."""
    port = _free_port()
    log_path = folder / f"browse-{port}.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            _newsmon("browse", "--db", str(db), "--port", str(port), "--no-open"),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=folder,  # browse finds its metadata without the repo as working directory
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/-/versions.json", timeout=2) as r:
                        if r.status == 200:
                            break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("newsmon browse did not start:\n" + log_path.read_text())
                time.sleep(0.2)
            yield url
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database `newsmon demo` writes (two monitor runs against the fake site)."""
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "newsmon.db"
    env = {
        **os.environ,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "DO_NOT_TRACK": "1",
        "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    }
    result = subprocess.run(
        _newsmon("demo", "--db", str(path)),
        capture_output=True,
        cwd=folder,
        env=env,
        timeout=900,
        check=False,
    )
    out = (result.stdout + result.stderr).decode(errors="replace")
    assert result.returncode == 0, out[-3000:]
    return path


@pytest.fixture(scope="module")
def base_url(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`newsmon browse` on the demo database."""
    with browse(demo_db, tmp_path_factory.mktemp("browse-demo")) as url:
        yield url


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`newsmon browse` on a small database whose titles carry markup and scripts."""
    folder = tmp_path_factory.mktemp("browse-hostile")
    with browse(populate(folder / "newsmon.db"), folder) as url:
        yield url


def query(db: Path, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def shown(text: str) -> str:
    """``text`` as it appears in a dumped DOM (a text node)."""
    return html.escape(text, quote=False)


def chromium(url: str, *, screenshot: Path | None = None, height: int = 900) -> str:
    """Load ``url`` in headless Chromium; return the DOM after scripts ran (or take a
    screenshot when ``screenshot`` is given, returning "")."""
    with tempfile.TemporaryDirectory(prefix="newsmon-chromium-") as profile:
        args = [str(CHROMIUM), *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
        if screenshot is None:
            args += ["--dump-dom", url]
        else:
            args += [f"--screenshot={screenshot}", f"--window-size=1280,{height}", url]
        result = subprocess.run(args, capture_output=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr.decode(errors="replace")[-2000:]
    return result.stdout.decode("utf-8", errors="replace")


def assert_not_an_error_page(dom: str) -> None:
    assert "<h1>Error" not in dom, dom[:3000]
    assert "Traceback" not in dom


def body_tag(dom: str) -> str:
    match = re.search(r"<body[^>]*>", dom)
    assert match, dom[:2000]
    return match.group(0)


def test_home_page(base_url: str) -> None:
    dom = chromium(f"{base_url}/")
    assert_not_an_error_page(dom)
    assert "newsmon — news monitor" in dom
    assert 'href="/newsmon"' in dom
    assert "the latest alerts" in dom


def test_database_page_lists_views_and_queries(base_url: str) -> None:
    dom = chromium(f"{base_url}/newsmon")
    assert_not_an_error_page(dom)
    for text in ("An event cluster with all its sources", "What one actor did", "latest_alerts"):
        assert text in dom
    assert 'href="/newsmon/_sqlite_migrations"' not in dom
    assert 'href="/newsmon/articles_fts"' not in dom


def test_table_page_shows_rows_and_facets(base_url: str, demo_db: Path) -> None:
    ((count,),) = query(demo_db, "SELECT count(*) FROM articles")
    ((latest,),) = query(
        demo_db, "SELECT title FROM articles WHERE title IS NOT NULL ORDER BY published DESC"
    )[:1]
    dom = chromium(f"{base_url}/newsmon/articles")
    assert_not_an_error_page(dom)
    assert "<h1>Articles" in dom
    assert f"{count:,} rows" in dom
    assert shown(latest) in dom  # newest first
    assert 'data-column="source"' in dom and "facet-info" in dom
    assert 'name="_search"' in dom


def test_search_finds_the_articles(base_url: str, demo_db: Path) -> None:
    term = "Broadview"
    hits = query(
        demo_db,
        "SELECT a.title FROM articles_fts JOIN articles a ON a.id = articles_fts.rowid"
        " WHERE articles_fts MATCH ?",
        (term,),
    )
    assert hits, f"the demo has no article mentioning {term}"
    dom = chromium(f"{base_url}/newsmon/articles?_search={term}")
    assert_not_an_error_page(dom)
    n = len(hits)
    assert f'{n} row{"s" if n != 1 else ""} where search matches "{term}"' in dom
    assert shown(hits[0][0]) in dom


def biggest_cluster(db: Path) -> int:
    """The event cluster reported by the most outlets."""
    ((cluster_id,),) = query(
        db,
        "SELECT e.cluster_id FROM events e JOIN articles a ON a.id = e.article_id"
        " WHERE e.cluster_id IS NOT NULL"
        " GROUP BY e.cluster_id ORDER BY count(DISTINCT a.source) DESC, e.cluster_id LIMIT 1",
    )
    return int(cluster_id)


def test_canned_query_shows_every_source(base_url: str, demo_db: Path) -> None:
    cluster_id = biggest_cluster(demo_db)
    sources = {
        r[0]
        for r in query(
            demo_db,
            "SELECT DISTINCT a.source FROM events e JOIN articles a ON a.id = e.article_id"
            " WHERE e.cluster_id = ?",
            (cluster_id,),
        )
    }
    dom = chromium(f"{base_url}/newsmon/event_cluster?cluster_id={cluster_id}")
    assert_not_an_error_page(dom)
    assert "An event cluster with all its sources" in dom
    for source in sources:
        assert shown(source) in dom
    assert dom.count("<tr>") >= 2  # the header and at least one row


def test_chart_page_draws_the_chart(base_url: str) -> None:
    dom = chromium(f"{base_url}/newsmon/event_timeline?_size=max{CHART_HASH}")
    assert_not_an_error_page(dom)
    assert "Event timeline" in dom
    assert "vega-embed" in dom
    assert re.search(r'<canvas[^>]*class="marks"', dom), "the vega chart was not drawn"


def test_map_shows_markers_offline(base_url: str, demo_db: Path) -> None:
    assert query(demo_db, "SELECT count(*) FROM event_map")[0][0] > 0
    dom = chromium(f"{base_url}/newsmon/event_map")
    assert_not_an_error_page(dom)
    assert "leaflet-container" in dom
    # markers (clustered or single) are drawn even though no tile can be fetched
    assert "marker-cluster" in dom or "leaflet-marker-icon" in dom


def test_alerts_feed_is_linked_and_served(base_url: str) -> None:
    with urllib.request.urlopen(f"{base_url}/newsmon/alerts_atom.atom", timeout=30) as r:
        assert r.status == 200
        body = r.read()
    assert b"<feed" in body and b"<entry>" in body


@pytest.mark.parametrize(
    "path", ["/newsmon/articles", "/newsmon/articles/5", "/newsmon/latest_alerts"]
)
def test_hostile_titles_are_shown_as_text(hostile_url: str, path: str) -> None:
    dom = chromium(f"{hostile_url}{path}")
    assert_not_an_error_page(dom)
    assert "data-pwned" not in body_tag(dom), "a script from an article title ran"
    assert "&lt;script&gt;document.body.setAttribute" in dom  # shown, as text
    assert HOSTILE_TITLE not in dom  # never as markup


PAGES = {
    "home": ("/", 420),
    "database": ("/newsmon", 1100),
    "articles-search": ("/newsmon/articles?_search=Broadview", 900),
    "latest-alerts": ("/newsmon/latest_alerts", 900),
    "event-cluster-query": ("/newsmon/event_cluster?cluster_id={cluster}", 1000),
    "event-timeline-chart": (f"/newsmon/event_timeline?_size=max{CHART_HASH}", 1500),
    "event-map": ("/newsmon/event_map", 1400),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_screenshots(base_url: str, demo_db: Path, tmp_path: Path, name: str) -> None:
    path, height = PAGES[name]
    path = path.replace("{cluster}", str(biggest_cluster(demo_db)))
    out = tmp_path / f"{name}.png"
    chromium(f"{base_url}{path}", screenshot=out, height=height)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    if os.environ.get("NEWSMON_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, SCREENSHOTS / out.name)
