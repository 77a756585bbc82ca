"""What `capplan calibrate` reports: the workload as measured, one pydantic model (its JSON is an interface).

Why one model for every input format: traces, provider usage buckets and Prometheus scrapes see the
same workload through different windows, so they fill the same keys; a figure a format cannot give
(percentiles from daily buckets, latency from a usage export) is null and `notes` says why.
Units are in the key names; rates are per second unless the key says per minute.
"""
from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, Field

from forecasting.actuals.errors import UsageDataError
from forecasting.actuals.stats import PERCENTILE_METHOD, Distinct, RequestStats, quantiles
from forecasting.actuals.timeparse import iso

DAY_S = 86_400.0


class Distribution(BaseModel):
    """Mean and percentiles of a per-request figure (percentiles null when the data has only totals)."""

    mean: float
    p50: float | None = None
    p90: float | None = None
    p99: float | None = None


class Concurrency(BaseModel):
    average: float = Field(description="requests in flight on average = total time in flight / window (Little's law)")
    peak: float = Field(description="requests in flight in the busiest bin = peak rate x mean latency (Little's law)")
    method: str


class Calibration(BaseModel):
    format: str = Field(description="the input format read (see --input-format)")
    files: list[str]
    requests: int | None = Field(description="LLM requests counted (null when the source counts tokens only)")
    window_s: float = Field(description="first to last timestamp (traces) or first bucket start to last bucket end")
    start: str
    end: str
    average_requests_per_second: float | None
    peak_requests_per_second: float | None
    peak_bin_s: float
    peak_bin_start: str = Field(description="when the busiest bin began")
    peak_to_average: float = Field(description="peak / average request rate (token rate when requests are not counted)")
    input_tokens_per_request: Distribution | None
    output_tokens_per_request: Distribution | None
    percentile_method: str
    input_tokens: float = Field(description="total over the window")
    output_tokens: float
    cached_input_tokens: float | None
    cached_input_share: float | None = Field(description="cached / all input tokens; null when the data does not say")
    average_tokens_per_minute: float = Field(description="input + output tokens per minute over the window")
    peak_tokens_per_minute: float = Field(description="input + output tokens in the busiest bin (by tokens), per minute")
    latency_s: Distribution | None = None
    time_to_first_token_s: Distribution | None = None
    inter_token_latency_s: Distribution | None = None
    concurrency: Concurrency | None = None
    daily_profile: list[float] | None = Field(None, description="24 values: the request rate in each hour of the day / the average rate (UTC hours); null under a day of data")
    users: int | None = None
    users_at_least: bool = False
    sessions: int | None = None
    messages_per_session: float | None = None
    models: dict[str, int] = Field(default_factory=dict, description="requests per model")
    gauges: dict[str, dict[str, float]] = Field(default_factory=dict, description="vLLM gauges: mean and max over the scrapes")
    notes: list[str] = Field(default_factory=list)
    scenario: dict[str, Any] = Field(default_factory=dict, description="the scenario fields these figures calibrate")
    scenario_notes: list[str] = Field(default_factory=list)


def _dist(counts: Any, mean: float) -> Distribution:
    p50, p90, p99 = quantiles(counts)
    return Distribution(mean=mean, p50=p50, p90=p90, p99=p99)


def _distinct(d: Distinct) -> tuple[int | None, bool]:
    return (len(d.seen), d.capped) if d.seen else (None, False)


def from_requests(st: RequestStats, fmt: str, files: list[str]) -> Calibration:
    """Figures of a per-request trace; UsageDataError when there are too few requests to measure a rate."""
    where = ", ".join(files)
    if st.requests == 0:
        raise UsageDataError(f"{where}: no requests found (the file is empty or has only a header)")
    window = st.last - st.first
    if st.requests < 2 or window <= 0:
        raise UsageDataError(f"{where}: {st.requests} request(s) over {window:g} s: at least two requests at different "
                             "times are needed to measure a rate")
    n = st.requests
    avg = n / window
    peak_bin, peak_count = max(st.bins.items(), key=lambda kv: (kv[1], -kv[0]))
    peak = peak_count / st.bin_s
    notes: list[str] = []
    if window < st.bin_s:
        notes.append(f"the window ({window:,.1f} s) is shorter than one bin ({st.bin_s:g} s): the peak rate is "
                     "the whole window's count per bin length")
    latency = concurrency = ttft = None
    if st.latency_counts:
        mean_lat = st.latency_total / sum(st.latency_counts.values())
        latency = _dist(st.latency_counts, mean_lat)
        concurrency = Concurrency(average=st.latency_total / window, peak=peak * mean_lat,
                                  method="Little's law: average = total request time / window; peak = peak rate x mean latency")
    if st.ttft_counts:
        total = sum(v * c for v, c in st.ttft_counts.items())
        ttft = _dist(st.ttft_counts, total / sum(st.ttft_counts.values()))
    cached_share = None
    if st.cached_rows:
        cached_share = st.cached_total / st.input_total if st.input_total else 0.0
        if st.cached_rows < n:
            notes.append(f"cached input tokens were given on {st.cached_rows:,} of {n:,} rows; the others count as uncached")
    users, capped = _distinct(st.users)
    sessions, _ = _distinct(st.sessions)
    return Calibration(
        format=fmt, files=files, requests=n, window_s=window, start=iso(st.first), end=iso(st.last),
        average_requests_per_second=avg, peak_requests_per_second=peak, peak_bin_s=st.bin_s,
        peak_bin_start=iso(st.first + peak_bin * st.bin_s), peak_to_average=peak / avg,
        input_tokens_per_request=_dist(st.input_counts, st.input_total / n),
        output_tokens_per_request=_dist(st.output_counts, st.output_total / n),
        percentile_method=PERCENTILE_METHOD,
        input_tokens=st.input_total, output_tokens=st.output_total,
        cached_input_tokens=st.cached_total if st.cached_rows else None, cached_input_share=cached_share,
        average_tokens_per_minute=(st.input_total + st.output_total) / window * 60.0,
        peak_tokens_per_minute=max(st.bin_tokens.values()) / st.bin_s * 60.0,
        latency_s=latency, time_to_first_token_s=ttft, concurrency=concurrency,
        daily_profile=daily_profile(st.hours, st.first, st.last),
        users=users, users_at_least=capped, sessions=sessions,
        messages_per_session=(st.session_rows / sessions) if sessions else None,
        models=dict(st.models.most_common()), notes=notes,
    )


def daily_profile(hours: Any, first: float, last: float) -> list[float] | None:
    """Rate in each hour of the day / the average rate, over the whole hours inside the window."""
    if last - first < DAY_S:
        return None
    lo, hi = math.floor(first / 3600) + 1, math.floor(last / 3600) - 1  # whole hours only
    sums = [0.0] * 24
    seen = [0] * 24
    for h in range(lo, hi + 1):
        sums[h % 24] += hours.get(h, 0)
        seen[h % 24] += 1
    if min(seen) == 0:
        return None
    means = [s / c for s, c in zip(sums, seen)]
    overall = sum(means) / 24
    return [m / overall for m in means] if overall > 0 else None
