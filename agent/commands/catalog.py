"""`capplan catalog [KIND] [--format table|json]`: what the catalog knows, with prices and dates.

KIND: models (hosted API prices), tiers (API rate limits), open-models (self-hosted models),
gpus (specs and $/GPU-hour), instances (CPU instances), services (database, cache, storage, network).
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from agent.errors import InputError

KINDS = ("models", "tiers", "open-models", "gpus", "instances", "services")


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument("kind", nargs="?", default=None, help=f"one of: {', '.join(KINDS)} (default: a summary of each)")
    p.add_argument("--format", choices=("table", "json"), default="table")


def _rows(kind: str) -> tuple[list[str], list[list[Any]]]:
    from forecasting.catalog import default_catalog

    cat = default_catalog()
    if kind == "models":
        return (["id", "provider", "input $/M", "cached $/M", "output $/M", "context", "source", "as of"],
                [[m.id, m.provider, m.input_usd_per_mtok, m.cached_input_usd_per_mtok, m.output_usd_per_mtok,
                  m.max_input_tokens, m.source, m.as_of] for m in cat.api_models.values()])
    if kind == "tiers":
        rows = []
        for provider, info in cat.api_tiers.items():
            rows += [[provider, t.name, t.rpm, t.tpm, t.monthly_spend_cap_usd, t.qualification, info.source] for t in info.tiers]
            if not info.tiers:
                rows.append([provider, "—", None, None, None, info.note, info.source])
        return ["provider", "tier", "RPM", "TPM", "spend cap $/month", "qualification", "source"], rows
    if kind == "instances":
        return (["name", "vCPU", "memory GiB", "$/hour", "source", "as of"],
                [[i.name, i.vcpu, i.memory_gib, i.usd_per_hour, i.source, i.as_of] for i in cat.cpu_instances.values()])
    if kind == "services":
        return (["service", "value", "unit", "source", "as of"],
                [[k, v.value if isinstance(v.value, (int, float)) else json.dumps(v.value), v.unit, v.source, v.as_of]
                 for k, v in cat.services.entries().items()])
    from forecasting.serving import load_serving_catalog

    sc = load_serving_catalog()
    if kind == "open-models":
        return (["id", "name", "params B (total/active)", "layers", "KV heads", "head dim", "context", "source"],
                [[m.id, m.name, f"{m.total_params_b}/{m.active_params_b}", m.layers, m.kv_heads, m.head_dim, m.max_context,
                  "; ".join(str(s.get("url") or s.get("repo") or s.get("title") or "") for s in m.source)[:80]] for m in sc.models.values()])
    prices: dict[str, tuple[float, str]] = {}
    for g in cat.gpu_instances:
        if g.usd_per_hour is None:
            continue
        per = g.usd_per_hour / g.gpus
        if g.gpu not in prices or per < prices[g.gpu][0]:
            prices[g.gpu] = (per, f"{g.name} ({g.as_of})")
    return (["id", "name", "memory GB", "bandwidth TB/s", "bf16 TFLOPS", "fp8 TFLOPS", "fp4 TFLOPS", "lowest $/GPU-h", "priced by"],
            [[g.id, g.name, g.memory_gb, g.memory_bandwidth_tb_s, g.dense_tflops.get("bf16"), g.dense_tflops.get("fp8"),
              g.dense_tflops.get("fp4"), round(prices[g.id][0], 3) if g.id in prices else None,
              prices[g.id][1] if g.id in prices else "not priced (add with --prices)"] for g in sc.gpus.values()])


def run(args: argparse.Namespace) -> int:
    kinds = [args.kind] if args.kind else list(KINDS)
    for k in kinds:
        if k not in KINDS:
            from forecasting.validate import suggest

            raise InputError(f"kind: unknown catalog kind {k!r}{suggest(k, KINDS)}; use one of {', '.join(KINDS)}")
    tables = {k: _rows(k) for k in kinds}
    if args.format == "json":
        sys.stdout.write(json.dumps({k: [dict(zip(h, r)) for r in rows] for k, (h, rows) in tables.items()}, indent=2) + "\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    for k, (headers, rows) in tables.items():
        shown = rows if args.kind else rows[:8]
        t = Table(title=f"{k} ({len(rows)})" + ("" if args.kind or len(rows) <= 8 else f" — first 8; `capplan catalog {k}` for all"))
        for h in headers:
            t.add_column(h, overflow="fold")
        for r in shown:
            t.add_row(*["—" if c is None else str(c) for c in r])
        console.print(t)
    return 0
