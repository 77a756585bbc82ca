"""Cheapest instance type and count that meets a tier's CPU, memory and connection needs.

Why a search: a fixed instance type over-buys for small services (two 4-vCPU machines for a few
milli-vCPU of work) and hits the wrong limit for large ones. Like Netflix's service-capacity-modeling,
every shape in the region's catalog is tried; the count for a shape is the largest of the three limits at
the target utilisation, plus one spare (N+1), never below the floor. The cheapest total wins; ties go
to fewer instances, then to the name, so the same input always gives the same answer. The result keeps
the runner-up and says why the winner won, and each count carries its own arithmetic (`basis`) so the
explanation and the figure cannot disagree.
"""
from __future__ import annotations

import math
from typing import Any, Iterable, NamedTuple

from forecasting.catalog_entries import CpuInstance

# Burstable classes earn CPU credits and throttle when they run out: not for a production tier.
EXCLUDED_CATEGORIES = frozenset({"burstable", "gpu"})


class Shape(NamedTuple):
    name: str
    family: str
    arch: str
    vcpu: float
    memory_gib: float
    usd_per_hour: float
    entry: CpuInstance


class Need(NamedTuple):
    """What a tier needs at one moment (after the safety margin)."""

    vcpu: float
    memory_gib: float
    connections: float


class Rules(NamedTuple):
    target_cpu_utilization: float
    reserved_memory_gib: float  # per instance: runtime / OS, not available to the work
    memory_utilization: float  # share of the rest the work may use
    max_connections_per_instance: float
    floor: int
    spare: int = 1


class Fit(NamedTuple):
    shape: Shape
    instances: int
    by_cpu: int
    by_memory: int
    by_connections: int
    limiting: str
    usd_per_hour: float
    need: Need
    rules: Rules

    @property
    def basis(self) -> str:
        """The count's arithmetic with its numbers (built on demand: the timeline fits thousands of times)."""
        n, s, r = self.need, self.shape, self.rules
        return (f"max(CPU ceil({n.vcpu:.3g} vCPU / ({s.vcpu:g} vCPU x {r.target_cpu_utilization:g} target)) = {self.by_cpu},"
                f" memory ceil({n.memory_gib:.3g} GiB / (({s.memory_gib:g} - {r.reserved_memory_gib:g}) GiB x"
                f" {r.memory_utilization:g})) = {self.by_memory}, connections ceil({n.connections:,.0f} /"
                f" {r.max_connections_per_instance:,.0f} per instance) = {self.by_connections}) + {r.spare} spare,"
                f" at least {r.floor} = {self.instances} x {s.name}; limited by {self.limiting}")


class Choice(NamedTuple):
    best: Fit
    runner_up: Fit | None
    candidates: int
    why: str


def _ceil(x: float) -> int:
    return int(math.ceil(x - 1e-9))


def shape_of(entry: CpuInstance) -> Shape:
    return Shape(entry.name, entry.family_name, entry.arch, float(entry.vcpu), float(entry.memory_gib), float(entry.usd_per_hour), entry)


def fit(need: Need, shape: Shape, rules: Rules, usd_per_hour: float | None = None) -> Fit:
    price = shape.usd_per_hour if usd_per_hour is None else usd_per_hour
    usable_mem = max(shape.memory_gib - rules.reserved_memory_gib, 0.0) * rules.memory_utilization
    by_cpu = _ceil(need.vcpu / (shape.vcpu * rules.target_cpu_utilization))
    by_mem = _ceil(need.memory_gib / usable_mem) if usable_mem > 0 else (10**9 if need.memory_gib > 0 else 0)
    by_conn = _ceil(need.connections / rules.max_connections_per_instance)
    limits = (("cpu", by_cpu), ("memory", by_mem), ("connections", by_conn))
    limiting, need_n = max(limits, key=lambda t: t[1])
    count = max(rules.floor, max(need_n, 1) + rules.spare)
    return Fit(shape, count, by_cpu, by_mem, by_conn, limiting, count * price, need, rules)


def hourly_counts(need: Need, shape: Shape, rules: Rules, scale: tuple[float, ...]) -> tuple[int, ...]:
    """`fit(...).instances` at need x s for each s, in closed form: every limit is linear in the load, and
    ceil is monotone, so the largest of the three ceilings is the ceiling of the largest ratio."""
    usable_mem = max(shape.memory_gib - rules.reserved_memory_gib, 0.0) * rules.memory_utilization
    worst = max(need.vcpu / (shape.vcpu * rules.target_cpu_utilization),
                need.memory_gib / usable_mem if usable_mem > 0 else (1e18 if need.memory_gib > 0 else 0.0),
                need.connections / rules.max_connections_per_instance)
    floor, spare, ceil = rules.floor, rules.spare, math.ceil
    return tuple([max(floor, max(ceil(worst * x - 1e-9), 1) + spare) for x in scale])


def candidates(entries: Iterable[CpuInstance], pin: str | None = None, families: list[str] | None = None) -> list[Shape]:
    """The shapes a search may use: the pinned type alone, else the allowed families, never burstable or GPU."""
    if pin:  # only the pinned entry is shaped: Monte-Carlo draws pin the type and call this per draw
        return [shape_of(e) for e in entries if e.name == pin]
    shapes = [shape_of(e) for e in entries]
    allowed = set(families or ())
    return sorted((s for s in shapes if s.entry.category not in EXCLUDED_CATEGORIES
                   and (not allowed or s.family in allowed)), key=lambda s: s.name)


def search(need: Need, shapes: list[Shape], rules: Rules, price: Any = None, objective: Any = None) -> Choice:
    """Cheapest fit over `shapes`; `price(shape) -> usd/h` overrides the list price (pricing options);
    `objective(fit) -> usd` ranks by another cost (the planner passes the hour-by-hour autoscaled cost)."""
    if not shapes:
        raise ValueError("no instance type to choose from")
    score = objective or (lambda f: f.usd_per_hour)
    fits = sorted((fit(need, s, rules, price(s) if price else None) for s in shapes),
                  key=lambda f: (round(score(f), 9), f.instances, f.shape.name))
    best = fits[0]
    runner = next((f for f in fits[1:] if f.shape.name != best.shape.name), None)
    if runner is None:
        why = f"{best.shape.name} is the only candidate"
    else:
        b, ru = score(best), score(runner)
        unit = "/month autoscaled" if objective else "/h"
        why = (f"{best.instances} x {best.shape.name} at ${b:,.4g}{unit} beats the runner-up {runner.instances} x"
               f" {runner.shape.name} at ${ru:,.4g}{unit}"
               + (" (same price: fewer instances, then the name, break the tie)" if abs(ru - b) < 1e-9
                  else f" by {100 * (ru - b) / ru:.0f}%")
               + f"; limited by {best.limiting}; {len(fits)} shapes tried")
    return Choice(best, runner, len(fits), why)
