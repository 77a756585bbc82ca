"""The guided mode's words: questions, help, and plain-language summaries of tool results.

Why summaries are built only from the tool result text: the rule for every backend is that no
figure is invented; the guided backend reads the same compact JSON the LLM would read and puts its
numbers into sentences, so what it says always matches the tables and the saved plan.
"""
from __future__ import annotations

import json
import math
from typing import Any

from forecasting import vocabulary
from forecasting.defaults import lookup

INTRO = ("Guided mode: no language model is connected, so I run a short interview and understand plain "
         "numbers and phrases. To chat with a model instead, set OPENAI_API_KEY (or OPENAI_BASE_URL for a "
         "local server such as Ollama or vLLM) and run `capplan chat` again.")

# A rough average concurrency when the person does not know it, from the reference figures:
# 30% of registered users active each day (DAU/MAU, June.so and omegapoint 2026 benchmarks: "30% ok"), one
# session each of the chatbot session default (forecasting/defaults.py), spread over a 16-hour active day.
_SESSION_MINUTES = float(lookup("chatbot", "workload.session_minutes").value)
DEFAULT_CONCURRENT_SHARE = 0.30 * _SESSION_MINUTES / (16 * 60)
DEFAULT_CONCURRENT_SOURCE = (f"30% of registered users active each day (DAU/MAU benchmarks), one {_SESSION_MINUTES:g}-minute "
                             "session each, over a 16-hour day")

QUESTIONS: dict[str, str] = {
    "app_type": ("Is it a **chatbot** (people chat with it: a support bot, assistant, tutor, helpdesk) or an "
                 "**agent** (it carries out multi-step tasks: books meetings, files tickets, runs workflows)? "
                 "For example: \"a support chatbot\". Say \"default\" for a chatbot, the common case."),
    "registered_users": ("How many **registered users** do you have (everyone who has signed up: accounts, "
                         "customers, employees, students)? For example: \"200k users\" or \"1.2 million\"."),
    "concurrency": ("How many people use it **on a typical day**? For example: \"8,000\", \"20% of them\", or, if you "
                    "know it, \"3,000 online at once\" or \"5k at peak\". Not sure? Say \"default\" and I'll "
                    f"assume {DEFAULT_CONCURRENT_SHARE:.2%} of registered users online at once ({DEFAULT_CONCURRENT_SOURCE})."),
}

CAPABILITIES = (
    "I can:\n"
    "- plan capacity from a description, e.g. \"a support chatbot with 200k users, 3,000 online at once, "
    "growing 8% a month\"\n"
    "- answer what-ifs: \"what if we double?\", \"what if concurrency reaches 10k?\", \"what if growth is 3% a "
    "month for 12 months?\", \"what if we self-host Llama 3.1 70B on H100s?\"\n"
    "- take corrections: \"actually it's 60k users\"\n"
    "- show the plan, explain a figure (\"why so many GPUs?\", \"why does it cost that much?\"), list the "
    "assumptions, and adopt a what-if (\"let's go with the doubled one\")\n"
    "- save: type /save PATH (or start with --save PATH)")

SAVE_HOW = ("To save, type **/save PATH** (for example `/save review.md`); it writes review.md and review.json. "
            "If you started with `--save PATH`, the transcript is already saved after every turn.")

LABELS: dict[str, str] = {**vocabulary.LABELS, "llm.model": "model"}  # the plan's labels (one place)
_MONEY = ("usd",)


def num(value: Any) -> str:
    """A figure as a person reads it (the plan's number writer), never 'nan'."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return "n/a"
        if float(value).is_integer():
            return f"{int(value):,}"
        return vocabulary.number_text(float(value))
    return str(value)


def money(value: Any) -> str:
    return f"${num(value)}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)


def parse(content: str) -> dict[str, Any] | None:
    try:
        data = json.loads(content)
    except (TypeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def plan_summary(data: dict[str, Any], notes: list[str]) -> str:
    """Forecast / show_plan result -> a few sentences a product manager can paste in a slide."""
    f = data.get("figures") or {}
    name = data.get("scenario", "the plan")
    lines = [f"Here is the plan **{name}**: {num(f.get('inputs.registered_users'))} registered users, "
             f"{num(f.get('load.peak_concurrent_users'))} concurrent users at peak, "
             f"{num(f.get('load.requests_per_second'))} {LABELS['load.requests_per_second']}."]
    if f.get("llm.deployment") == "self_hosted":
        lines.append(f"- LLM: self-hosted {f.get('llm.model')} on {num(f.get('llm.self_hosted.gpus'))} "
                     f"{f.get('llm.self_hosted.gpu')} GPUs ({num(f.get('llm.self_hosted.replicas'))} replicas of "
                     f"{num(f.get('llm.self_hosted.tensor_parallel'))}), {money(f.get('llm.monthly_usd'))} a month.")
    elif "llm.api.required_tpm" in f:
        lines.append(f"- LLM: hosted {f.get('llm.model')}, {num(f.get('llm.api.required_tpm'))} tokens and "
                     f"{num(f.get('llm.api.required_rpm'))} requests per minute at peak"
                     f"{' (API ' + str(f['llm.api.tier']) + ')' if f.get('llm.api.tier') else ' (no API tier covers or is known: see the note)'}, "
                     f"{money(f.get('llm.monthly_usd'))} a month.")
    app = f"- App tier: {num(f.get('compute.app.instances'))} x {f.get('compute.app.instance_type')}"
    if "compute.autoscaling.min_replicas" in f:
        app += (f", autoscaling {num(f.get('compute.autoscaling.min_replicas'))}-"
                f"{num(f.get('compute.autoscaling.max_replicas'))} replicas at "
                f"{num(round(100 * float(f.get('compute.autoscaling.target_cpu_utilization') or 0)))}% CPU")
    if "compute.workers.instances" in f:
        app += f"; {num(f.get('compute.workers.instances'))} agent worker instances"
    lines.append(app + ".")
    lines.append(f"- Data: {num(f.get('storage.database.storage_gb'))} GB of conversation database, "
                 f"{num(f.get('storage.cache.memory_gb'))} GB of cache.")
    bands = data.get("uncertainty") or {}
    if bands.get("monthly_cost"):  # ranges given: the band, never one exact figure (issue 9)
        lines.append(f"- Cost: **{bands['monthly_cost']}** (the figures above are the plan at "
                     f"{str(bands.get('provision_at', 'p50')).upper()}; ranges: {', '.join(bands.get('uncertain_inputs') or [])}).")
    else:
        cost = f"- Cost: **{money(f.get('cost.monthly_usd'))} a month**"
        if "cost.per_registered_user_usd" in f:
            cost += f" ({money(f.get('cost.per_registered_user_usd'))} per registered user)"
        lines.append(cost + ".")
    horizon = data.get("at_horizon") or {}
    if horizon.get("month"):
        lines.append(f"- In month {num(horizon.get('month'))}: {num(horizon.get('registered_users'))} registered "
                     f"users, {num(horizon.get('peak_concurrent_users'))} at peak, "
                     f"{money(horizon.get('monthly_usd'))} a month.")
    events = data.get("scale_events") or []
    if events:
        lines.append("- When to grow: " + "; ".join(
            f"month {num(e.get('month'))}: {e.get('resource')} {num(e.get('before'))} -> {num(e.get('after'))}"
            for e in events[:4]) + ".")
    lines.extend(notes)
    lines.append("Everything I was not told uses a documented default (ask \"what did you assume?\"). Try "
                 "\"what if we double?\", \"why does it cost that much?\", or /save PATH.")
    return "\n".join(lines)


WHAT_IF_ORDER = ["inputs.registered_users", "load.peak_concurrent_users", "llm.deployment", "llm.model",
                 "llm.api.required_tpm", "llm.api.tier", "llm.self_hosted.gpu", "llm.self_hosted.gpus",
                 "compute.app.instances", "compute.workers.instances", "storage.database.storage_gb",
                 "llm.monthly_usd", "cost.monthly_usd"]


def what_if_summary(data: dict[str, Any], notes: list[str], base_horizon: dict[str, Any] | None = None) -> str:
    """`base_horizon`: the last timeline month of the base plan, so growth what-ifs show what changes."""
    name, base = data.get("scenario"), data.get("based_on")
    deltas: dict[str, str] = data.get("versus_base") or {}
    lines = [f"What-if **{name}**, compared with **{base}**:"]
    shown = [p for p in WHAT_IF_ORDER if p in deltas]
    for path in shown:
        lines.append(f"- {LABELS.get(path, path)}: {_delta_text(path, deltas[path])}")
    if not shown:
        lines.append("- today's figures are the same.")
    horizon = data.get("at_horizon") or {}
    old = base_horizon or {}
    if horizon.get("month") and old.get("month") == horizon.get("month") and (
            old.get("registered_users") != horizon.get("registered_users") or old.get("monthly_usd") != horizon.get("monthly_usd")):
        lines.append(f"- In month {num(horizon.get('month'))}: {num(old.get('registered_users'))} -> "
                     f"{num(horizon.get('registered_users'))} registered users, {money(old.get('monthly_usd'))} -> "
                     f"{money(horizon.get('monthly_usd'))} a month.")
    elif horizon.get("month"):
        lines.append(f"- In month {num(horizon.get('month'))}: {num(horizon.get('registered_users'))} registered "
                     f"users, {money(horizon.get('monthly_usd'))} a month.")
    bands = data.get("uncertainty") or {}
    if bands.get("monthly_cost"):
        lines.append(f"- Cost with the ranges: **{bands['monthly_cost']}**.")
    for w in (data.get("warnings") or [])[:2]:
        lines.append(f"- Note: {w}" + ("..." if len(w) >= 200 else ""))
    lines.extend(notes)
    lines.append(f"To make it the final plan, say \"let's go with {name}\".")
    return "\n".join(lines)


def _delta_text(path: str, text: str) -> str:
    """'33507 -> 67015 (+100%)' -> '$33,507 -> $67,015 (+100%)'."""
    parts = text.split(" -> ", 1)
    if len(parts) != 2:
        return text
    new, _, pct = parts[1].partition(" (")
    fmt = money if path.endswith(_MONEY) else num
    old_v, new_v = _maybe_number(parts[0]), _maybe_number(new)
    old_t = "none" if old_v == "None" else fmt(old_v)
    new_t = "none" if new_v == "None" else fmt(new_v)
    return f"{old_t} -> {new_t}" + (f" ({pct}" if pct else "")


def _maybe_number(text: str) -> Any:
    try:
        value = float(text)
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def compare_summary(data: dict[str, Any]) -> str:
    ref = data.get("reference")
    lines = [f"Compared with **{ref}**:"]
    for name, deltas in (data.get("change_vs_reference") or {}).items():
        bits = [f"{LABELS.get(p, p)} {_delta_text(p, deltas[p])}" for p in WHAT_IF_ORDER if p in deltas][:5]
        lines.append(f"- **{name}**: " + ("; ".join(bits) if bits else "same key figures"))
    return "\n".join(lines)


def explain_summary(data: dict[str, Any]) -> str:
    if "explanations" not in data:
        return (f"In **{data.get('scenario')}**, {data.get('metric')} is {num(data.get('value'))}; "
                "there is no recorded derivation for it.")
    lines = [f"Where the figures of **{data.get('scenario')}** come from:"]
    for path, item in (data.get("explanations") or {}).items():
        label = LABELS.get(path) or path.rsplit(".", 1)[-1].replace("_", " ")
        lines.append(f"- **{label}** = {num(item.get('value'))}: {item.get('derivation')}")
    return "\n".join(lines)


def assumptions_summary(data: dict[str, Any]) -> str:
    given = ", ".join(data.get("given_by_person") or []) or "nothing"
    defaults = data.get("defaults") or []
    lines = [f"In **{data.get('scenario')}** you gave: {given}. Everything else is a default, with its source:"]
    lines += [f"- {row}" for row in defaults[:20]]
    if len(defaults) > 20:
        lines.append(f"- ... and {len(defaults) - 20} more (app and data tuning); the saved transcript lists them all.")
    lines.append("Change any of them by telling me, e.g. \"growing 5% a month\" or \"plan for 24 months\".")
    return "\n".join(lines)


def error_summary(content: str, reading: bool = False) -> str:
    body = content.removeprefix("Error:").strip()
    body = body.replace("Ask the person for a valid value, or correct the arguments.", "").strip()
    body = body.replace("Fix them and try again, or ask the person for a missing value.", "").strip()
    if reading:  # a usage file the person named (issue 10)
        return f"I couldn't read that file: {body}\nCheck the path and type it again."
    return f"I couldn't plan that: {body}\nTell me a different value and I'll try again."


# -- uncertainty, serving options and usage files (issues 9, 10, 13): words from the tool results only ---------
def how_sure_summary(data: dict[str, Any]) -> str:
    lines = [f"How sure: for **{data.get('scenario')}**, cost is {data.get('monthly_cost')}."]
    bands = data.get("bands_p10_p50_p90") or {}
    for path in ("load.peak_concurrent_users", "llm.self_hosted.gpus", "compute.app.instances"):
        if path in bands:
            lo, mid, hi = bands[path]
            lines.append(f"- {LABELS.get(path, path)}: {num(lo)} to {num(hi)}, {num(mid)} in the middle.")
    lines.append(f"- That is over {num(data.get('draws'))} draws of {data.get('basis')}. {_sentence_case(str(data.get('meaning') or ''))}.")
    lr = data.get("least_regret") or {}
    if lr.get("monthly_usd") is not None:
        lines.append(f"- Least-regret provisioning: {money(lr.get('monthly_usd'))} a month "
                     f"(P{num(lr.get('cost_percentile'))} of cost), because {str(lr.get('why') or '').rstrip('.')}.")
    lines.append("Ask \"what matters most?\" to see which assumption moves the cost most.")
    return "\n".join(lines)


def _sentence_case(text: str) -> str:
    return text[:1].upper() + text[1:]


def what_matters_summary(data: dict[str, Any]) -> str:
    rows = data.get("inputs") or []
    if not rows:
        return f"Nothing I varied moves the monthly cost of **{data.get('scenario')}**."
    lines = [f"What moves the monthly cost of **{data.get('scenario')}** most (each input from its low to its high end, "
             "the rest at their middle):"]
    for r in rows:
        lines.append(f"- **{r.get('input')}** ({r.get('range')}, {r.get('source')}): {money(r.get('monthly_usd_at_low'))} "
                     f"to {money(r.get('monthly_usd_at_high'))} a month, a swing of {money(r.get('swing_usd'))}.")
    lines.append(f"The top one, {rows[0].get('input')}, is the figure most worth measuring or telling me more exactly.")
    return "\n".join(lines)


def options_summary(data: dict[str, Any]) -> str:
    horizon_key = next((k for k in (data.get("best") or [{}])[0] if k.startswith("monthly_usd_at_month_")), None) \
        if data.get("best") else None

    def line(o: dict[str, Any]) -> str:
        text = f"{o.get('option')}: {money(o.get('monthly_usd'))} a month"
        if horizon_key and o.get(horizon_key) is not None:
            text += f" ({money(o.get(horizon_key))} in month {horizon_key.rsplit('_', 1)[-1]})"
        return text

    lines = [f"Ways to serve **{data.get('scenario')}** ({num(data.get('compared'))} compared, cheapest first among "
             "those that meet the latency targets; costs are the whole plan a month):"]
    lines += [f"{i}. {line(o)}" for i, o in enumerate(data.get("best") or [], 1)]
    hosted, own = data.get("cheapest_hosted"), data.get("cheapest_self_hosted")
    lines.append(f"- Cheapest hosted: {line(hosted)}." if hosted else "- No hosted option meets the latency targets.")
    if own:
        lines.append(f"- Cheapest self-hosted: {line(own)}."
                     + (f" Break-even: {own['break_even']}." if own.get("break_even") else ""))
    else:
        lines.append("- No self-hosted option meets the latency targets for this load.")
    if data.get("cannot_serve"):
        lines.append(f"- {num(data.get('cannot_serve'))} options cannot serve this load at all (`capplan options` lists why).")
    lines.append("The options run different models: I say which model each runs, and I do not judge model quality; "
                 "that choice is yours.")
    return "\n".join(lines)


def usage_compare_summary(data: dict[str, Any]) -> str:
    metrics = data.get("metrics") or []
    off = [m for m in metrics if m.get("within_20pct") is False]
    lines = [f"**{data.get('scenario')}** against {data.get('file')}: {num(data.get('within'))} of {num(data.get('of'))} "
             "metrics within 20%."]
    if off:
        lines.append("Off by more than 20%:")
        lines += [f"- {m.get('metric')}: forecast {num(m.get('forecast'))}, actual {num(m.get('actual'))} "
                  f"({_signed(m.get('error_pct'))})" for m in off]
    else:
        lines.append("No metric is off by more than 20%.")
    changes = data.get("changes") or []
    if changes:
        lines.append("To match what happened:")
        lines += [f"- {c}" for c in changes]
    lines += [f"- Note: {n}" for n in (data.get("notes") or [])[:2]]
    return "\n".join(lines)


def _signed(pct: Any) -> str:
    return f"{pct:+g}%" if isinstance(pct, (int, float)) and not isinstance(pct, bool) else "error unknown"


def usage_calibrate_summary(data: dict[str, Any]) -> str:
    lines = [f"What the file shows ({data.get('format')}): {num(data.get('requests'))} requests over "
             f"{num(data.get('window_s'))} s, {num(data.get('average_requests_per_second'))} a second on average and "
             f"{num(data.get('peak_requests_per_second'))} at peak ({num(data.get('peak_bin_s'))}-second bins, "
             f"{num(data.get('peak_to_average'))}x the average)."]
    for key, label in (("input_tokens_per_request", "Input"), ("output_tokens_per_request", "Output")):
        t = data.get(key)
        if isinstance(t, dict):
            spread = "".join(f", {num(t[k])} {w}" for k, w in (("p50", "median"), ("p90", "at P90")) if t.get(k) is not None)
            lines.append(f"- {label} tokens per request: {num(t.get('mean'))} on average{spread}.")
    if data.get("cached_input_share") is not None:
        lines.append(f"- Cached input: {num(data.get('cached_input_share'))} of input tokens.")
    if data.get("models"):
        lines.append(f"- Models: {', '.join(str(m) for m in data['models'])}.")
    lines += [f"- Note: {n}" for n in (data.get("notes") or [])[:2]]
    lines.append("To plan from these figures, run `capplan calibrate FILE --into scenario.json` and plan that scenario.")
    return "\n".join(lines)
