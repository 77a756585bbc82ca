"""How a figure from a plan is written in chat tables and transcripts (one rule for both)."""
from __future__ import annotations

from typing import Any


def fmt(value: Any) -> str:
    """Thousands separators; two decimals below 1,000 so small rates (0.02 GB, 26.35 /s) stay visible."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 1000 else f"{value:,.0f}"
    return str(value)
