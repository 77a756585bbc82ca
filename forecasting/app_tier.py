"""Stateless API / streaming-gateway instances and, for agents, the worker pool.

Why three limits: a chat gateway runs out of CPU (per-message work), memory (per-session buffers) or
connections (file descriptors: one long-lived stream per user) depending on the workload; the count for
an instance type is the largest of the three at the target utilisation, plus one spare (N+1), never
fewer than the floor. The type itself is chosen by `instance_search` (cheapest fit).
Why agent workers are sized by work done, not by tasks held: a task spends most of its life waiting on
the model API; while it waits it holds memory and one connection, not a vCPU. CPU is the orchestration
work per LLM step (parse the reply, dispatch the tool call, rebuild the context) times the step rate.
Autoscaling: the same fit at each hour of the daily curve; min = the trough hour, max = the peak hour.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from forecasting.errors import known
from forecasting.instance_search import Fit, Need, Rules, Shape, fit, hourly_counts
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
class TierSizing:
    """A tier at its peak hour, plus the count for each hour of the day (autoscaled)."""

    need: Need
    peak: Fit
    hourly_counts: tuple[int, ...]

    @property
    def instances(self) -> int:
        return self.peak.count

    @property
    def min_replicas(self) -> int:
        return min(self.hourly_counts)

    @property
    def max_replicas(self) -> int:
        return max(self.hourly_counts)


def app_need(load: Load, margin: float, app: "ResolvedApp") -> Need:
    k = 1.0 + margin
    vcpu = (load.peak_messages_per_s * app.cpu_ms_per_message + load.peak_llm_calls_per_s * app.cpu_ms_per_llm_call) / 1000.0 * k
    users = load.peak_concurrent_users * k
    return Need(vcpu, users * app.memory_mb_per_session / 1024.0, users)


def app_rules(app: "ResolvedApp") -> Rules:
    return Rules(app.target_cpu_utilization, app.base_memory_gb, 1.0, app.max_connections_per_instance,
                 int(app.min_instances))


def worker_need(load: Load, margin: float, app: "ResolvedApp") -> Need:
    k = 1.0 + margin
    tasks = load.peak_concurrent_tasks * k
    if app.worker_vcpu_per_task is not None:  # the scenario reserves CPU per running task
        vcpu = tasks * app.worker_vcpu_per_task
    else:
        vcpu = load.peak_llm_calls_per_s * k * known(app.worker_cpu_ms_per_step, "app.worker_cpu_ms_per_step") / 1000.0
    return Need(vcpu, tasks * app.memory_mb_per_task / 1024.0, tasks)


def worker_rules(app: "ResolvedApp") -> Rules:
    return Rules(app.target_cpu_utilization, 0.0, known(app.worker_memory_utilization, "app.worker_memory_utilization"), app.max_connections_per_instance,
                 int(app.min_instances))


def size_tier(load: Load, margin: float, app: "ResolvedApp", shape: Shape, curve_to_peak: tuple[float, ...],
              agent_workers: bool = False) -> TierSizing:
    needer, rules = (worker_need, worker_rules(app)) if agent_workers else (app_need, app_rules(app))
    need = needer(load, margin, app)
    return TierSizing(need, fit(need, shape, rules), hourly_counts(need, shape, rules, curve_to_peak))


def scale_out_threshold(target: float) -> float:
    """Step-scaling alarm above the tracking target: add capacity before saturation (capped at 90%)."""
    return min(0.9, target + 0.15)
