"""`capplan plan SCENARIO.json [--format table|markdown|json] [--output PATH] [--prices FILE]`.

Why JSON output is built with `allow_nan=False`: scripts parse it, and a NaN would break them
silently; the planner already guarantees finite numbers, this makes a violation loud.
"""
from __future__ import annotations

import argparse
import json
import sys

from agent.files import read_text, write_output
from agent.errors import InputError


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("scenario", help="scenario JSON file, or - for stdin (see `capplan schema`)")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table",
                   help="table (terminal, default), markdown, or json (one document on stdout, nothing else)")
    p.add_argument("--output", "-o", metavar="PATH", help="write the plan to PATH instead of stdout")
    p.add_argument("--prices", metavar="FILE", help="JSON price file that overrides or extends the catalog")
    p.add_argument("--catalog", metavar="FILE",
                   help="JSON file with extra open models / GPUs for self-hosting (schema of `capplan llm-estimate --catalog`)")
    from agent.commands import plan_uncertainty

    plan_uncertainty.configure(p)


def load_prices(path: str | None) -> dict | None:
    if not path:
        return None
    from forecasting.validate import loads_strict

    text = read_text(path, "--prices")
    try:
        return loads_strict(text) if text.strip() else None
    except ValueError as exc:
        raise InputError(f"--prices: {path} is not valid JSON: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from forecasting import ScenarioError, parse_scenario_text, plan

    text = read_text(args.scenario, "scenario")
    prices = load_prices(args.prices)
    try:
        from agent.commands.plan_uncertainty import options
        from forecasting.validate import load_scenario_json

        raw = load_scenario_json(text)
        uncertain = options(args, raw)
        if args.catalog:
            read_text(args.catalog, "--catalog")  # a missing or unreadable file is reported like the others
        if uncertain is not None:  # ranges, --sensitivity or --uncertain-defaults: Monte-Carlo draws
            from forecasting.uncertainty import plan_uncertain

            result = plan_uncertain(raw, prices, serving_catalog=args.catalog, options=uncertain)
        else:
            result = plan(parse_scenario_text(text), prices, serving_catalog=args.catalog)
    except ScenarioError as exc:
        raise InputError(exc.problems) from None
    except (ArithmeticError, RecursionError) as exc:  # numbers no plan can be computed from
        raise InputError(f"scenario: its numbers are outside what can be planned ({exc}); "
                         "check for extremely large or small values") from None
    if args.format == "json":
        out = json.dumps(result.model_dump(mode="json"), indent=2, allow_nan=False) + "\n"
    elif args.format == "markdown":
        from forecasting.report import render_markdown

        out = render_markdown(result)
    else:
        from agent.ui_plan import plan_to_text

        if not args.output:
            from agent.ui_plan import print_plan

            print_plan(result)
            return 0
        out = plan_to_text(result)
    from agent.redact import scrub

    out = scrub(out)  # a key pasted into a scenario name must not reach a terminal or a file
    if args.output:
        write_output(args.output, out)
        sys.stderr.write(f"capplan plan: wrote {args.output}\n")
    else:
        sys.stdout.write(out)
    return 0
