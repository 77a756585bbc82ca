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
        raised = (err.get("ctx") or {}).get("error")
        if kind == "value_error" and isinstance(raised, ScenarioError):  # a check that names its own fields
            lines += [f"{'.'.join(str(p) for p in loc + (i.field,) if p) or 'scenario'}: {i.message}" for i in raised.issues]
        elif kind == "extra_forbidden":
            lines.append(f"{path}: unknown field{suggest(str(loc[-1]), _fields_at(loc[:-1]))}")
        elif kind == "missing":
            lines.append(f"{path}: required field is missing")
        elif kind in ("finite_number",):
            lines.append(f"{path}: must be a finite number (NaN and Infinity are not allowed)")
        else:
            msg = str(err.get("msg", "invalid value"))
            msg = msg.removeprefix("Value error, ")
            given = err.get("input")
            shown = "" if isinstance(given, (dict, list)) or kind == "value_error" else f" (got {_echo(given)})"
            lines.append(f"{path}: {msg}{shown}")
    return lines


def _echo(value: Any, limit: int = 80) -> str:
    """repr() of a value cut to `limit` characters: a 50 MB name must not make a 50 MB error line."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _reject_constant(name: str) -> float:
    raise ValueError(f"{name} is not a valid JSON number")


MAX_DEPTH = 64  # far deeper than any scenario or price file; a hostile file is refused, not recursed into


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key[:60]!r}: give each field once")
        out[key] = value
    return out


def _too_deep(text: str) -> bool:
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return True
        elif ch in "]}":
            depth -= 1
    return False


def loads_strict(text: str) -> Any:
    """json.loads that rejects what Python's json accepts by default but a plan must not: NaN,
    Infinity (also spelled 1e999), duplicate keys (which one wins is silent) and absurd nesting."""
    if _too_deep(text):
        raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
    return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicates,
                      parse_float=_finite_float)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:40]} is too large for a number")
    return value


def _non_finite_paths(obj: Any, path: str = "") -> list[str]:
    if isinstance(obj, float) and not math.isfinite(obj):
        return [path or "scenario"]
    if isinstance(obj, dict):
        return [p for k, v in obj.items() for p in _non_finite_paths(v, f"{path}.{k}" if path else str(k))]
    if isinstance(obj, list):
        return [p for i, v in enumerate(obj) for p in _non_finite_paths(v, f"{path}[{i}]")]
    return []


TINY = 1e-300  # smaller non-zero magnitudes (1e-320 is a subnormal) lose all precision in arithmetic


def _flush_tiny(obj: Any) -> Any:
    """Magnitudes below TINY are 0 (what they mean in practice); validation then judges the 0, so
    `concurrent_users: 1e-320` gets the field's own "must be greater than 0", never an overflow."""
    if isinstance(obj, float) and obj != 0 and abs(obj) < TINY:
        return 0.0
    if isinstance(obj, dict):
        return {k: _flush_tiny(v) for k, v in obj.items()}
    return obj


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
    obj = _flush_tiny(obj)
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
