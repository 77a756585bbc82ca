"""The capacity plan as output: its JSON shape is an interface scripts rely on (DESIGN.md).

Units are in the key names (`_usd`, `_gb`, `_per_s`, `_per_minute`, `_ms`) or in a `unit` field.
Every number is finite: `plan()` checks that before returning.
"""
from typing import Any, Literal

from pydantic import BaseModel, Field

from forecasting.scenario import Assumption
from forecasting.workload import DAYS_PER_MONTH

SCHEMA_VERSION = "1.0"


class LoadOut(BaseModel):
    peak_concurrent_users: float
    average_concurrent_users: float
    requests_per_second: float = Field(description="user messages (agent: tasks) per second at peak; kept for scripts, "
                                                   "the same figure as messages_per_second")
    average_requests_per_second: float
    # issue 16 (move 9): the name that says what the figure counts, beside the old one
    messages_per_second: float = Field(description="user messages (agent: tasks) per second at peak")
    average_messages_per_second: float = Field(description="user messages (agent: tasks) per second at average load")
    llm_calls_per_second: float = Field(description="LLM calls per second at peak")
    input_tokens_per_call: float
    output_tokens_per_call: float
    input_tokens_per_minute: float = Field(description="at peak, before the safety margin")
    output_tokens_per_minute: float
    seconds_between_messages: float = Field(description="a user's cycle: think time + response time")
    response_time_s: float
    concurrent_llm_requests: float = Field(description="LLM calls in flight at peak (Little's law)")
    concurrent_agent_tasks: float = Field(description="agent tasks running at peak (0 for chatbots)")
    external_calls_per_second: float = Field(description="agent: tool / external-service calls per second at peak")
    monthly_messages: float
    monthly_conversations: float
    monthly_llm_calls: float
    monthly_input_tokens: float
    monthly_cached_input_tokens: float
    monthly_output_tokens: float
    # --- load source (issue 14) ---
    load_source: str = Field("concurrent_users", description="the scenario input that drove concurrency")
    daily_active_users: float | None = Field(None, description="given, or monthly actives x DAU/MAU (None when unknown)")
    monthly_active_users: float | None = Field(None, description="given (None when unknown)")


class ApiOut(BaseModel):
    required_rpm: float
    required_input_tpm: float
    required_output_tpm: float
    required_tpm: float
    tier: str | None
    tier_covers_peak: bool
    tier_checked: bool = Field(description="false when the catalog has no tier table for the provider (limits not checked)")
    tier_note: str
    price_input_usd_per_mtok: float
    price_cached_input_usd_per_mtok: float
    price_cache_write_usd_per_mtok: float | None
    price_output_usd_per_mtok: float
    price_source: str
    monthly_uncached_input_usd: float
    monthly_cached_input_usd: float
    monthly_cache_write_usd: float
    monthly_output_usd: float


class OperatingPointOut(BaseModel):
    """Where the plan runs each replica on its latency curve (`capplan llm-estimate --sweep`): the knee."""

    concurrency_per_replica: int
    output_tokens_per_s_per_replica: float
    max_output_tokens_per_s_per_replica: float
    share_of_max_throughput: float
    limited_by: str


class GpuAutoscalingOut(BaseModel):
    """Self-hosted replicas over the daily curve and the signal to scale them on (vLLM metric names)."""

    min_replicas: int
    max_replicas: int
    hourly_replicas: list[int] = Field(description="model replicas needed at each hour 0-23 of the daily curve")
    model_load_s: float
    scale_out_sequences_per_replica: float = Field(description="running sequences per replica (vllm:num_requests_running) that trigger a scale-out")
    scale_out_kv_cache_usage_perc: float = Field(description="vllm:kv_cache_usage_perc (0-1) that triggers a scale-out")
    scale_out_num_requests_waiting: float = Field(description="vllm:num_requests_waiting per replica that triggers a scale-out")
    signal: str
    autoscaled_monthly_usd: float
    always_on_monthly_usd: float


class SelfHostedOut(BaseModel):
    gpu: str
    precision: str
    tensor_parallel: int
    gpus_per_replica: int
    replicas: int
    gpus: int
    concurrent_sequences_at_peak: float
    sequences_per_replica_at_slo: int
    itl_ms: float
    ttft_ms: float
    itl_target_ms: float
    ttft_target_ms: float
    meets_slo: bool
    bound: str
    gpu_instance: str | None
    gpu_instances: int
    usd_per_gpu_hour: float | None
    price_source: str
    estimator_derivation: list[str]
    operating_point: OperatingPointOut | None = None
    autoscaling: GpuAutoscalingOut | None = None


class LLMOut(BaseModel):
    deployment: Literal["api", "self_hosted"]
    model: str
    provider: str
    monthly_usd: float
    api: ApiOut | None = None
    self_hosted: SelfHostedOut | None = None


class AppOut(BaseModel):
    instance_type: str
    instance_vcpu: float
    instance_memory_gib: float
    instances: int
    vcpu_required: float
    memory_gib_required: float
    connections_required: float
    instances_by_cpu: int
    instances_by_memory: int
    instances_by_connections: int
    limiting_factor: str
    max_connections_per_instance: int
    instance_family: str = ""
    instance_usd_per_hour: float = 0.0
    runner_up: str | None = Field(None, description="second-cheapest fit: 'count x type'")
    runner_up_usd_per_hour: float | None = None
    choice: str = Field("", description="why this instance type: the cheapest fit against the runner-up")
    candidates_tried: int = 0


class WorkersOut(BaseModel):
    instance_type: str
    instances: int
    concurrent_tasks: float
    vcpu_required: float
    memory_gib_required: float
    connections_required: float = 0.0
    limiting_factor: str = ""
    runner_up: str | None = None
    choice: str = ""


class AutoscalingOut(BaseModel):
    min_replicas: int
    max_replicas: int
    target_cpu_utilization: float
    scale_out_cpu_utilization: float
    scale_in_cpu_utilization: float
    workers_min_replicas: int | None = None
    workers_max_replicas: int | None = None
    hourly_replicas: list[int] = Field(default_factory=list, description="app instances needed at each hour 0-23")
    workers_hourly_replicas: list[int] | None = None
    load_curve: list[float] = Field(default_factory=list, description="load at each hour 0-23 / daily mean")
    autoscaled_monthly_usd: float = Field(0.0, description="app (+ workers) cost integrated hour by hour over the curve")
    always_on_monthly_usd: float = Field(0.0, description="the same instances kept at their peak count all day")
    pricing: str = "on_demand"


class ComputeOut(BaseModel):
    app: AppOut
    workers: WorkersOut | None
    autoscaling: AutoscalingOut


class DatabaseOut(BaseModel):
    engine: str
    instance_class: str
    storage_gb: float
    provisioned_storage_gb: float
    storage_gb_at_horizon: float
    write_iops_peak: float
    vcpu_required: float
    bytes_per_message: float
    messages_per_day: float
    retention_days: float
    history_days: float = Field(0.0, description=f"days of conversations held this month: min(existing + (month + 1) x {DAYS_PER_MONTH:.1f}, retention)")
    read_replicas: int = 0
    reads_per_second_peak: float = 0.0
    burstable: bool = False
    choice: str = Field("", description="why this class: the cheapest that fits, managed before self-managed")


class CacheOut(BaseModel):
    memory_gb: float
    provisioned_gb: float
    bytes_per_session: float
    service: str = Field("", description="the managed Redis/Valkey offer priced: serverless or node-based")


class VectorOut(BaseModel):
    chunks: int
    dimensions: int
    storage_gb: float


class ObjectOut(BaseModel):
    storage_gb: float
    log_storage_gb: float
    attachment_storage_gb: float


class StorageOut(BaseModel):
    database: DatabaseOut
    cache: CacheOut
    vector: VectorOut
    object: ObjectOut


class NetworkOut(BaseModel):
    egress_gb_per_month: float
    peak_egress_mbps: float
    egress_bytes_per_message: float


class CostLine(BaseModel):
    component: str
    monthly_usd: float
    basis: str


class CostOut(BaseModel):
    monthly_usd: float
    breakdown: list[CostLine]
    per_registered_user_usd: float
    per_1000_conversations_usd: float
    region: str
    currency: str = "USD"
    unpriced: list[str] = Field(default_factory=list)


class TimelineRow(BaseModel):
    month: int
    registered_users: float
    peak_concurrent_users: float
    requests_per_second: float
    messages_per_second: float = Field(description="user messages (agent: tasks) per second at peak (= requests_per_second)")
    llm_calls_per_second: float
    input_tokens_per_minute: float
    app_instances: int
    worker_instances: int
    gpu_replicas: int
    gpus: int
    api_tier: str | None
    db_storage_gb: float
    cache_memory_gb: float
    monthly_usd: float
    # -- web/report (issue 15): the month's cost by component, for the stacked cost chart ------------
    cost_by_component_usd: dict[str, float] = Field(default_factory=dict,
                                                    description="component -> USD that month (sums to monthly_usd)")


class ScaleEvent(BaseModel):
    month: int
    resource: str
    before: Any
    after: Any
    reason: str


# ----------------------------------------------------------------------------------------------
# Uncertainty (issue 9, docs/uncertainty.md): bands from seeded Monte-Carlo draws over the ranges.


class Band(BaseModel):
    """Percentiles over the draws: P10 = 1 draw in 10 came out lower, P90 = 1 in 10 came out higher."""

    p10: float
    p50: float
    p90: float
    mean: float


class UncertainInput(BaseModel):
    input: str = Field(description="scenario path")
    low: float
    high: float
    middle: float = Field(description="mid if given, else the distribution's median")
    distribution: str
    source: str = Field(description="'scenario' for a range the person gave, else the plausible range's source")
    value_in_plan: float = Field(description="the value this input has in the plan shown (the draw at provision_at)")


class SensitivityRow(BaseModel):
    input: str
    low: float = Field(description="the input's low value")
    high: float = Field(description="the input's high value")
    low_usd: float = Field(description="monthly cost with this input at its low value, the rest at their middle")
    high_usd: float
    swing_usd: float = Field(description="|high_usd - low_usd|")
    swing_usd_at_horizon: float = Field(description="the same swing in the monthly cost at the horizon (growth shows here)")


class LeastRegret(BaseModel):
    draw: int = Field(description="index of the chosen draw (0-based)")
    cost_percentile: float = Field(description="where its monthly cost ranks among the draws (0-100)")
    monthly_usd: float
    provisioned_usd: dict[str, float] = Field(description="fixed-capacity components of that draw's plan (USD/month)")
    expected_regret_usd: float = Field(description="mean regret over all draws, USD/month")
    regret_at_usd: dict[str, float] = Field(description="expected regret of the percentile plans, for comparison")
    under_provision_weight: float
    over_provision_weight: float
    why: str


class UncertaintyOut(BaseModel):
    draws: int
    seed: int
    provision_at: str = Field(description="pNN or least_regret: which draw's plan the rest of this plan is")
    plan_draw: int = Field(description="index of the draw whose plan the rest of this plan is")
    sampling: str
    inputs: list[UncertainInput]
    figures: dict[str, Band] = Field(description="metric path -> P10/P50/P90/mean over the draws")
    sensitivity: list[SensitivityRow] = Field(default_factory=list, description="tornado: inputs by swing in monthly cost")
    least_regret: LeastRegret
    notes: list[str] = Field(default_factory=list)


class CapacityPlan(BaseModel):
    schema_version: str = SCHEMA_VERSION
    name: str | None
    inputs: dict[str, Any]
    assumptions: list[Assumption]
    warnings: list[str]
    load: LoadOut
    llm: LLMOut
    compute: ComputeOut
    storage: StorageOut
    network: NetworkOut
    cost: CostOut
    timeline: list[TimelineRow]
    scale_events: list[ScaleEvent]
    explanations: dict[str, str]
    uncertainty: UncertaintyOut | None = Field(None, exclude_if=lambda v: v is None,
                                               description="present when the scenario has ranges (docs/uncertainty.md)")

