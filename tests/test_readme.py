"""README.md and docs/ stay true: every scenario field is documented, the commands exist, the links resolve."""
from __future__ import annotations

from pathlib import Path

from agent.cli import COMMANDS
from forecasting.scenario import AppTier, DataTier, LLMConfig, Scenario, Workload

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
FIELDS_PAGE = (ROOT / "docs" / "scenario.md").read_text()


def test_every_scenario_field_is_documented():
    paths = [n for n in Scenario.model_fields if n not in ("llm", "workload", "app", "data")]
    for section, model in (("llm", LLMConfig), ("workload", Workload), ("app", AppTier), ("data", DataTier)):
        paths += [f"{section}.{n}" for n in model.model_fields]
    missing = [p for p in paths if f"`{p}`" not in FIELDS_PAGE]
    assert not missing, f"docs/scenario.md lacks scenario fields: {missing}"


def test_field_table_matches_the_defaults():
    from tests.readme_fields import readme_table, table

    assert readme_table(FIELDS_PAGE) == table(), "docs/scenario.md's field table is stale: python -m tests.readme_fields --write"


def test_every_command_is_documented():
    for name in COMMANDS:
        assert f"capplan {name}" in README


def test_the_two_commands_are_there():
    assert "pip install -q -e '.[test,web]'" in README
    assert ".venv/bin/python -m pytest" in README


def test_links_to_docs_resolve():
    """The front door points at pages that exist, and every page in docs/ is reachable from it."""
    import re

    linked = set(re.findall(r"\]\((docs/[\w.-]+\.md)\)", README))
    assert linked, "README links no docs page"
    assert all((ROOT / p).is_file() for p in linked), linked
    pages = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert pages <= linked, f"docs pages README does not link: {sorted(pages - linked)}"
