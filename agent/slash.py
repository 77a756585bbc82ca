"""Slash commands of `capplan chat` (/help, /plan, /save ...): the terminal's, not the loop's.

Why apart from the loop: they are things the person does to the session (show, save, reset), not
turns of the conversation; the browser app offers the same actions as buttons instead.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent.saving import TranscriptSaver
    from agent.session import Session
    from agent.ui import ChatUI

HELP = """Commands:
  /help              this list
  /plan [NAME]       show the final plan (or the named scenario)
  /scenarios         the scenarios made so far
  /save [PATH]       save the transcript (PATH.md and PATH.json)
  /reset             start over (forget scenarios and conversation; saved files are kept)
  /usage             tokens used so far
  /quit              save (if a path is set) and leave
Anything else is a message to the assistant. Ctrl-C stops a reply; Ctrl-C twice or Ctrl-D leaves."""


class SlashCommands:
    def __init__(self, session: "Session", ui: "ChatUI", saver: "TranscriptSaver") -> None:
        self.session = session
        self.ui = ui
        self.saver = saver

    def run(self, line: str) -> bool:
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
            self.saver.save(rest or None)
        elif name == "/reset":
            self.session.reset()
            kept = self.saver.path
            new = self.saver.fork()  # what was saved stays as it was
            where = f" The earlier conversation stays in {kept}; this one saves to {new}." if new else ""
            self.ui.info("Started over: scenarios and conversation cleared." + where)
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
