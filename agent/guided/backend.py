"""The built-in guided backend: the chat works with no language model at all.

Why a backend and not a separate program: it answers through the same interface as the OpenAI
backend (text or tool calls), so the loop, the tools, the what-ifs and the transcripts are the very
same code whichever answers (DESIGN.md). It reads each message with `understand()`, keeps what it
learnt in `session.backend_state` (plain JSON, so `--resume` restores it), asks for exactly what is
missing, and calls the tools; it states only figures it read from a tool result.

Decisions:
- Interview order: app type, registered users, concurrency. Growth and horizon are optional (the
  plan's defaults apply and are listed as assumptions).
- A message with figures after a plan exists corrects the baseline (re-planned under the same
  name), unless it is a what-if ("what if...", "suppose...").
- What-ifs start from the latest baseline; "also"/"on top of that" starts from the latest what-if.
  A what-if that changes only registered users keeps the same share of them online at once.
- "save" in words explains /save; the saved path is always the person's choice.
- It never raises: anything unexpected becomes a short reply listing what it can do.
"""
from __future__ import annotations

import json
import re
from typing import Any

from agent.backends.base import Message, Reply, TextCallback, ToolCall, ToolSchema
from agent.guided import replies, usage_facts
from agent.guided.understand import Understanding, understand
from agent.session import Session

REQUIRED = ("app_type", "registered_users", "concurrency")
_CONC_KEYS = ("concurrent_users", "peak_concurrent_users", "concurrent_share", "peak_share")
_ALSO = re.compile(r"\b(?:also|too|on top(?: of that)?|as well|combined|in addition|and then|plus)\b", re.I)


def _defaults() -> tuple[str, str]:
    from forecasting.defaults import DEFAULT_API_MODEL, DEFAULT_SELF_HOSTED_MODEL

    return str(DEFAULT_API_MODEL.value), str(DEFAULT_SELF_HOSTED_MODEL.value)


def _is_api_model(model: str | None) -> bool:
    from agent.guided.names import api_model_ids

    return bool(model) and model in api_model_ids()


class GuidedBackend:
    """See the module docstring. `strict=True` (tests) lets internal errors surface instead of being softened."""

    name = "guided"
    model = "guided"

    def __init__(self, strict: bool = False) -> None:
        self.strict = strict

    def intro(self) -> str | None:
        return replies.INTRO

    def respond(self, messages: list[Message], tools: list[ToolSchema], session: Session,
                on_text: TextCallback | None = None) -> Reply:
        try:
            return _Turn(messages, session).reply()
        except Exception:  # noqa: BLE001 - a chat must never crash on a message
            if self.strict:
                raise
            return Reply(text="Sorry, I could not work that out. " + replies.CAPABILITIES)


class _Turn:
    """One call of `respond`: reads the state, decides, writes the state back."""

    def __init__(self, messages: list[Message], session: Session) -> None:
        self.messages = messages
        self.session = session
        self.state = session.backend_state
        self.facts: dict[str, Any] = self.state.setdefault("facts", {})
        self.notes: list[str] = self.state.setdefault("notes", [])
        self._ids = 0

    # -- dispatch ---------------------------------------------------------------------------------
    def reply(self) -> Reply:
        last = self.messages[-1] if self.messages else {"role": "user", "content": ""}
        if last.get("role") == "tool":
            return self._after_tools()
        return self._on_user(str(last.get("content") or ""))

    def _call(self, name: str, args: dict[str, Any], text: str = "") -> Reply:
        n = sum(len(m.get("tool_calls") or []) for m in self.messages) + 1
        return Reply(text=text, tool_calls=[ToolCall(id=f"guided_{n}", name=name,
                                                      arguments=json.dumps(args, separators=(",", ":")))])

    @property
    def has_plan(self) -> bool:
        return bool(self.session.scenarios)

    # -- a person's message ----------------------------------------------------------------------
    def _on_user(self, text: str) -> Reply:
        if not text.strip():
            return Reply(text=self._next_question() or "I'm listening: describe your app, or ask a what-if.")
        u = understand(text)
        intents = u.intents
        if u.problems:
            self._merge(u, text, answer_pending=False)
            ask = self._next_question() or "Tell me the corrected figure."
            return Reply(text=" ".join(u.problems) + "\n" + ask)
        if "what_if" in intents and self.has_plan and (u.has_facts() or u.multiply):
            return self._what_if(u, text)
        if "what_if" in intents and self.has_plan:
            return Reply(text="Which change should I try? For example: \"what if we double our users?\", \"what if "
                              "concurrency reaches 10k?\", \"what if growth is 3% a month for 12 months?\" or \"what if "
                              "we self-host on H200s?\"")
        if self.has_plan and not u.has_numbers() and (not u.has_facts() or intents & {"adopt", "explain", "show_plan"}):
            request = self._request(u, text)  # "why so many H100s?" names a GPU but asks, not tells
            if request is not None:
                return request
        if self.state.get("pending") and intents & {"yes", "unsure"} and not u.has_facts():
            return self._small_talk(u, text)
        if not self.has_plan and intents & {"show_plan", "explain", "assumptions", "adopt", "compare"} \
                and not u.has_facts() and not u.bare_numbers:
            return Reply(text="There is no plan yet. " + (self._next_question() or ""))
        if "what_if" in intents and not self.has_plan and u.multiply and self._complete_after(u, text):
            self.state["queued_what_if"] = {"multiply": u.multiply}
        changed = self._merge(u, text, answer_pending=True)
        if changed:
            return self._plan_or_ask(changed)
        return self._small_talk(u, text)

    def _small_talk(self, u: Understanding, text: str) -> Reply:
        intents = u.intents
        pending = self.state.get("pending")
        if pending and intents & {"yes", "unsure"}:
            if pending == "app_type":
                self.facts["app_type"] = "chatbot"
                return self._plan_or_ask(["a chatbot (the default)"])
            if pending == "concurrency":
                self.facts["concurrent_share"] = replies.DEFAULT_CONCURRENT_SHARE
                self.notes.append(f"- Concurrency is my default guess: {replies.DEFAULT_CONCURRENT_SHARE:.2%} of "
                                  f"registered users online at once ({replies.DEFAULT_CONCURRENT_SOURCE}). Tell me "
                                  "the real figure when you have it.")
                return self._plan_or_ask(["the default concurrency"])
            return Reply(text="I need this one to plan; there is no sensible default. " + self._next_question())
        if "save" in intents:
            return Reply(text=replies.SAVE_HOW)
        if "reset" in intents:
            return Reply(text="To start over, type /reset. It clears the scenarios and the conversation.")
        if "help" in intents:
            return Reply(text=replies.CAPABILITIES + self._then_ask())
        if "greeting" in intents:
            return Reply(text="Hello! Describe your app and its users in your own words. "
                              + (self._next_question() if not self.has_plan else replies.CAPABILITIES))
        if "thanks" in intents:
            return Reply(text="You're welcome. Type /save PATH to keep the transcript, or ask another what-if."
                         + self._then_ask())
        if "what_if" in intents and not self.has_plan:
            return Reply(text="A what-if needs a plan to start from; let's make that first.\n" + self._next_question())
        if u.added_users is not None:
            n = replies.num(u.added_users)
            return Reply(text=f"Do you mean a what-if? Say \"what if we had {n} more users\", or give growth such as "
                              f"\"adding {n} users a month\"." + self._then_ask())
        if u.bare_numbers or u.bare_percents:
            value = (replies.num(u.bare_numbers[0]) if u.bare_numbers else f"{u.bare_percents[0]:.0%}")
            return Reply(text=f"What is {value}? Say, for example, \"{value} registered users\", \"{value} online at "
                              "once\" or \"growing 5% a month\"." + self._then_ask())
        if pending == "app_type":
            return Reply(text="I didn't catch whether it's a chatbot or an agent. " + self._next_question())
        return Reply(text="I didn't understand that. " + replies.CAPABILITIES + self._then_ask())

    def _then_ask(self) -> str:
        q = self._next_question()
        return f"\n{q}" if q else ""

    # -- requests about an existing plan ------------------------------------------------------------
    def _request(self, u: Understanding, text: str) -> Reply | None:
        intents = u.intents
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

    def _explain(self, u: Understanding) -> Reply:
        from agent.tools import dig

        metric = u.explain_topic or "cost.monthly_usd"
        record = self.session.get(self.session.latest_name)
        if record is None:
            return Reply(text="There is no plan yet. " + (self._next_question() or ""))
        if metric.startswith("llm.self_hosted") and dig(record.plan, "llm.deployment") != "self_hosted":
            name = next((n for n, r in reversed(self.session.scenarios.items())
                         if dig(r.plan, "llm.deployment") == "self_hosted"), None)
            if name is None:
                return Reply(text=f"**{record.name}** uses a hosted API ({dig(record.plan, 'llm.model')}), so it needs "
                                  "no GPUs of its own; the provider's capacity is expressed as tokens and requests per "
                                  "minute. Ask \"why so many tokens?\" for that, or \"what if we self-host on H100s?\".")
            return self._call("explain", {"metric": metric, "name": name})
        if metric.startswith("llm.api") and dig(record.plan, "llm.deployment") == "self_hosted":
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

    # -- facts and the interview --------------------------------------------------------------------
    def _merge(self, u: Understanding, text: str, answer_pending: bool) -> list[str]:
        """Fold what the message said into the baseline facts; return what changed, in words."""
        f, changed = self.facts, []
        pending = self.state.get("pending")
        bare = list(u.bare_numbers)
        percents = list(u.bare_percents)
        if answer_pending and pending == "registered_users" and u.registered is None and bare:
            u.registered = bare.pop(0)
        if answer_pending and pending in ("registered_users", "concurrency") and u.concurrent is None \
                and u.peak is None and u.concurrent_share is None:
            if pending == "concurrency" or f.get("registered_users") or u.registered is not None:
                if bare and (pending == "concurrency" or len(bare) >= 1 and u.registered is not None):
                    u.concurrent = bare.pop(0)
                elif percents:
                    u.concurrent_share = percents.pop(0)
        if u.app_type and u.app_type != f.get("app_type"):
            f["app_type"] = u.app_type
            changed.append(f"an {u.app_type}" if u.app_type == "agent" else "a chatbot")
        if u.registered is not None:
            f["registered_users"] = int(round(u.registered))
            changed.append(f"{replies.num(f['registered_users'])} registered users")
        if u.peak is not None or u.concurrent is not None or u.concurrent_share is not None or u.peak_share is not None:
            self._merge_concurrency(u, changed)
        changed += usage_facts.merge_activity(f, u.activity, keep_concurrency=u.concurrent is not None
                                              or u.concurrent_share is not None)
        if u.added_per_month is not None:
            f["added_per_month"] = u.added_per_month
            f.pop("monthly_growth_rate", None)
            changed.append(f"{replies.num(u.added_per_month)} new users a month")
        if u.growth is not None:
            f.pop("added_per_month", None)
            f["monthly_growth_rate"] = round(u.growth, 6)
            changed.append(f"growth {u.growth:.2%} a month")
            if u.growth_note:
                self.notes.append(f"- I read {u.growth_note}.")
        if u.horizon is not None:
            f["horizon_months"] = u.horizon
            changed.append(f"a {u.horizon}-month horizon")
        self._merge_llm(u, changed)
        return changed

    def _merge_concurrency(self, u: Understanding, changed: list[str]) -> None:
        f = self.facts
        had_only_peak = "peak_concurrent_users" in f and "concurrent_users" not in f
        if (u.concurrent is not None or u.concurrent_share is not None) and not usage_facts.states_load(u.activity):
            usage_facts.drop_usage_load(f)  # the latest load statement wins
        for k in ("concurrent_share", "peak_share"):
            f.pop(k, None)
        if u.concurrent is not None and u.peak is not None:
            f["concurrent_users"], f["peak_concurrent_users"] = u.concurrent, u.peak
            changed.append(f"{replies.num(u.concurrent)} online at once on average, {replies.num(u.peak)} at peak")
            return
        if u.peak is not None:
            f.pop("concurrent_users", None)
            f["peak_concurrent_users"] = u.peak
            changed.append(f"{replies.num(u.peak)} online at once at peak")
        elif u.concurrent is not None:
            if had_only_peak and not u.concurrent_is_average:
                f["peak_concurrent_users"] = u.concurrent
                changed.append(f"{replies.num(u.concurrent)} online at once at peak")
            else:
                f.pop("peak_concurrent_users", None)
                f["concurrent_users"] = u.concurrent
                changed.append(f"{replies.num(u.concurrent)} online at once")
        elif u.peak_share is not None:
            f.pop("concurrent_users", None)
            f.pop("peak_concurrent_users", None)
            f["peak_share"] = u.peak_share
            changed.append(f"{u.peak_share:.2%} of users online at once at peak")
        elif u.concurrent_share is not None:
            f.pop("concurrent_users", None)
            f.pop("peak_concurrent_users", None)
            f["concurrent_share"] = u.concurrent_share
            changed.append(f"{u.concurrent_share:.2%} of users online at once")

    def _merge_llm(self, u: Understanding, changed: list[str]) -> None:
        f = self.facts
        api_default, open_default = _defaults()
        if u.deployment == "self_hosted":
            f["deployment"] = "self_hosted"
            if u.model and not _is_api_model(u.model):
                f["model"] = u.model
            elif _is_api_model(f.get("model")) or _is_api_model(u.model):
                f.pop("model", None)
                self.notes.append(f"- Hosted models cannot be self-hosted, so I plan with {open_default} "
                                  "(name another open model, e.g. \"Qwen 2.5 72B\", to change it).")
            if u.gpu:
                f["gpu"] = u.gpu
            changed.append("self-hosted" + (f" {f['model']}" if f.get("model") else "")
                           + (f" on {f['gpu']}" if f.get("gpu") else ""))
        elif u.deployment == "api":
            f["deployment"] = "api"
            f.pop("gpu", None)
            if u.model:
                f["model"] = u.model
            elif f.get("model") and not _is_api_model(f.get("model")):
                f.pop("model", None)
            changed.append("hosted API" + (f" {f['model']}" if f.get("model") else f" ({api_default} by default)"))

    def _missing(self) -> list[str]:
        f = self.facts
        out: list[str] = []
        if usage_facts.has_load(f):
            return out  # app type and registered users then have stated defaults (_forecast_args)
        if not f.get("app_type"):
            out.append("app_type")
        if not f.get("registered_users"):
            out.append("registered_users")
        if not any(k in f for k in _CONC_KEYS):
            out.append("concurrency")
        return out

    def _next_question(self) -> str:
        missing = self._missing()
        if self.has_plan or not missing:
            self.state["pending"] = None
            return ""
        self.state["pending"] = missing[0]
        return replies.QUESTIONS[missing[0]]

    def _complete_after(self, u: Understanding, text: str) -> bool:
        """Would the baseline be complete once this message is merged? (a what-if in the first message)"""
        f = dict(self.facts)
        if u.app_type:
            f["app_type"] = u.app_type
        if u.registered:
            f["registered_users"] = u.registered
        if any(v is not None for v in (u.concurrent, u.peak, u.concurrent_share, u.peak_share)):
            f["concurrent_users"] = 1
        if u.activity.found():
            usage_facts.merge_activity(f, u.activity)
            if usage_facts.has_load(f):
                return True
        return bool(f.get("app_type") and f.get("registered_users") and any(k in f for k in _CONC_KEYS))

    def _consistency_problem(self) -> str | None:
        f = self.facts
        reg = f.get("registered_users")
        for key, label in (("concurrent_users", "online at once"), ("peak_concurrent_users", "online at once at peak")):
            value = f.get(key)
            if reg and value is not None and value > reg:
                f.pop(key)
                return (f"{replies.num(value)} users {label} is more than the {replies.num(reg)} registered users; "
                        "the people online are some of the registered ones.")
        avg, peak = f.get("concurrent_users"), f.get("peak_concurrent_users")
        if avg is not None and peak is not None and peak < avg:
            f.pop("peak_concurrent_users")
            return f"The peak ({replies.num(peak)}) can't be below the average ({replies.num(avg)}); I dropped the peak."
        return None

    def _plan_or_ask(self, changed: list[str]) -> Reply:
        problem = self._consistency_problem()
        question = self._next_question()
        heard = "Got it: " + ", ".join(changed) + "." if changed else ""
        if problem:
            return Reply(text=f"{heard} {problem}\n{question or 'How many are online at once?'}".strip())
        if question:
            return Reply(text=f"{heard}\n{question}".strip())
        return self._call("forecast", self._forecast_args(), text=heard)

    def _forecast_args(self) -> dict[str, Any]:
        f = self.facts
        if not f.get("app_type"):
            f["app_type"] = "chatbot"
            self.notes.append("- You didn't say whether it's a chatbot or an agent; I planned a chatbot (say \"it's an "
                              "agent\" if it carries out tasks on its own).")
        if not f.get("registered_users"):
            guess = usage_facts.default_registered(f, f["app_type"])
            if guess:
                f["registered_users"], note = guess
                f["registered_assumed"] = True
                self.notes.append(note)
        args: dict[str, Any] = {"name": self.session.baseline_name or "baseline", "app_type": f["app_type"],
                                "registered_users": int(f["registered_users"])}
        reg = float(f["registered_users"])
        if "concurrent_share" in f:
            args["concurrent_users"] = max(1.0, round(reg * float(f["concurrent_share"]), 2))
        if "peak_share" in f:
            args["peak_concurrent_users"] = max(1.0, round(reg * float(f["peak_share"]), 2))
        for key in ("concurrent_users", "peak_concurrent_users", "monthly_growth_rate", "horizon_months",
                    "deployment", "model", "gpu"):
            if key in f:
                args[key] = f[key]
        usage_facts.load_args(f, args, self.notes)
        if "added_per_month" in f:
            rate, note = _linear_as_compound(float(f["added_per_month"]), reg, f.get("horizon_months"))
            args["monthly_growth_rate"] = rate
            if note not in self.notes:
                self.notes.append(note)
        return args

    # -- what-ifs -------------------------------------------------------------------------------------
    def _what_if(self, u: Understanding, text: str) -> Reply:
        args, notes, problem = self._what_if_args(u, text)
        if problem:
            return Reply(text=problem)
        self.notes.extend(notes)
        return self._call("what_if", args)

    def _what_if_args(self, u: Understanding, text: str) -> tuple[dict[str, Any], list[str], str | None]:
        from agent.tools import dig

        s = self.session
        base = s.baseline_name or s.latest_name
        latest_wi = next((n for n, r in reversed(s.scenarios.items()) if r.kind == "what_if"), None)
        if latest_wi and _ALSO.search(text):
            base = latest_wi
        record = s.get(base)
        assert record is not None
        inputs, resolved = record.inputs, record.plan.get("inputs") or {}
        args: dict[str, Any] = {"base": record.name}
        set_: dict[str, Any] = {}
        mult: dict[str, float] = {}
        notes: list[str] = []
        parts: list[str] = []
        conc_keys = [k for k in ("concurrent_users", "peak_concurrent_users") if k in inputs] or ["concurrent_users"]
        reg = float(inputs.get("registered_users") or resolved.get("registered_users") or 0)
        if "users" in u.multiply:
            args["scale_users"] = u.multiply["users"]
            parts.append(_factor_name(u.multiply["users"]) + " users")
        if "concurrency" in u.multiply:
            for k in conc_keys:
                mult[k] = u.multiply["concurrency"]
            parts.append(_factor_name(u.multiply["concurrency"]) + " concurrency")
        if "growth" in u.multiply:
            mult["monthly_growth_rate"] = u.multiply["growth"]
            parts.append(_factor_name(u.multiply["growth"]) + " growth")
        new_reg = reg
        if u.added_users is not None and u.registered is None and reg:
            u.registered = reg + u.added_users
        if u.added_per_month is not None and reg:
            horizon = u.horizon if u.horizon is not None else resolved.get("horizon_months")
            rate, note = _linear_as_compound(u.added_per_month, reg * u.multiply.get("users", 1.0), horizon)
            set_["monthly_growth_rate"] = rate
            notes.append(note)
            parts.append(f"+{_short(u.added_per_month)} users/mo")
        if u.registered is not None:
            new_reg = float(int(round(u.registered)))
            set_["registered_users"] = int(new_reg)
            parts.append(f"{_short(new_reg)} users")
            if reg and not any(v is not None for v in (u.concurrent, u.peak, u.concurrent_share, u.peak_share)):
                for k in conc_keys:
                    if k in inputs:
                        mult[k] = new_reg / reg
                notes.append("- I kept the same share of users online at once as in "
                             f"**{record.name}**; tell me the concurrency if it differs.")
        conc = u.concurrent if u.concurrent is not None else (
            u.concurrent_share * new_reg if u.concurrent_share is not None else None)
        peak = u.peak if u.peak is not None else (u.peak_share * new_reg if u.peak_share is not None else None)
        if peak is not None:
            set_["peak_concurrent_users"] = round(peak, 2)
            if "concurrent_users" in inputs and float(inputs["concurrent_users"]) > peak:
                set_["concurrent_users"] = round(peak, 2)
            parts.append(f"peak {_short(peak)}")
        if conc is not None:
            if "concurrent_users" in inputs or u.concurrent_is_average or "peak_concurrent_users" not in inputs:
                old = float(inputs.get("concurrent_users") or 0)
                set_["concurrent_users"] = round(conc, 2)
                if "peak_concurrent_users" in inputs and peak is None and old:
                    mult["peak_concurrent_users"] = conc / old
                parts.append(f"concurrency {_short(conc)}")
            else:
                set_["peak_concurrent_users"] = round(conc, 2)
                parts.append(f"peak {_short(conc)}")
        for key in ("concurrent_users", "peak_concurrent_users"):
            value = set_.get(key)
            limit = new_reg * (u.multiply.get("users", 1.0))
            if value is not None and limit and value > limit:
                return args, notes, (f"{replies.num(value)} online at once would be more than the "
                                     f"{replies.num(limit)} registered users; tell me a smaller figure, or more users too.")
        if u.growth is not None:
            set_["monthly_growth_rate"] = round(u.growth, 6)
            parts.append(f"growth {u.growth:.1%}/mo")
            if u.growth_note:
                notes.append(f"- I read {u.growth_note}.")
        if u.horizon is not None:
            set_["horizon_months"] = u.horizon
            parts.append(f"{u.horizon} months")
        api_default, open_default = _defaults()
        base_model = dig(inputs, "llm.model")
        if u.deployment == "self_hosted":
            set_["llm.deployment"] = "self_hosted"
            if u.model and not _is_api_model(u.model):
                set_["llm.model"] = u.model
            elif _is_api_model(base_model) or dig(resolved, "llm.deployment") != "self_hosted" and base_model:
                set_["llm.model"] = open_default
            if u.gpu:
                set_["llm.gpu"] = u.gpu
            parts.append("self-host" + (f" {u.model}" if u.model and not _is_api_model(u.model) else "")
                         + (f" on {u.gpu}" if u.gpu else ""))
        elif u.deployment == "api":
            set_["llm.deployment"] = "api"
            if u.model:
                set_["llm.model"] = u.model
            elif base_model and not _is_api_model(base_model):
                set_["llm.model"] = api_default
            parts.append(u.model or "hosted API")
        if u.app_type and u.app_type != inputs.get("app_type"):
            set_["app_type"] = u.app_type
            parts.append(u.app_type)
        if set_:
            args["set"] = set_
        if mult:
            args["multiply"] = mult
        args["name"] = s.unique_name(", ".join(parts)[:60] or "what-if")
        return args, notes, None

    # -- after tools ran ----------------------------------------------------------------------------
    def _after_tools(self) -> Reply:
        calls: dict[Any, str] = {}  # tool_call_id -> tool name (ids may be missing)
        i = len(self.messages) - 1
        results: list[Message] = []
        while i >= 0 and self.messages[i].get("role") == "tool":
            results.insert(0, self.messages[i])
            i -= 1
        if i >= 0:
            for c in self.messages[i].get("tool_calls") or []:
                calls[c.get("id")] = (c.get("function") or {}).get("name", "")
        texts = []
        planned = False
        for m in results:
            name = calls.get(m.get("tool_call_id"), "")
            content = str(m.get("content") or "")
            if content.startswith("Error"):
                texts.append(replies.error_summary(content))
                self.state.pop("queued_what_if", None)
                continue
            data = replies.parse(content) or {}
            texts.append(self._describe(name, data))
            planned = planned or name in ("forecast", "what_if")
        if planned:
            self.notes.clear()
        queued = self.state.pop("queued_what_if", None)
        if queued and planned and self.session.baseline_name:
            u = Understanding(multiply={k: float(v) for k, v in queued.get("multiply", {}).items()},
                              intents={"what_if"})
            args, notes, problem = self._what_if_args(u, "")
            if not problem:
                self.notes.extend(notes)
                return self._call("what_if", args, text="\n\n".join(texts))
        return Reply(text="\n\n".join(t for t in texts if t) or "Done.")

    def _describe(self, tool: str, data: dict[str, Any]) -> str:
        notes = list(self.notes)
        if tool == "forecast" or tool == "show_plan":
            return replies.plan_summary(data, notes if tool == "forecast" else [])
        if tool == "what_if":
            base = self.session.get(data.get("based_on")) if data.get("based_on") else None
            timeline = (base.plan.get("timeline") or []) if base else []
            last = timeline[-1] if timeline and isinstance(timeline[-1], dict) else None
            return replies.what_if_summary(data, notes, last)
        if tool == "compare":
            return replies.compare_summary(data)
        if tool == "explain":
            return replies.explain_summary(data)
        if tool == "assumptions":
            return replies.assumptions_summary(data)
        if tool == "adopt":
            return (f"**{data.get('final')}** is now the final plan: the saved transcript will show it. "
                    "Type /save PATH to save.")
        return "Done."


def _linear_as_compound(added: float, registered: float, horizon: Any) -> tuple[float, str]:
    """ "Adding 10k users a month" as the compound monthly rate that reaches the same users at the horizon.

    Why: the plan grows compoundly; matching the end of the horizon keeps the capacity needed there
    right (the middle months come out a little lower than linear growth would give).
    """
    from forecasting.defaults import COMMON

    months = int(horizon) if horizon not in (None, "") else int(COMMON["horizon_months"].value)
    months = max(1, months)
    registered = max(1.0, registered)
    rate = min(2.0, ((registered + added * months) / registered) ** (1.0 / months) - 1.0)
    note = (f"- Adding {replies.num(added)} users a month to {replies.num(registered)} reaches "
            f"{replies.num(registered + added * months)} in month {months}; I plan that as {rate:.2%} a month, "
            "compounded, which reaches the same number.")
    return round(rate, 6), note


def _factor_name(factor: float) -> str:
    return {2.0: "double", 3.0: "triple", 4.0: "quadruple", 0.5: "half"}.get(factor, f"{factor:g}x")


def _short(value: float) -> str:
    for div, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= div:
            return f"{value / div:.3g}{suffix}"
    return f"{value:.3g}"
