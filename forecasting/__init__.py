"""The deterministic forecasting core: scenario -> load -> requirements -> priced, explained plan.

Never imports openai or rich, does no network or terminal I/O; the same input gives the same plan.
`forecasting.plan(scenario, prices=None)` is the entry point.
"""
from __future__ import annotations

from forecasting.errors import ScenarioError
from forecasting.plan_model import CapacityPlan
from forecasting.planner import plan
from forecasting.scenario import Scenario
from forecasting.validate import parse_scenario, parse_scenario_text

__all__ = ["plan", "Scenario", "ScenarioError", "CapacityPlan", "parse_scenario", "parse_scenario_text"]
