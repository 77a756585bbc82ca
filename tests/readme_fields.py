"""The table of scenario fields in docs/scenario.md, generated from the models and the defaults table.

Why generated: the defaults live in one place (forecasting/defaults.py); the docs must not drift from
them. `python -m tests.readme_fields --write` rewrites the table in docs/scenario.md; tests/test_readme.py
fails when the page's table differs from what this produces.
"""
from __future__ import annotations

import sys
from pathlib import Path

from forecasting.defaults import AGENT, CHATBOT, COMMON, DEFAULT_API_MODEL, DEFAULT_GPU, DEFAULT_SELF_HOSTED_MODEL
from forecasting.scenario import AppTier, DataTier, LLMConfig, Measured, Scenario, Workload

FIELDS_PAGE = Path(__file__).resolve().parents[1] / "docs" / "scenario.md"
START, END = "| field | meaning | default | source of the default |", "\n## "

SPECIAL = {
    "app_type": ("required", ""),
    "registered_users": ("required", ""),
    "concurrent_users": ("one load source is required", ""),
    "peak_concurrent_users": ("one load source is required (or with another source: the peak)", ""),
    "daily_active_users": ("one load source is required", ""),
    "monthly_active_users": ("one load source is required (or with daily_active_users, for the record)", ""),
    "monthly_conversations": ("one load source is required", ""),
    "monthly_messages": ("one load source is required", ""),
    "monthly_tasks": ("one load source is required", ""),
    "measured": ("one load source is required", "capplan calibrate, or your own measurement"),
    "measured.llm_calls_per_second": ("required in `measured`", ""),
    "measured.peak_llm_calls_per_second": ("the peak multiplier", ""),
    "measured.input_tokens_per_call": ("computed from the workload fields", ""),
    "measured.output_tokens_per_call": ("workload.output_tokens", ""),
    "measured.source": ("", ""),
    "llm.model": (f"api: {DEFAULT_API_MODEL.value}; self_hosted: {DEFAULT_SELF_HOSTED_MODEL.value}",
                  f"{DEFAULT_API_MODEL.source}; {DEFAULT_SELF_HOSTED_MODEL.source}"),
    "llm.gpu": (str(DEFAULT_GPU.value), DEFAULT_GPU.source),
    "llm.precision": ("the model's native (bf16)", "the estimator"),
    "llm.tensor_parallel": ("chosen", "the estimator: most sequences per GPU within the latency targets"),
    "app.instance_type": ("chosen: the cheapest fit in the region", "instance search (docs/provisioning.md)"),
    "app.worker_instance_type": ("chosen: the cheapest fit in the region", "instance search (docs/provisioning.md)"),
    "app.instance_families": ("all non-burstable CPU families of the region", "instance search (docs/provisioning.md)"),
    "app.worker_instance_families": ("all non-burstable CPU families of the region", "instance search (docs/provisioning.md)"),
    "app.worker_vcpu_per_task": ("none: CPU sized by app.worker_cpu_ms_per_step", ""),
    "daily_load_curve": ("raised cosine, trough 0.3 x mean at 04:00, rescaled to the peak multiplier", "forecasting/curve.py (Azure LLM trace 2024, BurstGPT)"),
    "workload.think_time_s": ("chatbot: session_minutes x 60 / messages_per_session (168 s); agent 79",
                              AGENT["workload.think_time_s"].source),
}


def _default(key: str) -> tuple[str, str]:
    if key in SPECIAL:
        return SPECIAL[key]
    c, a = CHATBOT.get(key) or COMMON.get(key), AGENT.get(key) or COMMON.get(key)
    if c is None and a is None:
        return "", ""
    if c and a and c.value == a.value:
        return str(c.value), c.source
    value = ", ".join(x for x in (f"chatbot {c.value}" if c else "", f"agent {a.value}" if a else "") if x)
    sources = ([f"chatbot: {c.source}"] if c else []) + ([f"agent: {a.source}"] if a and (not c or a.source != c.source) else [])
    return value, "; ".join(sources)


def table() -> str:
    rows = [START, "|---|---|---|---|"]
    fields = [(n, f) for n, f in Scenario.model_fields.items() if n not in ("llm", "workload", "app", "data")]
    for section, model in (("llm", LLMConfig), ("workload", Workload), ("app", AppTier), ("data", DataTier),
                           ("measured", Measured)):
        fields += [(f"{section}.{n}", f) for n, f in model.model_fields.items()]
    for path, f in fields:
        value, source = _default(path)
        rows.append(f"| `{path}` | {f.description or ''} | {value} | {source} |")
    return "\n".join(rows) + "\n"


def readme_table(text: str) -> str:
    a = text.index(START)
    b = text.find(END, a)
    return text[a:] if b < 0 else text[a:b + 1]


if __name__ == "__main__":
    text = FIELDS_PAGE.read_text()
    if "--write" in sys.argv:
        FIELDS_PAGE.write_text(text.replace(readme_table(text), table()))
    else:
        sys.stdout.write(table())
