"""The serving catalog file (`--catalog FILE`): every kind of problem is refused with a line naming the file,
the entry and the field (exit 2, no traceback), and the shipped data, built at start-up without validation,
passes the same pydantic models and gives the same records as when validated."""
from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.cli import main
from forecasting.serving.catalog import (
    DATA_DIR, EngineProfile, GpuSpec, ModelSpec, ServingInputError, gpu_spec, load_serving_catalog, model_spec, profile_spec,
)
from forecasting.serving.entries import GpuEntry, ModelEntry, ProfileEntry, checked_file
from forecasting.validate import loads_strict

MODEL = {"id": "m", "total_params_b": 8, "layers": 32, "hidden_size": 4096, "attention_heads": 32, "kv_heads": 8,
         "head_dim": 128}
GPU = {"id": "g", "memory_gb": 80, "memory_bandwidth_tb_s": 3, "dense_tflops": {"bf16": 900}}


def _without(row: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in keys}


# (file content, the message after "FILE: "); one case per kind of problem
BROKEN: dict[str, tuple[Any, str]] = {
    # the file as a whole
    "not an object": ([1], "expected an object with 'models', 'gpus' and/or 'profiles'"),
    "no section": ({"model": [MODEL]}, "expected an object with 'models', 'gpus' and/or 'profiles'"),
    "section not a list": ({"models": {"id": "x"}}, "models: must be a list of objects, got {'id': 'x'}"),
    "more active than total parameters": ({"models": [{**MODEL, "active_params_b": 9}]},
                                          "models[0]: 'active_params_b' (9) cannot exceed 'total_params_b' (8)"),
    "more experts per token than experts": ({"models": [{**MODEL, "experts": 8, "experts_per_token": 9}]},
                                            "models[0]: 'experts_per_token' (9) needs 'experts' of at least that many (got 8)"),
    "experts per token without experts": ({"models": [{**MODEL, "experts_per_token": 2}]},
                                          "models[0]: 'experts_per_token' (2) needs 'experts' of at least that many (got None)"),
    "more KV heads than attention heads": ({"models": [{**MODEL, "kv_heads": 64}]},
                                           "models[0]: 'kv_heads' (64) cannot exceed 'attention_heads' (32)"),
    "misspelt section beside a good one": ({"models": [MODEL], "gpu": [GPU]},
                                           "unknown key 'gpu' (did you mean \"gpus\"?) (a catalog file has models, gpus"
                                           " and/or profiles; keys starting with _ are notes)"),
    "entry not an object": ({"gpus": [5]}, "gpus[0]: expected an object, got 5"),
    # models
    "model without id": ({"models": [_without(MODEL, "id")]}, "models[0].id: required"),
    "model with an empty id": ({"models": [{**MODEL, "id": " "}]}, "models[0].id: must be a non-empty text id, got ' '"),
    "model id a number": ({"models": [{**MODEL, "id": 7}]}, "models[0].id: must be a non-empty text id, got 7"),
    "required count missing": ({"models": [_without(MODEL, "layers")]}, "models[0].layers: required"),
    "required size not positive": ({"models": [{**MODEL, "total_params_b": 0}]},
                                   "models[0].total_params_b: must be above 0, got 0"),
    "count zero": ({"models": [{**MODEL, "hidden_size": 0}]},
                   "models[0].hidden_size: must be a whole number of at least 1, got 0"),
    "count not whole": ({"models": [{**MODEL, "layers": 32.5}]},
                        "models[0].layers: must be a whole number of at least 1, got 32.5"),
    "number as text": ({"models": [{**MODEL, "attention_heads": "32"}]},
                       "models[0].attention_heads: must be a number, got the text '32' (write it without quotes)"),
    "number as true": ({"models": [{**MODEL, "layers": True}]}, "models[0].layers: must be a number, got true (a boolean)"),
    "optional size not positive": ({"models": [{**MODEL, "active_params_b": -1}]},
                                   "models[0].active_params_b: must be above 0, got -1"),
    "optional count negative": ({"models": [{**MODEL, "kv_heads": -8}]},
                                "models[0].kv_heads: must be a whole number of at least 1, got -8"),
    "optional count not whole": ({"models": [{**MODEL, "experts": 7.5, "experts_per_token": 2}]},
                                 "models[0].experts: must be a whole number of at least 1, got 7.5"),
    "no KV size": ({"models": [_without(MODEL, "head_dim")]},
                   "models[0]: give 'kv_cache_bytes_per_token_bf16' or 'kv_heads' and 'head_dim'"),
    "share above 1": ({"models": [{**MODEL, "sliding_window_layer_fraction": 1.5}]},
                      "models[0].sliding_window_layer_fraction: must be a share from 0 to 1, got 1.5"),
    "unknown precision": ({"models": [{**MODEL, "native_precision": "int4"}]},
                          "models[0].native_precision: must be one of bf16, fp16, fp8, fp4, got 'int4'"),
    "aliases as text": ({"models": [{**MODEL, "aliases": "m1"}]}, "models[0].aliases: must be a list of text, got 'm1'"),
    "source as a number": ({"models": [{**MODEL, "source": 3}]},
                           "models[0].source: must be an object such as {\"title\": \"our lab\"} or a list of them, got 3"),
    "name a number": ({"models": [{**MODEL, "name": 8}]}, "models[0].name: must be text, got 8"),
    # GPUs
    "gpu without bandwidth": ({"gpus": [_without(GPU, "memory_bandwidth_tb_s")]}, "gpus[0].memory_bandwidth_tb_s: required"),
    "gpu memory negative": ({"gpus": [{**GPU, "memory_gb": -1}]}, "gpus[0].memory_gb: must be above 0, got -1"),
    "interconnect zero": ({"gpus": [{**GPU, "interconnect_gb_s": 0}]}, "gpus[0].interconnect_gb_s: must be above 0, got 0"),
    "no TFLOPS": ({"gpus": [{**GPU, "dense_tflops": {"bf16": None}}]},
                  "gpus[0].dense_tflops: must map at least one of bf16, fp16, fp8, fp4 to TFLOPS"),
    "TFLOPS not an object": ({"gpus": [{**GPU, "dense_tflops": [900]}]}, "gpus[0].dense_tflops: expected an object, got [900]"),
    "TFLOPS negative": ({"gpus": [{**GPU, "dense_tflops": {"bf16": 900, "fp8": -1}}]},
                        "gpus[0].dense_tflops.fp8: must be above 0, got -1"),
    # engine profiles (merged onto the built-in one first)
    "profile without id": ({"profiles": [{"mbu": 0.5}]}, "profiles[0].id: required"),
    "efficiency above 1": ({"profiles": [{"id": "trtllm", "mfu": 1.5}]},
                           "profiles[0].mfu: must be a fraction above 0 and at most 1, got 1.5"),
    "efficiency zero": ({"profiles": [{"id": "vllm", "mbu": 0}]},
                        "profiles[0].mbu: must be a fraction above 0 and at most 1, got 0"),
    "efficiency null": ({"profiles": [{"id": "trtllm", "mbu": None}]}, "profiles[0].mbu: must be a number, got None"),
    "overhead negative": ({"profiles": [{"id": "trtllm", "step_overhead_ms": -1}]},
                          "profiles[0].step_overhead_ms: must be at least 0, got -1"),
    "limit not whole": ({"profiles": [{"id": "trtllm", "max_batch": 2.5}]},
                        "profiles[0].max_batch: must be a whole number of at least 1, got 2.5"),
    "scheduler tokens zero": ({"profiles": [{"id": "new", "max_num_tokens": 0}]},
                              "profiles[0].max_num_tokens: must be a whole number of at least 1, got 0"),
    "kv share of what": ({"profiles": [{"id": "trtllm", "kv_fraction_of": "half"}]},
                         "profiles[0].kv_fraction_of: must be \"free\" (of memory after weights) or \"total\", got 'half'"),
    "flag as text": ({"profiles": [{"id": "trtllm", "prefix_caching": "yes"}]},
                     "profiles[0].prefix_caching: must be true or false, got 'yes'"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_kind_of_problem_names_the_file_entry_and_field(tmp_path: Path, name: str) -> None:
    doc, message = BROKEN[name]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(ServingInputError) as got:
        load_serving_catalog(str(path))
    assert str(got.value) == f"{path}: {message}"


@pytest.mark.parametrize("name", list(BROKEN))
def test_each_kind_of_problem_exits_2_on_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    doc, message = BROKEN[name]
    path = tmp_path / "c.json"
    path.write_text(json.dumps(doc))
    code = main(["llm-estimate", "--model", "llama-3.1-8b", "--gpu", "h100-sxm", "--input-tokens", "10",
                 "--output-tokens", "10", "--catalog", str(path)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err == f"capplan llm-estimate: --catalog: {path}: {message}\n"


def test_every_problem_of_a_file_in_one_message(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"models": [MODEL, {**MODEL, "layers": 0}], "gpus": [{**GPU, "memory_gb": 0}],
                                "profiles": [{"id": "trtllm", "mfu": 2}]}))
    with pytest.raises(ServingInputError) as got:
        load_serving_catalog(str(path))
    assert str(got.value).split("; ") == [
        f"{path}: models[1].layers: must be a whole number of at least 1, got 0",
        f"{path}: gpus[0].memory_gb: must be above 0, got 0",
        f"{path}: profiles[0].mfu: must be a fraction above 0 and at most 1, got 2",
    ]


def test_plan_refuses_a_broken_file_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"gpus": [{**GPU, "memory_bandwidth_tb_s": 0}]}))
    code = main(["plan", "examples/selfhosted-chatbot.json", "--format", "json", "--catalog", str(path)])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err == f"capplan plan: --catalog: {path}: gpus[0].memory_bandwidth_tb_s: must be above 0, got 0\n"


@pytest.mark.parametrize("text,words", [
    ("{", "is not valid JSON: line 1"),
    ('{"gpus": [{"id": "g", "memory_gb": NaN}]}', "NaN is not a valid JSON number"),
    ('{"gpus": [{"id": "g", "memory_gb": 1e999}]}', "too large"),
    ('{"models": [], "models": []}', "duplicate key 'models'"),
])
def test_files_that_are_not_json_are_refused_before_the_models(tmp_path: Path, text: str, words: str) -> None:
    path = tmp_path / "c.json"
    path.write_text(text)
    with pytest.raises(ServingInputError, match="catalog file") as got:
        load_serving_catalog(str(path))
    assert words in str(got.value)


def test_what_the_checks_let_through_is_what_the_estimator_gets(tmp_path: Path) -> None:
    """Whole counts written as 8.0 stay KV heads (the hand checks made them None: an MLA-like model whose KV
    never shards), a null name falls back to the id (it crashed alias building), a profile changes only
    what it names."""
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"models": [{**MODEL, "kv_heads": 8.0, "name": None}],
                                "profiles": [{"id": "vllm", "mbu": 0.5}, {"id": "mine", "max_batch": 64}]}))
    cat = load_serving_catalog(str(path))
    base = load_serving_catalog()
    m = cat.model("m")
    assert m.kv_heads == 8 and isinstance(m.kv_heads, int) and m.name == "m"
    assert m.kv_cache_bytes_per_token_bf16 == 2 * 32 * 8 * 128 * 2 and m.active_params_b == 8.0
    assert cat.profile("vllm") == base.profile("vllm")._replace(mbu=0.5)
    mine = cat.profile("mine")
    assert mine.max_batch == 64 and mine.mfu == base.profile(None).mfu and mine.id == "mine"


def _shipped(name: str, key: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((DATA_DIR / name).read_text())[key]
    return rows


@pytest.mark.parametrize("name", ["llm_models.json", "gpus.json", "engine_profiles.json"])
def test_shipped_files_read_strictly_as_they_read_at_start_up(name: str) -> None:
    """Start-up reads them with plain json.loads: no NaN, Infinity or duplicate key may hide in them."""
    text = (DATA_DIR / name).read_text(encoding="utf-8")
    assert loads_strict(text) == json.loads(text)


@pytest.mark.parametrize("row", _shipped("llm_models.json", "models"), ids=lambda r: r["id"])
def test_shipped_model_rows_pass_and_give_the_same_record(row: dict[str, Any]) -> None:
    checked = ModelEntry.model_validate(row)
    assert repr(model_spec(checked.model_dump())) == repr(model_spec(row))  # repr: 8 and 8.0 differ


@pytest.mark.parametrize("row", _shipped("gpus.json", "gpus"), ids=lambda r: r["id"])
def test_shipped_gpu_rows_pass_and_give_the_same_record(row: dict[str, Any]) -> None:
    checked = GpuEntry.model_validate(row)
    assert repr(gpu_spec(checked.model_dump())) == repr(gpu_spec(row))


@pytest.mark.parametrize("row", _shipped("engine_profiles.json", "profiles"), ids=lambda r: r["id"])
def test_shipped_profiles_are_whole_and_give_the_same_record(row: dict[str, Any]) -> None:
    checked = ProfileEntry.model_validate(row)  # every constant required: a shipped profile lacks none
    assert repr(profile_spec(checked.model_dump())) == repr(profile_spec(row))


def _record_fields(cls: Any) -> set[str]:
    return set(cls._fields)


def test_the_checked_fields_are_the_record_fields() -> None:
    """A profile in a file inherits every constant ProfileEntry names from the built-in one: a record field
    it did not name would silently take the record's default instead."""
    assert set(ProfileEntry.model_fields) == _record_fields(EngineProfile)
    assert set(ModelEntry.model_fields) == _record_fields(ModelSpec)
    assert set(GpuEntry.model_fields) == _record_fields(GpuSpec)


def test_the_shipped_files_read_as_a_user_file_give_the_built_in_catalog(tmp_path: Path) -> None:
    path = tmp_path / "all.json"
    path.write_text(json.dumps({"models": _shipped("llm_models.json", "models"), "gpus": _shipped("gpus.json", "gpus"),
                                "profiles": _shipped("engine_profiles.json", "profiles")}))
    assert repr(load_serving_catalog(str(path))) == repr(load_serving_catalog())


_counts = st.integers(1, 200_000)
_sizes = st.floats(0.001, 1e6, allow_nan=False) | st.integers(1, 10**6)


@settings(max_examples=80, deadline=None)
@given(layers=_counts, hidden=_counts, heads=_counts, kv_heads=st.none() | _counts, head_dim=_counts,
       total=_sizes, active=st.none() | _sizes, kv=st.none() | _sizes, name=st.none() | st.text(min_size=1, max_size=8))
def test_a_valid_model_row_means_the_same_validated_or_trusted(layers: int, hidden: int, heads: int,
                                                               kv_heads: int | None, head_dim: int, total: float,
                                                               active: float | None, kv: float | None,
                                                               name: str | None) -> None:
    kv_heads = None if kv_heads is None else min(kv_heads, heads)  # a valid row: parts within their wholes
    active = None if active is None else min(active, total)
    row = {"id": "x", "name": name, "total_params_b": total, "active_params_b": active, "layers": layers,
           "hidden_size": hidden, "attention_heads": heads, "kv_heads": kv_heads, "head_dim": head_dim,
           "kv_cache_bytes_per_token_bf16": kv}
    if kv is None and kv_heads is None:
        with pytest.raises(ServingInputError, match=r"f: models\[0\]: give 'kv_cache_bytes_per_token_bf16'"):
            checked_file({"models": [row]}, "f", load_serving_catalog().profiles, "trtllm")
        return
    file, _ = checked_file({"models": [row]}, "f", load_serving_catalog().profiles, "trtllm")
    assert repr(model_spec(file.models[0].model_dump())) == repr(model_spec(row))


@settings(max_examples=80, deadline=None)
@given(key=st.sampled_from(["total_params_b", "layers", "hidden_size", "attention_heads", "active_params_b",
                            "kv_heads", "head_dim", "kv_cache_bytes_per_token_bf16", "max_context"]),
       bad=st.sampled_from([0, -1, -0.5, True, False, "8", [8], {"v": 8}, math.inf, -math.inf, math.nan]))
def test_a_bad_number_is_refused_at_its_field(key: str, bad: Any) -> None:
    with pytest.raises(ServingInputError) as got:
        checked_file({"models": [{**MODEL, key: bad}]}, "f", load_serving_catalog().profiles, "trtllm")
    assert str(got.value).startswith(f"f: models[0].{key}: must be ")
