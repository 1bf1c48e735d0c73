"""One monitor run per database at a time: an exclusive lock on ``<db>.lock``.

Two monitor runs writing one SQLite file would not corrupt it (SQLite serialises the
writers), but they would poll the same feeds and fetch the same pages twice, and the
second would find half of the first's work stored. So a run takes an exclusive,
non-blocking ``fcntl.flock`` on a file next to the database before it does anything,
and a second run that finds it taken **skips** with a clear message instead of waiting.

The lock belongs to the open file description, so the kernel releases it when the
process dies in any way (SIGKILL included): a crashed run never leaves a stale lock
behind. The file's content (pid and start time of the holder) is only informative; it is
what the skip message quotes. The file itself is never deleted (deleting a lock file
that another process is about to open is a classic race).

Example::

    try:
        with run_lock(db_path):
            ...  # the run
    except RunLocked as exc:
        print(exc)  # another monitor run holds the lock on data/newsmon.db since ... ; skipping
"""

from __future__ import annotations

import fcntl
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType

from newsmon.db import now_iso
from newsmon.errors import NewsmonError, StoreError

LOGGER = logging.getLogger(__name__)


class RunLocked(NewsmonError):
    """Another monitor run holds the lock on this database."""

    def __init__(self, db_path: str, holder: str) -> None:
        self.db_path = db_path
        self.holder = holder
        super().__init__(f"another monitor run holds the lock on {db_path} {holder}; skipping")


def lock_path(db_path: str | os.PathLike[str]) -> Path:
    """The lock file of the database at ``db_path``: ``<db>.lock`` beside it."""
    p = Path(db_path)
    return p.with_name(p.name + ".lock")


def _holder_text(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:
        raw = ""
    pid, _, since = raw.partition(" ")
    if pid.isdigit() and since:
        return f"since {since} (pid {pid})"
    return "(holder unknown)"


class RunLock:
    """An exclusive lock on ``<db>.lock``; :meth:`acquire` never blocks."""

    def __init__(self, db_path: str | os.PathLike[str]) -> None:
        self.db_path = str(db_path)
        self.path = lock_path(db_path)
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`RunLocked` naming the holder."""
        if self._fd is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as exc:
            # The database's folder cannot be written: say so as the store would.
            raise StoreError(
                f"cannot create the folder for the database {self.db_path} "
                f"(its run lock {self.path.name}): {exc.strerror}"
            ) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder_text(fd)
            os.close(fd)
            raise RunLocked(self.db_path, holder) from None
        except BaseException:
            os.close(fd)
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {now_iso()}\n".encode(), 0)
        self._fd = fd
        LOGGER.debug("run lock %s taken by pid %d", self.path, os.getpid())

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        with suppress(OSError):
            os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()


@contextmanager
def run_lock(db_path: str | os.PathLike[str]) -> Iterator[RunLock]:
    """Hold the run lock of ``db_path`` for the ``with`` block (raises RunLocked)."""
    lock = RunLock(db_path)
    lock.acquire()
    try:
        yield lock
    finally:
        lock.release()


def record_skipped_run(db_path: str, topic: str, message: str) -> int | None:
    """Write a ``runs`` row with status ``skipped`` and ``message`` as its summary, so a
    skipped run is visible in Datasette next to the run that held the lock.

    Returns None (and only logs) when the row cannot be written, e.g. because the run
    holding the lock is still creating the database: a skip must never fail.
    """
    import sqlite3
    from contextlib import closing
    from pathlib import Path

    from newsmon.db import open_db
    from newsmon.store import RunCounts, finish_run, start_run

    if not Path(db_path).exists():
        LOGGER.info("no database at %s yet: the skipped run is only logged", db_path)
        return None
    try:
        with closing(open_db(db_path, migrate=False)) as conn:
            if not conn["runs"].exists():  # being created by the run that holds the lock
                LOGGER.info("%s has no runs table yet: the skipped run is only logged", db_path)
                return None
            run_id = start_run(conn, topic)
            finish_run(conn, run_id, RunCounts(), status="skipped", summary=message)
    except (NewsmonError, sqlite3.Error) as exc:
        LOGGER.warning("could not record the skipped run in %s: %s", db_path, exc)
        return None
    return run_id


def skipped_result(db_path: str, topic: str, exc: RunLocked) -> dict[str, object]:
    """What a monitor run that found the lock taken returns (and records)."""
    from newsmon.store import RunCounts

    message = str(exc)
    LOGGER.warning(message)
    result: dict[str, object] = RunCounts().as_dict()
    result.update(
        run_id=record_skipped_run(db_path, topic, message),
        status="skipped",
        summary=message,
        topic=topic,
    )
    return result
