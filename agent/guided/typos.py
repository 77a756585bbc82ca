"""The keywords whose typos the guided mode forgives ("regsitered"), its shorthand ("ppl", "conc"), and the fuzzy match.

Why rapidfuzz: people type "regsitered", "concurrrent" and "custmers"; a well-kept edit-distance
library (C++ core, MIT) matches a mistyped word against this vocabulary far more reliably than a
hand-written distance, and it needs no model. Only words of five letters or more are corrected, and
only towards a vocabulary word with a similarity of 85 or more, so ordinary words stay as they are.
"""
from __future__ import annotations

import re

from rapidfuzz import fuzz, process

KEYWORDS: tuple[str, ...] = (
    "registered", "concurrent", "concurrently", "concurrency", "customers", "simultaneously", "simultaneous",
    "employees", "students", "residents", "licenses", "licences", "members", "subscribers", "sessions",
    "session", "minutes", "monthly", "weekly", "daily", "conversations", "messages", "average", "growth",
    "growing", "multiplier", "players", "accounts", "headcount", "enrolled",
)
# Shorthand people use -> the word the rest of the pipeline reads.
SHORTHAND: dict[str, str] = {
    "ppl": "people", "avg": "average", "reg": "registered", "conc": "concurrent", "mo": "month",
    "mos": "months", "yr": "year", "yrs": "years", "rn": "right now", "mult": "multiplier",
    "custs": "customers", "usrs": "users", "approx": "about",
}
_WORD = re.compile(r"[A-Za-z]{5,}")
_SHORT = re.compile(r"\b(" + "|".join(map(re.escape, SHORTHAND)) + r")\b(?!\.\d)", re.IGNORECASE)
_KNOWN = frozenset(KEYWORDS)


def correct_typos(text: str) -> str:
    """Mistyped vocabulary words replaced by the word they are closest to (case kept lower)."""
    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        low = word.lower()
        if low in _KNOWN:
            return word
        best = process.extractOne(low, KEYWORDS, scorer=fuzz.ratio, score_cutoff=85)
        return best[0] if best else word
    return _WORD.sub(fix, text)


def expand_shorthand(text: str) -> str:
    return _SHORT.sub(lambda m: SHORTHAND[m.group(1).lower()], text)
