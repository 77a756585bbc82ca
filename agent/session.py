"""Everything a conversation has built, in one object that a transcript can save and restore exactly.

Why plain JSON inside: `--resume` must give back the same state, so the session holds only what
survives a JSON round trip (scenario inputs and plan dicts, messages, usage, timings), never live
objects. `to_dict()` / `from_dict()` are the transcript's source of truth.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Literal

Kind = Literal["baseline", "what_if"]


@dataclass
class ScenarioRecord:
    """One named scenario: what was asked (`inputs`), where it came from, and its plan (JSON)."""

    name: str
    kind: Kind
    inputs: dict[str, Any]  # the Scenario as given (unset fields omitted), what forecast/what_if validated
    plan: dict[str, Any]  # CapacityPlan.model_dump(mode="json")
    base: str | None = None  # what-ifs: the scenario they changed
    changes: dict[str, Any] = field(default_factory=dict)  # what-ifs: {"set": {...}, "multiply": {...}}
    stale: str | None = None  # why this what-if no longer follows its base (the base was corrected)
    created_at: float = field(default_factory=time.time)


@dataclass
class Session:
    model: str = ""
    backend: str = ""
    scenarios: dict[str, ScenarioRecord] = field(default_factory=dict)  # insertion = creation order
    final_name: str | None = None  # set by `adopt`; else the latest baseline is final
    messages: list[dict[str, Any]] = field(default_factory=list)
    usage: dict[str, int] = field(default_factory=lambda: {"prompt_tokens": 0, "completion_tokens": 0,
                                                            "total_tokens": 0, "requests": 0})
    timings: list[dict[str, float]] = field(default_factory=list)  # one per user turn
    backend_state: dict[str, Any] = field(default_factory=dict)  # backend's own JSON memory (guided)
    # tool_call_id -> {"ok": true} or {"ok": false, "error": [{"field", "message"}]}: a tool's outcome as
    # data, so no reader has to guess it from the result text the model was sent
    tool_outcomes: dict[str, dict[str, Any]] = field(default_factory=dict)
    started_at: float = field(default_factory=time.time)

    # -- scenarios ---------------------------------------------------------------------------
    def add(self, record: ScenarioRecord) -> None:
        """Store a scenario; reusing a name replaces it (a correction) and moves it to the end."""
        self.scenarios.pop(record.name, None)
        self.scenarios[record.name] = record
        if self.final_name == record.name and record.kind == "baseline":
            self.final_name = None  # a corrected baseline is final again by the default rule

    @property
    def baseline_name(self) -> str | None:
        """The latest baseline (made by `forecast`), the default reference for what-ifs."""
        names = [n for n, r in self.scenarios.items() if r.kind == "baseline"]
        return names[-1] if names else None

    @property
    def latest_name(self) -> str | None:
        return next(reversed(self.scenarios), None) if self.scenarios else None

    @property
    def final(self) -> str | None:
        """The scenario the person settled on: the adopted one, else the latest baseline."""
        if self.final_name in self.scenarios:
            return self.final_name
        return self.baseline_name or self.latest_name

    def tool_ok(self, tool_call_id: Any) -> bool:
        """Whether a tool call succeeded (a call without a recorded outcome did: nothing reported it)."""
        return bool(self.tool_outcomes.get(str(tool_call_id), {"ok": True}).get("ok", True))

    def get(self, name: str | None) -> ScenarioRecord | None:
        """Look a scenario up by name, forgiving case and spacing; None means the current final one."""
        if name is None or not str(name).strip():
            key = self.final
            return self.scenarios.get(key) if key else None
        if name in self.scenarios:
            return self.scenarios[name]
        wanted = _norm(name)
        for key, rec in self.scenarios.items():
            if _norm(key) == wanted:
                return rec
        return None

    def unique_name(self, stem: str) -> str:
        name, i = stem, 2
        while name in self.scenarios:
            name, i = f"{stem}-{i}", i + 1
        return name

    def reset(self) -> None:
        """Forget scenarios and conversation but keep model, usage and timings (they cost money)."""
        self.scenarios.clear()
        self.final_name = None
        self.messages = [m for m in self.messages if m.get("role") == "system"][:1]
        self.backend_state.clear()
        self.tool_outcomes.clear()

    # -- usage ------------------------------------------------------------------------------
    def add_usage(self, prompt: int, completion: int, total: int | None = None) -> None:
        self.usage["prompt_tokens"] += prompt
        self.usage["completion_tokens"] += completion
        self.usage["total_tokens"] += total if total is not None else prompt + completion
        self.usage["requests"] += 1

    # -- persistence ------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "backend": self.backend,
            "messages": self.messages,
            "scenarios": [_record_dict(r) for r in self.scenarios.values()],
            "final": self.final,
            "adopted": self.final_name,
            "usage": dict(self.usage),
            "timings": list(self.timings),
            "backend_state": self.backend_state,
            "tool_outcomes": self.tool_outcomes,
            "started_at": self.started_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Session":
        s = cls(model=str(data.get("model", "")), backend=str(data.get("backend", "")))
        s.messages = list(data.get("messages") or [])
        for raw in data.get("scenarios") or []:
            fields = {k: raw[k] for k in ScenarioRecord.__dataclass_fields__ if k in raw}
            s.scenarios[raw["name"]] = ScenarioRecord(**fields)
        s.final_name = data.get("adopted")
        s.usage.update({k: int(v) for k, v in (data.get("usage") or {}).items() if k in s.usage})
        s.timings = list(data.get("timings") or [])
        s.backend_state = dict(data.get("backend_state") or {})
        s.tool_outcomes = dict(data.get("tool_outcomes") or {})
        s.started_at = float(data.get("started_at") or time.time())
        return s


def _record_dict(r: ScenarioRecord) -> dict[str, Any]:
    """Shallow on purpose: dataclasses.asdict deep-copies every plan, which made autosave slow."""
    return {name: getattr(r, name) for name in ScenarioRecord.__dataclass_fields__}


def _norm(name: str) -> str:
    return "".join(ch for ch in name.lower() if ch.isalnum())
