"""`capplan export PLAN_OR_SCENARIO --to kubernetes|keda|terraform [--output PATH] ...`.

Why a scenario is accepted too: "export what this scenario needs" should not take two commands; a
scenario file is planned first, exactly as `capplan plan` would. `--output DIR/` (an existing folder,
or a path ending in /) writes `<name>-<target>.yaml` (terraform: `<name>.auto.tfvars.json`) inside it.
The header's date is today's, or SOURCE_DATE_EPOCH's (reproducible builds) when set.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from agent.errors import InputError


def configure(p: argparse.ArgumentParser) -> None:
    from forecasting.export import TARGETS
    from forecasting.export.common import Options

    d = Options()
    p.add_argument("plan", metavar="PLAN_OR_SCENARIO", help="a plan JSON (capplan plan --format json) or a scenario file")
    p.add_argument("--to", required=True, choices=TARGETS, help="what to write")
    p.add_argument("--output", "-o", metavar="PATH", help="file, or folder (ending in / or existing); default stdout")
    p.add_argument("--namespace", default=d.namespace, help=f"Kubernetes namespace (default {d.namespace})")
    p.add_argument("--app-image", default=d.app_image, help=f"container image of the app and workers (default {d.app_image})")
    p.add_argument("--llm-image", default=d.llm_image, help=f"vLLM image for self-hosted models (default {d.llm_image})")
    p.add_argument("--name", help="resource name prefix (default: from the scenario name)")
    p.add_argument("--prometheus-url", default=d.prometheus_url, help=f"KEDA's Prometheus server (default {d.prometheus_url})")


def _date() -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    t = float(epoch) if epoch and epoch.strip().isdigit() else time.time()
    return time.strftime("%Y-%m-%d", time.gmtime(t))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("capplan")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
        return "unknown"


def run(args: argparse.Namespace) -> int:
    from agent.commands.compare import load_plan
    from agent.files import write_output
    from forecasting import ScenarioError
    from forecasting.export import render
    from forecasting.export.common import Options, slug

    plan = load_plan(args.plan)
    opts = Options(namespace=args.namespace, app_image=args.app_image, llm_image=args.llm_image, name=args.name,
                   prometheus_url=args.prometheus_url, version=_version(), date=_date())
    try:
        text = render(plan, args.to, opts)
    except ScenarioError as exc:
        raise InputError([f"{args.plan}: {p}" for p in exc.problems]) from None
    if not args.output:
        sys.stdout.write(text)
        return 0
    out = Path(args.output)
    if args.output.endswith("/") or out.is_dir():
        out.mkdir(parents=True, exist_ok=True)
        base = slug(plan, opts)
        out = out / (f"{base}.auto.tfvars.json" if args.to == "terraform" else f"{base}-{args.to}.yaml")
    write_output(out, text)
    sys.stderr.write(f"capplan export: wrote {out}\n")
    return 0
