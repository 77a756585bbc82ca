"""Assemble a capacity plan: scenario -> load -> requirements -> priced, explained choices.

Why one context (`sizing_context.PlanContext`) and one `_evaluate`: the plan for today and each month of the timeline are the
same computation at different scales of load. Everything that does not change with the number of
users (catalog look-ups, token shapes, the GPU estimator's per-replica capacity) is done once in the
context; `_evaluate` is cheap plain arithmetic, so a 36-month timeline costs well under a millisecond.
"""
from __future__ import annotations

import math
from typing import Any, Callable, NamedTuple

from forecasting import app_tier, cost, data_tier, database, instance_search, llm_api, pricing
from forecasting.autoscale import TierCost, cpu_scaling, gpu_scaling, tier_cost
from forecasting.catalog import Catalog, default_catalog, pricing_source, with_overrides
from forecasting.curve import Curve, daily_curve
from forecasting.serving import replicas
from forecasting.errors import Problem, ScenarioError, known
from forecasting.plan_model import (
    ApiOut, AppOut, AutoscalingOut, CacheOut, GpuAutoscalingOut, CapacityPlan, ComputeOut, CostLine, CostOut, DatabaseOut,
    LLMOut, LoadOut, OperatingPointOut, NetworkOut, ObjectOut, ScaleEvent, SelfHostedOut, StorageOut, TimelineRow, VectorOut,
    WorkersOut,
)
from forecasting.range_syntax import has_ranges
from forecasting.scenario import Assumption, ResolvedLLM, ResolvedScenario, Scenario, resolve
from forecasting.sizing_context import MonthSizing as _Month, PlanContext as _Context
from forecasting.validate import parse_scenario, suggest
from forecasting.workload import CallShape, Load, call_shape, compute_load, growth_factor


def _instance(cat: Catalog, name: str, field: str) -> app_tier.InstanceType:
    if name not in cat.cpu_instances:
        raise ScenarioError(f"{field}: unknown instance type {name!r} in {cat.region}{suggest(name, list(cat.cpu_instances))}; "
                            f"known: {', '.join(sorted(cat.cpu_instances))}")
    i = cat.cpu_instances[name]
    return app_tier.InstanceType(name, float(i.vcpu), float(i.memory_gib), float(i.usd_per_hour))


def _families_there(cat: Catalog) -> list[str]:
    """The instance families the search may pick from in this region, for an error that names them."""
    return sorted({str(i.family) for i in cat.cpu_instances.values() if i.category not in instance_search.EXCLUDED_CATEGORIES})


def _choose(cat: Catalog, r: ResolvedScenario, load: Load, workers: bool, curve: Curve) -> tuple[instance_search.Choice, pricing.Rate]:
    """The instance type whose hour-by-hour autoscaled cost over month 0's daily curve is lowest, under the
    scenario's pricing option (the type is kept over the timeline; the count follows the load)."""
    pin_key, fam_key = ("worker_instance_type", "worker_instance_families") if workers else ("instance_type", "instance_families")
    pin, families = getattr(r.app, pin_key), getattr(r.app, fam_key)
    if pin:
        _instance(cat, pin, f"app.{pin_key}")
    shapes = instance_search.candidates(cat.cpu_instances.values(), pin, families)
    if not shapes:
        raise ScenarioError(f"app.{fam_key}: no instance of {families} in {cat.region}; families there: {', '.join(_families_there(cat))}")
    tier: pricing.Tier = "workers" if workers else "app"
    need = (app_tier.worker_need if workers else app_tier.app_need)(load, r.safety_margin, r.app)
    rules = app_tier.worker_rules(r.app) if workers else app_tier.app_rules(r.app)
    def autoscaled(f: instance_search.Fit) -> float:
        counts = instance_search.hourly_counts(need, f.shape, rules, curve.relative_to_peak)
        return tier_cost(counts, pricing.rate(cat, f.shape.entry, r.pricing, tier), cat.hours_per_month, text=False).autoscaled_monthly_usd

    choice = instance_search.search(need, shapes, rules, lambda sh: pricing.rate(cat, sh.entry, r.pricing, tier).baseline_usd_per_hour,
                                    objective=autoscaled)
    return choice, pricing.rate(cat, choice.best.shape.entry, r.pricing, tier)


def _context(r: ResolvedScenario, cat: Catalog, assumptions: list[Assumption], serving_catalog: Any = None,
             explain: bool = False) -> _Context:
    llm = r.llm
    problems: list[str] = []
    api_prices = slo = None
    w = r.workload
    if llm.deployment == "api":
        if llm.model not in cat.api_models:
            problems.append(f"llm.model: unknown hosted model {llm.model!r}{suggest(llm.model, list(cat.api_models))} "
                            f"(`capplan catalog models` lists them; for open models set llm.deployment to \"self_hosted\")")
        else:
            api_prices = llm_api.prices_for(cat, llm.model)
        if llm.gpu:
            problems.append("llm.gpu: only used when llm.deployment is \"self_hosted\"")
        latency = (known(llm.api_ttft_ms, "llm.api_ttft_ms") / 1000.0, 1.0 / known(llm.api_output_tokens_per_s, "llm.api_output_tokens_per_s"))
    else:
        latency = (known(llm.ttft_target_ms, "llm.ttft_target_ms") / 1000.0, known(llm.itl_target_ms, "llm.itl_target_ms") / 1000.0)
    unused = (("precision", "tensor_parallel", "itl_target_ms", "ttft_target_ms", "min_replicas", "model_load_s") if llm.deployment == "api"
              else ("api_ttft_ms", "api_output_tokens_per_s"))
    notes = [f"llm.{k} is ignored: it applies only when llm.deployment is "
             f"\"{'self_hosted' if llm.deployment == 'api' else 'api'}\"" for k in unused if getattr(llm, k) is not None]
    if r.app.scale_in_utilization >= r.app.target_cpu_utilization:
        problems.append(f"app.scale_in_utilization ({r.app.scale_in_utilization}) must be below "
                        f"app.target_cpu_utilization ({r.app.target_cpu_utilization})")
    measured_in = (r.measured or {}).get("input_tokens_per_call")
    shape = call_shape(w, latency, measured_in, explain)
    r, shape = _prefix_cache(r, assumptions, shape, api_prices, serving_catalog, latency, measured_in, notes, explain)
    w = r.workload
    if api_prices is not None:  # issue 8: a long prompt may be billed at the model's long-context tier
        api_prices = llm_api.with_long_context(api_prices, cat, shape.input_tokens_per_call)
    if api_prices is not None and api_prices.max_input_tokens and shape.input_tokens_per_call > api_prices.max_input_tokens:
        problems.append(f"workload: {shape.input_tokens_per_call:,.0f} input tokens per call exceed {api_prices.model}'s"
                        f" {api_prices.max_input_tokens:,}-token context window; shorten the prompt, history or retrieved context,"
                        f" or choose a model with a longer context")
    if llm.deployment == "self_hosted" and not problems:
        from forecasting import serving  # the estimator is only loaded when a plan self-hosts

        try:
            n_in = max(1, round(shape.input_tokens_per_call))
            slo = serving.slo_capacity(
                llm.model, known(llm.gpu, "llm.gpu"), input_tokens=n_in,
                output_tokens=max(1, round(shape.output_tokens_per_call)), itl_target_ms=known(llm.itl_target_ms, "llm.itl_target_ms"),
                ttft_target_ms=known(llm.ttft_target_ms, "llm.ttft_target_ms"), precision=llm.precision, tp=llm.tensor_parallel,
                catalog=serving_catalog,
                cached_input_tokens=min(shape.cached_input_share * n_in, n_in - 1.0) if llm.prefix_caching else 0.0)
        except ScenarioError as e:  # the estimator's input errors; anything else is a bug and surfaces as one
            problems += [_serving_problem(p, llm, cat) for p in e.issues]
        else:
            shape = call_shape(w, (slo.ttft_ms / 1000.0, slo.itl_ms / 1000.0), measured_in, explain)
            if not llm.precision:
                assumptions.append(Assumption(name="llm.precision", value=str(slo.precision), unit="",
                                              source="the model's native precision (set fp8 to halve weight memory where the GPU supports it)"))
            if not llm.tensor_parallel:
                assumptions.append(Assumption(name="llm.tensor_parallel", value=int(slo.tensor_parallel), unit="GPUs/replica",
                                              source="chosen by the estimator: most sequences per GPU within the latency targets, among TP 1/2/4/8 that fit"))
    curve = daily_curve(r.peak_multiplier, r.daily_load_curve)
    if r.daily_load_curve is not None:
        raw = r.daily_load_curve
        own = max(raw) / (sum(raw) / 24.0)
        if abs(own - r.peak_multiplier) > 1e-6:
            notes.append(f"daily_load_curve: its peak is {own:.2f} x its mean but the peak multiplier in effect is"
                         f" {r.peak_multiplier:.2f}; the curve's shape was rescaled to that peak")
    for key, fam in (("instance_type", "instance_families"), ("worker_instance_type", "worker_instance_families")):
        pin = getattr(r.app, key)
        if pin and pin not in cat.cpu_instances:
            problems.append(f"app.{key}: unknown instance type {pin!r} in {cat.region}{suggest(pin, list(cat.cpu_instances))}; "
                            f"known: {', '.join(sorted(cat.cpu_instances))}")
        wanted = getattr(r.app, fam)
        if wanted and not pin and not instance_search.candidates(cat.cpu_instances.values(), None, wanted):
                problems.append(f"app.{fam}: no instance of {wanted} in {cat.region}; families there: {', '.join(_families_there(cat))}")
    if problems:
        raise ScenarioError(problems)
    return _Context(r, cat, shape, _NO_INSTANCE, None, api_prices, slo, cat.db_options(), notes, curve)


_NO_INSTANCE = app_tier.InstanceType("", 0.0, 0.0, 0.0)


def _provision(ctx: _Context, base: Load) -> None:
    """Choose the app (and worker) instance types for month 0's load: needs the derived concurrency."""
    r, cat = ctx.r, ctx.cat
    ctx.app_choice, ctx.app_rate = _choose(cat, r, base, workers=False, curve=ctx.curve)
    ctx.app_inst = _as_instance(ctx.app_choice)
    if r.app_type == "agent":
        ctx.worker_choice, ctx.worker_rate = _choose(cat, r, base, workers=True, curve=ctx.curve)
        ctx.worker_inst = _as_instance(ctx.worker_choice)


def catalog_for(region: str, prices: dict[str, Any] | Catalog | None) -> Catalog:
    """The region's catalog with the user's price file merged in (a Catalog passed in is used as is)."""
    if isinstance(prices, Catalog):
        return prices
    return with_overrides(prices, region=region) if prices else default_catalog(region)


def _as_instance(c: instance_search.Choice) -> app_tier.InstanceType:
    sh = c.best.shape
    return app_tier.InstanceType(sh.name, sh.vcpu, sh.memory_gib, sh.usd_per_hour)


# --- prefix caching (issue 12): the cached share of each call's input, from the conversation structure ---

def _prefix_cache(r: ResolvedScenario, assumptions: list[Assumption], shape: CallShape, api_prices: Any,
                  serving_catalog: Any, latency: tuple[float, float], measured_in: Any,
                  notes: list[str], explain: bool = False) -> tuple[ResolvedScenario, CallShape]:
    """Replace the defaulted `workload.cached_input_share` by the one the caching rules give (chatbots), or
    by 0 when `llm.prefix_caching` is off; the assumption records the derivation."""
    from forecasting import prompt_cache

    llm, w = r.llm, r.workload
    defaulted = any(a.name == "workload.cached_input_share" for a in assumptions)
    share: float | None = None
    why = ""
    if not llm.prefix_caching:
        if not defaulted and w.cached_input_share:
            notes.append("workload.cached_input_share is ignored: llm.prefix_caching is off")
        share, why = 0.0, "llm.prefix_caching is off"
    elif defaulted:
        engine = None
        if llm.deployment == "self_hosted":
            from forecasting import serving

            prof = (serving_catalog or serving.load_serving_catalog()).profile(None)
            engine = (prof.id, prof.kv_block_tokens, prof.prefix_caching)
        got = prompt_cache.scenario_share(r.app_type, llm.deployment, api_prices.provider if api_prices else None,
                                          llm.model, w, shape.cycle_s, engine)
        if got is not None:
            share, why = got
    if share is None or share == w.cached_input_share and not why:
        return r, shape
    assumptions[:] = [a for a in assumptions if a.name != "workload.cached_input_share"]
    if defaulted or not llm.prefix_caching:
        assumptions.append(Assumption(name="workload.cached_input_share", value=round(share, 4),
                                      unit="fraction of input tokens", source=why))
    r = r.model_copy(update={"workload": w.model_copy(update={"cached_input_share": share})})
    return r, call_shape(r.workload, latency, measured_in, explain)


def _prefix_pool_warning(ctx: _Context, m: _Month) -> list[str]:
    """Cached blocks occupy the KV pool: idle conversations' prefixes must fit beside the running batch."""
    slo, h, r = ctx.slo, m.hosted, ctx.r
    if slo is None or h is None or not slo.cached_input_tokens or not slo.kv_tokens_capacity:
        return []
    system = float(r.workload.system_prompt_tokens)
    idle = max(m.load.peak_concurrent_users - h.concurrent_sequences, 0.0) / h.replicas
    need = system + idle * max(slo.cached_input_tokens - system, 0.0)
    free = slo.kv_tokens_capacity - slo.max_sequences_at_slo * slo.kv_tokens_per_sequence
    if need <= free:
        return []
    kept = max(free, 0.0) / need
    return [f"prefix caching: the {idle:,.0f} idle conversations per replica hold {need:,.0f} tokens of cached prefixes, "
            f"but the KV pool has {max(free, 0.0):,.0f} tokens beside the running batch; only ~{kept:.0%} stay cached "
            f"(LRU), so TTFT and prefill will be closer to uncached; route a conversation to the same replica, add KV "
            f"memory, or set llm.prefix_caching to false to plan without it"]


_SERVING_FIELDS = {"model": "llm.model", "gpu": "llm.gpu", "precision": "llm.precision",
                   "model / gpu": "llm.model / llm.gpu"}


def _serving_problem(problem: Problem, llm: ResolvedLLM, cat: Catalog) -> str:
    """Name the scenario field an estimator problem is about (from its `field`), so the person knows
    what to change."""
    msg = problem.message if problem.field in _SERVING_FIELDS else str(problem)
    where = _SERVING_FIELDS.get(problem.field, "llm")
    if where == "llm.model" and llm.model in cat.api_models:
        msg += f' ({llm.model!r} is a hosted API model: set llm.deployment to "api")'
    return f"{where}: {msg}"


class _LlmMonth(NamedTuple):
    api: llm_api.ApiSizing | None
    hosted: replicas.SelfHostedSizing | None
    gpu_cost: TierCost | None
    lines: list[cost.Line]


def _llm_month(ctx: _Context, load: Load, gpu_pricing: str, text: bool = True, explain: bool = False) -> _LlmMonth:
    """The LLM serving part of a month: the API bill, or the GPU replicas priced under `gpu_pricing`.
    Apart from `_evaluate` so that `option_paths` can price serving alone, month by month."""
    r, cat, h = ctx.r, ctx.cat, ctx.cat.hours_per_month
    lines: list[cost.Line] = []
    api = hosted = gpu_cost = None
    if ctx.api_prices is not None:
        api = llm_api.size_api(load, r.safety_margin, ctx.api_prices, cat, explain)
        lines.append(cost.Line(f"LLM API ({r.llm.model})", api.monthly_usd,
                               "monthly tokens x list prices (uncached input, cached input, cache writes, output)"))
    else:
        hosted = replicas.size_self_hosted(load, r.safety_margin, ctx.slo, ctx.shape.output_tokens_per_call, cat, known(r.llm.gpu, "llm.gpu"), h,
                                           known(r.llm.min_replicas, "llm.min_replicas"), ctx.curve.relative_to_peak, explain,
                                           tensor_parallel_given=bool(r.llm.tensor_parallel))
        if hosted.monthly_usd is not None and hosted.offer.entry is not None:
            g_rate = pricing.rate(cat, hosted.offer.entry, gpu_pricing, "gpu")
            gpu_cost = tier_cost(hosted.hourly_instances, g_rate, h, "GPU instances", text=text)
            hosted = replicas.priced(hosted, gpu_cost, explain)
            lines.append(cost.Line(f"GPU instances ({hosted.offer.instance})", gpu_cost.autoscaled_monthly_usd,
                                   replicas.gpu_cost_basis(hosted.offer, gpu_cost)))
    return _LlmMonth(api, hosted, gpu_cost, lines)


def _evaluate(ctx: _Context, load: Load, text: bool = True, month: int = 0, explain: bool = False) -> _Month:
    """One month's sizing and cost. `text`: cost and choice texts (month 0 and the horizon); `explain`:
    the derivations of every figure (month 0 of a plan only)."""
    r, cat, h = ctx.r, ctx.cat, ctx.cat.hours_per_month
    margin = r.safety_margin
    api, hosted, gpu_cost, lines = _llm_month(ctx, load, r.pricing, text, explain)
    app = app_tier.size_tier(load, margin, r.app, ctx.app_choice.best.shape, ctx.curve.relative_to_peak, explain=explain)
    app_cost = tier_cost(app.hourly_counts, ctx.app_rate, h, text=text)
    lines.append(cost.Line(f"app instances ({ctx.app_inst.name})", app_cost.autoscaled_monthly_usd, app_cost.basis))
    workers = worker_cost = None
    if ctx.worker_choice is not None and ctx.worker_rate is not None and ctx.worker_inst is not None:
        workers = app_tier.size_tier(load, margin, r.app, ctx.worker_choice.best.shape, ctx.curve.relative_to_peak, agent_workers=True,
                                     explain=explain)
        worker_cost = tier_cost(workers.hourly_counts, ctx.worker_rate, h, text=text)
        lines.append(cost.Line(f"agent workers ({ctx.worker_inst.name})", worker_cost.autoscaled_monthly_usd, worker_cost.basis))
    data = data_tier.size_data(load, ctx.shape, margin, r.workload, r.data, month, explain)
    dbc = database.choose_db(ctx.db_options, data, r.data, text, explain)
    db, db_fits, db_class = dbc.option, dbc.fits, dbc.option.name
    db_rate = pricing.rate(cat, db.entry, r.pricing, "db_managed" if db.managed else "db_self")
    lines += cost.data_lines(load, data, cat, db, int(r.data.db_replicas), data.vector_storage_gb,
                             db_rate.baseline_usd_per_hour, db_rate.basis if text else "", dbc.read_replicas, text)
    lines.append(cost.load_balancer_line(load, data, cat))
    return _Month(load, api, hosted, app, app_cost, workers, worker_cost, gpu_cost, data, db_class, db_fits, db.managed, lines,
                  sum(line.monthly_usd for line in lines), dbc)


def _row(month: int, registered: float, m: _Month) -> TimelineRow:
    return TimelineRow(
        month=month, registered_users=registered, peak_concurrent_users=m.load.peak_concurrent_users,
        requests_per_second=m.load.peak_messages_per_s, messages_per_second=m.load.peak_messages_per_s,
        llm_calls_per_second=m.load.peak_llm_calls_per_s,
        input_tokens_per_minute=m.load.peak_input_tokens_per_min, app_instances=m.app.instances,
        worker_instances=m.workers.instances if m.workers else 0,
        gpu_replicas=m.hosted.replicas if m.hosted else 0, gpus=m.hosted.gpus if m.hosted else 0,
        api_tier=m.api.tier if m.api else None, db_storage_gb=m.data.db_storage_gb,
        cache_memory_gb=m.data.cache_memory_gb, monthly_usd=m.total,
        # -- web/report (issue 15) --
        cost_by_component_usd=_by_component(m.lines),
    )


def _by_component(lines: list[cost.Line]) -> dict[str, float]:
    """web/report (issue 15): lines of the same component add up, so the stack sums to the total."""
    out: dict[str, float] = {}
    for line in lines:
        out[line.component] = out.get(line.component, 0.0) + line.monthly_usd
    return out


_EVENT_KEYS: tuple[tuple[str, str], ...] = (
    ("app_instances", "app instances"), ("worker_instances", "agent worker instances"),
    ("gpu_replicas", "GPU replicas"), ("api_tier", "API rate-limit tier"),
    ("db_class", "database instance class"), ("db_step", "database storage size (GB)"),
    ("cache_step", "session cache size (GB)"),
)


def _event_values(m: _Month) -> dict[str, Any]:
    return {
        "app_instances": m.app.instances, "worker_instances": m.workers.instances if m.workers else 0,
        "gpu_replicas": m.hosted.replicas if m.hosted else 0,
        "api_tier": (m.api.tier or "none covers") if m.api and m.api.tier_checked else None, "db_class": m.db_class,
        "db_step": m.data.db_storage_step_gb, "cache_step": m.data.cache_step_gb,
    }


def _timeline(ctx: _Context, base: Load) -> tuple[list[TimelineRow], list[ScaleEvent], list[_Month]]:
    g, r = ctx.r.monthly_growth_rate, ctx.r
    rows, events, months = [], [], []
    prev: dict[str, Any] | None = None
    for month in range(r.horizon_months + 1):
        k = growth_factor(g, month)
        m = _evaluate(ctx, base.scaled(k), text=month == r.horizon_months, month=month) if month else _evaluate(ctx, base, explain=True)
        months.append(m)
        rows.append(_row(month, r.registered_users * k, m))
        values = _event_values(m)
        if prev is not None:
            for key, label in _EVENT_KEYS:
                if values[key] != prev[key]:
                    events.append(ScaleEvent(
                        month=month, resource=label, before=prev[key], after=values[key],
                        reason=f"peak concurrency {m.load.peak_concurrent_users:,.0f} users "
                               f"({k:.2f}x month 0) at {g:+.1%}/month"))
        prev = values
    return rows, events, months


def _finite(obj: Any, path: str = "plan") -> None:
    if isinstance(obj, float) and not math.isfinite(obj):
        raise ArithmeticError(f"{path} is not finite")
    if isinstance(obj, dict):
        for k, v in obj.items():
            _finite(v, f"{path}.{k}")
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            _finite(v, f"{path}[{i}]")


def _base_load(ctx: _Context, s: Scenario, assumptions: list[Assumption], explain: bool = False) -> Load:
    """Month-0 load: the person's load input -> concurrency, now that the cycle is known (sets ctx.r).
    Shared by plan() and draw_figures(), so a Monte-Carlo draw is sized exactly like a plan."""
    from forecasting import load_sources

    ctx.r, ctx.load_source_derivations = load_sources.derive(ctx.r, s, ctx.shape.cycle_s, ctx.shape.calls_per_message,
                                                            assumptions, explain)
    base = compute_load(ctx.r.concurrent_users, ctx.r.peak_concurrent_users, ctx.shape, explain)
    _provision(ctx, base)
    return base


def plan(scenario: Scenario | dict[str, Any], prices: dict[str, Any] | Catalog | None = None,
         serving_catalog: str | None = None) -> CapacityPlan:
    """The capacity plan for a scenario. Raises ScenarioError (one line per problem) for bad input.

    `prices`: a price file's content (see catalog.py) or a Catalog; `serving_catalog`: path of a JSON
    file with extra open models / GPUs for self-hosting (the `llm-estimate --catalog` schema).
    """
    if isinstance(scenario, dict) and has_ranges(scenario):  # ranges: Monte-Carlo draws (uncertainty.py)
        from forecasting.uncertainty import plan_uncertain

        return plan_uncertain(scenario, prices, serving_catalog)
    s = parse_scenario(scenario)
    r, assumptions = resolve(s)
    cat = catalog_for(r.region, prices)
    if s.pricing is not None:
        assumptions.append(Assumption(name="pricing.source", value=r.pricing, unit="", source=pricing_source(r.pricing, cat.provider)))
    loaded_serving_catalog = None
    if serving_catalog:  # validated even when the plan does not self-host: a broken file is the user's to fix
        from forecasting import serving

        try:
            loaded_serving_catalog = serving.load_serving_catalog(serving_catalog)
        except (ValueError, OSError) as exc:
            raise ScenarioError(f"--catalog: {exc}") from None
    ctx = _context(r, cat, assumptions, loaded_serving_catalog, explain=True)
    shape = ctx.shape
    from forecasting import load_sources  # used below for the plausibility warnings

    base = _base_load(ctx, s, assumptions, explain=True)
    r = ctx.r
    if s.daily_load_curve is None:
        assumptions.append(Assumption(name="daily_load_curve", value="default shape", unit="load / daily mean, by hour", source=ctx.curve.basis))
    rows, events, months = _timeline(ctx, base)
    m0, last = months[0], months[-1]
    from forecasting.explain import explain, warnings_for  # text lives apart from arithmetic

    out = CapacityPlan(
        name=r.name, inputs=r.model_dump(mode="json"), assumptions=assumptions,
        warnings=warnings_for(ctx, m0, last) + load_sources.plausibility(r, m0.load.monthly_messages)
        + _prefix_pool_warning(ctx, m0),
        load=_load_out(m0.load, shape, r.app_type == "agent").model_copy(update={
            "load_source": r.load_source, "daily_active_users": r.daily_active_users,
            "monthly_active_users": r.monthly_active_users}),
        llm=_llm_out(ctx, m0),
        compute=_compute_out(ctx, m0),
        storage=_storage_out(ctx, m0, last),
        network=NetworkOut(egress_gb_per_month=m0.data.egress_gb_per_month, peak_egress_mbps=m0.data.peak_egress_mbps,
                           egress_bytes_per_message=m0.data.egress_bytes_per_message),
        cost=_cost_out(ctx, m0),
        timeline=rows, scale_events=events,
        explanations={**explain(ctx, m0, last, frozenset(a.name for a in assumptions)),
                      **ctx.load_source_derivations},
    )
    _finite(out.model_dump())
    return out


def _load_out(load: Load, shape: CallShape, agent: bool) -> LoadOut:
    return LoadOut(
        peak_concurrent_users=load.peak_concurrent_users, average_concurrent_users=load.average_concurrent_users,
        requests_per_second=load.peak_messages_per_s, average_requests_per_second=load.average_messages_per_s,
        messages_per_second=load.peak_messages_per_s, average_messages_per_second=load.average_messages_per_s,
        llm_calls_per_second=load.peak_llm_calls_per_s, input_tokens_per_call=shape.input_tokens_per_call,
        output_tokens_per_call=shape.output_tokens_per_call, input_tokens_per_minute=load.peak_input_tokens_per_min,
        output_tokens_per_minute=load.peak_output_tokens_per_min, seconds_between_messages=shape.cycle_s,
        response_time_s=shape.response_time_s, concurrent_llm_requests=load.peak_concurrent_llm_requests,
        concurrent_agent_tasks=load.peak_concurrent_tasks if agent else 0.0,
        external_calls_per_second=load.peak_external_calls_per_s,
        monthly_messages=load.monthly_messages, monthly_conversations=load.monthly_conversations,
        monthly_llm_calls=load.monthly_llm_calls, monthly_input_tokens=load.monthly_input_tokens,
        monthly_cached_input_tokens=load.monthly_cached_input_tokens, monthly_output_tokens=load.monthly_output_tokens,
    )


def _llm_out(ctx: _Context, m: _Month) -> LLMOut:
    r = ctx.r
    if m.api is not None and ctx.api_prices is not None:
        p, a = ctx.api_prices, m.api
        return LLMOut(deployment="api", model=r.llm.model, provider=p.provider, monthly_usd=a.monthly_usd, api=ApiOut(
            required_rpm=a.required_rpm, required_input_tpm=a.required_input_tpm, required_output_tpm=a.required_output_tpm,
            required_tpm=a.required_tpm, tier=a.tier, tier_covers_peak=a.tier is not None, tier_checked=a.tier_checked, tier_note=a.tier_note,
            price_input_usd_per_mtok=p.input, price_cached_input_usd_per_mtok=p.cached_input,
            price_cache_write_usd_per_mtok=p.cache_write, price_output_usd_per_mtok=p.output,
            price_source=f"{p.source} (as of {p.as_of})", monthly_uncached_input_usd=a.monthly_uncached_input_usd,
            monthly_cached_input_usd=a.monthly_cached_input_usd, monthly_cache_write_usd=a.monthly_cache_write_usd,
            monthly_output_usd=a.monthly_output_usd))
    hs, slo = m.hosted, ctx.slo
    assert hs is not None
    return LLMOut(deployment="self_hosted", model=r.llm.model, provider="self-hosted",
                  monthly_usd=hs.monthly_usd or 0.0, self_hosted=SelfHostedOut(
                      gpu=r.llm.gpu, precision=str(getattr(slo, "precision", r.llm.precision or "")),
                      tensor_parallel=int(slo.tensor_parallel), gpus_per_replica=hs.gpus_per_replica,
                      replicas=hs.replicas, gpus=hs.gpus, concurrent_sequences_at_peak=hs.concurrent_sequences,
                      sequences_per_replica_at_slo=hs.sequences_per_replica, itl_ms=float(slo.itl_ms),
                      ttft_ms=float(slo.ttft_ms), itl_target_ms=r.llm.itl_target_ms,
                      ttft_target_ms=r.llm.ttft_target_ms, meets_slo=bool(getattr(slo, "meets_slo", True)),
                      bound=str(slo.bound), gpu_instance=hs.offer.instance, gpu_instances=hs.instances,
                      usd_per_gpu_hour=hs.offer.usd_per_gpu_hour, price_source=hs.offer.source,
                      estimator_derivation=list(slo.derivation), operating_point=_operating_point(slo),
                      autoscaling=_gpu_auto(ctx, m)))


def _operating_point(slo: Any) -> OperatingPointOut:
    op = replicas.operating_point(slo)
    return OperatingPointOut(
        concurrency_per_replica=op.concurrency_per_replica, output_tokens_per_s_per_replica=op.output_tokens_per_s_per_replica,
        max_output_tokens_per_s_per_replica=op.max_output_tokens_per_s_per_replica,
        share_of_max_throughput=op.share_of_max_throughput, limited_by=op.limited_by)


def _gpu_auto(ctx: _Context, m: _Month) -> GpuAutoscalingOut:
    hs = m.hosted
    assert hs is not None
    sig = gpu_scaling(ctx)
    gc = m.gpu_cost
    return GpuAutoscalingOut(
        min_replicas=min(hs.hourly_replicas), max_replicas=max(hs.hourly_replicas), hourly_replicas=list(hs.hourly_replicas),
        model_load_s=float(known(ctx.r.llm.model_load_s, "llm.model_load_s")), scale_out_sequences_per_replica=sig.scale_out_sequences_per_replica,
        scale_out_kv_cache_usage_perc=sig.kv_cache_usage_threshold, scale_out_num_requests_waiting=sig.waiting_requests_threshold,
        signal=sig.basis, autoscaled_monthly_usd=gc.autoscaled_monthly_usd if gc else 0.0,
        always_on_monthly_usd=gc.always_on_monthly_usd if gc else 0.0)


def _compute_out(ctx: _Context, m: _Month) -> ComputeOut:
    r, a, i = ctx.r, m.app, ctx.app_inst
    ch = ctx.app_choice
    ru = ch.runner_up
    app = AppOut(instance_type=i.name, instance_vcpu=i.vcpu, instance_memory_gib=i.memory_gib, instances=a.instances,
                 vcpu_required=a.need.vcpu, memory_gib_required=a.need.memory_gib,
                 connections_required=a.need.connections, instances_by_cpu=a.peak.by_cpu, instances_by_memory=a.peak.by_memory,
                 instances_by_connections=a.peak.by_connections, limiting_factor=a.peak.limiting,
                 max_connections_per_instance=int(r.app.max_connections_per_instance),
                 instance_family=ch.best.shape.family, instance_usd_per_hour=ctx.app_rate.baseline_usd_per_hour,
                 runner_up=f"{ru.instances} x {ru.shape.name}" if ru else None, runner_up_usd_per_hour=ru.usd_per_hour if ru else None,
                 choice=ch.why, candidates_tried=ch.candidates)
    workers = None
    sc = cpu_scaling(ctx, m)
    auto = AutoscalingOut(min_replicas=a.min_replicas, max_replicas=a.max_replicas, target_cpu_utilization=r.app.target_cpu_utilization,
                          scale_out_cpu_utilization=sc.scale_out_cpu_utilization,
                          scale_in_cpu_utilization=r.app.scale_in_utilization, hourly_replicas=list(a.hourly_counts),
                          load_curve=[round(x, 4) for x in ctx.curve.relative_to_mean],
                          autoscaled_monthly_usd=sc.autoscaled_monthly_usd, always_on_monthly_usd=sc.always_on_monthly_usd, pricing=r.pricing)
    if m.workers is not None and ctx.worker_inst is not None and ctx.worker_choice is not None:
        wk, wc = m.workers, ctx.worker_choice
        wr = wc.runner_up
        workers = WorkersOut(instance_type=ctx.worker_inst.name, instances=wk.instances, concurrent_tasks=wk.need.connections,
                             vcpu_required=wk.need.vcpu, memory_gib_required=wk.need.memory_gib,
                             connections_required=wk.need.connections, limiting_factor=wk.peak.limiting,
                             runner_up=f"{wr.instances} x {wr.shape.name}" if wr else None, choice=wc.why)
        auto.workers_min_replicas = wk.min_replicas
        auto.workers_max_replicas = wk.max_replicas
        auto.workers_hourly_replicas = list(wk.hourly_counts)
    return ComputeOut(app=app, workers=workers, autoscaling=auto)


def _storage_out(ctx: _Context, m: _Month, last: _Month) -> StorageOut:
    d, r = m.data, ctx.r
    return StorageOut(
        database=DatabaseOut(engine=_engine(ctx.cat.provider, m.db_managed),
                             instance_class=m.db_class, storage_gb=d.db_storage_gb, provisioned_storage_gb=d.db_storage_step_gb,
                             storage_gb_at_horizon=last.data.db_storage_gb, write_iops_peak=d.write_iops_peak,
                             vcpu_required=d.db_vcpu_required, bytes_per_message=d.bytes_per_message,
                             messages_per_day=d.messages_per_day, retention_days=r.data.retention_days,
                             history_days=d.history_days, read_replicas=m.db.read_replicas, reads_per_second_peak=d.reads_per_s_peak,
                             burstable=database.is_burstable(m.db.option), choice=m.db.basis),
        cache=CacheOut(memory_gb=d.cache_memory_gb, provisioned_gb=d.cache_step_gb, bytes_per_session=d.cache_bytes_per_session,
                       service=next((x.basis.split(":")[0].split(" x ")[-1] if "nodes" in x.basis else "ElastiCache Serverless (Valkey)"
                                     for x in m.lines if x.component == "session cache"), "")),
        vector=VectorOut(chunks=int(r.data.vector_chunks), dimensions=int(r.data.vector_dimensions), storage_gb=d.vector_storage_gb),
        object=ObjectOut(storage_gb=d.object_storage_gb, log_storage_gb=d.log_storage_gb, attachment_storage_gb=d.attachment_storage_gb),
    )


MANAGED_PG = {"aws": "PostgreSQL on RDS, Multi-AZ", "gcp": "Cloud SQL for PostgreSQL, high availability", "azure": "Azure Database for PostgreSQL"}
VMS = {"aws": "EC2", "gcp": "Compute Engine", "azure": "Azure VMs"}


def _engine(provider: str, managed: bool) -> str:
    return MANAGED_PG.get(provider, "managed PostgreSQL") if managed else f"PostgreSQL self-managed on {VMS.get(provider, 'VMs')}, primary + standby"


def _cost_out(ctx: _Context, m: _Month) -> CostOut:
    r = ctx.r
    unpriced = []
    if m.hosted is not None and m.hosted.monthly_usd is None:
        unpriced.append(f"GPUs: {m.hosted.gpus} x {r.llm.gpu} (no price in the catalog; add one with --prices)")
    unit = cost.unit_costs(m.total, r.registered_users, m.load.monthly_conversations)
    return CostOut(
        monthly_usd=m.total, breakdown=[CostLine(component=x.component, monthly_usd=x.monthly_usd, basis=x.basis) for x in m.lines],
        per_registered_user_usd=unit.per_registered_user_usd, per_1000_conversations_usd=unit.per_1000_conversations_usd,
        region=ctx.cat.region, unpriced=unpriced,
    )


# ----------------------------------------------------------------------------------------------
# The per-draw path of the uncertainty module (issue 9). A Monte-Carlo draw needs a few figures of
# month 0 and of the horizon, not the plan: no explanations, warnings, output models or the months
# in between. Same `_context` and `_evaluate` as `plan()`, so a draw can never disagree with it.
PROVISIONED_COMPONENTS = ("app instances", "agent workers", "GPU instances", "database instance",
                          "database storage", "vector store")  # fixed capacity; the rest is billed by use


def draw_figures(s: Scenario, cat: Catalog, serving: Any = None) -> tuple[dict[str, float], dict[str, float]]:
    """({metric path: value}, {provisioned component: USD/month}) for one concrete scenario.

    `serving` is an already loaded serving catalog (llm_serving.load_serving_catalog), or None.
    """
    r, assumptions = resolve(s)
    ctx = _context(r, cat, assumptions, serving)
    base = _base_load(ctx, s, assumptions)
    r = ctx.r
    m0 = _evaluate(ctx, base, text=False)
    h = r.horizon_months
    last = _evaluate(ctx, base.scaled(growth_factor(r.monthly_growth_rate, h)), text=False, month=h) if h else m0
    L = m0.load
    f: dict[str, float] = {
        "load.peak_concurrent_users": L.peak_concurrent_users, "load.requests_per_second": L.peak_messages_per_s,
        "load.llm_calls_per_second": L.peak_llm_calls_per_s, "load.input_tokens_per_minute": L.peak_input_tokens_per_min,
        "load.output_tokens_per_minute": L.peak_output_tokens_per_min, "load.monthly_conversations": L.monthly_conversations,
        "compute.app.instances": float(m0.app.instances),
    }
    if m0.workers is not None:
        f["compute.workers.instances"] = float(m0.workers.instances)
    if m0.api is not None:
        f["llm.api.required_tpm"] = m0.api.required_tpm
    if m0.hosted is not None:
        f["llm.self_hosted.replicas"] = float(m0.hosted.replicas)
        f["llm.self_hosted.gpus"] = float(m0.hosted.gpus)
    f["storage.database.storage_gb"] = m0.data.db_storage_gb
    f["storage.database.storage_gb_at_horizon"] = last.data.db_storage_gb
    f["llm.monthly_usd"] = (m0.api.monthly_usd if m0.api is not None else (m0.hosted.monthly_usd or 0.0) if m0.hosted else 0.0)
    f["cost.monthly_usd"] = m0.total
    f["cost.monthly_usd_at_horizon"] = last.total
    f["load.peak_concurrent_users_at_horizon"] = last.load.peak_concurrent_users
    provisioned = {c: line.monthly_usd for line in m0.lines for c in PROVISIONED_COMPONENTS
                   if line.component.startswith(c)}
    return f, provisioned


def chosen_instance_types(s: Scenario, cat: Catalog, serving: Any = None) -> dict[str, str]:
    """{scenario path: instance type} that the instance search picks for `s`, for the types `s` leaves
    to it. Draws pin these (one search, not one per draw), so their counts are of one instance type."""
    r, assumptions = resolve(s)
    ctx = _context(r, cat, assumptions, serving)
    _base_load(ctx, s, assumptions)
    out = {} if r.app.instance_type else {"app.instance_type": ctx.app_inst.name}
    if ctx.worker_inst is not None and not r.app.worker_instance_type:
        out["app.worker_instance_type"] = ctx.worker_inst.name
    return out


# ----------------------------------------------------------------------------------------------
# Serving options (issue 13): the same context and months as `plan()`; the LLM serving part priced under
# each GPU pricing option at any load on demand (`OptionPath.at`), the rest of the plan priced once. One
# context per (model, GPU, precision), so the estimator runs once for all of a candidate's pricing options.
class ServingMonth(NamedTuple):
    month: int | None  # None: a load past the horizon (`scale` x month 0), for break-even beyond it
    scale: float
    llm_usd: float | None  # None: the GPU has no price in the catalog
    llm_calls: float  # LLM calls a month at this load (average rate x hours)
    gpus: int


class OptionPath(NamedTuple):
    gpu_pricing: str
    first: ServingMonth
    last: ServingMonth
    scales: tuple[float, ...]  # load of each month of the timeline / month 0
    at: Callable[[float, int | None], ServingMonth]  # serving at `scale` x month 0's load
    total_usd: float | None
    total_usd_at_horizon: float | None
    api_tier: str | None
    tier_checked: bool
    tier_note: str
    meets_slo: bool
    bound: str
    precision: str | None
    tensor_parallel: int | None
    gpu_instance: str | None
    gpus: int
    replicas: int
    gpu_utilization: float | None  # share of the GPUs' SLO capacity used, over the daily curve
    itl_ms: float | None
    ttft_ms: float | None
    input_tokens_per_call: float
    output_tokens_per_call: float
    app_instance_type: str
    worker_instance_type: str | None


def _llm_usd(lines: list[cost.Line]) -> float:
    return sum(x.monthly_usd for x in lines)


def _utilization(ctx: _Context, hosted: replicas.SelfHostedSizing) -> float | None:
    """GPU-hour weighted: sequences generating each hour of the curve over the sequences the replicas
    running that hour serve within the targets."""
    rel = ctx.curve.relative_to_peak
    reps = hosted.hourly_replicas or (hosted.replicas,) * len(rel)
    capacity = sum(n * hosted.sequences_per_replica for n in reps)
    return sum(hosted.concurrent_sequences * x for x in rel) / capacity if capacity > 0 else None


def _serving_at(ctx: _Context, base: Load, option: str) -> Callable[[float, int | None], ServingMonth]:
    hours = ctx.cat.hours_per_month

    def at(k: float, month: int | None = None) -> ServingMonth:
        load = base.scaled(k) if k != 1.0 else base
        serving = _llm_month(ctx, load, option, text=False)
        hosted = serving.hosted
        unpriced = hosted is not None and hosted.monthly_usd is None
        return ServingMonth(month, k, None if unpriced else _llm_usd(serving.lines), load.average_llm_calls_per_s * 3600.0 * hours,
                            hosted.gpus if hosted else 0)
    return at


def option_paths(s: Scenario, cat: Catalog, serving: Any, gpu_pricings: tuple[str, ...]) -> list[OptionPath]:
    """One path per GPU pricing option (a hosted API has one path; pass its scenario's pricing). Raises
    ScenarioError when the option cannot be planned at all (the model does not fit, unknown names)."""
    r, assumptions = resolve(s)
    ctx = _context(r, cat, assumptions, serving)
    base = _base_load(ctx, s, assumptions)
    r = ctx.r
    horizon = r.horizon_months
    scales = tuple(growth_factor(r.monthly_growth_rate, m) for m in range(horizon + 1))
    m0 = _evaluate(ctx, base, text=False)
    last = _evaluate(ctx, base.scaled(scales[-1]), text=False, month=horizon) if horizon else m0
    # the rest of the plan (app tier, data, network) is the same whatever the GPUs' pricing option
    rest0 = m0.total - _llm_usd(_llm_month(ctx, base, r.pricing, text=False).lines)
    rest_h = last.total - _llm_usd(_llm_month(ctx, base.scaled(scales[-1]), r.pricing, text=False).lines)
    slo, hs = ctx.slo, m0.hosted
    out = []
    for option in (gpu_pricings if ctx.api_prices is None else gpu_pricings[:1]):
        at = _serving_at(ctx, base, option)
        first, final = at(1.0, 0), at(scales[-1], horizon)
        out.append(OptionPath(
            gpu_pricing=option, first=first, last=final, scales=scales, at=at,
            total_usd=None if first.llm_usd is None else rest0 + first.llm_usd,
            total_usd_at_horizon=None if final.llm_usd is None else rest_h + final.llm_usd,
            api_tier=m0.api.tier if m0.api else None, tier_checked=bool(m0.api.tier_checked) if m0.api else False,
            tier_note=m0.api.tier_note if m0.api else "",
            meets_slo=bool(getattr(slo, "meets_slo", True)) if slo is not None else True,
            bound=str(slo.bound) if slo is not None else "", precision=str(slo.precision) if slo is not None else None,
            tensor_parallel=int(slo.tensor_parallel) if slo is not None else None,
            gpu_instance=hs.offer.instance if hs else None, gpus=hs.gpus if hs else 0, replicas=hs.replicas if hs else 0,
            gpu_utilization=_utilization(ctx, hs) if hs else None,
            itl_ms=float(slo.itl_ms) if slo is not None else None, ttft_ms=float(slo.ttft_ms) if slo is not None else None,
            input_tokens_per_call=ctx.shape.input_tokens_per_call, output_tokens_per_call=ctx.shape.output_tokens_per_call,
            app_instance_type=ctx.app_choice.best.shape.name,
            worker_instance_type=ctx.worker_choice.best.shape.name if ctx.worker_choice else None))
    return out
