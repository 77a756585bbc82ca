"""Users -> messages -> LLM calls -> tokens, by Little's law.

Why plain floats in a frozen dataclass: the timeline re-uses one load and scales it month by month,
and every load quantity is linear in concurrency, so `Load.scaled(k)` is exact and costs nothing.
Capacity (instances, GPUs, tiers) is where the non-linear steps live, in the tier modules.
Why `explain`: with it on (month 0 of a plan), `call_shape` and `compute_load` write the load.*
derivations beside the arithmetic, from the same locals (forecasting/derivation.py); the scaled months
of the timeline carry none.

Conventions:
- `concurrent_users` is the average number of users with an open session over the day; the peak is
  that times the peak multiplier. Capacity is sized on the peak, monthly volumes on the average.
- A user's cycle is think time + response time; messages/s = concurrency / cycle (Little's law).
- Input tokens per call = system prompt + retrieved context + the new message + conversation
  history (which grows with each turn; averaged over the session) + for agents the context that
  grows within a task (tool results and earlier steps, averaged over the task's calls).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, TYPE_CHECKING

from forecasting.derivation import NO_DERIVATIONS, n as _n

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.scenario import ResolvedWorkload

# The month, once: 730 hours, the cloud-billing month the price catalog uses (forecasting/data/clouds.json
# "hours_per_month"; tests/test_one_fact.py keeps the two equal). Monthly volumes, storage days and prices
# all use it.
HOURS_PER_MONTH = 730.0
SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
DAYS_PER_MONTH = HOURS_PER_MONTH / 24.0
MONTH_IN_SECONDS_TEXT = f"{SECONDS_PER_MONTH:,.0f} s ({HOURS_PER_MONTH:g} h)"  # as the explanations write it


def growth_factor(monthly_growth_rate: float, month: int) -> float:
    """Load at month m / load at month 0: compound growth, the one rule the timeline, the draws, the
    serving options and the explanations all scale by."""
    return (1.0 + monthly_growth_rate) ** month


class CallShape(NamedTuple):
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
    derivations: Mapping[str, str] = NO_DERIVATIONS


class Load(NamedTuple):
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
    derivations: Mapping[str, str] = NO_DERIVATIONS

    def scaled(self, k: float) -> "Load":
        """The load at k times the concurrency; a scaled load carries no derivations (they are month 0's)."""
        return self._replace(derivations=NO_DERIVATIONS, **{f: getattr(self, f) * k for f in _LOAD_FIGURES})


_LOAD_FIGURES = tuple(f for f in Load._fields if f != "derivations")


def call_shape(workload: ResolvedWorkload, llm_latency_s: tuple[float, float], measured_input_tokens: float | None = None,
               explain: bool = False) -> CallShape:
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
    tools = float(w.tool_seconds_per_call)
    response = n * (call_latency + tools)
    cycle = float(w.think_time_s) + response
    derivations = NO_DERIVATIONS
    if explain:
        derivations = {
            "load.response_time_s": (f"response time = {_n(n)} LLM call(s) x ({_n(call_latency)} s per call + {_n(tools)} s tools)"
                                     f" = {_n(response)} s; a call takes time to first token + {_n(out)} output tokens x time per token"),
            "load.seconds_between_messages": f"a user's cycle = {_n(w.think_time_s)} s think time + {_n(response)} s response = {_n(cycle)} s between messages",
            "load.input_tokens_per_call": (
                f"input tokens/call = {_n(inp)} (measured)" if measured_input_tokens is not None else
                f"input tokens/call = {w.system_prompt_tokens} system + {w.retrieved_context_tokens} retrieved + {w.prompt_tokens} new message"
                f" + {_n(history)} history ((messages per session {_n(w.messages_per_session)} - 1) / 2 x ({w.prompt_tokens} + {_n(out)}))"
                + (f" + {_n(task_context)} task context (({_n(n)} calls - 1) / 2 x ({w.appended_tokens_per_call} appended + {_n(out)} output))"
                   if task_context else "")
                + f" = {_n(inp)} tokens"),
        }
    return CallShape(
        input_tokens_per_call=inp, output_tokens_per_call=out, history_tokens=history,
        task_context_tokens=task_context, calls_per_message=n, call_latency_s=call_latency,
        response_time_s=response, cycle_s=cycle,
        cached_input_share=float(w.cached_input_share),
        messages_per_session=float(w.messages_per_session),
        tool_calls_per_llm_call=float(w.tool_calls_per_llm_call),
        derivations=derivations,
    )


def compute_load(avg_users: float, peak_users: float, shape: CallShape, explain: bool = False) -> Load:
    peak_msgs = peak_users / shape.cycle_s
    avg_msgs = avg_users / shape.cycle_s
    peak_calls = peak_msgs * shape.calls_per_message
    avg_calls = avg_msgs * shape.calls_per_message
    monthly_messages = avg_msgs * SECONDS_PER_MONTH
    monthly_calls = avg_calls * SECONDS_PER_MONTH
    monthly_input = monthly_calls * shape.input_tokens_per_call
    peak_in_tpm = peak_calls * shape.input_tokens_per_call * 60.0
    peak_out_tpm = peak_calls * shape.output_tokens_per_call * 60.0
    in_flight = peak_calls * shape.call_latency_s
    tasks = peak_msgs * shape.response_time_s
    external = peak_calls * shape.tool_calls_per_llm_call
    conversations = monthly_messages / shape.messages_per_session
    cached = monthly_input * shape.cached_input_share
    monthly_output = monthly_calls * shape.output_tokens_per_call
    derivations = NO_DERIVATIONS
    if explain:
        s = shape
        derivations = {
            "load.messages_per_second": f"messages/s at peak = {_n(peak_users)} users / {_n(s.cycle_s)} s per cycle = {_n(peak_msgs)} messages/s (Little's law)",
            "load.llm_calls_per_second": (f"LLM calls/s at peak = {_n(peak_msgs)} messages/s x {_n(s.calls_per_message)} calls/message"
                                          f" = {_n(peak_calls)} calls/s"),
            "load.input_tokens_per_minute": (f"input tokens/min at peak = {_n(peak_calls)} calls/s x {_n(s.input_tokens_per_call)} tokens x 60"
                                             f" = {_n(peak_in_tpm)}"),
            "load.output_tokens_per_minute": (f"output tokens/min at peak = {_n(peak_calls)} calls/s x {_n(s.output_tokens_per_call)} tokens x 60"
                                              f" = {_n(peak_out_tpm)}"),
            "load.monthly_messages": f"monthly messages = {_n(avg_msgs)} messages/s at average load x {MONTH_IN_SECONDS_TEXT} = {_n(monthly_messages)}",
            "load.monthly_conversations": (f"monthly conversations = {_n(monthly_messages)} messages / {_n(s.messages_per_session)} per session"
                                           f" = {_n(conversations)}"),
            "load.concurrent_llm_requests": (f"LLM calls in flight at peak = {_n(peak_calls)} calls/s x {_n(s.call_latency_s)} s per call"
                                             f" = {_n(in_flight)}"),
            "load.concurrent_agent_tasks": (f"agent tasks running at peak = {_n(peak_msgs)} tasks/s x {_n(s.response_time_s)} s per task"
                                            f" = {_n(tasks)}"),
            "load.external_calls_per_second": (f"external tool/service calls at peak = {_n(peak_calls)} LLM calls/s x"
                                               f" {_n(s.tool_calls_per_llm_call)} tool calls per LLM call = {_n(external)}/s"
                                               " (size rate limits of the services the agent calls)"),
            "load.average_messages_per_second": f"messages/s at average load = {_n(avg_users)} users / {_n(s.cycle_s)} s = {_n(avg_msgs)}",
            "load.monthly_llm_calls": f"monthly LLM calls = {_n(monthly_messages)} messages x {_n(s.calls_per_message)} calls = {_n(monthly_calls)}",
            "load.monthly_input_tokens": f"monthly input tokens = {_n(monthly_calls)} calls x {_n(s.input_tokens_per_call)} tokens = {_n(monthly_input)}",
            "load.monthly_cached_input_tokens": (f"cached input tokens = {_n(monthly_input)} x {_n(s.cached_input_share)} prompt-cache"
                                                 f" hit share = {_n(cached)}"),
            "load.monthly_output_tokens": (f"monthly output tokens = {_n(monthly_calls)} calls x {_n(s.output_tokens_per_call)} tokens"
                                           f" = {_n(monthly_output)}"),
        }
    return Load(
        peak_concurrent_users=peak_users,
        average_concurrent_users=avg_users,
        peak_messages_per_s=peak_msgs,
        average_messages_per_s=avg_msgs,
        peak_llm_calls_per_s=peak_calls,
        average_llm_calls_per_s=avg_calls,
        peak_input_tokens_per_min=peak_in_tpm,
        peak_output_tokens_per_min=peak_out_tpm,
        peak_concurrent_llm_requests=in_flight,
        peak_concurrent_tasks=tasks,
        peak_external_calls_per_s=external,
        monthly_messages=monthly_messages,
        monthly_conversations=conversations,
        monthly_llm_calls=monthly_calls,
        monthly_input_tokens=monthly_input,
        monthly_cached_input_tokens=cached,
        monthly_output_tokens=monthly_output,
        derivations=derivations,
    )
