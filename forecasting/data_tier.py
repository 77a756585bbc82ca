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
Why `explain`: with it on (month 0 of a plan), `size_data` writes the storage.* and network.* derivations
beside the arithmetic, from the same locals (forecasting/derivation.py).
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple, TYPE_CHECKING

from forecasting.derivation import margin_factor, n as _n, NO_DERIVATIONS
from forecasting.workload import DAYS_PER_MONTH, CallShape, Load

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.scenario import ResolvedData, ResolvedWorkload

GB = 1e9
SECONDS_PER_DAY = 86_400.0
BYTES_PER_DIMENSION = 4.0  # float32 vectors
# Provisioned-size steps (GB) for storage and cache; beyond the last, whole multiples of it.
SIZE_STEPS_GB = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000)


class DataSizing(NamedTuple):
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
    derivations: Mapping[str, str] = NO_DERIVATIONS


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
              month: int = 0, explain: bool = False) -> DataSizing:
    bpt = data.bytes_per_token
    n = shape.calls_per_message
    k = 1.0 + margin
    # stored per message: the user's text, and every model output and tool result of its calls
    stored_tokens = workload.prompt_tokens + n * shape.output_tokens_per_call + (n - 1.0) * workload.appended_tokens_per_call
    per_message = stored_tokens * bpt + data.message_overhead_bytes
    per_day = load.average_messages_per_s * SECONDS_PER_DAY
    held = history_days(data, month)
    db_gb = per_day * per_message * held * (1.0 + data.index_overhead) * data.db_replicas / GB
    db_step = size_step(db_gb)
    writes = load.peak_messages_per_s * (1.0 + n) * k  # user message + one row per model call
    db_vcpu = writes / data.db_writes_per_vcpu
    reads = load.peak_messages_per_s * data.db_reads_per_message * k
    session_bytes = (shape.history_tokens + workload.prompt_tokens + shape.output_tokens_per_call) * bpt + data.session_state_overhead_bytes
    cache_gb = load.peak_concurrent_users * k * session_bytes / GB
    cache_step = size_step(cache_gb)
    vector_gb = data.vector_chunks * data.vector_dimensions * BYTES_PER_DIMENSION * data.vector_index_overhead / GB
    log_days = min(data.existing_history_days + (month + 1) * DAYS_PER_MONTH, data.log_retention_days)
    log_gb = load.monthly_llm_calls * (shape.input_tokens_per_call + shape.output_tokens_per_call) * bpt * (log_days / DAYS_PER_MONTH) / GB
    attach_gb = per_day * data.attachment_bytes_per_message * held / GB
    object_gb = log_gb + attach_gb
    egress_per_msg = n * shape.output_tokens_per_call * data.egress_bytes_per_output_token + data.egress_bytes_per_message
    egress_gb = load.monthly_messages * egress_per_msg / GB
    egress_mbps = load.peak_messages_per_s * egress_per_msg * 8.0 / 1e6
    derivations = NO_DERIVATIONS
    if explain:
        out, msgs = shape.output_tokens_per_call, load.peak_messages_per_s
        stored = f"({workload.prompt_tokens} + {_n(n)} x {_n(out)}" + (f" + {_n(n - 1)} x {workload.appended_tokens_per_call}" if n > 1 else "")
        derivations = {
            "storage.database.history_days": (
                f"days of history held at the end of month {month} = min({_n(data.existing_history_days)} existing"
                f" + {month + 1} month x {DAYS_PER_MONTH:.1f}, {_n(data.retention_days)} retention) = {_n(held)}"),
            "storage.database.reads_per_second_peak": (f"{_n(msgs)} messages/s x {data.db_reads_per_message} reads per message"
                                                       f" (session-cache misses) x {margin_factor(margin)} = {_n(reads)} reads/s"),
            "storage.cache.memory_gb": (f"session cache = {_n(load.peak_concurrent_users)} peak sessions x {margin_factor(margin)} x {_n(session_bytes)} bytes"
                                        f" (history + last turn at {bpt} bytes/token + {data.session_state_overhead_bytes} overhead)"
                                        f" = {_n(cache_gb, 2)} GB"),
            "storage.database.storage_gb": (
                f"database storage = {_n(per_day)} messages/day x {_n(per_message)} bytes x {_n(held)} days of history"
                f" x (1 + {data.index_overhead} index overhead) x {data.db_replicas} copies = {_n(db_gb, 1)} GB"),
            "storage.database.write_iops_peak": (f"write IOPS at peak = {_n(msgs)} messages/s x (1 user row + {_n(n)} model rows)"
                                                 f" x {margin_factor(margin)} = {_n(writes)}"),
            "storage.vector.storage_gb": (f"vector store = {data.vector_chunks:,} chunks x {data.vector_dimensions} dimensions"
                                          f" x {BYTES_PER_DIMENSION:g} bytes x {data.vector_index_overhead} index overhead = {_n(vector_gb, 2)} GB"),
            "storage.object.storage_gb": (f"object storage = {_n(log_gb, 1)} GB of LLM request logs ({_n(log_days)} days)"
                                          f" + {_n(attach_gb, 1)} GB of attachments ({data.attachment_bytes_per_message} bytes/message,"
                                          f" {_n(held)} days) = {_n(object_gb, 1)} GB"),
            "network.egress_gb_per_month": (f"egress = {_n(load.monthly_messages)} messages x {_n(egress_per_msg)} bytes"
                                            f" ({_n(n)} x {_n(out)} streamed tokens x {data.egress_bytes_per_output_token} bytes"
                                            f" + {data.egress_bytes_per_message} bytes) = {_n(egress_gb, 1)} GB/month"),
            "storage.database.provisioned_storage_gb": f"{_n(db_gb, 1)} GB rounded up to the next size step = {_n(db_step)} GB",
            "storage.database.vcpu_required": f"{_n(writes)} writes/s / {_n(data.db_writes_per_vcpu)} writes/s per vCPU = {_n(db_vcpu)} vCPU",
            "storage.database.bytes_per_message": (f"{stored}) tokens x {bpt} bytes + {data.message_overhead_bytes} bytes"
                                                   f" metadata = {_n(per_message)} bytes"),
            "storage.database.messages_per_day": (f"{_n(load.average_messages_per_s)} messages/s at average load x {SECONDS_PER_DAY:,.0f} s"
                                                  f" = {_n(per_day)}"),
            "storage.cache.provisioned_gb": f"{_n(cache_gb, 2)} GB rounded up to the next size step = {_n(cache_step)} GB",
            "storage.cache.bytes_per_session": (f"({_n(shape.history_tokens)} history + {workload.prompt_tokens} + {_n(out)} tokens)"
                                                f" x {bpt} bytes + {data.session_state_overhead_bytes} bytes = {_n(session_bytes)}"),
            "storage.object.log_storage_gb": (f"{_n(load.monthly_llm_calls)} calls/month x ({_n(shape.input_tokens_per_call)} + {_n(out)})"
                                              f" tokens x {bpt} bytes x {_n(log_days)} days / {DAYS_PER_MONTH:.1f} = {_n(log_gb, 1)} GB"),
            "storage.object.attachment_storage_gb": (f"{_n(per_day)} messages/day x {data.attachment_bytes_per_message} bytes x"
                                                     f" {_n(held)} days = {_n(attach_gb, 1)} GB"),
            "network.peak_egress_mbps": f"{_n(msgs)} messages/s x {_n(egress_per_msg)} bytes x 8 bits = {_n(egress_mbps)} Mbit/s",
            "network.egress_bytes_per_message": (f"{_n(n)} x {_n(out)} streamed tokens x {data.egress_bytes_per_output_token} bytes"
                                                 f" + {data.egress_bytes_per_message} bytes = {_n(egress_per_msg)} bytes"),
        }
    return DataSizing(
        bytes_per_message=per_message, messages_per_day=per_day, db_storage_gb=db_gb,
        db_storage_step_gb=db_step, write_iops_peak=writes, db_vcpu_required=db_vcpu,
        db_memory_gib_required=per_day * per_message * data.db_hot_days * (1.0 + data.index_overhead) / 2**30,
        cache_bytes_per_session=session_bytes, cache_memory_gb=cache_gb, cache_step_gb=cache_step,
        vector_storage_gb=vector_gb, log_storage_gb=log_gb, attachment_storage_gb=attach_gb,
        object_storage_gb=object_gb, egress_bytes_per_message=egress_per_msg,
        egress_gb_per_month=egress_gb, peak_egress_mbps=egress_mbps,
        history_days=held, reads_per_s_peak=reads, db_read_vcpu_required=reads / data.db_reads_per_vcpu,
        derivations=derivations,
    )
