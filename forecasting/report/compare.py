"""Scenarios side by side with the change in each figure: the what-if comparison of the page and report.

Why numbers and text both: the page and report print the formatted value, and the change is computed
from the numbers (a what-if that doubles users shows "+100%" on every figure that doubled, and
"changed" for a text figure such as the API tier or the GPU type).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forecasting.plan_model import CapacityPlan
from forecasting.report import fmt, usd

# (label, plan path, unit): the figures a person compares between scenarios, in reading order.
FIGURES: tuple[tuple[str, str, str], ...] = (
    ("Registered users", "inputs.registered_users", "users"),
    ("Peak concurrent users", "load.peak_concurrent_users", "users"),
    ("LLM calls at peak", "load.llm_calls_per_second", "/s"),
    ("Output tokens at peak", "load.output_tokens_per_minute", "/min"),
    ("LLM", "llm.model", ""),
    ("API tokens needed", "llm.api.required_tpm", "TPM"),
    ("API tier", "llm.api.tier", ""),
    ("GPU type", "llm.self_hosted.gpu", ""),
    ("GPUs", "llm.self_hosted.gpus", "GPUs"),
    ("App instances", "compute.app.instances", "instances"),
    ("Agent workers", "compute.workers.instances", "instances"),
    ("Autoscaling max replicas", "compute.autoscaling.max_replicas", "replicas"),
    ("Database storage", "storage.database.storage_gb", "GB"),
    ("Session cache", "storage.cache.memory_gb", "GB"),
    ("LLM cost", "llm.monthly_usd", "USD/month"),
    ("Monthly cost", "cost.monthly_usd", "USD/month"),
    ("Monthly cost at the horizon", "timeline.-1.monthly_usd", "USD/month"),
    ("Cost per registered user", "cost.per_registered_user_usd", "USD/month"),
)


@dataclass(frozen=True)
class Cell:
    text: str
    change: str = ""  # "+12%", "changed", "" (same, or the reference column)
    direction: int = 0  # +1 up, -1 down, 0 same or not numeric


@dataclass(frozen=True)
class Row:
    label: str
    path: str
    cells: tuple[Cell, ...]


def value_at(plan: dict[str, Any], path: str) -> Any:
    """The value at a dotted path ("timeline.-1.monthly_usd" is the last month's); None if absent."""
    cur: Any = plan
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.lstrip("-").isdigit() and -len(cur) <= int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return None
        if cur is None:
            return None
    return cur


def show(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit.startswith("USD") and isinstance(value, (int, float)):
        text = f"${value:,.4f}" if abs(value) < 1 else usd(float(value))
        return text + (" /month" if unit == "USD/month" else "")
    text = fmt(value)
    return f"{text} {unit}".strip() if unit and unit not in ("users",) else text


def change(reference: Any, value: Any) -> tuple[str, int]:
    """The change from the reference column, as people read it, and its direction."""
    if reference == value:
        return "", 0
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (reference, value))
    if not numbers:
        return "changed", 0
    if reference == 0:
        return "new", 1
    pct = (value - reference) / abs(reference)
    if abs(pct) < 0.005:
        return "~0%", 0
    return f"{pct:+.0%}", 1 if pct > 0 else -1


def comparison(plans: list[tuple[str, CapacityPlan]]) -> list[Row]:
    """Rows of figures for the scenarios in order; the first column is the reference for changes."""
    dumped = [p.model_dump(mode="json") for _, p in plans]
    rows = []
    for label, path, unit in FIGURES:
        values = [value_at(d, path) for d in dumped]
        if all(v is None for v in values):
            continue
        cells = [Cell(show(values[0], unit))]
        for v in values[1:]:
            text, direction = change(values[0], v)
            cells.append(Cell(show(v, unit), text, direction))
        rows.append(Row(label, path, tuple(cells)))
    return rows
