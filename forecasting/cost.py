"""Monthly cost of each component from the dated catalog.

Why the basis text: a cost line without its arithmetic cannot be challenged; every line says
quantity x unit price x hours, with the numbers used.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple
from forecasting.catalog import Catalog
from forecasting.catalog_entries import DbHost
from forecasting.data_tier import DataSizing
from forecasting.derivation import NO_DERIVATIONS, n as _n
from forecasting.workload import Load

ALB_NEW_CONN_PER_LCU = 25.0  # new connections per second per LCU (AWS ALB LCU definition)
ALB_ACTIVE_CONN_PER_LCU = 3000.0  # active connections per minute per LCU
ALB_GB_PER_HOUR_PER_LCU = 1.0  # processed GB per hour per LCU for EC2 targets
CACHE_ACCESSES_PER_MESSAGE = 2.0  # read the session, write it back


class Line(NamedTuple):
    component: str
    monthly_usd: float
    basis: str


def tiered_egress_usd(gb: float, tiers: tuple[tuple[float, float], ...]) -> float:
    """Internet egress is priced in volume tiers; beyond the last tier the last rate applies."""
    left, usd = gb, 0.0
    for size, rate in tiers:
        take = min(left, size)
        usd += take * rate
        left -= take
        if left <= 0:
            return usd
    return usd + left * tiers[-1][1]


# ElastiCache node memory is not in the price sources; cache.r6g.large holds 13.07 GiB (AWS ElastiCache node specs)
CACHE_NODE_MEMORY_GIB = {"cache.r6g.large": 13.07}


def cache_line(load: Load, d: DataSizing, cat: Catalog, text: bool = True) -> Line:
    """The cheaper of serverless Valkey (billed per GB-hour and per ECPU) and node-based Redis/Valkey
    (a primary and a replica node per shard, 75% of node memory usable) for the session cache."""
    h = cat.hours_per_month
    cache_gb_hour = cat.services.elasticache_serverless_valkey_gb_hour.value
    ecpu_price = cat.services.elasticache_serverless_valkey_million_ecpu.value
    kb = max(1.0, math.ceil(d.cache_bytes_per_session / 1024.0))
    ecpu_m = load.monthly_messages * CACHE_ACCESSES_PER_MESSAGE * kb / 1e6
    usable = cat.services.elasticache_usable_memory_fraction.value
    billed_gb = max(d.cache_memory_gb / usable, 1.0)
    serverless = billed_gb * cache_gb_hour * h + ecpu_m * ecpu_price
    best = Line("session cache", serverless, "")
    node_basis = ""
    for c in cat.caches:
        mem = CACHE_NODE_MEMORY_GIB.get(c.node_class)
        if c.usd_per_hour and mem:
            shards = max(1, math.ceil(d.cache_memory_gb / (mem * usable) - 1e-9))
            usd = shards * 2 * c.usd_per_hour * h
            if usd < best.monthly_usd:
                best = Line("session cache", usd, "")
                node_basis = (f"{shards} shard(s) x 2 nodes (primary + replica) of {c.node_class} ({c.engine}, {mem} GiB,"
                              f" {usable:.0%} usable) x ${c.usd_per_hour}/h x {h:.0f} h; cheaper than serverless (${serverless:,.2f})")
    if not text:
        return best
    if node_basis:
        return Line(best.component, best.monthly_usd, node_basis)
    return Line(best.component, best.monthly_usd,
                f"ElastiCache Serverless (Valkey): {billed_gb:,.2f} GB billed (min 1 GB; {d.cache_memory_gb:,.2f} GB of sessions / usable"
                f" fraction) x ${cache_gb_hour}/GB-h x {h:.0f} h + {ecpu_m:,.1f} M ECPU x ${ecpu_price}/M"
                + ("" if not cat.caches else "; cheaper than node-based classes"))


def data_lines(load: Load, d: DataSizing, cat: Catalog, db: DbHost, db_replicas: int, vector_gb: float,
               db_usd_per_hour: float | None = None, db_rate_basis: str = "", read_replicas: int = 0,
               text: bool = True) -> list[Line]:
    """Managed databases bill their storage and IOPS; self-managed ones block storage (3,000 IOPS included).
    `db_usd_per_hour` is the class's price under the pricing option (default: list price)."""
    h = cat.hours_per_month
    storage_price = (cat.services.rds_gp3_storage if db.managed else cat.services.ebs_gp3).value
    included_iops = 3000
    extra_iops = max(0.0, d.write_iops_peak - included_iops)
    iops_usd = extra_iops * cat.services.rds_extra_iops.value
    s3 = cat.services.s3_standard.value
    egress = tiered_egress_usd(d.egress_gb_per_month, cat.services.internet_egress_tiers.value)
    rate = db.usd_per_hour if db_usd_per_hour is None else db_usd_per_hour
    copies = db_replicas + read_replicas
    db_usd = rate * copies * h
    replica_gb = d.db_storage_gb / max(db_replicas, 1) * read_replicas
    lines = [
        Line("database instance", db_usd,
             f"{db.name} x {db_replicas} ({'managed, primary + standby' if db.managed else 'self-managed: no priced managed class fits'}"
             f"{f') + {read_replicas} read replica(s' if read_replicas else ''}) x ${rate:.4g}/h x {h:.0f} h"
             + (f"; {db_rate_basis}" if db_rate_basis else "") if text else ""),
        Line("database storage", (d.db_storage_gb + replica_gb) * storage_price + iops_usd,
             f"{d.db_storage_gb + replica_gb:,.1f} GB (all copies; {d.history_days:,.0f} days of history) x ${storage_price}/GB-month"
             f" ({'managed' if db.managed else 'block'} storage)"
             + (f" + {extra_iops:,.0f} IOPS above {included_iops:,} x ${cat.services.rds_extra_iops.value}" if extra_iops else "") if text else ""),
        cache_line(load, d, cat, text),
        Line("object storage", d.object_storage_gb * s3,
             f"{d.object_storage_gb:,.1f} GB (logs + attachments) x ${s3}/GB-month" if text else ""),
        Line("internet egress", egress, f"{d.egress_gb_per_month:,.1f} GB/month at tiered rates (from {cat.region}'s tier table)" if text else ""),
    ]
    if vector_gb > 0:
        lines.insert(2, Line("vector store", vector_gb * storage_price * db_replicas,
                             f"{vector_gb:,.1f} GB of vectors x {db_replicas} copies x ${storage_price}/GB-month (pgvector on the database)"))
    return lines


def load_balancer_line(load: Load, d: DataSizing, cat: Catalog) -> Line:
    h = cat.hours_per_month
    new_conn = load.average_messages_per_s  # streaming: about one request per message
    lcu = max(new_conn / ALB_NEW_CONN_PER_LCU, load.average_concurrent_users / ALB_ACTIVE_CONN_PER_LCU,
              d.egress_gb_per_month / h / ALB_GB_PER_HOUR_PER_LCU, 1.0)
    hourly, per_lcu = cat.services.alb_hour.value, cat.services.alb_lcu_hour.value
    return Line("load balancer", (hourly + lcu * per_lcu) * h,
                f"(1 ALB x ${hourly}/h + {lcu:,.1f} LCU x ${per_lcu}/LCU-h) x {h:.0f} h")


class UnitCosts(NamedTuple):
    per_registered_user_usd: float
    per_1000_conversations_usd: float  # 0 when the month has no conversations
    derivations: Mapping[str, str] = NO_DERIVATIONS


def unit_costs(total_usd: float, registered_users: int, monthly_conversations: float, explain: bool = False) -> UnitCosts:
    """The month's cost per registered user and per 1,000 conversations."""
    per_user = total_usd / registered_users
    per_1000 = total_usd / monthly_conversations * 1000.0 if monthly_conversations > 0 else 0.0
    derivations: Mapping[str, str] = NO_DERIVATIONS
    if explain:
        derivations = {"cost.per_registered_user_usd": (f"${total_usd:,.2f} / {registered_users:,} registered users = ${per_user:,.4f}"
                                                        " per user per month")}
        if monthly_conversations > 0:
            derivations["cost.per_1000_conversations_usd"] = (f"${total_usd:,.2f} / {_n(monthly_conversations)} conversations x 1,000"
                                                              f" = ${per_1000:,.2f}")
    return UnitCosts(per_user, per_1000, derivations)

