"""SSRF and local access, output safety and secrets, end to end at the pipeline level.

The fetcher's own checks (every scheme, address family and encoding of a private
address; checks repeated at connect time against DNS rebinding) are unit-tested in
``tests/test_fetch.py``. Here the whole path is exercised: a feed whose items point at
loopback, link-local (cloud metadata), private and ``file://`` URLs goes through
``poll_feed`` → ``record_polls`` → ``fetch_pages`` → ``process`` → ``store_chunk``
*without* ``allow_private_hosts``: every such page is refused before any connection,
recorded in ``failures`` with the reason, and the local server never sees a request.

The "public" feed host is 127.0.0.2 treated as public for these tests only (the
fetcher's address check is wrapped so that exactly that one address passes): nothing
here can reach the real internet, yet the code under test is the production code path.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils
from localserver import LocalServer, redirect, static

from demo_site.server import DemoSite
from extractors.records import FeedItem
from newsmon import fetch as fetch_module
from newsmon import pipeline
from newsmon.db import open_db
from newsmon.profile import FeedSpec, TopicProfile
from newsmon.store import FeedState

ROOT = Path(__file__).resolve().parent.parent
PUBLIC_STAND_IN = "127.0.0.2"


@pytest.fixture
def public_stand_in(monkeypatch: pytest.MonkeyPatch) -> Iterator[LocalServer]:
    """A local server on 127.0.0.2 that the fetcher treats as a public host."""
    real = fetch_module.address_problem

    def problem(address: str) -> str | None:
        return None if address == PUBLIC_STAND_IN else real(address)

    monkeypatch.setattr(fetch_module, "address_problem", problem)
    with LocalServer(host=PUBLIC_STAND_IN) as server:
        yield server


def _feed(items: list[str]) -> bytes:
    entries = "".join(
        f"<item><title>Item {i}</title><link>{u}</link><guid>g{i}</guid>"
        f"<pubDate>Mon, 06 Oct 2025 1{i % 10}:00:00 GMT</pubDate></item>"
        for i, u in enumerate(items)
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Public feed</title>'
        f"<link>http://{PUBLIC_STAND_IN}/</link>{entries}</channel></rss>"
    ).encode()


def _run_stages(db: str, feed_url: str, profile: TopicProfile) -> tuple[pipeline.FeedPoll, int]:
    """One run of the stages, as the flow runs them, WITHOUT allow_private_hosts."""
    pipeline.prepare(db, profile)
    spec = FeedSpec(feed_url)
    state = FeedState(feed_url, None, None, 0, None)
    try:
        poll = pipeline.poll_feed(spec, state, profile, allow_private_hosts=False)
    except Exception as exc:
        poll = pipeline.failed_poll(spec, exc)
    tasks = pipeline.record_polls(db, [poll], max_articles=100).tasks
    stored = 0
    for chunk in pipeline.chunked(tasks, 10):
        fetches = pipeline.fetch_pages(chunk, profile, allow_private_hosts=False)
        processed, failures = pipeline.process(fetches, profile)
        stored += pipeline.store_chunk(db, processed, failures, profile).new_articles
    return poll, stored


def _open_failures(db: str) -> dict[str, str]:
    with closing(sqlite3.connect(db)) as conn:
        return dict(
            conn.execute("select url, error from failures where resolved_at is null").fetchall()
        )


def test_feed_items_pointing_at_local_addresses_are_refused_and_recorded(
    public_stand_in: LocalServer, profile: TopicProfile, db_path: str
) -> None:
    with DemoSite(phase=1) as site:
        article = site.published()[0].url  # a real page, on 127.0.0.1
        port = site.port
        targets = {
            article: "loopback",
            f"http://localhost:{port}/lakeshore-ledger/": "loopback",
            f"http://[::1]:{port}/": "loopback",
            f"http://2130706433:{port}/": "loopback",  # 127.0.0.1 as one number
            f"http://[::ffff:127.0.0.1]:{port}/": "loopback",
            "http://169.254.169.254/latest/meta-data/iam/security-credentials/": "link-local",
            "http://10.0.0.1/admin": "private",
            "http://192.168.1.1/": "private",
            "http://0.0.0.0:{port}/": "unspecified",
        }
        targets = {u.replace("{port}", str(port)): why for u, why in targets.items()}
        public_stand_in.route(
            "/feed.xml", static(_feed([*targets, "file:///etc/passwd"]), "application/rss+xml")
        )
        poll, stored = _run_stages(db_path, public_stand_in.url("/feed.xml"), profile)
        requests = site.request_log()
    assert poll.error is None and stored == 0
    # Nothing reached the local site: every page was refused before connecting.
    assert requests == []
    failures = _open_failures(db_path)
    for url, why in targets.items():
        assert url in failures, f"{url} not recorded: {sorted(failures)}"
        assert "refused" in failures[url] and why in failures[url], failures[url]
    # A file:// link never becomes a page to fetch (the feed parser keeps web links only).
    assert not any(u.startswith("file:") for u in failures)
    with closing(sqlite3.connect(db_path)) as conn:
        rows = conn.execute(
            "select retryable, stage from failures where url != ?", [poll.feed_url]
        ).fetchall()
    assert rows and all(r == (0, "fetch") for r in rows)  # permanent: never retried


def test_file_and_other_schemes_are_refused_at_the_fetch_stage(
    profile: TopicProfile, db_path: str
) -> None:
    """Feed items are built by the parser, which keeps only web links; should one ever
    carry another scheme, fetch_pages refuses it and the failure is recorded."""
    urls = ["file:///etc/passwd", "ftp://127.0.0.1/x", "gopher://127.0.0.1:70/", "data:,x"]
    pipeline.prepare(db_path, profile)
    tasks = [
        pipeline.PageTask(u, "https://feed.example/rss", FeedItem("https://feed.example/rss", u))
        for u in urls
    ]
    fetches = pipeline.fetch_pages(tasks, profile, allow_private_hosts=True)  # even then
    processed, failures = pipeline.process(fetches, profile)
    pipeline.store_chunk(db_path, processed, failures, profile)
    recorded = _open_failures(db_path)
    for u in urls:
        assert "refused: scheme" in recorded[u], recorded


def test_a_redirect_to_a_loopback_address_is_refused(
    public_stand_in: LocalServer, profile: TopicProfile, db_path: str
) -> None:
    with DemoSite(phase=1) as site:
        local_article = site.published()[0].url
        public_stand_in.route("/to-loopback", redirect(local_article))
        public_stand_in.route("/to-localhost", redirect(f"http://localhost:{site.port}/"))
        public_stand_in.route("/to-metadata", redirect("http://169.254.169.254/latest/"))
        public_stand_in.route("/to-file", redirect("file:///etc/passwd"))
        public_stand_in.route("/hop", redirect("/to-loopback"))  # refused on the 2nd hop
        paths = ["/to-loopback", "/to-localhost", "/to-metadata", "/to-file", "/hop"]
        public_stand_in.route(
            "/feed.xml",
            static(_feed([public_stand_in.url(p) for p in paths]), "application/rss+xml"),
        )
        # The feed itself redirecting to loopback is refused too.
        public_stand_in.route("/feed-moved", redirect(site.feed_urls()[0]))
        poll, stored = _run_stages(db_path, public_stand_in.url("/feed.xml"), profile)
        feed_poll, _ = _run_stages(db_path, public_stand_in.url("/feed-moved"), profile)
        requests = site.request_log()
    assert stored == 0 and requests == []  # the local site never saw a request
    failures = _open_failures(db_path)
    for p, why in [
        ("/to-loopback", "loopback"),
        ("/to-localhost", "loopback"),
        ("/to-metadata", "link-local"),
        ("/to-file", "scheme 'file'"),
        ("/hop", "loopback"),
    ]:
        error = failures[public_stand_in.url(p)]
        assert error.startswith("redirect to ") and "refused" in error and why in error, error
    assert feed_poll.error is not None and "loopback" in feed_poll.error
    assert "loopback" in failures[public_stand_in.url("/feed-moved")]


def test_the_demo_site_itself_is_refused_without_the_flag(
    profile: TopicProfile, db_path: str
) -> None:
    """``newsmon run`` without --allow-private-hosts cannot poll a local feed."""
    with DemoSite(phase=1) as site:
        poll, stored = _run_stages(db_path, site.feed_urls()[0], profile)
        assert site.request_log() == []
    assert stored == 0 and poll.error is not None and "loopback" in poll.error
    assert "loopback" in _open_failures(db_path)[site.feed_urls()[0]]


# ------------------------------------------------------------------ output safety

HOSTILE_TITLE = '<script>alert("pwned")</script><img src=x onerror=alert(2)>'
HOSTILE_PARA = (
    "Federal agents arrested 21 people in Chicago's Brighton Park on Tuesday, the "
    "Department of Homeland Security said. <script>steal()</script> Gov. JB Pritzker said "
    "the state would sue to block the deployment of National Guard troops to Illinois."
)


def _hostile_page(base: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in [HOSTILE_PARA.replace("<", "&lt;")] * 6)
    title = HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")
    return (
        f"<!doctype html><html><head><title>{title}</title>"
        f'<meta property="og:title" content="{title}">'
        '<meta property="article:published_time" content="2025-09-10T12:00:00Z">'
        f'<link rel="canonical" href="{base}/hostile"></head>'
        f"<body><article><h1>{title}</h1>{paras}</article></body></html>"
    )


@pytest.fixture
def hostile_db(tmp_path: Path, profile: TopicProfile) -> str:
    """A database where the pipeline stored an article with a hostile title and text."""
    db = str(tmp_path / "newsmon.db")
    pipeline.prepare(db, profile)
    with LocalServer() as server:
        server.route("/hostile", static(_hostile_page(server.url("").rstrip("/"))))
        item = FeedItem(server.url("/feed"), server.url("/hostile"), title=HOSTILE_TITLE)
        task = pipeline.PageTask(item.url, item.feed_url, item)
        fetches = pipeline.fetch_pages([task], profile, allow_private_hosts=True)
    processed, failures = pipeline.process(fetches, profile)
    assert failures == [] and processed
    pipeline.store_chunk(db, processed, failures, profile)
    title = sqlite_utils.Database(db).execute(
        "select title from articles where url like '%hostile'"
    )
    assert "<script>" in title.fetchone()[0]  # stored as the publisher wrote it
    return db


def test_hostile_title_is_escaped_in_every_datasette_page(hostile_db: str) -> None:
    """Datasette pages over a pipeline-built database (see also
    tests/test_browse.py::test_hostile_titles_render_escaped on fixture rows)."""
    from datasette.app import Datasette

    from cli.browse import load_metadata, metadata_for

    metadata = metadata_for(load_metadata(), "newsmon")
    aid = (
        sqlite_utils.Database(hostile_db)
        .execute("select id from articles where url like '%hostile'")
        .fetchone()[0]
    )
    pages = [
        "/newsmon/articles",
        f"/newsmon/articles/{aid}",
        "/newsmon/articles?_search=Brighton",
        "/newsmon/events",
        "/newsmon?sql=select+title,+text+from+articles",
    ]

    async def fetch_all() -> list[Any]:
        ds = Datasette([hostile_db], metadata=metadata)
        await ds.invoke_startup()
        return [await ds.client.get(p) for p in pages]

    for path, page in zip(pages, asyncio.run(fetch_all()), strict=True):
        assert page.status_code == 200, path
        assert "<script>alert" not in page.text, path
        assert "<img src=x" not in page.text, path
        assert "<script>steal" not in page.text, path
    assert "&lt;script&gt;alert" in asyncio.run(fetch_all())[1].text


def test_hostile_title_is_escaped_in_html_digest(hostile_db: str, profile: TopicProfile) -> None:
    """(The renderers are tested on hostile text in tests/test_digest.py::
    test_hostile_text_renders_safely_in_every_format; this one starts from a page.)"""
    from newsmon.digest import run_digest

    with closing(open_db(hostile_db)) as db:
        n_alerts = db.execute("select count(*) from alerts").fetchone()[0]
        result = run_digest(db, profile, channels=[])
    assert n_alerts > 0  # the arrest, dated by its weekday: there is a digest to check
    assert result is not None
    assert "<script>" not in result.digest.html and "<img src=x" not in result.digest.html


# ------------------------------------------------------------------ secrets

SMTP_PASSWORD = "s3cret-Smtp-Passw0rd"
WEBHOOK_TOKEN = "tok_9f8e7d6c5b4a39281706"


class _Hook:
    def __init__(self) -> None:
        self.auth: list[str | None] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.auth.append(self.headers.get("Authorization"))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.mark.slow
def test_secrets_from_the_environment_are_written_nowhere(
    prefect_harness, hostile_db: str, profile: TopicProfile, monkeypatch, caplog, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The digest flow with a webhook token and an SMTP password given by environment
    variables: the token reaches the receiver, and neither secret is in the database,
    the logs, the Prefect artifacts, the digest files or prefect.yaml."""
    from prefect.client.orchestration import get_client

    from flows.digest import DigestDeliveryFailed, digest

    with closing(open_db(hostile_db)) as db:  # make sure there is something to deliver
        from test_delivery import seed_alerts

        seed_alerts(db, profile, clusters=1, start=900)
    monkeypatch.setenv("NEWSMON_TEST_TOKEN", WEBHOOK_TOKEN)
    monkeypatch.setenv("NEWSMON_TEST_SMTP_PASSWORD", SMTP_PASSWORD)
    hook = _Hook()
    caplog.set_level(logging.DEBUG)
    out = tmp_path / "digest.html"
    try:
        with pytest.raises(DigestDeliveryFailed) as failed:  # the SMTP channel is down
            digest(
                db=hostile_db,
                notify=[
                    f"json://newsmon:$NEWSMON_TEST_TOKEN@127.0.0.1:{hook.port}/hook",
                    # an SMTP server that is down: the failure is recorded, with no secret
                    "mailto://newsmon:$NEWSMON_TEST_SMTP_PASSWORD@127.0.0.1:9"
                    "?from=a@example.org&to=b@example.org&mode=insecure",
                ],
                out=[str(out)],
            )
    finally:
        hook.server.shutdown()
        hook.server.server_close()
    assert hook.auth and hook.auth[0] and hook.auth[0].startswith("Basic ")  # token sent

    async def artifacts() -> str:
        async with get_client() as client:
            found = await client.read_artifacts()
        return "\n".join(f"{a.key} {a.description} {a.data}" for a in found)

    places = {
        "database": "\n".join(sqlite3.connect(hostile_db).iterdump()),
        "logs": caplog.text,
        "artifacts": asyncio.run(artifacts()),
        "digest file": out.read_text(encoding="utf-8"),
        "error": str(failed.value),
        "prefect.yaml": (ROOT / "prefect.yaml").read_text(encoding="utf-8"),
    }
    assert places["artifacts"], "the flow should have published its artifact"
    for where, text in places.items():
        for secret in (SMTP_PASSWORD, WEBHOOK_TOKEN):
            assert secret not in text, f"a secret was written to the {where}"
    assert "****" in places["database"]  # channels are stored redacted


def test_prefect_yaml_holds_no_secret_values() -> None:
    text = (ROOT / "prefect.yaml").read_text(encoding="utf-8")
    for m in re.finditer(r"(?i)(password|token|secret|apikey|api_key)\s*[:=]\s*(\S+)", text):
        value = m.group(2).strip("'\"")
        assert value.startswith(("$", "{{")) or not value, m.group(0)
    assert not re.search(r"(?i)(mailto|mailtos|json|jsons)://[^\s$]*:[^\s$@]+@", text)


# ------------------------------------------------------------------ browse


def test_browse_defaults_are_loopback_and_read_only() -> None:
    """(Covered in depth by tests/test_browse.py::test_datasette_args_default_to_loopback,
    ::test_read_only_plugin_refuses_writes, ::test_browse_warns_when_bound_beyond_loopback.)
    Here: the command's own defaults, as a user would get them."""
    from cli.browse import browse_command

    params = {p.name: p for p in browse_command.params}
    assert params["host"].default == "127.0.0.1"
    writable = [n for n in params if "writ" in n]  # any opt-in to writes is off by default
    assert all(not params[n].default for n in writable)
