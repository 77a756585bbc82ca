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
