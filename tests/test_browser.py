"""The reading room in a real browser: `newsmon browse` (Datasette) as a subprocess on
127.0.0.1, driven by headless Chromium (--dump-dom, --screenshot).

Skipped only when /usr/bin/chromium is absent (`apt-get install chromium`).
Set NEWSMON_UPDATE_SCREENSHOTS=1 to write the screenshots into docs/screenshots/.
"""

from __future__ import annotations

import importlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
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


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`newsmon browse` on a populated database, on a random port of 127.0.0.1."""
    folder = tmp_path_factory.mktemp("browser")
    db = populate(folder / "newsmon.db")
    port = _free_port()
    log = (folder / "server.log").open("wb")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from newsmon.cli import cli; cli()",
            "browse",
            "--db",
            str(db),
            "--port",
            str(port),
            "--no-open",
        ],
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
                pytest.fail("newsmon browse did not start:\n" + (folder / "server.log").read_text())
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


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
    assert "<title>newsmon — news monitor</title>" in dom or "newsmon — news monitor" in dom
    assert 'href="/newsmon"' in dom
    assert "the latest alerts" in dom


def test_database_page_lists_views_and_queries(base_url: str) -> None:
    dom = chromium(f"{base_url}/newsmon")
    assert_not_an_error_page(dom)
    for text in ("An event cluster with all its sources", "What one actor did", "latest_alerts"):
        assert text in dom
    assert "_sqlite_migrations" not in dom


def test_table_page_shows_rows_and_facets(base_url: str) -> None:
    dom = chromium(f"{base_url}/newsmon/articles")
    assert_not_an_error_page(dom)
    assert "<h1>Articles" in dom
    assert "6 rows" in dom
    assert "National Guard troops arrive at Broadview as protests grow" in dom
    assert 'data-column="source"' in dom and "facet-info" in dom
    assert 'name="_search"' in dom


def test_search_finds_the_article(base_url: str) -> None:
    dom = chromium(f"{base_url}/newsmon/articles?_search=rebellion")
    assert_not_an_error_page(dom)
    assert "1 row" in dom
    assert "Judge April Perry blocks deployment" in dom
    assert "National Guard troops arrive at Broadview" not in dom


def test_canned_query_shows_every_source(base_url: str) -> None:
    dom = chromium(f"{base_url}/newsmon/event_cluster?cluster_id=1")
    assert_not_an_error_page(dom)
    assert "An event cluster with all its sources" in dom
    assert "Chicago Sun-Times" in dom and "Chicago Tribune" in dom
    assert dom.count("<tr>") >= 3  # header and two rows


def test_chart_page_draws_the_chart(base_url: str) -> None:
    dom = chromium(f"{base_url}/newsmon/event_timeline?_size=max{CHART_HASH}")
    assert_not_an_error_page(dom)
    assert "Event timeline" in dom
    assert "vega-embed" in dom
    assert re.search(r'<canvas[^>]*class="marks"', dom), "the vega chart was not drawn"


def test_map_shows_markers_offline(base_url: str) -> None:
    dom = chromium(f"{base_url}/newsmon/event_map")
    assert_not_an_error_page(dom)
    assert "leaflet-container" in dom
    # markers (clustered or single) are drawn even though no tile can be fetched
    assert "marker-cluster" in dom or "leaflet-marker-icon" in dom


@pytest.mark.parametrize(
    "path", ["/newsmon/articles", "/newsmon/articles/5", "/newsmon/latest_alerts"]
)
def test_hostile_titles_are_shown_as_text(base_url: str, path: str) -> None:
    dom = chromium(f"{base_url}{path}")
    assert_not_an_error_page(dom)
    assert "data-pwned" not in body_tag(dom), "a script from an article title ran"
    assert "&lt;script&gt;document.body.setAttribute" in dom  # shown, as text
    assert HOSTILE_TITLE not in dom  # never as markup


PAGES = {
    "home": ("/", 420),
    "database": ("/newsmon", 1100),
    "articles-search": ("/newsmon/articles?_search=Broadview", 900),
    "latest-alerts": ("/newsmon/latest_alerts", 900),
    "event-cluster-query": ("/newsmon/event_cluster?cluster_id=1", 900),
    "event-timeline-chart": (f"/newsmon/event_timeline?_size=max{CHART_HASH}", 1500),
    "event-map": ("/newsmon/event_map", 1400),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_screenshots(base_url: str, tmp_path: Path, name: str) -> None:
    path, height = PAGES[name]
    out = tmp_path / f"{name}.png"
    chromium(f"{base_url}{path}", screenshot=out, height=height)
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000
    if os.environ.get("NEWSMON_UPDATE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, SCREENSHOTS / out.name)
