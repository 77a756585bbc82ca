"""Exact formula checks of the serving estimator on hand-computed cases, plus invariants.

The hand computations use a test profile with round constants (not the calibrated one), so these tests
pin the formulas, not the current calibration.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.serving import (
    ServingCatalog,
    ServingInputError,
    estimate,
    estimate_request_rate,
    known_gpus,
    known_models,
    load_serving_catalog,
    slo_capacity,
)
from forecasting.serving import physics as ph
from forecasting.serving.catalog import GIB

BASE = load_serving_catalog()
TEST_PROFILE = BASE.profiles["trtllm"]._replace(
    id="test", mbu=0.8, attention_mbu=0.8, mfu=0.5, low_precision_mfu_factor=1.0, moe_mfu_factor=1.0,
    step_overhead_ms=1.0, request_overhead_ms=5.0, allreduce_latency_us=10.0, comm_efficiency=0.5,
    reserved_gib=4.0, kv_memory_fraction=0.9, kv_fraction_of="free", max_batch=256,
    kv_reserve_output_fraction=1.0, sliding_window_kv=False, useful_kv_sequences=16)
CAT = ServingCatalog(models=BASE.models, gpus=BASE.gpus, profiles={**BASE.profiles, "test": TEST_PROFILE},
                     default_profile="test", model_aliases=BASE.model_aliases, gpu_aliases=BASE.gpu_aliases)


def test_catalog_ids_and_sources() -> None:
    for mid in ["llama-3.1-8b", "llama-3.1-70b", "llama-3.3-70b", "llama-3.1-405b", "llama-2-7b", "llama-2-70b",
                "mistral-7b", "mixtral-8x7b", "qwen2.5-72b"]:
        assert mid in known_models()
        assert BASE.models[mid].as_of
    for gid in ["a10g", "l4", "l40s", "a100-40gb", "a100-80gb", "h100-sxm", "h100-pcie", "h200", "gh200", "b200",
                "mi300x"]:
        assert gid in known_gpus()
        assert BASE.gpus[gid].source and BASE.gpus[gid].as_of
    assert BASE.gpus["b200"].supported_precisions == ["bf16", "fp16", "fp8", "fp4"]
    assert "fp8" not in BASE.gpus["a100-80gb"].supported_precisions
    assert BASE.model("Llama-3.1-70B").id == "llama-3.1-70b"
    assert BASE.gpu("H100-SXM-80GB").id == "h100-sxm"


def test_weights_and_kv_bytes() -> None:
    m = CAT.model("llama-3.1-70b")
    assert ph.weight_bytes(m, "bf16") == pytest.approx(70.55e9 * 2)
    assert ph.weight_bytes(m, "fp8") == pytest.approx(70.55e9)
    assert ph.weight_bytes(m, "fp4") == pytest.approx(70.55e9 * 4.5 / 8)
    # 2 (K,V) x 80 layers x 8 KV heads x 128 head dim x 2 B = 327,680 B/token
    assert ph.kv_bytes_per_token(m, "bf16") == 2 * 80 * 8 * 128 * 2
    assert ph.kv_bytes_per_token(m, "fp8") == 2 * 80 * 8 * 128
    # MLA caches the latent: 61 layers x (512 + 64) x 2 B
    assert ph.kv_bytes_per_token(CAT.model("deepseek-v3"), "bf16") == 61 * 576 * 2
    assert ph.kv_shards(m, 4) == 4 and ph.kv_shards(m, 16) == 8
    assert ph.kv_shards(CAT.model("deepseek-v3"), 8) == 1


def test_moe_reads_active_weights_at_batch_one_and_all_at_large_batch() -> None:
    mix = CAT.model("mixtral-8x7b")
    assert ph.moe_weight_read_fraction(mix, 1) == pytest.approx(12.9 / 46.7)
    assert ph.moe_weight_read_fraction(mix, 512) == pytest.approx(1.0, abs=1e-6)
    assert ph.moe_weight_read_fraction(CAT.model("llama-3.1-8b"), 1) == 1.0


def test_kv_pool_and_tp_choice_hand_computed() -> None:
    # llama-3.1-70b bf16 on 80 GiB H100s: TP1 cannot hold 131.4 GiB of weights.
    # TP2: per GPU 65.70 GiB weights + 4 GiB reserved; pool = (80 - 65.70 - 4) x 0.9 GiB; KV/token/GPU = 163,840 B
    est = estimate("llama-3.1-70b", "h100-sxm", input_tokens=1000, output_tokens=1000, catalog=CAT)
    w_gpu = 70.55e9 * 2 / 2
    pool = (80 * GIB - w_gpu - 4 * GIB) * 0.9
    tokens = 2 * pool / 327680
    assert est.tensor_parallel == 2
    assert est.memory.kv_tokens_capacity == int(tokens)
    assert est.max_concurrent_sequences == int(tokens // 2000)
    assert est.memory.weights_gib == pytest.approx(w_gpu / GIB, abs=1e-3)
    assert est.bound == "kv_capacity"


def test_decode_step_prefill_and_ttft_hand_computed() -> None:
    # llama-3.1-8b bf16 on one H100-SXM, 10 sequences of 1000 in / 200 out -> mean context 1100 tokens
    est = estimate("llama-3.1-8b", "h100-sxm", input_tokens=1000, output_tokens=200, concurrency=10, catalog=CAT)
    t_w = 8.03e9 * 2 / (3.35e12 * 0.8)                      # 5.993 ms streaming the weights
    t_c = 2 * 8.03e9 * 10 / (989e12 * 0.5)                  # 0.325 ms of GEMMs: memory-bound
    t_kv = 10 * 1100 * 131072 / (3.35e12 * 0.8)             # 0.538 ms reading the KV cache
    step = max(t_w, t_c) + t_kv + 1e-3
    assert est.decode_step_ms == pytest.approx(step * 1e3, abs=1e-3)
    flops = 2 * 8.03e9 * 1000 + 2 * 32 * 4096 * 1000 * 1000  # GEMMs + causal attention
    t_pf = flops / (989e12 * 0.5)                           # 33.0 ms
    x = 10 * 200 / (10 * t_pf + 200 * step)
    assert est.output_tokens_per_s == pytest.approx(x, rel=1e-4)
    assert est.itl_ms == pytest.approx(10 / x * 1e3, rel=1e-4)
    assert est.bound == "memory_bandwidth"
    one = estimate("llama-3.1-8b", "h100-sxm", input_tokens=1000, output_tokens=200, concurrency=1, catalog=CAT)
    assert one.ttft_ms == pytest.approx((5e-3 + t_pf) * 1e3, rel=1e-4)  # no other prefills, no running step


def test_tp_allreduce_hand_computed() -> None:
    s = ph.make_setup(CAT.model("llama-3.1-70b"), CAT.gpu("h100-sxm"), TEST_PROFILE, "bf16", "bf16", 4)
    msg = 8 * 8192 * 2                                      # 8 tokens x hidden 8192 x 2 B
    one = 10e-6 + 2 * 3 / 4 * msg / (450e9 * 0.5)
    assert ph.allreduce_time(s, 8) == pytest.approx(2 * 80 * one)


def test_fp8_halves_weights_and_uses_fp8_flops() -> None:
    bf = estimate("llama-3.1-8b", "h100-sxm", input_tokens=500, output_tokens=100, concurrency=1, catalog=CAT)
    f8 = estimate("llama-3.1-8b", "h100-sxm", input_tokens=500, output_tokens=100, concurrency=1, catalog=CAT,
                  precision="fp8")
    assert f8.memory.weights_gib == pytest.approx(bf.memory.weights_gib / 2, abs=1e-3)
    assert f8.kv_precision == "fp8" and f8.itl_ms < bf.itl_ms and f8.ttft_ms < bf.ttft_ms


def test_bad_inputs_raise_clear_errors() -> None:
    with pytest.raises(ServingInputError, match="did you mean h100-sxm"):
        estimate("llama-3.1-8b", "h100-sx", input_tokens=10, output_tokens=10)
    with pytest.raises(ServingInputError, match="cannot run fp8"):
        estimate("llama-3.1-8b", "a100-80gb", precision="fp8", input_tokens=10, output_tokens=10)
    with pytest.raises(ServingInputError, match="does not fit"):
        estimate("llama-3.1-405b", "l4", input_tokens=10, output_tokens=10)
    with pytest.raises(ServingInputError, match="input_tokens"):
        estimate("llama-3.1-8b", "h100-sxm", input_tokens=0, output_tokens=10)
    with pytest.raises(ServingInputError, match="output_tokens"):
        estimate("llama-3.1-8b", "h100-sxm", input_tokens=10, output_tokens=-5)
    with pytest.raises(ServingInputError, match="concurrency"):
        estimate("llama-3.1-8b", "h100-sxm", input_tokens=10, output_tokens=10, concurrency=0)


def test_slo_capacity_is_the_largest_batch_within_targets() -> None:
    kw = dict(input_tokens=1000, output_tokens=300, itl_target_ms=40.0, ttft_target_ms=1000.0, catalog=CAT)
    s = slo_capacity("llama-3.1-70b", "h100-sxm", tp=4, **kw)
    assert s.meets_slo and s.itl_ms <= 40.0 and s.ttft_ms <= 1000.0
    assert s.max_sequences_at_slo <= s.max_concurrent_sequences
    more = estimate("llama-3.1-70b", "h100-sxm", tp=4, input_tokens=1000, output_tokens=300,
                    concurrency=s.max_sequences_at_slo + 1, catalog=CAT)
    assert more.itl_ms > 40.0 or more.ttft_ms > 1000.0 or s.bound in ("kv_capacity", "engine_max_batch")
    at = estimate("llama-3.1-70b", "h100-sxm", tp=4, input_tokens=1000, output_tokens=300,
                  concurrency=s.max_sequences_at_slo, catalog=CAT)
    assert at.itl_ms == pytest.approx(s.itl_ms, rel=1e-6)
    assert s.output_tokens_per_s_at_slo == pytest.approx(at.output_tokens_per_s, rel=1e-6)


def test_slo_capacity_unmeetable_target_returns_one_with_flag() -> None:
    s = slo_capacity("llama-3.1-70b", "a100-80gb", input_tokens=1000, output_tokens=300, itl_target_ms=1.0,
                     ttft_target_ms=2000.0)
    assert s.max_sequences_at_slo == 1 and s.meets_slo is False
    assert any("misses the target" in line for line in s.derivation)


def test_slo_capacity_bad_input() -> None:
    with pytest.raises(ServingInputError, match="did you mean"):
        slo_capacity("llama-3.1-8b", "h10", input_tokens=10, output_tokens=10, itl_target_ms=50, ttft_target_ms=2000)
    with pytest.raises(ServingInputError, match="itl_target_ms"):
        slo_capacity("llama-3.1-8b", "h100-sxm", input_tokens=10, output_tokens=10, itl_target_ms=0,
                     ttft_target_ms=2000)


def test_user_catalog_extends_and_validates(tmp_path: Path) -> None:
    extra = {"gpus": [{"id": "my-gpu", "memory_gb": 64, "memory_bandwidth_tb_s": 2.0,
                       "dense_tflops": {"bf16": 500, "fp8": 1000}, "interconnect_gb_s": 100,
                       "source": {"title": "our lab"}, "as_of": "2026-11-01"}],
             "models": [{"id": "tiny-1b", "total_params_b": 1.0, "layers": 16, "hidden_size": 2048,
                         "attention_heads": 16, "kv_heads": 4, "head_dim": 128}]}
    f = tmp_path / "extra.json"
    f.write_text(json.dumps(extra))
    cat = load_serving_catalog(str(f))
    assert "my-gpu" in cat.gpus and "h100-sxm" in cat.gpus and "tiny-1b" in cat.models
    est = estimate("tiny-1b", "my-gpu", input_tokens=100, output_tokens=100, catalog=cat)
    assert est.output_tokens_per_s > 0 and est.memory.kv_bytes_per_token == 2 * 16 * 4 * 128 * 2
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"gpus": [{"id": "x", "memory_gb": -1}]}))
    with pytest.raises(ServingInputError, match="memory_gb"):
        load_serving_catalog(str(bad))


def test_open_loop_light_load_matches_offered_rate() -> None:
    e = estimate_request_rate("llama-3.1-8b", "h100-sxm", input_tokens=200, output_tokens=200, request_rate=1.0,
                              catalog=CAT)
    assert e.output_tokens_per_s == pytest.approx(200.0)
    assert e.concurrency is not None and 0 < e.concurrency < 5


@settings(max_examples=60, deadline=None)
@given(model=st.sampled_from(["llama-3.1-8b", "mixtral-8x7b", "llama-3.1-70b", "qwen2.5-7b", "gemma-2-9b"]),
       gpu=st.sampled_from(["h100-sxm", "a100-80gb", "h200", "l40s", "mi300x", "b200"]),
       i=st.integers(1, 8000), o=st.integers(1, 4000), c1=st.integers(1, 300), c2=st.integers(1, 300))
def test_more_concurrency_never_lowers_throughput_or_latency(model: str, gpu: str, i: int, o: int, c1: int,
                                                             c2: int) -> None:
    lo, hi = sorted((c1, c2))
    try:
        a = estimate(model, gpu, input_tokens=i, output_tokens=o, concurrency=lo, tp=8)
    except ServingInputError:
        return
    b = estimate(model, gpu, input_tokens=i, output_tokens=o, concurrency=hi, tp=8)
    assert b.output_tokens_per_s >= a.output_tokens_per_s * (1 - 1e-9)
    assert b.itl_ms >= a.itl_ms * (1 - 1e-9) and b.ttft_ms >= a.ttft_ms * (1 - 1e-9)
    for e in (a, b):
        for v in (e.output_tokens_per_s, e.ttft_ms, e.itl_ms, e.e2e_latency_ms):
            assert math.isfinite(v) and v > 0
