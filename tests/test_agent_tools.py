"""The tool registry: schemas, validation errors as results, what-if arithmetic, compact results."""
from __future__ import annotations

import json

import pytest

from agent.session import Session
from agent.tools import ToolRegistry, key_figures

BASE = {"app_type": "chatbot", "registered_users": 200_000, "concurrent_users": 3_000, "monthly_growth_rate": 0.08}


@pytest.fixture(scope="module")
def registry() -> ToolRegistry:
    return ToolRegistry()


@pytest.fixture
def session(registry: ToolRegistry) -> Session:
    s = Session()
    assert registry.call("forecast", json.dumps(BASE), s).ok
    return s


def tokens(text: str) -> float:
    return len(text) / 4


def test_schemas_are_chat_completions_functions(registry: ToolRegistry) -> None:
    schemas = registry.schemas()
    names = [s["function"]["name"] for s in schemas]
    assert names == ["forecast", "what_if", "compare", "explain", "assumptions", "adopt", "show_plan",
                     "serving_options", "usage_calibrate", "usage_compare", "how_sure", "what_matters_most"]
    for s in schemas:
        assert s["type"] == "function"
        params = s["function"]["parameters"]
        assert params["type"] == "object" and "properties" in params
        assert "title" not in params
    forecast = schemas[0]["function"]["parameters"]
    assert set(forecast["required"]) == {"app_type", "registered_users"}
    assert forecast["properties"]["app_type"]["enum"] == ["chatbot", "agent"]
    assert "anyOf" not in json.dumps(forecast["properties"]["concurrent_users"])


def test_forecast_result_is_compact_and_has_key_figures(session: Session, registry: ToolRegistry) -> None:
    result = registry.call("show_plan", "{}", session)
    body = json.loads(result.content)
    assert result.ok and result.display == "summary" and result.names == ["baseline"]
    assert body["scenario"] == "baseline"
    figures = body["figures"]
    assert figures["load.peak_concurrent_users"] == 4500
    assert figures["llm.deployment"] == "api"
    assert figures["cost.monthly_usd"] > 0
    assert "peak_multiplier=1.5" in body["defaults_used"]
    assert tokens(result.content) < 1500
    rec = session.scenarios["baseline"]
    assert rec.inputs == BASE | {"concurrent_users": 3000.0}
    assert rec.plan["inputs"]["registered_users"] == 200_000


def test_what_if_scale_users_doubles_users_and_compares(session: Session, registry: ToolRegistry) -> None:
    result = registry.call("what_if", '{"scale_users": 2, "name": "double"}', session)
    assert result.ok, result.content
    assert result.display == "compare" and result.names == ["baseline", "double"]
    rec = session.scenarios["double"]
    assert rec.kind == "what_if" and rec.base == "baseline"
    assert rec.inputs["registered_users"] == 400_000 and rec.inputs["concurrent_users"] == 6000
    body = json.loads(result.content)
    assert body["versus_base"]["load.peak_concurrent_users"].startswith("4500 -> 9000")
    assert list(session.scenarios) == ["baseline", "double"]
    assert session.final == "baseline"  # a what-if is not final until adopted


def test_what_if_set_and_multiply_defaults(session: Session, registry: ToolRegistry) -> None:
    r = registry.call("what_if", json.dumps({"set": {"monthly_growth_rate": 0.03, "horizon_months": 6},
                                             "multiply": {"workload.output_tokens": 2}}), session)
    assert r.ok, r.content
    rec = session.scenarios["what-if 1"]
    assert rec.inputs["monthly_growth_rate"] == 0.03 and rec.inputs["horizon_months"] == 6
    base_out = session.scenarios["baseline"].plan["inputs"]["workload"]["output_tokens"]
    assert rec.inputs["workload"]["output_tokens"] == base_out * 2  # multiplied the default
    assert len(rec.plan["timeline"]) == 7


def test_what_if_self_hosted(session: Session, registry: ToolRegistry) -> None:
    r = registry.call("what_if", '{"set": {"llm.deployment": "self_hosted", "llm.gpu": "h100-sxm"}, "name": "own GPUs"}',
                      session)
    assert r.ok, r.content
    figs = key_figures(session.scenarios["own GPUs"].plan)
    assert figs["llm.self_hosted.gpus"] >= 1
    why = registry.call("explain", '{"metric": "why so many GPUs", "name": "own gpus"}', session)
    assert why.ok and "llm.self_hosted.replicas" in why.content


@pytest.mark.parametrize("name, args, expected", [
    ("nope", "{}", 'tool "nope" does not exist'),
    ("forecast", '{"app_type": "chatbot", ', "not valid JSON"),
    ("forecast", "[1, 2]", "must be a JSON object"),
    ("forecast", '{"app_type": "robot", "registered_users": 5}', "app_type"),
    ("forecast", '{"app_type": "chatbot"}', "registered_users"),
    ("forecast", '{"app_type": "chatbot", "registered_users": 100, "concurrent_users": NaN}', "not valid JSON"),
    ("forecast", '{"app_type": "chatbot", "registered_users": -5, "concurrent_users": 3}', "registered_users"),
    ("forecast", '{"app_type": "chatbot", "registered_users": 100}', "concurrent_users"),
    ("forecast", '{"app_type": "chatbot", "registered_users": 100, "concurrent_users": 5000}', "cannot exceed"),
    ("forecast", '{"app_type": "chatbot", "registered_users": 9, "concurrent_users": 1, "model": "no-such-model"}', "llm.model"),
    ("forecast", '{"app_type": "chatbot", "registered_users": 9, "concurrent_users": 1, "other": {"data.bogus": 1}}', "bogus"),
    ("forecast", '{"app_type": "chatbot", "registered_users": 9, "concurrent_users": 1, "colour": "red"}', "unknown argument"),
    ("what_if", '{"base": "nowhere", "scale_users": 2}', 'no scenario named "nowhere"'),
    ("what_if", "{}", "at least one change"),
    ("what_if", '{"multiply": {"llm.model": 2}}', "no numeric value"),
    ("explain", '{"metric": "zzz"}', 'no figure called "zzz"'),
    ("adopt", '{"name": "ghost"}', "ghost"),
    ("compare", '{"names": ["baseline"]}', "two scenarios"),
])
def test_bad_calls_become_error_results(session: Session, registry: ToolRegistry, name: str, args: str,
                                        expected: str) -> None:
    before = dict(session.scenarios)
    result = registry.call(name, args, session)
    assert not result.ok
    assert result.content.startswith("Error")
    assert expected in result.content
    assert session.scenarios == before


def test_no_scenario_yet(registry: ToolRegistry) -> None:
    r = registry.call("show_plan", "{}", Session())
    assert not r.ok and "call forecast first" in r.content


def test_forecast_same_name_corrects_and_replans_its_what_ifs(session: Session, registry: ToolRegistry) -> None:
    registry.call("what_if", '{"scale_users": 2}', session)
    r = registry.call("forecast", json.dumps(BASE | {"registered_users": 60_000, "name": "baseline"}), session)
    assert r.ok and "replaces the earlier scenario" in r.content
    assert json.loads(r.content)["what_ifs_replanned_from_the_correction"] == ["what-if 1"]
    assert list(session.scenarios) == ["what-if 1", "baseline"]
    assert session.scenarios["baseline"].inputs["registered_users"] == 60_000
    assert session.scenarios["what-if 1"].inputs["registered_users"] == 120_000  # re-planned from the new base


def test_forecast_without_a_name_never_replaces(session: Session, registry: ToolRegistry) -> None:
    before = session.scenarios["baseline"].plan
    assert registry.call("forecast", json.dumps(BASE | {"registered_users": 60_000}), session).ok
    assert list(session.scenarios) == ["baseline", "baseline-2"]
    assert session.scenarios["baseline"].plan is before


def test_adopt_compare_assumptions(session: Session, registry: ToolRegistry) -> None:
    registry.call("what_if", '{"scale_users": 2, "name": "double"}', session)
    r = registry.call("adopt", '{"name": "Double"}', session)
    assert r.ok and session.final == "double"
    c = registry.call("compare", "{}", session)
    body = json.loads(c.content)
    assert body["reference"] == "baseline" and set(body["scenarios"]) == {"baseline", "double"}
    a = registry.call("assumptions", '{"name": "baseline"}', session)
    body = json.loads(a.content)
    assert "registered_users" in body["given_by_person"]
    assert any(line.startswith("peak_multiplier = 1.5") for line in body["defaults"])
    assert tokens(a.content) < 1500


def test_agent_forecast_with_other_fields(registry: ToolRegistry) -> None:
    s = Session()
    r = registry.call("forecast", json.dumps({"name": "ops agent", "app_type": "agent", "registered_users": 5000,
                                              "peak_concurrent_users": 200,
                                              "other": {"workload.llm_calls_per_message": 8}}), s)
    assert r.ok, r.content
    assert s.scenarios["ops agent"].inputs["workload"]["llm_calls_per_message"] == 8
    assert tokens(r.content) < 1500


def test_what_if_switching_deployment_drops_the_other_kind_of_model(registry: ToolRegistry) -> None:
    s = Session()
    assert registry.call("forecast", json.dumps(BASE | {"model": "gpt-5-mini"}), s).ok
    r = registry.call("what_if", '{"set": {"llm.deployment": "self_hosted"}, "name": "own"}', s)
    assert r.ok, r.content
    assert s.scenarios["own"].plan["llm"]["deployment"] == "self_hosted"
    assert "model" not in s.scenarios["own"].inputs["llm"]
