"""From what a person has (a transcript, a plan, a scenario; or a live session) to the HTML report.

Why here and not in forecasting/report/: reading files and sessions is the agent's job; the rendering
stays pure in the core. A transcript's plans are re-validated as `CapacityPlan`; a plan an older
capplan wrote that no longer validates is skipped with its name in `skipped`, never a crash.
"""
from __future__ import annotations

import time
from typing import Any

from agent.errors import InputError
from agent.session import Session


def scenarios_of(session: Session) -> tuple[list[Any], list[str]]:
    """(ReportScenario list in creation order, names of plans that could not be read)."""
    from pydantic import ValidationError

    from forecasting.plan_model import CapacityPlan
    from forecasting.report.html import ReportScenario

    out, skipped = [], []
    for record in session.scenarios.values():
        try:
            plan = CapacityPlan.model_validate(record.plan)
        except ValidationError:
            skipped.append(record.name)
            continue
        out.append(ReportScenario(record.name, plan, record.kind, record.base, dict(record.changes)))
    return out, skipped


def session_report(session: Session, title: str | None = None) -> str:
    from forecasting.report.html import render_html

    scenarios, skipped = scenarios_of(session)
    if not scenarios:
        raise InputError("no plan yet: " + ("the saved plans of " + ", ".join(skipped) + " cannot be read"
                                            if skipped else "describe the app and its users first"))
    return render_html(scenarios, session.final, title=title, generated=_now())


def report_from_document(data: Any, source: str) -> str:
    """A transcript JSON, a plan JSON or a scenario JSON (planned here) as the report."""
    from forecasting.report.html import ReportScenario, render_html

    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a JSON object (a capplan transcript, plan or scenario)")
    if isinstance(data.get("messages"), list) and "scenarios" in data:
        from agent import transcript

        try:
            session = transcript.session_from_data(data, source)
        except transcript.TranscriptError as exc:
            raise InputError(str(exc)) from None
        return session_report(session)
    if "timeline" in data and "cost" in data:
        from pydantic import ValidationError

        from forecasting.plan_model import CapacityPlan

        try:
            plan = CapacityPlan.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise InputError(f"{source}: not a plan this capplan can read ({where}: {first['msg']})") from None
        return render_html([ReportScenario(plan.name or "plan", plan)], generated=_now())
    if "app_type" in data:
        from forecasting import ScenarioError, plan as make_plan

        try:
            result = make_plan(data)  # a dict: ranges are planned with their draws
        except ScenarioError as exc:
            raise InputError([f"{source}: {p}" for p in exc.problems]) from None
        return render_html([ReportScenario(result.name or "scenario", result)], generated=_now())
    raise InputError(f"{source}: not a capplan transcript (no 'messages' and 'scenarios'), plan (no 'timeline' "
                     "and 'cost') or scenario (no 'app_type')")


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
