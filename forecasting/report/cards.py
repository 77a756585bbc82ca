"""The three things a manager reads first, as short cards: what it costs, what to provision, when to grow.

Why one module: the browser page's plan cards and the report's summary say the same sentences; each
line is built from plan fields only (no numbers of its own), formatted with the plan's number writers (forecasting/vocabulary.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from forecasting.plan_model import CapacityPlan
from forecasting.vocabulary import cell_text as fmt, usd_text as usd


@dataclass(frozen=True)
class Card:
    key: str  # "cost" | "provision" | "grow" | "warnings"
    title: str
    value: str  # the big figure ("" when the card is a list)
    lines: tuple[str, ...]


def plan_cards(p: CapacityPlan) -> list[Card]:
    cards = [cost_card(p), provision_card(p), growth_card(p)]
    if p.warnings:
        cards.append(Card("warnings", "Check these", "", tuple(p.warnings)))
    return cards


def cost_card(p: CapacityPlan) -> Card:
    last = p.timeline[-1] if p.timeline else None
    lines = []
    if last is not None and last.month > 0:
        lines.append(f"{usd(last.monthly_usd)} a month by month {last.month} "
                     f"({fmt(last.registered_users)} registered users)")
    lines.append(f"${p.cost.per_registered_user_usd:,.4f} per registered user a month")
    if p.cost.per_1000_conversations_usd:
        lines.append(f"{usd(p.cost.per_1000_conversations_usd)} per 1,000 conversations")
    top = sorted(p.cost.breakdown, key=lambda b: -b.monthly_usd)[:2]
    if top and p.cost.monthly_usd > 0:
        lines.append("Mostly " + " and ".join(f"{b.component} ({b.monthly_usd / p.cost.monthly_usd:.0%})" for b in top))
    lines += [f"Not priced: {u}" for u in p.cost.unpriced]
    return Card("cost", "Monthly cost today", f"{usd(p.cost.monthly_usd)} /month", tuple(lines))


def provision_card(p: CapacityPlan) -> Card:
    lines = []
    if p.llm.api is not None:
        a = p.llm.api
        tier = a.tier or ("no tier covers the peak" if a.tier_checked else "tier not checked")
        lines.append(f"LLM: {p.llm.model} via its API, {fmt(a.required_tpm)} tokens/min and "
                     f"{fmt(a.required_rpm)} requests/min at peak ({tier})")
    if p.llm.self_hosted is not None:
        s = p.llm.self_hosted
        lines.append(f"LLM: {p.llm.model} on {s.gpus} x {s.gpu} ({s.replicas} replicas of {s.gpus_per_replica}, "
                     f"{s.precision})")
    c = p.compute
    lines.append(f"App: {c.app.instances} x {c.app.instance_type}, autoscaling {c.autoscaling.min_replicas}–"
                 f"{c.autoscaling.max_replicas} replicas at {c.autoscaling.target_cpu_utilization:.0%} CPU")
    if c.workers is not None:
        lines.append(f"Agent workers: {c.workers.instances} x {c.workers.instance_type}")
    st = p.storage
    lines.append(f"Database: {st.database.instance_class}, {fmt(st.database.storage_gb)} GB "
                 f"({fmt(st.database.storage_gb_at_horizon)} GB at the horizon)")
    lines.append(f"Session cache: {fmt(st.cache.memory_gb)} GB")
    if st.vector.storage_gb > 0:
        lines.append(f"Vector store: {fmt(st.vector.storage_gb)} GB")
    main = (f"{p.llm.self_hosted.gpus} GPUs" if p.llm.self_hosted is not None
            else f"{c.app.instances} app instances")
    return Card("provision", "What to provision now", main, tuple(lines))


def growth_card(p: CapacityPlan, limit: int = 6) -> Card:
    events = p.scale_events
    horizon = p.timeline[-1].month if p.timeline else 0
    if not events:
        return Card("grow", "When to grow", "no change", (f"Nothing needs to grow within {horizon} months.",))
    lines = [f"Month {e.month}: {e.resource} {fmt(e.before)} → {fmt(e.after)}" for e in events[:limit]]
    if len(events) > limit:
        lines.append(f"and {len(events) - limit} more changes (see the timeline)")
    return Card("grow", "When to grow", f"month {events[0].month}", tuple(lines))
