"""Package names that load on first use (PEP 562), for `forecasting` and `forecasting.serving`.

Why: a caller that needs only the scenario model, or a plan on a hosted API, must not pay for loading
the planner or the serving estimator (`capplan plan` start-up, issue 16 move 12).
"""
from __future__ import annotations

import importlib
from typing import Any, Callable


def lazy_getattr(package: str, exports: dict[str, str], namespace: dict[str, Any]) -> Callable[[str], Any]:
    """A module `__getattr__` that imports `exports[name]` (a module path) on first use and caches it."""

    def __getattr__(name: str) -> Any:
        if name in exports:
            value = getattr(importlib.import_module(exports[name]), name)
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__
