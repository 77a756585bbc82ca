"""Kubernetes manifests from a plan: Deployment + HorizontalPodAutoscaler (autoscaling/v2) +
PodDisruptionBudget per CPU tier (app, agent workers), and a GPU Deployment running vLLM for
self-hosted LLM serving. Tiers the plan does not have are left out.

Why one pod per instance: the plan sizes instances of a catalog type; a pod requesting that type's
vCPU and memory makes the HPA's replica counts the plan's instance counts. (Node allocatable is a
little below the instance size: the generated comment says so.)
"""
from __future__ import annotations

from typing import Any, NamedTuple

from forecasting.export import rules
from forecasting.export.common import Doc, Options, cpu, get, gib, labels, opt, slug


def _cpu_tier(plan: dict[str, Any], opts: Options, app: str, tier: str, itype: str, vcpu: float, mem: float,
              src_type: str, src_size: str, min_path: str, max_path: str) -> list[Doc]:
    name = f"{app}-{tier}"
    lab = labels(app, tier, opts)
    lo, hi = int(get(plan, min_path)), int(get(plan, max_path))
    dep = Doc({})
    res = {"cpu": dep.src("spec.template.spec.containers[0].resources.requests.cpu", cpu(vcpu), f"{src_size} (vCPU of one {itype})"),
           "memory": dep.src("spec.template.spec.containers[0].resources.requests.memory", gib(mem), f"{src_size} (memory of one {itype})")}
    dep.body = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": opts.namespace, "labels": lab},
        "spec": {
            "replicas": dep.src("spec.replicas", lo, min_path),
            "selector": {"matchLabels": {"app.kubernetes.io/name": app, "app.kubernetes.io/component": tier}},
            "template": {
                "metadata": {"labels": lab},
                "spec": {
                    "nodeSelector": {"node.kubernetes.io/instance-type": dep.src(
                        "spec.template.spec.nodeSelector", itype, src_type)},
                    "containers": [{"name": tier, "image": opts.app_image,
                                    "resources": {"requests": dict(res), "limits": {"memory": res["memory"]}}}],
                },
            },
        },
    }
    dep.sources.append(("note", "", f"one pod per {itype} instance; node allocatable is slightly below the instance size, "
                                    "so lower the requests a little or pick the next size up if pods stay Pending"))
    target = float(get(plan, "compute.autoscaling.target_cpu_utilization"))
    hpa = Doc({})
    hpa.body = {
        "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": opts.namespace, "labels": lab},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": hpa.src("spec.minReplicas", lo, min_path),
            "maxReplicas": hpa.src("spec.maxReplicas", hi, max_path),
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                "type": "Utilization",
                "averageUtilization": hpa.src("spec.metrics[0].resource.target.averageUtilization", round(target * 100),
                                              "compute.autoscaling.target_cpu_utilization x 100")}}}],
            "behavior": {
                "scaleUp": {"stabilizationWindowSeconds": hpa.src("spec.behavior.scaleUp.stabilizationWindowSeconds",
                                                                  int(rules.HPA_SCALE_UP_WINDOW_S.value), rules.HPA_SCALE_UP_WINDOW_S.source)},
                "scaleDown": {"stabilizationWindowSeconds": hpa.src("spec.behavior.scaleDown.stabilizationWindowSeconds",
                                                                    int(rules.HPA_SCALE_DOWN_WINDOW_S.value), rules.HPA_SCALE_DOWN_WINDOW_S.source)},
            },
        },
    }
    hpa.sources.append(("note", "", f"the plan's scale-out / scale-in thresholds "
                                    f"({get(plan, 'compute.autoscaling.scale_out_cpu_utilization'):.0%} / "
                                    f"{get(plan, 'compute.autoscaling.scale_in_cpu_utilization'):.0%} CPU) bracket this "
                                    "target; the HPA scales proportionally around one target"))
    pdb = Doc({})
    pdb.body = {
        "apiVersion": "policy/v1", "kind": "PodDisruptionBudget",
        "metadata": {"name": name, "namespace": opts.namespace, "labels": lab},
        "spec": {"maxUnavailable": pdb.src("spec.maxUnavailable", 1, "the plan's N+1 spare: one instance may be down"),
                 "selector": {"matchLabels": {"app.kubernetes.io/name": app, "app.kubernetes.io/component": tier}}},
    }
    return [dep, hpa, pdb]


def gpu_resource(gpu: str) -> str:
    """The device-plugin resource name: AMD Instinct GPUs are amd.com/gpu, the rest nvidia.com/gpu."""
    return "amd.com/gpu" if gpu.lower().startswith("mi") else "nvidia.com/gpu"


class ReplicaRange(NamedTuple):
    low: int
    high: int
    low_source: str  # the plan field each bound is read from
    high_source: str


def llm_replicas(plan: dict[str, Any]) -> ReplicaRange:
    """GPU model replicas, fewest to most: the plan's GPU autoscaling when it has it."""
    auto = opt(plan, "llm.self_hosted.autoscaling")
    if isinstance(auto, dict) and "min_replicas" in auto and "max_replicas" in auto:
        return ReplicaRange(int(auto["min_replicas"]), int(auto["max_replicas"]), "llm.self_hosted.autoscaling.min_replicas",
                            "llm.self_hosted.autoscaling.max_replicas")
    n = int(get(plan, "llm.self_hosted.replicas"))
    src = "llm.self_hosted.replicas (the plan sizes GPUs for the peak and gives no floor: min = max)"
    return ReplicaRange(n, n, src, src)


def model_info(model_id: str) -> tuple[str, int | None, str]:
    """(Hugging Face repo id, max context, source) from the built-in model catalog (data/llm_models.json).

    The catalog writes chat variants as `org/Name(-Instruct)`; a chat app serves the instruct model.
    """
    import json
    from pathlib import Path

    doc = json.loads((Path(__file__).resolve().parents[1] / "data" / "llm_models.json").read_text(encoding="utf-8"))
    for m in doc.get("models", []):
        if m.get("id") == model_id or model_id in (m.get("aliases") or []):
            hf = str(m.get("hf_id") or model_id).replace("(-Instruct)", "-Instruct")
            ctx = m.get("max_context")
            return hf, int(ctx) if ctx else None, f"llm.model {model_id} -> catalog hf_id {m.get('hf_id')}"
    return model_id, None, f"llm.model {model_id} (not in the built-in catalog: replace with its Hugging Face repo id)"


def gpu_deployment(plan: dict[str, Any], opts: Options, app: str) -> Doc:
    sh = get(plan, "llm.self_hosted")
    tp = int(sh["tensor_parallel"])
    model_id = str(get(plan, "llm.model"))
    hf, max_len, hf_src = model_info(model_id)
    lo, _, lo_src, _ = llm_replicas(plan)
    lab = labels(app, "llm", opts)
    name = f"{app}-llm"
    d = Doc({})
    resource = gpu_resource(str(sh["gpu"]))
    args = ["--model", d.src("args --model", hf, hf_src),
            "--tensor-parallel-size", d.src("args --tensor-parallel-size", str(tp), "llm.self_hosted.tensor_parallel")]
    if max_len:
        args += ["--max-model-len", d.src("args --max-model-len", str(max_len), f"catalog max_context of {model_id}")]
    args += ["--gpu-memory-utilization", d.src("args --gpu-memory-utilization", str(_vllm_memory_fraction()),
                                              "engine profile vllm kv_memory_fraction (vLLM's default)")]
    precision = sh.get("precision")
    if precision in ("fp8",):
        args += ["--quantization", d.src("args --quantization", "fp8", "llm.self_hosted.precision")]
    spec: dict[str, Any] = {
        "containers": [{
            "name": "vllm", "image": opts.llm_image, "args": args,
            "ports": [{"name": "http", "containerPort": 8000}],
            "resources": {"limits": {resource: d.src(f"resources.limits.{resource}", tp, "llm.self_hosted.tensor_parallel (GPUs per replica)")},
                          "requests": {resource: tp}},
        }],
        "tolerations": [{"key": resource, "operator": "Exists", "effect": "NoSchedule"}],
    }
    if sh.get("gpu_instance"):
        spec["nodeSelector"] = {"node.kubernetes.io/instance-type": d.src("nodeSelector", sh["gpu_instance"],
                                                                          "llm.self_hosted.gpu_instance")}
    d.body = {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": opts.namespace, "labels": lab},
        "spec": {"replicas": d.src("spec.replicas", lo, lo_src),
                 "selector": {"matchLabels": {"app.kubernetes.io/name": app, "app.kubernetes.io/component": "llm"}},
                 "template": {"metadata": {"labels": lab}, "spec": spec}},
    }
    d.sources.append(("note", "", f"GPU type {sh['gpu']} ({d.body['spec']['replicas']} replicas x {tp} GPUs); "
                                  "the toleration matches the usual GPU node taint; KEDA (capplan export --to keda) scales it"))
    return d


def _vllm_memory_fraction() -> float:
    from forecasting.serving.catalog import load_serving_catalog

    return float(load_serving_catalog().profile("vllm").kv_memory_fraction)


def documents(plan: dict[str, Any], opts: Options) -> list[Doc]:
    from forecasting.catalog import default_catalog

    app = slug(plan, opts)
    a = get(plan, "compute.app")
    docs = _cpu_tier(plan, opts, app, "app", a["instance_type"], a["instance_vcpu"], a["instance_memory_gib"],
                     "compute.app.instance_type", "compute.app.instance_vcpu / instance_memory_gib",
                     "compute.autoscaling.min_replicas", "compute.autoscaling.max_replicas")
    w = opt(plan, "compute.workers")
    if isinstance(w, dict) and opt(plan, "compute.autoscaling.workers_min_replicas") is not None:
        inst = default_catalog().cpu_instances.get(w["instance_type"])
        if inst is None:
            from forecasting.errors import ScenarioError

            raise ScenarioError(f"compute.workers.instance_type: {w['instance_type']!r} is not in the catalog")
        docs += _cpu_tier(plan, opts, app, "workers", w["instance_type"], float(inst.vcpu), float(inst.memory_gib),
                          "compute.workers.instance_type", f"catalog size of {w['instance_type']}",
                          "compute.autoscaling.workers_min_replicas", "compute.autoscaling.workers_max_replicas")
    if opt(plan, "llm.self_hosted") is not None:
        docs.append(gpu_deployment(plan, opts, app))
    return docs
