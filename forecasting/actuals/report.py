"""The calibration and the comparison as rows of words and figures (the table says what the JSON says).

Why here and not in the terminal code: the command's table, the chat tool's text and the docs'
examples show the same rows, chosen in one place; rendering them (rich or plain) is the agent's job.
"""
from __future__ import annotations

from forecasting.actuals.compare import Comparison
from forecasting.actuals.figures import Calibration, Distribution
from forecasting.vocabulary import measured_text as _n  # the plan's number writers, one place


def _dist(d: Distribution | None, unit: str = "") -> str:
    if d is None:
        return "-"
    tail = "" if d.p50 is None else f"  (p50 {_n(d.p50)}, p90 {_n(d.p90)}, p99 {_n(d.p99)})"
    return f"{_n(d.mean, 1)}{unit}{tail}"


def calibration_rows(c: Calibration) -> list[tuple[str, str]]:
    rows = [
        ("input format", c.format),
        ("window", f"{_n(c.window_s, 1)} s ({c.start} to {c.end})"),
        ("requests", f"{c.requests:,}" if c.requests is not None else "not counted by this source"),
        ("average rate", f"{_n(c.average_requests_per_second, 3)} requests/s" if c.average_requests_per_second else "-"),
        ("peak rate", (f"{_n(c.peak_requests_per_second, 3)} requests/s" if c.peak_requests_per_second else "-")
         + f" (busiest {c.peak_bin_s:g}-s bin, from {c.peak_bin_start})"),
        ("peak / average", f"{c.peak_to_average:.2f}x"),
        ("input tokens per request", _dist(c.input_tokens_per_request)),
        ("output tokens per request", _dist(c.output_tokens_per_request)),
        ("tokens per minute", f"{_n(c.average_tokens_per_minute, 0)} average, {_n(c.peak_tokens_per_minute, 0)} in the busiest bin"),
        ("cached input share", f"{c.cached_input_share:.1%}" if c.cached_input_share is not None else "not in the data"),
    ]
    if c.latency_s:
        rows.append(("latency", _dist(c.latency_s, " s")))
    if c.time_to_first_token_s:
        rows.append(("time to first token", _dist(c.time_to_first_token_s, " s")))
    if c.inter_token_latency_s:
        rows.append(("inter-token latency", _dist(c.inter_token_latency_s, " s")))
    if c.concurrency:
        rows.append(("requests in flight", f"{_n(c.concurrency.average)} average, {_n(c.concurrency.peak)} at peak (Little's law)"))
    for k, g in c.gauges.items():
        rows.append((k, f"{_n(g['mean'], 3)} mean, {_n(g['max'], 3)} max"))
    if c.users is not None:
        rows.append(("users", f"{'at least ' if c.users_at_least else ''}{c.users:,}"))
    if c.sessions is not None:
        rows.append(("sessions", f"{c.sessions:,} ({_n(c.messages_per_session)} requests per session)"))
    if c.models:
        rows.append(("models", ", ".join(f"{m} ({v:,})" for m, v in list(c.models.items())[:5])))
    if c.daily_profile:
        peak_h = max(range(24), key=lambda h: c.daily_profile[h])  # type: ignore[index]
        low_h = min(range(24), key=lambda h: c.daily_profile[h])  # type: ignore[index]
        rows.append(("24-hour profile", f"busiest hour {peak_h:02d}:00 UTC at {c.daily_profile[peak_h]:.2f}x the average, "
                                        f"quietest {low_h:02d}:00 at {c.daily_profile[low_h]:.2f}x"))
    return rows


def comparison_rows(c: Comparison) -> list[tuple[str, str, str, str, str]]:
    """(metric, forecast, actual, error, verdict) per metric."""
    return [(r.metric, _n(r.forecast, 3), _n(r.actual, 3),
             f"{r.error_pct:+.1f}%" if r.error_pct is not None else "-", "within ±20%" if r.within_20pct else "OFF")
            for r in c.metrics]
