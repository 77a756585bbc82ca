"""KEDA ScaledObjects (keda.sh/v1alpha1) for self-hosted LLM servers, on vLLM's real metric names.

Triggers (Prometheus scaler): `vllm:num_requests_running` per replica above the batch one replica
serves within the latency target (the plan's `sequences_per_replica_at_slo`), `vllm:num_requests_waiting` per replica (a queue means the batch the
latency target allows is full) and `vllm:kv_cache_usage_perc` averaged over replicas (scale before the
KV cache fills and vLLM preempts). Thresholds and min/max replicas come from the plan's GPU
autoscaling (`llm.self_hosted.autoscaling`) when it has one; otherwise from the stated rules in
`forecasting/export/rules.py`, and min = max = the plan's replicas at peak. An API-only plan has no
LLM server: no documents.
"""
from __future__ import annotations

from typing import Any

from forecasting.export import rules
from forecasting.export.common import Doc, Options, get, labels, opt, slug
from forecasting.export.kubernetes import llm_replicas


def _num(x: float) -> str:
    """A KEDA threshold: trigger metadata values are strings."""
    return f"{x:g}"


def documents(plan: dict[str, Any], opts: Options) -> list[Doc]:
    if opt(plan, "llm.self_hosted") is None:
        return []
    app = slug(plan, opts)
    name = f"{app}-llm"
    model = str(get(plan, "llm.model"))
    lo, hi, lo_src, hi_src = llm_replicas(plan)
    auto = opt(plan, "llm.self_hosted.autoscaling") or {}
    d = Doc({})
    if "scale_out_num_requests_waiting" in auto:
        waiting = float(auto["scale_out_num_requests_waiting"])
        w_src = "llm.self_hosted.autoscaling.scale_out_num_requests_waiting"
    else:
        waiting, w_src = rules.WAITING_PER_REPLICA.value, rules.WAITING_PER_REPLICA.source
    if "scale_out_kv_cache_usage_perc" in auto:
        kv = float(auto["scale_out_kv_cache_usage_perc"])
        kv_src = "llm.self_hosted.autoscaling.scale_out_kv_cache_usage_perc"
    else:
        kv, kv_src = rules.KV_CACHE_SCALE_OUT.value, rules.KV_CACHE_SCALE_OUT.source
    if "scale_out_sequences_per_replica" in auto:
        running = float(auto["scale_out_sequences_per_replica"])
        r_src = "llm.self_hosted.autoscaling.scale_out_sequences_per_replica"
    else:
        running = float(get(plan, "llm.self_hosted.sequences_per_replica_at_slo"))
        r_src = "llm.self_hosted.sequences_per_replica_at_slo (the batch one replica runs within the latency target)"
    cooldown, cd_src = int(rules.KEDA_COOLDOWN_S.value), rules.KEDA_COOLDOWN_S.source
    if "model_load_s" in auto:
        load_s = float(auto["model_load_s"])
        cooldown = max(cooldown, int(round(load_s * 2)))
        cd_src = (f"max(KEDA's 300 s default, 2 x llm.self_hosted.autoscaling.model_load_s = {load_s:g} s): "
                  "a replica that took that long to load is not given back within minutes")
    selector = f'model_name="{model}"'
    d.body = {
        "apiVersion": "keda.sh/v1alpha1", "kind": "ScaledObject",
        "metadata": {"name": name, "namespace": opts.namespace, "labels": labels(app, "llm", opts)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicaCount": d.src("spec.minReplicaCount", lo, lo_src),
            "maxReplicaCount": d.src("spec.maxReplicaCount", hi, hi_src),
            "pollingInterval": d.src("spec.pollingInterval", int(rules.KEDA_POLLING_INTERVAL_S.value),
                                     rules.KEDA_POLLING_INTERVAL_S.source + ": how often KEDA queries Prometheus"),
            "cooldownPeriod": d.src("spec.cooldownPeriod", cooldown, cd_src),
            "triggers": [
                {"type": "prometheus", "name": "running", "metricType": "AverageValue", "metadata": {
                    "serverAddress": opts.prometheus_url,
                    "query": f"sum(vllm:num_requests_running{{{selector}}})",
                    "threshold": d.src("triggers[running].metadata.threshold", _num(running), r_src)}},
                {"type": "prometheus", "name": "queue", "metricType": "AverageValue", "metadata": {
                    "serverAddress": opts.prometheus_url,
                    "query": f"sum(vllm:num_requests_waiting{{{selector}}})",
                    "threshold": d.src("triggers[queue].metadata.threshold", _num(waiting), w_src)}},
                {"type": "prometheus", "name": "kv-cache", "metricType": "Value", "metadata": {
                    "serverAddress": opts.prometheus_url,
                    "query": f"avg(vllm:kv_cache_usage_perc{{{selector}}})",
                    "threshold": d.src("triggers[kv-cache].metadata.threshold", _num(kv), kv_src)}},
            ],
        },
    }
    d.sources.append(("note", "", "running and queue: AverageValue divides the summed value by the replica count; "
                                  "kv-cache: Value compares the average usage (0-1) across replicas with the threshold"))
    return [d]
