"""Stage 1 of reading a message: the text as the later stages expect it.

Why a stage of its own: typos, shorthand, locale number formats and number words ("a quarter of an
hour", "1 in 10") are the same whatever the number means, so they are settled once, before any
stage decides what a number is. A number that cannot be read without guessing ("12,5" with no
locale cue, "10^9", "1e308") becomes a problem: the guided mode asks instead of planning from it.

Locale rule: a sentence with a dot-grouped number ("2.500.000") uses dots for thousands, so "3.200"
in it is 3,200; a comma followed by one or two digits is a decimal comma when a scale or percent
follows ("2,5 million", "1,5%"), and ambiguous otherwise.
"""
from __future__ import annotations

import re

from agent.guided.typos import correct_typos, expand_shorthand

_I = re.IGNORECASE
_DOT_GROUPS = re.compile(r"\b\d{1,3}(?:\.\d{3}){2,}\b")
_DOT_THOUSAND = re.compile(r"\b(\d{1,3})\.(\d{3})\b(?!\.\d)")
_DECIMAL_COMMA = re.compile(r"(?<![\d,.])(\d+),(\d{1,2})(?=\s*(?:%|k\b|m\b|mio\b|million|billion|thousand|lakh|crore))", _I)
_AMBIGUOUS_COMMA = re.compile(r"(?<![\d,.])(\d+),(\d{1,2})(?![\d,])")
_POWER = re.compile(r"\b\d+\s*\^\s*\d+")
_HUGE_EXP = re.compile(r"\b\d+(?:\.\d+)?e\+?(\d{2,})(?![\d.])", _I)
# "a quarter of them", "a third use it": a share of people (never "15% a quarter", "a quarter million")
_SHARE_OF = r"(?=\s+(?:of (?:them|those|our|the|all|us|registered|users|customers|employees|students)\b|use\b|come\b|are\b|would\b|log\b|chat\b|open\b))"
_PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\ba quarter of an hour\b", _I), "15 minutes"),
    (re.compile(r"\bhalf an hour\b", _I), "30 minutes"),
    (re.compile(r"\b(?:an|one) hour and a half\b", _I), "90 minutes"),
    (re.compile(r"\b(?:an|one) hour\b", _I), "60 minutes"),
    (re.compile(r"\b(\d+) in (\d+)\b", _I), "{ratio}%"),
    (re.compile(r"\ba quarter\b" + _SHARE_OF, _I), "25%"),
    (re.compile(r"\ba third\b" + _SHARE_OF, _I), "33.3333%"),
    (re.compile(r"\ba fifth\b" + _SHARE_OF, _I), "20%"),
    (re.compile(r"\ba tenth\b" + _SHARE_OF, _I), "10%"),
    (re.compile(r"\bhalf (?=of\b|those\b|them\b|use\b)", _I), "50% "),
    (re.compile(r"\b(?:about|roughly|around|maybe) half\b(?=\s+(?:of|those|them|use|are|would)\b)", _I), "about 50%"),
)


def normalise(text: str) -> tuple[str, list[str]]:
    """(the text to read, problems that need a question instead of a guess)."""
    problems: list[str] = []
    for m in _POWER.finditer(text):
        problems.append(f"\"{m.group(0)}\" looks like a power of ten; so I don't misread it, what is the number written "
                        "out (for example 1,000,000,000 or 1 billion; 100%)?")
    for m in _HUGE_EXP.finditer(text):
        if int(m.group(1)) > 12:
            problems.append(f"\"{m.group(0)}\" is far beyond anything I can plan; what is the real figure?")
    text = _POWER.sub(" ", text)
    text = _HUGE_EXP.sub(lambda m: m.group(0) if int(m.group(1)) <= 12 else " ", text)
    text = expand_shorthand(correct_typos(text))
    if _DOT_GROUPS.search(text):
        text = _DOT_GROUPS.sub(lambda m: m.group(0).replace(".", ""), text)
        text = _DOT_THOUSAND.sub(r"\1\2", text)
    text = _DECIMAL_COMMA.sub(r"\1.\2", text)
    for m in _AMBIGUOUS_COMMA.finditer(text):
        whole, frac = m.group(1), m.group(2)
        problems.append(f"Is \"{whole},{frac}\" {whole}.{frac} (a decimal comma) or {whole},{frac}00? Please write it "
                        f"as, for example, \"{whole}.{frac}k\" or \"{int(whole) * 1000 + int(frac.ljust(3, '0')):,}\".")
    text = _AMBIGUOUS_COMMA.sub(" ", text)
    for pat, repl in _PHRASES:
        if "{ratio}" in repl:
            text = pat.sub(lambda m: f"{100 * int(m.group(1)) / max(1, int(m.group(2))):g}%", text)
        else:
            text = pat.sub(repl, text)
    return text, problems
