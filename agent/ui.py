"""Terminal rendering of the chat with rich; plain text when the output is not a terminal.

`ChatUI` is a listener of the chat loop (`agent/hooks.py`): the loop reports text, tool runs and
errors; this draws them. Slash commands (`agent/slash.py`) use its info/show_* methods too.

Why two modes: on a terminal people want the reply to appear as it is written, a spinner while the
forecast runs, and tables; in a pipe or a CI log, escape codes and redrawn frames are noise, so the
same calls print plain lines.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from forecasting.vocabulary import SUMMARY_FIGURES, cell_text as fmt, usd_text as usd
from agent.hooks import LoopHooks
from agent.redact import StreamScrubber, for_terminal, one_line
from rich import box
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table
from rich.text import Text

if TYPE_CHECKING:
    from agent.backends.base import Reply, ToolCall
    from agent.session import ScenarioRecord, Session
    from agent.tools import ToolResult



class SafeConsole(Console):
    """A rich Console whose every write is scrubbed of secrets: the last net under the per-call
    filters, for text that reaches the terminal some other way (a plan title, a table cell)."""

    def _render_buffer(self, buffer: Any) -> str:
        from agent.redact import scrub

        return scrub(super()._render_buffer(buffer))


class ChatUI(LoopHooks):
    """Every string printed here goes through agent.redact first: secrets scrubbed, terminal control
    and bidi characters removed (model text, tool names and scenario names are untrusted)."""

    def __init__(self, console: Console | None = None) -> None:
        self.console = console or SafeConsole(highlight=False)
        self.rich = self.console.is_terminal
        self._live: Any = None
        self._status: Any = None  # the spinner while a tool runs
        self._buffer: list[str] = []
        self._stream = StreamScrubber()
        self._plain_started = False

    # -- messages --------------------------------------------------------------------------------
    def info(self, text: str) -> None:
        self.console.print(for_terminal(text), style="dim" if self.rich else None, markup=False,
                           soft_wrap=not self.rich)

    def warn(self, text: str) -> None:
        self._stop_status()
        self.console.print(for_terminal(text), style="yellow" if self.rich else None, markup=False)

    def error(self, text: str) -> None:
        self._stop_status()
        self.console.print(for_terminal(text), style="bold red" if self.rich else None, markup=False)

    def notice(self, text: str) -> None:
        self.warn(text)

    def echo_user(self, text: str) -> None:
        """Non-interactive runs print each input line so the output reads as a conversation."""
        self.console.print(f"> {for_terminal(text)}", markup=False, soft_wrap=True)

    # -- streamed replies ---------------------------------------------------------------------------
    def reply_start(self) -> None:
        self._buffer = []
        self._stream = StreamScrubber()
        self._plain_started = False
        if self.rich:
            from rich.live import Live

            self._live = Live(Markdown(""), console=self.console, refresh_per_second=12, transient=False,
                              vertical_overflow="visible")
            self._live.start()

    def text_delta(self, chunk: str) -> None:
        self._buffer.append(chunk)
        if self._live is not None:
            text = "".join(self._buffer)  # up to the last whitespace: a half-streamed key is not shown
            cut = max(text.rfind(c) for c in " \n\t")
            self._live.update(Markdown(for_terminal(text[:cut + 1])))
        else:
            ready = self._stream.feed(chunk)
            if ready:
                self.console.file.write(ready)
                self.console.file.flush()
            self._plain_started = True

    def reply_end(self, reply: "Reply") -> None:
        if self._live is not None:
            self._live.update(Markdown(for_terminal("".join(self._buffer))))
            self._live.stop()
            self._live = None
        elif self._plain_started:
            self.console.file.write(self._stream.flush() + "\n")
            self.console.file.flush()
        if reply.interrupted:
            self.warn("(reply stopped)")

    # -- tools ----------------------------------------------------------------------------------------
    def tool_start(self, call: "ToolCall") -> None:
        if self._live is not None:  # a tool call ends the streamed text before it
            self._live.stop()
            self._live = None
        if self.rich:
            self._status = self.console.status(f"running {one_line(call.name, 60)}...", spinner="dots")
            self._status.start()

    def tool_end(self, call: "ToolCall", result: "ToolResult", session: "Session") -> None:
        self._stop_status()
        self.show_tool_result(call.name, result, session)

    def turn_end(self, timing: dict[str, float]) -> None:
        self._stop_status()

    def _stop_status(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None

    def show_tool_result(self, name: str, result: "ToolResult", session: "Session") -> None:
        if not result.ok:
            first = result.content.splitlines()[0] if result.content else "error"
            self.info(f"({one_line(name, 60)}: {one_line(first, 160)})")
            return
        records = [r for r in (session.get(n) for n in result.names) if r is not None]
        if result.display == "summary" and records:
            self.show_summary(records[0], final=session.final)
        elif result.display == "compare" and len(records) >= 2:
            self.show_comparison(records)

    def show_summary(self, record: "ScenarioRecord", final: str | None = None) -> None:
        from forecasting.vocabulary import LABELS as labels, key_figures

        figs = key_figures(record.plan)
        title = f"Scenario: {one_line(record.name, 80)}" + (" (final)" if record.name == final else "")
        table = Table(title=Text(title), show_header=False, title_justify="left", box=box.SIMPLE if self.rich else None)
        table.add_column("figure")
        table.add_column("value", justify="right")
        for path in SUMMARY_FIGURES:
            if path in figs:
                table.add_row(Text(labels[path]), Text(one_line(fmt(figs[path]), 80)))
        self.console.print(table)
        for warning in (record.plan.get("warnings") or [])[:3]:
            self.warn(f"! {one_line(warning, 300)}")

    def show_comparison(self, records: list["ScenarioRecord"]) -> None:
        from forecasting.vocabulary import KEY_FIGURES, key_figures

        figs = [key_figures(r.plan) for r in records]
        table = Table(title="Side by side", title_justify="left")
        table.add_column("figure")
        for r in records:
            table.add_column(Text(one_line(r.name, 40)), justify="right")
        if len(records) == 2:
            table.add_column("change", justify="right")
        for label, path in KEY_FIGURES:
            values = [f.get(path) for f in figs]
            if all(v is None for v in values):
                continue
            row = [Text(label), *[Text(one_line(fmt(v), 60)) for v in values]]
            if len(records) == 2:
                row.append(Text(change(values[0], values[1])))
            table.add_row(*row)
        self.console.print(table)

    def show_scenarios(self, session: "Session") -> None:
        if not session.scenarios:
            self.info("No scenarios yet. Describe your app and its users to make the first one.")
            return
        for name, r in session.scenarios.items():
            mark = " (final)" if name == session.final else ""
            origin = f"what-if from {one_line(r.base, 80)}" if r.base else "baseline"
            if getattr(r, "stale", None):
                origin += f" (stale: {one_line(str(r.stale), 160)})"
            cost = r.plan.get("cost", {}).get("monthly_usd") if isinstance(r.plan.get("cost"), dict) else None
            cost_text = f", {usd(cost)} a month" if isinstance(cost, (int, float)) else ""
            self.console.print(f"- {one_line(name, 80)}{mark}: {origin}{cost_text}", markup=False)


def change(a: Any, b: Any) -> str:
    if a == b:
        return ""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool) and a:
        pct = (b - a) / abs(a)
        return "~0%" if abs(pct) < 0.005 else f"{pct:+.0%}"
    return "changed"
