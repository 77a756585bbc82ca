"""One input-error type with fields; tool outcomes as data; transcripts upgraded by named migrations."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from agent import transcript
from agent.errors import InputError as AgentInputError
from agent.loop import ChatLoop
from agent.backends.base import Reply, ToolCall
from agent.session import Session
from agent.tools import ToolRegistry
from agent.transcript_migrations import MIGRATIONS, SCHEMA_VERSION, migrate
from forecasting import plan
from forecasting.errors import InputError, Problem, ScenarioError
from forecasting.serving import ServingInputError

ROOT = Path(__file__).resolve().parents[1]
CHATBOT = {"app_type": "chatbot", "registered_users": 200_000, "concurrent_users": 3_000}


def test_one_type_everywhere() -> None:
    assert ScenarioError is InputError is AgentInputError
    assert issubclass(ServingInputError, InputError) and issubclass(transcript.TranscriptError, InputError)


def test_fields_are_data_and_the_lines_stay_as_written() -> None:
    err = InputError(["llm.model: unknown hosted model 'x'", "--prices: not JSON", "the file is empty",
                      Problem("workload.output_tokens", "must be above 0")])
    assert [p.field for p in err.issues] == ["llm.model", "--prices", "", "workload.output_tokens"]
    assert err.issues[0].message == "unknown hosted model 'x'"
    assert err.problems == ["llm.model: unknown hosted model 'x'", "--prices: not JSON", "the file is empty",
                            "workload.output_tokens: must be above 0"]
    given = InputError("gpu-x cannot run fp8", field="precision")
    assert given.issues == [Problem("precision", "gpu-x cannot run fp8")] and given.problems == ["gpu-x cannot run fp8"]


def test_estimator_problems_name_the_scenario_field_from_their_field() -> None:
    scenario = {**CHATBOT, "llm": {"deployment": "self_hosted", "model": "no-such-model", "gpu": "no-such-gpu"}}
    with pytest.raises(InputError) as info:
        plan(scenario)
    fields = [p.split(":")[0] for p in info.value.problems]
    assert fields == ["llm.model", "llm.gpu"], info.value.problems  # two problems, each with its own field
    with pytest.raises(InputError) as info:
        plan({**CHATBOT, "llm": {"deployment": "self_hosted", "model": "llama-3.1-70b", "gpu": "a100-80gb",
                                 "precision": "fp8"}})
    assert info.value.problems[0].startswith("llm.precision: a100-80gb cannot run fp8")
    with pytest.raises(InputError) as info:
        plan({**CHATBOT, "llm": {"deployment": "self_hosted", "model": "gpt-5-mini"}})
    assert "is a hosted API model" in info.value.problems[0] and info.value.problems[0].startswith("llm.model: ")


def test_a_bad_tool_call_is_an_error_outcome_with_its_field() -> None:
    s = Session()
    result = ToolRegistry().call("forecast", json.dumps({**CHATBOT, "monthly_growth_rate": 9}), s)
    assert not result.ok
    outcome = result.outcome()
    assert outcome["ok"] is False and outcome["error"][0]["field"] == "monthly_growth_rate"


def test_a_bug_in_a_tool_surfaces_instead_of_cannot_be_planned() -> None:
    def broken(_scenario: object) -> object:
        raise ZeroDivisionError("a bug")

    with pytest.raises(ZeroDivisionError):
        ToolRegistry(planner=broken).call("forecast", json.dumps(CHATBOT), Session())


class _OneCall:
    name, model = "fake", "fake"

    def __init__(self) -> None:
        self.calls = 0

    def intro(self) -> str:
        return ""

    def respond(self, messages, tools, session, on_text):  # noqa: ANN001, ANN201
        self.calls += 1
        if self.calls == 1:
            return Reply(tool_calls=[ToolCall("c1", "forecast", json.dumps(CHATBOT)),
                                     ToolCall("c2", "show_plan", json.dumps({"name": "nope"}))])
        return Reply(text="done")


def test_the_loop_records_outcomes_in_the_session_and_the_transcript(tmp_path: Path) -> None:
    s = Session()
    ChatLoop(_OneCall(), s).turn("plan it")
    assert s.tool_outcomes["c1"] == {"ok": True}
    assert s.tool_outcomes["c2"]["ok"] is False and s.tool_ok("c1") and not s.tool_ok("c2")
    _, js = transcript.save(s, tmp_path / "t")
    again = transcript.load(js)
    assert again.tool_outcomes == s.tool_outcomes


def test_a_version_1_transcript_is_upgraded_by_its_named_migration(tmp_path: Path) -> None:
    old = {"schema_version": 1, "kind": "capplan-chat-transcript", "messages": [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "a", "type": "function", "function": {"name": "forecast", "arguments": "{}"}},
            {"id": "b", "type": "function", "function": {"name": "explain", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "a", "content": "{\"figures\": {}}"},
        {"role": "tool", "tool_call_id": "b", "content": "Error: no scenario yet: call forecast first."}]}
    data = json.loads(json.dumps(old))
    assert migrate(data) == ["m002_tool_outcomes"] and data["schema_version"] == SCHEMA_VERSION
    assert data["tool_outcomes"] == {"a": {"ok": True}, "b": {"ok": False, "error": [
        {"field": "", "message": "no scenario yet: call forecast first."}]}}
    assert migrate(data) == []  # current: nothing to do
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old))
    session = transcript.load(path)
    assert session.tool_ok("a") and not session.tool_ok("b")
    assert MIGRATIONS[-1][0] == SCHEMA_VERSION


def test_a_transcript_from_a_newer_capplan_is_refused_clearly(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"schema_version": SCHEMA_VERSION + 1, "messages": []}))
    with pytest.raises(transcript.TranscriptError, match="newer capplan"):
        transcript.load(path)


@pytest.mark.parametrize("extra, field, words", [
    ({"daily_active_users": 500_000}, "daily_active_users", "500,000 cannot exceed registered_users"),
    ({"daily_active_users": 5_000, "monthly_active_users": 4_000}, "daily_active_users", "cannot exceed monthly_active_users"),
    ({"monthly_active_users": 20_000, "concurrent_users": 100}, "monthly_active_users", "each set the load"),
    ({"monthly_tasks": 1_000, "concurrent_users": None}, "monthly_tasks", "chatbots count messages"),
    ({"concurrent_users": 300_000}, "concurrent_users", "cannot exceed registered_users"),
])
def test_load_source_problems_name_their_field_through_the_tools_and_the_cli(extra: dict[str, object], field: str,
                                                                              words: str) -> None:
    scenario = {k: v for k, v in {**CHATBOT, **extra}.items() if v is not None}
    if "concurrent_users" not in extra:
        scenario.pop("concurrent_users")
    result = ToolRegistry().call("forecast", json.dumps(scenario), Session())
    assert not result.ok and [e["field"] for e in result.outcome()["error"]] == [field], result.outcome()
    assert f"- {field}: " in result.content and words in result.content
    proc = subprocess.run([sys.executable, "-m", "agent.cli", "plan", "-"], input=json.dumps(scenario),
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2 and f"capplan plan: {field}: " in proc.stderr and words in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_the_guided_mode_and_the_web_history_read_the_stored_outcome_not_the_text() -> None:
    from agent.guided.backend import GuidedBackend
    from agent.web.views import history

    s = Session()
    call = {"id": "c1", "type": "function", "function": {"name": "forecast", "arguments": json.dumps(CHATBOT)}}
    s.messages = [{"role": "user", "content": "plan it"}, {"role": "assistant", "content": None, "tool_calls": [call]},
                  {"role": "tool", "tool_call_id": "c1", "content": "the planner refused: registered_users is too small"}]
    s.tool_outcomes["c1"] = {"ok": False, "error": [{"field": "registered_users", "message": "too small"}]}
    reply = GuidedBackend(strict=True).respond(s.messages, [], s)
    assert reply.text.startswith("I couldn't plan that") and not reply.tool_calls
    assert history(s)[1]["tools"][0]["ok"] is False
    s.tool_outcomes["c1"] = {"ok": True}
    s.messages[-1]["content"] = "Error: a result that merely starts with the word"
    assert history(s)[1]["tools"][0]["ok"] is True
