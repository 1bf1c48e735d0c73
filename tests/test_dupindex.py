"""newsmon.dupindex: the persisted LSH index, each kind of pair, short texts,
persistence, signature-version changes, transactions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils
from dedupe_pairs import KINDS, PAIRS, SEEDS

from extractors import dedupe
from newsmon import dupindex
from newsmon.db import open_db
from newsmon.dupindex import DuplicateIndex, DuplicateMatch, ensure_current, mark_duplicate


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "newsmon.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_db(db_path)
    yield database
    database.close()


def insert(db: sqlite_utils.Database, text: str, status: str = "relevant", url: str = "") -> int:
    n = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    cur = db.execute(
        "INSERT INTO articles (url, status, text, content_hash) VALUES (?, ?, ?, ?)",
        [url or f"https://example.test/{n + 1}", status, text, dedupe.content_hash(text)],
    )
    assert cur.lastrowid is not None
    return int(cur.lastrowid)


def seeds() -> list[str]:
    return [p.read_text(encoding="utf-8") for p in SEEDS]


def test_seed_articles_are_not_duplicates_of_each_other(db: sqlite_utils.Database) -> None:
    with db.atomic():
        index = DuplicateIndex(db)
        ids = [insert(db, t, "seed") for t in seeds()]
        for aid, text in zip(ids, seeds(), strict=True):
            index.add(aid, text)
        for aid, text in zip(ids, seeds(), strict=True):
            assert index.check(text, exclude_ids=[aid]) is None
            assert index.check(text) == DuplicateMatch(aid, 1.0, "content_hash", 1.0, 1.0)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_pair_through_the_index(db: sqlite_utils.Database, kind: str) -> None:
    with db.atomic():
        index = DuplicateIndex(db)
        for row, a, b in PAIRS:
            if row["kind"] != kind:
                continue
            aid = insert(db, a)
            index.add(aid, a)
            match = index.check(b)
            found = match is not None and match.article_id == aid
            assert found == row["duplicate"], f"pair {row['id']}: {row.get('note')} -> {match}"
            if match is not None:
                assert match.kind in ("content_hash", "near_duplicate", "containment")
                assert 0.0 < match.similarity <= 1.0
            index.remove(aid)
            db.execute("DELETE FROM articles WHERE id = ?", [aid])


def test_trimmed_copy_is_containment_and_full_copy_near_duplicate(
    db: sqlite_utils.Database,
) -> None:
    text = seeds()[1]
    paras = [p for p in text.split("\n") if p.strip()]
    with db.atomic():
        index = DuplicateIndex(db)
        aid = insert(db, text)
        index.add(aid, text)
        trimmed = index.check("\n".join(paras[: len(paras) // 2]))
        assert trimmed is not None and trimmed.kind == "containment"
        assert trimmed.article_id == aid and trimmed.similarity >= dedupe.CONTAINMENT_THRESHOLD
        note = "Editor's note: this story was updated with comment from the governor."
        copy = index.check("CHICAGO (AP) — " + text + "\n" + note)
        assert copy is not None and copy.kind == "near_duplicate" and copy.article_id == aid


def test_short_and_empty_texts_are_never_duplicates_on_shingles(
    db: sqlite_utils.Database,
) -> None:
    long_text = seeds()[0]
    short = "Federal agents detained two men outside a Cicero hardware store on Tuesday morning."
    with db.atomic():
        index = DuplicateIndex(db)
        for text in (long_text, short):
            index.add(insert(db, text), text)
        first_40_words = " ".join(long_text.split()[:40])
        assert index.check(first_40_words) is None  # wholly inside a stored article
        assert index.check(short.replace("two men", "three men")) is None
        assert index.check("") is None
        assert index.check("   \n ") is None
        # the exact same short text (after normalisation) is an exact duplicate
        match = index.check(short.upper())
        assert match is not None and match.kind == "content_hash"


def test_duplicates_are_never_originals(db: sqlite_utils.Database) -> None:
    text = seeds()[2]
    with db.atomic():
        index = DuplicateIndex(db)
        aid = insert(db, text, status="duplicate")
        index.add(aid, text)  # even if someone indexes it, check ignores it
        assert index.check(text) is None
        assert index.rebuild() == 0
        other = insert(db, text, status="off_topic", url="https://example.test/other")
        assert index.rebuild() == 1
        match = index.check(text)
        assert match is not None and match.article_id == other


def test_add_is_idempotent_and_re_add_replaces(db: sqlite_utils.Database) -> None:
    a, b = seeds()[0], seeds()[3]

    def count() -> tuple[int, int]:
        return (
            db.execute("SELECT COUNT(*) FROM dedupe_bands").fetchone()[0],
            db.execute("SELECT COUNT(*) FROM dedupe_signatures").fetchone()[0],
        )

    with db.atomic():
        index = DuplicateIndex(db)
        aid = insert(db, a)
        index.add(aid, a)
        once = count()
        index.add(aid, a)
        assert count() == once == (dedupe.BANDS, 1)
        index.add(aid, b)  # the article's text changed
        assert count() == once
        assert index.check(a) is None
        match = index.check(b)
        assert match is not None and match.article_id == aid
        index.remove(aid)
        assert count() == (0, 0)


def test_index_survives_reopening(db_path: Path) -> None:
    text = seeds()[4]
    db = open_db(db_path)
    with db.atomic():
        assert ensure_current(db) == 0  # a new database: built (empty) once
        aid = insert(db, text)
        DuplicateIndex(db).add(aid, text)
    db.close()

    again = open_db(db_path)
    try:
        assert ensure_current(again) is None  # nothing rebuilt at start-up
        trimmed = "\n".join(text.split("\n")[:12])
        match = DuplicateIndex(again).check(trimmed)
        assert match is not None and match.article_id == aid
    finally:
        again.close()


def test_signature_version_change_rebuilds_the_index(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = seeds()
    db = open_db(db_path)
    with db.atomic():
        index = DuplicateIndex(db)
        ids = [insert(db, t, "seed") for t in texts]
        for aid, t in zip(ids, texts, strict=True):
            index.add(aid, t)
        # a band row that only the old parameters would produce
        db.execute("INSERT INTO dedupe_bands (band, key, article_id) VALUES (0, 1, ?)", [ids[0]])
    db.close()

    monkeypatch.setattr(dedupe, "SIGNATURE_VERSION", dedupe.SIGNATURE_VERSION + "-next")
    db = open_db(db_path)
    try:
        assert dupindex.recorded_version(db) != dedupe.SIGNATURE_VERSION
        with db.atomic():
            DuplicateIndex(db)  # detects the change and rebuilds
        assert dupindex.recorded_version(db) == dedupe.SIGNATURE_VERSION
        stale = db.execute("SELECT COUNT(*) FROM dedupe_bands WHERE key = 1").fetchone()[0]
        assert stale == 0
        bands = db.execute("SELECT COUNT(*) FROM dedupe_bands").fetchone()[0]
        assert bands == dedupe.BANDS * len(texts)
        assert ensure_current(db) is None
        match = DuplicateIndex(db).check(texts[2] + "\nEditor's note: updated.")
        assert match is not None and match.article_id == ids[2]
    finally:
        db.close()


def test_nothing_is_committed_by_the_index(db: sqlite_utils.Database) -> None:
    text = seeds()[1]
    with db.atomic():
        ensure_current(db)
    db.execute("BEGIN")
    aid = insert(db, text)
    DuplicateIndex(db).add(aid, text)
    assert db.conn.in_transaction
    db.conn.rollback()
    assert db.execute("SELECT COUNT(*) FROM dedupe_signatures").fetchone()[0] == 0
    assert db.execute("SELECT COUNT(*) FROM dedupe_bands").fetchone()[0] == 0


def test_mark_duplicate_and_the_duplicates_view(db: sqlite_utils.Database) -> None:
    text = seeds()[0]
    with db.atomic():
        index = DuplicateIndex(db)
        original = insert(db, text, "seed")
        index.add(original, text)
        copy_text = "CHICAGO (AP) — " + text
        match = index.check(copy_text)
        assert match is not None
        copy_id = insert(db, copy_text, "relevant", url="https://wire.test/copy")
        index.add(copy_id, copy_text)
        mark_duplicate(db, copy_id, match)
        assert index.check(copy_text) == DuplicateMatch(
            original, match.similarity, match.kind, match.jaccard, match.containment
        )
    row = db.execute("SELECT article_id, duplicate_of, kind, similarity FROM duplicates").fetchone()
    assert row == (copy_id, original, "near_duplicate", match.similarity)
    status = db.execute("SELECT status FROM articles WHERE id = ?", [copy_id]).fetchone()[0]
    assert status == "duplicate"
    indexed = db.execute(
        "SELECT COUNT(*) FROM dedupe_signatures WHERE article_id = ?", [copy_id]
    ).fetchone()[0]
    assert indexed == 0


def test_the_check_uses_the_band_index(db: sqlite_utils.Database) -> None:
    plan = db.execute(
        "EXPLAIN QUERY PLAN SELECT article_id FROM dedupe_bands "
        "WHERE (band = ? AND key = ?) OR (band = ? AND key = ?)",
        [0, 1, 1, 2],
    ).fetchall()
    assert any("PRIMARY KEY (band=? AND key=?)" in str(step) for step in plan)
