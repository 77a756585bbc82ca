"""Turning untrusted input (a JSON document, tool-call arguments) into a `Scenario`.

Why not just `Scenario.model_validate`: pydantic's messages are precise but terse; people and chat
models act faster on one line per problem that names the field and, for typos, suggests the field
they probably meant.
"""
from __future__ import annotations

import difflib
import json
import math
from typing import Any

from pydantic import BaseModel, ValidationError

from forecasting.errors import ScenarioError
from forecasting.scenario import Scenario


def suggest(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean "x"?)' for the closest choice, or '' when nothing is close."""
    close = difflib.get_close_matches(word.lower(), [c.lower() for c in choices], n=1, cutoff=0.6)
    if not close:
        return ""
    original = next(c for c in choices if c.lower() == close[0])
    return f' (did you mean "{original}"?)'


def _fields_at(loc: tuple[Any, ...]) -> list[str]:
    model: type[BaseModel] = Scenario
    for part in loc:
        field = model.model_fields.get(str(part))
        ann = getattr(field, "annotation", None)
        if isinstance(ann, type) and issubclass(ann, BaseModel):
            model = ann
        else:
            break
    return list(model.model_fields)


def describe_errors(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors(include_url=False):
        loc = tuple(err.get("loc", ()))
        path = ".".join(str(p) for p in loc) or "scenario"
        kind = err.get("type", "")
        if kind == "extra_forbidden":
            lines.append(f"{path}: unknown field{suggest(str(loc[-1]), _fields_at(loc[:-1]))}")
        elif kind == "missing":
            lines.append(f"{path}: required field is missing")
        elif kind in ("finite_number",):
            lines.append(f"{path}: must be a finite number (NaN and Infinity are not allowed)")
        else:
            msg = str(err.get("msg", "invalid value"))
            msg = msg.removeprefix("Value error, ")
            given = err.get("input")
            shown = "" if isinstance(given, (dict, list)) or kind == "value_error" else f" (got {given!r})"
            lines.append(f"{path}: {msg}{shown}")
    return lines


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a valid JSON number")


def loads_strict(text: str) -> Any:
    """json.loads that rejects NaN and Infinity, which Python's json accepts by default."""
    return json.loads(text, parse_constant=_reject_constant)


def _non_finite_paths(obj: Any, path: str = "") -> list[str]:
    if isinstance(obj, float) and not math.isfinite(obj):
        return [path or "scenario"]
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _non_finite_paths(v, f"{path}.{k}" if path else str(k))]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _non_finite_paths(v, f"{path}[{i}]")]
    return []


def parse_scenario(obj: Any) -> Scenario:
    """A Scenario from a decoded JSON value, or ScenarioError with one line per problem."""
    if isinstance(obj, Scenario):
        return obj
    if not isinstance(obj, dict):
        kind = {list: "a list", str: "a string", type(None): "null", bool: "a boolean"}.get(type(obj), "a number")
        raise ScenarioError(f"scenario: expected a JSON object with fields such as app_type and registered_users, got {kind}")
    if not obj:
        raise ScenarioError("scenario: the object is empty; required fields: app_type, registered_users, and concurrent_users or peak_concurrent_users")
    bad = _non_finite_paths(obj)
    if bad:
        raise ScenarioError([f"{p}: must be a finite number (NaN and Infinity are not allowed)" for p in bad])
    try:
        return Scenario.model_validate(obj)
    except ValidationError as exc:
        raise ScenarioError(describe_errors(exc)) from None


def parse_scenario_text(text: str) -> Scenario:
    """A Scenario from JSON text; broken or empty JSON becomes a ScenarioError, never a traceback."""
    return parse_scenario(load_scenario_json(text))


def load_scenario_json(text: str) -> Any:
    """The decoded JSON of a scenario file (not yet validated: it may hold ranges, see ranges.py)."""
    if not text.strip():
        raise ScenarioError("scenario: the file is empty; expected a JSON object")
    try:
        obj = loads_strict(text)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        where = f" at line {exc.lineno} column {exc.colno}" if isinstance(exc, json.JSONDecodeError) else ""
        msg = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise ScenarioError(f"scenario: not valid JSON{where}: {msg}") from None
    return obj
