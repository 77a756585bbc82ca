"""Values an export needs that a plan does not (yet) give, each a stated rule with its source.

Why here, in one place: a threshold typed into a template is a default nobody can find; these are
used only when the plan lacks the figure (GPU autoscaling thresholds come from the plan when it has
`llm.self_hosted.autoscaling`), and every use is named in the generated file's comments.
"""
from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    value: float
    source: str


HPA_SCALE_UP_WINDOW_S = Rule(0, "Kubernetes HPA default scale-up stabilization window (0 s), kubernetes.io HPA docs")
HPA_SCALE_DOWN_WINDOW_S = Rule(300, "Kubernetes HPA default scale-down stabilization window (300 s), kubernetes.io HPA docs")
KEDA_POLLING_INTERVAL_S = Rule(30, "KEDA default pollingInterval (30 s), keda.sh ScaledObject spec docs")
KEDA_COOLDOWN_S = Rule(300, "KEDA default cooldownPeriod (300 s), keda.sh ScaledObject spec docs")
WAITING_PER_REPLICA = Rule(1, "capplan rule: vLLM queues a request only when the running batch is full, so a sustained "
                              "average of 1 waiting request per replica means the batch the latency target allows is exceeded")
KV_CACHE_SCALE_OUT = Rule(0.9, "capplan rule: scale out before the KV cache fills (vLLM preempts running requests when "
                               "it is full); plausible 0.8-0.95")
