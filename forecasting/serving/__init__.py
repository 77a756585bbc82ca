"""Self-hosted LLM serving: how fast one model runs on one GPU type, how many sequences a replica
serves within latency targets, and how many replicas (and GPU instances) a plan needs.

Why one package with one front door: the capacity plan, the `llm-estimate` command and the accuracy
benchmark import from `forecasting.serving`, while the catalog, the roofline physics, the estimates and
the plan's replica sizing (`replicas.py`) live in small modules here. The model is a calibrated roofline
(DESIGN.md, "Self-hosted LLM serving"): weights and KV-cache memory, KV-capacity-limited batch, decode =
max(weight streaming, GEMM compute) + KV reads + tensor-parallel all-reduce + step overhead, prefill
compute-bound, and engine efficiency in named profiles (forecasting/data/engine_profiles.json).

Why the names load on first use (PEP 562): a plan on a hosted API imports `serving.replicas` with the
planner but never runs the estimator, so `capplan plan` does not pay for loading it.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from forecasting.lazy import lazy_getattr

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.serving.catalog import (
        EngineProfile,
        GpuSpec,
        ModelSpec,
        ServingCatalog,
        ServingInputError,
        load_serving_catalog,
    )
    from forecasting.serving.estimator import (
        MemoryBreakdown,
        ServingEstimate,
        SloCapacity,
        estimate,
        estimate_request_rate,
        known_gpus,
        known_models,
        slo_capacity,
    )

_EXPORTS = {
    **{n: "forecasting.serving.catalog" for n in (
        "EngineProfile", "GpuSpec", "ModelSpec", "ServingCatalog", "ServingInputError", "load_serving_catalog")},
    **{n: "forecasting.serving.estimator" for n in (
        "MemoryBreakdown", "ServingEstimate", "SloCapacity", "estimate", "estimate_request_rate", "known_gpus",
        "known_models", "slo_capacity")},
}
__all__ = [  # literal, so type checkers see the re-exports
    "EngineProfile", "GpuSpec", "MemoryBreakdown", "ModelSpec", "ServingCatalog", "ServingEstimate",
    "ServingInputError", "SloCapacity", "estimate", "estimate_request_rate", "known_gpus", "known_models",
    "load_serving_catalog", "slo_capacity",
]


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
