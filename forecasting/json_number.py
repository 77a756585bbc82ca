"""A number given in a scenario must be a JSON number: `true` is not one user, and "200000" (text) is not
200,000. pydantic's lax mode would take both (true as 1, the text as its value) and plan from a number the
user never wrote; its strict mode would also refuse 5.0 for a count, which JSON writers emit. The rule is
stated here once; the scenario's sections and a range's ends apply it as pydantic validators, so every
path that validates a scenario (files, the chat tools, the web API, what-ifs) refuses the same inputs with
the same words.
"""
from __future__ import annotations

import typing
from typing import Any

KIND = "json_number"  # the pydantic error type of a range end refused here: its message shows the value


def number_problem(value: Any) -> str | None:
    """What is wrong with `value` where a number goes, or None (other wrong types are pydantic's to name)."""
    if isinstance(value, bool):
        return f"must be a number, got {'true' if value else 'false'} (a boolean)"
    if isinstance(value, str):
        return f"must be a number, got the text {value[:40]!r} (write it without quotes)"
    return None


def takes_number(annotation: Any) -> bool:
    """True for a field annotation such as `float | None`, `int` or `list[float]` that takes numbers and no
    text (a field that also takes text, as `Assumption.value` does, may hold "200000")."""
    flat: list[Any] = []
    todo = [annotation]
    while todo:
        a = todo.pop()
        args = typing.get_args(a)
        if args and typing.get_origin(a) is not typing.Literal:
            todo.extend(args)
        else:
            flat.append(a)
    number = any(a in (int, float) for a in flat)
    text = any(a is str or typing.get_origin(a) is typing.Literal for a in flat)
    return number and not text
