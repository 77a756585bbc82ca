"""Stage 2 of reading a message: each number with the words around it, up to the clause boundary.

Why a stage of its own: a number's meaning comes from its own words ("3,000 *online at once*", "*peak
concurrency of* 5k"); this finds the numbers and durations, cuts each one's clause, and hands the
number to `meanings.py`, which decides what it is.
"""
from __future__ import annotations

import re

from agent.guided.meanings import _added, _count, _multiplier_here, _percent, growth_phrases
from agent.guided.numbers import find_durations, find_numbers
from agent.guided.ranged import keep
from agent.guided.patterns import (
    AVERAGE, CLAUSE_END, CONCURRENT, GROWTH, HORIZON_HINT, NOT_HORIZON, PEAK, REGISTERED, _I,
)
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from agent.guided.understand import Understanding


def _clause_after(text: str, n_end: int, limit: int) -> str:
    window = text[n_end:min(limit, n_end + 60)]
    m = CLAUSE_END.search(window)
    return window[:m.start()] if m else window


def _clause_before(text: str, n_start: int, floor: int) -> str:
    window = text[max(floor, n_start - 50):n_start]
    cuts = list(re.finditer(r"[;.!?\n(|]|,\s|\band\b|\bbut\b|\bwhile\b|\bwith\b|\bplus\b", window, _I))
    return window[cuts[-1].end():] if cuts else window


def _quantities(text: str, u: Understanding) -> None:
    numbers = find_numbers(text)
    durations = [d for d in find_durations(text)]
    in_duration: set[int] = set()
    for d in durations:
        before = text[max(0, d.start - 25):d.start]
        after = text[d.end:d.end + 12]
        for i, n in enumerate(numbers):
            if d.start <= n.start < d.end:
                in_duration.add(i)
        if NOT_HORIZON.search(before[-12:]) or re.match(r"\s*(?:ago|old)\b", after, _I):
            continue
        if HORIZON_HINT.search(before) or GROWTH.search(text) or re.match(r"\s*(?:horizon|plan|ahead|out)\b", after, _I) \
                or "what_if" in u.intents or len(text.strip()) <= d.end - d.start + 12:
            u.horizon = int(round(d.months))
    growth_phrases(text, u)
    prev_end = 0
    for i, n in enumerate(numbers):
        if i in in_duration:
            prev_end = n.end
            continue
        nxt = numbers[i + 1].start if i + 1 < len(numbers) else len(text)
        after = _clause_after(text, n.end, nxt)
        before = _clause_before(text, n.start, prev_end)
        prev_end = n.end
        if _multiplier_here(text, n) or (not n.percent and _added(text, n, before, after, u)):
            continue
        if n.percent:
            _percent(text, n, before, after, u)
        elif text[n.start].isdigit() or text[n.start] in "-.−–" or n.scaled:
            _count(n, before, after, u, text[max(0, n.start - 30):n.start])  # a lone "one"/"two" is a word, not a figure ("the doubled one")
    _fill_from_message(text, u)


def _fill_from_message(text: str, u: Understanding) -> None:
    """ "lots of them are online at once, maybe 3000": a bare number takes the one quantity the message names."""
    if len(u.bare_numbers) != 1:
        return
    conc_named = bool(CONCURRENT.search(text)) and u.concurrent is None and u.peak is None and u.concurrent_share is None
    reg_named = bool(REGISTERED.search(text)) and u.registered is None
    if conc_named:
        _, said = u.take_bare(first=False)
        if PEAK.search(text) and not AVERAGE.search(text):
            u.peak = keep(u.ranges, "peak_concurrent_users", said)
        else:
            u.concurrent = keep(u.ranges, "concurrent_users", said)
    elif reg_named and not CONCURRENT.search(text):
        u.registered = u.take_bare(first=False)[0]
