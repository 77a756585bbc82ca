"""`capplan llm-estimate`: how fast one model serves on one GPU type, and why.

Why a thin command: all arithmetic lives in `forecasting.serving` (the plan uses the same code);
this module only turns flags or JSONL lines into calls and results into a table or JSON. rich is
imported inside `run`, so `capplan --help` and the JSON path stay quick.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, TextIO

from agent.errors import InputError

BATCH_KEYS = ("model", "gpu", "tp", "precision", "input_tokens", "output_tokens", "concurrency", "request_rate",
              "num_requests")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="model id, e.g. llama-3.1-70b (see `capplan catalog`)")
    parser.add_argument("--gpu", help="GPU id, e.g. h100-sxm")
    parser.add_argument("--tp", type=int, default=None, help="tensor-parallel degree (default: chosen)")
    parser.add_argument("--precision", choices=["bf16", "fp16", "fp8", "fp4"], default=None,
                        help="weight precision (default: the model's native one the GPU supports)")
    parser.add_argument("--input-tokens", type=int, dest="input_tokens", help="prompt tokens per request")
    parser.add_argument("--output-tokens", type=int, dest="output_tokens", help="generated tokens per request")
    parser.add_argument("--concurrency", type=float, default=None,
                        help="requests in flight (closed loop); without it, the maximum-throughput estimate")
    parser.add_argument("--request-rate", type=float, default=None, dest="request_rate", metavar="R",
                        help="requests per second arriving at random (Poisson, open loop); says when R saturates the replica")
    parser.add_argument("--num-requests", type=int, default=None, dest="num_requests", metavar="N",
                        help="with --request-rate: a finite run of N requests, as a benchmark sends them "
                             "(default: an unbounded run)")
    parser.add_argument("--sweep", nargs="?", const="concurrency", choices=["concurrency", "rate"], default=None,
                        help="print the latency curve up to saturation (over concurrency, or over request rate with "
                             "'--sweep rate') and mark the knee: the highest load within the latency targets")
    parser.add_argument("--itl-target-ms", type=float, default=None, dest="itl_target_ms",
                        help="with --sweep: inter-token latency target (default: the chatbot profile's, or --scenario's)")
    parser.add_argument("--ttft-target-ms", type=float, default=None, dest="ttft_target_ms",
                        help="with --sweep: time-to-first-token target (default: the chatbot profile's, or --scenario's)")
    parser.add_argument("--scenario", metavar="FILE", default=None,
                        help="with --sweep: take the latency targets (and app type defaults) from a scenario file")
    parser.add_argument("--profile", default=None, help="engine profile id (default: trtllm)")
    parser.add_argument("--format", choices=["table", "json"], default="table", help="output format")
    parser.add_argument("--batch", metavar="FILE.jsonl", default=None,
                        help="one request per line (keys: " + ", ".join(BATCH_KEYS) + "); '-' for stdin; "
                             "prints one JSON result per line")
    parser.add_argument("--catalog", metavar="FILE", default=None,
                        help="JSON file with extra models/GPUs (same schema as the built-in catalog)")


def _catalog(path: str | None):
    from forecasting.serving import ServingInputError, load_serving_catalog

    try:
        return load_serving_catalog(path)
    except ServingInputError as exc:
        raise InputError(f"--catalog: {exc}") from None


def load_problems(req: dict[str, Any], flags: bool) -> list[str]:
    """Closed loop (concurrency) and open loop (request rate) are two different experiments: never both."""
    name = (lambda k: "--" + k.replace("_", "-")) if flags else (lambda k: k)
    out = []
    if req.get("concurrency") is not None and req.get("request_rate") is not None:
        out.append(f"{name('concurrency')} and {name('request_rate')} are mutually exclusive: give requests in flight "
                   f"(closed loop) or requests per second (open loop), not both")
    if req.get("num_requests") is not None and req.get("request_rate") is None:
        out.append(f"{name('num_requests')} needs {name('request_rate')}")
    return out


def _estimate(catalog, profile: str | None, req: dict[str, Any]) -> dict[str, Any]:
    from forecasting.serving import estimate, estimate_request_rate

    common = dict(input_tokens=req["input_tokens"], output_tokens=req["output_tokens"], precision=req.get("precision"),
                  tp=req.get("tp"), profile=req.get("profile", profile), catalog=catalog)
    if req.get("request_rate") is not None:
        rate = req["request_rate"]
        if isinstance(rate, str) and rate.strip().lower() in ("inf", "infinity"):
            rate = float("inf")
        if isinstance(rate, float) and math.isinf(rate) and not req.get("num_requests"):
            raise ValueError("request_rate inf (all at once) needs num_requests")
        est = estimate_request_rate(req["model"], req["gpu"], request_rate=rate, num_requests=req.get("num_requests"),
                                    **common)
    else:
        est = estimate(req["model"], req["gpu"], concurrency=req.get("concurrency"), **common)
    return est.to_dict()


def _run_batch(args: argparse.Namespace, catalog, out: TextIO) -> int:
    from forecasting.serving import ServingInputError

    if args.batch == "-":
        raw = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
        lines = raw.splitlines()
    else:
        try:
            lines = Path(args.batch).read_bytes().splitlines()  # decoded line by line: one bad byte spoils one line
        except OSError as exc:
            raise InputError(f"--batch: cannot read {args.batch}: {exc.strerror or exc}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            from forecasting.validate import loads_strict

            req = loads_strict(line.decode("utf-8") if isinstance(line, bytes) else line)
            if not isinstance(req, dict):
                raise ValueError("each line must be a JSON object")
            missing = [k for k in ("model", "gpu", "input_tokens", "output_tokens") if req.get(k) is None]
            if missing:
                raise ValueError("missing " + ", ".join(missing))
            unknown = sorted(set(req) - set(BATCH_KEYS) - {"profile", "id"})
            if unknown:
                raise ValueError("unknown key(s) " + ", ".join(unknown) + "; expected " + ", ".join(BATCH_KEYS))
            clash = load_problems(req, flags=False)
            if clash:
                raise ValueError("; ".join(clash))
            result: dict[str, Any] = _estimate(catalog, args.profile, req)
            if "id" in req:
                result = {"id": req["id"], **result}
        except UnicodeDecodeError:
            result = {"error": f"line {n}: not UTF-8 text"}
        except json.JSONDecodeError as exc:
            result = {"error": f"line {n}: not valid JSON: {exc.msg}"}
        except (ServingInputError, ValueError, TypeError, ArithmeticError, KeyError, AttributeError) as exc:
            result = {"error": f"line {n}: {str(exc)[:300]}"}
        out.write(json.dumps(result) + "\n")
    out.flush()
    return 0


def _render_table(r: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if r.get("saturation_request_rate") is not None:
        rate = "all at once" if r["request_rate"] is None else f"{r['request_rate']:g} requests/s"
        mode = f"open loop, {rate}"
    else:
        mode = "max throughput" if r["concurrency"] is None else f"{r['concurrency']:g} requests in flight"
    t = Table(title=f"{r['model']} on {r['tensor_parallel']} × {r['gpu']} ({r['precision']}, KV {r['kv_precision']}, "
                    f"{r['input_tokens']} in / {r['output_tokens']} out, {mode})", show_header=True)
    t.add_column("metric")
    t.add_column("value", justify="right")
    mem = r["memory"]
    rows = [
        ("output tokens/s (replica)", f"{r['output_tokens_per_s']:,.0f}"),
        ("output tokens/s per GPU", f"{r['output_tokens_per_s_per_gpu']:,.0f}"),
        ("output tokens/s per sequence", f"{r['output_tokens_per_s_per_sequence']:,.1f}"),
        ("requests/s", f"{r['requests_per_s']:,.2f}"),
        ("time to first token", "grows without bound (saturated)" if r["ttft_ms"] is None else f"{r['ttft_ms']:,.1f} ms"),
        ("inter-token latency", f"{r['itl_ms']:,.2f} ms"),
        ("end-to-end latency", "grows without bound (saturated)" if r["e2e_latency_ms"] is None
         else f"{r['e2e_latency_ms'] / 1000:,.2f} s"),
        ("sequences running / KV max", f"{r['running_sequences']:,.0f} / {r['max_concurrent_sequences']:,}"),
        ("tensor parallel", str(r["tensor_parallel"])),
        ("bound", r["bound"].replace("_", " ")),
        ("memory per GPU", f"{mem['weights_gib']:,.1f} weights + {mem['kv_cache_gib']:,.1f} KV + "
                           f"{mem['overhead_gib']:,.1f} overhead of {mem['gpu_memory_gib']:g} GiB"),
        ("engine profile", f"{r['profile']}" + ("" if r["assumptions"].get("calibrated") else " (not calibrated)")),
    ]
    if r.get("saturation_request_rate") is not None:
        inflight = r["requests_in_flight"]
        rows[6:6] = [
            ("requests in flight", "grows without bound" if inflight is None else f"{inflight:,.1f}"),
            ("queue wait", "grows without bound" if r["queue_wait_ms"] is None else f"{r['queue_wait_ms']:,.1f} ms"),
            ("saturation rate", f"{r['saturation_request_rate']:,.2f} requests/s"),
        ]
    for k, v in rows:
        t.add_row(k, v)
    console.print(t)
    if r.get("saturated"):
        offered = "all at once" if r["request_rate"] is None else f"{r['request_rate']:g} requests/s"
        console.print(f"[bold red]SATURATED[/bold red]: {offered} is at or above the "
                      f"{r['saturation_request_rate']:,.2f} requests/s this replica sustains; the queue grows "
                      f"{'for the whole run' if r['ttft_ms'] is not None else 'without bound'}. Add replicas or lower the rate.",
                      highlight=False)
    console.print("[bold]How it was computed[/bold]")
    for line in r["derivation"]:
        console.print(f"  • {line}", highlight=False)


def _targets(args: argparse.Namespace) -> tuple[float, float, str]:
    """The knee's targets: the flags, else the scenario file's llm section, else its app type's defaults."""
    from forecasting.defaults import lookup

    app_type: Any = "chatbot"
    llm: Any = {}
    where = "chatbot profile default"
    if args.scenario:
        try:
            doc = json.loads(Path(args.scenario).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(f"--scenario: cannot read {args.scenario}: {exc.strerror or exc}") from None
        except json.JSONDecodeError as exc:
            raise InputError(f"--scenario: {args.scenario} is not valid JSON: line {exc.lineno}: {exc.msg}") from None
        if not isinstance(doc, dict):
            raise InputError(f"--scenario: {args.scenario} must hold a JSON object (a scenario)")
        app_type = doc.get("app_type") if doc.get("app_type") in ("chatbot", "agent") else "chatbot"
        llm = doc.get("llm") if isinstance(doc.get("llm"), dict) else {}
        where = f"{args.scenario}"
    out: list[float] = []
    notes: list[str] = []
    for key in ("itl_target_ms", "ttft_target_ms"):
        flag = getattr(args, key)
        if flag is not None:
            out.append(flag)
            notes.append(f"{key} given")
        elif isinstance(llm.get(key), (int, float)) and not isinstance(llm.get(key), bool):
            out.append(float(llm[key]))
            notes.append(f"{key} from {where}")
        else:
            d = lookup(app_type, f"llm.{key}")
            out.append(float(d.value))
            notes.append(f"{key} {d.value:g} {d.unit}: {app_type} default ({d.source})")
    return out[0], out[1], "; ".join(notes)


def _run_sweep(args: argparse.Namespace, catalog: Any) -> int:
    from forecasting.serving import ServingInputError
    from forecasting.serving.sweep import sweep

    itl, ttft, source = _targets(args)
    try:
        sw = sweep(args.model, args.gpu, input_tokens=args.input_tokens, output_tokens=args.output_tokens, mode=args.sweep,
                   itl_target_ms=itl, ttft_target_ms=ttft, targets_source=source, precision=args.precision, tp=args.tp,
                   profile=args.profile, catalog=catalog)
    except ServingInputError as exc:
        raise InputError(str(exc).split("; ")) from None
    result = sw.to_dict()
    if args.format == "json":
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
        return 0
    from rich.console import Console
    from rich.table import Table

    console = Console()
    unit = "in flight" if sw.mode == "concurrency" else "requests/s"
    t = Table(title=f"{sw.model} on {sw.tensor_parallel} × {sw.gpu} ({sw.precision}, {sw.input_tokens} in / "
                    f"{sw.output_tokens} out): latency curve over {sw.mode}")
    for col in (f"load ({unit})", "output tok/s", "requests/s", "TTFT ms", "ITL ms", "within targets", ""):
        t.add_column(col, justify="right")
    knee = sw.knee
    rows = sorted([(p, False) for p in sw.points if knee is None or p.load != knee.load]
                  + ([(knee, True)] if knee is not None else []), key=lambda r: r[0].load)
    for p, is_knee in rows:
        t.add_row(f"{p.load:,.4g}", f"{p.output_tokens_per_s:,.0f}", f"{p.requests_per_s:,.2f}", f"{p.ttft_ms:,.1f}",
                  f"{p.itl_ms:,.2f}", "yes" if p.meets_targets else "no", "◀ knee" if is_knee else "",
                  style="bold" if is_knee else None)
    console.print(t)
    console.print(f"targets: ITL ≤ {sw.itl_target_ms:g} ms, TTFT ≤ {sw.ttft_target_ms:g} ms ({sw.targets_source})",
                  highlight=False)
    sat = f"{sw.saturation_load:,.4g} {unit}, {sw.saturation_output_tokens_per_s:,.0f} output tokens/s"
    if knee is None:
        console.print(f"knee: none — even the lightest load misses a target (saturation: {sat}); consider a larger TP, "
                      f"a faster GPU or a lower precision", highlight=False)
    else:
        why = {"itl_target": "the ITL target", "ttft_target": "the TTFT target",
               "saturation": "saturation (the targets hold up to the replica's limit)"}[sw.knee_limited_by]
        console.print(f"knee: {knee.load:,.4g} {unit}, {knee.output_tokens_per_s:,.0f} output tokens/s = "
                      f"{sw.knee_share_of_saturation_throughput:.0%} of the saturation throughput ({sat}); limited by {why}",
                      highlight=False)
    return 0


def run(args: argparse.Namespace) -> int:
    from forecasting.serving import ServingInputError

    catalog = _catalog(args.catalog)
    if args.batch:
        return _run_batch(args, catalog, sys.stdout)
    problems = [f"--{name.replace('_', '-')} is required" for name in ("model", "gpu", "input_tokens", "output_tokens")
                if getattr(args, name) is None]
    if args.sweep and (args.concurrency is not None or args.request_rate is not None or args.num_requests is not None):
        problems.append("--sweep chooses the loads itself: drop --concurrency / --request-rate / --num-requests")
    if not args.sweep:
        problems += [f"--{k.replace('_', '-')} needs --sweep" for k in ("itl_target_ms", "ttft_target_ms", "scenario")
                     if getattr(args, k) is not None]
    for k in ("itl_target_ms", "ttft_target_ms"):
        v = getattr(args, k)
        if v is not None and not (v > 0 and math.isfinite(v)):
            problems.append(f"--{k.replace('_', '-')} must be a positive number of milliseconds, got {v:g}")
    if problems:
        raise InputError(problems)
    if args.sweep:
        return _run_sweep(args, catalog)
    req = {"model": args.model, "gpu": args.gpu, "tp": args.tp, "precision": args.precision,
           "input_tokens": args.input_tokens, "output_tokens": args.output_tokens, "concurrency": args.concurrency,
           "request_rate": args.request_rate, "num_requests": args.num_requests}
    clash = load_problems(req, flags=True)
    if clash:
        raise InputError(clash)
    try:
        result = _estimate(catalog, args.profile, req)
    except (ServingInputError, ValueError) as exc:
        raise InputError(str(exc).split("; ")) from None
    if args.format == "json":
        sys.stdout.write(json.dumps(result, indent=2) + "\n")
    else:
        _render_table(result)
    return 0
