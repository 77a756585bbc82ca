"""Stage 5 for usage figures: fold what `activity.py` read into the session's facts, and turn the facts
into the forecast tool's load source.

Why apart from the backend: which figure drives the load (users online at once, daily or monthly
actives, a monthly volume) and what is assumed when something is missing (registered users, the app
type) are rules of their own; the backend only calls these two functions.

Rules:
- The latest load statement wins: daily / monthly actives or a volume replace an earlier "online at
  once" average (a peak stays: it may accompany them), and the reverse (`drop_usage_load`).
- Shares are multiplied out when the plan is made, against what they are a share of, so "200k
  registered" and "a quarter of them come back daily" may come in either order.
- With a load but no registered users, registered users are assumed to be the monthly actives (given,
  or daily / the sourced DAU/MAU default; online at once / the default online share), and the reply says so.
"""
from __future__ import annotations

from typing import Any

from agent.guided import ranged, replies
from agent.guided.activity import Activity

USAGE_LOAD = ("daily_active_users", "monthly_active_users", "daily_share", "monthly_share", "monthly_conversations",
              "monthly_tasks", "monthly_messages", "weekly_active_users")
# How a reply names each: a scenario takes one load source (forecasting/load_sources.py), so these are not
# used beside users online at once, and the reply says which were heard and left out.
USAGE_LOAD_WORDS = {"daily_active_users": "daily active users", "monthly_active_users": "monthly active users",
                    "daily_share": "share who use it daily", "monthly_share": "share who use it monthly",
                    "monthly_conversations": "conversations a month", "monthly_tasks": "tasks a month",
                    "monthly_messages": "messages a month", "weekly_active_users": "weekly active users"}
CONCURRENCY = ("concurrent_users", "concurrent_share", "peak_share")


def merge_activity(f: dict[str, Any], a: Activity, keep_concurrency: bool = False) -> list[str]:
    changed: list[str] = []
    loads = {k: getattr(a, k) for k in ("daily_active_users", "monthly_active_users", "weekly_active_users",
                                        "monthly_conversations", "monthly_tasks", "monthly_messages")}
    if a.daily_share is not None:
        base = a.daily_share[1]
        if a.weekly_active_users is not None or (base == "registered" and "weekly_active_users" in f
                                                 and a.registered_hint is False):
            base = "weekly"
        f["daily_share"] = [a.daily_share[0], base]
        f.pop("daily_active_users", None)
        changed.append(f"{a.daily_share[0]:.0%} of {base} users active on a typical day")
    if a.monthly_share is not None:
        f["monthly_share"] = [a.monthly_share[0], a.monthly_share[1]]
        f.pop("monthly_active_users", None)
        changed.append(f"{a.monthly_share[0]:.0%} of {a.monthly_share[1]} users active in a month")
    for key, value in loads.items():
        if value is not None:
            f[key] = value
            ranged.note(f, key, a.ranges.get(key))
            if key == "daily_active_users":
                f.pop("daily_share", None)
            if key == "monthly_active_users":
                f.pop("monthly_share", None)
            changed.append(f"{ranged.words(replies.num(value), a.ranges.get(key), replies.num)} {key.replace('_', ' ')}")
    if not keep_concurrency and (any(v is not None for v in loads.values()) or a.daily_share or a.monthly_share):
        if a.daily_active_users is not None or a.daily_share or any(loads[k] for k in ("monthly_conversations", "monthly_tasks", "monthly_messages")) \
                or (a.monthly_active_users is not None or a.monthly_share):
            for k in CONCURRENCY:
                f.pop(k, None)
    for key, label in (("session_minutes", "minutes per session"), ("sessions_per_day", "sessions a day"),
                       ("peak_multiplier", "x average at the busiest time"), ("prompt_tokens", "tokens per message"),
                       ("output_tokens", "tokens per answer")):
        value = getattr(a, key)
        if value is not None:
            f[key] = value
            ranged.note(f, key, a.ranges.get(key))
            changed.append(f"{ranged.words(replies.num(value), a.ranges.get(key), replies.num)} {label}")
    if a.peak_share_of_daily is not None:
        f["peak_share_of_daily"] = a.peak_share_of_daily
        changed.append(f"{a.peak_share_of_daily:.0%} of daily users online at the busiest moment")
    return changed


def drop_usage_load(f: dict[str, Any]) -> None:
    """A new "online at once" average replaces daily / monthly actives and volumes as the load."""
    for k in USAGE_LOAD:
        f.pop(k, None)


def states_load(a: Activity) -> bool:
    """The message gives a usage load (not only session length or a multiplier)."""
    return any(getattr(a, k) is not None for k in ("daily_active_users", "monthly_active_users", "daily_share",
                                                    "monthly_share", "monthly_conversations", "monthly_tasks",
                                                    "monthly_messages"))


def has_load(f: dict[str, Any]) -> bool:
    return any(k in f for k in (*CONCURRENCY, "peak_concurrent_users", *USAGE_LOAD)) and _dau(f) is not False


def _dau(f: dict[str, Any]) -> float | None | bool:
    """Daily actives from the facts; False when a share has nothing to be a share of yet."""
    if "daily_active_users" in f:
        return float(f["daily_active_users"])
    if "daily_share" in f:
        share, base = f["daily_share"]
        of = {"weekly": f.get("weekly_active_users"), "monthly": _mau(f), "registered": f.get("registered_users"),
              "daily": None}.get(base) or f.get("registered_users")
        return float(share) * float(of) if of else False
    return None


def _mau(f: dict[str, Any]) -> float | None:
    if "monthly_active_users" in f:
        return float(f["monthly_active_users"])
    if "monthly_share" in f and f.get("registered_users"):
        return float(f["monthly_share"][0]) * float(f["registered_users"])
    return None


def load_args(f: dict[str, Any], args: dict[str, Any], notes: list[str]) -> None:
    """Put the facts' load source (and the usage workload fields) into forecast arguments."""
    dau, mau = _dau(f), _mau(f)
    concurrency_given = any(k in args for k in ("concurrent_users",)) or "concurrent_share" in f
    unused = [USAGE_LOAD_WORDS[key] for key in USAGE_LOAD if key in f]
    if concurrency_given and unused:  # a scenario takes one load source: say what was heard and not used
        notes.append(f"- You also told me the {' and the '.join(unused)}; the users online at once set the load "
                     "directly, so I sized from them and those figures do not change the plan.")
    if not concurrency_given:
        if isinstance(dau, float):
            args["daily_active_users"] = round(dau, 2)
            if mau is not None and mau >= dau:
                args["monthly_active_users"] = round(mau, 2)
        elif mau is not None:
            args["monthly_active_users"] = round(mau, 2)
        else:
            for key in ("monthly_conversations", "monthly_tasks", "monthly_messages"):
                if key in f:
                    args[key] = f[key]
                    break
        if "peak_share_of_daily" in f and isinstance(dau, float):
            args["peak_concurrent_users"] = round(dau * float(f["peak_share_of_daily"]), 2)
    if "session_minutes" in f:
        args["session_minutes"] = f["session_minutes"]
    if "sessions_per_day" in f and not concurrency_given:
        args["sessions_per_day"] = f["sessions_per_day"]
    if "peak_multiplier" in f and not ("peak_concurrent_users" in args and "concurrent_users" not in args and concurrency_given is False
                                       and any(k in args for k in ("daily_active_users", "monthly_active_users"))):
        args["peak_multiplier"] = f["peak_multiplier"]
    other = {f"workload.{k}": int(round(float(f[k]))) for k in ("prompt_tokens", "output_tokens") if k in f}
    if other:
        args["other"] = {**args.get("other", {}), **other}
    if args.get("monthly_tasks") and args.get("app_type") == "chatbot":
        args["monthly_messages"] = args.pop("monthly_tasks")
    if args.get("monthly_messages") and args.get("app_type") == "agent":
        args["monthly_tasks"] = args.pop("monthly_messages")


def default_registered(f: dict[str, Any], app_type: str) -> tuple[int, str] | None:
    """Registered users to assume when only the load is known, and the note that says so."""
    from forecasting.defaults import lookup

    mau = _mau(f)
    dau = _dau(f)
    ratio = float(lookup(app_type, "workload.dau_mau_ratio").value)
    if mau is not None:
        n, why = mau, "the monthly active users"
    elif isinstance(dau, float):
        n, why = dau / ratio, f"the daily actives / {ratio:.0%} DAU/MAU (published stickiness benchmark)"
    elif "concurrent_users" in f or "peak_concurrent_users" in f:
        conc = float(f.get("concurrent_users") or float(f["peak_concurrent_users"]) / float(f.get("peak_multiplier") or 1.5))
        n, why = conc / replies.DEFAULT_CONCURRENT_SHARE, f"online at once / {replies.DEFAULT_CONCURRENT_SHARE:.2%} default online share"
    elif any(k in f for k in ("monthly_conversations", "monthly_tasks", "monthly_messages")):
        n = float(next(f[k] for k in ("monthly_conversations", "monthly_tasks", "monthly_messages") if k in f))
        why = "one person per monthly conversation (an upper bound)"
    else:
        return None
    n = max(1, int(round(n)))
    return n, (f"- You didn't say how many registered users there are; I assumed {replies.num(n)} ({why}). "
               "It only changes the cost per registered user; tell me the real number to correct it.")
