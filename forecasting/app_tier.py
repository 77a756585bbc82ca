"""Stateless API / streaming-gateway instances and, for agents, the worker pool.

Why three limits: a chat gateway runs out of CPU (per-message work), memory (per-session buffers) or
connections (file descriptors: one long-lived stream per user) depending on the workload; the count for
an instance type is the largest of the three at the target utilisation, plus one spare (N+1), never
fewer than the floor. The type itself is chosen by `instance_search` (cheapest fit).
Why agent workers are sized by work done, not by tasks held: a task spends most of its life waiting on
the model API; while it waits it holds memory and one connection, not a vCPU. CPU is the orchestration
work per LLM step (parse the reply, dispatch the tool call, rebuild the context) times the step rate.
Autoscaling: the same fit at each hour of the daily curve; min = the trough hour, max = the peak hour.
Why `explain`: with it on (month 0 of a plan), `size_tier` writes the compute.app.* / compute.workers.*
derivations beside the arithmetic, from the same locals (forecasting/derivation.py); the needs the
instance search ranks (`app_need`, `worker_need`) compute none.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, TYPE_CHECKING

from forecasting.derivation import margin_factor, n as _n, NO_DERIVATIONS
from forecasting.errors import known
from forecasting.instance_search import Fit, Need, Rules, Shape, fit, hourly_counts
from forecasting.workload import Load

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.scenario import ResolvedApp


class InstanceType(NamedTuple):
    name: str
    vcpu: float
    memory_gib: float
    usd_per_hour: float


class TierSizing(NamedTuple):
    """A tier at its peak hour, plus the count for each hour of the day (autoscaled)."""

    need: Need
    peak: Fit
    hourly_counts: tuple[int, ...]
    derivations: Mapping[str, str] = NO_DERIVATIONS

    @property
    def instances(self) -> int:
        return self.peak.instances

    @property
    def min_replicas(self) -> int:
        return min(self.hourly_counts)

    @property
    def max_replicas(self) -> int:
        return max(self.hourly_counts)


def app_need(load: Load, margin: float, app: "ResolvedApp") -> Need:
    return _app_need(load, margin, app, explain=False)[0]


def _app_need(load: Load, margin: float, app: "ResolvedApp", explain: bool) -> tuple[Need, dict[str, str]]:
    """The app tier's need, and (explain) its derivations plus the CPU-need phrase the instances line repeats."""
    k = 1.0 + margin
    msgs, calls, sessions = load.peak_messages_per_s, load.peak_llm_calls_per_s, load.peak_concurrent_users
    vcpu = (msgs * app.cpu_ms_per_message + calls * app.cpu_ms_per_llm_call) / 1000.0 * k
    users = sessions * k
    memory = users * app.memory_mb_per_session / 1024.0
    if not explain:
        return Need(vcpu, memory, users), {}
    cpu = (f"({_n(msgs)} messages/s x {app.cpu_ms_per_message} ms + {_n(calls)} calls/s x {app.cpu_ms_per_llm_call} ms)"
           f" / 1000 x {margin_factor(margin)} = {_n(vcpu)} vCPU")
    return Need(vcpu, memory, users), {
        "cpu need": cpu,
        "compute.app.vcpu_required": cpu,
        "compute.app.memory_gib_required": (f"{_n(sessions)} peak sessions x {margin_factor(margin)} x {app.memory_mb_per_session} MiB"
                                            f" (connection, buffers and session state) = {_n(memory)} GiB"),
        "compute.app.connections_required": f"{_n(sessions)} peak sessions x {margin_factor(margin)} = {_n(users)} streams",
    }


def app_rules(app: "ResolvedApp") -> Rules:
    return Rules(app.target_cpu_utilization, app.base_memory_gb, 1.0, app.max_connections_per_instance,
                 int(app.min_instances))


def worker_need(load: Load, margin: float, app: "ResolvedApp") -> Need:
    return _worker_need(load, margin, app, explain=False)[0]


def _worker_need(load: Load, margin: float, app: "ResolvedApp", explain: bool) -> tuple[Need, dict[str, str]]:
    """The worker pool's need, and (explain) its derivations plus the CPU and memory phrases of the instances line."""
    k = 1.0 + margin
    tasks = load.peak_concurrent_tasks * k
    if app.worker_vcpu_per_task is not None:  # the scenario reserves CPU per running task
        vcpu = tasks * app.worker_vcpu_per_task
    else:
        vcpu = load.peak_llm_calls_per_s * k * known(app.worker_cpu_ms_per_step, "app.worker_cpu_ms_per_step") / 1000.0
    memory = tasks * app.memory_mb_per_task / 1024.0
    if not explain:
        return Need(vcpu, memory, tasks), {}
    cpu = (f"{_n(tasks)} tasks x {app.worker_vcpu_per_task} vCPU reserved per task (given)"
           if app.worker_vcpu_per_task is not None else
           f"{_n(load.peak_llm_calls_per_s)} LLM steps/s x {margin_factor(margin)} x {app.worker_cpu_ms_per_step} vCPU-ms of orchestration per step"
           f" / 1000 (a task waiting on the model holds memory and a connection, not a vCPU)")
    memory_text = f"{_n(tasks)} tasks x {app.memory_mb_per_task} MiB = {_n(memory)} GiB"
    return Need(vcpu, memory, tasks), {
        "cpu need": f"{cpu} = {_n(vcpu)} vCPU",
        "memory need": memory_text,
        "compute.workers.concurrent_tasks": f"{_n(load.peak_concurrent_tasks)} tasks at peak x {margin_factor(margin)} = {_n(tasks)}",
        "compute.workers.memory_gib_required": memory_text,
        "compute.workers.connections_required": f"one open connection to the model API per running task: {_n(tasks)}",
    }


def worker_rules(app: "ResolvedApp") -> Rules:
    return Rules(app.target_cpu_utilization, 0.0, known(app.worker_memory_utilization, "app.worker_memory_utilization"), app.max_connections_per_instance,
                 int(app.min_instances))


def size_tier(load: Load, margin: float, app: "ResolvedApp", shape: Shape, curve_to_peak: tuple[float, ...],
              agent_workers: bool = False, explain: bool = False) -> TierSizing:
    need, d = (_worker_need if agent_workers else _app_need)(load, margin, app, explain)
    rules = worker_rules(app) if agent_workers else app_rules(app)
    peak = fit(need, shape, rules)
    hourly = hourly_counts(need, shape, rules, curve_to_peak)
    if not explain:
        return TierSizing(need, peak, hourly)
    by_hour = ", ".join(f"{h:02d}h {c}" for h, c in enumerate(hourly))
    if agent_workers:
        instances = (f"worker instances at the peak hour = {peak.basis}. CPU need: {d.pop('cpu need')};"
                     f" memory: {d.pop('memory need')}, at most {rules.memory_utilization:.0%} of each {shape.name}'s memory")
        d.update({
            "compute.workers.instances": instances,
            "compute.workers.vcpu_required": instances,
            "compute.workers.limiting_factor": f"the largest of the three limits: {peak.limiting}",
            "compute.autoscaling.workers_hourly_replicas": "worker instances by hour: " + by_hour,
            "compute.autoscaling.workers_min_replicas": f"the fewest worker instances any hour needs (the trough) = {min(hourly)}",
            "compute.autoscaling.workers_max_replicas": f"the worker fit at the peak hour with margin = {max(hourly)}",
        })
    else:
        d.update({
            "compute.app.instances": f"app instances at the peak hour = {peak.basis}. CPU need: {d.pop('cpu need')}",
            "compute.app.instances_by_cpu": (f"ceil({_n(need.vcpu)} vCPU / ({_n(shape.vcpu)} vCPU x {rules.target_cpu_utilization} target))"
                                             f" = {peak.by_cpu}"),
            "compute.app.instances_by_memory": (f"ceil({_n(need.memory_gib)} GiB / ({_n(shape.memory_gib)} - {rules.reserved_memory_gib} GiB runtime))"
                                                f" = {peak.by_memory}"),
            "compute.app.instances_by_connections": (f"ceil({_n(need.connections)} / {rules.max_connections_per_instance:,} per instance)"
                                                     f" = {peak.by_connections}"),
            "compute.app.limiting_factor": f"the largest of the three limits: {peak.limiting}",
            "compute.autoscaling.hourly_replicas": "app instances by hour: " + by_hour,
            "compute.autoscaling.min_replicas": (f"the fewest instances any hour of the daily curve needs (the trough),"
                                                 f" at least {app.min_instances} = {min(hourly)}"),
            "compute.autoscaling.max_replicas": f"the peak-hour fit with margin (compute.app.instances) = {max(hourly)}",
        })
    return TierSizing(need, peak, hourly, d)


SCALE_OUT_STEP = 0.15  # the step-scaling alarm sits this far above the tracking target ...
SCALE_OUT_CAP = 0.9  # ... and never above this (AWS step scaling guidance: act before saturation)


def scale_out_threshold(target: float) -> float:
    """Step-scaling alarm above the tracking target: add capacity before saturation (capped at 90%)."""
    return min(SCALE_OUT_CAP, target + SCALE_OUT_STEP)

