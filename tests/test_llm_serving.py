"""Exact formula checks of the serving estimator on hand-computed cases, plus invariants."""
from __future__ import annotations

import pytest

from forecasting.llm_serving import ServingInputError, estimate, known_gpus, known_models, slo_capacity
from forecasting.serving import physics as ph
from forecasting.serving.catalog import GIB, load_serving_catalog

CAT = load_serving_catalog()


def test_catalog_ids() -> None:
    for mid in ["llama-3.1-8b", "llama-3.1-70b", "llama-3.3-70b", "llama-3.1-405b", "llama-2-7b", "llama-2-70b",
                "mistral-7b", "mixtral-8x7b", "qwen2.5-72b"]:
        assert mid in known_models()
    for gid in ["a10g", "l4", "l40s", "a100-40gb", "a100-80gb", "h100-sxm", "h100-pcie", "h200", "gh200", "b200", "mi300x"]:
        assert gid in known_gpus()


def test_weights_and_kv_bytes() -> None:
    m = CAT.model("llama-3.1-70b")
    assert ph.weight_bytes(m, "bf16") == pytest.approx(70.55e9 * 2)
    assert ph.weight_bytes(m, "fp8") == pytest.approx(70.55e9)
    # 2 (K,V) x 80 layers x 8 KV heads x 128 head dim x 2 B = 327,680 B/token
    assert ph.kv_bytes_per_token(m, "bf16") == 2 * 80 * 8 * 128 * 2
    assert ph.kv_bytes_per_token(m, "fp8") == 2 * 80 * 8 * 128


def test_slo_capacity_smoke() -> None:
    s = slo_capacity("llama-3.1-8b", "h100-sxm", input_tokens=1000, output_tokens=300, itl_target_ms=50, ttft_target_ms=2000)
    assert s.max_sequences_at_slo >= 1 and s.meets_slo


def test_unknown_gpu_suggests() -> None:
    with pytest.raises(ServingInputError, match="did you mean"):
        estimate("llama-3.1-8b", "h100-sx", input_tokens=10, output_tokens=10)
