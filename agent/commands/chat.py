"""`capplan chat`: the plain-English conversation that builds, compares and saves capacity plans.

Why openai, rich and the loop are imported inside `run`: `capplan plan` and `--help` must start fast,
and the CLI imports this module to configure its arguments.

Decisions: with `--resume X.json` and no `--save`, the conversation keeps saving to X.md/X.json.
Ctrl-C stops a reply; a second Ctrl-C in a row at the prompt, `/quit` or end of input saves (when a
path is set) and exits 0. When stdin is not a terminal, each non-empty line is one message.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any, Iterator

from agent.errors import InputError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--offline", action="store_true",
                        help="use the built-in guided mode even when an LLM is configured")
    from agent.backends.base import DEFAULT_MODEL

    parser.add_argument("--model", metavar="NAME",
                        help=f"chat model id (default: $CAPPLAN_MODEL or {DEFAULT_MODEL})")
    parser.add_argument("--base-url", metavar="URL",
                        help="OpenAI-compatible server, e.g. http://localhost:11434/v1 (default: $OPENAI_BASE_URL)")
    parser.add_argument("--save", metavar="PATH",
                        help="save the transcript as PATH.md and PATH.json, updated after every turn")
    parser.add_argument("--resume", metavar="PATH.json", help="continue a saved conversation")


def _check(args: argparse.Namespace) -> None:
    problems = []
    from agent.saving import check_target

    if args.save:
        problem = check_target(args.save, "--save")
        if problem:
            problems.append(problem)
    if args.resume:
        p = Path(args.resume).expanduser()
        if p.suffix.lower() != ".json":
            problems.append(f"--resume: expected the .json transcript (e.g. {p.with_suffix('.json')})")
        elif not p.is_file():
            problems.append(f"--resume: no such file: {args.resume}")
        elif not args.save:  # the conversation keeps saving beside the resumed file
            problem = check_target(p, "--resume")
            if problem:
                problems.append(problem + " (give --save PATH to save elsewhere)")
    if args.base_url and not args.base_url.startswith(("http://", "https://")):
        problems.append(f"--base-url: expected an http(s) URL such as http://localhost:11434/v1, got {args.base_url!r}")
    if problems:
        raise InputError(problems)


def make_backend(args: argparse.Namespace, ui: Any) -> Any:
    """The OpenAI backend when an LLM is configured and not --offline; else the built-in guided one."""
    configured = args.base_url or os.environ.get("OPENAI_BASE_URL") or os.environ.get("OPENAI_API_KEY")
    if configured and not args.offline:
        from agent.backends.openai_compatible import OpenAIBackend

        return OpenAIBackend(args.model, args.base_url, notify=ui.warn)
    try:
        from agent.guided.backend import GuidedBackend
    except ImportError:
        raise InputError(["the built-in guided mode is not available in this build (agent.guided.backend); "
                          "set OPENAI_API_KEY, or OPENAI_BASE_URL for a local server, to chat with an LLM"]) from None
    return GuidedBackend()


def warn_model(backend: Any, warn: Any) -> None:
    """Once per start, not per turn: a retired chat model is named before its first 404. Checked by the
    backend's name, so the offline guided mode does not import openai just to skip the check."""
    if getattr(backend, "name", "") == "openai":
        from agent.backends.model_notice import chat_model_notice

        notice = chat_model_notice(backend.model)
        if notice:
            warn(notice)


def run(args: argparse.Namespace) -> int:
    _check(args)
    from agent import transcript
    from agent.loop import ChatLoop
    from agent.saving import TranscriptSaver
    from agent.session import Session
    from agent.slash import HELP, SlashCommands
    from agent.ui import ChatUI

    ui = ChatUI()
    if args.resume:
        try:
            session = transcript.load(args.resume)
            changed = transcript.replan(session)  # stored plans are re-made from stored inputs, not trusted
        except transcript.TranscriptError as exc:
            raise InputError([str(exc)]) from None
        if changed:
            ui.warn(f"Re-planned from their inputs (the stored figures differed): {', '.join(changed)}.")
    else:
        session = Session()
    backend = make_backend(args, ui)
    warn_model(backend, ui.warn)
    save_path = args.save or (transcript.paths_for(args.resume)[0] if args.resume else None)
    saver = TranscriptSaver(session, save_path, secrets=tuple(s for s in (os.environ.get("OPENAI_API_KEY"),) if s),
                            say=ui.info, warn=ui.error)
    loop = ChatLoop(backend, session, hooks=[ui, saver])
    commands = SlashCommands(session, ui, saver)
    interactive = sys.stdin.isatty()
    _greet(loop, ui, resumed=bool(args.resume), interactive=interactive, help_text=HELP)
    terminated = False
    with _terminate_as_exception():
        try:
            _converse(loop, commands, ui, interactive)
        except Terminated:  # SIGTERM: save what was said, as on Ctrl-C, then leave
            terminated = True
            ui.warn("(terminated: saving and leaving)")
            _answer_open_tool_calls(session)
        except Exception:  # a bug surfaces as one (exit 1, --debug hint); what was said is saved first
            if saver.path is not None:
                with _no_interrupt():
                    saver.save()
            raise
    if saver.path is not None:
        with _no_interrupt():
            if not saver.save():
                return 1  # the conversation could not be saved: not a success
    return 143 if terminated else 0


class Terminated(BaseException):
    """SIGTERM arrived: not an Exception, so no handler on the way mistakes it for an error."""


@contextlib.contextmanager
def _terminate_as_exception() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(_sig: int, _frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough; the save must not be cut short
        raise Terminated()

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _answer_open_tool_calls(session: Any) -> None:
    """A turn cut by SIGTERM may leave tool calls without results; give them one so a resume is valid."""
    answered = {m.get("tool_call_id") for m in session.messages if m.get("role") == "tool"}
    for m in list(session.messages):
        for c in m.get("tool_calls") or []:
            if c.get("id") not in answered:
                session.messages.append({"role": "tool", "tool_call_id": c.get("id"),
                                         "content": "Error: the session was terminated before this tool ran."})


@contextlib.contextmanager
def _no_interrupt() -> Iterator[None]:
    """The session is ending: a further Ctrl-C must not cut the final save short (nothing said is lost)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    previous_term = signal.signal(signal.SIGTERM, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.signal(signal.SIGTERM, previous_term)


def _greet(loop: Any, ui: Any, *, resumed: bool, interactive: bool, help_text: str) -> None:
    backend = loop.backend
    if resumed:
        names = ", ".join(loop.session.scenarios) or "none"
        ui.info(f"Resumed: {sum(m.get('role') == 'user' for m in loop.session.messages)} messages, scenarios: {names}.")
    intro = backend.intro()
    if intro and not resumed:
        ui.info(intro)
    if backend.name == "openai":
        where = getattr(backend, "base_url", None) or "api.openai.com"
        ui.info(f"Model {backend.model} at {where}.")
    if interactive and not resumed:
        ui.info("Describe your app, its users and growth in your own words. /help lists commands.")


def _converse(loop: Any, commands: Any, ui: Any, interactive: bool) -> None:
    if not interactive:
        try:
            for raw in sys.stdin:
                line = raw.strip()
                if not line:
                    continue
                ui.echo_user(line)
                if line.startswith("/"):
                    if not commands.run(line):
                        return
                else:
                    loop.turn(line)  # a Ctrl-C during the reply stops only the reply (handled in the loop)
        except KeyboardInterrupt:  # Ctrl-C while waiting for piped input: leave, saving like end of input
            ui.info("(interrupted: saving and leaving)")
        return
    try:
        import readline  # noqa: F401 - line editing and history for input()
    except ImportError:  # pragma: no cover - Windows
        pass
    pending_exit = False
    while True:
        try:
            line = input("> ").strip()
        except EOFError:
            print()
            return
        except KeyboardInterrupt:
            print()
            if pending_exit:
                return
            pending_exit = True
            ui.info("(Ctrl-C again, /quit or Ctrl-D to leave)")
            continue
        pending_exit = False
        if not line:
            continue
        if line.startswith("/"):
            if not commands.run(line):
                return
            continue
        loop.turn(line)
        pending_exit = loop.last_interrupted
