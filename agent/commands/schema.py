"""`capplan schema`: the scenario's JSON Schema, for editors, validators and scripts."""
from __future__ import annotations

import argparse
import json
import sys


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("--output", "-o", metavar="PATH", help="write the schema to PATH")


def run(args: argparse.Namespace) -> int:
    from agent.files import write_output
    from forecasting.ranges import schema_with_ranges
    from forecasting.scenario import Scenario

    # any numeric field may be a range ({"low", "high"}): docs/uncertainty.md
    text = json.dumps(schema_with_ranges(Scenario.model_json_schema()), indent=2) + "\n"
    if args.output:
        write_output(args.output, text)
    else:
        sys.stdout.write(text)
    return 0
