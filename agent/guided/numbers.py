"""Numbers as people write them in a chat, not as a parser would like them.

Why a hand-written parser: people type "1,200", "1.2k", "2.5 million", "half a million", "8%" and
"for 2 years" in the same breath, and the guided mode must understand them without any model. Every
function here is pure (text in, values out) so each rule can be unit tested on its own.

Decisions written down here because they are judgement calls:
- "1.200" is 1.2 (English decimal point); "1.200.000" (two or more dot groups) is 1,200,000.
- "k"/"m"/"b" scale a number only when they end the word ("18 months" is 18, "2.5m" is 2,500,000).
- A range ("2,000-3,000", "2k to 3k", "between 2 and 3 thousand") counts as its midpoint: capacity
  planning wants the typical value, and the plan's safety margin covers the upper end.
- A minus sign counts only where it starts a number ("-500 users"), never inside a range.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

SCALES: dict[str, float] = {
    "k": 1e3, "thousand": 1e3, "thousands": 1e3, "grand": 1e3,
    "m": 1e6, "mm": 1e6, "mn": 1e6, "mil": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6,
    "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9,
    "hundred": 1e2, "hundreds": 1e2, "dozen": 12.0, "dozens": 12.0, "lakh": 1e5, "crore": 1e7,
}

_UNITS: dict[str, float] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "couple": 2, "few": 3,
}
_FRACTIONS = {"half": 0.5, "quarter": 0.25}
_BIG = {"hundred": 1e2, "thousand": 1e3, "million": 1e6, "billion": 1e9, "dozen": 12.0}
_WORDS = sorted([*_UNITS, *_FRACTIONS, *_BIG, "a", "an", "and", "of"], key=len, reverse=True)
_WORD_RUN = re.compile(
    r"(?<![\w-])(?:(?:" + "|".join(_WORDS) + r")(?:[\s-]+|(?=[^\w-])|$))+", re.IGNORECASE)

_SUFFIX = r"(?:\s*(?P<{name}>k|mm|mn|m|bn|b)\b|\s+(?P<{name}w>thousands?|millions?|billions?|hundreds?|dozens?|grand|mil|mio|lakh|crore)\b)?"
_DIGITS = (r"(?:\d+(?:\.\d+)?e[+-]?\d+(?![\w])"  # 1e6, 2.5e5: scientific, as pasted from a spreadsheet
           r"|\d{1,3}(?:,\d{3})+(?:\.\d+)?"  # 1,200 / 1,200.5
           r"|\d{1,3}(?:\.\d{3}){2,}"  # 1.200.000
           r"|\d+(?:_\d{3})+"  # 200_000
           r"|\d*\.\d+|\d+)")
_NUM = re.compile(
    r"(?P<sign>(?<![\w.,])[-−–](?=\d))?(?<![\w.])(?P<a>" + _DIGITS + r")" + _SUFFIX.format(name="sa")
    + r"(?:(?P<pa>\s*%)?\s*(?:-|–|to)\s*(?P<b>" + _DIGITS + r")" + _SUFFIX.format(name="sb") + r")?"  # "5% to 10%" too
    + r"(?P<pct>\s*(?:%|percent\b|per\s*cent\b|pct\b))?",
    re.IGNORECASE)


@dataclass(frozen=True)
class Number:
    """One number found in a message: its value, where it was, and whether it was a percentage."""

    value: float
    start: int
    end: int
    percent: bool = False
    is_range: bool = False
    low: float | None = None  # a range's ends ("from 3,000 to 6,000" means the upper one)
    high: float | None = None
    scaled: bool = False  # carried k / million / "half a million"...: certainly a count, not a ratio

    @property
    def fraction(self) -> float:
        """A percentage as a fraction (8% -> 0.08); other numbers unchanged."""
        return self.value / 100.0 if self.percent else self.value


def _digits(text: str) -> float:
    t = text.replace(",", "").replace("_", "")
    if t.count(".") >= 2:
        t = t.replace(".", "")
    return float(t)


def _scale(m: re.Match[str], name: str) -> float:
    word = m.group(name) or m.group(name + "w")
    return SCALES[word.lower()] if word else 1.0


def words_to_number(text: str) -> float | None:
    """Value of a run of number words ("two hundred thousand", "half a million"), or None."""
    tokens = [t for t in re.split(r"[\s-]+", text.lower().strip()) if t]
    total, current, seen = 0.0, 0.0, False
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if tok in ("a", "an"):
            if nxt in _BIG and current == 0:
                current = 1.0
            continue
        if tok in ("and", "of"):
            continue
        if tok in _UNITS:
            if tok in ("couple", "few") and nxt not in _BIG and nxt not in ("of", "hundred"):
                return None if not seen else total + current
            current += _UNITS[tok]
            seen = True
        elif tok in _FRACTIONS:
            current += _FRACTIONS[tok]
            seen = True
        elif tok == "hundred":
            current = (current or 1.0) * 100
            seen = True
        elif tok in _BIG:
            total += (current or 1.0) * _BIG[tok]
            current, seen = 0.0, True
    return total + current if seen else None


def find_numbers(text: str) -> list[Number]:
    """Every number in the text, in order, with digits and number words both understood."""
    found: list[Number] = []
    for m in _NUM.finditer(text):
        a = _digits(m.group("a"))
        sa, sb = _scale(m, "sa"), _scale(m, "sb")
        pct = bool(m.group("pct") or m.group("pa"))
        if m.group("b") is not None:
            b = _digits(m.group("b")) * sb
            a = a * (sa if (m.group("sa") or m.group("saw")) else sb)
            lo, hi = a, b
            if hi < lo:  # "2-3k" read badly, or a subtraction: keep the larger reading honest
                lo, hi = hi, lo
            found.append(Number((lo + hi) / 2, m.start(), m.end(), pct, True, lo, hi, sa != 1 or sb != 1))
            continue
        value = a * sa
        if m.group("sign"):
            value = -value
        found.append(Number(value, m.start(), m.end(), pct, scaled=sa != 1))
    taken = [(n.start, n.end) for n in found]
    for m in _WORD_RUN.finditer(text):
        start, end = m.start(), m.end()
        raw = m.group(0)
        stripped = raw.rstrip(" -\t")
        end = start + len(stripped)
        # a run that ends in "a"/"and"/"of" belongs to the next word, not the number
        while True:
            tail = re.search(r"[\s-]+(a|an|and|of)$", text[start:end], re.IGNORECASE)
            if not tail:
                break
            end = start + tail.start()
        lead = re.match(r"(?:(?:and|of)[\s-]+)+", text[start:end], re.IGNORECASE)
        if lead:
            start += lead.end()
        if any(s < end and start < e for s, e in taken):
            continue
        worded = words_to_number(text[start:end])
        if worded is None:
            continue
        value = worded
        pm = re.match(r"\s*(?:%|percent\b|per\s*cent\b)", text[end:], re.IGNORECASE)
        pct = bool(pm)
        if pm:
            end += pm.end()
        scaled = bool(re.search(r"hundred|thousand|million|billion|dozen", text[start:end], re.IGNORECASE))
        found.append(Number(value, start, end, pct, scaled=scaled))
    found.sort(key=lambda n: n.start)
    return _merge_between(text, found)


def _merge_between(text: str, found: list[Number]) -> list[Number]:
    """ "between 2 and 3 thousand" is one range; the scale written once applies to both ends."""
    out: list[Number] = []
    i = 0
    while i < len(found):
        a = found[i]
        b = found[i + 1] if i + 1 < len(found) else None
        if (b is not None and not a.is_range and not b.is_range
                and re.search(r"\bbetween\s+$", text[max(0, a.start - 12):a.start], re.IGNORECASE)
                and re.fullmatch(r"\s+and\s+", text[a.end:b.start], re.IGNORECASE)):
            lo = a.value
            if not a.scaled and b.scaled:
                lo *= next((f for f in (1e9, 1e6, 1e3) if lo * f <= b.value), 1.0)
            low, high = min(lo, b.value), max(lo, b.value)
            out.append(Number((low + high) / 2, a.start, b.end, a.percent or b.percent, True, low, high,
                              a.scaled or b.scaled))
            i += 2
            continue
        out.append(a)
        i += 1
    return out


def parse_number(text: str) -> float | None:
    """The value when the whole text is one number ("1.2k", "half a million", "8%"), else None."""
    stripped = text.strip().rstrip(".!?,;:").strip()
    stripped = re.sub(r"^(?:about|around|roughly|approximately|approx\.?|maybe|say|like|~|≈|circa|ca\.?)\s*(?=[\d.a-z-])",
                      "", stripped, flags=re.IGNORECASE)
    stripped = re.sub(r"\s*(?:\+|or so|ish|-ish|max|tops)$", "", stripped, flags=re.IGNORECASE)
    nums = find_numbers(stripped)
    if len(nums) != 1:
        return None
    n = nums[0]
    if n.end != len(stripped) or not re.fullmatch(r"(?:between\s+)?", stripped[:n.start], re.IGNORECASE):
        return None
    return n.value


def parse_percent(text: str) -> float | None:
    """A percentage written as "8%", "8 percent" or "0.5%", as a fraction (0.08), else None."""
    for n in find_numbers(text):
        if n.percent:
            return n.fraction
    return None


_PERIOD_WORDS: list[tuple[str, float]] = [
    (r"\b(?:per|a|an|each|every|/)\s*(?:calendar\s+)?month\b|\bmonthly\b|\bmonth[\s-]+over[\s-]+month\b|\bmom\b|/\s*mo\b|\bpm\b|\bp\.m\.", 1.0),
    (r"\b(?:per|a|an|each|every|/)\s*(?:calendar\s+)?year\b|\b(?:this|next|in\s+(?:a|one)|over\s+(?:the|a|one)(?:\s+(?:next|coming))?"
     r"|(?:in|within)\s+the\s+(?:next|coming)|the\s+(?:next|coming))\s+year\b|\byearly\b|\bannual(?:ly)?\b|\bper\s+annum\b|\byear[\s-]+over[\s-]+year\b|\byoy\b|/\s*yr\b|\bp\.a\.|\bpa\b", 12.0),
    (r"\b(?:per|a|an|each|every|/)\s*quarter\b|\bquarterly\b|\bqoq\b", 3.0),
    (r"\b(?:per|a|an|each|every|/)\s*week\b|\bweekly\b|\bwow\b", 12.0 / 52.0),
    (r"\b(?:per|a|an|each|every|/)\s*day\b|\bdaily\b", 12.0 / 365.0),
]


def rate_period_months(text: str) -> float | None:
    """Months in the period a rate is quoted for ("a month" -> 1, "yearly" -> 12), or None."""
    best: tuple[int, float] | None = None
    for pattern, months in _PERIOD_WORDS:
        m = re.search(pattern, text, re.IGNORECASE)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), months)
    return best[1] if best else None


def to_monthly_rate(rate: float, period_months: float) -> float:
    """Compound-equivalent monthly growth: 100% a year is 5.9% a month, not 8.3%."""
    if period_months == 1:
        return rate
    if rate <= -1:
        return -1.0
    return (1.0 + rate) ** (1.0 / period_months) - 1.0


_UNIT_MONTHS = {"month": 1.0, "mo": 1.0, "year": 12.0, "yr": 12.0, "quarter": 3.0, "week": 12.0 / 52.0}
_DURATION = re.compile(r"\s*(?:-\s*)?(?P<unit>months?|mos?|years?|yrs?|quarters?|weeks?)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Duration:
    months: float
    start: int
    end: int


def find_durations(text: str) -> list[Duration]:
    """Lengths of time ("18 months", "2 years", "a year", "two-year", "next quarter"), in months."""
    out: list[Duration] = []
    for n in find_numbers(text):
        if n.percent:
            continue
        m = _DURATION.match(text, n.end)
        if m:
            unit = m.group("unit").lower().rstrip("s")
            out.append(Duration(n.value * _UNIT_MONTHS[unit], n.start, m.end()))
    for m in re.finditer(r"\b(?:(?:for|over|in|within|across|during|through)\s+(?:a|an|one|the\s+next|the\s+coming)"
                         r"|(?:the\s+)?(?:next|coming))\s+(?P<unit>year|quarter|month)\b",
                         text, re.IGNORECASE):
        if any(d.start <= m.start() < d.end for d in out):
            continue
        out.append(Duration(_UNIT_MONTHS[m.group("unit").lower()], m.start(), m.end()))
    out.sort(key=lambda d: d.start)
    return out


def parse_duration_months(text: str) -> float | None:
    """Months in the first length of time in the text ("for 2 years" -> 24), else None."""
    ds = find_durations(text)
    return ds[0].months if ds else None
