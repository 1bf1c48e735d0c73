from __future__ import annotations

from newsmon import store


def test_failures_are_counted_resolved_and_retried(fresh_db) -> None:
    with fresh_db.atomic():
        store.record_failure(fresh_db, "http://a/1", "fetch", "HTTP 500", retryable=True)
        store.record_failure(fresh_db, "http://a/1", "fetch", "timed out", retryable=True)
        store.record_failure(fresh_db, "http://a/2", "fetch", "HTTP 404", retryable=False)
    rows = {r["url"]: r for r in fresh_db.query("select * from failures")}
    assert rows["http://a/1"]["attempts"] == 2 and rows["http://a/1"]["error"] == "timed out"
    pending = store.pending_failures(fresh_db, ["fetch"])
    assert [p.url for p in pending] == ["http://a/1"]  # the 404 is not retried
    assert store.pending_failures(fresh_db, ["fetch"], max_attempts=2) == []
    with fresh_db.atomic():
        assert store.resolve_failures(fresh_db, "http://a/1") == 1
    assert store.pending_failures(fresh_db, ["fetch"]) == []
    row = fresh_db["failures"].get(rows["http://a/1"]["id"])
    assert row["resolved_at"] is not None  # resolved, not deleted: nothing is forgotten


def test_feed_failure_keeps_the_previous_validators(fresh_db) -> None:
    url = "http://feeds.example/rss"
    with fresh_db.atomic():
        store.record_feed_poll(fresh_db, url, name="x", status=200, etag='"v1"', last_modified="lm")
        store.record_feed_poll(fresh_db, url, name="x", status=500, error="HTTP 500")
    state = store.feed_state(fresh_db, url)
    assert state.etag == '"v1"' and state.last_modified == "lm"
    assert state.consecutive_failures == 1
    with fresh_db.atomic():
        store.record_feed_poll(fresh_db, url, name="x", status=200, etag='"v2"')
    assert store.feed_state(fresh_db, url).consecutive_failures == 0
    assert fresh_db["feeds"].count == 1


def test_known_urls_matches_url_or_canonical(fresh_db) -> None:
    fresh_db["articles"].insert(
        {"url": "http://a/x?utm_source=rss", "canonical_url": "http://a/x", "status": "relevant"}
    )
    found = store.known_urls(fresh_db, ["http://a/x", "http://a/x?utm_source=rss", "http://b/"])
    assert set(found) == {"http://a/x", "http://a/x?utm_source=rss"}


def test_given_up_lists_permanent_and_exhausted_failures(fresh_db) -> None:
    with fresh_db.atomic():
        store.record_failure(fresh_db, "http://a/404", "fetch", "HTTP 404", retryable=False)
        store.record_failure(fresh_db, "http://a/500", "fetch", "HTTP 500", retryable=True)
        store.record_failure(fresh_db, "http://a/pdf", "extract", "not HTML", retryable=False)
    urls = ["http://a/404", "http://a/500", "http://a/pdf", "http://a/new"]
    assert store.given_up(fresh_db, urls, ["fetch", "extract"]) == {"http://a/404", "http://a/pdf"}
    assert store.given_up(fresh_db, urls, ["fetch"], max_attempts=1) == {
        "http://a/404",
        "http://a/500",
    }


def test_a_write_transaction_waits_instead_of_failing_on_a_stale_snapshot(db_path) -> None:
    """Two writers (e.g. a digest and a monitor chunk, in two processes): the second
    waits for the first. With a deferred BEGIN, a transaction that read before the other
    committed failed at once with 'database is locked'."""
    import threading

    from newsmon.db import open_db

    a = open_db(db_path)
    errors: list[BaseException] = []
    b_started = threading.Event()

    def other_writer() -> None:
        b = open_db(db_path, migrate=False)
        try:
            b_started.set()
            with b.atomic():
                b.table("feeds").insert({"url": "https://b.example/rss"})
        except BaseException as exc:
            errors.append(exc)
        finally:
            b.close()

    with a.atomic():
        a.execute("select count(*) from feeds").fetchone()  # a read first
        t = threading.Thread(target=other_writer)
        t.start()
        b_started.wait(5)
        t.join(0.5)  # the other writer would commit here if it were not made to wait
        a.table("feeds").insert({"url": "https://a.example/rss"})
    t.join(10)
    assert not t.is_alive() and errors == []
    assert a.execute("select count(*) from feeds").fetchone()[0] == 2
    a.close()


def test_insert_row_plain_and_json_values(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """insert_row: plain values in one INSERT (ids in order, NULLs kept), anything else
    through sqlite-utils (a dict stored as JSON), odd column names quoted."""
    import json

    import sqlite_utils

    from newsmon.db import insert_row

    db = sqlite_utils.Database(tmp_path / "t.db")
    db.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, "a b" TEXT, n REAL, blob BLOB, extra TEXT)')
    first = insert_row(db, "t", {"a b": "x", "n": 1.5, "blob": b"\x00\x01", "extra": None})
    second = insert_row(db, "t", {"a b": "y", "extra": {"k": [1, 2]}})
    assert (first, second) == (1, 2)
    rows = db.execute('SELECT id, "a b", n, blob, extra FROM t ORDER BY id').fetchall()
    assert rows[0] == (1, "x", 1.5, b"\x00\x01", None)
    assert rows[1][:2] == (2, "y") and json.loads(rows[1][4]) == {"k": [1, 2]}


def test_insert_row_creates_a_missing_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """As sqlite-utils' insert did: the demo's marker table is created by its first row."""
    import sqlite_utils

    from newsmon.db import insert_row

    db = sqlite_utils.Database(tmp_path / "t.db")
    assert insert_row(db, "_marker", {"created_at": "2025-10-01T00:00:00+00:00"}) == 1
    assert db.execute("SELECT created_at FROM _marker").fetchall() == [
        ("2025-10-01T00:00:00+00:00",)
    ]
