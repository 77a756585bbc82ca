"""Facts that live in one place and are read from there (issue 16, move 8)."""
from __future__ import annotations

import json
from pathlib import Path

from forecasting import plan
from forecasting.workload import DAYS_PER_MONTH, HOURS_PER_MONTH, MONTH_IN_SECONDS_TEXT, SECONDS_PER_MONTH

DATA = Path(__file__).resolve().parents[1] / "forecasting" / "data"


def test_the_month_of_the_volumes_is_the_month_of_the_prices() -> None:
    """Monthly volumes and storage days use workload.HOURS_PER_MONTH; prices use the catalog's month."""
    assert json.loads((DATA / "clouds.json").read_text())["hours_per_month"] == HOURS_PER_MONTH
    assert SECONDS_PER_MONTH == HOURS_PER_MONTH * 3600 and DAYS_PER_MONTH == HOURS_PER_MONTH / 24


def test_explanations_write_the_month_from_the_constant() -> None:
    p = plan({"app_type": "chatbot", "registered_users": 10_000, "concurrent_users": 100})
    assert MONTH_IN_SECONDS_TEXT in p.explanations["load.monthly_messages"]
    assert f"/ {DAYS_PER_MONTH:.1f} =" in p.explanations["storage.object.log_storage_gb"]


def test_the_population_is_one_fact_read_by_the_scenario_limit_and_the_guided_mode() -> None:
    import agent.guided.patterns as patterns
    from agent.guided.understand import understand
    from forecasting.scenario import MAX_USERS, PEOPLE_ALIVE

    assert not hasattr(patterns, "PEOPLE_ON_EARTH") and MAX_USERS >= PEOPLE_ALIVE
    over = understand(f"a support chatbot with {PEOPLE_ALIVE * 1.05:,.0f} users")
    assert over.registered is None and f"about {PEOPLE_ALIVE / 1e9:.1f} billion" in over.problems[0]
    assert understand(f"a support chatbot with {PEOPLE_ALIVE * 0.95:,.0f} users").registered == round(PEOPLE_ALIVE * 0.95)


def test_the_guided_default_online_share_reads_the_session_default() -> None:
    from agent.guided import replies
    from forecasting.defaults import lookup

    minutes = float(lookup("chatbot", "workload.session_minutes").value)
    assert replies.DEFAULT_CONCURRENT_SHARE == 0.30 * minutes / (16 * 60)
    assert f"one {minutes:g}-minute session" in replies.DEFAULT_CONCURRENT_SOURCE


def test_the_days_in_a_month_are_written_from_the_constant() -> None:
    from forecasting.defaults import lookup
    from forecasting.plan_model import DatabaseOut

    text = f"(m + 1) x {DAYS_PER_MONTH:.1f}"
    assert text in lookup("chatbot", "data.existing_history_days").source
    assert f"(month + 1) x {DAYS_PER_MONTH:.1f}" in str(DatabaseOut.model_fields["history_days"].description)


def test_growth_and_horizon_limits_are_the_scenarios_and_the_guided_mode_says_them() -> None:
    from agent.guided.understand import understand
    from forecasting.scenario import MAX_GROWTH, MAX_HORIZON_MONTHS, MIN_GROWTH, Scenario

    assert Scenario.model_fields["monthly_growth_rate"].metadata[0].ge == MIN_GROWTH
    too_fast = understand(f"a chatbot with 1000 users growing {MAX_GROWTH * 150:.0f}% a month")
    assert too_fast.growth is None and f"{MAX_GROWTH:+.0%}" in " ".join(too_fast.problems)
    too_far = understand(f"a chatbot with 1000 users, plan {MAX_HORIZON_MONTHS + 12} months ahead")
    assert too_far.horizon is None and f"up to {MAX_HORIZON_MONTHS} months" in " ".join(too_far.problems)
