"""`capplan report TRANSCRIPT_OR_PLAN.json [--output report.html]`: the shareable HTML report.

The input may be a chat transcript (every scenario, the final one in full, what-ifs compared), a plan
(`capplan plan --format json`) or a scenario (planned first). Without --output the report is written
beside the input with the .html suffix. The file is self-contained: open it offline, print it to PDF.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from agent.errors import InputError
from agent.files import read_text, write_output


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("input", help="chat transcript (.json), plan JSON or scenario JSON; - for stdin")
    p.add_argument("--output", "-o", metavar="PATH",
                   help="where to write the HTML (default: beside the input, .html; - for stdout)")


def run(args: argparse.Namespace) -> int:
    from agent.reporting import report_from_document

    text = read_text(args.input, "input")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise InputError(f"input: {args.input} is not valid JSON ({exc})") from None
    html = report_from_document(data, args.input)
    output = args.output or ("-" if args.input == "-" else str(Path(args.input).with_suffix(".html")))
    if output == "-":
        sys.stdout.write(html)
        return 0
    if Path(output).resolve() == Path(args.input).resolve() if args.input != "-" else False:
        raise InputError(f"--output: {output} is the input file; choose another name")
    write_output(output, html)
    sys.stderr.write(f"capplan report: wrote {output}\n")
    return 0
