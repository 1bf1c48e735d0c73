"""Quantity parsing: value, unit and qualifier."""

from __future__ import annotations

import pytest

from extractors.quantities import find_quantities


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "qualifier"),
    [
        ("the department announced it made 5,000 arrests in Los Angeles", 5000, "arrests", None),
        ("is expected to last about 30 days", 30, "days", "about"),
        ("About 200 Texas National Guard troops arrived", 200, "troops", "about"),
        ("200 Texas National Guard troops arrived", 200, "troops", None),
        ("300 members of the Illinois National Guard", 300, "members", None),
        ("more than 1,000 people had been arrested", 1000, "people", "more than"),
        ("agents detained two men outside a store", 2, "people", None),
        ("at least 13 people in the first day", 13, "people", "at least"),
        ("two dozen protesters gathered", 24, "people", None),
        ("1.5 million people", 1_500_000, "people", None),
        ("roughly 300 Illinois Guard members were federalized", 300, "members", "roughly"),
        ("a TRO that lasts 14 days", 14, "days", None),
        ("sent 100 additional federal agents", 100, "agents", None),
    ],
)
def test_quantities(sentence: str, value: float, unit: str, qualifier: str | None) -> None:
    found = find_quantities(sentence)
    assert len(found) == 1, found
    q = found[0]
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)
    assert sentence[q.start : q.end] == q.text


@pytest.mark.parametrize(
    "sentence",
    [
        "Marimar Martinez, 30, had rammed the vehicle",  # an age, no unit
        "thousands of National Guard troops",  # vague: no value to track
        "a 21.6% decrease in violent crime",
        "one of the officials said",
        "in 2025 people moved",  # a year is not a count
        "",
    ],
)
def test_not_quantities(sentence: str) -> None:
    assert find_quantities(sentence) == []


def test_several_in_one_sentence() -> None:
    s = "About 200 Texas troops arrived, and roughly 300 Illinois Guard members were federalized."
    assert [(q.value, q.unit) for q in find_quantities(s)] == [(200, "troops"), (300, "members")]


@pytest.mark.parametrize(
    ("sentence", "value", "qualifier"),
    [
        ("Two weeks ago, the department said arrests had topped 1,000.", 1000, "more than"),
        ("DHS said arrests in the operation passed 1,500 on Oct. 14.", 1500, "more than"),
        ("Deportations reached 2.5 million last year.", 2_500_000, None),
        ("Officials said arrests rose to about 3,000.", 3000, "about"),
    ],
)
def test_count_after_its_unit(sentence: str, value: float, qualifier: str | None) -> None:
    [q] = [q for q in find_quantities(sentence) if q.unit == "arrests"]
    assert q.value == value and q.qualifier == qualifier
    assert sentence[q.start : q.end] == q.text


def test_a_year_after_the_unit_is_not_a_count() -> None:
    assert find_quantities("Arrests reached 2025 levels.") == []
