"""The chat loop: person -> backend -> tools -> backend ... -> reply, the same for every backend.

Why the loop owns the history: backends only propose (text or tool calls); the loop runs the tools,
records every message, caps tool rounds per turn, keeps the history valid after an interruption
(every tool call gets a result), measures its own overhead, and autosaves after every turn.
"""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from agent.backends.base import Backend, BackendError, Reply
from agent.session import Session
from agent.tools import ToolRegistry
from agent.ui import ChatUI

MAX_TOOL_ROUNDS = 6  # model calls that may ask for tools in one user turn (then it must answer)
PROMPTS_DIRS = (Path(__file__).resolve().parents[1] / "prompts", Path(__file__).resolve().parent / "prompts")

HELP = """Commands:
  /help              this list
  /plan [NAME]       show the final plan (or the named scenario)
  /scenarios         the scenarios made so far
  /save [PATH]       save the transcript (PATH.md and PATH.json)
  /reset             start over (forget scenarios and conversation)
  /usage             tokens used so far
  /quit              save (if a path is set) and leave
Anything else is a message to the assistant. Ctrl-C stops a reply; Ctrl-C twice or Ctrl-D leaves."""


def load_prompt(name: str = "system.md") -> str:
    for folder in PROMPTS_DIRS:
        path = folder / name
        if path.is_file():
            return path.read_text(encoding="utf-8").strip()
    raise FileNotFoundError(f"prompt {name} not found in {', '.join(str(p) for p in PROMPTS_DIRS)}")


class ChatLoop:
    def __init__(self, backend: Backend, session: Session, registry: ToolRegistry | None = None,
                 ui: ChatUI | None = None, save_path: str | Path | None = None,
                 secrets: tuple[str, ...] = ()) -> None:
        self.backend = backend
        self.session = session
        self.registry = registry or ToolRegistry()
        self.ui = ui or ChatUI()
        self.save_path = Path(save_path) if save_path else None
        self.secrets = secrets
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
        try:
            for round_no in range(MAX_TOOL_ROUNDS + 1):
                tools = self.schemas if round_no < MAX_TOOL_ROUNDS else []
                reply = self._ask(tools)
                if reply is None:
                    break
                model_s += reply.model_seconds
                messages.append(self._assistant_message(reply))
                if reply.save:
                    self.save()
                if reply.interrupted or not reply.tool_calls:
                    self.last_interrupted = reply.interrupted
                    break
                t0 = time.perf_counter()
                for call in reply.tool_calls:
                    if round_no >= MAX_TOOL_ROUNDS:
                        content = ("Error: tool limit for this turn reached; answer the person now with the "
                                   "figures you already have.")
                        messages.append({"role": "tool", "tool_call_id": call.id, "content": content})
                        continue
                    with self.ui.tool_running(call.name):
                        result = self.registry.call(call.name, call.arguments, self.session)
                    messages.append({"role": "tool", "tool_call_id": call.id, "content": result.content})
                    self.ui.show_tool_result(call.name, result, self.session)
                tools_s += time.perf_counter() - t0
                if round_no >= MAX_TOOL_ROUNDS:
                    self.ui.warn(f"(stopped after {MAX_TOOL_ROUNDS} tool rounds in one turn)")
                    break
        except KeyboardInterrupt:
            self.ui.warn("(stopped)")
            self.last_interrupted = True
            self._repair()
        row = {"turn": float(len(self.session.timings) + 1), "model_s": round(model_s, 4),
               "tools_s": round(tools_s, 4)}
        self.session.timings.append(row)
        row.update(self._times(started, model_s))
        saved = time.perf_counter()
        self.autosave()  # the saved row lacks its own save time; the next save (or the last) has it
        row.update(self._times(started, model_s), save_s=round(time.perf_counter() - saved, 4))

    @staticmethod
    def _times(started: float, model_s: float) -> dict[str, float]:
        total = time.perf_counter() - started
        return {"total_s": round(total, 4), "overhead_s": round(max(0.0, total - model_s), 4)}

    def _ask(self, tools: list[dict[str, Any]]) -> Reply | None:
        self.ui.begin_reply()
        try:
            reply = self.backend.respond(self.session.messages, tools, self.session, self.ui.on_text)
        except BackendError as exc:
            self.ui.end_reply(Reply(streamed=True))
            self.ui.error(str(exc))
            return None
        except KeyboardInterrupt:
            reply = Reply(interrupted=True)
        self.ui.end_reply(reply)
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

    # -- slash commands -------------------------------------------------------------------------------
    def command(self, line: str) -> bool:
        """Run a /command; False means the session should end."""
        name, _, rest = line.strip().partition(" ")
        name, rest = name.lower(), rest.strip()
        if name in ("/quit", "/exit", "/q"):
            return False
        if name in ("/help", "/?"):
            self.ui.info(HELP)
        elif name == "/plan":
            record = self.session.get(rest or None)
            if record is None:
                self.ui.info(f'No scenario "{rest}".' if rest else "No plan yet: describe your app and its users first.")
            else:
                self._render_full(record)
        elif name == "/scenarios":
            self.ui.show_scenarios(self.session)
        elif name == "/save":
            self.save(rest or None)
        elif name == "/reset":
            self.session.reset()
            self.ui.info("Started over: scenarios and conversation cleared.")
            self.autosave()
        elif name == "/usage":
            u = self.session.usage
            self.ui.info(f"{u['requests']} model requests, {u['prompt_tokens']:,} prompt + "
                         f"{u['completion_tokens']:,} completion tokens")
        else:
            self.ui.info(f"Unknown command {name}. {HELP}")
        return True

    def _render_full(self, record: Any) -> None:
        try:
            from agent.ui_plan import print_plan  # the full plan tables `capplan plan` prints
            from forecasting.plan_model import CapacityPlan

            plan = CapacityPlan.model_validate(record.plan)
        except Exception:  # noqa: BLE001 - an old transcript's plan: fall back to the compact table
            self.ui.show_summary(record, final=self.session.final)
            return
        self.ui.info(f"Plan of scenario {record.name}" + (" (final)" if record.name == self.session.final else ""))
        print_plan(plan, self.ui.console)

    # -- saving ---------------------------------------------------------------------------------------
    def save(self, path: str | None = None) -> None:
        from agent import transcript

        if path:
            self.save_path = Path(path)
        if self.save_path is None:
            self.save_path = Path(time.strftime("capplan-chat-%Y%m%d-%H%M%S.md"))
        try:
            md, js = transcript.save(self.session, self.save_path, self.secrets)
        except OSError as exc:
            self.ui.error(f"Could not save to {self.save_path}: {exc.strerror or exc}")
            return
        self.ui.info(f"Saved {md} and {js}")

    def autosave(self) -> None:
        if self.save_path is None:
            return
        from agent import transcript

        try:
            transcript.save(self.session, self.save_path, self.secrets)
        except OSError as exc:
            self.ui.error(f"Autosave to {self.save_path} failed: {exc.strerror or exc}")
