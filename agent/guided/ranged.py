"""Figures said as ranges ("between 2 and 5 thousand online", "1-2% of users", "2-3x next year") stay ranges.

Why the reader keeps the range, instead of matching ranges to figures afterwards: a reader may convert
what was said (a share of registered users, a yearly rate to a monthly one, a multiple over months to a
monthly rate). `keep` takes the figure and its conversion: the field gets the conversion of the range's
midpoint and the range the conversion of each end, so a converted figure keeps its range, and a figure
never picks up a range said for another one with the same midpoint.

Keys are the session's fact keys (`concurrent_users`, `concurrent_share`, `session_minutes`, ...), the
same in a message's `Understanding.ranges` and in the facts; `FIELD_PATHS` maps each to the scenario
path the forecast gets it at. Registered users have no key: they stay one number (the spec's rule 3).
In the facts a range also remembers the value it was said with (`of`): a figure set since by any other
route (a contrast, a share replaced by a count) no longer matches it, so the range is not planned.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable, Protocol

Span = tuple[float, float]

# fact key -> scenario path of the field its range is planned at (shares are multiplied out first)
FIELD_PATHS: dict[str, str] = {
    "concurrent_users": "concurrent_users", "peak_concurrent_users": "peak_concurrent_users",
    "concurrent_share": "concurrent_users", "peak_share": "peak_concurrent_users",
    "monthly_growth_rate": "monthly_growth_rate", "peak_multiplier": "peak_multiplier",
    "daily_active_users": "daily_active_users", "monthly_active_users": "monthly_active_users",
    "session_minutes": "workload.session_minutes", "sessions_per_day": "workload.sessions_per_active_user_per_day",
    "prompt_tokens": "workload.prompt_tokens", "output_tokens": "workload.output_tokens",
}
SHARES = ("concurrent_share", "peak_share")  # of registered users
_TOOL_ARGS = {"workload.session_minutes": "session_minutes", "workload.sessions_per_active_user_per_day": "sessions_per_day"}
_LEGACY_PATH = {"prompt_tokens": "workload.prompt_tokens", "output_tokens": "workload.output_tokens"}  # sessions saved before


class Said(Protocol):
    """A figure as said: `Number` from numbers.py, or a `Figure` a phrase reader builds."""

    @property
    def value(self) -> float: ...
    @property
    def low(self) -> float | None: ...
    @property
    def high(self) -> float | None: ...


@dataclass(frozen=True)
class Figure:
    value: float
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, low: float | None, high: float) -> "Figure":
        """ "2-3x" read as two numbers (low None: one number)."""
        return cls(high) if low is None else cls((low + high) / 2, min(low, high), max(low, high))


def _same(x: float) -> float:
    return x


def keep(ranges: dict[str, Span], key: str, said: Said, convert: Callable[[float], float] = _same) -> float:
    """The figure `key` takes from what was said, converted; a range's ends, converted the same way, go to
    ranges[key] (an exact figure removes an earlier one of the same message)."""
    value = convert(said.value)
    if said.low is not None and said.high is not None and said.low < said.high:
        ends = sorted((convert(said.low), convert(said.high)))  # a conversion may turn the order round (shrinking)
        ranges[key] = (ends[0], ends[1])
    else:
        ranges.pop(key, None)
    return value


def note(facts: dict[str, Any], key: str, span: Span | None) -> None:
    """facts[key] was just set from a message: keep its range, or drop an earlier one (a later exact figure
    replaces a range, a later range an exact figure)."""
    stored = dict(facts.get("ranges") or {})  # a copy: callers may hold a shallow copy of the facts
    stored.pop(key, None)
    stored.pop(_LEGACY_PATH.get(key, ""), None)
    if span is not None and key in facts:
        stored[key] = {"low": span[0], "high": span[1], "of": facts[key]}
    if stored:
        facts["ranges"] = stored
    else:
        facts.pop("ranges", None)


def kept(facts: dict[str, Any], key: str) -> Span | None:
    """The range facts[key] was said as, if it still holds the value it was said with."""
    stored = facts.get("ranges") or {}
    r = stored.get(key) or stored.get(_LEGACY_PATH.get(key, ""))
    value = facts.get(key)
    if not r or not isinstance(value, (int, float)):
        return None
    of = r.get("of", (r["low"] + r["high"]) / 2)
    return (float(r["low"]), float(r["high"])) if math.isclose(float(value), float(of), rel_tol=1e-9) else None


def forecast_ranges(facts: dict[str, Any], args: dict[str, Any]) -> dict[str, dict[str, float]]:
    """The forecast's `ranges` argument: each kept range whose fact still holds the value it was said with,
    and whose field the plan is made from; a share's ends are multiplied by the registered users like the share."""
    given = {**args, **(args.get("other") or {})}  # workload.* figures travel in `other`, or as the tool's own arguments:
    given.update({path: args[arg] for path, arg in _TOOL_ARGS.items() if arg in args})
    reg = float(facts.get("registered_users") or 0)
    out: dict[str, dict[str, float]] = {}
    for key, path in FIELD_PATHS.items():
        span = kept(facts, key)
        if span is None or path not in given:
            continue  # said again since, or gone; or not what the plan is made from (daily users when online at once drives it)
        low, high = span
        if key in SHARES:
            low, high = max(1.0, round(reg * low, 2)), max(1.0, round(reg * high, 2))
        out[path] = {"low": low, "high": high}
        centre = float(facts[key])
        if key not in SHARES and low < centre < high and not math.isclose(centre, (low + high) / 2, rel_tol=1e-9):
            out[path]["mid"] = centre  # a converted range ("2-3x next year"): its centre is the converted midpoint
    return out


def words(value_text: str, span: Span | None, fmt: Callable[[float], str]) -> str:
    """ "2,000–5,000" for a range (what the reply says it heard), else the figure as given."""
    return f"{fmt(span[0])}–{fmt(span[1])}" if span else value_text
