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
