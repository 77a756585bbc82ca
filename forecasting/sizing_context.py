"""What the planner computes once per plan (`PlanContext`) and once per month of the timeline
(`MonthSizing`): the public sizing context the explanations read.

Why its own module: the explanations (`forecasting/explain.py`) need the same intermediate values the
arithmetic used, so the text cannot disagree with the figure; reading them from here, not from the
planner's private classes, removes the one import cycle in the tree (explain -> planner -> explain).
Type-only imports: nothing is loaded at run time.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # pragma: no cover
    from forecasting import app_tier, cost, data_tier, database, instance_search, llm_api, pricing
    from forecasting.autoscale import TierCost
    from forecasting.catalog import Catalog
    from forecasting.catalog_entries import DbHost
    from forecasting.curve import Curve
    from forecasting.scenario import ResolvedScenario
    from forecasting.serving import replicas
    from forecasting.workload import CallShape, Load


@dataclass(eq=False, repr=False)  # mutable (the search fills app_choice); never compared or printed: fewer generated methods, a faster start-up
class PlanContext:
    r: ResolvedScenario
    cat: Catalog
    shape: CallShape
    app_inst: app_tier.InstanceType
    worker_inst: app_tier.InstanceType | None
    api_prices: llm_api.ApiPrices | None
    slo: Any  # serving.SloCapacity for self-hosted
    db_options: list[DbHost]
    notes: list[str]  # input the plan could not use, reported as warnings
    curve: Curve
    app_choice: instance_search.Choice = None  # type: ignore[assignment]  # set by _provision once the load is known
    app_rate: pricing.Rate = None  # type: ignore[assignment]
    worker_choice: instance_search.Choice | None = None
    worker_rate: pricing.Rate | None = None
    load_source_derivations: Mapping[str, str] = field(default_factory=dict)  # load_sources.derive's, month 0 of a plan


class MonthSizing(NamedTuple):
    load: Load
    api: llm_api.ApiSizing | None
    hosted: replicas.SelfHostedSizing | None
    app: app_tier.TierSizing
    app_cost: TierCost
    workers: app_tier.TierSizing | None
    worker_cost: TierCost | None
    gpu_cost: TierCost | None
    data: data_tier.DataSizing
    db_class: str
    db_fits: bool
    db_managed: bool
    lines: list[cost.Line]
    total: float
    db: database.DbChoice
