"""Each date rule of extractors.dates, against a fixed publication date."""

from __future__ import annotations

from datetime import date

import pytest

from extractors.dates import find_dates, parse_published

TUE = date(2025, 9, 2)  # a Tuesday (the day after Labor Day)
FRI = date(2025, 8, 29)


def one(sentence: str, pub: date | None) -> tuple[date | None, bool]:
    found = find_dates(sentence, pub)
    assert len(found) == 1, found
    return found[0].value, found[0].planned


@pytest.mark.parametrize(
    ("sentence", "pub", "expected"),
    [
        # A bare week day is the latest such day on or before publication.
        ("Pritzker said on Monday that", TUE, date(2025, 9, 1)),
        ("Johnson signed the order Saturday.", TUE, date(2025, 8, 30)),
        ("The mayor spoke Tuesday.", TUE, date(2025, 9, 2)),
        ("Noem said Wednesday that", TUE, date(2025, 8, 27)),
        ("It happened Monday morning.", TUE, date(2025, 9, 1)),
        # last / this / next + week day (weeks start on Monday).
        ("an ordinance introduced last Wednesday", date(2025, 10, 7), date(2025, 10, 1)),
        (
            "The operation is expected to kick off by this Friday",
            date(2025, 9, 1),
            date(2025, 9, 5),
        ),
        ("Johnson will host a meeting next Thursday", TUE, date(2025, 9, 11)),
        # Day words and "N days ago".
        ("Today, a federal judge ruled", TUE, TUE),
        ("Agents arrived yesterday.", TUE, date(2025, 9, 1)),
        ("The raid took place three days ago.", TUE, date(2025, 8, 30)),
        # Weeks resolve to their Monday, weekends to their Saturday.
        ("Last week, CBS News reported", TUE, date(2025, 8, 25)),
        ("This week, the department announced", FRI, date(2025, 8, 25)),
        ("the mayor signing an order over the weekend", date(2025, 9, 1), date(2025, 8, 30)),
        # Holidays named instead of dates.
        ("On Labor Day, residents took to the streets", TUE, date(2025, 9, 1)),
        # Explicit dates, with and without a year.
        ("On August 30, the mayor signed", TUE, date(2025, 8, 30)),
        ("at a news conference on August 25, 2025 in Chicago", TUE, date(2025, 8, 25)),
        ("agents made an arrest in Chicago on January 26", date(2025, 8, 31), date(2025, 1, 26)),
        ("the memo dated 2025-10-04", date(2025, 10, 7), date(2025, 10, 4)),
        ("In a September 1 post on Truth Social", TUE, date(2025, 9, 1)),
        ("signed on 30 August 2025", TUE, date(2025, 8, 30)),
    ],
)
def test_date_rules(sentence: str, pub: date, expected: date) -> None:
    assert one(sentence, pub)[0] == expected


def test_explicit_date_wins_over_relative() -> None:
    # "next Friday, Sept. 5" in an article published Friday Aug. 29: one date, Sept. 5.
    s = "surging federal agents by next Friday, Sept. 5, when the operation is expected to start"
    value, planned = one(s, FRI)
    assert value == date(2025, 9, 5)
    assert planned is True


def test_explicit_date_wins_even_when_it_disagrees() -> None:
    # The week day would give Sept. 12; the explicit date is what the text pins down.
    value, _ = one("the vote is scheduled for next Friday, Sept. 5", FRI)
    assert value == date(2025, 9, 5)


def test_never_in_the_future_unless_planned() -> None:
    # A past-tense sentence cannot put an event after its own publication.
    assert one("Agents arrested 12 people on Sept. 30.", TUE)[0] is None
    value, planned = one("A hearing is scheduled for Sept. 30.", TUE)
    assert value == date(2025, 9, 30)
    assert planned is True


def test_planned_week_day_points_forward() -> None:
    value, planned = one("The operation will begin Friday, officials said.", TUE)
    assert value == date(2025, 9, 5)
    assert planned is True


def test_plan_cue_after_the_date_does_not_move_it() -> None:
    # "will intervene" comes after "on Saturday": that Saturday is in the past.
    s = "In a warning to Pritzker on Saturday, Trump said the government will intervene."
    assert one(s, date(2025, 9, 1))[0] == date(2025, 8, 30)


def test_next_week_is_planned_monday() -> None:
    value, planned = one("State Police will take over security next week", date(2025, 9, 20))
    assert value == date(2025, 9, 22)
    assert planned is True


@pytest.mark.parametrize(
    "sentence",
    [
        "In June, the raids began.",
        "Arrests have risen since 2020.",
        "over the past week the president suggested",
        "Chicago grappled with an influx of migrants.",
    ],
)
def test_unresolvable_is_none_not_a_guess(sentence: str) -> None:
    assert all(d.value is None for d in find_dates(sentence, TUE))


def test_without_publication_date_only_full_dates_resolve() -> None:
    assert one("Pritzker said Sunday that", None)[0] is None
    assert one("On Sept. 5 agents arrived", None)[0] is None
    assert one("On September 5, 2025 agents arrived", None)[0] == date(2025, 9, 5)


def test_impossible_dates_are_none() -> None:
    assert one("on February 30", TUE)[0] is None


def test_times_are_not_days() -> None:
    # "10:32 p.m." next to a month abbreviation must not become a day of the month.
    assert [d.value for d in find_dates("since Friday at 10:32 p.m.", TUE)] == [date(2025, 8, 29)]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-10-09T17:55:00-05:00", date(2025, 10, 9)),
        ("2025-10-09", date(2025, 10, 9)),
        ("2025-10-09T22:55:00Z", date(2025, 10, 9)),
        ("not a date", None),
        (None, None),
        ("", None),
    ],
)
def test_parse_published(value: str | None, expected: date | None) -> None:
    assert parse_published(value) == expected
