"""The one error type for bad input, in the core and in every command: `InputError`, a list of
`Problem`s, each naming the field it is about.

Why one type with a list: a scenario can be wrong in several places at once, and the person (or the
chat model) should see every problem in one go, each line naming the field. Why `field` as data: a
caller that needs the field (a tool result, a web form, the planner naming the scenario path an
estimator problem is about) reads it instead of searching the text.

Anything else that escapes a command is a bug and is reported as one (exit 1, `--debug` for the
traceback), never as "cannot be planned".
"""
from __future__ import annotations

import re
from typing import Iterable, NamedTuple, TypeVar

# "llm.model: unknown ...", "--prices: ...", "workload.output_tokens: ...": a field path, then the message
_FIELD_PREFIX = re.compile(r"(--[a-z][a-z0-9-]*|[a-z_][a-z0-9_]*(?:\.[a-z0-9_]+)*): (.+)", re.S)


class Problem(NamedTuple):
    """One thing wrong with the input. `field` is a scenario path ("llm.model"), an argument or flag
    ("--prices", "gpu"), or "" when the problem is about the input as a whole."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message

    @classmethod
    def parse(cls, line: str, field: str = "") -> "Problem":
        """A problem from a line written as "field: message" (how the core has always worded them)."""
        if field:
            return cls(field, line)
        m = _FIELD_PREFIX.fullmatch(line)
        return cls(m.group(1), m.group(2)) if m else cls("", line)

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


class InputError(ValueError):
    """Bad input: exit 2 on the command line, a tool error the model can act on, a 4xx in the web API.

    A ValueError so callers that only know the standard library still catch it. `issues` holds the
    problems as data; `problems` the same as one line each, as they are printed."""

    def __init__(self, problems: "str | Problem | InputError | Iterable[str | Problem | InputError]", *,
                 field: str = "") -> None:
        items = [problems] if isinstance(problems, (str, Problem, InputError)) else list(problems)
        self.issues: list[Problem] = []
        self.problems: list[str] = []  # the lines as written: a `field` given beside a line does not change it
        for p in items:
            if isinstance(p, InputError):
                self.issues += p.issues
                self.problems += p.problems
            elif isinstance(p, Problem):
                self.issues.append(p)
                self.problems.append(str(p))
            else:
                self.issues.append(Problem.parse(p, field))
                self.problems.append(p)
        super().__init__("; ".join(self.problems))


ScenarioError = InputError  # the core's first name for it: the same class, kept for the code that uses it


_T = TypeVar("_T")


def known(value: _T | None, field: str) -> _T:
    """A field `resolve()` always fills where it applies (a self-hosted target, an agent's worker setting)
    read where it applies. None there is a capplan bug, not an input error: it surfaces as one."""
    if value is None:
        raise AssertionError(f"{field} is unset after resolve() where it applies (a capplan bug)")
    return value
