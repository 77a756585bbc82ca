"""A warning when the chat agent's own model is past, or near, its provider's deprecation date.

Why: the chat model is chosen once (`--model`, `CAPPLAN_MODEL` or the default) and then forgotten; a
retired model fails every turn with a 404 that does not say why. The price data already carries each
hosted model's deprecation date (LiteLLM `deprecation_date`), so the start of a chat can say it first.
Why a window and not the plan's horizon: a conversation lasts minutes, so only a date already passed or
within `SOON_DAYS` matters; a plan's model is checked against its own horizon by the planner.
Models the price data does not know (local models, other servers) get no notice.
"""
from __future__ import annotations

from datetime import date

SOON_DAYS = 30


def chat_model_notice(model: str, today: date | None = None) -> str | None:
    from forecasting.catalog import default_catalog

    try:
        entry = default_catalog().api_models.get(model)
    except Exception:  # noqa: BLE001 - a notice must never stop a chat; the planner reports a broken catalog
        return None
    if entry is None or not entry.deprecation_date:
        return None
    try:
        when = date.fromisoformat(entry.deprecation_date)
    except ValueError:
        return None
    today = today or date.today()
    days = (when - today).days
    if days > SOON_DAYS:
        return None
    said = (f"was deprecated on {when.isoformat()}" if days < 0 else "is deprecated today" if days == 0
            else f"is deprecated on {when.isoformat()}, in {days} day{'s' if days != 1 else ''}")
    instead = f" (its successor: {entry.successor})" if entry.successor else ""
    return (f"The chat model {model} {said} (provider deprecation date in capplan's price data){instead}. "
            "Choose another with --model or CAPPLAN_MODEL.")
