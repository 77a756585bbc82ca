"""The error of the usage-data readers.

Why its own type (a ScenarioError): a file capplan cannot read is the person's input problem (exit 2 on
the command line, a tool error in chat), and each line must say which file, line and field is wrong.
"""
from __future__ import annotations

from forecasting.errors import ScenarioError


class UsageDataError(ScenarioError):
    """A usage file that cannot be read or does not make sense; `problems` name file, line and field."""
