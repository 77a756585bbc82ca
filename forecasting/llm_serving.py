"""Self-hosted LLM serving: how fast one model runs on one GPU type, and how many sequences a replica
serves within latency targets.

Why a facade: the capacity plan, the `llm-estimate` command and the accuracy benchmark import from one
stable place, while the catalog, the roofline physics and the estimates live in small modules under
`forecasting/serving/`. The model is a calibrated roofline (DESIGN.md, "Self-hosted LLM serving"):
weights and KV-cache memory, KV-capacity-limited batch, decode = max(weight streaming, GEMM compute) +
KV reads + tensor-parallel all-reduce + step overhead, prefill compute-bound, and engine efficiency in
named profiles (forecasting/data/engine_profiles.json).
"""
from __future__ import annotations

from forecasting.serving.catalog import (
    EngineProfile,
    GpuSpec,
    ModelSpec,
    ServingCatalog,
    ServingInputError,
    load_serving_catalog,
)
from forecasting.serving.estimate import (
    MemoryBreakdown,
    ServingEstimate,
    SloCapacity,
    estimate,
    estimate_request_rate,
    known_gpus,
    known_models,
    slo_capacity,
)

__all__ = [
    "EngineProfile", "GpuSpec", "MemoryBreakdown", "ModelSpec", "ServingCatalog", "ServingEstimate",
    "ServingInputError", "SloCapacity", "estimate", "estimate_request_rate", "known_gpus", "known_models",
    "load_serving_catalog", "slo_capacity",
]
