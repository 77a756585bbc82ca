"""Carry the shared cloud catalog into `clouds.json`, keeping every row's source and date.

Why a script and not a hand copy: the reference catalog (`../shared/reference/cloud_catalog.json`,
compiled 2026-12-01) has 474 instance rows over six regions; the project keeps what a plan needs
(CPU instances, GPU instances mapped to the serving estimator's GPU ids, managed PostgreSQL, caches,
storage, egress, load balancers) per provider-region, and re-running this script after the reference
changes regenerates it. Managed-service prices the reference lacks for a region are carried from the
nearest priced region and flagged `proxy`, so a plan can say so instead of pretending.

Run: python -m forecasting.data.carry_cloud_catalog /path/to/cloud_catalog.json [/path/to/3yr-reserved_ec2.json]
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).with_name("clouds.json")
# catalog GPU name -> serving-estimator GPU id (gpus.json); rows whose GPU the estimator lacks are dropped
GPU_IDS = {"t4": "t4", "a10g": "a10g", "l4": "l4", "l40s": "l40s", "a100": "a100-40gb", "a100-80gb": "a100-80gb",
           "h100": "h100-sxm", "h200": "h200", "b200": "b200"}
NETFLIX = ("Netflix service-capacity-modeling 0.3.212 (PyPI), service_capacity_modeling/hardware/profiles/pricing/aws/"
           "3yr-reserved_ec2.json, annual_cost / 8,760 h")


def _src(sources: dict[str, dict[str, Any]], sid: str | None) -> tuple[str, str]:
    s = sources.get(sid or "", {})
    where = s.get("url") or s.get("repo") or ""
    return f"{s.get('title', sid)} ({where})", str(s.get("date", "undated"))


def _region_key(provider: str, region: str) -> str:
    return f"{provider}-{region}"


def build(ref: dict[str, Any], reserved_3y: dict[str, float]) -> dict[str, Any]:
    sources = {s["id"]: s for s in ref["sources"]}
    regions: dict[str, dict[str, Any]] = {}
    for row in ref["instances"]:
        key = _region_key(row["provider"], row["region"])
        reg = regions.setdefault(key, {"provider": row["provider"], "region": row["region"], "cpu_instances": [],
                                       "gpu_instances": [], "managed_databases": [], "caches": [], "services": {}})
        source, as_of = _src(sources, row["source"])
        entry: dict[str, Any] = {
            "name": row["name"], "family": row["family"], "category": row["category"], "arch": row["arch"],
            "vcpu": row["vcpu"], "memory_gib": row["memory_gib"], "usd_per_hour": row["usd_per_hour"],
            "spot_usd_per_hour": row.get("spot_usd_per_hour"), "source": source, "as_of": as_of, "flags": row["flags"],
        }
        if row["gpus"]:
            gpu = GPU_IDS.get(row["gpu"] or "")
            if gpu is None or (row["gpu"] == "h100" and (row.get("gpu_memory_gib") or 80) > 80):
                continue  # not a GPU the estimator models (H100 NVL 94 GB is not the SXM part)
            entry.update(gpu=gpu, gpus=row["gpus"], gpu_memory_gb=row["gpu_memory_gib"])
            reg["gpu_instances"].append(entry)
        else:
            if key == "aws-us-east-1" and row["name"] in reserved_3y:
                entry["reserved_3y_usd_per_hour"] = round(reserved_3y[row["name"]], 6)
                entry["reserved_3y_source"] = NETFLIX
            reg["cpu_instances"].append(entry)
    for upd in ref["gpu_price_updates"]:  # post-June-2025 AWS GPU prices replace the older snapshot's
        found = regions.get(_region_key(upd["provider"], upd["region"]))
        gpu = GPU_IDS.get(upd["gpu"])
        if found is None or gpu is None:
            continue
        reg = found
        source, as_of = _src(sources, upd["source"])
        reg["gpu_instances"] = [g for g in reg["gpu_instances"] if g["name"] != upd["name"]]
        reg["gpu_instances"].append({
            "name": upd["name"], "family": upd["name"].split(".")[0], "category": "gpu", "arch": "x86_64",
            "vcpu": upd["vcpu"], "memory_gib": upd["memory_gib"], "usd_per_hour": upd["usd_per_hour"],
            "spot_usd_per_hour": None, "gpu": gpu, "gpus": upd["gpus"], "gpu_memory_gb": upd["gpu_memory_gib"],
            "source": f"{source} {upd['source_path']}", "as_of": as_of, "flags": upd["flags"]})
    for db in ref["managed_databases"]:
        found = regions.get(_region_key(db["provider"], db["region"]))
        if found is None or db["vcpu"] is None:
            continue  # per-ACU serverless rows are not instance classes
        reg = found
        source, as_of = _src(sources, db["source"])
        reg["managed_databases"].append({
            "name": db["class"], "service": db["service"], "vcpu": db["vcpu"], "memory_gib": db["memory_gib"],
            "usd_per_hour": db["usd_per_hour"], "multi_az_usd_per_hour": db["multi_az_usd_per_hour"],
            "storage_usd_per_gb_month": db["storage_usd_per_gb_month"], "source": source, "as_of": as_of, "flags": db["flags"]})
    for c in ref["caches"]:
        found = regions.get(_region_key(c["provider"], c["region"]))
        if found is not None:
            reg = found
            source, as_of = _src(sources, c["source"])
            reg["caches"].append({**{k: c[k] for k in ("service", "engine", "class", "vcpu", "memory_gib", "usd_per_hour",
                                                        "usd_per_gb_hour", "usd_per_million_ecpu")},
                                  "source": source, "as_of": as_of, "flags": c["flags"]})
    _derived_databases(regions)
    _services(ref, sources, regions)
    return {
        "_about": ("Instance, GPU and managed-service list prices (USD) per provider-region, carried from "
                   "../shared/reference/cloud_catalog.json by forecasting/data/carry_cloud_catalog.py. Every row keeps "
                   "its source and date; `proxy` flags a price borrowed from another region because the reference has none."),
        "generated_from": {"path": "shared/reference/cloud_catalog.json", "generated": ref["generated"]},
        "hours_per_month": 730,
        "regions": dict(sorted(regions.items())),
        "gaps": ref["gaps"],
    }


RDS_PREMIUM = 1.95
RDS_PREMIUM_BASIS = ("derived: EC2 on-demand price of the same shape x 1.95 RDS premium, the median of the catalog's "
                     "priced pairs db.t4g.medium/t4g.medium 1.93, db.m6g.large/m7g.large 1.95, db.r8g.xlarge/r7g.xlarge 2.23; "
                     "Multi-AZ = 2x Single-AZ (infratally 2026: 'Multi-AZ pricing is exactly double')")
CLOUD_SQL_BASIS = "derived: vCPU x $0.0413/h + GB x $0.007/h (usage.ai Cloud SQL Enterprise, us-central1, May 2026); HA = 2x"


def _derived_databases(regions: dict[str, dict[str, Any]]) -> None:
    """Managed PostgreSQL classes the reference does not list one by one: general-purpose and memory-optimised,
    Arm and x86, from EC2 shapes (AWS) or Cloud SQL's per-vCPU/per-GB rates (GCP); each flagged `derived`."""
    for key, reg in regions.items():
        listed = {d["name"] for d in reg["managed_databases"]}
        if reg["provider"] == "aws":
            for i in reg["cpu_instances"]:
                if i["family"] in ("m7g", "r7g", "m7i", "r7i") and f"db.{i['name']}" not in listed:
                    od = round(i["usd_per_hour"] * RDS_PREMIUM, 5)
                    reg["managed_databases"].append({
                        "name": f"db.{i['name']}", "service": "rds", "vcpu": i["vcpu"], "memory_gib": i["memory_gib"],
                        "usd_per_hour": od, "multi_az_usd_per_hour": round(od * 2, 5), "storage_usd_per_gb_month": 0.115,
                        "source": RDS_PREMIUM_BASIS, "as_of": i["as_of"], "flags": ["derived", "secondary"]})
        elif reg["provider"] == "gcp" and key == "gcp-us-central1":
            for vcpu in (2, 4, 8, 16, 32, 64):
                for per, label in ((4, "general-purpose"), (6.5, "high-memory")):
                    name = f"db-custom-{vcpu}-{int(vcpu * per * 1024)}"
                    if any(d["name"].startswith(name + " ") for d in reg["managed_databases"]):
                        continue
                    od = round(vcpu * 0.0413 + vcpu * per * 0.007, 5)
                    reg["managed_databases"].append({
                        "name": f"{name} (Enterprise edition, {label})", "service": "cloud-sql", "vcpu": vcpu,
                        "memory_gib": vcpu * per, "usd_per_hour": od, "multi_az_usd_per_hour": round(od * 2, 5),
                        "storage_usd_per_gb_month": None, "source": CLOUD_SQL_BASIS, "as_of": "2026-05",
                        "flags": ["derived", "secondary"]})


def _svc(value: Any, source: str, as_of: str, flags: list[str] | None = None) -> dict[str, Any]:
    return {"value": value, "source": source, "as_of": as_of, "flags": flags or []}


def _services(ref: dict[str, Any], sources: dict[str, dict[str, Any]], regions: dict[str, dict[str, Any]]) -> None:
    """Per-region service prices under the keys the cost model uses; borrowed ones flagged `proxy`."""
    def storage(provider: str, service: str, cls: str) -> dict[str, Any]:
        row = next(r for r in ref["storage"] if r["provider"] == provider and r["service"] == service and r["class"].startswith(cls))
        s, d = _src(sources, row["source"])
        return _svc(row["usd_per_gb_month"], s, d, row["flags"])

    def egress(provider: str, dest: str) -> dict[str, Any]:
        rows = sorted((r for r in ref["egress"] if r["provider"] == provider and r["destination"] == dest),
                      key=lambda r: r["tier_from_tb"])
        tiers: list[list[float]] = []
        prev_to = 0.0
        for r in rows:
            if r["tier_from_tb"] > prev_to:  # a band the source leaves out: the previous band's rate, flagged below
                tiers.append([(r["tier_from_tb"] - prev_to) * 1000.0, tiers[-1][1]])
            size = (r["tier_to_tb"] - r["tier_from_tb"]) * 1000.0 if r["tier_to_tb"] is not None else 1e12
            tiers.append([size, r["usd_per_gb"]])
            prev_to = r["tier_to_tb"] if r["tier_to_tb"] is not None else prev_to
        s, d = _src(sources, rows[0]["source"])
        return _svc(tiers, s, d, sorted({f for r in rows for f in r["flags"]}))

    def lb(provider: str, service: str) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        row = next(r for r in ref["load_balancers"] if r["provider"] == provider and r["service"].startswith(service))
        s, d = _src(sources, row["source"])
        return (_svc(row["usd_per_hour"], s, d, row["flags"]), _svc(row["usd_per_capacity_unit_hour"] or 0.0, s, d, row["flags"]),
                _svc(row["usd_per_gb_processed"] or 0.0, s, d, row["flags"]))

    def cache(engine: str) -> tuple[dict[str, Any], dict[str, Any]]:
        row = next(c for c in ref["caches"] if c["service"] == "elasticache-serverless" and c["engine"] == engine)
        s, d = _src(sources, row["source"])
        return _svc(row["usd_per_gb_hour"], s, d, row["flags"]), _svc(row["usd_per_million_ecpu"], s, d, row["flags"])

    rds_storage = storage("aws", "rds-storage", "gp3")
    rds_iops = _svc(0.02, *_src(sources, "usageai-rds-calc"), ["secondary", "RDS gp3 IOPS above 3,000"])
    usable = _svc(0.75, *_src(sources, "cloudburn-elasticache"), ["secondary", "about 25% of node memory reserved"])
    valkey_gb, valkey_ecpu = cache("valkey")
    aws_lb = lb("aws", "alb")
    aws = {"rds_gp3_storage": rds_storage, "rds_extra_iops": rds_iops, "elasticache_serverless_valkey_gb_hour": valkey_gb,
           "elasticache_serverless_valkey_million_ecpu": valkey_ecpu, "elasticache_usable_memory_fraction": usable,
           "s3_standard": storage("aws", "s3", "Standard (first"), "internet_egress_tiers": egress("aws", "internet"),
           "alb_hour": aws_lb[0], "alb_lcu_hour": aws_lb[1], "lb_gb_processed": aws_lb[2], "ebs_gp3": storage("aws", "ebs", "gp3")}

    def proxy(entry: dict[str, Any], what: str) -> dict[str, Any]:
        return {**entry, "flags": [*entry["flags"], f"proxy: {what} (no price for this region in the reference)"]}

    for key, reg in regions.items():
        p = reg["provider"]
        if p == "aws":
            svc = dict(aws) if key == "aws-us-east-1" else {k: proxy(v, "AWS us-east-1 price") for k, v in aws.items()}
        elif p == "gcp":
            g_lb = lb("gcp", "cloud-load-balancing")
            pd = storage("gcp", "persistent-disk", "pd-ssd")
            svc = {"rds_gp3_storage": proxy(pd, "Cloud SQL SSD storage priced as pd-ssd"),
                   "rds_extra_iops": _svc(0.0, "GCP persistent disk: IOPS scale with size (no separate IOPS charge)", "n/a"),
                   "elasticache_serverless_valkey_gb_hour": proxy(valkey_gb, "Memorystore priced as ElastiCache Serverless Valkey, AWS us-east-1"),
                   "elasticache_serverless_valkey_million_ecpu": proxy(valkey_ecpu, "ElastiCache Serverless Valkey, AWS us-east-1"),
                   "elasticache_usable_memory_fraction": usable, "s3_standard": storage("gcp", "gcs", "Standard"),
                   "internet_egress_tiers": egress("gcp", "internet (Premium tier)"),
                   "alb_hour": g_lb[0], "alb_lcu_hour": g_lb[1], "lb_gb_processed": g_lb[2],
                   "ebs_gp3": storage("gcp", "persistent-disk", "pd-balanced")}
        else:
            a_lb = lb("azure", "standard-load-balancer")
            svc = {"rds_gp3_storage": proxy(rds_storage, "managed-disk price not found; AWS RDS gp3 price used"),
                   "rds_extra_iops": proxy(rds_iops, "AWS RDS gp3 IOPS price"),
                   "elasticache_serverless_valkey_gb_hour": proxy(valkey_gb, "Azure Cache for Redis priced as ElastiCache Serverless Valkey"),
                   "elasticache_serverless_valkey_million_ecpu": proxy(valkey_ecpu, "ElastiCache Serverless Valkey, AWS us-east-1"),
                   "elasticache_usable_memory_fraction": usable, "s3_standard": storage("azure", "blob", "Hot"),
                   "internet_egress_tiers": egress("azure", "internet"),
                   "alb_hour": a_lb[0], "alb_lcu_hour": a_lb[1], "lb_gb_processed": a_lb[2],
                   "ebs_gp3": proxy(aws["ebs_gp3"], "Azure managed-disk price not found; AWS EBS gp3 price used")}
        reg["services"] = svc
        if not reg["managed_databases"] and p == "aws":
            us = regions["aws-us-east-1"]["managed_databases"]
            reg["managed_databases"] = [{**d, "flags": [*d["flags"], "proxy: AWS us-east-1 price"]} for d in us]


def main(argv: list[str]) -> None:
    ref = json.loads(Path(argv[0]).read_text())
    reserved: dict[str, float] = {}
    if len(argv) > 1:
        raw = json.loads(Path(argv[1]).read_text())["us-east-1"]["instances"]
        reserved = {k: v["annual_cost"] / 8760.0 for k, v in raw.items() if "annual_cost" in v}
    OUT.write_text(json.dumps(build(ref, reserved), indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(sys.argv[1:])
