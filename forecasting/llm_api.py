"""Hosted LLM API: rate limits needed at peak, the tier that covers them, and the monthly bill.

Why tiers check spend too: OpenAI tiers cap monthly spend as well as RPM/TPM, so a tier whose limits
cover the peak but whose cap is below the bill does not actually work.
Why cache writes: Anthropic-style explicit caching bills tokens written to the cache at a premium
(1.25x for 5-minute writes); with a high hit rate the uncached part is exactly what gets written.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from forecasting.catalog import Catalog
from forecasting.workload import Load

MTOK = 1_000_000.0


@dataclass(frozen=True)
class ApiPrices:
    model: str
    provider: str
    input: float
    cached_input: float
    cache_write: float | None
    output: float
    source: str
    as_of: str
    max_input_tokens: int | None
    long_context_note: str = ""  # set when a long-context tier prices the calls


@dataclass(frozen=True)
class ApiSizing:
    required_rpm: float
    required_input_tpm: float
    required_output_tpm: float
    required_tpm: float
    tier: str | None
    tier_note: str
    tier_limits: tuple[float, float] | None  # (rpm, tpm) of the chosen tier
    tier_checked: bool  # False when the catalog has no tier table for the provider
    monthly_uncached_input_usd: float
    monthly_cached_input_usd: float
    monthly_cache_write_usd: float
    monthly_output_usd: float
    monthly_usd: float


def prices_for(cat: Catalog, model: str) -> ApiPrices:
    m: dict[str, Any] = cat.api_models[model]
    inp = float(m["input_usd_per_mtok"])
    cached = m.get("cached_input_usd_per_mtok")
    write = m.get("cache_write_usd_per_mtok")
    return ApiPrices(
        model=model, provider=str(m["provider"]), input=inp,
        cached_input=float(cached) if cached is not None else inp,
        cache_write=float(write) if write is not None else None,
        output=float(m["output_usd_per_mtok"]), source=str(m.get("source", cat.api_price_source)),
        as_of=str(m.get("as_of", "undated")), max_input_tokens=m.get("max_input_tokens"),
    )


def with_long_context(p: ApiPrices, cat: Catalog, input_tokens_per_call: float) -> ApiPrices:
    """The prices a call of this length pays: above a model's long-context threshold the whole request is
    billed at the higher tier (Gemini and Claude bill the entire prompt, not only the tokens past it). The
    tier's cached-input and cache-write prices are not in the data; they are scaled by the same input ratio
    (derived, said in the note)."""
    lc = cat.api_models[p.model].get("long_context")
    if not lc or input_tokens_per_call <= float(lc["above_input_tokens"]):
        return p
    k = float(lc["input_usd_per_mtok"]) / p.input if p.input > 0 else 1.0
    note = (f"{input_tokens_per_call:,.0f} input tokens per call exceed {p.model}'s {int(lc['above_input_tokens']):,}-token"
            f" long-context threshold: the whole request is billed at ${lc['input_usd_per_mtok']}/M input and"
            f" ${lc['output_usd_per_mtok']}/M output instead of ${p.input}/M and ${p.output}/M ({lc['source']}, {lc['as_of']});"
            f" cached input and cache writes scaled by the same x{k:.2f} (derived)")
    return replace(p, input=float(lc["input_usd_per_mtok"]), output=float(lc["output_usd_per_mtok"]),
                   cached_input=p.cached_input * k, cache_write=p.cache_write * k if p.cache_write is not None else None,
                   long_context_note=note)


def deprecation(cat: Catalog, model: str, horizon_months: int) -> str | None:
    """A warning when the model's deprecation date falls before the end of the horizon (counted from the
    price data's date), naming the successor where the data has one, else current same-provider models."""
    m = cat.api_models[model]
    when = m.get("deprecation_date")
    if not when:
        return None
    start = _date(str(m.get("as_of") or ""), PRICE_DATA_DATE) or PRICE_DATA_DATE
    end = _add_months(start, horizon_months)
    dep = _date(str(when), None)
    if dep is None:
        return None
    if dep > end:
        return None
    def alive(x: dict[str, Any]) -> bool:
        d = _date(str(x.get("deprecation_date") or ""), None)
        return d is None or d > end
    successor = m.get("successor")
    if successor:
        instead = f"its successor is {successor}"
    else:
        same = sorted((x for x in cat.api_models.values() if x["provider"] == m["provider"] and x["id"] != model and alive(x)),
                      key=lambda x: (abs(float(x["output_usd_per_mtok"]) - float(m["output_usd_per_mtok"])), x["id"]))[:3]
        instead = ("the price data names no successor; current " + str(m["provider"]) + " models priced closest: "
                   + ", ".join(f"{x['id']} (${x['input_usd_per_mtok']}/${x['output_usd_per_mtok']} per M in/out)" for x in same)
                   if same else "the price data names no successor")
    tense = "was deprecated on" if dep <= start else f"is deprecated on"
    return (f"llm.model: {model} {tense} {when} (LiteLLM deprecation_date), inside this plan's {horizon_months}-month horizon"
            f" (from {start.isoformat()}); {instead}")


PRICE_DATA_DATE = date(2026, 11, 27)  # the LiteLLM price map's retrieval date (llm_api.json price_source)


def _date(text: str, default: date | None) -> date | None:
    """An ISO date, or `default` for a row without one (user price files say 'user-supplied')."""
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return default


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, min(d.day, 28))


def monthly_api_cost(load: Load, p: ApiPrices) -> tuple[float, float, float, float]:
    """(uncached input, cached input, cache writes, output) USD per month from average-load volumes."""
    cached_tokens = load.monthly_cached_input_tokens
    uncached_tokens = load.monthly_input_tokens - cached_tokens
    cached = cached_tokens / MTOK * p.cached_input
    output = load.monthly_output_tokens / MTOK * p.output
    if p.cache_write is not None and cached_tokens > 0:
        return 0.0, cached, uncached_tokens / MTOK * p.cache_write, output
    return uncached_tokens / MTOK * p.input, cached, 0.0, output


def size_api(load: Load, margin: float, p: ApiPrices, cat: Catalog) -> ApiSizing:
    rpm = load.peak_llm_calls_per_s * 60.0 * (1.0 + margin)
    in_tpm = load.peak_input_tokens_per_min * (1.0 + margin)
    out_tpm = load.peak_output_tokens_per_min * (1.0 + margin)
    tpm = in_tpm + out_tpm  # providers count input and output tokens against TPM
    uncached, cached, writes, output = monthly_api_cost(load, p)
    monthly = uncached + cached + writes + output
    tier, note, limits = choose_tier(cat, p.provider, rpm, tpm, monthly)
    checked = bool(cat.api_tiers.get(p.provider, {}).get("tiers"))
    return ApiSizing(rpm, in_tpm, out_tpm, tpm, tier, note, limits, checked, uncached, cached, writes, output, monthly)


def choose_tier(cat: Catalog, provider: str, rpm: float, tpm: float, monthly_usd: float) -> tuple[str | None, str, tuple[float, float] | None]:
    info = cat.api_tiers.get(provider)
    if not info or not info.get("tiers"):
        note = info["note"] if info else f"no rate-limit data for provider {provider!r} in the catalog"
        return None, f"no published tier limits to check against: {note}", None
    for t in info["tiers"]:
        cap = t.get("monthly_spend_cap_usd")
        if t["rpm"] >= rpm and t["tpm"] >= tpm and (cap is None or cap >= monthly_usd):
            cap_text = f", spend cap ${cap:,.0f}/month" if cap is not None else ""
            return (t["name"], f"{t['name']} ({t['qualification']}): {t['rpm']:,} RPM, {t['tpm']:,} TPM{cap_text}; "
                    f"source: {info['source']}", (float(t["rpm"]), float(t["tpm"])))
    top = info["tiers"][-1]
    return None, (f"no {provider} tier covers {rpm:,.0f} RPM / {tpm:,.0f} TPM / ${monthly_usd:,.0f} a month "
                  f"(highest: {top['name']}, {top['rpm']:,} RPM, {top['tpm']:,} TPM): request a custom limit, "
                  f"spread load over several projects/regions, or use provisioned throughput"), None
