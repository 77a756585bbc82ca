"""Charts drawn as SVG text on the server: no JavaScript library, no network, a few kilobytes each.

Why server-side SVG: the same string goes into the browser page, the self-contained HTML report and
its PDF print; it needs no vendored chart library (and no licence to carry), works with a
Content-Security-Policy that forbids inline script, and prints sharp. Every text that could come from
a person (scenario names) or a catalog is escaped. Each chart has a <title> and a <desc> (the chart's
one-sentence summary) for screen readers; the page and report put a data table beside it too.

Colours: the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies).
"""
from __future__ import annotations

import math
from html import escape

from forecasting.report.charts import Chart, Series

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
           "#999999", "#8C564B")
WIDTH, HEIGHT = 720, 340
LEFT, RIGHT, TOP, BOTTOM = 64, 16, 36, 44


def render(chart: Chart, chart_id: str = "chart") -> str:
    """The chart as one <svg> element (responsive: it scales to its container's width)."""
    draw = {"stacked": _stacked, "steps": _steps, "band": _band, "ranges": _ranges}[chart.kind]
    body, legend_rows = draw(chart)
    height = HEIGHT + 18 * legend_rows + 10
    ident = escape(chart_id, quote=True)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" role="img" '
            f'aria-labelledby="{ident}-t {ident}-d" class="chart" data-kind="{chart.kind}" '
            f'font-family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif" font-size="12">'
            f'<title id="{ident}-t">{escape(chart.title)}</title><desc id="{ident}-d">{escape(chart.summary)}</desc>'
            f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>'
            f'<text x="{LEFT}" y="20" font-size="14" font-weight="600" fill="#1a1a1a">{escape(chart.title)}</text>'
            f"{body}</svg>")


# -- axes and scales -----------------------------------------------------------------------------
def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (1, 2, 2.5 or 5 times a power of ten)."""
    if not math.isfinite(top) or top <= 0:
        return [0.0, 1.0]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def axis_label(value: float, unit: str) -> str:
    prefix = "$" if unit == "USD" else ""
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"{prefix}{value / div:g}{suffix}"
    return f"{prefix}{value:g}"


class _Frame:
    """Maps data to the plot area and draws the y grid and the x labels."""

    def __init__(self, chart: Chart, top_value: float, bottom_value: float = 0.0) -> None:
        self.chart = chart
        self.ticks = nice_ticks(top_value)
        self.y_max = self.ticks[-1]
        self.y_min = bottom_value
        self.n = max(1, len(chart.x))
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = HEIGHT - TOP - BOTTOM

    def y(self, value: float) -> float:
        span = (self.y_max - self.y_min) or 1.0
        return TOP + self.plot_h * (1 - (value - self.y_min) / span)

    def slot(self) -> float:
        return self.plot_w / self.n

    def x_center(self, i: int) -> float:
        return LEFT + self.slot() * (i + 0.5)

    def grid(self) -> str:
        out = []
        for t in self.ticks:
            y = self.y(t)
            out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#dddddd"/>'
                       f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#444444">'
                       f"{escape(axis_label(t, self.chart.unit))}</text>")
        every = max(1, math.ceil(self.n / 13))  # at most ~13 labels on a phone-width chart
        for i, label in enumerate(self.chart.x):
            if i % every == 0 or i == self.n - 1:
                out.append(f'<text x="{self.x_center(i):.1f}" y="{TOP + self.plot_h + 16}" text-anchor="middle" '
                           f'fill="#444444">{escape(_clip(label, max(4, int(self.slot() * every / 7))))}</text>')
        out.append(f'<text x="{LEFT + self.plot_w / 2:.1f}" y="{TOP + self.plot_h + 34}" text-anchor="middle" '
                   f'fill="#444444">{escape(self.chart.x_label)}</text>')
        out.append(f'<text transform="translate(14 {TOP + self.plot_h / 2:.1f}) rotate(-90)" text-anchor="middle" '
                   f'fill="#444444">{escape(self.chart.y_label)}</text>')
        out.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{self.y(self.y_min):.1f}" '
                   f'y2="{self.y(self.y_min):.1f}" stroke="#666666"/>')
        return "".join(out)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _legend(series: tuple[Series, ...], colours: list[str], styles: list[str] | None = None) -> tuple[str, int]:
    """Swatches under the plot, wrapped in rows; returns (svg, rows used)."""
    out, x, row = [], LEFT, 0
    for i, s in enumerate(series):
        label = _clip(s.name, 40)
        width = 22 + 7 * len(label)
        if x + width > WIDTH - RIGHT and x > LEFT:
            x, row = LEFT, row + 1
        y = HEIGHT + 18 * row + 8
        dash = f' stroke-dasharray="{styles[i]}"' if styles and styles[i] else ""
        out.append(f'<rect x="{x}" y="{y - 9}" width="12" height="12" fill="{colours[i]}"{dash}/>'
                   f'<text x="{x + 16}" y="{y + 1}" fill="#1a1a1a">{escape(label)}</text>')
        x += width + 12
    return "".join(out), row + 1


# -- chart kinds -----------------------------------------------------------------------------------
def _stacked(chart: Chart) -> tuple[str, int]:
    totals = [sum(s.values[i] for s in chart.series) for i in range(len(chart.x))]
    frame = _Frame(chart, max(totals, default=0.0))
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(chart.series))]
    bar_w = frame.slot() * 0.72
    out = [frame.grid()]
    for i in range(len(chart.x)):
        base = 0.0
        x = frame.x_center(i) - bar_w / 2
        for s, colour in zip(chart.series, colours):
            v = s.values[i]
            if v <= 0:
                continue
            y_top, y_bottom = frame.y(base + v), frame.y(base)
            out.append(f'<rect x="{x:.1f}" y="{y_top:.1f}" width="{bar_w:.1f}" height="{max(0.0, y_bottom - y_top):.1f}" '
                       f'fill="{colour}"><title>{escape(f"month {chart.x[i]}: {s.name} {axis_label(round(v), chart.unit)}")}'
                       f"</title></rect>")
            base += v
    legend, rows = _legend(chart.series, colours)
    out.append(legend)
    return "".join(out), rows


def _steps(chart: Chart) -> tuple[str, int]:
    top = max((max(s.values, default=0.0) for s in chart.series), default=0.0)
    frame = _Frame(chart, max(top, 1.0))
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(chart.series))]
    out = [frame.grid()]
    for m in chart.markers:
        x = frame.x_center(m.index) - frame.slot() / 2
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{TOP}" y2="{frame.y(0):.1f}" stroke="#7a7a7a" '
                   f'stroke-dasharray="4 3"/><text x="{x + 3:.1f}" y="{TOP + 12}" fill="#444444" font-size="11">'
                   f"{escape(_clip(m.label, 24))}</text>")
    for s, colour in zip(chart.series, colours):
        points = []
        for i, v in enumerate(s.values):
            x0, x1 = LEFT + frame.slot() * i, LEFT + frame.slot() * (i + 1)
            points += [f"{x0:.1f},{frame.y(v):.1f}", f"{x1:.1f},{frame.y(v):.1f}"]
        out.append(f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" stroke-width="2.5">'
                   f"<title>{escape(s.name)}</title></polyline>")
    legend, rows = _legend(chart.series, colours)
    out.append(legend)
    return "".join(out), rows


def _band(chart: Chart) -> tuple[str, int]:
    low, mid, high = chart.series
    frame = _Frame(chart, max(high.values, default=0.0))
    xs = [frame.x_center(i) for i in range(len(chart.x))]
    upper = " ".join(f"{x:.1f},{frame.y(v):.1f}" for x, v in zip(xs, high.values))
    lower = " ".join(f"{x:.1f},{frame.y(v):.1f}" for x, v in reversed(list(zip(xs, low.values))))
    median = " ".join(f"{x:.1f},{frame.y(v):.1f}" for x, v in zip(xs, mid.values))
    out = [frame.grid(),
           f'<polygon points="{upper} {lower}" fill="#56B4E9" fill-opacity="0.35" stroke="none">'
           f"<title>P10 to P90</title></polygon>",
           f'<polyline points="{median}" fill="none" stroke="#0072B2" stroke-width="2.5"><title>P50</title></polyline>']
    legend, rows = _legend((Series("P10 to P90", ()), Series("P50 (median)", ())), ["#a9d8f4", "#0072B2"])
    out.append(legend)
    return "".join(out), rows


def _ranges(chart: Chart) -> tuple[str, int]:
    low, mid, high = chart.series
    frame = _Frame(chart, max(high.values, default=0.0))
    bar_w = frame.slot() * 0.4
    out = [frame.grid()]
    for i in range(len(chart.x)):
        x = frame.x_center(i)
        y_hi, y_lo, y_mid = frame.y(high.values[i]), frame.y(low.values[i]), frame.y(mid.values[i])
        out.append(f'<rect x="{x - bar_w / 2:.1f}" y="{y_hi:.1f}" width="{bar_w:.1f}" height="{max(1.0, y_lo - y_hi):.1f}" '
                   f'fill="#56B4E9" fill-opacity="0.6"><title>{escape(chart.x[i])}: P10 to P90</title></rect>'
                   f'<line x1="{x - bar_w / 2:.1f}" x2="{x + bar_w / 2:.1f}" y1="{y_mid:.1f}" y2="{y_mid:.1f}" '
                   f'stroke="#0072B2" stroke-width="3"/>')
    legend, rows = _legend((Series("P10 to P90", ()), Series("P50 (median)", ())), ["#a9d8f4", "#0072B2"])
    out.append(legend)
    return "".join(out), rows
