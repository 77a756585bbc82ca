"""The plan's vocabulary: which figures are the headline ones, what they are called, the words people
use for them, and how a figure is written for a person. One module, so the terminal, the transcript,
the tools, the guided replies and the reports say the same thing about the same number.

Pure and light on purpose (no pydantic, no rich): the chat imports it on every turn and the core's
explanations use its number writer.
"""
from __future__ import annotations

import math
from typing import Any

# -- the headline figures: (label, plan path), in the order people read them --------------------------
KEY_FIGURES: list[tuple[str, str]] = [
    ("registered users", "inputs.registered_users"),
    ("peak concurrent users", "load.peak_concurrent_users"),
    ("user messages (agent: tasks) per second (peak)", "load.requests_per_second"),
    ("LLM calls per second (peak)", "load.llm_calls_per_second"),
    ("input tokens per minute (peak)", "load.input_tokens_per_minute"),
    ("output tokens per minute (peak)", "load.output_tokens_per_minute"),
    ("monthly conversations", "load.monthly_conversations"),
    ("LLM deployment", "llm.deployment"),
    ("LLM model", "llm.model"),
    ("API tokens per minute needed", "llm.api.required_tpm"),
    ("API requests per minute needed", "llm.api.required_rpm"),
    ("API tier", "llm.api.tier"),
    ("GPU type", "llm.self_hosted.gpu"),
    ("GPUs per replica", "llm.self_hosted.tensor_parallel"),
    ("GPU replicas", "llm.self_hosted.replicas"),
    ("GPUs total", "llm.self_hosted.gpus"),
    ("LLM cost per month (USD)", "llm.monthly_usd"),
    ("app instance type", "compute.app.instance_type"),
    ("app instances", "compute.app.instances"),
    ("worker instances", "compute.workers.instances"),
    ("autoscaling min replicas", "compute.autoscaling.min_replicas"),
    ("autoscaling max replicas", "compute.autoscaling.max_replicas"),
    ("autoscaling target CPU", "compute.autoscaling.target_cpu_utilization"),
    ("database storage (GB)", "storage.database.storage_gb"),
    ("cache memory (GB)", "storage.cache.memory_gb"),
    ("vector storage (GB)", "storage.vector.storage_gb"),
    ("egress per month (GB)", "network.egress_gb_per_month"),
    ("total cost per month (USD)", "cost.monthly_usd"),
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

# -- words people use -> the metrics they mean --------------------------------------------------------
METRIC_ALIASES: dict[str, tuple[str, ...]] = {  # words people use -> the explanation keys they mean
    "gpu": ("llm.self_hosted.replicas", "llm.self_hosted.sequences_per_replica_at_slo",
            "llm.self_hosted.concurrent_sequences_at_peak"),
    "replica": ("llm.self_hosted.replicas", "llm.self_hosted.sequences_per_replica_at_slo"),
    "server": ("compute.app.instances",), "instance": ("compute.app.instances",),
    "worker": ("compute.workers.instances",), "autoscal": ("compute.autoscaling",),
    "cost": ("cost.monthly_usd",), "price": ("cost.monthly_usd",), "spend": ("cost.monthly_usd",),
    "tpm": ("llm.api.required_tpm",), "rpm": ("llm.api.required_rpm",), "tier": ("llm.api.tier",),
    "database": ("storage.database.storage_gb", "storage.database.instance_class"),
    "cache": ("storage.cache.memory_gb",), "vector": ("storage.vector.storage_gb",),
    "egress": ("network.egress_gb_per_month",), "bandwidth": ("network.egress_gb_per_month",),
    "peak": ("load.peak_concurrent_users",),
}



def match_metric(query: str, keys: list[str]) -> list[str]:
    """Find explanation keys for a path or plain words ("gpus", "app instances")."""
    q = query.strip().lower()
    if q in keys:
        return [q]
    exact = [k for k in keys if k.lower() == q or k.lower().endswith("." + q)]
    if exact:
        return exact
    for word, targets in METRIC_ALIASES.items():
        if word in q:
            found = [k for k in targets if k in keys]
            if found:
                return found
    words = [w for w in q.replace(".", " ").replace("_", " ").split() if len(w) > 1]
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



def format_figure(value: Any) -> str:
    """Thousands separators; two decimals below 1,000 so small rates (0.02 GB, 26.35 /s) stay visible."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)


def number_text(x: float, digits: int = 0) -> str:
    """A readable number: thousands separators for large values, 1-2 decimals for small ones."""
    if abs(x) >= 100:
        text = f"{x:,.{digits}f}"
    elif abs(x) >= 10:
        text = f"{x:,.1f}"
    else:
        text = f"{x:,.2f}" if abs(x) >= 0.01 or x == 0 else f"{x:.2g}"
    return text.rstrip("0").rstrip(".") if "." in text and "e" not in text else text
