"""The layout's size rule (docs/architecture.md): no module over 800 lines outside the
demo site, so a module keeps one job. (The floors are import-linter's contracts, run by
.ci/run.)"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 800


def test_no_module_over_800_lines_outside_the_demo_site() -> None:
    modules = [
        p for pkg in ("cli", "flows", "newsmon", "extractors") for p in (ROOT / pkg).rglob("*.py")
    ]
    assert len(modules) > 40  # the packages are where this test thinks they are
    too_long = {
        str(p.relative_to(ROOT)): n
        for p in modules
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert too_long == {}
