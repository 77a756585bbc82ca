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
        return _tier_rows(cat)
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


def _tier_rows(cat: Any) -> tuple[list[str], list[list[Any]]]:
    """Each provider's tier table, then the per-model tables that override it (the planner reads a model's own
    table first, `llm_api.choose_tier`); a null in a model table means the provider tier's figure."""
    headers = ["provider", "models", "tier", "RPM", "TPM", "input TPM", "output TPM", "spend cap $/month",
               "qualification", "source"]
    rows: list[list[Any]] = []
    for provider, info in cat.api_tiers.items():
        tables = [("all others" if info.model_tables else "all", info.tiers, info.source)]
        tables += [(", ".join(t.models), t.tiers, t.source) for t in info.model_tables]
        for models, tiers, source in tables:
            rows += [[provider, models, t.name, t.rpm, t.tpm, t.itpm, t.otpm, t.monthly_spend_cap_usd, t.qualification,
                      source] for t in tiers]
        if not info.tiers:
            rows.append([provider, "all others" if info.model_tables else "all", "—", None, None, None, None, None,
                         info.note, info.source])
    return headers, rows


def _tier_display(headers: list[str], rows: list[list[Any]]) -> tuple[list[str], list[list[Any]]]:
    """The terminal view of the tier rows: limits in one column ("10k RPM, 180M TPM"; Anthropic's input and
    output token limits apart), compact numbers, so the table fits 80 columns. JSON keeps every field raw."""
    from forecasting.vocabulary import short_number

    def limits(r: dict[str, Any]) -> str:
        parts = [f"{short_number(r[k])} {label}" for k, label in (("RPM", "RPM"), ("TPM", "TPM"), ("input TPM", "input TPM"),
                                                                 ("output TPM", "output TPM")) if r.get(k) is not None]
        return ", ".join(parts) or "—"

    shown = []
    for row in rows:
        r = dict(zip(headers, row))
        cap = r["spend cap $/month"]
        shown.append([r["provider"], r["models"], r["tier"], limits(r), None if cap is None else f"${cap:,.0f}",
                      r["qualification"], r["source"]])
    return ["provider", "models", "tier", "limits per minute", "spend cap/month", "qualification", "source"], shown


def _cell(value: Any) -> str:
    """Table text: large whole numbers with separators (180,000,000 TPM reads at a glance); JSON stays raw."""
    if value is None:
        return "—"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 1_000:
        return f"{value:,}"
    return str(value)


def run(args: argparse.Namespace) -> int:
    kinds = [args.kind] if args.kind else list(KINDS)
    for k in kinds:
        if k not in KINDS:
            from forecasting.validate import suggest

            raise InputError(f"kind: unknown catalog kind {k!r}{suggest(k, KINDS)}; use one of {', '.join(KINDS)}")
    tables = {k: _rows(k) for k in kinds}
    if args.format == "table" and "tiers" in tables:
        tables["tiers"] = _tier_display(*tables["tiers"])
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
        notes: dict[str, int] = {}  # sources as numbered notes under the table: it stays readable at 80 columns
        for r in shown:
            t.add_row(*[(f"[{notes.setdefault(str(c), len(notes) + 1)}]" if headers[i] == "source" and c else _cell(c))
                        for i, c in enumerate(r)])
        console.print(t)
        for text, n in notes.items():
            console.print(f"  [{n}] {text}", markup=False, highlight=False)
        if k == "tiers":
            console.print("A model's own table overrides its provider's; — there means the provider tier's figure "
                          "(the planner reads them the same way).")
    return 0
