"""What every stage of a guided turn shares: the session, its facts and notes, and how to call a tool.

Why a base class: the turn is read in stages (facts merge, interview, what-if reading, requests,
replies after tools), each in its own module; they share this small state and nothing else.
"""
from __future__ import annotations

import json
from typing import Any

from agent.backends.base import Message, Reply, ToolCall
from agent.session import Session


def defaults() -> tuple[str, str]:
    from forecasting.defaults import DEFAULT_API_MODEL, DEFAULT_SELF_HOSTED_MODEL

    return str(DEFAULT_API_MODEL.value), str(DEFAULT_SELF_HOSTED_MODEL.value)


def is_api_model(model: str | None) -> bool:
    from agent.guided.names import api_model_ids

    return bool(model) and model in api_model_ids()


class TurnState:
    """One call of `respond`: the state it reads and writes back (plain JSON in session.backend_state)."""

    def __init__(self, messages: list[Message], session: Session) -> None:
        self.messages = messages
        self.session = session
        self.state = session.backend_state
        self.facts: dict[str, Any] = self.state.setdefault("facts", {})
        self.notes: list[str] = self.state.setdefault("notes", [])

    def _call(self, name: str, args: dict[str, Any], text: str = "") -> Reply:
        return self._calls([(name, args)], text)

    def _calls(self, calls: list[tuple[str, dict[str, Any]]], text: str = "") -> Reply:
        n = sum(len(m.get("tool_calls") or []) for m in self.messages) + 1
        return Reply(text=text, tool_calls=[ToolCall(id=f"guided_{n + i}", name=name,
                                                      arguments=json.dumps(args, separators=(",", ":")))
                                             for i, (name, args) in enumerate(calls)])

    @property
    def has_plan(self) -> bool:
        return bool(self.session.scenarios)

    def _next_question(self) -> str:  # defined by Interview
        raise NotImplementedError
