"""Every default capplan uses, in one place, each with its unit and source.

Why a table and not field defaults on the models: a plan must list every default it used as an
assumption (value, unit, source), and chatbot and agent profiles differ. Scenario fields default to
`None`; `scenario.resolve()` fills them from this table and records each one it filled.

Sources are the reference notes compiled 2026-11-27 (`workload_and_pricing.md`, `catalog_facts.json`,
`llm_sizing_methods.md`). Where no published figure exists the source says "capplan estimate" and why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AppType = Literal["chatbot", "agent"]

ESTIMATE = "capplan estimate: no published measurement exists (reference gap list)"


@dataclass(frozen=True)
class Default:
    value: float | int | str
    unit: str
    source: str


# Keys are dotted scenario paths. A value applies to both profiles unless PROFILE_DEFAULTS overrides it.
COMMON: dict[str, Default] = {
    "peak_multiplier": Default(1.5, "x average", "seed requirement (fixed default 1.5; evidence says 1.6-2.0 daily, Robust Perception / Azure 2024 / BurstGPT)"),
    "safety_margin": Default(0.25, "fraction", "seed requirement (fixed default 25%)"),
    "monthly_growth_rate": Default(0.0, "fraction/month", "no growth unless stated"),
    "horizon_months": Default(12, "months", "capplan default planning horizon"),
    "region": Default("aws-us-east-1", "region", "the catalog's priced region (on-demand list prices)"),
    "llm.deployment": Default("api", "", "hosted API unless self-hosting is stated"),
    "workload.prompt_tokens": Default(70, "tokens/message", "LMSYS-Chat-1M mean 69.5 tokens per user prompt (Zheng et al. 2023, pre-2025)"),
    "llm.api_output_tokens_per_s": Default(104, "output tokens/s per request", "Artificial Analysis median output speed, Claude Sonnet 4.6 (via induwara.lk, 2026-06-24; secondary)"),
    "llm.api_ttft_ms": Default(740, "ms", "Artificial Analysis median TTFT, Claude Sonnet 4.6 (via induwara.lk, 2026-06-24; secondary)"),
    "app.worker_memory_utilization": Default(0.85, "fraction", ESTIMATE + "; leaves 15% of worker memory for the OS and spikes"),
    "data.db_writes_per_vcpu": Default(500.0, "writes/s per vCPU", ESTIMATE + "; sustained small-row PostgreSQL inserts"),
    "data.db_hot_days": Default(1.0, "days", ESTIMATE + "; recent conversations (with indexes) the database keeps in memory"),
    "app.instance_type": Default("m7i.xlarge", "instance", "general-purpose 4 vCPU / 16 GiB (SkyPilot AWS catalog, us-east-1)"),
    "app.cpu_ms_per_message": Default(20.0, "vCPU-ms/message", ESTIMATE + "; covers auth, persistence, and relaying ~215 streamed tokens"),
    "app.cpu_ms_per_llm_call": Default(5.0, "vCPU-ms/LLM call", ESTIMATE + "; HTTPS call to the model and parsing its stream"),
    "app.memory_mb_per_session": Default(1.0, "MiB/session", ESTIMATE + "; in-process connection and buffers (Node.js idle WebSocket ~32 KB, low-confidence)"),
    "app.base_memory_gb": Default(1.0, "GiB/instance", ESTIMATE + "; runtime and framework"),
    "app.max_connections_per_instance": Default(10000, "connections/instance", ESTIMATE + "; far below published 100k-1M WebSocket/process figures, kept low for streaming load"),
    "app.target_cpu_utilization": Default(0.6, "fraction", "common autoscaling target that leaves headroom for the scale-out delay (capplan default)"),
    "app.scale_in_utilization": Default(0.35, "fraction", "capplan default: hysteresis gap below the target avoids flapping"),
    "app.min_instances": Default(2, "instances", "seed requirement: N+1 with a floor of two instances"),
    "data.retention_days": Default(365, "days", "capplan default: one year of conversation history"),
    "data.bytes_per_token": Default(4.0, "bytes/token", "~4 characters per token of English text (OpenAI tokenizer rule of thumb)"),
    "data.message_overhead_bytes": Default(500, "bytes/message", ESTIMATE + "; ids, timestamps, metadata columns"),
    "data.index_overhead": Default(0.3, "fraction", ESTIMATE + "; B-tree indexes on conversation and user ids"),
    "data.db_replicas": Default(2, "copies", "Multi-AZ primary + standby (RDS Multi-AZ = 2x)"),
    "data.session_state_overhead_bytes": Default(2048, "bytes/session", ESTIMATE),
    "data.vector_chunks": Default(0, "chunks", "no retrieval corpus unless stated"),
    "data.vector_dimensions": Default(1536, "dimensions", "OpenAI text-embedding-3-small output size"),
    "data.vector_index_overhead": Default(1.5, "x raw vectors", ESTIMATE + "; HNSW graph links plus metadata"),
    "data.attachment_bytes_per_message": Default(2000, "bytes/message", ESTIMATE + "; e.g. 5% of messages carry a 40 KB file"),
    "data.log_retention_days": Default(30, "days", "capplan default for raw LLM request logs in object storage"),
    "data.egress_bytes_per_output_token": Default(120, "bytes/token", ESTIMATE + "; one SSE chunk (JSON framing) per streamed token"),
    "data.egress_bytes_per_message": Default(2000, "bytes/message", ESTIMATE + "; HTTP headers and the final message envelope"),
}

CHATBOT: dict[str, Default] = {
    "workload.session_minutes": Default(7.0, "min/session", "ChatGPT ~7 min per session, quoted beside Character.ai 17.4 min (chatforest.com 2026; low-confidence)"),
    "workload.messages_per_session": Default(2.5, "messages/session", "WildChat 2.52 turns per conversation; LMSYS 2.0 (pre-2025)"),
    "workload.output_tokens": Default(215, "tokens/LLM call", "LMSYS-Chat-1M mean 214.5; Azure 2023 conversation trace mean 211 (pre-2025; treat as a floor)"),
    "workload.system_prompt_tokens": Default(400, "tokens", "capplan estimate; with the retrieval and history defaults it gives 1,184 input tokens per call, vs the Azure 2023 trace mean of 1,155"),
    "workload.retrieved_context_tokens": Default(500, "tokens/LLM call", "capplan estimate, calibrated with the above to the Azure 2023 conversation-trace mean input"),
    "workload.llm_calls_per_message": Default(1.0, "calls/message", "chatbot: one model call per user message (DESIGN.md)"),
    "workload.appended_tokens_per_call": Default(0, "tokens/call", "chatbots make one call per message"),
    "workload.cached_input_share": Default(0.0, "fraction of input tokens", "conservative: OpenAI caches only prompts >= 1,024 tokens and chat prompts average ~1,150"),
    "workload.tool_seconds_per_call": Default(0.0, "s/call", "chatbots call no external tools"),
    "workload.tool_calls_per_llm_call": Default(0.0, "calls/LLM call", "chatbots call no external tools"),
    "llm.itl_target_ms": Default(40.0, "ms/token", "MLPerf Inference 5.0 'Interactive' TPOT limit (chat is latency-sensitive)"),
    "llm.ttft_target_ms": Default(450.0, "ms", "MLPerf Inference 5.0 'Interactive' TTFT limit"),
    "app.memory_mb_per_task": Default(0.0, "MiB/task", "chatbots run no agent tasks"),
}

AGENT: dict[str, Default] = {
    "workload.messages_per_session": Default(5.0, "tasks/session", ESTIMATE),
    "workload.think_time_s": Default(79.0, "s between tasks", "TraceLab median human wait between agent turns, Claude Code 79 s / Codex 95 s (2026)"),
    "workload.output_tokens": Default(252, "tokens/LLM call", "TraceLab median output per agent step, Claude 252 / Codex 184 (2026)"),
    "workload.system_prompt_tokens": Default(2000, "tokens", "capplan estimate: system prompt plus tool definitions"),
    "workload.retrieved_context_tokens": Default(0, "tokens/LLM call", "agents fetch context through tools (counted in appended tokens)"),
    "workload.llm_calls_per_message": Default(8.0, "calls/task", "TraceLab: ~8 LLM steps per agent response (2026); Manus ~50 tool calls per task (secondary)"),
    "workload.appended_tokens_per_call": Default(857, "tokens/call", "TraceLab median newly appended input per step, Claude 857 / Codex 886 (2026)"),
    "workload.cached_input_share": Default(0.95, "fraction of input tokens", "TraceLab token-weighted prompt-cache hit rate 95.8% / 95.7% (2026)"),
    "workload.tool_calls_per_llm_call": Default(1.21, "calls/LLM call", "TraceLab: 432,510 tool calls over 357,161 LLM steps (2026, derived)"),
    "workload.tool_seconds_per_call": Default(1.6, "s/call", "median gap between agent turns (tool time), GLM-5.1 production trace (low-confidence)"),
    "llm.itl_target_ms": Default(200.0, "ms/token", "MLPerf Inference v4.1 Server TPOT limit (agents favour throughput over latency)"),
    "llm.ttft_target_ms": Default(2000.0, "ms", "MLPerf Inference v4.1 Server TTFT limit"),
    "app.memory_mb_per_task": Default(256.0, "MiB/task", ESTIMATE + "; agent tasks hold tool results, parsed documents and a working context"),
    "app.worker_instance_type": Default("m7i.2xlarge", "instance", "general-purpose 8 vCPU / 32 GiB for agent workers (SkyPilot AWS catalog)"),
    "app.worker_vcpu_per_task": Default(0.25, "vCPU/task", ESTIMATE + "; tool execution, parsing, orchestration while the task runs"),
}

# --- load sources people know (issue 14): engagement defaults, used only when a plan starts from active users ---
CHATBOT["workload.sessions_per_active_user_per_day"] = Default(
    1.5, "sessions/active user/day",
    "ChatGPT ~3.7 messages per weekly-active user per day (NBER WP 34255, 2025-09-15; 18B messages/week over 700M WAU)"
    " / 2.5 messages per session (WildChat 2.52, LMSYS 2.0); plausible 1-6")
AGENT["workload.sessions_per_active_user_per_day"] = Default(
    1.0, "sessions/active user/day", ESTIMATE + "; one working session of agent tasks per active user per day; plausible 0.5-5")
CHATBOT["workload.dau_mau_ratio"] = Default(
    0.40, "daily / monthly actives",
    "consumer chat stickiness: 30% ok / 40% good / 50% great (June.so stickiness benchmark citing Sequoia, Mixpanel, a16z;"
    " omegapoint 2026 B2C 25-50%; ChatGPT ~45-50%, low confidence); plausible 0.1-0.6")
AGENT["workload.dau_mau_ratio"] = Default(
    0.31, "daily / monthly actives",
    "B2B SaaS average DAU/MAU 31% (omegapoint.systems 2026 benchmark; June.so SaaS 15 / 20 / 30%); plausible 0.1-0.6")

PROFILES: dict[str, dict[str, Default]] = {"chatbot": CHATBOT, "agent": AGENT}

DEFAULT_API_MODEL = Default("gpt-5-mini", "model", "a current, inexpensive hosted model with tool calling (LiteLLM price map, 2026-11-27)")
DEFAULT_SELF_HOSTED_MODEL = Default("llama-3.1-70b", "model", "a widely deployed open model with published serving measurements")
DEFAULT_GPU = Default("h100-sxm", "gpu", "the GPU with the most published serving measurements")


def lookup(app_type: str, key: str) -> Default:
    """The default for `key` in the app profile, falling back to the common table."""
    prof = PROFILES[app_type]
    if key in prof:
        return prof[key]
    return COMMON[key]
