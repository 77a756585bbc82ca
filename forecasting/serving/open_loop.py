"""Open loop: requests arrive at a rate (Poisson), as `benchmark_serving`, GenAI-Perf and MLPerf Server send them.

Why a model of scheduler iterations and not a textbook queue: in-flight (continuous) batching engines run
one forward pass per *iteration* that decodes one token for every running sequence and also prefills
the prompts that arrived since the last one, up to a token budget (`max_num_tokens`; longer prompts are
chunked over several iterations). A new request therefore waits for the iteration in progress, then
for the iteration that holds its own prefill; and every running sequence's next token waits for the
prefills of the others (prefill/decode interference). Overload shows up first as a longer iteration
and a growing batch, and as queueing only once the batch or the token budget is full.

Stable load (λ below the saturation rate), with t_p = batched prefill time per request, ρ = λ·t_p the
share of GPU time in prefill, s(n) the decode step for n running sequences:
* iteration  τ(n) = s(n) ÷ (1 − ρ)              (the prefills that arrive during one iteration run in the next)
* ITL        = τ(n)                               (one token per sequence per iteration)
* TTFT       = overhead + prefill alone + p·(R + J), with p = 1 − e^(−n) the chance an iteration is running,
  R = τ/2 + ρ·t_p/2 its size-biased residual (Poisson arrivals make iteration lengths vary), and
  J = s(n) + λ·(τ + ρ·t_p)·t_p the decode and the other prefills batched into the request's own iteration
* in flight  n = λ × (TTFT + (O − 1) × ITL)       (Little's law, solved for n by bisection)
Saturation: the largest λ with a solution n ≤ the batch limit, λ·τ ≤ the prefills the token budget
admits per iteration (max_num_tokens ÷ I) and ρ < 1. Beyond it the queue grows without bound.

A finite burst (N requests at once, `request_rate` = inf) runs in two phases: the prefill phase fills
the batch k = max_num_tokens ÷ I prompts per iteration (iterations τ₁ = s(b₁) + k·t_p), then the decode
phase runs the admitted sequences to the end (iterations s(b₂)). A finite run above saturation lies
between the two: its queue builds up at λ − λ_sat, so a share f = 1 − λ_sat/λ of it behaves as the burst.
"""
from __future__ import annotations

import math
from typing import NamedTuple

from forecasting.serving import physics as ph

STABLE_RHO = 0.98  # prefill may take at most this share of GPU time in a stable state


class Shape(NamedTuple):
    """What the open loop needs about one replica and one request shape, computed once."""

    setup: ph.Setup
    input_tokens: int
    output_tokens: int
    max_sequences: int     # KV capacity and engine batch limit
    t_prefill: float       # s of GPU time per request's prefill, batched with others
    t_alone: float         # s, prefill of one request on an idle replica
    overhead: float        # s per request on the TTFT path
    prefills_per_iteration: float  # k = max_num_tokens ÷ I (< 1: a prompt is chunked over 1/k iterations)

    def step_parts(self, running: float) -> ph.Step:
        return ph.decode_step(self.setup, max(running, 1.0), self.input_tokens + self.output_tokens / 2.0)

    def step(self, running: float) -> float:
        return self.step_parts(running).total


def make_shape(s: ph.Setup, input_tokens: int, output_tokens: int, max_sequences: int) -> Shape:
    return Shape(setup=s, input_tokens=input_tokens, output_tokens=output_tokens, max_sequences=max_sequences,
                 t_prefill=ph.prefill_time_batched(s, input_tokens), t_alone=ph.prefill_time_alone(s, input_tokens),
                 overhead=s.profile.request_overhead_ms * 1e-3,
                 prefills_per_iteration=s.profile.max_num_tokens / float(input_tokens))


class LoadPoint(NamedTuple):
    """The replica under one load: latencies in s, throughput in output tokens/s, counts in sequences."""

    request_rate: float            # offered, requests/s (inf: a burst)
    saturation_rate: float         # requests/s the replica sustains
    saturated: bool                # offered ≥ saturation: an unbounded run's queue grows without limit
    in_flight: float               # requests in the system (running + waiting)
    running: float                 # sequences decoding together (mean)
    iteration_s: float             # mean scheduler iteration
    ttft_s: float
    itl_s: float
    e2e_s: float
    queue_wait_s: float            # part of TTFT spent waiting beyond the stable-state iteration waits
    output_tokens_per_s: float
    prefill_share: float           # share of GPU time in prefill


def _ttft(sh: Shape, lam: float, n: float, tau: float, rho: float) -> float:
    busy = 1.0 - math.exp(-n)
    residual = tau / 2.0 + rho * sh.t_prefill / 2.0
    st = sh.step_parts(n)
    # the request's own iteration: its prefill GEMMs stream the weights for the decodes too, so the decodes
    # add their math, KV reads, all-reduces and step overhead; plus the prefills that arrived with it
    own = st.compute + st.kv + st.comm + st.overhead + lam * (tau + rho * sh.t_prefill) * sh.t_prefill
    return sh.overhead + sh.t_alone + busy * (residual + own)


def _state(sh: Shape, lam: float, n: float) -> tuple[float, float, float]:
    """(iteration, TTFT, E2E) with n in flight at rate λ."""
    rho = lam * sh.t_prefill
    tau = sh.step(n) / (1.0 - rho)
    ttft = _ttft(sh, lam, n, tau, rho)
    return tau, ttft, ttft + (sh.output_tokens - 1) * tau


def stable(sh: Shape, lam: float) -> LoadPoint | None:
    """The stable state at rate λ, or None when the replica cannot sustain λ (saturated)."""
    rho = lam * sh.t_prefill
    if not (lam > 0 and math.isfinite(lam)) or rho >= STABLE_RHO:
        return None
    cap = float(sh.max_sequences)

    def excess(n: float) -> float:
        return lam * _state(sh, lam, n)[2] - n

    if excess(cap) > 0:
        return None
    lo, hi = 0.0, cap
    for _ in range(60):
        mid = (lo + hi) / 2.0
        if excess(mid) > 0:
            lo = mid
        else:
            hi = mid
    n = hi
    tau, ttft, e2e = _state(sh, lam, n)
    if lam * tau > sh.prefills_per_iteration:  # more prompts arrive per iteration than its token budget holds
        return None
    running = lam * (sh.output_tokens - 1) * tau
    return LoadPoint(request_rate=lam, saturation_rate=math.nan, saturated=False, in_flight=n,
                     running=min(running, cap), iteration_s=tau, ttft_s=ttft, itl_s=tau, e2e_s=e2e,
                     queue_wait_s=0.0, output_tokens_per_s=lam * sh.output_tokens, prefill_share=rho)


def saturation_rate(sh: Shape) -> float:
    """The largest request rate with a stable state (bisection: stability is monotone in λ)."""
    lo, hi = 0.0, STABLE_RHO / sh.t_prefill
    if stable(sh, hi) is not None:
        return hi
    for _ in range(50):
        mid = (lo + hi) / 2.0
        if stable(sh, mid) is not None:
            lo = mid
        else:
            hi = mid
    return lo


class Burst(NamedTuple):
    """N requests at once: prefill phase, then decode phase (see module docstring)."""

    admitted: int
    prefill_iterations: float
    prefill_iteration_s: float
    decode_iteration_s: float
    ttft_s: float
    itl_s: float
    e2e_s: float
    wave_s: float
    output_tokens_per_s: float
    running: float


def burst(sh: Shape, num_requests: int) -> Burst:
    o1 = float(max(sh.output_tokens - 1, 0))
    admitted = max(1, min(num_requests, sh.max_sequences))
    k = sh.prefills_per_iteration
    p_iter = admitted / k
    # decode tokens made while prompts are still being prefilled: each iteration adds k running sequences
    # and a sequence leaves after O − 1 decode iterations
    if p_iter <= o1:
        t1 = k * p_iter * p_iter / 2.0
    else:
        t1 = k * (o1 * o1 / 2.0 + o1 * (p_iter - o1))
    total = admitted * o1
    t1 = min(t1, total)
    b1 = t1 / p_iter if p_iter > 0 else 0.0
    tau1 = sh.step(b1) + min(k, float(admitted)) * sh.t_prefill
    t2 = total - t1
    b2 = t2 / o1 if o1 > 0 else 0.0
    tau2 = sh.step(b2)
    itl = (t1 * tau1 + t2 * tau2) / total if total > 0 else tau1
    wave = p_iter * tau1 + (o1 * tau2 if t2 > 0 else 0.0)
    ttft = sh.overhead + sh.t_alone + (p_iter - 1.0) / 2.0 * tau1 if p_iter > 1 else sh.overhead + sh.t_alone
    ttft += ph.wave_wait(admitted, num_requests, wave)
    e2e = ttft + o1 * itl
    x = admitted * sh.output_tokens / wave if wave > 0 else 0.0
    return Burst(admitted=admitted, prefill_iterations=p_iter, prefill_iteration_s=tau1, decode_iteration_s=tau2,
                 ttft_s=ttft, itl_s=itl, e2e_s=e2e, wave_s=wave, output_tokens_per_s=x,
                 running=(t1 * tau1 + t2 * tau2) / wave if wave > 0 else 0.0)


def load_point(sh: Shape, lam: float, num_requests: int | None = None) -> LoadPoint:
    """The replica at offered rate λ (inf: a burst of `num_requests`); a finite run of N when given."""
    lam_sat = saturation_rate(sh)
    st = stable(sh, lam) if math.isfinite(lam) else None
    if st is not None:
        n = num_requests
        x = n * sh.output_tokens / (n / lam + st.e2e_s) if n else st.output_tokens_per_s
        return st._replace(saturation_rate=lam_sat, output_tokens_per_s=x)
    at_sat = stable(sh, lam_sat * (1 - 1e-6)) or stable(sh, lam_sat * 0.999)
    assert at_sat is not None
    n_req = int(num_requests) if num_requests else 0
    if not n_req:  # unbounded run: report the replica at its saturation point; the queue grows without limit
        return at_sat._replace(request_rate=lam, saturation_rate=lam_sat, saturated=True, queue_wait_s=math.inf,
                               ttft_s=math.inf, e2e_s=math.inf, in_flight=math.inf)
    b = burst(sh, n_req)
    # above saturation the decode batch fills as in a burst (prefills go first), so ITL and throughput are the
    # burst's; prompts queue only beyond the prefill rate of full iterations, for a share f of the run
    prefill_rate = sh.prefills_per_iteration / b.prefill_iteration_s
    f_pf = 1.0 if math.isinf(lam) else max(0.0, 1.0 - prefill_rate / lam)
    ttft = at_sat.ttft_s + f_pf * max(b.ttft_s - at_sat.ttft_s, 0.0)
    itl = b.itl_s
    x = b.output_tokens_per_s
    e2e = ttft + (sh.output_tokens - 1) * itl
    return LoadPoint(request_rate=lam, saturation_rate=lam_sat, saturated=True,
                     in_flight=x / sh.output_tokens * e2e, running=min(x * itl, float(sh.max_sequences)),
                     iteration_s=itl, ttft_s=ttft, itl_s=itl, e2e_s=e2e, queue_wait_s=ttft - at_sat.ttft_s,
                     output_tokens_per_s=x, prefill_share=min(x / sh.output_tokens * sh.t_prefill, 1.0))
