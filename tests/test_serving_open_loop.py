"""Open-loop (request-rate) formulas on a hand-computed replica, and their invariants on real catalog entries.

The hand cases use a replica whose decode step is a fixed 10 ms (no KV or compute growth), prefill 5 ms
batched / 6 ms alone, 2 ms request overhead, 4 prompts per iteration, 11 output tokens: every figure
below is worked out by hand in the comments.
"""
from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forecasting.serving import ServingInputError, estimate, estimate_request_rate
from forecasting.serving import open_loop as ol
from forecasting.serving import physics as ph

FIXED_STEP = ph.Step(weights=0.010, compute=0.0, kv=0.0, comm=0.0, overhead=0.0)


class FixedShape(ol.Shape):  # a NamedTuple subclass: same fields, a fixed step
    def step_parts(self, running: float) -> ph.Step:
        return FIXED_STEP


def shape(max_sequences: int = 1000) -> FixedShape:
    return FixedShape(setup=None, input_tokens=100, output_tokens=11, max_sequences=max_sequences,  # type: ignore[arg-type]
                      t_prefill=0.005, t_alone=0.006, overhead=0.002, prefills_per_iteration=4.0)


def test_stable_state_hand_computed() -> None:
    sh = shape()
    lp = ol.stable(sh, 20.0)
    assert lp is not None and not lp.saturated
    # ρ = 20 × 5 ms = 0.1; iteration τ = 10 ms ÷ 0.9 = 11.111 ms = ITL
    assert lp.prefill_share == pytest.approx(0.1)
    assert lp.itl_s == pytest.approx(0.010 / 0.9)
    # residual = τ/2 + ρ·t_p/2 = 5.5556 + 0.25 ms; own iteration = λ(τ + ρ·t_p)·t_p = 20 × 11.611 ms × 5 ms = 1.1611 ms
    waits = 0.010 / 0.9 / 2 + 0.1 * 0.005 / 2 + 20 * (0.010 / 0.9 + 0.1 * 0.005) * 0.005
    assert waits == pytest.approx(0.0069667, rel=1e-4)
    # TTFT = 2 + 6 ms + (1 − e^−n) × waits, and Little: n = λ × (TTFT + 10 × τ)
    n = lp.in_flight
    assert lp.ttft_s == pytest.approx(0.008 + (1 - math.exp(-n)) * waits, rel=1e-9)
    assert n == pytest.approx(20 * (lp.ttft_s + 10 * 0.010 / 0.9), rel=1e-6)
    assert n == pytest.approx(2.51023, rel=1e-4)  # n = 20 × (8 ms + (1 − e^−n) × 6.9667 ms + 111.11 ms), by fixed-point iteration
    assert lp.output_tokens_per_s == pytest.approx(20 * 11)
    assert lp.e2e_s == pytest.approx(lp.ttft_s + 10 * lp.itl_s)


def test_saturation_rate_hand_computed() -> None:
    # token budget: λ·τ ≤ 4 prompts per iteration with τ = 10 ms ÷ (1 − 0.005 λ)  →  λ ≤ 4 ÷ (0.010 + 4 × 0.005) = 133.33/s
    assert ol.saturation_rate(shape()) == pytest.approx(400 / 3, rel=1e-6)
    # a batch limit of 5 binds first: n = λ (TTFT + 10 τ) reaches 5 below 133/s
    assert ol.saturation_rate(shape(max_sequences=5)) < 400 / 3
    lim = ol.saturation_rate(shape(max_sequences=5))
    assert ol.stable(shape(5), lim * 0.999) is not None and ol.stable(shape(5), lim * 1.001) is None


def test_burst_hand_computed() -> None:
    b = ol.burst(shape(), 8)
    # 8 prompts at 4 per iteration: 2 prefill iterations of 10 + 4 × 5 = 30 ms each
    assert b.prefill_iterations == pytest.approx(2.0)
    assert b.prefill_iteration_s == pytest.approx(0.030)
    # decode tokens during the prefill phase: 4 × 2²/2 = 8 of 8 × 10 = 80; the other 72 at 10 ms
    assert b.itl_s == pytest.approx((8 * 0.030 + 72 * 0.010) / 80)
    assert b.wave_s == pytest.approx(2 * 0.030 + 10 * 0.010)
    # mean TTFT: 2 + 6 ms + (2 − 1)/2 × 30 ms
    assert b.ttft_s == pytest.approx(0.023)
    assert b.output_tokens_per_s == pytest.approx(8 * 11 / 0.16)


def test_unbounded_run_above_saturation_is_flagged() -> None:
    lp = ol.load_point(shape(), 200.0)
    assert lp.saturated and lp.saturation_rate == pytest.approx(400 / 3, rel=1e-6)
    assert math.isinf(lp.ttft_s) and math.isinf(lp.queue_wait_s)
    finite = ol.load_point(shape(), 200.0, num_requests=8)
    assert finite.saturated and math.isfinite(finite.ttft_s) and finite.queue_wait_s >= 0


def test_estimator_reports_saturation_and_none_latencies() -> None:
    kw = dict(input_tokens=467, output_tokens=256, tp=4, precision="bf16")
    ok = estimate_request_rate("llama-3.1-70b", "h100-sxm", request_rate=4.0, **kw)
    assert not ok.saturated and ok.saturation_request_rate is not None and ok.saturation_request_rate > 4
    assert ok.requests_in_flight == pytest.approx(4.0 * ok.e2e_latency_ms / 1000, rel=1e-3)
    over = estimate_request_rate("llama-3.1-70b", "h100-sxm", request_rate=ok.saturation_request_rate * 1.5, **kw)
    assert over.saturated and over.ttft_ms is None and over.e2e_latency_ms is None and over.queue_wait_ms is None
    assert any("SATURATED" in line for line in over.derivation)
    with pytest.raises(ServingInputError, match="num_requests"):
        estimate_request_rate("llama-3.1-70b", "h100-sxm", request_rate=1.0, num_requests=0, **kw)


CASES = st.sampled_from([("llama-3.1-8b", "h100-sxm", 1), ("llama-3.1-70b", "h100-sxm", 4),
                         ("mixtral-8x7b", "a100-80gb", 2), ("qwen2.5-7b", "l40s", 1), ("llama-3.1-70b", "h200", 2)])


@settings(max_examples=40, deadline=None)
@given(case=CASES, i=st.integers(16, 6000), o=st.integers(2, 2000), f1=st.floats(0.02, 0.98), f2=st.floats(0.02, 0.98))
def test_latency_rises_with_rate_and_throughput_stays_below_saturation(case: tuple[str, str, int], i: int, o: int,
                                                                      f1: float, f2: float) -> None:
    model, gpu, tp = case
    try:
        probe = estimate_request_rate(model, gpu, input_tokens=i, output_tokens=o, request_rate=1e-3, tp=tp)
    except ServingInputError:
        return
    sat = probe.saturation_request_rate
    assert sat is not None and sat > 0
    lo, hi = sorted((f1, f2))
    a = estimate_request_rate(model, gpu, input_tokens=i, output_tokens=o, request_rate=lo * sat, tp=tp)
    b = estimate_request_rate(model, gpu, input_tokens=i, output_tokens=o, request_rate=hi * sat, tp=tp)
    for e in (a, b):
        assert not e.saturated and e.ttft_ms is not None and e.e2e_latency_ms is not None
        assert e.output_tokens_per_s <= sat * o * (1 + 1e-6)
        assert math.isfinite(e.itl_ms) and e.itl_ms > 0
    assert b.ttft_ms >= a.ttft_ms * (1 - 1e-9) and b.itl_ms >= a.itl_ms * (1 - 1e-9)  # type: ignore[operator]
    assert b.requests_in_flight >= a.requests_in_flight * (1 - 1e-9)  # type: ignore[operator]
    # the replica's open-loop limit never exceeds its maximum-throughput (closed-loop, full batch) limit by much
    top = estimate(model, gpu, input_tokens=i, output_tokens=o, tp=tp)
    assert sat * o <= top.output_tokens_per_s * 1.02
