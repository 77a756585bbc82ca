"""Models, GPUs and engine profiles for the self-hosted serving estimator, read from data files.

Why frozen dataclasses rather than pydantic models: the capacity plan calls the estimator inside
searches, and attribute access on plain dataclasses costs nothing; validation happens once, here,
when a file is loaded, with one readable line per problem.
"""
from __future__ import annotations

import difflib
import json
import math
import typing
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from forecasting.errors import InputError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PRECISIONS: tuple[str, ...] = ("bf16", "fp16", "fp8", "fp4")
# Bytes stored per weight. FP4 is NVFP4/MXFP4: 4-bit values plus one 8-bit scale per 16 (NVFP4) or
# 32 (MXFP4) values, about 4.5 bits; we take 4.5 bits (0.5625 B) so memory is not under-estimated.
BYTES_PER_WEIGHT: dict[str, float] = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "fp4": 0.5625}
# KV cache element size: engines keep KV in FP8 when weights are FP8 or FP4 (TensorRT-LLM: "If you
# specify FP8 quantization, the KV cache will automatically be set to FP8"), else in 16-bit.
KV_BYTES_PER_ELEMENT: dict[str, float] = {"bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "fp4": 1.0}
GIB = 1024.0**3


class ServingInputError(InputError):
    """Bad input to the serving estimator (unknown id, unsupported precision, model does not fit): the
    one input-error type, raised here with `field` set to the estimator argument the problem is about
    ("model", "gpu", "precision", "model / gpu" when the pair does not fit), so the plan can name the
    scenario field without reading the text."""


@dataclass(frozen=True)
class ModelSpec:
    id: str
    name: str
    total_params_b: float          # all weights held in memory, billions
    active_params_b: float         # weights one token passes through (MoE: shared + routed experts used)
    layers: int
    hidden_size: int
    attention_heads: int
    kv_heads: int | None           # None for MLA (latent cache)
    head_dim: int | None
    kv_cache_bytes_per_token_bf16: float
    experts: int | None = None
    experts_per_token: int | None = None
    sliding_window: int | None = None
    sliding_window_layer_fraction: float = 0.0
    max_context: int | None = None
    attention: str = "gqa"
    native_precision: str = "bf16"
    aliases: tuple[str, ...] = ()
    source: tuple[Mapping[str, Any], ...] = ()
    as_of: str = ""

    @property
    def is_moe(self) -> bool:
        return bool(self.experts and self.experts_per_token and self.experts > self.experts_per_token)


@dataclass(frozen=True)
class GpuSpec:
    id: str
    name: str
    memory_gb: float               # vendor capacity figure, read as GiB (an "80 GB" H100 has 81559 MiB)
    memory_bandwidth_tb_s: float   # peak HBM/GDDR bandwidth, 1e12 B/s
    dense_tflops: Mapping[str, float | None]
    interconnect_gb_s: float       # per direction per GPU, for tensor-parallel all-reduce
    interconnect: str = ""
    aliases: tuple[str, ...] = ()
    source: tuple[Mapping[str, Any], ...] = ()
    as_of: str = ""

    @property
    def supported_precisions(self) -> list[str]:
        return [p for p in PRECISIONS if self.dense_tflops.get(p)]


@dataclass(frozen=True)
class EngineProfile:
    """Engine efficiency constants, each with a physical meaning; see engine_profiles.json."""

    id: str
    description: str
    mbu: float                       # achieved / peak memory bandwidth while streaming weights (GEMMs)
    attention_mbu: float             # achieved / peak memory bandwidth of decode attention reading the KV cache
    mfu: float                       # achieved / peak dense 16-bit tensor FLOP/s in large GEMMs
    low_precision_mfu_factor: float  # FP8/FP4 GEMMs reach this fraction of the 16-bit MFU
    moe_mfu_factor: float            # grouped expert GEMMs (MoE) reach this fraction of dense-GEMM MFU
    step_overhead_ms: float          # per decode iteration: scheduling, sampling, launches
    request_overhead_ms: float       # per request on the TTFT path: tokenizer, scheduling, first launch
    allreduce_latency_us: float      # fixed cost of one tensor-parallel all-reduce
    comm_efficiency: float           # achieved / peak interconnect bandwidth in all-reduce
    reserved_gib: float              # per-GPU memory not available to weights or KV (activations, workspace)
    kv_memory_fraction: float        # share of memory the KV pool may take, of `kv_fraction_of`
    kv_fraction_of: str              # "free" (after weights, TensorRT-LLM) or "total" (vLLM)
    max_batch: int                   # the engine's limit on concurrently running sequences
    kv_reserve_output_fraction: float  # share of the output length reserved per sequence in the KV pool
    sliding_window_kv: bool          # whether the engine caps KV of sliding-window layers at the window
    useful_kv_sequences: int         # auto TP: smallest TP whose KV pool holds this many sequences
    max_num_tokens: int = 8192       # tokens one scheduler iteration may process (prefill chunks + decodes)
    prefix_caching: bool = True      # the engine reuses KV blocks of a prompt prefix it has seen (vLLM APC, TRT-LLM block reuse)
    kv_block_tokens: int = 16        # tokens per KV block: the smallest prefix the cache can reuse
    calibrated: bool = False
    source: str = ""


@dataclass(frozen=True)
class ServingCatalog:
    models: Mapping[str, ModelSpec]
    gpus: Mapping[str, GpuSpec]
    profiles: Mapping[str, EngineProfile]
    default_profile: str
    model_aliases: Mapping[str, str] = field(default_factory=dict)
    gpu_aliases: Mapping[str, str] = field(default_factory=dict)

    def model(self, key: str) -> ModelSpec:
        return self.models[_resolve(key, self.models, self.model_aliases, "model")]

    def gpu(self, key: str) -> GpuSpec:
        return self.gpus[_resolve(key, self.gpus, self.gpu_aliases, "GPU")]

    def profile(self, key: str | None) -> EngineProfile:
        key = key or self.default_profile
        return self.profiles[_resolve(key, self.profiles, {}, "engine profile")]


def _norm(s: str) -> str:
    return "".join(ch for ch in s.lower() if ch.isalnum() or ch == ".")


def _resolve(key: str, table: Mapping[str, Any], aliases: Mapping[str, str], kind: str) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ServingInputError(f"{kind} is required; known: {', '.join(sorted(table))}", field=_FIELD_OF.get(kind, kind.lower()))
    if key in table:
        return key
    hit = aliases.get(_norm(key))
    if hit:
        return hit
    raise ServingInputError(unknown_message(kind, key, table.keys()), field=_FIELD_OF.get(kind, kind.lower()))


_FIELD_OF = {"engine profile": "profile"}  # lookup kind -> the estimator argument it comes from


def unknown_message(kind: str, key: str, known: Iterable[str]) -> str:
    known = sorted(known)
    close = difflib.get_close_matches(key.lower(), known, n=3, cutoff=0.5)
    hint = f"did you mean {', '.join(close)}?" if close else f"known: {', '.join(known)}"
    return f"unknown {kind} '{key}': {hint}"


def _req(entry: Mapping[str, Any], key: str, where: str, problems: list[str], positive: bool = True) -> Any:
    val = entry.get(key)
    if val is None:
        problems.append(f"{where}: missing '{key}'")
        return None
    if positive and not _positive(val):
        problems.append(f"{where}: '{key}' must be a positive finite number, got {_show(val)}")
        return None
    return val


def _positive(val: Any) -> bool:
    return isinstance(val, (int, float)) and not isinstance(val, bool) and math.isfinite(val) and val > 0


def _show(val: Any) -> str:
    text = repr(val)
    return text if len(text) <= 60 else text[:60] + "..."


def _optional_positive(e: Mapping[str, Any], keys: tuple[str, ...], where: str, problems: list[str],
                       whole: bool = False) -> None:
    for key in keys:
        val = e.get(key)
        if val is None:
            continue
        if not _positive(val) or (whole and val != int(val)):
            kind = "a positive whole number" if whole else "a positive finite number"
            problems.append(f"{where}: '{key}' must be {kind}, got {_show(val)}")


# engine-profile constants: efficiencies are shares of a peak, overheads are times, limits are counts
_PROFILE_SHARES = ("mbu", "attention_mbu", "mfu", "low_precision_mfu_factor", "moe_mfu_factor", "comm_efficiency",
                   "kv_memory_fraction")
_PROFILE_TIMES = ("step_overhead_ms", "request_overhead_ms", "allreduce_latency_us", "reserved_gib",
                  "kv_reserve_output_fraction")
_PROFILE_COUNTS = ("max_batch", "useful_kv_sequences")


def profile_problems(e: Mapping[str, Any], where: str) -> list[str]:
    problems = []
    for key in _PROFILE_SHARES:
        if key in e and not (_positive(e[key]) and e[key] <= 1):
            problems.append(f"{where}: '{key}' must be a share above 0 and at most 1, got {_show(e[key])}")
    for key in _PROFILE_TIMES:
        v = e.get(key)
        if key in e and (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0):
            problems.append(f"{where}: '{key}' must be a finite number of at least 0, got {_show(v)}")
    for key in _PROFILE_COUNTS:
        v = e.get(key)
        if key in e and not (_positive(v) and float(typing.cast(float, v)).is_integer()):
            problems.append(f"{where}: '{key}' must be a positive whole number, got {_show(v)}")
    if "kv_fraction_of" in e and e["kv_fraction_of"] not in ("free", "total"):
        problems.append(f"{where}: 'kv_fraction_of' must be \"free\" or \"total\", got {_show(e['kv_fraction_of'])}")
    return problems


def _model_from(e: Mapping[str, Any], where: str, problems: list[str]) -> ModelSpec | None:
    before = len(problems)
    mid = e.get("id")
    if not isinstance(mid, str) or not mid:
        problems.append(f"{where}: missing 'id'")
        return None
    total = _req(e, "total_params_b", where, problems)
    active = e.get("active_params_b", total)
    _optional_positive(e, ("active_params_b", "kv_cache_bytes_per_token_bf16"), where, problems)
    _optional_positive(e, ("kv_heads", "head_dim", "experts", "experts_per_token", "max_context", "sliding_window"),
                       where, problems, whole=True)
    layers = _req(e, "layers", where, problems)
    hidden = _req(e, "hidden_size", where, problems)
    heads = _req(e, "attention_heads", where, problems)
    kv = e.get("kv_cache_bytes_per_token_bf16")
    if kv is None and e.get("kv_heads") and e.get("head_dim") and layers:
        kv = 2 * layers * e["kv_heads"] * e["head_dim"] * 2
    if not kv:
        problems.append(f"{where}: give 'kv_cache_bytes_per_token_bf16' or 'kv_heads' and 'head_dim'")
    if len(problems) > before:
        return None
    assert kv is not None  # a missing KV size was reported above
    return ModelSpec(
        id=mid, name=e.get("name", mid), total_params_b=float(total), active_params_b=float(active or total),
        layers=int(layers), hidden_size=int(hidden), attention_heads=int(heads),
        kv_heads=e.get("kv_heads") if isinstance(e.get("kv_heads"), int) else None,
        head_dim=e.get("head_dim") if isinstance(e.get("head_dim"), int) else None,
        kv_cache_bytes_per_token_bf16=float(kv), experts=e.get("experts"),
        experts_per_token=e.get("experts_per_token"), sliding_window=e.get("sliding_window"),
        sliding_window_layer_fraction=float(e.get("sliding_window_layer_fraction") or 0.0),
        max_context=e.get("max_context"), attention=str(e.get("attention", "gqa")),
        native_precision=str(e.get("native_precision", "bf16")), aliases=tuple(e.get("aliases", ())),
        source=tuple(e.get("source", ()) if isinstance(e.get("source"), list) else [e.get("source") or {}]),
        as_of=str(e.get("as_of", "")),
    )


def _gpu_from(e: Mapping[str, Any], where: str, problems: list[str]) -> GpuSpec | None:
    before = len(problems)
    gid = e.get("id")
    if not isinstance(gid, str) or not gid:
        problems.append(f"{where}: missing 'id'")
        return None
    mem = _req(e, "memory_gb", where, problems)
    bw = _req(e, "memory_bandwidth_tb_s", where, problems)
    _optional_positive(e, ("interconnect_gb_s",), where, problems)
    tf = e.get("dense_tflops")
    if not isinstance(tf, dict) or not any(tf.get(p) for p in PRECISIONS):
        problems.append(f"{where}: 'dense_tflops' must map at least one of {', '.join(PRECISIONS)} to TFLOPS")
    else:
        for p in PRECISIONS:
            if tf.get(p) is not None and not _positive(tf[p]):
                problems.append(f"{where}: 'dense_tflops.{p}' must be a positive finite number or null, got {_show(tf[p])}")
    if len(problems) > before:
        return None
    assert isinstance(tf, dict)  # a missing 'dense_tflops' was reported above
    return GpuSpec(
        id=gid, name=e.get("name", gid), memory_gb=float(mem), memory_bandwidth_tb_s=float(bw),
        dense_tflops={p: (float(tf[p]) if tf.get(p) else None) for p in PRECISIONS},
        interconnect_gb_s=float(e.get("interconnect_gb_s") or 32.0), interconnect=str(e.get("interconnect", "")),
        aliases=tuple(e.get("aliases", ())),
        source=tuple(e.get("source", ()) if isinstance(e.get("source"), list) else [e.get("source") or {}]),
        as_of=str(e.get("as_of", "")),
    )


def _profile_from(e: Mapping[str, Any]) -> EngineProfile:
    names = EngineProfile.__dataclass_fields__
    return EngineProfile(**{k: v for k, v in e.items() if k in names})


def _read_json(path: Path) -> Any:
    from forecasting.validate import loads_strict  # NaN, Infinity, duplicate keys and deep nesting refused

    try:
        return loads_strict(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ServingInputError(f"catalog file not found: {path}") from None
    except json.JSONDecodeError as exc:
        raise ServingInputError(f"catalog file {path} is not valid JSON: line {exc.lineno}: {exc.msg}") from None
    except UnicodeDecodeError:
        raise ServingInputError(f"catalog file {path} is not UTF-8 text") from None
    except ValueError as exc:
        raise ServingInputError(f"catalog file {path} is not valid JSON: {exc}") from None
    except OSError as exc:
        raise ServingInputError(f"catalog file {path} cannot be read: {exc.strerror or exc}") from None


def _entries(doc: Any, key: str, origin: str = "", problems: list[str] | None = None) -> list[Mapping[str, Any]]:
    """The list of entries under `key`; a non-list, or entries that are not objects, are problems."""
    if not isinstance(doc, dict) or doc.get(key) is None:
        return []
    value = doc[key]
    if not isinstance(value, list):
        if problems is not None:
            problems.append(f"{origin}: '{key}' must be a list of objects, got {type(value).__name__}")
        return []
    good: list[Mapping[str, Any]] = []
    for i, e in enumerate(value):
        if isinstance(e, dict):
            good.append(e)
        elif problems is not None:
            problems.append(f"{origin}: {key}[{i}] must be an object, got {_show(e)}")
    return good


@lru_cache(maxsize=16)
def load_serving_catalog(extra_path: str | None = None) -> ServingCatalog:
    """The built-in catalog, plus a user's JSON file of extra models/GPUs/profiles (same schema).

    A user entry with an existing id replaces the built-in one, so a user can correct a spec.
    Cached: the plan and the batch command call this many times.
    """
    problems: list[str] = []
    models: dict[str, ModelSpec] = {}
    gpus: dict[str, GpuSpec] = {}
    prof_doc = _read_json(DATA_DIR / "engine_profiles.json")
    profiles = {p["id"]: _profile_from(p) for p in prof_doc["profiles"]}
    docs = [("built-in", _read_json(DATA_DIR / "llm_models.json")), ("built-in", _read_json(DATA_DIR / "gpus.json"))]
    if extra_path:
        extra = _read_json(Path(extra_path))
        if not isinstance(extra, dict) or not any(k in extra for k in ("models", "gpus", "profiles")):
            raise ServingInputError(f"catalog file {extra_path}: expected an object with 'models' and/or 'gpus'")
        docs.append((str(extra_path), extra))
        for i, p in enumerate(_entries(extra, "profiles", str(extra_path), problems)):
            bad = profile_problems(p, f"{extra_path}: profiles[{i}]")
            if bad:
                problems += bad
                continue
            base = profiles.get(str(p.get("id", "")), profiles[prof_doc["default"]])
            try:
                profiles[p["id"]] = _profile_from({**base.__dict__, **p})
            except (KeyError, TypeError) as exc:
                problems.append(f"{extra_path}: profiles[{i}]: {exc}")
    for origin, doc in docs:
        for i, e in enumerate(_entries(doc, "models", origin, problems)):
            m = _model_from(e, f"{origin}: models[{i}]", problems)
            if m:
                models[m.id] = m
        for i, e in enumerate(_entries(doc, "gpus", origin, problems)):
            g = _gpu_from(e, f"{origin}: gpus[{i}]", problems)
            if g:
                gpus[g.id] = g
    if problems:
        raise ServingInputError("; ".join(problems))
    model_aliases = {_norm(a): m.id for m in models.values() for a in (m.id, m.name, *m.aliases)}
    gpu_aliases = {_norm(a): g.id for g in gpus.values() for a in (g.id, g.name, *g.aliases)}
    return ServingCatalog(models=models, gpus=gpus, profiles=profiles, default_profile=prof_doc["default"],
                          model_aliases=model_aliases, gpu_aliases=gpu_aliases)
