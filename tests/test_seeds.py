from __future__ import annotations

from pathlib import Path

from extractors.seeds import parse_seed
from newsmon import store

SEEDS = Path(__file__).resolve().parent.parent / "seeds" / "chicago-immigration-2025"


def test_headline_line_becomes_the_title() -> None:
    doc = parse_seed((SEEDS / "004_79951ad0b5d66289.txt").read_text(), "004")
    assert doc.title_is_headline
    assert doc.title.startswith("Chicago Prepares as Talks Continue")
    assert doc.text.startswith("The Chicago Police Department (CPD) is refining")


def test_date_marker_is_read_and_removed() -> None:
    doc = parse_seed((SEEDS / "003_ce9907000ef7432a.txt").read_text(), "003")
    assert doc.published == "2025-09-02"
    assert not doc.text.startswith(" date") and "2025-09-02" not in doc.text[:40]
    assert doc.text.startswith("“We do not need nor want")
    assert not doc.title_is_headline


def test_body_without_headline_keeps_its_first_paragraph() -> None:
    raw = (SEEDS / "000_d664b64a6659d988.txt").read_text()
    doc = parse_seed(raw, "000")
    assert doc.text.startswith("The Trump administration is preparing")
    assert doc.title.endswith("…") and len(doc.title) <= 92
    # Paragraphs survive, separated by one blank line, nothing lost.
    assert doc.text.count("\n\n") >= 15
    assert len(doc.text.split()) == len(raw.split())


def test_crlf_bom_and_trailing_blank_lines() -> None:
    doc = parse_seed(
        "\ufeffShort Headline Here Today\r\nBody one.\r\n\r\nBody two.\r\n\r\n\r\n", "x"
    )
    assert doc.title == "Short Headline Here Today"
    assert doc.text == "Body one.\n\nBody two."


def test_load_seeds_is_idempotent(fresh_db, profile) -> None:
    first = store.load_seeds(fresh_db, profile)
    second = store.load_seeds(fresh_db, profile)
    assert len(first) == 5 and second == []
    rows = list(fresh_db.query("select url, status, text, content_hash from articles"))
    assert len(rows) == 5
    assert {r["status"] for r in rows} == {"seed"}
    assert all(r["url"].startswith("seed:") and r["content_hash"] for r in rows)
