"""Ranges in a scenario: any numeric field may be `{"low", "high"[, "mid"][, "distribution"]}`.

Why a separate layer in front of `Scenario` instead of `float | Range` on every field: the field
declarations stay plain (other sections and load sources are added without knowing about ranges),
and every concrete scenario a draw produces is validated by the very same model as a hand-written
one. `split()` walks the raw JSON guided by the model's numeric fields, checks each range against
that field's own limits (so a range is validated like the number it stands for, with the field
named), and returns the *central* scenario (each range at its middle) plus the ranges by path.
`concrete()` puts drawn values back; `schema_with_ranges()` tells editors and chat models that a
range is allowed wherever a number is.

Distributions (each a function of one uniform u in [0, 1), so draws are inverse-CDF transforms):
- uniform: every value between low and high equally likely (the default without `mid`).
- triangular: most likely at `mid` (the default when `mid` is given; `mid` defaults to the midpoint),
  falling linearly to zero at low and high.
- lognormal: low and high are the 5th and 95th percentiles (a 90% interval); the median is
  sqrt(low x high). Skewed to the right: for quantities that are "probably about X, could be 3x".
  Draws beyond the field's limits are clipped to them.
"""
from __future__ import annotations

import math
import types
import typing
from dataclasses import dataclass
from functools import cache
from statistics import NormalDist
from typing import Any, Literal, Union

import annotated_types as at
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator, model_validator
from pydantic_core import PydanticCustomError

from forecasting.errors import ScenarioError
from forecasting.json_number import KIND as JSON_NUMBER, number_problem
from forecasting.range_syntax import is_range_object

Distribution = Literal["uniform", "triangular", "lognormal"]
Z90 = NormalDist().inv_cdf(0.95)  # 1.6449: half-width of a 90% interval in standard deviations
_STD_NORMAL = NormalDist()


class Range(BaseModel):
    """An uncertain number: somewhere between low and high (see the module docstring for shapes)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)
    low: float = Field(description="lowest plausible value (lognormal: 5th percentile)")
    high: float = Field(description="highest plausible value (lognormal: 95th percentile)")
    mid: float | None = Field(None, description="most likely value (makes the range triangular)")
    distribution: Distribution | None = Field(
        None, description="uniform (default), triangular (default when mid is given) or lognormal")

    @field_validator("low", "high", "mid", mode="before")
    @classmethod
    def _json_number(cls, value: Any) -> Any:
        why = number_problem(value)
        if why is not None:
            raise PydanticCustomError(JSON_NUMBER, why)
        return value

    @model_validator(mode="after")
    def _ordered(self) -> "Range":
        if self.low > self.high:
            raise ValueError(f"low ({self.low:g}) must not be above high ({self.high:g})")
        if self.mid is not None:
            if not self.low <= self.mid <= self.high:
                raise ValueError(f"mid ({self.mid:g}) must lie between low ({self.low:g}) and high ({self.high:g})")
            if self.distribution in ("uniform", "lognormal"):
                raise ValueError(f"mid shapes a triangular range only; remove it for a {self.distribution} range"
                                 + (f" (a lognormal's median is sqrt(low x high) = {math.sqrt(self.low * self.high):g})"
                                    if self.distribution == "lognormal" and self.low > 0 else ""))
        if self.distribution == "lognormal" and self.low <= 0:
            raise ValueError(f"a lognormal range needs low > 0 (got {self.low:g})")
        return self

    @property
    def kind(self) -> Distribution:
        if self.distribution is not None:
            return self.distribution
        return "uniform" if self.mid is None else "triangular"

    @property
    def mode(self) -> float:
        return self.mid if self.mid is not None else (self.low + self.high) / 2.0

    @property
    def middle(self) -> float:
        """The single value that stands for the range: mid if given, else the median of its shape."""
        if self.mid is not None:
            return self.mid
        if self.kind == "lognormal":
            return self.low if self.low == self.high else math.sqrt(self.low * self.high)
        return (self.low + self.high) / 2.0

    def quantile(self, u: float) -> float:
        """The value at cumulative probability u (inverse CDF); exact at the ends of a collapsed range."""
        lo, hi = self.low, self.high
        if lo == hi:
            return lo
        kind = self.kind
        if kind == "uniform":
            return lo + u * (hi - lo)
        if kind == "triangular":
            c, w = self.mode, hi - lo
            if u < (c - lo) / w:
                return lo + math.sqrt(u * w * (c - lo))
            return hi - math.sqrt((1.0 - u) * w * (hi - c))
        mu = (math.log(lo) + math.log(hi)) / 2.0
        sigma = (math.log(hi) - math.log(lo)) / (2.0 * Z90)
        return math.exp(mu + sigma * _STD_NORMAL.inv_cdf(min(max(u, 1e-12), 1.0 - 1e-12)))


# ----------------------------------------------------------------------------------------------
# Which scenario fields are numbers, and their limits: read from the model, so new fields just work.
@dataclass(frozen=True)
class NumericField:
    path: str
    integer: bool
    adapter: TypeAdapter[Any]
    lower: float | None  # clip bound (inclusive after adjusting strict bounds)
    upper: float | None

    def clip(self, x: float) -> float | int:
        """A drawn value made valid for the field: inside its limits, and whole for integer fields."""
        if self.lower is not None and x < self.lower:
            x = self.lower
        if self.upper is not None and x > self.upper:
            x = self.upper
        return int(round(x)) if self.integer else x


def _unwrap(annotation: Any) -> list[Any]:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        return [a for a in typing.get_args(annotation) if a is not type(None)]
    return [annotation]


def _numeric_field(path: str, kind: type, metadata: list[Any]) -> NumericField:
    integer = kind is int
    lower = upper = None
    for m in metadata:
        if isinstance(m, at.Ge):
            lower = float(m.ge)  # type: ignore[arg-type]
        elif isinstance(m, at.Gt):
            g = float(m.gt)  # type: ignore[arg-type]
            lower = g + 1 if integer else math.nextafter(g, math.inf)
        elif isinstance(m, at.Le):
            upper = float(m.le)  # type: ignore[arg-type]
        elif isinstance(m, at.Lt):
            lt = float(m.lt)  # type: ignore[arg-type]
            upper = lt - 1 if integer else math.nextafter(lt, -math.inf)
    args = tuple([kind, *metadata])
    annotated: Any = typing.cast(Any, typing.Annotated)[args] if metadata else kind
    adapter: TypeAdapter[Any] = TypeAdapter(annotated)
    return NumericField(path, integer, adapter, lower, upper)


@cache
def numeric_fields(model: type[BaseModel] | None = None) -> dict[str, NumericField]:
    """Dotted path -> numeric field of the scenario model (nested sections included)."""
    if model is None:
        from forecasting.scenario import Scenario

        model = Scenario
    out: dict[str, NumericField] = {}

    def walk(m: type[BaseModel], prefix: str) -> None:
        for name, info in m.model_fields.items():
            for ann in _unwrap(info.annotation):
                if isinstance(ann, type) and issubclass(ann, BaseModel):
                    walk(ann, f"{prefix}{name}.")
                elif ann in (int, float):
                    out[f"{prefix}{name}"] = _numeric_field(f"{prefix}{name}", ann, list(info.metadata))
    walk(model, "")
    return out


@cache
def _sections(model: type[BaseModel] | None = None) -> frozenset[str]:
    """Dotted paths of the sections (nested models) that hold numeric fields."""
    return frozenset(".".join(p.split(".")[:i]) for p in numeric_fields(model) for i in range(1, p.count(".") + 1))


def _problems(path: str, exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err.get("loc", ()))
        where = f"{path}.{loc}" if loc else path
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown key in a range (allowed: low, high, mid, distribution)"
        elif err.get("type") == "missing":
            where, msg = path, f"a range needs both low and high ({loc} is missing)"
        given = err.get("input")
        shown = "" if isinstance(given, (dict, list)) or err.get("type") in ("value_error", "missing", "extra_forbidden", JSON_NUMBER) else f" (got {given!r})"
        out.append(f"{where}: {msg}{shown}")
    return out


def parse_range(path: str, value: Any, field: NumericField) -> Range:
    """A Range checked like the field's number: low, high and mid must each be valid values of it."""
    try:
        r = Range.model_validate(value)
    except ValidationError as exc:
        raise ScenarioError(_problems(path, exc)) from None
    problems = []
    for key in ("low", "high", "mid"):
        x = getattr(r, key)
        if x is None:
            continue
        try:
            field.adapter.validate_python(int(x) if field.integer and float(x).is_integer() else x)
        except ValidationError as exc:
            problems += _problems(f"{path}.{key}", exc)
    if problems:
        raise ScenarioError(problems)
    return r


def split(obj: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Range]]:
    """(central scenario with each range at its middle, {path: Range}); ScenarioError names bad ranges."""
    fields, sections = numeric_fields(), _sections()
    ranges: dict[str, Range] = {}
    problems: list[str] = []

    def walk(d: dict[str, Any], prefix: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in d.items():
            path = f"{prefix}{k}"
            if isinstance(v, dict) and path in fields:
                try:
                    r = ranges[path] = parse_range(path, v, fields[path])
                    out[k] = fields[path].clip(r.middle)
                except ScenarioError as exc:
                    problems.extend(exc.problems)
                    out[k] = v
            elif isinstance(v, dict) and path in sections:
                out[k] = walk(v, path + ".")
            elif isinstance(v, list) and any(is_range_object(x) for x in v):
                problems.append(f"{path}: ranges are not supported inside lists; give one number per entry")
                out[k] = v
            else:
                out[k] = v
        return out

    central = walk(obj, "")
    if problems:
        raise ScenarioError(problems)
    return central, ranges


def concrete(central: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A copy of the central scenario with `values` set at their paths (only the touched sections copied)."""
    out = dict(central)
    for path, value in values.items():
        parts = path.split(".")
        cur = out
        for part in parts[:-1]:
            nxt = dict(cur.get(part) or {})
            cur[part] = nxt
            cur = nxt
        cur[parts[-1]] = value
    return out


def schema_with_ranges(schema: dict[str, Any]) -> dict[str, Any]:
    """A JSON Schema in which every number or integer property may also be a Range object."""
    defs = schema.setdefault("$defs", {})
    defs.setdefault("Range", _range_schema())
    ref = {"$ref": "#/$defs/Range"}

    def widen(prop: dict[str, Any]) -> None:
        if prop.get("type") in ("number", "integer"):
            number = {k: prop.pop(k) for k in list(prop) if k not in ("title", "description", "default")}
            prop["anyOf"] = [number, ref]
        elif "anyOf" in prop:
            alts = prop["anyOf"]
            if any(a.get("type") in ("number", "integer") for a in alts) and ref not in alts:
                alts.insert(len([a for a in alts if a.get("type") != "null"]), ref)

    for holder in [schema, *[d for k, d in defs.items() if k != "Range"]]:
        for prop in holder.get("properties", {}).values():
            widen(prop)
    return schema


def _range_schema() -> dict[str, Any]:
    s = Range.model_json_schema()
    s.pop("title", None)
    s["description"] = ("an uncertain number, allowed wherever a number is: between low and high "
                        "(uniform; triangular around mid; lognormal with low/high as a 90% interval)")
    for prop in s.get("properties", {}).values():
        prop.pop("title", None)
    return s
