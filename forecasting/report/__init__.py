"""A plan as Markdown, readable by someone who was not in the conversation.

Why here and not in agent/: the Markdown report is part of the deterministic output (the transcript
and `capplan plan --format markdown` both use it) and needs no terminal library. The rows shown are
chosen once (`summary_rows`) so the terminal table and the Markdown agree.
"""
from __future__ import annotations

from typing import Any

from forecasting.plan_model import CapacityPlan


def fmt(x: Any, digits: int = 0) -> str:
    if isinstance(x, bool) or x is None:
        return "—" if x is None else ("yes" if x else "no")
    if isinstance(x, int):
        return f"{x:,}"
    if isinstance(x, float):
        if abs(x) >= 1000 or digits == 0 and abs(x) >= 100:
            return f"{x:,.{digits}f}"
        if abs(x) >= 10:
            return f"{x:,.1f}"
        return f"{x:,.2f}"
    return str(x)


def short(x: float) -> str:
    """Compact magnitude for narrow columns: 1.5M, 20.4k, 950."""
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(x) >= div:
            return f"{x / div:.3g}{suffix}" if abs(x) < div * 1000 else f"{x / div:,.0f}{suffix}"
    return f"{x:.3g}" if abs(x) < 100 else f"{x:,.0f}"


def usd(x: float) -> str:
    return f"${x:,.0f}" if abs(x) >= 100 else f"${x:,.2f}"


def summary_rows(p: CapacityPlan) -> list[tuple[str, str, str]]:
    """(what, value with unit, explanation key) for the headline figures."""
    L, c = p.load, p.compute
    rows = [
        ("Peak concurrent users", f"{fmt(L.peak_concurrent_users)} users", "load.peak_concurrent_users"),
        ("Messages at peak" if p.inputs["app_type"] == "chatbot" else "Tasks at peak", f"{fmt(L.requests_per_second)} /s", "load.requests_per_second"),
        ("LLM calls at peak", f"{fmt(L.llm_calls_per_second)} /s", "load.llm_calls_per_second"),
        ("Input tokens at peak", f"{fmt(L.input_tokens_per_minute)} /min", "load.input_tokens_per_minute"),
        ("Output tokens at peak", f"{fmt(L.output_tokens_per_minute)} /min", "load.output_tokens_per_minute"),
    ]
    if p.llm.api is not None:
        a = p.llm.api
        rows += [
            ("API requests needed", f"{fmt(a.required_rpm)} RPM", "llm.api.required_rpm"),
            ("API tokens needed", f"{fmt(a.required_tpm)} TPM", "llm.api.required_tpm"),
            ("API tier", a.tier or ("none covers it (see warnings)" if a.tier_checked else "not checked: no tier table for this provider"), "llm.api.tier"),
        ]
    if p.llm.self_hosted is not None:
        s = p.llm.self_hosted
        rows += [
            ("GPU replicas", f"{s.replicas} x {s.gpus_per_replica} {s.gpu} ({s.precision})", "llm.self_hosted.replicas"),
            ("GPUs", f"{s.gpus}", "llm.self_hosted.gpus"),
            ("Sequences per replica at SLO", f"{s.sequences_per_replica_at_slo}", "llm.self_hosted.sequences_per_replica_at_slo"),
        ]
        if s.operating_point is not None:
            op = s.operating_point
            rows.append(("Operating point (knee)", f"{fmt(op.output_tokens_per_s_per_replica)} of "
                         f"{fmt(op.max_output_tokens_per_s_per_replica)} tok/s per replica ({op.share_of_max_throughput:.0%})",
                         "llm.self_hosted.operating_point.share_of_max_throughput"))
    rows += [
        ("App instances", f"{c.app.instances} x {c.app.instance_type}", "compute.app.instances"),
        ("Autoscaling", f"{c.autoscaling.min_replicas}–{c.autoscaling.max_replicas} replicas at {c.autoscaling.target_cpu_utilization:.0%} CPU", "compute.autoscaling"),
    ]
    if c.workers is not None:
        rows.append(("External tool calls at peak", f"{fmt(L.external_calls_per_second)} /s", "load.external_calls_per_second"))
        rows.append(("Agent workers", f"{c.workers.instances} x {c.workers.instance_type} ({fmt(c.workers.concurrent_tasks)} tasks)", "compute.workers.instances"))
    st = p.storage
    rows += [
        ("Database", f"{st.database.instance_class}, {fmt(st.database.storage_gb)} GB", "storage.database.storage_gb"),
        ("DB writes at peak", f"{fmt(st.database.write_iops_peak)} IOPS", "storage.database.write_iops_peak"),
        ("Session cache", f"{fmt(st.cache.memory_gb)} GB", "storage.cache.memory_gb"),
    ]
    if st.vector.storage_gb > 0:
        rows.append(("Vector store", f"{fmt(st.vector.storage_gb)} GB", "storage.vector.storage_gb"))
    rows += [
        ("Object storage", f"{fmt(st.object.storage_gb)} GB", "storage.object.storage_gb"),
        ("Egress", f"{fmt(p.network.egress_gb_per_month)} GB/month", "network.egress_gb_per_month"),
        ("Monthly cost", usd(p.cost.monthly_usd), "cost.monthly_usd"),
        ("Cost per registered user", f"${p.cost.per_registered_user_usd:,.4f} /month", "cost.per_registered_user_usd"),
        ("Cost per 1,000 conversations", usd(p.cost.per_1000_conversations_usd), "cost.per_1000_conversations_usd"),
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
