"""The guided mode's family nicknames ("Gemini", "ChatGPT") name current models of the price data.

Why a test: the mapping is written by hand while the price data is refreshed; a nickname that silently
points at a model the data deprecates opens every plan made from it with a deprecation warning (as
"Gemini" -> gemini-2.5-flash did once its date, 2026-12-01, arrived).
"""
from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from agent.guided.names import FAMILY_DEFAULTS, find_api_models
from forecasting.catalog import API_FILE
from forecasting.llm_api import PRICE_DATA_DATE

MODELS = {m["id"]: m for m in json.loads(API_FILE.read_text())["models"]}


@pytest.mark.parametrize("pattern,model_id", FAMILY_DEFAULTS)
def test_family_default_is_a_current_model_of_the_price_data(pattern: str, model_id: str) -> None:
    assert model_id in MODELS, f"{pattern!r} maps to {model_id}, which the price data does not hold"
    m = MODELS[model_id]
    when = m.get("deprecation_date")
    if when is None or date.fromisoformat(when) > PRICE_DATA_DATE + timedelta(days=365):
        return
    same_family = [x for x in MODELS.values() if x.get("provider") == m.get("provider") and "/" not in x["id"]
                   and x["id"].split("-")[0] == model_id.split("-")[0] and x["id"] != model_id
                   and (x.get("deprecation_date") is None
                        or date.fromisoformat(x["deprecation_date"]) > PRICE_DATA_DATE + timedelta(days=365))]
    assert not same_family, (f"{pattern!r} maps to {model_id}, deprecated on {when}; current models of that family: "
                             f"{sorted(x['id'] for x in same_family)}")


@pytest.mark.parametrize("text,expected", [
    ("we run it on Gemini", "gemini-3.5-flash"),
    ("Gemini Pro for the hard questions", "gemini-3.1-pro-preview"),
    ("like ChatGPT", "gpt-5.4-mini"),
    ("on gemini 2.5 flash", "gemini-2.5-flash"),  # a version said is a version kept, deprecated or not
    ("gemini flash lite", "gemini-2.5-flash-lite"),
])
def test_nicknames_and_versions(text: str, expected: str) -> None:
    assert [f.value for f in find_api_models(text)] == [expected]
