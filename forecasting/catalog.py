"""Prices and limits as dated data, with user overrides.

Why data files and not constants: prices go stale and differ by contract. Every entry keeps its
source and as-of date so a plan can say where each dollar came from, and `--prices FILE` replaces or
adds entries without touching code. The files are read once per process (they are small).

A price file (`--prices`) is a JSON object with any of these keys, each merged into the catalog:
  "api_models":    [{"id", "provider", "input_usd_per_mtok", "cached_input_usd_per_mtok", "output_usd_per_mtok", ...}]
  "cpu_instances": [{"name", "vcpu", "memory_gib", "usd_per_hour"}]
  "gpu_instances": [{"name", "gpu", "gpus", "gpu_memory_gb", "vcpu", "memory_gib", "usd_per_hour"}]
  "services":      {"rds_gp3_storage": {"value": 0.1}, ...}      (keys as in clouds.json, per region)
  "rds_instances": {"db.r7g.large": {"usd_per_hour": 0.2, "vcpu": 2, "memory_gib": 16}}   (managed PostgreSQL)
  "region", "source", "as_of"
Entries from the file are marked with its source (default: the file name) unless they carry their own.

Why regions are keys of one file: `clouds.json` holds AWS, GCP and Azure regions carried from the shared
reference catalog (see data/carry_cloud_catalog.py); a scenario's `region` picks one, and a region the
file does not know is an input error with a "did you mean", never a silent us-east-1.
"""
from __future__ import annotations

import copy
import json
import math
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from forecasting.errors import ScenarioError

DATA_DIR = Path(__file__).parent / "data"
API_FILE = DATA_DIR / "llm_api.json"
CLOUD_FILE = DATA_DIR / "clouds.json"
PRICING_FILE = DATA_DIR / "pricing_options.json"
DEFAULT_REGION = "aws-us-east-1"


@dataclass
class Catalog:
    region: str
    provider: str
    hours_per_month: float
    api_models: dict[str, dict[str, Any]]
    api_tiers: dict[str, dict[str, Any]]
    cpu_instances: dict[str, dict[str, Any]]
    gpu_instances: list[dict[str, Any]]
    services: dict[str, dict[str, Any]]
    rds_instances: dict[str, dict[str, Any]]
    api_price_source: str
    pricing_options: dict[str, Any] = field(default_factory=dict)
    caches: list[dict[str, Any]] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)

    def db_options(self) -> list[dict[str, Any]]:
        """Database hosts, preferred order: managed PostgreSQL classes by price, then self-managed PostgreSQL
        on memory-optimised instances when no managed class is large enough (or the region has none priced).
        Multi-AZ price when the catalog has one, else 2x Single-AZ (the standby is a second instance)."""
        managed = sorted(({"name": n, "managed": True, **c} for n, c in self.rds_instances.items()),
                         key=lambda o: (o["usd_per_hour"], o.get("vcpu", 0), o["name"]))
        mem = [i for i in self.cpu_instances.values() if i.get("category", "memory" if i["name"].startswith("r7i.") else "") == "memory"]
        ec2 = sorted(({"managed": False, **c} for c in mem), key=lambda o: (o["usd_per_hour"], o["vcpu"], o["name"]))
        return managed + ec2

    def pricing(self, option: str) -> dict[str, Any]:
        """The commitment discount (or spot rule) for this provider; {} for on-demand."""
        return dict(self.pricing_options.get(self.provider, {}).get(option, {}))

    def pricing_options_spot_tiers(self) -> tuple[str, ...]:
        return tuple(_spot_rule().get("tiers", ()))

    def service(self, key: str) -> Any:
        return self.services[key]["value"]

    def service_source(self, key: str) -> str:
        entry = self.services[key]
        return f"{entry.get('source', '?')} ({entry.get('as_of', 'undated')})"


@lru_cache(maxsize=1)
def _raw() -> tuple[dict[str, Any], dict[str, Any]]:
    return json.loads(API_FILE.read_text()), json.loads(CLOUD_FILE.read_text())


@lru_cache(maxsize=1)
def _pricing_options() -> dict[str, Any]:
    return dict(json.loads(PRICING_FILE.read_text())["providers"])


@lru_cache(maxsize=1)
def _spot_rule() -> dict[str, Any]:
    return dict(json.loads(PRICING_FILE.read_text())["spot"])


def pricing_source(option: str, provider: str) -> str:
    """One line naming where the pricing option's numbers come from (for the plan's assumptions)."""
    if option == "on_demand":
        return "on-demand list prices of the region (catalog sources per row)"
    if option == "spot":
        return f"{_spot_rule()['source']}; {_spot_rule()['why']}"
    p = _pricing_options().get(provider, {}).get(option, {})
    return f"{p.get('source', 'no commitment rate in the catalog')} ({p.get('as_of', 'undated')})"


def regions() -> list[str]:
    """Provider-region keys the catalog prices (e.g. aws-us-east-1, gcp-us-central1, azure-eastus)."""
    return list(_raw()[1]["regions"])


def check_region(region: str) -> None:
    if region not in _raw()[1]["regions"]:
        from forecasting.validate import suggest

        raise ScenarioError(f"region: unknown region {region!r}{suggest(region, regions())}; "
                            f"known: {', '.join(regions())}")


def _build(api: dict[str, Any], cloud: dict[str, Any], region: str) -> Catalog:
    reg = cloud["regions"][region]
    rds_instances = {d["name"]: d for d in reg["managed_databases"] if d.get("service") in ("rds", "cloud-sql")}
    return Catalog(
        region=region, provider=str(reg["provider"]),
        hours_per_month=float(cloud["hours_per_month"]),
        api_models={m["id"]: m for m in api["models"]},
        api_tiers=api["rate_limit_tiers"],
        cpu_instances={i["name"]: i for i in reg["cpu_instances"]},
        gpu_instances=list(reg["gpu_instances"]),
        services=dict(reg["services"]),
        rds_instances=rds_instances,
        api_price_source=f"{api['price_source']['title']} ({api['price_source']['date']})",
        pricing_options=_pricing_options(),
        caches=list(reg.get("caches", [])),
    )


@lru_cache(maxsize=8)
def default_catalog(region: str = DEFAULT_REGION) -> Catalog:
    check_region(region)
    api, cloud = _raw()
    return _build(api, cloud, region)


# Every number in a user's price file is checked like a scenario field: a price is finite and not
# negative (a negative price would lower the total); a physical size is finite and above zero (0 vCPU
# or -16 GiB would divide into nonsense or win every cheapest-fit search); a count is a whole number.
_POSITIVE = frozenset({"vcpu", "memory_gib", "gpu_memory_gb", "max_input_tokens", "max_output_tokens",
                       "context_window"})
_WHOLE = frozenset({"gpus"})
_MAX_PRICE = 1e7


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "..."


def _number_problem(where: str, key: str, v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        if key in _POSITIVE or key in _WHOLE or key.endswith(("usd_per_mtok", "usd_per_hour", "usd_per_gb_month")):
            return f"{where}.{key}: must be a number, got {_short(v)}"
        return None
    if not math.isfinite(v):
        return f"{where}.{key}: must be a finite number, got {_short(v)}"
    if key in _WHOLE and (v < 1 or v != int(v)):
        return f"{where}.{key}: must be a whole number of at least 1, got {_short(v)}"
    if key in _POSITIVE and v <= 0:
        return f"{where}.{key}: must be above 0, got {_short(v)}"
    if v < 0:
        kind = "a non-negative price" if "usd" in key else "at least 0"
        return f"{where}.{key}: must be {kind}, got {_short(v)}"
    if "usd" in key and v >= _MAX_PRICE:
        return f"{where}.{key}: {_short(v)} is not a plausible price"
    return None


def _require(entry: Any, keys: tuple[str, ...], where: str) -> list[str]:
    if not isinstance(entry, dict):
        return [f"{where}: expected an object, got {_short(entry)}"]
    problems = [f"{where}.{k}: required" for k in keys if k not in entry]
    for k, v in entry.items():
        problem = _number_problem(where, str(k), v)
        if problem:
            problems.append(problem)
    return problems


def _same_shape(default: Any, given: Any, where: str) -> list[str]:
    """A service value must look like the catalog's: a number, a non-empty table of numbers..."""
    if isinstance(default, (int, float)) and not isinstance(default, bool):
        if isinstance(given, bool) or not isinstance(given, (int, float)):
            return [f"{where}: must be a number, got {_short(given)}"]
        problem = _number_problem(where.rsplit(".", 1)[0], where.rsplit(".", 1)[-1], given)
        return [problem] if problem else []
    if isinstance(default, list):
        if not isinstance(given, list) or not given:
            return [f"{where}: must be a non-empty list like the catalog's, got {_short(given)}"]
        if default:
            return [p for i, g in enumerate(given) for p in _same_shape(default[0], g, f"{where}[{i}]")]
        return []
    if isinstance(default, dict):
        if not isinstance(given, dict):
            return [f"{where}: must be an object like the catalog's, got {_short(given)}"]
        return [p for k, g in given.items() if k in default for p in _same_shape(default[k], g, f"{where}.{k}")]
    if isinstance(default, str) and not isinstance(given, str):
        return [f"{where}: must be text, got {_short(given)}"]
    return []


def _sections(prices: dict[str, Any]) -> list[str]:
    problems = []
    for key in ("api_models", "cpu_instances", "gpu_instances"):
        if key in prices and not isinstance(prices[key], list):
            problems.append(f"prices.{key}: must be a list of objects, got {_short(prices[key])}")
    for key in ("services", "rds_instances"):
        if key in prices and not isinstance(prices[key], dict):
            problems.append(f"prices.{key}: must be an object keyed by name, got {_short(prices[key])}")
    for key in ("region", "source", "as_of"):
        if key in prices and not isinstance(prices[key], str):
            problems.append(f"prices.{key}: must be text, got {_short(prices[key])}")
    return problems


def with_overrides(prices: dict[str, Any] | None, label: str = "user price file", region: str = DEFAULT_REGION) -> Catalog:
    """The default catalog with a user's price file merged in (validated; ScenarioError on bad entries)."""
    if not prices:
        return default_catalog(region)
    if not isinstance(prices, dict):
        raise ScenarioError("prices: expected a JSON object (see `capplan catalog` for the keys)")
    known = {"api_models", "cpu_instances", "gpu_instances", "services", "rds_instances", "region", "source", "as_of"}
    problems = [f"prices.{k}: unknown key (known: {', '.join(sorted(known))})" for k in prices if k not in known]
    shape = _sections(prices)
    if shape:  # a section of the wrong type cannot be walked: report it with the other key problems
        raise ScenarioError(problems + shape)
    check_region(region)
    api, cloud = copy.deepcopy(_raw())
    cat = _build(api, cloud, region)
    source = str(prices.get("source", label))
    as_of = str(prices.get("as_of", "user-supplied"))

    def mark(entry: dict[str, Any]) -> dict[str, Any]:
        return {"source": source, "as_of": as_of, **entry}

    for i, m in enumerate(prices.get("api_models", []) or []):
        where = f"prices.api_models[{i}]"
        if isinstance(m, dict) and not isinstance(m.get("id", ""), str):
            problems.append(f"{where}.id: must be text")
            continue
        if isinstance(m, dict) and m.get("id") in cat.api_models:
            problems += _require(m, ("id",), where)
            if not problems:
                cat.api_models[m["id"]] = {**cat.api_models[m["id"]], **mark(m)}
        else:
            problems += _require(m, ("id", "provider", "input_usd_per_mtok", "output_usd_per_mtok"), where)
            if isinstance(m, dict) and "id" in m:
                cat.api_models[m["id"]] = mark(m)
    for i, inst in enumerate(prices.get("cpu_instances", []) or []):
        problems += _require(inst, ("name", "vcpu", "memory_gib", "usd_per_hour"), f"prices.cpu_instances[{i}]")
        if isinstance(inst, dict) and not isinstance(inst.get("name", ""), str):
            problems.append(f"prices.cpu_instances[{i}].name: must be text")
            continue
        if isinstance(inst, dict) and "name" in inst:
            cat.cpu_instances[inst["name"]] = mark(inst)
    for i, inst in enumerate(prices.get("gpu_instances", []) or []):
        problems += _require(inst, ("name", "gpu", "gpus", "usd_per_hour"), f"prices.gpu_instances[{i}]")
        if isinstance(inst, dict) and not isinstance(inst.get("name", ""), str):
            problems.append(f"prices.gpu_instances[{i}].name: must be text")
            continue
        if isinstance(inst, dict) and "name" in inst:
            cat.gpu_instances = [g for g in cat.gpu_instances if g["name"] != inst["name"]] + [mark(inst)]
    for name, inst in (prices.get("rds_instances", {}) or {}).items():
        problems += _require(inst, ("usd_per_hour", "vcpu", "memory_gib"), f"prices.rds_instances.{name}")
        if isinstance(inst, dict):
            cat.rds_instances[name] = mark(inst)
    for key, entry in (prices.get("services", {}) or {}).items():
        if key not in cat.services:
            problems.append(f"prices.services.{key}: unknown service (known: {', '.join(sorted(cat.services))})")
        elif not isinstance(entry, dict) or "value" not in entry:
            problems.append(f"prices.services.{key}: expected an object with a \"value\"")
        else:
            shape = _same_shape(cat.services[key].get("value"), entry["value"], f"prices.services.{key}.value")
            problems += shape
            if not shape:
                cat.services[key] = {**cat.services[key], **mark(entry)}
    if problems:
        raise ScenarioError(problems)
    if "region" in prices:
        cat.region = str(prices["region"])
    cat.overrides.append(source)
    return cat
