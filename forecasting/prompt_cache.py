"""How much of each LLM call's input a prompt cache serves, from the conversation's structure.

Why structure and not a flat guess: a chat turn resends the whole conversation, so the reusable prefix of
turn k is the system prompt plus the earlier turns; whether it is served from cache depends on the cache's
rules (the shortest prefix it caches, how long an unused prefix lives) and on how long the user paused.
One function serves both sides: hosted APIs (provider rules in data/prompt_caching.json, the discount in
each model's cached-input price) and self-hosted engines (prefix caching of KV blocks).

Conversation model (documented in docs/serving.md, "Prefix caching"):
* a session has M user messages (M not whole: sessions of ⌊M⌋ and ⌈M⌉ messages, mixed to mean M);
* call k's input = system S + retrieved R + new message p + (k − 1) earlier turns of (p + o);
* its reusable prefix: k = 1, the system prompt (identical for every user, kept warm by their traffic);
  k ≥ 2, S + (k − 2)(p + o) + p when nothing is retrieved (the previous prompt ended with the previous
  message; its answer was output, which hosted caches do not hold, while engines do: + o), and
  S + (k − 2)(p + o) when retrieved context sits before each new message (it breaks the prefix there);
* the conversation's own prefix is reused only if the pause since its previous call (think time +
  response) is within the cache lifetime, and only if it is at least the minimum cacheable prefix;
  otherwise only the shared system prompt can hit (if it alone reaches the minimum);
* engines reuse whole KV blocks: the prefix is rounded down to a multiple of the block size.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from forecasting.scenario import ResolvedWorkload

DATA = Path(__file__).resolve().parent / "data" / "prompt_caching.json"


class CacheRule(NamedTuple):
    """What a cache keeps: the shortest prefix, the lifetime of an unused prefix, block granularity."""

    name: str
    min_prefix_tokens: float
    lifetime_s: float            # inf: kept until evicted (an engine's KV pool)
    block_tokens: float = 1.0
    caches_output: bool = False  # engines keep the KV of generated tokens too
    source: str = ""


class Conversation(NamedTuple):
    system_prompt_tokens: float
    retrieved_context_tokens: float
    prompt_tokens: float
    output_tokens: float
    messages_per_session: float
    seconds_between_calls: float  # think time + response time


class CacheShare(NamedTuple):
    share: float                  # cached / all input tokens, over all calls
    cached_tokens_per_call: float
    input_tokens_per_call: float
    system_share: float           # part of `share` from the shared system prompt alone
    conversation_reused: bool     # False: the pause outlives the cache, only the system prompt can hit
    explanation: str


@lru_cache(maxsize=1)
def _rules_doc() -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(DATA.read_text(encoding="utf-8"))
    return doc


def provider_rule(provider: str, model: str) -> CacheRule | None:
    """The provider's rule for `model`, or None when the catalog has no caching rule for the provider."""
    p = _rules_doc()["providers"].get(provider)
    if p is None:
        return None
    mins: dict[str, float] = p["min_prefix_tokens"]
    base = model.split("/")[-1]
    return CacheRule(name=f"{provider} ({p['mode']})", min_prefix_tokens=float(mins.get(base, mins["default"])),
                     lifetime_s=float(p["lifetime_s"]), source=f"{p['source']}; lifetime: {p['lifetime_source']}")


def engine_rule(profile_id: str, block_tokens: int) -> CacheRule:
    return CacheRule(name=f"{profile_id} prefix caching", min_prefix_tokens=float(block_tokens), lifetime_s=math.inf,
                     block_tokens=float(block_tokens), caches_output=True,
                     source="engine profile (forecasting/data/engine_profiles.json)")


def _sessions(m: float) -> list[tuple[int, float]]:
    lo = max(1, math.floor(m))
    hi = max(1, math.ceil(m))
    if lo == hi:
        return [(lo, 1.0)]
    w_hi = m - lo
    return [(lo, 1.0 - w_hi), (hi, w_hi)]


def cached_share(c: Conversation, rule: CacheRule) -> CacheShare:
    """Token-weighted share of input served from the cache, over all calls of all sessions."""
    s, r, p, o = c.system_prompt_tokens, c.retrieved_context_tokens, c.prompt_tokens, c.output_tokens
    reuse = c.seconds_between_calls <= rule.lifetime_s

    def floor_block(x: float) -> float:
        return math.floor(x / rule.block_tokens) * rule.block_tokens

    def hit(prefix: float) -> float:
        return floor_block(prefix) if prefix >= rule.min_prefix_tokens else 0.0

    sys_hit = hit(s)
    total_in = total_cached = total_sys = 0.0
    for n, w in _sessions(c.messages_per_session):
        for k in range(1, n + 1):
            inp = s + r + p + (k - 1) * (p + o)
            if k == 1 or not reuse:
                cached = sys_hit
            else:
                prefix = s + (k - 2) * (p + o) + (0.0 if r > 0 else p + (o if rule.caches_output else 0.0))
                cached = max(hit(prefix), sys_hit)
            total_in += w * inp
            total_cached += w * cached
            total_sys += w * sys_hit
    share = total_cached / total_in if total_in > 0 else 0.0
    calls = sum(w * n for n, w in _sessions(c.messages_per_session))
    why = (f"{rule.name}: prefixes of {rule.min_prefix_tokens:,.0f}+ tokens"
           + ("" if math.isinf(rule.lifetime_s) else f", kept {rule.lifetime_s / 60:g} min unused")
           + f"; system prompt {s:,.0f} tokens ({'cached' if sys_hit else 'below the minimum'}); "
           + (f"the conversation's prefix is reused ({c.seconds_between_calls:,.0f} s between calls)" if reuse else
              f"{c.seconds_between_calls:,.0f} s between calls outlives the cache: only the system prompt can hit")
           + f"; over sessions of {c.messages_per_session:g} messages: {total_cached / calls:,.0f} of "
           + f"{total_in / calls:,.0f} input tokens per call cached = {share:.1%}")
    return CacheShare(share=share, cached_tokens_per_call=total_cached / calls, input_tokens_per_call=total_in / calls,
                      system_share=total_sys / total_in if total_in > 0 else 0.0, conversation_reused=reuse,
                      explanation=why)


def scenario_share(app_type: str, deployment: str, provider: str | None, model: str, w: "ResolvedWorkload",
                   seconds_between_calls: float, engine: tuple[str, int, bool] | None) -> tuple[float, str] | None:
    """The chatbot default of `workload.cached_input_share`, derived; None where a measured default stands.

    Agents keep their measured default (TraceLab's token-weighted hit rate, defaults.py): their context
    grows within a task in ways a turn model does not capture. `engine` is (profile id, block tokens,
    prefix caching on) for self-hosting.
    """
    if app_type != "chatbot":
        return None
    conv = Conversation(system_prompt_tokens=float(w.system_prompt_tokens),
                        retrieved_context_tokens=float(w.retrieved_context_tokens),
                        prompt_tokens=float(w.prompt_tokens), output_tokens=float(w.output_tokens),
                        messages_per_session=float(w.messages_per_session), seconds_between_calls=seconds_between_calls)
    if deployment == "self_hosted":
        assert engine is not None
        if not engine[2]:
            return 0.0, f"engine profile {engine[0]} has prefix caching off"
        rule = engine_rule(engine[0], engine[1])
    else:
        found = provider_rule(provider or "", model)
        if found is None:
            return 0.0, f"no prompt-caching rule for provider {provider!r} in forecasting/data/prompt_caching.json"
        rule = found
    got = cached_share(conv, rule)
    return got.share, f"derived from the conversation structure: {got.explanation} (rule: {rule.source})"
