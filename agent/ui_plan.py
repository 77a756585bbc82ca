"""A capacity plan as rich tables on the terminal (plain text when piped).

Why it reuses `forecasting.report.summary_rows`: the terminal and the Markdown report show the same
headline figures in the same order, chosen in one place.
"""
from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from agent.redact import for_terminal, one_line

from forecasting.report import summary_rows, tier_cell
from forecasting.vocabulary import cell_text as fmt, short_number as short, usd_text as usd

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.plan_model import CapacityPlan


def plan_renderables(p: "CapacityPlan", explain: bool = True) -> Group:
    i = p.inputs
    title = one_line(p.name, 80) if p.name else f"{i['app_type']} · {i['registered_users']:,} registered users"
    summary = Table(title=Text(f"Capacity plan: {title}"), box=box.SIMPLE_HEAVY, show_lines=False, expand=False)
    summary.add_column("", style="bold")
    summary.add_column("value", justify="right", style="cyan")
    banded = p.uncertainty is not None  # ranges: P10-P90 beside each figure that varies
    if banded:
        from forecasting.report.uncertainty import band_text

        summary.add_column("P10–P90", justify="right", style="magenta")
    if explain:
        summary.add_column("how", style="dim", overflow="fold", max_width=70)
    for label, value, key in summary_rows(p):
        summary.add_row(label, value, *([band_text(p, key)] if banded else []),
                        *([p.explanations.get(key, "")] if explain else []))
    cost = Table(title=f"Monthly cost ({p.cost.region}, on-demand list prices)", box=box.SIMPLE)
    cost.add_column("component")
    cost.add_column("USD/month", justify="right", style="green")
    cost.add_column("basis", style="dim", overflow="fold", max_width=70)
    for b in p.cost.breakdown:
        cost.add_row(b.component, usd(b.monthly_usd), b.basis)
    cost.add_row("[bold]total[/bold]", f"[bold]{usd(p.cost.monthly_usd)}[/bold]", "")
    tl = Table(title="Timeline", box=box.SIMPLE)
    hosted = p.llm.self_hosted is not None
    for col in ("month", "registered", "peak conc.", "LLM calls/s", "app inst.", "GPUs" if hosted else "API tier", "DB GB", "USD/month"):
        tl.add_column(col, justify="right")
    step = max(1, len(p.timeline) // 13)
    rows = p.timeline[::step] + ([p.timeline[-1]] if (len(p.timeline) - 1) % step else [])
    for r in rows:
        tl.add_row(str(r.month), short(r.registered_users), short(r.peak_concurrent_users), fmt(r.llm_calls_per_second),
                   str(r.app_instances), str(r.gpus) if hosted else tier_cell(p, r.api_tier), short(r.db_storage_gb),
                   "$" + short(r.monthly_usd))
    parts: list = [summary]
    if banded:
        from agent.ui_uncertainty import uncertainty_renderables

        parts += uncertainty_renderables(p)
    parts += [cost, tl]
    if p.scale_events:
        ev = Table(title="Scale events", box=box.SIMPLE)
        for col in ("month", "resource", "from", "to"):
            ev.add_column(col)
        for e in p.scale_events[:20]:
            ev.add_row(str(e.month), e.resource, fmt(e.before), fmt(e.after))
        if len(p.scale_events) > 20:
            ev.caption = f"{len(p.scale_events) - 20} more in --format json/markdown"
        parts.append(ev)
    if p.warnings:
        parts.append(Panel(Text(for_terminal("\n".join(f"• {w}" for w in p.warnings))), title="Warnings",
                           border_style="yellow"))
    parts.append(f"[dim]{len(p.assumptions)} defaults used (see --format markdown or json for each value and source).[/dim]")
    return Group(*parts)


def print_plan(p: "CapacityPlan", console: Console | None = None) -> None:
    """Explanations sit beside the figures only when the terminal is wide enough to read them."""
    if console is None:
        from agent.ui import SafeConsole

        console = SafeConsole()
    console.print(plan_renderables(p, explain=console.width >= 140))


def plan_to_text(p: "CapacityPlan", width: int = 140) -> str:
    buf = io.StringIO()
    Console(file=buf, width=width, force_terminal=False, color_system=None).print(plan_renderables(p, explain=width >= 140))
    return for_terminal(buf.getvalue())
