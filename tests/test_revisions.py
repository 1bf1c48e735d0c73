"""newsmon.revisions.record_revision: material rewrites are kept, cosmetic ones are not."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from extractors import dedupe
from newsmon.db import open_db
from newsmon.dupindex import DuplicateIndex
from newsmon.revisions import record_revision

ROOT = Path(__file__).resolve().parents[1]
SEED = sorted((ROOT / "seeds" / "chicago-immigration-2025").glob("*.txt"))[1]
T0, T1, T2 = "2025-09-02T10:00:00+00:00", "2025-09-02T14:00:00+00:00", "2025-09-03T09:00:00+00:00"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[sqlite_utils.Database]:
    database = open_db(tmp_path / "newsmon.db")
    yield database
    database.close()


@pytest.fixture
def article(db: sqlite_utils.Database) -> tuple[int, str]:
    text = SEED.read_text(encoding="utf-8")
    with db.atomic():
        cur = db.execute(
            "INSERT INTO articles (url, title, status, text, content_hash, fetched_at) "
            "VALUES (?, ?, 'relevant', ?, ?, ?)",
            ["https://example.test/a", "Chicago braces", text, dedupe.content_hash(text), T0],
        )
        aid = int(cur.lastrowid or 0)
        DuplicateIndex(db).add(aid, text)
    return aid, text


def revisions(db: sqlite_utils.Database) -> list[dict[str, object]]:
    return list(db.query("SELECT * FROM article_revisions ORDER BY id"))


def test_material_change_is_recorded(db: sqlite_utils.Database, article: tuple[int, str]) -> None:
    aid, old = article
    new = old.replace("as soon as this week", "as soon as Tuesday") + "\nThe operation began."
    assert new != old
    with db.atomic():
        rid = record_revision(db, aid, new, "Chicago braces for Tuesday", T1)
    assert rid is not None
    (rev,) = revisions(db)
    assert rev["id"] == rid and rev["article_id"] == aid and rev["revision"] == 1
    assert rev["text"] == old and rev["title"] == "Chicago braces"
    assert rev["content_hash"] == dedupe.content_hash(old)
    assert rev["fetched_at"] == T0 and rev["superseded_at"] == T1
    diff = str(rev["diff"])
    assert "-" in diff and "+The operation began." in diff
    row = db.table("articles").get(aid)
    assert row["text"] == new and row["title"] == "Chicago braces for Tuesday"
    assert row["revision"] == 2 and row["updated_at"] == T1
    assert row["content_hash"] == dedupe.content_hash(new)
    # re-indexed: the new text is now the exact text of the article
    match = DuplicateIndex(db).check(new)
    assert match is not None and match.article_id == aid and match.kind == "content_hash"


@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("\n", "\n\n") + "   ",
        lambda t: "Updated 3:41 p.m. CDT Sept. 2, 2025\n" + t,
        lambda t: t + "\nAdvertisement\n",
        lambda t: t.replace("\u2019", "'"),
    ],
    ids=["whitespace", "timestamp", "ad-slot", "quote-style"],
)
def test_cosmetic_change_writes_nothing(
    db: sqlite_utils.Database, article: tuple[int, str], change: object
) -> None:
    aid, old = article
    assert callable(change)
    with db.atomic():
        assert record_revision(db, aid, change(old), "Other title", T1) is None
    assert revisions(db) == []
    row = db.table("articles").get(aid)
    assert row["text"] == old and row["revision"] == 1 and row["updated_at"] is None
    assert row["title"] == "Chicago braces"


def test_idempotent_and_numbered(db: sqlite_utils.Database, article: tuple[int, str]) -> None:
    aid, old = article
    v2 = old.replace("Sunday", "Monday")
    v3 = v2 + "\nThis story has been updated with new arrest figures: 45 people."
    with db.atomic():
        first = record_revision(db, aid, v2, None, T1)
        again = record_revision(db, aid, v2, None, T1)
        third = record_revision(db, aid, v3, None, T2)
    assert first is not None and again is None and third is not None
    revs = revisions(db)
    assert [r["revision"] for r in revs] == [1, 2]
    assert [r["text"] for r in revs] == [old, v2]
    row = db.table("articles").get(aid)
    assert row["revision"] == 3 and row["text"] == v3 and row["title"] == "Chicago braces"


def test_unknown_article(db: sqlite_utils.Database) -> None:
    with pytest.raises(KeyError):
        record_revision(db, 999, "text", None, T1)


def _demo_rewrites() -> list[tuple[str, str, str, str]]:
    try:
        from demo_site import load_content
    except ImportError:
        return []
    specs = {s.id: s for s in load_content()}
    return [
        (s.id, s.label, specs[s.rewrites].text, s.text)
        for s in specs.values()
        if s.label.startswith("rewrite_") and s.rewrites in specs
    ]


@pytest.mark.parametrize("rewrite", _demo_rewrites(), ids=lambda r: r[0])
def test_demo_site_rewrites(db: sqlite_utils.Database, rewrite: tuple[str, str, str, str]) -> None:
    """The demo site's rewrites, labelled by their author: material ones are revisions."""
    _, label, old, new = rewrite
    with db.atomic():
        cur = db.execute(
            "INSERT INTO articles (url, status, text, fetched_at) VALUES (?, 'relevant', ?, ?)",
            ["https://demo.test/a", old, T0],
        )
        rid = record_revision(db, int(cur.lastrowid or 0), new, None, T1)
    assert (rid is not None) == (label == "rewrite_material")
