"""Streaming workload statistics: one pass, bounded memory, exact figures.

Why counters instead of lists: percentiles of token counts are exact from a table of
{value: how many} (token counts are integers, so the table has at most a few thousand rows however
long the file), rates come from per-bin counts (one number per `bin_s` seconds of the window), and
distinct users and sessions are kept as a set only up to `MAX_DISTINCT` (beyond it the count is
reported as a lower bound). Memory therefore grows with the time span and the variety of values,
never with the number of rows.

Percentile method (stated in every report): linear interpolation between the closest ranks, the
"inclusive" / Hyndman-Fan type 7 definition, which is numpy's and spreadsheet PERCENTILE's default
and Python's `statistics.quantiles(method="inclusive")`. Latencies are counted at 1 ms resolution.
"""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from forecasting.actuals.errors import UsageDataError

MAX_DISTINCT = 1_000_000
PERCENTILE_METHOD = ("linear interpolation between closest ranks (Hyndman-Fan type 7, numpy's default, "
                     "statistics.quantiles(method='inclusive')); exact, from a count of every value")
PERCENTILES = (0.5, 0.9, 0.99)


def quantiles(counts: Counter[float], ps: tuple[float, ...] = PERCENTILES) -> list[float]:
    """Type-7 quantiles of the multiset `counts` ({value: occurrences})."""
    n = sum(counts.values())
    if n == 0:
        return [math.nan for _ in ps]
    items = sorted(counts.items())
    ranks = [(n - 1) * p for p in ps]
    wanted = sorted({r for h in ranks for r in (math.floor(h), min(n - 1, math.floor(h) + 1))})
    at: dict[int, float] = {}
    cum = 0
    j = 0
    for value, c in items:
        cum += c
        while j < len(wanted) and wanted[j] < cum:
            at[wanted[j]] = value
            j += 1
        if j == len(wanted):
            break
    out = []
    for h in ranks:
        lo = math.floor(h)
        hi = min(n - 1, lo + 1)
        out.append(at[lo] + (h - lo) * (at[hi] - at[lo]))
    return out


@dataclass
class Distinct:
    """Distinct ids, exact up to MAX_DISTINCT (then a lower bound)."""

    seen: set[str] = field(default_factory=set)
    capped: bool = False

    def add(self, value: str) -> None:
        if value in self.seen:
            return
        if len(self.seen) >= MAX_DISTINCT:
            self.capped = True
            return
        self.seen.add(value)


@dataclass
class RequestStats:
    """Accumulates one request at a time; `add` checks each row and says which line is wrong."""

    bin_s: float = 60.0
    requests: int = 0
    first: float = math.nan
    last: float = math.nan
    bins: Counter[int] = field(default_factory=Counter)
    bin_tokens: dict[int, float] = field(default_factory=dict)
    hours: Counter[int] = field(default_factory=Counter)
    input_counts: Counter[float] = field(default_factory=Counter)
    output_counts: Counter[float] = field(default_factory=Counter)
    input_total: float = 0.0
    output_total: float = 0.0
    cached_total: float = 0.0
    cached_rows: int = 0
    latency_counts: Counter[float] = field(default_factory=Counter)
    latency_total: float = 0.0
    ttft_counts: Counter[float] = field(default_factory=Counter)
    users: Distinct = field(default_factory=Distinct)
    sessions: Distinct = field(default_factory=Distinct)
    session_rows: int = 0
    models: Counter[str] = field(default_factory=Counter)
    models_seen: Counter[str] = field(default_factory=Counter)  # including rows --model left out

    def add(self, where: str, t: float, inp: float, out: float, cached: float | None = None,
            latency: float | None = None, ttft: float | None = None, user: str | None = None,
            session: str | None = None, model: str | None = None) -> None:
        if not (inp >= 0 and out >= 0) or math.isinf(inp) or math.isinf(out):
            bad = "input" if not (inp >= 0) or math.isinf(inp) else "output"
            raise UsageDataError(f"{where}: {bad} tokens must be a non-negative number, got {inp if bad == 'input' else out!r}")
        if self.requests == 0:
            self.first = t
        elif t < self.last:
            raise UsageDataError(f"{where}: timestamp goes back in time ({t - self.last:+.3f} s after the previous row); "
                                 "rows must be in time order (sort the file by its timestamp column first)")
        self.last = t
        self.requests += 1
        b = int((t - self.first) // self.bin_s)
        self.bins[b] += 1
        self.bin_tokens[b] = self.bin_tokens.get(b, 0.0) + inp + out
        self.hours[int(t // 3600)] += 1
        self.input_counts[inp] += 1
        self.output_counts[out] += 1
        self.input_total += inp
        self.output_total += out
        if cached is not None:
            if not 0 <= cached <= inp:
                raise UsageDataError(f"{where}: cached input tokens ({cached:g}) must be between 0 and the input tokens ({inp:g})")
            self.cached_total += cached
            self.cached_rows += 1
        if latency is not None:
            if not latency >= 0 or math.isinf(latency):
                raise UsageDataError(f"{where}: latency must be a non-negative number of seconds, got {latency!r}")
            self.latency_counts[round(latency, 3)] += 1
            self.latency_total += latency
        if ttft is not None and ttft >= 0:
            self.ttft_counts[round(ttft, 3)] += 1
        if user:
            self.users.add(user)
        if session:
            self.sessions.add(session)
            self.session_rows += 1
        if model:
            self.models[model] += 1
            self.models_seen[model] += 1
