"""Accuracy of the serving estimator against published measurements: `python -m benchmarks.accuracy`.

Why here and not in tests: the figures are the product (README quotes them); the test only keeps the
whole-set figures from regressing. Like is compared with like (reference README): offline max-throughput
points go through the max-throughput path, online request-rate points through the open-loop queueing
path, static-batch points through the fixed-batch path. Each (point, metric) pair is one comparison.

Options: --file PATH (default: benchmarks/data copy; --shared reads ../shared/reference beside the repo),
--profile ID, --json (machine-readable summary), --worst N (list the worst comparisons).
"""
from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from forecasting.serving import (
    ServingCatalog,
    ServingInputError,
    estimate,
    estimate_request_rate,
    load_serving_catalog,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = REPO_ROOT / "benchmarks" / "data" / "llm_serving_calibration.json"
SHARED_FILE = REPO_ROOT.parent / "shared" / "reference" / "llm_serving_calibration.json"
# published measurements kept out of every fit: an independent check (docs/serving.md, "Independent check set")
CHECK_FILE = REPO_ROOT / "benchmarks" / "data" / "serving_independent_check.json"
WITHIN = 0.20


@dataclass(frozen=True)
class Comparison:
    point_id: str
    model: str
    gpu: str
    load_type: str
    engine: str
    metric: str
    measured: float
    predicted: float
    suggested_core: bool

    @property
    def error(self) -> float:
        """Signed relative error, predicted ÷ measured − 1."""
        return self.predicted / self.measured - 1.0


def load_points(path: Path | str = DEFAULT_FILE) -> list[dict[str, Any]]:
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _metrics(point: dict[str, Any]) -> dict[str, float]:
    return {m["name"]: float(m["value"]) for m in point["metrics"]}


def _kv_precision(point: dict[str, Any]) -> str | None:
    kv = str(point.get("kv_cache_precision") or "")
    for p in ("fp8", "fp16", "bf16"):
        if kv.startswith(p):
            return p
    return None


def compare_point(point: dict[str, Any], catalog: ServingCatalog, profile: str | None = None) -> list[Comparison]:
    """The comparisons one published point supports (empty if its model or GPU is not in the catalog)."""
    try:
        model, gpu = catalog.model(point["model"]).id, catalog.gpu(point["gpu"]).id
    except ServingInputError:
        return []
    load = point["load"]
    kind = load["type"]
    tp = int(point.get("tensor_parallel") or 1) * int(point.get("pipeline_parallel") or 1)
    args = dict(input_tokens=int(point["input_tokens"]), output_tokens=int(point["output_tokens"]),
                precision=point["precision"], tp=tp, profile=profile, catalog=catalog,
                kv_precision=_kv_precision(point))
    metrics = _metrics(point)
    gpus = int(point.get("gpu_count") or tp)
    pairs: list[tuple[str, float, float | None]] = []  # None: the estimator gives no steady value (a miss)
    if kind == "offline_max_throughput":
        est = estimate(model, gpu, **args)
        if "output_tokens_per_s_total" in metrics:
            pairs.append(("output_tokens_per_s", metrics["output_tokens_per_s_total"], est.output_tokens_per_s))
    elif kind == "static_batch":
        batch = float(load.get("batch_size") or 1)
        est = estimate(model, gpu, concurrency=batch, **args)
        if "ttft_batch1" in metrics:
            pairs.append(("ttft_ms", metrics["ttft_batch1"], est.ttft_ms))
        if "output_tokens_per_s_total" in metrics:
            pairs.append(("output_tokens_per_s", metrics["output_tokens_per_s_total"], est.output_tokens_per_s))
        elif "output_tokens_per_s_per_gpu" in metrics:
            pairs.append(("output_tokens_per_s", metrics["output_tokens_per_s_per_gpu"], est.output_tokens_per_s / gpus))
    elif kind in ("online_request_rate", "closed_loop_concurrency"):
        if kind == "online_request_rate":
            rate = load.get("request_rate")
            rate_f = math.inf if str(rate).lower() == "inf" else float(rate)
            est = estimate_request_rate(model, gpu, request_rate=rate_f, num_requests=load.get("num_requests"), **args)
        else:
            est = estimate(model, gpu, concurrency=float(load["concurrency"]), **args)
        for name, key in (("output_tokens_per_s", "output_tokens_per_s_total"), ("ttft_ms", "ttft_mean"),
                          ("itl_ms", "itl_mean")):
            if key in metrics:
                got = {"output_tokens_per_s": est.output_tokens_per_s, "ttft_ms": est.ttft_ms, "itl_ms": est.itl_ms}[name]
                pairs.append((name, metrics[key], got))
    return [Comparison(point["id"], model, gpu, kind, point["engine"], name, meas,
                       pred if pred is not None else math.inf, bool(point.get("suggested_core")))
            for name, meas, pred in pairs if meas > 0]


def evaluate(points: Iterable[dict[str, Any]], catalog: ServingCatalog | None = None,
             profile: str | None = None) -> tuple[list[Comparison], list[str]]:
    """All comparisons, and the ids of points the catalog cannot represent (reported, not hidden)."""
    cat = catalog or load_serving_catalog()
    out: list[Comparison] = []
    skipped: list[str] = []
    for p in points:
        if p.get("category", "self_hosted") != "self_hosted":
            continue
        got = compare_point(p, cat, profile)
        if not got:
            skipped.append(p["id"])
        out.extend(got)
    return out, skipped


def stats(comps: Sequence[Comparison]) -> dict[str, float]:
    if not comps:
        return {"n": 0, "within_20pct": float("nan"), "median_abs_error": float("nan")}
    errs = [abs(c.error) for c in comps]
    return {"n": len(comps), "within_20pct": sum(e <= WITHIN for e in errs) / len(errs),
            "median_abs_error": statistics.median(errs),
            "median_signed_error": statistics.median(c.error for c in comps)}


def grouped(comps: Sequence[Comparison], key) -> dict[str, dict[str, float]]:
    groups: dict[str, list[Comparison]] = {}
    for c in comps:
        groups.setdefault(key(c), []).append(c)
    return {k: stats(v) for k, v in sorted(groups.items())}


def summary(comps: Sequence[Comparison]) -> dict[str, Any]:
    return {
        "overall": stats(comps),
        "suggested_core": stats([c for c in comps if c.suggested_core]),
        "per_gpu": grouped(comps, lambda c: c.gpu),
        "per_model": grouped(comps, lambda c: c.model),
        "per_load_type": grouped(comps, lambda c: c.load_type),
        "per_metric": grouped(comps, lambda c: f"{c.load_type}:{c.metric}"),
        "per_engine": grouped(comps, lambda c: c.engine),
    }


def latency_summary(comps: Sequence[Comparison]) -> dict[str, dict[str, float]]:
    """Request-rate TTFT and ITL (and throughput), each on its own: the figures the issue targets."""
    online = [c for c in comps if c.load_type == "online_request_rate"]
    return {m: stats([c for c in online if c.metric == m]) for m in ("ttft_ms", "itl_ms", "output_tokens_per_s")}


def _fmt(name: str, s: dict[str, float]) -> str:
    if not s["n"]:
        return f"  {name:<58} n=0"
    return (f"  {name:<58} n={s['n']:>3}  within ±20%: {s['within_20pct'] * 100:5.1f}%  "
            f"median |err|: {s['median_abs_error'] * 100:5.1f}%  median err: {s['median_signed_error'] * 100:+5.1f}%")


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.accuracy", description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=None, help="calibration JSON (default: benchmarks/data copy)")
    ap.add_argument("--shared", action="store_true", help="read ../shared/reference/llm_serving_calibration.json")
    ap.add_argument("--profile", default=None, help="engine profile id (default: the catalog default)")
    ap.add_argument("--json", action="store_true", help="print the summary as JSON")
    ap.add_argument("--worst", type=int, default=0, help="also list the N worst comparisons")
    a = ap.parse_args(argv)
    path = a.file or (SHARED_FILE if a.shared else DEFAULT_FILE)
    comps, skipped = evaluate(load_points(path), profile=a.profile)
    summ = summary(comps)
    if a.json:
        held = evaluate(load_points(CHECK_FILE), profile=a.profile)[0] if a.file is None and CHECK_FILE.exists() else []
        print(json.dumps({"file": str(path), "skipped_points": skipped, **summ,
                          "request_rate_latency": latency_summary(comps),
                          "holdout_request_rate_latency": latency_summary(held)}, indent=1))
        return 0
    print(f"calibration file: {path}")
    print(f"comparisons: {len(comps)} (points the catalog cannot represent, skipped: {len(skipped)} {skipped})")
    print(_fmt("overall", summ["overall"]))
    print(_fmt("suggested_core points", summ["suggested_core"]))
    for title in ("per_gpu", "per_load_type", "per_metric", "per_model", "per_engine"):
        print(title.replace("_", " ") + ":")
        for k, s in summ[title].items():
            print(_fmt(k, s))
    print("request-rate latency (each metric on its own):")
    for k, st in latency_summary(comps).items():
        print(_fmt(f"calibration set: {k}", st))
    if a.file is None and CHECK_FILE.exists():
        held, _ = evaluate(load_points(CHECK_FILE), profile=a.profile)
        print(f"hold-out (never fitted on; {CHECK_FILE.name}: H200, GH200, L40S, GPUs the profile was not fitted on):")
        for k, st in latency_summary(held).items():
            print(_fmt(f"hold-out request rate: {k}", st))
        print(_fmt("hold-out offline max throughput", stats([c for c in held if c.load_type == "offline_max_throughput"])))
        for g, st in grouped(held, lambda c: c.gpu).items():
            print(_fmt(f"hold-out {g}", st))
    if a.worst:
        print(f"worst {a.worst}:")
        for c in sorted(comps, key=lambda c: -abs(c.error))[:a.worst]:
            print(f"  {c.error * 100:+7.1f}%  {c.metric:<20} measured {c.measured:>10,.1f} predicted {c.predicted:>10,.1f}  {c.point_id}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
