"""Exact tests of each formula on hand-computed cases.

Each expected value is written as the arithmetic a person would do on paper, from the inputs and
the catalog prices, so a reader can check it without running the code.
"""
from __future__ import annotations

import math

import pytest

from forecasting import plan
from forecasting.catalog import default_catalog
from forecasting.cost import tiered_egress_usd
from forecasting.data_tier import size_step
from forecasting.llm_api import choose_tier
from forecasting.workload import SECONDS_PER_MONTH

# API latency defaults (Artificial Analysis medians, see defaults.py): 0.74 s TTFT, 104 tokens/s
LATENCY_200 = 0.74 + 200 / 104  # one call generating 200 tokens

BASE = {
    "app_type": "chatbot",
    "registered_users": 100_000,
    "concurrent_users": 1_000,
    "peak_multiplier": 2.0,
    "safety_margin": 0.25,
    "horizon_months": 3,
    "monthly_growth_rate": 0.10,
    "llm": {"deployment": "api", "model": "gpt-4o-mini"},
    "workload": {"think_time_s": 100, "prompt_tokens": 100, "output_tokens": 200, "system_prompt_tokens": 300,
                 "retrieved_context_tokens": 0, "messages_per_session": 3, "cached_input_share": 0.0},
}


@pytest.fixture(scope="module")
def p():
    return plan(BASE)


def test_peak_concurrency_is_average_times_multiplier(p):
    assert p.load.peak_concurrent_users == 2_000
    assert p.load.average_concurrent_users == 1_000


def test_littles_law_message_rate(p):
    cycle = 100 + LATENCY_200
    assert p.load.seconds_between_messages == pytest.approx(cycle)
    assert p.load.requests_per_second == pytest.approx(2_000 / cycle)
    assert p.load.average_requests_per_second == pytest.approx(1_000 / cycle)
    assert p.load.llm_calls_per_second == pytest.approx(2_000 / cycle)


def test_input_tokens_include_growing_history(p):
    # 300 system + 0 retrieved + 100 new + history (3 - 1) / 2 x (100 + 200) = 300
    assert p.load.input_tokens_per_call == 700
    assert p.load.input_tokens_per_minute == pytest.approx(2_000 / (100 + LATENCY_200) * 700 * 60)
    assert p.load.output_tokens_per_minute == pytest.approx(2_000 / (100 + LATENCY_200) * 200 * 60)


def test_monthly_volumes_come_from_average_load(p):
    msgs = 1_000 / (100 + LATENCY_200) * SECONDS_PER_MONTH
    assert SECONDS_PER_MONTH == 730 * 3600
    assert p.load.monthly_messages == pytest.approx(msgs)
    assert p.load.monthly_conversations == pytest.approx(msgs / 3)
    assert p.load.monthly_input_tokens == pytest.approx(msgs * 700)
    assert p.load.monthly_output_tokens == pytest.approx(msgs * 200)


def test_api_rate_limits_carry_the_safety_margin(p):
    calls = 2_000 / (100 + LATENCY_200)
    assert p.llm.api.required_rpm == pytest.approx(calls * 60 * 1.25)
    assert p.llm.api.required_tpm == pytest.approx(calls * (700 + 200) * 60 * 1.25)


def test_api_cost_uses_list_prices(p):
    msgs = 1_000 / (100 + LATENCY_200) * SECONDS_PER_MONTH
    # gpt-4o-mini: $0.15 input, $0.60 output per million tokens (LiteLLM price map 2026-11-27)
    assert p.llm.monthly_usd == pytest.approx(msgs * 700 / 1e6 * 0.15 + msgs * 200 / 1e6 * 0.60)


def test_cached_input_and_anthropic_cache_writes():
    s = {**BASE, "llm": {"deployment": "api", "model": "claude-sonnet-4-6"},
         "workload": {**BASE["workload"], "cached_input_share": 0.8}}
    q = plan(s)
    msgs = 1_000 / (100 + LATENCY_200) * SECONDS_PER_MONTH
    # Sonnet 4.6: $3 input, $0.30 cached read, $3.75 5-minute cache write, $15 output
    assert q.llm.api.monthly_cached_input_usd == pytest.approx(msgs * 700 * 0.8 / 1e6 * 0.30)
    assert q.llm.api.monthly_cache_write_usd == pytest.approx(msgs * 700 * 0.2 / 1e6 * 3.75)
    assert q.llm.api.monthly_uncached_input_usd == 0
    assert q.llm.api.monthly_output_usd == pytest.approx(msgs * 200 / 1e6 * 15)


def test_openai_tier_is_the_smallest_that_covers_limits_and_spend():
    cat = default_catalog()
    assert choose_tier(cat, "openai", 400, 400_000, 50)[0] == "tier-1"
    assert choose_tier(cat, "openai", 400, 400_000, 300)[0] == "tier-2"  # tier-1 caps spend at $100/month
    assert choose_tier(cat, "openai", 6_000, 3_000_000, 4_000)[0] == "tier-4"
    name, note, _ = choose_tier(cat, "openai", 20_000, 1_000, 10)
    assert name is None and "no openai tier covers" in note
    assert choose_tier(cat, "anthropic", 1, 1, 1)[0] is None


def test_app_tier_n_plus_one_with_floor_of_two():
    p = plan({**BASE, "app": {"instance_type": "m7i.xlarge"}})  # pinned: 4 vCPU / 16 GiB
    a = p.compute.app
    assert a.instance_type == "m7i.xlarge" and a.candidates_tried == 1
    calls = 2_000 / (100 + LATENCY_200)
    # CPU: (messages x 20 ms + calls x 5 ms) x 1.25 margin
    assert a.vcpu_required == pytest.approx((calls * 0.020 + calls * 0.005) * 1.25)
    assert a.instances_by_cpu == math.ceil(a.vcpu_required / (4 * 0.6))
    assert a.connections_required == pytest.approx(2_000 * 1.25)
    assert a.instances == max(2, max(a.instances_by_cpu, a.instances_by_memory, a.instances_by_connections) + 1)
    assert p.compute.autoscaling.min_replicas <= p.compute.autoscaling.max_replicas == a.instances
    assert p.compute.autoscaling.scale_in_cpu_utilization < p.compute.autoscaling.target_cpu_utilization < p.compute.autoscaling.scale_out_cpu_utilization


def test_connections_can_be_the_limit():
    s = {**BASE, "concurrent_users": 40_000, "registered_users": 1_000_000, "workload": {**BASE["workload"], "think_time_s": 3_000},
         "app": {"instance_type": "m7i.xlarge", "max_connections_per_instance": 10_000, "memory_mb_per_session": 0.1}}
    a = plan(s).compute.app
    assert a.limiting_factor == "connections"
    assert a.instances_by_connections == math.ceil(80_000 * 1.25 / 10_000)
    assert a.instances == a.instances_by_connections + 1


def test_by_default_streams_are_limited_by_memory_not_file_descriptors():
    # 100,000 peak users x 1.25 x 1 MiB each = 122 GiB of session memory; 125,000 streams fit one instance's 512 Ki descriptors
    s = {**BASE, "concurrent_users": 50_000, "registered_users": 1_000_000, "workload": {**BASE["workload"], "think_time_s": 3_000},
         "app": {"instance_type": "m7i.xlarge"}}
    a = plan(s).compute.app
    assert a.instances_by_connections == 1
    assert a.instances_by_memory == math.ceil(100_000 * 1.25 * 1 / 1024 / (16 - 1))
    assert a.limiting_factor == "memory"


def test_database_storage_write_iops_and_cache():
    p = plan({**BASE, "data": {"existing_history_days": 365}})  # a running service: a full year of history
    msgs_per_day = 1_000 / (100 + LATENCY_200) * 86_400
    per_message = (100 + 200) * 4 + 500  # stored tokens x 4 bytes + 500 bytes of metadata
    d = p.storage.database
    assert d.bytes_per_message == per_message
    assert d.storage_gb == pytest.approx(msgs_per_day * per_message * 365 * 1.3 * 2 / 1e9)
    assert d.write_iops_peak == pytest.approx(2_000 / (100 + LATENCY_200) * 2 * 1.25)
    # cache: history 300 + last turn (100 + 200) tokens x 4 bytes + 2,048 bytes per session, peak sessions with margin
    assert p.storage.cache.bytes_per_session == (300 + 300) * 4 + 2048
    assert p.storage.cache.memory_gb == pytest.approx(2_000 * 1.25 * ((300 + 300) * 4 + 2048) / 1e9)


def test_vector_store_size():
    q = plan({**BASE, "data": {"vector_chunks": 1_000_000, "vector_dimensions": 1024, "vector_index_overhead": 1.5}})
    assert q.storage.vector.storage_gb == pytest.approx(1_000_000 * 1024 * 4 * 1.5 / 1e9)
    assert any(b.component == "vector store" for b in q.cost.breakdown)


def test_egress_is_priced_in_tiers():
    tiers = [[10240, 0.09], [40960, 0.085], [102400, 0.07]]
    assert tiered_egress_usd(100, tiers) == pytest.approx(9.0)
    assert tiered_egress_usd(20_000, tiers) == pytest.approx(10240 * 0.09 + 9760 * 0.085)
    assert tiered_egress_usd(200_000, tiers) == pytest.approx(10240 * 0.09 + 40960 * 0.085 + 102400 * 0.07 + 46400 * 0.07)


def test_size_steps():
    assert size_step(0.3) == 1 and size_step(1.0) == 1 and size_step(1.01) == 2
    assert size_step(60_000) == 100_000


def test_cost_total_is_the_sum_of_the_breakdown(p):
    assert p.cost.monthly_usd == pytest.approx(sum(b.monthly_usd for b in p.cost.breakdown))
    assert p.cost.per_registered_user_usd == pytest.approx(p.cost.monthly_usd / 100_000)
    assert p.cost.per_1000_conversations_usd == pytest.approx(p.cost.monthly_usd / p.load.monthly_conversations * 1000)


def test_timeline_compounds_growth_and_records_events(p):
    assert [r.month for r in p.timeline] == [0, 1, 2, 3]
    assert p.timeline[3].registered_users == pytest.approx(100_000 * 1.1 ** 3)
    assert p.timeline[3].peak_concurrent_users == pytest.approx(2_000 * 1.1 ** 3)
    assert p.timeline[0].monthly_usd == pytest.approx(p.cost.monthly_usd)
    for e in p.scale_events:
        before = p.timeline[e.month - 1]
        assert e.month >= 1 and before is not None


def test_scale_event_month_is_the_first_month_it_is_needed():
    s = {**BASE, "concurrent_users": 20_000, "registered_users": 5_000_000, "horizon_months": 24, "monthly_growth_rate": 0.2}
    q = plan(s)
    app_events = [e for e in q.scale_events if e.resource == "app instances"]
    assert app_events, "growth of 20%/month for 2 years must add app instances"
    for e in app_events:
        assert q.timeline[e.month].app_instances == e.after
        assert q.timeline[e.month - 1].app_instances == e.before


def test_peak_given_directly_derives_average():
    q = plan({**BASE, "concurrent_users": None, "peak_concurrent_users": 3_000})
    assert q.load.peak_concurrent_users == 3_000
    assert q.load.average_concurrent_users == pytest.approx(1_500)


def test_every_default_is_listed_as_an_assumption_with_a_source():
    q = plan({"app_type": "chatbot", "registered_users": 1000, "concurrent_users": 10})
    names = {a.name for a in q.assumptions}
    for required in ("peak_multiplier", "safety_margin", "llm.model", "workload.output_tokens", "workload.prompt_tokens",
                     "app.max_connections_per_instance", "daily_load_curve", "pricing", "data.retention_days"):
        assert required in names
    assert all(a.source and a.unit is not None for a in q.assumptions)
    assert next(a for a in q.assumptions if a.name == "peak_multiplier").value == 1.5
    assert next(a for a in q.assumptions if a.name == "safety_margin").value == 0.25


def test_explanations_carry_the_actual_values(p):
    e = p.explanations
    assert e["load.peak_concurrent_users"] == "peak concurrent users = 1,000 average x 2 peak multiplier = 2,000 users"
    assert "700" in e["load.input_tokens_per_call"]
    assert "gpt-4o-mini" in e["llm.monthly_usd"]
    for key in ("load.requests_per_second", "llm.api.required_tpm", "compute.app.instances", "storage.database.storage_gb",
                "cost.monthly_usd", "network.egress_gb_per_month"):
        assert key in e


def test_agents_make_more_calls_with_longer_contexts_than_chatbots():
    chat = plan({"app_type": "chatbot", "registered_users": 10_000, "concurrent_users": 100})
    agent = plan({"app_type": "agent", "registered_users": 10_000, "concurrent_users": 100})
    assert agent.load.input_tokens_per_call > chat.load.input_tokens_per_call
    assert agent.load.llm_calls_per_second / agent.load.requests_per_second == 8
    assert agent.compute.workers is not None and chat.compute.workers is None
    assert agent.load.concurrent_agent_tasks > 0 and chat.load.concurrent_agent_tasks == 0
    # agent input per call: 2,000 system + 70 + history (5 - 1) / 2 x (70 + 252) + (8 - 1) / 2 x (857 + 252)
    assert agent.load.input_tokens_per_call == pytest.approx(2000 + 70 + 2 * 322 + 3.5 * 1109)


def test_database_host_is_the_cheapest_that_holds_a_day_of_hot_data():
    # 40 tokens in + 200 out per message, 1,000 users: small -> an RDS class
    small = plan(BASE)
    hot = small.storage.database.messages_per_day * small.storage.database.bytes_per_message * 1.3 / 2**30
    assert small.storage.database.engine.startswith("PostgreSQL on RDS")
    cat = default_catalog()
    # burstable (t4g) classes only for primaries of at most 100 GB (docs/provisioning.md); a month of history is more here
    burstable_ok = small.storage.database.storage_gb <= 100
    fitting = [n for n, c in cat.rds_instances.items() if c.memory_gib >= hot and (burstable_ok or ".t4g." not in n)]
    assert small.storage.database.instance_class == min(fitting, key=lambda n: cat.rds_instances[n].usd_per_hour)
    # 100x the users: more hot data than the burstable classes hold -> the cheapest larger managed class that does
    big = plan({**BASE, "registered_users": 10_000_000, "concurrent_users": 100_000})
    d = big.storage.database
    hot_big = d.messages_per_day * d.bytes_per_message * 1.3 / 2**30
    assert hot_big > 4 and d.engine.startswith("PostgreSQL on RDS")
    fitting_big = [n for n, c in cat.rds_instances.items() if c.memory_gib >= hot_big and (d.storage_gb <= 100 or ".t4g." not in n)]
    assert d.instance_class == min(fitting_big, key=lambda n: cat.rds_instances[n].usd_per_hour)


def _numeric_leaves(obj, path=""):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from _numeric_leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield path


@pytest.mark.parametrize("scenario", [
    BASE,
    {"app_type": "agent", "registered_users": 5_000, "concurrent_users": 50, "llm": {"model": "claude-haiku-4-5"}},
    {"app_type": "chatbot", "registered_users": 5_000, "concurrent_users": 50, "llm": {"deployment": "self_hosted", "gpu": "l40s", "model": "llama-3.1-8b"}},
], ids=["api-chatbot", "api-agent", "self-hosted"])
def test_every_number_in_a_plan_has_an_explanation(scenario):
    doc = plan(scenario).model_dump(mode="json")
    missing = [p for section in ("load", "llm", "compute", "storage", "network", "cost")
               for p in _numeric_leaves(doc[section], section) if p not in doc["explanations"]]
    assert not missing
    assert all(text.strip() for text in doc["explanations"].values())


def test_fields_of_the_other_deployment_are_reported_as_ignored():
    q = plan({**BASE, "llm": {"deployment": "api", "model": "gpt-4o-mini", "precision": "fp8", "itl_target_ms": 30}})
    assert 'llm.precision is ignored: it applies only when llm.deployment is "self_hosted"' in q.warnings
    assert any(w.startswith("llm.itl_target_ms is ignored") for w in q.warnings)
    assert q.load == plan(BASE).load  # and they change nothing
