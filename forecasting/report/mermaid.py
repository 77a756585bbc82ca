"""Charts as Mermaid `xychart-beta` blocks, which GitHub and GitLab draw inside Markdown.

Why with a table beside each: xychart-beta has no legend and no stacking. Stacked cost is drawn as
bars of the running totals, tallest first so the shorter ones sit on top of them (each visible band
is one component); the table under the chart names the components, bottom first, with their values.
A reader without Mermaid still has every number.
"""
from __future__ import annotations

from forecasting.report.charts import Chart
from forecasting.vocabulary import plain_number as _num  # chart data: no thousands separators


def _quote(text: str) -> str:
    return '"' + text.replace('"', "'").replace("\n", " ").replace("`", "'") + '"'


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(h.replace("|", "\\|") for h in headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in r) + " |" for r in rows]
    return out


def render(chart: Chart) -> str:
    """A ```mermaid block and the data table under it."""
    x = "[" + ", ".join(_quote(v) for v in chart.x) + "]"
    lines = ["```mermaid", "xychart-beta", f"    title {_quote(chart.title)}", f"    x-axis {_quote(chart.x_label)} {x}",
             f"    y-axis {_quote(chart.y_label)}"]
    if chart.kind == "stacked":
        running = [0.0] * len(chart.x)
        totals = []
        for s in chart.series:
            running = [a + b for a, b in zip(running, s.values)]
            totals.append(list(running))
        for values in reversed(totals):  # tallest first: later bars are drawn over earlier ones
            lines.append("    bar [" + ", ".join(_num(v) for v in values) + "]")
    else:  # steps, band and ranges: one line per series (P10, P50, P90 for the band)
        for s in chart.series:
            lines.append("    line [" + ", ".join(_num(v) for v in s.values) + "]")
    lines.append("```")
    lines.append("")
    if chart.kind == "stacked":
        headers = [chart.x_label, *[s.name for s in chart.series], "total"]
        rows = [[chart.x[i], *[_num(s.values[i]) for s in chart.series], _num(sum(s.values[i] for s in chart.series))]
                for i in range(len(chart.x))]
        lines.append("Components from the bottom of each bar up: " + ", ".join(s.name for s in chart.series) + ".")
        lines.append("")
    else:
        headers = [chart.x_label, *[s.name for s in chart.series]]
        rows = [[chart.x[i], *[_num(s.values[i]) for s in chart.series]] for i in range(len(chart.x))]
        if chart.kind == "steps":
            lines.append("Lines, in order: " + ", ".join(s.name for s in chart.series) + "."
                         + (" " + "; ".join(f"{m.label} from month {chart.x[m.index]}" for m in chart.markers) + "."
                            if chart.markers else ""))
            lines.append("")
    lines += _table(headers, rows)
    return "\n".join(lines) + "\n"


def render_all(charts: list[Chart]) -> str:
    return "\n".join(render(c) for c in charts)
