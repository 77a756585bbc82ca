"""What one chat message says, read with regular expressions: the guided mode's whole "language model".

Why patterns and not a model: the guided mode must work offline on a fresh machine, and a person
describing a capacity question uses a small vocabulary (users, online at once, growth, months,
model and GPU names). Each pattern below is one readable rule; `understand()` applies them all and
returns what it found, and the backend decides what to do with it.

How a number gets its meaning: the words right after it ("3,000 *online at once*") win, then the
words right before it ("*peak concurrency of* 5k"), read only up to the clause boundary so that
"200k users, and 3,000 online" gives each number its own words. A number with no words of its own
is left "bare": it answers whatever the guided mode just asked.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from agent.guided import names
from agent.guided.activity import Activity, read_activity
from agent.guided.intents import _app_type, _intents, _names
from agent.guided.meanings import growth_note, multiple_as_monthly, multiple_words, validate_counts
from agent.guided.normalise import normalise
from agent.guided.patterns import MAX_CHARS, _I
from agent.guided.quantities import _quantities
from agent.guided.ranged import Figure, Said, Span, keep

__all__ = ["Understanding", "understand", "as_dict", "validate_counts"]


@dataclass
class Understanding:
    """Everything one message said. `None` means "not mentioned", never "zero"."""

    registered: float | None = None
    concurrent: float | None = None  # average, or kind not said
    concurrent_is_average: bool = False  # "on average" was said
    peak: float | None = None
    concurrent_share: float | None = None  # "1% online at once": share of registered users
    peak_share: float | None = None
    growth: float | None = None  # monthly, compound
    growth_note: str | None = None  # how a yearly/quarterly rate was converted, to say back
    horizon: int | None = None
    app_type: str | None = None
    deployment: str | None = None
    model: str | None = None
    gpu: str | None = None
    added_per_month: float | None = None  # "adding 10k users a month": linear growth, in users
    added_users: float | None = None  # "10k more users": a one-off increase
    multiply: dict[str, float] = field(default_factory=dict)  # "users" | "concurrency" | "growth" -> factor
    intents: set[str] = field(default_factory=set)
    explain_topic: str | None = None
    adopt_target: str | None = None
    bare_numbers: list[float] = field(default_factory=list)
    bare_percents: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    activity: Activity = field(default_factory=Activity)  # usage figures people know (agent/guided/activity.py)
    ranges: dict[str, Span] = field(default_factory=dict)  # fact key -> (low, high) said as a range (agent/guided/ranged.py)
    bare_said: list[Said] = field(default_factory=list)  # each bare number as said (a range keeps its ends)
    questions: list[str] = field(default_factory=list)  # "options" | "how_sure" | "what_matters", in order asked
    users_are_staff: bool = False  # "our 500 agents": people called agents use the app

    def take_bare(self, first: bool = True) -> tuple[float, Said]:
        """A bare number (and how it was said) given to the figure it answers."""
        i = 0 if first else -1
        return self.bare_numbers.pop(i), self.bare_said.pop(i)

    def has_numbers(self) -> bool:
        return any(v is not None for v in (self.registered, self.concurrent, self.peak, self.concurrent_share,
                                           self.peak_share, self.growth, self.horizon, self.added_per_month,
                                           self.added_users)) or bool(self.multiply) or self.activity.found()

    def has_facts(self) -> bool:
        return any(v is not None for v in (self.registered, self.concurrent, self.peak, self.concurrent_share,
                                           self.peak_share, self.growth, self.horizon, self.app_type,
                                           self.added_per_month, self.added_users,
                                           self.deployment, self.model, self.gpu)) or bool(self.multiply) \
            or self.activity.found()


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        chars[s:e] = "_" * (e - s)
    return "".join(chars)


def understand(message: str) -> Understanding:
    """Read one message. Never raises: text it cannot read simply yields an empty Understanding."""
    u = Understanding()
    text = (message or "")[:MAX_CHARS]
    if not text.strip():
        return u
    text, u.problems = normalise(text)  # stage 1: typos, shorthand, locale numbers, number words
    _names(text, u)
    spans = [(f.start, f.end) for f in names.find_api_models(text) + names.find_open_models(text) + names.find_gpus(text)]
    u.activity = read_activity(_mask(text, spans), u.ranges)  # usage figures claim their numbers first
    masked = _mask(text, spans + u.activity.spans)
    _app_type(masked, u)
    u.users_are_staff = bool(re.search(r"(?:\d[\d,.]*[km]?|\bour|\bthe)\s+(?:\w+\s+)?agents\b", masked, _I)) and u.app_type != "agent"
    _intents(masked, u)
    _quantities(masked, u)
    if u.activity.growth_multiple and u.growth is None:
        factor, months = u.activity.growth_multiple
        said = Figure(factor, *(u.activity.growth_multiple_ends or (None, None)))
        u.growth = keep(u.ranges, "monthly_growth_rate", said, multiple_as_monthly(months))
        u.growth_note = growth_note(f"{multiple_words(said)} over {months:g} months", u.growth,
                                    u.ranges.get("monthly_growth_rate"), f"{said.value:g}x")
        u.multiply.pop("users", None)
    validate_counts(u)
    return u


def as_dict(u: Understanding) -> dict[str, Any]:
    """The non-empty findings, for tests and debugging."""
    out = {k: v for k, v in u.__dict__.items() if v is not None and v is not False and v != [] and v != {} and v != set()}
    if "intents" in out:
        out["intents"] = sorted(out["intents"])
    return out
