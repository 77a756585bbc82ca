"""The guided pipeline's new stages, each on its own: normalise, usage figures, facts; and held-out round 4."""
from __future__ import annotations

import json

import pytest

from agent.guided.activity import read_activity
from agent.guided.normalise import normalise
from agent.guided.usage_facts import USAGE_LOAD, USAGE_LOAD_WORDS, default_registered, load_args, merge_activity
from agent.guided.typos import correct_typos, expand_shorthand
from benchmarks.guided_cases import check_v4, held_out_v4, run_library


@pytest.mark.parametrize("text, fixed", [
    ("60k regsitered users, 900 concurrrent", "60k registered users, 900 concurrent"),
    ("1.2M custmers", "1.2M customers"),
    ("planning engineers business", "planning engineers business"),  # ordinary words stay
])
def test_typos_are_corrected_towards_the_vocabulary(text, fixed):
    assert correct_typos(text) == fixed


def test_shorthand_expands():
    assert expand_shorthand("5k ppl, reg users 1e5, conc users: 1.2k, peak mult: 3") == \
        "5k people, registered users 1e5, concurrent users: 1.2k, peak multiplier: 3"


@pytest.mark.parametrize("text, out", [
    ("2.500.000 registered, about 3.200 online", "2500000 registered, about 3200 online"),
    ("1,2 million monthly active users, growth of 1,5% per month", "1.2 million monthly active users, growth of 1.5% per month"),
    ("about a quarter of an hour per visit", "about 15 minutes per visit"),
    ("one long session of an hour and a half", "one long session of 90 minutes"),
    ("about 1 in 10 use it", "about 10% use it"),
    ("roughly a quarter million users", "roughly a quarter million users"),
])
def test_normalise_reads_locales_and_number_words(text, out):
    assert normalise(text) == (out, [])


@pytest.mark.parametrize("text, word", [
    ("our daily actives are around 12,5", "12,5"), ("10^9 users", "10^9"), ("1e308x more users", "1e308"),
    ("10^2% a year", "10^2")])
def test_ambiguous_or_impossible_numbers_become_questions(text, word):
    _, problems = normalise(text)
    assert problems and word in problems[0]


@pytest.mark.parametrize("text, expect", [
    ("~8k DAU, about 15 minutes per visit, usually once a day",
     {"daily_active_users": 8000, "session_minutes": 15, "sessions_per_day": 1}),
    ("120k MAU today", {"monthly_active_users": 120000}),
    ("WAU is 300k, roughly 40% of them play on a given day", {"weekly_active_users": 300000, "daily_share": (0.4, "registered")}),
    ("it handles about 80k conversations a month", {"monthly_conversations": 80000}),
    ("The busiest hour is about three times the average", {"peak_multiplier": 3}),
    ("On Black Friday traffic spikes to 5x", {"spike_multiplier": 5}),
    ("800k DAU. Around 5% of daily users are on it at the busiest moment", {"daily_active_users": 800000, "peak_share_of_daily": 0.05}),
    ("6,500 people use it on a typical day", {"daily_active_users": 6500}),
    ("we expect to 3x over the coming year", {"growth_multiple": (3.0, 12.0)}),
])
def test_usage_figures_are_read_with_their_meaning(text, expect):
    a = read_activity(normalise(text)[0])
    for key, value in expect.items():
        assert getattr(a, key) == pytest.approx(value) if not isinstance(value, tuple) else getattr(a, key) == value


def test_shares_multiply_out_against_what_they_are_a_share_of():
    f = {"registered_users": 200_000}
    merge_activity(f, read_activity("a 25% of them come back daily"))
    args = {"app_type": "chatbot"}
    load_args(f, args, [])
    assert args["daily_active_users"] == 50_000
    wau = {}
    merge_activity(wau, read_activity("WAU is 300k, roughly 40% of them play on a given day"))
    args = {"app_type": "chatbot"}
    load_args(wau, args, [])
    assert args["daily_active_users"] == pytest.approx(120_000)


def test_load_figures_beside_users_online_are_named_as_not_used():
    f = {"registered_users": 200_000, "monthly_active_users": 35_000, "concurrent_share": 0.01}
    args, notes = {"app_type": "chatbot", "concurrent_users": 2000}, []
    load_args(f, args, notes)
    assert "monthly_active_users" not in args
    assert notes == ["- You also told me the monthly active users; the users online at once set the load directly, "
                     "so I sized from them and those figures do not change the plan."]
    args, notes = {"app_type": "chatbot"}, []
    load_args({"registered_users": 200_000, "monthly_active_users": 35_000}, args, notes)
    assert args["monthly_active_users"] == 35_000 and notes == []
    assert set(USAGE_LOAD_WORDS) == set(USAGE_LOAD)  # every load figure the reply may name has its words


def test_registered_users_default_to_the_monthly_actives_and_say_so():
    n, note = default_registered({"daily_active_users": 8000}, "chatbot")
    assert n == 20_000 and "40% DAU/MAU" in note


HELD_OUT = held_out_v4()


@pytest.mark.parametrize("conv", HELD_OUT, ids=[c["id"] for c in HELD_OUT])
def test_held_out_round_4(conv):
    assert check_v4(run_library(conv["lines"]), conv) == []


@pytest.mark.parametrize("lines, word", [
    (["support chatbot with 10^9 users"], "10^9"),
    (["support chatbot, 200k users, 2,000 online, growing 10^2% a year"], "10^2"),
    (["our daily actives are around 12,5 right now for the citizen chatbot"], "12,5"),
])
def test_numbers_it_cannot_read_without_guessing_get_a_question_not_a_plan(lines, word):
    t = run_library(lines)
    last = [m["content"] for m in t["messages"] if m["role"] == "assistant" and m.get("content")][-1]
    assert not t["scenarios"] and word in last and "?" in last


def test_an_absurd_what_if_multiple_is_asked_about():
    t = run_library(["support chatbot, 200k users, 2,000 online at once", "what if we had 1e308x more users"])
    assert [s["name"] for s in t["scenarios"]] == ["baseline"]
    last = [m["content"] for m in t["messages"] if m["role"] == "assistant" and m.get("content")][-1]
    assert "1e308" in last and "?" in last


def test_a_decimal_comma_before_a_scale_is_read_by_its_locale():
    t = run_library(["support chatbot with 1,5 million users and 0.5% online at once"])
    inputs = t["scenarios"][0]["inputs"]
    assert inputs["registered_users"] == 1_500_000 and inputs["concurrent_users"] == 7500


# -- the other stages, each on its own ------------------------------------------------------------------
def test_quantities_cut_each_number_its_own_clause():
    from agent.guided.quantities import _clause_after, _clause_before

    text = "200k users, and 3,000 online | peak multiplier 2"
    assert _clause_after(text, text.index("3,000") + 5, len(text)).strip() == "online"
    assert "peak" not in _clause_after(text, text.index("3,000") + 5, len(text))
    assert _clause_before(text, text.index("3,000"), 0).strip() == ""


def test_meanings_give_a_number_its_meaning():
    from agent.guided.meanings import _count, validate_counts
    from agent.guided.numbers import find_numbers
    from agent.guided.understand import Understanding

    u = Understanding()
    n = find_numbers("2,500")[0]
    _count(n, "never more than ", " simultaneously", u)
    assert u.peak == 2500 and u.concurrent is None
    staff = Understanding(users_are_staff=True)
    _count(find_numbers("2M")[0], "our 500 agents serving ", " customers", staff)
    assert staff.registered is None
    bad = Understanding(registered=2e10)
    validate_counts(bad)
    assert bad.registered is None and "everyone on Earth" in bad.problems[0]


@pytest.mark.parametrize("text, intents", [
    ("what if we had 150k DAU?", {"what_if"}), ("How would it look with 100,000 daily users?", {"what_if"}),
    ("Make that the plan.", {"adopt"}), ("scratch the H200s, we'll run on L40S", set()),
])
def test_intents_read_what_a_message_asks_for(text, intents):
    from agent.guided.understand import understand

    assert intents <= understand(text).intents


def test_considering_self_hosting_is_not_self_hosting_and_by_itself_is_an_agent():
    from agent.guided.understand import understand

    u = understand("Compliance wants us to consider self-hosting. Current plan: gpt-4o via the API")
    assert u.deployment == "api" and u.model == "gpt-4o"
    assert understand("a bot that processes returns and closes tickets by itself").app_type == "agent"
    assert understand("Our 50 support agents need a chatbot").app_type == "chatbot"


def test_several_what_ifs_in_one_message_are_split():
    from agent.guided.whatif_reading import split_what_ifs

    assert split_what_ifs("what if we ran it on gpt-4.1-nano, and what if the peak doubled to 60k?") == [
        "what if we ran it on gpt-4.1-nano", "what if the peak doubled to 60k?"]
    assert split_what_ifs("what if we double our users and self-host?") == ["what if we double our users and self-host?"]


def test_the_smaller_model_is_the_same_family_at_another_size():
    from agent.guided.whatif_reading import _sibling

    assert _sibling("llama-3.1-70b", "what about the smaller model instead, the 8B one?") == "llama-3.1-8b"
    assert _sibling("llama-3.1-70b", "the smaller model") == "llama-3.1-8b"
    assert _sibling("llama-3.1-70b", "a cheaper GPU") is None


def test_a_contrast_corrects_the_fact_that_had_the_old_value():
    t = run_library(["We have 450k daily actives on the support chatbot.", "no wait, 45k rather than 450k"])
    assert [s["inputs"].get("daily_active_users") for s in t["scenarios"]] == [45_000]


# -- questions for the options, uncertainty and usage-file tools (issues 9, 10, 13) ------------------------
@pytest.mark.parametrize("text, questions", [
    ("should we self-host?", ["options"]),
    ("what's the cheapest way to run this?", ["options"]),
    ("when does running our own GPUs pay off?", ["options"]),
    ("how sure are you?", ["how_sure"]),
    ("what matters most?", ["what_matters"]),
    ("which assumption drives the cost?", ["what_matters"]),
    ("how sure are you, and what matters most?", ["how_sure", "what_matters"]),
    ("what matters most? and should we self-host?", ["what_matters", "options"]),
    ("why does it cost that much?", []),
    ("what if we self-host on H200s", []),
])
def test_questions_for_the_new_tools_in_the_order_asked(text, questions):
    from agent.guided.understand import understand

    u = understand(text)
    assert u.questions == questions
    if questions:
        assert "explain" not in u.intents


def test_should_we_self_host_asks_and_does_not_state_a_deployment():
    from agent.guided.understand import understand

    assert understand("should we self-host?").deployment is None
    assert understand("we self-host Llama 3.1 70B on H100s").deployment == "self_hosted"
    assert understand("should we self-host Llama 3.1 70B on H100s?").deployment == "self_hosted"  # names what


@pytest.mark.parametrize("text, tool, path", [
    ("compare with logs/requests.csv", "usage_compare", "logs/requests.csv"),
    ("how close were we? check against ./exports/usage.json", "usage_compare", "./exports/usage.json"),
    ("calibrate from usage.json", "usage_calibrate", "usage.json"),
    ("can you analyse /data/vllm_1.prom", "usage_calibrate", "/data/vllm_1.prom"),
])
def test_usage_file_requests_take_the_path_exactly_as_typed(text, tool, path):
    transcript = run_library(["support chatbot, 200k users, 3,000 online at once", text])
    calls = [c for m in transcript["messages"] for c in m.get("tool_calls") or []]
    assert calls[-1]["function"]["name"] == tool
    assert json.loads(calls[-1]["function"]["arguments"])["path"] == path
    assert transcript["tool_outcomes"][calls[-1]["id"]]["ok"] is False  # no such file here: said, not raised
    assert path in transcript["messages"][-1]["content"]
    assert transcript["messages"][-1]["content"].startswith("I couldn't read that file:")


def test_usage_compare_before_a_plan_asks_for_one_and_calibrate_does_not_need_it():
    transcript = run_library(["compare with logs/requests.csv"])
    assert not [c for m in transcript["messages"] for c in m.get("tool_calls") or []]
    assert "no plan yet" in transcript["messages"][-1]["content"]
    transcript = run_library(["calibrate from logs/requests.csv"])
    calls = [c for m in transcript["messages"] for c in m.get("tool_calls") or []]
    assert [c["function"]["name"] for c in calls] == ["usage_calibrate"]


def test_new_questions_before_a_plan_say_there_is_none():
    transcript = run_library(["how sure are you?"])
    assert not transcript["scenarios"]
    assert "no plan yet" in transcript["messages"][-1]["content"]


@pytest.mark.parametrize("text, ranges", [
    ("between 2 and 5 thousand online", {"concurrent_users": (2000, 5000)}),
    ("2-3k daily users", {"daily_active_users": (2000, 3000)}),
    ("growth 5–10% a month", {"monthly_growth_rate": (0.05, 0.10)}),
    ("somewhere from 300 to 800 tokens per message", {"prompt_tokens": (300, 800)}),
    ("answers run 200-400 tokens", {"output_tokens": (200, 400)}),
    ("200k users, 3,000 online at once", {}),
    ("between 100k and 300k registered users", {}),  # registered users stay one number
])
def test_ranges_are_kept_as_ranges(text, ranges):
    from agent.guided.understand import understand

    got = understand(text).ranges
    assert set(got) == set(ranges)
    for path, (low, high) in ranges.items():
        assert got[path] == pytest.approx((low, high))
