"""`capplan options`: ranked ways to serve a scenario, and the month self-hosting starts to pay (issue 13)."""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecasting import planner
from forecasting.options import BEYOND_MAX, Candidate, _break_even, parse_candidates, serving_options
from forecasting.errors import ScenarioError
from forecasting.validate import parse_scenario

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
GROWTH = {"name": "growth", "app_type": "chatbot", "registered_users": 20000, "concurrent_users": 100,
          "monthly_growth_rate": 0.12, "horizon_months": 36, "llm": {"model": "gpt-5-mini"}}
SMALL = [{"deployment": "api", "model": "gpt-5-mini"},
         {"deployment": "self_hosted", "model": "llama-3.1-8b", "gpu": "l4", "precision": "fp8", "pricing": "on_demand"},
         {"deployment": "self_hosted", "model": "llama-3.1-70b", "gpu": "h100-sxm", "precision": "fp8"},
         {"deployment": "self_hosted", "model": "llama-3.1-405b", "gpu": "l4"},
         {"deployment": "self_hosted", "model": "nope-9b", "gpu": "l4"}]


def _path(cost: Any, growth: float = 0.10, horizon: int = 24, calls_per_scale: float = 1e6) -> planner.OptionPath:
    """A serving path whose monthly cost is `cost(scale)`: a hand-computable stand-in for the planner."""
    def at(k: float, month: int | None = None) -> planner.ServingMonth:
        return planner.ServingMonth(month, k, cost(k), calls_per_scale * k, 0)
    scales = tuple((1 + growth) ** m for m in range(horizon + 1))
    return planner.OptionPath(
        gpu_pricing="on_demand", first=at(1.0, 0), last=at(scales[-1], horizon), scales=scales, at=at,
        total_usd=cost(1.0), total_usd_at_horizon=cost(scales[-1]), api_tier=None, tier_checked=False, tier_note="",
        meets_slo=True, bound="", precision="fp8", tensor_parallel=1, gpu_instance="x", gpus=1, replicas=1,
        gpu_utilization=0.5, itl_ms=20.0, ttft_ms=100.0, input_tokens_per_call=1000.0, output_tokens_per_call=200.0,
        app_instance_type="m7i.large", worker_instance_type=None)


# --- break-even, exact on hand-computed cost lines ----------------------------------------------------------------
def test_break_even_month_where_the_cost_lines_cross() -> None:
    # API 1,000 k USD, own GPUs 5,000 + 200 k USD at load k = 1.1^month: equal at k = 6.25;
    # 1.1^19 = 6.116 < 6.25 <= 1.1^20 = 6.727, so month 20, at 20 x ... 6.727e6 calls.
    api, own = _path(lambda k: 1000 * k), _path(lambda k: 5000 + 200 * k)
    be = _break_even(own, api, 0.0, "gpt-x")
    assert be.month == 20
    assert be.monthly_requests == pytest.approx(1e6 * 1.1 ** 20)
    assert "from month 20" in be.note


def test_overhead_moves_the_break_even_later() -> None:
    # + 1,000 USD/month operations: 6,000 + 200 k <= 1,000 k from k = 7.5; 1.1^21 = 7.40, 1.1^22 = 8.14 -> month 22
    api, own = _path(lambda k: 1000 * k), _path(lambda k: 5000 + 200 * k)
    assert _break_even(own, api, 1000.0, "gpt-x").month == 22


def test_cheaper_from_the_start_is_month_zero() -> None:
    be = _break_even(_path(lambda k: 100 + 10 * k), _path(lambda k: 1000 * k), 0.0, "gpt-x")
    assert be.month == 0 and "from the start" in be.note


def test_break_even_past_the_horizon_gives_the_volume() -> None:
    # 50,000 + 100 k <= 1,000 k from k = 55.56, past 1.1^24 = 9.85: the volume at the crossing, to bisection precision
    be = _break_even(_path(lambda k: 50_000 + 100 * k), _path(lambda k: 1000 * k), 0.0, "gpt-x")
    assert be.month is None
    assert be.monthly_requests == pytest.approx(1e6 * 50_000 / 900, rel=0.01)  # 8 halvings of a decade: within 0.9%
    assert "not within the horizon" in be.note


def test_never_when_the_api_is_cheaper_per_call() -> None:
    be = _break_even(_path(lambda k: 200 + 1100 * k), _path(lambda k: 1000 * k), 0.0, "gpt-x")
    assert be.month is None and be.monthly_requests is None
    assert f"{BEYOND_MAX:,.0f}x" in be.note


def test_unpriced_gpus_never_break_even() -> None:
    be = _break_even(_path(lambda k: None), _path(lambda k: 1000 * k), 0.0, "gpt-x")
    assert be.month is None and be.monthly_requests is None


# --- options are plans: their figures are what `capplan plan` gives for that scenario ------------------------------
def _llm_cost(row: dict[str, Any]) -> float:
    return sum(v for k, v in row["cost_by_component_usd"].items() if k.startswith(("LLM API", "GPU instances")))


def test_costs_and_break_even_agree_with_plan_timelines() -> None:
    result = serving_options(GROWTH, candidates=parse_candidates(SMALL))
    by = {(o.model, o.gpu): o for o in result.options}
    api_plan = planner.plan(GROWTH).model_dump(mode="json")
    # options keep the reference plan's app instance type for every option (docs/options.md): pin it the same way
    pin = {"instance_type": api_plan["compute"]["app"]["instance_type"]}
    own_inputs = {**GROWTH, "app": pin, "llm": {"deployment": "self_hosted", "model": "llama-3.1-8b", "gpu": "l4", "precision": "fp8"}}
    own_plan = planner.plan(own_inputs).model_dump(mode="json")
    api_opt, own_opt = by[("gpt-5-mini", None)], by[("llama-3.1-8b", "l4")]
    assert api_opt.monthly_usd == pytest.approx(api_plan["cost"]["monthly_usd"], rel=1e-9)
    assert own_opt.monthly_usd == pytest.approx(own_plan["cost"]["monthly_usd"], rel=1e-9)
    assert own_opt.monthly_usd_at_horizon == pytest.approx(own_plan["timeline"][-1]["monthly_usd"], rel=1e-9)
    assert own_opt.gpus == own_plan["llm"]["self_hosted"]["gpus"]
    # independent: the first month whose GPU cost is at or below the API bill, read off the two plans' timelines
    crossing = next(m for m, (a, o) in enumerate(zip(api_plan["timeline"], own_plan["timeline"])) if _llm_cost(o) <= _llm_cost(a))
    assert own_opt.break_even is not None and own_opt.break_even.month == crossing
    assert 0 < crossing < 36


def test_options_that_cannot_serve_are_listed_with_the_reason() -> None:
    result = serving_options(GROWTH, candidates=parse_candidates(SMALL))
    by = {(o.model, o.gpu): o for o in result.options}
    too_big, unknown = by[("llama-3.1-405b", "l4")], by[("nope-9b", "l4")]
    assert not too_big.serves and "GiB of weights" in (too_big.reason or "")
    assert not unknown.serves and "unknown model" in (unknown.reason or "")
    assert [o.rank for o in result.options] == [1, 2, 3, 4, 5]
    assert result.options[-1].serves is False and result.options[-2].serves is False


def test_no_tier_covers_is_a_reason_not_a_drop() -> None:
    big = {**GROWTH, "registered_users": 2_000_000, "concurrent_users": 40_000}
    result = serving_options(big, candidates=parse_candidates(SMALL[:1]))
    (api,) = result.options
    assert not api.serves and "no published rate-limit tier" in (api.reason or "")


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_default_set_ranks_slo_meeting_options_first(example: Path) -> None:
    result = serving_options(json.loads(example.read_text()))
    order = [0 if o.serves and o.meets_slo else 1 if o.serves else 2 for o in result.options]
    assert order == sorted(order)
    ok = [o.monthly_usd for o in result.options if o.serves and o.meets_slo]
    assert ok == sorted(ok) and len(ok) > 10
    assert any(o.deployment == "api" and o.model == result.reference_model for o in result.options)
    assert {o.pricing for o in result.options if o.deployment == "self_hosted"} == {"on_demand", "reserved_1y"}
    assert all(o.explanations.get("monthly_usd") for o in result.options if o.serves)
    assert any(a.name == "options.self_hosting_overhead_usd" for a in result.assumptions)


def test_reserved_gpus_cost_less_than_on_demand_for_the_same_option() -> None:
    result = serving_options(GROWTH)
    pairs: dict[tuple[Any, ...], dict[str, float]] = {}
    for o in result.options:
        if o.deployment == "self_hosted" and o.monthly_usd is not None:
            pairs.setdefault((o.model, o.gpu, o.precision), {})[o.pricing] = o.monthly_usd
    both = [p for p in pairs.values() if len(p) == 2]
    assert both and all(p["reserved_1y"] <= p["on_demand"] for p in both)
    assert any(p["reserved_1y"] < p["on_demand"] for p in both)


# --- properties ------------------------------------------------------------------------------------------------
_OWN = [("llama-3.1-8b", "l4", "fp8"), ("qwen2.5-7b", "l40s", "fp8"), ("llama-3.1-70b", "h100-sxm", "fp8"), ("mistral-7b", "a10g", "bf16")]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(users=st.integers(5, 20_000), pick=st.sampled_from(_OWN), k=st.sampled_from([2, 3, 4]))
def test_more_load_never_makes_the_api_relatively_cheaper(users: int, pick: tuple[str, str, str], k: int) -> None:
    """At k times the load (k whole), the GPUs cost at most k times as much (replicas and instances are
    ceilings of a k-times-larger need) while the API bill is k times as much: the ratio can only grow."""
    base = {"app_type": "chatbot", "registered_users": users * 20, "concurrent_users": users, "horizon_months": 1}
    model, gpu, precision = pick
    own = planner.option_paths(parse_scenario({**base, "llm": {"deployment": "self_hosted", "model": model, "gpu": gpu,
                                                               "precision": precision}}), planner.catalog_for("aws-us-east-1", None),
                               None, ("on_demand",))[0]
    api = planner.option_paths(parse_scenario(base), planner.catalog_for("aws-us-east-1", None), None, ("on_demand",))[0]
    if not own.meets_slo or own.first.llm_usd is None:
        return
    lo_own, hi_own = own.at(1.0, None).llm_usd, own.at(float(k), None).llm_usd
    lo_api, hi_api = api.at(1.0, None).llm_usd, api.at(float(k), None).llm_usd
    assert lo_own and hi_own and lo_api and hi_api
    assert hi_api / hi_own >= lo_api / lo_own * (1 - 1e-9)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(users=st.integers(5, 50_000), cands=st.lists(st.sampled_from(SMALL + [
    {"deployment": "self_hosted", "model": "llama-3.1-70b", "gpu": "l4", "precision": "fp8"},
    {"deployment": "api", "model": "claude-haiku-4-5"}]), min_size=1, max_size=5))
def test_options_that_miss_the_targets_never_rank_above_those_that_meet_them(users: int, cands: list[dict[str, Any]]) -> None:
    s = {"app_type": "chatbot", "registered_users": users * 20, "concurrent_users": users, "horizon_months": 6}
    result = serving_options(s, candidates=parse_candidates(cands))
    seen_failure = False
    for o in result.options:
        good = o.serves and o.meets_slo
        assert not (good and seen_failure)
        seen_failure = seen_failure or not good
        assert all(math.isfinite(x) and x >= 0 for x in (o.monthly_usd or 0.0, o.monthly_usd_at_horizon or 0.0))


# --- candidates files and the command line ------------------------------------------------------------------------
@pytest.mark.parametrize("doc, field", [
    ([{"deployment": "self_hosted", "model": "llama-3.1-8b"}], "candidates.0.gpu"),
    ([{"deployment": "api", "model": "gpt-5-mini", "gpu": "h100-sxm"}], "candidates.0"),
    ([{"deployment": "cloud", "model": "x"}], "candidates.0.deployment"),
    ([{"deployment": "api", "model": "gpt-5-mini", "colour": "red"}], "candidates.0.colour"),
    ({"candidates": []}, "candidates"),
    ({"candidates": [{"deployment": "api", "model": "gpt-5-mini"}], "self_hosting_overhead_usd": -5}, "self_hosting_overhead_usd"),
    ("just text", "--candidates"),
])
def test_bad_candidates_name_the_field(doc: Any, field: str) -> None:
    with pytest.raises(ScenarioError) as err:
        parse_candidates(doc)
    assert any(field in p for p in err.value.problems)


def _cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "agent.cli", "options", *args], capture_output=True, text=True, cwd=ROOT,
                          input=stdin, timeout=120)


def test_cli_json_and_table(tmp_path: Path) -> None:
    cands = tmp_path / "c.json"
    cands.write_text(json.dumps({"candidates": SMALL[:3], "self_hosting_overhead_usd": 500}))
    scen = tmp_path / "s.json"
    scen.write_text(json.dumps(GROWTH))
    out = _cli(str(scen), "--candidates", str(cands), "--format", "json")
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["self_hosting_overhead_usd"] == 500 and doc["candidates_considered"] == 3
    first = doc["options"][0]
    for key in ("deployment", "model", "gpu", "precision", "pricing", "meets_slo", "monthly_usd", "monthly_usd_at_horizon",
                "reason", "break_even", "explanations"):
        assert key in first
    own = next(o for o in doc["options"] if o["model"] == "llama-3.1-8b")
    assert own["break_even"]["against"] == "gpt-5-mini" and own["break_even"]["month"] is not None
    table = _cli(str(scen), "--candidates", str(cands))
    assert table.returncode == 0 and "llama-3.1-8b" in table.stdout and "not judged" in table.stdout


@pytest.mark.parametrize("args, message", [
    (["missing.json"], "file not found"),
    (["examples/support-chatbot.json", "--top", "0"], "--top"),
    (["examples/support-chatbot.json", "--self-hosting-overhead-usd", "-1"], "--self-hosting-overhead-usd"),
    (["examples/support-chatbot.json", "--candidates", "missing.json"], "--candidates: file not found"),
])
def test_cli_bad_input_exits_2_naming_it(args: list[str], message: str) -> None:
    out = _cli(*args)
    assert out.returncode == 2 and message in out.stderr and "Traceback" not in out.stderr


def test_cli_bad_scenario_exits_2() -> None:
    out = _cli("-", stdin=json.dumps({"app_type": "chatbot"}))
    assert out.returncode == 2 and "registered_users" in out.stderr


def test_candidate_label_names_the_model() -> None:
    c = Candidate(deployment="self_hosted", model="llama-3.1-8b", gpu="l4", precision="fp8", pricing="reserved_1y")
    assert c.label == "llama-3.1-8b on l4 fp8, reserved_1y"


# --- chat: the tool both chat paths call -------------------------------------------------------------------------
def test_serving_options_tool_answers_in_plain_words() -> None:
    from agent.session import Session
    from agent.tools import ToolRegistry

    reg, session = ToolRegistry(), Session()
    assert reg.call("forecast", json.dumps({k: v for k, v in GROWTH.items() if k not in ("name", "llm")}), session).ok
    result = reg.call("serving_options", json.dumps({"top": 2}), session)
    assert result.ok, result.content
    body = json.loads(result.content)
    from forecasting.defaults import DEFAULT_API_MODEL

    ref = str(DEFAULT_API_MODEL.value)  # GROWTH names no model: the reference is the default hosted model
    assert body["reference_hosted_model"] == ref and len(body["best"]) == 2
    assert body["cheapest_self_hosted"]["break_even"].startswith((f"cheaper than {ref}", "not within", "never"))
    assert "model quality" in body["note"]
    assert len(result.content) < 4000  # a compact summary, not the option list
    bad = reg.call("serving_options", json.dumps({"top": 0}), session)
    assert not bad.ok and "top" in bad.content
