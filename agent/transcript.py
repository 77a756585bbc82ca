"""Saved conversations: Markdown for people, JSON for `--resume`, written side by side.

Why atomic writes after every turn: a crash, a killed terminal or Ctrl-C must lose nothing, and a
half-written file must never replace a good one (tempfile in the same directory, then os.replace).
Why scrubbing here: whatever reached the messages, the API key must never reach a file.
Why the path comes only from the person: `--save PATH` or `/save PATH`; no tool can choose it.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Iterable

from agent import redact
from agent.errors import InputError
from forecasting.vocabulary import cell_text as fmt
from agent.files import atomic_write  # noqa: F401  (re-exported: the transcript's writer)
from agent.session import Session
from agent.transcript_migrations import SCHEMA_VERSION, migrate


class TranscriptError(InputError):
    """A transcript that cannot be read back; the message says which file and why."""


def paths_for(path: str | os.PathLike[str]) -> tuple[Path, Path]:
    """`x.md` -> (x.md, x.json); `x.json` -> (x.md, x.json); `x` -> (x.md, x.json)."""
    p = Path(path).expanduser()
    if p.suffix.lower() in (".md", ".json", ".markdown"):
        stem = str(p)[: -len(p.suffix)]  # not with_suffix: "a.v2.md" must give "a.v2.json"
        md = p if p.suffix.lower() != ".json" else Path(stem + ".md")
        return md, Path(stem + ".json")
    return Path(f"{p}.md"), Path(f"{p}.json")


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """Replace secrets (the configured API key, its fragments) and anything shaped like a key."""
    return redact.scrub(text, secrets)


def saved_turn(session: Session) -> int:
    """The turn a save belongs to (user messages so far): both files carry it, so after a crash between
    the two writes a reader can tell whether the .md and the .json are from the same save."""
    return sum(1 for m in session.messages if m.get("role") == "user")


def to_json(session: Session, saved_at: float | None = None) -> dict[str, Any]:
    return {"schema_version": SCHEMA_VERSION, "kind": "capplan-chat-transcript",
            "saved_at": time.time() if saved_at is None else saved_at, "saved_turn": saved_turn(session),
            **session.to_dict()}


def save(session: Session, path: str | os.PathLike[str], secrets: Iterable[str | None] = ()) -> tuple[Path, Path]:
    """Write both files; returns (markdown path, json path)."""
    md_path, json_path = paths_for(path)
    secrets = list(secrets)
    # compact on purpose: indent switches json to its pure-Python encoder, ~8x slower on big plans
    for target in (md_path, json_path):
        if target.is_dir():
            raise IsADirectoryError(21, "is a directory", str(target))
    now = time.time()
    atomic_write(json_path, redact.scrub_json(to_json(session, now), secrets) + "\n", private=True)
    atomic_write(md_path, scrub(render_markdown(session, now), secrets), private=True)
    return md_path, json_path


def load(path: str | os.PathLike[str]) -> Session:
    p = Path(path).expanduser()
    if p.suffix.lower() != ".json":
        p = paths_for(p)[1]
    try:
        from forecasting.validate import loads_strict

        data = loads_strict(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TranscriptError(f"--resume: no such file: {p}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise TranscriptError(f"--resume: cannot read {p}: {exc}") from None
    except ValueError as exc:
        raise TranscriptError(f"--resume: {p} is not valid JSON ({exc})") from None
    return session_from_data(data, f"--resume: {p}")


def session_from_data(data: Any, source: str) -> Session:
    """A Session from a decoded transcript (a file, or a browser session's JSON); `source` names it in errors."""
    if not isinstance(data, dict) or not isinstance(data.get("messages"), list):
        raise TranscriptError(f"{source} is not a capplan chat transcript (no 'messages' list)")
    for i, m in enumerate(data["messages"]):
        problem = _message_problem(m)
        if problem:
            raise TranscriptError(f"{source}: messages[{i}] {problem}")
    if not isinstance(data.get("scenarios") or [], list) or not all(
            isinstance(r, dict) and isinstance(r.get("name"), str) and isinstance(r.get("inputs"), dict)
            for r in data.get("scenarios") or []):
        raise TranscriptError(f"{source} has a damaged scenario list ('scenarios' must be objects with a name and inputs)")
    try:
        migrate(data)  # an older transcript is upgraded by its named migrations, then read as current
    except ValueError as exc:
        raise TranscriptError(f"{source}: {exc}") from None
    try:
        return Session.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise TranscriptError(f"{source} has a damaged scenario list ({exc})") from None


_ROLES = ("system", "user", "assistant", "tool")


def _message_problem(m: Any) -> str | None:
    """Why a stored message cannot be sent to a model again, or None."""
    if not isinstance(m, dict):
        return f"is not an object (got {type(m).__name__})"
    if m.get("role") not in _ROLES:
        return f"has no valid role (one of {', '.join(_ROLES)})"
    if m.get("content") is not None and not isinstance(m.get("content"), str):
        return "has a content that is not text"
    calls = m.get("tool_calls")
    if calls is not None and (not isinstance(calls, list) or not all(
            isinstance(c, dict) and isinstance(c.get("function"), dict) for c in calls)):
        return "has malformed tool_calls"
    return None


def replan(session: Session) -> list[str]:
    """Re-plan every stored scenario from its stored inputs: a hand-edited plan (a cost of -1) is never
    shown or compared. Returns the names whose stored plan differed; TranscriptError names a scenario
    whose inputs no longer plan."""
    from agent.tools import ToolRegistry, key_figures

    registry = ToolRegistry()
    changed = []
    for name, record in session.scenarios.items():
        try:
            inputs, plan = registry.plan(record.inputs)
        except (ValueError, ArithmeticError) as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            raise TranscriptError(f"--resume: scenario {redact.one_line(name, 60)!r} no longer plans: "
                                  + "; ".join(str(p) for p in problems)[:400]) from None
        if key_figures(plan) != key_figures(record.plan if isinstance(record.plan, dict) else {}):
            changed.append(name)
        record.plan = plan
    return changed


# -- Markdown -----------------------------------------------------------------------------------
def render_markdown(session: Session, saved_at: float | None = None) -> str:
    """The conversation, then every scenario's key figures, then the final plan in full."""
    from forecasting.vocabulary import KEY_FIGURES, key_figures  # the one list of key figures

    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(session.started_at))
    md, block = redact.md_inline, redact.md_block
    out = [f"# capplan conversation, {started}", "",
           f"Model: {md(session.model or 'unknown', 100)} ({md(session.backend or 'unknown', 40)} backend). "
           f"Final scenario: **{md(session.final or 'none yet')}**.", "",
           f"Saved after turn {saved_turn(session)}"
           + (f" at {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime(saved_at))}" if saved_at else "")
           + " (the .json beside this file names its turn in `saved_turn`).", "", "## Conversation", ""]
    names = {}
    for m in session.messages:
        role = m.get("role")
        if role == "user":
            out += [f"**You:** {block(str(m.get('content') or ''))}", ""]
        elif role == "assistant":
            if m.get("content"):
                out += [f"**Assistant:** {block(str(m['content']))}", ""]
            for call in m.get("tool_calls") or []:
                fn = call.get("function") or {}
                names[call.get("id")] = fn.get("name")
                out += [f"> *ran {md(str(fn.get('name')), 60)}* `{_short_args(fn.get('arguments'))}`", ""]
        elif role == "tool":
            if not session.tool_ok(m.get("tool_call_id")):
                out += [f"> *{md(str(names.get(m.get('tool_call_id'), 'tool')), 60)} reported:* "
                        f"{md(str(m.get('content')), 300)}", ""]
    records = list(session.scenarios.values())
    if records:
        out += ["## Scenarios", ""]
        header = ["figure", *[md(r.name, 60) + (" (final)" if r.name == session.final else "") for r in records]]
        figures = [key_figures(r.plan) for r in records]
        out += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for label, path in KEY_FIGURES:
            if any(path in f for f in figures):
                out.append("| " + " | ".join([label, *[md(fmt(f.get(path)), 60) for f in figures]]) + " |")
        out.append("")
        for r in records:
            if r.base:
                out.append(f"- **{md(r.name)}**: what-if from *{md(r.base)}*, changes `{_short_args(r.changes, 400)}`")
            else:
                out.append(f"- **{md(r.name)}**: baseline, inputs `{_short_args(r.inputs, 600)}`")
        out.append("")
    final = session.get(None)
    if final is not None:
        out += [f"## Final plan: {md(final.name)}", "", plan_markdown(final.plan).strip(), ""]
        out += charts_markdown(final.plan)
    return "\n".join(out)


def plan_markdown(plan: dict[str, Any]) -> str:
    """The core's full Markdown report; a key-figure table if the report cannot rebuild this plan."""
    try:
        from forecasting.plan_model import CapacityPlan
        from forecasting.report import render_markdown as report

        p = CapacityPlan.model_validate(plan)
        if p.name:
            p = p.model_copy(update={"name": redact.md_inline(p.name)})  # a name must not inject a heading
        text = report(p)
        return "\n".join("#" + line if line.startswith("#") else line for line in text.splitlines())
    except Exception:  # noqa: BLE001 - an older transcript or a missing report still gets its figures
        from forecasting.vocabulary import KEY_FIGURES, key_figures

        figs = key_figures(plan)
        rows = [f"| {label} | {fmt(figs[path])} |" for label, path in KEY_FIGURES if path in figs]
        extra = [f"- {w}" for w in plan.get("warnings") or []]
        assumptions = [f"- {a.get('name')} = {a.get('value')} {a.get('unit', '')} ({a.get('source', '')})"
                       for a in plan.get("assumptions") or []]
        return "\n".join(["| figure | value |", "|---|---|", *rows, "", *(["Warnings:", *extra, ""] if extra else []),
                          *(["Assumptions:", *assumptions] if assumptions else [])])


def charts_markdown(plan: dict[str, Any]) -> list[str]:
    """The final plan's charts as Mermaid xychart-beta blocks (GitHub and GitLab draw them), tables beside."""
    try:
        from forecasting.plan_model import CapacityPlan
        from forecasting.report.charts import plan_charts
        from forecasting.report.mermaid import render_all

        charts = plan_charts(CapacityPlan.model_validate(plan))
    except Exception:  # noqa: BLE001 - an older transcript's plan: its tables above are enough
        return []
    return ["### Charts", "", render_all(charts).strip(), ""] if charts else []


def _short_args(arguments: Any, limit: int = 200) -> str:
    text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    text = redact.strip_controls(text, keep_newlines=False).replace("`", "'")
    return text if len(text) <= limit else text[:limit] + "..."
