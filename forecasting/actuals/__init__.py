"""Actuals: read real usage (request traces, provider usage exports, gateway logs, vLLM scrapes) and
turn it into workload statistics (`calibrate`), a calibrated scenario, and a forecast-vs-actual
comparison (`forecasting.actuals.compare`).

Why the readers take "openers" (a callable returning an iterable of lines) rather than paths: the core
does no file I/O (DESIGN.md); the command opens files, and a reader may need a file twice (the head
for detection, then the stream), which a callable gives without holding the file in memory.
"""
from __future__ import annotations

from collections import Counter
from typing import Callable, Iterable

from forecasting.actuals.buckets import read_buckets
from forecasting.actuals.detect import FORMATS, detect
from forecasting.actuals.errors import UsageDataError
from forecasting.actuals.figures import Calibration, from_requests
from forecasting.actuals.prometheus import models_in, parse_exposition, read_scrapes
from forecasting.actuals.stats import RequestStats
from forecasting.actuals.traces import LAYOUTS, columns_layout, parse_columns, read_requests

Opener = Callable[[], Iterable[str]]
TRACE_FORMATS = ("azure", "mooncake", "litellm", "langfuse", "columns")

__all__ = ["Calibration", "FORMATS", "UsageDataError", "calibrate", "detect"]


def _head(open_: Opener, limit: int = 16_384) -> str:
    out: list[str] = []
    size = 0
    for line in open_():
        out.append(line)
        size += len(line)
        if size >= limit:
            break
    return "".join(out)


def _one_model(models: Counter[str] | dict[str, int], model: str | None, all_models: bool, where: str,
               unit: str = "requests") -> None:
    if model is not None:
        if models and model not in models:
            raise UsageDataError(f"{where}: no rows for model {model!r}; the data has: "
                                 + ", ".join(f"{m} ({c:,} {unit})" for m, c in Counter(models).most_common(10)))
        return
    if len(models) > 1 and not all_models:
        listed = ", ".join(f"{m} ({c:,} {unit})" for m, c in Counter(models).most_common(10))
        raise UsageDataError(f"{where}: the data mixes {len(models)} models: {listed}. A scenario plans one model: "
                             "choose one with --model NAME, or pool them with --all-models")


def calibrate(files: list[tuple[str, Opener]], input_format: str | None = None, columns: str | None = None,
              time_unit: str | None = None, bin_s: float = 60.0, model: str | None = None,
              all_models: bool = False, interval_s: float | None = None) -> Calibration:
    """Workload figures of one or more files of one format (traces: read in the order given).

    UsageDataError (one line per problem, naming file, line and field) for anything unreadable.
    """
    if not files:
        raise UsageDataError("give at least one usage file")
    if not bin_s > 0:
        raise UsageDataError("--bin must be a positive number of seconds")
    names = [n for n, _ in files]
    fmt = input_format or ("columns" if columns else detect(_head(files[0][1]), names[0]))
    if fmt not in FORMATS:
        raise UsageDataError(f"--input-format: unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    if columns and fmt != "columns":
        raise UsageDataError("--columns maps the columns of a generic CSV/JSONL: use it with --input-format columns or alone")
    if fmt in TRACE_FORMATS:
        if fmt == "columns":
            if not columns:
                raise UsageDataError("--input-format columns needs --columns timestamp=COL,input=COL,output=COL")
            layout = columns_layout(parse_columns(columns), time_unit or "s")
        else:
            layout = LAYOUTS[fmt]
            if time_unit:
                from dataclasses import replace

                layout = replace(layout, unit=time_unit)
        stats = RequestStats(bin_s=bin_s)
        skipped: Counter[str] = Counter()
        for name, open_ in files:
            skipped.update(read_requests(open_(), name, layout, stats, model=model))
        _one_model(stats.models_seen, model, all_models, ", ".join(names))
        cal = from_requests(stats, fmt, names)
        cal.notes += [f"{c:,} rows skipped: {why}" for why, c in skipped.items()]
        if model and not stats.models:
            cal.notes.append(f"--model {model}: the data names no models; every row was counted")
        return cal
    if fmt == "vllm-prometheus":
        scrapes = [parse_exposition(open_(), name) for name, open_ in files]
        _one_model(models_in(scrapes), model, all_models, ", ".join(names))
        return read_scrapes(scrapes, names, interval_s, model=model)
    if len(files) > 1:
        raise UsageDataError(f"{fmt}: give one export file (pages may be an array or one per line in it)")
    name, open_ = files[0]
    cal, models = read_buckets("".join(open_()), name, "openai" if fmt == "openai-usage" else "anthropic", model)
    _one_model(models, model, all_models, name, "requests" if fmt == "openai-usage" else "output tokens")
    if fmt != "openai-usage":
        cal.models = {m: c for m, c in models.most_common()}
    return cal
