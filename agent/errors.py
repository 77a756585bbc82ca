"""Errors the command line turns into exit codes.

Why a dedicated type: every command reports bad input the same way (exit 2, one line per problem,
naming the field), so commands raise `InputError` with the list of problems and `cli.main` prints
them. Anything else is a bug or an environment failure (exit 1).
"""
from __future__ import annotations


class InputError(Exception):
    """Bad input or usage: exit code 2. `problems` holds one human-readable line per problem."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))
