"""Every explanation agrees with the figure it explains, over varied scenarios (issue 16, move 3).

An explanation whose key names a number of the plan JSON and that ends in a derivation ("... = 26.3
messages/s") must show that number after its final "=", as `vocabulary.number_text` (or a "$" format)
rounds it. A derivation with no "=" (a given value, a catalog price) must still contain the number.
The texts are built in the same function as the arithmetic (forecasting/derivation.py), so this test
fails when a text is written from a different variable, a different formula, or a stale copy.
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecasting import ScenarioError, plan
from forecasting.vocabulary import number_text

NUMBER = re.compile(r"(?<![\w.])\$?(-?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?)(%?)")

# Keys whose text states the figure elsewhere than after its final "=": the text is shared with (or
# followed by) a second derivation. Value: the pattern whose first group is the figure.
STATED_AT = {
    "compute.app.instances": r"= (\d[\d,]*) x \S+; limited by",  # "... at least 2 = 2 x m7g.large; limited by cpu. CPU need: ..."
    "compute.workers.instances": r"= (\d[\d,]*) x \S+; limited by",
    "compute.workers.vcpu_required": r"= (\S+) vCPU;",  # the workers' instances text: "... CPU need: ... = 4.08 vCPU; memory: ..."
    "llm.self_hosted.replicas": r"\) = (\d[\d,]*); GPUs",  # "replicas = ceil(...) = 21; GPUs = 21 x 2 = 42 at the peak hour ..."
}
# Keys whose text explains the figure without stating it as a result; each with why.
NOT_A_RESULT = {
    "compute.app.runner_up_usd_per_hour": "the runner-up's choice text (count x type, limit); its price is in compute.app.runner_up",
    "compute.autoscaling.scale_out_cpu_utilization": "states the rule (target + step, capped), app_tier.scale_out_text",
    "compute.autoscaling.autoscaled_monthly_usd": "one '$ (basis)' per tier; the figure is their sum (checked below)",
    "compute.autoscaling.always_on_monthly_usd": "one '= $' per tier; the figure is their sum (checked below)",
    "llm.self_hosted.sequences_per_replica_at_slo": "the estimator's bound, stated with the latency targets",
    "llm.self_hosted.autoscaling.scale_out_sequences_per_replica": "the shared signal text (autoscale.gpu_signal basis)",
    "llm.self_hosted.autoscaling.scale_out_num_requests_waiting": "the shared signal text (autoscale.gpu_signal basis)",
    "llm.self_hosted.autoscaling.scale_out_kv_cache_usage_perc": "the shared signal text (autoscale.gpu_signal basis)",
    "llm.self_hosted.autoscaling.autoscaled_monthly_usd": "the GPU tier's cost basis (autoscale.tier_cost)",
    "llm.self_hosted.autoscaling.always_on_monthly_usd": "the GPU tier's cost basis (autoscale.tier_cost)",
    "storage.database.read_replicas": "the database choice text (database.choose_db basis)",
    "llm.self_hosted.usd_per_gpu_hour": "'$X/h / N GPUs (source)': the instance price and its GPUs, the quotient not shown",
    "llm.self_hosted.gpus_per_replica": "'GPUs per replica = tensor parallel degree': a rule, the number is the degree",
}


def _figure(p: dict[str, Any], path: str) -> float | None:
    cur: Any = p
    for part in path.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return float(cur) if isinstance(cur, (int, float)) and not isinstance(cur, bool) else None


def _shown(token: str, percent: str) -> tuple[float, float]:
    """(value, half of its last shown digit): the rounding a shown number allows."""
    digits = token.replace(",", "")
    value = float(digits)
    decimals = len(digits.split(".")[1]) if "." in digits and "e" not in digits else 0
    if "e" in digits:  # '%.2g' of a tiny value: two significant digits
        half = abs(value) * 0.05
    else:
        half = 0.5 * 10 ** -decimals
    return (value / 100, half / 100) if percent else (value, half)


def _agrees(text_after: str, figure: float) -> bool:
    m = NUMBER.search(text_after)
    if m is None:
        return False
    value, half = _shown(m.group(1), m.group(2))
    return abs(value - figure) <= half * (1 + 1e-9) + 1e-9 * abs(figure)


def disagreements(p: dict[str, Any]) -> list[str]:
    out = []
    for key, text in p["explanations"].items():
        figure = _figure(p, key)
        if figure is None or key in NOT_A_RESULT:
            continue
        if "=" in text:
            stated = re.search(STATED_AT[key], text) if key in STATED_AT else None
            after = stated.group(1) if stated else text.rsplit("=", 1)[1]
            if not _agrees(after, figure):
                out.append(f"{key}: figure {figure!r} ({number_text(figure)}), text: {text}")
        elif not any(_agrees(text[m.start():], figure) for m in NUMBER.finditer(text)):
            out.append(f"{key}: figure {figure!r} ({number_text(figure)}) not in: {text}")
    auto = p["compute"]["autoscaling"]
    for key, pattern in (("always_on_monthly_usd", r"= \$([\d,]+\.\d\d)"), ("autoscaled_monthly_usd", r"(?:^| \+ )\$([\d,]+\.\d\d) \(")):
        parts = [float(x.replace(",", "")) for x in re.findall(pattern, p["explanations"][f"compute.autoscaling.{key}"])]
        if not parts or abs(sum(parts) - auto[key]) > 0.005 * len(parts) + 1e-9 * auto[key]:
            out.append(f"compute.autoscaling.{key}: figure {auto[key]!r}, parts {parts}")
    return out


API_MODELS = ["gpt-5-mini", "gpt-4o-mini", "claude-sonnet-4-6", "claude-haiku-4-5", "gemini-2.5-flash", "deepseek-chat"]
SELF_HOSTED = [("llama-3.1-70b", "h100-sxm", "fp8"), ("llama-3.1-8b", "l40s", None), ("llama-3.1-8b", "a100-80gb", None)]

load_sources = st.one_of(
    st.builds(lambda share: {"concurrent_users_share": share}, st.floats(1e-4, 0.05)),
    st.builds(lambda share, peak: {"concurrent_users_share": share, "peak_x": peak}, st.floats(1e-4, 0.05), st.floats(1.0, 4.0)),
    st.builds(lambda share: {"daily_active_users_share": share}, st.floats(0.01, 0.5)),
    st.builds(lambda share: {"monthly_active_users_share": share}, st.floats(0.05, 1.0)),
    st.builds(lambda per_user: {"monthly_conversations_per_user": per_user}, st.floats(0.1, 20.0)),
    st.builds(lambda calls, inp: {"measured": {"llm_calls_per_second": calls, **({"input_tokens_per_call": inp} if inp else {})}},
              st.floats(0.5, 200.0), st.one_of(st.none(), st.integers(200, 20_000))),
)

scenarios = st.fixed_dictionaries({
    "app_type": st.sampled_from(["chatbot", "agent"]),
    "registered_users": st.integers(1_000, 5_000_000),
    "load": load_sources,
    "peak_multiplier": st.floats(1.0, 4.0),
    "safety_margin": st.floats(0.0, 0.8),
    "monthly_growth_rate": st.floats(-0.1, 0.4),
    "horizon_months": st.integers(0, 24),
    "llm": st.one_of(st.sampled_from(API_MODELS).map(lambda m: {"model": m}),
                     st.sampled_from(SELF_HOSTED).map(lambda x: {"deployment": "self_hosted", "model": x[0], "gpu": x[1],
                                                                  **({"precision": x[2]} if x[2] else {})})),
    "workload": st.fixed_dictionaries({}, optional={
        "output_tokens": st.integers(50, 1500), "messages_per_session": st.integers(1, 30),
        "retrieved_context_tokens": st.integers(0, 4000), "llm_calls_per_message": st.integers(1, 12)}),
    "data": st.fixed_dictionaries({}, optional={
        "vector_chunks": st.integers(0, 5_000_000), "retention_days": st.integers(1, 730),
        "existing_history_days": st.integers(0, 400), "attachment_bytes_per_message": st.integers(0, 200_000)}),
    "pricing": st.sampled_from([None, "on_demand", "reserved_1y"]),
})


def to_scenario(d: dict[str, Any]) -> dict[str, Any]:
    s: dict[str, Any] = {k: d[k] for k in ("app_type", "registered_users", "peak_multiplier", "safety_margin",
                                            "monthly_growth_rate", "horizon_months", "llm", "workload", "data")}
    if d["pricing"]:
        s["pricing"] = d["pricing"]
    src, users = d["load"], d["registered_users"]
    if "concurrent_users_share" in src:
        s["concurrent_users"] = max(users * src["concurrent_users_share"], 1.0)
        if "peak_x" in src:
            s["peak_concurrent_users"] = s["concurrent_users"] * src["peak_x"]
    elif "daily_active_users_share" in src:
        s["daily_active_users"] = max(1, int(users * src["daily_active_users_share"]))
    elif "monthly_active_users_share" in src:
        s["monthly_active_users"] = max(1, int(users * src["monthly_active_users_share"]))
    elif "monthly_conversations_per_user" in src:
        s["monthly_tasks" if d["app_type"] == "agent" else "monthly_conversations"] = users * src["monthly_conversations_per_user"]
    else:
        s["measured"] = src["measured"]
    return s


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(scenarios)
def test_every_explanation_shows_the_figure_it_explains(d):
    try:
        p = plan(to_scenario(d)).model_dump(mode="json")
    except ScenarioError:  # e.g. a model that does not fit the GPU, a prompt past the context window
        return
    assert disagreements(p) == []


@pytest.mark.parametrize("example", ["support-chatbot", "selfhosted-chatbot", "travel-agent", "internal-bot"])
def test_examples_explanations_show_their_figures(example):
    import json
    from pathlib import Path

    p = plan(json.loads((Path(__file__).resolve().parents[1] / "examples" / f"{example}.json").read_text()))
    dumped = p.model_dump(mode="json")
    assert disagreements(dumped) == []
    checked = [k for k in dumped["explanations"] if _figure(dumped, k) is not None and k not in NOT_A_RESULT]
    assert len(checked) > 40  # the check covers the plan, not a handful of keys


def test_a_wrong_figure_is_caught():
    """The check itself can fail: a figure that is not the one shown is reported."""
    p = plan({"app_type": "chatbot", "registered_users": 100_000, "concurrent_users": 500, "llm": {"model": "gpt-5-mini"}})
    dumped = p.model_dump(mode="json")
    dumped["load"]["llm_calls_per_second"] *= 1.02
    dumped["storage"]["database"]["storage_gb"] += 1.0
    found = disagreements(dumped)
    assert [x.split(":")[0] for x in found] == ["load.llm_calls_per_second", "storage.database.storage_gb"]
