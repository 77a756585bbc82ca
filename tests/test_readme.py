"""README.md stays true: every scenario field is documented, and the commands it shows exist."""
from __future__ import annotations

from pathlib import Path

from agent.cli import COMMANDS
from forecasting.scenario import AppTier, DataTier, LLMConfig, Scenario, Workload

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def test_every_scenario_field_is_documented():
    paths = [n for n in Scenario.model_fields if n not in ("llm", "workload", "app", "data")]
    for section, model in (("llm", LLMConfig), ("workload", Workload), ("app", AppTier), ("data", DataTier)):
        paths += [f"{section}.{n}" for n in model.model_fields]
    missing = [p for p in paths if f"`{p}`" not in README]
    assert not missing, f"README lacks scenario fields: {missing}"


def test_field_table_matches_the_defaults():
    from tests.readme_fields import readme_table, table

    assert readme_table(README) == table(), "README's field table is stale: python -m tests.readme_fields --write"


def test_every_command_is_documented():
    for name in COMMANDS:
        assert f"capplan {name}" in README


def test_the_two_commands_are_there():
    assert "pip install -q -e '.[test]'" in README
    assert ".venv/bin/python -m pytest" in README
