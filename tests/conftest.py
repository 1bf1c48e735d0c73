"""Shared fixtures: temporary databases, the bundled profile, the fake news site, and
one Prefect test harness for the few tests that run a real flow."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
# What newsmon caches (the places around a story) goes to a directory of this session's,
# shared with the runs the tests start, not to the user's ~/.cache.
os.environ.setdefault("NEWSMON_CACHE_DIR", tempfile.mkdtemp(prefix="newsmon-test-cache-"))

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent


@pytest.fixture
def db_path(tmp_path: Path) -> str:
    return str(tmp_path / "newsmon.db")


@pytest.fixture
def fresh_db(db_path: str):  # type: ignore[no-untyped-def]
    from newsmon.db import open_db

    db = open_db(db_path)
    yield db
    db.close()


@pytest.fixture(scope="session")
def profile():  # type: ignore[no-untyped-def]
    from newsmon.profile import load_profile

    return load_profile()


@pytest.fixture(scope="session")
def other_profile():  # type: ignore[no-untyped-def]
    """A small profile for an unrelated topic: proves nothing topic-specific is in code."""
    from newsmon.profile import load_profile

    return load_profile(TESTS / "profiles" / "lake-algae.toml")


@pytest.fixture
def demo_site() -> Iterator[object]:
    from demo_site.server import DemoSite

    with DemoSite(phase=1) as site:
        yield site


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """A temporary Prefect API for tests that run a real flow (started once)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=180):
        yield
