"""The conversation database host: the cheapest managed PostgreSQL class that fits, else self-managed.

Why burstable classes are limited: a burstable class (db.t4g) earns CPU credits at a baseline share of
its vCPUs and throttles when they run out; it is fine for a small primary whose sustained CPU stays under
that baseline, not for one doing real work. AWS baselines per vCPU: t4g.micro 10%, t4g.small 20%,
t4g.medium 20%, t4g.large 30% (Amazon EC2 burstable performance instances, baseline utilization table).
capplan also keeps burstable primaries to databases of at most 100 GB (a capplan rule: beyond that the
index working set outgrows 1-4 GiB of RAM). Why read replicas: writes must go to the primary, reads
need not; when the reads that miss the session cache need more than half the primary's vCPUs, replicas
of the same class serve them (each at the Single-AZ price).
Why `explain`: with it on (month 0 of a plan), `choose_db` writes the storage.database.* texts of the
choice beside it, from the same locals (forecasting/derivation.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, TYPE_CHECKING
import math

from forecasting.catalog_entries import DbHost
from forecasting.derivation import NO_DERIVATIONS, n as _n

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.data_tier import DataSizing
    from forecasting.scenario import ResolvedData

BURSTABLE_BASELINE = {"micro": 0.10, "small": 0.20, "medium": 0.20, "large": 0.30, "xlarge": 0.40, "2xlarge": 0.40}
BURSTABLE_MAX_GB = 100.0
READS_ON_PRIMARY = 0.5  # share of the primary's vCPUs reads may use before replicas take them
REPLICA_TARGET = 0.6  # CPU target on a read replica


class DbChoice(NamedTuple):
    option: DbHost
    fits: bool
    read_replicas: int
    basis: str
    derivations: Mapping[str, str] = NO_DERIVATIONS

    @property
    def managed(self) -> bool:
        return self.option.managed


def is_burstable(o: DbHost) -> bool:
    return "burstable" in o.entry.flags or ".t4g." in o.name or ".t3." in o.name


def _allowed(o: DbHost, vcpu: float, storage_gb: float) -> bool:
    if not is_burstable(o):
        return True
    size = o.name.rsplit(".", 1)[-1]
    return vcpu <= BURSTABLE_BASELINE.get(size, 0.0) * o.vcpu and storage_gb <= BURSTABLE_MAX_GB


def choose_db(options: list[DbHost], data: "DataSizing", rules: "ResolvedData", text: bool = True,
              explain: bool = False) -> DbChoice:
    """First (cheapest, managed before self-managed) host with the vCPU for the writes and the memory for the
    hot data that a production primary may use; the largest host, flagged, when none is big enough.
    `data`: the month's data tier (its needs); `rules`: the scenario's data section (for the texts)."""
    vcpu, memory_gib, storage_gb, read_vcpu = data.db_vcpu_required, data.db_memory_gib_required, data.db_storage_gb, data.db_read_vcpu_required
    chosen, fits = None, True
    for o in options:
        if o.vcpu >= vcpu and o.memory_gib >= memory_gib and _allowed(o, vcpu, storage_gb):
            chosen = o
            break
    if chosen is None:
        chosen, fits = max(options, key=lambda o: (o.memory_gib, o.vcpu)), False
    cls_vcpu = float(chosen.vcpu)
    replicas = 0 if read_vcpu <= READS_ON_PRIMARY * cls_vcpu else math.ceil(read_vcpu / (cls_vcpu * REPLICA_TARGET) - 1e-9)
    if not text:
        return DbChoice(chosen, fits, replicas, "")
    kind = "managed" if chosen.managed else "self-managed"
    basis = (f"{chosen.name} ({kind}, {cls_vcpu:g} vCPU / {float(chosen.memory_gib):g} GiB): the cheapest class with"
             f" >= {vcpu:.3g} vCPU for the writes and >= {memory_gib:.3g} GiB for the hot data"
             + ("" if not is_burstable(chosen) else f"; burstable allowed: {vcpu:.3g} vCPU is within its CPU-credit baseline and"
                f" {storage_gb:,.0f} GB <= {BURSTABLE_MAX_GB:.0f} GB")
             + (f"; reads need {read_vcpu:.3g} vCPU, more than {READS_ON_PRIMARY:.0%} of the primary's {cls_vcpu:g}:"
                f" {replicas} read replica(s) at {REPLICA_TARGET:.0%} CPU" if replicas else
                f"; reads ({read_vcpu:.3g} vCPU) fit on the primary (<= {READS_ON_PRIMARY:.0%} of its vCPUs), no read replica")
             + ("" if fits else "; NO priced class is large enough (see warnings)"))
    if not explain:
        return DbChoice(chosen, fits, replicas, basis)
    derivations = {
        "storage.database.read_replicas": basis,
        "storage.database.choice": basis,
        "storage.database.burstable": basis,
        "storage.database.instance_class": (f"{basis}. vCPU: {_n(data.write_iops_peak)} writes/s at {_n(rules.db_writes_per_vcpu)} writes/s"
                                            f" per vCPU; RAM: {_n(rules.db_hot_days)} day(s) of conversations with indexes kept hot"),
    }
    return DbChoice(chosen, fits, replicas, basis, derivations)
