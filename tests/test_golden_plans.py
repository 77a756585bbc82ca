"""Golden plans for the example scenarios: any change to a number must be deliberate.

Regenerate after an intended change with `CAPPLAN_UPDATE_GOLDEN=1 pytest tests/test_golden_plans.py`
and review the diff of tests/golden/ like any other code change.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from forecasting import plan

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = Path(__file__).parent / "golden"
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def diff(expected, actual, path="plan"):
    if isinstance(expected, dict) and isinstance(actual, dict):
        if expected.keys() != actual.keys():
            yield f"{path}: keys differ: {sorted(expected.keys() ^ actual.keys())}"
        for k in expected.keys() & actual.keys():
            yield from diff(expected[k], actual[k], f"{path}.{k}")
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            yield f"{path}: length {len(expected)} != {len(actual)}"
        for i, (e, a) in enumerate(zip(expected, actual)):
            yield from diff(e, a, f"{path}[{i}]")
    elif isinstance(expected, float) or isinstance(actual, float):
        if not (isinstance(actual, (int, float)) and math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-9)):
            yield f"{path}: {expected!r} != {actual!r}"
    elif expected != actual:
        yield f"{path}: {expected!r} != {actual!r}"


def update_golden() -> bool:
    """Rewrite golden files only on an explicit CAPPLAN_UPDATE_GOLDEN=1, and never in CI (CI set):
    "0" or any other value must not turn a comparison into a rewrite that always passes."""
    return os.environ.get("CAPPLAN_UPDATE_GOLDEN") == "1" and not os.environ.get("CI")


def test_golden_update_needs_an_explicit_1_and_no_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    for value, expected in (("1", True), ("0", False), ("yes", False), ("", False)):
        monkeypatch.setenv("CAPPLAN_UPDATE_GOLDEN", value)
        assert update_golden() is expected
    monkeypatch.setenv("CAPPLAN_UPDATE_GOLDEN", "1")
    monkeypatch.setenv("CI", "true")
    assert update_golden() is False


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_example_plan_matches_golden(example):
    actual = plan(json.loads(example.read_text())).model_dump(mode="json")
    golden = GOLDEN / f"{example.stem}.plan.json"
    if update_golden():
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(json.dumps(actual, indent=1, sort_keys=True) + "\n")
    assert golden.exists(), f"no golden plan for {example.name}: run with CAPPLAN_UPDATE_GOLDEN=1"
    problems = list(diff(json.loads(golden.read_text()), actual))
    assert not problems, "\n".join(problems[:20])


def test_plans_are_deterministic():
    scenario = json.loads(EXAMPLES[0].read_text())
    assert plan(scenario).model_dump_json() == plan(scenario).model_dump_json()
