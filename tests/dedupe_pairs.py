"""The labelled duplicate pairs (tests/fixtures/dedupe), loaded once for the tests that
use them (test_dedupe, test_dupindex)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = sorted((ROOT / "seeds" / "chicago-immigration-2025").glob("*.txt"))
FIXTURES = ROOT / "tests" / "fixtures" / "dedupe"


def _load_pairs() -> list[tuple[dict[str, object], str, str]]:
    spec = importlib.util.spec_from_file_location("dedupe_make_pairs", FIXTURES / "make_pairs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    pairs: list[tuple[dict[str, object], str, str]] = module.load_pairs()
    return pairs


PAIRS = _load_pairs()
KINDS = sorted({str(row["kind"]) for row, _, _ in PAIRS})
