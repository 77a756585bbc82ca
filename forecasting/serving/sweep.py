"""The latency curve of one replica: throughput, TTFT and ITL from light load up to saturation, and its knee.

Why a curve and a knee: NVIDIA publishes NIM and TensorRT-LLM results as such curves, and people choose a
replica's operating point on them: the highest load that still meets the inter-token-latency and
time-to-first-token targets. Past the knee throughput still grows a little, but every user waits longer.

Two kinds of load, the same two experiments benchmarks run:
* concurrency (closed loop): C requests in flight, C from 1 up to the batch the KV cache and engine allow;
* rate (open loop, Poisson): request rates as shares of the saturation rate, up to saturation.
The knee is found exactly (bisection over C or λ: ITL and TTFT rise monotonically with both, which the
property tests check), not only among the printed grid points.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from forecasting.serving import open_loop as ol
from forecasting.serving import physics as ph
from forecasting.serving.catalog import ServingCatalog, ServingInputError
from forecasting.serving.estimator import (
    _max_sequences,
    _resolve,
    _setup_for,
    estimate,
    estimate_request_rate,
    slo_capacity,
)

Mode = Literal["concurrency", "rate"]
RATE_SHARES: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)


@dataclass(frozen=True)
class CurvePoint:
    load: float                     # concurrency (requests in flight) or request rate (requests/s)
    output_tokens_per_s: float
    requests_per_s: float
    ttft_ms: float
    itl_ms: float
    e2e_latency_ms: float
    meets_targets: bool


@dataclass(frozen=True)
class Sweep:
    model: str
    gpu: str
    precision: str
    tensor_parallel: int
    input_tokens: int
    output_tokens: int
    mode: Mode
    itl_target_ms: float
    ttft_target_ms: float
    targets_source: str
    saturation_load: float          # max concurrent sequences (concurrency) or saturation rate (rate)
    saturation_output_tokens_per_s: float
    points: list[CurvePoint]
    knee: CurvePoint | None         # None: even the lightest load misses a target
    knee_limited_by: str            # itl_target | ttft_target | saturation | none
    knee_share_of_saturation_throughput: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _point(load: float, e: Any, itl_t: float, ttft_t: float) -> CurvePoint:
    ttft = float(e.ttft_ms)
    return CurvePoint(load=round(load, 4), output_tokens_per_s=e.output_tokens_per_s, requests_per_s=e.requests_per_s,
                      ttft_ms=ttft, itl_ms=e.itl_ms, e2e_latency_ms=float(e.e2e_latency_ms),
                      meets_targets=e.itl_ms <= itl_t and ttft <= ttft_t)


def _concurrency_grid(top: int) -> list[int]:
    grid, c = [], 1
    while c < top:
        grid.append(c)
        c *= 2
    return grid + [top]


def sweep(model: str, gpu: str, *, input_tokens: int, output_tokens: int, mode: Mode = "concurrency",
          itl_target_ms: float, ttft_target_ms: float, targets_source: str = "given", precision: str | None = None,
          tp: int | None = None, profile: str | None = None, catalog: ServingCatalog | None = None) -> Sweep:
    """The curve for one model, GPU, TP and request shape, and its knee against the two latency targets.

    Without `tp`, the TP is the one the capacity plan would choose (most sequences per GPU within the
    targets, `slo_capacity`), so the knee here is the plan's operating point.
    """
    if mode not in ("concurrency", "rate"):
        raise ServingInputError(f"sweep mode must be 'concurrency' or 'rate', got {mode!r}")
    slo = slo_capacity(model, gpu, input_tokens=input_tokens, output_tokens=output_tokens, itl_target_ms=itl_target_ms,
                       ttft_target_ms=ttft_target_ms, precision=precision, tp=tp, catalog=catalog, profile=profile)
    t = slo.tensor_parallel
    rq = _resolve(model, gpu, input_tokens, output_tokens, slo.precision, t, profile, catalog)
    kw: dict[str, Any] = dict(input_tokens=rq.input_tokens, output_tokens=rq.output_tokens, precision=rq.precision,
                              tp=t, profile=rq.profile.id, catalog=rq.catalog)
    o = rq.output_tokens
    if mode == "concurrency":
        top = slo.max_concurrent_sequences
        sat_x = estimate(model, gpu, concurrency=float(top), **kw).output_tokens_per_s

        def at(c: float) -> Any:
            return estimate(model, gpu, concurrency=c, **kw)

        points = [_point(c, at(float(c)), itl_target_ms, ttft_target_ms) for c in _concurrency_grid(top)]
        def ok(c: int) -> bool:
            return bool(_point(c, at(float(c)), itl_target_ms, ttft_target_ms).meets_targets)

        best = ph.largest_batch(ok, top)
        knee = _point(best, at(float(best)), itl_target_ms, ttft_target_ms) if best else None
        sat_load = float(top)
        at_top = best == top
    else:
        s = _setup_for(rq.model, rq.gpu, rq.profile, rq.precision, rq.kv_precision, t, rq.input_tokens, o,
                       rq.profile.useful_kv_sequences)
        sh = ol.make_shape(s, rq.input_tokens, o, _max_sequences(s, rq.input_tokens, o)[0])
        lam_sat = ol.saturation_rate(sh)
        sat_x = lam_sat * o

        def at_rate(lam: float) -> Any:
            return estimate_request_rate(model, gpu, request_rate=lam, **kw)

        points = [_point(f * lam_sat, at_rate(f * lam_sat), itl_target_ms, ttft_target_ms) for f in RATE_SHARES]
        lo, hi = 0.0, lam_sat * RATE_SHARES[-1]
        first = _point(lam_sat * 1e-3, at_rate(lam_sat * 1e-3), itl_target_ms, ttft_target_ms)
        if not first.meets_targets:
            knee = None
        elif _point(hi, at_rate(hi), itl_target_ms, ttft_target_ms).meets_targets:
            knee = _point(hi, at_rate(hi), itl_target_ms, ttft_target_ms)
        else:
            lo = lam_sat * 1e-3
            for _ in range(40):
                mid = (lo + hi) / 2.0
                if _point(mid, at_rate(mid), itl_target_ms, ttft_target_ms).meets_targets:
                    lo = mid
                else:
                    hi = mid
            knee = _point(lo, at_rate(lo), itl_target_ms, ttft_target_ms)
        sat_load = lam_sat
        at_top = knee is not None and knee.load >= lam_sat * RATE_SHARES[-1] * (1 - 1e-9)
    if knee is None:
        why = "none"
    elif at_top:
        why = "saturation"
    else:
        nxt = at(float(knee.load) + 1) if mode == "concurrency" else at_rate(knee.load * 1.001)
        why = "itl_target" if nxt.itl_ms > itl_target_ms else "ttft_target"
    share = knee.output_tokens_per_s / sat_x if knee is not None and sat_x > 0 else 0.0
    return Sweep(model=rq.model.id, gpu=rq.gpu.id, precision=rq.precision, tensor_parallel=t,
                 input_tokens=rq.input_tokens, output_tokens=o, mode=mode, itl_target_ms=float(itl_target_ms),
                 ttft_target_ms=float(ttft_target_ms), targets_source=targets_source, saturation_load=round(sat_load, 4),
                 saturation_output_tokens_per_s=round(sat_x, 2), points=points, knee=knee, knee_limited_by=why,
                 knee_share_of_saturation_throughput=round(share, 4) if math.isfinite(share) else 0.0)
