"""Autoscaled cost of a tier over the daily curve, and the GPU replicas' scaling signal.

Why the committed baseline is chosen, not assumed: with a reservation priced below on-demand, the k-th
instance is worth committing to when it runs at least (reserved / on-demand) of the day; the cheapest
baseline is therefore the count reached in that many hours. With on-demand or spot prices the ratio is
1 and the baseline is the trough. Committing to the peak count is one of the choices, so the autoscaled
cost can never exceed the always-on cost.
Why the CPU tiers' step-scaling alarm sits above the tracking target: the tracking policy holds the
target; the alarm adds capacity before saturation (app_tier.scale_out_threshold).
Why the GPU threshold sits below the sizing target: a new replica serves only after `model_load_s`; the
scale-out signal must fire while the load can still rise that long without breaching the latency targets.
Why `explain`: `cpu_scaling` is computed once per plan, by the planner for the figures and by
forecasting/explain.py with `explain` on for their texts, written beside the arithmetic
(forecasting/derivation.py); `tier_cost` and `gpu_signal` carry theirs as `basis`.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple, TYPE_CHECKING

from forecasting.app_tier import SCALE_OUT_CAP, SCALE_OUT_STEP, scale_out_threshold
from forecasting.derivation import margin_factor, n as _n, NO_DERIVATIONS
from forecasting.errors import known
from forecasting.pricing import Rate

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.sizing_context import MonthSizing, PlanContext


class TierCost(NamedTuple):
    hourly_counts: tuple[int, ...]
    committed: int
    autoscaled_monthly_usd: float
    always_on_monthly_usd: float
    basis: str


def tier_cost(counts: tuple[int, ...], rate: Rate, hours_per_month: float, unit: str = "instances", text: bool = True) -> TierCost:
    n = len(counts)
    ratio = rate.baseline_usd_per_hour / rate.burst_usd_per_hour if rate.burst_usd_per_hour > 0 else 1.0
    ranked = sorted(counts, reverse=True)
    k = min(n, max(1, math.ceil(n * ratio - 1e-9)))
    committed = ranked[k - 1]
    # hours above the committed count: only the k busiest hours can exceed it
    above = sum(ranked[:k]) - k * committed
    per_day = n * committed * rate.baseline_usd_per_hour + above * rate.burst_usd_per_hour
    scale = hours_per_month / n
    auto = per_day * scale
    always = max(counts) * rate.baseline_usd_per_hour * hours_per_month
    if not text:
        return TierCost(counts, committed, auto, always, "")
    extra = above
    basis = (f"hour by hour over the daily curve: {committed} {unit} all day x ${rate.baseline_usd_per_hour:.4g}/h"
             + (f" + {extra} {unit}-hours a day above them x ${rate.burst_usd_per_hour:.4g}/h" if extra else "")
             + f", x {scale:.3g} days/month (counts by hour: {', '.join(map(str, counts))}); always-on at the peak"
             f" {max(counts)} x ${rate.baseline_usd_per_hour:.4g}/h x {hours_per_month:.0f} h = ${always:,.0f}; {rate.basis}")
    return TierCost(counts, committed, auto, always, basis)


class GpuSignal(NamedTuple):
    scale_out_sequences_per_replica: float
    kv_cache_usage_threshold: float
    waiting_requests_threshold: float
    basis: str


def gpu_signal(per_replica_at_slo: int, kv_max_sequences: int, margin: float, max_rise_per_hour: float,
               model_load_s: float, ttft_ms: float, ttft_target_ms: float, call_latency_s: float) -> GpuSignal:
    """Scale out when running sequences per replica pass target / (1 + rise during a model load)."""
    target = per_replica_at_slo / (1.0 + margin)  # the sizing target: the margin is headroom for bursts
    rise = max_rise_per_hour * model_load_s / 3600.0
    out = target / (1.0 + rise)
    kv = min(1.0, out / max(kv_max_sequences, 1))
    throughput = per_replica_at_slo / call_latency_s if call_latency_s > 0 else 0.0  # requests/s one replica completes
    waiting = max(0.0, (ttft_target_ms - ttft_ms) / 1000.0) * throughput
    basis = (f"target {per_replica_at_slo} sequences at the latency targets / {margin_factor(margin)} = {target:.1f} per replica;"
             f" the curve rises at most {max_rise_per_hour:.1%} of the peak per hour, {rise:.2%} during a {model_load_s:.0f} s model load,"
             f" so scale out at {out:.1f} running sequences per replica = vllm:kv_cache_usage_perc {kv:.2f}"
             f" ({out:.1f} of the {kv_max_sequences} sequences the KV cache holds), or when vllm:num_requests_waiting exceeds"
             f" {waiting:.1f} per replica (the queue that uses up the {ttft_target_ms - ttft_ms:.0f} ms left of the TTFT target at"
             f" {throughput:.2f} requests/s per replica)")
    return GpuSignal(out, kv, waiting, basis)


def gpu_scaling(ctx: "PlanContext") -> GpuSignal:
    """The plan's GPU scale-out signal: from the estimator's capacity, the margin, the daily curve's steepest
    rise and the model load time (one per plan: none of them changes with the month)."""
    slo, r = ctx.slo, ctx.r
    return gpu_signal(int(slo.max_sequences_at_slo), int(slo.max_concurrent_sequences), r.safety_margin,
                      ctx.curve.max_hourly_rise, float(known(r.llm.model_load_s, "llm.model_load_s")), float(slo.ttft_ms),
                      float(known(r.llm.ttft_target_ms, "llm.ttft_target_ms")), ctx.shape.call_latency_s)



class CpuScaling:
    """The CPU tiers' scaling policy and their cost over the daily curve (app instances + agent workers).
    A plain slotted class, not a NamedTuple: one per plan, and a NamedTuple class costs a compile at import
    (~1.3M instructions of `capplan plan`, valgrind)."""

    __slots__ = ("scale_out_cpu_utilization", "autoscaled_monthly_usd", "always_on_monthly_usd", "derivations")

    def __init__(self, scale_out_cpu_utilization: float, autoscaled_monthly_usd: float, always_on_monthly_usd: float,
                 derivations: Mapping[str, str] = NO_DERIVATIONS) -> None:
        self.scale_out_cpu_utilization = scale_out_cpu_utilization
        self.autoscaled_monthly_usd = autoscaled_monthly_usd
        self.always_on_monthly_usd = always_on_monthly_usd
        self.derivations = derivations


def cpu_scaling(ctx: "PlanContext", m: "MonthSizing", explain: bool = False) -> CpuScaling:
    """The app tier's step-scaling alarm and the autoscaled / always-on cost of the CPU tiers in month `m`
    (one per plan: the planner's figures; with `explain`, their texts)."""
    app, r = ctx.r.app, ctx.r
    target, scale_in = app.target_cpu_utilization, app.scale_in_utilization
    scale_out = scale_out_threshold(target)
    tiers = (("app instances", m.app_cost),) + ((("agent workers", m.worker_cost),) if m.worker_cost is not None else ())
    autoscaled = sum(c.autoscaled_monthly_usd for _, c in tiers)
    always_on = sum(c.always_on_monthly_usd for _, c in tiers)
    if not explain:
        return CpuScaling(scale_out, autoscaled, always_on)
    curve, margin = ctx.curve.basis, r.safety_margin
    derivations = {
        "compute.autoscaling": (
            f"the same fit at each hour of the daily curve ({curve}): min replicas {m.app.min_replicas} at the trough,"
            f" max {m.app.max_replicas} at the peak with {_n(margin * 100)}% margin; track {target:.0%} CPU,"
            f" step out above {scale_out:.0%}, in below {scale_in:.0%}"),
        "compute.autoscaling.load_curve": curve,
        "compute.autoscaling.autoscaled_monthly_usd": (
            " + ".join(f"{tier} ${c.autoscaled_monthly_usd:,.2f} ({c.basis})" for tier, c in tiers) + f" = ${autoscaled:,.2f}"),
        "compute.autoscaling.always_on_monthly_usd": (
            " + ".join(f"{tier}: {max(c.hourly_counts)} at the peak all day (${c.always_on_monthly_usd:,.2f})" for tier, c in tiers)
            + f" = ${always_on:,.2f}"),
        "compute.autoscaling.pricing": f"pricing option {r.pricing}: {ctx.app_rate.basis}",
        "compute.autoscaling.scale_out_cpu_utilization": (
            f"target {target} + {SCALE_OUT_STEP:g}, at most {SCALE_OUT_CAP:g} = {_n(scale_out)}: a step-scaling alarm"
            " that adds capacity before saturation"),
    }
    return CpuScaling(scale_out, autoscaled, always_on, derivations)
