"""How a range is spelled in a raw scenario: a JSON object with `low` and/or `high` where a number goes.

Why a module of its own: every plan asks "does this scenario have ranges?" before anything else, and the
answer needs no pydantic model; keeping it apart from `ranges.py` (the Range model, draws, split) keeps
that module, and `statistics` with it, off the start-up path of a plan without ranges (issue 16, move 12).
"""
from __future__ import annotations

from typing import Any


def is_range_object(value: Any) -> bool:
    return isinstance(value, dict) and ("low" in value or "high" in value)


def has_ranges(obj: Any) -> bool:
    """True when a raw scenario has a range anywhere (cheap; validation happens in ranges.split())."""
    if isinstance(obj, dict):
        return any(is_range_object(v) or has_ranges(v) for v in obj.values())
    return False
