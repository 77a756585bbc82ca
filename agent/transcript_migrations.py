"""Named migrations of saved chat transcripts (`PATH.json`), oldest first.

Why migrations and not tolerant readers: a transcript saved by an older capplan is upgraded, step by
step, to the shape this version writes, by small functions that each say what changed (the way
simonw/llm upgrades its log database). The reader (`Session.from_dict`) then only knows the current
shape. Add a change by appending a function here and bumping nothing else: `SCHEMA_VERSION` is the
number of the last migration.
"""
from __future__ import annotations

from typing import Any, Callable

Migration = Callable[[dict[str, Any]], None]


def m002_tool_outcomes(data: dict[str, Any]) -> None:
    """Version 2 keeps each tool call's outcome as data (`tool_outcomes`: id -> ok / error). Version 1
    only had the result text, whose failures began with "Error": that is read once, here."""
    outcomes = data.setdefault("tool_outcomes", {})
    for m in data.get("messages") or []:
        if isinstance(m, dict) and m.get("role") == "tool" and m.get("tool_call_id") is not None:
            content = str(m.get("content") or "")
            outcomes.setdefault(str(m["tool_call_id"]), {"ok": True} if not content.startswith("Error") else
                                {"ok": False, "error": [{"field": "", "message": content.removeprefix("Error:").strip()}]})


# (version it produces, migration), in order; version 1 is the first saved shape
MIGRATIONS: list[tuple[int, Migration]] = [
    (2, m002_tool_outcomes),
]
SCHEMA_VERSION = MIGRATIONS[-1][0]


class NewerTranscript(ValueError):
    """Saved by a newer capplan than this one: upgrading capplan reads it, downgrading it cannot."""


def migrate(data: dict[str, Any]) -> list[str]:
    """Upgrade `data` in place to SCHEMA_VERSION; returns the names of the migrations applied."""
    version = data.get("schema_version", 1)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"schema_version must be a whole number from 1, got {version!r}")
    if version > SCHEMA_VERSION:
        raise NewerTranscript(f"it was saved by a newer capplan (transcript schema {version}; this one reads up to "
                              f"{SCHEMA_VERSION}): upgrade capplan to resume it")
    applied = []
    for target, step in MIGRATIONS:
        if target > version:
            step(data)
            data["schema_version"] = target
            applied.append(step.__name__)
    return applied
