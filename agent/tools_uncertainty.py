"""Uncertainty in chat: ranges in `forecast` / `what_if`, and the tools `how_sure` and `what_matters_most`.

This is the API both chat paths use (the OpenAI-compatible model through the tool schema, the guided
backend by emitting the same tool calls; docs/uncertainty.md, "Chat"):

- ranges: `forecast(..., ranges={"concurrent_users": {"low": 2000, "high": 5000},
  "monthly_growth_rate": {"low": 0.05, "high": 0.10}})` and the same `ranges` argument on `what_if`.
  Paths are scenario paths; a range is `{"low", "high"[, "mid"][, "distribution"]}` (forecasting/ranges.py).
  A range replaces the exact value at its path, so "between 2 and 5 thousand online" is never its midpoint.
- `how_sure(name=final)`: "how sure are you?". P10/P50/P90 of the key figures and the sentence to say
  ("likely $30,100-$45,200 a month (P10-P90), $37,000 in the middle"). A scenario without ranges is
  drawn over its defaults' plausible ranges, and the result says so.
- `what_matters_most(name=final, top=5)`: "what matters most?". The inputs (given ranges and the
  defaults' plausible ranges) ranked by how far each moves the monthly cost from its low to its high end.
Both only read: they add no scenario to the session.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from forecasting.ranges import Range

if TYPE_CHECKING:  # pragma: no cover
    from agent.session import ScenarioRecord

_ARGS = ConfigDict(extra="forbid", allow_inf_nan=False)
RANGES_HELP = ('uncertain values by scenario path, when the person gives a range: {"concurrent_users": {"low": 2000, '
               '"high": 5000}, "monthly_growth_rate": {"low": 0.05, "high": 0.1}}; optional "mid" (most likely)')
BAND_PATHS = ("load.peak_concurrent_users", "llm.api.required_tpm", "llm.self_hosted.gpus", "compute.app.instances",
              "compute.workers.instances", "storage.database.storage_gb", "cost.monthly_usd", "cost.monthly_usd_at_horizon")


class HowSureArgs(BaseModel):
    model_config = _ARGS
    name: str | None = Field(None, description="scenario (default: the final one)")


class WhatMattersArgs(BaseModel):
    model_config = _ARGS
    name: str | None = Field(None, description="scenario (default: the final one)")
    top: int = Field(5, ge=1, le=20, description="how many inputs to list")


def ranges_field() -> Any:
    """The `ranges` argument of forecast and what_if (one definition for both)."""
    return Field(default_factory=dict, description=RANGES_HELP)


RangeArgs = dict[str, Range]


def apply_ranges(inputs: dict[str, Any], ranges: RangeArgs) -> None:
    """Put each range at its path in the scenario inputs (replacing an exact value there)."""
    from forecasting.whatif import set_path

    for path, r in ranges.items():
        set_path(inputs, path, r.model_dump(exclude_none=True))


def plan_inputs(inputs: dict[str, Any]) -> tuple[dict[str, Any], Any] | None:
    """(inputs as given, CapacityPlan) when the inputs hold ranges, else None (the exact path plans them)."""
    from forecasting.range_syntax import has_ranges

    if not has_ranges(inputs):
        return None
    from forecasting.uncertainty import plan_uncertain

    return inputs, plan_uncertain(inputs)


def _tidy(x: Any) -> Any:
    from forecasting.vocabulary import rounded

    return rounded(x)


def summary_bands(plan: dict[str, Any]) -> dict[str, Any] | None:
    """The compact uncertainty view added to a ranged scenario's tool result (None without ranges)."""
    u = plan.get("uncertainty")
    if not u:
        return None
    return {"monthly_cost": _sentence(u), "provision_at": u["provision_at"],
            "bands_p10_p50_p90": _bands(u), "uncertain_inputs": _inputs(u)}


def _sentence(u: dict[str, Any]) -> str:
    from forecasting.plan_model import UncertaintyOut
    from forecasting.report.uncertainty import cost_sentence

    return cost_sentence(UncertaintyOut.model_validate(u))


def _bands(u: dict[str, Any]) -> dict[str, list[Any]]:
    figs = u["figures"]
    return {p: [_tidy(figs[p]["p10"]), _tidy(figs[p]["p50"]), _tidy(figs[p]["p90"])] for p in BAND_PATHS if p in figs}


def _inputs(u: dict[str, Any]) -> list[str]:
    return [f"{i['input']} {_tidy(i['low'])}-{_tidy(i['high'])} ({'given' if i['source'] == 'scenario' else 'default'})"
            for i in u["inputs"][:12]]


def _uncertain_plan(record: "ScenarioRecord", sensitivity: bool) -> tuple[dict[str, Any], str]:
    """The uncertainty block for a scenario: its own if ranged (with sensitivity if asked), else drawn
    over the defaults' plausible ranges."""
    from forecasting.uncertainty import Options, plan_uncertain

    u = record.plan.get("uncertainty")
    ranged = isinstance(u, dict)
    if isinstance(u, dict) and not sensitivity:
        return u, "the person's ranges"
    opts = Options(sensitivity=sensitivity, uncertain_defaults=sensitivity or not ranged,
                   draws=1000 if not sensitivity else 200)
    doc = plan_uncertain(record.inputs, options=opts).model_dump(mode="json")
    basis = ("the person's ranges and the defaults' plausible ranges" if ranged else
             "the person's figures taken as exact; only the defaults vary, over their plausible ranges")
    return doc["uncertainty"], basis


def how_sure(record: "ScenarioRecord") -> dict[str, Any]:
    u, basis = _uncertain_plan(record, sensitivity=False)
    lr = u["least_regret"]
    return {"scenario": record.name, "basis": basis, "draws": u["draws"], "monthly_cost": _sentence(u),
            "bands_p10_p50_p90": _bands(u), "uncertain_inputs": _inputs(u),
            "least_regret": {"monthly_usd": _tidy(lr["monthly_usd"]), "cost_percentile": _tidy(lr["cost_percentile"]),
                             "why": lr["why"][:400]},
            "meaning": "P10-P90 is where the figure lands 8 times in 10 if the ranges are right; P50 is the middle",
            "say": "state cost as the monthly_cost sentence; never as a single exact figure"}


def what_matters_most(record: "ScenarioRecord", top: int) -> dict[str, Any]:
    u, basis = _uncertain_plan(record, sensitivity=True)
    sources = {i["input"]: i["source"] for i in u["inputs"]}
    rows = [{"input": r["input"], "range": f"{_tidy(r['low'])}-{_tidy(r['high'])}",
             "monthly_usd_at_low": _tidy(r["low_usd"]), "monthly_usd_at_high": _tidy(r["high_usd"]),
             "swing_usd": _tidy(r["swing_usd"]), "swing_usd_at_horizon": _tidy(r["swing_usd_at_horizon"]),
             "source": "given by the person" if sources.get(r["input"]) == "scenario" else str(sources.get(r["input"], ""))[:160]}
            for r in u["sensitivity"][:top]]
    return {"scenario": record.name, "basis": basis, "ranked_by": "swing in monthly cost, each input low to high, the rest at their middle",
            "inputs": rows, "hint": "the top inputs are the ones worth measuring or asking the person about"}
