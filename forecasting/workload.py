"""Users -> messages -> LLM calls -> tokens, by Little's law.

Why plain floats in a frozen dataclass: the timeline re-uses one load and scales it month by month,
and every load quantity is linear in concurrency, so `Load.scaled(k)` is exact and costs nothing.
Capacity (instances, GPUs, tiers) is where the non-linear steps live, in the tier modules.

Conventions:
- `concurrent_users` is the average number of users with an open session over the day; the peak is
  that times the peak multiplier. Capacity is sized on the peak, monthly volumes on the average.
- A user's cycle is think time + response time; messages/s = concurrency / cycle (Little's law).
- Input tokens per call = system prompt + retrieved context + the new message + conversation
  history (which grows with each turn; averaged over the session) + for agents the context that
  grows within a task (tool results and earlier steps, averaged over the task's calls).
"""
from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.scenario import ResolvedWorkload

# The month, once: 730 hours, the cloud-billing month the price catalog uses (forecasting/data/clouds.json
# "hours_per_month"; tests/test_one_fact.py keeps the two equal). Monthly volumes, storage days and prices
# all use it.
HOURS_PER_MONTH = 730.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
DAYS_PER_MONTH = HOURS_PER_MONTH / 24.0
MONTH_IN_SECONDS_TEXT = f"{SECONDS_PER_MONTH:,.0f} s ({HOURS_PER_MONTH:g} h)"  # as the explanations write it


@dataclass(frozen=True)
class CallShape:
    """Per-call token counts and timing; independent of how many users there are."""

    input_tokens_per_call: float
    output_tokens_per_call: float
    history_tokens: float
    task_context_tokens: float
    calls_per_message: float
    call_latency_s: float
    response_time_s: float
    cycle_s: float
    cached_input_share: float
    messages_per_session: float
    tool_calls_per_llm_call: float


@dataclass(frozen=True)
class Load:
    """Load at one point in time. Peak values size capacity; average values give monthly volumes."""

    peak_concurrent_users: float
    average_concurrent_users: float
    peak_messages_per_s: float
    average_messages_per_s: float
    peak_llm_calls_per_s: float
    average_llm_calls_per_s: float
    peak_input_tokens_per_min: float
    peak_output_tokens_per_min: float
    peak_concurrent_llm_requests: float
    peak_concurrent_tasks: float
    peak_external_calls_per_s: float
    monthly_messages: float
    monthly_conversations: float
    monthly_llm_calls: float
    monthly_input_tokens: float
    monthly_cached_input_tokens: float
    monthly_output_tokens: float

    def scaled(self, k: float) -> "Load":
        return replace(self, **{f.name: getattr(self, f.name) * k for f in fields(self)})


def call_shape(workload: ResolvedWorkload, llm_latency_s: tuple[float, float], measured_input_tokens: float | None = None) -> CallShape:
    """Token counts per call and the user's message cycle.

    `llm_latency_s` is (time to first token, seconds per output token) for the chosen deployment;
    `measured_input_tokens` (a measured mean, from `capplan calibrate`) replaces the computed input.
    """
    w = workload
    n = float(w.llm_calls_per_message)
    out = float(w.output_tokens)
    history = (float(w.messages_per_session) - 1.0) / 2.0 * (w.prompt_tokens + out)
    task_context = (n - 1.0) / 2.0 * (w.appended_tokens_per_call + out)
    inp = w.system_prompt_tokens + w.retrieved_context_tokens + w.prompt_tokens + history + task_context
    if measured_input_tokens is not None:
        inp = float(measured_input_tokens)
    ttft, per_token = llm_latency_s
    call_latency = ttft + out * per_token
    response = n * (call_latency + float(w.tool_seconds_per_call))
    return CallShape(
        input_tokens_per_call=inp, output_tokens_per_call=out, history_tokens=history,
        task_context_tokens=task_context, calls_per_message=n, call_latency_s=call_latency,
        response_time_s=response, cycle_s=float(w.think_time_s) + response,
        cached_input_share=float(w.cached_input_share),
        messages_per_session=float(w.messages_per_session),
        tool_calls_per_llm_call=float(w.tool_calls_per_llm_call),
    )


def compute_load(avg_users: float, peak_users: float, shape: CallShape) -> Load:
    peak_msgs = peak_users / shape.cycle_s
    avg_msgs = avg_users / shape.cycle_s
    peak_calls = peak_msgs * shape.calls_per_message
    avg_calls = avg_msgs * shape.calls_per_message
    monthly_messages = avg_msgs * SECONDS_PER_MONTH
    monthly_calls = avg_calls * SECONDS_PER_MONTH
    monthly_input = monthly_calls * shape.input_tokens_per_call
    return Load(
        peak_concurrent_users=peak_users,
        average_concurrent_users=avg_users,
        peak_messages_per_s=peak_msgs,
        average_messages_per_s=avg_msgs,
        peak_llm_calls_per_s=peak_calls,
        average_llm_calls_per_s=avg_calls,
        peak_input_tokens_per_min=peak_calls * shape.input_tokens_per_call * 60.0,
        peak_output_tokens_per_min=peak_calls * shape.output_tokens_per_call * 60.0,
        peak_concurrent_llm_requests=peak_calls * shape.call_latency_s,
        peak_concurrent_tasks=peak_msgs * shape.response_time_s,
        peak_external_calls_per_s=peak_calls * shape.tool_calls_per_llm_call,
        monthly_messages=monthly_messages,
        monthly_conversations=monthly_messages / shape.messages_per_session,
        monthly_llm_calls=monthly_calls,
        monthly_input_tokens=monthly_input,
        monthly_cached_input_tokens=monthly_input * shape.cached_input_share,
        monthly_output_tokens=monthly_calls * shape.output_tokens_per_call,
    )
