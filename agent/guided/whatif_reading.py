"""Reading a what-if: the changes a message asks for, as arguments of the what_if tool.

Why its own stage: a what-if names changes relative to a scenario ("double", "100k daily users", "on our
own GPUs"); this turns them into scale / set / multiply changes. The rules that apply the changes
(what scaling users scales, what a deployment switch drops) are the core's, in forecasting/whatif.py,
shared with the LLM path's tool.
"""
from __future__ import annotations

import math

import re
from dataclasses import dataclass, field
from typing import Any

from agent.backends.base import Reply
from agent.guided import replies
from agent.guided.interview import linear_as_compound
from agent.guided.ranged import Span
from agent.guided.state import TurnState, is_api_model
from agent.guided.understand import Understanding, understand

ALSO = re.compile(r"\b(?:also|too|on top(?: of that)?|as well|combined|in addition|and then|plus)\b", re.I)


@dataclass
class _Changes:
    """The what_if tool's arguments being built, with the notes to say and the name's parts."""

    record: Any
    inputs: dict[str, Any]
    resolved: dict[str, Any]
    reg: float
    args: dict[str, Any] = field(default_factory=dict)
    set_: dict[str, Any] = field(default_factory=dict)
    mult: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    unset: list[str] = field(default_factory=list)
    new_reg: float = 0.0
    text: str = ""
    ranges: dict[str, dict[str, float]] = field(default_factory=dict)  # set to a range: the what_if's `ranges`

    def put(self, path: str, value: float, span: Span | None, scale: float = 1.0, digits: int = 2) -> None:
        """set[path] = value; said as a range, ranges[path] its ends (times `scale`: a share of the users)."""
        self.set_[path] = round(value, digits) if digits else int(round(value))
        if span is None:
            self.ranges.pop(path, None)
            return
        low, high = span[0] * scale, span[1] * scale
        self.ranges[path] = {"low": round(low, digits), "high": round(high, digits)} if digits else \
            {"low": float(int(round(low))), "high": float(int(round(high)))}
        r, mid = self.ranges[path], float(self.set_[path])
        if r["low"] < mid < r["high"] and not math.isclose(mid, (r["low"] + r["high"]) / 2, rel_tol=1e-6):
            r["mid"] = mid  # a converted range ("2-3x a year"): its centre is the converted midpoint


class WhatIfReading(TurnState):
    def _what_if(self, u: Understanding, text: str) -> Reply:
        segments = split_what_ifs(text)
        if len(segments) > 1:  # "what if we ran it on X, and what if the peak doubled to 60k?": one what-if each
            calls = []
            for segment in segments:
                su = understand(segment)
                args, notes, problem = self._what_if_args(su, segment)
                if problem:
                    return Reply(text=problem)
                self.notes.extend(notes)
                calls.append(("what_if", args))
            names = [a["name"] for _, a in calls]
            if len(set(names)) == len(names):
                return self._calls(calls)
        args, notes, problem = self._what_if_args(u, text)
        if problem:
            return Reply(text=problem)
        self.notes.extend(notes)
        return self._call("what_if", args)

    def _what_if_args(self, u: Understanding, text: str) -> tuple[dict[str, Any], list[str], str | None]:
        s = self.session
        base = s.baseline_name or s.latest_name
        latest_wi = next((n for n, r in reversed(s.scenarios.items()) if r.kind == "what_if"), None)
        if latest_wi and ALSO.search(text):
            base = latest_wi
        record = s.get(base)
        assert record is not None
        resolved = record.plan.get("inputs") or {}
        c = _Changes(record, record.inputs, resolved,
                     float(record.inputs.get("registered_users") or resolved.get("registered_users") or 0))
        c.args["base"] = record.name
        c.new_reg, c.text = c.reg, text
        _multiples(u, c)
        _users(u, c)
        problem = _concurrency(u, c, bool(self.facts.get("registered_assumed")))
        if problem:
            return c.args, c.notes, problem
        _usage(u, c, bool(self.facts.get("registered_assumed")))
        _growth(u, c)
        _llm(u, c, text)
        if u.app_type and u.app_type != c.inputs.get("app_type"):
            c.set_["app_type"] = u.app_type
            c.parts.append(u.app_type)
        if c.set_:
            c.args["set"] = c.set_
        if c.mult:
            c.args["multiply"] = c.mult
        if c.unset:
            c.args["unset"] = c.unset
        if c.ranges:  # figures said as ranges: the what-if plans them as ranges (its baseline keeps its own)
            c.args["ranges"] = c.ranges
        c.args["name"] = s.unique_name(", ".join(c.parts)[:60] or "what-if")
        return c.args, c.notes, None


_SPLIT = re.compile(r"(?:,\s*|\s+)(?:and|also|plus)\s+(?=what (?:if|about)\b|how about\b)|[.;?]\s+(?=what (?:if|about)\b)", re.I)


def split_what_ifs(text: str) -> list[str]:
    """Several what-ifs in one message, one text each (a single what-if gives one)."""
    parts = [p.strip() for p in _SPLIT.split(text) if p and p.strip()]
    return [p for p in parts if re.search(r"\bwhat (?:if|about)\b|\bhow about\b", p, re.I)] if len(parts) > 1 else [text]


NOT_AVERAGE = re.compile(r"\b(?:instead of|rather than|not)\s+(?:the\s+|an?\s+|on\s+)?average\b", re.I)


def _conc_keys(c: _Changes) -> list[str]:
    return [k for k in ("concurrent_users", "peak_concurrent_users") if k in c.inputs] or ["concurrent_users"]


def _multiples(u: Understanding, c: _Changes) -> None:
    if "users" in u.multiply:
        c.args["scale_users"] = u.multiply["users"]
        c.parts.append(_factor_name(u.multiply["users"]) + " users")
    if "concurrency" in u.multiply:
        for k in _conc_keys(c):
            c.mult[k] = u.multiply["concurrency"]
        c.parts.append(_factor_name(u.multiply["concurrency"]) + " concurrency")
    if "growth" in u.multiply:
        c.mult["monthly_growth_rate"] = u.multiply["growth"]
        c.parts.append(_factor_name(u.multiply["growth"]) + " growth")


def _users(u: Understanding, c: _Changes) -> None:
    """Registered users: a new count, more users, or linear growth; the share online stays the same."""
    if u.added_users is not None and u.registered is None and c.reg:
        u.registered = c.reg + u.added_users
    if u.added_per_month is not None and c.reg:
        horizon = u.horizon if u.horizon is not None else c.resolved.get("horizon_months")
        rate, note = linear_as_compound(u.added_per_month, c.reg * u.multiply.get("users", 1.0), horizon)
        c.set_["monthly_growth_rate"] = rate
        c.notes.append(note)
        c.parts.append(f"+{_short(u.added_per_month)} users/mo")
    if u.registered is not None:
        c.new_reg = float(int(round(u.registered)))
        c.set_["registered_users"] = int(c.new_reg)
        c.parts.append(f"{_short(c.new_reg)} users")
        if c.reg and not any(v is not None for v in (u.concurrent, u.peak, u.concurrent_share, u.peak_share)):
            for k in (*_conc_keys(c), *USAGE_COUNTS):
                if k in c.inputs:
                    c.mult[k] = c.new_reg / c.reg
            c.notes.append("- I kept the same share of users online at once as in "
                           f"**{c.record.name}**; tell me the concurrency if it differs.")


def _concurrency(u: Understanding, c: _Changes, registered_assumed: bool) -> str | None:
    inputs = c.inputs
    conc, conc_span, conc_scale = (u.concurrent, u.ranges.get("concurrent_users"), 1.0) if u.concurrent is not None else (
        (u.concurrent_share * c.new_reg, u.ranges.get("concurrent_share"), c.new_reg) if u.concurrent_share is not None
        else (None, None, 1.0))
    peak, peak_span, peak_scale = (u.peak, u.ranges.get("peak_concurrent_users"), 1.0) if u.peak is not None else (
        (u.peak_share * c.new_reg, u.ranges.get("peak_share"), c.new_reg) if u.peak_share is not None else (None, None, 1.0))
    if peak is not None:
        c.put("peak_concurrent_users", peak, peak_span, peak_scale)
        if "concurrent_users" in inputs and NOT_AVERAGE.search(c.text):  # "3,000 at peak instead of average"
            c.unset.append("concurrent_users")
        elif "concurrent_users" in inputs and middle(inputs["concurrent_users"]) > peak:
            c.set_["concurrent_users"] = round(peak, 2)
        c.parts.append(f"peak {_said_short(peak, peak_span, peak_scale)}")
    if conc is not None:
        if "concurrent_users" in inputs or u.concurrent_is_average or "peak_concurrent_users" not in inputs:
            old = middle(inputs.get("concurrent_users") or 0)
            c.put("concurrent_users", conc, conc_span, conc_scale)
            if "peak_concurrent_users" in inputs and peak is None and old:
                c.mult["peak_concurrent_users"] = conc / old
            c.parts.append(f"concurrency {_said_short(conc, conc_span, conc_scale)}")
        else:
            c.put("peak_concurrent_users", conc, conc_span, conc_scale)
            c.parts.append(f"peak {_said_short(conc, conc_span, conc_scale)}")
    limit = c.new_reg * (u.multiply.get("users", 1.0))
    for key in ("concurrent_users", "peak_concurrent_users"):
        value = c.set_.get(key)
        if key in c.ranges and value is not None:
            value = max(value, c.ranges[key]["high"])  # said as a range: its high end must fit too
        if value is not None and limit and value > limit:
            if not registered_assumed:
                return (f"{replies.num(value)} online at once would be more than the "
                        f"{replies.num(limit)} registered users; tell me a smaller figure, or more users too.")
            old = middle(inputs.get(key) or c.resolved.get(key) or value)
            c.set_["registered_users"] = max(int(round(c.reg * value / old)), int(round(value)))
    return None


def middle(value: Any) -> float:
    """A scenario figure as one number: a range (a ranged baseline's field) stands at its middle."""
    if isinstance(value, dict):
        return float(value["mid"]) if value.get("mid") is not None else (float(value["low"]) + float(value["high"])) / 2
    return float(value)


USAGE_COUNTS = ("daily_active_users", "monthly_active_users", "monthly_conversations", "monthly_messages", "monthly_tasks")


def _usage(u: Understanding, c: _Changes, registered_assumed: bool) -> None:
    """Daily / monthly actives, volumes, session length and sessions a day, the busiest-time multiple."""
    a, inputs, resolved = u.activity, c.inputs, c.resolved
    for key, label in (("daily_active_users", "DAU"), ("monthly_active_users", "MAU"),
                       ("monthly_conversations", "conversations/mo"), ("monthly_messages", "messages/mo"),
                       ("monthly_tasks", "tasks/mo")):
        value = getattr(a, key)
        if value is None:
            continue
        c.put(key, value, u.ranges.get(key))
        c.parts.append(f"{label} {_said_short(value, u.ranges.get(key))}")
        old = middle(inputs.get(key) or resolved.get(key) or 0)
        if old and "peak_concurrent_users" in inputs and "peak_concurrent_users" not in c.set_:
            c.mult["peak_concurrent_users"] = value / old
        reg = float(c.set_.get("registered_users") or c.new_reg)
        if old and (registered_assumed or value > reg) and "registered_users" not in c.set_:
            c.set_["registered_users"] = max(int(round(reg * value / old)), int(round(value)))
        elif value > reg:
            c.set_["registered_users"] = int(round(value))
    for key, path, label in (("session_minutes", "workload.session_minutes", "min sessions"),
                             ("sessions_per_day", "workload.sessions_per_active_user_per_day", "sessions/day"),
                             ("prompt_tokens", "workload.prompt_tokens", "tokens/message"),
                             ("output_tokens", "workload.output_tokens", "tokens/answer")):
        value = getattr(a, key)
        if value is not None:
            c.put(path, value, u.ranges.get(key), digits=0 if key.endswith("tokens") else 6)
            c.parts.append(f"{_said_g(value, u.ranges.get(key))} {label}")
    multiple = a.spike_multiplier if a.spike_multiplier is not None else a.peak_multiplier
    if multiple is not None:
        span = u.ranges.get("peak_multiplier") if a.spike_multiplier is None else None
        c.put("peak_multiplier", multiple, span, digits=6)
        c.parts.append(f"peak {_said_g(multiple, span)}x")


def _growth(u: Understanding, c: _Changes) -> None:
    if u.growth is not None:
        span = u.ranges.get("monthly_growth_rate")
        c.put("monthly_growth_rate", u.growth, span, digits=6)
        c.parts.append(f"growth {f'{span[0]:.1%}-{span[1]:.1%}' if span else f'{u.growth:.1%}'}/mo")
        if u.growth_note:
            c.notes.append(f"- I read {u.growth_note}.")
    if u.horizon is not None:
        c.set_["horizon_months"] = u.horizon
        c.parts.append(f"{u.horizon} months")


OTHER_SIZE = re.compile(r"\b(?P<dir>smaller|bigger|larger)\s+(?:model|one|version)\b|\bthe\s+(?P<size>\d+(?:\.\d+)?)\s*b\s+(?:one|model|version)\b", re.I)


def _llm(u: Understanding, c: _Changes, text: str) -> None:
    """Deployment and model; what a switch drops is the core's rule (forecasting.whatif.apply_changes)."""
    from forecasting.vocabulary import value_at

    base_model = value_at(c.inputs, "llm.model") or value_at(c.resolved, "llm.model")
    model = u.model or _sibling(str(base_model or ""), text)
    if u.deployment == "self_hosted":
        c.set_["llm.deployment"] = "self_hosted"
        if model and not is_api_model(model):
            c.set_["llm.model"] = model
        if u.gpu:
            c.set_["llm.gpu"] = u.gpu
        c.parts.append("self-host" + (f" {model}" if model and not is_api_model(model) else "")
                       + (f" on {u.gpu}" if u.gpu else ""))
    elif u.deployment == "api":
        c.set_["llm.deployment"] = "api"
        if model:
            c.set_["llm.model"] = model
        c.parts.append(model or "hosted API")
    elif model and model != base_model:
        c.set_["llm.model"] = model
        c.parts.append(model)


def _sibling(base_model: str, text: str) -> str | None:
    """ "the smaller model", "the 8B one": the same family at another size, from the catalog."""
    from agent.guided.names import open_model_ids

    m = OTHER_SIZE.search(text)
    if not m or not base_model:
        return None
    family = re.sub(r"-\d+(?:\.\d+)?b$", "", base_model)
    sizes = {float(mm.group(1)): mid for mid in open_model_ids()
             for mm in [re.fullmatch(re.escape(family) + r"-(\d+(?:\.\d+)?)b", mid)] if mm}
    here = re.search(r"-(\d+(?:\.\d+)?)b$", base_model)
    if not sizes or not here:
        return None
    current = float(here.group(1))
    if m.group("size"):
        return sizes.get(float(m.group("size")))
    others = sorted(k for k in sizes if (k < current if m.group("dir").lower() == "smaller" else k > current))
    if not others:
        return None
    return sizes[others[-1] if m.group("dir").lower() == "smaller" else others[0]]


def _factor_name(factor: float) -> str:
    return {2.0: "double", 3.0: "triple", 4.0: "quadruple", 0.5: "half"}.get(factor, f"{factor:g}x")


def _said_short(value: float, span: Span | None, scale: float = 1.0) -> str:
    return f"{_short(span[0] * scale)}-{_short(span[1] * scale)}" if span else _short(value)


def _said_g(value: float, span: Span | None) -> str:
    return f"{span[0]:g}-{span[1]:g}" if span else f"{value:g}"


def _short(value: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"{value / div:.3g}{suffix}"
    return f"{value:.3g}"
