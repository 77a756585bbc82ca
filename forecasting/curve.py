"""The daily load curve: 24 hourly loads relative to the daily average.

Why a curve: a chat service's load at 4 a.m. is a fraction of its afternoon peak. Sizing every hour
for the peak (always-on) is what today's fixed fleets pay; autoscaling follows the curve, so its cost is
the hour-by-hour integral of the replicas each hour needs.

Default shape (sourced): a raised cosine with its trough at 04:00 and its peak at 16:00, trough 0.3 x
the daily mean, from the Azure LLM inference trace 2024 (night troughs ~400-600 req/min against a 1,667
req/min weekly mean in the code trace; conversation weekday peaks 1.5-1.85x the mean) and BurstGPT
(peak hour ~2x the daily mean), workload_and_pricing.md section 1.3. The shape is then rescaled so its
peak equals the scenario's peak multiplier (the seed default 1.5), keeping the mean at 1: the peak stays
one fact in one place. A scenario may give its own 24 values (`daily_load_curve`), normalised to mean 1.
"""
from __future__ import annotations

from typing import NamedTuple
import math

HOURS = 24
TROUGH_HOUR, TROUGH_SHARE = 4, 0.3
SOURCE = ("raised-cosine day, trough 04:00 at 0.3 x mean, peak 16:00 (Azure LLM inference trace 2024 and BurstGPT"
          " diurnal figures, workload_and_pricing.md 1.3), rescaled so the peak equals the peak multiplier")


class Curve(NamedTuple):
    """Hourly load / daily mean (mean 1, max = peak multiplier), and each hour's share of the peak."""

    relative_to_mean: tuple[float, ...]
    relative_to_peak: tuple[float, ...]
    given: bool
    basis: str

    @property
    def trough(self) -> float:
        return min(self.relative_to_mean)

    @property
    def max_hourly_rise(self) -> float:
        """Largest rise from one hour to the next, as a fraction of the peak per hour."""
        v = self.relative_to_peak
        return max(0.0, max(v[(h + 1) % HOURS] - v[h] for h in range(HOURS)))


def default_shape() -> list[float]:
    amp = 1.0 - TROUGH_SHARE
    return [1.0 - amp * math.cos(2 * math.pi * (h - TROUGH_HOUR) / HOURS) for h in range(HOURS)]


def daily_curve(peak_multiplier: float, given: list[float] | None = None) -> Curve:
    raw = list(given) if given else default_shape()
    mean = sum(raw) / HOURS
    norm = [x / mean for x in raw]
    top = max(norm)
    if top - 1.0 > 1e-9 and abs(top - peak_multiplier) > 1e-9:
        k = (peak_multiplier - 1.0) / (top - 1.0)
        norm = [max(0.0, 1.0 + (x - 1.0) * k) for x in norm]
        mean2 = sum(norm) / HOURS
        norm = [x / mean2 for x in norm]
    elif top - 1.0 <= 1e-9:  # a flat curve: the peak multiplier cannot be honoured by its shape
        norm = [1.0] * HOURS
    peak = max(norm)
    basis = ("the scenario's 24 values normalised to mean 1" if given else SOURCE)
    basis += f"; trough {min(norm):.2f} x mean at {norm.index(min(norm)):02d}:00, peak {peak:.2f} x mean at {norm.index(peak):02d}:00"
    return Curve(tuple(norm), tuple(x / peak for x in norm), bool(given), basis)
