"""Model and GPU names as people write them ("Claude Sonnet 4.6", "Llama 3.1 70B", "H100s") -> catalog ids.

Why patterns are built from the catalogs: the ids live in one place (`forecasting/data/*.json`); a
model added there is understood here without a code change. Only the nicknames that no id spells
("Sonnet", "Llama 70B", "A100") are written out below, each a guided-mode decision.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parents[2] / "forecasting" / "data"
_SEP = r"[\s\-.:_/]*"
_END = r"(?![\w]|\.\d)"

# A family named without a version means its current mainstream member (a guided-mode choice): one the
# price data (forecasting/data/llm_api.json, LiteLLM 2026-11-27) does not deprecate within a year of its
# date, so a plan for "Gemini" does not open with a deprecation warning. tests/test_guided_names.py keeps
# this true as the data changes. DeepSeek is the exception: deepseek-chat (deprecated 2026-07-24) is the
# only DeepSeek model the data holds, and its plan says so.
FAMILY_DEFAULTS: list[tuple[str, str]] = [
    (r"(?:claude[\s-]*)?sonnet", "claude-sonnet-4-6"),
    (r"(?:claude[\s-]*)?opus", "claude-opus-4-6"),
    (r"(?:claude[\s-]*)?haiku", "claude-haiku-4-5"),
    (r"claude", "claude-sonnet-4-6"),
    (r"gemini[\s-]*flash[\s-]*lite", "gemini-2.5-flash-lite"),
    (r"gemini[\s-]*pro", "gemini-3.1-pro-preview"),  # the only current Pro (2.5 Pro: deprecated 2026-12-01)
    (r"gemini(?:[\s-]*flash)?", "gemini-3.5-flash"),  # the current GA Flash (2.5 Flash: deprecated 2026-12-01)
    (r"deepseek", "deepseek-chat"),
    (r"chat[\s-]*gpt", "gpt-5.4-mini"),  # OpenAI's current mini tier (gpt-5-mini: deprecated 2026-12-11)
]

GPU_PATTERNS: list[tuple[str, str]] = [
    (r"h100[\s-]*pcie", "h100-pcie"),
    (r"h100(?:[\s-]*sxm\d?)?(?:[\s-]*80[\s-]*gb)?", "h100-sxm"),
    (r"gh[\s-]*200", "gh200"),
    (r"h[\s-]*200", "h200"),
    (r"b[\s-]*200", "b200"),
    (r"a100[\s-]*(?:sxm\d?[\s-]*|pcie[\s-]*)?40[\s-]*gb", "a100-40gb"),
    (r"a100(?:[\s-]*(?:sxm\d?[\s-]*|pcie[\s-]*)?80[\s-]*gb)?", "a100-80gb"),
    (r"l40[\s-]*s", "l40s"),
    (r"l4", "l4"),
    (r"a10g?", "a10g"),
    (r"mi[\s-]*300[\s-]*x?", "mi300x"),
    (r"t4", "t4"),
]


@dataclass(frozen=True)
class Found:
    value: str
    start: int
    end: int


def _load(name: str, key: str) -> list[dict]:
    try:
        return list(json.loads((_DATA / name).read_text())[key])
    except (OSError, ValueError, KeyError):  # a broken catalog must not break the chat
        return []


def _id_pattern(model_id: str) -> str:
    """ "claude-sonnet-4-6" -> a regex that also accepts "Claude Sonnet 4.6"; digit groups stay apart."""
    tokens = re.findall(r"[a-z]+|\d+", model_id.lower())
    out = tokens[0]
    for prev, tok in zip(tokens, tokens[1:]):
        sep = r"[\s\-.:_/]+" if prev.isdigit() and tok.isdigit() else _SEP
        out += sep + re.escape(tok)
    return out


@lru_cache(maxsize=1)
def _api_patterns() -> list[tuple[re.Pattern[str], str]]:
    ids = [m["id"] for m in _load("llm_api.json", "models") if "/" not in m.get("id", "/")]
    pats: list[tuple[str, str]] = []
    for mid in sorted(ids, key=len, reverse=True):
        pats.append((_claude_pattern(mid) if mid.startswith("claude-") else _id_pattern(mid), mid))
    pats += [(p, mid) for p, mid in FAMILY_DEFAULTS if mid in ids]
    return [(re.compile(r"(?<![\w.])" + p + _END, re.IGNORECASE), mid) for p, mid in pats]


def _claude_pattern(model_id: str) -> str:
    """Claude ids: the brand is optional and "4.6" may come before or after the tier ("Claude 4.6 Sonnet")."""
    tokens = re.findall(r"[a-z]+|\d+", model_id.lower())[1:]
    tier = tokens[0]
    version = r"[\s\-.]+".join(tokens[1:])
    return (r"(?:claude" + _SEP + r")?(?:" + tier + _SEP + version + r"|" + version + _SEP + tier + r")")


@lru_cache(maxsize=1)
def _open_patterns() -> list[tuple[re.Pattern[str], str]]:
    models = _load("llm_models.json", "models")
    pats: list[tuple[str, str]] = []
    for m in sorted(models, key=lambda m: len(m["id"]), reverse=True):
        pats.append((_id_pattern(m["id"]), m["id"]))
    # "Llama 70B", "Llama 3 70B", "Qwen 72B": family and size, first catalog member wins
    for m in models:
        tokens = re.findall(r"[a-z]+|\d+x\d+|\d+", m["id"].lower())
        family, size = tokens[0], m["id"].lower().rsplit("-", 1)[-1]
        if not re.fullmatch(r"\d+(?:x\d+)?b", size):
            continue
        pats.append((family + r"(?:" + _SEP + r"\d+(?:\.\d+)?)?" + _SEP + re.escape(size[:-1]) + _SEP + "b", m["id"]))
    seen: set[str] = set()
    out = []
    for p, mid in pats:
        if p not in seen:
            seen.add(p)
            out.append((re.compile(r"(?<![\w.])" + p + _END, re.IGNORECASE), mid))
    return out


@lru_cache(maxsize=1)
def _gpu_patterns() -> list[tuple[re.Pattern[str], str]]:
    known = {g["id"] for g in _load("gpus.json", "gpus")}
    return [(re.compile(r"(?<![\w.])(?:nvidia[\s-]*|amd[\s-]*|instinct[\s-]*)?" + p + r"s?(?![\w])", re.IGNORECASE), gid)
            for p, gid in GPU_PATTERNS if not known or gid in known]


def _first(patterns: list[tuple[re.Pattern[str], str]], text: str) -> list[Found]:
    found: list[Found] = []
    for pat, value in patterns:
        for m in pat.finditer(text):
            if not any(f.start < m.end() and m.start() < f.end for f in found):
                found.append(Found(value, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def find_api_models(text: str) -> list[Found]:
    return _first(_api_patterns(), text)


def find_open_models(text: str) -> list[Found]:
    return _first(_open_patterns(), text)


def find_gpus(text: str) -> list[Found]:
    return _first(_gpu_patterns(), text)


def api_model_ids() -> list[str]:
    return [m["id"] for m in _load("llm_api.json", "models")]


def open_model_ids() -> list[str]:
    return [m["id"] for m in _load("llm_models.json", "models")]
