"""The chat agent's own cost: time per turn outside the model, and tokens it adds to every request.

Why measure these: a turn's latency is the model's plus ours, and ours should be invisible (< 50 ms);
the system prompt and tool schemas are sent on every request and a forecast result stays in the
history, so their size is money and latency on every later turn (budgets: < 3,000 and < 1,500 tokens,
estimated as characters / 4).

Run: .venv/bin/python benchmarks/agent_overhead.py [--turns N]
Per-turn overhead = wall time of the turn minus the time spent waiting for the (local, fake) model.
It includes running the tools (the forecast), rendering, and the autosave of both transcript files.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rich.console import Console  # noqa: E402

from agent.backends.openai_compatible import OpenAIBackend  # noqa: E402
from agent.loop import ChatLoop, load_prompt  # noqa: E402
from agent.saving import TranscriptSaver  # noqa: E402
from agent.session import Session  # noqa: E402
from agent.tools import ToolRegistry  # noqa: E402
from agent.ui import ChatUI  # noqa: E402
from agent.backends.local_server import FakeOpenAIServer, Turn  # noqa: E402

FORECAST = {"app_type": "chatbot", "registered_users": 200_000, "concurrent_users": 3_000, "monthly_growth_rate": 0.08}


def tokens(text: str) -> float:
    return len(text) / 4


def responder(body: dict[str, Any]) -> Turn:
    """Alternate: a turn's first request asks for a tool, the second answers in words."""
    last = body["messages"][-1]
    if last["role"] == "user":
        n = sum(m["role"] == "user" for m in body["messages"])
        if n == 1:
            return Turn(tool_calls=[{"name": "forecast", "arguments": FORECAST}])
        return Turn(tool_calls=[{"name": "what_if", "arguments": {"scale_users": 1 + n / 10, "name": f"x{n}"}}])
    return Turn(content="Here is what that means for you, in plain words. " * 8, piece=12)


def overhead(turns: int) -> dict[str, float]:
    with FakeOpenAIServer(responder) as srv, tempfile.TemporaryDirectory() as tmp:
        backend = OpenAIBackend("fake", srv.base_url, "bench-key")
        ui = ChatUI(Console(file=io.StringIO(), force_terminal=False, width=100))
        session = Session()
        loop = ChatLoop(backend, session, hooks=[ui, TranscriptSaver(session, Path(tmp) / "bench.md")])
        loop.turn("warm-up: 200k users, 3000 online, growing 8% a month")  # imports, first connection
        for i in range(turns):
            loop.turn(f"what if we grow by {i}?")
        rows = loop.session.timings[1:]
    over = [r["overhead_s"] * 1000 for r in rows]
    tools = [r["tools_s"] * 1000 for r in rows]
    model = [r["model_s"] * 1000 for r in rows]
    return {"turns": len(rows), "overhead_ms_median": statistics.median(over), "overhead_ms_p95": _p95(over),
            "overhead_ms_max": max(over), "tools_ms_median": statistics.median(tools),
            "model_wait_ms_median": statistics.median(model)}


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def budget() -> dict[str, float]:
    registry = ToolRegistry()
    session = Session()
    system = load_prompt()
    schemas = json.dumps(registry.schemas(), separators=(",", ":"))
    forecast = registry.call("forecast", json.dumps(FORECAST), session).content
    self_hosted = registry.call("forecast", json.dumps({**FORECAST, "name": "gpu", "deployment": "self_hosted"}),
                                session).content
    what_if = registry.call("what_if", '{"base": "gpu", "scale_users": 2}', session).content
    assumptions = registry.call("assumptions", "{}", session).content
    return {"system_prompt_tokens": tokens(system), "tool_schema_tokens": tokens(schemas),
            "system_plus_tools_tokens": tokens(system) + tokens(schemas),
            "forecast_result_tokens_api": tokens(forecast), "forecast_result_tokens_self_hosted": tokens(self_hosted),
            "what_if_result_tokens": tokens(what_if), "assumptions_result_tokens": tokens(assumptions)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=20)
    args = parser.parse_args()
    figures = {**budget(), **overhead(args.turns)}
    limits = {"system_plus_tools_tokens": 3000, "forecast_result_tokens_api": 1500,
              "forecast_result_tokens_self_hosted": 1500, "overhead_ms_median": 50}
    for key, value in figures.items():
        mark = ""
        if key in limits:
            mark = "  (target < %s: %s)" % (limits[key], "ok" if value < limits[key] else "OVER")
        print(f"{key:38s} {value:10.1f}{mark}")


if __name__ == "__main__":
    main()
