"""Readers of per-request logs: one request per CSV row or JSONL line, streamed.

Formats (schemas and where they are documented: docs/actuals.md):
- `azure`: the Azure LLM inference trace, CSV `TIMESTAMP,ContextTokens,GeneratedTokens`.
- `mooncake`: the Mooncake trace, JSONL `{"timestamp": ms, "input_length", "output_length", ...}`.
- `litellm`: LiteLLM proxy spend logs (`LiteLLM_SpendLogs` rows as CSV or JSONL): `startTime`, `endTime`,
  `prompt_tokens`, `completion_tokens`, `model`, `cache_hit`, `user`, `session_id`.
- `langfuse`: a Langfuse observations export (CSV or JSONL): `start_time`, `end_time`,
  `completion_start_time`, `usage_details`, `provided_model_name`; only `GENERATION` observations count.
- `columns`: any CSV or JSONL, with `--columns timestamp=...,input=...,output=...[,cached=...,latency=...,
  user=...,session=...,model=...]`.

Why lines in, not paths: the core does no file I/O; the command opens the file and hands over an
iterable of lines (a file object), so a 1 GB file is read one line at a time.
"""
from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from forecasting.actuals.errors import UsageDataError
from forecasting.actuals.stats import RequestStats
from forecasting.actuals.timeparse import parse_time

FIELDS = ("timestamp", "input", "output", "cached", "latency", "user", "session", "model", "end", "first_token")
REQUIRED = ("timestamp", "input", "output")


@dataclass(frozen=True)
class Layout:
    """Which column holds each field (candidates in order); `unit` is for numeric timestamps."""

    columns: dict[str, tuple[str, ...]]
    unit: str = "s"
    row_filter: Callable[[Callable[[str], Any]], bool] | None = None
    response_cache: str | None = None  # LiteLLM: a column saying the proxy's own cache answered


def _langfuse_generation(get: Callable[[str], Any]) -> bool:
    kind = get("type")
    return kind in (None, "") or str(kind).upper() == "GENERATION"


LAYOUTS: dict[str, Layout] = {
    "azure": Layout({"timestamp": ("TIMESTAMP",), "input": ("ContextTokens",), "output": ("GeneratedTokens",)}),
    "mooncake": Layout({"timestamp": ("timestamp",), "input": ("input_length",), "output": ("output_length",)}, unit="ms"),
    "litellm": Layout({"timestamp": ("startTime",), "input": ("prompt_tokens",), "output": ("completion_tokens",),
                       "end": ("endTime",), "first_token": ("completionStartTime",), "model": ("model",),
                       "user": ("user", "end_user"), "session": ("session_id",)},
                      response_cache="cache_hit"),
    "langfuse": Layout({"timestamp": ("start_time", "startTime"),
                        "input": ("usage_details.input", "usageDetails.input", "usage.input"),
                        "output": ("usage_details.output", "usageDetails.output", "usage.output"),
                        "cached": ("usage_details.input_cached_tokens", "usage_details.cache_read_input_tokens",
                                   "usage_details.input_cache_read", "usageDetails.input_cached_tokens",
                                   "usageDetails.cache_read_input_tokens", "usageDetails.input_cache_read"),
                        "end": ("end_time", "endTime"), "first_token": ("completion_start_time", "completionStartTime"),
                        "model": ("provided_model_name", "providedModelName", "model"),
                        "user": ("user_id", "userId"), "session": ("session_id", "sessionId")},
                       row_filter=_langfuse_generation),
}


def parse_columns(spec: str) -> dict[str, str]:
    """`timestamp=ts,input=prompt,output=completion` -> {field: column}; UsageDataError names a bad part."""
    out: dict[str, str] = {}
    for part in (p.strip() for p in spec.split(",") if p.strip()):
        key, sep, col = part.partition("=")
        key, col = key.strip(), col.strip()
        if not sep or not col:
            raise UsageDataError(f"--columns: {part!r} is not FIELD=COLUMN")
        if key not in FIELDS or key in ("end", "first_token"):
            raise UsageDataError(f"--columns: unknown field {key!r}; fields are timestamp, input, output, cached, "
                                 "latency, user, session, model")
        out[key] = col
    missing = [f for f in REQUIRED if f not in out]
    if missing:
        raise UsageDataError(f"--columns: give {', '.join(missing)} too (timestamp=...,input=...,output=... are required)")
    return out


def columns_layout(spec: dict[str, str], unit: str) -> Layout:
    return Layout({k: (v,) for k, v in spec.items()}, unit=unit)


# ---------------------------------------------------------------------------------------------------
def _rows(lines: Iterable[str], name: str) -> tuple[list[str] | None, Iterator[tuple[int, Any]]]:
    """(CSV header or None for JSON, iterator of (line number, row)). Skips blank lines."""
    it = iter(lines)
    first = ""
    lineno = 0
    for first in it:
        lineno += 1
        if first.strip():
            break
    else:
        raise UsageDataError(f"{name}: the file is empty")
    head = first.lstrip("\ufeff").lstrip()
    if head.startswith("["):
        text = head + "".join(it)
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise UsageDataError(f"{name}: not valid JSON ({exc})") from None
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise UsageDataError(f"{name}: a JSON file must be an array of objects, one per request")
        return None, ((i + 1, r) for i, r in enumerate(data))
    if head.startswith("{"):
        def jsonl() -> Iterator[tuple[int, Any]]:
            n = lineno
            for line in _chain(head, it):
                if line.strip():
                    try:
                        row = json.loads(line)
                    except ValueError as exc:
                        raise UsageDataError(f"{name}: line {n}: not valid JSON ({exc})") from None
                    if not isinstance(row, dict):
                        raise UsageDataError(f"{name}: line {n}: expected a JSON object")
                    yield n, row
                n += 1
        return None, jsonl()
    header = next(csv.reader([head]))
    header = [h.strip() for h in header]
    reader = csv.reader(it)

    def csv_rows() -> Iterator[tuple[int, Any]]:
        n = lineno
        for row in reader:
            n += 1
            if row:
                yield n, row
    return header, csv_rows()


def _chain(head: str, rest: Iterator[str]) -> Iterator[str]:
    yield head
    yield from rest


def _getter(header: list[str] | None, candidates: tuple[str, ...], sample: Any) -> Callable[[Any], Any] | None:
    """A function row -> value for the first candidate column present (dotted = inside a JSON object).

    A dotted candidate whose key is missing from the first row's object yields to a later candidate
    that has it (exports name the cached-token key differently); failing all, the first one present.
    """
    fallback: Callable[[Any], Any] | None = None
    for cand in candidates:
        top, _, sub = cand.partition(".")
        getter: Callable[[Any], Any] | None = None
        if header is not None:
            if cand in header:
                return _at(header.index(cand))
            if sub and top in header:
                getter = _at(header.index(top), sub)
        elif isinstance(sample, dict):
            if cand in sample:
                return _key(cand)
            if sub and top in sample:
                getter = _key(top, sub)
        if getter is not None:
            if getter(sample) is not None:
                return getter
            fallback = fallback or getter
    return fallback


def _at(i: int, sub: str = "") -> Callable[[Any], Any]:
    def get(r: Any) -> Any:
        v = r[i] if i < len(r) else None
        return _sub(v, sub) if sub else v
    return get


def _key(k: str, sub: str = "") -> Callable[[Any], Any]:
    def get(r: Any) -> Any:
        v = r.get(k)
        return _sub(v, sub) if sub else v
    return get


def _sub(value: Any, key: str) -> Any:
    if isinstance(value, str) and value.strip().startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value.get(key) if isinstance(value, dict) else None


def _number(value: Any, where: str, what: str) -> float:
    if type(value) is str:  # the common case, one conversion; anything odd takes the checked path below
        try:
            x = float(value)
        except ValueError:
            pass
        else:
            if x - x == 0:  # finite
                return x
    if isinstance(value, bool):
        raise UsageDataError(f"{where}: {what} is {value!r}, not a number")
    if isinstance(value, (int, float)):
        x = float(value)
    else:
        s = "" if value is None else str(value).strip()
        if not s:
            raise UsageDataError(f"{where}: {what} is empty")
        try:
            x = float(s)
        except ValueError:
            raise UsageDataError(f"{where}: {what} is {s!r}, not a number") from None
    if not math.isfinite(x):
        raise UsageDataError(f"{where}: {what} is {value!r}, not a finite number")
    return x


def _optional(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _truthy(value: Any) -> bool:
    return str(value).strip().lower() in ("true", "1", "yes", "t")


def read_requests(lines: Iterable[str], name: str, layout: Layout, stats: RequestStats,
                  model: str | None = None) -> dict[str, int]:
    """Stream one file's requests into `stats`; returns counts of rows skipped by reason.

    `model`: count only that model's rows. UsageDataError names the file, line and field of a bad row.
    """
    header, rows = _rows(lines, name)
    skipped: dict[str, int] = {}
    first = next(rows, None)
    if first is None:
        raise UsageDataError(f"{name}: no requests found (the file has a header and no rows)")
    getters: dict[str, Callable[[Any], Any] | None] = {
        f: _getter(header, cands, first[1]) for f, cands in layout.columns.items()}
    missing = [f for f in REQUIRED if getters.get(f) is None]
    if missing:
        from forecasting.actuals.detect import _NAME  # echo only what looks like column names, never values

        have = [h for h in (header if header is not None else sorted(first[1]) if isinstance(first[1], dict) else [])
                if _NAME.match(str(h))]
        want = ", ".join(f"{f} ({' or '.join(layout.columns.get(f, ()))})" for f in missing)
        raise UsageDataError(f"{name}: no column for {want}; the file has columns: {', '.join(map(str, have))[:400]}. "
                             "Map them with --columns timestamp=COL,input=COL,output=COL")
    g_t, g_in, g_out = getters["timestamp"], getters["input"], getters["output"]
    assert g_t and g_in and g_out
    g = {f: getters.get(f) for f in ("cached", "latency", "user", "session", "model", "end", "first_token")}
    g_cache = _getter(header, (layout.response_cache,), first[1]) if layout.response_cache else None
    row_filter = layout.row_filter
    unit = layout.unit
    any_optional = any(v is not None for v in g.values())

    def chained() -> Iterator[tuple[int, Any]]:
        yield first
        yield from rows

    for n, row in chained():
        where = f"{name}: line {n}"
        if header is not None and len(row) > len(header):
            raise UsageDataError(f"{where}: {len(row)} fields but the header has {len(header)}")
        if row_filter is not None and not row_filter(_plain(header, row)):
            skipped["not an LLM generation"] = skipped.get("not an LLM generation", 0) + 1
            continue
        if g_cache is not None and _truthy(g_cache(row)):
            skipped["answered by the proxy's response cache (no LLM call)"] = skipped.get(
                "answered by the proxy's response cache (no LLM call)", 0) + 1
            continue
        raw_t = g_t(row)
        try:
            t = parse_time(raw_t, unit)
        except ValueError as exc:
            raise UsageDataError(f"{where}: timestamp: {exc}") from None
        inp = _number(g_in(row), where, "input tokens")
        out = _number(g_out(row), where, "output tokens")
        if not any_optional:
            stats.add(where, t, inp, out)
            continue
        m = _optional(g["model"](row)) if g["model"] else None
        if model is not None and m != model:
            if m is not None:
                stats.models_seen[str(m)] += 1
            skipped[f"model is not {model}"] = skipped.get(f"model is not {model}", 0) + 1
            continue
        cached = _optional(g["cached"](row)) if g["cached"] else None
        latency = _optional(g["latency"](row)) if g["latency"] else None
        lat = _number(latency, where, "latency") if latency is not None else None
        end = _optional(g["end"](row)) if g["end"] else None
        if lat is None and end is not None:
            try:
                lat = parse_time(end, unit) - t
            except ValueError as exc:
                raise UsageDataError(f"{where}: end time: {exc}") from None
            if lat < 0:
                raise UsageDataError(f"{where}: the end time is before the start time")
        ft = _optional(g["first_token"](row)) if g["first_token"] else None
        ttft = None
        if ft is not None:
            try:
                ttft = parse_time(ft, unit) - t
            except ValueError:
                ttft = None
        user = _optional(g["user"](row)) if g["user"] else None
        session = _optional(g["session"](row)) if g["session"] else None
        stats.add(where, t, inp, out, cached=_number(cached, where, "cached input tokens") if cached is not None else None,
                  latency=lat, ttft=ttft, user=str(user) if user is not None else None,
                  session=str(session) if session is not None else None, model=str(m) if m is not None else None)
    return skipped


def _plain(header: list[str] | None, row: Any) -> Callable[[str], Any]:
    def get(key: str) -> Any:
        if header is None:
            return row.get(key) if isinstance(row, dict) else None
        return row[header.index(key)] if key in header and header.index(key) < len(row) else None
    return get
