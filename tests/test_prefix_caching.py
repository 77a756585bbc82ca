"""Prefix caching: the cached share from the conversation structure (hand-computed), its effect on prefill,
and on hosted and self-hosted chat plans (and the switch that turns it off)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from forecasting.planner import plan
from forecasting.prompt_cache import CacheRule, Conversation, cached_share, engine_rule, provider_rule
from forecasting.serving import load_serving_catalog, slo_capacity
from forecasting.serving import physics as ph

API = CacheRule(name="api", min_prefix_tokens=1024, lifetime_s=300)


def test_cached_share_hand_computed() -> None:
    c = Conversation(system_prompt_tokens=1200, retrieved_context_tokens=0, prompt_tokens=100, output_tokens=200,
                     messages_per_session=3, seconds_between_calls=60)
    # turn inputs 1300, 1600, 1900; cached prefixes 1200 (system), 1200 + 100, 1200 + 300 + 100
    assert cached_share(c, API).share == pytest.approx((1200 + 1300 + 1600) / 4800)
    # a pause longer than the lifetime leaves only the shared system prompt
    slow = cached_share(Conversation(1200, 0, 100, 200, 3, 400), API)
    assert slow.share == pytest.approx(3600 / 4800) and not slow.conversation_reused
    # retrieved context before each new message ends the prefix after the earlier turns: 1200, 1200, 1500 of 6300
    assert cached_share(Conversation(1200, 500, 100, 200, 3, 60), API).share == pytest.approx(3900 / 6300)
    # an engine also keeps the previous answer's KV and reuses whole 16-token blocks: 1200, 1488, 1792 of 4800
    assert cached_share(c, engine_rule("vllm", 16)).share == pytest.approx((1200 + 1488 + 1792) / 4800)
    # below the minimum nothing is cached: 400-token system prompt, prefixes 500 and 800 < 1024
    assert cached_share(Conversation(400, 0, 100, 200, 3, 60), API).share == 0.0
    # 2.5 messages: half the sessions have 2, half 3 (inputs 1300+1600 and 1300+1600+1900)
    half = cached_share(Conversation(1200, 0, 100, 200, 2.5, 60), API)
    assert half.share == pytest.approx((0.5 * (1200 + 1300) + 0.5 * (1200 + 1300 + 1600)) / (0.5 * 2900 + 0.5 * 4800))


def test_provider_rules_carry_sources() -> None:
    oa = provider_rule("openai", "gpt-5-mini")
    assert oa is not None and oa.min_prefix_tokens == 1024 and "1024 tokens or longer" in oa.source
    g = provider_rule("gemini", "gemini-2.5-flash")
    assert g is not None and g.min_prefix_tokens == 2048 and "ai.google.dev" in g.source
    a = provider_rule("anthropic", "claude-opus-4-6")
    assert a is not None and a.min_prefix_tokens == 4096 and a.lifetime_s == 300
    assert provider_rule("nobody", "x") is None


def test_cached_prefill_computes_only_new_tokens() -> None:
    cat = load_serving_catalog()
    s = ph.make_setup(cat.model("llama-3.1-8b"), cat.gpu("h100-sxm"), cat.profile(None), "bf16", "bf16", 1)
    m = s.model
    full = ph.prefill_flops(s, 2000)
    part = ph.prefill_flops(s, 2000, cached_tokens=1500)
    # 500 new tokens, each attending to a mean key span of 2000 − 500/2 = 1750
    assert part == pytest.approx(2 * m.active_params_b * 1e9 * 500 + 2 * m.layers * s.attn_dim * 500 * 1750)
    assert part < full / 3
    assert ph.prefill_time_alone(s, 2000, 1500) < ph.prefill_time_alone(s, 2000)


def test_slo_capacity_with_a_cached_prefix_serves_more_within_targets() -> None:
    kw = dict(input_tokens=3000, output_tokens=200, itl_target_ms=40, ttft_target_ms=450, tp=2)
    cold = slo_capacity("llama-3.1-70b", "h100-sxm", **kw)
    warm = slo_capacity("llama-3.1-70b", "h100-sxm", cached_input_tokens=2500, **kw)
    assert warm.cached_input_tokens == 2500 and cold.cached_input_tokens == 0
    assert warm.max_sequences_at_slo >= cold.max_sequences_at_slo and warm.ttft_ms < cold.ttft_ms
    assert any("prefix caching" in line for line in warm.derivation)


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_hosted_chat_default_is_derived_and_the_switch_turns_it_off() -> None:
    base = json.loads((EXAMPLES / "support-chatbot.json").read_text())
    long_prompt = {**base, "workload": {**base.get("workload", {}), "system_prompt_tokens": 2000}}
    on = plan(long_prompt)
    a = next(x for x in on.assumptions if x.name == "workload.cached_input_share")
    assert "derived from the conversation structure" in a.source and "1024 tokens or longer" in a.source
    assert 0.5 < on.inputs["workload"]["cached_input_share"] < 1
    off = plan({**long_prompt, "llm": {**long_prompt["llm"], "prefix_caching": False}})
    assert off.inputs["workload"]["cached_input_share"] == 0
    assert on.llm.api is not None and off.llm.api is not None
    assert on.llm.api.monthly_cached_input_usd > 0 and off.llm.api.monthly_cached_input_usd == 0
    assert on.cost.monthly_usd < off.cost.monthly_usd
    given = plan({**long_prompt, "workload": {**long_prompt["workload"], "cached_input_share": 0.2}})
    assert given.inputs["workload"]["cached_input_share"] == 0.2  # a given share is the user's, never re-derived


def test_self_hosted_chat_prefix_caching_lowers_ttft_and_gpus() -> None:
    base = json.loads((EXAMPLES / "selfhosted-chatbot.json").read_text())
    on = plan(base)
    off = plan({**base, "llm": {**base["llm"], "prefix_caching": False}})
    assert on.llm.self_hosted is not None and off.llm.self_hosted is not None
    assert on.inputs["workload"]["cached_input_share"] > 0.3 and off.inputs["workload"]["cached_input_share"] == 0
    assert on.llm.self_hosted.ttft_ms < off.llm.self_hosted.ttft_ms
    assert on.llm.self_hosted.gpus <= off.llm.self_hosted.gpus
    assert any("prefix caching" in line for line in on.llm.self_hosted.estimator_derivation)


def test_agent_keeps_its_measured_default() -> None:
    p = plan(json.loads((EXAMPLES / "travel-agent.json").read_text()))
    a = next(x for x in p.assumptions if x.name == "workload.cached_input_share")
    assert a.value == 0.95 and "TraceLab" in a.source
