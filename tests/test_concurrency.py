"""Concurrency: readers during a run, and two runs at once.

- Datasette (a real ``datasette`` server process) answers every read while a monitor run
  writes the same file: WAL mode, so readers never see "database is locked".
- One monitor run per database at a time (``newsmon.runlock``): a second run started
  while one is going skips with a clear message, recorded as a ``skipped`` row in
  ``runs``; the lock goes away with the process that held it, however it died.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlite_utils

from demo_site.server import DemoSite
from newsmon.profile import load_profile
from newsmon.runlock import RunLock, RunLocked, lock_path, run_lock

VENV_BIN = Path(sys.executable).parent
SKIP_MESSAGE = re.compile(
    r"another monitor run holds the lock on (?P<db>\S+) since (?P<since>\S+) "
    r"\(pid (?P<pid>\d+)\); skipping"
)


def _holder(db: str) -> subprocess.Popen[str]:
    """Another process that takes the run lock of ``db`` and sleeps."""
    code = (
        "import sys, time\n"
        "from newsmon.runlock import RunLock\n"
        "RunLock(sys.argv[1]).acquire()\n"
        "print('locked', flush=True)\n"
        "time.sleep(600)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code, db], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


# ------------------------------------------------------------------ the run lock


def test_second_lock_is_refused_with_who_holds_it(tmp_path: Path) -> None:
    db = str(tmp_path / "newsmon.db")
    holder = _holder(db)
    try:
        with pytest.raises(RunLocked) as info:
            RunLock(db).acquire()
        m = SKIP_MESSAGE.fullmatch(str(info.value))
        assert m is not None, str(info.value)
        assert m["db"] == db and int(m["pid"]) == holder.pid
        assert m["since"].startswith("20")
    finally:
        holder.kill()
        holder.wait()


def test_lock_is_released_when_the_holder_is_killed(tmp_path: Path) -> None:
    db = str(tmp_path / "newsmon.db")
    holder = _holder(db)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with run_lock(db) as lock:  # no stale lock after a SIGKILL
        assert lock.held
        assert lock_path(db).read_text().split()[0] == str(os.getpid())
    # Released on exit: taken again at once, in this process too.
    with run_lock(db):
        pass


def test_lock_in_the_same_process_is_exclusive_too(tmp_path: Path) -> None:
    db = str(tmp_path / "newsmon.db")
    with run_lock(db), pytest.raises(RunLocked):
        RunLock(db).acquire()


# ------------------------------------------------------------------ monitor runs


def _monitor(db: str, feeds: list[str], topic: str) -> dict[str, Any]:
    from flows.monitor import monitor

    return monitor(topic=topic, db=db, feeds=feeds, allow_private_hosts=True, per_host_delay=0.0)


@pytest.mark.slow
def test_monitor_skips_while_another_run_holds_the_lock(prefect_harness, tmp_path: Path) -> None:
    from test_faults import fast_profile

    db = str(tmp_path / "newsmon.db")
    topic = fast_profile(tmp_path)
    with DemoSite(phase=1) as site:
        from newsmon.db import open_db

        open_db(db).close()  # an existing database (a skip on a new one is only logged)
        holder = _holder(db)
        try:
            skipped = _monitor(db, site.feed_urls(), topic)
        finally:
            holder.kill()
            holder.wait()
        assert skipped["status"] == "skipped"
        assert SKIP_MESSAGE.fullmatch(skipped["summary"]), skipped["summary"]
        assert skipped["new_articles"] == 0
        assert site.request_log() == [], "a skipped run fetches nothing"
        rows = list(sqlite_utils.Database(db).query("select status, summary from runs"))
        assert rows == [{"status": "skipped", "summary": skipped["summary"]}]
        done = _monitor(db, site.feed_urls(), topic)  # the holder is gone: this one runs
        assert done["status"] == "completed" and done["new_articles"] > 0


@pytest.mark.slow
def test_two_runs_started_at_once(prefect_harness, tmp_path: Path) -> None:
    """Two monitor processes (the real flow, each its own process, sharing the test's
    Prefect API) started together against one database: one runs, the other skips."""
    import json

    from prefect.settings import PREFECT_API_URL
    from test_faults import fast_profile

    db = str(tmp_path / "newsmon.db")
    topic = fast_profile(tmp_path)
    code = (
        "import json, sys\n"
        "from flows.monitor import monitor\n"
        "r = monitor(topic=sys.argv[1], db=sys.argv[2], feeds=sys.argv[3:],\n"
        "            allow_private_hosts=True, per_host_delay=0.2)\n"
        "print(json.dumps({'status': r['status'], 'summary': r['summary']}))\n"
    )
    env = {**os.environ, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
    from newsmon.db import open_db

    open_db(db).close()  # an existing database: the skip is recorded in runs, not only logged
    # 0.2 s between requests to the site: a run lasts about 10 s, so whichever process
    # takes the lock first still holds it when the other gets there.
    with DemoSite(phase=1) as site:
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", code, topic, db, *site.feed_urls()],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(2)
        ]
        outs = [p.communicate(timeout=300) for p in procs]
        published = site.published()
    results = []
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    statuses = sorted(r["status"] for r in results)
    assert statuses == ["completed", "skipped"], (statuses, [e[-2000:] for _o, e in outs])
    skipped = next(r for r in results if r["status"] == "skipped")
    assert SKIP_MESSAGE.fullmatch(skipped["summary"]), skipped["summary"]
    sdb = sqlite_utils.Database(db)
    assert sorted(r[0] for r in sdb.execute("select status from runs")) == statuses, [
        err[-2000:] for _out, err in outs
    ]
    assert not list(sdb.query("select url from articles group by url having count(*) > 1"))
    stored = sdb.execute("select count(*) from articles where status != 'seed'").fetchone()[0]
    stored += sdb.execute("select count(*) from skipped_items").fetchone()[0]  # not fetched
    assert stored >= len([i for i in published if i.label != "same_outlet_other_url"])
    assert sdb.execute("pragma integrity_check").fetchone()[0] == "ok"


# ------------------------------------------------------------------ Datasette reads


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_datasette_reads_while_a_run_writes(tmp_path: Path) -> None:
    from test_crash import drive
    from test_faults import fast_profile

    from newsmon import pipeline

    db = str(tmp_path / "newsmon.db")
    profile = load_profile(fast_profile(tmp_path))
    profile = replace(profile, fetch=replace(profile.fetch, per_host_delay=0.0))
    pipeline.prepare(db, profile)  # the file exists (and is in WAL mode) before Datasette
    port = _free_port()
    server = subprocess.Popen(
        [str(VENV_BIN / "datasette"), "serve", db, "-h", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}/newsmon"
    paths = [
        ".json?sql=select+count(*)+as+n+from+articles&_shape=array",
        "/articles.json?_shape=array&_size=20&_sort_desc=id",
        "/events.json?_shape=array&_size=20",
        ".json?sql=select+count(*)+as+n+from+events&_shape=array",
        "/articles?_search=guard",
        "/alerts",
    ]
    answers: list[tuple[int, str]] = []
    counts: list[int] = []
    stop = threading.Event()

    def hammer() -> None:
        with httpx.Client(timeout=30) as client:
            i = 0
            while not stop.is_set():
                path = paths[i % len(paths)]
                r = client.get(base + path)
                answers.append((r.status_code, r.text[:20000]))
                if path.startswith(".json?sql=select+count(*)+as+n+from+articles"):
                    counts.append(int(r.json()[0]["n"]))
                i += 1

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(base + ".json", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "datasette did not start"
            time.sleep(0.2)
        readers = [threading.Thread(target=hammer) for _ in range(3)]
        for t in readers:
            t.start()
        with DemoSite(phase=2) as site:
            stored = drive(db, site.feed_urls(), profile)
        time.sleep(0.3)
        stop.set()
        for t in readers:
            t.join(timeout=30)
    finally:
        stop.set()
        server.terminate()
        _out, err = server.communicate(timeout=10)
    assert stored > 20
    assert len(answers) > 30, "the readers should have read many times during the run"
    bad = [(s, body[:300]) for s, body in answers if s != 200 or "database is locked" in body]
    assert bad == []
    assert "database is locked" not in err
    # Reads saw the run progress, never going back (each read sees a committed state).
    assert counts == sorted(counts) and counts[-1] > counts[0]
