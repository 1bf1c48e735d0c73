from __future__ import annotations

from pathlib import Path

import pytest

from newsmon.errors import ProfileError
from newsmon.profile import load_profile


def test_bundled_profile_is_complete(profile) -> None:
    assert profile.id == "chicago-immigration-2025"
    assert len(profile.seed_paths) == 5
    assert len(profile.feeds) >= 5
    assert all(f.url.startswith("https://") for f in profile.feeds)
    assert "Chicago" in profile.relevance.anchors
    names = {a.name for a in profile.actors}
    assert {"JB Pritzker", "ICE", "Brandon Johnson"} <= names
    chicago = next(p for p in profile.places if p.name == "Chicago")
    assert chicago.lat == pytest.approx(41.8781) and chicago.lon == pytest.approx(-87.6298)
    assert profile.allow_private_hosts is False
    assert [f["key"] for f in profile.section("facts")][:2] == ["arrest_count", "troop_count"]


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "p.toml"
    p.write_text(text, encoding="utf-8")
    return p


VALID = """
[topic]
id = "t"
[relevance]
themes = ["x"]
"""


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[topic\nid=", "invalid TOML"),
        ("[relevance]\nthemes=['a']", "needs an id"),
        ('[topic]\nid="t"', "at least one theme"),
        (VALID + "threshold = 2", "between 0 and 1"),
        (VALID + 'threshold = "high"', "must be a number"),
        (VALID + "[[feeds]]\nname='no url'", "feeds[0] needs a url"),
        ('[topic]\nid="t"\nseeds=["nothing/*.txt"]\n[relevance]\nthemes=["x"]', "matches no file"),
        (VALID.replace('id = "t"', 'id = "t"\nallow_private_hosts = "yes"'), "true or false"),
        (VALID + "[fetch]\ntimeout = 0", "must be positive"),
        (VALID + "anchors = 'Chicago'", "list of strings"),
        (
            VALID + '[[places]]\nname = "Elwood"\nwithin = "Ilinois"',
            "places[0] (Elwood): within = 'Ilinois' is not the name of a place",
        ),
        (VALID + '[[places]]\nname = "Elwood"\nwithin = 3', "must be the name of another"),
        (
            VALID + '[[places]]\nname = "A"\nwithin = "B"\n[[places]]\nname = "B"\nwithin = "A"',
            "goes round in a circle: A → B → A",
        ),
    ],
)
def test_bad_profiles_are_refused_with_the_reason(tmp_path: Path, text: str, problem: str) -> None:
    with pytest.raises(ProfileError) as err:
        load_profile(_write(tmp_path, text))
    assert problem in str(err.value)
    assert str(tmp_path / "p.toml") in str(err.value)


def test_missing_and_non_utf8_profiles(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match="file not found"):
        load_profile(tmp_path / "nope.toml")
    bad = tmp_path / "latin.toml"
    bad.write_bytes(b'[topic]\nid = "caf\xe9"\n')
    with pytest.raises(ProfileError, match="not UTF-8"):
        load_profile(bad)


def test_minimal_profile_gets_defaults(tmp_path: Path) -> None:
    p = load_profile(_write(tmp_path, VALID))
    assert p.feeds == () and p.seed_paths == ()
    assert p.fetch.max_bytes > 0 and p.fetch.timeout > 0


def test_actors_part_of_actors(tmp_path: Path, profile) -> None:  # type: ignore[no-untyped-def]
    containing = profile.containing_actors()
    assert containing["ICE"] == {"DHS", "Trump administration"}
    assert containing["Donald Trump"] == {"Trump administration"}
    assert containing["National Guard"] == frozenset()
    both = profile.containing()
    assert both["Elwood"] == {"Illinois"} and both["ICE"] == {"DHS", "Trump administration"}
    actors = '[[actors]]\nname = "ICE"\npart_of = "DSH"\n'
    with pytest.raises(ProfileError, match="actors\\[0\\] \\(ICE\\): part_of = 'DSH' is not"):
        load_profile(_write(tmp_path, VALID + actors))
    loop = '[[actors]]\nname = "A"\npart_of = "A"\n'
    with pytest.raises(ProfileError, match="'part_of' goes round in a circle: A → A"):
        load_profile(_write(tmp_path, VALID + loop))


def test_places_within_places(tmp_path: Path, profile) -> None:  # type: ignore[no-untyped-def]
    containing = profile.containing_places()
    assert containing["Pilsen"] == {"Chicago", "Illinois"}
    assert containing["Elwood"] == {"Illinois"}
    assert containing["Illinois"] == frozenset() and containing["Portland"] == frozenset()
    p = load_profile(_write(tmp_path, VALID + '[[places]]\nname = "Lake Erie"'))
    assert p.places[0].within is None and p.containing_places() == {"Lake Erie": frozenset()}
