"""A session as the page draws it: plain JSON, every string meant to be shown as text.

Why the server builds the view: the page is a thin renderer (no template language, no chart library);
the cards, comparisons, charts (SVG from `forecasting/report/svg.py`) and the inputs form come from the
same functions as the HTML report, so the page and the report cannot disagree. The page puts every
string into the DOM with `textContent`; only the chart SVG, which the core writes with every text
escaped, is parsed as markup.
"""
from __future__ import annotations

import json
from typing import Any

from agent.redact import scrub_json
from agent.session import ScenarioRecord, Session

# The inputs panel: (path, label, control). The load field is whichever source the plan used.
FORM_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("app_type", "App type", "select:chatbot,agent"),
    ("registered_users", "Registered users", "number"),
    ("@load", "", "number"),
    ("monthly_growth_rate", "Growth per month (%)", "percent"),
    ("horizon_months", "Horizon (months)", "number"),
    ("llm.deployment", "LLM deployment", "select:api,self_hosted"),
    ("llm.model", "Model", "text"),
    ("llm.gpu", "GPU (self-hosted)", "text"),
)
LOAD_LABELS = {
    "concurrent_users": "Users online at once (average)",
    "peak_concurrent_users": "Users online at once (peak)",
    "daily_active_users": "Daily active users",
    "monthly_active_users": "Monthly active users",
    "monthly_conversations": "Conversations a month",
    "monthly_messages": "Messages a month",
    "monthly_tasks": "Tasks a month",
}


def editable_paths(record: ScenarioRecord) -> dict[str, str]:
    """path -> control kind of the fields the form may change for this scenario."""
    out = {}
    for path, _, control in FORM_FIELDS:
        if path == "@load":
            source = _load_source(record)
            if source is None:
                continue
            path = source
        out[path] = control
    return out


def _load_source(record: ScenarioRecord) -> str | None:
    source = (record.plan.get("load") or {}).get("load_source") or "concurrent_users"
    return source if source in LOAD_LABELS else None


def input_fields(record: ScenarioRecord) -> list[dict[str, Any]]:
    from forecasting.report.compare import value_at

    fields = []
    resolved = record.plan.get("inputs") or {}
    for path, label, control in FORM_FIELDS:
        if path == "@load":
            source = _load_source(record)
            if source is None:
                continue
            path, label = source, LOAD_LABELS[source]
        value = value_at(resolved, path)
        if isinstance(value, dict):  # a range: the form edits plain values only
            continue
        kind, _, options = control.partition(":")
        fields.append({"path": path, "label": label, "kind": kind, "options": options.split(",") if options else [],
                       "value": value, "given": value_at(record.inputs, path) is not None})
    return fields


def scenario_view(session: Session, record: ScenarioRecord) -> dict[str, Any] | None:
    """Cards, charts, comparison with its base, assumptions and form of one scenario; None if unreadable."""
    from pydantic import ValidationError

    from forecasting.plan_model import CapacityPlan
    from forecasting.report import svg
    from forecasting.report.cards import plan_cards
    from forecasting.report.charts import plan_charts
    from forecasting.report.compare import comparison

    try:
        plan = CapacityPlan.model_validate(record.plan)
    except ValidationError:
        return None
    charts = []
    for n, chart in enumerate(plan_charts(plan)):
        charts.append({"key": chart.key, "title": chart.title, "summary": chart.summary,
                       "svg": svg.render(chart, f"{_slug(record.name)}-{n}-{chart.key}"),
                       "table": _chart_table(chart)})
    view: dict[str, Any] = {
        "name": record.name, "kind": record.kind, "base": record.base, "changes": record.changes,
        "final": record.name == session.final,
        "cards": [{"key": c.key, "title": c.title, "value": c.value, "lines": list(c.lines)} for c in plan_cards(plan)],
        "charts": charts,
        "assumptions": [{"name": a.name, "value": a.value, "unit": a.unit, "source": a.source} for a in plan.assumptions],
        "inputs": input_fields(record),
        "comparison": None,
    }
    base = session.get(record.base) if record.base else None
    if base is not None:
        try:
            base_plan = CapacityPlan.model_validate(base.plan)
        except ValidationError:
            base_plan = None
        if base_plan is not None:
            rows = comparison([(base.name, base_plan), (record.name, plan)])
            view["comparison"] = {
                "names": [base.name, record.name],
                "rows": [{"label": r.label, "cells": [{"text": c.text, "change": c.change, "direction": c.direction}
                                                      for c in r.cells]} for r in rows]}
    return view


def _chart_table(chart: Any) -> dict[str, Any]:
    headers = [chart.x_label, *[s.name for s in chart.series]]
    rows = [[chart.x[i], *[f"{s.values[i]:,.2f}" if abs(s.values[i]) < 100 else f"{s.values[i]:,.0f}"
                           for s in chart.series]] for i in range(len(chart.x))]
    return {"headers": headers, "rows": rows}


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name.lower())[:30] or "s"


def history(session: Session) -> list[dict[str, Any]]:
    """The conversation as the page shows it: person, assistant words, and tool steps with their outcome."""
    items: list[dict[str, Any]] = []
    steps: dict[str, dict[str, Any]] = {}
    for m in session.messages:
        role = m.get("role")
        if role == "user":
            items.append({"role": "user", "text": str(m.get("content") or "")})
        elif role == "assistant":
            tools = []
            for call in m.get("tool_calls") or []:
                fn = call.get("function") or {}
                step = {"id": call.get("id"), "name": fn.get("name"), "arguments": short_arguments(fn.get("arguments")),
                        "ok": None, "summary": ""}
                steps[str(call.get("id"))] = step
                tools.append(step)
            items.append({"role": "assistant", "text": str(m.get("content") or ""), "tools": tools})
        elif role == "tool":
            done = steps.get(str(m.get("tool_call_id")))
            if done is not None:
                done["ok"] = session.tool_ok(m.get("tool_call_id"))  # stored outcome; old transcripts migrated
                done["summary"] = tool_summary(str(m.get("content") or ""))
    return items


def short_arguments(arguments: Any, limit: int = 300) -> str:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "…"


def tool_summary(content: str, limit: int = 400) -> str:
    """The first lines of a tool result, as a person reads it under the collapsed step."""
    text = content.strip()
    return text if len(text) <= limit else text[:limit] + "…"


def session_view(sid: str, title: str, updated_at: float, session: Session) -> dict[str, Any]:
    scenarios = [v for v in (scenario_view(session, r) for r in session.scenarios.values()) if v is not None]
    return {"id": sid, "title": title, "updated_at": updated_at, "final": session.final,
            "model": session.model, "backend": session.backend, "messages": history(session), "scenarios": scenarios}


def safe_json(data: Any) -> str:
    """JSON for the browser with every known secret scrubbed (the last net under everything else)."""
    return scrub_json(data, allow_nan=False)


def title_of(session: Session) -> str:
    first = next((str(m.get("content") or "") for m in session.messages if m.get("role") == "user"), "")
    first = " ".join(first.split())
    return (first[:77] + "…") if len(first) > 80 else (first or "New session")
