"""Out-of-sample spot checks: `python -m benchmarks.spot_checks`.

Why: the calibration file holds only H100-SXM and A100 points from TensorRT-LLM. These are published
measurements quoted in shared/reference/llm_sizing_methods.md (§1.1, §1.3, §2.2) on GPUs and engines the
profile was not fitted on (H200, L40S, MI300X, A100-40GB; NIM, vLLM). They are few and some are
derived (e.g. ITL from a total latency), so they are a sanity check, not a statistic; the README quotes them.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, Sequence

from forecasting.serving import estimate


@dataclass(frozen=True)
class Spot:
    label: str
    measured: float
    metric: str             # a ServingEstimate attribute
    args: dict[str, Any]
    source: str


SPOTS: tuple[Spot, ...] = (
    Spot("Llama-3.1-70B fp8, 1×H200, 128/2048, max throughput (tok/s)", 4165.68, "output_tokens_per_s",
         dict(model="llama-3.1-70b", gpu="h200", precision="fp8", tp=1, input_tokens=128, output_tokens=2048),
         "TensorRT-LLM v0.17 perf-overview (llm_sizing_methods.md §1.1)"),
    Spot("Llama-3.1-8B bf16, 1×H200, 202/214, light load (ITL ms)", 6.0, "itl_ms",
         dict(model="llama-3.1-8b", gpu="h200", precision="bf16", tp=1, input_tokens=202, output_tokens=214,
              concurrency=1.5), "TensorRT-LLM 0.14 online table, 2 QPS (§2.2)"),
    Spot("Llama-3.1-70B bf16, 4×H200, 202/214, light load (ITL ms)", 17.0, "itl_ms",
         dict(model="llama-3.1-70b", gpu="h200", precision="bf16", tp=4, input_tokens=202, output_tokens=214,
              concurrency=1.5), "TensorRT-LLM 0.14 online table, 2 QPS (§2.2)"),
    Spot("Llama-3.3-70B fp8, 2×H100, 5000 in, concurrency 1 (ITL ms)", 18.58, "itl_ms",
         dict(model="llama-3.3-70b", gpu="h100-sxm", precision="fp8", tp=2, input_tokens=5000, output_tokens=500,
              concurrency=1), "NVIDIA NIM 1.8 benchmark (§2.2)"),
    Spot("Llama-3.3-70B fp8, 2×H100, 5000 in, concurrency 1 (TTFT ms)", 406.77, "ttft_ms",
         dict(model="llama-3.3-70b", gpu="h100-sxm", precision="fp8", tp=2, input_tokens=5000, output_tokens=500,
              concurrency=1), "NVIDIA NIM 1.8 benchmark (§1.3, §2.2)"),
    Spot("Llama-3.3-70B fp8, 2×H100, concurrency 250, saturated (tok/s)", 920.0, "output_tokens_per_s",
         dict(model="llama-3.3-70b", gpu="h100-sxm", precision="fp8", tp=2, input_tokens=5000, output_tokens=500,
              concurrency=250), "NVIDIA NIM 1.8 ('saturated near 920 tok/s', §1.3; lengths assumed 5000/500)"),
    Spot("Llama-2-7B fp8, 1×L40S, 2048 in, batch 1 (TTFT ms)", 73.0, "ttft_ms",
         dict(model="llama-2-7b", gpu="l40s", precision="fp8", tp=1, input_tokens=2048, output_tokens=1,
              concurrency=1), "TensorRT-LLM 0.5 performance.md (§2.2)"),
    Spot("Llama-2-70B fp16, 4×A100-40GB, batch 1 (ITL ms, from MBU 55%)", 40.3, "itl_ms",
         dict(model="llama-2-70b", gpu="a100-40gb", precision="fp16", tp=4, input_tokens=512, output_tokens=64,
              concurrency=1), "Databricks blog, MBU 55% (§2.1; derived: 138 GB ÷ 4 ÷ (1.555 TB/s × 0.55))"),
    Spot("Llama-3.1-70B fp8, 8×MI300X vLLM, batch 1 (ITL ms)", 8.42, "itl_ms",
         dict(model="llama-3.1-70b", gpu="mi300x", precision="fp8", tp=8, input_tokens=128, output_tokens=2048,
              concurrency=1, profile="vllm"), "AMD vLLM 0.9.1 ROCm, 17.236 s / 2048 tokens (§2.2, derived)"),
    Spot("Llama-3.1-405B fp8, 8×MI300X vLLM, batch 1 (ITL ms)", 27.8, "itl_ms",
         dict(model="llama-3.1-405b", gpu="mi300x", precision="fp8", tp=8, input_tokens=128, output_tokens=2048,
              concurrency=1, profile="vllm"), "Oracle OCI blog, 36 tok/s at batch 1 (§2.2, derived)"),
    Spot("Llama-3.1-70B fp8, 8×MI300X vLLM, 128/2048, max throughput (tok/s)", 13212.5, "output_tokens_per_s",
         dict(model="llama-3.1-70b", gpu="mi300x", precision="fp8", tp=8, input_tokens=128, output_tokens=2048,
              profile="vllm"), "AMD ROCm performance page, vLLM 0.10.2 (§1.4; TP8 assumed; output-only unclear)"),
)


def run() -> list[tuple[Spot, float]]:
    return [(s, float(getattr(estimate(**s.args), s.metric))) for s in SPOTS]


def main(argv: Sequence[str] | None = None) -> int:
    rows = run()
    within = 0
    for s, pred in rows:
        err = pred / s.measured - 1
        within += abs(err) <= 0.2
        print(f"{err * 100:+6.0f}%  measured {s.measured:>9,.1f} predicted {pred:>9,.1f}  {s.label}  [{s.source}]")
    print(f"{within}/{len(rows)} within ±20%")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
