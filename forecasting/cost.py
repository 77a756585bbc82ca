"""Monthly cost of each component from the dated catalog.

Why the basis text: a cost line without its arithmetic cannot be challenged; every line says
quantity x unit price x hours, with the numbers used.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from forecasting.catalog import Catalog
from forecasting.data_tier import DataSizing
from forecasting.workload import Load

ALB_NEW_CONN_PER_LCU = 25.0  # new connections per second per LCU (AWS ALB LCU definition)
ALB_ACTIVE_CONN_PER_LCU = 3000.0  # active connections per minute per LCU
ALB_GB_PER_HOUR_PER_LCU = 1.0  # processed GB per hour per LCU for EC2 targets
CACHE_ACCESSES_PER_MESSAGE = 2.0  # read the session, write it back


@dataclass(frozen=True)
class Line:
    component: str
    monthly_usd: float
    basis: str


def tiered_egress_usd(gb: float, tiers: list[list[float]]) -> float:
    """Internet egress is priced in volume tiers; beyond the last tier the last rate applies."""
    left, usd = gb, 0.0
    for size, rate in tiers:
        take = min(left, size)
        usd += take * rate
        left -= take
        if left <= 0:
            return usd
    return usd + left * tiers[-1][1]


def data_lines(load: Load, d: DataSizing, cat: Catalog, db: dict[str, Any], db_replicas: int, vector_gb: float) -> list[Line]:
    """Managed databases bill RDS gp3 storage and IOPS; self-managed ones EBS gp3 (3,000 IOPS included)."""
    h = cat.hours_per_month
    storage_key = "rds_gp3_storage" if db["managed"] else "ebs_gp3"
    storage_price = cat.service(storage_key)
    included_iops = 3000
    extra_iops = max(0.0, d.write_iops_peak - included_iops)
    iops_usd = extra_iops * cat.service("rds_extra_iops")
    cache_gb_hour = cat.service("elasticache_serverless_valkey_gb_hour")
    ecpu_price = cat.service("elasticache_serverless_valkey_million_ecpu")
    kb = max(1.0, math.ceil(d.cache_bytes_per_session / 1024.0))
    ecpu_m = load.monthly_messages * CACHE_ACCESSES_PER_MESSAGE * kb / 1e6
    cache_gb = max(d.cache_memory_gb / cat.service("elasticache_usable_memory_fraction"), 1.0)
    s3 = cat.service("s3_standard")
    egress = tiered_egress_usd(d.egress_gb_per_month, cat.service("internet_egress_tiers"))
    lines = [
        Line("database instance", db["usd_per_hour"] * db_replicas * h,
             f"{db['name']} x {db_replicas} ({'managed, primary + standby' if db['managed'] else 'self-managed: no priced managed class fits'})"
             f" x ${db['usd_per_hour']}/h x {h:.0f} h"),
        Line("database storage", d.db_storage_gb * storage_price + iops_usd,
             f"{d.db_storage_gb:,.1f} GB (all copies) x ${storage_price}/GB-month ({'RDS' if db['managed'] else 'EBS'} gp3)"
             + (f" + {extra_iops:,.0f} IOPS above {included_iops:,} x ${cat.service('rds_extra_iops')}" if extra_iops else "")),
        Line("session cache", cache_gb * cache_gb_hour * h + ecpu_m * ecpu_price,
             f"{cache_gb:,.2f} GB billed (min 1 GB; {d.cache_memory_gb:,.2f} GB of sessions / usable fraction) x ${cache_gb_hour}/GB-h x {h:.0f} h"
             f" + {ecpu_m:,.1f} M ECPU x ${ecpu_price}/M"),
        Line("object storage", d.object_storage_gb * s3,
             f"{d.object_storage_gb:,.1f} GB (logs + attachments) x ${s3}/GB-month"),
        Line("internet egress", egress, f"{d.egress_gb_per_month:,.1f} GB/month at tiered rates (first 10 TB ${cat.service('internet_egress_tiers')[0][1]}/GB)"),
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
    hourly, per_lcu = cat.service("alb_hour"), cat.service("alb_lcu_hour")
    return Line("load balancer", (hourly + lcu * per_lcu) * h,
                f"1 ALB x ${hourly}/h + {lcu:,.1f} LCU x ${per_lcu}/LCU-h, x {h:.0f} h")
