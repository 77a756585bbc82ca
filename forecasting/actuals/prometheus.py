"""vLLM's Prometheus text exposition (`GET /metrics`), two or more scrapes -> workload figures.

Metrics read (names as vLLM exposes them, docs.vllm.ai "Production Metrics"; both the v0 and v1 engines):
- counters `vllm:request_success_total`, `vllm:prompt_tokens_total`, `vllm:generation_tokens_total`,
  and `vllm:prefix_cache_queries_total` / `vllm:prefix_cache_hits_total` (tokens; the cached share) when present;
- gauges `vllm:num_requests_running`, `vllm:num_requests_waiting`, `vllm:kv_cache_usage_perc`
  (older `vllm:gpu_cache_usage_perc`);
- histograms `vllm:request_prompt_tokens`, `vllm:request_generation_tokens`,
  `vllm:e2e_request_latency_seconds`, `vllm:time_to_first_token_seconds`,
  `vllm:inter_token_latency_seconds` (older `vllm:time_per_output_token_seconds`).

Rates are counter increases over the interval between scrapes (a counter that went down means the
server restarted: the increase is then the new value, as Prometheus's `increase()` counts it). The
peak is the busiest interval between consecutive scrapes. Percentiles come from the increase of the
histogram buckets between the first and last scrape, interpolated linearly inside the bucket that
holds the rank (Prometheus's `histogram_quantile` method), so they are only as fine as the buckets.
Scrape times: the samples' own timestamps when the exposition carries them, else `interval_s` apart.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Iterable

from forecasting.actuals.errors import UsageDataError
from forecasting.actuals.figures import Calibration, Concurrency, Distribution
from forecasting.actuals.timeparse import iso

_LINE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$')
_LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?')
HISTOGRAM_METHOD = ("from the histogram buckets' increase between the first and last scrape, linear interpolation "
                    "inside the bucket holding the rank (Prometheus histogram_quantile); as fine as the buckets")

REQUESTS = "vllm:request_success_total"
PROMPT = "vllm:prompt_tokens_total"
GENERATION = "vllm:generation_tokens_total"
GAUGES = {"vllm:num_requests_running": "num_requests_running", "vllm:num_requests_waiting": "num_requests_waiting",
          "vllm:kv_cache_usage_perc": "kv_cache_usage_perc", "vllm:gpu_cache_usage_perc": "kv_cache_usage_perc"}


@dataclass
class Scrape:
    samples: dict[str, list[tuple[dict[str, str], float]]] = field(default_factory=dict)
    timestamp_s: float | None = None


def parse_exposition(lines: Iterable[str], name: str) -> Scrape:
    """One scrape's samples by metric name. UsageDataError names the line that is not exposition format."""
    sc = Scrape()
    stamps: list[float] = []
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _LINE.match(line)
        if not m:
            raise UsageDataError(f"{name}: line {n}: not Prometheus text exposition format: {line[:80]!r}")
        labels = {k: v.encode().decode("unicode_escape") if "\\" in v else v
                  for k, v in _LABEL.findall(m[3] or "")}
        try:
            value = float(m[4])
        except ValueError:
            raise UsageDataError(f"{name}: line {n}: {m[4]!r} is not a number") from None
        sc.samples.setdefault(m[1], []).append((labels, value))
        if m[5]:
            stamps.append(int(m[5]) / 1000.0)
    if not sc.samples:
        raise UsageDataError(f"{name}: no metrics found (empty scrape)")
    if not any(k.startswith("vllm:") for k in sc.samples):
        raise UsageDataError(f"{name}: no vllm: metrics in this scrape; is it the /metrics of a vLLM server?")
    sc.timestamp_s = max(stamps) if stamps else None
    return sc


def _sum(sc: Scrape, metric: str, model: str | None, le: str | None = None) -> float | None:
    rows = sc.samples.get(metric)
    if rows is None:
        return None
    total = 0.0
    for labels, v in rows:
        if model is not None and labels.get("model_name", model) != model:
            continue
        if le is not None and labels.get("le") != le:
            continue
        total += v
    return total


def _increase(a: float | None, b: float | None) -> float | None:
    if a is None or b is None:
        return None
    return b - a if b >= a else b  # a reset: the counter restarted from zero


def _buckets(sc: Scrape, metric: str, model: str | None) -> dict[float, float]:
    out: dict[float, float] = {}
    for labels, v in sc.samples.get(metric + "_bucket", []):
        if model is not None and labels.get("model_name", model) != model:
            continue
        le = labels.get("le")
        if le is None:
            continue
        bound = math.inf if le in ("+Inf", "Inf", "inf") else float(le)
        out[bound] = out.get(bound, 0.0) + v
    return out


def _hist(first: Scrape, last: Scrape, metric: str, model: str | None) -> Distribution | None:
    a, b = _buckets(first, metric, model), _buckets(last, metric, model)
    if not b:
        return None
    inc = {k: max(0.0, b[k] - a.get(k, 0.0)) for k in b}
    count = _increase(_sum(first, metric + "_count", model), _sum(last, metric + "_count", model))
    total = _increase(_sum(first, metric + "_sum", model), _sum(last, metric + "_sum", model))
    if not count or total is None:
        return None
    bounds = sorted(inc)
    n = inc[bounds[-1]]

    def q(p: float) -> float:
        rank = p * n
        prev_bound, prev_c = 0.0, 0.0
        for bound in bounds:
            c = inc[bound]
            if c >= rank:
                if math.isinf(bound):
                    return prev_bound  # beyond the last finite bucket: its upper bound is the best known
                if c == prev_c:
                    return bound
                return prev_bound + (bound - prev_bound) * (rank - prev_c) / (c - prev_c)
            prev_bound, prev_c = bound, c
        return prev_bound

    return Distribution(mean=total / count, p50=q(0.5), p90=q(0.9), p99=q(0.99))


def models_in(scrapes: list[Scrape]) -> Counter[str]:
    seen: Counter[str] = Counter()
    for labels, v in scrapes[-1].samples.get(REQUESTS, []):
        if "model_name" in labels:
            seen[labels["model_name"]] += int(v)
    return seen


def read_scrapes(scrapes: list[Scrape], names: list[str], interval_s: float | None,
                 model: str | None = None) -> Calibration:
    """Figures from two or more scrapes of one vLLM server, in scrape order."""
    if len(scrapes) < 2:
        raise UsageDataError(f"{', '.join(names)}: give two or more scrapes of /metrics (rates need an interval)")
    times: list[float]
    if all(s.timestamp_s is not None for s in scrapes):
        times = [s.timestamp_s for s in scrapes]  # type: ignore[misc]
    elif interval_s:
        times = [i * interval_s for i in range(len(scrapes))]
    else:
        raise UsageDataError(f"{', '.join(names)}: the scrapes carry no timestamps; give the time between scrapes "
                             "with --interval SECONDS")
    for i in range(1, len(times)):
        if times[i] <= times[i - 1]:
            raise UsageDataError(f"{names[i]}: scraped at or before the previous scrape ({names[i - 1]}); give the "
                                 "files in time order")
    for metric in (REQUESTS, PROMPT, GENERATION):
        for s, nm in zip(scrapes, names):
            if metric not in s.samples:
                raise UsageDataError(f"{nm}: no {metric} counter; capplan needs {REQUESTS}, {PROMPT} and {GENERATION}")
    first, last = scrapes[0], scrapes[-1]
    window = times[-1] - times[0]
    reqs: list[float] = []
    toks: list[float] = []
    notes: list[str] = []
    for i in range(1, len(scrapes)):
        a, b = scrapes[i - 1], scrapes[i]
        r = _increase(_sum(a, REQUESTS, model), _sum(b, REQUESTS, model)) or 0.0
        t = sum(_increase(_sum(a, m, model), _sum(b, m, model)) or 0.0 for m in (PROMPT, GENERATION))
        if (_sum(b, REQUESTS, model) or 0.0) < (_sum(a, REQUESTS, model) or 0.0):
            notes.append(f"{names[i]}: {REQUESTS} went down: the server restarted; counted from zero again")
        reqs.append(r)
        toks.append(t)
    requests = sum(reqs)
    if requests <= 0:
        raise UsageDataError(f"{', '.join(names)}: no request finished between the scrapes ({REQUESTS} did not grow)")
    prompt = sum(_increase(_sum(a, PROMPT, model), _sum(b, PROMPT, model)) or 0.0 for a, b in zip(scrapes, scrapes[1:]))
    gen = sum(_increase(_sum(a, GENERATION, model), _sum(b, GENERATION, model)) or 0.0 for a, b in zip(scrapes, scrapes[1:]))
    rates = [(r / (times[i + 1] - times[i]), i) for i, r in enumerate(reqs)]
    peak, pi = max(rates, key=lambda x: (x[0], -x[1]))
    peak_bin = times[pi + 1] - times[pi]
    tok_peak, ti = max(((t / (times[i + 1] - times[i]), i) for i, t in enumerate(toks)), key=lambda x: (x[0], -x[1]))
    avg = requests / window
    in_hist = _hist(first, last, "vllm:request_prompt_tokens", model)
    out_hist = _hist(first, last, "vllm:request_generation_tokens", model)
    in_dist = Distribution(mean=prompt / requests, p50=in_hist.p50 if in_hist else None,
                           p90=in_hist.p90 if in_hist else None, p99=in_hist.p99 if in_hist else None)
    out_dist = Distribution(mean=gen / requests, p50=out_hist.p50 if out_hist else None,
                            p90=out_hist.p90 if out_hist else None, p99=out_hist.p99 if out_hist else None)
    latency = _hist(first, last, "vllm:e2e_request_latency_seconds", model)
    ttft = _hist(first, last, "vllm:time_to_first_token_seconds", model)
    itl = (_hist(first, last, "vllm:inter_token_latency_seconds", model)
           or _hist(first, last, "vllm:time_per_output_token_seconds", model))
    q = _increase(_sum(first, "vllm:prefix_cache_queries_total", model), _sum(last, "vllm:prefix_cache_queries_total", model))
    h = _increase(_sum(first, "vllm:prefix_cache_hits_total", model), _sum(last, "vllm:prefix_cache_hits_total", model))
    cached_share = (h / q) if q and h is not None else None
    gauges: dict[str, dict[str, float]] = {}
    for metric, key in GAUGES.items():
        vals = [v for s in scrapes if (v := _sum(s, metric, model)) is not None]
        if vals and key not in gauges:
            gauges[key] = {"mean": sum(vals) / len(vals), "max": max(vals)}
    concurrency = None
    if latency is not None:
        concurrency = Concurrency(average=avg * latency.mean, peak=peak * latency.mean,
                                  method="Little's law: requests in flight = request rate x mean end-to-end latency "
                                         "(vllm:e2e_request_latency_seconds)")
    notes.append("percentiles: " + HISTOGRAM_METHOD)
    if times[0] < 315_532_800:
        notes.append(f"the scrapes carry no timestamps: taken as {interval_s:g} s apart (--interval)")
    return Calibration(
        format="vllm-prometheus", files=names, requests=int(round(requests)), window_s=window,
        start=iso(times[0]), end=iso(times[-1]), average_requests_per_second=avg,
        peak_requests_per_second=peak, peak_bin_s=peak_bin, peak_bin_start=iso(times[pi]),
        peak_to_average=peak / avg, input_tokens_per_request=in_dist, output_tokens_per_request=out_dist,
        percentile_method=HISTOGRAM_METHOD, input_tokens=prompt, output_tokens=gen,
        cached_input_tokens=(cached_share * prompt) if cached_share is not None else None,
        cached_input_share=cached_share, average_tokens_per_minute=(prompt + gen) / window * 60.0,
        peak_tokens_per_minute=tok_peak * 60.0, latency_s=latency, time_to_first_token_s=ttft,
        inter_token_latency_s=itl, concurrency=concurrency, models=dict(models_in(scrapes).most_common()),
        gauges=gauges, notes=notes,
    )
