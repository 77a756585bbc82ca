"""The charts of a plan as data: what each one shows, drawn later as SVG (`svg.py`) or Mermaid (`mermaid.py`).

Why data first: the browser page, the HTML report and the Markdown transcript draw the same three
charts; choosing the numbers once keeps them in agreement, and the drawing code never reads a plan.
Each chart's `key` is the value of the `data-chart` attribute of its container in the page and report.

- `cost-by-component`: monthly cost over the horizon, stacked by cost component (timeline rows).
- `capacity`: instances, worker instances and GPUs month by month, with API rate-limit tier steps marked.
- `cost-band`: the P10-P90 band of the Monte-Carlo figures, when the plan carries `uncertainty`
  (`uncertainty.figures`: metric path -> p10/p50/p90). The draws give month 0 and the horizon
  (`..._at_horizon`), so each money figure's range is drawn as a bar with its median; should the
  figures ever hold month-by-month cost paths (`timeline.N.monthly_usd`), a band over time is drawn.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from forecasting.plan_model import CapacityPlan

Kind = Literal["stacked", "steps", "band", "ranges"]


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class Marker:
    """A labelled point on the x axis (an API tier change)."""

    index: int
    label: str


@dataclass(frozen=True)
class Chart:
    key: str  # data-chart="..." in the page and the report
    kind: Kind
    title: str
    x_label: str
    y_label: str
    x: tuple[str, ...]  # category labels (months, or figure names for "ranges")
    series: tuple[Series, ...]  # stacked: bottom first; band/ranges: (p10, p50, p90)
    unit: str = ""  # "USD" formats the axis as money
    markers: tuple[Marker, ...] = field(default_factory=tuple)
    summary: str = ""  # one sentence a screen reader reads instead of the picture


def plan_charts(plan: CapacityPlan) -> list[Chart]:
    """The charts a plan has data for, in reading order."""
    charts = [cost_chart(plan), capacity_chart(plan)]
    band = uncertainty_chart(plan)
    if band is not None:
        charts.append(band)
    return [c for c in charts if c.series]


def _months(plan: CapacityPlan) -> tuple[str, ...]:
    return tuple(str(r.month) for r in plan.timeline)


def cost_chart(plan: CapacityPlan) -> Chart:
    rows = plan.timeline
    names: list[str] = []
    for r in rows:
        for name in r.cost_by_component_usd:
            if name not in names:
                names.append(name)
    if not names:  # a plan made before the timeline had components: the total alone
        series = [Series("total", tuple(r.monthly_usd for r in rows))]
    else:
        series = [Series(n, tuple(r.cost_by_component_usd.get(n, 0.0) for r in rows)) for n in names]
        series.sort(key=lambda s: -max(s.values, default=0.0))  # the biggest component at the bottom
    first, last = rows[0].monthly_usd if rows else 0.0, rows[-1].monthly_usd if rows else 0.0
    top = series[0].name if series else ""
    return Chart("cost-by-component", "stacked", "Monthly cost over the horizon, by component", "month",
                 "USD per month", _months(plan), tuple(series), unit="USD",
                 summary=f"Monthly cost grows from ${first:,.0f} in month 0 to ${last:,.0f} in month "
                         f"{rows[-1].month if rows else 0}; the largest component is {top}.")


def capacity_chart(plan: CapacityPlan) -> Chart:
    rows = plan.timeline
    series = [Series("app instances", tuple(float(r.app_instances) for r in rows))]
    if any(r.worker_instances for r in rows):
        series.append(Series("agent worker instances", tuple(float(r.worker_instances) for r in rows)))
    if any(r.gpus for r in rows):
        series.append(Series("GPUs", tuple(float(r.gpus) for r in rows)))
    markers: list[Marker] = []
    previous: str | None = None
    for i, r in enumerate(rows):
        if r.api_tier and r.api_tier != previous:
            markers.append(Marker(i, f"API {r.api_tier}"))
        previous = r.api_tier
    parts = [f"{s.name} {s.values[0]:,.0f} to {s.values[-1]:,.0f}" for s in series if s.values]
    tiers = f"; API tier steps: {', '.join(m.label + ' (month ' + str(rows[m.index].month) + ')' for m in markers)}" if markers else ""
    return Chart("capacity", "steps", "Capacity over time", "month", "instances / GPUs", _months(plan),
                 tuple(series), markers=tuple(markers),
                 summary="Over the horizon: " + "; ".join(parts) + tiers + ".")


_TIMELINE_COST = re.compile(r"^timeline\.(\d+)\.monthly_usd$")


def uncertainty_chart(plan: CapacityPlan) -> Chart | None:
    figures = _uncertainty_figures(plan)
    if not figures:
        return None
    by_month = sorted((int(m.group(1)), v) for k, v in figures.items() if (m := _TIMELINE_COST.match(k)))
    if len(by_month) >= 2:
        x = tuple(str(month) for month, _ in by_month)
        lows, mids, highs = (tuple(float(v[q]) for _, v in by_month) for q in ("p10", "p50", "p90"))
        return Chart("cost-band", "band", "Monthly cost, P10-P90 band", "month", "USD per month", x,
                     (Series("P10", lows), Series("P50", mids), Series("P90", highs)), unit="USD",
                     summary=f"In month {x[-1]} the monthly cost is between ${lows[-1]:,.0f} (P10) and "
                             f"${highs[-1]:,.0f} (P90), ${mids[-1]:,.0f} at the median.")
    money = {k: v for k, v in figures.items() if k.endswith(("usd", "usd_at_horizon"))}
    chosen = money or figures
    keys = tuple(chosen)
    horizon = plan.timeline[-1].month if plan.timeline else 0
    names = tuple(figure_label(k, horizon) for k in keys)
    lows, mids, highs = (tuple(float(chosen[k][q]) for k in keys) for q in ("p10", "p50", "p90"))
    return Chart("cost-band", "ranges", "Monthly cost, P10-P90 ranges over the draws", "figure",
                 "USD per month" if money else "value", names,
                 (Series("P10", lows), Series("P50", mids), Series("P90", highs)), unit="USD" if money else "",
                 summary="; ".join(f"{n}: {lo:,.0f} to {hi:,.0f} (median {mid:,.0f})"
                                   for n, lo, mid, hi in zip(names, lows, mids, highs)) + ".")


def _uncertainty_figures(plan: CapacityPlan) -> dict[str, dict[str, float]]:
    if plan.uncertainty is None:
        return {}
    return {key: {"p10": b.p10, "p50": b.p50, "p90": b.p90} for key, b in plan.uncertainty.figures.items()}


def figure_label(path: str, horizon: int) -> str:
    """'cost.monthly_usd_at_horizon' -> 'Monthly cost, month 12' (names from forecasting/vocabulary.py)."""
    from forecasting.vocabulary import heading

    at_horizon = path.endswith("_at_horizon")
    base = path.removesuffix("_at_horizon")
    return f"{heading(base)}, month {horizon if at_horizon else 0}"
