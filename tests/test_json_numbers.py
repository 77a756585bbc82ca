"""A number in a scenario must be a JSON number (forecasting/json_number.py), on every path: the rule is a
pydantic validator of the scenario's sections and of a range's ends, not a walk beside pydantic."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from pydantic import ValidationError

from forecasting import ScenarioError, parse_scenario
from forecasting.json_number import number_problem, takes_number
from forecasting.ranges import numeric_fields, split
from forecasting.scenario import Scenario
from forecasting.validate import describe_errors

BASE = {"app_type": "chatbot", "registered_users": 100_000, "concurrent_users": 1_000}
PATHS = sorted(numeric_fields())


def _with(path: str, value: object) -> dict:
    out = {**BASE, **{k: dict(v) for k, v in BASE.items() if isinstance(v, dict)}}
    *sections, key = path.split(".")
    cur = out
    for s in sections:
        cur = cur.setdefault(s, {})
    cur[key] = value
    return out


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(PATHS), st.sampled_from([True, False, "5", "200000", "1e3"]))
def test_every_numeric_field_refuses_booleans_and_text_naming_itself(path: str, value: object) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(_with(path, value))
    assert f"{path}: must be a number, got" in "\n".join(caught.value.problems)


def test_the_rule_is_inside_pydantic_so_a_direct_model_validate_refuses_too() -> None:
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate({**BASE, "workload": {"output_tokens": "300", "prompt_tokens": True}})
    assert describe_errors(caught.value) == [
        "workload.output_tokens: must be a number, got the text '300' (write it without quotes)",
        "workload.prompt_tokens: must be a number, got true (a boolean)"]


def test_numbers_that_json_writers_emit_are_kept() -> None:
    s = parse_scenario({**BASE, "horizon_months": 12.0, "workload": {"output_tokens": 300.0}, "safety_margin": 0})
    assert s.horizon_months == 12 and s.workload.output_tokens == 300 and s.safety_margin == 0


def test_list_items_and_range_ends_follow_the_same_rule() -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario({**BASE, "daily_load_curve": [1] * 23 + ["2"]})
    assert caught.value.problems == ["daily_load_curve.23: must be a number, got the text '2' (write it without quotes)"]
    with pytest.raises(ScenarioError) as caught:
        split({**BASE, "workload": {"output_tokens": {"low": 100, "high": False}}})
    assert caught.value.problems == ["workload.output_tokens.high: must be a number, got false (a boolean)"]


def test_text_fields_and_sections_are_not_numbers() -> None:
    assert not takes_number(str | None) and not takes_number(float | int | str) and takes_number(list[float] | None)
    assert number_problem(3) is None and number_problem(2.5) is None and number_problem(None) is None
    assert parse_scenario({**BASE, "name": "200000"}).name == "200000"
