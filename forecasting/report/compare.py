"""Scenarios side by side with the change in each figure: the what-if comparison of the page and report.

Why numbers and text both: the page and report print the formatted value, and the change is computed
from the numbers (a what-if that doubles users shows "+100%" on every figure that doubled, and
"changed" for a text figure such as the API tier or the GPU type).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forecasting.plan_model import CapacityPlan
from forecasting.vocabulary import cell_text as fmt, heading, unit, usd_text as usd

# The figures a person compares between scenarios, in reading order (names and units: forecasting/vocabulary.py).
FIGURES: tuple[str, ...] = (
    "inputs.registered_users", "load.peak_concurrent_users", "load.llm_calls_per_second", "load.output_tokens_per_minute",
    "llm.model", "llm.api.required_tpm", "llm.api.tier", "llm.self_hosted.gpu", "llm.self_hosted.gpus",
    "compute.app.instances", "compute.workers.instances", "compute.autoscaling.max_replicas",
    "storage.database.storage_gb", "storage.cache.memory_gb", "llm.monthly_usd", "cost.monthly_usd",
    "cost.monthly_usd_at_horizon", "cost.per_registered_user_usd",
)
_READ_AT = {"cost.monthly_usd_at_horizon": "timeline.-1.monthly_usd"}  # a figure read from the plan's last month


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
    for figure in FIGURES:
        path, shown_in = _READ_AT.get(figure, figure), unit(figure)
        values = [value_at(d, path) for d in dumped]
        if all(v is None for v in values):
            continue
        cells = [Cell(show(values[0], shown_in))]
        for v in values[1:]:
            text, direction = change(values[0], v)
            cells.append(Cell(show(v, shown_in), text, direction))
        rows.append(Row(heading(figure), path, tuple(cells)))
    return rows
