"""`capplan chat` end to end: the real openai client against the local fake server, through the CLI.

A full conversation (forecast, what-if, explain, adopt, save), transcripts checked field by field,
resume, faults in the middle of a conversation, and the backend-agnostic loop with a scripted backend.
"""
from __future__ import annotations

import io
import json
import sys
import types
from pathlib import Path
from typing import Any, Iterator

import pytest

from agent.backends.base import Reply, ToolCall
from agent.cli import main
from agent.loop import MAX_TOOL_ROUNDS, ChatLoop, load_prompt
from agent.session import Session
from agent.saving import TranscriptSaver
from agent.ui import ChatUI
from agent.backends.local_server import FakeOpenAIServer, Turn

KEY = "sk-test-SECRETKEY1234567890"
FORECAST = {"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000, "monthly_growth_rate": 0.08}


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as srv:
        monkeypatch.setenv("OPENAI_BASE_URL", srv.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", KEY)
        monkeypatch.setenv("CAPPLAN_MODEL", "fake-model")
        yield srv


def chat(monkeypatch: pytest.MonkeyPatch, lines: list[str], *args: str) -> int:
    monkeypatch.setattr(sys, "stdin", io.StringIO("".join(line + "\n" for line in lines)))
    return main(["chat", *args])


def test_full_conversation_and_transcript(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.push(
        Turn(tool_calls=[{"id": "call_f", "name": "forecast", "arguments": FORECAST}]),
        Turn(content="You need 2 app servers; the total is about $34,404 a month."),
        Turn(tool_calls=[{"id": "call_w", "name": "what_if", "arguments": {"scale_users": 2, "name": "double"}}]),
        Turn(content="Doubling users roughly doubles the LLM bill."),
        Turn(tool_calls=[{"id": "call_e", "name": "explain", "arguments": {"metric": "cost", "name": "double"}}]),
        Turn(content="The cost is the sum of the parts."),
        Turn(tool_calls=[{"id": "call_a", "name": "adopt", "arguments": {"name": "double"}}]),
        Turn(content="Done: the doubled plan is now the final one."),
    )
    save = tmp_path / "growth-review.md"
    code = chat(monkeypatch, ["We run a support chatbot, 200k registered users, about 3,000 online at once, "
                              "growing 8% a month.", "What if we double our users?", "Why does it cost that much?",
                              "Let's go with the doubled one.", "/save"], "--save", str(save))
    out = capsys.readouterr()
    assert code == 0, out.err
    assert "Side by side" in out.out and "Scenario: baseline" in out.out
    assert "Doubling users roughly doubles the LLM bill." in out.out
    assert out.err == ""

    # what the model saw
    assert len(server.requests) == 8
    first = server.requests[0].body
    assert first["messages"][0] == {"role": "system", "content": load_prompt()}
    assert [t["function"]["name"] for t in first["tools"]] == ["forecast", "what_if", "compare", "explain",
                                                                "assumptions", "adopt", "show_plan",
                                                                "serving_options", "usage_calibrate", "usage_compare", "how_sure",
                                                                "what_matters_most"]
    second = server.requests[1].body["messages"]
    assert second[-2]["tool_calls"][0]["id"] == "call_f"
    assert second[-1]["role"] == "tool" and second[-1]["tool_call_id"] == "call_f"
    assert json.loads(second[-1]["content"])["figures"]["load.peak_concurrent_users"] == 4500

    # the JSON transcript, field by field
    data = json.loads(save.with_suffix(".json").read_text())
    assert data["model"] == "fake-model" and data["backend"] == "openai"
    assert data["final"] == "double" and data["adopted"] == "double"
    assert [s["name"] for s in data["scenarios"]] == ["baseline", "double"]
    base, double = data["scenarios"]
    assert base["inputs"] == {**FORECAST, "concurrent_users": 3000.0}
    assert base["plan"]["load"]["peak_concurrent_users"] == 4500
    assert double["base"] == "baseline" and double["changes"] == {"scale_users": 2.0}
    assert double["inputs"]["registered_users"] == 400000
    assert double["plan"]["inputs"]["registered_users"] == 400000
    roles = [m["role"] for m in data["messages"]]
    assert roles == ["system"] + ["user", "assistant", "tool", "assistant"] * 4
    assert data["messages"][1]["content"].startswith("We run a support chatbot")
    assert data["messages"][2]["tool_calls"][0]["function"]["name"] == "forecast"
    assert data["messages"][-1]["content"] == "Done: the doubled plan is now the final one."
    assert data["usage"] == {"prompt_tokens": 400, "completion_tokens": 80, "total_tokens": 480, "requests": 8}
    assert len(data["timings"]) == 4
    assert all(t["overhead_s"] >= 0 and t["total_s"] >= t["model_s"] for t in data["timings"])

    # the Markdown transcript: conversation, then the final plan
    md = save.read_text()
    assert md.index("## Conversation") < md.index("## Final plan: double")
    assert "**You:** What if we double our users?" in md
    assert "**Assistant:** Doubling users roughly doubles the LLM bill." in md
    assert "400,000" in md
    for text in (md, save.with_suffix(".json").read_text(), out.out):
        assert KEY not in text


def test_resume_continues_with_same_state(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch,
                                          tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.push(Turn(tool_calls=[{"name": "forecast", "arguments": FORECAST}]), Turn(content="Planned."))
    save = tmp_path / "r.md"
    assert chat(monkeypatch, ["200k users, 3000 online, chatbot"], "--save", str(save)) == 0
    before = json.loads(save.with_suffix(".json").read_text())

    server.push(Turn(tool_calls=[{"name": "what_if", "arguments": {"set": {"monthly_growth_rate": 0.03}}}]),
                Turn(content="Slower growth costs less later."))
    assert chat(monkeypatch, ["What if growth is 3% a month?"], "--resume", str(save.with_suffix(".json"))) == 0
    assert "Resumed: 1 messages, scenarios: baseline." in capsys.readouterr().out
    after = json.loads(save.with_suffix(".json").read_text())  # autosaved to the resumed file
    assert after["messages"][:len(before["messages"])] == before["messages"]
    assert after["scenarios"][0] == before["scenarios"][0]
    assert [s["name"] for s in after["scenarios"]] == ["baseline", "what-if 1"]
    assert after["final"] == "baseline"
    resumed_request = server.requests[2].body["messages"]
    assert [m["role"] for m in resumed_request] == ["system", "user", "assistant", "tool", "assistant", "user"]


def test_faults_mid_conversation_keep_the_session(server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server.push(
        Turn(status=401, error={"error": {"message": f"Incorrect API key {KEY}", "code": "invalid_api_key"}}),
        Turn(status=429, headers={"retry-after": "0.05"}),
        Turn(tool_calls=[{"id": "bad", "name": "forecast", "arguments": '{"app_type": "chatbot", "registered'}]),
        Turn(tool_calls=[{"id": "unk", "name": "launch_rockets", "arguments": "{}"}]),
        Turn(tool_calls=[{"id": "inv", "name": "forecast", "arguments": {"app_type": "chatbot",
                                                                         "registered_users": -500,
                                                                         "concurrent_users": 10}}]),
        Turn(content="How many registered users do you have? If unsure, say so."),
    )
    save = tmp_path / "f.md"
    code = chat(monkeypatch, ["hello", "we have -500 users"], "--save", str(save))
    out = capsys.readouterr().out
    assert code == 0
    assert "rejected the API key" in out and KEY not in out
    assert "rate limited (429); retrying in" in out
    data = json.loads(save.with_suffix(".json").read_text())
    tool_results = {m["tool_call_id"]: m["content"] for m in data["messages"] if m["role"] == "tool"}
    assert "not valid JSON" in tool_results["bad"]
    assert 'tool "launch_rockets" does not exist' in tool_results["unk"]
    assert "registered_users" in tool_results["inv"] and tool_results["inv"].startswith("Error")
    assert data["scenarios"] == []
    assert data["messages"][-1]["content"].startswith("How many registered users")


def test_tool_round_cap_ends_the_turn_with_a_valid_history(server: FakeOpenAIServer,
                                                           monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loop_turns = [Turn(tool_calls=[{"name": "show_plan", "arguments": "{}"}]) for _ in range(MAX_TOOL_ROUNDS + 1)]
    server.push(*loop_turns)
    save = tmp_path / "cap.md"
    assert chat(monkeypatch, ["loop forever"], "--save", str(save)) == 0
    assert len(server.requests) == MAX_TOOL_ROUNDS + 1
    assert "tools" not in server.requests[-1].body  # the last request may only answer
    data = json.loads(save.with_suffix(".json").read_text())
    calls = [c["id"] for m in data["messages"] for c in m.get("tool_calls") or []]
    answered = [m["tool_call_id"] for m in data["messages"] if m["role"] == "tool"]
    assert sorted(calls) == sorted(answered) and len(set(calls)) == len(calls)


def test_usage_errors_exit_2(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    assert chat(monkeypatch, [], "--resume", str(tmp_path / "missing.json")) == 2
    assert chat(monkeypatch, [], "--resume", str(tmp_path / "x.md")) == 2
    assert chat(monkeypatch, [], "--save", str(tmp_path)) == 2
    assert chat(monkeypatch, [], "--base-url", "localhost:1234") == 2
    err = capsys.readouterr().err
    assert "--resume: no such file" in err and "is a directory" in err and "--base-url" in err
    assert "Traceback" not in err


def test_slash_commands(monkeypatch: pytest.MonkeyPatch, server: FakeOpenAIServer, tmp_path: Path,
                        capsys: pytest.CaptureFixture[str]) -> None:
    server.push(Turn(tool_calls=[{"name": "forecast", "arguments": FORECAST}]), Turn(content="ok"))
    other = tmp_path / "other.md"
    code = chat(monkeypatch, ["/help", "plan it", "/scenarios", "/plan", "/plan nope", f"/save {other}", "/reset",
                              "/scenarios", "/bogus", "/quit", "never sent"])
    out = capsys.readouterr().out
    assert code == 0
    assert "/save [PATH]" in out and "- baseline (final): baseline" in out
    assert "Plan of scenario baseline (final)" in out and "Peak concurrent users" in out
    assert 'No scenario "nope"' in out and "No scenarios yet" in out and "Unknown command /bogus" in out
    assert other.exists() and other.with_suffix(".json").exists()
    assert len(server.requests) == 2  # nothing after /quit


# -- the loop with a scripted backend: the same code path the guided backend uses -----------------
class Scripted:
    name, model = "guided", "guided"

    def __init__(self, replies: list[Any]) -> None:
        self.replies = replies
        self.seen: list[list[dict[str, Any]]] = []

    def intro(self) -> str | None:
        return "Guided mode."

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], session: Session,
                on_text: Any = None) -> Reply:
        self.seen.append(list(messages))
        nxt = self.replies.pop(0)
        if isinstance(nxt, BaseException):
            raise nxt
        session.backend_state["calls"] = session.backend_state.get("calls", 0) + 1
        return nxt


def test_guided_backend_is_chosen_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    script = Scripted([Reply(tool_calls=[ToolCall("g1", "forecast", json.dumps(FORECAST))]),
                       Reply(text="Planned in guided mode.", save=True)])
    module = types.ModuleType("agent.guided.backend")
    module.GuidedBackend = lambda: script  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "agent.guided.backend", module)
    save = tmp_path / "g.md"
    assert chat(monkeypatch, ["200k users"], "--offline", "--save", str(save)) == 0
    out = capsys.readouterr().out
    assert "Guided mode." in out and "Planned in guided mode." in out and "Saved" in out
    data = json.loads(save.with_suffix(".json").read_text())
    assert data["backend"] == "guided" and data["backend_state"] == {"calls": 2}
    assert [s["name"] for s in data["scenarios"]] == ["baseline"]


def test_missing_guided_backend_is_a_clear_message(monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    monkeypatch.setitem(sys.modules, "agent.guided.backend", None)
    assert chat(monkeypatch, ["hi"]) == 2
    assert "guided mode is not available" in capsys.readouterr().err


def test_interrupts_keep_the_session(tmp_path: Path) -> None:
    script = Scripted([KeyboardInterrupt(), Reply(text="Partial", interrupted=True, streamed=True),
                       Reply(tool_calls=[ToolCall("t1", "forecast", json.dumps(FORECAST))]), KeyboardInterrupt(),
                       Reply(text="Back again.")])
    session = Session()
    loop = ChatLoop(script, session, hooks=[ChatUI(), TranscriptSaver(session, tmp_path / "i.md")])
    loop.turn("one")
    loop.turn("two")
    loop.turn("three")
    loop.turn("four")
    msgs = session.messages
    assert msgs[-1] == {"role": "assistant", "content": "Back again."}
    assert any(m.get("content") == "Partial [reply interrupted by the person]" for m in msgs)
    calls = [c["id"] for m in msgs for c in m.get("tool_calls") or []]
    answered = [m["tool_call_id"] for m in msgs if m["role"] == "tool"]
    assert calls == answered == ["t1"]
    assert list(session.scenarios) == ["baseline"]
    assert len(session.timings) == 4 and (tmp_path / "i.json").exists()


def test_duplicate_tool_call_ids_are_made_unique(tmp_path: Path) -> None:
    script = Scripted([Reply(tool_calls=[ToolCall("call_0", "forecast", json.dumps(FORECAST)),
                                         ToolCall("call_0", "show_plan", "{}")]),
                       Reply(tool_calls=[ToolCall("call_0", "show_plan", "{}")]), Reply(text="ok")])
    session = Session()
    ChatLoop(script, session, ui=ChatUI()).turn("go")
    ids = [c["id"] for m in session.messages for c in m.get("tool_calls") or []]
    answered = [m["tool_call_id"] for m in session.messages if m["role"] == "tool"]
    assert len(set(ids)) == 3 and ids == answered
