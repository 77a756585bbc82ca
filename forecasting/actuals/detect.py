"""Which format a usage file is in, from its first few kilobytes.

Why from the head only: detection must not read a 1 GB file twice. Each format has a signature the
others lack (the Azure trace's header, Mooncake's `input_length`, LiteLLM's `startTime` with
`prompt_tokens`, ...); a file that matches none is an input error that names the choices.
"""
from __future__ import annotations

import csv
import json
import re

from forecasting.actuals.errors import UsageDataError

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_ .:-]{0,40}$")
FORMATS = {
    "azure": "Azure LLM inference trace CSV (TIMESTAMP,ContextTokens,GeneratedTokens)",
    "mooncake": "Mooncake trace JSONL (timestamp in ms, input_length, output_length)",
    "litellm": "LiteLLM spend logs (startTime, endTime, prompt_tokens, completion_tokens, model, ...), CSV or JSONL",
    "langfuse": "Langfuse observations export (start_time, end_time, usage_details, provided_model_name), CSV or JSONL",
    "openai-usage": "OpenAI organization usage API pages (/v1/organization/usage/completions)",
    "anthropic-usage": "Anthropic usage report pages (/v1/organizations/usage_report/messages)",
    "vllm-prometheus": "two or more scrapes of a vLLM server's /metrics (Prometheus text)",
    "columns": "any CSV or JSONL with --columns timestamp=...,input=...,output=...",
}


def detect(head: str, name: str) -> str:
    """The format name of a file whose first characters are `head`."""
    s = head.lstrip("\ufeff").lstrip()
    if not s:
        raise UsageDataError(f"{name}: the file is empty")
    if "vllm:" in s[:20_000] and (s.startswith("#") or s.startswith("vllm:")):
        return "vllm-prometheus"
    keys: set[str] = set()
    if s[0] in "[{":
        if '"organization.usage.completions' in s or ('"num_model_requests"' in s and '"start_time"' in s):
            return "openai-usage"
        if '"uncached_input_tokens"' in s or ('"starting_at"' in s and '"cache_read_input_tokens"' in s):
            return "anthropic-usage"
        first = s.splitlines()[0]
        try:
            obj = json.loads(first)
            obj = obj[0] if isinstance(obj, list) and obj else obj
            if isinstance(obj, dict):
                keys = set(obj)
        except ValueError:
            keys = {k for k in ("input_length", "output_length", "startTime", "prompt_tokens", "start_time",
                                "usage_details", "usageDetails") if f'"{k}"' in s[:20_000]}
    else:
        try:
            keys = {h.strip() for h in next(csv.reader([s.splitlines()[0]]))}
        except (StopIteration, csv.Error):
            keys = set()
    if {"TIMESTAMP", "ContextTokens", "GeneratedTokens"} <= keys:
        return "azure"
    if {"input_length", "output_length"} <= keys:
        return "mooncake"
    if "startTime" in keys and "prompt_tokens" in keys:
        return "litellm"
    if keys & {"usage_details", "usageDetails"} and keys & {"start_time", "startTime"}:
        return "langfuse"
    # only names that look like column names are echoed: a file typed by mistake (a .env) must not leak its values
    names = sorted(k for k in keys if _NAME.match(k))
    shown = f"columns {', '.join(names)}"[:200] if names else "no recognisable column names"
    raise UsageDataError(f"{name}: cannot tell the format (it has {shown}). Give --input-format "
                         f"({', '.join(FORMATS)}), or --columns timestamp=COL,input=COL,output=COL for any CSV/JSONL")
