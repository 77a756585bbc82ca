"""Conversation database, session cache, vector store, object storage and egress.

Why storage is sized at steady state: a service that keeps `retention_days` of history holds
daily volume x retention once it has run that long; planning for that (rather than for the bytes
written so far) means the month-0 figure is what a running service needs, and growth adds to it.
Why storage ramps up (issue 8): a new service holds no history on day one; by the end of month m it holds
min(existing_history_days + (m + 1) x 30.4, retention_days) days of conversations (and of request logs,
capped at their own retention), at that month's daily volume. Planning a full year of history at launch
bills storage that does not exist yet; planning the start of the month (0 days at launch) would leave
month 0 with no database to write into. A month is provisioned for what it holds when it ends.
Why provisioned sizes come in steps: databases and caches are bought in sizes, and the month a size
step is crossed is a scale event a team must act on.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forecasting.workload import DAYS_PER_MONTH, CallShape, Load

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.scenario import ResolvedData, ResolvedWorkload

GB = 1e9
# Provisioned-size steps (GB) for storage and cache; beyond the last, whole multiples of it.
SIZE_STEPS_GB = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)


@dataclass(frozen=True)
class DataSizing:
    bytes_per_message: float
    messages_per_day: float
    db_storage_gb: float
    db_storage_step_gb: float
    write_iops_peak: float
    db_vcpu_required: float
    db_memory_gib_required: float
    cache_bytes_per_session: float
    cache_memory_gb: float
    cache_step_gb: float
    vector_storage_gb: float
    log_storage_gb: float
    attachment_storage_gb: float
    object_storage_gb: float
    egress_bytes_per_message: float
    egress_gb_per_month: float
    peak_egress_mbps: float
    history_days: float = 0.0
    reads_per_s_peak: float = 0.0
    db_read_vcpu_required: float = 0.0


def size_step(gb: float) -> float:
    for step in SIZE_STEPS_GB:
        if gb <= step:
            return float(step)
    last = SIZE_STEPS_GB[-1]
    return float(math.ceil(gb / last) * last)


def history_days(data: ResolvedData, month: int) -> float:
    """Days of conversations held at the end of month m: what existed at launch plus what months 0..m added."""
    return float(min(data.existing_history_days + (month + 1) * DAYS_PER_MONTH, data.retention_days))


def size_data(load: Load, shape: CallShape, margin: float, workload: ResolvedWorkload, data: ResolvedData,
              month: int = 0) -> DataSizing:
    bpt = data.bytes_per_token
    n = shape.calls_per_message
    # stored per message: the user's text, and every model output and tool result of its calls
    stored_tokens = workload.prompt_tokens + n * shape.output_tokens_per_call + (n - 1.0) * workload.appended_tokens_per_call
    per_message = stored_tokens * bpt + data.message_overhead_bytes
    per_day = load.average_messages_per_s * 86_400.0
    held = history_days(data, month)
    db_gb = per_day * per_message * held * (1.0 + data.index_overhead) * data.db_replicas / GB
    writes = load.peak_messages_per_s * (1.0 + n) * (1.0 + margin)  # user message + one row per model call
    reads = load.peak_messages_per_s * data.db_reads_per_message * (1.0 + margin)
    session_bytes = (shape.history_tokens + workload.prompt_tokens + shape.output_tokens_per_call) * bpt + data.session_state_overhead_bytes
    cache_gb = load.peak_concurrent_users * (1.0 + margin) * session_bytes / GB
    vector_gb = data.vector_chunks * data.vector_dimensions * 4.0 * data.vector_index_overhead / GB
    log_days = min(data.existing_history_days + (month + 1) * DAYS_PER_MONTH, data.log_retention_days)
    log_gb = load.monthly_llm_calls * (shape.input_tokens_per_call + shape.output_tokens_per_call) * bpt * (log_days / DAYS_PER_MONTH) / GB
    attach_gb = per_day * data.attachment_bytes_per_message * held / GB
    egress_per_msg = n * shape.output_tokens_per_call * data.egress_bytes_per_output_token + data.egress_bytes_per_message
    return DataSizing(
        bytes_per_message=per_message, messages_per_day=per_day, db_storage_gb=db_gb,
        db_storage_step_gb=size_step(db_gb), write_iops_peak=writes, db_vcpu_required=writes / data.db_writes_per_vcpu,
        db_memory_gib_required=per_day * per_message * data.db_hot_days * (1.0 + data.index_overhead) / 2**30,
        cache_bytes_per_session=session_bytes, cache_memory_gb=cache_gb, cache_step_gb=size_step(cache_gb),
        vector_storage_gb=vector_gb, log_storage_gb=log_gb, attachment_storage_gb=attach_gb,
        object_storage_gb=log_gb + attach_gb, egress_bytes_per_message=egress_per_msg,
        egress_gb_per_month=load.monthly_messages * egress_per_msg / GB,
        peak_egress_mbps=load.peak_messages_per_s * egress_per_msg * 8.0 / 1e6,
        history_days=held, reads_per_s_peak=reads, db_read_vcpu_required=reads / data.db_reads_per_vcpu,
    )
