"""The built-in guided backend: the chat works with no language model at all.

Why a backend and not a separate program: it answers through the same interface as the OpenAI
backend (text or tool calls), so the loop, the tools, the what-ifs and the transcripts are the very
same code whichever answers (DESIGN.md). It reads each message with `understand()`, keeps what it
learnt in `session.backend_state` (plain JSON, so `--resume` restores it), asks for exactly what is
missing, and calls the tools; it states only figures it read from a tool result.

Decisions:
- Interview order: app type, registered users, concurrency. Growth and horizon are optional (the
  plan's defaults apply and are listed as assumptions).
- A message with figures after a plan exists corrects the baseline (re-planned under the same
  name), unless it is a what-if ("what if...", "suppose...").
- What-ifs start from the latest baseline; "also"/"on top of that" starts from the latest what-if.
  A what-if that changes only registered users keeps the same share of them online at once.
- "save" in words explains /save; the saved path is always the person's choice.
- It never raises: anything unexpected becomes a short reply listing what it can do.
"""
from __future__ import annotations

from agent.backends.base import Message, Reply, TextCallback, ToolSchema
from agent.guided import replies
from agent.guided.after_tools import AfterTools
from agent.guided.facts import Facts
from agent.guided.interview import Interview
from agent.guided.requests import Requests
from agent.guided.understand import Understanding, understand
from agent.guided.whatif_reading import OTHER_SIZE, WhatIfReading
from agent.session import Session


class GuidedBackend:
    """See the module docstring. `strict=True` (tests) lets internal errors surface instead of being softened."""

    name = "guided"
    model = "guided"

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict

    def intro(self) -> str | None:
        return replies.INTRO

    def respond(self, messages: list[Message], tools: list[ToolSchema], session: Session,
                on_text: TextCallback | None = None) -> Reply:
        try:
            return _Turn(messages, session).reply()
        except Exception:  # noqa: BLE001 - a chat must never crash on a message
            if self.strict:
                raise
            return Reply(text="Sorry, I could not work that out. " + replies.CAPABILITIES)


class _Turn(Requests, Facts, Interview, WhatIfReading, AfterTools):
    """One call of `respond`: reads the state, decides, writes the state back (stages in the mixed-in modules)."""

    def reply(self) -> Reply:
        last = self.messages[-1] if self.messages else {"role": "user", "content": ""}
        if last.get("role") == "tool":
            return self._after_tools()
        return self._on_user(str(last.get("content") or ""))

    # -- a person's message ----------------------------------------------------------------------
    def _on_user(self, text: str) -> Reply:
        if not text.strip():
            return Reply(text=self._next_question() or "I'm listening: describe your app, or ask a what-if.")
        self.state.pop("queued_questions", None)  # asked with facts before a plan: only for the plan made then
        usage = self._usage_request(text)  # a file path the person typed: read before any number in it
        if usage is not None:
            return usage
        u = understand(text)
        intents = u.intents
        if u.questions and not self.has_plan and not u.has_facts():
            return Reply(text="There is no plan yet to answer that from. " + (self._next_question() or ""))
        if u.questions and self.has_plan and not u.has_numbers() and "what_if" not in intents:
            return self._calls(self._question_calls(u, text))
        corrected = self._contrast(text) if "what_if" not in intents else None
        if corrected:
            return self._plan_or_ask(corrected)
        if u.problems:
            self._merge(u, text, answer_pending=False)
            ask = self._next_question() or "What is the right figure?"
            return Reply(text=" ".join(u.problems) + "\n" + ask)
        if "what_if" in intents and self.has_plan and (u.has_facts() or u.multiply or OTHER_SIZE.search(text)):
            return self._what_if(u, text)
        if "what_if" in intents and self.has_plan:
            return Reply(text="Which change should I try? For example: \"what if we double our users?\", \"what if "
                              "concurrency reaches 10k?\", \"what if growth is 3% a month for 12 months?\" or \"what if "
                              "we self-host on H200s?\"")
        if self.has_plan and not u.has_numbers() and (not u.has_facts() or intents & {"adopt", "explain", "show_plan"}):
            request = self._request(u, text)  # "why so many H100s?" names a GPU but asks, not tells
            if request is not None:
                return request
        if self.state.get("pending") and intents & {"yes", "unsure"} and not u.has_facts():
            return self._small_talk(u, text)
        if not self.has_plan and intents & {"show_plan", "explain", "assumptions", "adopt", "compare"} \
                and not u.has_facts() and not u.bare_numbers:
            return Reply(text="There is no plan yet. " + (self._next_question() or ""))
        if u.questions and not self.has_plan:
            self.state["queued_questions"] = {"questions": u.questions, "text": text}
        if "what_if" in intents and not self.has_plan and u.multiply and self._complete_after(u, text):
            self.state["queued_what_if"] = {"multiply": u.multiply}
        changed = self._merge(u, text, answer_pending=True)
        if changed:
            return self._plan_or_ask(changed)
        return self._small_talk(u, text)

    def _small_talk(self, u: Understanding, text: str) -> Reply:
        intents = u.intents
        pending = self.state.get("pending")
        if pending and intents & {"yes", "unsure"}:
            if pending == "app_type":
                self.facts["app_type"] = "chatbot"
                return self._plan_or_ask(["a chatbot (the default)"])
            if pending == "concurrency":
                self.facts["concurrent_share"] = replies.DEFAULT_CONCURRENT_SHARE
                self.notes.append(f"- Concurrency is my default guess: {replies.DEFAULT_CONCURRENT_SHARE:.2%} of "
                                  f"registered users online at once ({replies.DEFAULT_CONCURRENT_SOURCE}). Tell me "
                                  "the real figure when you have it.")
                return self._plan_or_ask(["the default concurrency"])
            return Reply(text="I need this one to plan; there is no sensible default. " + self._next_question())
        if "save" in intents:
            return Reply(text=replies.SAVE_HOW)
        if "reset" in intents:
            return Reply(text="To start over, type /reset. It clears the scenarios and the conversation.")
        if "help" in intents:
            return Reply(text=replies.CAPABILITIES + self._then_ask())
        if "greeting" in intents:
            return Reply(text="Hello! Describe your app and its users in your own words. "
                              + (self._next_question() if not self.has_plan else replies.CAPABILITIES))
        if "thanks" in intents:
            return Reply(text="You're welcome. Type /save PATH to keep the transcript, or ask another what-if."
                         + self._then_ask())
        if "what_if" in intents and not self.has_plan:
            return Reply(text="A what-if needs a plan to start from; let's make that first.\n" + self._next_question())
        if u.added_users is not None:
            n = replies.num(u.added_users)
            return Reply(text=f"Do you mean a what-if? Say \"what if we had {n} more users\", or give growth such as "
                              f"\"adding {n} users a month\"." + self._then_ask())
        if u.bare_numbers or u.bare_percents:
            value = (replies.num(u.bare_numbers[0]) if u.bare_numbers else f"{u.bare_percents[0]:.0%}")
            return Reply(text=f"What is {value}? Say, for example, \"{value} registered users\", \"{value} online at "
                              "once\" or \"growing 5% a month\"." + self._then_ask())
        if pending == "app_type":
            return Reply(text="I didn't catch whether it's a chatbot or an agent. " + self._next_question())
        return Reply(text="I didn't understand that. " + replies.CAPABILITIES + self._then_ask())

    def _then_ask(self) -> str:
        q = self._next_question()
        return f"\n{q}" if q else ""
