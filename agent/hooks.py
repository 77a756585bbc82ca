"""What the chat loop reports while it works, and the fan-out that lets several listeners hear it.

Why hooks: the same loop runs a conversation typed in a terminal (`agent/ui.py`) and one typed in a
browser (`agent/web/`); saving transcripts listens too (`agent/saving.py`). The loop never prints,
draws or writes a file: it says what happened, in this order, for one user turn:

    turn_start(text)
    per model call:   reply_start(); text_delta(chunk) ...; reply_end(reply)
    per tool call:    tool_start(call); tool_end(call, result, session);
                      plan_made(record, session) for each scenario the call made or replaced
    at any point:     notice(text) (e.g. "(stopped)"), error(message) (a backend failure to read),
                      save_requested() (the person asked, in words, to save)
    always, last:     turn_end(timing)   (the turn's timing row, already in session.timings)

`text_delta` also receives text a backend returned without streaming it (`Reply.streamed=False`), so a
listener sees every visible character exactly once. After a Ctrl-C in a tool, `tool_end` is not called
for that call; `notice("(stopped)")` follows instead. Listeners override only what they need.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from agent.backends.base import Reply, ToolCall
    from agent.session import ScenarioRecord, Session
    from agent.tools import ToolResult


class LoopHooks:
    """A listener of the chat loop; every method does nothing unless overridden."""

    def turn_start(self, text: str) -> None:
        """The person's message was added to the history and the turn begins."""

    def reply_start(self) -> None:
        """A model call begins; its text (if any) follows as `text_delta` calls."""

    def text_delta(self, text: str) -> None:
        """A piece of the reply's visible text."""

    def reply_end(self, reply: "Reply") -> None:
        """The model call ended (with text, tool calls, or interrupted)."""

    def tool_start(self, call: "ToolCall") -> None:
        """A tool is about to run."""

    def tool_end(self, call: "ToolCall", result: "ToolResult", session: "Session") -> None:
        """The tool ran; `result.content` is what the model sees, the rest says what to draw."""

    def plan_made(self, record: "ScenarioRecord", session: "Session") -> None:
        """A scenario and its plan were made (or replaced by a correction) in `session`."""

    def notice(self, text: str) -> None:
        """Something the person should know that is not the reply ("(stopped)")."""

    def error(self, message: str) -> None:
        """A failure the person must read (bad key, server down); the session continues."""

    def save_requested(self) -> None:
        """The person asked to save; whoever saves uses the person's own path."""

    def turn_end(self, timing: dict[str, float]) -> None:
        """The turn is over; `timing` is its row in `session.timings` (listeners may add to it)."""


class Hooks(LoopHooks):
    """Calls each listener in order; the loop holds one of these."""

    def __init__(self, listeners: Iterable[LoopHooks] = ()) -> None:
        self.listeners: list[LoopHooks] = [h for h in listeners if h is not None]

    def add(self, listener: LoopHooks) -> None:
        self.listeners.append(listener)

    def _each(self, method: str, *args: Any) -> None:
        for listener in self.listeners:
            getattr(listener, method)(*args)

    def turn_start(self, text: str) -> None:
        self._each("turn_start", text)

    def reply_start(self) -> None:
        self._each("reply_start")

    def text_delta(self, text: str) -> None:
        self._each("text_delta", text)

    def reply_end(self, reply: "Reply") -> None:
        self._each("reply_end", reply)

    def tool_start(self, call: "ToolCall") -> None:
        self._each("tool_start", call)

    def tool_end(self, call: "ToolCall", result: "ToolResult", session: "Session") -> None:
        self._each("tool_end", call, result, session)

    def plan_made(self, record: "ScenarioRecord", session: "Session") -> None:
        self._each("plan_made", record, session)

    def notice(self, text: str) -> None:
        self._each("notice", text)

    def error(self, message: str) -> None:
        self._each("error", message)

    def save_requested(self) -> None:
        self._each("save_requested")

    def turn_end(self, timing: dict[str, float]) -> None:
        self._each("turn_end", timing)
