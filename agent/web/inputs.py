"""The inputs panel: a changed field becomes a correction or a what-if, recorded in the conversation.

Why through the tools: the form's change is the same `forecast` (a correction keeps the scenario's
name, so it replaces it) or `what_if` call the model would make, so the transcript reads as if the
person had said it, `capplan chat --resume` continues from it, and a model reading the history later
sees a valid tool call and result. The rules of changing a scenario are the core's
(`forecasting.whatif.apply_changes`), not restated here.
"""
from __future__ import annotations

import math
from typing import Any

from agent.session import ScenarioRecord, Session
from agent.web.views import FORM_FIELDS, LOAD_LABELS, editable_paths

_LABELS = {p: label for p, label, _ in FORM_FIELDS if p != "@load"} | LOAD_LABELS


def _forecast_top() -> set[str]:
    """Scenario fields that `forecast` takes by the same name (the others travel in `other` by path)."""
    from agent.tools import ForecastArgs
    from forecasting.scenario import Scenario

    return set(ForecastArgs.model_fields) & set(Scenario.model_fields)


class InputsError(ValueError):
    """The form's request cannot be applied; the message names the field."""


def plan_change(session: Session, body: dict[str, Any]) -> tuple[str, str, dict[str, Any], str]:
    """(note for the conversation, tool name, tool arguments, the assistant's words when it plans)."""
    record = session.get(body.get("scenario") if isinstance(body.get("scenario"), str) else None)
    if record is None:
        raise InputsError("no scenario to change yet: describe the app first" if not session.scenarios
                          else f'no scenario named "{body.get("scenario")}"')
    mode = body.get("mode")
    if mode not in ("correction", "what_if"):
        raise InputsError('"mode" must be "correction" (fix this scenario) or "what_if" (a variant beside it)')
    raw = body.get("changes")
    if not isinstance(raw, dict) or not raw:
        raise InputsError('"changes" must be an object of field path -> new value, e.g. {"registered_users": 300000}')
    changes = _checked(record, raw)
    words = ", ".join(f"{_LABELS.get(p, p).lower()} {_shown(p, v)}" for p, v in changes.items())
    if mode == "what_if":
        name = _what_if_name(session, words)
        note = f"[inputs panel] What if, starting from {record.name}: {words}?"
        return note, "what_if", {"base": record.name, "name": name, "set": changes}, \
            f"Planned the what-if {name} from the inputs panel ({words}), side by side with {record.name}."
    note = f"[inputs panel] Correction to {record.name}: {words}."
    done = f"Re-planned {record.name} with the corrected inputs ({words})."
    if record.kind == "what_if":
        old = record.changes
        merged = {**(old.get("set") or {}), **changes}
        args = {"base": record.base, "name": record.name, "set": merged}
        for key in ("scale_users", "multiply"):
            if old.get(key):
                args[key] = old[key]
        return note, "what_if", args, done
    from forecasting.errors import ScenarioError
    from forecasting.whatif import apply_changes

    try:
        inputs = apply_changes(record.inputs, set=changes)
    except ScenarioError as exc:
        raise InputsError("; ".join(exc.problems)) from None
    _note_for_guided(session, changes)
    return note, "forecast", forecast_arguments(inputs, record.name), done


def _checked(record: ScenarioRecord, raw: dict[str, Any]) -> dict[str, Any]:
    allowed = editable_paths(record)
    out: dict[str, Any] = {}
    for path, value in raw.items():
        if path not in allowed:
            raise InputsError(f"{path}: the inputs panel can change only {', '.join(allowed)}")
        kind = allowed[path]
        if kind in ("number", "percent"):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
                raise InputsError(f"{path}: expected a number of 0 or more, got {str(value)[:40]!r}")
            if path in ("registered_users", "horizon_months"):
                value = int(round(value))
        elif kind.startswith("select:"):
            options = kind.split(":", 1)[1].split(",")
            if value not in options:
                raise InputsError(f"{path}: expected one of {', '.join(options)}, got {str(value)[:40]!r}")
        elif not isinstance(value, str) or not value.strip() or len(value) > 100:
            raise InputsError(f"{path}: expected a name of 1 to 100 characters")
        else:
            value = value.strip()
        out[path] = value
    return out


def _shown(path: str, value: Any) -> str:
    if path == "monthly_growth_rate" and isinstance(value, (int, float)):
        return f"{value:.1%} a month"
    if isinstance(value, (int, float)):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"
    return str(value)


def _what_if_name(session: Session, words: str) -> str:
    stem = words[:50].strip(" ,") or "what-if"
    return session.unique_name(stem)


def forecast_arguments(inputs: dict[str, Any], name: str) -> dict[str, Any]:
    """`forecast` arguments that rebuild exactly these scenario inputs (the rest goes in `other` by path)."""
    args: dict[str, Any] = {"name": name}
    other: dict[str, Any] = {}
    top = _forecast_top()
    for path, value in _leaves(inputs):
        if path in top:
            args[path] = value
        elif path in ("llm.deployment", "llm.model", "llm.gpu"):
            args[path.split(".", 1)[1]] = value
        elif isinstance(value, list):
            raise InputsError(f"{path}: this scenario has a list value the form cannot carry; use a what-if instead")
        else:
            other[path] = value
    if other:
        args["other"] = other
    return args


def _leaves(obj: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    for key, value in obj.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            out += _leaves(value, path + ".")
        else:
            out.append((path, value))
    return out


def _note_for_guided(session: Session, changes: dict[str, Any]) -> None:
    """The guided mode re-plans from the facts it heard; a form correction is a fact it heard too."""
    facts = session.backend_state.get("facts")
    if not isinstance(facts, dict):
        return
    for path, value in changes.items():
        key = path.split(".", 1)[1] if path.startswith("llm.") else path
        facts[key] = value
        if key == "concurrent_users":
            facts.pop("concurrent_share", None)
