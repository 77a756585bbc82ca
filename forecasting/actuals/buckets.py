"""Readers of provider usage exports: time buckets of totals, not single requests.

- `openai-usage`: the OpenAI organization usage API, `GET /v1/organization/usage/completions` pages
  (`data[]` buckets with `start_time`, `end_time` in epoch seconds and `results[]` holding
  `input_tokens` (cached tokens included), `input_cached_tokens`, `output_tokens`, `num_model_requests`,
  `model` when grouped by model).
- `anthropic-usage`: the Anthropic Admin API usage report, `GET /v1/organizations/usage_report/messages`
  (`data[]` buckets with `starting_at`, `ending_at` (RFC 3339) and `results[]` holding
  `uncached_input_tokens`, `cache_read_input_tokens`, `cache_creation.ephemeral_5m_input_tokens` /
  `ephemeral_1h_input_tokens`, `output_tokens`, `model`). It counts tokens, not requests: request
  rates and tokens per request stay null, and the peak-to-average ratio is that of the token rate.

Why whole-document parsing here: these exports are a few kilobytes to megabytes (one bucket per
minute, hour or day), unlike request logs. A file may hold one page, a JSON array of pages or one
page per line (what a paginating script writes).
Percentiles need single requests: a bucket gives means only (null percentiles, said in `notes`).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from forecasting.actuals.errors import UsageDataError
from forecasting.actuals.figures import Calibration, Distribution, daily_profile
from forecasting.actuals.stats import PERCENTILE_METHOD
from forecasting.actuals.timeparse import iso, parse_time


def load_pages(text: str, name: str) -> list[dict[str, Any]]:
    """Every page object in the text (one object, an array of them, or one per line)."""
    s = text.strip()
    if not s:
        raise UsageDataError(f"{name}: the file is empty")
    try:
        doc = json.loads(s)
        pages = doc if isinstance(doc, list) else [doc]
    except ValueError:
        pages = []
        for n, line in enumerate(s.splitlines(), 1):
            if line.strip():
                try:
                    pages.append(json.loads(line))
                except ValueError as exc:
                    raise UsageDataError(f"{name}: line {n}: not valid JSON ({exc})") from None
    if not all(isinstance(p, dict) for p in pages):
        raise UsageDataError(f"{name}: expected usage pages (JSON objects with a data array of buckets)")
    return pages


@dataclass
class _Bucket:
    start: float
    end: float
    requests: float = 0.0
    input: float = 0.0
    cached: float = 0.0
    output: float = 0.0


@dataclass
class _Totals:
    buckets: list[_Bucket] = field(default_factory=list)
    models: Counter[str] = field(default_factory=Counter)


def _int(result: dict[str, Any], key: str, where: str, required: bool = True) -> float:
    v = result.get(key)
    if v is None:
        if required:
            raise UsageDataError(f"{where}: no {key}")
        return 0.0
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise UsageDataError(f"{where}: {key} is {v!r}, not a number")
    if v < 0:
        raise UsageDataError(f"{where}: {key} is negative ({v})")
    return float(v)


def _collect(pages: list[dict[str, Any]], name: str, kind: str, model: str | None) -> _Totals:
    tot = _Totals()
    start_key, end_key = ("start_time", "end_time") if kind == "openai" else ("starting_at", "ending_at")
    for pi, page in enumerate(pages):
        data = page.get("data")
        if not isinstance(data, list):
            raise UsageDataError(f"{name}: page {pi + 1} has no data array of buckets")
        for bi, b in enumerate(data):
            where = f"{name}: bucket {bi + 1}" + (f" of page {pi + 1}" if len(pages) > 1 else "")
            if not isinstance(b, dict) or start_key not in b or end_key not in b:
                raise UsageDataError(f"{where}: expected {start_key} and {end_key}")
            try:
                start, end = parse_time(b[start_key]), parse_time(b[end_key])
            except ValueError as exc:
                raise UsageDataError(f"{where}: {exc}") from None
            if end <= start:
                raise UsageDataError(f"{where}: {end_key} is not after {start_key}")
            bucket = _Bucket(start, end)
            for ri, r in enumerate(b.get("results") or []):
                rw = f"{where}, result {ri + 1}"
                if not isinstance(r, dict):
                    raise UsageDataError(f"{rw}: expected an object")
                m = r.get("model")
                if m:  # OpenAI: requests per model; Anthropic: output tokens per model (it counts no requests)
                    tot.models[str(m)] += int(r.get("num_model_requests" if kind == "openai" else "output_tokens") or 0)
                if model is not None and m != model:
                    continue
                if kind == "openai":
                    bucket.requests += _int(r, "num_model_requests", rw)
                    bucket.input += _int(r, "input_tokens", rw)
                    cached = _int(r, "input_cached_tokens", rw, required=False)
                    if cached > _int(r, "input_tokens", rw):
                        raise UsageDataError(f"{rw}: input_cached_tokens exceeds input_tokens (which includes them)")
                    bucket.cached += cached
                    bucket.output += _int(r, "output_tokens", rw)
                else:
                    creation = r.get("cache_creation") or {}
                    if not isinstance(creation, dict):
                        raise UsageDataError(f"{rw}: cache_creation must be an object")
                    written = sum(_int(creation, k, rw, required=False) for k in creation
                                  if k.endswith("input_tokens"))
                    written += _int(r, "cache_creation_input_tokens", rw, required=False)
                    read = _int(r, "cache_read_input_tokens", rw, required=False)
                    bucket.input += _int(r, "uncached_input_tokens", rw) + read + written
                    bucket.cached += read
                    bucket.output += _int(r, "output_tokens", rw)
            tot.buckets.append(bucket)
    if not tot.buckets:
        raise UsageDataError(f"{name}: no usage buckets found")
    tot.buckets.sort(key=lambda x: x.start)
    for a, b in zip(tot.buckets, tot.buckets[1:]):
        if b.start < a.end:
            raise UsageDataError(f"{name}: buckets overlap ({iso(a.start)} to {iso(a.end)} and {iso(b.start)}); "
                                 "give each page once")
    return tot


def read_buckets(text: str, name: str, kind: str, model: str | None = None) -> tuple[Calibration, Counter[str]]:
    """Figures from an OpenAI (`kind="openai"`) or Anthropic (`"anthropic"`) usage export, and models seen."""
    tot = _collect(load_pages(text, name), name, kind, model)
    bs = tot.buckets
    first, last = bs[0].start, bs[-1].end
    window = last - first
    width = max(b.end - b.start for b in bs)
    requests = sum(b.requests for b in bs)
    tin, tout, tcached = (sum(b.input for b in bs), sum(b.output for b in bs), sum(b.cached for b in bs))
    if tin + tout == 0 and requests == 0:
        raise UsageDataError(f"{name}: the buckets hold no usage" + (f" for model {model}" if model else ""))
    counted = kind == "openai"
    notes = [f"a usage export gives totals per {width:g}-s bucket: tokens per request are means (no percentiles), "
             "and the peak is the busiest bucket"]

    def by(b: _Bucket) -> float:
        return b.requests if counted else b.input + b.output

    peak_b = max(bs, key=lambda b: (by(b) / (b.end - b.start), -b.start))
    peak_rate = by(peak_b) / (peak_b.end - peak_b.start)
    avg_rate = sum(by(b) for b in bs) / window
    hours: Counter[int] = Counter()
    if width <= 3600:
        for b in bs:
            hours[int(b.start // 3600)] += int(by(b))
    if not counted:
        notes.append("the Anthropic usage report counts tokens, not requests: request rates and tokens per request "
                     "are null, and the peak-to-average ratio is that of the token rate")
    peak_tok_b = max(bs, key=lambda b: ((b.input + b.output) / (b.end - b.start), -b.start))
    return Calibration(
        format=f"{kind}-usage", files=[name], requests=int(requests) if counted else None, window_s=window,
        start=iso(first), end=iso(last),
        average_requests_per_second=requests / window if counted else None,
        peak_requests_per_second=peak_rate if counted else None, peak_bin_s=peak_b.end - peak_b.start,
        peak_bin_start=iso(peak_b.start), peak_to_average=peak_rate / avg_rate if avg_rate else 1.0,
        input_tokens_per_request=Distribution(mean=tin / requests) if counted and requests else None,
        output_tokens_per_request=Distribution(mean=tout / requests) if counted and requests else None,
        percentile_method=PERCENTILE_METHOD, input_tokens=tin, output_tokens=tout, cached_input_tokens=tcached,
        cached_input_share=tcached / tin if tin else 0.0,
        average_tokens_per_minute=(tin + tout) / window * 60.0,
        peak_tokens_per_minute=(peak_tok_b.input + peak_tok_b.output) / (peak_tok_b.end - peak_tok_b.start) * 60.0,
        daily_profile=daily_profile(hours, first, last) if hours else None,
        models=dict(tot.models.most_common()), notes=notes,
    ), tot.models
