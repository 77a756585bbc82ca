"""Hostile round, class "Silently wrong answers": a file or flag that would give a wrong plan is refused.

Hostile price and catalog numbers, coerced types (booleans, numeric text, duplicate keys), unknown
regions, impossible serving setups, and hand-edited plans in a resumed transcript. Each case checks
the exact outcome: exit 2 and the field named, or (for the resumed plan) the figure re-made.
Guided-mode misreadings (issue item 14) are in tests/test_hostile_guided.py.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from forecasting import plan
from tests.hostile import SCENARIO, one_problem_line, run, write_json

SELF_HOSTED = {**SCENARIO, "llm": {"deployment": "self_hosted", "model": "llama-3.1-70b", "gpu": "h100-sxm"}}


def _plan_with(monkeypatch, capsys, tmp_path: Path, scenario: dict, prices: dict | None = None,
               catalog: dict | None = None) -> tuple[int, str, str]:
    args = ["plan", str(write_json(tmp_path / "s.json", scenario)), "--format", "json"]
    if prices is not None:
        args += ["--prices", str(write_json(tmp_path / "p.json", prices))]
    if catalog is not None:
        args += ["--catalog", str(write_json(tmp_path / "c.json", catalog))]
    return run(monkeypatch, capsys, args)


@pytest.mark.parametrize("prices,field", [
    ({"services": {"rds_gp3_storage": {"value": -0.1}}}, "prices.services.rds_gp3_storage.value"),
    ({"cpu_instances": [{"name": "c7i.large", "vcpu": 2, "memory_gib": -16, "usd_per_hour": 0.08}]},
     "prices.cpu_instances[0].memory_gib"),
    ({"gpu_instances": [{"name": "p5.48xlarge", "gpu": "h100-sxm", "gpus": 0, "usd_per_hour": 98}]},
     "prices.gpu_instances[0].gpus"),
    ({"gpu_instances": [{"name": "p5.48xlarge", "gpu": "h100-sxm", "gpus": 2.5, "usd_per_hour": 98}]},
     "prices.gpu_instances[0].gpus"),
    ({"api_models": [{"id": "gpt-5-mini", "output_usd_per_mtok": -2}]}, "prices.api_models[0].output_usd_per_mtok"),
    ({"rds_instances": {"db.x": {"usd_per_hour": 0.1, "vcpu": True, "memory_gib": 8}}}, "prices.rds_instances.db.x.vcpu"),
])
def test_hostile_prices_are_refused_not_priced(monkeypatch, capsys, tmp_path, prices, field) -> None:
    code, out, err = _plan_with(monkeypatch, capsys, tmp_path, SELF_HOSTED, prices)
    assert code == 2 and out == ""
    one_problem_line(err)
    assert f"{field}:" in err


@pytest.mark.parametrize("catalog,words", [
    ({"gpus": [{"id": "h100-sxm", "memory_gb": 80, "memory_bandwidth_tb_s": 3.35,
                "dense_tflops": {"bf16": -989}}]}, "gpus[0].dense_tflops.bf16: must be above 0"),
    ({"gpus": [{"id": "h100-sxm", "memory_gb": 80, "memory_bandwidth_tb_s": 0, "dense_tflops": {"bf16": 989}}]},
     "gpus[0].memory_bandwidth_tb_s: must be above 0"),
    ({"models": [{"id": "m", "total_params_b": 8, "layers": 32, "hidden_size": 4096, "attention_heads": 32,
                  "kv_heads": -8, "head_dim": 128}]}, "models[0].kv_heads: must be a whole number of at least 1"),
    ({"profiles": [{"id": "trtllm", "mfu": 1.5}]}, "profiles[0].mfu: must be a fraction above 0 and at most 1"),
])
def test_hostile_catalogs_are_refused(monkeypatch, capsys, tmp_path, catalog, words) -> None:
    code, out, err = _plan_with(monkeypatch, capsys, tmp_path, SELF_HOSTED, catalog=catalog)
    assert code == 2 and out == ""
    one_problem_line(err)
    assert words in err


def test_nan_bandwidth_never_reaches_llm_estimate_json(monkeypatch, capsys, tmp_path) -> None:
    (tmp_path / "c.json").write_text('{"gpus": [{"id": "g", "memory_gb": 80, "memory_bandwidth_tb_s": NaN, '
                                     '"dense_tflops": {"bf16": 900}}]}')
    code, out, err = run(monkeypatch, capsys, ["llm-estimate", "--model", "llama-3.1-8b", "--gpu", "g",
                                               "--input-tokens", "10", "--output-tokens", "10", "--format", "json",
                                               "--catalog", str(tmp_path / "c.json")])
    assert code == 2 and "NaN" not in out and "NaN is not a valid JSON number" in err


@pytest.mark.parametrize("scenario,field", [
    ({**SCENARIO, "registered_users": True, "concurrent_users": 1}, "registered_users: must be a number, got true"),
    ({**SCENARIO, "registered_users": "200000"}, "registered_users: must be a number, got the text '200000'"),
    ({**SCENARIO, "workload": {"output_tokens": "500"}}, "workload.output_tokens: must be a number"),
    ({**SCENARIO, "peak_multiplier": False}, "peak_multiplier: must be a number"),
    ({**SCENARIO, "region": "mars-north-1"}, "region: unknown region 'mars-north-1'"),
    ({**SCENARIO, "concurrent_users": {"low": True, "high": 5000}}, "concurrent_users.low: must be a number, got true (a boolean)"),
    ({**SCENARIO, "concurrent_users": {"low": 1000, "high": "5000"}}, "concurrent_users.high: must be a number, got the text '5000' (write it without quotes)"),
])
def test_coerced_scenarios_are_refused(monkeypatch, capsys, tmp_path, scenario, field) -> None:
    code, out, err = _plan_with(monkeypatch, capsys, tmp_path, scenario)
    assert code == 2 and out == ""
    one_problem_line(err)
    assert field in err


def test_duplicate_keys_are_refused_with_the_key(monkeypatch, capsys, tmp_path) -> None:
    (tmp_path / "s.json").write_text('{"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000, '
                                     '"llm": {"model": "gpt-5-mini", "model": "claude-sonnet-4-6"}}')
    code, out, err = run(monkeypatch, capsys, ["plan", str(tmp_path / "s.json")])
    assert code == 2 and "duplicate key 'model'" in err


@pytest.mark.parametrize("flags,words", [
    (["--tp", "3"], "does not split"),
    (["--tp", "16"], "from 1 to 8"),
    (["--concurrency", "0.5"], "concurrency must be a whole number of requests in flight, at least 1"),
    (["--concurrency", "0"], "concurrency must be a whole number"),
])
def test_impossible_serving_setups_are_refused(monkeypatch, capsys, flags, words) -> None:
    code, out, err = run(monkeypatch, capsys, ["llm-estimate", "--model", "llama-3.1-70b", "--gpu", "h100-sxm",
                                               "--input-tokens", "1000", "--output-tokens", "200", *flags])
    assert code == 2 and words in err
    one_problem_line(err)


def test_tp_that_divides_the_heads_still_estimates(monkeypatch, capsys) -> None:
    code, out, err = run(monkeypatch, capsys, ["llm-estimate", "--model", "llama-3.1-70b", "--gpu", "h100-sxm",
                                               "--input-tokens", "1000", "--output-tokens", "200", "--tp", "4",
                                               "--format", "json"])
    assert code == 0 and json.loads(out)["tensor_parallel"] == 4


def test_a_hand_edited_plan_in_a_resumed_transcript_is_replanned(monkeypatch, capsys, tmp_path) -> None:
    real = plan(SCENARIO).model_dump(mode="json")
    edited = json.loads(json.dumps(real))
    edited["cost"]["monthly_usd"] = -1
    doc = {"messages": [{"role": "user", "content": "plan it"}],
           "scenarios": [{"name": "baseline", "kind": "baseline", "inputs": SCENARIO, "plan": edited}]}
    path = write_json(tmp_path / "t.json", doc)
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline", "--resume", str(path)], "/scenarios\n")
    assert code == 0, err
    assert "Re-planned from their inputs (the stored figures differed): baseline." in out
    saved = json.loads(path.read_text())
    assert saved["scenarios"][0]["plan"]["cost"]["monthly_usd"] == real["cost"]["monthly_usd"] > 0
    assert "$-1.00 a month" not in out and f"${real['cost']['monthly_usd']:,.0f} a month" in out


def test_a_resumed_scenario_whose_inputs_do_not_plan_exits_2(monkeypatch, capsys, tmp_path) -> None:
    doc = {"messages": [], "scenarios": [{"name": "baseline", "kind": "baseline",
                                          "inputs": {**SCENARIO, "registered_users": -5}, "plan": {}}]}
    path = write_json(tmp_path / "t.json", doc)
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline", "--resume", str(path)])
    assert code == 2 and "scenario 'baseline' no longer plans" in err and "registered_users" in err


def test_claude_without_caching_costs_input_at_the_input_price_in_the_total() -> None:
    """The mutation that survived (cache writes billed when no caching is configured): test the total."""
    p = plan({**SCENARIO, "llm": {"model": "claude-sonnet-4-6"}, "workload": {"cached_input_share": 0}})
    load, api = p.load, p.llm.api
    assert api is not None and api.price_cache_write_usd_per_mtok  # the model has a cache-write price
    expected = (load.monthly_input_tokens / 1e6 * api.price_input_usd_per_mtok
                + load.monthly_output_tokens / 1e6 * api.price_output_usd_per_mtok)
    assert p.llm.monthly_usd == pytest.approx(expected, rel=1e-9)
    llm_line = next(b for b in p.cost.breakdown if b.component.startswith("LLM API"))
    assert llm_line.monthly_usd == pytest.approx(expected, rel=1e-9)
