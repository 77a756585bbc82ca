"""Reading a what-if: the changes a message asks for, as arguments of the what_if tool.

Why its own stage: a what-if names changes relative to a scenario ("double", "100k daily users", "on our
own GPUs"); this turns them into scale / set / multiply changes. The rules that apply the changes
(what scaling users scales, what a deployment switch drops) are the core's, in forecasting/whatif.py,
shared with the LLM path's tool.
"""
from __future__ import annotations

import re
from typing import Any

from agent.backends.base import Reply
from agent.guided import replies
from agent.guided.interview import linear_as_compound
from agent.guided.state import TurnState, defaults, is_api_model
from agent.guided.understand import Understanding

ALSO = re.compile(r"\b(?:also|too|on top(?: of that)?|as well|combined|in addition|and then|plus)\b", re.I)


class WhatIfReading(TurnState):
    def _what_if(self, u: Understanding, text: str) -> Reply:
        args, notes, problem = self._what_if_args(u, text)
        if problem:
            return Reply(text=problem)
        self.notes.extend(notes)
        return self._call("what_if", args)

    def _what_if_args(self, u: Understanding, text: str) -> tuple[dict[str, Any], list[str], str | None]:
        from agent.tools import dig

        s = self.session
        base = s.baseline_name or s.latest_name
        latest_wi = next((n for n, r in reversed(s.scenarios.items()) if r.kind == "what_if"), None)
        if latest_wi and ALSO.search(text):
            base = latest_wi
        record = s.get(base)
        assert record is not None
        inputs, resolved = record.inputs, record.plan.get("inputs") or {}
        args: dict[str, Any] = {"base": record.name}
        set_: dict[str, Any] = {}
        mult: dict[str, float] = {}
        notes: list[str] = []
        parts: list[str] = []
        conc_keys = [k for k in ("concurrent_users", "peak_concurrent_users") if k in inputs] or ["concurrent_users"]
        reg = float(inputs.get("registered_users") or resolved.get("registered_users") or 0)
        if "users" in u.multiply:
            args["scale_users"] = u.multiply["users"]
            parts.append(_factor_name(u.multiply["users"]) + " users")
        if "concurrency" in u.multiply:
            for k in conc_keys:
                mult[k] = u.multiply["concurrency"]
            parts.append(_factor_name(u.multiply["concurrency"]) + " concurrency")
        if "growth" in u.multiply:
            mult["monthly_growth_rate"] = u.multiply["growth"]
            parts.append(_factor_name(u.multiply["growth"]) + " growth")
        new_reg = reg
        if u.added_users is not None and u.registered is None and reg:
            u.registered = reg + u.added_users
        if u.added_per_month is not None and reg:
            horizon = u.horizon if u.horizon is not None else resolved.get("horizon_months")
            rate, note = linear_as_compound(u.added_per_month, reg * u.multiply.get("users", 1.0), horizon)
            set_["monthly_growth_rate"] = rate
            notes.append(note)
            parts.append(f"+{_short(u.added_per_month)} users/mo")
        if u.registered is not None:
            new_reg = float(int(round(u.registered)))
            set_["registered_users"] = int(new_reg)
            parts.append(f"{_short(new_reg)} users")
            if reg and not any(v is not None for v in (u.concurrent, u.peak, u.concurrent_share, u.peak_share)):
                for k in conc_keys:
                    if k in inputs:
                        mult[k] = new_reg / reg
                notes.append("- I kept the same share of users online at once as in "
                             f"**{record.name}**; tell me the concurrency if it differs.")
        conc = u.concurrent if u.concurrent is not None else (
            u.concurrent_share * new_reg if u.concurrent_share is not None else None)
        peak = u.peak if u.peak is not None else (u.peak_share * new_reg if u.peak_share is not None else None)
        if peak is not None:
            set_["peak_concurrent_users"] = round(peak, 2)
            if "concurrent_users" in inputs and float(inputs["concurrent_users"]) > peak:
                set_["concurrent_users"] = round(peak, 2)
            parts.append(f"peak {_short(peak)}")
        if conc is not None:
            if "concurrent_users" in inputs or u.concurrent_is_average or "peak_concurrent_users" not in inputs:
                old = float(inputs.get("concurrent_users") or 0)
                set_["concurrent_users"] = round(conc, 2)
                if "peak_concurrent_users" in inputs and peak is None and old:
                    mult["peak_concurrent_users"] = conc / old
                parts.append(f"concurrency {_short(conc)}")
            else:
                set_["peak_concurrent_users"] = round(conc, 2)
                parts.append(f"peak {_short(conc)}")
        for key in ("concurrent_users", "peak_concurrent_users"):
            value = set_.get(key)
            limit = new_reg * (u.multiply.get("users", 1.0))
            if value is not None and limit and value > limit:
                return args, notes, (f"{replies.num(value)} online at once would be more than the "
                                     f"{replies.num(limit)} registered users; tell me a smaller figure, or more users too.")
        if u.growth is not None:
            set_["monthly_growth_rate"] = round(u.growth, 6)
            parts.append(f"growth {u.growth:.1%}/mo")
            if u.growth_note:
                notes.append(f"- I read {u.growth_note}.")
        if u.horizon is not None:
            set_["horizon_months"] = u.horizon
            parts.append(f"{u.horizon} months")
        api_default, open_default = defaults()
        base_model = dig(inputs, "llm.model")
        if u.deployment == "self_hosted":
            set_["llm.deployment"] = "self_hosted"
            if u.model and not is_api_model(u.model):
                set_["llm.model"] = u.model
            elif is_api_model(base_model) or dig(resolved, "llm.deployment") != "self_hosted" and base_model:
                set_["llm.model"] = open_default
            if u.gpu:
                set_["llm.gpu"] = u.gpu
            parts.append("self-host" + (f" {u.model}" if u.model and not is_api_model(u.model) else "")
                         + (f" on {u.gpu}" if u.gpu else ""))
        elif u.deployment == "api":
            set_["llm.deployment"] = "api"
            if u.model:
                set_["llm.model"] = u.model
            elif base_model and not is_api_model(base_model):
                set_["llm.model"] = api_default
            parts.append(u.model or "hosted API")
        if u.app_type and u.app_type != inputs.get("app_type"):
            set_["app_type"] = u.app_type
            parts.append(u.app_type)
        if set_:
            args["set"] = set_
        if mult:
            args["multiply"] = mult
        args["name"] = s.unique_name(", ".join(parts)[:60] or "what-if")
        return args, notes, None


def _factor_name(factor: float) -> str:
    return {2.0: "double", 3.0: "triple", 4.0: "quadruple", 0.5: "half"}.get(factor, f"{factor:g}x")


def _short(value: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"{value / div:.3g}{suffix}"
    return f"{value:.3g}"
