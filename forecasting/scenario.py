"""The scenario: what the user wants, as validated input.

Why every optional field defaults to `None`: the plan must list each default it used, with its
source, and defaults differ between the chatbot and agent profiles. `resolve()` fills the gaps from
`defaults.py` and returns the filled scenario plus the list of assumptions it made.

Limits are physical, not arbitrary: more registered users than people on Earth, a peak below the
average, or a context longer than any model's window are input errors, not plans.
"""

import math
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from forecasting.defaults import (
    DEFAULT_API_MODEL,
    DEFAULT_GPU,
    DEFAULT_SELF_HOSTED_MODEL,
    Default,
    lookup,
)
from forecasting.errors import InputError, Problem
from forecasting.json_number import number_problem, takes_number

# Everyone alive, the ceiling of any count of people (the guided mode refuses more, agent/guided/meanings.py): about 8.3 billion in 2026 (UN DESA, World Population Prospects 2024, medium variant:
# 8.2 billion in mid-2025, growing about 0.9% a year; quoted from the report's summary as remembered, not read
# from a stored copy on this machine: a ceiling for refusing impossible counts, where a few percent do not matter).
PEOPLE_ALIVE = 8.3e9
# A scenario counts accounts, and one person may hold several: the limit leaves headroom above PEOPLE_ALIVE
# (rounded up to the next ten billion) and refuses only what no app can have.
MAX_USERS = 10_000_000_000
# What a plan accepts for growth and horizon (the guided mode reads them to refuse the same values in words)
MIN_GROWTH, MAX_GROWTH = -0.5, 2.0  # compound change a month: halving to tripling
MAX_HORIZON_MONTHS = 60  # five years ahead
MAX_TOKENS = 2_000_000  # longer than any catalog model's context window
_STRICT = ConfigDict(extra="forbid", allow_inf_nan=False, validate_assignment=False)

Precision = Literal["bf16", "fp16", "fp8", "fp4"]


class _Input(BaseModel):
    """A scenario section as given. Its numbers must be JSON numbers (the rule: forecasting/json_number.py);
    a before-validator applies it to the keys given, before pydantic's lax mode could coerce them."""

    model_config = _STRICT
    _numbers: ClassVar[frozenset[str]] = frozenset()  # the fields that take numbers (and no text)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._numbers = frozenset(name for name, f in cls.model_fields.items() if takes_number(f.annotation))

    @model_validator(mode="before")
    @classmethod
    def _json_numbers(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        problems = []
        for key, value in data.items():
            if key in cls._numbers:
                given = [(f"{key}.{i}", v) for i, v in enumerate(value)] if isinstance(value, list) else [(key, value)]
                problems += [Problem(where, why) for where, v in given if (why := number_problem(v)) is not None]
        if problems:  # an InputError keeps each problem's field through pydantic (validate.describe_errors)
            raise InputError(problems)
        return data


class Assumption(BaseModel):
    """A default the plan used because the scenario did not say."""

    name: str
    value: float | int | str
    unit: str
    source: str


class LLMConfig(_Input):
    deployment: Literal["api", "self_hosted"] | None = Field(None, description="'api' (hosted: OpenAI, Anthropic, Google...) or 'self_hosted' (own GPUs)")
    model: str | None = Field(None, max_length=100, description="hosted model id (e.g. gpt-5-mini, claude-sonnet-4-6) or open model id (e.g. llama-3.1-70b)")
    gpu: str | None = Field(None, max_length=50, description="self-hosted GPU id (e.g. h100-sxm, a100-80gb, l40s)")
    precision: Precision | None = Field(None, description="self-hosted weight precision; default the model's native precision (bf16); fp8 halves weight memory on GPUs that support it")
    tensor_parallel: int | None = Field(None, ge=1, le=8, description="GPUs per model replica; chosen automatically when absent")
    itl_target_ms: float | None = Field(None, gt=0, le=10_000, description="inter-token latency target (ms per output token)")
    ttft_target_ms: float | None = Field(None, gt=0, le=600_000, description="time-to-first-token target (ms)")
    api_ttft_ms: float | None = Field(None, gt=0, le=600_000, description="hosted API: time to first token (ms)")
    api_output_tokens_per_s: float | None = Field(None, gt=0, le=100_000, description="hosted API: output speed per request (tokens/s)")
    # --- provisioning (issue 8): GPU autoscaling ---
    min_replicas: int | None = Field(None, ge=1, le=10_000, description="self-hosted: fewest model replicas kept running at the daily trough")
    model_load_s: float | None = Field(None, gt=0, le=7_200, description="self-hosted: seconds from scale-out decision to a new replica serving (node, image, weights)")
    # --- prefix caching (issue 12) ---
    prefix_caching: bool | None = Field(None, description="reuse cached prompt prefixes (provider prompt caching, engine prefix caching); false plans with none")


class Workload(_Input):
    session_minutes: float | None = Field(None, gt=0, le=24 * 60, description="length of a chat session (minutes)")
    messages_per_session: float | None = Field(None, ge=1, le=10_000, description="user messages (agent: tasks) per session")
    think_time_s: float | None = Field(None, gt=0, le=86_400, description="seconds a user takes between getting a reply and sending the next message")
    prompt_tokens: int | None = Field(None, ge=1, le=MAX_TOKENS, description="new tokens the user types per message")
    output_tokens: int | None = Field(None, ge=1, le=200_000, description="tokens the model generates per LLM call")
    system_prompt_tokens: int | None = Field(None, ge=0, le=MAX_TOKENS, description="system prompt (and tool definitions) tokens per call")
    retrieved_context_tokens: int | None = Field(None, ge=0, le=MAX_TOKENS, description="retrieved (RAG) context tokens per call")
    llm_calls_per_message: float | None = Field(None, ge=1, le=1_000, description="LLM calls per user message (agent: per task)")
    appended_tokens_per_call: int | None = Field(None, ge=0, le=MAX_TOKENS, description="agent: tool-result tokens appended to the context per step")
    cached_input_share: float | None = Field(None, ge=0, le=1, description="share of input tokens served from the provider's prompt cache")
    tool_seconds_per_call: float | None = Field(None, ge=0, le=3_600, description="agent: seconds spent in external tools per step")
    tool_calls_per_llm_call: float | None = Field(None, ge=0, le=1_000, description="agent: external tool/service calls per LLM call")
    # --- engagement, used when the load comes from active users (issue 14) ---
    sessions_per_active_user_per_day: float | None = Field(None, gt=0, le=1_440, description="sessions (agent: working sessions) a daily active user has per day")
    dau_mau_ratio: float | None = Field(None, gt=0, le=1, description="daily / monthly active users (stickiness); used when only monthly_active_users is given")


class AppTier(_Input):
    instance_type: str | None = Field(None, max_length=50, description="API / streaming gateway instance type")
    cpu_ms_per_message: float | None = Field(None, ge=0, le=60_000, description="vCPU milliseconds the app spends per user message")
    cpu_ms_per_llm_call: float | None = Field(None, ge=0, le=60_000, description="vCPU milliseconds per LLM call (request + relaying the stream)")
    memory_mb_per_session: float | None = Field(None, ge=0, le=65_536, description="app memory per open session (MiB)")
    base_memory_gb: float | None = Field(None, ge=0, le=1_024, description="memory per instance taken by the runtime (GiB)")
    max_connections_per_instance: int | None = Field(None, ge=1, le=10_000_000, description="open streaming connections one instance holds")
    target_cpu_utilization: float | None = Field(None, gt=0.05, le=0.95, description="autoscaling target CPU utilisation (0.6 = 60%)")
    scale_in_utilization: float | None = Field(None, gt=0, lt=0.95, description="CPU utilisation below which to scale in")
    min_instances: int | None = Field(None, ge=1, le=10_000, description="floor on app and worker instances (N+1 needs 2)")
    worker_instance_type: str | None = Field(None, max_length=50, description="agent worker-pool instance type")
    memory_mb_per_task: float | None = Field(None, ge=0, le=1_048_576, description="agent: worker memory per running task (MiB)")
    worker_memory_utilization: float | None = Field(None, gt=0.1, le=1, description="agent: share of worker memory tasks may use")
    worker_vcpu_per_task: float | None = Field(None, ge=0, le=64, description="agent: reserve this vCPU per running task (overrides sizing by work per step)")
    # --- provisioning (issue 8): instance search ---
    instance_families: list[str] | None = Field(None, max_length=50, description="restrict the app-tier instance search to these families (e.g. [\"m7g\", \"c7g\"])")
    worker_instance_families: list[str] | None = Field(None, max_length=50, description="agent: restrict the worker instance search to these families")
    worker_cpu_ms_per_step: float | None = Field(None, ge=0, le=600_000, description="agent: worker vCPU-ms of orchestration per LLM step (parse, dispatch tools, rebuild context)")


class DataTier(_Input):
    retention_days: float | None = Field(None, ge=1, le=3_650, description="days conversations are kept in the database")
    bytes_per_token: float | None = Field(None, gt=0, le=64, description="stored bytes per token of text")
    message_overhead_bytes: float | None = Field(None, ge=0, le=10_000_000, description="bytes of ids and metadata per stored message")
    index_overhead: float | None = Field(None, ge=0, le=10, description="database index size as a fraction of data")
    db_replicas: int | None = Field(None, ge=1, le=16, description="copies of the database (Multi-AZ = 2)")
    session_state_overhead_bytes: float | None = Field(None, ge=0, le=100_000_000, description="session-cache bytes per session besides the history")
    db_writes_per_vcpu: float | None = Field(None, gt=0, le=1_000_000, description="database writes per second one vCPU sustains")
    db_hot_days: float | None = Field(None, ge=0, le=3_650, description="days of recent conversations the database keeps in memory")
    vector_chunks: int | None = Field(None, ge=0, le=100_000_000_000, description="retrieval chunks in the vector store (0 = no retrieval corpus)")
    vector_dimensions: int | None = Field(None, ge=1, le=65_536, description="embedding dimensions")
    vector_index_overhead: float | None = Field(None, ge=1, le=20, description="vector index size as a multiple of the raw vectors")
    attachment_bytes_per_message: float | None = Field(None, ge=0, le=1_000_000_000, description="average attachment bytes per message, kept for the retention period")
    log_retention_days: float | None = Field(None, ge=0, le=3_650, description="days raw LLM request logs are kept in object storage")
    egress_bytes_per_output_token: float | None = Field(None, ge=0, le=100_000, description="bytes sent to the client per streamed token")
    egress_bytes_per_message: float | None = Field(None, ge=0, le=1_000_000_000, description="bytes sent to the client per message besides the tokens")
    # --- provisioning (issue 8): storage ramp and read load ---
    existing_history_days: float | None = Field(None, ge=0, le=3_650, description="days of conversation history the service already holds at month 0 (new service: 0)")
    db_reads_per_message: float | None = Field(None, ge=0, le=10_000, description="database reads per user message that miss the session cache")
    db_reads_per_vcpu: float | None = Field(None, gt=0, le=10_000_000, description="database reads per second one vCPU serves")


class Measured(_Input):
    """A measured request rate (e.g. written by `capplan calibrate` from a trace): plans directly."""

    llm_calls_per_second: float = Field(gt=0, le=10_000_000, description="measured LLM calls per second, averaged over the measured period")
    peak_llm_calls_per_second: float | None = Field(None, gt=0, le=10_000_000, description="measured LLM calls per second at the daily peak (sets the peak multiplier)")
    input_tokens_per_call: float | None = Field(None, gt=0, le=MAX_TOKENS, description="measured mean input tokens per LLM call (replaces the computed prompt + history + context)")
    output_tokens_per_call: float | None = Field(None, gt=0, le=200_000, description="measured mean output tokens per LLM call")
    source: str | None = Field(None, max_length=300, description="where the measurement came from (file, period)")


class Scenario(_Input):
    """A capacity-planning scenario. Required: app_type, registered_users, and one load source
    (concurrent_users / peak_concurrent_users, daily_active_users, monthly_active_users,
    monthly_conversations / monthly_messages / monthly_tasks, or measured.llm_calls_per_second)."""

    name: str | None = Field(None, max_length=200, description="a label for the scenario")
    app_type: Literal["chatbot", "agent"] = Field(description="'chatbot' (session-based, latency-sensitive) or 'agent' (many LLM calls per task)")
    registered_users: int = Field(gt=0, le=MAX_USERS, description="registered (signed-up) users today")
    concurrent_users: float | None = Field(None, gt=0, le=MAX_USERS, description="average users in an active session at once")
    peak_concurrent_users: float | None = Field(None, gt=0, le=MAX_USERS, description="users in an active session at the daily peak")
    peak_multiplier: float | None = Field(None, ge=1, le=20, description="peak / average concurrency (default 1.5)")
    safety_margin: float | None = Field(None, ge=0, le=5, description="headroom added to capacity (0.25 = 25%)")
    monthly_growth_rate: float | None = Field(None, ge=MIN_GROWTH, le=MAX_GROWTH, description="compound growth per month (0.08 = 8% a month)")
    horizon_months: int | None = Field(None, ge=0, le=MAX_HORIZON_MONTHS, description=f"months to plan ahead (0-{MAX_HORIZON_MONTHS})")
    region: str | None = Field(None, max_length=50, description="provider-region whose prices the plan uses: aws-us-east-1, aws-us-west-2, aws-eu-west-1, gcp-us-central1, gcp-europe-west4, azure-eastus")
    # --- provisioning (issue 8): pricing option ---
    pricing: Literal["on_demand", "reserved_1y", "reserved_3y", "spot"] | None = Field(
        None, description="on_demand, reserved_1y / reserved_3y (commitments cover the always-on baseline), or spot (stateless tiers only)")
    # --- provisioning (issue 8): daily load curve ---
    daily_load_curve: list[float] | None = Field(None, min_length=24, max_length=24, description="24 hourly loads (any unit, hour 0-23) giving the daily shape; normalised to mean 1")
    llm: LLMConfig = Field(default_factory=LLMConfig)
    workload: Workload = Field(default_factory=Workload)
    app: AppTier = Field(default_factory=AppTier)
    data: DataTier = Field(default_factory=DataTier)
    # --- load sources people know (issue 14; rules in forecasting/load_sources.py) ---
    daily_active_users: float | None = Field(None, gt=0, le=MAX_USERS, description="users active on a typical day (DAU)")
    monthly_active_users: float | None = Field(None, gt=0, le=MAX_USERS, description="users active in a month (MAU); alone, daily actives = MAU x workload.dau_mau_ratio")
    monthly_conversations: float | None = Field(None, gt=0, le=1e13, description="conversations (sessions) a month")
    monthly_messages: float | None = Field(None, gt=0, le=1e14, description="chatbot: user messages a month")
    monthly_tasks: float | None = Field(None, gt=0, le=1e14, description="agent: tasks a month")
    measured: Measured | None = Field(None, description="a measured request rate with tokens per call (from capplan calibrate)")

    @model_validator(mode="after")
    def _consistent(self) -> "Scenario":
        # an InputError (a ValueError) so each problem keeps its field through pydantic (validate.describe_errors)
        from forecasting.load_sources import check_sources

        if self.daily_load_curve is not None and (any(v < 0 for v in self.daily_load_curve) or max(self.daily_load_curve) <= 0):
            raise InputError(Problem("daily_load_curve", "24 non-negative hourly values, not all zero"))
        problems = check_sources(self)
        if problems:
            raise InputError(problems)
        for field in ("concurrent_users", "peak_concurrent_users"):
            value = getattr(self, field)
            if value is not None and value > self.registered_users:
                raise InputError(Problem(field, f"{value:,.0f} cannot exceed registered_users ({self.registered_users:,})"))
        if (self.concurrent_users is not None and self.peak_concurrent_users is not None
                and self.peak_concurrent_users < self.concurrent_users):
            raise InputError(Problem("peak_concurrent_users", f"{self.peak_concurrent_users:,.0f} cannot be below "
                                     f"concurrent_users ({self.concurrent_users:,.0f})"))
        return self


# --- typed sections after resolve (issue 16, move 2) --------------------------------------------------
Number = int | float  # a JSON number: ints stay ints, so the plan's `inputs` echo what was given


class _ResolvedSection(BaseModel):
    """A scenario section after `resolve()`: every default filled, frozen, read as attributes.

    Why frozen attributes, not dicts: mypy checks every read (`r.app.cpu_ms_per_message`), and a misspelt
    field is an error where it is written, not a KeyError in the middle of a plan.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")


class ResolvedLLM(_ResolvedSection):
    deployment: Literal["api", "self_hosted"]
    model: str
    gpu: str | None  # self-hosted: always set; api: only when the scenario gave one (ignored)
    precision: Precision | None  # None: the estimator takes the model's native precision
    tensor_parallel: int | None  # None: the estimator chooses
    itl_target_ms: Number | None  # self-hosted only
    ttft_target_ms: Number | None  # self-hosted only
    api_ttft_ms: Number | None  # hosted API only
    api_output_tokens_per_s: Number | None  # hosted API only
    min_replicas: int | None = None  # self-hosted only (issue 8)
    model_load_s: Number | None = None  # self-hosted only (issue 8)
    prefix_caching: bool = True  # issue 12: false turns prompt/prefix caching off on both deployments


class ResolvedWorkload(_ResolvedSection):
    session_minutes: Number | None  # agents without a session length plan from think time alone
    messages_per_session: Number
    think_time_s: Number
    prompt_tokens: int
    output_tokens: Number  # a measured mean may be fractional
    system_prompt_tokens: int
    retrieved_context_tokens: int
    llm_calls_per_message: Number
    appended_tokens_per_call: int
    cached_input_share: Number
    tool_seconds_per_call: Number
    tool_calls_per_llm_call: Number
    sessions_per_active_user_per_day: Number | None  # only when the load comes from active users
    dau_mau_ratio: Number | None  # only when the load comes from monthly active users alone


class ResolvedApp(_ResolvedSection):
    instance_type: str | None  # None: the instance search chooses (issue 8)
    cpu_ms_per_message: Number
    cpu_ms_per_llm_call: Number
    memory_mb_per_session: Number
    base_memory_gb: Number
    max_connections_per_instance: int
    target_cpu_utilization: Number
    scale_in_utilization: Number
    min_instances: int
    worker_instance_type: str | None  # agents only
    memory_mb_per_task: Number
    worker_memory_utilization: Number | None  # agents only
    worker_vcpu_per_task: Number | None  # agents only; None: CPU by work per step
    instance_families: list[str] | None = None  # issue 8: restrict the instance search
    worker_instance_families: list[str] | None = None
    worker_cpu_ms_per_step: Number | None = None  # agents only


class ResolvedData(_ResolvedSection):
    retention_days: Number
    bytes_per_token: Number
    message_overhead_bytes: Number
    index_overhead: Number
    db_replicas: int
    session_state_overhead_bytes: Number
    db_writes_per_vcpu: Number
    db_hot_days: Number
    vector_chunks: int
    vector_dimensions: int
    vector_index_overhead: Number
    attachment_bytes_per_message: Number
    log_retention_days: Number
    egress_bytes_per_output_token: Number
    egress_bytes_per_message: Number
    existing_history_days: Number = 0.0  # issue 8
    db_reads_per_message: Number = 0.0
    db_reads_per_vcpu: Number = 5000.0


class ResolvedScenario(BaseModel):
    """The scenario with every default filled; what the plan reports as `inputs`."""

    name: str | None
    app_type: Literal["chatbot", "agent"]
    registered_users: int
    concurrent_users: float
    peak_concurrent_users: float
    peak_multiplier: float
    safety_margin: float
    monthly_growth_rate: float
    horizon_months: int
    region: str
    llm: ResolvedLLM
    workload: ResolvedWorkload
    app: ResolvedApp
    data: ResolvedData
    # --- load source (issue 14): which input drove concurrency, and the active-user figures ---
    load_source: str = "concurrent_users"
    daily_active_users: float | None = None
    monthly_active_users: float | None = None
    monthly_conversations: float | None = None
    monthly_messages: float | None = None
    monthly_tasks: float | None = None
    measured: dict[str, Any] | None = None
    # --- provisioning (issue 8) ---
    pricing: str = "on_demand"
    daily_load_curve: list[float] | None = None


def _fill(section: BaseModel, prefix: str, app_type: str, assumptions: list[Assumption],
          skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in type(section).model_fields:
        value = getattr(section, key)
        if value is None and key not in skip:
            try:
                d = lookup(app_type, f"{prefix}.{key}")
            except KeyError:
                out[key] = None
                continue
            value = d.value
            assumptions.append(Assumption(name=f"{prefix}.{key}", value=d.value, unit=d.unit, source=d.source))
        out[key] = value
    return out


def _use(d: Default, name: str, assumptions: list[Assumption]) -> Any:
    assumptions.append(Assumption(name=name, value=d.value, unit=d.unit, source=d.source))
    return d.value


def resolve(s: Scenario) -> tuple[ResolvedScenario, list[Assumption]]:
    """Fill every unset field from the profile defaults; return the filled scenario and what was assumed."""
    a: list[Assumption] = []
    t = s.app_type

    def top(field: str) -> Any:
        v = getattr(s, field)
        return v if v is not None else _use(lookup(t, field), field, a)

    from forecasting import load_sources

    source = load_sources.given_source(s)
    if source not in load_sources.CONCURRENCY:  # average and peak follow once the call shape is known (load_sources.derive)
        _, peak_multiplier = load_sources.resolve_peak(s, top)
        avg = peak = 0.0
    elif s.peak_concurrent_users is not None and s.concurrent_users is not None:
        peak, avg = float(s.peak_concurrent_users), float(s.concurrent_users)
        peak_multiplier = peak / avg  # both given: the ratio is theirs, not a default
    elif s.daily_load_curve is not None and s.peak_multiplier is None:
        peak_multiplier = max(s.daily_load_curve) / (sum(s.daily_load_curve) / 24.0)  # the curve's own peak / mean
        if s.peak_concurrent_users is not None:
            peak = float(s.peak_concurrent_users)
            avg = peak / peak_multiplier
        else:
            avg = float(s.concurrent_users)  # type: ignore[arg-type]
            peak = avg * peak_multiplier
    elif s.peak_concurrent_users is not None:
        peak_multiplier = float(top("peak_multiplier"))
        peak = float(s.peak_concurrent_users)
        avg = peak / peak_multiplier
    else:
        peak_multiplier = float(top("peak_multiplier"))
        avg = float(s.concurrent_users)  # type: ignore[arg-type]
        peak = avg * peak_multiplier

    hosted_only = {"api_ttft_ms", "api_output_tokens_per_s"}
    self_hosted_only = {"itl_target_ms", "ttft_target_ms", "min_replicas", "model_load_s"}
    deployment = s.llm.deployment or lookup(t, "llm.deployment").value
    llm = _fill(s.llm, "llm", t, a, skip=frozenset({"model", "gpu", "precision", "tensor_parallel"}
                                                 | (hosted_only if deployment == "self_hosted" else self_hosted_only)))
    if llm["deployment"] == "self_hosted":
        llm["model"] = s.llm.model or _use(DEFAULT_SELF_HOSTED_MODEL, "llm.model", a)
        llm["gpu"] = s.llm.gpu or _use(DEFAULT_GPU, "llm.gpu", a)
    else:
        llm["model"] = s.llm.model or _use(DEFAULT_API_MODEL, "llm.model", a)
        llm["gpu"] = s.llm.gpu
    llm["precision"] = s.llm.precision
    llm["tensor_parallel"] = s.llm.tensor_parallel

    measured_out = s.measured.output_tokens_per_call if s.measured is not None else None
    workload = _fill(s.workload, "workload", t, a, skip=frozenset({"think_time_s", "session_minutes",
                                                                   "sessions_per_active_user_per_day", "dau_mau_ratio"}
                                                                  | ({"output_tokens"} if measured_out else set())))
    if measured_out:
        workload["output_tokens"] = measured_out
    workload["session_minutes"] = s.workload.session_minutes
    if s.workload.think_time_s is not None:
        workload["think_time_s"] = s.workload.think_time_s
    elif t == "agent" and s.workload.session_minutes is None:
        workload["think_time_s"] = _use(lookup(t, "workload.think_time_s"), "workload.think_time_s", a)
    else:
        minutes = s.workload.session_minutes
        if minutes is None:
            minutes = _use(lookup(t, "workload.session_minutes"), "workload.session_minutes", a)
        workload["session_minutes"] = minutes
        workload["think_time_s"] = minutes * 60.0 / workload["messages_per_session"]

    app = _fill(s.app, "app", t, a, skip=frozenset({"worker_instance_type", "worker_vcpu_per_task", "worker_memory_utilization",
                                                  "worker_instance_families", "worker_cpu_ms_per_step"}
                                                 if t == "chatbot" else ()))
    data = _fill(s.data, "data", t, a)

    resolved = ResolvedScenario(
        name=s.name, app_type=t, registered_users=s.registered_users,
        concurrent_users=avg, peak_concurrent_users=peak, peak_multiplier=peak_multiplier,
        safety_margin=float(top("safety_margin")), monthly_growth_rate=float(top("monthly_growth_rate")),
        horizon_months=int(top("horizon_months")), region=str(top("region")), pricing=str(top("pricing")),
        daily_load_curve=s.daily_load_curve,
        llm=ResolvedLLM(**llm), workload=ResolvedWorkload(**workload), app=ResolvedApp(**app), data=ResolvedData(**data),
        **load_sources.record(s),
    )
    for v in (avg, peak, peak_multiplier):
        if not math.isfinite(v):  # pragma: no cover - guarded by field limits
            raise ValueError("non-finite concurrency")
    return resolved, a
