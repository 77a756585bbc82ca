"""Timestamps of usage files as seconds (floats).

Why a hand-written fast path: the Azure trace writes `2023-11-16 18:15:46.6805900` (seven decimals, no
zone), which `datetime.fromisoformat` rejects on Python 3.10, and a 1 GB file has tens of millions of
them; splitting date and time and caching the day's epoch keeps a row at about a microsecond.
Times without a zone are read as UTC (the Azure trace gives none); only differences between
timestamps and the hour of day matter to the statistics.
"""
from __future__ import annotations

import calendar
import math
import re
from datetime import datetime, timezone

_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_TIME = re.compile(r"^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:?\d{2})?$")
_day_cache: dict[str, float] = {}

UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9}


def parse_time(value: object, unit: str = "s") -> float:
    """Seconds since the epoch (or since the trace's own origin for relative numbers).

    Numbers are taken in `unit` (s, ms, us, ns); strings may be numbers or ISO 8601 date-times
    (`T` or a space between date and time; `Z` or an offset, or none for UTC). ValueError otherwise.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a time")
    if isinstance(value, (int, float)):
        t = float(value) * UNITS[unit]
        if not math.isfinite(t):
            raise ValueError(f"{value!r} is not a finite time")
        return t
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time")
    fast = _fast(value)
    if fast is not None:
        return fast
    s = value.strip()
    if not s:
        raise ValueError("empty time")
    c = s[0]
    if c.isdigit() and len(s) > 10 and s[4] == "-":
        sep = s.find(" ") if s.find("T") < 0 else s.find("T")
        if sep == 10:
            day = _day_cache.get(s[:10])
            if day is None:
                m = _DATE.match(s[:10])
                if not m:
                    raise ValueError(f"{s!r} is not an ISO 8601 date-time")
                try:
                    day = float(calendar.timegm((int(m[1]), int(m[2]), int(m[3]), 0, 0, 0)))
                    datetime(int(m[1]), int(m[2]), int(m[3]))
                except ValueError:
                    raise ValueError(f"{s!r} is not a valid date") from None
                if len(_day_cache) > 10_000:
                    _day_cache.clear()
                _day_cache[s[:10]] = day
            rest = s[11:]
            if len(rest) >= 8 and rest[2] == ":" and rest[5] == ":" and rest[:2].isdigit() and rest[3:5].isdigit():
                tail = rest[6:]
                offset = 0.0
                if tail.endswith("Z"):
                    tail = tail[:-1]
                elif len(tail) > 6 and tail[-6] in "+-" and tail[-3] == ":":
                    sign = 1.0 if tail[-6] == "+" else -1.0
                    offset = sign * (int(tail[-5:-3]) * 3600 + int(tail[-2:]) * 60)
                    tail = tail[:-6]
                elif len(tail) > 5 and tail[-5] in "+-" and tail[-4:].isdigit():
                    sign = 1.0 if tail[-5] == "+" else -1.0
                    offset = sign * (int(tail[-4:-2]) * 3600 + int(tail[-2:]) * 60)
                    tail = tail[:-5]
                h, mi = int(rest[:2]), int(rest[3:5])
                try:
                    sec = float(tail)
                except ValueError:
                    raise ValueError(f"{s!r} is not an ISO 8601 date-time") from None
                if h > 23 or mi > 59 or not 0 <= sec < 61 or not tail[:2].isdigit():
                    raise ValueError(f"{s!r} has an impossible time of day")
                return day + h * 3600 + mi * 60 + sec - offset
            raise ValueError(f"{s!r} is not an ISO 8601 date-time")
        if len(s) == 10 and _DATE.match(s):
            return parse_time(s + " 00:00:00")
    try:
        number = float(s)
    except ValueError:
        raise ValueError(f"{s!r} is not a timestamp (expected ISO 8601 like 2023-11-16 18:15:46.68, or a number)") from None
    return parse_time(number, unit)


def _fast(s: str) -> float | None:
    """`YYYY-MM-DD HH:MM:SS[.frac]` with no zone (the common log shape), or None to take the full path."""
    if len(s) < 19 or s[10] not in " T" or s[13] != ":" or s[16] != ":" or s[4] != "-" or s[7] != "-":
        return None
    tail = s[17:]
    if not tail[:2].isdigit() or (len(tail) > 2 and (tail[2] != "." or not tail[3:].isdigit())):
        return None
    day = _day_cache.get(s[:10])
    if day is None:
        return None  # the full path validates the date and fills the cache
    h, mi = s[11:13], s[14:16]
    if not (h.isdigit() and mi.isdigit()):
        return None
    hi, mii, sec = int(h), int(mi), float(tail)
    if hi > 23 or mii > 59 or sec >= 61:
        return None
    return day + hi * 3600 + mii * 60 + sec


def iso(t: float) -> str:
    """An epoch time as ISO 8601 UTC, for reports (relative times below 1980 are shown as seconds)."""
    if t < 315_532_800:  # before 1980: a relative trace clock, not a date
        return f"{t:.3f} s"
    return datetime.fromtimestamp(t, tz=timezone.utc).isoformat().replace("+00:00", "Z")
