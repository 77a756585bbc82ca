"""Folding what a message said into the session's baseline facts.

Why its own stage: a figure may arrive in any message, answer the pending question, or correct an
earlier one; these rules decide what the facts become, and report what changed in the person's words.
Usage figures (daily actives, session length ...) are merged by `usage_facts.py`.
"""
from __future__ import annotations

import math
import re

from agent.guided import ranged, replies, usage_facts
from agent.guided.numbers import find_numbers
from agent.guided.ranged import keep
from agent.guided.state import TurnState, defaults, is_api_model
from agent.guided.understand import Understanding


_NUM = r"(~?\d[\d,.]*\s*(?:k|m|million|thousand)?\b)"
CONTRAST = re.compile(_NUM + r"\s+(?:rather than|instead of|not)\s+" + _NUM
                      + r"|\bnot\s+" + _NUM + r"\s*,?\s*(?:but|it'?s|rather|more like)\s+" + _NUM, re.I)
CORRECTABLE = ("registered_users", "concurrent_users", "peak_concurrent_users", "daily_active_users",
               "monthly_active_users", "weekly_active_users", "monthly_conversations", "monthly_messages",
               "monthly_tasks", "session_minutes", "sessions_per_day", "peak_multiplier")


def _pct(x: float) -> str:
    return f"{x:.2%}"


class Facts(TurnState):
    def _contrast(self, text: str) -> list[str] | None:
        """ "no wait, 45k rather than 450k": the fact that had the old value takes the new one."""
        m = CONTRAST.search(text)
        if not m:
            return None
        new_text, old_text = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        new, old = find_numbers(new_text), find_numbers(old_text)
        if not new or not old:
            return None
        for key in CORRECTABLE:
            value = self.facts.get(key)
            if isinstance(value, (int, float)) and math.isclose(float(value), old[0].value, rel_tol=1e-6):
                self.facts[key] = int(new[0].value) if key == "registered_users" else new[0].value
                ranged.note(self.facts, key, None)  # the figure said again exactly
                return [f"{replies.num(new[0].value)} {key.replace('_', ' ')} (not {replies.num(old[0].value)})"]
        return None

    # -- facts and the interview --------------------------------------------------------------------
    def _merge(self, u: Understanding, text: str, answer_pending: bool) -> list[str]:
        """Fold what the message said into the baseline facts; return what changed, in words."""
        f, changed = self.facts, []
        pending = self.state.get("pending")
        percents = list(u.bare_percents)
        if answer_pending and pending == "registered_users" and u.registered is None and u.bare_numbers:
            u.registered = u.take_bare()[0]
        if answer_pending and pending in ("registered_users", "concurrency") and u.concurrent is None \
                and u.peak is None and u.concurrent_share is None:
            if (pending == "concurrency" or f.get("registered_users") or u.registered is not None) \
                    and not usage_facts.states_load(u.activity):
                # the question asks how many use it on a typical day: a bare answer is daily users
                if u.bare_numbers and (pending == "concurrency" or u.registered is not None):
                    u.activity.daily_active_users = keep(u.ranges, "daily_active_users", u.take_bare()[1])
                elif percents:
                    u.activity.daily_share = (percents.pop(0), "registered")
        if u.app_type and u.app_type != f.get("app_type"):
            f["app_type"] = u.app_type
            changed.append(f"an {u.app_type}" if u.app_type == "agent" else "a chatbot")
        if u.registered is not None:
            f["registered_users"] = int(round(u.registered))
            changed.append(f"{replies.num(f['registered_users'])} registered users")
        if u.peak is not None or u.concurrent is not None or u.concurrent_share is not None or u.peak_share is not None:
            self._merge_concurrency(u, changed)
        changed += usage_facts.merge_activity(f, u.activity, keep_concurrency=u.concurrent is not None
                                              or u.concurrent_share is not None)
        if u.added_per_month is not None:
            f["added_per_month"] = u.added_per_month
            f.pop("monthly_growth_rate", None)
            changed.append(f"{replies.num(u.added_per_month)} new users a month")
        if u.growth is not None:
            f.pop("added_per_month", None)
            f["monthly_growth_rate"] = round(u.growth, 6)
            span = u.ranges.get("monthly_growth_rate")
            ranged.note(f, "monthly_growth_rate", (round(span[0], 6), round(span[1], 6)) if span else None)
            changed.append("growth " + ranged.words(f"{u.growth:.2%}", span, lambda x: f"{x:.2%}") + " a month")
            if u.growth_note:
                self.notes.append(f"- I read {u.growth_note}.")
        if u.horizon is not None:
            f["horizon_months"] = u.horizon
            changed.append(f"a {u.horizon}-month horizon")
        self._merge_llm(u, changed)
        return changed

    def _merge_concurrency(self, u: Understanding, changed: list[str]) -> None:
        f = self.facts
        had_only_peak = "peak_concurrent_users" in f and "concurrent_users" not in f
        if (u.concurrent is not None or u.concurrent_share is not None) and not usage_facts.states_load(u.activity):
            usage_facts.drop_usage_load(f)  # the latest load statement wins
        for k in ("concurrent_share", "peak_share"):
            f.pop(k, None)
        avg, peak = ranged.words(replies.num(u.concurrent or 0), u.ranges.get("concurrent_users"), replies.num), \
            ranged.words(replies.num(u.peak or 0), u.ranges.get("peak_concurrent_users"), replies.num)
        if (u.concurrent is not None or u.concurrent_share is not None) and (u.peak is not None or u.peak_share is not None):
            # an average and a peak, each a count or a share of the users ("500 at once, at peak 3-4% are on")
            for k in ("concurrent_users", "peak_concurrent_users"):
                f.pop(k, None)
            if u.concurrent is not None:
                self._put("concurrent_users", u.concurrent, u, "concurrent_users")
            else:
                self._put("concurrent_share", u.concurrent_share or 0.0, u, "concurrent_share")
                avg = ranged.words(f"{u.concurrent_share:.2%}", u.ranges.get("concurrent_share"), _pct) + " of users"
            if u.peak is not None:
                self._put("peak_concurrent_users", u.peak, u, "peak_concurrent_users")
            else:
                self._put("peak_share", u.peak_share or 0.0, u, "peak_share")
                peak = ranged.words(f"{u.peak_share:.2%}", u.ranges.get("peak_share"), _pct) + " of users"
            changed.append(f"{avg} online at once on average, {peak} at peak")
            return
        if u.peak is not None:
            f.pop("concurrent_users", None)
            self._put("peak_concurrent_users", u.peak, u, "peak_concurrent_users")
            changed.append(f"{peak} online at once at peak")
        elif u.concurrent is not None:
            if had_only_peak and not u.concurrent_is_average:
                self._put("peak_concurrent_users", u.concurrent, u, "concurrent_users")
                changed.append(f"{avg} online at once at peak")
            else:
                f.pop("peak_concurrent_users", None)
                self._put("concurrent_users", u.concurrent, u, "concurrent_users")
                changed.append(f"{avg} online at once")
        elif u.peak_share is not None:
            f.pop("concurrent_users", None)
            f.pop("peak_concurrent_users", None)
            self._put("peak_share", u.peak_share, u, "peak_share")
            changed.append(ranged.words(f"{u.peak_share:.2%}", u.ranges.get("peak_share"), _pct) + " of users online at once at peak")
        elif u.concurrent_share is not None:
            f.pop("concurrent_users", None)
            f.pop("peak_concurrent_users", None)
            self._put("concurrent_share", u.concurrent_share, u, "concurrent_share")
            changed.append(ranged.words(f"{u.concurrent_share:.2%}", u.ranges.get("concurrent_share"), _pct) + " of users online at once")

    def _put(self, key: str, value: float, u: Understanding, said_as: str) -> None:
        """A fact from this message, with the range it was said as (or none: an earlier range is gone)."""
        self.facts[key] = value
        ranged.note(self.facts, key, u.ranges.get(said_as))

    def _merge_llm(self, u: Understanding, changed: list[str]) -> None:
        f = self.facts
        api_default, open_default = defaults()
        if u.deployment == "self_hosted":
            f["deployment"] = "self_hosted"
            if u.model and not is_api_model(u.model):
                f["model"] = u.model
            elif is_api_model(f.get("model")) or is_api_model(u.model):
                f.pop("model", None)
                self.notes.append(f"- Hosted models cannot be self-hosted, so I plan with {open_default} "
                                  "(name another open model, e.g. \"Qwen 2.5 72B\", to change it).")
            if u.gpu:
                f["gpu"] = u.gpu
            changed.append("self-hosted" + (f" {f['model']}" if f.get("model") else "")
                           + (f" on {f['gpu']}" if f.get("gpu") else ""))
        elif u.deployment == "api":
            f["deployment"] = "api"
            f.pop("gpu", None)
            if u.model:
                f["model"] = u.model
            elif f.get("model") and not is_api_model(f.get("model")):
                f.pop("model", None)
            changed.append("hosted API" + (f" {f['model']}" if f.get("model") else f" ({api_default} by default)"))
