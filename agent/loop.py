"""The chat loop: person -> backend -> tools -> backend ... -> reply, the same for every backend.

Why the loop owns the history: backends only propose (text or tool calls); the loop runs the tools,
records every message, caps tool rounds per turn, keeps the history valid after an interruption
(every tool call gets a result) and measures its own overhead.

Why it reports through hooks (`agent/hooks.py`) and does nothing else: the terminal UI, the browser
app and the transcript saver are listeners of the same loop; slash commands live in `agent/slash.py`,
saving in `agent/saving.py`.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Iterable

from agent.backends.base import Backend, BackendError, Reply, ToolCall
from agent.hooks import Hooks, LoopHooks
from agent.session import Session
from agent.tools import ToolRegistry, ToolResult

MAX_TOOL_CALLS_PER_REPLY = 8  # tool calls one model reply may make (issue 17: 100 calls made a 3 MB transcript)
MAX_TOOL_ROUNDS = 6  # model calls that may ask for tools in one user turn (then it must answer)
PROMPTS_DIRS = (Path(__file__).resolve().parents[1] / "prompts", Path(__file__).resolve().parent / "prompts")


def load_prompt(name: str = "system.md") -> str:
    for folder in PROMPTS_DIRS:
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
    raise FileNotFoundError(f"prompt {name} not found in {', '.join(str(p) for p in PROMPTS_DIRS)}")


class ChatLoop:
    """One conversation's turns. `hooks` are the listeners (terminal UI, saver, browser stream);
    `ui` is accepted as one more listener for callers that name the terminal UI."""

    def __init__(self, backend: Backend, session: Session, registry: ToolRegistry | None = None,
                 hooks: Iterable[LoopHooks] = (), ui: LoopHooks | None = None) -> None:
        self.backend = backend
        self.session = session
        self.registry = registry or ToolRegistry()
        self.hooks = Hooks([*([ui] if ui is not None else []), *hooks])
        self.schemas = self.registry.schemas()
        self._call_seq = 0
        self.last_interrupted = False  # the last turn was stopped by Ctrl-C (a second one leaves)
        session.model, session.backend = backend.model, backend.name
        system = {"role": "system", "content": load_prompt()}
        if session.messages and session.messages[0].get("role") == "system":
            session.messages[0] = system  # a resumed session gets today's instructions
        else:
            session.messages.insert(0, system)

    # -- one user turn -------------------------------------------------------------------------------
    def turn(self, text: str) -> None:
        started = time.perf_counter()
        model_s = tools_s = 0.0
        self.last_interrupted = False
        messages = self.session.messages
        messages.append({"role": "user", "content": text})
        hooks = self.hooks
        hooks.turn_start(text)
        try:
            for round_no in range(MAX_TOOL_ROUNDS + 1):
                tools = self.schemas if round_no < MAX_TOOL_ROUNDS else []
                reply = self._ask(tools)
                if reply is None:
                    break
                model_s += reply.model_seconds
                if len(reply.tool_calls) > MAX_TOOL_CALLS_PER_REPLY:  # a runaway reply must not flood the history
                    hooks.notice(f"(the model asked for {len(reply.tool_calls)} tool calls in one reply; "
                                 f"running the first {MAX_TOOL_CALLS_PER_REPLY})")
                    del reply.tool_calls[MAX_TOOL_CALLS_PER_REPLY:]
                messages.append(self._assistant_message(reply))
                if reply.save:
                    hooks.save_requested()
                if reply.interrupted or not reply.tool_calls:
                    self.last_interrupted = reply.interrupted
                    break
                t0 = time.perf_counter()
                for call in reply.tool_calls:
                    if round_no >= MAX_TOOL_ROUNDS:
                        content = ("Error: tool limit for this turn reached; answer the person now with the "
                                   "figures you already have.")
                        messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
                        self.session.tool_outcomes[call.id] = {"ok": False, "error": [
                            {"field": "", "message": f"tool limit of {MAX_TOOL_ROUNDS} rounds per turn reached"}]}
                        continue
                    self._run_tool(call)
                tools_s += time.perf_counter() - t0
                if round_no >= MAX_TOOL_ROUNDS:
                    hooks.notice(f"(stopped after {MAX_TOOL_ROUNDS} tool rounds in one turn)")
                    break
        except KeyboardInterrupt:
            hooks.notice("(stopped)")
            self.last_interrupted = True
            self._repair()
        row = {"turn": float(len(self.session.timings) + 1), "model_s": round(model_s, 4),
               "tools_s": round(tools_s, 4)}
        self.session.timings.append(row)
        row.update(self._times(started, model_s))
        hooks.turn_end(row)  # listeners' time (saving) counts as the loop's overhead, as it delays the prompt
        row.update(self._times(started, model_s))

    def _run_tool(self, call: ToolCall) -> ToolResult:
        """Run one call, record its result, and report it (and any plan it made) to the listeners."""
        hooks = self.hooks
        before = {name: id(r) for name, r in self.session.scenarios.items()}
        hooks.tool_start(call)
        result = self.registry.call(call.name, call.arguments, self.session)
        self.session.messages.append({"role": "tool", "tool_call_id": call.id, "content": result.content})
        self.session.tool_outcomes[call.id] = result.outcome()
        hooks.tool_end(call, result, self.session)
        for name, record in list(self.session.scenarios.items()):
            if before.get(name) != id(record):
                hooks.plan_made(record, self.session)
        return result

    def act(self, note: str, name: str, arguments: dict[str, Any], done: str) -> ToolResult:
        """A step the person took without words (the browser's inputs form), recorded as a turn: their
        `note`, the tool call and its result, then `done` (or the tool's error) as the assistant's words.
        No model call; the history stays valid Chat Completions for any model that reads it later."""
        started = time.perf_counter()
        hooks = self.hooks
        self.session.messages.append({"role": "user", "content": note})
        hooks.turn_start(note)
        call = ToolCall(id="", name=name, arguments=json.dumps(arguments, ensure_ascii=False))
        self.session.messages.append(self._assistant_message(Reply(tool_calls=[call])))
        t0 = time.perf_counter()
        result = self._run_tool(call)
        tools_s = time.perf_counter() - t0
        text = done if result.ok else "That change could not be planned: " + result.content.removeprefix("Error: ")
        self.session.messages.append({"role": "assistant", "content": text})
        hooks.reply_start()
        hooks.text_delta(text)
        hooks.reply_end(Reply(text=text, streamed=True))
        row = {"turn": float(len(self.session.timings) + 1), "model_s": 0.0, "tools_s": round(tools_s, 4)}
        self.session.timings.append(row)
        row.update(self._times(started, 0.0))
        hooks.turn_end(row)
        row.update(self._times(started, 0.0))
        return result

    @staticmethod
    def _times(started: float, model_s: float) -> dict[str, float]:
        total = time.perf_counter() - started
        return {"total_s": round(total, 4), "overhead_s": round(max(0.0, total - model_s), 4)}

    def _ask(self, tools: list[dict[str, Any]]) -> Reply | None:
        hooks = self.hooks
        hooks.reply_start()
        streamed: list[str] = []

        def on_text(chunk: str) -> None:
            streamed.append(chunk)
            hooks.text_delta(chunk)

        try:
            reply = self.backend.respond(self.session.messages, tools, self.session, on_text)
        except BackendError as exc:
            hooks.reply_end(Reply(streamed=True))
            hooks.error(str(exc))
            return None
        except KeyboardInterrupt:
            reply = Reply(interrupted=True)
        if not reply.streamed and reply.text and not streamed:
            hooks.text_delta(reply.text)  # a backend that returned its text whole: listeners see it once
        hooks.reply_end(reply)
        if reply.usage:
            self.session.add_usage(reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.usage.total_tokens)
        return reply

    def _assistant_message(self, reply: Reply) -> dict[str, Any]:
        content = reply.text
        if reply.interrupted:
            content = (content + " [reply interrupted by the person]").strip()
        message: dict[str, Any] = {"role": "assistant", "content": content or None}
        if reply.tool_calls:
            seen = {c.get("id") for m in self.session.messages for c in m.get("tool_calls") or []}
            for call in reply.tool_calls:  # ids must be unique, whatever the server sent
                self._call_seq += 1
                if not call.id or call.id in seen:
                    call.id = f"call_{self._call_seq}_{len(self.session.messages)}"
                seen.add(call.id)
            message["tool_calls"] = [c.to_message() for c in reply.tool_calls]
        return message

    def _repair(self) -> None:
        """After Ctrl-C mid-turn, give every unanswered tool call a result so the history stays valid."""
        answered = {m.get("tool_call_id") for m in self.session.messages if m.get("role") == "tool"}
        for m in list(self.session.messages):
            for c in m.get("tool_calls") or []:
                if c.get("id") not in answered:
                    self.session.messages.append({"role": "tool", "tool_call_id": c["id"],
                                                  "content": "Error: interrupted by the person."})
                    self.session.tool_outcomes[c["id"]] = {"ok": False, "error": [
                        {"field": "", "message": "interrupted by the person"}]}
