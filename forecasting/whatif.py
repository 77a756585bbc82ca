"""What-if rules: a scenario plus changes gives a new scenario. One home for the rules both chat paths use.

Why in the core: the LLM path (`agent/tools.py`) and the guided backend both turn "what if we double
and self-host?" into a variant of a scenario; the rules (what "scale users" scales, how a multiplier
finds its value, what a deployment switch drops) must be the same for both, and they are pure data
transformations, so they live here, raise the core's field-naming error, and are tested once.

Rules:
- `scale_users` multiplies every count of people and every load volume together (registered,
  concurrent, peak, daily / monthly actives, monthly conversations / messages / tasks, a measured
  request rate), so the share online and the usage per user stay the same.
- `multiply[path]` multiplies the value at `path` in the scenario, or, when the scenario leaves it to a
  default, the resolved value the base plan used (`resolved`); a path with no number is an error.
- `set[path]` replaces the value at `path`; `unset` removes paths (back to the default, or to what the
  rest of the scenario implies: "3,000 is the peak, not the average" unsets `concurrent_users`).
- Setting an average load source (`concurrent_users`, `daily_active_users`, `monthly_active_users`, a
  monthly volume, `measured`) replaces the base's other average load sources ("what if we had 100k
  daily users?" on a base given as users online at once); `monthly_active_users` may stay beside
  `daily_active_users`, and `peak_concurrent_users` stays unless changed.
- Setting `peak_multiplier` on a base that gives `peak_concurrent_users` beside an average drops that
  peak (the new multiple sets it).
- Switching `llm.deployment` without naming a model drops the base's model (a hosted id does not
  name an open model, nor the reverse); switching to a hosted API drops the GPU.
"""
from __future__ import annotations

import copy
import math
from typing import Any

from forecasting.errors import ScenarioError

AVERAGE_SOURCES: tuple[str, ...] = ("concurrent_users", "daily_active_users", "monthly_active_users",
                                     "monthly_conversations", "monthly_messages", "monthly_tasks", "measured")
USER_COUNTS: tuple[str, ...] = (
    "registered_users", "concurrent_users", "peak_concurrent_users", "daily_active_users", "monthly_active_users",
    "monthly_conversations", "monthly_messages", "monthly_tasks",
    "measured.llm_calls_per_second", "measured.peak_llm_calls_per_second",
)


def get_path(obj: Any, path: str, default: Any = None) -> Any:
    """The value at a dotted path in nested dicts, or `default`."""
    cur = obj
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return default
    return cur


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set a dotted path, creating sections; ScenarioError when the path is empty or crosses a value."""
    parts = [p for p in str(path).strip().split(".") if p]
    if not parts:
        raise ScenarioError(f'"{path}" is not a scenario path', field=str(path))
    cur = target
    for part in parts[:-1]:
        nxt = cur.setdefault(part, {})
        if not isinstance(nxt, dict):
            raise ScenarioError(f'"{path}": {part} is not a section', field=str(path))
        cur = nxt
    cur[parts[-1]] = value


def scaled(value: Any, factor: float, path: str = "value") -> Any:
    """`value x factor`, keeping integers integers; a range scales at both ends; non-numbers unchanged. A
    product too large (or too small) for a number is the caller's input error, naming the path, never an
    OverflowError."""
    if isinstance(value, dict) and ("low" in value or "high" in value):  # a range (forecasting/ranges.py)
        return {k: scaled(v, factor, f"{path}.{k}") if k in ("low", "high", "mid") else v for k, v in value.items()}
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value
    out = value * factor
    if not math.isfinite(out) or (out != 0 and abs(out) < 1e-300):
        raise ScenarioError(f"{path}: {value:g} x {factor:g} is outside the numbers a plan can use")
    return int(round(out)) if isinstance(value, int) else out


def apply_changes(inputs: dict[str, Any], *, scale_users: float | None = None, set: dict[str, Any] | None = None,
                  multiply: dict[str, float] | None = None, resolved: dict[str, Any] | None = None,
                  unset: list[str] | None = None) -> dict[str, Any]:
    """The scenario inputs after the changes (a new dict; `inputs` is not modified)."""
    out = copy.deepcopy(inputs)
    sets, mults = dict(set or {}), dict(multiply or {})
    if scale_users is not None:
        if not scale_users > 0:
            raise ScenarioError(f"scale_users: must be above 0 (got {scale_users})")
        for path in USER_COUNTS:
            value = get_path(out, path)
            if value is not None:
                set_path(out, path, scaled(value, scale_users, path))
    for path, factor in mults.items():
        current = get_path(out, path, get_path(resolved or {}, path))
        if (not isinstance(current, (int, float)) or isinstance(current, bool)) and not (
                isinstance(current, dict) and "low" in current):
            raise ScenarioError(f"multiply.{path}: no numeric value to multiply (use a scenario path such as "
                                "registered_users or workload.output_tokens)")
        set_path(out, path, scaled(current, factor, f"multiply.{path}"))
    new_sources = [p for p in sets if p.split(".")[0] in AVERAGE_SOURCES]
    if new_sources:
        keep = {p.split(".")[0] for p in new_sources}
        if "daily_active_users" in keep:
            keep.add("monthly_active_users")
        for key in AVERAGE_SOURCES:
            if key not in keep:
                out.pop(key, None)
    if "peak_multiplier" in sets and "peak_concurrent_users" not in sets and any(k in out for k in AVERAGE_SOURCES):
        out.pop("peak_concurrent_users", None)
    for path, value in sets.items():
        set_path(out, path, value)
    for path in unset or []:
        parts = path.split(".")
        holder = get_path(out, ".".join(parts[:-1])) if len(parts) > 1 else out
        if isinstance(holder, dict):
            holder.pop(parts[-1], None)
    section = out.get("llm")
    llm: dict[str, Any] = section if isinstance(section, dict) else {}
    if ("llm.deployment" in sets and get_path(inputs, "llm.deployment", "api") != llm.get("deployment")
            and "llm.model" not in sets):
        llm.pop("model", None)
    if llm.get("deployment") == "api":
        llm.pop("gpu", None)
    return out
