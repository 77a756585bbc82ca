"""Models, GPUs and engine profiles for the self-hosted serving estimator, read from data files.

Why NamedTuples rather than pydantic models: the capacity plan calls the estimator inside searches, and
attribute access on a tuple costs nothing; NamedTuples rather than frozen dataclasses because each frozen
dataclass costs ~1.5 ms to create at import and the four here were ~4 ms (measured: importing this module 7.1 -> 2.8 ms) of every `capplan plan` (issue 16,
move 12; a NamedTuple ~0.3 ms). Change a record with `._replace(...)`. A user's `--catalog` file is validated
by the pydantic models of entries.py (imported only then); the shipped files are trusted at start-up and
checked by the same models in tests/test_serving_catalog_file.py. Either way the records are built by the
same functions here (model_spec, gpu_spec, profile_spec), which hold the defaults.
"""
from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Iterable, Mapping, NamedTuple

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


_NO_ALIASES: Mapping[str, str] = MappingProxyType({})  # a shared default no one can change


class ModelSpec(NamedTuple):
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


class GpuSpec(NamedTuple):
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


class EngineProfile(NamedTuple):
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


class ServingCatalog(NamedTuple):
    models: Mapping[str, ModelSpec]
    gpus: Mapping[str, GpuSpec]
    profiles: Mapping[str, EngineProfile]
    default_profile: str
    model_aliases: Mapping[str, str] = _NO_ALIASES
    gpu_aliases: Mapping[str, str] = _NO_ALIASES

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


def model_spec(e: Mapping[str, Any]) -> ModelSpec:
    """The record of a `models` row: a shipped row as it is (the tests check each passes entries.ModelEntry
    and gives this same record), a user's after ModelEntry validated it. The defaults are here, once: the
    name is the id, active parameters are all of them (dense), KV per token = 2 x layers x KV heads x head
    dim x 2 B, no sliding window."""
    layers = int(e["layers"])
    kv = e.get("kv_cache_bytes_per_token_bf16")
    if kv is None:
        kv = 2 * layers * e["kv_heads"] * e["head_dim"] * 2
    return ModelSpec(
        id=e["id"], name=e.get("name") or e["id"], total_params_b=float(e["total_params_b"]),
        active_params_b=float(e.get("active_params_b") or e["total_params_b"]),
        layers=layers, hidden_size=int(e["hidden_size"]), attention_heads=int(e["attention_heads"]),
        kv_heads=e.get("kv_heads"), head_dim=e.get("head_dim"), kv_cache_bytes_per_token_bf16=float(kv),
        experts=e.get("experts"), experts_per_token=e.get("experts_per_token"), sliding_window=e.get("sliding_window"),
        sliding_window_layer_fraction=float(e.get("sliding_window_layer_fraction") or 0.0),
        max_context=e.get("max_context"), attention=e.get("attention") or "gqa",
        native_precision=e.get("native_precision") or "bf16", aliases=tuple(e.get("aliases") or ()),
        source=_sources(e.get("source")), as_of=e.get("as_of") or "",
    )


def gpu_spec(e: Mapping[str, Any]) -> GpuSpec:
    """The record of a `gpus` row, shipped or validated (entries.GpuEntry). Without an interconnect figure a
    GPU is taken to sit on PCIe Gen4 x16: 16 GT/s x 16 lanes x 128/130 = 31.5, about 32 GB/s per direction."""
    tf = e["dense_tflops"]
    return GpuSpec(
        id=e["id"], name=e.get("name") or e["id"], memory_gb=float(e["memory_gb"]),
        memory_bandwidth_tb_s=float(e["memory_bandwidth_tb_s"]),
        dense_tflops={p: (float(tf[p]) if tf.get(p) else None) for p in PRECISIONS},
        interconnect_gb_s=float(e.get("interconnect_gb_s") or 32.0), interconnect=e.get("interconnect") or "",
        aliases=tuple(e.get("aliases") or ()), source=_sources(e.get("source")), as_of=e.get("as_of") or "",
    )


def _sources(source: Any) -> tuple[Mapping[str, Any], ...]:
    return tuple(source) if isinstance(source, list) else (source or {},)


def profile_spec(e: Mapping[str, Any]) -> EngineProfile:
    """The record of a `profiles` row, shipped or validated (entries.ProfileEntry); notes beside the
    constants (`*_source`) stay in the file."""
    names = EngineProfile._fields
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


def _shipped(name: str) -> Any:
    """A data file of the package, trusted: the tests read each one strictly (no NaN, no duplicate key) and
    check every row against the models of entries.py; plain json.loads is ~0.4 ms for the three files, the
    strict reader ~3.7 ms of every start-up."""
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=16)
def load_serving_catalog(extra_path: str | None = None) -> ServingCatalog:
    """The built-in catalog, plus a user's JSON file of extra models/GPUs/profiles (same schema).

    A user entry with an existing id replaces the built-in one, so a user can correct a spec.
    Cached: the plan and the batch command call this many times.
    """
    prof_doc = _shipped("engine_profiles.json")
    profiles = {p["id"]: profile_spec(p) for p in prof_doc["profiles"]}
    models = {m["id"]: model_spec(m) for m in _shipped("llm_models.json")["models"]}
    gpus = {g["id"]: gpu_spec(g) for g in _shipped("gpus.json")["gpus"]}
    if extra_path:
        from forecasting.serving.entries import checked_file  # pydantic models: only when there is a file to check

        extra, merged = checked_file(_read_json(Path(extra_path)), str(extra_path), profiles, prof_doc["default"])
        profiles |= {p.id: profile_spec(p.model_dump()) for p in merged}
        models |= {m.id: model_spec(m.model_dump()) for m in extra.models}
        gpus |= {g.id: gpu_spec(g.model_dump()) for g in extra.gpus}
    model_aliases = {_norm(a): m.id for m in models.values() for a in (m.id, m.name, *m.aliases)}
    gpu_aliases = {_norm(a): g.id for g in gpus.values() for a in (g.id, g.name, *g.aliases)}
    return ServingCatalog(models=models, gpus=gpus, profiles=profiles, default_profile=prof_doc["default"],
                          model_aliases=model_aliases, gpu_aliases=gpu_aliases)
