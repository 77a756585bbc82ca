"""The uncertainty block of a plan on the terminal: bands, least regret and the tornado.

Why the wording comes from forecasting.report.uncertainty: the terminal, the Markdown report and the
chat answers describe the percentiles in the same plain words.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich import box
from rich.table import Table
from rich.text import Text

from forecasting.report.uncertainty import PLAIN_WORDS, cost_sentence, figure_label, value_text, varies

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.plan_model import CapacityPlan

BAR = 10  # characters of the widest tornado bar


def uncertainty_renderables(p: "CapacityPlan") -> list[Any]:
    u = p.uncertainty
    if u is None:
        return []
    t = Table(title=f"Uncertainty: {u.draws:,} draws, seed {u.seed}; this plan is the {u.provision_at} plan",
              box=box.SIMPLE, caption=PLAIN_WORDS, caption_justify="left")
    t.add_column("figure")
    for col in ("P10", "P50", "P90", "mean"):
        t.add_column(col, justify="right", style="cyan" if col != "mean" else "dim")
    for k, b in u.figures.items():
        if varies(b) or k == "cost.monthly_usd":
            t.add_row(figure_label(p, k), *(value_text(k, x) for x in (b.p10, b.p50, b.p90, b.mean)))
    parts: list[Any] = [Text(f"Monthly cost: {cost_sentence(u)}.", style="bold"), t]
    lr = u.least_regret
    parts.append(Text(f"Least regret: draw {lr.draw}, {value_text('x_usd', lr.monthly_usd)} a month — {lr.why}"))
    if u.sensitivity:
        tornado = Table(title="What matters most: monthly cost with each input at its low and high value",
                        box=box.SIMPLE)
        tornado.add_column("input", overflow="fold")
        for col in ("low → high", "at low", "at high", "swing"):
            tornado.add_column(col, justify="right")
        tornado.add_column("", style="magenta", no_wrap=True)
        widest = max((r.swing_usd for r in u.sensitivity), default=0.0) or 1.0
        for r in u.sensitivity[:12]:
            bar = "█" * max(1 if r.swing_usd > 0 else 0, round(BAR * r.swing_usd / widest))
            tornado.add_row(Text(r.input), f"{r.low:,.6g} → {r.high:,.6g}", value_text("x_usd", r.low_usd),
                            value_text("x_usd", r.high_usd), value_text("x_usd", r.swing_usd), bar)
        if len(u.sensitivity) > 12:
            tornado.caption = f"{len(u.sensitivity) - 12} more in --format json/markdown"
        parts.append(tornado)
    return parts
