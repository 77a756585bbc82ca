"""Ways to serve one scenario's LLM load, side by side: hosted APIs and self-hosted open models on GPUs,
each priced with the whole plan, ranked, with the month from which self-hosting is cheaper.

Why the same planner and not a separate spreadsheet model: an option is the scenario with its `llm`
section (and the GPUs' pricing option) changed, planned by `planner.option_paths`, so an option's cost is
exactly the cost `capplan plan` gives for that scenario. Why the candidate's pricing applies to the GPUs
only: the rest of the stack (app tier, database) is the same whichever way the model is served, so it
keeps the scenario's pricing and the totals stay comparable.

What it does not judge: whether two models are equally good. The table names the model each option
runs; which model is good enough is the person's call (README, docs/options.md).

Rules (each documented in docs/options.md):
- Ranking: options that serve the load and meet the latency targets, cheapest first; then those that
  serve it but miss the targets; then those that cannot serve it, each with its reason.
- Break-even (self-hosted vs the reference hosted model): the first month on the growth timeline whose
  self-hosted serving cost (GPU instances over the daily curve, never below the replica floor, plus the
  fixed operations overhead) is at or below the hosted API bill for the same calls. The rest of the
  plan is the same either way, so serving cost alone decides. Past the horizon, the load is scaled on
  in steps of 25% (up to 1,000x the horizon's load) to say at what monthly volume it would cross.
"""
from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from forecasting import llm_api, planner
from forecasting.catalog import Catalog
from forecasting.catalog_entries import ApiModel
from forecasting.defaults import DEFAULT_API_MODEL, OPTIONS
from forecasting.errors import ScenarioError
from forecasting.range_syntax import has_ranges
from forecasting.ranges import split
from forecasting.scenario import Assumption, Scenario
from forecasting.validate import parse_scenario
from forecasting.vocabulary import usd_text
from forecasting.whatif import apply_changes, get_path

Deployment = Literal["api", "self_hosted"]
Precision = Literal["bf16", "fp16", "fp8", "fp4"]
PricingName = Literal["on_demand", "reserved_1y", "reserved_3y", "spot"]

PRICE_BAND = 3.0  # hosted peers priced within 1/3x..3x of the reference per call (at this scenario's token shape)
MAX_HOSTED_PEERS = 6
DEFAULT_GPU_PRICINGS: tuple[str, ...] = ("on_demand", "reserved_1y")
BEYOND_MAX = 1000.0  # break-even searched past the horizon up to this multiple of its load
_BYTES = {"fp4": 0.5, "fp8": 1.0, "bf16": 2.0, "fp16": 2.0}
SCHEMA_VERSION = 1


class Candidate(BaseModel):
    """One way to serve the model calls."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    deployment: Deployment
    model: str = Field(min_length=1, max_length=200)
    gpu: str | None = Field(None, min_length=1, max_length=200)
    precision: Precision | None = None
    pricing: PricingName | None = Field(None, description="GPU pricing option; the rest of the plan keeps the scenario's")
    tensor_parallel: int | None = Field(None, ge=1, le=64)

    @property
    def label(self) -> str:
        if self.deployment == "api":
            return f"{self.model} (hosted API)"
        return f"{self.model} on {self.gpu}" + (f" {self.precision}" if self.precision else "") + (f", {self.pricing}" if self.pricing else "")


class CandidatesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    candidates: list[Candidate] = Field(min_length=1, max_length=2000)
    self_hosting_overhead_usd: float | None = Field(None, ge=0, allow_inf_nan=False)


class BreakEven(BaseModel):
    against: str  # the hosted model it is compared with
    month: int | None  # first month on the timeline when self-hosting is at or below the API bill
    monthly_requests: float | None  # LLM calls a month at the crossing (beyond the horizon when month is null)
    note: str


class OptionOut(BaseModel):
    rank: int
    deployment: Deployment
    model: str
    gpu: str | None
    precision: str | None
    pricing: str
    tensor_parallel: int | None
    serves: bool  # can serve the load at all (fits, priced, an API tier covers it or none is published)
    meets_slo: bool
    monthly_usd: float | None  # whole plan, month 0
    monthly_usd_at_horizon: float | None
    llm_monthly_usd: float | None
    llm_monthly_usd_at_horizon: float | None
    gpus: int | None
    gpu_instance: str | None
    api_tier: str | None
    gpu_utilization: float | None  # share of the GPUs' capacity within the targets used over the daily curve
    itl_ms: float | None
    ttft_ms: float | None
    limited_by: str
    reason: str | None  # why it cannot serve the load, or what it misses
    break_even: BreakEven | None
    explanations: dict[str, str]


class OptionsResult(BaseModel):
    schema_version: int = SCHEMA_VERSION
    scenario: str
    horizon_months: int
    reference_model: str
    self_hosting_overhead_usd: float
    candidates_considered: int
    options: list[OptionOut]
    assumptions: list[Assumption]
    notes: list[str]


def parse_candidates(doc: Any) -> CandidatesFile:
    """A candidates file: a list of candidates, or {"candidates": [...], "self_hosting_overhead_usd": N}."""
    if isinstance(doc, list):
        doc = {"candidates": doc}
    if not isinstance(doc, dict):
        raise ScenarioError("--candidates: expected a list of candidates or an object with \"candidates\"")
    try:
        parsed = CandidatesFile.model_validate(doc)
    except ValidationError as exc:
        lines = []
        for e in exc.errors()[:20]:
            where = ".".join(str(x) for x in e["loc"])
            lines.append(f"--candidates: {where or 'file'}: {e['msg']}")
        raise ScenarioError(lines) from None
    problems = []
    for i, c in enumerate(parsed.candidates):
        if c.deployment == "self_hosted" and not c.gpu:
            problems.append(f"--candidates: candidates.{i}.gpu: a self-hosted candidate names its GPU")
        if c.deployment == "api" and (c.gpu or c.precision or c.tensor_parallel):
            problems.append(f"--candidates: candidates.{i}: gpu, precision and tensor_parallel apply only to self_hosted")
    if problems:
        raise ScenarioError(problems)
    return parsed


def _per_call_usd(entry: ApiModel, tokens_in: float, tokens_out: float) -> float:
    return (entry.input_usd_per_mtok * tokens_in + entry.output_usd_per_mtok * tokens_out) / 1e6


def _provider_class(model_id: str) -> str:
    """Direct vendor APIs vs a cloud's hosting of them (Azure OpenAI): billing, limits and contracts differ."""
    return "cloud" if "/" in model_id else "vendor"


def hosted_peers(cat: Catalog, reference: str, tokens_in: float, tokens_out: float, horizon: int) -> tuple[list[str], list[str]]:
    """The catalog's hosted models of the reference's provider class within the price band, nearest in
    price first, leaving out those retired inside the horizon (said in the notes)."""
    ref = cat.api_models[reference]
    ref_usd = _per_call_usd(ref, tokens_in, tokens_out)
    notes: list[str] = []
    retired: list[str] = []
    scored = []
    for mid, entry in cat.api_models.items():
        if mid == reference or _provider_class(mid) != _provider_class(reference):
            continue
        usd = _per_call_usd(entry, tokens_in, tokens_out)
        if ref_usd <= 0 or usd <= 0 or not 1.0 / PRICE_BAND <= usd / ref_usd <= PRICE_BAND:
            continue
        if llm_api.deprecation(cat, mid, horizon):
            retired.append(mid)
            continue
        scored.append((abs(math.log(usd / ref_usd)), mid))
    if retired:
        notes.append(f"left out, as their deprecation dates fall inside the {horizon}-month horizon: {', '.join(sorted(retired))}")
    return [m for _, m in sorted(scored)[:MAX_HOSTED_PEERS]], notes


def _precisions(model: Any, gpu: Any) -> list[str]:
    """The precisions worth trying: those the GPU computes in, not above the model's native one (fp16
    only where bf16 is missing: same bytes and speed)."""
    native = _BYTES.get(model.native_precision, 2.0)
    out = [p for p in gpu.supported_precisions if _BYTES[p] <= native]
    if "bf16" in out and "fp16" in out:
        out.remove("fp16")
    return out


def self_hosted_candidates(cat: Catalog, serving: Any, pricings: tuple[str, ...]) -> tuple[list[Candidate], list[str]]:
    """Open models x GPUs priced in the region x precisions, skipping pairs whose weights exceed the
    largest GPU instance's memory (counted in a note, not listed one by one)."""
    largest: dict[str, int] = {}
    for inst in cat.gpu_instances:
        largest[inst.gpu] = max(largest.get(inst.gpu, 0), inst.gpus)
    out: list[Candidate] = []
    skipped = 0
    for mid, m in sorted(serving.models.items()):
        for gid, g in sorted(serving.gpus.items()):
            if gid not in largest:
                continue
            for p in _precisions(m, g):
                if m.total_params_b * _BYTES[p] > 0.9 * largest[gid] * g.memory_gb:
                    skipped += 1
                    continue
                out += [Candidate(deployment="self_hosted", model=mid, gpu=gid, precision=p, pricing=pr) for pr in pricings]
    notes = [f"{skipped} open-model / GPU / precision combinations left out: the weights alone exceed the GPU memory of the"
             f" largest {cat.region} instance of that GPU"] if skipped else []
    return out, notes


def _pinned(central: dict[str, Any], ref: planner.OptionPath) -> dict[str, Any]:
    """The scenario with the reference plan's app (and worker) instance types pinned, unless it pins its
    own: the rest of the stack is then the same machine type for every option (only counts follow the
    load), and the instance search runs once instead of once per option."""
    sets = {}
    if get_path(central, "app.instance_type") is None:
        sets["app.instance_type"] = ref.app_instance_type
    if ref.worker_instance_type and get_path(central, "app.worker_instance_type") is None:
        sets["app.worker_instance_type"] = ref.worker_instance_type
    return apply_changes(central, set=sets) if sets else central


def _candidate_scenario(central: dict[str, Any], c: Candidate) -> dict[str, Any]:
    if c.deployment == "api":
        sets: dict[str, Any] = {"llm.deployment": "api", "llm.model": c.model}
        unset = ["llm.gpu", "llm.precision", "llm.tensor_parallel", "llm.itl_target_ms", "llm.ttft_target_ms",
                 "llm.min_replicas", "llm.model_load_s"]
    else:
        sets = {"llm.deployment": "self_hosted", "llm.model": c.model, "llm.gpu": c.gpu}
        unset = ["llm.api_ttft_ms", "llm.api_output_tokens_per_s"]
        if c.precision:
            sets["llm.precision"] = c.precision
        else:
            unset.append("llm.precision")
        if c.tensor_parallel:
            sets["llm.tensor_parallel"] = c.tensor_parallel
        else:
            unset.append("llm.tensor_parallel")
    return apply_changes(central, set=sets, unset=unset)


def _money(x: float | None) -> str:
    return "unpriced" if x is None else usd_text(x, cents=False)


def _break_even(path: planner.OptionPath, ref: planner.OptionPath, overhead: float, against: str) -> BreakEven:
    def cheaper(own: planner.ServingMonth, api: planner.ServingMonth) -> bool:
        return own.llm_usd is not None and api.llm_usd is not None and own.llm_usd + overhead <= api.llm_usd

    def found(own: planner.ServingMonth, api: planner.ServingMonth) -> BreakEven:
        when = "from the start" if own.month == 0 else f"from month {own.month}"
        return BreakEven(against=against, month=own.month, monthly_requests=own.llm_calls,
                         note=f"cheaper than {against} {when}: {_money((own.llm_usd or 0) + overhead)} vs {_money(api.llm_usd)}"
                              f" a month for serving at {own.llm_calls:,.0f} LLM calls a month")

    if cheaper(path.first, ref.first):
        return found(path.first, ref.first)
    horizon = len(path.scales) - 1
    # Both costs only grow with the load, so a crossing in month m needs own(0) <= own(m) <= api(m) <= api(horizon):
    # when month 0's serving already costs more than the API at the horizon, no month in between can cross.
    # Step costs make the gap go up and down, so months are tried in order; after a month where the GPUs
    # cost `own`, no month can cross before the API bill reaches `own` again, so those are skipped.
    m = 1 if cheaper(path.first, ref.last) else horizon + 1
    while m <= horizon:
        own = path.last if m == horizon else path.at(path.scales[m], m)
        api = ref.last if m == horizon else ref.at(path.scales[m], m)
        if cheaper(own, api):
            return found(own, api)
        floor = (own.llm_usd or 0.0) + overhead
        m += 1
        while m < horizon and (ref.at(path.scales[m], m).llm_usd or 0.0) < floor:
            m += 1
    lo, hi = path.scales[-1], path.scales[-1]
    while hi < path.scales[-1] * BEYOND_MAX:  # past the horizon: decades, then bisection on the load
        lo, hi = hi, hi * 10.0
        if cheaper(path.at(hi, None), ref.at(hi, None)):
            for _ in range(8):  # the load to within 10^(1/256) = 0.9%
                mid = math.sqrt(lo * hi)
                lo, hi = (lo, mid) if cheaper(path.at(mid, None), ref.at(mid, None)) else (mid, hi)
            own = path.at(hi, None)
            return BreakEven(against=against, month=None, monthly_requests=own.llm_calls,
                             note=f"not within the horizon; it would be cheaper than {against} from about {own.llm_calls:,.0f}"
                                  f" LLM calls a month ({hi:,.1f}x today's volume)")
    return BreakEven(against=against, month=None, monthly_requests=None,
                     note=f"never within the horizon, nor up to {BEYOND_MAX:,.0f}x the horizon's volume: per call, {against}"
                          " stays cheaper than these GPUs")


def _explain(c: Candidate, p: planner.OptionPath, horizon: int) -> dict[str, str]:
    e = {
        "monthly_usd": f"the whole plan for this scenario with the model served as {c.label}: serving"
                       f" {_money(p.first.llm_usd)} + the rest of the stack {_money(None if p.total_usd is None or p.first.llm_usd is None else p.total_usd - p.first.llm_usd)}",
        "monthly_usd_at_horizon": f"the same at month {horizon} of the growth timeline: serving {_money(p.last.llm_usd)}"
                                  f", total {_money(p.total_usd_at_horizon)}",
    }
    if c.deployment == "self_hosted":
        e["gpus"] = (f"{p.replicas} replicas x TP {p.tensor_parallel} = {p.gpus} GPUs at the peak hour ({p.precision}; replicas from"
                     " the sequences generating at the peak, with the safety margin, over the sequences one replica serves within"
                     " the ITL and TTFT targets)")
        if p.gpu_utilization is not None:
            e["gpu_utilization"] = (f"{p.gpu_utilization:.0%}: sequences generating in each hour of the daily curve over the"
                                    " sequences the replicas running that hour can serve within the targets, GPU-hour weighted")
        e["limited_by"] = f"the estimator's bound at the SLO batch: {p.bound}"
    else:
        e["api_tier"] = p.tier_note or "no rate-limit table for this provider"
    return e


def _remembered(path: planner.OptionPath) -> planner.OptionPath:
    """The reference's serving cost at a load is asked for by every option's break-even: compute it once."""
    from functools import lru_cache

    return path._replace(at=lru_cache(maxsize=None)(path.at))


def _evaluate(s: Scenario, cat: Catalog, serving: Any, pricings: tuple[str, ...]) -> list[planner.OptionPath] | str:
    try:
        return planner.option_paths(s, cat, serving, pricings)
    except ScenarioError as exc:
        return "; ".join(exc.problems)


def serving_options(scenario: dict[str, Any], prices: dict[str, Any] | Catalog | None = None,
                    serving_catalog: str | None = None, candidates: CandidatesFile | None = None,
                    self_hosting_overhead_usd: float | None = None) -> OptionsResult:
    """Every candidate planned, ranked. Raises ScenarioError for a scenario that cannot be planned at all."""
    central = split(scenario)[0] if has_ranges(scenario) else scenario
    base = parse_scenario(central)
    notes = ["ranges in the scenario are planned at their middle here; `capplan plan` shows their bands"] if central is not scenario else []
    cat = planner.catalog_for(base.region or "aws-us-east-1", prices)
    from forecasting import serving as serving_pkg  # loaded only here: hosted-only plans never need it

    try:
        sc = serving_pkg.load_serving_catalog(serving_catalog)
    except (ValueError, OSError) as exc:
        raise ScenarioError(f"--catalog: {exc}") from None
    given_model = get_path(central, "llm.model")
    reference = given_model if get_path(central, "llm.deployment", "api") == "api" and given_model else str(DEFAULT_API_MODEL.value)
    ref_scenario = parse_scenario(_candidate_scenario(central, Candidate(deployment="api", model=reference)))
    ref_paths = _evaluate(ref_scenario, cat, sc, (str(base.pricing or "on_demand"),))
    if isinstance(ref_paths, str):
        raise ScenarioError(f"llm.model: the reference hosted model cannot be planned: {ref_paths}")
    ref = _remembered(ref_paths[0])
    central = _pinned(central, ref)
    horizon = len(ref.scales) - 1
    overhead_default = OPTIONS["options.self_hosting_overhead_usd"]
    overhead = self_hosting_overhead_usd if self_hosting_overhead_usd is not None else (
        candidates.self_hosting_overhead_usd if candidates and candidates.self_hosting_overhead_usd is not None else None)
    assumptions = []
    if overhead is None:
        overhead = float(overhead_default.value)
        assumptions.append(Assumption(name="options.self_hosting_overhead_usd", value=overhead, unit=overhead_default.unit,
                                      source=overhead_default.source))
    if candidates is not None:
        todo = list(candidates.candidates)
    else:
        peers, peer_notes = hosted_peers(cat, reference, ref.input_tokens_per_call, ref.output_tokens_per_call, horizon)
        hosted, more = self_hosted_candidates(cat, sc, DEFAULT_GPU_PRICINGS)
        todo = [Candidate(deployment="api", model=m) for m in [reference, *peers]] + hosted
        notes += peer_notes + more
        assumptions.append(Assumption(
            name="options.candidates", value=len(todo), unit="options",
            source=f"default set: {reference} and hosted models of its provider class within {1 / PRICE_BAND:.2g}x-{PRICE_BAND:g}x its"
                   f" price per call (at most {MAX_HOSTED_PEERS}), and every open model on every GPU priced in {cat.region} at each"
                   f" precision the GPU computes in, priced {' and '.join(DEFAULT_GPU_PRICINGS)}"))
    rows = _plan_all(todo, central, cat, sc, base, ref, reference, overhead, horizon)
    return OptionsResult(scenario=base.name or "scenario", horizon_months=horizon, reference_model=reference,
                         self_hosting_overhead_usd=overhead, candidates_considered=len(todo), options=rows,
                         assumptions=assumptions, notes=notes)


def _plan_all(todo: list[Candidate], central: dict[str, Any], cat: Catalog, sc: Any, base: Scenario,
              ref: planner.OptionPath, reference: str, overhead: float, horizon: int) -> list[OptionOut]:
    """Plan each candidate once per (deployment, model, GPU, precision, TP): the estimator runs once for
    all its GPU pricing options."""
    scenario_pricing = str(base.pricing or "on_demand")
    groups: dict[tuple[Any, ...], list[Candidate]] = {}
    for c in todo:
        groups.setdefault((c.deployment, c.model, c.gpu, c.precision, c.tensor_parallel), []).append(c)
    rows: list[tuple[tuple[Any, ...], OptionOut]] = []
    for key, group in groups.items():
        pricings = tuple(dict.fromkeys(c.pricing or scenario_pricing for c in group))
        try:
            s = parse_scenario(_candidate_scenario(central, group[0]))
        except ScenarioError as exc:
            paths: list[planner.OptionPath] | str = "; ".join(exc.problems)
        else:
            paths = _evaluate(s, cat, sc, pricings)
        for c in group:
            pr = c.pricing or scenario_pricing
            if isinstance(paths, str):
                rows.append(((2, math.inf, c.label), _failed(c, pr, paths)))
                continue
            p = next(x for x in paths if x.gpu_pricing == pr) if c.deployment == "self_hosted" else paths[0]
            row = _row(c, pr, p, ref, reference, overhead, horizon)
            order = 0 if row.serves and row.meets_slo else 1 if row.serves else 2
            rows.append(((order, row.monthly_usd if row.monthly_usd is not None else math.inf, c.label), row))
    rows.sort(key=lambda kr: kr[0])
    return [r.model_copy(update={"rank": i + 1}) for i, (_, r) in enumerate(rows)]


def _failed(c: Candidate, pricing: str, reason: str) -> OptionOut:
    return OptionOut(rank=0, deployment=c.deployment, model=c.model, gpu=c.gpu, precision=c.precision, pricing=pricing,
                     tensor_parallel=c.tensor_parallel, serves=False, meets_slo=False, monthly_usd=None, monthly_usd_at_horizon=None,
                     llm_monthly_usd=None, llm_monthly_usd_at_horizon=None, gpus=None, gpu_instance=None, api_tier=None,
                     gpu_utilization=None, itl_ms=None, ttft_ms=None, limited_by="cannot be planned", reason=reason,
                     break_even=None, explanations={"reason": "the planner refused this option: " + reason})


def _row(c: Candidate, pricing: str, p: planner.OptionPath, ref: planner.OptionPath, reference: str, overhead: float,
         horizon: int) -> OptionOut:
    reason = None
    serves = True
    if c.deployment == "api":
        if p.tier_checked and p.api_tier is None:
            serves, reason = False, f"no published rate-limit tier covers the peak: {p.tier_note}"
        limited = f"rate-limit tier {p.api_tier}" if p.api_tier else ("tier limits not published in the catalog" if not p.tier_checked else "no tier")
    else:
        if p.total_usd is None:
            serves, reason = False, f"no price for {c.gpu} instances in the catalog's region"
        elif not p.meets_slo:
            reason = f"misses the latency targets even at batch 1 (ITL {p.itl_ms:.0f} ms, TTFT {p.ttft_ms:.0f} ms)"
        limited = p.bound
    be = _break_even(p, ref, overhead, reference) if c.deployment == "self_hosted" and serves else None
    extra = overhead if c.deployment == "self_hosted" else 0.0
    expl = _explain(c, p, horizon)
    if be is not None:
        expl["break_even"] = be.note + (f" (including ${overhead:,.0f}/month operations overhead)" if overhead else "")
    return OptionOut(
        rank=0, deployment=c.deployment, model=c.model, gpu=c.gpu, precision=p.precision if c.deployment == "self_hosted" else None,
        pricing=pricing, tensor_parallel=p.tensor_parallel, serves=serves, meets_slo=serves and p.meets_slo,
        monthly_usd=None if p.total_usd is None else p.total_usd + extra,
        monthly_usd_at_horizon=None if p.total_usd_at_horizon is None else p.total_usd_at_horizon + extra,
        llm_monthly_usd=p.first.llm_usd, llm_monthly_usd_at_horizon=p.last.llm_usd,
        gpus=p.gpus if c.deployment == "self_hosted" else None, gpu_instance=p.gpu_instance, api_tier=p.api_tier,
        gpu_utilization=p.gpu_utilization, itl_ms=p.itl_ms, ttft_ms=p.ttft_ms, limited_by=limited, reason=reason,
        break_even=be, explanations=expl)


_PRICING_SHORT = {"on_demand": "on-demand", "reserved_1y": "1y reserved", "reserved_3y": "3y reserved", "spot": "spot"}


def _short_break_even(o: OptionOut) -> str:
    be = o.break_even
    if be is None:
        return "-"
    if be.month == 0:
        return "from the start"
    if be.month is not None:
        return f"from month {be.month}"
    if be.monthly_requests is not None:
        return f"at ~{be.monthly_requests:,.0f} calls/mo"
    return "never"


def option_label(o: OptionOut) -> str:
    if o.deployment == "api":
        return f"{o.model}, hosted ({o.api_tier or ('tiers not checked' if o.serves else 'no tier covers')})"
    gpus = f"{o.gpus} x " if o.gpus is not None else ""
    return f"{o.model} on {gpus}{o.gpu} {o.precision or ''}, {_PRICING_SHORT.get(o.pricing, o.pricing)}"


def option_rows(result: OptionsResult, top: int) -> list[tuple[str, ...]]:
    """The table's rows: the best `top` options, then the hosted reference if it ranked lower."""
    shown = result.options[:top]
    ref = next((o for o in result.options if o.deployment == "api" and o.model == result.reference_model), None)
    if ref is not None and ref not in shown:
        shown = [*shown, ref]
    rows: list[tuple[str, ...]] = []
    for o in shown:
        rows.append((str(o.rank), option_label(o), "yes" if o.meets_slo else "no", _money(o.monthly_usd),
                     _money(o.monthly_usd_at_horizon), f"{o.gpu_utilization:.0%}" if o.gpu_utilization is not None else "-",
                     _short_break_even(o)))
    if len(result.options) > len(shown):
        rows.append(("", f"... {len(result.options) - len(shown)} more (--format json lists all)", "", "", "", "", ""))
    return rows


def chat_summary(result: OptionsResult, top: int = 3) -> dict[str, Any]:
    """What a chat reply needs: the best options, the cheapest hosted one, the best self-hosted one and
    its break-even, in plain words; compact, since tool results cost tokens."""
    def brief(o: OptionOut) -> dict[str, Any]:
        out: dict[str, Any] = {"option": option_label(o), "meets_latency_targets": o.meets_slo,
                               "monthly_usd": None if o.monthly_usd is None else round(o.monthly_usd),
                               f"monthly_usd_at_month_{result.horizon_months}": None if o.monthly_usd_at_horizon is None
                               else round(o.monthly_usd_at_horizon)}
        if o.break_even is not None:
            out["break_even"] = o.break_even.note
        if o.reason:
            out["reason"] = o.reason[:160]
        return out

    ok = [o for o in result.options if o.serves and o.meets_slo]
    hosted = next((o for o in ok if o.deployment == "api"), None)
    own = next((o for o in ok if o.deployment == "self_hosted"), None)
    return {
        "compared": result.candidates_considered, "reference_hosted_model": result.reference_model,
        "best": [brief(o) for o in ok[:top]],
        "cheapest_hosted": brief(hosted) if hosted else None,
        "cheapest_self_hosted": brief(own) if own else None,
        "cannot_serve": sum(not o.serves for o in result.options),
        "self_hosting_overhead_usd": result.self_hosting_overhead_usd,
        "note": "costs are the whole plan per month; the options run different models and capplan does not judge"
                " model quality: say which model each option runs",
    }
