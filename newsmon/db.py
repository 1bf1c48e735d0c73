"""Opening the newsmon database: WAL mode, a busy timeout, migrations applied."""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from newsmon import migrations
from newsmon.errors import StoreError

LOGGER = logging.getLogger(__name__)

DEFAULT_DB = Path("data") / "newsmon.db"
BUSY_TIMEOUT_MS = 30_000


def now_iso() -> str:
    """The current UTC time as ISO 8601 with seconds, e.g. ``2025-09-02T14:03:11+00:00``."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Database(sqlite_utils.Database):
    """sqlite-utils' Database whose outermost ``atomic()`` is ``BEGIN IMMEDIATE``.

    A deferred transaction (sqlite-utils' default) reads first and asks for the write
    lock later; if another process committed in between, SQLite refuses at once with
    "database is locked" (a stale snapshot), whatever the busy timeout. Taking the write
    lock at BEGIN makes a second writer (a digest, a skipped run recording itself) wait
    its turn instead. Readers (Datasette) are not blocked under WAL.
    """

    @contextlib.contextmanager
    def atomic(self) -> Iterator[sqlite_utils.Database]:
        if self.conn.in_transaction:
            with super().atomic() as db:  # nested: a savepoint, as sqlite-utils does
                yield db
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.rollback()
            raise
        try:
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise


def open_db(
    path: str | os.PathLike[str] = DEFAULT_DB, *, migrate: bool = True
) -> sqlite_utils.Database:
    """Open (creating if needed) the database at ``path`` and bring its schema up to date.

    Raises :class:`StoreError` with a sentence a person can act on when the file cannot
    be created or written.
    """
    p = Path(path)
    try:
        p.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"cannot create the folder for the database {p}: {exc.strerror}") from None
    try:
        conn = sqlite3.connect(str(p), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = Database(conn)
        if db.journal_mode != "wal":
            db.enable_wal()
        conn.execute("PRAGMA synchronous = NORMAL")
        if migrate:
            applied = migrations.apply(db)
            if applied:
                LOGGER.info("applied migrations: %s", ", ".join(applied))
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {p}: {exc}") from None
    return db


def refresh_views(db: sqlite_utils.Database) -> list[str]:
    """Bring the reading-room views over optional tables and columns up to date; return
    the names changed (see :func:`newsmon.migrations.refresh_views`). Cheap when nothing
    changed: it compares each view's definition before touching it."""
    return migrations.refresh_views(db)


_PLAIN = (str, int, float, bytes, type(None))


def insert_row(db: sqlite_utils.Database, table: str, row: Mapping[str, Any]) -> int:
    """Insert one row and return its integer primary key (creating the table, as
    sqlite-utils does, when it does not exist yet).

    Plain values (text, numbers, bytes, NULL) go in with one INSERT; sqlite-utils' own
    insert, used for anything else (it stores a dict or list as JSON) and for a missing
    table, first looks the table up in sqlite_master, twice, which the store paid for
    every article."""
    pk: int | None = None
    if all(isinstance(v, _PLAIN) for v in row.values()):
        columns = ", ".join(_quote(c) for c in row)
        marks = ", ".join("?" * len(row))
        sql = f"INSERT INTO {_quote(table)} ({columns}) VALUES ({marks})"
        try:
            pk = db.execute(sql, list(row.values())).lastrowid
        except sqlite3.OperationalError as exc:
            if "no such table" not in str(exc):
                raise
            pk = db.table(table).insert(dict(row)).last_pk
    else:
        pk = db.table(table).insert(dict(row)).last_pk
    if pk is None:
        raise StoreError(f"insert into {table} returned no row id")
    return int(pk)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'
