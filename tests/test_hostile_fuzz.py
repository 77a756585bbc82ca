"""Hostile round: fuzzing the scenario and price-file loaders through the command line.

The property is the exit-code contract itself: `capplan plan` on any file either plans (exit 0, one
finite JSON document on stdout) or exits 2 with one `capplan plan:` line per problem on stderr; never
exit 1, never a traceback. Inputs are JSON documents built around the real field names (so the
fuzzer reaches deep into validation and planning), with hostile values: wrong types, huge and tiny
numbers, nested junk, and raw text mutations of a valid file.
"""
from __future__ import annotations

import io
import json
import math
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.cli import main

FIELDS = ["app_type", "registered_users", "concurrent_users", "peak_concurrent_users", "daily_active_users",
          "monthly_active_users", "monthly_conversations", "peak_multiplier", "safety_margin",
          "monthly_growth_rate", "horizon_months", "region", "pricing", "name"]
SECTIONS = {"llm": ["deployment", "model", "gpu", "precision", "tensor_parallel", "itl_target_ms"],
            "workload": ["session_minutes", "messages_per_session", "prompt_tokens", "output_tokens",
                         "cached_input_share", "llm_calls_per_message"],
            "data": ["retention_days", "vector_chunks", "db_replicas"],
            "app": ["instance_type", "target_cpu_utilization", "min_instances"]}
PRICE_KEYS = ["api_models", "cpu_instances", "gpu_instances", "services", "rds_instances", "region", "source"]
ENTRY_KEYS = ["id", "name", "provider", "gpu", "gpus", "vcpu", "memory_gib", "gpu_memory_gb", "usd_per_hour",
              "input_usd_per_mtok", "output_usd_per_mtok", "cached_input_usd_per_mtok", "value"]

numbers = st.one_of(
    st.integers(min_value=-10, max_value=10), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([0, 1, 1e-320, 1e308, -0.0, 0.5, 3000]))
leaves = st.one_of(numbers, st.booleans(), st.none(), st.text(max_size=12),
                   st.sampled_from(["chatbot", "agent", "api", "self_hosted", "gpt-5-mini", "llama-3.1-8b",
                                    "h100-sxm", "aws-us-east-1", "fp8", "200000", "NaN"]))
junk = st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                    st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                    max_leaves=6)


@st.composite
def scenarios(draw: st.DrawFn) -> object:
    doc: dict[str, object] = {"app_type": draw(st.sampled_from(["chatbot", "agent"])),
                              "registered_users": draw(numbers), "concurrent_users": draw(numbers)}
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=5)):
        doc[key] = draw(st.one_of(leaves, junk))
    for section in draw(st.lists(st.sampled_from(list(SECTIONS)), max_size=2)):
        doc[section] = {k: draw(leaves) for k in draw(st.lists(st.sampled_from(SECTIONS[section]), max_size=3))}
    return draw(st.one_of(st.just(doc), junk)) if draw(st.booleans()) else doc


@st.composite
def price_files(draw: st.DrawFn) -> object:
    doc: dict[str, object] = {}
    for key in draw(st.lists(st.sampled_from(PRICE_KEYS), max_size=3)):
        entry = {k: draw(leaves) for k in draw(st.lists(st.sampled_from(ENTRY_KEYS), max_size=5))}
        doc[key] = draw(st.sampled_from([[entry], {"rds_gp3_storage": entry, "db.x": entry}, entry, 5, []]))
    return doc


def _run(args: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = out, err
    try:
        code = main(args)
    finally:
        sys.stdout, sys.stderr = old
    return code, out.getvalue(), err.getvalue()


def _assert_contract(code: int, out: str, err: str) -> None:
    assert "Traceback" not in err, err
    assert code in (0, 2), f"exit {code}: {err[:500]}"
    if code == 0:
        doc = json.loads(out, parse_constant=lambda c: pytest.fail(f"non-finite {c} in the plan"))
        assert math.isfinite(doc["cost"]["monthly_usd"])
    else:
        lines = [line for line in err.splitlines() if line.strip()]
        assert out == "" and lines and all(line.startswith("capplan plan: ") for line in lines), err[:500]


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                        HealthCheck.function_scoped_fixture])


@FUZZ
@given(doc=scenarios())
def test_any_scenario_file_plans_or_exits_2(tmp_path: Path, doc: object) -> None:
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc))
    _assert_contract(*_run(["plan", str(path), "--format", "json"]))


@FUZZ
@given(doc=price_files())
def test_any_price_file_plans_or_exits_2(tmp_path: Path, doc: object) -> None:
    scenario = tmp_path / "s.json"
    scenario.write_text(json.dumps({"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000,
                                    "llm": {"deployment": "self_hosted", "model": "llama-3.1-8b", "gpu": "h100-sxm"}}))
    prices = tmp_path / "p.json"
    prices.write_text(json.dumps(doc))
    _assert_contract(*_run(["plan", str(scenario), "--prices", str(prices), "--format", "json"]))


VALID = json.dumps({"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000,
                    "monthly_growth_rate": 0.08, "llm": {"model": "gpt-5-mini"}})


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(VALID)), insert=st.text(max_size=8),
       drop=st.integers(min_value=0, max_value=4))
def test_text_mutations_of_a_valid_file_plan_or_exit_2(tmp_path: Path, cut: int, insert: str, drop: int) -> None:
    path = tmp_path / "s.json"
    path.write_text(VALID[:cut] + insert + VALID[cut + drop:], encoding="utf-8")
    _assert_contract(*_run(["plan", str(path), "--format", "json"]))
