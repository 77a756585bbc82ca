"""Ranges in, P10/P50/P90 and a least-regret plan out (docs/uncertainty.md).

Why these choices:
- Latin hypercube sampling (each input's draws spread one per equal-probability stratum, strata
  paired at random, seeded): bands settle with fewer draws than plain random sampling, and a range
  widened about its middle moves every low draw lower and every high draw higher, so a band never
  narrows because of sampling noise.
- Nearest-rank percentiles: P50 of a figure is a value some draw really produced, and the plan at
  `provision_at` is one real, internally consistent plan (the draw whose monthly cost has that rank),
  not a mix of per-figure percentiles.
- Regret is linear in dollars of fixed capacity (instances, GPUs, database), with under-provisioning
  weighted above over-provisioning. Linear regret has a closed reading: the least-regret amount of a
  resource is its w_under / (w_under + w_over) quantile (the newsvendor result), and expected regret
  for all candidates takes O(n log n) per resource instead of O(n^2).
- Draws use `planner.draw_figures`: month 0 and the horizon only, no text; the one full plan built
  is the chosen draw's, with its explanations.
"""
from __future__ import annotations

import bisect
import math
import random
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from forecasting.catalog import Catalog, default_catalog
from forecasting.defaults import UNCERTAINTY, lookup
from forecasting.errors import ScenarioError
from forecasting.plan_model import (
    Band, CapacityPlan, LeastRegret, SensitivityRow, UncertainInput, UncertaintyOut,
)
from forecasting.ranges import Range, concrete, numeric_fields, split
from forecasting.scenario import Assumption, Scenario, resolve
from forecasting.validate import describe_errors, parse_scenario

PERCENTILE = re.compile(r"^p([1-9][0-9]?)$")
MAX_DRAWS = 100_000


@dataclass(frozen=True)
class Options:
    """How to draw and what to report. Defaults (and their reasons) live in defaults.UNCERTAINTY."""

    draws: int = int(UNCERTAINTY["uncertainty.draws"].value)
    seed: int = int(UNCERTAINTY["uncertainty.seed"].value)
    provision_at: str = "p50"
    sensitivity: bool = False
    uncertain_defaults: bool = False
    under_weight: float = float(UNCERTAINTY["uncertainty.under_provision_weight"].value)
    over_weight: float = float(UNCERTAINTY["uncertainty.over_provision_weight"].value)

    def problems(self) -> list[str]:
        out = []
        if not 1 <= self.draws <= MAX_DRAWS:
            out.append(f"--draws: must be between 1 and {MAX_DRAWS:,} (got {self.draws})")
        if self.seed < 0:
            out.append(f"--seed: must be 0 or more (got {self.seed})")
        if self.provision_at != "least_regret" and not PERCENTILE.match(self.provision_at):
            out.append(f"--provision-at: expected p1..p99 (e.g. p50, p90) or least_regret (got {self.provision_at!r})")
        for name, w in (("under", self.under_weight), ("over", self.over_weight)):
            if not (math.isfinite(w) and w > 0):
                out.append(f"--regret-weights: the {name}-provisioning weight must be a positive number (got {w})")
        return out


@dataclass
class Draws:
    """The raw result of the draws: what a caller needs to report bands, regret and the chosen plan."""

    paths: list[str]
    values: list[dict[str, float | int]]  # per draw: input path -> drawn value
    figures: list[dict[str, float]]
    provisioned: list[dict[str, float]]
    ranges: dict[str, Range]
    central: dict[str, Any]  # with the pinned instance types: what every draw starts from
    sources: dict[str, str] = field(default_factory=dict)
    pins: dict[str, str] = field(default_factory=dict)  # instance types chosen once, for the central scenario
    cat: Catalog | None = None
    ranks: dict[str, list[float]] = field(default_factory=dict)  # figure -> each draw's mid-rank (0..1)
    capped: dict[str, int] = field(default_factory=dict)  # input path -> draws held at registered_users


# Counts of people that cannot exceed the registered users (the scenario refuses it, scenario.py /
# load_sources.py). A lognormal's tail runs past its `high` (its P95), so a wide range can draw more users
# online than exist; such a draw is held at registered_users (everyone at once: the physical limit) and
# counted in a note, instead of failing the whole run.
BOUNDED_BY_REGISTERED = ("concurrent_users", "peak_concurrent_users", "daily_active_users", "monthly_active_users")


def _cap_people(v: dict[str, float | int], central: dict[str, Any], capped: dict[str, int]) -> None:
    registered = v.get("registered_users", central.get("registered_users"))
    if not isinstance(registered, (int, float)):
        return
    for p in BOUNDED_BY_REGISTERED:
        x = v.get(p)
        if isinstance(x, (int, float)) and x > registered:
            v[p] = registered
            capped[p] = capped.get(p, 0) + 1


# ----------------------------------------------------------------------------------------------
# Arithmetic: sampling, percentiles, regret. Plain functions, tested on hand-computed cases.
def latin_hypercube(n: int, k: int, seed: int) -> list[list[float]]:
    """n rows of k uniforms in [0, 1): column j has exactly one value in each [i/n, (i+1)/n)."""
    rng = random.Random(seed)
    cols = []
    for _ in range(k):
        strata = list(range(n))
        rng.shuffle(strata)
        cols.append([(s + rng.random()) / n for s in strata])
    return [[cols[j][i] for j in range(k)] for i in range(n)]


def rank_index(q: float, n: int) -> int:
    """Nearest-rank index of percentile q (0-100) in n sorted values."""
    return min(n - 1, max(0, int(round(q / 100.0 * (n - 1)))))


def band(values: list[float]) -> Band:
    s = sorted(values)
    n = len(s)
    return Band(p10=s[rank_index(10, n)], p50=s[rank_index(50, n)], p90=s[rank_index(90, n)],
                mean=math.fsum(s) / n)


def expected_regret(quantities: list[dict[str, float]], under: float, over: float) -> list[float]:
    """Mean regret (USD/month) of provisioning each candidate's quantities, over all draws as worlds.

    In world j, candidate i regrets `over` x (what it has beyond j's need) + `under` x (what it lacks),
    summed over resources. Computed per resource with sorted prefix sums: O(n log n).
    """
    n = len(quantities)
    total = [0.0] * n
    for res in sorted({r for q in quantities for r in q}):
        xs = [q.get(res, 0.0) for q in quantities]
        s = sorted(xs)
        prefix = [0.0]
        for v in s:
            prefix.append(prefix[-1] + v)
        for i, x in enumerate(xs):
            k = bisect.bisect_right(s, x)
            excess = k * x - prefix[k]
            shortfall = (prefix[n] - prefix[k]) - (n - k) * x
            total[i] += (over * excess + under * shortfall) / n
    return total


# ----------------------------------------------------------------------------------------------
def _serving(serving_catalog: str | None) -> Any:
    if not serving_catalog:
        return None
    from forecasting import llm_serving

    try:
        return llm_serving.load_serving_catalog(serving_catalog)
    except (ValueError, OSError) as exc:
        raise ScenarioError(f"--catalog: {exc}") from None


def default_ranges(central: Scenario, given: dict[str, Range]) -> tuple[dict[str, Range], dict[str, str]]:
    """Plausible ranges of the defaults this scenario uses (defaults.py), triangular around the default."""
    fields = numeric_fields()
    _, assumptions = resolve(central)
    out: dict[str, Range] = {}
    sources: dict[str, str] = {}
    for a in assumptions:
        if a.name in given or a.name not in fields or isinstance(a.value, str):
            continue
        try:
            d = lookup(central.app_type, a.name)
        except KeyError:
            continue
        if d.plausible is None:
            continue
        p = d.plausible
        mid = min(max(float(a.value), p.low), p.high)
        out[a.name] = Range(low=p.low, high=p.high, mid=mid) if p.low < p.high else Range(low=p.low, high=p.high)
        sources[a.name] = f"default {a.value:g}, plausible {p.low:g}-{p.high:g}: {p.source}"
    return out, sources


def _validate(obj: dict[str, Any], where: str) -> Scenario:
    try:
        return Scenario.model_validate(obj)
    except ValidationError as exc:
        raise ScenarioError([f"{line} ({where})" for line in describe_errors(exc)]) from None


def prepare(scenario: dict[str, Any], uncertain_defaults: bool = False) -> tuple[dict[str, Any], dict[str, Range], dict[str, str]]:
    """(central scenario, ranges by path, where each range came from); every problem named at once.

    The central scenario and each range's two ends (the rest at their middle) must be valid scenarios,
    so "concurrent_users up to 5,000 with 4,000 registered" is reported before any draw.
    """
    central, ranges = split(scenario)
    base = parse_scenario(central)
    sources = {p: "scenario" for p in ranges}
    if uncertain_defaults:
        extra, extra_sources = default_ranges(base, ranges)
        ranges = {**ranges, **extra}
        sources.update(extra_sources)
        central = concrete(central, {p: numeric_fields()[p].clip(r.middle) for p, r in extra.items()})
    fields = numeric_fields()
    problems: list[str] = []
    for path, r in ranges.items():
        if sources[path] != "scenario":
            continue
        for end in ("low", "high"):
            value = fields[path].clip(getattr(r, end))
            try:
                _validate(concrete(central, {path: value}), f"with {path} at its {end} end, {value:,.6g}")
            except ScenarioError as exc:
                problems += exc.problems
    if problems:
        raise ScenarioError(problems)
    return central, dict(sorted(ranges.items())), sources


def run_draws(scenario: dict[str, Any], options: Options, prices: dict[str, Any] | Catalog | None = None,
              serving: Any = None) -> Draws:
    """Draw `options.draws` concrete scenarios and compute each one's figures (the per-draw path).

    The instance search runs once, on the central scenario; draws keep its instance types, so every
    draw's instance count is of the same type (and a draw costs a fraction of a millisecond).
    """
    from forecasting.planner import catalog_for, chosen_instance_types, draw_figures

    central, ranges, sources = prepare(scenario, options.uncertain_defaults)
    middle = Scenario.model_validate(central)
    cat = catalog_for(resolve(middle)[0].region, prices)
    pins = chosen_instance_types(middle, cat, serving)
    central = concrete(central, pins)
    paths = list(ranges)
    fields = numeric_fields()
    grid = latin_hypercube(options.draws, len(paths), options.seed)
    values, figures, provisioned = [], [], []
    capped: dict[str, int] = {}
    for row in grid:
        v = {p: fields[p].clip(ranges[p].quantile(u)) for p, u in zip(paths, row)}
        _cap_people(v, central, capped)
        try:
            s = Scenario.model_validate(concrete(central, v))
        except ValidationError as exc:
            drawn = ", ".join(f"{p}={x:,.4g}" for p, x in v.items())
            raise ScenarioError([f"{line} (in a draw with {drawn}: narrow the ranges so every combination is valid)"
                                 for line in describe_errors(exc)]) from None
        f, prov = draw_figures(s, cat, serving)
        values.append(v)
        figures.append(f)
        provisioned.append(prov)
    return Draws(paths, values, figures, provisioned, ranges, central, sources, pins, cat, capped=capped)


def _cost_order(d: Draws) -> list[int]:
    return sorted(range(len(d.figures)), key=lambda i: (d.figures[i]["cost.monthly_usd"], i))


WINDOW = 2.5  # percentile points either side of the target cost rank that a percentile plan may come from


def _midranks(values: list[float]) -> list[float]:
    """Each value's rank as a fraction 0..1, ties sharing their middle rank (a constant figure ranks 0.5)."""
    n = len(values)
    order = sorted(range(n), key=values.__getitem__)
    out = [0.0] * n
    k = 0
    while k < n:
        j = k
        while j + 1 < n and values[order[j + 1]] == values[order[k]]:
            j += 1
        for m in range(k, j + 1):
            out[order[m]] = (k + j) / 2.0 / (n - 1) if n > 1 else 0.5
        k = j + 1
    return out


def percentile_draw(d: Draws, q: float) -> int:
    """The draw that stands for percentile q: its monthly cost ranks within WINDOW points of q, and among
    those it is the one whose other figures sit closest to their own q-th percentile (a coherent plan)."""
    order = _cost_order(d)
    n = len(order)
    t = rank_index(q, n)
    w = int(WINDOW / 100.0 * (n - 1))
    window = order[max(0, t - w):t + w + 1]
    keys = [k for k in d.figures[0] if k != "cost.monthly_usd"]
    if not d.ranks:  # computed once per set of draws: every percentile plan and the regret report use them
        d.ranks.update({k: _midranks([f[k] for f in d.figures]) for k in keys})
    ranks = d.ranks
    target = q / 100.0
    pos = {i: order.index(i) for i in window}
    return min(window, key=lambda i: (round(math.fsum((ranks[k][i] - target) ** 2 for k in keys), 12), abs(pos[i] - t), i))


def sensitivity(d: Draws, serving: Any = None) -> list[SensitivityRow]:
    """Tornado: monthly cost with each input at its low and its high end, the others at their middle."""
    from forecasting.planner import draw_figures

    fields = numeric_fields()
    rows = []
    for path in d.paths:
        r = d.ranges[path]
        usd, later = [], []
        for end in (r.low, r.high):
            s = Scenario.model_validate(concrete(d.central, {path: fields[path].clip(end)}))
            f = draw_figures(s, d.cat or default_catalog(), serving)[0]
            usd.append(f["cost.monthly_usd"])
            later.append(f["cost.monthly_usd_at_horizon"])
        rows.append(SensitivityRow(input=path, low=r.low, high=r.high, low_usd=usd[0], high_usd=usd[1],
                                   swing_usd=abs(usd[1] - usd[0]), swing_usd_at_horizon=abs(later[1] - later[0])))
    rows.sort(key=lambda x: (-x.swing_usd, x.input))
    return rows


def least_regret(d: Draws, under: float, over: float) -> LeastRegret:
    order = _cost_order(d)
    rank = {i: k for k, i in enumerate(order)}
    n = len(order)
    regret = expected_regret(d.provisioned, under, over)
    best = min(range(n), key=lambda i: (round(regret[i], 9), d.figures[i]["cost.monthly_usd"], i))
    pct = 100.0 * rank[best] / (n - 1) if n > 1 else 50.0
    at = {f"p{q}": regret[percentile_draw(d, q)] for q in (10, 50, 90)}
    target = 100.0 * under / (under + over)
    why = (f"lowest expected regret of the {n:,} drawn plans: ${regret[best]:,.0f}/month, against "
           + ", ".join(f"${v:,.0f} for the {k.upper()} plan" for k, v in at.items())
           + f". A dollar of missing fixed capacity (slow or failed replies at peak) is weighted {under:g}x a dollar"
           f" of idle capacity ({over:g}x), so least regret provisions each resource near its P{target:.0f};"
           f" this plan's monthly cost ranks at P{pct:.0f}.")
    return LeastRegret(draw=best, cost_percentile=pct, monthly_usd=d.figures[best]["cost.monthly_usd"],
                       provisioned_usd=dict(sorted(d.provisioned[best].items())), expected_regret_usd=regret[best],
                       regret_at_usd=at, under_provision_weight=under, over_provision_weight=over, why=why)


def plan_uncertain(scenario: dict[str, Any], prices: dict[str, Any] | Catalog | None = None,
                   serving_catalog: str | None = None, options: Options | None = None) -> CapacityPlan:
    """The plan at `options.provision_at` with `uncertainty` (bands, least regret, sensitivity) attached."""
    from forecasting.planner import plan

    options = options or Options()
    bad = options.problems()
    if bad:
        raise ScenarioError(bad)
    if not isinstance(scenario, dict):
        parse_scenario(scenario)  # the core's own message for a non-object
    serving = _serving(serving_catalog)
    d = run_draws(scenario, options, prices, serving)
    cat = d.cat or default_catalog()
    n = len(d.figures)
    order = _cost_order(d)
    lr = least_regret(d, options.under_weight, options.over_weight)
    if options.provision_at == "least_regret":
        chosen = lr.draw
    else:
        chosen = percentile_draw(d, float(options.provision_at[1:]))
    unpinned = dict(d.central)
    for path in d.pins:  # the plan shown runs its own instance search; pinned only if it would pick another type
        section, key = path.split(".")
        unpinned[section] = {k: v for k, v in unpinned[section].items() if k != key}
    out = plan(concrete(unpinned, d.values[chosen]), cat, serving_catalog)
    shown = {"app.instance_type": out.compute.app.instance_type,
             "app.worker_instance_type": out.compute.workers.instance_type if out.compute.workers else None}
    if any(shown[p] != t for p, t in d.pins.items()):
        out = plan(concrete(d.central, d.values[chosen]), cat, serving_catalog)
        for p, t in d.pins.items():
            out.assumptions.append(Assumption(name=p, value=t, unit="instance", source=(
                "chosen by the instance search for the middle of every range and kept for all draws, so the bands"
                " count one instance type")))
    figures = {k: band([f[k] for f in d.figures]) for k in d.figures[0]}
    notes = []
    if not d.paths:
        notes.append("no uncertain inputs: every draw is the same plan")
    for p, count in sorted(d.capped.items()):
        notes.append(f"{p}: {count} of {n} draws fell above registered_users (a lognormal's tail runs past its high"
                     f" end) and were held at it, everyone at once")
    unc = UncertaintyOut(
        draws=n, seed=options.seed, provision_at=options.provision_at, plan_draw=chosen,
        sampling="Latin hypercube, seeded (Python random.Random); nearest-rank percentiles",
        inputs=[UncertainInput(input=p, low=r.low, high=r.high, middle=r.middle, distribution=r.kind,
                               source=d.sources.get(p, "scenario"), value_in_plan=float(d.values[chosen][p]))
                for p, r in d.ranges.items()],
        figures=figures, sensitivity=sensitivity(d, serving) if options.sensitivity else [],
        least_regret=lr, notes=notes)
    rank = order.index(chosen)
    cost_rank = 100.0 * rank / (n - 1) if n > 1 else 50.0
    out.explanations["uncertainty.plan_draw"] = (
        f"this plan is draw {chosen} of {n:,}, whose monthly cost ranks at P{cost_rank:.1f}: " + (
            lr.why if options.provision_at == "least_regret" else
            f"among the draws whose cost ranks within {WINDOW:g} points of {options.provision_at.upper()}, the one whose other"
            f" figures sit closest to their own {options.provision_at.upper()}") + "; the bands come from all draws")
    out.explanations["uncertainty.figures"] = (
        f"P10/P50/P90 over {n:,} seeded draws (seed {options.seed}) of {len(d.paths)} uncertain input(s): "
        "1 draw in 10 came out below P10, half below P50, 9 in 10 below P90")
    out.explanations["uncertainty.least_regret"] = lr.why
    out.explanations["uncertainty.inputs"] = ("the uncertain inputs: ranges given in the scenario"
                                              + (" and the defaults' plausible ranges (forecasting/defaults.py)" if options.uncertain_defaults else "")
                                              + "; value_in_plan is the value drawn for the plan shown")
    out.explanations["uncertainty.draws"] = f"{n:,} Latin-hypercube draws over the uncertain inputs"
    out.explanations["uncertainty.seed"] = f"seed {options.seed}: the same scenario and seed give the same plan, byte for byte"
    if options.sensitivity:
        out.explanations["uncertainty.sensitivity"] = ("monthly cost with each input at its low, then its high value, all others at "
                                                       "their middle; sorted by the swing between the two")
    for p, source in d.sources.items():  # a drawn default is still an assumption, not a given value
        if source != "scenario":
            dflt = lookup(out.inputs["app_type"], p)
            out.assumptions.append(Assumption(name=p, value=d.values[chosen][p], unit=dflt.unit,
                                              source=f"drawn ({options.provision_at} plan) from the {source}"))
    out.uncertainty = unc
    return out


__all__ = ["Options", "plan_uncertain", "run_draws", "band", "expected_regret", "latin_hypercube", "rank_index"]
