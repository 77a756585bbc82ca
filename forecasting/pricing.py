"""What an instance-hour costs under the scenario's pricing option, with the arithmetic as text.

Why commitments cover only the baseline: a reservation (or savings plan, or committed-use discount)
is paid every hour whether used or not, so an engineer reserves what runs all day (the autoscaling
minimum, the database) and pays on-demand for the hours above it. Why spot only for stateless tiers:
spot capacity is reclaimed at short notice; app instances and agent workers behind N+1 survive that,
a database primary or a GPU replica that needs minutes to load its model does not (pricing_options.json).
"""
from __future__ import annotations

from typing import Literal, NamedTuple

from forecasting.catalog import Catalog
from forecasting.catalog_entries import Instance, ManagedDb

PricingOption = Literal["on_demand", "reserved_1y", "reserved_3y", "spot"]
Tier = Literal["app", "workers", "gpu", "db_self", "db_managed"]


class Rate(NamedTuple):
    """USD per instance-hour for the always-on baseline and for hours above it, each with its basis."""

    baseline_usd_per_hour: float
    burst_usd_per_hour: float
    list_usd_per_hour: float
    basis: str


def rate(cat: Catalog, entry: Instance | ManagedDb, option: str, tier: Tier, list_price: float | None = None) -> Rate:
    """`list_price` stands in for a row without an on-demand price (or one the caller has already adjusted)."""
    listed = entry.usd_per_hour if list_price is None else list_price
    if listed is None:
        raise ValueError(f"{entry.name} has no on-demand price: pass list_price")
    od = float(listed)
    name = entry.name
    if option == "on_demand":
        return Rate(od, od, od, f"on-demand ${od:g}/h")
    if option == "spot":
        spot_tiers = cat.pricing_options_spot_tiers()
        spot = entry.spot_usd_per_hour if isinstance(entry, Instance) else None
        if tier not in spot_tiers:
            return Rate(od, od, od, f"on-demand ${od:g}/h (spot is not used for the {tier.replace('_', ' ')} tier)")
        if not spot:
            return Rate(od, od, od, f"on-demand ${od:g}/h (no spot price for {name} in the catalog)")
        return Rate(float(spot), float(spot), od, f"spot ${float(spot):g}/h (lowest zone; on-demand ${od:g}/h)")
    key = option if tier != "db_managed" else f"managed_db_{option}"
    term = "1-year" if option == "reserved_1y" else "3-year"
    carried = (entry.reserved_3y_usd_per_hour if isinstance(entry, Instance) and option == "reserved_3y" and tier != "db_managed"
               and list_price is None else None)
    if carried and isinstance(entry, Instance):
        r = carried
        return Rate(r, od, od, f"{term} reserved ${r:g}/h for the always-on baseline ({entry.reserved_3y_source}),"
                               f" on-demand ${od:g}/h above it")
    p = cat.pricing(key)
    if not p:
        return Rate(od, od, od, f"on-demand ${od:g}/h (no {term} commitment rate for {cat.provider} in the catalog)")
    r = od * (1.0 - p.discount)
    return Rate(r, od, od, f"{term} commitment ${od:g}/h x (1 - {p.discount:.0%}) = ${r:.4g}/h for the always-on baseline"
                           f" ({p.source}), on-demand ${od:g}/h above it")


def hourly_cost(counts: list[int], r: Rate, hours_per_month: float) -> tuple[float, int]:
    """Monthly cost of a tier whose instance count follows `counts` (one per hour of the day): the daily
    minimum runs all day at the baseline rate, the rest at the burst rate. Returns (USD, baseline count)."""
    base = min(counts)
    per_day = sum(base * r.baseline_usd_per_hour + (c - base) * r.burst_usd_per_hour for c in counts)
    return per_day * hours_per_month / len(counts), base
