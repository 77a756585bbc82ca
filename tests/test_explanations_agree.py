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
    tiers = 2 if p["compute"]["workers"] else 1
    for key, pattern in (("always_on_monthly_usd", r"(?:^| \+ )(?:app instances|agent workers): \d+ at the peak all day \(\$([\d,]+\.\d\d)\)"),
                         ("autoscaled_monthly_usd", r"(?:^|\) \+ )(?:app instances|agent workers) \$([\d,]+\.\d\d) \(")):
        parts = [float(x.replace(",", "")) for x in re.findall(pattern, p["explanations"][f"compute.autoscaling.{key}"])]
        if len(parts) != tiers or abs(sum(parts) - auto[key]) > 0.005 * len(parts) + 1e-9 * auto[key]:
            out.append(f"compute.autoscaling.{key}: figure {auto[key]!r}, parts {parts}")
    return out + factor_disagreements(p) + choice_disagreements(p)


def _interval(token: str) -> tuple[float, float]:
    value, half = _shown(token, "")
    return value - half, value + half


def _product_agrees(factors: list[str], divisor: float, result: str, margin_percent: str | None = None) -> bool:
    """The shown factors (each rounded as shown, and "(1 + p% margin)"), over `divisor`, give the shown result."""
    lo = hi = 1.0 / divisor
    if margin_percent is not None:
        m_lo, m_hi = _interval(margin_percent)
        lo, hi = lo * (1 + m_lo / 100), hi * (1 + m_hi / 100)
    for f in factors:
        a, b = _interval(f)
        lo, hi = lo * a, hi * b
    r_lo, r_hi = _interval(result)
    return lo <= r_hi * (1 + 1e-9) and r_lo <= hi * (1 + 1e-9)


NUM = r"(\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?)"
# "/ 1000" (ms -> s) optional here, so a text without it is reported as factors that do not give the result
APP_CPU = re.compile(rf"CPU need: \({NUM} messages/s x {NUM} ms \+ {NUM} calls/s x {NUM} ms\)( / 1000)? x \(1 \+ {NUM}% margin\) = {NUM} vCPU")
WORKER_CPU = re.compile(rf"CPU need: {NUM} LLM steps/s x \(1 \+ {NUM}% margin\) x {NUM} vCPU-ms of orchestration per step( / 1000)? \(.*?\) = {NUM} vCPU")
WORKER_RESERVED = re.compile(rf"CPU need: {NUM} tasks x {NUM} vCPU reserved per task \(given\) = {NUM} vCPU")


def factor_disagreements(p: dict[str, Any]) -> list[str]:
    """The CPU needs of the instances lines: the factors shown multiply to the vCPU shown (ms -> s included)."""
    e, out = p["explanations"], []
    for key, m in [("compute.app.instances", APP_CPU.search(e["compute.app.instances"]))] + (
            [("compute.workers.instances", WORKER_CPU.search(e["compute.workers.instances"])
              or WORKER_RESERVED.search(e["compute.workers.instances"]))] if p["compute"]["workers"] else []):
        if m is None:
            out.append(f"{key}: no CPU need in: {e[key]}")
            continue
        g = m.groups()
        if key == "compute.app.instances":
            msgs_lo, msgs_hi = (_interval(g[0])[i] * _interval(g[1])[i] for i in (0, 1))
            calls_lo, calls_hi = (_interval(g[2])[i] * _interval(g[3])[i] for i in (0, 1))
            k_lo, k_hi = (1 + x / 100 for x in _interval(g[5]))  # "(1 + 25% margin)"
            per_s = 1000.0 if g[4] else 1.0
            lo, hi = (msgs_lo + calls_lo) / per_s * k_lo, (msgs_hi + calls_hi) / per_s * k_hi
            r_lo, r_hi = _interval(g[6])
            ok = lo <= r_hi * (1 + 1e-9) and r_lo <= hi * (1 + 1e-9)
        elif len(g) == 5:  # LLM steps/s x (1 + margin%) x vCPU-ms per step [/ 1000] = vCPU
            ok = _product_agrees([g[0], g[2]], (1000.0 if g[3] else 1.0), g[4], margin_percent=g[1])
        else:  # tasks x vCPU reserved per task = vCPU
            ok = _product_agrees(list(g[:2]), 1.0, g[2])
        if not ok:
            out.append(f"{key}: the CPU need's factors do not give its result: {m.group(0)}")
    return out


def choice_disagreements(p: dict[str, Any]) -> list[str]:
    """Texts of figures that are names or policies: they name the figure they explain."""
    e, out = p["explanations"], []
    db, auto = p["storage"]["database"], p["compute"]["autoscaling"]
    if not e["storage.database.instance_class"].startswith(f"{db['instance_class']} ("):
        out.append(f"storage.database.instance_class: {db['instance_class']} not first in: {e['storage.database.instance_class']}")
    if f"{number_text(db['write_iops_peak'])} writes/s at" not in e["storage.database.instance_class"]:
        out.append(f"storage.database.instance_class: write rate {db['write_iops_peak']} not in: {e['storage.database.instance_class']}")
    policy = (f"min replicas {auto['min_replicas']} at the trough, max {auto['max_replicas']} at the peak",
              f"track {auto['target_cpu_utilization']:.0%} CPU, step out above {auto['scale_out_cpu_utilization']:.0%},"
              f" in below {auto['scale_in_cpu_utilization']:.0%}")
    out += [f"compute.autoscaling: {x!r} not in: {e['compute.autoscaling']}" for x in policy if x not in e["compute.autoscaling"]]
    if p["llm"]["deployment"] == "self_hosted":
        tp = p["llm"]["self_hosted"]["tensor_parallel"]
        given = p["inputs"]["llm"].get("tensor_parallel")
        want = f"tensor parallel {tp}: " + ("given in the scenario" if given else "chosen by the estimator")
        if not e["llm.self_hosted.tensor_parallel"].startswith(want):
            out.append(f"llm.self_hosted.tensor_parallel: {want!r} not in: {e['llm.self_hosted.tensor_parallel']}")
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


def _example(name: str) -> dict[str, Any]:
    import json
    from pathlib import Path

    return json.loads((Path(__file__).resolve().parents[1] / "examples" / f"{name}.json").read_text())  # type: ignore[no-any-return]


def test_a_wrong_choice_or_tier_sum_is_caught():
    """The checks of the named and summed figures can fail too."""
    dumped = plan(_example("travel-agent")).model_dump(mode="json")
    dumped["storage"]["database"]["instance_class"] = "db.r7g.16xlarge"
    dumped["compute"]["autoscaling"]["autoscaled_monthly_usd"] += 5.0
    dumped["compute"]["autoscaling"]["scale_out_cpu_utilization"] = 0.8
    found = sorted({x.split(":")[0] for x in disagreements(dumped)})
    assert found == ["compute.autoscaling", "compute.autoscaling.autoscaled_monthly_usd",
                     "compute.autoscaling.scale_out_cpu_utilization", "storage.database.instance_class"]


@pytest.mark.parametrize("tp", [None, 4])
def test_tensor_parallel_text_says_who_chose_it(tp):
    s = _example("selfhosted-chatbot")
    if tp:
        s["llm"]["tensor_parallel"] = tp
    dumped = plan(s).model_dump(mode="json")
    text = dumped["explanations"]["llm.self_hosted.tensor_parallel"]
    assert text.startswith(f"tensor parallel {tp or dumped['llm']['self_hosted']['tensor_parallel']}: ")
    assert ("given in the scenario" in text) == bool(tp) and ("chosen by the estimator" in text) != bool(tp)
    assert disagreements(dumped) == []


@pytest.mark.parametrize("example,texts", [
    ("travel-agent", {"size_tier": 2, "choose_db": 1, "size_data": 1, "size_api": 1, "cpu_scaling": 1}),
    ("selfhosted-chatbot", {"size_tier": 1, "choose_db": 1, "size_data": 1, "size_self_hosted": 1, "priced": 1, "cpu_scaling": 1}),
])
def test_texts_are_written_for_month_0_only(monkeypatch, example, texts):
    """The timeline's other months compute the same figures with no text (start-up and speed: issue 16,
    move 12): each computation writes derivations once per plan, for month 0."""
    import importlib

    from forecasting import app_tier, data_tier, database, llm_api, planner
    from forecasting.serving import replicas

    explain_module = importlib.import_module("forecasting.explain")
    calls: list[tuple[str, int]] = []

    def spy(owner: Any, name: str) -> None:
        real = getattr(owner, name)

        def recorded(*args: Any, **kwargs: Any) -> Any:
            out = real(*args, **kwargs)
            calls.append((name, len(out.derivations)))
            return out
        monkeypatch.setattr(owner, name, recorded)

    for owner, name in ((app_tier, "size_tier"), (database, "choose_db"), (data_tier, "size_data"), (llm_api, "size_api"),
                        (replicas, "size_self_hosted"), (replicas, "priced"), (planner, "cpu_scaling"), (explain_module, "cpu_scaling")):
        spy(owner, name)
    s = _example(example)
    plan(s)
    written: dict[str, int] = {}
    for name, n in calls:
        if n:
            written[name] = written.get(name, 0) + 1
    assert written == texts
    assert [name for name, _ in calls].count("size_data") == s["horizon_months"] + 1  # every month ran; only month 0 wrote


@pytest.mark.parametrize("given", [None, 120])
def test_model_load_time_says_whether_it_is_a_default(given):
    s = _example("selfhosted-chatbot")
    if given:
        s["llm"]["model_load_s"] = given
    text = plan(s).model_dump(mode="json")["explanations"]["llm.self_hosted.autoscaling.model_load_s"]
    assert text == ("llm.model_load_s = 120 s (given in the scenario)" if given
                    else "llm.model_load_s = 300 s (default, see assumptions for its source)")
