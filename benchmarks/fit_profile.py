"""Fit an engine profile's constants on published measurements: `python -m benchmarks.fit_profile`.

Why a script in the repo: the calibrated numbers in engine_profiles.json must be reproducible, and the
hold-out check (fit on some GPUs or load types, measure on the others) must be rerunnable by anyone.
It prints the fitted constants and the accuracy on the training and hold-out parts; it never writes
the profile file (copy the numbers in by hand, with the date, so a change shows in review).

Loss: mean over comparisons of min(|ln(predicted/measured)|, 0.4): a log error treats over- and
under-prediction alike, and the cap keeps a few points the model cannot represent from dragging the fit.
Optimiser: Nelder-Mead (standard library only), constants clamped to physical ranges.
"""
from __future__ import annotations

import argparse
import math
import sys
from typing import Any, Callable, Sequence

from benchmarks.accuracy import DEFAULT_FILE, evaluate, load_points, stats, summary
from forecasting.serving import ServingCatalog, load_serving_catalog

# constant -> (low, high): the physically sensible range
BOUNDS: dict[str, tuple[float, float]] = {
    "mbu": (0.3, 0.95), "attention_mbu": (0.2, 0.95), "mfu": (0.2, 0.95), "low_precision_mfu_factor": (0.4, 1.0), "moe_mfu_factor": (0.3, 1.0),
    "step_overhead_ms": (0.0, 10.0), "request_overhead_ms": (0.0, 50.0), "reserved_gib": (0.5, 10.0),
    "comm_efficiency": (0.05, 1.0), "allreduce_latency_us": (1.0, 50.0), "kv_reserve_output_fraction": (0.3, 1.0),
}
DEFAULT_FIT = ("mbu", "attention_mbu", "mfu", "low_precision_mfu_factor", "moe_mfu_factor", "step_overhead_ms", "request_overhead_ms",
               "reserved_gib", "comm_efficiency", "allreduce_latency_us")


def nelder_mead(f: Callable[[list[float]], float], x0: list[float], steps: list[float], iters: int = 400,
                tol: float = 1e-6) -> tuple[list[float], float]:
    n = len(x0)
    simplex = [list(x0)] + [[x0[j] + (steps[i] if j == i else 0.0) for j in range(n)] for i in range(n)]
    vals = [f(x) for x in simplex]
    for _ in range(iters):
        order = sorted(range(n + 1), key=lambda k: vals[k])
        simplex, vals = [simplex[k] for k in order], [vals[k] for k in order]
        if abs(vals[-1] - vals[0]) < tol:
            break
        centroid = [sum(x[j] for x in simplex[:-1]) / n for j in range(n)]
        worst = simplex[-1]
        xr = [c + (c - w) for c, w in zip(centroid, worst)]
        fr = f(xr)
        if fr < vals[0]:
            xe = [c + 2 * (c - w) for c, w in zip(centroid, worst)]
            fe = f(xe)
            simplex[-1], vals[-1] = (xe, fe) if fe < fr else (xr, fr)
        elif fr < vals[-2]:
            simplex[-1], vals[-1] = xr, fr
        else:
            xc = [c + 0.5 * (w - c) for c, w in zip(centroid, worst)]
            fc = f(xc)
            if fc < vals[-1]:
                simplex[-1], vals[-1] = xc, fc
            else:
                best = simplex[0]
                simplex = [best] + [[b + 0.5 * (x - b) for b, x in zip(best, xs)] for xs in simplex[1:]]
                vals = [vals[0]] + [f(x) for x in simplex[1:]]
    k = min(range(n + 1), key=lambda i: vals[i])
    return simplex[k], vals[k]


def catalog_with(base: ServingCatalog, profile: str, values: dict[str, Any]) -> ServingCatalog:
    prof = base.profiles[profile]._replace(**values)
    return base._replace(profiles={**base.profiles, profile: prof})


def loss(comps) -> float:
    if not comps:
        return 1e9
    return sum(min(abs(math.log(c.predicted / c.measured)), 0.4) for c in comps) / len(comps)


def fit(points: list[dict[str, Any]], names: Sequence[str], profile: str = "trtllm",
        base: ServingCatalog | None = None, iters: int = 400) -> dict[str, float]:
    base = base or load_serving_catalog()
    start = base.profiles[profile]

    def clamp(x: list[float]) -> dict[str, float]:
        return {n: min(max(v, BOUNDS[n][0]), BOUNDS[n][1]) for n, v in zip(names, x)}

    def objective(x: list[float]) -> float:
        comps, _ = evaluate(points, catalog_with(base, profile, clamp(x)), profile)
        return loss(comps)

    x0 = [float(getattr(start, n)) for n in names]
    best, _ = nelder_mead(objective, x0, [max(abs(v) * 0.15, 0.05) for v in x0], iters=iters)
    return clamp(best)


def _select(points: list[dict[str, Any]], gpu: str | None, load: str | None, invert: bool) -> list[dict[str, Any]]:
    def hit(p: dict[str, Any]) -> bool:
        ok = True
        if gpu:
            ok = ok and gpu.lower() in p["gpu"].lower()
        if load:
            ok = ok and p["load"]["type"] == load
        return ok != invert
    return [p for p in points if hit(p)]


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.fit_profile", description=__doc__.splitlines()[0])
    ap.add_argument("--file", default=str(DEFAULT_FILE))
    ap.add_argument("--profile", default="trtllm")
    ap.add_argument("--params", default=",".join(DEFAULT_FIT), help="comma-separated constants to fit")
    ap.add_argument("--train-gpu", default=None, help="fit only on points whose GPU contains this, e.g. H100")
    ap.add_argument("--train-load", default=None, help="fit only on this load type, e.g. offline_max_throughput")
    ap.add_argument("--iters", type=int, default=400)
    a = ap.parse_args(argv)
    points = load_points(a.file)
    train = _select(points, a.train_gpu, a.train_load, invert=False)
    hold = _select(points, a.train_gpu, a.train_load, invert=True) if (a.train_gpu or a.train_load) else []
    names = [n.strip() for n in a.params.split(",") if n.strip()]
    values = fit(train, names, a.profile, iters=a.iters)
    print("fitted:", ", ".join(f"{k}={v:.4g}" for k, v in values.items()))
    cat = catalog_with(load_serving_catalog(), a.profile, values)
    for label, pts in (("train", train), ("hold-out", hold)):
        if not pts:
            continue
        comps, _ = evaluate(pts, cat, a.profile)
        s = stats(comps)
        print(f"{label:>8}: n={s['n']} within ±20% {s['within_20pct'] * 100:.1f}%  median |err| "
              f"{s['median_abs_error'] * 100:.1f}%")
        for k, v in summary(comps)["per_metric"].items():
            print(f"          {k:<45} n={v['n']:>3} within ±20% {v['within_20pct'] * 100:5.1f}%  "
                  f"median |err| {v['median_abs_error'] * 100:5.1f}%")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
