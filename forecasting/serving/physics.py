"""The roofline formulas of LLM serving, as plain float functions (SI units: bytes, seconds, FLOP).

Why plain floats: the SLO search evaluates the decode step time a few dozen times per call and the
plan calls it per scenario; a `Setup` (everything that does not depend on batch size) is computed once
and the per-batch functions are a handful of multiplications.

References: DESIGN.md "Self-hosted LLM serving" and shared/reference/llm_sizing_methods.md §1.
"""
from __future__ import annotations

from typing import Callable, NamedTuple

from forecasting.serving.catalog import (
    BYTES_PER_WEIGHT,
    GIB,
    KV_BYTES_PER_ELEMENT,
    EngineProfile,
    GpuSpec,
    ModelSpec,
)

TP_CHOICES: tuple[int, ...] = (1, 2, 4, 8)
ACT_BYTES = 2.0  # activations travel between GPUs in 16-bit


def weight_bytes(model: ModelSpec, precision: str) -> float:
    """All weights are held in memory, so MoE uses total parameters here (active ones for FLOPs)."""
    return model.total_params_b * 1e9 * BYTES_PER_WEIGHT[precision]


def kv_bytes_per_token(model: ModelSpec, kv_precision: str) -> float:
    """2 (K and V) × layers × KV heads × head dim × bytes, or the MLA latent; for the whole model."""
    return model.kv_cache_bytes_per_token_bf16 * KV_BYTES_PER_ELEMENT[kv_precision] / 2.0


def kv_shards(model: ModelSpec, tp: int) -> float:
    """How many ways the KV cache splits across TP GPUs.

    KV heads shard across GPUs only while TP ≤ KV heads; beyond that each GPU holds whole replicated
    heads. An MLA latent is shared by all heads, so every GPU keeps the full latent (no sharding).
    """
    if model.kv_heads is None:
        return 1.0
    return float(min(tp, model.kv_heads))


def effective_kv_tokens(model: ModelSpec, context: float, profile: EngineProfile) -> float:
    """Tokens of KV a sequence of `context` tokens keeps, with sliding-window layers capped at the window."""
    if not (profile.sliding_window_kv and model.sliding_window and model.sliding_window_layer_fraction):
        return context
    f = model.sliding_window_layer_fraction
    return (1.0 - f) * context + f * min(context, float(model.sliding_window))


def moe_weight_read_fraction(model: ModelSpec, tokens_per_step: float) -> float:
    """Share of all weights one decode step reads when `tokens_per_step` tokens are routed.

    Each token picks k of E experts per layer; with B tokens the expected number of distinct experts
    touched is E·(1 − (1 − k/E)^B). Shared (attention, embeddings, shared experts) weights are always read.
    Expert size follows from total = shared + E·e and active = shared + k·e.
    """
    if not model.is_moe:
        return 1.0
    e_n, k = float(model.experts), float(model.experts_per_token)  # type: ignore[arg-type]
    per_expert = (model.total_params_b - model.active_params_b) / (e_n - k)
    routed = e_n * per_expert
    shared = model.total_params_b - routed
    touched = e_n * (1.0 - (1.0 - k / e_n) ** max(tokens_per_step, 1.0))
    return float((shared + touched * per_expert) / model.total_params_b)


class Setup(NamedTuple):
    """Everything about (model, GPU, precision, TP, engine) that does not depend on batch size."""

    model: ModelSpec
    gpu: GpuSpec
    profile: EngineProfile
    precision: str
    kv_precision: str
    tp: int
    weights_total: float        # B, whole model
    weights_per_gpu: float      # B
    kv_per_token_total: float   # B/token, whole model
    kv_per_token_gpu: float     # B/token held by one GPU
    gpu_mem: float              # B
    reserved: float             # B per GPU (activations, workspace, runtime)
    kv_pool_gpu: float          # B per GPU for KV cache (may be ≤ 0: does not fit)
    kv_tokens: float            # tokens of KV the replica holds
    bw: float                   # achieved bandwidth streaming weights, B/s per GPU (peak × MBU)
    kv_bw: float                # achieved bandwidth reading the KV cache in attention, B/s per GPU
    flops: float                # achieved FLOP/s per GPU (peak × MFU for this precision)
    peak_flops: float           # FLOP/s per GPU, dense, this precision
    mfu: float
    link: float                 # achieved interconnect bandwidth, B/s per direction
    attn_dim: int               # attention heads × head dim, for attention FLOPs

    @property
    def fits(self) -> bool:
        return self.kv_pool_gpu > 0


def make_setup(model: ModelSpec, gpu: GpuSpec, profile: EngineProfile, precision: str, kv_precision: str,
               tp: int) -> Setup:
    w = weight_bytes(model, precision)
    kv_tok = kv_bytes_per_token(model, kv_precision)
    kv_gpu = kv_tok / kv_shards(model, tp)
    mem = gpu.memory_gb * GIB
    reserved = profile.reserved_gib * GIB
    free = mem - w / tp - reserved
    if profile.kv_fraction_of == "total":  # vLLM: gpu_memory_utilization is a share of all memory
        pool = mem * profile.kv_memory_fraction - w / tp - reserved
    else:  # TensorRT-LLM: kv_cache_free_gpu_mem_fraction is a share of what weights leave free
        pool = free * profile.kv_memory_fraction
    peak = (gpu.dense_tflops.get(precision) or 0.0) * 1e12
    mfu = profile.mfu * (profile.low_precision_mfu_factor if precision in ("fp8", "fp4") else 1.0) * (
        profile.moe_mfu_factor if model.is_moe else 1.0)
    attn_dim = (model.attention_heads * model.head_dim) if model.head_dim else model.hidden_size
    return Setup(
        model=model, gpu=gpu, profile=profile, precision=precision, kv_precision=kv_precision, tp=tp,
        weights_total=w, weights_per_gpu=w / tp, kv_per_token_total=kv_tok, kv_per_token_gpu=kv_gpu,
        gpu_mem=mem, reserved=reserved, kv_pool_gpu=pool,
        kv_tokens=max(pool, 0.0) / kv_gpu, bw=gpu.memory_bandwidth_tb_s * 1e12 * profile.mbu,
        kv_bw=gpu.memory_bandwidth_tb_s * 1e12 * profile.attention_mbu,
        flops=peak * mfu, peak_flops=peak, mfu=mfu, link=gpu.interconnect_gb_s * 1e9 * profile.comm_efficiency,
        attn_dim=attn_dim,
    )


def seq_kv_reservation(s: Setup, input_tokens: float, output_tokens: float) -> float:
    """KV tokens the scheduler sets aside per admitted sequence (all of prompt + reserved output)."""
    return effective_kv_tokens(s.model, input_tokens + s.profile.kv_reserve_output_fraction * output_tokens,
                               s.profile)


def max_kv_sequences(s: Setup, input_tokens: float, output_tokens: float) -> int:
    return int(s.kv_tokens // seq_kv_reservation(s, input_tokens, output_tokens)) if s.fits else 0


def allreduce_time(s: Setup, tokens: float, latency: bool = True) -> float:
    """Two all-reduces per layer (after attention and after the MLP) of tokens × hidden activations (ring).

    `latency=False` for a prefill batched into a step that pays the fixed all-reduce latency anyway.
    """
    if s.tp <= 1:
        return 0.0
    msg = tokens * s.model.hidden_size * ACT_BYTES
    one = (s.profile.allreduce_latency_us * 1e-6 if latency else 0.0) + 2.0 * (s.tp - 1) / s.tp * msg / s.link
    return 2.0 * s.model.layers * one


def prefill_flops(s: Setup, input_tokens: float, cached_tokens: float = 0.0) -> float:
    """2 × active params × new tokens for the GEMMs, plus causal attention 2 × layers × d_attn × new × span.

    With a cached prefix (prefix caching) only the I − c new tokens are computed, but each still attends
    to the whole context, so attention keeps its span of about I (the mean key position of a new token).
    """
    m = s.model
    new = max(input_tokens - cached_tokens, 1.0)
    span = input_tokens - new / 2.0 if cached_tokens > 0 else input_tokens
    if s.profile.sliding_window_kv and m.sliding_window:
        f = m.sliding_window_layer_fraction
        span = (1 - f) * span + f * min(span, float(m.sliding_window))
    return 2.0 * m.active_params_b * 1e9 * new + 2.0 * m.layers * s.attn_dim * new * span


def prefill_time_batched(s: Setup, input_tokens: float, cached_tokens: float = 0.0) -> float:
    """GPU time one request's prefill adds when batched with others: weights are already streamed."""
    new = max(input_tokens - cached_tokens, 1.0)
    return prefill_flops(s, input_tokens, cached_tokens) / (s.tp * s.flops) + allreduce_time(s, new, latency=False)


def prefill_time_alone(s: Setup, input_tokens: float, cached_tokens: float = 0.0) -> float:
    """Prefill of one request on an idle replica: compute-bound, but never faster than one weight read."""
    new = max(input_tokens - cached_tokens, 1.0)
    compute = prefill_flops(s, input_tokens, cached_tokens) / (s.tp * s.flops)
    read = s.weights_per_gpu * moe_weight_read_fraction(s.model, new) / s.bw
    return max(compute, read) + allreduce_time(s, new)


class Step(NamedTuple):
    """One decode iteration for B sequences: the parts of its time, in seconds."""

    weights: float
    compute: float
    kv: float
    comm: float
    overhead: float

    @property
    def total(self) -> float:
        # GEMMs stream the weights and do the math at once (max); attention reads of KV are separate kernels.
        return max(self.weights, self.compute) + self.kv + self.comm + self.overhead


def decode_step(s: Setup, batch: float, context: float) -> Step:
    """Decode step: weights/TP ÷ (BW × MBU) against 2·N_act·B ÷ (TP·F·MFU), plus B × ctx × KV/TP ÷ (BW × attention MBU)."""
    m = s.model
    w = s.weights_per_gpu * moe_weight_read_fraction(m, batch) / s.bw
    c = 2.0 * m.active_params_b * 1e9 * batch / (s.tp * s.flops)
    kv = batch * effective_kv_tokens(m, context, s.profile) * s.kv_per_token_gpu / s.kv_bw
    return Step(weights=w, compute=c, kv=kv, comm=allreduce_time(s, batch), overhead=s.profile.step_overhead_ms * 1e-3)


class Operating(NamedTuple):
    """Steady state of a replica running `batch` sequences of I in / O out tokens (continuous batching)."""

    batch: float
    step: Step
    t_prefill: float          # s of GPU time per request's prefill, batched
    itl: float                # s, mean time between a sequence's tokens, including others' prefills
    throughput: float         # output tokens/s of the replica
    ttft: float               # s, without admission queueing
    prefill_share: float      # share of GPU time spent in prefill


def operating_point(s: Setup, batch: float, input_tokens: float, output_tokens: float,
                    cached_tokens: float = 0.0) -> Operating:
    """Throughput X = B·O ÷ (B·t_prefill + O·t_step): every O steps each sequence is replaced by a new prefill.

    The mean inter-token latency a client measures is B ÷ X = t_step + B·t_prefill ÷ O. TTFT = request
    overhead + prefill alone + half a step (waiting for the running iteration) + M/D/1 wait behind other
    prefills (share ρ of GPU time in prefill: ρ·t_p ÷ (2(1−ρ))).
    """
    b = max(batch, 1.0)
    st = decode_step(s, b, input_tokens + output_tokens / 2.0)
    tp = prefill_time_batched(s, input_tokens, cached_tokens)
    cycle = b * tp + output_tokens * st.total
    x = b * output_tokens / cycle
    itl = b / x
    rho = min(b * tp / cycle, 0.95)
    rho_others = rho * (b - 1.0) / b  # a request waits only behind the other sequences' prefills
    t_alone = prefill_time_alone(s, input_tokens, cached_tokens)
    ttft = s.profile.request_overhead_ms * 1e-3 + t_alone + (st.total / 2.0 if b > 1 else 0.0) + \
        rho_others * t_alone / (2.0 * (1.0 - rho_others))
    return Operating(batch=b, step=st, t_prefill=tp, itl=itl, throughput=x, ttft=ttft, prefill_share=rho)


def largest_batch(ok: Callable[[int], bool], hi: int) -> int:
    """Largest integer b in [1, hi] with ok(b) true, for ok monotone (true then false); 0 if ok(1) is false."""
    if hi < 1 or not ok(1):
        return 0
    lo = 1
    if ok(hi):
        return hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(mid):
            lo = mid
        else:
            hi = mid
    return lo


def wave_wait(batch: int, num_requests: int, wave_time: float) -> float:
    """Mean queueing delay when N equal requests arrive at once and run B at a time in waves of wave_time."""
    if num_requests <= batch:
        return 0.0
    q, r = divmod(num_requests, batch)  # sum of floor(k / B) for k < N, in closed form
    total = batch * q * (q - 1) // 2 + r * q
    return wave_time * total / num_requests
