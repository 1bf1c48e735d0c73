"""The places around a story are built once and kept in newsmon's cache directory: a
later run (a new process) reads them instead of scanning the gazetteer again, gets the
same region, and builds a new one whenever anything it depends on changes. A cache it
cannot read or write is passed over."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from extractors import gazetteer
from newsmon import topic
from newsmon.profile import TopicProfile, load_profile


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NEWSMON_CACHE_DIR", str(tmp_path / "cache"))
    topic._region.cache_clear()
    yield tmp_path / "cache"
    topic._region.cache_clear()


def _built(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the gazetteer scans from now on."""
    calls: list[int] = []
    real = gazetteer.region

    def counting(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(gazetteer, "region", counting)
    return calls


def _fresh(profile: TopicProfile) -> gazetteer.Region:
    topic._region.cache_clear()  # as in a new process
    return topic.region(profile)


def test_second_run_reads_the_region_it_built(cache: Path, monkeypatch) -> None:
    profile = load_profile(None)
    built = _built(monkeypatch)
    first = _fresh(profile)
    assert len(built) == 1 and first.near and first.far
    assert len(list(cache.glob("region-*.json"))) == 1
    again = _fresh(profile)
    assert len(built) == 1, "the second run scanned the gazetteer again"
    assert again == first


def test_a_changed_radius_or_exclusion_builds_a_new_region(cache: Path, monkeypatch) -> None:
    profile = load_profile(None)
    built = _built(monkeypatch)
    first = _fresh(profile)
    r = profile.relevance
    wider = _fresh(replace(profile, relevance=replace(r, region_radius_km=r.region_radius_km * 2)))
    assert len(built) == 2 and len(wider.near) > len(first.near)
    name = first.near[0]
    without = _fresh(replace(profile, relevance=replace(r, negative=(*r.negative, name))))
    assert len(built) == 3 and name not in without.near
    assert len(list(cache.glob("region-*.json"))) == 3


def test_a_damaged_cache_file_is_rebuilt(cache: Path, monkeypatch) -> None:
    profile = load_profile(None)
    first = _fresh(profile)
    (path,) = cache.glob("region-*.json")
    path.write_text('{"near": [')  # cut off mid-write by another tool
    built = _built(monkeypatch)
    assert _fresh(profile) == first
    assert len(built) == 1
    assert _fresh(profile) == first and len(built) == 1  # and written whole again


def test_a_cache_dir_that_is_a_file_is_passed_over(cache: Path, monkeypatch) -> None:
    cache.write_text("not a directory")
    region = _fresh(load_profile(None))
    assert region.near and cache.read_text() == "not a directory"
