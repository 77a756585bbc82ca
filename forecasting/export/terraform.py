"""Terraform variables (`*.auto.tfvars.json`) from a plan: values only, no provider code.

Why JSON with a `_source` map: Terraform reads `*.auto.tfvars.json` by itself, and JSON has no
comments, so the map says which plan figure each variable came from; `_generated` is the header.
(Terraform warns about, and ignores, values for undeclared variables; declare `_source` and
`_generated` as `any` or delete them if your module runs with warnings as errors.)
"""
from __future__ import annotations

from typing import Any

from forecasting.export.common import Options, get, opt


def variables(plan: dict[str, Any], opts: Options) -> dict[str, Any]:
    out: dict[str, Any] = {}
    src: dict[str, str] = {}

    def put(var: str, value: Any, source: str) -> None:
        out[var] = value
        src[var] = source

    put("region", get(plan, "cost.region"), "cost.region")
    put("app_instance_type", get(plan, "compute.app.instance_type"), "compute.app.instance_type")
    put("app_min_size", get(plan, "compute.autoscaling.min_replicas"), "compute.autoscaling.min_replicas")
    put("app_max_size", get(plan, "compute.autoscaling.max_replicas"), "compute.autoscaling.max_replicas")
    put("app_desired_capacity", get(plan, "compute.autoscaling.min_replicas"),
        "compute.autoscaling.min_replicas (the group starts at its floor and scales on CPU)")
    put("app_target_cpu_utilization", round(float(get(plan, "compute.autoscaling.target_cpu_utilization")) * 100),
        "compute.autoscaling.target_cpu_utilization x 100 (percent)")
    if isinstance(opt(plan, "compute.workers"), dict) and opt(plan, "compute.autoscaling.workers_min_replicas") is not None:
        put("worker_instance_type", get(plan, "compute.workers.instance_type"), "compute.workers.instance_type")
        put("worker_min_size", get(plan, "compute.autoscaling.workers_min_replicas"), "compute.autoscaling.workers_min_replicas")
        put("worker_max_size", get(plan, "compute.autoscaling.workers_max_replicas"), "compute.autoscaling.workers_max_replicas")
        put("worker_desired_capacity", get(plan, "compute.autoscaling.workers_min_replicas"),
            "compute.autoscaling.workers_min_replicas")
    put("db_engine", get(plan, "storage.database.engine"), "storage.database.engine")
    put("db_instance_class", get(plan, "storage.database.instance_class"), "storage.database.instance_class")
    put("db_allocated_storage_gb", get(plan, "storage.database.provisioned_storage_gb"),
        "storage.database.provisioned_storage_gb")
    if opt(plan, "storage.database.read_replicas") is not None:
        put("db_read_replicas", get(plan, "storage.database.read_replicas"), "storage.database.read_replicas")
    if opt(plan, "storage.cache.service"):
        put("cache_service", get(plan, "storage.cache.service"), "storage.cache.service")
    put("cache_memory_gb", get(plan, "storage.cache.provisioned_gb"),
        "storage.cache.provisioned_gb (the plan sizes cache memory, not a node type: choose a node with at least this much)")
    sh = opt(plan, "llm.self_hosted")
    if isinstance(sh, dict):
        put("gpu_type", sh["gpu"], "llm.self_hosted.gpu")
        if sh.get("gpu_instance"):
            put("gpu_instance_type", sh["gpu_instance"], "llm.self_hosted.gpu_instance")
            put("gpu_instance_count", sh["gpu_instances"], "llm.self_hosted.gpu_instances")
        put("gpu_count", sh["gpus"], "llm.self_hosted.gpus")
        put("llm_replicas", sh["replicas"], "llm.self_hosted.replicas")
        put("gpus_per_replica", sh["tensor_parallel"], "llm.self_hosted.tensor_parallel")
    put("monthly_cost_usd", round(float(get(plan, "cost.monthly_usd")), 2), "cost.monthly_usd")
    scenario = plan.get("name") or "(unnamed scenario)"
    return {"_generated": f"capplan {opts.version} on {opts.date} from scenario: {scenario}", **out, "_source": src}
