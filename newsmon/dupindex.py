"""The near-duplicate index: MinHash signatures and LSH band keys persisted in SQLite.

A check is a handful of indexed lookups (one content-hash probe, then one query over the
``BANDS`` band keys of the new text), followed by a comparison with the stored
signatures of the few candidates it returns. Nothing is loaded into memory at start-up,
so the index costs the same to open with ten articles or a million.

Only articles with status ``seed``, ``relevant`` or ``off_topic`` are indexed and
matched: a duplicate is never the original of another duplicate.

Every function here runs inside the caller's transaction: nothing commits, nothing
begins. Wrap a batch in ``with db.conn:`` (or ``db.atomic()``) to make it one
transaction.

Signature changes: ``dedupe_params`` records the ``SIGNATURE_VERSION`` the stored
signatures were built with. :func:`ensure_current` compares it with the code's and
rebuilds the whole index from ``articles.text`` when they differ (or when the index was
never built); :class:`DuplicateIndex` calls it on construction, so signatures of two
versions are never mixed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import sqlite_utils

from extractors import dedupe
from extractors.dedupe import Signature
from newsmon.errors import StoreError

LOGGER = logging.getLogger(__name__)

#: Article statuses that can be the original of a duplicate.
INDEXED_STATUSES: tuple[str, ...] = ("seed", "relevant", "off_topic")
#: At most this many LSH candidates (most shared bands first) are compared per check.
MAX_CANDIDATES = 50
_REBUILD_CHUNK = 500
_STATUS_SQL = "(" + ", ".join(f"'{s}'" for s in INDEXED_STATUSES) + ")"


@dataclass(frozen=True)
class DuplicateMatch:
    """The stored article a text duplicates, how similar it is, and why.

    ``kind`` is ``content_hash`` (same normalised text), ``near_duplicate`` (estimated
    Jaccard similarity at or above the threshold) or ``containment`` (the new text is
    mostly inside the stored one: a trimmed copy). ``similarity`` is the score that
    decided: 1.0, the Jaccard estimate or the containment estimate.
    """

    article_id: int
    similarity: float
    kind: str
    jaccard: float | None = None
    containment: float | None = None


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _params(db: sqlite_utils.Database) -> dict[str, str]:
    try:
        rows = db.execute("SELECT name, value FROM dedupe_params").fetchall()
    except sqlite3.OperationalError as exc:  # no such table
        raise StoreError(
            "the database has no duplicate index tables; open it with newsmon.db.open_db "
            f"(which applies migrations) ({exc})"
        ) from None
    return {name: value for name, value in rows}


def recorded_version(db: sqlite_utils.Database) -> str | None:
    """The signature version the stored index was built with (None: never built)."""
    return _params(db).get("signature_version")


def ensure_current(db: sqlite_utils.Database) -> int | None:
    """Rebuild the index when it was built with another signature version (or never).

    Returns the number of articles indexed by the rebuild, or None when the index was
    already current. Call it once at pipeline start, inside a transaction.
    """
    recorded = recorded_version(db)
    if recorded == dedupe.SIGNATURE_VERSION:
        return None
    if recorded is not None:
        LOGGER.warning(
            "duplicate index was built with %s, the code uses %s: rebuilding",
            recorded,
            dedupe.SIGNATURE_VERSION,
        )
    return _rebuild(db)


def _delete_index(db: sqlite_utils.Database) -> None:
    db.execute("DELETE FROM dedupe_bands")
    db.execute("DELETE FROM dedupe_signatures")


def _write_params(db: sqlite_utils.Database, indexed: int) -> None:
    params = {
        "signature_version": dedupe.SIGNATURE_VERSION,
        "num_perm": str(dedupe.NUM_PERM),
        "shingle_k": str(dedupe.SHINGLE_K),
        "seed": str(dedupe.SEED),
        "bands": str(dedupe.BANDS),
        "rows": str(dedupe.ROWS),
        "min_words": str(dedupe.MIN_WORDS),
        "built_at": _now(),
        "indexed_at_build": str(indexed),
    }
    db.conn.executemany(
        "INSERT OR REPLACE INTO dedupe_params (name, value) VALUES (?, ?)", params.items()
    )


def _index_rows(db: sqlite_utils.Database, items: Iterable[tuple[int, str]]) -> int:
    """Insert signatures and bands for (article_id, text) pairs not in the index yet."""
    return _index_fingerprints(db, ((aid, dedupe.fingerprint(text)) for aid, text in items))


def _index_fingerprints(
    db: sqlite_utils.Database, items: Iterable[tuple[int, dedupe.Fingerprint]]
) -> int:
    """Insert signatures and bands for (article_id, fingerprint) pairs."""
    sig_rows: list[tuple[int, str, int, int, bytes | None]] = []
    band_rows: list[tuple[int, int, int]] = []
    for article_id, fp in items:
        sig = fp.signature
        sig_rows.append(
            (
                article_id,
                fp.content_hash,
                fp.n_words,
                sig.n_shingles if sig else 0,
                sig.values if sig else None,
            )
        )
        if sig is not None:
            band_rows.extend(
                (band, key, article_id) for band, key in enumerate(dedupe.band_keys(sig))
            )
    db.conn.executemany(
        "INSERT OR REPLACE INTO dedupe_signatures "
        "(article_id, content_hash, n_words, n_shingles, signature) VALUES (?, ?, ?, ?, ?)",
        sig_rows,
    )
    db.conn.executemany(
        "INSERT OR IGNORE INTO dedupe_bands (band, key, article_id) VALUES (?, ?, ?)", band_rows
    )
    return len(sig_rows)


def _rebuild(db: sqlite_utils.Database) -> int:
    _delete_index(db)
    ids = [
        row[0]
        for row in db.execute(
            f"SELECT id FROM articles WHERE status IN {_STATUS_SQL} AND text IS NOT NULL "
            "ORDER BY id"
        ).fetchall()
    ]
    count = 0
    for start in range(0, len(ids), _REBUILD_CHUNK):
        chunk = ids[start : start + _REBUILD_CHUNK]
        marks = ", ".join("?" * len(chunk))
        rows = db.execute(
            f"SELECT id, text FROM articles WHERE id IN ({marks}) ORDER BY id", chunk
        ).fetchall()
        count += _index_rows(db, rows)
    _write_params(db, count)
    LOGGER.info("duplicate index rebuilt: %d articles (%s)", count, dedupe.SIGNATURE_VERSION)
    return count


class DuplicateIndex:
    """Near-duplicate lookups against the indexed articles of one database.

    Example::

        with db.conn:
            index = DuplicateIndex(db)
            match = index.check(article.text)
            if match is None:
                article_id = store(article)
                index.add(article_id, article.text)
            else:
                mark_duplicate(db, new_id, match)
    """

    def __init__(self, db: sqlite_utils.Database) -> None:
        self.db = db
        ensure_current(db)

    # -- queries ------------------------------------------------------------------

    def _exact(self, digest: str, exclude: Collection[int]) -> DuplicateMatch | None:
        rows = self.db.execute(
            "SELECT s.article_id FROM dedupe_signatures s JOIN articles a ON a.id = s.article_id "
            f"WHERE s.content_hash = ? AND a.status IN {_STATUS_SQL} ORDER BY s.article_id",
            [digest],
        ).fetchall()
        for (article_id,) in rows:
            if article_id not in exclude:
                return DuplicateMatch(article_id, 1.0, "content_hash", 1.0, 1.0)
        return None

    def candidates(self, sig: Signature, *, limit: int = MAX_CANDIDATES) -> list[tuple[int, int]]:
        """(article_id, shared bands) of indexed articles sharing at least one LSH band
        with ``sig``, most shared bands first."""
        keys = dedupe.band_keys(sig)
        where = " OR ".join(["(band = ? AND key = ?)"] * len(keys))
        params: list[int] = []
        for band, key in enumerate(keys):
            params.extend((band, key))
        rows = self.db.execute(
            f"SELECT article_id, COUNT(*) AS n FROM dedupe_bands WHERE {where} "
            "GROUP BY article_id ORDER BY n DESC, article_id LIMIT ?",
            [*params, limit],
        ).fetchall()
        return [(int(a), int(n)) for a, n in rows]

    def check(
        self,
        text: str,
        *,
        exclude_ids: Collection[int] = (),
        fingerprint: dedupe.Fingerprint | None = None,
    ) -> DuplicateMatch | None:
        """The indexed article ``text`` duplicates, or None.

        Exact (normalised) text matches count at any length; shingle-based matches need
        at least ``MIN_WORDS`` words. Articles in ``exclude_ids`` are never returned.
        ``fingerprint`` (of ``text``, computed earlier) saves computing it again.
        """
        exclude = set(exclude_ids)
        fp = fingerprint or dedupe.fingerprint(text)
        exact = self._exact(fp.content_hash, exclude)
        if exact is not None:
            return exact
        sig = fp.signature
        if sig is None:
            return None
        return self.check_signature(sig, exclude_ids=exclude)

    def check_signature(
        self, sig: Signature, *, exclude_ids: Collection[int] = ()
    ) -> DuplicateMatch | None:
        """The near-duplicate decision for an already computed signature (no exact-hash
        step): LSH candidates, then the estimated Jaccard and containment of each."""
        return self._best_match(sig, exclude_ids, new_first=True)

    def contained(
        self,
        text: str,
        *,
        exclude_ids: Collection[int] = (),
        fingerprint: dedupe.Fingerprint | None = None,
    ) -> DuplicateMatch | None:
        """The indexed article that would be a duplicate of ``text`` if ``text`` were
        stored first (the other direction of :meth:`check`): a stored trimmed copy that
        a longer new text holds. ``similarity`` is the stored text's score against the
        new one; None when there is none."""
        fp = fingerprint or dedupe.fingerprint(text)
        sig = fp.signature
        if sig is None:
            return None
        return self._best_match(sig, exclude_ids, new_first=False)

    def _best_match(
        self, sig: Signature, exclude_ids: Collection[int], *, new_first: bool
    ) -> DuplicateMatch | None:
        """The best-scoring indexed candidate of ``sig``: with ``new_first`` the new text
        is judged a copy of the stored one (:meth:`check_signature`), else the stored one
        a copy of the new text (:meth:`contained`)."""
        exclude = set(exclude_ids)
        cands = [a for a, _ in self.candidates(sig) if a not in exclude]
        if not cands:
            return None
        marks = ", ".join("?" * len(cands))
        rows = self.db.execute(
            "SELECT s.article_id, s.n_shingles, s.signature FROM dedupe_signatures s "
            "JOIN articles a ON a.id = s.article_id "
            f"WHERE s.article_id IN ({marks}) AND s.signature IS NOT NULL "
            f"AND a.status IN {_STATUS_SQL}",
            cands,
        ).fetchall()
        best: DuplicateMatch | None = None
        for article_id, n_shingles, blob in rows:
            old = Signature(values=bytes(blob), n_shingles=int(n_shingles))
            copy, original = (sig, old) if new_first else (old, sig)
            decided = dedupe.duplicate_kind(copy, original)
            if decided is None:
                continue
            kind, score = decided
            j = dedupe.jaccard_estimate(copy, original)
            match = DuplicateMatch(
                int(article_id),
                round(score, 4),
                kind,
                round(j, 4),
                round(dedupe.containment_estimate(copy, original, j), 4),
            )
            if best is None or (match.similarity, -match.article_id) > (
                best.similarity,
                -best.article_id,
            ):
                best = match
        return best

    # -- writes -------------------------------------------------------------------

    def add(
        self, article_id: int, text: str, *, fingerprint: dedupe.Fingerprint | None = None
    ) -> None:
        """Index (or re-index) ``article_id`` with ``text``. Adding the same text again
        changes nothing. ``fingerprint`` (of ``text``) saves computing it again."""
        fp = fingerprint or dedupe.fingerprint(text)
        row = self.db.execute(
            "SELECT content_hash FROM dedupe_signatures WHERE article_id = ?", [article_id]
        ).fetchone()
        if row is not None:
            if row[0] == fp.content_hash:
                return
            self.remove(article_id)
        _index_fingerprints(self.db, [(article_id, fp)])

    def remove(self, article_id: int) -> None:
        """Take ``article_id`` out of the index (no error when it is not in it)."""
        row = self.db.execute(
            "SELECT signature FROM dedupe_signatures WHERE article_id = ?", [article_id]
        ).fetchone()
        if row is None:
            return
        if row[0] is not None:
            values = np.frombuffer(bytes(row[0]), dtype="<u4")
            keys = dedupe.band_keys_matrix(values[None, :])[0]
            self.db.conn.executemany(
                "DELETE FROM dedupe_bands WHERE band = ? AND key = ? AND article_id = ?",
                [(band, int(key), article_id) for band, key in enumerate(keys)],
            )
        self.db.execute("DELETE FROM dedupe_signatures WHERE article_id = ?", [article_id])

    def rebuild(self) -> int:
        """Rebuild the whole index from ``articles.text`` of every seed, relevant and
        off-topic article; return how many were indexed."""
        return _rebuild(self.db)


def mark_duplicate(db: sqlite_utils.Database, article_id: int, match: DuplicateMatch) -> None:
    """Record that stored article ``article_id`` duplicates ``match.article_id``: set its
    status, ``duplicate_of`` and ``similarity``, say why in ``duplicate_matches`` (shown by
    the ``duplicates`` view), and take it out of the index."""
    db.execute(
        "UPDATE articles SET status = 'duplicate', duplicate_of = ?, similarity = ? WHERE id = ?",
        [match.article_id, match.similarity, article_id],
    )
    db.execute(
        "INSERT OR REPLACE INTO duplicate_matches "
        "(article_id, duplicate_of, kind, similarity, signature_version, detected_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            article_id,
            match.article_id,
            match.kind,
            match.similarity,
            dedupe.SIGNATURE_VERSION,
            _now(),
        ],
    )
    _unchecked(db).remove(article_id)


def _unchecked(db: sqlite_utils.Database) -> DuplicateIndex:
    """A DuplicateIndex on ``db`` without the version check (for writes that only delete)."""
    index = DuplicateIndex.__new__(DuplicateIndex)
    index.db = db
    return index
