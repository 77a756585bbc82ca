"""Self-hosted LLM serving for a plan: replicas from SLO-bounded capacity, priced as GPU instances.

Why the SLO-bounded batch and not peak throughput: a replica pushed to its maximum batch misses the
inter-token latency people feel; the estimator gives the largest number of concurrent sequences one
replica serves within the ITL and TTFT targets, and Little's law gives how many sequences are
generating at the peak. Replicas = ceil(sequences x (1 + margin) / sequences per replica).
Why `explain`: with it on (month 0 of a plan), `size_self_hosted` writes the llm.self_hosted.* derivations
(with the estimator's facts it sizes from: tensor parallelism, ITL, TTFT) beside the arithmetic, from the
same locals, and `priced` the GPU cost's (llm.monthly_usd) (forecasting/derivation.py).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, NamedTuple, TYPE_CHECKING

from forecasting.catalog import Catalog
from forecasting.derivation import margin_factor, n as _n, NO_DERIVATIONS
from forecasting.catalog_entries import GpuInstance
from forecasting.workload import Load

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.autoscale import TierCost


class GpuOffer(NamedTuple):
    instance: str | None
    gpus_per_instance: int
    usd_per_hour: float | None  # per instance
    usd_per_gpu_hour: float | None
    source: str
    entry: GpuInstance | None = None


class SelfHostedSizing(NamedTuple):
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
    derivations: Mapping[str, str] = NO_DERIVATIONS


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
                     hours_per_month: float, min_replicas: int = 1, curve_to_peak: tuple[float, ...] = (1.0,),
                     explain: bool = False, tensor_parallel_given: bool = False) -> SelfHostedSizing:
    """Replicas at the peak hour and at each hour of the daily curve (never below `min_replicas`).
    `tensor_parallel_given`: the scenario set the degree (the estimator chose it otherwise), for the text."""
    seqs = concurrent_sequences(load, cap.ttft_ms, cap.itl_ms, output_tokens)
    per_replica = max(1, int(cap.max_sequences_at_slo))
    need = seqs * (1.0 + margin) / per_replica
    hourly = tuple(max(min_replicas, 1, math.ceil(need * r - 1e-9)) for r in curve_to_peak)
    replicas = max(hourly)
    gpr = int(cap.gpus_per_replica)
    gpus = replicas * gpr
    offer = best_offer(cat, gpu, gpr, replicas)
    per_instance = offer.gpus_per_instance // gpr
    priced_offer = offer.usd_per_hour is not None
    hourly_instances = tuple(math.ceil(x / per_instance) for x in hourly) if priced_offer else ()
    instances = max(hourly_instances) if priced_offer else 0
    derivations = NO_DERIVATIONS
    if explain:
        derivations = {
            "llm.self_hosted.concurrent_sequences_at_peak": (
                f"sequences generating at peak = {_n(load.peak_llm_calls_per_s)} calls/s x ({_n(cap.ttft_ms)} ms TTFT"
                f" + {_n(output_tokens)} tokens x {_n(cap.itl_ms)} ms ITL) = {_n(seqs)}"),
            "llm.self_hosted.sequences_per_replica_at_slo": (
                f"one replica ({gpr} x {gpu}) serves at most {per_replica} concurrent sequences while meeting"
                f" ITL <= {_n(cap.itl_target_ms)} ms and TTFT <= {_n(cap.ttft_target_ms)} ms (the estimator; bound: {cap.bound})"),
            "llm.self_hosted.replicas": (
                f"replicas = ceil({_n(seqs)} sequences x {margin_factor(margin)} / {per_replica} per replica) = {replicas};"
                f" GPUs = {replicas} x {gpr} = {gpus} at the peak hour; each hour of the daily curve needs its share of that,"
                f" at least {min_replicas} (llm.min_replicas)"),
            "llm.self_hosted.autoscaling.hourly_replicas": "replicas by hour: " + ", ".join(f"{x:02d}h {c}" for x, c in enumerate(hourly)),
            "llm.self_hosted.autoscaling.min_replicas": f"the trough hour's replicas, at least llm.min_replicas {min_replicas}: {min(hourly)}",
            "llm.self_hosted.autoscaling.max_replicas": f"the peak hour's replicas (llm.self_hosted.replicas): {replicas}",
            "llm.self_hosted.tensor_parallel": (f"tensor parallel {cap.tensor_parallel}: "
                                                + ("given in the scenario" if tensor_parallel_given else
                                                   "chosen by the estimator (most sequences per GPU within the latency targets)")),
            "llm.self_hosted.gpus_per_replica": f"{gpr} GPUs per replica = tensor parallel degree",
            "llm.self_hosted.gpus": f"GPUs = {replicas} replicas x {gpr} GPUs = {gpus}",
            "llm.self_hosted.itl_ms": f"inter-token latency {_n(cap.itl_ms)} ms at {per_replica} sequences per replica (the estimator)",
            "llm.self_hosted.ttft_ms": f"time to first token {_n(cap.ttft_ms)} ms at {per_replica} sequences per replica (the estimator)",
        }
        if offer.instance is not None:
            derivations["llm.self_hosted.gpu_instances"] = (
                f"{replicas} replicas of {gpr} GPUs packed {per_instance} per {offer.instance}"
                f" ({offer.gpus_per_instance} GPUs) = {instances} instances, the cheapest packing in the catalog")
            derivations["llm.self_hosted.usd_per_gpu_hour"] = f"${offer.usd_per_hour}/h / {offer.gpus_per_instance} GPUs ({offer.source})"
    if offer.usd_per_hour is None:
        return SelfHostedSizing(seqs, per_replica, replicas, gpr, gpus, 0, offer, None, hourly, (), derivations)
    return SelfHostedSizing(seqs, per_replica, replicas, gpr, gpus, instances, offer,
                            instances * offer.usd_per_hour * hours_per_month, hourly, hourly_instances, derivations)


def gpu_cost_basis(offer: GpuOffer, gpu_cost: "TierCost") -> str:
    """The GPU instances' cost line as the plan's cost breakdown and `llm.monthly_usd` both show it."""
    return f"{offer.instance} ({offer.gpus_per_instance} GPUs each), {gpu_cost.basis}"


def priced(s: SelfHostedSizing, gpu_cost: "TierCost", explain: bool = False) -> SelfHostedSizing:
    """The same sizing with its autoscaled monthly cost (the GPU instances' `gpu_cost` over the daily curve)."""
    monthly_usd = gpu_cost.autoscaled_monthly_usd
    if not explain:
        return s._replace(monthly_usd=monthly_usd)
    offer = s.offer
    return s._replace(monthly_usd=monthly_usd, derivations={
        **s.derivations,
        "llm.monthly_usd": (f"GPU cost = {gpu_cost_basis(offer, gpu_cost)}"
                            f" = ${monthly_usd:,.2f}/month ({offer.source})"),
        "llm.self_hosted.autoscaling.autoscaled_monthly_usd": gpu_cost.basis,
        "llm.self_hosted.autoscaling.always_on_monthly_usd": gpu_cost.basis,
    })


class OperatingPoint(NamedTuple):
    """The knee of the replica's concurrency curve: the SLO-bounded batch, against the batch at saturation."""

    concurrency_per_replica: int
    output_tokens_per_s_per_replica: float
    max_output_tokens_per_s_per_replica: float
    share_of_max_throughput: float
    limited_by: str
    derivations: Mapping[str, str] = NO_DERIVATIONS


def operating_point(cap: Any, explain: bool = False) -> OperatingPoint:
    """`cap` is the estimator's SLO capacity; the saturation throughput falls back to the SLO-bounded one
    when the estimator has no saturation point."""
    batch, at_slo = int(cap.max_sequences_at_slo), float(cap.output_tokens_per_s_at_slo)
    top = float(cap.max_output_tokens_per_s) or at_slo
    share = at_slo / top if top > 0 else 0.0
    derivations = NO_DERIVATIONS
    if explain:
        key = "llm.self_hosted.operating_point."
        derivations = {
            key + "concurrency_per_replica": (f"the knee of the replica's latency curve: the highest concurrency ({batch}) whose ITL and TTFT"
                                             f" meet the targets (limited by {cap.bound}); `capplan llm-estimate --sweep` prints the curve"),
            key + "output_tokens_per_s_per_replica": f"{_n(at_slo)} output tokens/s per replica at {batch} sequences (the estimator)",
            key + "max_output_tokens_per_s_per_replica": (f"{_n(top)} output tokens/s at saturation: the batch the KV cache and engine allow"
                                                         f" ({cap.max_concurrent_sequences} sequences), at any latency"),
            key + "share_of_max_throughput": (f"{_n(at_slo)} / {_n(top)} = {share:.0%} of the saturation throughput: the price of the"
                                             " latency targets" if top > 0 else "0: no throughput"),
        }
    return OperatingPoint(batch, at_slo, top, share, str(cap.bound), derivations)

