"""Forecast vs actual, metric by metric: how far a plan was from what happened, and what to change.

Why these metrics: they are the ones both a plan and usage data have (DESIGN.md "Actuals"): LLM calls
per second at peak and on average, tokens per call, tokens per minute at peak, monthly tokens and LLM
cost, and the peak multiplier. "Within" means within +-20% of the actual, the seeds' accuracy target.
Error % = (forecast - actual) / actual.

Like for like: the plan's tokens per minute at peak is peak calls x mean tokens per call, so the actual
is computed the same way from the measured peak rate and means; the busiest minute by tokens (what a
provider's rate limit sees) is reported beside it. Monthly figures extrapolate the measured average to
the plan's 730-hour month. LLM cost prices the actual tokens at the plan's own prices (hosted APIs).
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from forecasting.actuals.figures import Calibration
from forecasting.workload import SECONDS_PER_MONTH

TOLERANCE = 0.20


class MetricRow(BaseModel):
    metric: str
    key: str
    unit: str
    forecast: float
    actual: float
    error_pct: float | None
    within_20pct: bool


class Comparison(BaseModel):
    plan: str | None
    actuals: list[str]
    format: str
    tolerance_pct: float = TOLERANCE * 100
    metrics: list[MetricRow]
    within: int
    off: int
    worst: str | None
    changes: list[str]
    notes: list[str]


def _get(d: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(d, dict) or part not in d:
            return None
        d = d[part]
    return d


def _num(x: Any) -> float | None:
    return float(x) if isinstance(x, (int, float)) and not isinstance(x, bool) else None


def compare(plan: dict[str, Any], cal: Calibration) -> Comparison:
    """Compare a plan (its JSON dict) with a calibration. Metrics either side lacks are left out, and said so."""
    load = plan.get("load") or {}
    inputs = plan.get("inputs") or {}
    notes: list[str] = []
    rows: list[MetricRow] = []
    changes: list[str] = []

    def add(metric: str, key: str, unit: str, forecast: Any, actual: Any) -> MetricRow | None:
        f, a = _num(forecast), _num(actual)
        if f is None or a is None:
            notes.append(f"{metric}: not compared ({'the plan' if f is None else 'the data'} does not have it)")
            return None
        err = (f - a) / a if a else None
        row = MetricRow(metric=metric, key=key, unit=unit, forecast=f, actual=a,
                        error_pct=err * 100 if err is not None else None,
                        within_20pct=err is not None and abs(err) <= TOLERANCE)
        rows.append(row)
        return row

    peak_calls = _num(load.get("llm_calls_per_second"))
    monthly_calls = _num(load.get("monthly_llm_calls"))
    avg_calls = monthly_calls / SECONDS_PER_MONTH if monthly_calls is not None else None
    f_in, f_out = _num(load.get("input_tokens_per_call")), _num(load.get("output_tokens_per_call"))
    a_in = cal.input_tokens_per_request.mean if cal.input_tokens_per_request else None
    a_out = cal.output_tokens_per_request.mean if cal.output_tokens_per_request else None
    a_peak, a_avg = cal.peak_requests_per_second, cal.average_requests_per_second
    measured = isinstance(inputs.get("measured"), dict)

    r_peak = add("LLM calls per second at peak", "load.llm_calls_per_second", "calls/s", peak_calls, a_peak)
    r_avg = add("LLM calls per second on average", "average_llm_calls_per_second", "calls/s", avg_calls, a_avg)
    r_in = add("input tokens per call", "load.input_tokens_per_call", "tokens", f_in, a_in)
    r_out = add("output tokens per call", "load.output_tokens_per_call", "tokens", f_out, a_out)
    f_tpm = (_num(load.get("input_tokens_per_minute")) or 0.0) + (_num(load.get("output_tokens_per_minute")) or 0.0)
    a_tpm = a_peak * (a_in + a_out) * 60.0 if a_peak and a_in is not None and a_out is not None else None
    if a_tpm is None and cal.requests is None:
        a_tpm = cal.peak_tokens_per_minute  # token-only data: its busiest bucket is the only peak there is
    add("tokens per minute at peak (input + output)", "load.tokens_per_minute", "tokens/min",
        f_tpm if load else None, a_tpm)
    if a_tpm is not None and cal.requests is not None:
        notes.append(f"the busiest {cal.peak_bin_s:g}-s bin by tokens had {cal.peak_tokens_per_minute:,.0f} tokens/min "
                     f"({(cal.peak_tokens_per_minute / a_tpm - 1) * 100:+.0f}% against peak calls x mean tokens): "
                     "size provider rate limits on that one")
    scale = SECONDS_PER_MONTH / cal.window_s
    f_mtok = (_num(load.get("monthly_input_tokens")) or 0.0) + (_num(load.get("monthly_output_tokens")) or 0.0)
    a_mtok = (cal.input_tokens + cal.output_tokens) * scale
    add("tokens per month (input + output)", "load.monthly_tokens", "tokens", f_mtok if load else None, a_mtok)
    api = _get(plan, "llm.api")
    if isinstance(api, dict) and _num(api.get("price_input_usd_per_mtok")) is not None:
        cached = cal.cached_input_tokens or 0.0
        uncached = cal.input_tokens - cached
        usd = (uncached * api["price_input_usd_per_mtok"] + cached * api["price_cached_input_usd_per_mtok"]
               + cal.output_tokens * api["price_output_usd_per_mtok"]) / 1e6 * scale
        if cal.cached_input_tokens is None:
            notes.append("LLM cost: the data does not say which input tokens were cached; all priced as uncached")
        add("LLM cost per month", "llm.monthly_usd", "USD", _get(plan, "llm.monthly_usd"), usd)
    else:
        notes.append("LLM cost per month: not compared (self-hosted cost is GPU time, which usage data does not show)")
    r_pm = add("peak multiplier (peak / average)", "inputs.peak_multiplier", "x", inputs.get("peak_multiplier"),
               cal.peak_to_average)
    if cal.cached_input_share is not None:
        add("cached input share", "inputs.workload.cached_input_share", "share",
            _get(inputs, "workload.cached_input_share"), cal.cached_input_share)

    def say(r: MetricRow | None, text: str) -> None:
        """Suggest a change when the plan is more than 2% off (the tolerance is for judging, not for fixing)."""
        if r is not None and r.error_pct is not None and abs(r.error_pct) > 2 and text:
            change = f"{(r.actual / r.forecast - 1) * 100:+.0f}%" if r.forecast else "n/a"
            changes.append(text.format(f=r.forecast, a=r.actual, e=change))

    if r_out is not None:
        field = "measured.output_tokens_per_call" if measured else "workload.output_tokens"
        say(r_out, "the plan assumed {f:,.0f} output tokens per call; you produced {a:,.0f} ({e}): "
            f"set {field} to {r_out.actual:,.0f}")
    if r_in is not None:
        how = ("set measured.input_tokens_per_call to {a:,.0f}" if measured else
               "adjust workload.system_prompt_tokens, prompt_tokens, messages_per_session or retrieved_context_tokens "
               "(input per call = system prompt + retrieved context + message + history)")
        say(r_in, "the plan assumed {f:,.0f} input tokens per call; you sent {a:,.0f} ({e}): " + how)
    if r_avg is not None:
        if measured:
            say(r_avg, "the plan assumed {f:,.3g} LLM calls/s on average; you had {a:,.3g} ({e}): "
                "set measured.llm_calls_per_second to {a:,.4g}")
        else:
            src_field = _load_field(inputs)
            say(r_avg, "the plan assumed {f:,.3g} LLM calls/s on average; you had {a:,.3g} ({e}): "
                f"scale {src_field} by {r_avg.actual / r_avg.forecast:,.3g}"
                if r_avg.forecast else "")
    if r_pm is not None:
        field = "measured.peak_llm_calls_per_second" if measured else "peak_multiplier"
        value = f"{a_peak:,.4g}" if measured and a_peak else f"{r_pm.actual:,.3g}"
        say(r_pm, "the plan assumed a peak {f:,.2f}x the average; yours was {a:,.2f}x ({e}): "
            f"set {field} to {value}")
    elif r_peak is not None:
        say(r_peak, "the plan's peak was {f:,.3g} LLM calls/s; yours was {a:,.3g} ({e})")
    if cal.cached_input_share is not None and not (_num(_get(inputs, "workload.cached_input_share")) is not None
                                                   and abs(_get(inputs, "workload.cached_input_share") - cal.cached_input_share) < 0.02):
        changes.append(f"{cal.cached_input_share:.0%} of your input tokens were cached: set workload.cached_input_share "
                       f"to {cal.cached_input_share:.2f}")
    within = sum(r.within_20pct for r in rows)
    worst = max(rows, key=lambda r: abs(r.error_pct or 0)).metric if rows else None
    return Comparison(plan=plan.get("name"), actuals=cal.files, format=cal.format, metrics=rows, within=within,
                      off=len(rows) - within, worst=worst, changes=[c for c in changes if c], notes=notes)


def _load_field(inputs: dict[str, Any]) -> str:
    """The input that drove the plan's load (the plan records it as `load_source` when it has one)."""
    source = inputs.get("load_source")
    if isinstance(source, str) and source not in ("concurrent_users", "peak_concurrent_users"):
        return source
    return "concurrent_users (and peak_concurrent_users if given)"
