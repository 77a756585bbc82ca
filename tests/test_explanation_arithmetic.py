"""The factors an explanation shows give the result it shows (issue 16, move 3).

`test_explanations_agree` checks that each text ends in its figure; this checks the arithmetic before it.
Every chain "a x b / (c + d) = r" in a text is evaluated with each shown number taken as the interval its
rounding allows ("26.3" is 26.25..26.35, "25%" is 24.5..25.5%, "1" is 0.995..1.005 as `number_text`
drops the zeros of "1.00"; "12", "120" and whole dollars are taken as rounded to 1), and the interval must hold the result as shown. A chain whose units change on the way (bytes to
GB, ms to s, MiB to GiB, bits to Mbit) may differ by that conversion's factor, which the units state.
Chains with functions (max, ceil, ...) are the instance fits, checked by `factor_disagreements` there.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, Iterator, Union

import pytest
from hypothesis import HealthCheck, given, settings

from forecasting import ScenarioError, plan
from tests.test_explanations_agree import scenarios, to_scenario

NUM = r"\$?\d[\d,]*(?:\.\d+)?(?:e[-+]?\d+)?%?"
TOKEN = re.compile(rf"(?P<num>(?<![\w.]){NUM}(?!\d))|(?P<op>\s[x×/÷+−-]\s|\(|\))")
FUNCTION = re.compile(r"\b(max|min|ceil|floor|round|sqrt|log|of)\s*\(|\^|\*\*|≈|~")
RESULT = re.compile(rf"\s*(?P<num>{NUM})(?P<unit>\s*[A-Za-z/]+)?")
# the unit conversions a text may leave to its units: 10^3 steps, binary steps, bytes -> bits per second
CONVERSIONS = (1e3, 1e6, 1e9, 1e12, 1024.0, 1024.0**2, 1024.0**3, 1e6 / 8, 1e9 / 8)
OPERATORS = {"x": "*", "×": "*", "*": "*", "/": "/", "÷": "/", "+": "+", "-": "-", "−": "-"}

Interval = tuple[float, float]
Token = Union[Interval, str]


def shown(token: str) -> Interval:
    """The values a number written this way may stand for. A whole number below 10 is read as `number_text`
    writes one, trailing zeros dropped: "1" may be 1.004 ("1.00"); others as rounded to 1."""
    text = token.replace("$", "").replace(",", "")
    percent, dollars = text.endswith("%"), token.startswith("$")
    text = text.rstrip("%")
    value = float(text)
    if "e" in text:
        half = abs(value) * 0.05
    elif "." in text:
        half = 0.5 * 10 ** -len(text.split(".")[1])
    else:
        half = 0.5 if percent or dollars or value >= 10 else 0.005  # dollars: whole from "{:,.0f}"
    lo, hi = value - half, value + half
    return (lo / 100, hi / 100) if percent else (lo, hi)


class _NotArithmetic(Exception):
    pass


def evaluate(tokens: list[Token]) -> Interval:
    """Interval arithmetic over numbers, + - x / and parentheses, with the usual precedence."""
    pos = 0

    def peek() -> Token | None:
        return tokens[pos] if pos < len(tokens) else None

    def take() -> Token:
        nonlocal pos
        pos += 1
        return tokens[pos - 1]

    def atom() -> Interval:
        t = take() if peek() is not None else None
        if t == "(":
            v = expr()
            if take() != ")":
                raise _NotArithmetic
            return v
        if isinstance(t, tuple):
            return t
        raise _NotArithmetic

    def term() -> Interval:
        v = atom()
        while peek() in ("*", "/"):
            op, w = take(), atom()
            if op == "/" and w[0] <= 0 <= w[1]:
                raise _NotArithmetic
            corners = [a * b for a in v for b in w] if op == "*" else [a / b for a in v for b in w]
            v = (min(corners), max(corners))
        return v

    def expr() -> Interval:
        v = term()
        while peek() in ("+", "-"):
            op, w = take(), term()
            v = (v[0] + w[0], v[1] + w[1]) if op == "+" else (v[0] - w[1], v[1] - w[0])
        return v

    value = expr()
    if pos != len(tokens):
        raise _NotArithmetic
    return value


def chains(text: str) -> Iterator[tuple[list[Token], str, str]]:
    """(the left side's tokens, the result as shown, the left side's text) of each arithmetic '=' in a text."""
    for clause in re.split(r";|\. ", text):
        parts = clause.split("=")
        for i in range(1, len(parts)):
            left = re.split(r":\s", parts[i - 1])[-1]
            result = RESULT.match(parts[i])
            if result is None or FUNCTION.search(left):
                continue
            raw = [(t.group("num"), OPERATORS.get((t.group("op") or "").strip(), (t.group("op") or "").strip()))
                   for t in TOKEN.finditer(left)]
            tokens: list[Token] = [
                (1.0, 1.0) if num == "1" and 0 < j < len(raw) - 1 and raw[j - 1][1] == "(" and raw[j + 1][1] == "+"
                else shown(num) if num else op  # the 1 of "(1 + 25% margin)" is exact
                for j, (num, op) in enumerate(raw)]
            while tokens and tokens[0] == ")":  # a clause cut inside a parenthesis
                tokens.pop(0)
            if tokens.count("(") != tokens.count(")") or not any(t in ("*", "/", "+", "-") for t in tokens):
                continue
            yield tokens, result.group("num"), left.strip()


def disagreements(explanations: dict[str, str]) -> list[str]:
    out = []
    for key, text in explanations.items():
        for tokens, result, left in chains(text):
            try:
                lo, hi = evaluate(tokens)
            except (_NotArithmetic, OverflowError, ZeroDivisionError):
                continue
            r_lo, r_hi = shown(result)

            def holds(k: float) -> bool:
                return lo / k <= r_hi * (1 + 1e-9) + 1e-12 and r_lo * (1 - 1e-9) - 1e-12 <= hi / k

            if not (holds(1.0) or any(holds(k) or holds(1 / k) for k in CONVERSIONS)):
                out.append(f"{key}: {left[-120:]} = {result} (the factors give {lo:,.6g} to {hi:,.6g})")
    return out


EXAMPLES = sorted(p.stem for p in (Path(__file__).resolve().parents[1] / "examples").glob("*.json"))


@pytest.mark.parametrize("example", EXAMPLES)
def test_examples_factors_give_their_results(example: str) -> None:
    s = json.loads((Path(__file__).resolve().parents[1] / "examples" / f"{example}.json").read_text())
    explanations = plan(s).model_dump(mode="json")["explanations"]
    assert disagreements(explanations) == []
    assert sum(1 for text in explanations.values() for _ in chains(text)) > 30  # the check reads the plan, not a few lines


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(scenarios)
def test_factors_give_their_results_over_varied_scenarios(d: dict[str, Any]) -> None:
    try:
        p = plan(to_scenario(d)).model_dump(mode="json")
    except ScenarioError:
        return
    assert disagreements(p["explanations"]) == []


def test_a_wrong_factor_is_caught_and_a_stated_unit_change_is_not() -> None:
    assert disagreements({"a": "messages/s = 800 users / 147 s per cycle = 5.44 messages/s"}) == []
    assert disagreements({"a": "messages/s = 800 users / 147 s per cycle = 5.55 messages/s"}) != []
    assert disagreements({"b": "required RPM = 65.3 calls/s x 60 x (1 + 25% margin) = 4,899 requests/min"}) == []
    assert disagreements({"b": "required RPM = 65.3 calls/s x 60 x (1 + 25% margin) = 3,918 requests/min"}) != []
    assert disagreements({"c": "(1 ALB x $0.0225/h + 1.8 LCU x $0.008/LCU-h) x 730 h = $26.94"}) == []
    assert disagreements({"c": "1 ALB x $0.0225/h + 1.8 LCU x $0.008/LCU-h, x 730 h = $26.94"}) != []  # precedence
    assert disagreements({"d": "462 tasks x 256.0 MiB = 116 GiB"}) == []  # MiB -> GiB, stated by the units
    assert disagreements({"d": "462 tasks x 256.0 MiB = 150 GiB"}) != []
    assert disagreements({"e": "7,676 peak sessions x (1 + 0.06% margin) = 7,681 streams"}) == []
    assert disagreements({"e": "7,676 peak sessions x (1 + 0.06% margin) = 7,700 streams"}) != []
