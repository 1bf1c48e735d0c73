"""Articles their publishers rewrote: keep every earlier text in ``article_revisions``.

Runs inside the caller's transaction (never commits or begins).
"""

from __future__ import annotations

import logging

import sqlite_utils

from extractors import dedupe
from newsmon.dupindex import INDEXED_STATUSES, DuplicateIndex

LOGGER = logging.getLogger(__name__)


def record_revision(
    db: sqlite_utils.Database,
    article_id: int,
    new_text: str,
    new_title: str | None,
    fetched_at: str,
) -> int | None:
    """Store a material rewrite of article ``article_id``; return the revision row id.

    When ``new_text`` differs materially from the article's current text (see
    :func:`extractors.dedupe.is_material_change`): the old text, title, hash and a diff go
    into ``article_revisions`` under the old revision number; the article gets the new
    text, title (when given), content hash, ``revision + 1`` and ``updated_at =
    fetched_at``; the duplicate index is updated. Returns the new ``article_revisions``
    id, from which the alerts stage raises ``ARTICLE_UPDATED``.

    A cosmetic change (whitespace, an ad slot line, a timestamp line) writes nothing and
    returns None; so does the same new text a second time. Raises ``KeyError`` when the
    article does not exist.

    A cut is not a rewrite (:func:`extractors.dedupe.cut_of`): a shorter cut of the
    stored text (an AMP or trimmed rendering of the same page) writes nothing, and the
    fuller text stays; a longer one (the full page after its trimmed copy) replaces the
    text as a revision with ``change = 'longer_cut'``, from which no ARTICLE_UPDATED is
    raised. Only ``change = 'rewrite'`` says the publisher changed what the article says.
    """
    row = db.execute(
        "SELECT text, title, content_hash, revision, fetched_at, updated_at, status "
        "FROM articles WHERE id = ?",
        [article_id],
    ).fetchone()
    if row is None:
        raise KeyError(f"no article with id {article_id}")
    old_text, old_title, old_hash, revision, old_fetched, old_updated, status = row
    old_text = old_text or ""
    if not dedupe.is_material_change(old_text, new_text):
        return None
    cut = dedupe.cut_of(old_text, new_text)
    if cut == "shorter":
        LOGGER.info("article %d: a shorter cut of the stored text, kept as it was", article_id)
        return None
    change = "longer_cut" if cut == "longer" else "rewrite"
    revision = int(revision or 1)
    cursor = db.execute(
        "INSERT INTO article_revisions "
        "(article_id, revision, title, text, content_hash, fetched_at, superseded_at, diff, "
        "created_at, change) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            article_id,
            revision,
            old_title,
            old_text,
            old_hash or dedupe.content_hash(old_text),
            old_updated or old_fetched,
            fetched_at,
            dedupe.text_diff(old_text, new_text),
            fetched_at,
            change,
        ],
    )
    revision_id = cursor.lastrowid
    db.execute(
        "UPDATE articles SET text = ?, title = COALESCE(?, title), content_hash = ?, "
        "revision = ?, updated_at = ? WHERE id = ?",
        [
            new_text,
            new_title,
            dedupe.content_hash(new_text),
            revision + 1,
            fetched_at,
            article_id,
        ],
    )
    if status in INDEXED_STATUSES:
        DuplicateIndex(db).add(article_id, new_text)
    LOGGER.info("article %d rewritten: revision %d -> %d", article_id, revision, revision + 1)
    assert revision_id is not None
    return int(revision_id)
