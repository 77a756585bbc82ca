"""Chat tools that read a usage file the person named: `usage_calibrate` and `usage_compare`.

Why the path must appear in the person's own message: the model may not open files on its own
initiative (a path it invented or remembered from elsewhere could expose data the person never meant
to share), so a path is accepted only when the latest user message contains it verbatim. The guided
mode calls the same tools, with the path it found in the message.
Results are compact (figures rounded, a few changes) like every tool result.
"""
from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from agent.errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from agent.session import Session

_ARGS = ConfigDict(extra="forbid", allow_inf_nan=False)


class UsageFileArgs(BaseModel):
    """A usage file the person named: request log, provider usage export, gateway log or vLLM scrapes."""

    model_config = _ARGS
    path: str = Field(max_length=1000, description="the file path exactly as the person typed it")
    more_paths: list[str] = Field(default_factory=list, max_length=50, description="further files (vLLM: one per scrape), each typed by the person")
    model: str | None = Field(None, description="only this model's requests (when the file mixes models)")
    interval_s: float | None = Field(None, gt=0, description="vLLM scrapes without timestamps: seconds between them")


class UsageCompareArgs(UsageFileArgs):
    name: str | None = Field(None, description="scenario to compare (default: the final one)")


class UsageProblem(Exception):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


def last_user_text(session: "Session") -> str:
    for m in reversed(session.messages):
        if m.get("role") == "user":
            return str(m.get("content") or "")
    return ""


def _measure(a: UsageFileArgs, session: "Session") -> Any:
    from agent.commands.calibrate import measure

    paths = [a.path, *a.more_paths]
    said = last_user_text(session)
    untyped = [p for p in paths if not p.strip() or p not in said]
    if untyped:
        raise UsageProblem([f"the person did not type the path {p!r} in their message; ask them for the file's path "
                            "and use it exactly as they write it" for p in untyped])
    ns = argparse.Namespace(files=paths, input_format=None, columns=None, time_unit=None, bin=60.0, model=a.model,
                            all_models=False, interval=a.interval_s)
    try:
        return measure(ns)
    except InputError as exc:
        raise UsageProblem(exc.problems) from None


def calibrate_summary(a: UsageFileArgs, session: "Session") -> dict[str, Any]:
    from forecasting.vocabulary import rounded

    cal = _measure(a, session)
    keys = ("format", "requests", "window_s", "average_requests_per_second", "peak_requests_per_second",
            "peak_bin_s", "peak_to_average", "cached_input_share", "users", "sessions", "models")
    out: dict[str, Any] = {k: rounded(getattr(cal, k)) for k in keys}
    for k in ("input_tokens_per_request", "output_tokens_per_request", "latency_s"):
        v = getattr(cal, k)
        if v is not None:
            out[k] = rounded(v.model_dump())
    if cal.concurrency:
        out["requests_in_flight"] = rounded({"average": cal.concurrency.average, "peak": cal.concurrency.peak})
    out["notes"] = [n[:200] for n in cal.notes[:4]]
    out["hint"] = "to plan from these figures: forecast with other={\"measured.llm_calls_per_second\": ...} as in `capplan calibrate --into`"
    return out


def compare_summary(a: UsageCompareArgs, session: "Session", plan: dict[str, Any], name: str) -> dict[str, Any]:
    from forecasting.vocabulary import rounded
    from forecasting.actuals.compare import compare

    result = compare(plan, _measure(a, session))
    return {"scenario": name, "file": a.path,
            "metrics": [rounded({"metric": r.metric, "forecast": r.forecast, "actual": r.actual, "error_pct": r.error_pct,
                              "within_20pct": r.within_20pct}) for r in result.metrics],
            "within": result.within, "of": len(result.metrics), "changes": result.changes[:6],
            "notes": [n[:200] for n in result.notes[:3]]}
