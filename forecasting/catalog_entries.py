"""Typed, frozen rows of the price catalog (clouds.json, llm_api.json, a user's `--prices` file).

Why one set of models for the shipped data and the user's file: a row is valid or not by the same rule
wherever it comes from, so the rules live on the fields here (a price is finite, not negative and
plausible; a size is above 0; a GPU count is whole), and `price_problems` turns pydantic's errors into
the one-line, field-named messages the CLI prints ("prices.cpu_instances[0].vcpu: must be above 0, got 0").
Readers use attributes (`inst.vcpu`), so mypy checks every read. Rows keep every field the data carries;
fields the models do not name (a user's own notes) are kept as extras, never dropped.
Why the shipped files are not re-validated at start-up: schema building and validation cost ~15 ms of every
`capplan plan` (issue 16, move 12); catalog._shipped constructs their rows and the tests check, region by
region, that they equal what `model_validate` makes of the same rows. A user's file is always validated.
"""

import math
from typing import Annotated, Any, Iterable, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, ValidationError
from pydantic_core import PydanticCustomError

from forecasting.json_number import number_problem

MAX_PRICE = 1e7  # USD per unit: anything above is a typo (or a hostile file), never a list price


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "..."


def fail(message: str, value: Any) -> PydanticCustomError:
    """A refusal naming the value given (price_problems prints the message as it is)."""
    return PydanticCustomError("capplan", message + ", got {got}", {"got": _short(value)})


def number(v: Any) -> float:
    """A JSON number: `true` is not one vCPU and "0.1" (text) is not a price (the rule and its words:
    forecasting/json_number.py, shared with the scenario)."""
    why = number_problem(v)
    if why is not None:
        raise PydanticCustomError("capplan", why)
    if not isinstance(v, (int, float)):
        raise fail("must be a number", v)
    if not math.isfinite(v):
        raise fail("must be a finite number", v)
    value: float = v  # an int stays an int: `capplan catalog` shows 4 vCPU, not 4.0
    return value


def _price(v: Any) -> float:
    n = number(v)
    if n < 0:
        raise fail("must be a non-negative price", n)
    if n >= MAX_PRICE:
        raise PydanticCustomError("capplan", "{got} is not a plausible price", {"got": _short(n)})
    return n


def _positive(v: Any) -> float:
    n = number(v)
    if n <= 0:
        raise fail("must be above 0", n)
    return n


def _non_negative(v: Any) -> float:
    n = number(v)
    if n < 0:
        raise fail("must be at least 0", n)
    return n


def _fraction(v: Any) -> float:
    n = number(v)
    if not 0 < n <= 1:
        raise fail("must be a fraction above 0 and at most 1", n)
    return n


def _whole(v: Any) -> int:
    n = number(v)
    if n < 1 or n != int(n):
        raise fail("must be a whole number of at least 1", n)
    return int(n)


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise fail("must be text", v)
    return v


Price = Annotated[float, PlainValidator(_price)]
Positive = Annotated[float, PlainValidator(_positive)]
NonNegative = Annotated[float, PlainValidator(_non_negative)]
Fraction = Annotated[float, PlainValidator(_fraction)]
Whole = Annotated[int, PlainValidator(_whole)]
Text = Annotated[str, PlainValidator(_text)]


class _Row(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True, defer_build=True)

    source: Text
    as_of: Text
    flags: tuple[str, ...] = ()

    @property
    def dated_source(self) -> str:
        return f"{self.source} ({self.as_of})"


class Instance(_Row):
    """A machine priced by the hour: on-demand, and spot / 3-year reserved where the data has them."""

    name: Text
    usd_per_hour: Price
    spot_usd_per_hour: Price | None = None
    reserved_3y_usd_per_hour: Price | None = None
    reserved_3y_source: Text | None = None
    family: Text | None = None
    category: Text | None = None
    arch: Text = "x86_64"

    @property
    def family_name(self) -> str:
        return self.family or self.name.split(".")[0]


class CpuInstance(Instance):
    vcpu: Positive
    memory_gib: Positive

    @property
    def memory_optimised(self) -> bool:
        """Self-managed database hosts; a user's row without a category counts when it is an r7i."""
        return (self.category if self.category is not None else "memory" if self.name.startswith("r7i.") else "") == "memory"


class GpuInstance(Instance):
    usd_per_hour: Price | None  # type: ignore[assignment]  # a capacity-block-only instance has no on-demand price
    gpu: Text
    gpus: Whole
    gpu_memory_gb: Positive | None = None
    vcpu: Positive | None = None
    memory_gib: Positive | None = None


class ManagedDb(_Row):
    """A managed PostgreSQL class (RDS, Cloud SQL); `name` is its key in a price file's rds_instances."""

    name: Text
    vcpu: Positive
    memory_gib: Positive
    usd_per_hour: Price
    multi_az_usd_per_hour: Price | None = None
    storage_usd_per_gb_month: Price | None = None
    service: Text | None = None


class CacheNode(_Row):
    """An ElastiCache offer: a node class priced per hour, or serverless priced per GB-hour and ECPU."""

    service: Text
    engine: Text
    node_class: Text = Field(alias="class")
    vcpu: Positive | None = None
    memory_gib: Positive | None = None
    usd_per_hour: Price | None = None
    usd_per_gb_hour: Price | None = None
    usd_per_million_ecpu: Price | None = None


class DbHost(NamedTuple):
    """A database host the planner may choose: a managed class, or a memory-optimised instance that the
    team runs PostgreSQL on itself. `entry` is the catalog row (its spot / reserved prices)."""

    entry: ManagedDb | CpuInstance

    @property
    def managed(self) -> bool:
        return isinstance(self.entry, ManagedDb)

    @property
    def name(self) -> str:
        return self.entry.name

    @property
    def vcpu(self) -> float:
        return self.entry.vcpu

    @property
    def memory_gib(self) -> float:
        return self.entry.memory_gib

    @property
    def usd_per_hour(self) -> float:
        return self.entry.usd_per_hour


class LongContext(BaseModel):
    """A model's higher price for the whole request above an input length (Gemini, Claude)."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    above_input_tokens: Positive
    input_usd_per_mtok: Price
    output_usd_per_mtok: Price
    source: Text
    as_of: Text


class ApiModel(_Row):
    id: Text
    provider: Text
    input_usd_per_mtok: Price
    output_usd_per_mtok: Price
    cached_input_usd_per_mtok: Price | None = None
    cache_write_usd_per_mtok: Price | None = None
    max_input_tokens: Annotated[int, PlainValidator(_whole)] | None = None
    max_output_tokens: Positive | None = None
    context_window: Positive | None = None
    deprecation_date: Text | None = None
    successor: Text | None = None
    long_context: LongContext | None = None
    note: Text | None = None


class RateLimitTier(BaseModel):
    """One usage tier's limits: RPM and TPM, or (Anthropic) input and output tokens per minute apart."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    name: Text
    rpm: Annotated[int, PlainValidator(_whole)] | None = None
    tpm: Annotated[int, PlainValidator(_whole)] | None = None
    itpm: Annotated[int, PlainValidator(_whole)] | None = None
    otpm: Annotated[int, PlainValidator(_whole)] | None = None
    monthly_spend_cap_usd: Price | None = None
    qualification: Text | None = None


class ModelTierTable(_Row):
    """A model's own limits where its provider publishes them; fields left null come from the provider tier
    of the same name."""

    models: tuple[str, ...]
    tiers: tuple[RateLimitTier, ...]
    note: Text | None = None
    cache_reads_count_toward_itpm: bool | None = None


class ProviderTiers(_Row):
    tiers: tuple[RateLimitTier, ...] = ()
    model_tables: tuple[ModelTierTable, ...] = ()
    note: Text | None = None


class Commitment(_Row):
    """A commitment discount (reserved instances, savings plan, committed use) off the on-demand price."""

    discount: Fraction
    range: tuple[float, float] | None = None
    applies_to: Text | None = None


class SpotRule(BaseModel):
    """Which tiers may run on spot capacity, and why only those."""

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    tiers: tuple[str, ...]
    why: Text
    source: Text


class _Service(_Row):
    unit: Text | None = None


class NumberService(_Service):
    value: NonNegative


class FractionService(_Service):
    value: Fraction


class EgressTiers(_Service):
    """(GB in the tier, USD per GB) in order; beyond the last tier its rate applies."""

    value: Annotated[tuple[tuple[NonNegative, NonNegative], ...], Field(min_length=1)]


ServiceEntry = NumberService | FractionService | EgressTiers


class Services(BaseModel):
    """The per-region managed-service prices, one typed field per service key of clouds.json."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    rds_gp3_storage: NumberService
    rds_extra_iops: NumberService
    elasticache_serverless_valkey_gb_hour: NumberService
    elasticache_serverless_valkey_million_ecpu: NumberService
    elasticache_usable_memory_fraction: FractionService
    s3_standard: NumberService
    internet_egress_tiers: EgressTiers
    alb_hour: NumberService
    alb_lcu_hour: NumberService
    lb_gb_processed: NumberService
    ebs_gp3: NumberService

    def entries(self) -> dict[str, ServiceEntry]:
        return {k: getattr(self, k) for k in type(self).model_fields}


class PriceFile(BaseModel):
    """The shape of a `--prices` file: its sections; each row is then checked as its catalog model
    (merged with the catalog's row of the same name first, so a row may change only a price)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    api_models: list[dict[str, Any]] | None = None
    cpu_instances: list[dict[str, Any]] | None = None
    gpu_instances: list[dict[str, Any]] | None = None
    services: dict[str, Any] | None = None  # each entry is checked against the catalog's service of that key
    rds_instances: dict[str, dict[str, Any]] | None = None
    region: Text | None = None
    source: Text | None = None
    as_of: Text | None = None


_SECTION_KIND = {"list_type": "must be a list of objects", "dict_type": "must be an object keyed by name"}


def _path(prefix: str, loc: Iterable[Any]) -> str:
    out = prefix
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def price_problems(exc: ValidationError, prefix: str) -> list[str]:
    """One line per problem, naming the field path from `prefix` (e.g. "prices.cpu_instances[0]")."""
    lines = []
    errors = exc.errors(include_url=False)
    for err in errors:
        loc = tuple(err["loc"])
        if any(len(o["loc"]) > len(loc) and tuple(o["loc"][:len(loc)]) == loc for o in errors):
            continue  # a list's "too short after validation" when its items failed: the items say why
        path, kind, got = _path(prefix, loc), err["type"], _short(err.get("input"))
        if kind == "capplan":
            lines.append(f"{path}: {err['msg']}")
        elif kind == "missing":
            lines.append(f"{path}: required")
        elif kind in _SECTION_KIND and len(loc) == 1 and prefix == "prices":
            lines.append(f"{path}: {_SECTION_KIND[kind]}, got {got}")
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            lines.append(f"{path}: expected an object, got {got}")
        elif kind in ("list_type", "tuple_type", "too_short") and loc[-1:] == ("value",):
            lines.append(f"{path}: must be a non-empty list like the catalog's, got {got}")
        elif kind in ("list_type", "tuple_type", "too_short", "too_long"):
            lines.append(f"{path}: must be a [GB, USD per GB] pair, got {got}")
        elif kind == "string_type":
            lines.append(f"{path}: must be text, got {got}")
        else:
            lines.append(f"{path}: {err['msg']}, got {got}")
    return lines
