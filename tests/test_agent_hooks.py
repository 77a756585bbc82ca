"""The chat loop reports through hooks: the order of events in a turn, and listeners that save or draw.

Why these tests: the terminal UI, the transcript saver and the browser stream are all listeners; each
relies on the loop saying exactly what happened (every visible character once, every tool run, every
plan made, an error as an error, one turn_end with its timing row).
"""
from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from agent.backends.base import BackendError, Reply, ToolCall
from agent.hooks import Hooks, LoopHooks
from agent.loop import ChatLoop
from agent.saving import TranscriptSaver
from agent.session import Session
from agent.slash import SlashCommands
from agent.ui import ChatUI

FORECAST = {"app_type": "chatbot", "registered_users": 200000, "concurrent_users": 3000}


class Recorder(LoopHooks):
    def __init__(self) -> None:
        self.events: list[tuple[Any, ...]] = []

    def turn_start(self, text: str) -> None:
        self.events.append(("turn_start", text))

    def reply_start(self) -> None:
        self.events.append(("reply_start",))

    def text_delta(self, text: str) -> None:
        self.events.append(("text", text))

    def reply_end(self, reply: Reply) -> None:
        self.events.append(("reply_end", bool(reply.tool_calls)))

    def tool_start(self, call: ToolCall) -> None:
        self.events.append(("tool_start", call.name))

    def tool_end(self, call: ToolCall, result: Any, session: Session) -> None:
        self.events.append(("tool_end", call.name, result.ok))

    def plan_made(self, record: Any, session: Session) -> None:
        self.events.append(("plan", record.name, record.kind))

    def notice(self, text: str) -> None:
        self.events.append(("notice", text))

    def error(self, message: str) -> None:
        self.events.append(("error", message))

    def save_requested(self) -> None:
        self.events.append(("save",))

    def turn_end(self, timing: dict[str, float]) -> None:
        self.events.append(("turn_end", timing["turn"]))


class Scripted:
    name, model = "scripted", "scripted"

    def __init__(self, replies: list[Any], stream: bool = False) -> None:
        self.replies = replies
        self.stream = stream

    def intro(self) -> str | None:
        return None

    def respond(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]], session: Session,
                on_text: Any = None) -> Reply:
        nxt = self.replies.pop(0)
        if isinstance(nxt, BaseException):
            raise nxt
        if self.stream and nxt.text and on_text:
            for word in nxt.text.split(" "):
                on_text(word + " ")
            nxt.text, nxt.streamed = "".join(w + " " for w in nxt.text.split(" ")), True
        return nxt


def test_event_order_for_a_forecast_and_a_what_if() -> None:
    script = Scripted([Reply(tool_calls=[ToolCall("c1", "forecast", json.dumps(FORECAST))]), Reply(text="Planned."),
                       Reply(tool_calls=[ToolCall("c2", "what_if", '{"scale_users": 2, "name": "double"}'),
                                         ToolCall("c3", "explain", '{"metric": "nonsense-metric-xyz"}')]),
                       Reply(text="Doubled.")])
    rec = Recorder()
    loop = ChatLoop(script, Session(), hooks=[rec])
    loop.turn("200k users, 3000 online")
    assert rec.events == [("turn_start", "200k users, 3000 online"), ("reply_start",), ("reply_end", True),
                          ("tool_start", "forecast"), ("tool_end", "forecast", True), ("plan", "baseline", "baseline"),
                          ("reply_start",), ("text", "Planned."), ("reply_end", False), ("turn_end", 1.0)]
    rec.events.clear()
    loop.turn("what if we double?")
    names = [e for e in rec.events if e[0] in ("tool_end", "plan")]
    assert names == [("tool_end", "what_if", True), ("plan", "double", "what_if"), ("tool_end", "explain", False)]
    assert rec.events[-1] == ("turn_end", 2.0)


def test_streamed_text_is_reported_once() -> None:
    rec = Recorder()
    ChatLoop(Scripted([Reply(text="one two three")], stream=True), Session(), hooks=[rec]).turn("hi")
    assert "".join(e[1] for e in rec.events if e[0] == "text") == "one two three "


def test_backend_error_and_save_request_are_events(tmp_path: Path) -> None:
    rec = Recorder()
    session = Session()
    saver = TranscriptSaver(session, tmp_path / "t.md")
    loop = ChatLoop(Scripted([BackendError("the server said no"), Reply(text="Saving.", save=True)]), session,
                    hooks=[rec, saver])
    loop.turn("first")
    assert ("error", "the server said no") in rec.events and rec.events[-1] == ("turn_end", 1.0)
    assert (tmp_path / "t.json").exists()  # autosave after every turn, even a failed one
    loop.turn("save it")
    assert ("save",) in rec.events
    assert "save_s" in session.timings[-1] and session.timings[-1]["total_s"] >= session.timings[-1]["save_s"]
    data = json.loads((tmp_path / "t.json").read_text())
    assert [m["content"] for m in data["messages"] if m["role"] == "user"] == ["first", "save it"]


def test_interrupt_in_a_tool_gives_a_notice_not_a_tool_end() -> None:
    class Boom:
        def call(self, name: str, arguments: str, session: Session) -> Any:
            raise KeyboardInterrupt

        def schemas(self) -> list[dict[str, Any]]:
            return []

    rec = Recorder()
    session = Session()
    loop = ChatLoop(Scripted([Reply(tool_calls=[ToolCall("c1", "forecast", "{}")])]), session,
                    registry=Boom(), hooks=[rec])  # type: ignore[arg-type]
    loop.turn("go")
    kinds = [e[0] for e in rec.events]
    assert "tool_start" in kinds and "tool_end" not in kinds and ("notice", "(stopped)") in rec.events
    assert session.messages[-1] == {"role": "tool", "tool_call_id": "c1", "content": "Error: interrupted by the person."}


def test_two_listeners_hear_the_same_turn_and_the_terminal_draws_it() -> None:
    out = io.StringIO()
    ui = ChatUI(Console(file=out, width=100))
    rec = Recorder()
    script = Scripted([Reply(tool_calls=[ToolCall("c1", "forecast", json.dumps(FORECAST))]), Reply(text="Planned.")])
    ChatLoop(script, Session(), hooks=Hooks([ui, rec]).listeners).turn("go")
    text = out.getvalue()
    assert "Scenario: baseline" in text and "Planned." in text
    assert ("plan", "baseline", "baseline") in rec.events


def test_slash_commands_live_outside_the_loop(tmp_path: Path) -> None:
    out = io.StringIO()
    session = Session()
    ui = ChatUI(Console(file=out, width=100))
    saver = TranscriptSaver(session, say=ui.info, warn=ui.error)
    loop = ChatLoop(Scripted([Reply(tool_calls=[ToolCall("c1", "forecast", json.dumps(FORECAST))]), Reply(text="ok")]),
                    session, hooks=[ui, saver])
    loop.turn("go")
    commands = SlashCommands(session, ui, saver)
    assert commands.run("/scenarios") and "baseline" in out.getvalue()
    assert commands.run(f"/save {tmp_path / 'x.md'}") and (tmp_path / "x.json").exists()
    assert saver.path == tmp_path / "x.md" and "Saved" in out.getvalue()
    assert commands.run("/reset") and not session.scenarios
    assert commands.run("/quit") is False
