"""Instance search, daily-curve autoscaling, pricing options and regions: exact, hand-computed cases."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from forecasting import ScenarioError, plan
from forecasting.autoscale import tier_cost
from forecasting.catalog import default_catalog, regions
from forecasting.catalog_entries import CpuInstance
from forecasting.curve import daily_curve
from forecasting.instance_search import Need, Rules, candidates, search
from forecasting.pricing import Rate

ROOT = Path(__file__).resolve().parents[1]
SUPPORT = json.loads((ROOT / "examples" / "support-chatbot.json").read_text())
RULES = Rules(target_cpu_utilization=0.5, reserved_memory_gib=1.0, memory_utilization=1.0, max_connections_per_instance=1e6, floor=2)


def _e(name: str, vcpu: float, mem: float, usd: float, family: str = "", category: str = "general") -> CpuInstance:
    return CpuInstance(name=name, vcpu=vcpu, memory_gib=mem, usd_per_hour=usd, family=family or name.split(".")[0], category=category,
                       source="test", as_of="test")


def test_the_cheapest_fit_wins_and_the_runner_up_is_reported():
    shapes = candidates([_e("a.large", 2, 8, 0.10), _e("b.xlarge", 4, 16, 0.20), _e("c.large", 2, 4, 0.09), _e("t.large", 2, 8, 0.01, category="burstable")])
    assert [s.name for s in shapes] == ["a.large", "b.xlarge", "c.large"]  # burstable excluded
    need = Need(vcpu=2.0, memory_gib=4.0, connections=100)
    c = search(need, shapes, RULES)
    # a: CPU ceil(2 / (2 x 0.5)) = 2, memory ceil(4 / 7) = 1 -> 2 + 1 spare = 3 x $0.10 = $0.30
    # b: CPU ceil(2 / 2) = 1, memory 1 -> max(2 floor, 1 + 1) = 2 x $0.20 = $0.40
    # c: CPU 2, memory ceil(4 / 3) = 2 -> 3 x $0.09 = $0.27
    assert (c.best.shape.name, c.best.instances) == ("c.large", 3) and c.best.usd_per_hour == pytest.approx(0.27)
    assert c.runner_up is not None and (c.runner_up.shape.name, c.runner_up.instances) == ("a.large", 3)
    assert c.candidates == 3 and "runner-up 3 x a.large" in c.why
    assert "= 3 x c.large" in c.best.basis


def test_ties_are_broken_by_fewer_instances_then_by_name():
    need = Need(vcpu=2.0, memory_gib=1.0, connections=1)
    # x: 3 x $0.10 = $0.30; y: 2 x $0.15 = $0.30 -> same price, y needs fewer instances
    c = search(need, candidates([_e("x.large", 2, 8, 0.10), _e("y.xlarge", 4, 8, 0.15)]), RULES)
    assert c.best.shape.name == "y.xlarge" and "tie" in c.why
    # identical shapes and prices: the name decides, whatever the input order
    for order in ([_e("q.large", 2, 8, 0.1), _e("p.large", 2, 8, 0.1)], [_e("p.large", 2, 8, 0.1), _e("q.large", 2, 8, 0.1)]):
        assert search(need, candidates(order), RULES).best.shape.name == "p.large"


def test_pins_and_family_limits_are_honoured():
    pinned = plan({**SUPPORT, "app": {"instance_type": "c7i.4xlarge"}})
    assert pinned.compute.app.instance_type == "c7i.4xlarge" and pinned.compute.app.candidates_tried == 1
    fam = plan({**SUPPORT, "app": {"instance_families": ["m7i", "r7i"]}})
    assert fam.compute.app.instance_family in ("m7i", "r7i")
    cat = default_catalog()
    allowed = [i for i in cat.cpu_instances.values() if i.family in ("m7i", "r7i")]
    assert fam.compute.app.candidates_tried == len(allowed)
    with pytest.raises(ScenarioError) as exc:
        plan({**SUPPORT, "app": {"instance_families": ["z9"]}})
    assert "app.instance_families" in exc.value.problems[0] and "m7i" in exc.value.problems[0]
    with pytest.raises(ScenarioError) as exc:
        plan({**SUPPORT, "app": {"instance_type": "m7i.xlarg"}})
    assert 'did you mean "m7i.xlarge"' in exc.value.problems[0]


def test_hour_by_hour_cost_on_a_hand_computed_curve():
    counts = (2,) * 12 + (4,) * 12
    od = tier_cost(counts, Rate(0.1, 0.1, 0.1, "on-demand"), 730)
    # 2 all day + 2 more for 12 h = 2 x 24 + 2 x 12 = 72 instance-hours a day x $0.10, x 730 / 24 days
    assert od.committed == 2
    assert od.autoscaled_monthly_usd == pytest.approx(72 * 0.1 * 730 / 24)
    assert od.always_on_monthly_usd == pytest.approx(4 * 0.1 * 730)
    # reserved at $0.06 (60% of on-demand): a unit is worth reserving when it runs >= 60% of the day (>= 14.4 h);
    # the 3rd and 4th run 12 h, so 2 are reserved: 2 x 24 x 0.06 + 2 x 12 x 0.10 = 5.28 a day
    rs = tier_cost(counts, Rate(0.06, 0.1, 0.1, "reserved"), 730)
    assert rs.committed == 2 and rs.autoscaled_monthly_usd == pytest.approx(5.28 * 730 / 24)
    assert rs.always_on_monthly_usd == pytest.approx(4 * 0.06 * 730)
    # with a deep discount (30%), every unit that runs >= 7.2 h is reserved: all four
    deep = tier_cost(counts, Rate(0.03, 0.1, 0.1, "reserved"), 730)
    assert deep.committed == 4 and deep.autoscaled_monthly_usd == pytest.approx(deep.always_on_monthly_usd)


def test_the_default_curve_keeps_the_peak_multiplier_and_mean_one():
    c = daily_curve(1.5)
    assert max(c.relative_to_mean) == pytest.approx(1.5) and sum(c.relative_to_mean) / 24 == pytest.approx(1.0)
    assert c.relative_to_mean.index(min(c.relative_to_mean)) == 4 and c.relative_to_mean.index(1.5) == 16
    assert min(c.relative_to_mean) == pytest.approx(0.5)  # trough 0.3 rescaled: 1 - 0.7 x (0.5 / 0.7)


def test_a_given_curve_sets_the_peak_and_drives_hourly_replicas():
    curve = [1] * 12 + [3] * 12  # mean 2, peak 3 -> peak multiplier 1.5
    s = {**SUPPORT, "daily_load_curve": curve}
    s.pop("peak_multiplier", None)
    p = plan(s)
    assert p.inputs["peak_multiplier"] == pytest.approx(1.5)
    assert p.compute.autoscaling.load_curve == [0.5] * 12 + [1.5] * 12
    a = p.compute.autoscaling
    assert a.min_replicas == min(a.hourly_replicas) and a.max_replicas == max(a.hourly_replicas) == p.compute.app.instances
    assert a.autoscaled_monthly_usd <= a.always_on_monthly_usd


def test_self_hosted_gpus_autoscale_with_a_floor_and_a_vllm_signal():
    p = plan(json.loads((ROOT / "examples" / "selfhosted-chatbot.json").read_text()))
    g = p.llm.self_hosted.autoscaling
    assert g is not None and g.min_replicas >= 2 and g.max_replicas == p.llm.self_hosted.replicas
    assert g.min_replicas < g.max_replicas and g.autoscaled_monthly_usd < g.always_on_monthly_usd
    assert "vllm:kv_cache_usage_perc" in g.signal and "vllm:num_requests_waiting" in g.signal
    assert 0 < g.scale_out_kv_cache_usage_perc <= 1
    # the scale-out point sits below the sizing target by the curve's rise during a model load
    per = p.llm.self_hosted.sequences_per_replica_at_slo / 1.25
    assert g.scale_out_sequences_per_replica < per
    floor = plan({**json.loads((ROOT / "examples" / "selfhosted-chatbot.json").read_text()),
                  "llm": {**json.loads((ROOT / "examples" / "selfhosted-chatbot.json").read_text())["llm"], "min_replicas": 20}})
    assert floor.llm.self_hosted.autoscaling.min_replicas == 20


def test_unknown_region_is_an_input_error_with_a_suggestion():
    with pytest.raises(ScenarioError) as exc:
        plan({**SUPPORT, "region": "aws-us-east-2"})
    msg = exc.value.problems[0]
    assert msg.startswith("region: unknown region 'aws-us-east-2'") and "did you mean" in msg and "gcp-us-central1" in msg


@pytest.mark.parametrize("region,family_prefix", [("gcp-us-central1", ("e2", "n2", "n4", "c3")), ("azure-eastus", ("Standard_",)),
                                                  ("aws-eu-west-1", ("m7", "c7", "r7", "m8", "c8"))])
def test_three_clouds_plan_with_their_own_instances(region, family_prefix):
    assert region in regions()
    p = plan({**SUPPORT, "region": region})
    assert p.cost.region == region and p.compute.app.instance_type.startswith(family_prefix)
    if region == "azure-eastus":  # no managed PostgreSQL priced there: said plainly
        assert p.storage.database.engine.startswith("PostgreSQL self-managed")
        assert any("no managed PostgreSQL is priced for azure-eastus" in w for w in p.warnings)


def test_pricing_options_cost_what_their_sources_say():
    od = plan(SUPPORT)
    r3 = plan({**SUPPORT, "pricing": "reserved_3y"})
    spot = plan({**SUPPORT, "pricing": "spot"})
    line = lambda p, c: next(b for b in p.cost.breakdown if b.component.startswith(c))  # noqa: E731
    app = od.compute.app.instance_type
    cat = default_catalog()
    entry = cat.cpu_instances[r3.compute.app.instance_type]
    assert r3.compute.app.instance_usd_per_hour == pytest.approx(entry.reserved_3y_usd_per_hour)  # Netflix's 3-year price
    assert line(r3, "app instances").monthly_usd < line(od, "app instances").monthly_usd
    sp = cat.cpu_instances[spot.compute.app.instance_type]
    assert spot.compute.app.instance_usd_per_hour == pytest.approx(sp.spot_usd_per_hour)
    assert line(spot, "database instance").monthly_usd == pytest.approx(line(od, "database instance").monthly_usd)  # no spot databases
    assert any(a.name == "pricing.source" for a in r3.assumptions)
    assert app  # on-demand plan chose a type too


BASE = {"app_type": "chatbot", "registered_users": 100_000, "concurrent_users": 1_000, "peak_multiplier": 2.0, "safety_margin": 0.25,
        "horizon_months": 14, "monthly_growth_rate": 0.10, "llm": {"deployment": "api", "model": "gpt-4o-mini"},
        "workload": {"think_time_s": 100, "prompt_tokens": 100, "output_tokens": 200, "system_prompt_tokens": 300,
                     "retrieved_context_tokens": 0, "messages_per_session": 3, "cached_input_share": 0.0}}
CYCLE = 100 + 0.74 + 200 / 104


def test_storage_ramps_up_from_launch():
    p = plan(BASE)
    per_message = (100 + 200) * 4 + 500
    for m in (0, 1, 6, 12, 13, 14):
        days = min((m + 1) * 730 / 24, 365)  # by the end of month m: min((m + 1) x 30.4, retention) days of history
        per_day = 1_000 * 1.1 ** m / CYCLE * 86_400
        assert p.timeline[m].db_storage_gb == pytest.approx(per_day * per_message * days * 1.3 * 2 / 1e9), m
    assert p.storage.database.history_days == pytest.approx(730 / 24) and p.storage.database.storage_gb > 0
    running = plan({**BASE, "data": {"existing_history_days": 100}})
    assert running.storage.database.history_days == pytest.approx(100 + 730 / 24)
    assert running.timeline[9].db_storage_gb == pytest.approx(
        1_000 * 1.1 ** 9 / CYCLE * 86_400 * per_message * 365 * 1.3 * 2 / 1e9)  # 100 + 10 x 30.4 > 365: capped


def test_burstable_classes_only_for_small_primaries_and_read_replicas_when_reads_need_them():
    # a month of history at a tenth of the load: under 100 GB, a burstable primary is allowed and cheapest
    small = plan({**BASE, "registered_users": 10_000, "concurrent_users": 100}).storage.database
    assert small.storage_gb < 100 and small.burstable and small.instance_class.startswith("db.t4g")
    # a running service holding more than 100 GB: no burstable primary
    big = plan({**BASE, "data": {"existing_history_days": 365}}).storage.database
    assert big.storage_gb > 100 and not big.burstable and big.engine.startswith("PostgreSQL on RDS")
    cat = default_catalog()
    fitting = [n for n, c in cat.rds_instances.items() if "burstable" not in c.flags and ".t4g." not in n
               and c.memory_gib >= 0]
    assert big.instance_class == min(fitting, key=lambda n: (cat.rds_instances[n].usd_per_hour, cat.rds_instances[n].vcpu, n))
    # reads that miss the cache: 40 reads per message at 5,000 reads/s per vCPU
    heavy = plan({**BASE, "data": {"existing_history_days": 365, "db_reads_per_message": 2000}})
    d = heavy.storage.database
    read_vcpu = 2_000 / CYCLE * 2000 * 1.25 / 5000
    vcpu = cat.rds_instances[d.instance_class].vcpu
    assert read_vcpu > 0.5 * vcpu and d.read_replicas == -(-read_vcpu // (vcpu * 0.6))
    line = next(b for b in heavy.cost.breakdown if b.component == "database instance")
    assert line.monthly_usd == pytest.approx(cat.rds_instances[d.instance_class].usd_per_hour * (2 + d.read_replicas) * 730)


def test_long_context_calls_are_priced_at_the_long_context_tier():
    s = {"app_type": "chatbot", "registered_users": 10_000, "concurrent_users": 100, "llm": {"model": "claude-haiku-5-5"},
         "workload": {"retrieved_context_tokens": 150_000, "cached_input_share": 0.0}}
    p = plan(s)
    a = p.llm.api
    assert p.load.input_tokens_per_call > 100_000
    # Haiku 5.5: $0.10 / $0.50 per M up to 100k prompt tokens, $0.50 / $2.50 for the whole request above
    assert (a.price_input_usd_per_mtok, a.price_output_usd_per_mtok) == (0.5, 2.5)
    assert a.monthly_uncached_input_usd == pytest.approx(p.load.monthly_input_tokens / 1e6 * 0.5)
    assert a.monthly_output_usd == pytest.approx(p.load.monthly_output_tokens / 1e6 * 2.5)
    assert any("long-context threshold" in w for w in p.warnings)
    short = plan({**s, "workload": {"retrieved_context_tokens": 50_000, "cached_input_share": 0.0}})
    assert short.llm.api.price_input_usd_per_mtok == 0.1 and not any("long-context" in w for w in short.warnings)


def test_a_model_deprecated_inside_the_horizon_is_warned_with_alternatives():
    s = {"app_type": "chatbot", "registered_users": 10_000, "concurrent_users": 100, "horizon_months": 12, "llm": {"model": "gpt-4o"}}
    w = [x for x in plan(s).warnings if x.startswith("llm.model:")]
    # gpt-4o: deprecation_date 2027-01-14, inside 12 months from the price data's 2026-11-27
    assert len(w) == 1 and "gpt-4o is deprecated on 2027-01-14" in w[0] and "12-month horizon" in w[0]
    assert "current openai models priced closest" in w[0]
    cat = default_catalog()
    named = w[0].split("priced closest: ", 1)[1]
    for model_id in [x.split(" (")[0] for x in named.split(", ")]:
        dep = cat.api_models[model_id].deprecation_date
        assert dep is None or dep > "2027-11-27", model_id  # the suggestions outlive the horizon
    assert not [x for x in plan({**s, "horizon_months": 1}).warnings if x.startswith("llm.model:")]  # 2026-12-27 < 2027-01-14
    assert not [x for x in plan({**s, "llm": {"model": "claude-sonnet-4-6"}}).warnings if x.startswith("llm.model:")]
