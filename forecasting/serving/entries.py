"""The shape of a serving catalog file (`--catalog FILE`): typed pydantic models of its models, GPUs and
engine profiles, which validate a user's file before the estimator's records are built from it.

Why pydantic here and NamedTuples at run time: the estimator reads ModelSpec / GpuSpec /
EngineProfile attributes inside searches, and the shipped data files need no checking on every start-up
(schema building and validation would cost each `capplan plan`; issue 16, move 12). So these models are
built only when a user's file is read (catalog.load_serving_catalog imports this module then), and the
tests check that every shipped row passes them and gives the same record validated as trusted.

The rules for a number are catalog_entries' (above 0, at least 0, a fraction in (0, 1], a whole count):
one rule for the `--prices` rows and these. Their errors become lines by catalog_entries.price_problems,
named by the file and the field path: "c.json: models[2].layers: must be a whole number of at least 1, got 0".
Entries keep the keys the models do not name (notes, hf_id, a user's own fields): extra="allow".
"""
from __future__ import annotations

from typing import Annotated, Any, Mapping

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainValidator, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from forecasting.catalog_entries import Fraction, NonNegative, Positive, Text, Whole, fail, number as catalog_number, price_problems
from forecasting.serving.catalog import PRECISIONS, EngineProfile, ServingInputError


def _problem(message: str) -> PydanticCustomError:
    """An error that price_problems prints as it is ("capplan" is its type for a message of ours); `fail`
    is the same with the value shown."""
    return PydanticCustomError("capplan", message)


def _id(v: Any) -> str:
    if not isinstance(v, str) or not v.strip():
        raise fail("must be a non-empty text id", v)
    return v


def _texts(v: Any) -> tuple[str, ...]:
    if not isinstance(v, (list, tuple)) or not all(isinstance(a, str) for a in v):
        raise fail("must be a list of text", v)
    return tuple(v)


def _sources(v: Any) -> Any:
    """Where a spec comes from: an object ({"title": ...}, {"url": ...}), a list of them, or null. Kept as
    given; the record's builder makes the tuple (it does the same for the shipped rows)."""
    if v is None or isinstance(v, dict) or (isinstance(v, list) and all(isinstance(s, dict) for s in v)):
        return v
    raise fail("must be an object such as {\"title\": \"our lab\"} or a list of them", v)


def _share_or_zero(v: Any) -> float:
    n = catalog_number(v)
    if not 0 <= n <= 1:
        raise fail("must be a share from 0 to 1", n)
    return n


def _precision(v: Any) -> str:
    if v not in PRECISIONS:
        raise fail(f"must be one of {', '.join(PRECISIONS)}", v)
    return str(v)


def _flag(v: Any) -> bool:
    if not isinstance(v, bool):
        raise fail("must be true or false", v)
    return v


def _kv_fraction_of(v: Any) -> str:
    if v not in ("free", "total"):
        raise fail('must be "free" (of memory after weights) or "total"', v)
    return str(v)


def _objects(v: Any) -> Any:
    """A section: a list whose items are then checked as entries; null is an empty section."""
    if v is None:
        return []
    if not isinstance(v, list):
        raise fail("must be a list of objects", v)
    return v


Id = Annotated[str, PlainValidator(_id)]
Texts = Annotated[tuple[str, ...], PlainValidator(_texts)]
Sources = Annotated[Any, PlainValidator(_sources)]
Precision = Annotated[str, PlainValidator(_precision)]
ShareOrZero = Annotated[float, PlainValidator(_share_or_zero)]
Flag = Annotated[bool, PlainValidator(_flag)]
KvFractionOf = Annotated[str, PlainValidator(_kv_fraction_of)]


class _Entry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)


class _Spec(_Entry):
    """What a model and a GPU both have: an id, names it is known by, where its figures come from."""

    id: Id
    name: Text | None = None
    aliases: Texts = ()
    source: Sources = None
    as_of: Text | None = None


class ModelEntry(_Spec):
    """An open model's architecture: what weights and KV cache take in memory and what a token computes."""

    total_params_b: Positive
    active_params_b: Positive | None = None
    layers: Whole
    hidden_size: Whole
    attention_heads: Whole
    kv_heads: Whole | None = None
    head_dim: Whole | None = None
    kv_cache_bytes_per_token_bf16: Positive | None = None
    experts: Whole | None = None
    experts_per_token: Whole | None = None
    sliding_window: Whole | None = None
    sliding_window_layer_fraction: ShareOrZero | None = None
    max_context: Whole | None = None
    attention: Text | None = None
    native_precision: Precision | None = None

    @model_validator(mode="after")
    def _kv_size_known(self) -> "ModelEntry":
        if self.kv_cache_bytes_per_token_bf16 is None and not (self.kv_heads and self.head_dim):
            raise _problem("give 'kv_cache_bytes_per_token_bf16' or 'kv_heads' and 'head_dim'")
        return self

    @model_validator(mode="after")
    def _parts_within_wholes(self) -> "ModelEntry":
        """A token cannot pass through more weights than the model holds, nor route to more experts than it
        has: either would make the estimate faster or smaller than the model can be."""
        if self.active_params_b is not None and self.active_params_b > self.total_params_b:
            raise _problem(f"'active_params_b' ({self.active_params_b:g}) cannot exceed 'total_params_b' ({self.total_params_b:g})")
        if self.experts_per_token is not None and (self.experts is None or self.experts_per_token > self.experts):
            raise _problem(f"'experts_per_token' ({self.experts_per_token}) needs 'experts' of at least that many"
                           f" (got {self.experts})")
        if self.kv_heads is not None and self.kv_heads > self.attention_heads:
            raise _problem(f"'kv_heads' ({self.kv_heads}) cannot exceed 'attention_heads' ({self.attention_heads})")
        return self


class Tflops(_Entry):
    """Dense tensor TFLOPS per precision; null where the GPU has no such tensor path."""

    bf16: Positive | None = None
    fp16: Positive | None = None
    fp8: Positive | None = None
    fp4: Positive | None = None

    @model_validator(mode="after")
    def _one_known(self) -> "Tflops":
        if not any(getattr(self, p) for p in PRECISIONS):
            raise _problem(f"must map at least one of {', '.join(PRECISIONS)} to TFLOPS")
        return self


class GpuEntry(_Spec):
    memory_gb: Positive
    memory_bandwidth_tb_s: Positive
    dense_tflops: Tflops
    interconnect_gb_s: Positive | None = None
    interconnect: Text | None = None


class ProfileEntry(_Entry):
    """A whole engine profile (see engine_profiles.json for what each constant means): efficiencies are
    shares of a peak, overheads times, limits counts. A profile in a user's file changes only the constants
    it names: it is merged onto the built-in profile of its id (the default profile for a new id) first,
    so what is checked here is the profile the estimator will run with, and null is never a value."""

    id: Id
    description: Text
    mbu: Fraction
    attention_mbu: Fraction
    mfu: Fraction
    low_precision_mfu_factor: Fraction
    moe_mfu_factor: Fraction
    comm_efficiency: Fraction
    kv_memory_fraction: Fraction
    step_overhead_ms: NonNegative
    request_overhead_ms: NonNegative
    allreduce_latency_us: NonNegative
    reserved_gib: NonNegative
    kv_reserve_output_fraction: NonNegative
    kv_fraction_of: KvFractionOf
    max_batch: Whole
    useful_kv_sequences: Whole
    max_num_tokens: Whole
    kv_block_tokens: Whole
    sliding_window_kv: Flag
    prefix_caching: Flag
    calibrated: Flag
    source: Text


class CatalogFile(_Entry):
    """A `--catalog` file: any of the three sections. Notes (`_meta`, any key starting with "_") and the
    `default` of a copied engine_profiles.json are ignored; any other key is refused with a suggestion, so
    a misspelt section ("gpu") is not silently dropped with everything in it."""

    models: Annotated[tuple[ModelEntry, ...], BeforeValidator(_objects)] = ()
    gpus: Annotated[tuple[GpuEntry, ...], BeforeValidator(_objects)] = ()
    profiles: Annotated[tuple[dict[str, Any], ...], BeforeValidator(_objects)] = ()  # checked once merged: ProfileEntry

    @model_validator(mode="before")
    @classmethod
    def _has_a_section(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not any(k in data for k in SECTIONS):
            raise _problem("expected an object with 'models', 'gpus' and/or 'profiles'")
        unknown = [k for k in data if k not in SECTIONS and k != "default" and not str(k).startswith("_")]
        if unknown:
            from forecasting.validate import suggest

            raise _problem("; ".join(f"unknown key {k!r}{suggest(str(k), SECTIONS)} (a catalog file has models, gpus"
                                     " and/or profiles; keys starting with _ are notes)" for k in unknown))
        return data


SECTIONS = ("models", "gpus", "profiles")


def catalog_problems(exc: ValidationError, origin: str) -> list[str]:
    """price_problems' lines (the one converter of pydantic errors into field-named lines) with the file's
    name set off by a colon, as the serving catalog has always written it: "c.json: gpus[0].memory_gb: ..."."""
    return [f"{origin}: {line[len(origin) + 1:]}" if line[len(origin):].startswith(".") else line
            for line in price_problems(exc, origin)]


def checked_file(doc: Any, origin: str, profiles: Mapping[str, EngineProfile],
                 default_profile: str) -> tuple[CatalogFile, tuple[ProfileEntry, ...]]:
    """A user's catalog file, every entry checked, and its profiles merged onto the built-in ones; one
    ServingInputError listing every problem, each line naming the file, the entry and the field."""
    problems: list[str] = []
    file: CatalogFile | None = None
    try:
        file = CatalogFile.model_validate(doc)
    except ValidationError as exc:
        problems += catalog_problems(exc, origin)
    rows = doc.get("profiles") if isinstance(doc, dict) else None  # checked even when another section is wrong
    merged: list[ProfileEntry] = []
    for i, row in enumerate(rows if isinstance(rows, list) else ()):
        if not isinstance(row, dict):
            continue  # reported by CatalogFile
        base = profiles.get(row["id"]) if isinstance(row.get("id"), str) else None
        try:
            inherited = {k: getattr(base or profiles[default_profile], k) for k in ProfileEntry.model_fields if k != "id"}
            merged.append(ProfileEntry.model_validate({**inherited, **row}))
        except ValidationError as exc:
            problems += price_problems(exc, f"{origin}: profiles[{i}]")
    if problems or file is None:
        raise ServingInputError("; ".join(problems))
    return file, tuple(merged)
