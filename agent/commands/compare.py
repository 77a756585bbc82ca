"""`capplan compare PLAN.json FILE... [--fail-over PCT]`: forecast vs actual, metric by metric.

Why exit 0 when the plan was off: being off is the answer, not an error; `--fail-over PCT` is for
scripts that want a failing exit (1) when any metric is further off than PCT percent.
PLAN may be a plan JSON (`capplan plan --format json`) or a scenario, which is planned first.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from agent.commands.calibrate import add_input_flags, measure
from agent.errors import InputError
from agent.files import read_text


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("plan", metavar="PLAN.json", help="a plan (capplan plan --format json) or a scenario file")
    add_input_flags(p)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--fail-over", type=float, metavar="PCT", help="exit 1 when any metric is off by more than PCT percent")


def load_plan(path: str) -> dict[str, Any]:
    """A plan dict from a plan or scenario file (a scenario is planned)."""
    from forecasting import ScenarioError, parse_scenario, plan
    from forecasting.validate import loads_strict

    text = read_text(path, "plan")
    try:
        doc = loads_strict(text)
    except ValueError as exc:
        raise InputError(f"plan: {path} is not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise InputError(f"plan: {path} must hold a JSON object (a plan or a scenario)")
    if isinstance(doc.get("plan"), dict) and "load" not in doc:  # a saved transcript's final scenario
        doc = doc["plan"]
    if "load" in doc and "inputs" in doc:
        return doc
    try:
        return plan(parse_scenario(doc)).model_dump(mode="json")
    except ScenarioError as exc:
        raise InputError([f"plan: {path} is neither a plan nor a valid scenario: {p}" for p in exc.problems]) from None


def run(args: argparse.Namespace) -> int:
    from forecasting.actuals.compare import compare

    if args.fail_over is not None and not args.fail_over >= 0:
        raise InputError("--fail-over must be a percentage of 0 or more")
    plan = load_plan(args.plan)
    cal = measure(args)
    result = compare(plan, cal)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.model_dump(mode="json"), indent=2, allow_nan=False) + "\n")
    else:
        print_comparison(result)
    if args.fail_over is not None and any(r.error_pct is None or abs(r.error_pct) > args.fail_over for r in result.metrics):
        sys.stderr.write(f"capplan compare: a metric is off by more than {args.fail_over:g}% (--fail-over)\n")
        return 1
    return 0


def print_comparison(result: Any) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from forecasting.actuals.report import comparison_rows

    console = Console()
    t = Table(title=f"Forecast vs actual: {result.plan or 'plan'} against {', '.join(result.actuals)}", box=box.SIMPLE_HEAVY)
    for col, just in (("metric", "left"), ("forecast", "right"), ("actual", "right"), ("error", "right"), ("", "left")):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for row in comparison_rows(result):
        t.add_row(*row)
    console.print(t)
    console.print(f"{result.within} of {len(result.metrics)} metrics within ±{result.tolerance_pct:g}% "
                  f"(error = (forecast - actual) / actual)", highlight=False)
    if result.changes:
        console.print("\n[bold]Inputs to change[/bold]")
        for c in result.changes:
            console.print(f"• {c}", highlight=False, markup=False)
    if result.notes:
        console.print("\n[bold]Notes[/bold]")
    for n in result.notes:
        console.print(f"• {n}", highlight=False, markup=False)
