"""Uncertainty through the tool layer (what both chat paths call): ranges in forecast and what_if,
how_sure and what_matters_most; and the LLM path end to end against the local fake server."""
from __future__ import annotations

import io
import json
import re
import sys
from pathlib import Path
from typing import Iterator

import pytest

from agent.cli import main
from agent.session import Session
from agent.tools import ToolRegistry
from agent.backends.local_server import FakeOpenAIServer, Turn

RANGED = {"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3500,
          "ranges": {"concurrent_users": {"low": 2000, "high": 5000}, "monthly_growth_rate": {"low": 0.05, "high": 0.1}}}
SENTENCE = re.compile(r"^likely \$[\d,]+–\$[\d,]+ a month \(P10–P90\), \$[\d,]+ in the middle$")


@pytest.fixture
def registry() -> ToolRegistry:
    return ToolRegistry()


def call(registry: ToolRegistry, session: Session, name: str, args: dict) -> tuple[bool, dict | str]:
    r = registry.call(name, json.dumps(args), session)
    try:
        return r.ok, json.loads(r.content)
    except ValueError:
        return r.ok, r.content


def test_forecast_takes_ranges_and_answers_with_a_band(registry: ToolRegistry) -> None:
    s = Session()
    ok, body = call(registry, s, "forecast", RANGED)
    assert ok, body
    u = body["uncertainty"]
    assert SENTENCE.match(u["monthly_cost"]), u["monthly_cost"]
    p10, p50, p90 = u["bands_p10_p50_p90"]["cost.monthly_usd"]
    assert p10 < p50 < p90
    assert "concurrent_users 2000-5000 (given)" in u["uncertain_inputs"]
    rec = s.get("baseline")
    assert rec.inputs["concurrent_users"] == {"low": 2000.0, "high": 5000.0}  # the range, not its midpoint
    assert rec.plan["uncertainty"]["draws"] == 1000


def test_schema_tells_the_model_about_ranges(registry: ToolRegistry) -> None:
    forecast = next(t for t in registry.schemas() if t["function"]["name"] == "forecast")["function"]["parameters"]
    ranges = forecast["properties"]["ranges"]
    assert "low" in ranges["description"] and "concurrent_users" in ranges["description"]
    text = json.dumps(forecast)
    assert '"low"' in text and '"high"' in text and "lognormal" in text
    names = [t["function"]["name"] for t in registry.schemas()]
    assert "how_sure" in names and "what_matters_most" in names


@pytest.mark.parametrize("ranges,field,words", [
    ({"concurrent_users": {"low": 5000, "high": 2000}}, "concurrent_users", "low (5000) must not be above high (2000)"),
    ({"peak_multiplier": {"low": 0.5, "high": 2}}, "peak_multiplier.low", "Input should be greater than or equal to 1"),
    ({"concurrent_users": {"low": 2000, "high": 500000}}, "concurrent_users", "cannot exceed registered_users"),
])
def test_bad_ranges_are_a_tool_error_naming_the_field(registry: ToolRegistry, ranges: dict, field: str, words: str) -> None:
    s = Session()
    ok, body = call(registry, s, "forecast", {**RANGED, "ranges": ranges})
    assert not ok and field in body and words in body and "Traceback" not in body
    assert s.get("baseline") is None  # nothing half-made is kept


def test_a_malformed_range_is_an_argument_error(registry: ToolRegistry) -> None:
    ok, body = call(registry, Session(), "forecast", {**RANGED, "ranges": {"concurrent_users": {"low": "many"}}})
    assert not ok and "ranges.concurrent_users" in body


def test_what_if_scales_a_range_and_sets_new_ones(registry: ToolRegistry) -> None:
    s = Session()
    call(registry, s, "forecast", RANGED)
    ok, body = call(registry, s, "what_if", {"scale_users": 2, "name": "double"})
    assert ok, body
    assert s.get("double").inputs["concurrent_users"] == {"low": 4000.0, "high": 10000.0}
    base_p50 = s.get("baseline").plan["uncertainty"]["figures"]["load.peak_concurrent_users"]["p50"]
    assert s.get("double").plan["uncertainty"]["figures"]["load.peak_concurrent_users"]["p50"] == pytest.approx(2 * base_p50, rel=0.01)
    ok, body = call(registry, s, "what_if", {"base": "baseline", "name": "long answers",
                                             "ranges": {"workload.output_tokens": {"low": 300, "high": 900}}})
    assert ok, body
    assert s.get("long answers").inputs["workload"]["output_tokens"] == {"low": 300.0, "high": 900.0}
    assert body["changes"]["ranges"] == {"workload.output_tokens": {"low": 300.0, "high": 900.0}}


def test_how_sure_on_ranges_and_on_exact_figures(registry: ToolRegistry) -> None:
    s = Session()
    call(registry, s, "forecast", RANGED)
    ok, body = call(registry, s, "how_sure", {})
    assert ok and body["basis"] == "the person's ranges" and SENTENCE.match(body["monthly_cost"])
    assert body["least_regret"]["monthly_usd"] > 0 and "P10-P90" in body["meaning"]
    call(registry, s, "forecast", {"name": "exact", "app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000})
    ok, body = call(registry, s, "how_sure", {"name": "exact"})
    assert ok and "defaults vary" in body["basis"] and SENTENCE.match(body["monthly_cost"])
    assert any("(default)" in x for x in body["uncertain_inputs"])
    assert len(s.scenarios) == 2  # how_sure adds no scenario


def test_what_matters_most_ranks_inputs_by_swing(registry: ToolRegistry) -> None:
    s = Session()
    call(registry, s, "forecast", RANGED)
    ok, body = call(registry, s, "what_matters_most", {"top": 4})
    assert ok, body
    rows = body["inputs"]
    assert len(rows) == 4 and [r["swing_usd"] for r in rows] == sorted((r["swing_usd"] for r in rows), reverse=True)
    assert any(r["input"] == "concurrent_users" and r["source"] == "given by the person" for r in rows)
    assert all(r["monthly_usd_at_low"] != r["monthly_usd_at_high"] for r in rows)
    ok, err = call(registry, s, "what_matters_most", {"name": "nope"})
    assert not ok and 'no scenario named "nope"' in err


# ---- the LLM path, end to end ---------------------------------------------------------------------
@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-test-placeholder0000")
        monkeypatch.setenv("CAPPLAN_MODEL", "fake-model")
        yield srv


def test_llm_path_passes_ranges_and_asks_how_sure(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.push(
        Turn(tool_calls=[{"id": "c1", "name": "forecast", "arguments": RANGED}]),
        Turn(content="Likely a range, see the table."),
        Turn(tool_calls=[{"id": "c2", "name": "how_sure", "arguments": {}}]),
        Turn(content="Fairly sure."),
        Turn(tool_calls=[{"id": "c3", "name": "what_matters_most", "arguments": {"top": 3}}]),
        Turn(content="Concurrency matters most."),
    )
    save = tmp_path / "t.md"
    monkeypatch.setattr(sys, "stdin", io.StringIO("between 2 and 5 thousand online, growth 5-10%\nhow sure are you?\n"
                                                  "what matters most?\n/save\n"))
    assert main(["chat", "--save", str(save)]) == 0, capsys.readouterr().err
    assert "ranges" in json.dumps(server.requests[0].body["tools"][0])
    seen = [json.loads(server.requests[i].body["messages"][-1]["content"]) for i in (1, 3, 5)]
    assert SENTENCE.match(seen[0]["uncertainty"]["monthly_cost"])
    assert SENTENCE.match(seen[1]["monthly_cost"]) and len(seen[2]["inputs"]) == 3
    data = json.loads(save.with_suffix(".json").read_text())
    assert data["scenarios"][0]["inputs"]["concurrent_users"] == {"low": 2000.0, "high": 5000.0}
    assert data["scenarios"][0]["plan"]["uncertainty"]["figures"]["cost.monthly_usd"]["p90"] > 0
    assert "P10–P90" in save.read_text()  # the Markdown transcript's final plan shows the bands
