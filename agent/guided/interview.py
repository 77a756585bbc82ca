"""The interview: what is still missing, the next question, and the forecast arguments when complete.

Why its own stage: the order of questions, the defaults a person may accept, and the consistency checks
before planning are one policy; the backend asks it "plan or ask?" after every merge.
"""
from __future__ import annotations

from typing import Any

from agent.backends.base import Reply
from agent.guided import ranged, replies, usage_facts
from agent.guided.state import TurnState
from agent.guided.understand import Understanding

CONC_KEYS = ("concurrent_users", "peak_concurrent_users", "concurrent_share", "peak_share")


class Interview(TurnState):
    def _missing(self) -> list[str]:
        f = self.facts
        out: list[str] = []
        if usage_facts.has_load(f):
            return out  # app type and registered users then have stated defaults (_forecast_args)
        if not f.get("app_type"):
            out.append("app_type")
        if not f.get("registered_users"):
            out.append("registered_users")
        if not any(k in f for k in CONC_KEYS):
            out.append("concurrency")
        return out

    def _next_question(self) -> str:
        missing = self._missing()
        if self.has_plan or not missing:
            self.state["pending"] = None
            return ""
        self.state["pending"] = missing[0]
        return replies.QUESTIONS[missing[0]]

    def _complete_after(self, u: Understanding, text: str) -> bool:
        """Would the baseline be complete once this message is merged? (a what-if in the first message)"""
        f = dict(self.facts)  # a copy: merge_activity below must not touch the facts
        if u.app_type:
            f["app_type"] = u.app_type
        if u.registered:
            f["registered_users"] = u.registered
        if any(v is not None for v in (u.concurrent, u.peak, u.concurrent_share, u.peak_share)):
            f["concurrent_users"] = 1
        if u.activity.found():
            usage_facts.merge_activity(f, u.activity)
            if usage_facts.has_load(f):
                return True
        return bool(f.get("app_type") and f.get("registered_users") and any(k in f for k in CONC_KEYS))

    def _consistency_problem(self) -> str | None:
        f = self.facts
        reg = f.get("registered_users")
        for key, label in (("concurrent_users", "online at once"), ("peak_concurrent_users", "online at once at peak")):
            value = f.get(key)
            if reg and value is not None and value > reg:
                f.pop(key)
                return (f"{replies.num(value)} users {label} is more than the {replies.num(reg)} registered users; "
                        "the people online are some of the registered ones.")
            span = ranged.kept(f, key)
            if reg and span and span[1] > reg:  # said as a range: its high end too
                f.pop(key)
                return (f"Up to {replies.num(span[1])} users {label} is more than the {replies.num(reg)} registered users; "
                        "the people online are some of the registered ones.")
        avg, peak = f.get("concurrent_users"), f.get("peak_concurrent_users")
        if avg is not None and peak is not None and peak < avg:
            f.pop("peak_concurrent_users")
            return f"The peak ({replies.num(peak)}) can't be below the average ({replies.num(avg)}); I dropped the peak."
        return None

    def _plan_or_ask(self, changed: list[str]) -> Reply:
        problem = self._consistency_problem()
        question = self._next_question()
        heard = "Got it: " + ", ".join(changed) + "." if changed else ""
        if problem:
            return Reply(text=f"{heard} {problem}\n{question or 'How many are online at once?'}".strip())
        if question:
            return Reply(text=f"{heard}\n{question}".strip())
        return self._call("forecast", self._forecast_args(), text=heard)

    def _forecast_args(self) -> dict[str, Any]:
        f = self.facts
        if not f.get("app_type"):
            f["app_type"] = "chatbot"
            self.notes.append("- You didn't say whether it's a chatbot or an agent; I planned a chatbot (say \"it's an "
                              "agent\" if it carries out tasks on its own).")
        if not f.get("registered_users"):
            guess = usage_facts.default_registered(f, f["app_type"])
            if guess:
                f["registered_users"], note = guess
                f["registered_assumed"] = True
                self.notes.append(note)
        args: dict[str, Any] = {"name": self.session.baseline_name or "baseline", "app_type": f["app_type"],
                                "registered_users": int(f["registered_users"])}
        reg = float(f["registered_users"])
        if "concurrent_share" in f:
            args["concurrent_users"] = max(1.0, round(reg * float(f["concurrent_share"]), 2))
        if "peak_share" in f:
            args["peak_concurrent_users"] = max(1.0, round(reg * float(f["peak_share"]), 2))
        for key in ("concurrent_users", "peak_concurrent_users", "monthly_growth_rate", "horizon_months",
                    "deployment", "model", "gpu"):
            if key in f:
                args[key] = f[key]
        usage_facts.load_args(f, args, self.notes)
        ranges = ranged.forecast_ranges(f, args)
        if ranges:  # said as a range: planned as one (P10-P90 bands), never as its midpoint (issue 9)
            args["ranges"] = ranges
        if "added_per_month" in f:
            rate, note = linear_as_compound(float(f["added_per_month"]), reg, f.get("horizon_months"))
            args["monthly_growth_rate"] = rate
            if note not in self.notes:
                self.notes.append(note)
        return args


def linear_as_compound(added: float, registered: float, horizon: Any) -> tuple[float, str]:
    """ "Adding 10k users a month" as the compound monthly rate that reaches the same users at the horizon.

    Why: the plan grows compoundly; matching the end of the horizon keeps the capacity needed there
    right (the middle months come out a little lower than linear growth would give).
    """
    from forecasting.defaults import COMMON
    from forecasting.scenario import MAX_GROWTH

    months = int(horizon) if horizon not in (None, "") else int(COMMON["horizon_months"].value)
    months = max(1, months)
    registered = max(1.0, registered)
    rate = min(MAX_GROWTH, ((registered + added * months) / registered) ** (1.0 / months) - 1.0)
    note = (f"- Adding {replies.num(added)} users a month to {replies.num(registered)} reaches "
            f"{replies.num(registered + added * months)} in month {months}; I plan that as {rate:.2%} a month, "
            "compounded, which reaches the same number.")
    return round(rate, 6), note
