"""Invariants that must hold for every scenario, checked with hypothesis.

- more users never means less capacity or cost;
- every output number is finite and non-negative;
- any JSON object either plans or fails validation with exit code 2 (never a crash).
"""
from __future__ import annotations

import json
import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.cli import main
from forecasting import ScenarioError, plan

API_MODELS = ["gpt-5-mini", "gpt-4o-mini", "claude-sonnet-4-6", "claude-haiku-4-5", "gemini-2.5-flash", "deepseek-chat"]

scenarios = st.fixed_dictionaries(
    {
        "app_type": st.sampled_from(["chatbot", "agent"]),
        "registered_users": st.integers(1, 50_000_000),
        "concurrent_share": st.floats(1e-5, 0.5),
        "peak_multiplier": st.floats(1.0, 5.0),
        "safety_margin": st.floats(0.0, 1.0),
        "monthly_growth_rate": st.floats(-0.2, 0.5),
        "horizon_months": st.integers(0, 36),
        "model": st.sampled_from(API_MODELS),
        "vector_chunks": st.integers(0, 10_000_000),
    }
)


def to_scenario(d: dict) -> dict:
    return {
        "app_type": d["app_type"], "registered_users": d["registered_users"],
        "concurrent_users": max(d["registered_users"] * d["concurrent_share"], 0.01),
        "peak_multiplier": d["peak_multiplier"], "safety_margin": d["safety_margin"],
        "monthly_growth_rate": d["monthly_growth_rate"], "horizon_months": d["horizon_months"],
        "llm": {"model": d["model"]}, "data": {"vector_chunks": d["vector_chunks"]},
    }


def numbers(obj, path=""):
    if isinstance(obj, bool):
        return
    if isinstance(obj, (int, float)):
        yield path, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from numbers(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from numbers(v, f"{path}[{i}]")


def capacity(p) -> dict[str, float]:
    out = {
        # the instance search may pick a larger type for a larger load, so counts can drop while capacity needed grows
        "app_vcpu": p.compute.app.vcpu_required, "app_memory": p.compute.app.memory_gib_required,
        "workers_memory": p.compute.workers.memory_gib_required if p.compute.workers else 0,
        "db_gb": p.storage.database.storage_gb, "cache_gb": p.storage.cache.memory_gb, "iops": p.storage.database.write_iops_peak,
        "egress": p.network.egress_gb_per_month, "cost": p.cost.monthly_usd, "llm_cost": p.llm.monthly_usd,
        "calls": p.load.llm_calls_per_second, "tpm": p.load.input_tokens_per_minute,
        "horizon_cost": p.timeline[-1].monthly_usd,
    }
    if p.llm.api:
        out["rpm"] = p.llm.api.required_rpm
        out["req_tpm"] = p.llm.api.required_tpm
    return out


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios, st.floats(1.0, 20.0))
def test_more_users_never_means_less_capacity_or_cost(d, k):
    base = to_scenario(d)
    bigger = dict(base, registered_users=int(math.ceil(base["registered_users"] * k)),
                  concurrent_users=base["concurrent_users"] * k)
    a, b = capacity(plan(base)), capacity(plan(bigger))
    for key in a:
        assert b[key] >= a[key] * (1 - 1e-9), (key, a[key], b[key])


@settings(max_examples=120, deadline=None)
@given(scenarios)
def test_outputs_are_finite_and_non_negative(d):
    doc = plan(to_scenario(d)).model_dump(mode="json")
    json.dumps(doc, allow_nan=False)
    for path, value in numbers({k: v for k, v in doc.items() if k not in ("inputs", "scale_events")}):
        assert math.isfinite(value), path
        assert value >= 0, (path, value)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**16) | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=8,
)
field_names = st.sampled_from(["app_type", "registered_users", "concurrent_users", "peak_concurrent_users", "peak_multiplier",
                               "safety_margin", "monthly_growth_rate", "horizon_months", "llm", "workload", "data", "app", "name"])
plausible = st.fixed_dictionaries({
    "app_type": st.sampled_from(["chatbot", "agent", "bot", 3]),
    "registered_users": st.one_of(st.integers(-5, 10**11), st.floats(allow_nan=True, allow_infinity=True)),
}, optional={
    "concurrent_users": st.one_of(st.integers(-5, 10**6), st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=4)),
    "peak_concurrent_users": st.integers(0, 10**6),
    "monthly_growth_rate": st.floats(-3, 3),
    "horizon_months": st.integers(-3, 100),
    "llm": st.fixed_dictionaries({}, optional={"deployment": st.sampled_from(["api", "self_hosted", "cloud"]),
                                               "model": st.sampled_from(["gpt-5-mini", "llama-3.1-8b", "nope", ""]),
                                               "gpu": st.sampled_from(["l40s", "h100-sxm", "tpu"])}),
    "workload": st.dictionaries(st.sampled_from(["output_tokens", "prompt_tokens", "think_time_s", "llm_calls_per_message"]),
                                st.one_of(st.integers(-10, 10**7), st.floats(allow_nan=False, allow_infinity=False)), max_size=2),
})
any_object = st.one_of(plausible, st.dictionaries(field_names, json_values, max_size=5), json_values)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(any_object)
def test_any_json_plans_or_fails_validation_with_exit_2(tmp_path_factory, capsys, obj):
    try:
        text = json.dumps(obj)  # NaN/Infinity become the NaN/Infinity tokens the CLI must reject
    except (TypeError, ValueError):
        return
    path = tmp_path_factory.mktemp("s") / "s.json"
    path.write_text(text)
    code = main(["plan", str(path), "--format", "json"])
    out, err = capsys.readouterr()
    assert code in (0, 2), err
    if code == 0:
        json.loads(out, parse_constant=lambda c: (_ for _ in ()).throw(AssertionError(c)))
    else:
        assert out == "" and err.strip() and "Traceback" not in err
    # the library agrees with the command line
    try:
        plan(json.loads(text))
        assert code == 0
    except ScenarioError:
        assert code == 2


@settings(max_examples=60, deadline=None)
@given(st.integers(100, 5_000_000), st.floats(1e-4, 0.2), st.floats(1.0, 10.0),
       st.sampled_from([("llama-3.1-8b", "l40s"), ("llama-3.1-70b", "h100-sxm"), ("mixtral-8x7b", "a100-80gb"), ("llama-3.1-8b", "a10g")]),
       st.sampled_from(["chatbot", "agent"]))
def test_self_hosted_gpus_never_shrink_with_more_users(users, share, k, model_gpu, app_type):
    model, gpu = model_gpu
    base = {"app_type": app_type, "registered_users": users, "concurrent_users": max(users * share, 0.01),
            "llm": {"deployment": "self_hosted", "model": model, "gpu": gpu}}
    bigger = dict(base, registered_users=int(math.ceil(users * k)), concurrent_users=base["concurrent_users"] * k)
    a, b = plan(base), plan(bigger)
    assert b.llm.self_hosted.gpus >= a.llm.self_hosted.gpus
    assert b.llm.monthly_usd >= a.llm.monthly_usd
    assert b.cost.monthly_usd >= a.cost.monthly_usd * (1 - 1e-9)
    assert a.llm.self_hosted.replicas >= 1 and math.isfinite(b.cost.monthly_usd)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios, st.floats(1.0, 20.0), st.sampled_from(["on_demand", "reserved_1y", "reserved_3y", "spot"]))
def test_autoscaling_bounds_and_costs_hold_at_every_hour(d, k, option):
    """min <= max; autoscaled <= always-on; more users never means fewer replicas at any hour of the curve."""
    base = {**to_scenario(d), "pricing": option}
    bigger = dict(base, registered_users=int(math.ceil(base["registered_users"] * k)), concurrent_users=base["concurrent_users"] * k)
    a, b = plan(base), plan(bigger)
    for p in (a, b):
        auto = p.compute.autoscaling
        assert auto.min_replicas <= auto.max_replicas == max(auto.hourly_replicas)
        assert auto.autoscaled_monthly_usd <= auto.always_on_monthly_usd * (1 + 1e-9)
        if auto.workers_min_replicas is not None:
            assert auto.workers_min_replicas <= auto.workers_max_replicas
    assert b.compute.autoscaling.autoscaled_monthly_usd >= a.compute.autoscaling.autoscaled_monthly_usd * (1 - 1e-9)
    assert b.compute.app.vcpu_required >= a.compute.app.vcpu_required * (1 - 1e-9)
    if a.compute.app.instance_type == b.compute.app.instance_type:  # same shape: never fewer replicas at any hour
        assert all(y >= x for x, y in zip(a.compute.autoscaling.hourly_replicas, b.compute.autoscaling.hourly_replicas))
