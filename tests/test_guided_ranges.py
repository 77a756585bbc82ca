"""Figures said as ranges stay ranges (heldout/SPEC.md rules 1-6), stage by stage: reading, facts, forecast arguments."""
from __future__ import annotations

import pytest

from agent.guided import ranged
from agent.guided.understand import understand
from benchmarks.guided_cases import run_library, tool_calls

Y2, Y25, Y3 = 2 ** (1 / 12) - 1, 2.5 ** (1 / 12) - 1, 3 ** (1 / 12) - 1  # the spec's "2-3x next year"


# -- reading: the figure is the conversion of the midpoint, the range the conversion of each end ------------
@pytest.mark.parametrize("text, attr, value, key, low, high", [
    ("between 2 and 5 thousand online", "concurrent", 3500, "concurrent_users", 2000, 5000),
    ("we peak at 4-6k concurrent", "peak", 5000, "peak_concurrent_users", 4000, 6000),
    ("1-2% of our 200k users are online at once", "concurrent_share", 0.015, "concurrent_share", 0.01, 0.02),
    ("200k users, between 1% and 2% online at once", "concurrent_share", 0.015, "concurrent_share", 0.01, 0.02),
    ("200k users, at peak 3-4% are on", "peak_share", 0.035, "peak_share", 0.03, 0.04),
    ("growth 5-10% a month", "growth", 0.075, "monthly_growth_rate", 0.05, 0.10),
    ("growing 5% to 10% a month", "growth", 0.075, "monthly_growth_rate", 0.05, 0.10),
    ("we'll grow 2-3x next year", "growth", Y25, "monthly_growth_rate", Y2, Y3),
    ("we grow 2-3x a year", "growth", Y25, "monthly_growth_rate", Y2, Y3),
    ("users grow 2-3x over the next year", "growth", Y25, "monthly_growth_rate", Y2, Y3),
    ("50 to 100% a year", "growth", 1.75 ** (1 / 12) - 1, "monthly_growth_rate", 1.5 ** (1 / 12) - 1, 2 ** (1 / 12) - 1),
    ("growth of 10-20% per quarter", "growth", 1.15 ** (1 / 3) - 1, "monthly_growth_rate", 1.1 ** (1 / 3) - 1, 1.2 ** (1 / 3) - 1),
    ("shrinking 2-5% a month", "growth", -0.035, "monthly_growth_rate", -0.05, -0.02),
])
def test_a_range_keeps_its_ends_through_the_readers_conversion(text, attr, value, key, low, high):
    u = understand(text)
    assert getattr(u, attr) == pytest.approx(value)
    assert u.ranges[key] == pytest.approx((low, high))


@pytest.mark.parametrize("text, attr, value, key, low, high", [
    ("2-3k daily users", "daily_active_users", 2500, "daily_active_users", 2000, 3000),
    ("100-150k monthly active users", "monthly_active_users", 125_000, "monthly_active_users", 100_000, 150_000),
    ("MAU is 100k-150k", "monthly_active_users", 125_000, "monthly_active_users", 100_000, 150_000),
    ("sessions last 5-10 minutes", "session_minutes", 7.5, "session_minutes", 5, 10),
    ("2-3 sessions a day", "sessions_per_day", 2.5, "sessions_per_day", 2, 3),
    ("peaks run 2-3x the average", "peak_multiplier", 2.5, "peak_multiplier", 2, 3),
    ("the busiest hour is 2-3x the average", "peak_multiplier", 2.5, "peak_multiplier", 2, 3),
    ("peak multiplier of 2-3", "peak_multiplier", 2.5, "peak_multiplier", 2, 3),
    ("somewhere from 300 to 800 tokens per message", "prompt_tokens", 550, "prompt_tokens", 300, 800),
])
def test_usage_figures_said_as_ranges(text, attr, value, key, low, high):
    u = understand(text)
    assert getattr(u.activity, attr) == pytest.approx(value)
    assert u.ranges[key] == pytest.approx((low, high))


@pytest.mark.parametrize("text", ["about 3000 online", "~8% a month", "roughly 20k daily users", "3x over the next year",
                                  "sessions last 7 minutes", "the busiest hour is 3x the average", "150-200k registered"])
def test_exact_figures_and_registered_users_have_no_range(text):
    assert understand(text).ranges == {}


def test_registered_users_said_as_a_range_are_the_midpoint():
    u = understand("150-200k registered, 3,000 online at once")
    assert (u.registered, u.concurrent, u.ranges) == (175_000, 3000, {})


def test_the_count_a_share_is_of_is_the_registered_users():
    u = understand("1% of our 200k users are online at once")
    assert (u.registered, u.concurrent, u.concurrent_share) == (200_000, None, 0.01)


@pytest.mark.parametrize("text, problem", [
    ("growth 100-300% a month", "300%"),
    ("200k users, 0-5% online at once", "0%"),
])
def test_an_end_no_plan_can_use_is_a_problem_and_the_figure_is_dropped(text, problem):
    u = understand(text)
    assert problem in " ".join(u.problems)
    assert u.growth is None and u.concurrent_share is None and u.ranges == {}


def test_a_converted_growth_range_says_how_it_was_read():
    note = understand("we'll grow 2-3x next year").growth_note
    assert note is not None and "2-3x over 12 months" in note and "5.95%-9.59% a month" in note


# -- the ranges module on its own ----------------------------------------------------------------------
def test_keep_sorts_ends_a_conversion_turned_round():
    ranges: dict[str, ranged.Span] = {}
    assert ranged.keep(ranges, "x", ranged.Figure(2.0, 1.0, 3.0), lambda v: -v) == -2.0
    assert ranges["x"] == (-3.0, -1.0)
    ranged.keep(ranges, "x", ranged.Figure(2.0))  # an exact figure later in the message drops it
    assert ranges == {}


def test_a_range_is_planned_only_while_its_fact_holds_the_value_it_was_said_with():
    facts = {"registered_users": 200_000, "concurrent_share": 0.015}
    ranged.note(facts, "concurrent_share", (0.01, 0.02))
    args = {"registered_users": 200_000, "concurrent_users": 3000.0}
    assert ranged.forecast_ranges(facts, args) == {"concurrent_users": {"low": 2000, "high": 4000}}
    facts["concurrent_share"] = 0.02  # changed by another route (a contrast correction, ...)
    assert ranged.forecast_ranges(facts, args) == {}


def test_a_range_is_not_planned_for_a_figure_the_plan_is_not_made_from():
    facts = {"daily_active_users": 2500.0, "concurrent_users": 3000.0}
    ranged.note(facts, "daily_active_users", (2000.0, 3000.0))
    assert ranged.forecast_ranges(facts, {"concurrent_users": 3000.0}) == {}


def test_note_copies_the_ranges_so_a_shallow_copy_of_the_facts_is_not_changed():
    facts = {"concurrent_users": 3500.0}
    ranged.note(facts, "concurrent_users", (2000.0, 5000.0))
    copy = dict(facts)
    copy["session_minutes"] = 7.5
    ranged.note(copy, "session_minutes", (5.0, 10.0))
    assert set(facts["ranges"]) == {"concurrent_users"}


# -- conversations: the forecast call carries the midpoint and the range; rule 4 ----------------------------
def _forecasts(lines: list[str]) -> list[dict]:
    return [args for name, args, ok in tool_calls(run_library(lines)) if name == "forecast" and ok]


def test_a_share_range_is_multiplied_out_like_the_share():
    (args,) = _forecasts(["support chatbot, 1-2% of our 200k users are online at once"])
    assert args["concurrent_users"] == 3000
    assert args["ranges"] == {"concurrent_users": {"low": 2000, "high": 4000}}
    assert "registered_users" not in args["ranges"]


def test_a_yearly_multiple_range_is_converted_end_by_end():
    (args,) = _forecasts(["chatbot, 200k users, 3k online at once, we'll grow 2-3x next year"])
    assert args["monthly_growth_rate"] == pytest.approx(Y25, abs=1e-6)
    r = args["ranges"]["monthly_growth_rate"]
    assert (r["low"], r["high"]) == pytest.approx((Y2, Y3), abs=1e-6)


@pytest.mark.parametrize("first, later, path, ranged_after", [
    ("chatbot, 200k users, 1-2% online at once", "actually 3,000 online at once", "concurrent_users", False),
    ("chatbot, 200k users, 3,000 online at once", "actually it's 1-2% of users online", "concurrent_users", True),
    ("chatbot, 200k users, 3k online, growth 2-3x a year", "actually 6% a month", "monthly_growth_rate", False),
    ("chatbot, 200k users, 3k online, growth 6% a month", "no, 10-20% per quarter", "monthly_growth_rate", True),
    ("chatbot, 200k users, 20k daily users, 5-10 minute sessions", "actually sessions are 6 minutes", "workload.session_minutes", False),
    ("chatbot, 200k users, 3k online at once, peak multiplier of 2", "actually the busiest hour is 2-3x the average", "peak_multiplier", True),
    ("chatbot, 300k users, 100-150k monthly active users", "actually MAU is 120k", "monthly_active_users", False),
])
def test_a_later_figure_replaces_the_earlier_one_range_or_not(first, later, path, ranged_after):
    before, after = _forecasts([first, later])
    assert (path in (before.get("ranges") or {})) is not ranged_after
    assert (path in (after.get("ranges") or {})) is ranged_after


def test_a_range_whose_high_end_exceeds_the_registered_users_is_asked_about():
    transcript = run_library(["chatbot, 3k users, 2-4k online at once"])
    assert not _forecasts(["chatbot, 3k users, 2-4k online at once"])
    assert "Up to 4,000 users online at once is more than the 3,000 registered users" in transcript["messages"][-1]["content"]


# -- what-ifs that set a figure to a range (rule 5) -------------------------------------------------------
BASE = "We run a support chatbot with 200k users, 3,000 online at once, growing 8% a month"


def _what_ifs(lines: list[str]) -> list[dict]:
    return [args for name, args, ok in tool_calls(run_library(lines)) if name == "what_if" and ok]


@pytest.mark.parametrize("ask, path, mid, low, high", [
    ("what if growth is 10-15% a month?", "monthly_growth_rate", 0.125, 0.10, 0.15),
    ("what if 5 to 8 thousand are online at once?", "concurrent_users", 6500, 5000, 8000),
    ("what if 2-3% of users are online at once?", "concurrent_users", 5000, 4000, 6000),
    ("what if we grow 2-3x next year?", "monthly_growth_rate", Y25, Y2, Y3),
    ("what if sessions last 5-10 minutes?", "workload.session_minutes", 7.5, 5, 10),
    ("what if we had 20-30k daily users?", "daily_active_users", 25_000, 20_000, 30_000),
])
def test_a_what_if_said_as_a_range_carries_the_midpoint_and_the_range(ask, path, mid, low, high):
    (args,) = _what_ifs([BASE, ask])
    assert args["set"][path] == pytest.approx(mid, abs=1e-6)
    r = args["ranges"][path]
    assert (r["low"], r["high"]) == pytest.approx((low, high), abs=1e-6)


def test_the_baseline_keeps_its_own_figures_and_an_exact_what_if_from_a_ranged_baseline_has_no_range():
    transcript = run_library(["support chatbot, 200k users, between 2 and 5 thousand online", "what if concurrency reaches 10k"])
    (args,) = [a for name, a, ok in tool_calls(transcript) if name == "what_if" and ok]
    assert args["set"] == {"concurrent_users": 10_000} and "ranges" not in args
    scenarios = {s["name"]: s["inputs"] for s in transcript["scenarios"]}
    assert scenarios["baseline"]["concurrent_users"] == {"low": 2000, "high": 5000}
    assert scenarios["concurrency 10k"]["concurrent_users"] == 10_000


def test_a_what_if_range_whose_high_end_is_more_than_the_users_is_refused():
    transcript = run_library([BASE, "what if 150-250k are online at once?"])
    assert not _what_ifs([BASE, "what if 150-250k are online at once?"])
    assert "more than the 200,000 registered users" in transcript["messages"][-1]["content"]


# -- yearly cues without "a" / "per", a month-over-month rate, and the converted centre (mid) ----------------
def _yearly(rate: float) -> float:
    return (1 + rate) ** (1 / 12) - 1


@pytest.mark.parametrize("text, value, low, high", [
    ("the growth target is 40 to 80% this year", _yearly(0.6), _yearly(0.4), _yearly(0.8)),
    ("we see 25 to 45% growth over the year", _yearly(0.35), _yearly(0.25), _yearly(0.45)),
    ("we plan on 2-4x in a year", 3 ** (1 / 12) - 1, 2 ** (1 / 12) - 1, 4 ** (1 / 12) - 1),
    ("we plan on 2-4x over the next year", 3 ** (1 / 12) - 1, 2 ** (1 / 12) - 1, 4 ** (1 / 12) - 1),
    ("growth of 20-40% in the next year", _yearly(0.3), _yearly(0.2), _yearly(0.4)),
    ("growing 10-30% yoy", _yearly(0.2), _yearly(0.1), _yearly(0.3)),
    ("growing 10-30% annually", _yearly(0.2), _yearly(0.1), _yearly(0.3)),
    ("growth is 6–9% month over month rn", 0.075, 0.06, 0.09),
])
def test_a_yearly_or_month_over_month_range_is_a_rate_of_that_period(text, value, low, high):
    u = understand(text)
    assert u.growth == pytest.approx(value)
    assert u.ranges["monthly_growth_rate"] == pytest.approx((low, high))
    assert not set(u.ranges) & {"concurrent_share", "peak_share"}


@pytest.mark.parametrize("text, value", [
    ("growth should be 60% this year", _yearly(0.6)), ("we grow 60% over the year", _yearly(0.6)),
    ("we expect 60% growth in a year", _yearly(0.6)), ("growing 60% per year", _yearly(0.6)),
    ("growing 60% annually", _yearly(0.6)), ("growing 60% yoy", _yearly(0.6)),
    ("growing 60% year over year", _yearly(0.6)), ("we expect 3x in a year", 3 ** (1 / 12) - 1),
    ("growth is 6% month over month right now", 0.06),
])
def test_an_exact_rate_with_a_yearly_cue_is_converted(text, value):
    u = understand(text)
    assert u.growth == pytest.approx(value)
    assert "monthly_growth_rate" not in u.ranges


def test_a_converted_range_is_centred_on_the_converted_midpoint():
    (args,) = _forecasts(["chatbot, 200k users, 3k online at once, we'll grow 2-3x next year"])
    assert args["ranges"]["monthly_growth_rate"]["mid"] == pytest.approx(Y25, abs=1e-6)
    (args,) = _forecasts(["chatbot, 200k users, 3k online at once, growth 5-10% a month"])
    assert "mid" not in args["ranges"]["monthly_growth_rate"]  # said in months: the middle of its ends


def test_a_what_if_with_a_converted_range_is_centred_on_the_converted_midpoint():
    calls = tool_calls(run_library(["support chatbot, 200k users, 3,000 online at once", "what if we grow 2-3x next year?"]))
    (args,) = [a for name, a, ok in calls if name == "what_if" and ok]
    assert args["ranges"]["monthly_growth_rate"]["mid"] == pytest.approx(Y25, abs=1e-6)


@pytest.mark.parametrize("text, peak, low, high", [
    ("chatbot, 80k users. Normally around 500 are chatting at once, but at peak 3-4% are on.", 2800, 2400, 3200),
    ("chatbot, 300k users, 1-1.5% online at once, peaks hit 4 to 6 percent of users", 15000, 12000, 18000),
    ("agent, 50k registered devs, 1,000 concurrent, and at peak somewhere between 5% and 8% of them are online", 3250, 2500, 4000),
])
def test_a_peak_share_said_with_an_average_is_planned_as_the_peak(text, peak, low, high):
    (args,) = _forecasts([text])
    assert args["peak_concurrent_users"] == pytest.approx(peak)
    assert args["ranges"]["peak_concurrent_users"] == {"low": low, "high": high}
    assert "concurrent_users" in args


@pytest.mark.parametrize("text, value, low, high", [
    ("Peak is somewhere between 1.5 and 2.5 times normal load", 2.0, 1.5, 2.5),
    ("peaks are 3 to 4x the average", 3.5, 3, 4),
])
def test_a_peak_multiplier_range_in_words(text, value, low, high):
    u = understand(text)
    assert u.activity.peak_multiplier == pytest.approx(value)
    assert u.ranges["peak_multiplier"] == pytest.approx((low, high))


def test_a_dau_range_after_filler_words_is_daily_actives_not_registered_users():
    u = understand("correction: DAU is really anywhere between 40k and 70k")
    assert u.activity.daily_active_users == 55_000
    assert u.ranges["daily_active_users"] == (40_000, 70_000)
    assert u.registered is None
