"""Stateless API / streaming-gateway instances and, for agents, the worker pool.

Why three limits: a chat gateway runs out of CPU (per-message work), memory (per-session buffers) or
connections (one long-lived stream per user) depending on the workload; the instance count is the
largest of the three, at the target utilisation, plus one spare (N+1), never fewer than the floor.
Autoscaling bounds come from the same arithmetic at average load (min) and peak with margin (max).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from forecasting.workload import Load

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.scenario import ResolvedApp


@dataclass(frozen=True)
class InstanceType:
    name: str
    vcpu: float
    memory_gib: float
    usd_per_hour: float


@dataclass(frozen=True)
class AppSizing:
    vcpu_required: float
    memory_gib_required: float
    connections_required: float
    by_cpu: int
    by_memory: int
    by_connections: int
    limiting: str
    instances: int
    min_replicas: int
    max_replicas: int


@dataclass(frozen=True)
class WorkerSizing:
    concurrent_tasks: float
    vcpu_required: float
    memory_gib_required: float
    by_cpu: int
    by_memory: int
    instances: int


def _ceil(x: float) -> int:
    return int(math.ceil(x - 1e-9))


def _needed(load_msgs: float, load_calls: float, users: float, app: ResolvedApp, inst: InstanceType) -> tuple[float, float, float, int, int, int]:
    vcpu = load_msgs * app["cpu_ms_per_message"] / 1000.0 + load_calls * app["cpu_ms_per_llm_call"] / 1000.0
    mem = users * app["memory_mb_per_session"] / 1024.0
    by_cpu = _ceil(vcpu / (inst.vcpu * app["target_cpu_utilization"]))
    usable = max(inst.memory_gib - app["base_memory_gb"], 0.1)
    by_mem = _ceil(mem / usable)
    by_conn = _ceil(users / app["max_connections_per_instance"])
    return vcpu, mem, users, by_cpu, by_mem, by_conn


def size_app(load: Load, margin: float, app: ResolvedApp, inst: InstanceType) -> AppSizing:
    k = 1.0 + margin
    vcpu, mem, conns, by_cpu, by_mem, by_conn = _needed(
        load.peak_messages_per_s * k, load.peak_llm_calls_per_s * k, load.peak_concurrent_users * k, app, inst)
    need = max(by_cpu, by_mem, by_conn, 1)
    limiting = max((("cpu", by_cpu), ("memory", by_mem), ("connections", by_conn)), key=lambda t: t[1])[0]
    floor = int(app["min_instances"])
    instances = max(floor, need + 1)
    *_, a_cpu, a_mem, a_conn = _needed(load.average_messages_per_s, load.average_llm_calls_per_s,
                                       load.average_concurrent_users, app, inst)
    min_replicas = min(instances, max(floor, max(a_cpu, a_mem, a_conn, 1) + 1))
    return AppSizing(vcpu, mem, conns, by_cpu, by_mem, by_conn, limiting, instances, min_replicas, instances)


def size_workers(load: Load, margin: float, app: ResolvedApp, inst: InstanceType) -> WorkerSizing:
    tasks = load.peak_concurrent_tasks * (1.0 + margin)
    vcpu = tasks * app["worker_vcpu_per_task"]
    mem = tasks * app["memory_mb_per_task"] / 1024.0
    by_cpu = _ceil(vcpu / (inst.vcpu * app["target_cpu_utilization"]))
    by_mem = _ceil(mem / (inst.memory_gib * app["worker_memory_utilization"]))
    instances = max(int(app["min_instances"]), max(by_cpu, by_mem, 1) + 1)
    return WorkerSizing(tasks, vcpu, mem, by_cpu, by_mem, instances)


def scale_out_threshold(target: float) -> float:
    """Step-scaling alarm above the tracking target: add capacity before saturation (capped at 90%)."""
    return min(0.9, target + 0.15)

