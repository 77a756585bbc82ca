"""Where the load comes from: the figure a person knows, turned into users online at once.

Why a module of its own: people rarely know "average concurrent users". They know daily or monthly
active users, conversations a month, or (after `capplan calibrate`) a measured request rate. Each of
these reaches the planner's one currency, average concurrency, by Little's law (concurrency = arrival
rate x time in system), and the plan must say which input drove it and how.

Rules (DESIGN.md "Load sources"):
- exactly one source: `concurrent_users` / `peak_concurrent_users`; `daily_active_users` (optionally
  with `monthly_active_users`, for the record); `monthly_active_users` alone (daily = monthly x the
  sourced stickiness default `workload.dau_mau_ratio`); one of `monthly_conversations`,
  `monthly_messages` (chatbots), `monthly_tasks` (agents); or `measured.llm_calls_per_second`.
- `peak_concurrent_users` may accompany any other source: that source gives the average, the peak
  gives the peak (the peak multiplier is their ratio).
- daily <= monthly <= registered; peak >= average.

Session length for Little's law: `workload.session_minutes` when known, else (agents, or a chatbot
given think time) messages per session x the user's cycle (think time + response time), which is
why the derivation runs after the call shape is known.
The texts of these figures (load.load_source, average and peak concurrency, active users) are written by
`derive` itself, beside the arithmetic, when the planner asks for them (forecasting/derivation.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from forecasting.defaults import lookup
from forecasting.derivation import NO_DERIVATIONS, n as _n
from forecasting.errors import Problem, ScenarioError
from forecasting.workload import MONTH_IN_SECONDS_TEXT, SECONDS_PER_MONTH

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.scenario import Assumption, ResolvedScenario, ResolvedWorkload, Scenario

SECONDS_PER_DAY = 86_400.0
VOLUMES = ("monthly_conversations", "monthly_messages", "monthly_tasks")
CONCURRENCY = ("concurrent_users", "peak_concurrent_users")

# Published ranges for the plausibility warnings (../shared/reference/workload_and_pricing.md, 2026-11-27).
STICKINESS_RANGE = (0.10, 0.60, "DAU/MAU: consumer chat 0.30-0.50, B2B SaaS 0.15-0.31 (June.so stickiness benchmark;"
                                " omegapoint 2026; ChatGPT ~0.45-0.50)")
MESSAGES_PER_DAU_RANGE = (1.0, 20.0, "messages per active user per day: ChatGPT ~3.7 per weekly-active user"
                                     " (NBER WP 34255, 2025-09-15); plausible 1-20")
# Character.ai, the most engaged published chat app: 80 min/day per user (The Decoder, 2025-08-18), i.e. 80/1,440
# = 5.6% of its daily users online at once on average; a larger share of *registered* users is beyond it.
ONLINE_SHARE_MAX = (80.0 / 1440.0, "Character.ai users average 80 min/day (The Decoder, 2025-08-18), i.e. 5.6% of"
                                   " daily users online at once on average; no published app is higher")


def given_source(s: "Scenario") -> str:
    """The input that drives the load (the `load.load_source` of the plan)."""
    if s.measured is not None:
        return "measured.llm_calls_per_second"
    for f in VOLUMES:
        if getattr(s, f) is not None:
            return f
    if s.daily_active_users is not None:
        return "daily_active_users"
    if s.monthly_active_users is not None:
        return "monthly_active_users"
    if s.concurrent_users is not None:
        return "concurrent_users"
    return "peak_concurrent_users"


def check_sources(s: "Scenario") -> list[Problem]:
    """Exactly one load source, consistent with registered users; one problem each, with the field to fix."""
    sources = []
    if s.concurrent_users is not None:
        sources.append("concurrent_users")
    if s.daily_active_users is not None:
        sources.append("daily_active_users")
    elif s.monthly_active_users is not None:
        sources.append("monthly_active_users")
    sources += [f for f in VOLUMES if getattr(s, f) is not None]
    if s.measured is not None:
        sources.append("measured.llm_calls_per_second")
    if not sources and s.peak_concurrent_users is None:
        return [Problem("", "give one load source: concurrent_users or peak_concurrent_users (users online at once), "
                        "daily_active_users, monthly_active_users, monthly_conversations / monthly_messages / monthly_tasks, "
                        "or measured.llm_calls_per_second")]
    problems = []
    if len(sources) > 1:
        problems.append(Problem(sources[-1], f"{' and '.join(sources)} each set the load; give only one of them "
                                "(monthly_active_users may accompany daily_active_users, peak_concurrent_users any of them)"))
    if s.monthly_messages is not None and s.app_type == "agent":
        problems.append(Problem("monthly_messages", "agents count tasks; use monthly_tasks"))
    if s.monthly_tasks is not None and s.app_type == "chatbot":
        problems.append(Problem("monthly_tasks", "chatbots count messages; use monthly_messages (or monthly_conversations)"))
    if s.peak_multiplier is not None and s.peak_concurrent_users is not None and sources:
        problems.append(Problem("peak_multiplier", f"peak_multiplier and peak_concurrent_users both set the peak (with "
                                f"{sources[0]} as the average); give one"))
    if s.measured is not None and s.measured.peak_llm_calls_per_second is not None:
        peak = "measured.peak_llm_calls_per_second"
        if s.peak_concurrent_users is not None or s.peak_multiplier is not None:
            problems.append(Problem(peak, f"{peak} and peak_concurrent_users / peak_multiplier both set the peak; give one"))
        if s.measured.peak_llm_calls_per_second < s.measured.llm_calls_per_second:
            problems.append(Problem(peak, f"{s.measured.peak_llm_calls_per_second:,.4g} cannot be below "
                                    f"measured.llm_calls_per_second ({s.measured.llm_calls_per_second:,.4g})"))
    dau, mau, reg = s.daily_active_users, s.monthly_active_users, s.registered_users
    if dau is not None and mau is not None and dau > mau:
        problems.append(Problem("daily_active_users", f"{dau:,.0f} cannot exceed monthly_active_users ({mau:,.0f})"))
    for f, v in (("daily_active_users", dau), ("monthly_active_users", mau)):
        if v is not None and v > reg:
            problems.append(Problem(f, f"{v:,.0f} cannot exceed registered_users ({reg:,})"))
    if s.measured is not None and s.measured.output_tokens_per_call is not None and s.workload.output_tokens is not None:
        problems.append(Problem("measured.output_tokens_per_call", "measured.output_tokens_per_call and "
                                "workload.output_tokens both set the output per call; give one"))
    return problems


def resolve_peak(s: "Scenario", top: Any) -> tuple[float | None, float]:
    """(given peak or None, peak multiplier) for a source other than concurrency. `top(field)` fills defaults."""
    if s.peak_concurrent_users is not None:
        return float(s.peak_concurrent_users), 0.0  # the multiplier is peak / derived average, set in derive()
    if s.measured is not None and s.measured.peak_llm_calls_per_second is not None:
        return None, s.measured.peak_llm_calls_per_second / s.measured.llm_calls_per_second
    return None, float(top("peak_multiplier"))


def _engagement(r: "ResolvedScenario", key: str, given: float | None, assumptions: list["Assumption"]) -> float:
    from forecasting.scenario import Assumption

    if given is not None:
        return float(given)
    d = lookup(r.app_type, f"workload.{key}")
    assumptions.append(Assumption(name=f"workload.{key}", value=d.value, unit=d.unit, source=d.source))
    return float(d.value)


def derive(r: "ResolvedScenario", s: "Scenario", cycle_s: float, calls_per_message: float,
           assumptions: list["Assumption"], explain: bool = False) -> tuple["ResolvedScenario", Mapping[str, str]]:
    """Fill average and peak concurrency from the scenario's load source (a no-op for concurrency inputs).

    With `explain`, also the derivations of the figures the load source gives (load.load_source, average and
    peak concurrency, active users, a measured input), written here from the same locals as the arithmetic."""
    source = r.load_source
    if source in CONCURRENCY:
        return r, (_recorded(r, s, {"load.load_source": _source_text(source)}) if explain else NO_DERIVATIONS)
    w: dict[str, Any] = {}  # the engagement defaults this load source used
    upd: dict[str, Any] = {}
    average_text = daily_text = ""
    if source in ("daily_active_users", "monthly_active_users"):
        dau = s.daily_active_users
        if dau is None:
            ratio = _engagement(r, "dau_mau_ratio", s.workload.dau_mau_ratio, assumptions)
            w["dau_mau_ratio"] = ratio
            mau = float(s.monthly_active_users or 0)
            dau = mau * ratio
            if explain:
                daily_text = f"daily active users = {_n(mau)} monthly active x {_n(ratio)} DAU/MAU = {_n(dau)}"
        spd = _engagement(r, "sessions_per_active_user_per_day", s.workload.sessions_per_active_user_per_day, assumptions)
        w["sessions_per_active_user_per_day"] = spd
        session_s = _session_seconds(r.workload, cycle_s)
        if spd * session_s > SECONDS_PER_DAY:
            raise ScenarioError(f"workload.sessions_per_active_user_per_day ({spd:g}) x a {session_s / 60:,.1f}-minute session "
                                "is more than 24 hours a day; lower one of them",
                                field="workload.sessions_per_active_user_per_day")
        avg = float(dau) * spd * session_s / SECONDS_PER_DAY
        upd["daily_active_users"] = float(dau)
        if explain:
            how = (f"{_n(r.workload.session_minutes)} min per session" if r.workload.session_minutes is not None else
                   f"{_n(session_s / 60)} min per session ({_n(r.workload.messages_per_session)} messages x {_n(cycle_s)} s cycle)")
            average_text = (f"average concurrent users = {_n(float(dau))} daily active users x {_n(spd)} sessions/day x {how}"
                            f" / {SECONDS_PER_DAY / 60:,.0f} min per day = {_n(avg)} users (Little's law)")
    elif source == "measured.llm_calls_per_second":
        assert s.measured is not None
        avg = s.measured.llm_calls_per_second / calls_per_message * cycle_s
        if explain:
            average_text = (f"average concurrent users = {_n(s.measured.llm_calls_per_second)} measured LLM calls/s / {_n(calls_per_message)} calls"
                            f" per message x {_n(cycle_s)} s per cycle = {_n(avg)} users (Little's law)"
                            + (f"; measured: {s.measured.source}" if s.measured.source else ""))
    else:
        volume = float(getattr(s, source))
        messages = volume * float(r.workload.messages_per_session) if source == "monthly_conversations" else volume
        avg = messages / SECONDS_PER_MONTH * cycle_s
        if explain:
            per = (f" x {_n(r.workload.messages_per_session)} messages per conversation" if source == "monthly_conversations" else "")
            average_text = (f"average concurrent users = {_n(volume)} {source.removeprefix('monthly_')}/month{per} / {MONTH_IN_SECONDS_TEXT} x "
                            f"{_n(cycle_s)} s per cycle = {_n(avg)} users (Little's law)")
    if avg > r.registered_users:
        raise ScenarioError(f"{source}: implies {avg:,.0f} users online at once on average, more than registered_users "
                            f"({r.registered_users:,}); check both")
    if s.peak_concurrent_users is not None:
        peak = float(s.peak_concurrent_users)
        if peak < avg:
            raise ScenarioError(f"peak_concurrent_users ({peak:,.0f}) cannot be below the average {avg:,.1f} users online "
                                f"that {source} implies", field="peak_concurrent_users")
        multiplier = peak / avg
        peak_text = f"peak concurrent users = {_n(peak)} (given; {_n(multiplier)} x the average {_n(avg)})" if explain else ""
    else:
        multiplier = r.peak_multiplier
        peak = avg * multiplier
        basis = ("measured peak / average LLM calls" if s.measured is not None and s.measured.peak_llm_calls_per_second
                 else "peak multiplier")
        peak_text = f"peak concurrent users = {_n(avg)} average x {_n(multiplier)} {basis} = {_n(peak)} users" if explain else ""
    upd.update(concurrent_users=avg, peak_concurrent_users=peak, peak_multiplier=multiplier,
               workload=r.workload.model_copy(update=w))
    out = r.model_copy(update=upd)
    if not explain:
        return out, NO_DERIVATIONS
    e = {"load.load_source": _source_text(source)}
    if average_text:
        e["load.average_concurrent_users"] = average_text
    e["load.peak_concurrent_users"] = peak_text
    if daily_text:
        e["load.daily_active_users"] = daily_text
    return out, _recorded(out, s, e)


def _source_text(source: str) -> str:
    return f"the load comes from {source} ({'given' if source != 'monthly_active_users' else 'given, with the stickiness default'})"


def _recorded(r: "ResolvedScenario", s: "Scenario", e: dict[str, str]) -> dict[str, str]:
    """The figures a scenario records as given: active users beside the load source, a measured input size."""
    if r.daily_active_users is not None and "load.daily_active_users" not in e:
        e["load.daily_active_users"] = f"daily active users = {_n(r.daily_active_users)} (given)"
    if r.monthly_active_users is not None:
        e["load.monthly_active_users"] = f"monthly active users = {_n(r.monthly_active_users)} (given)"
    if s.measured is not None and s.measured.input_tokens_per_call is not None:
        e["load.input_tokens_per_call"] = (f"input tokens/call = {_n(s.measured.input_tokens_per_call)} (measured"
                                           + (f": {s.measured.source})" if s.measured.source else ")"))
    return e


def _session_seconds(w: "ResolvedWorkload", cycle_s: float) -> float:
    if w.session_minutes is not None:
        return float(w.session_minutes) * 60.0
    return float(w.messages_per_session) * cycle_s


def plausibility(r: "ResolvedScenario", monthly_messages: float) -> list[str]:
    """Warnings (not errors) when the implied usage lies outside published ranges, each with its source."""
    out: list[str] = []
    dau, mau = r.daily_active_users, r.monthly_active_users
    if dau is not None and mau:
        ratio = dau / mau
        lo, hi, src = STICKINESS_RANGE
        if not lo <= ratio <= hi:
            out.append(f"usage: daily / monthly active users = {ratio:.2f}, outside the published {lo:g}-{hi:g} ({src})")
    if dau:
        per_day = monthly_messages / (SECONDS_PER_MONTH / SECONDS_PER_DAY) / dau
        lo, hi, src = MESSAGES_PER_DAU_RANGE
        if not lo <= per_day <= hi:
            out.append(f"usage: {per_day:,.3g} messages per daily active user per day, outside {lo:g}-{hi:g} ({src})")
    share = r.concurrent_users / r.registered_users
    limit, src = ONLINE_SHARE_MAX
    if share > limit:
        out.append(f"usage: {share:.1%} of registered users online at once on average is more than {limit:.1%} ({src});"
                   " check registered_users and the load input")
    return out


def record(s: "Scenario") -> dict[str, Any]:
    """The source fields the resolved scenario carries (`inputs` of the plan)."""
    return {"load_source": given_source(s), "daily_active_users": s.daily_active_users,
            "monthly_active_users": s.monthly_active_users,
            **{f: getattr(s, f) for f in VOLUMES},
            "measured": s.measured.model_dump() if s.measured is not None else None}
