"""Hostile round, item 14: the guided mode must not misread numbers without asking.

The guided code is owned by the issue-14 helper (agent/guided/, branch `inputs`); these cases were
written by the issue-17 hardening as regression tests and pass against its fix (powers of ten are
asked about, "1,5 million" is read as 1,500,000). Each case accepts exactly two outcomes: the right
reading, or a question (no scenario made from a wrong number).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hostile import run

def _guided(monkeypatch, capsys, tmp_path: Path, *lines: str) -> list[dict]:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    code, out, err = run(monkeypatch, capsys, ["chat", "--offline", "--save", str(tmp_path / "t.md")],
                         "".join(line + "\n" for line in lines))
    assert code == 0, err
    return json.loads((tmp_path / "t.json").read_text())["scenarios"]


def _users(scenarios: list[dict]) -> list[int]:
    return [s["inputs"]["registered_users"] for s in scenarios]


@pytest.mark.parametrize("text,right", [
    pytest.param("A support chatbot with 10^9 registered users, 5,000 online at once", 1_000_000_000,
                 id="power-of-ten"),
    pytest.param("A support chatbot with 1,5 million registered users, 5,000 online at once", 1_500_000,
                 id="decimal-comma"),
])
def test_user_counts_are_read_right_or_asked(monkeypatch, capsys, tmp_path, text, right) -> None:
    users = _users(_guided(monkeypatch, capsys, tmp_path, text))
    assert users in ([], [right]), f"planned {users} from {text!r}"


def test_growth_written_as_a_power_is_not_two_percent(monkeypatch, capsys, tmp_path) -> None:
    scenarios = _guided(monkeypatch, capsys, tmp_path,
                        "A support chatbot with 200,000 registered users, 3,000 online at once, "
                        "growing 10^2% a year")
    rates = [s["inputs"].get("monthly_growth_rate") for s in scenarios]
    yearly_100 = 2 ** (1 / 12) - 1  # 100% a year, compounded monthly
    assert all(r is None or abs(r - yearly_100) < 1e-3 for r in rates), rates


def test_an_absurd_multiplier_is_not_one_user(monkeypatch, capsys, tmp_path) -> None:
    scenarios = _guided(monkeypatch, capsys, tmp_path,
                        "A support chatbot with 200,000 registered users, 3,000 online at once",
                        "what if we had 1e308x more users?")
    assert _users(scenarios)[0] == 200_000
    assert all(u >= 200_000 for u in _users(scenarios)), _users(scenarios)
