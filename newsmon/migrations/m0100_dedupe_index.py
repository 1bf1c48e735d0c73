"""The near-duplicate index (newsmon.dupindex): signature parameters, one MinHash
signature per indexed article, LSH band keys, why each duplicate was judged one, and a
``duplicates`` view for Datasette."""

from __future__ import annotations

import sqlite_utils


def up(db: sqlite_utils.Database) -> None:
    # name -> value: signature_version, num_perm, shingle_k, seed, bands, rows, built_at,
    # indexed. An empty table means "never built": dupindex.ensure_current builds it.
    db.execute("CREATE TABLE dedupe_params (name TEXT PRIMARY KEY, value TEXT)")
    # One row per indexed article (status seed/relevant/off_topic). signature is NULL
    # for texts under MIN_WORDS words: they can still match on content_hash.
    db.execute(
        """CREATE TABLE dedupe_signatures (
            article_id INTEGER PRIMARY KEY,
            content_hash TEXT NOT NULL,
            n_words INTEGER NOT NULL,
            n_shingles INTEGER NOT NULL,
            signature BLOB
        )"""
    )
    db.execute(
        "CREATE INDEX idx_dedupe_signatures_content_hash ON dedupe_signatures (content_hash)"
    )
    # LSH bands: (band number, 48-bit band key) -> article. The primary key is the lookup
    # index; WITHOUT ROWID keeps it a single B-tree.
    db.execute(
        """CREATE TABLE dedupe_bands (
            band INTEGER NOT NULL,
            key INTEGER NOT NULL,
            article_id INTEGER NOT NULL,
            PRIMARY KEY (band, key, article_id)
        ) WITHOUT ROWID"""
    )
    # Why an article was judged a duplicate, when dupindex.mark_duplicate wrote it; the
    # pipeline may instead set articles.duplicate_reason (m0002). The view shows either.
    db.execute(
        """CREATE TABLE duplicate_matches (
            article_id INTEGER PRIMARY KEY,
            duplicate_of INTEGER NOT NULL,
            kind TEXT NOT NULL,
            similarity REAL,
            signature_version TEXT,
            detected_at TEXT
        )"""
    )
    db.execute(
        """CREATE VIEW duplicates AS
        SELECT
            a.id AS article_id,
            a.url,
            a.title,
            a.source,
            a.fetched_at,
            a.duplicate_of,
            o.url AS original_url,
            o.title AS original_title,
            o.source AS original_source,
            COALESCE(
                m.kind,
                a.duplicate_reason,
                CASE
                    WHEN a.canonical_url IS NOT NULL AND a.canonical_url = o.canonical_url
                        THEN 'exact_url'
                    WHEN a.content_hash IS NOT NULL AND a.content_hash = o.content_hash
                        THEN 'content_hash'
                    ELSE 'near_duplicate'
                END
            ) AS kind,
            COALESCE(m.similarity, a.similarity) AS similarity,
            m.signature_version,
            m.detected_at
        FROM articles a
        LEFT JOIN articles o ON o.id = a.duplicate_of
        LEFT JOIN duplicate_matches m ON m.article_id = a.id
        WHERE a.status = 'duplicate'"""
    )
