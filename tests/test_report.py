"""The report: chart data from plans, SVG and Mermaid drawing, the HTML report and `capplan report`.

Why these checks: the stacked cost chart must add up to the plan's monthly cost (one chart, same
numbers as the tables), every text a person wrote must come out escaped, and the report must hold no
script and nothing from the network.
"""
from __future__ import annotations

import json
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from agent.cli import main
from agent.session import ScenarioRecord, Session
from agent import transcript
from forecasting import parse_scenario, plan
from forecasting.plan_model import Band, CapacityPlan
from forecasting.report import mermaid, svg
from forecasting.report.charts import capacity_chart, cost_chart, plan_charts, uncertainty_chart
from forecasting.report.compare import change, comparison, value_at
from forecasting.report.html import ReportScenario, render_html

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))
EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def plan_of(path: Path) -> CapacityPlan:
    return plan(parse_scenario(json.loads(path.read_text())))


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_stacked_cost_adds_up_to_each_months_cost(example: Path) -> None:
    p = plan_of(example)
    chart = cost_chart(p)
    assert len(chart.x) == len(p.timeline) == p.inputs["horizon_months"] + 1
    for i, row in enumerate(p.timeline):
        assert math.isclose(sum(s.values[i] for s in chart.series), row.monthly_usd, rel_tol=1e-9)
    assert {s.name for s in chart.series} == {b.component for b in p.cost.breakdown}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_capacity_chart_follows_the_timeline(example: Path) -> None:
    p = plan_of(example)
    chart = capacity_chart(p)
    series = {s.name: s.values for s in chart.series}
    assert series["app instances"] == tuple(float(r.app_instances) for r in p.timeline)
    if p.llm.self_hosted is not None:
        assert series["GPUs"] == tuple(float(r.gpus) for r in p.timeline)
        assert not chart.markers
    else:
        tiers = [r.api_tier for r in p.timeline if r.api_tier]
        assert [m.label for m in chart.markers] == [f"API {t}" for i, t in enumerate(tiers) if i == 0 or tiers[i - 1] != t]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_svg_is_well_formed_and_labelled(example: Path) -> None:
    for chart in plan_charts(plan_of(example)):
        text = svg.render(chart, "t")
        root = ET.fromstring(text)
        ns = "{http://www.w3.org/2000/svg}"
        assert root.get("role") == "img" and root.find(f"{ns}title").text == chart.title
        assert root.find(f"{ns}desc").text == chart.summary
        drawn = root.findall(f".//{ns}rect") + root.findall(f".//{ns}polyline")
        assert len(drawn) > len(chart.series)  # bars or lines, not only the background


def test_uncertainty_ranges_from_a_scenario_with_ranges() -> None:
    raw = json.loads(EXAMPLES[0].read_text())
    p = plan({**raw, "monthly_growth_rate": {"low": 0.02, "high": 0.15}})
    assert p.uncertainty is not None
    chart = uncertainty_chart(p)
    assert chart is not None and chart.kind == "ranges" and chart.key == "cost-band"
    figures = p.uncertainty.figures
    label = f"Monthly cost, month {p.timeline[-1].month}"
    i = chart.x.index(label)
    band = figures["cost.monthly_usd_at_horizon"]
    assert (chart.series[0].values[i], chart.series[1].values[i], chart.series[2].values[i]) == (band.p10, band.p50, band.p90)
    assert chart.series[0].values[i] < chart.series[2].values[i]
    assert "cost-band" in [c.key for c in plan_charts(p)]
    ET.fromstring(svg.render(chart))
    assert uncertainty_chart(plan_of(EXAMPLES[0])) is None


def test_band_over_months_when_figures_hold_the_timeline() -> None:
    p = plan_of(EXAMPLES[0])
    months = {f"timeline.{r.month}.monthly_usd": Band(p10=r.monthly_usd * 0.8, p50=r.monthly_usd,
                                                      p90=r.monthly_usd * 1.3, mean=r.monthly_usd) for r in p.timeline}
    raw = json.loads(EXAMPLES[0].read_text())
    ranged = plan({**raw, "monthly_growth_rate": {"low": 0.02, "high": 0.15}})
    assert ranged.uncertainty is not None
    banded = p.model_copy(update={"uncertainty": ranged.uncertainty.model_copy(update={"figures": months})})
    chart = uncertainty_chart(banded)
    assert chart is not None and chart.kind == "band"
    assert chart.series[2].values[-1] == pytest.approx(p.timeline[-1].monthly_usd * 1.3)
    ET.fromstring(svg.render(chart))


@given(st.floats(min_value=1e-6, max_value=1e12))
def test_ticks_cover_the_top_in_round_steps(top: float) -> None:
    ticks = svg.nice_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top * (1 - 1e-9) and 2 <= len(ticks) <= 11
    steps = {round(b - a, 9) for a, b in zip(ticks, ticks[1:])}
    assert len({round(s / ticks[1], 6) for s in steps}) == 1


def test_mermaid_blocks_and_tables() -> None:
    p = plan_of(EXAMPLES[0])
    chart = cost_chart(p)
    text = mermaid.render(chart)
    assert text.startswith("```mermaid\nxychart-beta\n")
    bars = [line for line in text.splitlines() if line.strip().startswith("bar [")]
    assert len(bars) == len(chart.series)
    tallest = [float(v) for v in bars[0].strip()[5:-1].split(", ")]
    assert tallest[-1] == pytest.approx(p.timeline[-1].monthly_usd, abs=0.5)  # running total on top
    assert f"| {p.timeline[-1].month} |" in text
    quoted = mermaid._quote('say "hi"\nthere')
    assert quoted == "\"say 'hi' there\""


def test_comparison_changes() -> None:
    base = plan_of(EXAMPLES[0])
    raw = json.loads(EXAMPLES[0].read_text())
    doubled = plan(parse_scenario({**raw, "registered_users": raw["registered_users"] * 2}))
    rows = {r.label: r for r in comparison([("a", base), ("b", doubled)])}
    assert rows["Registered users"].cells[1].change == "+100%"
    assert rows["Registered users"].cells[1].direction == 1
    assert change(2, 2) == ("", 0) and change("x", "y") == ("changed", 0) and change(0, 3) == ("new", 1)
    assert value_at({"t": [{"v": 1}, {"v": 2}]}, "t.-1.v") == 2 and value_at({}, "a.b") is None


def test_html_report_is_self_contained_and_escapes_names() -> None:
    base = plan_of(EXAMPLES[0])
    html = render_html([ReportScenario("baseline", base), ReportScenario(EVIL, base, "what_if", "baseline",
                                                                        {"set": {"monthly_growth_rate": EVIL}})],
                       final="baseline", generated="2026-01-01")
    assert "<script" not in html.lower() and "onerror=\"" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing loaded from the network
    order = [html.index(f'id="{s}"') for s in ("summary", "charts", "what-ifs", "plan", "assumptions")]
    assert order == sorted(order)
    for key in ("cost-by-component", "capacity"):
        assert f'data-chart="{key}"' in html
    for a in base.assumptions[:5]:
        assert a.source.replace("&", "&amp;").replace("<", "&lt;")[:30] in html.replace("&#x27;", "'")


def _transcript(tmp_path: Path) -> Path:
    session = Session()
    p = plan_of(EXAMPLES[0])
    raw = json.loads(EXAMPLES[0].read_text())
    session.add(ScenarioRecord("baseline", "baseline", raw, p.model_dump(mode="json")))
    doubled = plan(parse_scenario({**raw, "registered_users": raw["registered_users"] * 2}))
    session.add(ScenarioRecord("double", "what_if", raw, doubled.model_dump(mode="json"), base="baseline",
                               changes={"scale_users": 2}))
    session.messages = [{"role": "user", "content": "hi"}]
    transcript.save(session, tmp_path / "t.md")
    return tmp_path / "t.json"


def test_report_command_on_transcript_plan_and_scenario(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _transcript(tmp_path)
    assert main(["report", str(path)]) == 0
    html = (tmp_path / "t.html").read_text()
    assert 'id="what-ifs"' in html and "double" in html
    plan_file = tmp_path / "plan.json"
    plan_file.write_text(json.dumps(plan_of(EXAMPLES[1]).model_dump(mode="json")))
    assert main(["report", str(plan_file), "--output", str(tmp_path / "p.html")]) == 0
    assert 'data-chart="cost-by-component"' in (tmp_path / "p.html").read_text()
    assert main(["report", str(EXAMPLES[2]), "-o", str(tmp_path / "s.html")]) == 0
    assert "Full plan" in (tmp_path / "s.html").read_text()
    md = (tmp_path / "t.md").read_text()
    assert "```mermaid\nxychart-beta" in md


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object"), ('{"a": 1}', "not a capplan transcript"),
    ('{"app_type": "chatbot"}', "registered_users"), ('{"messages": [], "scenarios": []}', "no plan yet"),
    ('{"timeline": [], "cost": {}}', "not a plan this capplan can read"),
])
def test_report_command_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    assert main(["report", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert main(["report", str(tmp_path / "missing.json")]) == 2
