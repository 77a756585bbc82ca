"""Stage 3 of reading a message: what each number is (registered users, online at once, a peak, a share,
growth, an addition, a multiplier), and the plain-English problems for values no plan can use.

Why a stage of its own: the rules that give a number its meaning from its clause are the judgement
calls of the guided mode; each is a small function here, tested through `understand()`.
"""
from __future__ import annotations

import re
from typing import Callable

from agent.guided.numbers import Number, rate_period_months, to_monthly_rate
from agent.guided.patterns import ARE_ON, SHARE_BEFORE, SHARE_OF
from agent.guided.ranged import Figure, Said, Span, keep
from agent.guided.patterns import (
    AVERAGE, BEFORE_CONC, BEFORE_GROWTH, BEFORE_PEAK, BEFORE_REG, BEFORE_SHRINK, CONCURRENT, EVERY, GROWTH, MULTIPLE, NO_GROWTH, OTHER_UNIT, PEAK, REGISTERED, SHRINK, _I, _MULT_WORDS, _UNIT_MONTHS, _WORD_N,
)
from typing import TYPE_CHECKING

from forecasting.scenario import MAX_GROWTH, MAX_HORIZON_MONTHS, MIN_GROWTH, PEOPLE_ALIVE

if TYPE_CHECKING:  # pragma: no cover
    from agent.guided.understand import Understanding


ADD_BEFORE = re.compile(r"\b(?:add(?:s|ing)?|gain(?:s|ing)?|get(?:s|ting)?|onboard\w*|acquir\w*|welcom\w*|sign(?:s|ing)? up"
                        r"|grow(?:s|ing)? by|another|an extra|plus)\s+(?:about|around|roughly|~|some|over)?\s*$", _I)
ADD_AFTER = re.compile(r"\s*(?:(?:new|more|additional|extra)\b|sign[- ]?ups\b)", _I)


def _added(text: str, n: Number, before: str, after: str, u: Understanding) -> bool:
    """ "adding 10k users a month" is linear growth; "10k more users" a one-off increase. True if it was one."""
    if not (ADD_BEFORE.search(before) or ADD_AFTER.match(after)):
        return False
    if CONCURRENT.search(after) or PEAK.search(after) or OTHER_UNIT.match(after):
        return False
    wide = re.split(r"[,;!?\n]|\.(?!\d)", text[n.end:n.end + 45])[0]
    period = rate_period_months(wide)
    if period:
        u.added_per_month = n.value / period
    elif re.match(r"\s*(?:new\s+)?sign[- ]?ups\b", after, _I) and not ADD_BEFORE.search(before):
        return False  # "200k sign-ups" is a count of registered users
    else:
        u.added_users = n.value
    return True


def _multiplier_here(text: str, n: Number) -> bool:
    """ "10x", "3 times" are multipliers, read by _growth_phrases / _multipliers, not counts."""
    return bool(re.match(r"\s*(?:x|×|times)(?!\w)", text[n.end:], _I)) or bool(re.search(r"(?<![\w])x\s*$", text[max(0, n.start - 2):n.start], _I))


def _percent(text: str, n: Number, before: str, after: str, u: Understanding) -> None:
    value = n.fraction
    if SHARE_OF.match(after):  # "1-2% of our 200k users are online at once": the cue is past the count
        after = after + re.split(r"[,;!?\n]|\.(?!\d)", text[n.end + len(after):n.end + len(after) + 60])[0]
    if _rate_first(after):
        pass  # "growth is 8-12% month over month right now": a rate's period comes before the online cue
    elif CONCURRENT.search(after) or BEFORE_CONC.search(before) or PEAK.search(after) \
            or (BEFORE_PEAK.search(before) and (ARE_ON.match(after) or PEAK_SHARE_OF.match(after))):
        to_share = _fraction if n.percent else _same
        if PEAK.search(after) or BEFORE_PEAK.search(before):
            u.peak_share = keep(u.ranges, "peak_share", n, to_share)
        else:
            u.concurrent_share = keep(u.ranges, "concurrent_share", n, to_share)
        return
    if re.search(r"\b(?:more|fewer|less|extra)\b", after[:25], _I) and "what_if" in u.intents:
        factor = 1 + value if re.search(r"\bmore|extra\b", after[:25], _I) else 1 - value
        u.multiply[_mult_target(after)] = factor
        return
    after = re.split(r"[,;!?\n]|\.(?!\d)|\d", text[n.end:n.end + 40])[0]  # "30% growth per year": past the growth word
    shrink = bool(SHRINK.search(after[:30]) or BEFORE_SHRINK.search(before))
    growthy = shrink or bool(GROWTH.search(after) or BEFORE_GROWTH.search(before) or GROWTH.search(before)
                             or rate_period_months(after[:30]) or rate_period_months(before))
    if not growthy and GROWTH.search(text) and u.growth is None:
        growthy = True
    if not growthy:
        u.bare_percents.append(value)
        return
    period = rate_period_months(after[:30]) or rate_period_months(before) or 1.0
    scale = 0.01 if n.percent else 1.0

    def monthly(said: float) -> float:  # the value and each end of a range alike
        rate = said * scale
        return to_monthly_rate(-abs(rate) if shrink else rate, period)

    u.growth = keep(u.ranges, "monthly_growth_rate", n, monthly)
    if period != 1.0:
        span = u.ranges.get("monthly_growth_rate")
        said = f"{n.low:g}-{n.high:g}%" if span and n.low is not None else f"{n.value:g}%"
        u.growth_note = growth_note(f"{said} per {_period_name(period)}", u.growth, span, f"{n.value:g}%")


PEAK_SHARE_OF = re.compile(r"\s*of\s+(?:our|the|all|its|their|my)?\s*(?:users|them|us|customers|members|people)\b", _I)  # "peaks hit 4-6% of users"


def _rate_first(after: str) -> bool:
    """A period ("a month", "month over month", "per year") said between a percentage and a word for users
    online (or at peak) makes the percentage a rate: the online word belongs to something else."""
    cue = CONCURRENT.search(after) or PEAK.search(after)
    return cue is not None and not SHARE_OF.match(after) and rate_period_months(after[:cue.start()]) is not None


def growth_note(said: str, monthly: float, span: Span | None, middle: str = "") -> str:
    """How a rate for another period was converted, to say back (a range: both ends and the middle)."""
    if span is None:
        return f"{said} is {monthly:.2%} a month, compounded"
    return (f"{said} as {span[0]:.2%}-{span[1]:.2%} a month, compounded ({monthly:.2%} for the middle"
            + (f", {middle}" if middle else "") + ")")


def _fraction(x: float) -> float:
    return x / 100.0


def _same(x: float) -> float:
    return x


def _period_name(months: float) -> str:
    return {12.0: "year", 3.0: "quarter"}.get(months, "week" if months < 1 and months > 0.1 else "day" if months < 0.1 else f"{months:g} months")


SERVED = re.compile(r"\b(?:serv(?:e|es|ing)|who serve|supporting|support|helping|help)\s+(?:about\s+|over\s+|some\s+|~)?$", _I)


def _count(n: Number, before: str, after: str, u: Understanding, lead: str = "") -> None:
    value = n.value
    other = OTHER_UNIT.match(after)
    if other and not CONCURRENT.search(after[:other.end()]):
        return
    if re.search(r"[$€£]\s*$", before):
        return
    if u.users_are_staff and SERVED.search(before) and re.match(r"\s*(?:customers|clients|citizens|patients|callers)\b", after, _I):
        return  # "our 500 agents serving 2M customers": the people served are not the app's users
    if SHARE_BEFORE.search(lead):  # "1% of our 200k users are online": the count is the registered users
        u.registered = value
        return
    conc = CONCURRENT.search(after) or BEFORE_CONC.search(before)
    peak = PEAK.search(after) or BEFORE_PEAK.search(before)
    explicit_reg = re.search(r"\bregistered\b|\bsign(?:ed)?[- ]?ups?\b|\baccounts?\b|\btotal\b", after, _I)
    reg = REGISTERED.search(after) or BEFORE_REG.search(before) or _plural_noun(after, before)
    if conc or (peak and not explicit_reg):
        is_peak = bool(peak) and not AVERAGE.search(after + before)
        if is_peak:
            u.peak = keep(u.ranges, "peak_concurrent_users", n)
        else:
            u.concurrent = keep(u.ranges, "concurrent_users", n)
            u.concurrent_is_average = bool(AVERAGE.search(after + before))
    elif reg:
        u.registered = value  # one number even when said as a range (the midpoint)
    else:
        u.bare_numbers.append(value)
        u.bare_said.append(n)


def _plural_noun(after: str, before: str) -> bool:
    """ "for 2,000 analysts", "serves 300 lawyers": people we have no word for are still registered users."""
    return bool(re.match(r"\s*[a-z]{3,}s\b", after, _I)) and bool(
        re.search(r"\b(?:for|serv\w*|used by|have|has|with|by|of|our|across|supports?|helps?)\s+(?:about|around|"
                  r"roughly|some|over|nearly|almost|~)?\s*$", before, _I))


def _mult_target(context: str) -> str:
    if re.search(r"\bconcurren\w*|\bonline\b|\bat once\b|\bpeak\b|\bsimultaneous\w*|\bsame time\b", context, _I):
        return "concurrency"
    if re.search(r"\bgrowth\b|\bgrow\w*", context, _I):
        return "growth"
    return "users"


def growth_phrases(text: str, u: Understanding) -> None:
    """ "doubling every year", "3x a year", "no growth"; and what-if multipliers ("what if we double")."""
    if NO_GROWTH.search(text) and not re.search(r"\d\s*%", text):
        u.growth = 0.0
    for m in MULTIPLE.finditer(text):
        if m.group("word"):
            key = next(k for k in _MULT_WORDS if m.group("word").lower().startswith(k))
            factor = _MULT_WORDS[key]
        elif m.group("w2"):
            factor = _MULT_WORDS[m.group("w2").lower()]
        else:
            factor = float(m.group("x") or m.group("x2"))
        said = Figure.of(float(m.group("xlo")), factor) if m.group("xlo") else Figure(factor)  # "2-3x a year"
        factor = said.value  # a multiplier what-if said as a range is planned at its midpoint (out of scope)
        every = EVERY.match(text, m.end())
        if every and factor > 0 and (said.low is None or said.low > 0):
            if every.group("adv"):
                months = _UNIT_MONTHS[every.group("adv").lower()]
            else:
                count = every.group("n")
                k = float(_WORD_N.get(count.lower(), 0) if count and not count[0].isdigit() else (count or 1))
                months = k * _UNIT_MONTHS[every.group("unit").lower().rstrip("s")]
            if months > 0:
                u.growth = keep(u.ranges, "monthly_growth_rate", said, multiple_as_monthly(months))
                u.growth_note = growth_note(f"growing {multiple_words(said)} every {months:g} months", u.growth,
                                            u.ranges.get("monthly_growth_rate"), f"{factor:g}x")
            continue
        if factor == 0.5 and m.group("word") and m.group("word").lower() == "half":
            if not re.match(r"\s+(?:the|our|of)\b", text[m.end():], _I):
                continue
        context = text[m.end():m.end() + 40]
        lead = re.split(r"[.;!?\n]", text[max(0, m.start() - 40):m.start()])[-1]  # this sentence only
        if "what_if" in u.intents or re.search(r"\bif\b", lead, _I):
            target = _mult_target(context) if _mult_target(context) != "users" else _mult_target(lead)
            u.multiply[target] = factor


def multiple_as_monthly(months: float) -> Callable[[float], float]:
    """ "3x over 12 months" as the compound monthly rate (for the figure and each end of a range)."""
    return lambda factor: factor ** (1.0 / months) - 1.0


def multiple_words(said: Said) -> str:
    return f"{said.low:g}-{said.high:g}x" if said.low is not None and said.high is not None else f"{said.value:g}x"


_RANGE_KEYS = {"concurrent": "concurrent_users", "peak": "peak_concurrent_users", "concurrent_share": "concurrent_share",
               "peak_share": "peak_share", "growth": "monthly_growth_rate"}


def _said(u: Understanding, name_: str) -> list[float]:
    """The figure and, when said as a range, its ends: each must be a figure a plan can use."""
    value = getattr(u, name_)
    return [] if value is None else [value, *u.ranges.get(_RANGE_KEYS.get(name_, ""), ())]


def _drop(u: Understanding, name_: str) -> None:
    setattr(u, name_, None)
    u.ranges.pop(_RANGE_KEYS.get(name_, ""), None)


def validate_counts(u: Understanding) -> None:
    """Plain-English problems for values no plan can use; the offending value (and its range) is dropped."""
    def bad(field_name: str, label: str) -> None:
        for value in _said(u, field_name):
            if value <= 0:
                u.problems.append(f"The number of {label} must be a positive number; {value:,.0f} can't be right.")
                return _drop(u, field_name)
            if not value <= PEOPLE_ALIVE:
                shown = f"{value:,.0f}" if value < 1e15 else f"{value:.3g}"
                u.problems.append(f"{shown} {label} is more than everyone on Earth (about {PEOPLE_ALIVE / 1e9:.1f} billion).")
                return _drop(u, field_name)

    bad("registered", "registered users")
    bad("concurrent", "users online at once")
    bad("peak", "users online at once at peak")
    for name_, label in (("concurrent_share", "The share of users online at once"), ("peak_share", "The peak share online")):
        for value in _said(u, name_):
            if not 0 < value <= 1:
                u.problems.append(f"{label} must be between 0% and 100%; {value:.0%} can't be right.")
                _drop(u, name_)
                break
    for value in _said(u, "growth"):
        if not MIN_GROWTH <= value <= MAX_GROWTH:
            u.problems.append(f"A growth rate of {value:.0%} a month is outside what I can plan "
                              f"(between {MIN_GROWTH:.0%} and {MAX_GROWTH:+.0%} a month).")
            _drop(u, "growth")
            break
    if u.horizon is not None and not 0 <= u.horizon <= MAX_HORIZON_MONTHS:
        u.problems.append(f"I can plan up to {MAX_HORIZON_MONTHS} months ({MAX_HORIZON_MONTHS // 12} years) ahead; "
                          f"{u.horizon} months is too far.")
        u.horizon = None
    for name_, label in (("added_per_month", "new users a month"), ("added_users", "more users")):
        value = getattr(u, name_)
        if value is not None and not 0 < value <= PEOPLE_ALIVE:
            u.problems.append(f"{value:,.0f} {label} is not something I can plan.")
            setattr(u, name_, None)
    for key, factor in list(u.multiply.items()):
        if not 0 < factor <= 1000:
            u.problems.append(f"A multiplier of {factor:g} is not something I can plan.")
            del u.multiply[key]
