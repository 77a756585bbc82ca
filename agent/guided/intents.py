"""Stage 4 of reading a message: what it asks for (intents), the app type, and model / GPU names.

Why a stage of its own: whether a message is a what-if, a correction or a question about a plan decides
what the backend does with the figures in it; these readers look at the words, never at the numbers.
"""
from __future__ import annotations

import re

from agent.guided import names
from agent.guided.patterns import (
    ADOPT, ADOPT_TARGETS, HOW_SURE, OPTIONS, WHAT_MATTERS, APP_AGENT, APP_CHATBOT, ASSUMPTIONS, CONSIDERING, CORRECTION, EXPLAIN, GREETING, HELP, HOSTED_API, HUMAN_AGENT, NO, RESET, SAVE, SELF_HOST, SHOW_PLAN, THANKS, UNSURE, WHAT_IF, YES, _I,
)
from typing import TYPE_CHECKING

from forecasting.vocabulary import metric_for

if TYPE_CHECKING:  # pragma: no cover
    from agent.guided.understand import Understanding


def _names(text: str, u: Understanding) -> None:
    open_models = names.find_open_models(text)
    api_models = [f for f in names.find_api_models(text)
                  if not any(o.start <= f.start < o.end for o in open_models)]
    gpus = names.find_gpus(text)
    if open_models:
        u.model = open_models[-1].value
        u.deployment = "self_hosted"
    elif api_models:
        u.model = api_models[-1].value
        u.deployment = "api"
    if gpus:
        u.gpu = gpus[-1].value
        u.deployment = "self_hosted"
    if SELF_HOST.search(text) and not CONSIDERING.search(text):
        u.deployment = "self_hosted"
    elif u.deployment is None and HOSTED_API.search(text):
        u.deployment = "api"


def _app_type(text: str, u: Understanding) -> None:
    without_humans = HUMAN_AGENT.sub(" ", text)
    if APP_AGENT.search(without_humans):
        u.app_type = "agent"
    elif APP_CHATBOT.search(text):
        u.app_type = "chatbot"


def _intents(text: str, u: Understanding) -> None:
    checks = [("what_if", WHAT_IF), ("correction", CORRECTION), ("show_plan", SHOW_PLAN), ("explain", EXPLAIN),
              ("assumptions", ASSUMPTIONS), ("adopt", ADOPT), ("save", SAVE), ("help", HELP), ("greeting", GREETING),
              ("thanks", THANKS), ("yes", YES), ("unsure", UNSURE), ("no", NO), ("reset", RESET)]
    for name, pat in checks:
        if pat.search(text):
            u.intents.add(name)
    if re.search(r"\bcompare\b|\bside by side\b|\bdifference\b", text, _I):
        u.intents.add("compare")
    asked = sorted((m.start(), name) for name, pat in (("options", OPTIONS), ("how_sure", HOW_SURE),
                                                       ("what_matters", WHAT_MATTERS)) for m in [pat.search(text)] if m)
    if asked:  # questions for the options / uncertainty tools, in the order asked (issues 9, 13)
        u.questions = [name for _, name in asked]
        u.intents.update(u.questions)
        u.intents.discard("explain")  # "which assumption drives the cost?" is not "why does it cost that much?"
        u.intents.discard("assumptions")
        if "options" in u.questions and u.gpu is None and u.model is None:
            u.deployment = None  # "should we self-host?" asks; it does not say they do
    if "explain" in u.intents:
        u.explain_topic = metric_for(text)  # the plan's word -> figure table (forecasting/vocabulary.py)
    if "adopt" in u.intents:
        for pat, target in ADOPT_TARGETS:
            if pat.search(text):
                u.adopt_target = target
                break
    if "unsure" in u.intents:
        u.intents.discard("no")
