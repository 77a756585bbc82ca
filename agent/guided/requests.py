"""Requests about an existing plan: explain a figure, show it, list assumptions, compare, adopt.

Why its own stage: these messages ask about plans rather than state facts ("why so many H100s?" names a
GPU but asks, not tells), so they are answered from the session's scenarios, never merged into facts.
"""
from __future__ import annotations

import json
import re

from typing import Any

from agent.backends.base import Reply
from agent.guided.patterns import USAGE_CALIBRATE, USAGE_COMPARE, USAGE_PATH
from agent.guided.state import TurnState
from agent.guided.understand import Understanding


class Requests(TurnState):
    def _request(self, u: Understanding, text: str) -> Reply | None:
        intents = u.intents
        if u.questions:
            return self._calls(self._question_calls(u, text))
        if "adopt" in intents and not ({"explain", "assumptions"} & intents):
            name = self._adopt_name(u, text)
            if name is None:
                return Reply(text="Which scenario? These exist: " + ", ".join(self.session.scenarios) + ".")
            return self._call("adopt", {"name": name})
        if "explain" in intents:
            return self._explain(u)
        if "assumptions" in intents:
            return self._call("assumptions", {"name": self._mentioned(text) or self.session.final})
        if "compare" in intents and len(self.session.scenarios) >= 2:
            return self._call("compare", {"names": list(self.session.scenarios)[:4]})
        if "show_plan" in intents:
            name = self._mentioned(text) or self.session.final
            return self._call("show_plan", {"name": name})
        return None

    def _question_calls(self, u: Understanding, text: str) -> list[tuple[str, dict[str, Any]]]:
        """ "should we self-host?", "how sure are you?", "what matters most?": one tool each, in the order asked."""
        name = self._mentioned(text) or self._named_by_change(text) or self.session.final
        tools = {"options": "serving_options", "how_sure": "how_sure", "what_matters": "what_matters_most"}
        return [(tools[q], {"name": name}) for q in u.questions]

    def _named_by_change(self, text: str) -> str | None:
        """ "the doubled one", "the original": a scenario named by its change (not "self-host", which is the question)."""
        from agent.guided.patterns import ADOPT_TARGETS

        target = next((t for pat, t in ADOPT_TARGETS if t not in ("self", "@latest") and pat.search(text)), None)
        if target is None:
            return None
        return self._adopt_name(Understanding(adopt_target=target), text)

    def _usage_request(self, text: str) -> Reply | None:
        """ "compare with logs/requests.csv", "calibrate from usage.json": the path exactly as typed (issue 10)."""
        m = USAGE_PATH.search(text)
        if not m:
            return None
        path = m.group(1)
        rest = text[:m.start()] + " " + text[m.end():]
        if USAGE_CALIBRATE.search(rest):
            return self._call("usage_calibrate", {"path": path})
        if USAGE_COMPARE.search(rest):
            if not self.has_plan:
                return Reply(text=f"There is no plan yet to compare {path} with. Describe your app first, or say "
                                  f"\"calibrate from {path}\" to see what the file says. " + (self._next_question() or ""))
            return self._call("usage_compare", {"path": path, "name": self._mentioned(rest) or self.session.final})
        return None

    def _explain(self, u: Understanding) -> Reply:
        from forecasting.vocabulary import value_at

        metric = u.explain_topic or "cost.monthly_usd"
        record = self.session.get(self.session.latest_name)
        if record is None:
            return Reply(text="There is no plan yet. " + (self._next_question() or ""))
        if metric.startswith("llm.self_hosted") and value_at(record.plan, "llm.deployment") != "self_hosted":
            name = next((n for n, r in reversed(self.session.scenarios.items())
                         if value_at(r.plan, "llm.deployment") == "self_hosted"), None)
            if name is None:
                return Reply(text=f"**{record.name}** uses a hosted API ({value_at(record.plan, 'llm.model')}), so it needs "
                                  "no GPUs of its own; the provider's capacity is expressed as tokens and requests per "
                                  "minute. Ask \"why so many tokens?\" for that, or \"what if we self-host on H100s?\".")
            return self._call("explain", {"metric": metric, "name": name})
        if metric.startswith("llm.api") and value_at(record.plan, "llm.deployment") == "self_hosted":
            metric = "llm.self_hosted.gpus"
        return self._call("explain", {"metric": metric, "name": record.name})

    def _mentioned(self, text: str) -> str | None:
        low = re.sub(r"[^a-z0-9]+", " ", text.lower())
        for name in sorted(self.session.scenarios, key=len, reverse=True):
            key = re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()
            if key and f" {key} " in f" {low} ":
                return name
        return None

    def _adopt_name(self, u: Understanding, text: str) -> str | None:
        named = self._mentioned(text)
        if named:
            return named
        target = u.adopt_target
        what_ifs = [n for n, r in self.session.scenarios.items() if r.kind == "what_if"]
        if target == "@baseline":
            return self.session.baseline_name
        if target and not target.startswith("@"):
            for n in reversed(what_ifs):
                r = self.session.scenarios[n]
                blob = (n + " " + json.dumps(r.changes)).lower()
                if target in blob or (target == "doubl" and "double" in blob) or \
                        (target == "self" and "self_hosted" in blob):
                    return n
        return what_ifs[-1] if what_ifs else self.session.latest_name
