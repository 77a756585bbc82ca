"""The one error type of the forecasting core.

Why one type with a list: a scenario can be wrong in several places at once, and the person (or the
chat model) should see every problem in one go, each line naming the field it is about.
"""
from __future__ import annotations


class ScenarioError(ValueError):
    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))
