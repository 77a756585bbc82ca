"""The plan's vocabulary: which figures are the headline ones, what they are called, the words people
use for them, and how a figure is written for a person. One module, so the terminal, the transcript,
the tools, the guided replies and the reports say the same thing about the same number.

Pure and light on purpose (no pydantic, no rich): the chat imports it on every turn and the core's
explanations use its number writer.
"""
from __future__ import annotations

import functools
import math
import re
from typing import Any

# -- the headline figures: (label, plan path), in the order people read them --------------------------
KEY_FIGURES: list[tuple[str, str]] = [
    ("registered users", "inputs.registered_users"),
    ("peak concurrent users", "load.peak_concurrent_users"),
    ("user messages (agent: tasks) per second (peak)", "load.requests_per_second"),
    ("LLM calls per second (peak)", "load.llm_calls_per_second"),
    ("input tokens per minute (peak)", "load.input_tokens_per_minute"),
    ("output tokens per minute (peak)", "load.output_tokens_per_minute"),
    ("conversations per month", "load.monthly_conversations"),
    ("LLM deployment", "llm.deployment"),
    ("LLM model", "llm.model"),
    ("API tokens per minute needed", "llm.api.required_tpm"),
    ("API requests per minute needed", "llm.api.required_rpm"),
    ("API tier", "llm.api.tier"),
    ("GPU type", "llm.self_hosted.gpu"),
    ("GPUs per replica", "llm.self_hosted.tensor_parallel"),
    ("GPU replicas", "llm.self_hosted.replicas"),
    ("GPUs", "llm.self_hosted.gpus"),
    ("LLM cost (USD/month)", "llm.monthly_usd"),
    ("app instance type", "compute.app.instance_type"),
    ("app instances", "compute.app.instances"),
    ("agent workers", "compute.workers.instances"),
    ("autoscaling min replicas", "compute.autoscaling.min_replicas"),
    ("autoscaling max replicas", "compute.autoscaling.max_replicas"),
    ("autoscaling target CPU", "compute.autoscaling.target_cpu_utilization"),
    ("database storage (GB)", "storage.database.storage_gb"),
    ("session cache (GB)", "storage.cache.memory_gb"),
    ("vector store (GB)", "storage.vector.storage_gb"),
    ("egress (GB/month)", "network.egress_gb_per_month"),
    ("monthly cost (USD)", "cost.monthly_usd"),
    ("cost per registered user (USD)", "cost.per_registered_user_usd"),
    ("cost per 1,000 conversations (USD)", "cost.per_1000_conversations_usd"),
]

LABELS: dict[str, str] = {path: label for label, path in KEY_FIGURES}

# the few figures a product manager reads first (the chat's summary table), in that order
SUMMARY_FIGURES: list[str] = [
    "load.peak_concurrent_users", "load.requests_per_second", "load.output_tokens_per_minute",
    "llm.model", "llm.api.required_tpm", "llm.api.tier", "llm.self_hosted.gpu", "llm.self_hosted.gpus",
    "compute.app.instances", "compute.workers.instances", "compute.autoscaling.min_replicas",
    "compute.autoscaling.max_replicas", "storage.database.storage_gb", "storage.cache.memory_gb",
    "storage.vector.storage_gb", "cost.monthly_usd", "cost.per_registered_user_usd",
]

# -- headings: the same figures heading a table row whose value carries the unit -----------------------
# (the report, the terminal plan, the comparison, the bands). One short name per figure; the unit says
# what the number counts. KEY_FIGURES above names the same figures for a line of their own.
HEADINGS: dict[str, tuple[str, str]] = {
    "inputs.registered_users": ("Registered users", "users"),
    "load.peak_concurrent_users": ("Peak concurrent users", "users"),
    "load.requests_per_second": ("Messages at peak", "/s"),  # user messages; an agent's are tasks: heading()
    "load.llm_calls_per_second": ("LLM calls at peak", "/s"),
    "load.input_tokens_per_minute": ("Input tokens at peak", "/min"),
    "load.output_tokens_per_minute": ("Output tokens at peak", "/min"),
    "load.external_calls_per_second": ("External tool calls at peak", "/s"),
    "load.monthly_conversations": ("Conversations per month", ""),
    "llm.model": ("LLM", ""),
    "llm.api.required_rpm": ("API requests needed", "RPM"),
    "llm.api.required_tpm": ("API tokens needed", "TPM"),
    "llm.api.tier": ("API tier", ""),
    "llm.self_hosted.gpu": ("GPU type", ""),
    "llm.self_hosted.replicas": ("GPU replicas", "replicas"),
    "llm.self_hosted.gpus": ("GPUs", "GPUs"),
    "llm.self_hosted.sequences_per_replica_at_slo": ("Sequences per replica at SLO", ""),
    "llm.self_hosted.operating_point.share_of_max_throughput": ("Operating point (knee)", ""),
    "compute.app.instances": ("App instances", "instances"),
    "compute.autoscaling": ("Autoscaling", ""),
    "compute.autoscaling.max_replicas": ("Autoscaling max replicas", "replicas"),
    "compute.workers.instances": ("Agent workers", "instances"),
    "storage.database.storage_gb": ("Database storage", "GB"),
    "storage.database.write_iops_peak": ("DB writes at peak", "IOPS"),
    "storage.cache.memory_gb": ("Session cache", "GB"),
    "storage.vector.storage_gb": ("Vector store", "GB"),
    "storage.object.storage_gb": ("Object storage", "GB"),
    "network.egress_gb_per_month": ("Egress", "GB/month"),
    "llm.monthly_usd": ("LLM cost", "USD/month"),
    "cost.monthly_usd": ("Monthly cost", "USD/month"),
    "cost.per_registered_user_usd": ("Cost per registered user", "USD/month"),
    "cost.per_1000_conversations_usd": ("Cost per 1,000 conversations", "USD"),
}
_COUNTED = ("users", "instances", "replicas", "GPUs")  # units a bare count already says
_AT_HORIZON = "_at_horizon"


def heading(path: str, app_type: str = "chatbot") -> str:
    """The figure's short name; `..._at_horizon` paths are the same figure at the plan's last month."""
    if path.endswith(_AT_HORIZON):
        return heading(path.removesuffix(_AT_HORIZON), app_type) + " at the horizon"
    if path == "load.requests_per_second" and app_type == "agent":
        return "Tasks at peak"
    return HEADINGS.get(path, (path, ""))[0]


def unit(path: str) -> str:
    """The unit of the figure at `path` ("" for text and plain counts without one)."""
    return HEADINGS.get(path.removesuffix(_AT_HORIZON), ("", ""))[1]


def heading_with_unit(path: str, app_type: str = "chatbot") -> str:
    """The heading of a column of bare numbers: 'LLM calls at peak (/s)'; counts and dollars need no unit."""
    u = unit(path)
    shown = u and u not in _COUNTED and not u.startswith("USD")
    return f"{heading(path, app_type)} ({u})" if shown else heading(path, app_type)


# -- words people use -> the figure they ask about -------------------------------------------------------
# "why so many GPUs?" (the guided mode) and explain(metric="gpus") (the chat model) read the same table.
# First match wins, so the specific phrases ("llm cost", "workers") come before the general ones.
# Patterns as text, compiled on first use: the plan path imports this module and never asks.
METRIC_WORDS: list[tuple[str, str]] = [
    (r"\bgpus?\b|\breplicas?\b|\bh100|\bh200|\ba100|\bl40", "llm.self_hosted.gpus"),
    (r"\btiers?\b", "llm.api.tier"),
    (r"\btpm\b|\btokens? per minute\b|\btokens?\b|\brate limit", "llm.api.required_tpm"),
    (r"\brpm\b|\brequests? per minute\b", "llm.api.required_rpm"),
    (r"\bllm cost\b|\bapi cost\b|\bapi bill\b|\bmodel cost\b", "llm.monthly_usd"),
    (r"\bcost\w*|\bexpensive\b|\bprice\w*|\bspend\w*|\bbudget\b|\bbill\b|\bmoney\b|\$|\bcheap\b", "cost.monthly_usd"),
    (r"\bworkers?\b", "compute.workers.instances"),
    (r"\bservers?\b|\binstances?\b|\bmachines?\b|\bnodes?\b|\bapp tier\b|\bcompute\b|\bvms?\b|\bcpu\b", "compute.app.instances"),
    (r"\bautoscal\w*|\bscaling\b|\bmin replicas\b|\bmax replicas\b|\bthresholds?\b", "compute.autoscaling.max_replicas"),
    (r"\bpeak\b|\bconcurren\w*", "load.peak_concurrent_users"),
    (r"\brequests?\b|\brps\b|\bmessages? per second\b|\bthroughput\b|\btraffic\b", "load.requests_per_second"),
    (r"\bcache\b|\bredis\b|\bmemory\b", "storage.cache.memory_gb"),
    (r"\bvector\w*|\bembedding\w*", "storage.vector.storage_gb"),
    (r"\bdatabase\b|\bdb\b|\bstorage\b|\bdisk\b|\bpostgres\w*", "storage.database.storage_gb"),
    (r"\begress\b|\bnetwork\w*|\bbandwidth\b", "network.egress_gb_per_month"),
    (r"\bllm calls?\b|\bmodel calls?\b", "load.llm_calls_per_second"),
]
# The explanations that answer a question about a figure, where the figure's own key is not the best answer
EXPLAINED_BY: dict[str, tuple[str, ...]] = {
    "llm.self_hosted.gpus": ("llm.self_hosted.replicas", "llm.self_hosted.sequences_per_replica_at_slo",
                             "llm.self_hosted.concurrent_sequences_at_peak"),
    "compute.autoscaling.max_replicas": ("compute.autoscaling",),
    "storage.database.storage_gb": ("storage.database.storage_gb", "storage.database.instance_class"),
}


@functools.cache
def _metric_patterns() -> list[tuple[re.Pattern[str], str]]:
    return [(re.compile(pattern, re.IGNORECASE), metric) for pattern, metric in METRIC_WORDS]


def metric_for(text: str) -> str | None:
    """The figure a question is about ("why so many GPUs?" -> llm.self_hosted.gpus), or None."""
    return next((metric for pattern, metric in _metric_patterns() if pattern.search(text)), None)


def match_metric(query: str, keys: list[str]) -> list[str]:
    """Find explanation keys for a path or plain words ("gpus", "app instances")."""
    q = query.strip().lower()
    if q in keys:
        return [q]
    exact = [k for k in keys if k.lower() == q or k.lower().endswith("." + q)]
    if exact:
        return exact
    spaced = q.replace(".", " ").replace("_", " ")
    for pattern, metric in _metric_patterns():
        if pattern.search(spaced):
            found = [k for k in EXPLAINED_BY.get(metric, (metric,)) if k in keys]
            if found:
                return found
    words = [w for w in spaced.split() if len(w) > 1]
    if not words:
        return []
    scored = []
    for k in keys:
        hay = k.lower().replace("_", " ").replace(".", " ")
        hits = sum(w.rstrip("s") in hay for w in words)
        if hits:
            scored.append((-hits, len(k), k))
    scored.sort()
    best = scored[0][0] if scored else 0
    return [k for h, _, k in scored if h == best][:3]


# -- reading a plan -----------------------------------------------------------------------------------
_MISSING = object()


def value_at(obj: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted path in nested dicts/lists, or `default`."""
    cur = obj
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return default
    return cur



def key_figures(plan: dict[str, Any]) -> dict[str, Any]:
    """{path: value} of the KEY_FIGURES the plan has (self-hosted plans have no API figures, etc.)."""
    out: dict[str, Any] = {}
    for _, path in KEY_FIGURES:
        value = value_at(plan, path, _MISSING)
        if value is not _MISSING and value is not None and not isinstance(value, (dict, list)):
            out[path] = rounded(value)
    return out



# -- writing a figure ---------------------------------------------------------------------------------
def rounded(value: Any) -> Any:
    """Round floats to what a person reads (4 significant digits) so results stay short."""
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value == int(value) and abs(value) < 1e15:
            return int(value)
        digits = max(0, 3 - int(math.floor(math.log10(abs(value)))))
        return round(value, digits) if digits else int(round(value))
    if isinstance(value, dict):
        return {k: rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [rounded(v) for v in value]
    return value



def number_text(x: float, digits: int = 0, keep_zeros: bool = False) -> str:
    """A readable number: thousands separators for large values, 1-2 decimals for small ones.
    `keep_zeros`: fixed decimals ("12.0", "3.50"), for table columns (`cell_text`)."""
    if abs(x) >= 100:
        text = f"{x:,.{digits}f}"
    elif abs(x) >= 10:
        text = f"{x:,.1f}"
    else:
        text = f"{x:,.2f}" if keep_zeros or abs(x) >= 0.01 or x == 0 else f"{x:.2g}"
    if keep_zeros:
        return text
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text


def cell_text(x: Any) -> str:
    """A figure as a person reads it, wherever it is shown (the report, the terminal plan, the chat summary
    and comparison, the transcript, the page): fixed decimals so a column reads evenly ("26.4", "3.50");
    whole numbers above 100; "—" for nothing, yes/no for a flag. One writer, so a figure reads the same in
    `capplan plan` as in the chat that made it (there was a second one that wrote 26.35 for this 26.4)."""
    if isinstance(x, bool) or x is None:
        return "—" if x is None else ("yes" if x else "no")
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        return number_text(x, keep_zeros=True)
    return str(x)


def short_number(x: float) -> str:
    """Compact magnitude for narrow columns: 1.5M, 20.4k, 950."""
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:.3g}{suffix}" if abs(x) < div * 1000 else f"{x / div:,.0f}{suffix}"
    return f"{x:.3g}" if abs(x) < 100 else f"{x:,.0f}"


def usd_text(x: float, cents: bool = True) -> str:
    """Dollars: cents below $100 (a per-user cost of $0.42 must not read $0), whole dollars above;
    `cents=False` for sums that are always whole dollars (break-even ranking)."""
    return f"${x:,.2f}" if cents and abs(x) < 100 else f"${x:,.0f}"


def measured_text(x: float | None, digits: int = 2) -> str:
    """A measured figure (usage files, traces): up to `digits` decimals, trailing zeros dropped, whole
    numbers from 1,000 on; "-" when the data did not have it."""
    if x is None:
        return "-"
    if abs(x) >= 1000 or not digits:
        return f"{x:,.0f}"
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".")


def plain_number(v: float) -> str:
    """A number for text a program reads (Mermaid chart data): no thousands separators, whole from 100 on."""
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.2f}".rstrip("0").rstrip(".")
