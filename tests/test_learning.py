"""Anchors learned from accepted articles: names that keep leading accepted articles from
several outlets count as anchors at the next run; near-topic stories, the profile's own
names and one outlet's habits never teach one; a person can veto one."""

from __future__ import annotations

from dataclasses import replace

import pytest
from click.testing import CliRunner

from cli import cli
from extractors.names import lead_names
from extractors.records import Relevance
from extractors.relevance import score
from newsmon import learning
from newsmon.db import open_db
from newsmon.topic import relevance_model

# Fictional names (no gazetteer place, no profile keyword).
NEW_PLACE = "Quarrington Yard"
NEW_PERSON = "Delphine Okonkwo-Vass"


def _accepted(*anchors: str, learned: tuple[str, ...] = ()) -> Relevance:
    return Relevance(
        score=0.9,
        relevant=True,
        keyword_score=0.9,
        seed_similarity=0.0,
        anchor_hits=(*anchors, *learned),
        theme_hits=("ICE", "detained"),
        learned_hits=learned,
    )


NEAR_TOPIC = Relevance(
    score=0.6, relevant=False, keyword_score=0.6, seed_similarity=0.0, theme_hits=("ICE", "raid")
)


def _text(lead: str) -> str:
    return lead + " Agents detained several people, ICE said. " * 5


@pytest.fixture
def db(db_path):  # type: ignore[no-untyped-def]
    database = open_db(db_path)
    yield database
    database.close()


def _insert_article(db, outlet: str) -> int:  # type: ignore[no-untyped-def]
    return int(
        db.table("articles")
        .insert(
            {
                "url": f"https://{outlet}/{db['articles'].count}",
                "source": outlet,
                "status": "relevant",
            }
        )
        .last_pk
    )


def _observe(db, profile, outlet: str, lead: str, rel: Relevance) -> list[str]:  # type: ignore[no-untyped-def]
    aid = _insert_article(db, outlet)
    return learning.observe(db, profile, aid, rel, title=None, text=_text(lead), outlet=outlet)


def test_lead_names_keeps_specific_names_only() -> None:
    names = lead_names(
        f"Gov. JB Pritzker visited {NEW_PLACE} on Monday after agents detained workers. "
        f"The White House said Homeland Security would respond, and {NEW_PERSON}'s lawyers "
        "said the Trump administration was wrong.",
        "Agents detain workers at rail yard",
    )
    assert NEW_PLACE in names and NEW_PERSON in names and "Pritzker" in names
    # Common words, however capitalised, pin nothing down.
    assert not {"White House", "Homeland Security", "Monday", "Trump", "The"} & set(names)


def test_a_name_is_learned_from_three_accepted_articles_of_two_outlets(db, profile) -> None:
    lead = f"Federal agents detained six workers at {NEW_PLACE} near Chicago on Friday."
    assert _observe(db, profile, "Outlet A", lead, _accepted("Chicago")) == []
    assert _observe(db, profile, "Outlet A", lead, _accepted("Chicago")) == []
    assert learning.active(db, profile.id) == ()  # three would do, but from one outlet
    assert _observe(db, profile, "Outlet A", lead, _accepted("Chicago")) == []
    assert learning.active(db, profile.id) == ()
    assert _observe(db, profile, "Outlet B", lead, _accepted("Chicago")) == [NEW_PLACE]
    assert NEW_PLACE in learning.active(db, profile.id)
    row = db["learned_anchors"].get((profile.id, NEW_PLACE))
    assert (row["accepted_articles"], row["outlets"], row["status"]) == (4, 2, "active")
    # Its provenance is in the view Datasette shows.
    shown = list(db.query("select * from learned_anchor_provenance where term = ?", [NEW_PLACE]))
    assert len(shown) == 4 and {r["outlet"] for r in shown} == {"Outlet A", "Outlet B"}


def test_a_name_that_leads_near_topic_stories_is_not_learned(db, profile) -> None:
    """A commander who moves from city to city names the subject, not the place."""
    lead = f"{NEW_PERSON} led Border Patrol agents through the neighborhood on Saturday."
    for outlet in ("A", "B", "C"):
        _observe(db, profile, outlet, lead, _accepted("Chicago"))
    assert learning.active(db, profile.id) == (NEW_PERSON,)
    # The same commander then leads stories elsewhere (themes, no anchor): unlearned.
    for outlet in ("D", "E"):
        _observe(db, profile, outlet, lead, NEAR_TOPIC)
    assert learning.active(db, profile.id) == ()
    assert "elsewhere" in db["learned_anchors"].get((profile.id, NEW_PERSON))["reason"]


def test_an_article_kept_only_by_a_learned_anchor_teaches_nothing(db, profile) -> None:
    lead = f"Agents detained two men at {NEW_PLACE} Thursday."
    for outlet in ("A", "B", "C"):
        _observe(db, profile, outlet, lead, _accepted(learned=("Some Learned Place",)))
    assert db["learned_anchor_sources"].count == 0
    assert learning.active(db, profile.id) == ()


def test_the_profiles_own_names_and_places_are_never_learned(db, profile) -> None:
    # A city the profile lists without making it an anchor (another city of the fight),
    # an actor, a town near the story (it counts already) and a far state.
    for name in ("Portland", "Kristi Noem", "Naperville", "North Carolina", "Naperville Police"):
        assert not learning.learnable(profile, name), name
    assert learning.learnable(profile, NEW_PLACE)


def test_a_veto_stops_a_learned_name_and_allow_lifts_it(db, profile) -> None:
    lead = f"Agents detained workers at {NEW_PLACE} on Friday."
    for outlet in ("A", "B", "C"):
        _observe(db, profile, outlet, lead, _accepted("Chicago"))
    assert learning.active(db, profile.id) == (NEW_PLACE,)
    learning.veto(db, profile.id, NEW_PLACE, note="a rail yard, not the story")
    assert learning.active(db, profile.id) == ()
    _observe(db, profile, "D", lead, _accepted("Chicago"))  # more evidence: still vetoed
    assert learning.active(db, profile.id) == ()
    assert (
        db["learned_anchors"].get((profile.id, NEW_PLACE))["note"] == "a rail yard, not the story"
    )
    assert learning.allow(db, profile.id, NEW_PLACE) == "active"
    assert learning.active(db, profile.id) == (NEW_PLACE,)


def test_a_learned_anchor_carries_an_article_the_profile_alone_would_not(profile) -> None:
    text = (
        f"Immigration agents detained four painters at {NEW_PLACE} on Tuesday, and "
        f"residents of {NEW_PLACE} said ICE agents had come twice this month. Federal agents "
        "wore masks; an ICE spokesperson said the detentions were lawful."
    )
    title = f"Agents detain painters at {NEW_PLACE}"
    before = score(text, title, relevance_model(profile))
    learned = learning.learned_profile(profile, (NEW_PLACE,))
    after = score(text, title, relevance_model(learned))
    assert not before.relevant and after.relevant and after.learned_hits == (NEW_PLACE,)


def test_learning_can_be_switched_off(db, profile) -> None:
    off = replace(profile, relevance=replace(profile.relevance, learn=False))
    lead = f"Agents detained workers at {NEW_PLACE} on Friday."
    for outlet in ("A", "B", "C"):
        _observe(db, off, outlet, lead, _accepted("Chicago"))
    assert db["learned_anchor_sources"].count == 0


def test_anchors_command_lists_and_vetoes(db_path, profile) -> None:
    database = open_db(db_path)
    with database.atomic():
        for outlet in ("A", "B", "C"):
            _observe(
                database, profile, outlet, f"Agents at {NEW_PLACE} Friday.", _accepted("Chicago")
            )
    database.close()
    listed = CliRunner().invoke(cli, ["anchors", "--db", db_path])
    assert listed.exit_code == 0 and NEW_PLACE in listed.output and "active" in listed.output
    vetoed = CliRunner().invoke(cli, ["anchors", "--db", db_path, "--veto", NEW_PLACE])
    assert vetoed.exit_code == 0 and f"vetoed: {NEW_PLACE}" in vetoed.output
    database = open_db(db_path)
    assert learning.active(database, profile.id) == ()
    database.close()


def test_the_accepted_articles_wording_joins_the_seed_similarity(db, profile) -> None:
    """As the story moves, its words move: similarity is also measured against the
    articles accepted so far, not only against the seeds."""
    moved = (
        "Roofers, painters and landscapers detained at a suburban hardware store parking "
        "lot were taken to a processing site, and congregations organised rapid response "
        "networks with whistles and phone trees to warn day laborers."
    )
    for n, outlet in enumerate(("A", "B", "C")):
        aid = _insert_article(db, outlet)
        db["articles"].update(aid, {"text": f"{moved} Report {n}.", "status": "relevant"})
    seed = int(
        db["articles"].insert({"url": "s", "status": "seed", "text": "unrelated words"}).last_pk
    )
    assert seed
    centroid = learning.accepted_centroid(db)
    assert centroid and "roofers" in dict(centroid) and "unrelated" not in dict(centroid)
    before = score(moved, None, relevance_model(profile)).seed_similarity
    after = score(
        moved, None, relevance_model(learning.learned_profile(profile, (), centroid))
    ).seed_similarity
    assert after > 2 * before and after > 0.5
