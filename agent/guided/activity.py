"""Stage 3a of reading a message: the usage figures people know (issue 14).

Why a stage of its own: daily / weekly / monthly actives, session length, sessions a day, the busiest
hour's multiple and monthly volumes are read from the words around a number, like the counts in
`understand.py`, but they must be claimed first: "40,000 daily active users" would otherwise be read as
registered users. Each reader returns the spans it used, and `understand()` masks them before the
older readers run.

Shares ("a quarter of them come back daily", "5% of daily users at the busiest moment") keep what
they are a share of (`registered`, `weekly`, `monthly`, `daily`); the backend multiplies them out with
the figures it knows, so a chain of shares spread over messages still works.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from agent.guided.numbers import find_numbers
from agent.guided.ranged import Figure, Span, keep

_I = re.IGNORECASE
_DAILY_WORDS = (r"(?:daily|every ?day|each day|a day|per day|on a (?:typical|normal|given|usual|regular) (?:work)?day"
                r"|on any given day|in a given day|on an average day)")
_MONTHLY_WORDS = r"(?:monthly|each month|every month|a month|per month|in a (?:given )?month)"
DAU_AFTER = re.compile(r"^\s*(?:dau\b|daily active(?: users)?\b|daily actives\b|daily users\b|daily\b(?!\s+(?:sessions?|messages?))"
                       r"|(?:[\w'-]+\s+){0,7}?(?:use|uses|using|open|opens|chat|chats|are on|on it|log in|visit)\b[^,.;:|]{0,40}?\b"
                       + _DAILY_WORDS + r")", _I)
DAU_BEFORE = re.compile(r"(?:\bdau|daily actives?(?: users)?|daily users|" + _DAILY_WORDS
                        + r"(?:\s+maybe|\s+about|\s+around|\s+roughly)?)\s*(?:(?:is|are|of|:|=|~|around|about|roughly|maybe|-|really|actually|now"
                        r"|anywhere|somewhere|between|from)\s*)*$", _I)  # "DAU is really anywhere between 40k and 70k"
MAU_AFTER = re.compile(r"^\s*(?:mau\b|monthly active(?: users)?\b|monthly actives\b|monthly users\b)", _I)
MAU_BEFORE = re.compile(r"\b(?:mau|monthly active users|monthly actives)\s*(?:is|are|of|:|=|~|around|about)*\s*$", _I)
WAU_AFTER = re.compile(r"^\s*(?:wau\b|weekly active(?: users)?\b|weekly actives\b|weekly users\b)", _I)
WAU_BEFORE = re.compile(r"\b(?:wau|weekly active users|weekly actives)\s*(?:is|are|of|:|=|~|around|about)*\s*$", _I)
VOLUME_AFTER = re.compile(r"^\s*(?:conversations?|chats?)\b[^,.;]{0,10}?\b(?:a|per|each|every|last|this|/)\s*month", _I)
TASKS_AFTER = re.compile(r"^\s*tasks?\b[^,.;]{0,10}?\b(?:a|per|each|every|last|/)\s*month", _I)
MESSAGES_AFTER = re.compile(r"^\s*messages?\b[^,.;]{0,10}?\b(?:a|per|each|every|last|/)\s*month", _I)
MINUTES_AFTER = re.compile(r"^\s*(?:min(?:ute)?s?)\b", _I)
SESSIONS_AFTER = re.compile(r"^\s*(?:sessions?|times|visits|chats|check-?ins)?\s*(?:a|per|/|each)\s*(?:work)?day\b"
                            r"|^\s*sessions?\b", _I)
SESSIONS_BEFORE = re.compile(r"sessions?\s*/\s*day\s*[:=]?\s*$|sessions? per day\s*[:=]?\s*$", _I)
PEAK_MULT_BEFORE = re.compile(r"peak multiplier\s*(?:is|of|:|=)?\s*$", _I)
ONCE = re.compile(r"\b(?P<w>once|twice|three times|four times|five times)\s+(?:a|per|each)\s+day\b", _I)
_ONCE_N = {"once": 1.0, "twice": 2.0, "three times": 3.0, "four times": 4.0, "five times": 5.0}
_LO = r"(?:(?P<lo>\d+(?:\.\d+)?)\s*(?:-|–|to)\s*)?"  # "2-3x": the low end of a range
BUSIEST = re.compile(r"\b(?:busiest|peak|rush) (?:hour|time|moment|period)s?\b[^.;]{0,30}?\b" + _LO + r"(?P<n>\d+(?:\.\d+)?|two|three|four|five)"
                     r"\s*(?:x|times)\s*(?:the\s+)?(?:average|normal|usual|mean)", _I)
TIMES_THAT = re.compile(r"\b" + _LO + r"(?P<n>\d+(?:\.\d+)?)\s*x\s+(?:that|the average|average|normal)\b", _I)
PEAK_TIMES = re.compile(r"\bpeak(?:s|ing)?\b[^.;\d]{0,30}?\b(?:between\s+)?(?:(?P<lo>\d+(?:\.\d+)?)\s*(?:x\s*)?(?:-|–|to|and)\s*)?"
                        r"(?P<n>\d+(?:\.\d+)?)\s*(?:x|times)\s+(?:the\s+)?(?:average|normal|usual|mean|typical)\b", _I)  # "peak is somewhere between 1.5 and 2.5 times normal load"
SPIKE = re.compile(r"\b(?:spikes?|jumps?|surges?|bursts?|peaks?)\s+(?:up\s+)?to\s+(?P<n>\d+(?:\.\d+)?)\s*x\b", _I)
GROWTH_MULT = re.compile(r"\b(?:to\s+)?" + _LO + r"(?P<n>\d+(?:\.\d+)?|two|three|ten)\s*x\b[^.;,]{0,12}?\b(?:(?:over|in|within|by)\s+(?:the\s+)?"
                         r"(?:next|coming|following)?|next|coming)\s*(?:(?P<m>\d+)\s*months?|year|12 months)", _I)
TWICE_AS_MANY = re.compile(r"\b(?P<w>twice|three times|four times|ten times)\s+as many\b[^.;]{0,30}?\b(?:in|within|over|by)\s+(?:a|one|the next)?\s*"
                           r"(?:(?P<m>\d+)\s*months?|year)", _I)
ALL_DAILY = re.compile(r"\b(?:all (?:(?P<n>\d[\d,]*) )?(?:of them |of us )?(?:are|use)|everybody uses|everyone uses|every (?:seat holder|employee|user|one)"
                       r" uses)\b[^.;]{0,30}?\b" + _DAILY_WORDS, _I)
TOKENS_AFTER = re.compile(r"^\s*(?:tokens?|toks?)\b", _I)
PROMPT_CUE = re.compile(r"\b(?:messages?|prompts?|questions?|inputs?|requests?)\b", _I)
OUTPUT_CUE = re.compile(r"\b(?:answers?|repl(?:y|ies)|responses?|outputs?|completions?)\b", _I)
_WORD_N = {"two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "ten": 10.0, "twice": 2.0, "three times": 3.0,
           "four times": 4.0, "ten times": 10.0}


@dataclass
class Activity:
    daily_active_users: float | None = None
    monthly_active_users: float | None = None
    weekly_active_users: float | None = None
    daily_share: tuple[float, str] | None = None  # (share, of what: registered / weekly / monthly)
    monthly_share: tuple[float, str] | None = None
    peak_share_of_daily: float | None = None
    session_minutes: float | None = None
    sessions_per_day: float | None = None
    peak_multiplier: float | None = None
    spike_multiplier: float | None = None  # "traffic spikes to 4x on launch day": a peak what-if
    growth_multiple: tuple[float, float] | None = None  # (multiple, over months)
    growth_multiple_ends: Span | None = None  # "2-3x next year": the multiple said as a range
    monthly_conversations: float | None = None
    monthly_tasks: float | None = None
    monthly_messages: float | None = None
    prompt_tokens: float | None = None  # "each message is about 300 tokens"
    output_tokens: float | None = None  # "answers run ~500 tokens"
    registered_hint: bool = False  # the message names registered users / a headcount (a share's base)
    spans: list[tuple[int, int]] = field(default_factory=list)
    ranges: dict[str, Span] = field(default_factory=dict)  # the message's ranges (the Understanding's own dict)

    def found(self) -> bool:
        return any(v is not None for k, v in self.__dict__.items() if k not in ("spans", "registered_hint", "ranges"))


def _base_of(before: str, after: str) -> str:
    ctx = before[-40:] + " " + after[:30]
    if re.search(r"\bwau\b|weekly", ctx, _I):
        return "weekly"
    if re.search(r"\bmau\b|monthly active", ctx, _I):
        return "monthly"
    if re.search(r"\bdaily users\b|\bdau\b|daily actives?", after[:30], _I):
        return "daily"
    return "registered"


def read_activity(text: str, ranges: dict[str, Span] | None = None) -> Activity:
    a = Activity(ranges=ranges if ranges is not None else {})
    numbers = find_numbers(text)
    for i, n in enumerate(numbers):
        nxt = numbers[i + 1].start if i + 1 < len(numbers) else len(text)
        after = text[n.end:min(nxt, n.end + 70)]
        before = text[max(0, n.start - 45):n.start]
        before = re.split(r"[.;!?|\n]|,\s", before)[-1]
        span = (n.start, n.end)
        if n.percent:
            share = n.fraction
            clause = re.split(r"[.;!?|\n]", after)[0]
            if re.search(r"\bof (?:the )?daily users\b|\bof (?:our )?dau\b", clause, _I) and re.search(
                    r"busiest|peak|at once|same time|simultaneous", clause, _I):
                a.peak_share_of_daily = share
            elif re.search(_DAILY_WORDS, clause, _I) and not re.search(r"\bgrow|\bgrowth\b|\bmonth\b", clause[:25], _I):
                a.daily_share = (share, _base_of(before, clause))
            elif re.search(_MONTHLY_WORDS, clause, _I) and re.search(r"\b(?:use|uses|chat|chats|active|with)\b", clause, _I):
                a.monthly_share = (share, _base_of(before, clause))
            else:
                continue
            a.spans.append(span)
            continue
        if TOKENS_AFTER.match(after):
            cue = before[-35:]
            if not (OUTPUT_CUE.search(cue) or PROMPT_CUE.search(cue)):  # "300 to 800 tokens per message"
                cue = re.match(r"^\s*(?:tokens?|toks?)\s+(?:per|each|an?|for each)\s+(\w+)", after, _I)
                cue = cue.group(1) if cue else ""
            if OUTPUT_CUE.search(cue):
                a.output_tokens = keep(a.ranges, "output_tokens", n)
            elif PROMPT_CUE.search(cue):
                a.prompt_tokens = keep(a.ranges, "prompt_tokens", n)
            else:
                continue
        elif PEAK_MULT_BEFORE.search(before):
            a.peak_multiplier = keep(a.ranges, "peak_multiplier", n)
        elif SESSIONS_BEFORE.search(before):
            a.sessions_per_day = keep(a.ranges, "sessions_per_day", n)
        elif WAU_AFTER.match(after) or WAU_BEFORE.search(before):
            a.weekly_active_users = n.value
        elif MAU_AFTER.match(after) or MAU_BEFORE.search(before):
            a.monthly_active_users = keep(a.ranges, "monthly_active_users", n)
        elif VOLUME_AFTER.match(after):
            a.monthly_conversations = n.value
        elif TASKS_AFTER.match(after):
            a.monthly_tasks = n.value
        elif MESSAGES_AFTER.match(after):
            a.monthly_messages = n.value
        elif MINUTES_AFTER.match(after):
            a.session_minutes = keep(a.ranges, "session_minutes", n)
        elif SESSIONS_AFTER.match(after) and n.value <= 50:
            a.sessions_per_day = keep(a.ranges, "sessions_per_day", n)
        elif DAU_AFTER.match(after) or (DAU_BEFORE.search(before) and not re.match(r"\s*%", after)):
            if re.match(r"\s*(?:more|new|extra)\b", after, _I):
                continue
            a.daily_active_users = keep(a.ranges, "daily_active_users", n)
        else:
            continue
        a.spans.append(span)
    _phrases(text, a)
    a.registered_hint = bool(re.search(r"\bregistered\b|\bseats?\b|\blicen[cs]es\b|\bemployees\b|\bheadcount\b|\bstudents\b"
                                       r"|\bresidents\b|\bcustomers\b|\baccounts\b", text, _I))
    return a


def _phrases(text: str, a: Activity) -> None:
    m = re.search(r"\bnot\s+(\d+(?:\.\d+)?)\s*min\w*\s*,?\s*(?:more like|rather|but|it'?s)\s*(?:about\s+)?(\d+(?:\.\d+)?)", text, _I)
    if m:
        a.session_minutes = float(m.group(2))
        a.spans.append((m.start(), m.end()))
    m = ONCE.search(text)
    if m and a.sessions_per_day is None:
        a.sessions_per_day = _ONCE_N[m.group("w").lower()]
        a.spans.append((m.start(), m.end()))
    if a.sessions_per_day is None and re.search(r"\b(?:one|a single)\s+(?:long\s+)?session\b", text, _I):
        a.sessions_per_day = 1.0
    for pat, attr in ((PEAK_TIMES, "peak_multiplier"), (BUSIEST, "peak_multiplier"), (TIMES_THAT, "peak_multiplier"), (SPIKE, "spike_multiplier")):
        m = pat.search(text)
        if m:
            word = m.group("n").lower()
            said = Figure.of(float(m.group("lo")) if m.groupdict().get("lo") else None, _WORD_N.get(word) or float(word))
            setattr(a, attr, keep(a.ranges, attr, said) if attr == "peak_multiplier" else said.value)
            a.spans.append((m.start(), m.end()))
    for pat in (GROWTH_MULT, TWICE_AS_MANY):
        m = pat.search(text)
        if m:
            word = (m.groupdict().get("n") or m.groupdict().get("w") or "").lower()
            said = Figure.of(float(m.group("lo")) if m.groupdict().get("lo") else None, _WORD_N.get(word) or float(word))
            months = float(m.group("m")) if m.group("m") else 12.0
            a.growth_multiple = (said.value, months)
            a.growth_multiple_ends = (said.low, said.high) if said.low is not None and said.high is not None else None
            a.spans.append((m.start(), m.end()))
            break
    m = ALL_DAILY.search(text)
    if m and a.daily_active_users is None and a.daily_share is None:
        if m.group("n"):
            a.daily_active_users = float(m.group("n").replace(",", ""))
        else:
            a.daily_share = (1.0, "registered")
        a.spans.append((m.start(), m.end()))
