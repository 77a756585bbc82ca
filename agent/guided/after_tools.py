"""Replies after the tools ran: each result described in plain words, and a queued what-if run.

Why its own stage: every figure the guided mode states comes from a tool result; this is the only
place that reads results, and it leaves the words to `replies.py`.
"""
from __future__ import annotations

from typing import Any

from agent.backends.base import Message, Reply
from agent.guided import replies
from agent.guided.state import TurnState
from agent.guided.understand import Understanding


class AfterTools(TurnState):
    def _after_tools(self) -> Reply:
        calls: dict[Any, str] = {}  # tool_call_id -> tool name (ids may be missing)
        i = len(self.messages) - 1
        results: list[Message] = []
        while i >= 0 and self.messages[i].get("role") == "tool":
            results.insert(0, self.messages[i])
            i -= 1
        if i >= 0:
            for c in self.messages[i].get("tool_calls") or []:
                calls[c.get("id")] = (c.get("function") or {}).get("name", "")
        texts = []
        planned = False
        for m in results:
            name = calls.get(m.get("tool_call_id"), "")
            content = str(m.get("content") or "")
            if not self.session.tool_ok(m.get("tool_call_id")):  # the stored outcome, not the text
                texts.append(replies.error_summary(content, reading=name in ("usage_compare", "usage_calibrate")))
                self.state.pop("queued_what_if", None)
                continue
            data = replies.parse(content) or {}
            texts.append(self._describe(name, data))
            planned = planned or name in ("forecast", "what_if")
        if planned:
            self.notes.clear()
        queued = self.state.pop("queued_what_if", None)
        if queued and planned and self.session.baseline_name:
            u = Understanding(multiply={k: float(v) for k, v in queued.get("multiply", {}).items()},
                              intents={"what_if"})
            args, notes, problem = self._what_if_args(u, "")
            if not problem:
                self.notes.extend(notes)
                return self._call("what_if", args, text="\n\n".join(texts))
        asked = self.state.get("queued_questions") if planned and not queued else None
        if asked and self.session.scenarios:
            self.state.pop("queued_questions", None)
            u = Understanding(questions=list(asked.get("questions") or []))
            return self._calls(self._question_calls(u, str(asked.get("text") or "")), text="\n\n".join(texts))
        return Reply(text="\n\n".join(t for t in texts if t) or "Done.")

    def _describe(self, tool: str, data: dict[str, Any]) -> str:
        notes = list(self.notes)
        if tool == "forecast" or tool == "show_plan":
            return replies.plan_summary(data, notes if tool == "forecast" else [])
        if tool == "what_if":
            base = self.session.get(data.get("based_on")) if data.get("based_on") else None
            timeline = (base.plan.get("timeline") or []) if base else []
            last = timeline[-1] if timeline and isinstance(timeline[-1], dict) else None
            return replies.what_if_summary(data, notes, last)
        if tool == "compare":
            return replies.compare_summary(data)
        if tool == "explain":
            return replies.explain_summary(data)
        if tool == "assumptions":
            return replies.assumptions_summary(data)
        if tool == "serving_options":
            return replies.options_summary(data)
        if tool == "how_sure":
            return replies.how_sure_summary(data)
        if tool == "what_matters_most":
            return replies.what_matters_summary(data)
        if tool == "usage_compare":
            return replies.usage_compare_summary(data)
        if tool == "usage_calibrate":
            return replies.usage_calibrate_summary(data)
        if tool == "adopt":
            return (f"**{data.get('final')}** is now the final plan: the saved transcript will show it. "
                    "Type /save PATH to save.")
        return "Done."

    def _question_calls(self, u: Understanding, text: str) -> list[tuple[str, dict[str, Any]]]:
        raise NotImplementedError  # Requests

    def _what_if_args(self, u: Understanding, text: str) -> tuple[dict[str, Any], list[str], str | None]:
        raise NotImplementedError  # WhatIfReading
