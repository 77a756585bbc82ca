"""Self-hosted LLM serving for a plan: replicas from SLO-bounded capacity, priced as GPU instances.

Why the SLO-bounded batch and not peak throughput: a replica pushed to its maximum batch misses the
inter-token latency people feel; the estimator gives the largest number of concurrent sequences one
replica serves within the ITL and TTFT targets, and Little's law gives how many sequences are
generating at the peak. Replicas = ceil(sequences x (1 + margin) / sequences per replica).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

from forecasting.catalog import Catalog
from forecasting.catalog_entries import GpuInstance
from forecasting.workload import Load


@dataclass(frozen=True)
class GpuOffer:
    instance: str | None
    gpus_per_instance: int
    usd_per_hour: float | None  # per instance
    usd_per_gpu_hour: float | None
    source: str
    entry: GpuInstance | None = None


@dataclass(frozen=True)
class SelfHostedSizing:
    concurrent_sequences: float
    sequences_per_replica: int
    replicas: int
    gpus_per_replica: int
    gpus: int
    instances: int
    offer: GpuOffer
    monthly_usd: float | None
    hourly_replicas: tuple[int, ...] = ()
    hourly_instances: tuple[int, ...] = ()


def best_offer(cat: Catalog, gpu: str, gpus_per_replica: int, replicas: int) -> GpuOffer:
    """The cheapest way to host `replicas` x `gpus_per_replica` GPUs; a replica never spans instances."""
    best: tuple[float, GpuOffer] | None = None
    for inst in cat.gpu_instances:
        if inst.gpu != gpu or inst.gpus < gpus_per_replica or inst.usd_per_hour is None:
            continue  # an instance without an on-demand price (capacity blocks only) cannot be planned on
        per_instance = inst.gpus // gpus_per_replica
        count = math.ceil(replicas / per_instance)
        total = count * inst.usd_per_hour
        offer = GpuOffer(inst.name, inst.gpus, float(inst.usd_per_hour), float(inst.usd_per_hour) / inst.gpus, inst.dated_source, inst)
        if best is None or total < best[0]:
            best = (total, offer)
    if best is None:
        return GpuOffer(None, gpus_per_replica, None, None, "no priced instance for this GPU in the catalog")
    return best[1]


def concurrent_sequences(load: Load, ttft_ms: float, itl_ms: float, output_tokens: float) -> float:
    """Little's law: sequences generating at the peak = call rate x time each call occupies the replica."""
    return load.peak_llm_calls_per_s * (ttft_ms + output_tokens * itl_ms) / 1000.0


def size_self_hosted(load: Load, margin: float, cap: Any, output_tokens: float, cat: Catalog, gpu: str,
                     hours_per_month: float, min_replicas: int = 1, curve_to_peak: tuple[float, ...] = (1.0,)) -> SelfHostedSizing:
    """Replicas at the peak hour and at each hour of the daily curve (never below `min_replicas`)."""
    seqs = concurrent_sequences(load, cap.ttft_ms, cap.itl_ms, output_tokens)
    per_replica = max(1, int(cap.max_sequences_at_slo))
    need = seqs * (1.0 + margin) / per_replica
    hourly = tuple(max(min_replicas, 1, math.ceil(need * r - 1e-9)) for r in curve_to_peak)
    replicas = max(hourly)
    gpr = int(cap.gpus_per_replica)
    offer = best_offer(cat, gpu, gpr, replicas)
    if offer.usd_per_hour is None:
        return SelfHostedSizing(seqs, per_replica, replicas, gpr, replicas * gpr, 0, offer, None, hourly, ())
    per_instance = offer.gpus_per_instance // gpr
    hourly_instances = tuple(math.ceil(x / per_instance) for x in hourly)
    instances = max(hourly_instances)
    return SelfHostedSizing(seqs, per_replica, replicas, gpr, replicas * gpr, instances, offer,
                            instances * offer.usd_per_hour * hours_per_month, hourly, hourly_instances)


def priced(s: SelfHostedSizing, monthly_usd: float) -> SelfHostedSizing:
    """The same sizing with its autoscaled monthly cost."""
    return replace(s, monthly_usd=monthly_usd)
