"""Errors the command line turns into exit codes: the core's one input-error type, re-exported.

Why the same type as the core's: every command reports bad input the same way (exit 2, one line per
problem, naming the field), whether the core or the command found it; `cli.main` prints them.
Anything else is a bug or an environment failure (exit 1).
"""
from __future__ import annotations

from forecasting.errors import InputError, Problem

__all__ = ["InputError", "Problem"]
