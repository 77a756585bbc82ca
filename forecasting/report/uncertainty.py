"""Bands in words and tables: what the terminal, the Markdown report and the chat say about ranges.

Why one module: "P10-P90 beside each figure that varies" must read the same on the terminal, in the
Markdown report and in chat answers, and the wording of the percentiles (plain English for a finance
reviewer) is a fact that lives in one place.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from forecasting.vocabulary import heading_with_unit, number_text, usd_text

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.plan_model import Band, CapacityPlan, UncertaintyOut

PLAIN_WORDS = ("P10, P50 and P90 are what the plan needs in 10%, 50% and 90% of the drawn futures: "
               "1 draw in 10 came out below P10 and 1 in 10 above P90, so P10-P90 is where the figure lands "
               "8 times in 10 if the ranges are right. P50 is the middle.")

def figure_label(p: "CapacityPlan", path: str) -> str:
    """A band row's name: the figure's heading with its unit (forecasting/vocabulary.py)."""
    return heading_with_unit(path, str(p.inputs.get("app_type", "chatbot")))


def value_text(path: str, x: float) -> str:
    """A band value written for its metric: dollars, whole counts, or a table figure."""
    if path.endswith("_usd") or "_usd_" in path:
        return usd_text(x)
    if path.endswith((".instances", ".gpus", ".replicas")):
        return f"{x:,.0f}"
    return number_text(x, keep_zeros=True)


def varies(b: "Band") -> bool:
    return b.p90 > b.p10


def band_text(p: "CapacityPlan", path: str) -> str:
    """'P10-P90 a-b' for a figure that varies across the draws, else ''."""
    u = p.uncertainty
    b = u.figures.get(path) if u is not None else None
    if b is None or not varies(b):
        return ""
    return f"{value_text(path, b.p10)}–{value_text(path, b.p90)}"


def cost_sentence(u: "UncertaintyOut") -> str:
    """'likely $30,100-$45,200 a month (P10-P90), $37,000 in the middle' (the answer to "how sure?")."""
    b = u.figures["cost.monthly_usd"]
    if not varies(b):
        return f"{value_text('cost.monthly_usd', b.p50)} a month (the ranges do not move the cost)"
    return (f"likely {value_text('cost.monthly_usd', b.p10)}–{value_text('cost.monthly_usd', b.p90)} a month (P10–P90), "
            f"{value_text('cost.monthly_usd', b.p50)} in the middle")


def markdown_section(p: "CapacityPlan") -> list[str]:
    """The '## Uncertainty' section of the Markdown report (empty for a plan without ranges)."""
    from forecasting.report import _table  # the report's own table helper

    u = p.uncertainty
    if u is None:
        return []
    out = ["## Uncertainty", "",
           f"Monthly cost is {cost_sentence(u)}, over {u.draws:,} seeded draws (seed {u.seed}). {PLAIN_WORDS}",
           f"The figures above are the plan at {u.provision_at} (draw {u.plan_draw}); the bands come from all draws.", ""]
    out += ["### Uncertain inputs", ""] + _table(
        ["input", "low", "middle", "high", "distribution", "in this plan", "source"],
        [[i.input, f"{i.low:,.6g}", f"{i.middle:,.6g}", f"{i.high:,.6g}", i.distribution, f"{i.value_in_plan:,.6g}", i.source]
         for i in u.inputs]) + [""]
    out += ["### Figures (P10 / P50 / P90 / mean)", ""] + _table(
        ["figure", "P10", "P50", "P90", "mean"],
        [[figure_label(p, k), value_text(k, b.p10), value_text(k, b.p50), value_text(k, b.p90), value_text(k, b.mean)]
         for k, b in u.figures.items()]) + [""]
    lr = u.least_regret
    out += ["### Least-regret choice", "",
            f"Draw {lr.draw}, {value_text('cost.monthly_usd', lr.monthly_usd)} a month: {lr.why}", ""]
    if u.sensitivity:
        out += ["### What matters most (monthly cost, each input from low to high, the rest at their middle)", ""]
        out += _table(["input", "at low", "at high", "swing", "swing at the horizon"],
                      [[r.input + f" ({r.low:,.6g} → {r.high:,.6g})", value_text("x_usd", r.low_usd),
                        value_text("x_usd", r.high_usd), value_text("x_usd", r.swing_usd),
                        value_text("x_usd", r.swing_usd_at_horizon)] for r in u.sensitivity]) + [""]
    for note in u.notes:
        out += [f"- {note}"]
    return out
