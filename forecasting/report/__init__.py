"""A plan as Markdown, readable by someone who was not in the conversation.

Why here and not in agent/: the Markdown report is part of the deterministic output (the transcript
and `capplan plan --format markdown` both use it) and needs no terminal library. The rows shown are
chosen once (`summary_rows`) so the terminal table and the Markdown agree.
"""
from __future__ import annotations

from typing import Any

from forecasting.plan_model import CapacityPlan
from forecasting.vocabulary import cell_text as fmt, heading, unit, usd_text as usd  # names, units, writers: one place


def summary_rows(p: CapacityPlan) -> list[tuple[str, str, str]]:
    """(what, value with unit, explanation key) for the headline figures (names and units: vocabulary)."""
    L, c = p.load, p.compute
    app = str(p.inputs["app_type"])

    def row(path: str, value: Any, text: str | None = None) -> tuple[str, str, str]:
        return heading(path, app), text if text is not None else f"{fmt(value)} {unit(path)}".strip(), path

    rows = [
        row("load.peak_concurrent_users", L.peak_concurrent_users),
        row("load.requests_per_second", L.requests_per_second),
        row("load.llm_calls_per_second", L.llm_calls_per_second),
        row("load.input_tokens_per_minute", L.input_tokens_per_minute),
        row("load.output_tokens_per_minute", L.output_tokens_per_minute),
    ]
    if p.llm.api is not None:
        a = p.llm.api
        rows += [
            row("llm.api.required_rpm", a.required_rpm),
            row("llm.api.required_tpm", a.required_tpm),
            row("llm.api.tier", None, a.tier or ("none covers it (see warnings)" if a.tier_checked else "not checked: no tier table for this provider")),
        ]
    if p.llm.self_hosted is not None:
        s = p.llm.self_hosted
        rows += [
            row("llm.self_hosted.replicas", None, f"{s.replicas} x {s.gpus_per_replica} {s.gpu} ({s.precision})"),
            row("llm.self_hosted.gpus", None, f"{s.gpus}"),
            row("llm.self_hosted.sequences_per_replica_at_slo", None, f"{s.sequences_per_replica_at_slo}"),
        ]
        if s.operating_point is not None:
            op = s.operating_point
            rows.append(row("llm.self_hosted.operating_point.share_of_max_throughput", None,
                            f"{fmt(op.output_tokens_per_s_per_replica)} of {fmt(op.max_output_tokens_per_s_per_replica)} "
                            f"tok/s per replica ({op.share_of_max_throughput:.0%})"))
    rows += [
        row("compute.app.instances", None, f"{c.app.instances} x {c.app.instance_type}"),
        row("compute.autoscaling", None, f"{c.autoscaling.min_replicas}–{c.autoscaling.max_replicas} replicas at "
                                         f"{c.autoscaling.target_cpu_utilization:.0%} CPU"),
    ]
    if c.workers is not None:
        rows.append(row("load.external_calls_per_second", L.external_calls_per_second))
        rows.append(row("compute.workers.instances", None, f"{c.workers.instances} x {c.workers.instance_type} "
                                                           f"({fmt(c.workers.concurrent_tasks)} tasks)"))
    st = p.storage
    rows += [
        row("storage.database.storage_gb", None, f"{st.database.instance_class}, {fmt(st.database.storage_gb)} GB"),
        row("storage.database.write_iops_peak", st.database.write_iops_peak),
        row("storage.cache.memory_gb", st.cache.memory_gb),
    ]
    if st.vector.storage_gb > 0:
        rows.append(row("storage.vector.storage_gb", st.vector.storage_gb))
    rows += [
        row("storage.object.storage_gb", st.object.storage_gb),
        row("network.egress_gb_per_month", p.network.egress_gb_per_month),
        row("cost.monthly_usd", None, usd(p.cost.monthly_usd)),
        row("cost.per_registered_user_usd", None, f"${p.cost.per_registered_user_usd:,.4f} /month"),
        row("cost.per_1000_conversations_usd", None, usd(p.cost.per_1000_conversations_usd)),
    ]
    return rows


def tier_cell(p: CapacityPlan, tier: str | None) -> str:
    """A timeline's tier column: the tier, 'none' when no tier covers, 'n/a' when tiers are unknown."""
    return tier or ("none" if p.llm.api is not None and p.llm.api.tier_checked else "n/a")


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return out


def render_markdown(p: CapacityPlan, title: str | None = None) -> str:
    i = p.inputs
    name = title or p.name or f"{i['app_type']} with {i['registered_users']:,} registered users"
    llm = f"{i['llm']['model']} ({'hosted API' if i['llm']['deployment'] == 'api' else 'self-hosted on ' + str(i['llm']['gpu'])})"
    out = [f"# Capacity plan: {name}", "",
           f"{i['app_type'].capitalize()}, {i['registered_users']:,} registered users, {fmt(i['concurrent_users'])} concurrent on average"
           f" ({fmt(i['peak_concurrent_users'])} at peak), growing {i['monthly_growth_rate']:.1%} a month over {i['horizon_months']} months;"
           f" LLM: {llm}; prices: {p.cost.region} on-demand list prices.", ""]
    if p.warnings:
        out += ["## Warnings", ""] + [f"- {w}" for w in p.warnings] + [""]
    if p.uncertainty is None:
        out += ["## Summary", ""] + _table(["", "value"], [[k, v] for k, v, _ in summary_rows(p)]) + [""]
    else:  # ranges: the band beside each figure that varies, then the uncertainty section
        from forecasting.report.uncertainty import band_text, markdown_section

        out += ["## Summary", ""] + _table(["", "value", "P10–P90"], [[k, v, band_text(p, key)] for k, v, key in summary_rows(p)])
        out += [""] + markdown_section(p)
    out += ["## Monthly cost", ""] + _table(["component", "USD/month", "basis"],
                                            [[b.component, usd(b.monthly_usd), b.basis] for b in p.cost.breakdown])
    out += [f"| **total** | **{usd(p.cost.monthly_usd)}** | |", ""]
    if p.cost.unpriced:
        out += ["Not priced: " + "; ".join(p.cost.unpriced), ""]
    out += ["## Timeline", ""]
    out += _table(["month", "registered users", "peak concurrent", "LLM calls/s", "app inst.",
                   "GPUs" if p.llm.self_hosted else "API tier", "DB GB", "USD/month"],
                  [[str(r.month), fmt(r.registered_users), fmt(r.peak_concurrent_users), fmt(r.llm_calls_per_second),
                    str(r.app_instances), str(r.gpus) if p.llm.self_hosted else tier_cell(p, r.api_tier),
                    fmt(r.db_storage_gb), usd(r.monthly_usd)] for r in p.timeline]) + [""]
    out += ["## Scale events", ""]
    out += ([f"- month {e.month}: {e.resource} {fmt(e.before)} → {fmt(e.after)} ({e.reason})" for e in p.scale_events]
            or ["- none within the horizon"]) + [""]
    out += ["## How each number was derived", ""] + [f"- **{k}**: {v}" for k, v in p.explanations.items()] + [""]
    if p.llm.self_hosted is not None and p.llm.self_hosted.estimator_derivation:
        out += ["### GPU estimator", ""] + [f"- {line}" for line in p.llm.self_hosted.estimator_derivation] + [""]
    out += ["## Assumptions (defaults used)", ""]
    out += _table(["name", "value", "unit", "source"], [[a.name, fmt(a.value), a.unit, a.source] for a in p.assumptions]) + [""]
    return "\n".join(out)
