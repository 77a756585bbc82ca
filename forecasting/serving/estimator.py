"""Serving estimates for one model on one GPU type: max throughput, closed-loop, open-loop and SLO capacity.

Why three entry points over one physics: the CLI asks "how fast at this load", the capacity plan asks
"how many sequences per replica within my latency targets", and the accuracy benchmark replays
published request-rate runs. They share `physics.operating_point`, so one formula serves all three.
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

from forecasting.serving import open_loop as ol
from forecasting.errors import InputError
from forecasting.serving import physics as ph
from forecasting.serving.catalog import (
    BYTES_PER_WEIGHT,
    GIB,
    KV_BYTES_PER_ELEMENT,
    PRECISIONS,
    EngineProfile,
    GpuSpec,
    ModelSpec,
    ServingCatalog,
    ServingInputError,
    load_serving_catalog,
)


class MemoryBreakdown(NamedTuple):
    """Per-GPU memory in GiB (2^30 B, the unit GPU vendors quote), plus the replica's KV capacity."""

    gpu_memory_gib: float
    weights_gib: float
    kv_cache_gib: float
    overhead_gib: float
    unused_gib: float
    kv_bytes_per_token: float      # whole model, all layers, B/token
    kv_tokens_capacity: int        # tokens of KV the replica (TP GPUs) holds


class ServingEstimate(NamedTuple):
    model: str
    gpu: str
    profile: str
    precision: str
    kv_precision: str
    tensor_parallel: int
    gpus_per_replica: int
    input_tokens: int
    output_tokens: int
    concurrency: float | None
    running_sequences: float            # sequences decoding together (the batch)
    max_concurrent_sequences: int       # KV capacity and engine limit
    output_tokens_per_s: float          # all sequences of the replica together
    output_tokens_per_s_per_gpu: float
    output_tokens_per_s_per_sequence: float
    requests_per_s: float
    ttft_ms: float | None               # None: an unbounded run above saturation (the queue grows without limit)
    itl_ms: float
    decode_step_ms: float
    e2e_latency_ms: float | None
    queue_wait_ms: float | None
    bound: str                          # memory_bandwidth | compute | kv_capacity
    memory: MemoryBreakdown
    derivation: list[str]
    assumptions: dict[str, Any] = {}  # read-only (every estimate passes its own); one shared default is safe
    request_rate: float | None = None   # open loop: offered requests/s (None: closed loop or a burst)
    saturation_request_rate: float | None = None  # open loop: the largest rate the replica sustains
    saturated: bool = False             # open loop: offered rate ≥ saturation rate
    requests_in_flight: float | None = None  # open loop: Little's law, running + waiting

    def to_dict(self) -> dict[str, Any]:
        return {**self._asdict(), "memory": self.memory._asdict()}


class SloCapacity(NamedTuple):
    model: str
    gpu: str
    precision: str
    tensor_parallel: int
    gpus_per_replica: int
    max_sequences_at_slo: int
    output_tokens_per_s_at_slo: float
    requests_per_s_at_slo: float
    itl_ms: float
    ttft_ms: float
    itl_target_ms: float
    ttft_target_ms: float
    max_concurrent_sequences: int
    meets_slo: bool
    bound: str                          # what stops the batch growing: itl_slo | ttft_slo | kv_capacity | engine_max_batch
    derivation: list[str]
    cached_input_tokens: float = 0.0    # prefix-cached prompt tokens per call the estimate used (0: caching off)
    kv_tokens_capacity: int = 0         # tokens of KV the replica holds
    kv_tokens_per_sequence: float = 0.0  # reserved per admitted sequence (prompt + reserved output)
    # the saturation end of the same replica's latency curve (batch = max_concurrent_sequences), so the
    # operating point can be read as a share of what the replica could push at any latency
    max_output_tokens_per_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()


# --------------------------------------------------------------------------------------------- inputs

def _positive_int(name: str, value: Any, problems: list[str | InputError]) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
        problems.append(f"{name} must be a positive whole number of tokens, got {value!r}")
        return 0
    if value <= 0 or int(value) != value:
        problems.append(f"{name} must be a positive whole number of tokens, got {value!r}")
        return 0
    return int(value)


def _choose_precision(model: ModelSpec, gpu: GpuSpec, precision: str | None) -> str:
    supported = gpu.supported_precisions
    if precision is not None:
        p = str(precision).lower()
        if p not in PRECISIONS:
            raise ServingInputError(f"unknown precision '{precision}': use one of {', '.join(PRECISIONS)}", field="precision")
        if p not in supported:
            raise ServingInputError(f"{gpu.id} cannot run {p} (no {p} tensor cores); it supports {', '.join(supported)}",
                                    field="precision")
        return p
    for p in (model.native_precision, "bf16", "fp16", "fp8"):
        if p in supported:
            return p
    return supported[0]


def _kv_precision(precision: str, kv_precision: str | None) -> str:
    if kv_precision is None:
        return "fp8" if precision in ("fp8", "fp4") else precision
    kp = kv_precision.lower()
    if kp not in ("bf16", "fp16", "fp8"):
        raise ServingInputError(f"unknown KV-cache precision '{kv_precision}': use bf16, fp16 or fp8", field="precision")
    return kp


class Request(NamedTuple):
    """One validated estimator request: catalog entries resolved, precision chosen, tokens checked."""

    catalog: ServingCatalog
    model: ModelSpec
    gpu: GpuSpec
    profile: EngineProfile
    precision: str
    kv_precision: str
    input_tokens: int
    output_tokens: int
    tp: int | None


def _resolve(model: str, gpu: str, input_tokens: Any, output_tokens: Any, precision: str | None,
             tp: Any, profile: str | None, catalog: ServingCatalog | None, kv_precision: str | None = None) -> Request:
    cat = catalog or load_serving_catalog()
    problems: list[str | InputError] = []
    m = g = None
    try:
        m = cat.model(model)
    except ServingInputError as exc:
        problems.append(exc)
    try:
        g = cat.gpu(gpu)
    except ServingInputError as exc:
        problems.append(exc)
    i = _positive_int("input_tokens", input_tokens, problems)
    o = _positive_int("output_tokens", output_tokens, problems)
    if isinstance(tp, float) and tp.is_integer():
        tp = int(tp)
    if tp is not None and (isinstance(tp, bool) or not isinstance(tp, int) or not 1 <= tp <= 8):
        problems.append(f"tensor_parallel must be a whole number from 1 to 8 (one 8-GPU node; larger "
                        f"degrees are not modelled), got {str(tp)[:40]}")
    elif tp is not None and m is not None:
        heads, kv = m.attention_heads, m.kv_heads
        if heads % tp or (kv and kv % tp and tp % kv):
            problems.append(f"tensor_parallel {tp} does not split {m.id}'s {heads} attention heads"
                            + (f" and {kv} KV heads" if kv else "") + " evenly; engines need a degree that "
                            "divides them (try " + ", ".join(str(t) for t in (1, 2, 4, 8)
                                                           if not heads % t and (not kv or not kv % t or not t % kv))
                            + ")")
    try:
        prof = cat.profile(profile)
    except ServingInputError as exc:
        problems.append(exc)
        prof = None
    if problems:
        raise ServingInputError(problems)
    assert m is not None and g is not None and prof is not None
    p = _choose_precision(m, g, precision)
    return Request(catalog=cat, model=m, gpu=g, profile=prof, precision=p, kv_precision=_kv_precision(p, kv_precision),
                   input_tokens=i, output_tokens=o, tp=tp)


def _no_fit_message(m: ModelSpec, g: GpuSpec, p: str, i: int, o: int, tp: int | None) -> str:
    w = ph.weight_bytes(m, p) / GIB
    where = f"{tp} × {g.id}" if tp else f"any tensor-parallel degree up to 8 × {g.id}"
    return (f"{m.id} in {p} ({w:,.1f} GiB of weights) plus the KV cache for {i}+{o} tokens does not fit on "
            f"{where} ({g.memory_gb:g} GiB each): try a larger GPU, a lower precision or fewer tokens")


def _setup_for(m: ModelSpec, g: GpuSpec, prof: EngineProfile, p: str, kp: str, tp: int | None, i: int, o: int,
               need_sequences: int) -> ph.Setup:
    """Given TP: that one. Otherwise the smallest TP whose KV pool holds `need_sequences` sequences (or at
    least one sequence at TP 8): fewer GPUs per replica is what a throughput-oriented deployment picks."""
    if tp is not None:
        s = ph.make_setup(m, g, prof, p, kp, tp)
        if ph.max_kv_sequences(s, i, o) < 1:
            raise ServingInputError(_no_fit_message(m, g, p, i, o, tp), field="model / gpu")
        return s
    fallback = None
    for t in ph.TP_CHOICES:
        s = ph.make_setup(m, g, prof, p, kp, t)
        n = ph.max_kv_sequences(s, i, o)
        if n >= need_sequences:
            return s
        if n >= 1 and fallback is None:
            fallback = s
    if fallback is None:
        raise ServingInputError(_no_fit_message(m, g, p, i, o, None), field="model / gpu")
    return fallback


# ------------------------------------------------------------------------------------- derivations

def _memory(s: ph.Setup) -> MemoryBreakdown:
    kv_gib = max(s.kv_pool_gpu, 0.0) / GIB
    w = s.weights_per_gpu / GIB
    r = s.reserved / GIB
    return MemoryBreakdown(
        gpu_memory_gib=round(s.gpu.memory_gb, 3), weights_gib=round(w, 3), kv_cache_gib=round(kv_gib, 3),
        overhead_gib=round(r, 3), unused_gib=round(max(s.gpu.memory_gb - w - r - kv_gib, 0.0), 3),
        kv_bytes_per_token=round(s.kv_per_token_total, 1), kv_tokens_capacity=int(s.kv_tokens),
    )


def _setup_lines(s: ph.Setup, i: int, o: int, max_seq: int) -> list[str]:
    m, g, prof = s.model, s.gpu, s.profile
    lines = [
        f"weights = {m.total_params_b:g} B params × {BYTES_PER_WEIGHT[s.precision]:g} B ({s.precision}) = "
        f"{s.weights_total / 1e9:,.2f} GB = {s.weights_total / GIB:,.2f} GiB; per GPU at TP {s.tp}: {s.weights_per_gpu / GIB:,.2f} GiB",
        f"KV per token = {m.kv_cache_bytes_per_token_bf16:,.0f} B (bf16) × {KV_BYTES_PER_ELEMENT[s.kv_precision] / 2:g} "
        f"({s.kv_precision}) = {s.kv_per_token_total:,.0f} B/token; per GPU: ÷ {ph.kv_shards(m, s.tp):g} shards = "
        f"{s.kv_per_token_gpu:,.0f} B/token",
    ]
    if prof.kv_fraction_of == "total":
        lines.append(f"KV pool per GPU = {g.memory_gb:g} GiB × {prof.kv_memory_fraction:g} − {s.weights_per_gpu / GIB:,.2f} GiB weights "
                     f"− {prof.reserved_gib:g} GiB reserved = {s.kv_pool_gpu / GIB:,.2f} GiB")
    else:
        lines.append(f"KV pool per GPU = ({g.memory_gb:g} GiB − {s.weights_per_gpu / GIB:,.2f} GiB weights − {prof.reserved_gib:g} GiB "
                     f"reserved) × {prof.kv_memory_fraction:g} = {s.kv_pool_gpu / GIB:,.2f} GiB")
    per_seq = ph.seq_kv_reservation(s, i, o)
    if isinstance(m.max_context, int) and i + o > m.max_context:
        lines.append(f"warning: {i} + {o} tokens exceed {m.id}'s context of {m.max_context:,} tokens; the estimate "
                     f"assumes the engine serves them anyway")
    lines.append(f"KV capacity = {s.kv_pool_gpu / GIB:,.2f} GiB ÷ {s.kv_per_token_gpu:,.0f} B/token = {s.kv_tokens:,.0f} tokens; "
                 f"÷ {per_seq:,.0f} tokens reserved per sequence ({i} in + {prof.kv_reserve_output_fraction:g} × {o} out) "
                 f"= {int(s.kv_tokens // per_seq):,} sequences; engine limit {prof.max_batch:,} → max concurrent {max_seq:,}")
    return lines


def _op_lines(s: ph.Setup, op: ph.Operating, i: int, o: int) -> list[str]:
    st = op.step
    m = s.model
    b = op.batch
    frac = ph.moe_weight_read_fraction(m, b)
    moe = f" × {frac:.2f} of experts touched" if m.is_moe else ""
    lines = [
        f"decode step at batch {b:,.0f}, mean context {i + o / 2:,.0f} tokens: weights {s.weights_per_gpu / GIB:,.2f} GiB{moe} ÷ "
        f"({s.gpu.memory_bandwidth_tb_s:g} TB/s × MBU {s.profile.mbu:g}) = {st.weights * 1e3:.3f} ms; "
        f"compute 2 × {m.active_params_b:g} B active × {b:,.0f} ÷ ({s.tp} × {s.peak_flops / 1e12:g} TFLOPS × MFU {s.mfu:.3f}) "
        f"= {st.compute * 1e3:.3f} ms; KV reads {b:,.0f} × {ph.effective_kv_tokens(m, i + o / 2, s.profile):,.0f} tokens × "
        f"{s.kv_per_token_gpu:,.0f} B ÷ "
        f"({s.gpu.memory_bandwidth_tb_s:g} TB/s × attention MBU {s.profile.attention_mbu:g}) = {st.kv * 1e3:.3f} ms; TP all-reduce {st.comm * 1e3:.3f} ms; "
        f"overhead {st.overhead * 1e3:.3f} ms → step = max({st.weights * 1e3:.3f}, {st.compute * 1e3:.3f}) + "
        f"{st.kv * 1e3:.3f} + {st.comm * 1e3:.3f} + {st.overhead * 1e3:.3f} = {st.total * 1e3:.3f} ms",
        f"prefill per request = 2 × {m.active_params_b:g} B × {i} tokens + attention = {ph.prefill_flops(s, i) / 1e12:,.2f} TFLOP "
        f"÷ ({s.tp} × {s.peak_flops / 1e12:g} TFLOPS × MFU {s.mfu:.3f}) = {op.t_prefill * 1e3:.3f} ms (batched)",
        f"throughput = B × O ÷ (B × t_prefill + O × t_step) = {b:,.0f} × {o} ÷ ({b:,.0f} × {op.t_prefill * 1e3:.3f} ms + "
        f"{o} × {st.total * 1e3:.3f} ms) = {op.throughput:,.1f} output tokens/s",
        f"inter-token latency = B ÷ throughput = {op.itl * 1e3:.2f} ms (decode step + others' prefills)",
    ]
    return lines


def _bound_simple(s: ph.Setup, op: ph.Operating, output_tokens: int, kv_limited: bool) -> str:
    """What limits throughput: KV capacity if it caps the batch, else compute or memory time, whichever
    takes more of the cycle (prefill counts as compute; decode GEMMs as the max of their two times)."""
    if kv_limited:
        return "kv_capacity"
    st = op.step
    comp = op.batch * op.t_prefill + output_tokens * (st.compute if st.compute > st.weights else 0.0)
    mem = output_tokens * ((st.weights if st.weights >= st.compute else 0.0) + st.kv)
    return "compute" if comp > mem else "memory_bandwidth"


def _max_sequences(s: ph.Setup, i: int, o: int) -> tuple[int, int]:
    kv_seq = ph.max_kv_sequences(s, i, o)
    return min(kv_seq, s.profile.max_batch), kv_seq


def _assumptions(s: ph.Setup) -> dict[str, Any]:
    prof = s.profile
    return {
        "profile": prof.id, "profile_description": prof.description, "calibrated": prof.calibrated,
        "mbu": prof.mbu, "attention_mbu": prof.attention_mbu, "mfu_16bit": prof.mfu, "mfu_used": round(s.mfu, 4),
        "step_overhead_ms": prof.step_overhead_ms, "request_overhead_ms": prof.request_overhead_ms,
        "allreduce_latency_us": prof.allreduce_latency_us, "comm_efficiency": prof.comm_efficiency,
        "reserved_gib_per_gpu": prof.reserved_gib, "kv_memory_fraction": prof.kv_memory_fraction,
        "kv_fraction_of": prof.kv_fraction_of, "engine_max_batch": prof.max_batch,
        "kv_reserve_output_fraction": prof.kv_reserve_output_fraction,
        "gpu_spec_as_of": s.gpu.as_of, "model_spec_as_of": s.model.as_of,
    }


# ---------------------------------------------------------------------------------------- estimate

def estimate(model: str, gpu: str, *, input_tokens: int, output_tokens: int, precision: str | None = None,
             tp: int | None = None, concurrency: float | None = None, profile: str | None = None,
             catalog: ServingCatalog | None = None, kv_precision: str | None = None) -> ServingEstimate:
    """Steady-state serving of equal requests (I in, O out) on one replica of `tp` GPUs.

    Without `concurrency`: the maximum-throughput point (batch = KV capacity or the engine's batch
    limit, what offline benchmarks such as trtllm-bench measure). With it: a closed loop of that many
    requests in flight; beyond the batch limit the rest wait in the admission queue (Little's law).
    """
    rq = _resolve(model, gpu, input_tokens, output_tokens, precision, tp, profile, catalog, kv_precision)
    m, g, prof, p, kp, i, o, tp = rq.model, rq.gpu, rq.profile, rq.precision, rq.kv_precision, rq.input_tokens, \
        rq.output_tokens, rq.tp
    if concurrency is not None and (isinstance(concurrency, bool) or not isinstance(concurrency, (int, float))
                                    or not concurrency >= 1 or math.isinf(concurrency) or concurrency != int(concurrency)):
        raise ServingInputError(f"concurrency must be a whole number of requests in flight, at least 1, "
                                f"got {str(concurrency)[:40]}")
    need = prof.useful_kv_sequences if concurrency is None else max(1, min(int(math.ceil(concurrency)), prof.useful_kv_sequences))
    s = _setup_for(m, g, prof, p, kp, tp, i, o, need)
    max_seq, kv_seq = _max_sequences(s, i, o)
    lines = _setup_lines(s, i, o, max_seq)
    if concurrency is None:
        batch = float(max_seq)
        kv_limited = kv_seq <= prof.max_batch
    else:
        batch = float(min(concurrency, max_seq))
        kv_limited = concurrency > max_seq and kv_seq <= prof.max_batch
    op = ph.operating_point(s, batch, i, o)
    lines += _op_lines(s, op, i, o)
    service = op.ttft + (o - 1) * op.itl if o > 1 else op.ttft
    wait = 0.0
    if concurrency is not None and concurrency > batch:
        req_rate = op.throughput / o
        wait = max(concurrency / req_rate - service, 0.0)
        lines.append(f"admission queue: {concurrency:g} in flight, {batch:,.0f} running; Little's law wait = "
                     f"{concurrency:g} ÷ {req_rate:,.3f} req/s − {service * 1e3:,.1f} ms service = {wait * 1e3:,.1f} ms")
    ttft = op.ttft + wait
    lines.append(f"TTFT = {prof.request_overhead_ms:g} ms overhead + prefill alone {ph.prefill_time_alone(s, i) * 1e3:.2f} ms "
                 f"+ wait for the running step and other prefills + queue {wait * 1e3:,.1f} ms = {ttft * 1e3:,.1f} ms")
    if concurrency is None:
        lines.append("mode: maximum throughput (no --concurrency): the replica runs as many sequences as KV cache and the engine allow")
    bound = _bound_simple(s, op, o, kv_limited)
    lines.append(f"bound: {bound}")
    return ServingEstimate(
        model=m.id, gpu=g.id, profile=prof.id, precision=p, kv_precision=kp, tensor_parallel=s.tp,
        gpus_per_replica=s.tp, input_tokens=i, output_tokens=o, concurrency=concurrency,
        running_sequences=round(batch, 3), max_concurrent_sequences=max_seq,
        output_tokens_per_s=round(op.throughput, 2), output_tokens_per_s_per_gpu=round(op.throughput / s.tp, 2),
        output_tokens_per_s_per_sequence=round(1.0 / op.itl, 3), requests_per_s=round(op.throughput / o, 4),
        ttft_ms=round(ttft * 1e3, 3), itl_ms=round(op.itl * 1e3, 4), decode_step_ms=round(op.step.total * 1e3, 4),
        e2e_latency_ms=round((ttft + (o - 1) * op.itl) * 1e3, 2), queue_wait_ms=round(wait * 1e3, 3),
        bound=bound, memory=_memory(s), derivation=lines, assumptions=_assumptions(s),
    )


def estimate_request_rate(model: str, gpu: str, *, input_tokens: int, output_tokens: int, request_rate: float,
                          num_requests: int | None = None, precision: str | None = None, tp: int | None = None,
                          profile: str | None = None, catalog: ServingCatalog | None = None,
                          kv_precision: str | None = None) -> ServingEstimate:
    """Open loop: requests arrive at `request_rate` per second (Poisson; inf: all at once), as
    `benchmark_serving` sends them. The formulas are in `open_loop` (scheduler iterations, prefill/decode
    interference, the token budget, saturation). Without `num_requests` the run is unbounded: above the
    saturation rate its queue grows without limit, so TTFT, E2E and queue wait are None and `saturated`
    says so; with `num_requests` a finite run of N requests is estimated (what a benchmark measures).
    """
    rq = _resolve(model, gpu, input_tokens, output_tokens, precision, tp, profile, catalog, kv_precision)
    if isinstance(request_rate, bool) or not isinstance(request_rate, (int, float)) or not request_rate > 0:
        raise ServingInputError(f"request_rate must be a positive number of requests per second, got {request_rate!r}")
    if num_requests is not None and (isinstance(num_requests, bool) or not isinstance(num_requests, int)
                                     or num_requests < 1):
        raise ServingInputError(f"num_requests must be a positive whole number, got {num_requests!r}")
    i, o = rq.input_tokens, rq.output_tokens
    s = _setup_for(rq.model, rq.gpu, rq.profile, rq.precision, rq.kv_precision, rq.tp, i, o,
                   rq.profile.useful_kv_sequences)
    max_seq, _ = _max_sequences(s, i, o)
    sh = ol.make_shape(s, i, o, max_seq)
    lam = float(request_rate)
    lp = ol.load_point(sh, lam, num_requests)
    lines = _setup_lines(s, i, o, max_seq) + _open_lines(sh, lp, num_requests)
    return _open_result(rq, s, sh, lp, lines)


def _open_lines(sh: ol.Shape, lp: ol.LoadPoint, num_requests: int | None) -> list[str]:
    lam = lp.request_rate
    k = sh.prefills_per_iteration
    lines = [f"prefill per request (batched) t_p = {sh.t_prefill * 1e3:.2f} ms; alone {sh.t_alone * 1e3:.2f} ms; the "
             f"token budget of {sh.setup.profile.max_num_tokens:,} tokens per iteration holds {k:,.2f} prompts of "
             f"{sh.input_tokens:,} tokens",
             f"saturation: {lp.saturation_rate:,.3f} requests/s ({lp.saturation_rate * sh.output_tokens:,.0f} output tokens/s), "
             f"the largest rate with a stable state (batch ≤ {sh.max_sequences:,}, prefills per iteration ≤ {k:,.2f}, "
             f"prefill share < {ol.STABLE_RHO:g})"]
    if not lp.saturated:
        lines.append(f"open loop at {lam:g} req/s (Poisson): prefill share ρ = {lam:g} × {sh.t_prefill * 1e3:.2f} ms = "
                     f"{lp.prefill_share:.3f}; iteration = decode step ÷ (1 − ρ) = {lp.iteration_s * 1e3:.2f} ms = ITL")
        lines.append(f"TTFT = overhead {sh.overhead * 1e3:g} ms + prefill alone {sh.t_alone * 1e3:.2f} ms + the iteration in "
                     f"progress and the request's own iteration = {lp.ttft_s * 1e3:,.1f} ms")
        lines.append(f"Little's law: in flight = {lam:g} req/s × E2E {lp.e2e_s:,.3f} s = {lp.in_flight:,.2f} requests "
                     f"({lp.running:,.1f} decoding)")
        if num_requests:
            lines.append(f"finite run of {num_requests} requests: throughput = N × O ÷ (N/λ + E2E) = "
                         f"{lp.output_tokens_per_s:,.1f} output tokens/s")
    elif not num_requests:
        lines.append(f"SATURATED: {lam:g} req/s offered ≥ {lp.saturation_rate:,.3f} req/s the replica sustains; the queue "
                     f"grows without bound, so TTFT and end-to-end latency have no steady value. Figures shown are the "
                     f"replica at its saturation point (ITL {lp.itl_s * 1e3:,.2f} ms, {lp.output_tokens_per_s:,.0f} output tokens/s)")
    else:
        what = "all at once" if math.isinf(lam) else f"at {lam:g} req/s"
        lines.append(f"saturated finite run: {num_requests} requests {what} (saturation {lp.saturation_rate:,.3f} req/s); the "
                     f"batch fills as in a burst: prefill phase of {num_requests} ÷ {k:,.2f} prompts per iteration, then "
                     f"decode; ITL {lp.itl_s * 1e3:,.2f} ms, mean TTFT {lp.ttft_s * 1e3:,.0f} ms (queue wait "
                     f"{lp.queue_wait_s * 1e3:,.0f} ms), {lp.output_tokens_per_s:,.0f} output tokens/s")
    return lines


def _finite_ms(x: float, digits: int) -> float | None:
    return round(x * 1e3, digits) if math.isfinite(x) else None


def _open_result(rq: Request, s: ph.Setup, sh: ol.Shape, lp: ol.LoadPoint, lines: list[str]) -> ServingEstimate:
    i, o = rq.input_tokens, rq.output_tokens
    x = lp.output_tokens_per_s
    op = ph.operating_point(s, max(lp.running, 1.0), i, o)
    return ServingEstimate(
        model=rq.model.id, gpu=rq.gpu.id, profile=rq.profile.id, precision=rq.precision, kv_precision=rq.kv_precision,
        tensor_parallel=s.tp, gpus_per_replica=s.tp, input_tokens=i, output_tokens=o,
        concurrency=round(lp.in_flight, 3) if math.isfinite(lp.in_flight) else None,
        running_sequences=round(lp.running, 3), max_concurrent_sequences=sh.max_sequences,
        output_tokens_per_s=round(x, 2), output_tokens_per_s_per_gpu=round(x / s.tp, 2),
        output_tokens_per_s_per_sequence=round(1.0 / lp.itl_s, 3), requests_per_s=round(x / o, 4),
        ttft_ms=_finite_ms(lp.ttft_s, 3), itl_ms=round(lp.itl_s * 1e3, 4), decode_step_ms=round(op.step.total * 1e3, 4),
        e2e_latency_ms=_finite_ms(lp.e2e_s, 2), queue_wait_ms=_finite_ms(lp.queue_wait_s, 3),
        bound=_bound_simple(s, op, o, False), memory=_memory(s), derivation=lines, assumptions=_assumptions(s),
        request_rate=lp.request_rate if math.isfinite(lp.request_rate) else None,
        saturation_request_rate=round(lp.saturation_rate, 4), saturated=lp.saturated,
        requests_in_flight=round(lp.in_flight, 3) if math.isfinite(lp.in_flight) else None,
    )


# ------------------------------------------------------------------------------------ SLO capacity

class _SloFit(NamedTuple):
    """The largest batch within both targets on one setup (1 when even one sequence misses them)."""

    batch: int
    op: ph.Operating
    bound: str  # what stops the batch growing: itl_slo, ttft_slo, kv_capacity, engine_max_batch
    max_sequences: int
    meets_slo: bool


def _slo_for_setup(s: ph.Setup, i: int, o: int, itl_s: float, ttft_s: float,
                   cached: float = 0.0) -> _SloFit:
    max_seq, kv_seq = _max_sequences(s, i, o)

    def ok(b: int) -> bool:
        op = ph.operating_point(s, b, i, o, cached)
        return op.itl <= itl_s and op.ttft <= ttft_s

    best = ph.largest_batch(ok, max_seq)
    if best == 0:
        op1 = ph.operating_point(s, 1, i, o, cached)
        why = "itl_slo" if op1.itl > itl_s else "ttft_slo"
        return _SloFit(1, op1, why, max_seq, False)
    op = ph.operating_point(s, best, i, o, cached)
    if best < max_seq:
        nxt = ph.operating_point(s, best + 1, i, o, cached)
        why = "itl_slo" if nxt.itl > itl_s else "ttft_slo"
    else:
        why = "kv_capacity" if kv_seq <= s.profile.max_batch else "engine_max_batch"
    return _SloFit(best, op, why, max_seq, True)


def slo_capacity(model: str, gpu: str, *, input_tokens: int, output_tokens: int, itl_target_ms: float,
                 ttft_target_ms: float, precision: str | None = None, tp: int | None = None,
                 catalog: ServingCatalog | None = None, profile: str | None = None,
                 cached_input_tokens: float = 0.0) -> SloCapacity:
    """Largest number of concurrently generating sequences one replica serves within both latency targets.

    Planning on this ("goodput") rather than peak throughput is what keeps a chat fluent at peak. ITL and
    TTFT both grow with the batch, so a bisection over the batch finds the answer in ~12 evaluations.
    Without `tp`, each TP in 1, 2, 4, 8 that fits is tried and the one with most sequences per GPU wins
    (fewest GPUs for the same load; ties go to the smaller TP). `cached_input_tokens`: the mean prefix of
    each prompt served from the engine's prefix cache (only the rest is prefilled); ignored when the engine
    profile has prefix caching off.
    """
    problems = []
    for name, v in (("itl_target_ms", itl_target_ms), ("ttft_target_ms", ttft_target_ms)):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 or math.isinf(v):
            problems.append(f"{name} must be a positive number of milliseconds, got {v!r}")
    if problems:
        raise ServingInputError("; ".join(problems))
    rq = _resolve(model, gpu, input_tokens, output_tokens, precision, tp, profile, catalog)
    m, g, prof, p, kp, i, o, tp = rq.model, rq.gpu, rq.profile, rq.precision, rq.kv_precision, rq.input_tokens, \
        rq.output_tokens, rq.tp
    itl_s, ttft_s = itl_target_ms / 1e3, ttft_target_ms / 1e3
    if isinstance(cached_input_tokens, bool) or not isinstance(cached_input_tokens, (int, float)) \
            or not 0 <= cached_input_tokens < i:
        raise ServingInputError(f"cached_input_tokens must be from 0 to below input_tokens ({i}), got {cached_input_tokens!r}")
    cached = float(cached_input_tokens) if prof.prefix_caching else 0.0
    candidates = [tp] if tp is not None else list(ph.TP_CHOICES)
    best = None
    for t in candidates:
        s = ph.make_setup(m, g, prof, p, kp, t)
        if ph.max_kv_sequences(s, i, o) < 1:
            continue
        res = _slo_for_setup(s, i, o, itl_s, ttft_s, cached)
        key = (res.meets_slo, res.batch / t)
        if best is None or key > best[0]:
            best = (key, s, res)
    if best is None:
        raise ServingInputError(_no_fit_message(m, g, p, i, o, tp), field="model / gpu")
    _, s, (n, op, why, max_seq, meets) = best
    lines = _setup_lines(s, i, o, max_seq)
    lines += _op_lines(s, op, i, o)
    if meets:
        lines.append(f"largest batch within ITL ≤ {itl_target_ms:g} ms and TTFT ≤ {ttft_target_ms:g} ms: {n:,} sequences "
                     f"(ITL {op.itl * 1e3:.2f} ms, TTFT {op.ttft * 1e3:.1f} ms); the batch stops growing at {why}")
    else:
        lines.append(f"even one sequence misses the target (ITL {op.itl * 1e3:.2f} ms vs {itl_target_ms:g} ms, TTFT "
                     f"{op.ttft * 1e3:.1f} ms vs {ttft_target_ms:g} ms): planning on 1 sequence per replica; "
                     f"consider a larger TP, a faster GPU or a lower precision")
    if tp is None and len(candidates) > 1:
        lines.append(f"tensor parallel {s.tp} chosen: most sequences per GPU at the SLO among TP 1, 2, 4, 8 that fit")
    if cached:
        lines.append(f"prefix caching ({prof.id}): {cached:,.0f} of {i:,} prompt tokens per call come from the KV cache; "
                     f"prefill computes {i - cached:,.0f} new tokens ({ph.prefill_time_batched(s, i, cached) * 1e3:.2f} ms "
                     f"batched instead of {ph.prefill_time_batched(s, i) * 1e3:.2f} ms)")
    top = ph.operating_point(s, max_seq, i, o, cached)
    lines.append(f"operating point on the latency curve: {n:,} of {max_seq:,} sequences, {op.throughput:,.0f} of "
                 f"{top.throughput:,.0f} output tokens/s at saturation ({op.throughput / top.throughput:.0%}); "
                 f"`capplan llm-estimate --sweep` prints the curve")
    return SloCapacity(
        model=m.id, gpu=g.id, precision=p, tensor_parallel=s.tp, gpus_per_replica=s.tp,
        max_sequences_at_slo=int(n), output_tokens_per_s_at_slo=round(op.throughput, 2),
        requests_per_s_at_slo=round(op.throughput / o, 4), itl_ms=round(op.itl * 1e3, 4),
        ttft_ms=round(op.ttft * 1e3, 3), itl_target_ms=float(itl_target_ms), ttft_target_ms=float(ttft_target_ms),
        max_concurrent_sequences=max_seq, meets_slo=meets, bound=why, derivation=lines,
        max_output_tokens_per_s=round(top.throughput, 2), cached_input_tokens=cached,
        kv_tokens_capacity=int(s.kv_tokens), kv_tokens_per_sequence=round(ph.seq_kv_reservation(s, i, o), 1),
    )


def known_models(catalog: ServingCatalog | None = None) -> list[str]:
    return sorted((catalog or load_serving_catalog()).models)


def known_gpus(catalog: ServingCatalog | None = None) -> list[str]:
    return sorted((catalog or load_serving_catalog()).gpus)
