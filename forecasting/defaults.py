"""Every default capplan uses, in one place, each with its unit and source.

Why a table and not field defaults on the models: a plan must list every default it used as an
assumption (value, unit, source), and chatbot and agent profiles differ. Scenario fields default to
`None`; `scenario.resolve()` fills them from this table and records each one it filled.

Sources are the reference notes compiled 2026-11-27 (`workload_and_pricing.md`, `catalog_facts.json`,
`llm_sizing_methods.md`). Where no published figure exists the source says "capplan estimate" and why.
"""
from __future__ import annotations

from typing import Literal, NamedTuple

from forecasting.workload import DAYS_PER_MONTH

AppType = Literal["chatbot", "agent"]

ESTIMATE = "capplan estimate: no published measurement exists (reference gap list)"
JUDGEMENT = "capplan judgement, not measured"  # label of a plausible range nobody has published


class Plausible(NamedTuple):
    """Where a default could plausibly lie for someone else's app: `--uncertain-defaults` draws from it
    (triangular, most likely at the default) and `--sensitivity` ranks it (docs/uncertainty.md).
    Choices (safety margin, horizon, retention, utilisation targets, replicas) have none: they are
    decisions, not unknowns."""

    low: float
    high: float
    source: str


class Default(NamedTuple):
    value: float | int | str
    unit: str
    source: str
    plausible: Plausible | None = None


# Keys are dotted scenario paths. A value applies to both profiles unless PROFILE_DEFAULTS overrides it.
COMMON: dict[str, Default] = {
    "peak_multiplier": Default(1.5, "x average", "seed requirement (fixed default 1.5; evidence says 1.6-2.0 daily, Robust Perception / Azure 2024 / BurstGPT)", Plausible(1.5, 3.5, "daily peak-to-mean 1.5-3.5: Robust Perception 1.6-1.7, BurstGPT ~2.0, Azure 2024 conversation ~1.9 / code ~3.5 (workload_and_pricing.md section 0)")),
    "safety_margin": Default(0.25, "fraction", "seed requirement (fixed default 25%)"),
    "monthly_growth_rate": Default(0.0, "fraction/month", "no growth unless stated"),
    "horizon_months": Default(12, "months", "capplan default planning horizon"),
    "region": Default("aws-us-east-1", "region", "the catalog's default region (cloud_catalog.json, compiled 2026-12-01)"),
    # --- provisioning (issue 8) ---
    "pricing": Default("on_demand", "", "list prices without commitment (DESIGN.md default)"),
    "llm.deployment": Default("api", "", "hosted API unless self-hosting is stated"),
    # --- prefix caching (issue 12) ---
    "llm.prefix_caching": Default("on", "", "OpenAI and Gemini cache prompt prefixes automatically; vLLM and TensorRT-LLM reuse KV blocks of seen prefixes by default (forecasting/data/prompt_caching.json, engine_profiles.json)"),
    "workload.prompt_tokens": Default(70, "tokens/message", "LMSYS-Chat-1M mean 69.5 tokens per user prompt (Zheng et al. 2023, pre-2025)", Plausible(20, 300, "20-300 tokens per prompt, heavy tail (workload_and_pricing.md section 0; the range is a judgement call there)")),
    "llm.api_output_tokens_per_s": Default(104, "output tokens/s per request", "Artificial Analysis median output speed, Claude Sonnet 4.6 (via induwara.lk, 2026-06-24; secondary)", Plausible(40, 200, JUDGEMENT + "; coding agents see 29-54 tokens/s (TraceLab 2026), fast small models ~2x the median")),
    "llm.api_ttft_ms": Default(740, "ms", "Artificial Analysis median TTFT, Claude Sonnet 4.6 (via induwara.lk, 2026-06-24; secondary)", Plausible(300, 2000, JUDGEMENT + "; spread of provider medians and long-prompt first tokens")),
    "app.worker_memory_utilization": Default(0.85, "fraction", ESTIMATE + "; leaves 15% of worker memory for the OS and spikes"),
    "data.db_writes_per_vcpu": Default(500.0, "writes/s per vCPU", ESTIMATE + "; sustained small-row PostgreSQL inserts", Plausible(200, 2000, JUDGEMENT + " around an unmeasured estimate")),
    "data.db_hot_days": Default(1.0, "days", ESTIMATE + "; recent conversations (with indexes) the database keeps in memory", Plausible(0.25, 7, JUDGEMENT + "; a few hours to a week of recent conversations in memory")),
    "app.cpu_ms_per_message": Default(20.0, "vCPU-ms/message", ESTIMATE + "; covers auth, persistence, and relaying ~215 streamed tokens", Plausible(5, 80, JUDGEMENT + ": 4x either way of an unmeasured estimate")),
    "app.cpu_ms_per_llm_call": Default(5.0, "vCPU-ms/LLM call", ESTIMATE + "; HTTPS call to the model and parsing its stream", Plausible(1, 20, JUDGEMENT + ": 4x either way of an unmeasured estimate")),
    "app.memory_mb_per_session": Default(1.0, "MiB/session", ESTIMATE + "; in-process connection and buffers (Node.js idle WebSocket ~32 KB, low-confidence)", Plausible(0.03, 4, JUDGEMENT + "; Node.js idle WebSocket ~32 KB (low-confidence) up to buffered streams")),
    "app.base_memory_gb": Default(1.0, "GiB/instance", ESTIMATE + "; runtime and framework", Plausible(0.25, 4, JUDGEMENT + "; a small Go service to a large Python/JVM runtime")),
    # --- provisioning (issue 8) ---
    "data.existing_history_days": Default(0.0, "days", f"a new service: by the end of month m it holds min((m + 1) x {DAYS_PER_MONTH:.1f}, retention) days of history (set this for a service already running)"),
    "data.db_reads_per_message": Default(1.0, "reads/message", ESTIMATE + "; the conversation is read from the database when the session cache misses", Plausible(0.2, 5, JUDGEMENT + " around an unmeasured estimate")),
    "data.db_reads_per_vcpu": Default(5000.0, "reads/s per vCPU", ESTIMATE + "; indexed point reads of one conversation served from memory", Plausible(1000, 20000, JUDGEMENT + " around an unmeasured estimate")),
    "app.max_connections_per_instance": Default(524288, "connections/instance", "open-file limit: systemd >= 240 raises the default hard RLIMIT_NOFILE to 512Ki; 1,000,382 WebSockets were held on one 32-core server (workload_and_pricing.md 5.5). A stream costs a file descriptor and memory (app.memory_mb_per_session), not CPU, so memory usually limits first", Plausible(65536, 1048576, "a common raised LimitNOFILE (64Ki) to 1Mi descriptors")),
    "llm.min_replicas": Default(2, "replicas", "N+1: a second replica keeps serving during a failure or a rolling deploy (the seed's floor of two for stateless tiers)"),
    "llm.model_load_s": Default(300.0, "s", ESTIMATE + "; GPU node start, container pull and loading ~140 GB of weights at ~1 GB/s", Plausible(60, 900, JUDGEMENT + "; a warm node with cached weights to a cold node pulling weights from object storage")),
    "app.target_cpu_utilization": Default(0.6, "fraction", "common autoscaling target that leaves headroom for the scale-out delay (capplan default)"),
    "app.scale_in_utilization": Default(0.35, "fraction", "capplan default: hysteresis gap below the target avoids flapping"),
    "app.min_instances": Default(2, "instances", "seed requirement: N+1 with a floor of two instances"),
    "data.retention_days": Default(365, "days", "capplan default: one year of conversation history"),
    "data.bytes_per_token": Default(4.0, "bytes/token", "~4 characters per token of English text (OpenAI tokenizer rule of thumb)", Plausible(3, 6, JUDGEMENT + "; non-English text takes more bytes per token")),
    "data.message_overhead_bytes": Default(500, "bytes/message", ESTIMATE + "; ids, timestamps, metadata columns", Plausible(200, 2000, JUDGEMENT + " around an unmeasured estimate")),
    "data.index_overhead": Default(0.3, "fraction", ESTIMATE + "; B-tree indexes on conversation and user ids", Plausible(0.1, 1.0, JUDGEMENT + "; one to several B-tree indexes")),
    "data.db_replicas": Default(2, "copies", "Multi-AZ primary + standby (RDS Multi-AZ = 2x)"),
    "data.session_state_overhead_bytes": Default(2048, "bytes/session", ESTIMATE, Plausible(512, 16384, JUDGEMENT + " around an unmeasured estimate")),
    "data.vector_chunks": Default(0, "chunks", "no retrieval corpus unless stated"),
    "data.vector_dimensions": Default(1536, "dimensions", "OpenAI text-embedding-3-small output size"),
    "data.vector_index_overhead": Default(1.5, "x raw vectors", ESTIMATE + "; HNSW graph links plus metadata", Plausible(1.1, 3.0, JUDGEMENT + "; flat index to a dense HNSW graph")),
    "data.attachment_bytes_per_message": Default(2000, "bytes/message", ESTIMATE + "; e.g. 5% of messages carry a 40 KB file", Plausible(0, 20000, JUDGEMENT + "; no files to 1 message in 20 carrying 400 KB")),
    "data.log_retention_days": Default(30, "days", "capplan default for raw LLM request logs in object storage"),
    "data.egress_bytes_per_output_token": Default(120, "bytes/token", ESTIMATE + "; one SSE chunk (JSON framing) per streamed token", Plausible(60, 400, JUDGEMENT + "; batched SSE chunks to verbose JSON framing")),
    "data.egress_bytes_per_message": Default(2000, "bytes/message", ESTIMATE + "; HTTP headers and the final message envelope", Plausible(500, 8000, JUDGEMENT + " around an unmeasured estimate")),
}

CHATBOT: dict[str, Default] = {
    "workload.session_minutes": Default(7.0, "min/session", "ChatGPT ~7 min per session, quoted beside Character.ai 17.4 min (chatforest.com 2026; low-confidence)", Plausible(3, 17.4, JUDGEMENT + " for the low end; Character.ai ~17.4 min per session at the high end (chatforest.com 2026; low-confidence)")),
    "workload.messages_per_session": Default(2.5, "messages/session", "WildChat 2.52 turns per conversation; LMSYS 2.0 (pre-2025)", Plausible(1, 10, "1-10 turns per conversation, long tail (WildChat: 3.7% exceed 10; workload_and_pricing.md section 0)")),
    "workload.output_tokens": Default(215, "tokens/LLM call", "LMSYS-Chat-1M mean 214.5; Azure 2023 conversation trace mean 211 (pre-2025; treat as a floor)", Plausible(130, 420, "Azure 2023 conversation trace: median 129, p90 424 tokens per request, taken as the span of plausible app means (capplan judgement)")),
    "workload.system_prompt_tokens": Default(400, "tokens", "capplan estimate; with the retrieval and history defaults it gives 1,184 input tokens per call, vs the Azure 2023 trace mean of 1,155", Plausible(100, 2000, JUDGEMENT + "; a one-line persona to long instructions with tool definitions")),
    "workload.retrieved_context_tokens": Default(500, "tokens/LLM call", "capplan estimate, calibrated with the above to the Azure 2023 conversation-trace mean input", Plausible(0, 2000, JUDGEMENT + "; no retrieval to a few long chunks")),
    "workload.llm_calls_per_message": Default(1.0, "calls/message", "chatbot: one model call per user message (DESIGN.md)"),
    "workload.appended_tokens_per_call": Default(0, "tokens/call", "chatbots make one call per message"),
    "workload.cached_input_share": Default(0.0, "fraction of input tokens", "conservative: OpenAI caches only prompts >= 1,024 tokens and chat prompts average ~1,150", Plausible(0.0, 0.5, JUDGEMENT + "; OpenAI caches only prompts of 1,024+ tokens and chat prompts average ~1,150")),
    "workload.tool_seconds_per_call": Default(0.0, "s/call", "chatbots call no external tools"),
    "workload.tool_calls_per_llm_call": Default(0.0, "calls/LLM call", "chatbots call no external tools"),
    "llm.itl_target_ms": Default(40.0, "ms/token", "MLPerf Inference 5.0 'Interactive' TPOT limit (chat is latency-sensitive)"),
    "llm.ttft_target_ms": Default(450.0, "ms", "MLPerf Inference 5.0 'Interactive' TTFT limit"),
    "app.memory_mb_per_task": Default(0.0, "MiB/task", "chatbots run no agent tasks"),
}

AGENT: dict[str, Default] = {
    "workload.messages_per_session": Default(5.0, "tasks/session", ESTIMATE, Plausible(1, 20, JUDGEMENT + " around an unmeasured estimate")),
    "workload.think_time_s": Default(79.0, "s between tasks", "TraceLab median human wait between agent turns, Claude Code 79 s / Codex 95 s (2026)", Plausible(20, 300, "TraceLab: median wait 79 s (Claude Code) / 95 s (Codex), 70-80% of waits under 5 min (2026)")),
    "workload.output_tokens": Default(252, "tokens/LLM call", "TraceLab median output per agent step, Claude 252 / Codex 184 (2026)", Plausible(184, 523, "TraceLab: median output per step 184 (Codex) to 252 (Claude), mean 523 (2026)")),
    "workload.system_prompt_tokens": Default(2000, "tokens", "capplan estimate: system prompt plus tool definitions", Plausible(500, 10000, JUDGEMENT + "; short prompt to many tool definitions")),
    "workload.retrieved_context_tokens": Default(0, "tokens/LLM call", "agents fetch context through tools (counted in appended tokens)"),
    "workload.llm_calls_per_message": Default(8.0, "calls/task", "TraceLab: ~8 LLM steps per agent response (2026); Manus ~50 tool calls per task (secondary)", Plausible(5, 100, "5-100 LLM calls per request: TraceLab ~8, Manus ~50 tool calls per task (workload_and_pricing.md section 0)")),
    "workload.appended_tokens_per_call": Default(857, "tokens/call", "TraceLab median newly appended input per step, Claude 857 / Codex 886 (2026)", Plausible(400, 3000, JUDGEMENT + " around the TraceLab medians 857 / 886")),
    "workload.cached_input_share": Default(0.95, "fraction of input tokens", "TraceLab token-weighted prompt-cache hit rate 95.8% / 95.7% (2026)", Plausible(0.78, 0.98, "TraceLab prompt-cache hit rate: 78% after human pauses to 98% on tool-result steps (2026)")),
    "workload.tool_calls_per_llm_call": Default(1.21, "calls/LLM call", "TraceLab: 432,510 tool calls over 357,161 LLM steps (2026, derived)", Plausible(0.5, 3.0, JUDGEMENT + " around TraceLab's 1.21")),
    "workload.tool_seconds_per_call": Default(1.6, "s/call", "median gap between agent turns (tool time), GLM-5.1 production trace (low-confidence)", Plausible(0.69, 8.6, "GLM-5.1 production trace: inter-turn gap p25 0.69 s to p75 8.6 s (low-confidence)")),
    "llm.itl_target_ms": Default(200.0, "ms/token", "MLPerf Inference v4.1 Server TPOT limit (agents favour throughput over latency)"),
    "llm.ttft_target_ms": Default(2000.0, "ms", "MLPerf Inference v4.1 Server TTFT limit"),
    "app.memory_mb_per_task": Default(256.0, "MiB/task", ESTIMATE + "; agent tasks hold tool results, parsed documents and a working context", Plausible(64, 2048, JUDGEMENT + " around an unmeasured estimate")),
    "app.worker_cpu_ms_per_step": Default(50.0, "vCPU-ms/LLM step", ESTIMATE + "; parse the model's reply, dispatch the tool call, rebuild the context (tools run elsewhere; the wait for the model costs no CPU)", Plausible(10, 200, JUDGEMENT + " around an unmeasured estimate")),
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

DEFAULT_API_MODEL = Default("gpt-6-luna", "model", "a current, inexpensive hosted model with tool calling: LiteLLM price map (litellm 1.110.2, 2026-11-27) gives gpt-6-luna $0.1/$0.5 per M in/out, supports_function_calling true, no deprecation_date; of current OpenAI models the closest in price to the former default gpt-5-mini (deprecated 2026-12-11)")
DEFAULT_SELF_HOSTED_MODEL = Default("llama-3.1-70b", "model", "a widely deployed open model with published serving measurements")
DEFAULT_GPU = Default("h100-sxm", "gpu", "the GPU with the most published serving measurements")


# ----------------------------------------------------------------------------------------------
# Uncertainty (issue 9): Monte-Carlo draws and the least-regret choice (forecasting/uncertainty.py).
UNCERTAINTY: dict[str, Default] = {
    "uncertainty.draws": Default(1000, "draws", "capplan default: under 1 s; with seeds 1-5 (support example, 4 ranges) the monthly-cost P10 / P50 / P90 spread 4.5% / 3.0% / 2.8% (max vs min)"),
    "uncertainty.seed": Default(1, "", "capplan default: a fixed seed, so the same scenario always gives the same plan"),
    "uncertainty.under_provision_weight": Default(3.0, "regret per USD of missing fixed capacity",
                                                  "capplan choice: a dollar of capacity missing at peak (slow or failed replies) is regretted 3x a dollar"
                                                  " of idle capacity, so least regret sits near the 75th percentile; Netflix service-capacity-modeling's"
                                                  " default spend regret is 1.25 : 1 (with exponent 1.2) for its datastores"),
    "uncertainty.over_provision_weight": Default(1.0, "regret per USD of idle fixed capacity", "capplan choice: the unit of regret (one wasted dollar)"),
}


# ----------------------------------------------------------------------------------------------
# Serving options and break-even (issue 13): forecasting/options.py.
OPTIONS: dict[str, Default] = {
    "options.self_hosting_overhead_usd": Default(
        0.0, "USD/month", "capplan default: no fixed operations cost counted for self-hosting (MLOps people, on-call,"
        " monitoring); set --self-hosting-overhead-usd to move the break-even point",
        Plausible(0, 50000, JUDGEMENT + ": from none (an existing platform team absorbs it) to a few engineers' time")),
}


def lookup(app_type: str, key: str) -> Default:
    """The default for `key` in the app profile, falling back to the common table."""
    prof = PROFILES[app_type]
    if key in prof:
        return prof[key]
    return COMMON[key]
