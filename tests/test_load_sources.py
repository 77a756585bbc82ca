"""Load sources people know: active users, volumes and measured rates plan through Little's law."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from forecasting import plan
from forecasting.errors import ScenarioError
from forecasting.workload import SECONDS_PER_MONTH

B = {"app_type": "chatbot", "registered_users": 200_000}


def test_daily_actives_give_concurrency_by_littles_law():
    p = plan({**B, "daily_active_users": 20_000, "workload": {"session_minutes": 12, "sessions_per_active_user_per_day": 2}})
    assert p.load.average_concurrent_users == pytest.approx(20_000 * 2 * 12 / 1440)
    assert p.load.peak_concurrent_users == pytest.approx(20_000 * 2 * 12 / 1440 * 1.5)
    assert p.load.load_source == "daily_active_users" and p.load.daily_active_users == 20_000
    e = p.explanations["load.average_concurrent_users"]
    assert "20,000 daily active users x 2 sessions/day x 12 min per session / 1,440" in e and "Little's law" in e
    assert "load.daily_active_users" in p.explanations and "load.load_source" in p.explanations
    names = {a.name for a in p.assumptions}
    assert "workload.sessions_per_active_user_per_day" not in names and "peak_multiplier" in names


def test_sessions_per_day_default_is_listed_with_its_source():
    p = plan({**B, "daily_active_users": 20_000})
    a = next(a for a in p.assumptions if a.name == "workload.sessions_per_active_user_per_day")
    assert a.value == 1.5 and "NBER" in a.source
    assert p.load.average_concurrent_users == pytest.approx(20_000 * 1.5 * 7 / 1440)


def test_monthly_actives_alone_use_the_stickiness_default():
    p = plan({**B, "monthly_active_users": 50_000})
    a = next(a for a in p.assumptions if a.name == "workload.dau_mau_ratio")
    assert a.value == 0.40 and "June.so" in a.source
    assert p.load.daily_active_users == pytest.approx(20_000) and p.load.monthly_active_users == 50_000
    assert "50,000 monthly active x 0.4 DAU/MAU" in p.explanations["load.daily_active_users"]
    agent = plan({"app_type": "agent", "registered_users": 200_000, "monthly_active_users": 50_000})
    assert agent.load.daily_active_users == pytest.approx(50_000 * 0.31)


def test_agent_daily_actives_without_session_minutes_use_tasks_times_cycle():
    p = plan({"app_type": "agent", "registered_users": 100_000, "daily_active_users": 10_000})
    cycle = p.load.seconds_between_messages
    assert p.load.average_concurrent_users == pytest.approx(10_000 * 1.0 * 5 * cycle / 86_400)


@pytest.mark.parametrize("field, expect_messages", [
    ("monthly_messages", 2_500_000), ("monthly_conversations", 2_500_000 * 2.5)])
def test_a_volume_plans_back_to_the_same_volume(field, expect_messages):
    p = plan({**B, field: 2_500_000})
    assert p.load.monthly_messages == pytest.approx(expect_messages)
    assert p.load.load_source == field
    assert p.load.average_concurrent_users == pytest.approx(expect_messages / SECONDS_PER_MONTH * p.load.seconds_between_messages)
    assert "Little's law" in p.explanations["load.average_concurrent_users"]


def test_monthly_tasks_for_agents():
    p = plan({"app_type": "agent", "registered_users": 100_000, "monthly_tasks": 300_000})
    assert p.load.monthly_messages == pytest.approx(300_000)


def test_measured_rate_plans_directly():
    p = plan({**B, "measured": {"llm_calls_per_second": 4, "peak_llm_calls_per_second": 10, "input_tokens_per_call": 2000,
                                "output_tokens_per_call": 300, "source": "trace.csv, 2026-11"}})
    assert p.load.input_tokens_per_call == 2000 and p.load.output_tokens_per_call == 300
    assert p.load.llm_calls_per_second == pytest.approx(10)
    assert p.load.monthly_llm_calls == pytest.approx(4 * SECONDS_PER_MONTH)
    assert "measured" in p.explanations["load.input_tokens_per_call"]
    assert "trace.csv" in p.explanations["load.average_concurrent_users"]


def test_peak_with_daily_actives_sets_the_multiplier():
    p = plan({**B, "daily_active_users": 20_000, "peak_concurrent_users": 500})
    avg = 20_000 * 1.5 * 7 / 1440
    assert p.load.peak_concurrent_users == 500 and p.inputs["peak_multiplier"] == pytest.approx(500 / avg)


@pytest.mark.parametrize("extra, words", [
    ({}, ["give one load source", "daily_active_users", "monthly_conversations"]),
    ({"concurrent_users": 100, "daily_active_users": 5000}, ["concurrent_users and daily_active_users"]),
    ({"monthly_messages": 1e6, "monthly_conversations": 1e5}, ["monthly_conversations and monthly_messages"]),
    ({"daily_active_users": 5000, "monthly_active_users": 4000}, ["daily_active_users: 5,000 cannot exceed monthly_active_users"]),
    ({"monthly_active_users": 300_000}, ["monthly_active_users: 300,000 cannot exceed registered_users"]),
    ({"monthly_tasks": 1000}, ["monthly_tasks: chatbots count messages"]),
    ({"daily_active_users": 20_000, "peak_concurrent_users": 10}, ["peak_concurrent_users (10) cannot be below"]),
    ({"monthly_messages": 1e12}, ["monthly_messages: implies", "more than registered_users"]),
    ({"daily_active_users": 100, "workload": {"session_minutes": 600, "sessions_per_active_user_per_day": 3}},
     ["workload.sessions_per_active_user_per_day (3)", "more than 24 hours"]),
])
def test_conflicting_or_inconsistent_sources_name_the_fields(extra, words):
    with pytest.raises(ScenarioError) as exc:
        plan({**B, **extra})
    text = " ".join(exc.value.problems)
    assert all(w in text for w in words), text


def test_cli_exits_2_naming_the_fields():
    doc = json.dumps({**B, "concurrent_users": 100, "monthly_active_users": 5000})
    r = subprocess.run([sys.executable, "-m", "agent.cli", "plan", "-"], input=doc, capture_output=True, text=True)
    assert r.returncode == 2 and "concurrent_users and monthly_active_users" in r.stderr and "Traceback" not in r.stderr


def test_plausibility_warnings_carry_their_sources():
    low = plan({**B, "daily_active_users": 1_000, "monthly_active_users": 100_000})
    assert any("outside the published 0.1-0.6" in w and "June.so" in w for w in low.warnings)
    chatty = plan({**B, "daily_active_users": 1_000, "workload": {"sessions_per_active_user_per_day": 20}})
    assert any("messages per daily active user per day" in w and "NBER" in w for w in chatty.warnings)
    online = plan({**B, "concurrent_users": 50_000})
    assert any("of registered users online at once" in w and "Character.ai" in w for w in online.warnings)
    assert not [w for w in plan({**B, "daily_active_users": 40_000}).warnings if w.startswith("usage")]


def test_every_number_of_a_derived_plan_is_explained():
    doc = plan({**B, "monthly_active_users": 50_000}).model_dump(mode="json")

    def leaves(obj, path):
        if isinstance(obj, dict):
            for k, v in obj.items():
                yield from leaves(v, f"{path}.{k}")
        elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
            yield path
    missing = [p for p in leaves(doc["load"], "load") if p not in doc["explanations"]]
    assert not missing


def test_growth_scales_a_derived_load():
    p = plan({**B, "daily_active_users": 20_000, "monthly_growth_rate": 0.1, "horizon_months": 2})
    assert p.timeline[2].peak_concurrent_users == pytest.approx(p.load.peak_concurrent_users * 1.21)
