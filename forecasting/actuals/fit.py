"""The scenario fields a calibration sets, and what it leaves to the defaults.

Why the load goes in as a measured request rate (`measured.*`, DESIGN.md "Load sources": "a measured
request rate with tokens per call"): the data says how many LLM calls arrive and how big they are,
not how many users sent them; turning calls back into users would need the think time and session
length, which are defaults, and the round trip would no longer give back the measured rate.
The peak is the busiest bin *of this window*: a window shorter than a day may miss the daily peak.
"""
from __future__ import annotations

import posixpath
from typing import Any

from forecasting.actuals.errors import UsageDataError
from forecasting.actuals.figures import Calibration


def scenario_fields(cal: Calibration, app_type: str = "chatbot", registered_users: int | None = None,
                    known_models: frozenset[str] = frozenset()) -> tuple[dict[str, Any], list[str]]:
    """(scenario dict, notes). `registered_users`: given by the person, else the distinct users seen."""
    notes: list[str] = []
    out: dict[str, Any] = {"name": f"calibrated from {', '.join(posixpath.basename(f) for f in cal.files)}"[:200],
                           "app_type": app_type}
    if app_type == "chatbot":
        notes.append("app_type: chatbot (the data does not say; --app-type agent to change)")
    users = registered_users or cal.users
    if users:
        out["registered_users"] = int(users)
        if not registered_users:
            notes.append(f"registered_users: {users:,} = distinct users seen in the data (--registered-users to give the real number)")
    else:
        notes.append("registered_users: the data does not say; give --registered-users N (needed to write a scenario)")
    if cal.average_requests_per_second and cal.input_tokens_per_request and cal.output_tokens_per_request:
        window_h = cal.window_s / 3600.0
        measured: dict[str, Any] = {
            "llm_calls_per_second": cal.average_requests_per_second,
            "input_tokens_per_call": cal.input_tokens_per_request.mean,
            "output_tokens_per_call": cal.output_tokens_per_request.mean,
            "source": f"{cal.format}: {', '.join(posixpath.basename(f) for f in cal.files)}, {cal.requests:,} requests over {window_h:,.2f} h "
                      f"from {cal.start}"[:300],
        }
        if cal.peak_requests_per_second and cal.peak_requests_per_second > cal.average_requests_per_second:
            measured["peak_llm_calls_per_second"] = cal.peak_requests_per_second
        out["measured"] = measured
        if cal.window_s < 86_400:
            notes.append(f"measured.peak_llm_calls_per_second: the busiest {cal.peak_bin_s:g}-s bin of a "
                         f"{window_h:,.1f}-hour window; a day or more of data shows the daily peak")
    else:
        out["peak_multiplier"] = max(1.0, min(20.0, cal.peak_to_average))
        notes.append("the data counts no requests: the load cannot be calibrated; give concurrent_users or another "
                     "load source; peak_multiplier is the measured peak-to-average token rate")
    if cal.daily_profile is not None:
        out["daily_load_curve"] = [round(v, 6) for v in cal.daily_profile]
        notes.append("daily_load_curve: the measured 24-hour profile (UTC hours), which shapes autoscaling and the "
                     "hour-by-hour cost")
    if cal.cached_input_share is not None:
        out["workload"] = {"cached_input_share": round(cal.cached_input_share, 6)}
    if len(cal.models) == 1:
        (m,) = cal.models
        if m in known_models:
            out["llm"] = {"deployment": "api", "model": m}
        else:
            notes.append(f"llm.model: {m!r} is not in the catalog (`capplan catalog models`); left to the default")
    notes.append("everything else (app tier, data tier, growth, horizon, region) is left to the documented defaults")
    return out, notes


def require_writable(fields: dict[str, Any]) -> None:
    if "registered_users" not in fields:
        raise UsageDataError("--into: the data does not say how many registered users you have; give --registered-users N")
