"""The deterministic forecasting core: scenario -> load -> requirements -> priced, explained plan.

Never imports openai or rich, does no network or terminal I/O; the same input gives the same plan.
`forecasting.plan(scenario, prices=None)` is the entry point. Names are loaded on first use (PEP 562),
so a caller that needs only the scenario model does not pay for the planner's modules.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from forecasting.lazy import lazy_getattr

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.errors import ScenarioError
    from forecasting.plan_model import CapacityPlan
    from forecasting.planner import plan
    from forecasting.scenario import Scenario
    from forecasting.validate import parse_scenario, parse_scenario_text

_EXPORTS = {
    "plan": "forecasting.planner", "CapacityPlan": "forecasting.plan_model", "Scenario": "forecasting.scenario",
    "ScenarioError": "forecasting.errors", "parse_scenario": "forecasting.validate",
    "parse_scenario_text": "forecasting.validate",
}
__all__ = list(_EXPORTS)


__getattr__ = lazy_getattr(__name__, _EXPORTS, globals())
