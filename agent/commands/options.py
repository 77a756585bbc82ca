"""`capplan options SCENARIO.json [--candidates FILE] [--format table|json] [--top N]`: ways to serve the
scenario's model calls, ranked, with the month self-hosting starts to pay.

Why the table shows the top rows and the JSON everything: the default candidate set holds a few hundred
options (every open model on every priced GPU); a person reads the best few and the hosted reference,
a script filters the whole list.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from agent.commands.plan import load_prices
from agent.errors import InputError
from agent.files import read_text, write_output


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario JSON file, or - for stdin")
    p.add_argument("--candidates", metavar="FILE",
                   help='JSON list of options to compare instead of the default set: {"deployment": "api", "model": ...} or '
                        '{"deployment": "self_hosted", "model": ..., "gpu": ..., "precision": ..., "pricing": ...}')
    p.add_argument("--self-hosting-overhead-usd", type=float, metavar="USD",
                   help="fixed monthly operations cost added to every self-hosted option (default 0)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--top", type=int, default=12, metavar="N", help="rows in the table (default 12; JSON lists all)")
    p.add_argument("--output", "-o", metavar="PATH", help="write to PATH instead of stdout")
    p.add_argument("--prices", metavar="FILE", help="JSON price file that overrides or extends the catalog")
    p.add_argument("--catalog", metavar="FILE", help="JSON file with extra open models / GPUs for self-hosting")


def _load_json(path: str, what: str) -> Any:
    from forecasting.validate import loads_strict

    text = read_text(path, what)
    try:
        return loads_strict(text)
    except ValueError as exc:
        raise InputError(f"{what}: {path} is not valid JSON: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from forecasting import ScenarioError
    from forecasting.options import parse_candidates, serving_options
    from forecasting.validate import load_scenario_json

    if args.top < 1:
        raise InputError("--top must be 1 or more")
    over = args.self_hosting_overhead_usd
    if over is not None and not (over >= 0 and over < 1e12):
        raise InputError("--self-hosting-overhead-usd must be a number of dollars, 0 or more")
    try:
        raw = load_scenario_json(read_text(args.scenario, "scenario"))
        prices = load_prices(args.prices)
        cands = parse_candidates(_load_json(args.candidates, "--candidates")) if args.candidates else None
        if args.catalog:
            read_text(args.catalog, "--catalog")
        result = serving_options(raw, prices, args.catalog, cands, over)
    except ScenarioError as exc:
        raise InputError(exc.problems) from None
    except (ArithmeticError, RecursionError) as exc:
        raise InputError(f"scenario: its numbers are outside what can be planned ({exc})") from None
    from agent.redact import scrub, scrub_json

    if args.format == "json":
        out = scrub_json(result.model_dump(mode="json"), indent=2, allow_nan=False) + "\n"
        if args.output:
            write_output(args.output, out)
            sys.stderr.write(f"capplan options: wrote {args.output}\n")
        else:
            sys.stdout.write(out)
        return 0
    if args.output:
        import io

        from rich.console import Console

        console = Console(record=True, width=160, file=io.StringIO())  # recorded for the file, not shown
        print_options(result, args.top, console)
        write_output(args.output, scrub(console.export_text()))
        sys.stderr.write(f"capplan options: wrote {args.output}\n")
        return 0
    print_options(result, args.top)
    return 0


def print_options(result: Any, top: int, console: Any = None) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from forecasting.options import option_rows

    console = console or Console()
    t = Table(title=f"Ways to serve {result.scenario} (month 0 and month {result.horizon_months})", box=box.SIMPLE_HEAVY)
    for col, just in (("#", "right"), ("option", "left"), ("SLO", "left"), ("USD/month", "right"),
                      (f"month {result.horizon_months}", "right"), ("GPU use", "right"), ("cheaper than API", "left")):
        t.add_column(col, justify=just, overflow="fold")  # type: ignore[arg-type]
    for row in option_rows(result, top):
        t.add_row(*row)
    console.print(t)
    for o in result.options[:top]:
        if o.reason:
            console.print(f"#{o.rank}: {o.reason}", markup=False, highlight=False)
    console.print(f"{result.candidates_considered} options compared against {result.reference_model} (hosted). "
                  "Costs are whole-plan monthly USD; which model is good enough for your product is not judged here.",
                  markup=False, highlight=False)
    for note in result.notes:
        console.print(f"note: {note}", markup=False, highlight=False)
