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
Each row is checked by the same typed models as the shipped data (forecasting/catalog_entries.py).

Why regions are keys of one file: `clouds.json` holds AWS, GCP and Azure regions carried from the shared
reference catalog (see data/carry_cloud_catalog.py); a scenario's `region` picks one, and a region the
file does not know is an input error with a "did you mean", never a silent us-east-1.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from forecasting.catalog_entries import (
    ApiModel, CacheNode, Commitment, CpuInstance, DbHost, EgressTiers, GpuInstance, LongContext, ManagedDb, ModelTierTable, PriceFile,
    ProviderTiers, RateLimitTier, Services, SpotRule, price_problems,
)
from forecasting.errors import ScenarioError

DATA_DIR = Path(__file__).parent / "data"
API_FILE = DATA_DIR / "llm_api.json"
CLOUD_FILE = DATA_DIR / "clouds.json"
PRICING_FILE = DATA_DIR / "pricing_options.json"
DEFAULT_REGION = "aws-us-east-1"
_M = TypeVar("_M", bound=BaseModel)


class Catalog(NamedTuple):
    region: str
    provider: str
    hours_per_month: float
    api_models: dict[str, ApiModel]
    api_tiers: dict[str, ProviderTiers]
    cpu_instances: dict[str, CpuInstance]
    gpu_instances: tuple[GpuInstance, ...]
    services: Services
    rds_instances: dict[str, ManagedDb]
    api_price_source: str
    pricing_options: dict[str, dict[str, Commitment]] = {}  # read-only: never mutated, so one shared default is safe
    caches: tuple[CacheNode, ...] = ()
    overrides: tuple[str, ...] = ()

    def db_options(self) -> list[DbHost]:
        """Database hosts, preferred order: managed PostgreSQL classes by price, then self-managed PostgreSQL
        on memory-optimised instances when no managed class is large enough (or the region has none priced).
        Multi-AZ price when the catalog has one, else 2x Single-AZ (the standby is a second instance)."""
        managed = sorted(self.rds_instances.values(), key=lambda o: (o.usd_per_hour, o.vcpu, o.name))
        ec2 = sorted((i for i in self.cpu_instances.values() if i.memory_optimised), key=lambda o: (o.usd_per_hour, o.vcpu, o.name))
        return [DbHost(o) for o in managed] + [DbHost(o) for o in ec2]

    def pricing(self, option: str) -> Commitment | None:
        """The commitment discount for this provider (None where the catalog has none)."""
        return self.pricing_options.get(self.provider, {}).get(option)

    def pricing_options_spot_tiers(self) -> tuple[str, ...]:
        return _spot_rule().tiers


@lru_cache(maxsize=1)
def _raw() -> tuple[dict[str, Any], dict[str, Any]]:
    return json.loads(API_FILE.read_text()), json.loads(CLOUD_FILE.read_text())


@lru_cache(maxsize=1)
def _pricing_options() -> dict[str, dict[str, Commitment]]:
    return {provider: {k: _shipped(Commitment, c, range=tuple(c["range"])) for k, c in options.items()}
            for provider, options in json.loads(PRICING_FILE.read_text())["providers"].items()}


@lru_cache(maxsize=1)
def _spot_rule() -> SpotRule:
    rule = json.loads(PRICING_FILE.read_text())["spot"]
    return _shipped(SpotRule, rule, tiers=tuple(rule["tiers"]))


def pricing_source(option: str, provider: str) -> str:
    """One line naming where the pricing option's numbers come from (for the plan's assumptions)."""
    if option == "on_demand":
        return "on-demand list prices of the region (catalog sources per row)"
    if option == "spot":
        return f"{_spot_rule().source}; {_spot_rule().why}"
    p = _pricing_options().get(provider, {}).get(option)
    return p.dated_source if p is not None else "no commitment rate in the catalog (undated)"


def regions() -> list[str]:
    """Provider-region keys the catalog prices (e.g. aws-us-east-1, gcp-us-central1, azure-eastus)."""
    return list(_raw()[1]["regions"])


def check_region(region: str) -> None:
    if region not in _raw()[1]["regions"]:
        from forecasting.validate import suggest

        raise ScenarioError(f"region: unknown region {region!r}{suggest(region, regions())}; "
                            f"known: {', '.join(regions())}")


def _shipped(cls: type[_M], row: dict[str, Any], **nested: Any) -> _M:
    """A row of the shipped data files without re-validating it on every start-up: the files are checked
    by the same models in the tests (test_catalog_entries: every region's rows, built this way, equal
    `model_validate` of them), and schema building plus validation is ~15 ms of each `capplan plan`."""
    values = {**row, **nested}
    if "flags" in row:
        values["flags"] = tuple(row["flags"])
    return cls.model_construct(**values)


def _api_model(m: dict[str, Any]) -> ApiModel:
    lc = m.get("long_context")
    return _shipped(ApiModel, m, **({"long_context": _shipped(LongContext, lc)} if lc else {}))


def _provider_tiers(t: dict[str, Any]) -> ProviderTiers:
    def tiers(rows: list[dict[str, Any]]) -> tuple[RateLimitTier, ...]:
        return tuple(_shipped(RateLimitTier, r) for r in rows)
    tables = tuple(_shipped(ModelTierTable, mt, models=tuple(mt["models"]), tiers=tiers(mt["tiers"])) for mt in t.get("model_tables", ()))
    return _shipped(ProviderTiers, t, tiers=tiers(t.get("tiers", [])), **({"model_tables": tables} if "model_tables" in t else {}))


def _services(services: dict[str, Any]) -> Services:
    built: dict[str, Any] = {}
    for key, entry in services.items():
        kind = Services.model_fields[key].annotation
        assert isinstance(kind, type) and issubclass(kind, BaseModel), key
        built[key] = (_shipped(kind, entry, value=tuple(tuple(t) for t in entry["value"])) if kind is EgressTiers
                      else _shipped(kind, entry))
    return Services.model_construct(**built)


def _build(api: dict[str, Any], cloud: dict[str, Any], region: str) -> Catalog:
    reg = cloud["regions"][region]
    return Catalog(
        region=region, provider=str(reg["provider"]),
        hours_per_month=float(cloud["hours_per_month"]),
        api_models={m["id"]: _api_model(m) for m in api["models"]},
        api_tiers={p: _provider_tiers(t) for p, t in api["rate_limit_tiers"].items()},
        cpu_instances={i["name"]: _shipped(CpuInstance, i) for i in reg["cpu_instances"]},
        gpu_instances=tuple(_shipped(GpuInstance, i) for i in reg["gpu_instances"]),
        services=_services(reg["services"]),
        rds_instances={d["name"]: _shipped(ManagedDb, d) for d in reg["managed_databases"]
                       if d.get("service") in ("rds", "cloud-sql")},
        api_price_source=f"{api['price_source']['title']} ({api['price_source']['date']})",
        pricing_options=_pricing_options(),
        caches=tuple(_shipped(CacheNode, c) for c in reg.get("caches", [])),
    )


@lru_cache(maxsize=8)
def default_catalog(region: str = DEFAULT_REGION) -> Catalog:
    check_region(region)
    api, cloud = _raw()
    return _build(api, cloud, region)


def _checked(model: type[_M], row: dict[str, Any], where: str, problems: list[str]) -> _M | None:
    try:
        return model.model_validate(row)
    except ValidationError as e:
        problems += price_problems(e, where)
        return None


def with_overrides(prices: dict[str, Any] | None, label: str = "user price file", region: str = DEFAULT_REGION) -> Catalog:
    """The default catalog with a user's price file merged in: each row is checked as the catalog's own
    rows are (catalog_entries); ScenarioError with one field-named line per problem."""
    if not prices:
        return default_catalog(region)
    if not isinstance(prices, dict):
        raise ScenarioError("prices: expected a JSON object (see `capplan catalog` for the keys)")
    known = list(PriceFile.model_fields)
    problems = [f"prices.{k}: unknown key (known: {', '.join(sorted(known))})" for k in prices if k not in known]
    try:
        file = PriceFile.model_validate({k: v for k, v in prices.items() if k in known})
    except ValidationError as e:  # a section of the wrong type cannot be walked: report it with the other key problems
        raise ScenarioError(problems + price_problems(e, "prices")) from None
    cat = default_catalog(region)
    source = file.source or label
    as_of = file.as_of or "user-supplied"
    mark = {"source": source, "as_of": as_of}

    api_models = dict(cat.api_models)
    for i, m in enumerate(file.api_models or []):
        old = api_models.get(m["id"]) if isinstance(m.get("id"), str) else None
        row = {**old.model_dump(by_alias=True), **mark, **m} if old is not None else {**mark, **m}
        model = _checked(ApiModel, row, f"prices.api_models[{i}]", problems)
        if model is not None:
            api_models[model.id] = model
    cpu = dict(cat.cpu_instances)
    for i, inst in enumerate(file.cpu_instances or []):
        cpu_row = _checked(CpuInstance, {**mark, **inst}, f"prices.cpu_instances[{i}]", problems)
        if cpu_row is not None:
            cpu[cpu_row.name] = cpu_row
    gpus = list(cat.gpu_instances)
    for i, inst in enumerate(file.gpu_instances or []):
        gpu_row = _checked(GpuInstance, {**mark, **inst}, f"prices.gpu_instances[{i}]", problems)
        if gpu_row is not None and gpu_row.usd_per_hour is None:  # the data may lack one (capacity blocks); a user row adds a price
            problems.append(f"prices.gpu_instances[{i}].usd_per_hour: must be a number, got None")
        elif gpu_row is not None:
            gpus = [g for g in gpus if g.name != gpu_row.name] + [gpu_row]
    rds = dict(cat.rds_instances)
    for name, inst in (file.rds_instances or {}).items():
        db_row = _checked(ManagedDb, {**mark, **inst, "name": name}, f"prices.rds_instances.{name}", problems)
        if db_row is not None:
            rds[name] = db_row
    services = cat.services.entries()
    for key, entry in (file.services or {}).items():
        if key not in services:
            problems.append(f"prices.services.{key}: unknown service (known: {', '.join(sorted(services))})")
        elif not isinstance(entry, dict) or "value" not in entry:
            problems.append(f"prices.services.{key}: expected an object with a \"value\"")
        else:
            kind = type(services[key])
            service = _checked(kind, {**services[key].model_dump(), **mark, **entry}, f"prices.services.{key}", problems)
            if service is not None:
                services[key] = service
    if problems:
        raise ScenarioError(problems)
    return cat._replace(region=file.region or cat.region, api_models=api_models, cpu_instances=cpu, gpu_instances=tuple(gpus),
                   rds_instances=rds, services=Services.model_validate(services), overrides=(*cat.overrides, source))
