"""The catalog's typed rows: shipped data and user price files checked by the same models."""
from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forecasting import ScenarioError, plan
from forecasting.catalog import API_FILE, CLOUD_FILE, PRICING_FILE, default_catalog, regions, with_overrides

CLOUD = json.loads(CLOUD_FILE.read_text())
API = json.loads(API_FILE.read_text())


def _plain(value: Any) -> Any:
    """Tuples back to lists, the way the JSON file holds them."""
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def _same_fields(row: dict[str, Any], model: Any) -> None:
    dumped = _plain(model.model_dump(by_alias=True, exclude_unset=True))
    for key, value in row.items():
        assert key in dumped, f"{key} was dropped from {row.get('name') or row.get('id')}"
        assert dumped[key] == value, (key, dumped[key], value)


@pytest.mark.parametrize("region", regions())
def test_every_shipped_row_validates_and_keeps_every_field(region: str) -> None:
    cat, reg = default_catalog(region), CLOUD["regions"][region]
    for row in reg["cpu_instances"]:
        _same_fields(row, cat.cpu_instances[row["name"]])
    by_name = {g.name: g for g in cat.gpu_instances}
    for row in reg["gpu_instances"]:
        _same_fields(row, by_name[row["name"]])
    for row in reg["managed_databases"]:
        if row["service"] in ("rds", "cloud-sql"):
            _same_fields(row, cat.rds_instances[row["name"]])
    for row, node in zip(reg["caches"], cat.caches):
        _same_fields(row, node)
    for key, row in reg["services"].items():
        _same_fields(row, cat.services.entries()[key])
    for row in API["models"]:
        _same_fields(row, cat.api_models[row["id"]])
    for provider, row in API["rate_limit_tiers"].items():
        _same_fields(row, cat.api_tiers[provider])
    for provider, options in json.loads(PRICING_FILE.read_text())["providers"].items():
        for key, row in options.items():
            _same_fields(row, cat.pricing_options[provider][key])


def test_a_user_row_keeps_fields_the_models_do_not_name() -> None:
    cat = with_overrides({"cpu_instances": [{"name": "my.box", "vcpu": 4, "memory_gib": 16, "usd_per_hour": 0.2,
                                             "contract": "EDP-42"}]})
    row = cat.cpu_instances["my.box"]
    assert row.model_dump()["contract"] == "EDP-42" and row.source == "user price file" and row.vcpu == 4


def test_a_partial_api_row_changes_only_what_it_names() -> None:
    before = default_catalog().api_models["gpt-5-mini"]
    after = with_overrides({"api_models": [{"id": "gpt-5-mini", "output_usd_per_mtok": 1.0}], "source": "contract"}).api_models["gpt-5-mini"]
    assert after.output_usd_per_mtok == 1.0 and after.source == "contract"
    assert after.input_usd_per_mtok == before.input_usd_per_mtok and after.max_input_tokens == before.max_input_tokens


def test_a_gpu_instance_without_an_on_demand_price_is_skipped_not_a_crash() -> None:
    # aws-us-west-2's p5e.48xlarge (H200) is sold as capacity blocks only: no on-demand price in the data
    assert any(g.gpu == "h200" and g.usd_per_hour is None for g in default_catalog("aws-us-west-2").gpu_instances)
    p = plan({"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000, "region": "aws-us-west-2",
              "llm": {"deployment": "self_hosted", "model": "llama-3.1-70b", "gpu": "h200"}})
    assert p.llm.self_hosted is not None and p.llm.self_hosted.gpu_instance != "p5e.48xlarge"
    assert math.isfinite(p.cost.monthly_usd)


@pytest.mark.parametrize("prices,expected", [
    ({"services": {"elasticache_usable_memory_fraction": {"value": 0}}},
     "prices.services.elasticache_usable_memory_fraction.value: must be a fraction above 0 and at most 1, got 0"),
    ({"services": {"internet_egress_tiers": {"value": [[100, 0.0], [5]]}}}, "prices.services.internet_egress_tiers.value[1][1]: required"),
    ({"services": {"internet_egress_tiers": {"value": [[100, -1]]}}},
     "prices.services.internet_egress_tiers.value[0][1]: must be at least 0, got -1"),
    ({"cpu_instances": [{"name": 7, "vcpu": 2, "memory_gib": 4, "usd_per_hour": 0.1}]}, "prices.cpu_instances[0].name: must be text, got 7"),
    ({"api_models": [{"id": "x", "provider": "p", "input_usd_per_mtok": 1, "output_usd_per_mtok": 2e7}]},
     "prices.api_models[0].output_usd_per_mtok: 20000000.0 is not a plausible price"),
    ({"gpu_instances": [{"name": "g", "gpu": "h100-sxm", "gpus": 2.5, "usd_per_hour": 9}]},
     "prices.gpu_instances[0].gpus: must be a whole number of at least 1, got 2.5"),
    ({"rds_instances": {"db.x": {"usd_per_hour": 0.1, "vcpu": True, "memory_gib": 8}}}, "prices.rds_instances.db.x.vcpu: must be a number, got true (a boolean)"),
    ({"region": 5}, "prices.region: must be text, got 5"),
    ({"gpu_instances": {"name": "g"}}, "prices.gpu_instances: must be a list of objects, got {'name': 'g'}"),
])
def test_price_file_problems_name_the_field(prices: dict[str, Any], expected: str) -> None:
    with pytest.raises(ScenarioError) as exc:
        with_overrides(prices)
    assert expected in exc.value.problems, exc.value.problems


ROWS = {
    "cpu_instances": {"name": "c.large", "vcpu": 2, "memory_gib": 4, "usd_per_hour": 0.1},
    "gpu_instances": {"name": "g.x", "gpu": "h100-sxm", "gpus": 8, "usd_per_hour": 90.0},
    "api_models": {"id": "m", "provider": "p", "input_usd_per_mtok": 1.0, "output_usd_per_mtok": 2.0},
}
BAD = st.one_of(st.none(), st.booleans(), st.text(max_size=5), st.lists(st.integers(), max_size=2),
                st.floats(max_value=-1e-9, allow_nan=False, allow_infinity=False), st.just(float("inf")), st.just(float("nan")),
                st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(section=st.sampled_from(sorted(ROWS)), data=st.data(), bad=BAD)
def test_one_bad_number_is_refused_naming_its_path(section: str, data: st.DataObject, bad: Any) -> None:
    """Any price or size replaced by a non-number, a negative, a non-finite value (or a price by an absurd one): a
    ScenarioError naming exactly that field, never another exception."""
    row = dict(ROWS[section])
    key = data.draw(st.sampled_from([k for k, v in row.items() if isinstance(v, (int, float))]))
    row[key] = 1e12 if "usd" in key and data.draw(st.booleans()) else bad  # an absurd price; sizes have no ceiling
    with pytest.raises(ScenarioError) as exc:
        with_overrides({section: [row]})
    assert any(p.startswith(f"prices.{section}[0].{key}: ") for p in exc.value.problems), exc.value.problems
    assert all(p.startswith("prices.") for p in exc.value.problems)


@settings(max_examples=150, deadline=None)
@given(doc=st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=4),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                            st.sampled_from(["api_models", "cpu_instances", "gpu_instances", "services", "rds_instances",
                                             "name", "id", "vcpu", "gpus", "value", "s3_standard", "usd_per_hour", "x"]),
                            inner, max_size=4), max_leaves=12))
def test_any_price_document_merges_or_names_its_problems(doc: Any) -> None:
    try:
        cat = with_overrides(doc if isinstance(doc, dict) else {"cpu_instances": doc})
    except ScenarioError as e:
        assert e.problems and all(p.startswith("prices") for p in e.problems), e.problems
    else:
        assert cat.cpu_instances and cat.services.s3_standard.value >= 0


@pytest.mark.parametrize("region", regions())
def test_shipped_rows_built_without_revalidation_equal_validated_ones(region: str) -> None:
    """default_catalog builds shipped rows with model_construct (start-up); this is the check that lets it."""
    from forecasting.catalog import _spot_rule
    from forecasting.catalog_entries import (
        ApiModel, CacheNode, Commitment, CpuInstance, GpuInstance, ManagedDb, ProviderTiers, Services, SpotRule,
    )

    cat, reg = default_catalog(region), CLOUD["regions"][region]
    assert cat.cpu_instances == {r["name"]: CpuInstance.model_validate(r) for r in reg["cpu_instances"]}
    assert cat.gpu_instances == tuple(GpuInstance.model_validate(r) for r in reg["gpu_instances"])
    assert cat.rds_instances == {r["name"]: ManagedDb.model_validate(r) for r in reg["managed_databases"] if r["service"] in ("rds", "cloud-sql")}
    assert cat.caches == tuple(CacheNode.model_validate(r) for r in reg["caches"])
    assert cat.services == Services.model_validate(reg["services"])
    assert cat.api_models == {r["id"]: ApiModel.model_validate(r) for r in API["models"]}
    assert cat.api_tiers == {p: ProviderTiers.model_validate(t) for p, t in API["rate_limit_tiers"].items()}
    pricing = json.loads(PRICING_FILE.read_text())
    assert cat.pricing_options == {p: {k: Commitment.model_validate(c) for k, c in o.items()} for p, o in pricing["providers"].items()}
    assert _spot_rule() == SpotRule.model_validate(pricing["spot"])
