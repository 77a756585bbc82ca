"""The shareable report: one self-contained HTML file (inline CSS and SVG charts, no script, no network).

Why this order: the summary a manager reads first (cost, what to provision, when to grow), then the
charts, the what-if comparison, the full plan tables an engineer checks, and the assumptions with their
sources an architect challenges. Why no script: the file is mailed around and opened anywhere; it
prints to PDF from a browser as it looks (print CSS keeps tables and charts whole on a page).
Everything from a person or a model (scenario names, changes) is escaped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from typing import Any

from forecasting.plan_model import CapacityPlan
from forecasting.report import summary_rows, tier_cell
from forecasting.report import svg
from forecasting.vocabulary import cell_text as fmt, usd_text as usd
from forecasting.report.cards import Card, plan_cards
from forecasting.report.charts import plan_charts
from forecasting.report.compare import comparison


@dataclass(frozen=True)
class ReportScenario:
    name: str
    plan: CapacityPlan
    kind: str = "baseline"  # "baseline" | "what_if"
    base: str | None = None
    changes: dict[str, Any] = field(default_factory=dict)


CSS = """
:root{--ink:#1a1a1a;--muted:#555;--line:#d8d8d8;--accent:#0b5cad;--up:#9b2c00;--down:#0a6b3d;--card:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:#fff}
main{max-width:1040px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.7rem;margin:0 0 4px}h2{font-size:1.25rem;margin:32px 0 8px;border-bottom:2px solid var(--line);padding-bottom:4px}
h3{font-size:1.05rem;margin:20px 0 6px}
.lede{font-size:1.05rem;margin:4px 0}.meta{color:var(--muted);font-size:.9rem;margin:0}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(230px,1fr));gap:12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card h3{margin:0;font-size:.95rem;color:var(--muted);font-weight:600}
.card .value{font-size:1.45rem;font-weight:700;margin:2px 0 6px}
.card ul{margin:0;padding-left:18px}.card li{margin:2px 0}
.card.warnings{border-color:#c77700;background:#fff8ec}
figure{margin:16px 0;break-inside:avoid}figure svg{width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
figcaption{color:var(--muted);font-size:.9rem}
table{border-collapse:collapse;width:100%;margin:8px 0 16px;font-size:.9rem;break-inside:auto}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
thead th{background:var(--card)}
tr{break-inside:avoid}
.change{font-size:.85em;margin-left:6px;white-space:nowrap}.up{color:var(--up)}.down{color:var(--down)}
.scroll{overflow-x:auto}
code{font-size:.85em;background:var(--card);padding:1px 4px;border-radius:4px}
@media print{main{max-width:none;padding:0}h2{break-after:avoid}.scroll{overflow:visible}a{color:inherit}}
"""


def render_html(scenarios: list[ReportScenario], final: str | None = None, *, title: str | None = None,
                generated: str = "") -> str:
    """The whole report; `final` names the plan shown in full (default: the first scenario)."""
    if not scenarios:
        raise ValueError("a report needs at least one scenario with a plan")
    chosen = next((s for s in scenarios if s.name == final), scenarios[0])
    p = chosen.plan
    heading = title or f"Capacity plan: {chosen.name}"
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
           f"<title>{escape(heading)}</title><style>{CSS}</style></head><body><main>",
           f"<header><h1>{escape(heading)}</h1><p class=\"lede\">{escape(describe(p))}</p>",
           f"<p class=\"meta\">{escape(_meta(chosen, generated))}</p></header>"]
    out += ['<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>',
            cards_html(plan_cards(p)), "</section>"]
    out += ['<section id="charts" aria-labelledby="charts-h"><h2 id="charts-h">Charts</h2>', charts_html(p), "</section>"]
    if len(scenarios) > 1:
        out += ['<section id="what-ifs" aria-labelledby="whatif-h"><h2 id="whatif-h">What-if comparison</h2>',
                comparison_html(scenarios), "</section>"]
    out += [f'<section id="plan" aria-labelledby="plan-h"><h2 id="plan-h">Full plan: {escape(chosen.name)}</h2>',
            plan_tables_html(p), "</section>"]
    out += ['<section id="assumptions" aria-labelledby="assumptions-h"><h2 id="assumptions-h">Assumptions and sources</h2>',
            assumptions_html(p), "</section>"]
    out += ["</main></body></html>"]
    return "\n".join(out) + "\n"


def describe(p: CapacityPlan) -> str:
    """One sentence: what was planned (the inputs a reader needs to trust the rest)."""
    i = p.inputs
    llm = i.get("llm") or {}
    where = "hosted API" if llm.get("deployment") == "api" else f"self-hosted on {llm.get('gpu')}"
    return (f"{str(i.get('app_type', 'app')).capitalize()} with {fmt(i.get('registered_users'))} registered users, "
            f"{fmt(i.get('concurrent_users'))} online on average ({fmt(i.get('peak_concurrent_users'))} at peak), "
            f"growing {float(i.get('monthly_growth_rate') or 0):.1%} a month over {i.get('horizon_months')} months; "
            f"LLM {llm.get('model')} ({where}).")


def _meta(s: ReportScenario, generated: str) -> str:
    parts = [f"Prices: {s.plan.cost.region}, {s.plan.inputs.get('pricing', 'on_demand')} list prices (USD)"]
    if generated:
        parts.insert(0, f"Generated {generated} by capplan")
    return " · ".join(parts)


def cards_html(cards: list[Card]) -> str:
    out = ['<div class="cards">']
    for c in cards:
        out.append(f'<article class="card {escape(c.key)}" data-card="{escape(c.key)}"><h3>{escape(c.title)}</h3>')
        if c.value:
            out.append(f'<p class="value">{escape(c.value)}</p>')
        out.append("<ul>" + "".join(f"<li>{escape(line)}</li>" for line in c.lines) + "</ul></article>")
    out.append("</div>")
    return "".join(out)


def charts_html(p: CapacityPlan, prefix: str = "c") -> str:
    out = []
    for n, chart in enumerate(plan_charts(p)):
        out.append(f'<figure data-chart="{escape(chart.key)}">{svg.render(chart, f"{prefix}{n}-{chart.key}")}'
                   f"<figcaption>{escape(chart.summary)}</figcaption></figure>")
    return "".join(out)


def comparison_html(scenarios: list[ReportScenario]) -> str:
    rows = comparison([(s.name, s.plan) for s in scenarios])
    head = "".join(f'<th scope="col" class="num">{escape(s.name)}'
                   + (f"<br><small>what-if of {escape(s.base)}</small>" if s.base else "") + "</th>"
                   for s in scenarios)
    out = ['<div class="scroll"><table class="compare"><caption class="meta">Changes are relative to '
           f"{escape(scenarios[0].name)}.</caption><thead><tr><th scope=\"col\">figure</th>{head}</tr></thead><tbody>"]
    for r in rows:
        cells = []
        for c in r.cells:
            mark = ""
            if c.change:
                css = "up" if c.direction > 0 else "down" if c.direction < 0 else ""
                mark = f' <span class="change {css}">{escape(c.change)}</span>'
            cells.append(f'<td class="num">{escape(c.text)}{mark}</td>')
        out.append(f'<tr><th scope="row">{escape(r.label)}</th>{"".join(cells)}</tr>')
    out.append("</tbody></table></div>")
    changes = [f"<li><strong>{escape(s.name)}</strong>: {escape(_changes_text(s.changes))}</li>"
               for s in scenarios if s.base and s.changes]
    if changes:
        out.append("<h3>What each what-if changed</h3><ul>" + "".join(changes) + "</ul>")
    return "".join(out)


def _changes_text(changes: dict[str, Any]) -> str:
    parts = []
    if changes.get("scale_users"):
        parts.append(f"users x {fmt(changes['scale_users'])}")
    for path, value in (changes.get("set") or {}).items():
        parts.append(f"{path} = {value}")
    for path, factor in (changes.get("multiply") or {}).items():
        parts.append(f"{path} x {factor}")
    return ", ".join(parts) or json.dumps(changes)


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] | None = None, caption: str = "") -> str:
    numbers = numeric or set()

    def cls(i: int) -> str:
        return ' class="num"' if i in numbers else ""

    head = "".join(f'<th scope="col"{cls(i)}>{escape(h)}</th>' for i, h in enumerate(headers))
    body = "".join("<tr>" + "".join(f"<td{cls(i)}>{escape(str(c))}</td>" for i, c in enumerate(r)) + "</tr>"
                   for r in rows)
    cap = f'<caption class="meta">{escape(caption)}</caption>' if caption else ""
    return f'<div class="scroll"><table>{cap}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def plan_tables_html(p: CapacityPlan) -> str:
    out = ["<h3>Headline figures</h3>",
           _table(["figure", "value", "how it was derived"],
                  [[label, value, p.explanations.get(key, "")] for label, value, key in summary_rows(p)])]
    lines = [[b.component, usd(b.monthly_usd), b.basis] for b in p.cost.breakdown]
    lines.append(["total", usd(p.cost.monthly_usd), ""])
    out += ["<h3>Monthly cost by component</h3>", _table(["component", "USD/month", "basis"], lines, {1})]
    gpu = p.llm.self_hosted is not None
    out += ["<h3>Timeline</h3>",
            _table(["month", "registered users", "peak concurrent", "LLM calls/s", "app instances",
                    "GPUs" if gpu else "API tier", "DB GB", "USD/month"],
                   [[str(r.month), fmt(r.registered_users), fmt(r.peak_concurrent_users), fmt(r.llm_calls_per_second),
                     str(r.app_instances), str(r.gpus) if gpu else tier_cell(p, r.api_tier), fmt(r.db_storage_gb),
                     usd(r.monthly_usd)] for r in p.timeline], {0, 1, 2, 3, 4, 6, 7})]
    events = [[str(e.month), e.resource, f"{fmt(e.before)} → {fmt(e.after)}", e.reason] for e in p.scale_events]
    out += ["<h3>Scale events</h3>",
            _table(["month", "resource", "change", "why"], events, {0}) if events
            else "<p>None within the horizon.</p>"]
    if p.warnings:
        out += ["<h3>Warnings</h3><ul>" + "".join(f"<li>{escape(w)}</li>" for w in p.warnings) + "</ul>"]
    out += ["<h3>How each number was derived</h3>",
            _table(["figure", "derivation"], [[k, v] for k, v in p.explanations.items()])]
    return "".join(out)


def assumptions_html(p: CapacityPlan) -> str:
    return _table(["name", "value", "unit", "source"],
                  [[a.name, fmt(a.value), a.unit, a.source] for a in p.assumptions], {1},
                  caption="Every default the plan used, with its source.")
