"""`capplan calibrate FILE... [--format table|json] [--bin S] [--into SCENARIO.json [--force]] ...`.

Why `--into` refuses an existing file unless `--force`: a scenario someone edited by hand is worth more
than a recalibration, and a silent overwrite would lose it; the message says how to replace it.
The scenario is validated by the same parser `capplan plan` uses before it is written, so a written
scenario always plans.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

from agent.errors import InputError


def add_input_flags(p: argparse.ArgumentParser) -> None:
    """Flags shared with `capplan compare`: how to read the usage files."""
    from forecasting.actuals.detect import FORMATS

    p.add_argument("files", nargs="+", metavar="FILE", help="usage file(s): traces, usage exports, gateway logs, vLLM scrapes")
    p.add_argument("--input-format", choices=list(FORMATS), help="the files' format (default: detected from the first file)")
    p.add_argument("--columns", metavar="SPEC", help="any CSV/JSONL: timestamp=COL,input=COL,output=COL[,cached=,latency=,user=,session=,model=]")
    p.add_argument("--time-unit", choices=("s", "ms", "us", "ns"), help="unit of numeric timestamps (default s; Mooncake ms)")
    p.add_argument("--bin", type=float, default=60.0, metavar="S", help="seconds per bin for the peak rate (default 60)")
    p.add_argument("--model", metavar="NAME", help="count only this model's requests")
    p.add_argument("--all-models", action="store_true", help="pool the requests of every model in the data")
    p.add_argument("--interval", type=float, metavar="S", help="vLLM scrapes without timestamps: seconds between scrapes")


def configure(p: argparse.ArgumentParser) -> None:
    add_input_flags(p)
    p.add_argument("--format", choices=("table", "json"), default="table", help="table (default) or json (one document)")
    p.add_argument("--into", metavar="SCENARIO.json", help="write a scenario calibrated from the data")
    p.add_argument("--force", action="store_true", help="with --into: replace an existing file")
    p.add_argument("--app-type", choices=("chatbot", "agent"), default="chatbot", help="for --into (default chatbot)")
    p.add_argument("--registered-users", type=int, metavar="N", help="for --into: registered users (the data rarely says)")


def _opener(path: str) -> Callable[[], Iterable[str]]:
    p = Path(path)
    if path == "-":
        raise InputError("usage files must be files (they may be read twice: to detect the format, then to stream)")
    if not p.exists():
        raise InputError(f"file not found: {path}")
    if p.is_dir():
        raise InputError(f"{path} is a directory, not a file")
    try:
        with p.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    return lambda: p.open(encoding="utf-8", newline="")


def measure(args: argparse.Namespace) -> Any:
    """The Calibration of the files named in `args` (InputError for anything unreadable)."""
    from forecasting.actuals import UsageDataError, calibrate

    files = [(f, _opener(f)) for f in args.files]
    try:
        return calibrate(files, input_format=args.input_format, columns=args.columns, time_unit=args.time_unit,
                         bin_s=args.bin, model=args.model, all_models=args.all_models, interval_s=args.interval)
    except UsageDataError as exc:
        raise InputError(exc.problems) from None
    except UnicodeDecodeError:
        raise InputError(f"{', '.join(args.files)}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"cannot read {', '.join(args.files)}: {exc.strerror or exc}") from None


def calibrated(args: argparse.Namespace, cal: Any) -> None:
    """Fill `cal.scenario` and `cal.scenario_notes` from the figures."""
    from forecasting.actuals.fit import scenario_fields
    from forecasting.catalog import default_catalog

    cal.scenario, cal.scenario_notes = scenario_fields(
        cal, app_type=args.app_type, registered_users=args.registered_users,
        known_models=frozenset(default_catalog().api_models))


def run(args: argparse.Namespace) -> int:
    if args.force and not args.into:
        raise InputError("--force only applies with --into")
    if args.registered_users is not None and args.registered_users <= 0:
        raise InputError("--registered-users must be a positive whole number")
    if args.into and Path(args.into).exists() and not args.force:
        raise InputError(f"--into: {args.into} already exists; choose another name, or add --force to replace it")
    cal = measure(args)
    calibrated(args, cal)
    if args.into:
        write_scenario(args.into, cal.scenario)
    if args.format == "json":
        sys.stdout.write(json.dumps(cal.model_dump(mode="json"), indent=2, allow_nan=False) + "\n")
    else:
        print_calibration(cal)
    if args.into:
        sys.stderr.write(f"capplan calibrate: wrote {args.into} (plan it with: capplan plan {args.into})\n")
    return 0


def write_scenario(path: str, fields: dict[str, Any]) -> None:
    from agent.files import write_output
    from forecasting import ScenarioError
    from forecasting.actuals import UsageDataError
    from forecasting.actuals.fit import require_writable
    from forecasting.validate import parse_scenario

    try:
        require_writable(fields)
        parse_scenario(fields)
    except UsageDataError as exc:
        raise InputError(exc.problems) from None
    except ScenarioError as exc:
        raise InputError([f"--into: the calibrated scenario does not validate: {p}" for p in exc.problems]) from None
    write_output(path, json.dumps(fields, indent=2) + "\n", what="--into")


def print_calibration(cal: Any) -> None:
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from forecasting.actuals.report import calibration_rows

    console = Console()
    t = Table(title=f"Measured workload: {', '.join(cal.files)}", box=box.SIMPLE_HEAVY)
    t.add_column("", style="bold")
    t.add_column("value", overflow="fold")
    for label, value in calibration_rows(cal):
        t.add_row(label, value)
    console.print(t)
    console.print(f"[dim]percentiles: {cal.percentile_method}[/dim]", highlight=False)
    for n in cal.notes:
        console.print(f"• {n}", highlight=False)
    if cal.scenario:
        console.print("\n[bold]Calibrated scenario fields[/bold] (--into FILE writes them):")
        console.print(json.dumps(cal.scenario, indent=2), highlight=False, markup=False)
        for n in cal.scenario_notes:
            console.print(f"  • {n}", highlight=False)
