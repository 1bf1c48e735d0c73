"""Quantity parsing: value, unit and qualifier."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# ----------------------------------------------- the substring pre-check loses nothing


def test_fold_for_search_maps_every_case_variant_of_an_ascii_letter_to_it() -> None:
    """Over all of Unicode: a character that re.IGNORECASE equates with an ASCII letter
    becomes that letter in _fold_for_search, so a word the case-insensitive patterns
    match is always a plain substring of the folded sentence."""
    import re

    from extractors.quantities import _fold_for_search

    letters = re.compile("[a-z]", re.IGNORECASE)
    checked = 0
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        char = chr(cp)
        if letters.fullmatch(char) is None:
            continue
        for x in "abcdefghijklmnopqrstuvwxyz":
            if re.fullmatch(x, char, re.IGNORECASE):
                assert _fold_for_search(char) == x, (hex(cp), x)
                checked += 1
    assert checked > 52  # both cases of every letter, and the odd ones (K, ſ, ı, İ)


_PIECES = [
    "5,000", "1.5", "two", "Twenty", "a dozen", "ONE HUNDRED", "300", "million", "more than",
    "arrests", "ARRESTS", "Troops", "people", "ſoldiers", "İndividuals", "had topped",
    "rose to", "HİT", "Days", "members of the Illinois National Guard", "the", "and",
    "agents", "often", "someone", "today", "woman", "2025", ",", ".", "-", "thouſand",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=14))
def test_find_quantities_equals_running_both_patterns(words: list[str]) -> None:
    from extractors.quantities import default_finder

    sentence = " ".join(words)
    assert find_quantities(sentence) == default_finder().all(sentence)
