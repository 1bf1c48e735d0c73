"""Faults from sources: the fake site's random-fault mode, and what several monitor runs
against a misbehaving site leave behind once the site behaves again.

The fake site (``DemoSite(faults=FaultConfig(random_fraction=..., seed=...))``) makes a
deterministic fraction of its normal feed and article responses fail: 500, 503 and 429
with ``Retry-After``, connection resets, stalls past the client's timeout, truncated
bodies, wrong or missing charsets, gzip bombs, redirect loops, 50 MB pages and feeds that
turn into HTML. ``fault_log()`` says what it served.
"""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import sqlite_utils

from demo_site.server import (
    HARMLESS_FAULT_KINDS,
    PERMANENT_FAULT_KINDS,
    RANDOM_FAULT_KINDS,
    DemoSite,
    FaultConfig,
)

ROOT = Path(__file__).resolve().parent.parent

#: Chosen so that every fault kind is served at least once over the runs below.
SEED = 11
FRACTION = 0.35


def fast_profile(tmp_path: Path, **fetch: object) -> str:
    """The bundled profile with a 2-second fetch timeout (a stall costs little), its
    seeds path made absolute, and any other ``[fetch]`` values replaced."""
    text = (ROOT / "seeds" / "chicago-immigration-2025.toml").read_text(encoding="utf-8")
    seeds = (ROOT / "seeds" / "chicago-immigration-2025").as_posix()
    text = text.replace('seeds = ["chicago-immigration-2025/*.txt"]', f'seeds = ["{seeds}/*.txt"]')
    assert "timeout = 20.0" in text
    text = text.replace("timeout = 20.0", "timeout = 2.0")
    for key, value in fetch.items():
        lines = [ln for ln in text.splitlines() if ln.strip().startswith(f"{key} =")]
        new = f"{key} = {value!r}" if not isinstance(value, str) else f'{key} = "{value}"'
        if lines:
            text = text.replace(lines[0], new)
        else:
            text = text.replace("[fetch]\n", f"[fetch]\n{new}\n")
    path = tmp_path / "fast.toml"
    path.write_text(text, encoding="utf-8")
    return str(path)


# ------------------------------------------------------------------ the fault mode


def _hit_everything(site: DemoSite, client: httpx.Client) -> list[int]:
    paths = [urlsplit(u).path for u in site.feed_urls()]
    paths += [urlsplit(i.url).path for i in site.published()]
    statuses = []
    for p in paths:
        try:
            statuses.append(client.get(site.base_url + p).status_code)
        except httpx.HTTPError:
            statuses.append(-1)
    return statuses


def test_random_faults_are_deterministic_and_bounded() -> None:
    cfg = FaultConfig(
        random_fraction=0.4,
        seed=3,
        kinds=("500", "503", "429", "feed_html", "no_charset", "wrong_charset", "reset"),
    )
    logs = []
    for _ in range(2):
        with DemoSite(phase=1, faults=cfg) as site, httpx.Client(timeout=5) as client:
            for _ in range(4):  # max_faults_per_path = 2: the 3rd+ request of a path is fine
                _hit_everything(site, client)
            logs.append(site.fault_log())
            final = _hit_everything(site, client)
    assert logs[0] == logs[1] and logs[0], "same seed, same requests: same faults"
    paths = {p for p, _n, _k in logs[0]}
    per_path = {p: sum(1 for q, _n, _k in logs[0] if q == p) for p in paths}
    assert max(per_path.values()) <= 2
    assert {k for _p, _n, k in logs[0]} <= set(cfg.kinds)
    # Faulty but not all: the fraction is roughly what was asked for.
    n_requests = 4 * len(final)
    assert 0.1 * n_requests < len(logs[0]) < 0.4 * n_requests
    assert final


def test_without_random_fraction_nothing_is_faulted(demo_site: DemoSite) -> None:
    with httpx.Client(timeout=5) as client:
        statuses = _hit_everything(demo_site, client)
    assert set(statuses) == {200} and demo_site.fault_log() == []


def test_each_raw_fault_kind_misbehaves_as_named() -> None:
    """Each kind, forced on one article page, as a client sees it."""
    from newsmon.errors import FetchError
    from newsmon.fetch import Fetcher
    from newsmon.profile import FetchSpec

    spec = FetchSpec(timeout=1.0, max_bytes=5_000_000)
    expect = {
        "500": ("Internal Server Error", True),
        "503": ("Service Unavailable", True),
        "429": ("Too Many Requests", True),
        "reset": ("connection", True),
        "stall": ("timed out", True),
        "truncated": ("truncated", True),
        "gzip_bomb": ("larger than", False),
        "redirect_loop": ("too many redirects", False),
        "huge": ("larger than", False),
    }
    for kind, (reason, retryable) in expect.items():
        cfg = FaultConfig(
            random_fraction=1.0, kinds=(kind,), stall_seconds=3, max_faults_per_path=1
        )
        with DemoSite(phase=1, faults=cfg) as site, Fetcher(spec, allow_private_hosts=True) as f:
            url = site.published()[0].url
            t0 = time.monotonic()
            with pytest.raises(FetchError) as info:
                f.get(url)
            assert time.monotonic() - t0 < 6, kind
            assert reason.lower() in info.value.reason.lower(), (kind, info.value.reason)
            assert info.value.retryable is retryable, kind
            if kind == "503" or kind == "429":
                assert info.value.retry_after == cfg.retry_after
            # max_faults_per_path = 1: the next request of the path is normal.
            assert f.get(url).status == 200, kind
    for kind in HARMLESS_FAULT_KINDS:
        cfg = FaultConfig(random_fraction=1.0, kinds=(kind,))
        with DemoSite(phase=1, faults=cfg) as site, Fetcher(spec, allow_private_hosts=True) as f:
            res = f.get(site.published()[0].url)
            assert res.status == 200 and len(res.content) > 1000
            # wrong_charset: Windows-1252 bytes under a UTF-8 header; no_charset: none given.
            assert res.encoding == ("utf-8" if kind == "wrong_charset" else None)


# ------------------------------------------------------------- runs against faults


def _monitor(db: str, feeds: list[str], topic: str) -> dict:
    from flows.monitor import monitor

    return monitor(topic=topic, db=db, feeds=feeds, allow_private_hosts=True, per_host_delay=0.0)


@pytest.mark.slow
def test_faulty_runs_then_a_clean_run_lose_nothing(prefect_harness, tmp_path: Path) -> None:
    db_path = str(tmp_path / "faults.db")
    topic = fast_profile(tmp_path)
    cfg = FaultConfig(random_fraction=FRACTION, seed=SEED, stall_seconds=4.0, retry_after=1)
    results = []
    with DemoSite(phase=1, faults=cfg) as site:
        feeds = site.feed_urls()
        for phase in (1, 1, 2):
            site.set_phase(phase)
            results.append(_monitor(db_path, feeds, topic))
            time.sleep(1.2)  # past any Retry-After: 1 a feed was given
        served = site.fault_log()
        site.set_faults(FaultConfig())
        time.sleep(1.0)
        results.append(_monitor(db_path, feeds, topic))
        published = site.published()
        base = site.base_url
        requests = site.request_log()

    db = sqlite_utils.Database(db_path)
    # No run crashed: each completed (with errors while the site misbehaved).
    assert [r["status"] for r in results][-1] == "completed", results[-1]["error_messages"]
    assert all(r["status"] in ("completed", "completed_with_errors") for r in results)
    assert [r[0] for r in db.execute("select status from runs order by id")] == [
        r["status"] for r in results
    ]
    assert any(r["errors"] for r in results[:-1]), "the faults should have caused errors"
    kinds = {k for _p, _n, k in served}
    # (each kind on its own is checked against the fetcher in the test above)
    assert len(kinds) >= 8 and kinds <= set(RANDOM_FAULT_KINDS), kinds
    assert kinds & PERMANENT_FAULT_KINDS and kinds - PERMANENT_FAULT_KINDS - HARMLESS_FAULT_KINDS

    # Pages hit by a permanent fault (50 MB, gzip bomb, redirect loop) are given up.
    permanent = {p for p, _n, k in served if k in PERMANENT_FAULT_KINDS}
    open_failures = list(db.query("select * from failures where resolved_at is null"))
    for f in open_failures:
        path = urlsplit(f["url"]).path
        assert f["stage"] == "fetch" and path in permanent, (
            f,
            [x for x in served if x[0] == path],
            [r for r in db.query("select id, started_at, finished_at from runs")],
            [x for x in requests if x[1].split("?")[0] == path],
        )
        assert f["retryable"] == 0
        assert "larger than" in f["error"] or "redirects" in f["error"], f
    given_up = {urlsplit(f["url"]).path for f in open_failures}
    # Every other failure was recorded and then resolved.
    resolved = db.execute("select count(*) from failures where resolved_at is not null")
    assert resolved.fetchone()[0] > 0

    # Every article the site published is in the database exactly once (or given up).
    missing, twice = [], []
    for info in published:
        if info.label == "same_outlet_other_url":
            continue  # another URL of a story stored under its own URL
        # Stored from one of its URLs, or under another URL that names it canonical
        # (a second URL of the story, fetched while the first was failing).
        marks = ",".join("?" * len(info.urls))
        rows = list(
            db.query(
                f"select url, status from articles where url in ({marks}) or canonical_url = ?",
                [*info.urls, info.url],
            )
        )
        # Or judged off the topic from its feed entry: on record, never fetched.
        rows += db.query(f"select url, status from skipped_items where url in ({marks})", info.urls)
        if not rows and urlsplit(info.url).path not in given_up:
            missing.append((info.id, info.label, info.url.removeprefix(base)))
        fetched_from_its_urls = [r for r in rows if r["url"] in info.urls]
        originals = [r for r in rows if r["status"] != "duplicate"]
        if len(fetched_from_its_urls) > 1 or len(originals) > 1:
            twice.append((info.id, rows))
    assert missing == [] and twice == []
    assert not list(
        db.query(
            "select canonical_url from articles where status != 'duplicate' "
            "group by canonical_url having count(*) > 1"
        )
    )
    assert not list(db.query("select url from articles group by url having count(*) > 1"))
    stored = db.execute("select count(*) from articles where status != 'seed'").fetchone()[0]
    stored += db.execute("select count(*) from skipped_items").fetchone()[0]  # not fetched
    assert stored >= len(published) - len(given_up) - 2
    assert db.execute("pragma integrity_check").fetchone()[0] == "ok"


# ------------------------------------------------------------------ limits


def _profile(tmp_path: Path, **fetch: object):  # type: ignore[no-untyped-def]
    from newsmon.profile import load_profile

    return load_profile(fast_profile(tmp_path, **fetch))


def test_max_articles_per_run_is_honoured_and_the_rest_come_next_run(tmp_path: Path) -> None:
    """``[fetch] max_articles_per_run``: at most that many pages per run; the feeds'
    validators are not advanced past items left over, so the next runs fetch the rest."""
    from test_crash import drive

    profile = _profile(tmp_path, max_articles_per_run=7, per_host_delay=0.0)
    assert profile.fetch.max_articles_per_run == 7
    db = str(tmp_path / "cap.db")
    with DemoSite(phase=1) as site:
        feeds = site.feed_urls()[:3]
        page_paths = {urlsplit(i.url).path for i in site.published()}
        stored_per_run = []
        for _ in range(8):
            site.clear_request_log()
            stored_per_run.append(drive(db, feeds, profile))
            pages = [p for _m, p, _h in site.request_log() if p.split("?")[0] in page_paths]
            assert len(pages) <= 7, pages
            if stored_per_run[-1] == 0:
                break
    assert stored_per_run[0] == 7 and stored_per_run[-1] == 0
    # Everything the three feeds list ended up stored, over several capped runs.
    conn = sqlite_utils.Database(db)
    assert (
        sum(stored_per_run)
        == conn.execute("select count(*) from articles where status != 'seed'").fetchone()[0]
    )
    assert sum(stored_per_run) > 14


def test_max_bytes_is_honoured(tmp_path: Path) -> None:
    """``[fetch] max_bytes``: every demo page is larger than 10 kB, so each is refused."""
    from newsmon import pipeline

    profile = _profile(tmp_path, max_bytes=10_000, per_host_delay=0.0)
    db = str(tmp_path / "bytes.db")
    pipeline.prepare(db, profile)
    with DemoSite(phase=1) as site:
        infos = site.published()[:4]
        tasks = [pipeline.PageTask(i.url, None, None) for i in infos]
        fetches = pipeline.fetch_pages(tasks, profile, allow_private_hosts=True)
    processed, failures = pipeline.process(fetches, profile)
    pipeline.store_chunk(db, processed, failures, profile)
    assert processed == [] and len(failures) == 4
    for f in failures:
        assert f.error == "response larger than 10000 bytes" and not f.retryable


def _timeline(site: DemoSite, n: int) -> list[tuple[float, float, str]]:
    """The site's timeline once it has ``n`` entries (the server notes a request's end
    just after the client has read the answer)."""
    deadline = time.monotonic() + 5
    while len(site.request_timeline()) < n and time.monotonic() < deadline:
        time.sleep(0.01)
    return site.request_timeline()


def _assert_polite(timeline: list[tuple[float, float, str]], delay: float) -> None:
    assert len(timeline) >= 2
    for (s1, e1, p1), (s2, _e2, p2) in zip(timeline, timeline[1:], strict=False):
        assert s2 >= e1, f"{p2} started before {p1} ended: two requests at once to one host"
        # The client waits ``delay`` after reading a response; the server saw the
        # request a little later than the client sent it, never earlier.
        assert s2 - s1 >= delay - 0.02, f"{p1} -> {p2}: {s2 - s1:.3f}s apart"


def test_per_host_delay_and_concurrency_within_and_across_fetch_calls(tmp_path: Path) -> None:
    """``[fetch] per_host_delay`` and one request at a time per host: within one
    ``fetch_pages`` call (one Fetcher, threads per host) and between two calls (two
    Fetchers, as the monitor makes one per chunk): the throttle is shared in-process."""
    from newsmon import pipeline

    delay = 0.4
    profile = _profile(tmp_path, per_host_delay=delay)
    assert profile.fetch.per_host_delay == delay
    with DemoSite(phase=1) as site:
        infos = site.published()[:6]
        tasks = [pipeline.PageTask(i.url, None, None) for i in infos]
        site.clear_request_log()
        pipeline.fetch_pages(tasks[:3], profile, allow_private_hosts=True)
        pipeline.fetch_pages(tasks[3:], profile, allow_private_hosts=True)  # a new Fetcher
        timeline = _timeline(site, 6)
    assert len(timeline) == 6
    _assert_polite(timeline, delay)


def test_per_host_limit_holds_for_parallel_fetchers(tmp_path: Path) -> None:
    """Two chunks fetched at the same time from two threads (as overlapping stages might):
    still one request at a time to the host, ``per_host_delay`` apart."""
    import threading

    from newsmon import pipeline

    delay = 0.25
    profile = _profile(tmp_path, per_host_delay=delay)
    with DemoSite(phase=1) as site:
        infos = site.published()[:8]
        tasks = [pipeline.PageTask(i.url, None, None) for i in infos]
        site.clear_request_log()
        threads = [
            threading.Thread(
                target=pipeline.fetch_pages,
                args=(part, profile),
                kwargs={"allow_private_hosts": True},
            )
            for part in (tasks[:4], tasks[4:])
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        timeline = _timeline(site, 8)
    assert len(timeline) == 8
    _assert_polite(timeline, delay)


# ------------------------------------------------- a worker process dies mid-chunk


def _big_pages(n: int) -> list[object]:
    """Pages slow enough to clean (~0.1 s each) that a worker can be killed mid-chunk."""
    from newsmon import pipeline
    from newsmon.fetch import FetchResult

    para = (
        "Federal agents arrested {k} people in the Brighton Park neighborhood on Tuesday, "
        "according to residents who said the operation lasted most of the morning."
    )
    pages = []
    for i in range(n):
        body = "".join(f"<p>{para.format(k=k)} Story {i}.</p>" for k in range(400))
        html = (
            f"<html><head><title>Story {i}</title></head><body><article>"
            f"<h1>Story {i}</h1>{body}</article></body></html>"
        )
        url = f"http://127.0.0.1:9/story/{i}"
        result = FetchResult(
            url, url, 200, html.encode(), "text/html", "utf-8", None, None, False, 0.0
        )
        pages.append(pipeline.PageFetch(pipeline.PageTask(url, None, None), result))
    return pages


def _kill_when_busy(pool_size: int, deadline: float) -> int | None:
    """SIGKILL a worker of the pipeline's ``pool_size`` pool once it has used CPU on the
    chunk (as the OOM killer would); its pid, or None if none got busy in time."""
    import os
    import signal

    import psutil

    from newsmon.pipeline import processing as pipeline_process

    start: dict[int, float] = {}
    while time.monotonic() < deadline:
        pool = pipeline_process._POOLS.get(pool_size)
        for pid in list(getattr(pool, "_processes", None) or {}):
            try:
                used = psutil.Process(pid).cpu_times().user
            except psutil.Error:
                continue
            if used - start.setdefault(pid, used) > 0.05:
                os.kill(pid, signal.SIGKILL)
                return pid
        time.sleep(0.01)
    return None


def test_a_worker_killed_mid_chunk_loses_no_page(profile, caplog) -> None:  # type: ignore[no-untyped-def]
    """A pool worker is killed while the chunk is being cleaned: the chunk is cleaned
    again, page by page, and every page comes out; a second kill, during that second
    pass, costs only the page being cleaned, recorded as a retryable failure. The run
    goes on, and the next chunk gets a working pool."""
    import threading

    from newsmon import pipeline

    pages = _big_pages(pipeline.PARALLEL_MIN_PAGES)
    urls = sorted(p.task.url for p in pages)  # type: ignore[attr-defined]
    pipeline.process(pages[:1], profile, workers=1)  # warm the stages in this process
    killed: list[int | None] = []

    def killer() -> None:
        killed.append(_kill_when_busy(2, time.monotonic() + 60))
        killed.append(_kill_when_busy(1, time.monotonic() + 60))

    thread = threading.Thread(target=killer)
    thread.start()
    with caplog.at_level("WARNING", logger="newsmon.pipeline"):
        done, failed = pipeline.process(pages, profile, workers=2)
    thread.join()
    assert all(killed), killed
    assert "a worker process died" in caplog.text
    assert len(failed) == 1
    assert failed[0].error == pipeline.WORKER_DIED and failed[0].retryable
    assert failed[0].stage == "extract"
    assert sorted([p.task.url for p in done] + [failed[0].url]) == urls
    assert all("Brighton Park" in p.article.text for p in done)

    again, failed_again = pipeline.process(pages, profile, workers=2)
    assert sorted(p.task.url for p in again) == urls and not failed_again
