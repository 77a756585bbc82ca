"""The number parser on the ways people actually write numbers in a chat."""
from __future__ import annotations

import math

import pytest

from agent.guided.numbers import (
    find_durations,
    find_numbers,
    parse_duration_months,
    parse_number,
    parse_percent,
    rate_period_months,
    to_monthly_rate,
    words_to_number,
)


@pytest.mark.parametrize("text, expected", [
    ("1,200", 1200), ("1200", 1200), ("1.2k", 1200), ("1.2K", 1200), ("1.2 thousand", 1200),
    ("2.5M", 2_500_000), ("2.5m", 2_500_000), ("2.5 million", 2_500_000), ("2.5 mil", 2_500_000),
    ("half a million", 500_000), ("a million", 1_000_000), ("a dozen", 12), ("two dozen", 24),
    ("1 billion", 1e9), ("1.5bn", 1.5e9), ("3B", 3e9), ("200k", 200_000), ("200 thousand", 200_000),
    ("1,234,567", 1_234_567), ("1,200.5", 1200.5), ("0.5", 0.5), (".5", 0.5),
    ("1.200.000", 1_200_000), ("200_000", 200_000), ("3000", 3000), ("0", 0),
    ("two hundred thousand", 200_000), ("twenty-five thousand", 25_000), ("fifty thousand", 50_000),
    ("one and a half million", 1_500_000), ("a couple of thousand", 2000), ("a few thousand", 3000),
    ("a hundred and fifty thousand", 150_000), ("a quarter million", 250_000), ("ten", 10),
    ("a thousand", 1000), ("three million", 3_000_000), ("a hundred", 100), ("5 grand", 5000),
    ("-500", -500), ("−500", -500), ("~3000", 3000), ("about 3k", 3000), ("around 1.5M", 1_500_000),
    ("roughly 40,000", 40_000), ("3k+", 3000), ("10k-ish", 10_000), ("maybe 2000", 2000),
    ("2,000-3,000", 2500), ("2k to 4k", 3000), ("1-2 million", 1_500_000), ("2-3k", 2500),
    ("between 2 and 3 thousand", 2500), ("5k.", 5000), ("20000!", 20000), ("1e6", 1e6), ("2.5e5", 250_000),
])
def test_parse_number(text: str, expected: float) -> None:
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "users", "hello there", "a", "and", "1 and 2", "no idea",
                                  "gpt", "200k users", "H100", "a few", "couple"])
def test_parse_number_rejects_non_numbers(text: str) -> None:
    assert parse_number(text) is None


@pytest.mark.parametrize("text, expected", [
    ("8%", 0.08), ("8 %", 0.08), ("8 percent", 0.08), ("8 per cent", 0.08), ("0.5%", 0.005),
    ("growing 12.5% a month", 0.125), ("eight percent", 0.08), ("3-5%", 0.04), ("100%", 1.0),
])
def test_parse_percent(text: str, expected: float) -> None:
    assert parse_percent(text) == pytest.approx(expected)


def test_parse_percent_none_without_a_percent() -> None:
    assert parse_percent("200k users") is None


def test_find_numbers_many_in_order() -> None:
    nums = find_numbers("We have 200k users, about 3,000 online at once, growing 8% a month for 18 months")
    assert [n.value for n in nums] == [200_000, 3000, 8, 18]
    assert [n.percent for n in nums] == [False, False, True, False]
    assert nums[0].scaled and not nums[1].scaled


def test_numbers_glued_to_letters_are_not_numbers() -> None:
    assert find_numbers("on H100s and A100 nodes") == []
    assert [n.value for n in find_numbers("v2 of gpt4")] == []


def test_range_in_text_keeps_its_ends() -> None:
    (n,) = find_numbers("from 3,000 to 6,000 online")
    assert n.is_range and (n.low, n.high, n.value) == (3000, 6000, 4500)


def test_minus_inside_a_range_is_not_a_sign() -> None:
    (n,) = find_numbers("2,000-3,000")
    assert n.value == 2500 and n.low == 2000


def test_negative_numbers_are_kept_negative() -> None:
    assert [n.value for n in find_numbers("we have -500 users")] == [-500]


def test_months_word_is_not_a_million() -> None:
    assert [n.value for n in find_numbers("18 months")] == [18]
    assert [n.value for n in find_numbers("3 more users")] == [3]


def test_words_to_number_edge_cases() -> None:
    assert words_to_number("a") is None
    assert words_to_number("and of") is None
    assert words_to_number("half") == 0.5
    assert words_to_number("two hundred") == 200


@pytest.mark.parametrize("text, months", [
    ("8% a month", 1), ("8% per month", 1), ("monthly", 1), ("month over month", 1), ("5% MoM", 1),
    ("10% a year", 12), ("yearly", 12), ("annually", 12), ("per annum", 12), ("40% YoY", 12),
    ("5% a quarter", 3), ("quarterly", 3), ("1% a week", 12 / 52), ("every month", 1),
])
def test_rate_period_months(text: str, months: float) -> None:
    assert rate_period_months(text) == pytest.approx(months)


def test_rate_period_none() -> None:
    assert rate_period_months("we grow fast") is None


def test_to_monthly_rate_is_compound() -> None:
    assert to_monthly_rate(0.08, 1) == 0.08
    assert to_monthly_rate(1.0, 12) == pytest.approx(2 ** (1 / 12) - 1)
    assert (1 + to_monthly_rate(0.5, 12)) ** 12 == pytest.approx(1.5)
    assert to_monthly_rate(-1.0, 12) == -1.0
    assert math.isfinite(to_monthly_rate(0.1, 3))


@pytest.mark.parametrize("text, months", [
    ("for 2 years", 24), ("18 months", 18), ("over the next year", 12), ("a two-year horizon", 24),
    ("a 12-month plan", 12), ("in a year", 12), ("for the next 6 months", 6), ("next quarter", 3),
    ("1.5 years", 18), ("for 3 yrs", 36), ("36 mo", 36), ("over two years", 24),
])
def test_durations(text: str, months: float) -> None:
    assert parse_duration_months(text) == pytest.approx(months)


def test_rate_phrase_is_not_a_duration() -> None:
    assert find_durations("growing 8% a year") == []
    assert find_durations("8% per month") == []
    assert parse_duration_months("no time here") is None
