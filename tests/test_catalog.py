"""The dated price catalog and user price files."""
from __future__ import annotations

import pytest

from forecasting import ScenarioError, plan
from forecasting.catalog import default_catalog, with_overrides


def test_every_price_carries_a_source_and_date():
    cat = default_catalog()
    assert len(cat.api_models) >= 50
    assert {"openai", "anthropic", "gemini"} <= {m.provider for m in cat.api_models.values()}
    for m in cat.api_models.values():
        assert m.source and m.as_of and m.input_usd_per_mtok >= 0 and m.output_usd_per_mtok >= 0
    for i in [*cat.cpu_instances.values(), *cat.gpu_instances]:
        assert i.source and i.as_of and i.usd_per_hour is not None and i.usd_per_hour > 0
    for key, s in cat.services.entries().items():
        assert s.source and s.as_of, key


def test_overrides_do_not_leak_into_the_default_catalog():
    custom = with_overrides({"services": {"s3_standard": {"value": 1.0}}, "source": "test"})
    assert custom.services.s3_standard.value == 1.0
    assert custom.services.s3_standard.source == "test"
    assert default_catalog().services.s3_standard.value == 0.023


@pytest.mark.parametrize("prices,expected", [
    ({"api_models": [{"id": "gpt-5-mini", "input_usd_per_mtok": -1}]}, "must be a non-negative price"),
    ({"services": {"nope": {"value": 1}}}, "prices.services.nope: unknown service"),
    ({"services": {"s3_standard": 3}}, 'expected an object with a "value"'),
    ({"cpu_instances": [{"name": "x"}]}, "prices.cpu_instances[0].vcpu: required"),
    ({"gpu_instances": ["p5"]}, "prices.gpu_instances[0]: expected an object"),
    ([1, 2], "prices: expected a JSON object"),
])
def test_bad_price_files_name_the_entry(prices, expected):
    with pytest.raises(ScenarioError) as exc:
        with_overrides(prices)  # type: ignore[arg-type]
    assert any(expected in p for p in exc.value.problems)


def test_a_user_gpu_price_prices_an_unpriced_gpu():
    s = {"app_type": "chatbot", "registered_users": 10_000, "concurrent_users": 100,
         "llm": {"deployment": "self_hosted", "model": "llama-3.1-8b", "gpu": "mi300x"}}
    unpriced = plan(s)
    assert unpriced.cost.unpriced and any("no price for mi300x" in w for w in unpriced.warnings)
    priced = plan(s, {"gpu_instances": [{"name": "mi300x-x8", "gpu": "mi300x", "gpus": 8, "usd_per_hour": 40.0}]})
    assert not priced.cost.unpriced
    hosted = priced.llm.self_hosted
    assert hosted.gpu_instance == "mi300x-x8" and hosted.usd_per_gpu_hour == 5.0
    assert priced.llm.monthly_usd == pytest.approx(hosted.gpu_instances * 40.0 * 730)
