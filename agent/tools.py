"""The tools the chat model (or the guided backend) may call, each defined once as a pydantic model.

Why pydantic models: the model sees exactly the JSON Schema that validates its arguments, and a
validation error becomes the tool's *result* ("fix this and try again"), so the model can correct
itself or ask the person instead of crashing the session (DESIGN.md, "The conversational agent").

Why compact results: every tool result is sent back to the model on every later request, so results
carry the key figures only (a few hundred tokens), never the whole plan JSON.

Tools (arguments in the models below):
- forecast(name="baseline", app_type, registered_users, one load source: concurrent_users | peak_concurrent_users
    | daily_active_users | monthly_active_users | monthly_conversations | monthly_messages | monthly_tasks, ...)
    plan a scenario from the person's numbers; reusing a name replaces that scenario (a correction).
- what_if(base=final, name=auto, scale_users, set={path: value}, multiply={path: factor})
    a variant of a named scenario; paths are scenario paths such as "monthly_growth_rate", "llm.gpu".
- compare(names=[...]) key figures side by side, with changes relative to the first.
- explain(metric, name=final) where a number comes from (formula with the actual values).
- assumptions(name=final) the defaults the plan used, with sources.
- adopt(name) make a scenario the final one (the one the transcript's plan shows).
- show_plan(name=final) the key figures of one scenario again.
- ranges={path: {"low", "high"[, "mid"]}} on forecast and what_if; how_sure(name=final) and
    what_matters_most(name=final, top=5) for "how sure are you?" / "what matters most?" (agent/tools_uncertainty.py).
Tools never write files: saving is the person's command.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from agent.errors import InputError, Problem
from agent.session import ScenarioRecord, Session
from agent.tools_uncertainty import HowSureArgs, RangeArgs, WhatMattersArgs, apply_ranges, ranges_field
from forecasting.vocabulary import KEY_FIGURES, key_figures, match_metric, rounded, value_at

Planner = Callable[[Any], Any]  # Scenario -> CapacityPlan (anything with model_dump, or a dict)
_ARGS = ConfigDict(extra="forbid", allow_inf_nan=False)
Scalar = float | int | str | bool


# ----------------------------------------------------------------------------------------------
# Argument models. Descriptions are short on purpose: they are paid for on every request.
class ForecastArgs(BaseModel):
    """Plan a scenario from the person's figures. Only pass values the person gave or accepted."""

    model_config = _ARGS
    name: str | None = Field(None, max_length=60, description="scenario name (default: baseline, or a new unique name); give an existing name only to correct that scenario")
    app_type: Literal["chatbot", "agent"] = Field(description="chatbot (conversations) or agent (multi-step tasks)")
    registered_users: int = Field(description="signed-up users today")
    concurrent_users: float | None = Field(None, description="average users active at once")
    peak_concurrent_users: float | None = Field(None, description="users active at once at the daily peak")
    monthly_growth_rate: float | None = Field(None, description="compound growth per month, 0.08 = 8%")
    horizon_months: int | None = Field(None, description="months to plan ahead (default 12)")
    peak_multiplier: float | None = Field(None, description="peak / average concurrency (default 1.5)")
    safety_margin: float | None = Field(None, description="capacity headroom, 0.25 = 25%")
    deployment: Literal["api", "self_hosted"] | None = Field(None, description="hosted LLM API or own GPUs")
    model: str | None = Field(None, description="LLM id, e.g. gpt-5-mini, claude-sonnet-4-6, llama-3.1-70b")
    gpu: str | None = Field(None, description="self-hosted GPU, e.g. h100-sxm, a100-80gb, l40s")
    # --- load sources people know (issue 14): give one of these instead of concurrent_users ---
    daily_active_users: float | None = Field(None, description="users active on a typical day (DAU)")
    monthly_active_users: float | None = Field(None, description="users active in a month (MAU); alone, DAU comes from a default share")
    monthly_conversations: float | None = Field(None, description="conversations a month")
    monthly_messages: float | None = Field(None, description="chatbot: user messages a month")
    monthly_tasks: float | None = Field(None, description="agent: tasks a month")
    sessions_per_day: float | None = Field(None, description="sessions per daily active user per day (default 1.5 chatbot)")
    session_minutes: float | None = Field(None, description="minutes per session (default 7 chatbot)")
    other: dict[str, Scalar] = Field(default_factory=dict, description='other scenario fields by path, e.g. {"workload.messages_per_session": 12, "data.retention_days": 90}')
    # --- uncertainty (issue 9): a range instead of an exact value, by path ---
    ranges: RangeArgs = ranges_field()


class WhatIfArgs(BaseModel):
    """Plan a variant of an existing scenario and compare it with that scenario."""

    model_config = _ARGS
    base: str | None = Field(None, description="scenario to start from (default: the current final one)")
    name: str | None = Field(None, max_length=60, description="name for the new scenario, e.g. 'double users'")
    scale_users: float | None = Field(None, gt=0, description="multiply all user counts and volumes together, 2 = double")
    set: dict[str, Scalar] = Field(default_factory=dict, description='new values by path, e.g. {"monthly_growth_rate": 0.03, "llm.deployment": "self_hosted", "llm.gpu": "h200"}')
    multiply: dict[str, float] = Field(default_factory=dict, description='multipliers by path, e.g. {"workload.output_tokens": 2}')
    unset: list[str] = Field(default_factory=list, description='paths to remove (back to the default), e.g. ["concurrent_users"] when a figure is the peak, not the average')
    ranges: RangeArgs = ranges_field()  # uncertainty (issue 9): agent/tools_uncertainty.py


class CompareArgs(BaseModel):
    model_config = _ARGS
    names: list[str] = Field(default_factory=list, description="scenarios to compare, first is the reference (default: all, up to 4)")


class ExplainArgs(BaseModel):
    model_config = _ARGS
    metric: str = Field(description="metric path or words, e.g. llm.self_hosted.gpus, cost.monthly_usd, 'app instances'")
    name: str | None = Field(None, description="scenario (default: the final one)")


class OptionsArgs(BaseModel):
    """Ways to serve a scenario's model calls (hosted APIs, own GPUs), ranked, with break-even."""
    model_config = _ARGS
    name: str | None = Field(None, description="scenario (default: the final one)")
    top: int = Field(3, ge=1, le=8, description="how many of the best options to return")
    self_hosting_overhead_usd: float | None = Field(None, ge=0, le=1e9, description="fixed monthly operations cost of self-hosting, only if the person gave one")


class NameArgs(BaseModel):
    model_config = _ARGS
    name: str | None = Field(None, description="scenario (default: the final one)")


class AdoptArgs(BaseModel):
    model_config = _ARGS
    name: str = Field(description="scenario the person settled on")


# ----------------------------------------------------------------------------------------------
@dataclass
class ToolResult:
    """What a tool call produced: `content` goes to the model; the rest tells the UI what to draw."""

    content: str
    ok: bool = True
    display: Literal["summary", "compare", "text", "none"] = "none"
    names: list[str] = field(default_factory=list)  # scenarios to draw (summary: 1, compare: 2+)
    problems: list[Problem] = field(default_factory=list)  # ok=False: what was wrong, each with its field

    def outcome(self) -> dict[str, Any]:
        """The outcome as data, as the session and the transcript keep it (never read back from text)."""
        if self.ok:
            return {"ok": True}
        return {"ok": False, "error": [p.as_dict() for p in self.problems] or [{"field": "", "message": self.content}]}


@dataclass
class Tool:
    name: str
    description: str
    args: type[BaseModel]
    run: Callable[[Any, Session], ToolResult]

    def schema(self) -> dict[str, Any]:
        params = self.args.model_json_schema()
        params.pop("title", None)
        params.pop("description", None)
        for prop in params.get("properties", {}).values():
            prop.pop("title", None)
            _drop_null_default(prop)
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": params}}


def _drop_null_default(prop: dict[str, Any]) -> None:
    """`anyOf [X, null]` with default null costs tokens and confuses small models: say X, optional."""
    any_of = prop.get("anyOf")
    if any_of and prop.get("default", 0) is None:
        rest = [a for a in any_of if a.get("type") != "null"]
        if len(rest) == 1:
            prop.pop("anyOf")
            prop.update(rest[0])
        prop.pop("default", None)


# The plan's vocabulary (headline figures, labels, aliases, number writers) lives in forecasting/vocabulary.py.


def summary(record: ScenarioRecord, *, detail: bool = True) -> dict[str, Any]:
    """The compact view of one scenario that the model reads instead of the whole plan."""
    plan = record.plan
    out: dict[str, Any] = {"scenario": record.name, "kind": record.kind}
    if record.stale:
        out["stale"] = record.stale
    if record.base:
        out["based_on"] = record.base
        out["changes"] = record.changes
    out["figures"] = key_figures(plan)
    from agent.tools_uncertainty import summary_bands

    bands = summary_bands(plan)
    if bands:  # ranges: say the band, not one figure (figures above are the plan at provision_at)
        out["uncertainty"] = bands
    if not detail:
        return out
    timeline = plan.get("timeline") or []
    if len(timeline) > 1:
        last = timeline[-1]
        out["at_horizon"] = rounded({k: last.get(k) for k in ("month", "registered_users", "peak_concurrent_users",
                                                               "monthly_usd") if k in last})
    breakdown = value_at(plan, "cost.breakdown") or []
    out["cost_breakdown_usd"] = {b.get("component"): rounded(b.get("monthly_usd")) for b in breakdown[:8]}
    events = plan.get("scale_events") or []
    out["scale_events"] = [rounded({k: e.get(k) for k in ("month", "resource", "before", "after")}) for e in events[:6]]
    if len(events) > 6:
        out["scale_events_more"] = len(events) - 6
    out["warnings"] = [w[:200] for w in (plan.get("warnings") or [])[:4]]
    out["defaults_used"] = defaults_used(plan)
    return out


def defaults_used(plan: dict[str, Any]) -> str:
    """The defaults a person is likely to question, with values; app/data tuning only as a count."""
    shown, hidden = [], 0
    for a in plan.get("assumptions") or []:
        name = str(a.get("name"))
        if name.startswith(("app.", "data.")) or name.endswith(("_target_ms", "tool_seconds_per_call",
                                                                  "appended_tokens_per_call")):
            hidden += 1
            continue
        shown.append(f"{name}={rounded(a.get('value'))}")
    more = f"; plus {hidden} app/data tuning defaults (see assumptions tool)" if hidden else ""
    return ", ".join(shown) + more


# ----------------------------------------------------------------------------------------------
class ToolRegistry:
    """Looks tools up by name, validates arguments and turns every failure into a result text."""

    def __init__(self, planner: Planner | None = None) -> None:
        self._planner = planner
        self.tools: dict[str, Tool] = {t.name: t for t in self._build()}

    def schemas(self) -> list[dict[str, Any]]:
        return [t.schema() for t in self.tools.values()]

    def call(self, name: str, arguments: str | dict[str, Any] | None, session: Session) -> ToolResult:
        tool = self.tools.get(name)
        if tool is None:
            return _error(f'Error: tool "{name}" does not exist. Available tools: {", ".join(self.tools)}.')
        if isinstance(arguments, dict):
            raw: Any = arguments
        else:
            try:
                raw = json.loads(arguments or "{}", parse_constant=_no_constant)
            except RecursionError:
                return _error(f"Error: the arguments for {name} are nested too deeply. Send one flat JSON object.")
            except ValueError as exc:
                return _error(f"Error: the arguments for {name} are not valid JSON ({exc}). "
                              "Send one JSON object and try again.")
        if not isinstance(raw, dict):
            return _error(f"Error: the arguments for {name} must be a JSON object.")
        try:
            args = tool.args.model_validate(raw)
        except ValidationError as exc:
            return _error(f"Error: invalid arguments for {name}:\n" + "\n".join(_lines(exc)) +
                          "\nFix them and try again, or ask the person for a missing value.")
        try:
            return tool.run(args, session)
        except _ToolProblem as exc:
            return _error("Error: " + "\n".join(exc.problems), exc.issues)
        except InputError as exc:  # bad input the model can act on; any other exception is a bug and surfaces
            return _error("Error: the scenario cannot be planned:\n" + "\n".join(f"- {p}" for p in exc.problems) +
                          "\nAsk the person for a valid value, or correct the arguments.", exc.issues)

    # -- the planner ---------------------------------------------------------------------------
    def plan(self, scenario_inputs: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Validate inputs into a Scenario and plan it: (inputs as validated, plan JSON)."""
        from agent.tools_uncertainty import plan_inputs
        from forecasting.validate import parse_scenario  # the core's own field-named errors

        ranged = plan_inputs(scenario_inputs)  # ranges: Monte-Carlo draws, bands in the plan
        if ranged is not None:
            return ranged[0], ranged[1].model_dump(mode="json")
        scenario = parse_scenario(scenario_inputs)
        planner = self._planner
        if planner is None:
            from forecasting import plan as default_planner

            planner = default_planner
        result = planner(scenario)
        plan = result.model_dump(mode="json") if hasattr(result, "model_dump") else dict(result)
        return scenario.model_dump(mode="json", exclude_none=True, exclude_defaults=True), plan

    # -- tool bodies -----------------------------------------------------------------------------
    def _build(self) -> list[Tool]:
        return [
            Tool("forecast", "Plan a scenario from the person's own figures (never invented ones). "
                 "Returns key figures; unset values use documented defaults listed in defaults_used.",
                 ForecastArgs, self._forecast),
            Tool("what_if", "Plan a variant of a scenario (new values or multipliers) and compare it with its base.",
                 WhatIfArgs, self._what_if),
            Tool("compare", "Key figures of scenarios side by side.", CompareArgs, self._compare),
            Tool("explain", "How a figure of a plan was derived, with the actual values.", ExplainArgs, self._explain),
            Tool("assumptions", "The defaults a plan used, with their sources.", NameArgs, self._assumptions),
            Tool("adopt", "Make a scenario the final one (the plan the saved transcript shows).",
                 AdoptArgs, self._adopt),
            Tool("show_plan", "Key figures of one scenario.", NameArgs, self._show),
            Tool("serving_options", "Ways to serve a scenario's model calls, cheapest first within the latency targets: hosted"
                 " APIs and open models on GPUs, with the month self-hosting becomes cheaper (break-even). For 'should we"
                 " self-host?', 'cheapest way to run this?'.", OptionsArgs, self._serving_options),
            # --- usage data (issue 10; agent/usage_tools.py): only paths the person typed ---
            Tool("usage_calibrate", "Measured workload from a usage file the person named (request log, usage export, "
                 "vLLM scrapes): rates, tokens per call, peak.", _usage().UsageFileArgs, self._usage_calibrate),
            Tool("usage_compare", "A scenario's plan against a usage file the person named: forecast vs actual per "
                 "metric, error %, inputs to change.", _usage().UsageCompareArgs, self._usage_compare),
            Tool("how_sure", "How sure the plan is: P10-P90 bands of cost and capacity over seeded draws "
                 "(\"how sure are you?\").", HowSureArgs, self._how_sure),
            Tool("what_matters_most", "Which inputs and defaults move the monthly cost most (a tornado: "
                 "\"what matters most?\").", WhatMattersArgs, self._what_matters),
        ]

    def _serving_options(self, a: OptionsArgs, session: Session) -> ToolResult:
        from forecasting.errors import ScenarioError
        from forecasting.options import chat_summary, serving_options

        record = self._record(session, a.name)
        try:
            result = serving_options(record.inputs, self_hosting_overhead_usd=a.self_hosting_overhead_usd)
        except ScenarioError as exc:
            raise _ToolProblem(exc.problems) from None
        body = {"scenario": record.name, **chat_summary(result, a.top)}
        return ToolResult(_dump(body), display="text")

    def _usage_calibrate(self, a: Any, session: Session) -> ToolResult:
        u = _usage()
        try:
            return ToolResult(_dump(u.calibrate_summary(a, session)), display="text")
        except u.UsageProblem as exc:
            raise _ToolProblem(exc.problems) from None

    def _usage_compare(self, a: Any, session: Session) -> ToolResult:
        u = _usage()
        record = self._record(session, a.name)
        try:
            return ToolResult(_dump(u.compare_summary(a, session, record.plan, record.name)), display="text")
        except u.UsageProblem as exc:
            raise _ToolProblem(exc.problems) from None

    def _forecast(self, a: ForecastArgs, session: Session) -> ToolResult:
        inputs: dict[str, Any] = a.model_dump(exclude_none=True, exclude={"name", "other", "deployment",
                                                                           "model", "gpu", "sessions_per_day",
                                                                           "session_minutes", "ranges"})
        for path, stated in (("workload.sessions_per_active_user_per_day", a.sessions_per_day),
                             ("workload.session_minutes", a.session_minutes)):
            if stated is not None:
                _set_path(inputs, path, stated)
        llm = {k: v for k, v in (("deployment", a.deployment), ("model", a.model), ("gpu", a.gpu)) if v is not None}
        if llm:
            inputs["llm"] = llm
        for path, value in a.other.items():
            _set_path(inputs, path, value)
        apply_ranges(inputs, a.ranges)
        asked = (a.name or "").strip()
        name = asked or session.unique_name("baseline")  # a new forecast never replaces one silently
        earlier = session.scenarios.get(name) if asked else None
        validated, plan = self.plan(inputs)
        record = ScenarioRecord(name=name, kind="baseline", inputs=validated, plan=plan)
        session.add(record)
        body = summary(record)
        if earlier is not None:
            body["corrected"] = (f"this replaces the earlier scenario {name!r}; to keep both, forecast again "
                                 "with a new name")
            replanned, stale = self._replan_what_ifs(name, session)
            if replanned:
                body["what_ifs_replanned_from_the_correction"] = replanned
            if stale:
                body["what_ifs_stale"] = stale
        return ToolResult(_dump(body), display="summary", names=[name])

    def _replan_what_ifs(self, base: str, session: Session) -> tuple[list[str], list[str]]:
        """What-ifs of a corrected scenario are re-planned from it with their own changes (their
        what-ifs too); one that no longer plans is kept, marked stale, with the reason."""
        from forecasting.whatif import apply_changes

        replanned: list[str] = []
        stale: list[str] = []
        new_base = session.scenarios[base]
        for r in [r for r in session.scenarios.values() if r.base == base and r.kind == "what_if"]:
            try:
                inputs = apply_changes(new_base.inputs, scale_users=r.changes.get("scale_users"),
                                       set={**(r.changes.get("set") or {}), **(r.changes.get("ranges") or {})},
                                       multiply=r.changes.get("multiply") or {},
                                       resolved=new_base.plan.get("inputs") or {}, unset=r.changes.get("unset") or [])
                validated, plan = self.plan(inputs)
            except (ValueError, ArithmeticError) as exc:
                r.stale = f"its base {base!r} was corrected and the changes no longer plan: {str(exc)[:200]}"
                stale.append(r.name)
                continue
            session.scenarios[r.name] = ScenarioRecord(name=r.name, kind="what_if", inputs=validated, plan=plan,
                                                       base=base, changes=r.changes)
            replanned.append(r.name)
            more, more_stale = self._replan_what_ifs(r.name, session)
            replanned += more
            stale += more_stale
        return replanned, stale

    def _what_if(self, a: WhatIfArgs, session: Session) -> ToolResult:
        base = self._record(session, a.base)
        if not (a.scale_users or a.set or a.multiply or a.unset or a.ranges):
            raise _ToolProblem(["what_if needs at least one change: scale_users, set, multiply, unset or ranges."])
        from forecasting.errors import ScenarioError
        from forecasting.whatif import apply_changes  # the what-if rules, shared with the guided backend

        try:
            inputs = apply_changes(base.inputs, scale_users=a.scale_users, set=a.set, multiply=a.multiply,
                                   resolved=base.plan.get("inputs") or {}, unset=a.unset)
        except ScenarioError as exc:
            raise _ToolProblem(exc.problems) from None
        apply_ranges(inputs, a.ranges)
        changes: dict[str, Any] = {k: v for k, v in (("scale_users", a.scale_users), ("set", a.set),
                                                     ("multiply", a.multiply), ("unset", a.unset)) if v}
        if a.ranges:
            changes["ranges"] = {k: r.model_dump(exclude_none=True) for k, r in a.ranges.items()}
        name = (a.name or "").strip() or session.unique_name(f"what-if {sum(r.kind == 'what_if' for r in session.scenarios.values()) + 1}")
        if name == base.name:
            name = session.unique_name(f"{name} (what-if)")
        asked = name
        name = session.unique_name(name)  # an earlier scenario of that name is kept, not replaced
        validated, plan = self.plan(inputs)
        record = ScenarioRecord(name=name, kind="what_if", inputs=validated, plan=plan, base=base.name,
                                changes=changes)
        session.add(record)
        body = summary(record)
        if name != asked:
            body["note"] = f"a scenario named {asked!r} already exists, so this one is {name!r}"
        body["versus_base"] = _deltas(base.plan, plan)
        return ToolResult(_dump(body), display="compare", names=[base.name, name])

    def _compare(self, a: CompareArgs, session: Session) -> ToolResult:
        names = a.names or list(session.scenarios)[:4]
        records = [self._record(session, n) for n in names[:6]]
        if len(records) < 2:
            raise _ToolProblem(["compare needs two scenarios; make a what-if first. Scenarios: "
                                + (", ".join(session.scenarios) or "none")])
        ref = records[0]
        body = {"reference": ref.name,
                "scenarios": {r.name: key_figures(r.plan) for r in records},
                "change_vs_reference": {r.name: _deltas(ref.plan, r.plan) for r in records[1:]}}
        return ToolResult(_dump(body), display="compare", names=[r.name for r in records])

    def _explain(self, a: ExplainArgs, session: Session) -> ToolResult:
        record = self._record(session, a.name)
        explanations: dict[str, str] = record.plan.get("explanations") or {}
        keys = match_metric(a.metric, list(explanations))
        if not keys:
            value = value_at(record.plan, a.metric.strip())
            if value is not None and not isinstance(value, (dict, list)):
                return ToolResult(_dump({"scenario": record.name, "metric": a.metric, "value": rounded(value),
                                         "note": "no derivation recorded for this figure"}), display="text")
            close = difflib.get_close_matches(a.metric, list(explanations), n=8, cutoff=0.3)
            raise _ToolProblem([f'no figure called "{a.metric}" in {record.name}. Try one of: '
                                + ", ".join(close or list(explanations)[:12])])
        body = {"scenario": record.name,
                "explanations": {k: _explained(record.plan, k, explanations[k]) for k in keys[:3]}}
        return ToolResult(_dump(body), display="text")

    def _assumptions(self, a: NameArgs, session: Session) -> ToolResult:
        record = self._record(session, a.name)
        rows = [f"{x.get('name')} = {rounded(x.get('value'))} {x.get('unit') or ''}".rstrip()
                + f" ({str(x.get('source') or '')[:70]})" for x in record.plan.get("assumptions") or []]
        given = sorted(_flatten(record.inputs))
        body = {"scenario": record.name, "given_by_person": given, "defaults": rows[:45]}
        return ToolResult(_dump(body), display="text")

    def _adopt(self, a: AdoptArgs, session: Session) -> ToolResult:
        record = self._record(session, a.name)
        session.final_name = record.name
        return ToolResult(_dump({"final": record.name, "note": "the saved transcript will show this plan"}),
                          display="summary", names=[record.name])

    def _how_sure(self, a: HowSureArgs, session: Session) -> ToolResult:
        from agent.tools_uncertainty import how_sure

        return ToolResult(_dump(how_sure(self._record(session, a.name))), display="text")

    def _what_matters(self, a: WhatMattersArgs, session: Session) -> ToolResult:
        from agent.tools_uncertainty import what_matters_most

        return ToolResult(_dump(what_matters_most(self._record(session, a.name), a.top)), display="text")

    def _show(self, a: NameArgs, session: Session) -> ToolResult:
        record = self._record(session, a.name)
        return ToolResult(_dump(summary(record)), display="summary", names=[record.name])

    @staticmethod
    def _record(session: Session, name: str | None) -> ScenarioRecord:
        record = session.get(name)
        if record is None:
            known = ", ".join(session.scenarios) or "none yet (call forecast first)"
            raise _ToolProblem([f'no scenario named "{name}". Scenarios: {known}.' if name
                                else f"no scenario yet: call forecast first. Scenarios: {known}."])
        return record


def _usage() -> Any:
    from agent import usage_tools  # imported when the tools are built; keeps this module's imports light

    return usage_tools


class _ToolProblem(InputError):
    """A tool used wrongly (no such scenario, no change given): the model reads it without the
    "cannot be planned" wording that scenario problems get."""


def _error(text: str, issues: Iterable[Problem] = ()) -> ToolResult:
    return ToolResult(text, ok=False, display="none", problems=list(issues))


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a valid JSON number")


def _lines(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err.get("loc", ())) or "arguments"
        msg = "unknown argument" if err.get("type") == "extra_forbidden" else err.get("msg", "invalid")
        out.append(f"- {path}: {msg}")
    return out


def _dump(obj: Any) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False, default=str)


def _set_path(target: dict[str, Any], path: str, value: Any) -> None:
    from forecasting.errors import ScenarioError
    from forecasting.whatif import set_path

    try:
        set_path(target, path, value)
    except ScenarioError as exc:
        raise _ToolProblem(exc.problems) from None


def _deltas(before: dict[str, Any], after: dict[str, Any]) -> dict[str, str]:
    """Only the key figures that changed, as 'old -> new (+x%)'."""
    a, b = key_figures(before), key_figures(after)
    out = {}
    for path in dict.fromkeys([*a, *b]):
        x, y = a.get(path), b.get(path)
        if x == y:
            continue
        pct = ""
        if isinstance(x, (int, float)) and isinstance(y, (int, float)) and x:
            pct = f" ({(y - x) / abs(x):+.1%})"
        out[path] = f"{x} -> {y}{pct}"
    return out


def _explained(plan: dict[str, Any], key: str, text: str) -> dict[str, Any]:
    value = value_at(plan, key)
    out: dict[str, Any] = {"derivation": text[:600]}
    if value is not None and not isinstance(value, (dict, list)):
        out["value"] = rounded(value)
    return out


def _flatten(obj: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in obj.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            out.update(_flatten(v, key + "."))
        else:
            out[key] = v
    return out


