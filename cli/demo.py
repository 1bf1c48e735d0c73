"""``newsmon demo``: the whole pipeline offline, against the bundled fake news site."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, closing, nullcontext
from pathlib import Path

import sqlite_utils

from newsmon.db import insert_row, now_iso, open_db
from newsmon.errors import NewsmonError
from newsmon.pipeline import format_counts

LOGGER = logging.getLogger(__name__)

DEMO_MARKER_TABLE = "_newsmon_demo"


class DemoError(NewsmonError):
    """The demo cannot run (e.g. it would overwrite a database that is not a demo's)."""


def _is_demo_db(path: Path) -> bool:
    db = sqlite_utils.Database(path)
    try:
        return DEMO_MARKER_TABLE in db.table_names() or not db["articles"].exists()
    finally:
        db.close()


def fresh_demo_db(path: str | Path) -> Path:
    """Remove a previous demo database at ``path`` (never anything else)."""
    p = Path(path)
    if p.exists():
        if not _is_demo_db(p):
            raise DemoError(
                f"{p} holds data from real monitor runs; the demo will not overwrite it. "
                f"Pass --db with another path, e.g. --db data/demo.db"
            )
        for suffix in ("", "-wal", "-shm"):
            Path(f"{p}{suffix}").unlink(missing_ok=True)
    with closing(open_db(p)) as db:
        insert_row(db, DEMO_MARKER_TABLE, {"created_at": now_iso()})
    return p


def run_demo(
    db_path: str | Path,
    *,
    echo: Callable[[str], None] = print,
    keep_serving: bool = False,
    display: Callable[[str], AbstractContextManager[object]] = lambda _title: nullcontext(),
) -> dict[str, object]:
    """Serve the fake site, run the monitor, publish phase 2, run again, write a digest.
    ``display`` wraps each monitor run (the CLI's progress display on a terminal)."""
    from demo_site.server import DemoSite
    from flows.monitor import monitor

    path = fresh_demo_db(db_path)
    results: dict[str, object] = {}
    with DemoSite(phase=1) as site:
        feeds = site.feed_urls()
        echo(f"Fake news site on {site.base_url} with {len(feeds)} feeds.")
        echo("Run 1: the site has published its first articles (and republished the seeds).")
        t0 = time.perf_counter()
        with display("Run 1"):
            first = monitor(db=str(path), feeds=feeds, allow_private_hosts=True, per_host_delay=0.0)
        echo(format_counts(first))
        echo(f"  ({time.perf_counter() - t0:.1f} s)\n")

        site.set_phase(2)
        echo("Run 2: the site publishes follow-ups, wire copies and rewrites a story.")
        t0 = time.perf_counter()
        with display("Run 2"):
            second = monitor(
                db=str(path), feeds=feeds, allow_private_hosts=True, per_host_delay=0.0
            )
        echo(format_counts(second))
        echo(f"  ({time.perf_counter() - t0:.1f} s)\n")
        results.update(first=first, second=second)

        digest_text = _demo_digest(path)
        if digest_text:
            echo("Digest of the alerts across both runs:\n")
            echo(digest_text)
        results["digest"] = digest_text

        echo(f"The database is {path}. Explore it with Datasette (read-only, on 127.0.0.1):")
        echo(f"    newsmon browse --db {path}")
        if path.name == "newsmon.db":
            # Datasette matches the metadata to the database by its file name.
            echo(f"or: datasette {path} -m data/metadata.yml")
        if keep_serving:
            echo(f"\nThe fake site stays up on {site.base_url} until Ctrl-C.")
            try:
                while True:
                    time.sleep(3600)
            except KeyboardInterrupt:
                pass
    return results


def _demo_digest(path: Path) -> str | None:
    """Render the digest of everything the demo raised (no delivery)."""
    from newsmon import digest

    return digest.demo_digest_text(str(path))
