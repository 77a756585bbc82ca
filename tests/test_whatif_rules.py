"""The what-if rules of the core (forecasting/whatif.py), used by both chat paths."""
from __future__ import annotations

import json

import pytest

from agent.session import Session
from agent.tools import ToolRegistry
from forecasting.errors import ScenarioError
from forecasting.whatif import apply_changes

BASE = {"app_type": "chatbot", "registered_users": 200_000, "concurrent_users": 3_000}


def test_scale_users_scales_every_count_and_volume():
    base = {"app_type": "chatbot", "registered_users": 200_001, "daily_active_users": 20_000.0,
            "monthly_active_users": 50_000, "measured": {"llm_calls_per_second": 3.0}}
    out = apply_changes(base, scale_users=2)
    assert out["registered_users"] == 400_002 and isinstance(out["registered_users"], int)
    assert out["daily_active_users"] == 40_000 and out["monthly_active_users"] == 100_000
    assert out["measured"]["llm_calls_per_second"] == 6.0
    assert base["daily_active_users"] == 20_000.0  # the base is not modified


def test_multiply_reads_the_resolved_default_when_the_scenario_has_none():
    out = apply_changes(BASE, multiply={"workload.output_tokens": 2}, resolved={"workload": {"output_tokens": 215}})
    assert out["workload"]["output_tokens"] == 430
    with pytest.raises(ScenarioError, match=r"multiply\.workload\.nothing: no numeric value"):
        apply_changes(BASE, multiply={"workload.nothing": 2})


def test_a_deployment_switch_drops_what_no_longer_applies():
    hosted = {**BASE, "llm": {"model": "gpt-5-mini"}}
    assert apply_changes(hosted, set={"llm.deployment": "self_hosted"})["llm"] == {"deployment": "self_hosted"}
    named = apply_changes(hosted, set={"llm.deployment": "self_hosted", "llm.model": "llama-3.1-8b"})
    assert named["llm"]["model"] == "llama-3.1-8b"
    own = {**BASE, "llm": {"deployment": "self_hosted", "model": "llama-3.1-70b", "gpu": "h100-sxm"}}
    assert apply_changes(own, set={"llm.deployment": "api"})["llm"] == {"deployment": "api"}


def test_bad_paths_and_factors_name_the_problem():
    with pytest.raises(ScenarioError, match="not a section"):
        apply_changes(BASE, set={"registered_users.x": 1})
    with pytest.raises(ScenarioError, match="scale_users"):
        apply_changes(BASE, scale_users=0)


def test_the_forecast_tool_takes_active_users_and_the_what_if_scales_them():
    reg, s = ToolRegistry(), Session()
    r = reg.call("forecast", json.dumps({"app_type": "chatbot", "registered_users": 100_000, "daily_active_users": 8000,
                                         "sessions_per_day": 2, "session_minutes": 9}), s)
    assert r.ok, r.content
    rec = s.get("baseline")
    assert rec.inputs["workload"] == {"sessions_per_active_user_per_day": 2, "session_minutes": 9}
    assert rec.plan["load"]["average_concurrent_users"] == pytest.approx(8000 * 2 * 9 / 1440)
    assert reg.call("what_if", json.dumps({"scale_users": 2}), s).ok
    assert s.get("what-if 1").inputs["daily_active_users"] == 16_000
    bad = reg.call("forecast", json.dumps({"app_type": "chatbot", "registered_users": 100, "daily_active_users": 50,
                                           "concurrent_users": 5}), s)
    assert not bad.ok and "concurrent_users and daily_active_users" in bad.content
    schema = next(t for t in reg.schemas() if t["function"]["name"] == "forecast")["function"]["parameters"]
    assert {"daily_active_users", "monthly_active_users", "monthly_conversations"} <= set(schema["properties"])


def test_a_new_load_source_replaces_the_old_one():
    out = apply_changes(BASE, set={"daily_active_users": 50_000})
    assert "concurrent_users" not in out and out["daily_active_users"] == 50_000
    both = {**BASE, "concurrent_users": None, "daily_active_users": 1000, "monthly_active_users": 3000}
    both.pop("concurrent_users")
    assert apply_changes(both, set={"daily_active_users": 2000})["monthly_active_users"] == 3000
    peak = {**BASE, "peak_concurrent_users": 5000}
    assert "peak_concurrent_users" not in apply_changes(peak, set={"peak_multiplier": 4})
