"""Hosted LLM API: rate limits needed at peak, the tier that covers them, and the monthly bill.

Why tiers check spend too: OpenAI tiers cap monthly spend as well as RPM/TPM, so a tier whose limits
cover the peak but whose cap is below the bill does not actually work.
Why cache writes: Anthropic-style explicit caching bills tokens written to the cache at a premium
(1.25x for 5-minute writes); with a high hit rate the uncached part is exactly what gets written.
Why per-model tables: OpenAI's and Anthropic's limits differ per model (gpt-5-mini's tier-5 TPM is 4.5x
gpt-5's), so a model with its own published table is checked against it, not the provider's generic one.
Why ITPM and OTPM apart: Anthropic limits input and output tokens per minute separately (and cache reads do
not count toward ITPM), so a combined TPM check can pass a plan whose output alone exceeds OTPM.
Why `explain`: with it on (month 0 of a plan), `size_api` writes the llm.api.* derivations and the API's
llm.monthly_usd beside the arithmetic, from the same locals (forecasting/derivation.py).
"""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

from forecasting.catalog import Catalog
from forecasting.catalog_entries import ApiModel, ModelTierTable, RateLimitTier
from forecasting.derivation import margin_factor, n as _n, NO_DERIVATIONS
from forecasting.workload import Load

MTOK = 1_000_000.0


class ApiPrices(NamedTuple):
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


class ApiSizing(NamedTuple):
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
    derivations: Mapping[str, str] = NO_DERIVATIONS


def prices_for(cat: Catalog, model: str) -> ApiPrices:
    m = cat.api_models[model]
    inp = float(m.input_usd_per_mtok)
    cached, write = m.cached_input_usd_per_mtok, m.cache_write_usd_per_mtok
    return ApiPrices(
        model=model, provider=m.provider, input=inp,
        cached_input=float(cached) if cached is not None else inp,
        cache_write=float(write) if write is not None else None,
        output=float(m.output_usd_per_mtok), source=m.source, as_of=m.as_of, max_input_tokens=m.max_input_tokens,
    )


def with_long_context(p: ApiPrices, cat: Catalog, input_tokens_per_call: float) -> ApiPrices:
    """The prices a call of this length pays: above a model's long-context threshold the whole request is
    billed at the higher tier (Gemini and Claude bill the entire prompt, not only the tokens past it). The
    tier's cached-input and cache-write prices are not in the data; they are scaled by the same input ratio
    (derived, said in the note)."""
    lc = cat.api_models[p.model].long_context
    if not lc or input_tokens_per_call <= float(lc.above_input_tokens):
        return p
    k = float(lc.input_usd_per_mtok) / p.input if p.input > 0 else 1.0
    note = (f"{input_tokens_per_call:,.0f} input tokens per call exceed {p.model}'s {int(lc.above_input_tokens):,}-token"
            f" long-context threshold: the whole request is billed at ${lc.input_usd_per_mtok}/M input and"
            f" ${lc.output_usd_per_mtok}/M output instead of ${p.input}/M and ${p.output}/M ({lc.source}, {lc.as_of});"
            f" cached input and cache writes scaled by the same x{k:.2f} (derived)")
    return p._replace(input=float(lc.input_usd_per_mtok), output=float(lc.output_usd_per_mtok),
                   cached_input=p.cached_input * k, cache_write=p.cache_write * k if p.cache_write is not None else None,
                   long_context_note=note)


def deprecation(cat: Catalog, model: str, horizon_months: int) -> str | None:
    """A warning when the model's deprecation date falls before the end of the horizon (counted from the
    price data's date), naming the successor where the data has one, else current same-provider models."""
    m = cat.api_models[model]
    when = m.deprecation_date
    if not when:
        return None
    start = _date(m.as_of, PRICE_DATA_DATE) or PRICE_DATA_DATE
    end = _add_months(start, horizon_months)
    dep = _date(when, None)
    if dep is None:
        return None
    if dep > end:
        return None
    def alive(x: ApiModel) -> bool:
        d = _date(x.deprecation_date or "", None)
        return d is None or d > end
    successor = m.successor
    if successor:
        instead = f"its successor is {successor}"
    else:
        same = sorted((x for x in cat.api_models.values() if x.provider == m.provider and x.id != model and alive(x)),
                      key=lambda x: (abs(x.output_usd_per_mtok - m.output_usd_per_mtok), x.id))[:3]
        instead = ("the price data names no successor; current " + m.provider + " models priced closest: "
                   + ", ".join(f"{x.id} (${x.input_usd_per_mtok}/${x.output_usd_per_mtok} per M in/out)" for x in same)
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


class ApiBill(NamedTuple):
    """USD per month by kind of token, from average-load volumes."""

    uncached_input: float
    cached_input: float
    cache_writes: float
    output: float


class TierChoice(NamedTuple):
    tier: str | None  # None: no tier covers the need, or no table to check against
    note: str
    limits: tuple[float, float] | None  # (RPM, TPM or ITPM + OTPM) of the chosen tier


class _Bill(NamedTuple):
    """The bill with the token counts and the branch it took, so `size_api`'s text reads what the figure used."""

    uncached_tokens: float
    cached_tokens: float
    usd: ApiBill
    writes_billed: bool  # explicit caching: the uncached part is billed as cache writes


def _bill(load: Load, p: ApiPrices) -> _Bill:
    cached_tokens = load.monthly_cached_input_tokens
    uncached_tokens = load.monthly_input_tokens - cached_tokens
    cached = cached_tokens / MTOK * p.cached_input
    output = load.monthly_output_tokens / MTOK * p.output
    if p.cache_write is not None and cached_tokens > 0:
        return _Bill(uncached_tokens, cached_tokens, ApiBill(0.0, cached, uncached_tokens / MTOK * p.cache_write, output), True)
    return _Bill(uncached_tokens, cached_tokens, ApiBill(uncached_tokens / MTOK * p.input, cached, 0.0, output), False)


def monthly_api_cost(load: Load, p: ApiPrices) -> ApiBill:
    return _bill(load, p).usd


def size_api(load: Load, margin: float, p: ApiPrices, cat: Catalog, explain: bool = False) -> ApiSizing:
    k = 1.0 + margin
    rpm = load.peak_llm_calls_per_s * 60.0 * k
    in_tpm = load.peak_input_tokens_per_min * k
    out_tpm = load.peak_output_tokens_per_min * k
    tpm = in_tpm + out_tpm  # providers count input and output tokens against TPM
    bill = _bill(load, p)
    uncached, cached, writes, output = bill.usd
    monthly = uncached + cached + writes + output
    cached_share = load.monthly_cached_input_tokens / load.monthly_input_tokens if load.monthly_input_tokens > 0 else 0.0
    tier, note, limits = choose_tier(cat, p.provider, rpm, tpm, monthly, model=p.model, input_tpm=in_tpm,
                                     output_tpm=out_tpm, cached_input_share=cached_share)
    checked = bool(tier_table(cat, p.provider, p.model)[0])
    derivations = NO_DERIVATIONS
    if explain:
        src = f"{p.model} list price ({p.source}, as of {p.as_of})"
        new_m, cached_m, out_m = bill.uncached_tokens / MTOK, bill.cached_tokens / MTOK, load.monthly_output_tokens / MTOK
        derivations = {
            "llm.api.required_rpm": (f"required RPM = {_n(load.peak_llm_calls_per_s)} calls/s x 60 x {margin_factor(margin)}"
                                     f" = {_n(rpm)} requests/min"),
            "llm.api.required_tpm": (f"required TPM = ({_n(load.peak_input_tokens_per_min)} input + {_n(load.peak_output_tokens_per_min)} output tokens/min)"
                                     f" x {margin_factor(margin)} = {_n(tpm)} tokens/min"),
            "llm.api.tier": note,
            "llm.monthly_usd": (
                f"LLM API = {_n(new_m, 1)} M uncached input tokens x "
                f"${p.cache_write if bill.writes_billed else p.input}/M{' (cache write)' if bill.writes_billed else ''}"
                f" + {_n(cached_m, 1)} M cached x ${p.cached_input}/M + {_n(out_m, 1)} M output x ${p.output}/M"
                f" = ${monthly:,.2f}/month ({p.model}, {p.source}, as of {p.as_of})"),
            "llm.api.required_input_tpm": f"{_n(load.peak_input_tokens_per_min)} input tokens/min x {margin_factor(margin)} = {_n(in_tpm)}",
            "llm.api.required_output_tpm": f"{_n(load.peak_output_tokens_per_min)} output tokens/min x {margin_factor(margin)} = {_n(out_tpm)}",
            "llm.api.price_input_usd_per_mtok": f"${p.input} per million input tokens: {src}" + (f"; {p.long_context_note}" if p.long_context_note else ""),
            "llm.api.price_cached_input_usd_per_mtok": f"${p.cached_input} per million cached input tokens: {src}",
            "llm.api.price_cache_write_usd_per_mtok": (f"${p.cache_write} per million tokens written to the prompt cache: {src}"
                                                       if p.cache_write is not None else "no separate cache-write price for this model"),
            "llm.api.price_output_usd_per_mtok": f"${p.output} per million output tokens: {src}",
            "llm.api.monthly_uncached_input_usd": (f"{_n(new_m, 1)} M uncached input tokens x ${p.input}/M = ${uncached:,.2f}"
                                                   if not bill.writes_billed else "0: with explicit caching the uncached part is billed as cache writes"),
            "llm.api.monthly_cached_input_usd": f"{_n(cached_m, 1)} M cached tokens x ${p.cached_input}/M = ${cached:,.2f}",
            "llm.api.monthly_cache_write_usd": (f"{_n(new_m, 1)} M new prompt tokens written to the cache x ${p.cache_write}/M = ${writes:,.2f}"
                                                if bill.writes_billed else "0: no cache writes billed (no cached share, or the provider caches automatically)"),
            "llm.api.monthly_output_usd": f"{_n(out_m, 1)} M output tokens x ${p.output}/M = ${output:,.2f}",
        }
    return ApiSizing(rpm, in_tpm, out_tpm, tpm, tier, note, limits, checked, uncached, cached, writes, output, monthly, derivations)


def tier_table(cat: Catalog, provider: str, model: str | None) -> tuple[list[RateLimitTier], ModelTierTable | None]:
    """The tiers a model is checked against: its own table where the data has one (fields it leaves null,
    e.g. an RPM the source did not state, come from the provider tier of the same name), else the provider's.
    Returns (tiers, the model table or None)."""
    info = cat.api_tiers.get(provider)
    if info is None:
        return [], None
    own = next((t for t in info.model_tables if model is not None and model in t.models), None)
    if own is None:
        return list(info.tiers), None
    by_name = {t.name: t for t in info.tiers}
    merged = []
    for t in own.tiers:
        stated = {k: v for k, v in t.model_dump(exclude_unset=True).items() if v is not None}
        base = by_name.get(t.name)
        merged.append(base.model_copy(update=stated) if base is not None else t)
    return [t for t in merged if t.rpm is not None], own


def choose_tier(cat: Catalog, provider: str, rpm: float, tpm: float, monthly_usd: float, *, model: str | None = None,
                input_tpm: float | None = None, output_tpm: float | None = None,
                cached_input_share: float = 0.0) -> TierChoice:
    """The smallest tier covering RPM, tokens per minute and the monthly bill. A tier with `itpm`/`otpm` is
    checked on input and output separately (input without cache reads where the table says they do not
    count); otherwise on combined TPM. tier_limits returned: (RPM, TPM, or ITPM + OTPM)."""
    info = cat.api_tiers.get(provider)
    tiers, own = tier_table(cat, provider, model)
    if not tiers:
        note = info.note if info else f"no rate-limit data for provider {provider!r} in the catalog"
        return TierChoice(None, f"no published tier limits to check against: {note}", None)
    assert info is not None
    source = (f"{model}'s own table: {own.source}, {own.as_of}" + (f"; other fields: {info.source}"
              if any(v is None for t in own.tiers for v in t.model_dump(exclude_unset=True).values()) else "")) if own else info.source
    inp = tpm if input_tpm is None else input_tpm
    out = 0.0 if output_tpm is None else output_tpm
    counted_in = inp * (1.0 - cached_input_share) if own is not None and own.cache_reads_count_toward_itpm is False else inp
    def fits(t: RateLimitTier, spend: float) -> bool:
        cap = t.monthly_spend_cap_usd
        if t.rpm is None or t.rpm < rpm or (cap is not None and cap < spend):
            return False
        if t.itpm is not None:
            return t.itpm >= counted_in and t.otpm is not None and t.otpm >= out
        return t.tpm is not None and t.tpm >= tpm
    def limits_text(t: RateLimitTier) -> str:
        if t.itpm is not None:
            return f"{t.rpm:,} RPM, {t.itpm:,} input TPM, {t.otpm:,} output TPM"
        return f"{t.rpm:,} RPM, {t.tpm:,} TPM"
    need = (f"{rpm:,.0f} RPM / {counted_in:,.0f} input TPM"
            + (f" ({cached_input_share:.0%} cache reads not counted)" if counted_in != inp else "")
            + f" / {out:,.0f} output TPM" if tiers[0].itpm is not None else f"{rpm:,.0f} RPM / {tpm:,.0f} TPM")
    for t in tiers:
        if fits(t, monthly_usd) and t.rpm is not None:
            cap = t.monthly_spend_cap_usd
            cap_text = f", spend cap ${cap:,.0f}/month" if cap is not None else ""
            total = float((t.itpm or 0) + (t.otpm or 0)) if t.itpm is not None else float(t.tpm or 0)
            return TierChoice(t.name, f"{t.name} ({t.qualification}): {limits_text(t)}{cap_text}; needs {need}; "
                              f"source: {source}", (float(t.rpm), total))
    top = tiers[-1]
    by_limits = next((t for t in tiers if fits(t, 0.0)), None)
    caps = [float(t.monthly_spend_cap_usd) for t in tiers if fits(t, 0.0) and t.monthly_spend_cap_usd is not None]
    why = (f"{by_limits.name}'s limits and up cover the peak, but even the highest spend cap (${max(caps):,.0f}/month)"
           f" is below the bill" if by_limits is not None and caps else f"highest: {top.name}, {limits_text(top)}")
    return TierChoice(None, (f"no {provider} tier covers {need} / ${monthly_usd:,.0f} a month "
                             f"({why}): request a custom limit, "
                             f"spread load over several projects/regions, or use provisioned throughput; source: {source}"), None)
