"""Crash consistency: a monitor process killed with SIGKILL at random points.

The monitor here is a driver that runs the pipeline's stages in order, exactly as the
flow does (``prepare``, ``poll_feed``, ``record_polls``, then per chunk
``fetch_pages``, ``process``, ``store_chunk``), in a *separate process* forked from the
test (so it starts in milliseconds instead of Prefect's 10–20 s): the property under
test is the store's, and ``store_chunk`` is the transaction boundary in the flow too.
Small chunks (3 pages) put many transaction boundaries in the way of the kill.

After each kill: ``PRAGMA integrity_check`` is ok, a digest delivers what was committed
to a local JSON webhook, the next (uninterrupted) run completes the work, and the result
is the same as a clean reference run's: the same articles (by URL and canonical URL),
events (article URL, evidence offset, type) and alerts (dedupe key), none twice; and
every alert was delivered exactly once over the two digests.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from demo_site.server import DemoSite
from newsmon.profile import FeedSpec, TopicProfile, load_profile

pytestmark = pytest.mark.slow

TRIALS = int(os.environ.get("NEWSMON_CRASH_TRIALS", "20"))
CHUNK = 3


def drive(db_path: str, feeds: list[str], profile: TopicProfile) -> int:
    """One monitor run, stage by stage (what flows/monitor.py does, minus Prefect)."""
    from newsmon import pipeline

    pipeline.prepare(db_path, profile)
    specs = [FeedSpec(u) for u in feeds]
    states = pipeline.feed_states(db_path, specs)
    polls = []
    for spec in specs:
        try:
            polls.append(
                pipeline.poll_feed(spec, states[spec.url], profile, allow_private_hosts=True)
            )
        except Exception as exc:  # recorded, as the flow does
            polls.append(pipeline.failed_poll(spec, exc))
    tasks = pipeline.record_polls(
        db_path, polls, max_articles=profile.fetch.max_articles_per_run
    ).tasks
    stored = 0
    for chunk in pipeline.chunked(tasks, CHUNK):
        fetches = pipeline.fetch_pages(chunk, profile, allow_private_hosts=True)
        processed, failures = pipeline.process(fetches, profile, workers=1)
        stored += pipeline.store_chunk(db_path, processed, failures, profile).new_articles
    pipeline.commit_validators(db_path, polls)
    return stored


def forked(db_path: str, feeds: list[str], profile: TopicProfile) -> int:
    """Start ``drive`` in a child process; returns its pid."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            drive(db_path, feeds, profile)
        except BaseException:
            import traceback

            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid


def wait_ok(pid: int, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            assert os.waitstatus_to_exitcode(status) == 0, "the monitor run failed"
            return
        time.sleep(0.02)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    raise AssertionError("the monitor run did not finish")


def kill_after(pid: int, delay: float) -> bool:
    """SIGKILL ``pid`` after ``delay`` s; False when it had already finished by itself."""
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        done, _status = os.waitpid(pid, os.WNOHANG)
        if done:
            return False
        time.sleep(0.005)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    return True


# ------------------------------------------------------------------ observations


def snapshot(db_path: str) -> dict[str, Counter[Any]]:
    conn = sqlite3.connect(db_path)
    try:
        return {
            "urls": Counter(r[0] for r in conn.execute("select url from articles")),
            "canonical": Counter(
                r[0]
                for r in conn.execute(
                    "select canonical_url from articles where status != 'duplicate'"
                )
            ),
            "events": Counter(
                tuple(r)
                for r in conn.execute(
                    "select a.url, e.evidence_start, e.event_type, coalesce(e.revision, 1) "
                    "from events e join articles a on a.id = e.article_id"
                )
            ),
            "alerts": Counter(r[0] for r in conn.execute("select dedupe_key from alerts")),
        }
    finally:
        conn.close()


def check_integrity(db_path: str) -> None:
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
        assert conn.execute("pragma foreign_key_check").fetchall() == []
    finally:
        conn.close()


class Webhook:
    """A local JSON receiver: what the digest's json:// channel posts."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", 0))
                outer.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"json://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def digest(db_path: str, profile: TopicProfile, hook: Webhook) -> None:
    from contextlib import closing

    from newsmon.db import open_db
    from newsmon.digest import run_digest

    with closing(open_db(db_path)) as db:
        run_digest(db, profile, notify=[hook.url])


def deliveries_per_alert(db_path: str) -> Counter[int]:
    conn = sqlite3.connect(db_path)
    try:
        return Counter(r[0] for r in conn.execute("select alert_id from alert_deliveries"))
    finally:
        conn.close()


# ------------------------------------------------------------------ the test


@pytest.fixture(scope="module")
def site() -> Iterator[DemoSite]:
    with DemoSite(phase=2) as s:
        yield s


@pytest.fixture(scope="module")
def crash_profile(tmp_path_factory: pytest.TempPathFactory) -> TopicProfile:
    from test_faults import fast_profile

    p = load_profile(fast_profile(tmp_path_factory.mktemp("crash-profile")))
    return replace(p, fetch=replace(p.fetch, per_host_delay=0.0))


def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    site: DemoSite, crash_profile: TopicProfile, tmp_path: Path
) -> None:
    feeds = site.feed_urls()[:2]  # 18 articles: a run of about a second, kills in it
    ref_db = str(tmp_path / "reference.db")
    # The reference run is in-process: it also warms the caches (relevance model,
    # extractor tables) that the forked runs then inherit, so their time is the work's.
    drive(ref_db, feeds, crash_profile)
    reference = snapshot(ref_db)
    # A forked run uninterrupted: how long a run takes (the window for the kills), and
    # that two clean runs agree.
    t0 = time.monotonic()
    wait_ok(forked(str(tmp_path / "reference-2.db"), feeds, crash_profile))
    duration = time.monotonic() - t0
    assert snapshot(str(tmp_path / "reference-2.db")) == reference
    assert sum(reference["events"].values()) > 0 and sum(reference["alerts"].values()) > 0
    for name, counts in reference.items():
        assert max(counts.values()) == 1, f"the reference run stored {name} twice"

    rng = random.Random(20251121)
    hook = Webhook()
    killed = posts = 0
    try:
        for trial in range(TRIALS):
            db = str(tmp_path / f"crash-{trial}.db")
            pid = forked(db, feeds, crash_profile)
            killed += kill_after(pid, rng.uniform(0.0, duration))
            if Path(db).exists():
                check_integrity(db)
                digest(db, crash_profile, hook)  # delivers what the killed run committed
            wait_ok(forked(db, feeds, crash_profile))  # the next run completes the work
            check_integrity(db)
            digest(db, crash_profile, hook)
            got = snapshot(db)
            for name in reference:
                assert got[name] == reference[name], (
                    trial,
                    name,
                    got[name] - reference[name],
                    reference[name] - got[name],
                )
            per_alert = deliveries_per_alert(db)
            assert set(per_alert) == set(
                r[0] for r in sqlite3.connect(db).execute("select id from alerts")
            )
            assert max(per_alert.values()) == 1, f"trial {trial}: an alert was delivered twice"
            # What was actually sent: the alerts in all sends add up to the alerts, once.
            with closing(sqlite3.connect(db)) as conn:
                sent, n_sends = conn.execute(
                    "select sum(alert_count), count(*) from deliveries where status = 'sent'"
                ).fetchone()
                n_alerts = conn.execute("select count(*) from alerts").fetchone()[0]
            assert sent == n_alerts, f"trial {trial}: {sent} alerts sent for {n_alerts}"
            posts += n_sends
    finally:
        hook.close()
    assert killed >= TRIALS * 0.7, f"only {killed} of {TRIALS} runs were killed mid-way"
    # The receiver got exactly the sends the database recorded, no more.
    assert len(hook.bodies) == posts >= TRIALS
