from __future__ import annotations

import pytest

from extractors.relevance import score
from newsmon.topic import relevance_model

ON_TOPIC = (
    "Federal immigration agents detained dozens of people in Chicago's Little Village on "
    "Saturday as the Department of Homeland Security expanded Operation Midway Blitz. "
    "ICE officials said the arrests were part of the surge; Gov. JB Pritzker called the "
    "deployment of Border Patrol agents an invasion and said National Guard troops were not "
    "welcome in Illinois."
)
NEAR_TOPIC = (
    "National Guard troops arrived in Memphis on Friday after the governor of Tennessee "
    "approved the deployment. Federal agents from ICE and the Border Patrol joined a crime "
    "crackdown, and the mayor of Memphis said the troops would patrol downtown streets."
)
OFF_TOPIC = (
    "The Cubs beat the Cardinals 5-3 at Wrigley Field in Chicago on Sunday. The mayor threw "
    "the first pitch, and fans packed the bleachers on a warm afternoon on the North Side."
)


def test_on_near_and_off_topic(profile) -> None:
    model = relevance_model(profile)
    on = score(ON_TOPIC, "Agents sweep Little Village", model)
    near = score(NEAR_TOPIC, "Guard arrives in Memphis", model)
    off = score(OFF_TOPIC, "Cubs win", model)
    assert on.relevant and on.score >= profile.relevance.threshold
    assert "Chicago" in on.anchor_hits and "ICE" in on.theme_hits
    assert not near.relevant and near.anchor_hits == ()  # themes without the place
    assert not off.relevant and off.theme_hits == ()  # the place without the themes
    assert on.score > near.score > off.score


def test_capitalised_keywords_match_case_sensitively(profile) -> None:
    model = relevance_model(profile)
    r = score("Ice formed on the lake in Chicago; police warned skaters off the ice.", None, model)
    assert "ICE" not in r.theme_hits and not r.relevant


def test_seed_similarity_lifts_wording_the_profile_did_not_list(profile) -> None:
    model = relevance_model(profile)
    seed_like = score(
        "Mayor Brandon Johnson signed an executive order on Saturday directing Chicago police "
        "not to collaborate with federal agents on joint patrols or civil immigration "
        "enforcement, and urged officers to wear body cameras and refrain from wearing masks.",
        None,
        model,
    )
    assert seed_like.seed_similarity > 0.15 and seed_like.relevant


def test_empty_text_is_off_topic(profile) -> None:
    r = score("", None, relevance_model(profile))
    assert r.score == 0.0 and not r.relevant


@pytest.mark.parametrize(
    ("text", "relevant"),
    [
        (
            "Toxic algal bloom in Lake Erie: microcystin detected near the Toledo intake; "
            "phosphorus runoff from fertilizer feeds the cyanobacteria, NOAA said.",
            True,
        ),
        (ON_TOPIC, False),
    ],
)
def test_other_topic_profile_drives_relevance(other_profile, text: str, relevant: bool) -> None:
    assert score(text, None, relevance_model(other_profile)).relevant is relevant


def _load_eval():  # type: ignore[no-untyped-def]
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "relevance_eval.py"
    spec = importlib.util.spec_from_file_location("relevance_eval", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["relevance_eval"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("name", "floor"), [("demo site", 0.95), ("held out", 0.85)])
def test_labelled_sets_keep_their_precision_and_recall(name: str, floor: float) -> None:
    ev = _load_eval()
    sets = ev.labelled_sets()
    scored = ev.evaluate(sets[name])
    m = ev.metrics(scored)
    assert m["tp"] + m["fn"] >= 6 and m["fp"] + sum(s.label in ev.NEGATIVE for s in scored) >= 6
    assert m["precision"] >= floor and m["recall"] >= floor, m


# ---- where the story happens: inflections, nearby towns, far places ------------------

SUBURB = (
    "Immigration agents detained three painters outside a home in Naperville on "
    "Wednesday, neighbors said. Residents of the Naperville subdivision said the agents "
    "wore masks and drove unmarked cars; a village trustee said the detentions left "
    "families afraid to send their children to school."
)
ELSEWHERE = (
    "Border Patrol agents arrested more than 80 people in Charlotte this weekend, the "
    "commander who led a similar crackdown in Chicago said on Saturday. Agents fanned out "
    "across Charlotte, and North Carolina officials said the immigration operation would "
    "last weeks, as it had in Chicago; detained people were taken to a processing site in "
    "North Carolina."
)


def _model(profile, **relevance):  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return relevance_model(replace(profile, relevance=replace(profile.relevance, **relevance)))


def test_lower_case_keywords_match_their_inflections(profile) -> None:
    text = (
        "Gov. JB Pritzker said deportations in Chicago were cruel, and Mayor Brandon Johnson "
        "said raids on Chicago's West Side had emptied schools."
    )
    r = score(text, "Pritzker and Johnson condemn Chicago sweeps", relevance_model(profile))
    assert {"deportation", "raid"} <= set(r.theme_hits) and r.relevant
    # Capitalised keywords stay exact: "ICEs" is not "ICE".
    assert (
        "ICE"
        not in score("ICEs and ICEd drinks in Chicago", None, relevance_model(profile)).theme_hits
    )


def test_a_town_near_the_story_counts_as_an_anchor(profile) -> None:
    r = score(SUBURB, "Agents detain painters in Naperville", relevance_model(profile))
    assert r.relevant and "Naperville" in r.place_hits and "Naperville" in r.anchor_hits
    # The profile names no suburb: without the region nothing pins the story down.
    off = score(SUBURB, "Agents detain painters in Naperville", _model(profile, region_radius_km=0))
    assert not off.relevant and off.anchor_hits == ()


def test_a_place_inside_a_longer_name_is_not_the_place(profile) -> None:
    model = relevance_model(profile)
    # A school named after a poet, a street, a person who shares a town's name.
    for title, text in [
        ("Agents detain man near Naperville Elementary", "Immigration agents detained a man."),
        ("Immigration agents detain man", "Agents detained Trustee Maria Naperville of the board."),
    ]:
        r = score(text + " ICE said the detention was lawful.", title, model)
        assert "Naperville" not in r.place_hits, (title, r)
    r = score("ICE agents detained a man in Naperville.", "Agents detain man in Naperville", model)
    assert "Naperville" in r.place_hits


def test_an_article_about_somewhere_else_stays_out(profile) -> None:
    title = "Border Patrol arrests dozens in North Carolina crackdown"
    r = score(ELSEWHERE, title, relevance_model(profile))
    assert not r.relevant and {"Charlotte", "North Carolina"} <= set(r.elsewhere)
    assert "Chicago" in r.anchor_hits  # named, in the lead, but as background
    # Without the far places the passing mention of Chicago would carry it.
    from dataclasses import replace

    from extractors.relevance import score as score_with

    blind = replace(relevance_model(profile), far=None)
    assert score_with(ELSEWHERE, title, blind).relevant


def test_the_storys_state_confirms_an_anchor_but_never_alone(profile) -> None:
    from dataclasses import replace

    model = relevance_model(profile)
    # "Illinois" is one of the profile's anchors; test the rule with a state it is not.
    bare = replace(profile, relevance=replace(profile.relevance, anchors=("Chicago",)))
    model = relevance_model(bare)
    text = (
        "The appeals court let immigration agents resume sweeps in Chicago on Friday. "
        + "Federal agents detained dozens, ICE said, and lawyers for detained people said "
        "the raids would go on. " * 3 + "Illinois officials said they would appeal."
    )
    with_state = score(text, "Court lets sweeps resume", model)
    without = score(text.replace("Illinois", "State"), "Court lets sweeps resume", model)
    assert with_state.relevant and not without.relevant
    alone = score(text.replace("Chicago", "the city"), "Court lets sweeps resume", model)
    assert not alone.relevant  # the state alone is not the story


def test_region_of_the_gazetteer() -> None:
    from extractors.gazetteer import region

    chicago = region([(41.8781, -87.6298)], 50)
    assert {"Naperville", "Oak Park", "Evanston", "Skokie"} <= set(chicago.near)
    # Towns whose names are common words are words first.
    assert not {"Summit", "Justice", "Worth"} & set(chicago.near)
    assert {"North Carolina", "Charlotte", "Portland"} <= set(chicago.far)
    assert "Illinois" not in chicago.far and chicago.home == ("Illinois",)
    la = region([(34.0522, -118.2437)], 50)
    # Oak Park, California is small beside Oak Park, Illinois: it needs company.
    assert "Oak Park" in la.ambiguous and "Oak Park" not in la.near
    assert "Oak Park" in chicago.near


def test_an_article_from_before_the_story_began_is_background(profile) -> None:
    """A council vote on the same subject months before the story is not the story."""
    assert profile.start == "2025-08-15"
    text = (
        "The Chicago City Council voted to keep the city's sanctuary ordinance, which bars "
        "police from helping ICE with civil immigration enforcement. Mayor Brandon Johnson "
        "said Chicago would not help federal agents with deportations."
    )
    title = "Chicago council keeps sanctuary ordinance"
    model = relevance_model(profile)
    early = score(text, title, model, published="2025-01-15")
    assert not early.relevant and early.before_story
    assert score(text, title, model, published="2025-09-20T10:00:00-05:00").relevant
    assert score(text, title, model).relevant  # no date: no window


def test_a_profile_start_must_be_a_date(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from newsmon.errors import ProfileError
    from newsmon.profile import load_profile

    path = tmp_path / "p.toml"
    path.write_text(
        "[topic]\nid = 'x'\nstart = 'late summer'\n[relevance]\nthemes = ['a']\n",
        encoding="utf-8",
    )
    with pytest.raises(ProfileError, match="start must be a date"):
        load_profile(path)


def test_the_subject_itself_must_be_there(profile) -> None:
    """Words the subject shares with other news ("raid", "arrests") in a town of the
    story do not make a burglary the story: one of the profile's core themes must be
    there."""
    from dataclasses import replace

    text = (
        "Naperville police arrested two men Tuesday in connection with a string of "
        "burglaries, and a third suspect was detained nearby. The arrests followed a raid "
        "on a storage unit in Naperville where officers found stolen electronics."
    )
    title = "Naperville police arrest two in burglary spree"
    assert profile.relevance.core_themes
    assert not score(text, title, relevance_model(profile)).relevant
    no_core = replace(profile, relevance=replace(profile.relevance, core_themes=()))
    assert score(text, title, relevance_model(no_core)).relevant
    assert score(text.replace("police", "ICE agents"), title, relevance_model(profile)).relevant
